"""Verification of initialled and signed reports: the code scheme, and /verifikasi end to end.

The end-to-end test plays a quarter with one return by the Kasat after the paraf, so the
chain has a superseded initialled version, a return, a second paraf and the signature.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import os
import re
import stat
import zlib
from dataclasses import replace
from datetime import UTC, datetime

import pytest
import segno
from pypdf import PdfReader

from demo import playbook
from documents.report_context import qr_svg
from domain.models import Cycle
from domain.verification import (
    ALPHABET,
    QR_PREFIX,
    CodeCheckError,
    CodeFormatError,
    Found,
    deep_link,
    embedded_codes,
    find_code,
    normalise_code,
    qr_payload,
    upcoming_report_number,
    verification_code,
)
from domain.workflow import record_report
from handlers.verification import VerifyKeyError, key_path, load_or_create_key
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import CycleRepository
from tests.factories import DEMO_ROSTER, pdf_bytes, xlsx_bytes

KEY = bytes(range(32))
OTHER_KEY = bytes(range(1, 33))
CYCLE = "satpolpp-bdg:2026:3"
CODE_SHAPE = re.compile(r"^LKJ-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$")
TTE = (
    "Persetujuan ini dicatat oleh lkj-bot; bukan tanda tangan elektronik tersertifikasi (TTE BSrE)"
)
KASAT_RETURN = "Mohon tambahkan analisis capaian patroli."


# ----------------------------------------------------------------------------- the code


def test_code_is_deterministic_and_shaped():
    code = verification_code(KEY, CYCLE, 2, "signed")
    assert code == verification_code(KEY, CYCLE, 2, "signed")
    assert CODE_SHAPE.fullmatch(code), code
    assert normalise_code(code) == code


@pytest.mark.parametrize(
    "other",
    [
        (KEY, CYCLE, 2, "paraf"),
        (KEY, CYCLE, 3, "signed"),
        (KEY, "satpolpp-bdg:2026:4", 2, "signed"),
        (KEY, "dishub-bdg:2026:3", 2, "signed"),
        (OTHER_KEY, CYCLE, 2, "signed"),
    ],
)
def test_every_input_changes_the_code(other):
    assert verification_code(*other) != verification_code(KEY, CYCLE, 2, "signed")


def test_drafts_have_no_code_and_the_key_is_required():
    with pytest.raises(ValueError):
        verification_code(KEY, CYCLE, 1, "draft")
    with pytest.raises(ValueError):
        verification_code(b"", CYCLE, 1, "signed")


def test_codes_cannot_be_made_without_the_key():
    """Without the key a code is 55 bits of HMAC: no pattern across versions or units."""
    codes = {
        verification_code(KEY, f"unit-{u}:2026:{t}", n, s)
        for u in range(25)
        for t in (1, 2, 3, 4)
        for n in (1, 2, 3)
        for s in ("paraf", "signed")
    }
    assert len(codes) == 25 * 4 * 3 * 2
    # The same report under another data directory's key is not recognised.
    cycle = _signed_cycle()
    mine = verification_code(KEY, cycle.id, 1, "signed")
    assert find_code(KEY, [cycle], mine) is not None
    assert find_code(OTHER_KEY, [cycle], mine) is None


def _code_with(chars: str) -> str:
    """A real code containing every character of ``chars`` (searching the report numbers)."""
    for number in range(1, 5000):
        code = verification_code(KEY, CYCLE, number, "signed")
        if all(c in code[4:] for c in chars):
            return code
    raise AssertionError("no such code")


@pytest.mark.parametrize(
    "typed",
    [
        lambda c: c.lower(),
        lambda c: c.replace("-", " "),
        lambda c: c.replace("-", ""),
        lambda c: c[4:],
        lambda c: f"  {c[4:8]} {c[9:13]}  {c[14:]} ",
        lambda c: QR_PREFIX + c,
        lambda c: (QR_PREFIX + c).lower(),
    ],
)
def test_normalisation_forgives_case_spaces_and_prefixes(typed):
    code = verification_code(KEY, CYCLE, 7, "paraf")
    assert normalise_code(typed(code)) == code


def test_normalisation_reads_o_as_zero_and_i_l_as_one():
    code = _code_with("01")
    body = code[4:]
    assert normalise_code("LKJ-" + body.replace("0", "O")) == code
    assert normalise_code("LKJ-" + body.replace("1", "I")) == code
    assert normalise_code("lkj-" + body.replace("1", "l").lower()) == code


def test_every_single_typo_is_recognised_as_one():
    code = verification_code(KEY, CYCLE, 2, "signed")
    chars = code.replace("-", "")[3:]
    for position in range(len(chars)):
        for replacement in ALPHABET:
            if replacement == chars[position]:
                continue
            typo = chars[:position] + replacement + chars[position + 1 :]
            with pytest.raises(CodeCheckError):
                normalise_code(typo)


def test_most_swapped_neighbours_are_recognised():
    caught = total = 0
    for number in range(1, 40):
        chars = verification_code(KEY, CYCLE, number, "signed").replace("-", "")[3:]
        for i in range(len(chars) - 1):
            if chars[i] == chars[i + 1]:
                continue
            total += 1
            swapped = chars[:i] + chars[i + 1] + chars[i] + chars[i + 2 :]
            try:
                normalise_code(swapped)
            except CodeCheckError:
                caught += 1
    assert caught / total > 0.95


@pytest.mark.parametrize(
    "typed", ["", "LKJ", "LKJ-1234-5678", "LKJ-7K4Q-9MZD-2XWMX", "LKJ-7K4Q-9MZD-2XWU", "halo"]
)
def test_malformed_codes_are_refused(typed):
    with pytest.raises(CodeFormatError):
        normalise_code(typed)


def test_the_documented_example_is_well_formed():
    assert normalise_code("LKJ-7K4Q-9MZD-2XWM") == "LKJ-7K4Q-9MZD-2XWM"


# ----------------------------------------------------------------------------- report numbers


AT = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)


def _empty_cycle() -> Cycle:
    return Cycle(unit="satpolpp-bdg", year=2026, triwulan=3, step=5, started_at=AT)


def _signed_cycle() -> Cycle:
    cycle = _empty_cycle()
    for status, sha in (("draft", "a"), ("paraf", "b"), ("signed", "c")):
        cycle = record_report(cycle, status, sha * 64, 1, AT)
    return cycle


def test_the_number_before_rendering_is_the_number_recorded():
    cycle = _empty_cycle()
    for status in ("draft", "paraf", "draft", "paraf", "signed"):
        number = upcoming_report_number(cycle, status)
        cycle = record_report(cycle, status, "0" * 64, 1, AT)
        assert cycle.reports[-1].number == number
    assert [(r.number, r.status) for r in cycle.reports] == [
        (1, "draft"),
        (1, "paraf"),
        (2, "draft"),
        (2, "paraf"),
        (2, "signed"),
    ]


# ----------------------------------------------------------------------------- key and QR


def test_key_file_is_created_once_private_and_kept(tmp_path):
    key = load_or_create_key(tmp_path)
    path = key_path(tmp_path)
    assert path == tmp_path / "state" / "verify.key"
    assert len(key) == 32
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_or_create_key(tmp_path) == key
    assert load_or_create_key(tmp_path / "elsewhere") != key
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".tmp")]


def test_a_damaged_key_file_is_never_replaced(tmp_path):
    path = key_path(tmp_path)
    path.parent.mkdir(parents=True)
    path.write_text("bukan kunci")
    with pytest.raises(VerifyKeyError):
        load_or_create_key(tmp_path)
    assert path.read_text() == "bukan kunci"


def _svg_cells(svg: str) -> set[tuple[int, int]]:
    """The dark modules drawn by segno's SVG path ("M x y", "h n", "m dx dy")."""
    path = re.search(r' d="([^"]+)"', svg).group(1)
    cells: set[tuple[int, int]] = set()
    x = y = 0.0
    for op, args in re.findall(r"([MmHh])([-\d. ]+)", path.replace("h", " h").replace("m", " m")):
        numbers = [float(a) for a in args.split()]
        if op == "M":
            x, y = numbers
        elif op == "m":
            x, y = x + numbers[0], y + numbers[1]
        else:
            cells.update((int(x) + i, int(y - 0.5)) for i in range(int(numbers[0])))
            x += numbers[0]
    return cells


def test_qr_code_holds_the_payload():
    payload = qr_payload("LKJ-7K4Q-9MZD-2XWM")
    svg = str(qr_svg(payload))
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg"') and "LKJ" not in svg
    matrix = segno.make(payload, error="m", micro=False).matrix
    border = 2
    expected = {
        (x + border, y + border)
        for y, row in enumerate(matrix)
        for x, dark in enumerate(row)
        if dark
    }
    assert _svg_cells(svg) == expected


def test_the_qr_code_holds_the_bots_deep_link():
    from documents.report_context import verification_context

    code = "LKJ-7K4Q-9MZD-2XWM"
    block = verification_context(code, "lkj_test_bot")
    link = "https://t.me/lkj_test_bot?start=LKJ-7K4Q-9MZD-2XWM"
    assert block["link"] == deep_link("lkj_test_bot", code) == link
    matrix = segno.make(link, error="m", micro=False).matrix
    expected = {
        (x + 2, y + 2) for y, row in enumerate(matrix) for x, dark in enumerate(row) if dark
    }
    assert _svg_cells(str(block["qr_svg"])) == expected
    assert block["payload"] == qr_payload(code)  # the metadata keeps the plain code
    assert normalise_code(link) == code and normalise_code("t.me/lkj_test_bot?start=" + code)
    # Without a known bot (offline rendering) the QR code holds the code itself.
    assert verification_context(code)["link"] == ""


# ----------------------------------------------------------------------------- PDF metadata


def test_embedded_code_is_read_from_raw_and_compressed_bytes():
    code = "LKJ-7K4Q-9MZD-2XWM"
    raw = b"%PDF-1.7\n1 0 obj <</Keywords (" + qr_payload(code).encode() + b")>> endobj"
    assert embedded_codes(raw) == [code]
    inner = b"<</Keywords (" + qr_payload(code).encode() + b")>>"
    packed = zlib.compress(inner)
    head = f"%PDF-1.7\n1 0 obj <</Length {len(packed)}/Filter /FlateDecode>>\nstream\n"
    compressed = head.encode()
    compressed += packed + b"\nendstream\nendobj\n"
    assert embedded_codes(compressed) == [code]
    assert embedded_codes(pdf_bytes()) == []
    assert embedded_codes(b"stream\n\x00\xff garbage endstream") == []


# ----------------------------------------------------------------------------- end to end

SECOND_UNIT = """

[[unit]]
code = "dishub-bdg"
name = "Dinas Perhubungan Kota Bandung"
city = "Bandung"
address = "Jl. Soekarno-Hatta No. 205, Bandung"
timezone = "Asia/Jakarta"

[[unit.people]]
role = "kasat"
telegram_id = 2001
name = "Ir. Budi Hartono, M.T."
nip = "196901011995031001"
position = "Kepala Dinas Perhubungan"

[[unit.people]]
role = "sekretaris"
telegram_id = 2002
name = "Sri Wahyuni, S.H."
nip = "197301011998032002"
position = "Sekretaris Dinas Perhubungan"

[[unit.people]]
role = "kasubbag"
telegram_id = 2003
name = "Hendra Gunawan, S.E."
nip = "198001012005011003"
position = "Kepala Subbagian Program"

[[unit.people]]
role = "tim_kerja"
telegram_id = 2004
name = "Yuli Astuti, S.Kom."
nip = "199001012015032004"
position = "Analis Data"
"""


@pytest.fixture
def roster_path(tmp_path):
    """The demo unit plus a second unit, to show that codes do not cross units."""
    path = tmp_path / "roster.toml"
    path.write_text(DEMO_ROSTER.read_text(encoding="utf-8") + SECOND_UNIT, encoding="utf-8")
    return path


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def play_quarter(people, clock) -> dict[str, bytes]:
    """Disposition to signature; the Kasat returns the first initialled version once."""
    kasat, sekretaris = people.kasat, people.sekretaris
    await playbook.start_cycle(people, 3, 2026)
    clock.advance(minutes=10)
    await playbook.forward(people)
    clock.advance(minutes=10)
    await playbook.divide(people)
    clock.advance(hours=2)
    await playbook.upload_all(people)
    await people.kasubbag.expect("telah terkumpul")
    clock.advance(minutes=30)
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    first_paraf = (await kasat.expect("diparaf oleh", document=True)).document.content
    clock.advance(minutes=20)
    await playbook.return_report(kasat, KASAT_RETURN)
    clock.advance(minutes=30)
    await playbook.build_and_submit(people, "Susun ulang draf laporan")
    clock.advance(minutes=15)
    await sekretaris.expect("diajukan oleh Kasubbag", document=True)
    await sekretaris.tap("Paraf")
    second_paraf = (await kasat.expect("diparaf oleh", document=True)).document.content
    clock.advance(minutes=15)
    await kasat.tap("Tandatangani")
    await playbook.tap_through(kasat, "Ya, tandatangani")
    signed = (await kasat.expect("telah ditandatangani", document=True)).document.content
    return {"paraf1": first_paraf, "paraf2": second_paraf, "signed": signed}


def stored_cycle(settings) -> Cycle:
    db = Database(settings.lkj_data_dir)
    try:
        return CycleRepository(db).get("satpolpp-bdg", 2026, 3)
    finally:
        db.close()


async def ask(user, text: str, answer_contains: str):
    user.say(text)
    return await user.expect(answer_contains)


async def test_codes_on_the_pdfs_and_the_chain_behind_them(bot, emu, people, settings, clock):
    pdfs = await play_quarter(people, clock)
    key = load_or_create_key(settings.lkj_data_dir)
    cycle = stored_cycle(settings)
    signed_code = verification_code(key, cycle.id, 2, "signed")
    paraf1_code = verification_code(key, cycle.id, 1, "paraf")
    paraf2_code = verification_code(key, cycle.id, 2, "paraf")

    # Each initialled and signed PDF prints its own code, the QR payload in its metadata, and
    # says honestly what the approval is.
    for name, code in (("signed", signed_code), ("paraf1", paraf1_code), ("paraf2", paraf2_code)):
        text = pdf_text(pdfs[name])
        assert code in text and f"/verifikasi {code}" in text, name
        assert f"https://t.me/lkj_test_bot?start={code}" in text, name
        assert TTE in text, name
        assert PdfReader(io.BytesIO(pdfs[name])).metadata["/Keywords"] == qr_payload(code)
        assert embedded_codes(pdfs[name]) == [code]
    signed_report = cycle.reports[-1]
    assert signed_report.status == "signed"
    assert signed_report.sha256 == hashlib.sha256(pdfs["signed"]).hexdigest()

    # A team member checks the signed code, typed carelessly.
    member = people.team[1]
    typed = signed_code.lower().replace("-", " ").replace("0", "o")
    answer = (await ask(member, f"/verifikasi {typed}", "dikenal")).text
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    for expected in (
        signed_code,
        "Triwulan III Tahun 2026",
        "Versi laporan: 2, telah ditandatangani",
        f"Disposisi: {kasat.name} (Kasat) → {sekretaris.name} (Sekretaris)",
        f"Disposisi: {sekretaris.name} (Sekretaris) → {kasubbag.name} (Kasubbag)",
        f"Pembagian tugas: {kasubbag.name} (Kasubbag)",
        "2 anggota Tim Kerja, 3 butir data",
        f"Pengumpulan data — {people.team[0].name}: 2 berkas",
        f"Pengumpulan data — {people.team[1].name}: 1 berkas",
        f"(versi 1) oleh {kasat.name} (Kasat)",
        KASAT_RETURN,
        f"Paraf: {sekretaris.name} (Sekretaris), Senin, 5 Oktober 2026 pukul",
        f"Tanda tangan: {kasat.name} (Kasat), Senin, 5 Oktober 2026 pukul",
        f"SHA-256 berkas PDF yang dicatat: {signed_report.sha256}",
        TTE,
    ):
        assert expected in answer, expected
    # The chain is in order: disposition, division, uploads, return, paraf, signature.
    marks = ["Disposisi", "Pembagian tugas", "Pengumpulan data", "Dikembalikan", "Paraf:", "Tanda"]
    assert [answer.index(m) for m in marks] == sorted(answer.index(m) for m in marks)

    # Scanning the QR code (or pasting the code) gives a person of the unit the same chain.
    for message in (f"/start {signed_code}", signed_code):
        answer = (await ask(member, message, "dikenal")).text
        assert f"Pembagian tugas: {kasubbag.name} (Kasubbag)" in answer, message

    # The first initialled version was returned: its code says the document was superseded.
    answer = (await ask(member, f"/verifikasi {paraf1_code}", "dikenal")).text
    assert "Versi laporan: 1, telah diparaf" in answer
    assert "telah digantikan dan tidak berlaku" in answer and kasat.name in answer
    # The second initialled version was signed later: its code points to the signed one.
    answer = (await ask(member, f"/verifikasi {paraf2_code}", "dikenal")).text
    assert "kemudian ditandatangani" in answer and signed_code in answer

    # A typo, a malformed text, and a well-formed code the unit does not have.
    typo = signed_code[:-1] + next(c for c in ALPHABET if c != signed_code[-1])
    assert "salah ketik" in (await ask(member, f"/verifikasi {typo}", "salah ketik")).text
    assert "bukan kode" in (await ask(member, "/verifikasi 12345", "bukan kode")).text
    unknown = verification_code(key, "satpolpp-bdg:2025:3", 1, "signed")
    answer = (await ask(member, f"/verifikasi {unknown}", "tidak dikenal")).text
    assert unknown in answer and "Triwulan" not in answer

    # Anyone may verify: an official of another unit and a stranger see that the code is
    # valid, with title, unit, period and who initialled and signed when, and nothing else.
    from emulator.users import SimUser

    outsider = SimUser(emu, 2003, "Hendra Gunawan, S.E.")
    stranger = SimUser(emu, 9999, "Orang Asing")
    link = f"https://t.me/{emu.bot_user['username']}?start={signed_code}"
    for user, message in (
        (outsider, f"/verifikasi {signed_code}"),
        (stranger, f"/verifikasi {signed_code}"),
        (stranger, f"/start {signed_code}"),  # what scanning the QR code sends
        (stranger, signed_code.lower()),  # a code pasted on its own
        (stranger, link),  # the QR code's link pasted
    ):
        answer = (await ask(user, message, "dikenal")).text
        for expected in (
            "Dokumen: Laporan Data Kinerja Triwulan III Tahun 2026",
            "Unit: Satuan Polisi Pamong Praja Kota Bandung, Pemerintah Kota Bandung",
            "Periode: 1 Juli 2026 – 30 September 2026",
            "Status: telah ditandatangani",
            f"Paraf: {sekretaris.name} (Sekretaris Satuan Polisi Pamong Praja), Senin, 5 Oktober",
            f"Tanda tangan: {kasat.name} (Kepala Satuan Polisi Pamong Praja Kota Bandung), Senin",
            TTE,
        ):
            assert expected in answer, (message, expected)
        for private in (
            "Disposisi",
            "Pengumpulan data",
            "Pembagian tugas",
            KASAT_RETURN,
            "SHA-256",
            people.team[0].name,
        ):
            assert private not in answer, (message, private)
    # The returned first version is still said to be superseded, to anyone.
    answer = (await ask(stranger, f"/verifikasi {paraf1_code}", "dikenal")).text
    assert "Status: telah diparaf" in answer and "digantikan dan tidak berlaku" in answer
    assert KASAT_RETURN not in answer

    # Anything else from a stranger: told whom to ask.
    stranger.say("/status")
    assert "belum terdaftar" in (await stranger.expect("belum terdaftar")).text
    stranger.say("halo")
    await stranger.expect("belum terdaftar")

    # Unknown codes are left in the audit log (someone trying codes leaves a trace), a
    # stranger's in the log of no unit.
    log = AuditLog.for_unit_year(settings.lkj_data_dir, "satpolpp-bdg", 2026)
    tried = [e for e in log.entries() if e["action"] == "verifikasi"]
    assert [e["outcome"] for e in tried] == ["refused"]
    assert unknown in tried[0]["reason"]
    stranger.say(f"/verifikasi {unknown}")
    await stranger.expect("tidak dikenal")
    nobody = AuditLog.for_unit_year(settings.lkj_data_dir, None, 2026)
    assert [e["reason"] for e in nobody.entries() if e["action"] == "verifikasi"] == [
        f"kode tidak dikenal: {unknown}"
    ]


async def check_pdf(user, filename: str, content: bytes, answer_contains: str):
    user.say("/verifikasi")
    await user.expect("Kirimkan berkas PDF laporan")
    user.upload(filename, content)
    await user.expect("Mohon periksa kembali")
    await user.tap("Kirim")
    return (await user.expect(answer_contains)).text


def _flip_byte_in_page_text(pdf: bytes) -> bytes:
    """Change one byte inside a compressed page content stream (one with text in it)."""
    for match in re.finditer(rb"stream\r?\n", pdf):
        start = match.end()
        end = pdf.find(b"endstream", start)
        try:
            inflated = zlib.decompressobj().decompress(pdf[start:end])
        except zlib.error:
            continue
        if b"BT" in inflated and (b"Tj" in inflated or b"TJ" in inflated):
            middle = start + (end - start) // 2
            return pdf[:middle] + bytes([pdf[middle] ^ 0x01]) + pdf[middle + 1 :]
    raise AssertionError("no text stream found")


async def test_a_pdf_sent_back_is_identical_altered_or_unknown(bot, emu, people, settings, clock):
    pdfs = await play_quarter(people, clock)
    key = load_or_create_key(settings.lkj_data_dir)
    cycle = stored_cycle(settings)
    signed_code = verification_code(key, cycle.id, 2, "signed")
    k = people.kasubbag

    # The signed PDF, as it was sent: identical, named, with its code and the chain.
    answer = await check_pdf(k, "LKj_TW-III_2026.pdf", pdfs["signed"], "identik")
    assert "Versi laporan: 2, telah ditandatangani" in answer
    assert f"Kode verifikasi: {signed_code}" in answer
    assert "Triwulan III Tahun 2026" in answer and people.kasat.name in answer

    # The initialled version of the first round is identical too, and said to be superseded.
    answer = await check_pdf(k, "paraf_v1.pdf", pdfs["paraf1"], "identik")
    assert "Versi laporan: 1, telah diparaf" in answer and "digantikan" in answer

    # Bytes appended (an "incremental update" any PDF editor can make): altered.
    answer = await check_pdf(k, "tambah.pdf", pdfs["signed"] + b"\n% diubah\n", "diubah")
    assert "tidak sama dengan dokumen yang dicatat" in answer
    assert signed_code in answer
    assert cycle.reports[-1].sha256 in answer  # the recorded hash, to compare with

    # One byte changed in the text of a page: altered.
    flipped = _flip_byte_in_page_text(pdfs["signed"])
    assert len(flipped) == len(pdfs["signed"]) and flipped != pdfs["signed"]
    answer = await check_pdf(k, "ubah.pdf", flipped, "diubah")
    assert signed_code in answer

    # A PDF the bot never made: unknown.
    answer = await check_pdf(k, "lain.pdf", pdf_bytes(2), "tidak dikenal")
    assert hashlib.sha256(pdf_bytes(2)).hexdigest() in answer

    # Checked from another unit, or by a stranger who just sends the PDF: identical or
    # altered, with the public facts only.
    from emulator.users import SimUser

    outsider = SimUser(emu, 2003, "Hendra Gunawan, S.E.")
    answer = await check_pdf(outsider, "LKj.pdf", pdfs["signed"], "identik")
    assert "Triwulan III Tahun 2026" in answer and "Status: telah ditandatangani" in answer
    assert "Disposisi" not in answer and "SHA-256 berkas" not in answer
    stranger = SimUser(emu, 9999, "Orang Asing")
    stranger.upload("LKj.pdf", pdfs["signed"])  # unasked: told whom to ask
    await stranger.expect("belum terdaftar")

    async def stranger_sends(name: str, content: bytes, verdict: str) -> str:
        stranger.say("/verifikasi")
        await stranger.expect("Kirimkan berkas PDF laporan")
        stranger.upload(name, content)
        return (await stranger.expect(verdict)).text

    answer = await stranger_sends("LKj.pdf", pdfs["signed"], "identik")
    assert f"Tanda tangan: {people.kasat.name}" in answer and "Pengumpulan" not in answer
    answer = await stranger_sends("ubah.pdf", flipped, "diubah")
    assert signed_code in answer and "Laporan Data Kinerja Triwulan III" in answer
    answer = await stranger_sends("lain.pdf", pdf_bytes(2), "tidak dikenal")
    assert hashlib.sha256(pdf_bytes(2)).hexdigest() in answer
    assert "bukan PDF" in await stranger_sends("data.xlsx", xlsx_bytes(), "bukan PDF")
    stranger.upload("LKj.pdf", pdfs["signed"])  # still waiting for the PDF
    await stranger.expect("identik")

    # Not a PDF: asked again for a PDF, and the form keeps waiting.
    k.say("/verifikasi")
    await k.expect("Kirimkan berkas PDF laporan")
    k.upload("data.xlsx", xlsx_bytes())
    assert "bukan PDF" in (await k.expect("bukan PDF")).text
    k.upload("LKj.pdf", pdfs["signed"])
    await k.expect("Mohon periksa kembali")
    await k.tap("Kirim")
    await k.expect("identik")


def test_find_code_only_searches_the_cycles_given():
    cycle = _signed_cycle()
    code = verification_code(KEY, cycle.id, 1, "paraf")
    found = find_code(KEY, [cycle], code)
    assert isinstance(found, Found) and found.report.sha256 == "b" * 64
    other = replace(cycle, unit="dishub-bdg")
    assert find_code(KEY, [other], code) is None
    assert find_code(KEY, [], code) is None


async def test_a_stranger_trying_codes_is_rate_limited_and_audited(bot, emu, settings, stranger):
    from handlers.verification import GUEST_LIMIT

    codes = [verification_code(KEY, f"satpolpp-bdg:2020:{n}", 1, "signed") for n in range(30)]
    for code in codes[:GUEST_LIMIT]:
        stranger.say(code)
        await stranger.expect("tidak dikenal")
    stranger.say(codes[GUEST_LIMIT])
    await stranger.expect("terlalu sering")
    # One notice per window, then silence: the bot's send budget is not spent on a guesser.
    stranger.say(f"/verifikasi {codes[GUEST_LIMIT + 1]}")
    for _ in range(400):  # the bot has handled it once its refusal is on record
        log = AuditLog.for_unit_year(settings.lkj_data_dir, None, 2026)
        reasons = [e["reason"] for e in log.entries() if e["action"] == "verifikasi"]
        if len(reasons) == GUEST_LIMIT + 2:
            break
        await asyncio.sleep(0.05)
    await emu.settle()
    assert len(stranger.received()) == GUEST_LIMIT + 1
    assert reasons[:GUEST_LIMIT] == [f"kode tidak dikenal: {c}" for c in codes[:GUEST_LIMIT]]
    assert reasons[GUEST_LIMIT:] == ["terlalu sering (batas pemeriksaan)"] * 2
