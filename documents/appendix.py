"""Uploaded PDF documents shown as pages of a rendered report (the annual LKj's Lampiran:
the Perjanjian Kinerja and Rencana Aksi as the unit uploaded them).

This module checks each uploaded PDF (readable, not encrypted, within a page limit);
``documents.lampiran_pages`` renders its pages to images that WeasyPrint places in the
report, so the archival copy stays PDF/A-3 with our fonts only.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PdfReader
from pypdf.errors import PyPdfError

MAX_APPENDED_PAGES = 40  # per document; a longer one is listed, not appended


@dataclass(frozen=True)
class AppendedPdf:
    """One uploaded PDF to show as pages: its bytes, the name it was uploaded with, and what
    the Lampiran calls it (``label`` "Lampiran III.1", ``kind`` "Perjanjian Kinerja")."""

    name: str
    data: bytes
    label: str = ""
    kind: str = ""
    sha256: str = ""


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
