"""``lkj-bot render-samples``: every document of the demo's quarter and of a whole sample
year, the Mini App's screenshots and the picture guides, in one folder."""

from __future__ import annotations

import asyncio
import shutil
import subprocess
from pathlib import Path

from demo.guides import build_guides
from demo.pemda import shoot_pemda
from demo.quarter import DEMO_ROSTER, run_demo
from demo.sample_year import render_year
from domain.calendar import WorkCalendar
from domain.roster import load_roster
from domain.samples import SAMPLE_YEAR
from domain.sop import load_sop


async def render_samples(output: Path) -> list[Path]:
    """Render every document from the demo's sample data, with PNG previews if possible,
    phone-size screenshots of the Mini App's two pages when Chromium is installed, the
    evaluators' page of a small pemda on a phone and on a desktop, and the picture guides of
    every role (``output/panduan``, as ``lkj-bot guides`` writes them)."""
    await run_demo(output, quiet=True, keep_all=True, screenshots=True)
    await shoot_pemda(output)
    # The demo plays one quarter; a whole sample year shows the four quarters and the annual LKj.
    unit = load_roster(DEMO_ROSTER).units[0]
    await asyncio.to_thread(render_year, output, unit, load_sop(), WorkCalendar(), SAMPLE_YEAR)
    await build_guides(output / "panduan")
    pdfs = sorted(output.glob("*.pdf"))
    if shutil.which("pdftoppm"):
        for pdf in pdfs:
            subprocess.run(
                ["pdftoppm", "-r", "60", "-png", str(pdf), str(output / pdf.stem)], check=True
            )
    return pdfs
