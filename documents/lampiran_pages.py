"""The Lampiran's uploaded PDFs as pages of the report itself (the annual LKj's Lampiran III:
the Perjanjian Kinerja and Rencana Aksi as the unit uploaded them).

Appending an uploaded PDF as it is would carry its fonts, colour spaces and structure into the
archival copy, which then is no longer PDF/A-conformant. Instead each uploaded page is
rendered to an image (pypdfium2, PDFium's own renderer) and placed by WeasyPrint in the report
like any other picture: the final file is WeasyPrint's, PDF/A-3 with tags, with our fonts
only. Each image carries an alt text (what it is, the file's SHA-256 and the page's own
text, so the tagged PDF still reads it) and is sized to fit the page's text box. The uploaded
file itself is kept, unchanged, as an embedded file of the archival copy
(``documents.render.render_pdf``).
"""

from __future__ import annotations

import base64
import io
from dataclasses import dataclass

import pypdfium2 as pdfium

from documents.appendix import AppendedPdf

#: Resolution of the page images: sharp in print, a few hundred kB a page as JPEG.
DPI = 150
JPEG_QUALITY = 85
#: The text box of an A4 page of print.css (2.5 cm + 2 cm side margins, 2 cm + 2.2 cm top and
#: bottom), less the caption line above each image.
BOX_MM = (155.0, 236.0)
MM_PER_PT = 25.4 / 72
MAX_ALT_TEXT = 3000


@dataclass(frozen=True)
class PageImage:
    """One uploaded page as the template places it."""

    label: str
    kind: str
    name: str
    sha256: str
    number: int
    count: int
    src: str  # a data: URI (image/jpeg)
    width_mm: float
    height_mm: float
    alt: str


def _fit(width_pt: float, height_pt: float) -> tuple[float, float]:
    width, height = width_pt * MM_PER_PT, height_pt * MM_PER_PT
    scale = min(BOX_MM[0] / width, BOX_MM[1] / height, 1.0)
    return round(width * scale, 2), round(height * scale, 2)


def _alt(appendix: AppendedPdf, number: int, count: int, text: str) -> str:
    head = (
        f"{appendix.label}: {appendix.kind} “{appendix.name}”, halaman {number} dari {count}, "
        f"citra halaman berkas yang diunggah (SHA-256 {appendix.sha256})."
    )
    words = " ".join(text.split())
    if not words:
        return head
    return f"{head} Teks halaman: {words[:MAX_ALT_TEXT]}"


def page_images(appendix: AppendedPdf) -> list[PageImage]:
    """Every page of ``appendix`` (a PDF ``documents.appendix.pdf_pages`` accepted) as an
    image with its alt text."""
    document = pdfium.PdfDocument(appendix.data)
    try:
        count = len(document)
        out = []
        for index in range(count):
            page = document[index]
            try:
                width_pt, height_pt = page.get_size()
                bitmap = page.render(scale=DPI / 72)
                picture = bitmap.to_pil().convert("RGB")
                textpage = page.get_textpage()
                text = textpage.get_text_range()
                textpage.close()
            finally:
                page.close()
            buffer = io.BytesIO()
            picture.save(buffer, "JPEG", quality=JPEG_QUALITY, optimize=True)
            width_mm, height_mm = _fit(width_pt, height_pt)
            out.append(
                PageImage(
                    label=appendix.label,
                    kind=appendix.kind,
                    name=appendix.name,
                    sha256=appendix.sha256,
                    number=index + 1,
                    count=count,
                    src="data:image/jpeg;base64," + base64.b64encode(buffer.getvalue()).decode(),
                    width_mm=width_mm,
                    height_mm=height_mm,
                    alt=_alt(appendix, index + 1, count, text),
                )
            )
        return out
    finally:
        document.close()
