"""Which uploaded files are accepted: by declared name and size, then by their content."""

from __future__ import annotations

import io
import zipfile

import pytest

from documents.uploads import check_content
from domain.errors import InputError
from domain.uploads import (
    ACCEPTED,
    ACCEPTED_LABEL,
    TELEGRAM_DOWNLOAD_LIMIT,
    AcceptedFile,
    check_declared,
    extension_of,
)
from tests.domain_factories import (
    csv_bytes,
    docx_bytes,
    exe_bytes,
    jpeg_bytes,
    pdf_bytes,
    png_bytes,
    with_declared_size,
    xlsx_bytes,
    zip_bytes,
)

MB = 1024 * 1024
LIMIT = 10 * MB
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


# --- accepted -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "extension", "mime"),
    [
        ("laporan.pdf", pdf_bytes(), "pdf", "application/pdf"),
        ("LAPORAN_TW-IV.PDF", pdf_bytes(), "pdf", "application/pdf"),
        ("  laporan.pdf  ", pdf_bytes(), "pdf", "application/pdf"),
        ("capaian.xlsx", xlsx_bytes(), "xlsx", XLSX_MIME),
        (
            "capaian-deflate.xlsx",
            zip_bytes(
                {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>" * 100},
                zipfile.ZIP_DEFLATED,
            ),
            "xlsx",
            XLSX_MIME,
        ),
        ("catatan.docx", docx_bytes(), "docx", DOCX_MIME),
        ("foto.jpg", jpeg_bytes(), "jpg", "image/jpeg"),
        ("foto.jpeg", jpeg_bytes(), "jpeg", "image/jpeg"),
        ("FOTO.JPG", jpeg_bytes(), "jpg", "image/jpeg"),
        ("grafik.png", png_bytes(), "png", "image/png"),
        ("realisasi.csv", csv_bytes(), "csv", "text/csv"),
        ("bom.csv", b"\xef\xbb\xbf" + csv_bytes(), "csv", "text/csv"),
        ("unicode.csv", "Capaian ≥ 95%;Rp1.000;“Satpol PP”\n".encode(), "csv", "text/csv"),
    ],
)
def test_accepted_files_by_content(name: str, data: bytes, extension: str, mime: str) -> None:
    assert check_content(name, data, LIMIT) == AcceptedFile(extension=extension, mime=mime)
    assert ACCEPTED[extension][1] == mime


def test_a_csv_cut_inside_a_multibyte_character_beyond_64k_is_still_text() -> None:
    data = b"a" * 65535 + "é".encode()  # the check reads 64 KiB: the é is cut in half
    assert check_content("besar.csv", data, LIMIT).extension == "csv"


@pytest.mark.parametrize(
    ("name", "extension"),
    [("a.PDF", "pdf"), ("a", ""), ("arsip.tar.gz", "gz"), (".pdf", "pdf"), ("a.", "")],
)
def test_extension_of(name: str, extension: str) -> None:
    assert extension_of(name) == extension


# --- refused by name --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "shown"),
    [
        ("program.exe", "“program.exe”"),
        ("laporan", "“laporan”"),
        ("laporan.pdf.exe", "“laporan.pdf.exe”"),
        ("arsip.zip", "“arsip.zip”"),
        ("laporan.doc", "“laporan.doc”"),
        ("data.xls", "“data.xls”"),
        ("", "tanpa nama"),
        ("   ", "tanpa nama"),
        (None, "tanpa nama"),
    ],
)
def test_unknown_extensions_are_refused(name: str | None, shown: str) -> None:
    with pytest.raises(InputError) as info:
        check_declared(name, 100, LIMIT)
    message = str(info.value)
    assert "tidak diterima" in message and shown in message
    assert ACCEPTED_LABEL in message


def test_unknown_extension_is_refused_before_content_is_looked_at() -> None:
    with pytest.raises(InputError, match="tidak diterima"):
        check_content("program.exe", exe_bytes(), LIMIT)


# --- refused by content -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "data", "label"),
    [
        ("laporan.pdf", exe_bytes(), "PDF"),  # renamed executable
        ("laporan.pdf", b" %PDF-1.7\n", "PDF"),
        ("laporan.pdf", xlsx_bytes(), "PDF"),
        ("data.xlsx", docx_bytes(), "Excel"),  # a zip without xl/
        ("data.xlsx", zip_bytes({"xl/workbook.xml": "<w/>"}), "Excel"),  # no content types
        ("data.xlsx", zip_bytes({"readme.txt": "halo"}), "Excel"),
        ("data.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "Excel"),  # corrupt zip
        ("data.xlsx", xlsx_bytes()[: len(xlsx_bytes()) // 2], "Excel"),  # truncated
        ("data.xlsx", pdf_bytes(), "Excel"),
        ("data.xlsx", exe_bytes(), "Excel"),
        ("catatan.docx", xlsx_bytes(), "Word"),
        ("catatan.docx", b"PK\x05\x06" + b"\x00" * 18, "Word"),  # empty zip
        ("foto.jpg", png_bytes(), "JPEG"),
        ("foto.jpeg", exe_bytes(), "JPEG"),
        ("grafik.png", jpeg_bytes(), "PNG"),
        ("grafik.png", b"\x89PNG", "PNG"),
        ("data.csv", b"No;Nilai\n1;\x00\x00\n", "CSV"),
        ("data.csv", "Realisasi;97,5%;Rp1.000 é\n".encode("latin-1"), "CSV"),
        ("data.csv", exe_bytes(), "CSV"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(name: str, data: bytes, label: str):
    with pytest.raises(InputError) as info:
        check_content(name, data, LIMIT)
    message = str(info.value)
    assert f"“{name}”" in message
    assert f"bukan berkas {label} yang sah" in message
    assert "Berkas tidak disimpan" in message


@pytest.mark.parametrize("name", ["laporan.pdf", "data.xlsx", "data.csv", "foto.png"])
def test_empty_files_are_refused(name: str) -> None:
    with pytest.raises(InputError, match="kosong"):
        check_content(name, b"", LIMIT)
    with pytest.raises(InputError, match="kosong"):
        check_declared(name, 0, LIMIT)


# --- sizes ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("size", "limit", "shown_limit"),
    [
        (LIMIT, LIMIT, None),
        (LIMIT + 1, LIMIT, "10 MB"),
        (None, LIMIT, None),  # Telegram did not say: checked again after download
        (1, LIMIT, None),
        # a configured limit above Telegram's 20 MB download limit is capped at 20 MB
        (TELEGRAM_DOWNLOAD_LIMIT, 50 * MB, None),
        (TELEGRAM_DOWNLOAD_LIMIT + 1, 50 * MB, "20 MB"),
        (45 * MB, 50 * MB, "20 MB"),
        (3 * MB, 2 * MB, "2 MB"),
    ],
)
def test_declared_size_limit(size: int | None, limit: int, shown_limit: str | None) -> None:
    if shown_limit is None:
        assert check_declared("laporan.pdf", size, limit) == "pdf"
        return
    with pytest.raises(InputError) as info:
        check_declared("laporan.pdf", size, limit)
    message = str(info.value)
    assert "“laporan.pdf” terlalu besar" in message
    assert f"({size / MB:.1f} MB)" in message
    assert f"batas ukuran berkas adalah {shown_limit}" in message


def test_downloaded_content_over_the_limit_is_refused_even_if_valid() -> None:
    data = pdf_bytes()
    assert check_content("laporan.pdf", data, len(data)).extension == "pdf"
    with pytest.raises(InputError, match="terlalu besar"):
        check_content("laporan.pdf", data, len(data) - 1)


# --- zip bombs --------------------------------------------------------------------------------

BOMB_MEMBERS = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>", "xl/bom.bin": "x"}
BOMB_OTHERS = len("<Types/>") + len("<w/>")
TOTAL_GUARD = 200 * MB


@pytest.mark.parametrize(
    ("declared", "ok"),
    [
        (1, True),
        (TOTAL_GUARD - BOMB_OTHERS, True),  # exactly 200 MB in total
        (TOTAL_GUARD - BOMB_OTHERS + 1, False),
        (0xF0000000, False),  # a member that claims almost 4 GB
    ],
)
def test_zip_bomb_guard_on_the_declared_uncompressed_size(declared: int, ok: bool) -> None:
    data = with_declared_size(zip_bytes(BOMB_MEMBERS), "xl/bom.bin", declared)
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        assert sum(i.file_size for i in zf.infolist()) == declared + BOMB_OTHERS
    if ok:
        assert check_content("bom.xlsx", data, LIMIT).extension == "xlsx"
    else:
        with pytest.raises(InputError, match="ditolak demi keamanan") as info:
            check_content("bom.xlsx", data, LIMIT)
        assert "zip bomb" in str(info.value) and "bukan berkas" not in str(info.value)


@pytest.mark.parametrize(("count", "ok"), [(10_000, True), (10_001, False)])
def test_zip_bomb_guard_on_the_number_of_members(count: int, ok: bool) -> None:
    members: dict[str, bytes | str] = {"[Content_Types].xml": "<Types/>"}
    members.update({f"xl/m{i}.xml": "" for i in range(count - 1)})
    data = zip_bytes(members)
    assert len(data) < TELEGRAM_DOWNLOAD_LIMIT
    if ok:
        assert check_content("banyak.xlsx", data, TELEGRAM_DOWNLOAD_LIMIT).extension == "xlsx"
    else:
        with pytest.raises(InputError, match="ditolak demi keamanan") as info:
            check_content("banyak.xlsx", data, TELEGRAM_DOWNLOAD_LIMIT)
        assert "10.001 bagian" in str(info.value) and "zip bomb" in str(info.value)
