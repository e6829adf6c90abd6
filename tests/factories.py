"""Factories for test inputs: real PDF, XLSX and other files, a controllable clock, a roster."""

from __future__ import annotations

import io
import zipfile
from datetime import datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pypdf import PdfWriter

JAKARTA = ZoneInfo("Asia/Jakarta")
DEMO_ROSTER = Path(__file__).resolve().parents[1] / "demo" / "demo_roster.toml"


class FakeClock:
    """An injected clock the test moves by hand; the bot never sleeps on it."""

    def __init__(self, start: datetime):
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


def pdf_bytes(pages: int = 1) -> bytes:
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx_bytes(marker: str = "data") -> bytes:
    """A minimal Office Open XML workbook container (enough for the content check)."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", f"<workbook><!-- {marker} --></workbook>")
    return out.getvalue()


def png_bytes() -> bytes:
    return b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def exe_bytes() -> bytes:
    return b"MZ\x90\x00" + b"\x00" * 200
