"""Uploaded PDF documents appended to a rendered report as pages (the annual LKj's Lampiran:
the Perjanjian Kinerja and Rencana Aksi as the unit uploaded them).

WeasyPrint renders the report; this module checks each uploaded PDF (readable, not
encrypted, within a page limit) and appends its pages after the report's, keeping the
report's catalogue (XMP metadata, output intent, structure tree, embedded files), so an
archival copy still identifies itself as PDF/A-3. The appended pages are the unit's own
document as uploaded: their fonts and colours are theirs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader, PdfWriter
from pypdf.errors import PyPdfError

MAX_APPENDED_PAGES = 40  # per document; a longer one is listed, not appended


@dataclass(frozen=True)
class AppendedPdf:
    """One uploaded PDF to append: its bytes and the name it was uploaded with."""

    name: str
    data: bytes


def pdf_pages(data: bytes) -> tuple[int | None, str]:
    """(page count, "") for a PDF that can be appended, else (None, the reason in formal
    Indonesian, for the Lampiran's note)."""
    if not data.startswith(b"%PDF"):
        return None, "berkas bukan PDF"
    try:
        reader = PdfReader(io.BytesIO(data))
        if reader.is_encrypted:
            return None, "berkas PDF dilindungi kata sandi"
        count = len(reader.pages)
    except (PyPdfError, ValueError, KeyError, TypeError, OSError):
        return None, "berkas PDF rusak dan tidak dapat dibaca"
    if count == 0:
        return None, "berkas PDF tidak memiliki halaman"
    if count > MAX_APPENDED_PAGES:
        return None, (
            f"berkas PDF terdiri atas {count} halaman, melebihi batas {MAX_APPENDED_PAGES} "
            "halaman yang dilampirkan"
        )
    return count, ""


def append_pdfs(report: bytes, appendices: list[AppendedPdf]) -> bytes:
    """``report`` with the pages of each appendix after its own, in order."""
    if not appendices:
        return report
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(report)))
    for appendix in appendices:
        for page in PdfReader(io.BytesIO(appendix.data)).pages:
            writer.add_page(page)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
