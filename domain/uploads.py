"""Which uploaded files are accepted: checked by size first, then by name and by content.

A file's extension alone proves nothing (a renamed executable), so the first bytes must
match the type the name claims. Listing an Office file's zip directory is I/O and lives in
``documents.uploads``, which hands these rules a :class:`ZipListing`.
"""

from __future__ import annotations

import codecs
from dataclasses import dataclass

from domain.errors import InputError

TELEGRAM_DOWNLOAD_LIMIT = 20 * 1024 * 1024

# extension -> (label, mime, magic check)
_ZIP = b"PK\x03\x04"
ACCEPTED: dict[str, tuple[str, str]] = {
    "pdf": ("PDF", "application/pdf"),
    "xlsx": ("Excel", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "docx": ("Word", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    "jpg": ("JPEG", "image/jpeg"),
    "jpeg": ("JPEG", "image/jpeg"),
    "png": ("PNG", "image/png"),
    "csv": ("CSV", "text/csv"),
}
ACCEPTED_LABEL = "PDF, XLSX, DOCX, JPG, PNG atau CSV"


@dataclass(frozen=True)
class AcceptedFile:
    extension: str
    mime: str


def extension_of(name: str) -> str:
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def check_declared(name: str | None, size: int | None, limit: int) -> str:
    """Before download: a known extension and a size within the limit."""
    name = (name or "").strip()
    ext = extension_of(name)
    if ext not in ACCEPTED:
        raise InputError(
            f"Jenis berkas “{name or 'tanpa nama'}” tidak diterima. "
            f"Kirimkan berkas {ACCEPTED_LABEL}."
        )
    limit = min(limit, TELEGRAM_DOWNLOAD_LIMIT)
    if size is not None and size > limit:
        raise InputError(
            f"Berkas “{name}” terlalu besar ({size / 1048576:.1f} MB); "
            f"batas ukuran berkas adalah {limit / 1048576:.0f} MB."
        )
    if size == 0:
        raise InputError(f"Berkas “{name}” kosong.")
    return ext


MAX_ZIP_MEMBERS = 10_000
MAX_ZIP_EXPANSION = 200 * 1024 * 1024


@dataclass(frozen=True)
class ZipListing:
    """The directory of a zip archive: its members' names, how many, and their declared
    size once expanded (``documents.uploads`` reads it)."""

    names: frozenset[str]
    count: int
    expanded: int


def _zip_has(listing: ZipListing | None, member_prefix: str, name: str) -> bool:
    """Whether the zip listed is an Office zip with ``member_prefix`` members (``None``: no
    readable zip); a zip bomb (too many parts or too large once expanded) is refused for
    what it is."""
    if listing is None:
        return False
    total = listing.expanded
    if listing.count > MAX_ZIP_MEMBERS or total > MAX_ZIP_EXPANSION:

        def id_(n: float) -> str:  # Indonesian thousands separator
            return f"{n:,.0f}".replace(",", ".")

        raise InputError(
            f"Berkas “{name}” ditolak demi keamanan: isinya bila dibuka mengembang menjadi "
            f"{id_(total / 1048576)} MB dalam {id_(listing.count)} bagian (batas "
            f"{id_(MAX_ZIP_EXPANSION // 1048576)} MB dan {id_(MAX_ZIP_MEMBERS)} bagian), ciri "
            "“zip bomb”. Berkas tidak disimpan."
        )
    names = listing.names
    return "[Content_Types].xml" in names and any(n.startswith(member_prefix) for n in names)


def check_content(
    name: str, data: bytes, limit: int, zip_listing: ZipListing | None
) -> AcceptedFile:
    """After download: the content must match what the extension claims. ``zip_listing``
    is the directory of ``data`` when it is a readable zip (``documents.uploads``)."""
    ext = check_declared(name, len(data), limit)
    label, mime = ACCEPTED[ext]
    ok = {
        "pdf": lambda: data.startswith(b"%PDF-"),
        "xlsx": lambda: data.startswith(_ZIP) and _zip_has(zip_listing, "xl/", name),
        "docx": lambda: data.startswith(_ZIP) and _zip_has(zip_listing, "word/", name),
        "jpg": lambda: data.startswith(b"\xff\xd8\xff"),
        "jpeg": lambda: data.startswith(b"\xff\xd8\xff"),
        "png": lambda: data.startswith(b"\x89PNG\r\n\x1a\n"),
        "csv": lambda: _is_text(data),
    }[ext]()
    if not ok:
        raise InputError(
            f"Isi berkas “{name}” bukan berkas {label} yang sah (berkas rusak atau "
            "jenisnya tidak sesuai dengan namanya). Berkas tidak disimpan."
        )
    return AcceptedFile(extension=ext, mime=mime)


def _is_text(data: bytes) -> bool:
    if b"\x00" in data[:4096]:
        return False
    try:
        codecs.getincrementaldecoder("utf-8")().decode(data[:65536], final=False)
    except UnicodeDecodeError:
        return False
    return True
