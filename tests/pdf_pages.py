"""What a rendered page holds, read back from the PDF by font size and weight.

The body of a page is text set at more than 8 pt (the running header and footer, the page
number and the fine print are 7-8 pt; the DRAF watermark is far larger). A page whose body
is empty holds only a footnote; a page whose body is a few bold words holds a lone heading.
"""

from __future__ import annotations

import io

from pypdf import PdfReader

BODY_MIN_PT = 8.01
BODY_MAX_PT = 30.0
LONE_HEADING_CHARS = 120


def page_fonts(page) -> list[tuple[str, float, str]]:
    """(text, size in pt, font name) of every text run on the page."""
    runs: list[tuple[str, float, str]] = []

    def visit(text, cm, tm, font, size):
        if not text.strip():
            return
        scale = abs(tm[3] * cm[3]) if tm and cm else 1.0
        name = str(font.get("/BaseFont", "")) if font else ""
        runs.append((text, size * scale, name.split("+", 1)[-1]))

    page.extract_text(visitor_text=visit)
    return runs


def bare_pages(pdf: bytes) -> list[tuple[int, str]]:
    """(page number, body text) of every page holding only a footnote or a lone heading."""
    out = []
    for number, page in enumerate(PdfReader(io.BytesIO(pdf)).pages, start=1):
        body = [(t, f) for t, s, f in page_fonts(page) if BODY_MIN_PT <= s <= BODY_MAX_PT]
        text = " ".join(" ".join(t for t, _ in body).split())
        only_bold = all("Bold" in f for _, f in body)
        if not text or (only_bold and len(text) < LONE_HEADING_CHARS):
            out.append((number, text))
    return out
