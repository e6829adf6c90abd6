"""PDFs are rendered in separate worker processes: the bot's start-up path never imports
WeasyPrint, a render waits in a bounded queue with its position, and a worker leaves with
its parent when the bot is killed."""

from __future__ import annotations

import asyncio
import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from pypdf import PdfReader

from documents.render_pool import RenderPool
from tests.test_documents import _flat, disposition_context

REPO = Path(__file__).resolve().parents[1]


def test_the_bots_start_up_path_does_not_import_weasyprint():
    code = (
        "import sys, bot.app, bot.cli\n"
        "from bot.app import build_application\n"
        "print('weasyprint' in sys.modules)"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], cwd=REPO, capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


async def test_renders_queue_with_their_position_and_come_back_as_pdfs():
    pool = RenderPool(workers=1)
    try:
        context = disposition_context()
        positions = []

        async def one():
            positions.append(pool.position())
            return await pool.render("disposition_sheet.html", context)

        pdfs = await asyncio.gather(one(), one(), one())
        # One worker: the first starts at once, the others wait as first and second in line.
        assert positions == [0, 1, 2]
        assert pool.position() == 0
        for pdf in pdfs:
            assert "LEMBAR DISPOSISI" in _flat(PdfReader(io.BytesIO(pdf)).pages[0].extract_text())
    finally:
        pool.shutdown()


CHILD = """
import sys, time
from documents.render_pool import RenderPool
pool = RenderPool(workers=1)
pool.warm()[0].result(timeout=60)
print(" ".join(str(pid) for pid in pool._pool._processes), flush=True)
time.sleep(600)
"""


def test_a_worker_leaves_when_the_bot_is_killed():
    bot = subprocess.Popen(
        [sys.executable, "-c", CHILD], cwd=REPO, stdout=subprocess.PIPE, text=True
    )
    try:
        workers = [int(pid) for pid in bot.stdout.readline().split()]
        assert workers and all(_alive(pid) for pid in workers)
    finally:
        bot.send_signal(signal.SIGKILL)
        bot.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(_alive(pid) for pid in workers)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A zombie (exited, not yet reaped by init) counts as gone.
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(") ", 1)[1][0] != "Z"
    except OSError:
        return False
