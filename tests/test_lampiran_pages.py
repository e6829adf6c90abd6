"""The Lampiran's uploaded PDF pages become images in the report (documents/lampiran_pages.py):
an uploaded PDF whose font is foreign to the report (Helvetica, not even embedded: a file no
PDF/A validator accepts) yields page images sized to the text box, each with an alt text
naming the document, its page, its SHA-256 and the page's own text; the archival PDF
WeasyPrint makes of them is PDF/A-3 with tags and holds no font of the uploaded file."""

from __future__ import annotations

import hashlib
import io

from pypdf import PdfReader

from documents.appendix import AppendedPdf, pdf_pages
from documents.embedded import EmbeddedFile
from documents.lampiran_pages import BOX_MM, page_images
from documents.render import html_to_pdf
from tests.test_annual_e2e import archival_parts


def foreign_pdf(lines: list[str], pages: int = 2) -> bytes:
    """A small PDF written by hand, set in the standard Helvetica (not embedded)."""
    objects: list[bytes] = []
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(pages))
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode())
    font = 3 + 2 * pages
    for i in range(pages):
        text = " ".join(f"({line} {i + 1}) Tj 0 -20 Td" for line in lines)
        stream = f"BT /F1 14 Tf 72 760 Td {text} ET".encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents {4 + 2 * i} 0 R "
            f"/Resources << /Font << /F1 {font} 0 R >> >> >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def test_uploaded_pages_become_images_and_the_report_keeps_only_its_own_fonts() -> None:
    data = foreign_pdf(["PERJANJIAN KINERJA TAHUN 2026", "IKU-1 Persentase penegakan perda"])
    assert pdf_pages(data) == (2, "")
    sha = hashlib.sha256(data).hexdigest()
    appendix = AppendedPdf("PK_2026.pdf", data, "Lampiran III.1", "Perjanjian Kinerja", sha)
    images = page_images(appendix)
    assert [(p.number, p.count) for p in images] == [(1, 2), (2, 2)]
    for page in images:
        assert page.src.startswith("data:image/jpeg;base64,")
        assert page.width_mm <= BOX_MM[0] and page.height_mm <= BOX_MM[1]
        assert page.alt.startswith("Lampiran III.1: Perjanjian Kinerja “PK_2026.pdf”, halaman")
        assert sha in page.alt and f"PERJANJIAN KINERJA TAHUN 2026 {page.number}" in page.alt

    body = "".join(
        f'<section style="break-before: page"><p>{p.label}, halaman {p.number}</p>'
        f'<img src="{p.src}" alt="{p.alt}" style="width: {p.width_mm}mm; height: '
        f'{p.height_mm}mm"></section>'
        for p in images
    )
    html = f"<html lang='id'><head><title>Uji</title></head><body>{body}</body></html>"
    original = EmbeddedFile("PK_2026.pdf", data, "berkas asli", relationship="Source")
    pdf = html_to_pdf(html, archival=[original])
    reader = PdfReader(io.BytesIO(pdf))
    fonts = {
        str(font.get_object()["/BaseFont"])
        for page in reader.pages
        for font in page["/Resources"].get_object().get("/Font", {}).get_object().values()
    }
    assert fonts and not any("Helvetica" in name for name in fonts)
    assert all("DejaVu" in name for name in fonts), fonts
    assert "PERJANJIAN" not in "".join(page.extract_text() for page in reader.pages)
    assert archival_parts(pdf)[:2] == ("3", "A")
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.attachments["PK_2026.pdf"] == [data]
