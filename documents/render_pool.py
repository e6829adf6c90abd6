"""Rendering PDFs in separate, pre-warmed worker processes, so no render holds up the bot.

WeasyPrint takes about a second of CPU for a report and holds the GIL while it lays out the
pages, so a render in a thread still slows every other chat. Here it runs in a small bounded
pool of worker processes; the bot process never imports WeasyPrint (it costs half of the
start-up time), the workers import it and render a one-line page once when they start, so the
first real render does not pay for fonts and imports either.

A worker whose parent dies (the bot killed with SIGKILL) exits on its own within a second.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import multiprocessing
import os
import threading
import time
from collections.abc import Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import Any

from documents.embedded import EmbeddedFile

log = logging.getLogger(__name__)

RENDER_NICENESS = 10
_WARM_HTML = "<html><body><p>Siap.</p></body></html>"


def _watch_parent(parent: int) -> None:
    while True:
        time.sleep(0.5)
        if os.getppid() != parent:
            os._exit(0)


def _start_worker(parent: int) -> None:
    """Worker initializer: leave with the parent, yield the CPU to the bot, import WeasyPrint
    and lay out one page."""
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    # A render is background work: on a busy machine the bot's answers come first.
    os.nice(RENDER_NICENESS)
    from documents.render import html_to_pdf

    html_to_pdf(_WARM_HTML)


def _render(
    template: str, context: dict[str, Any], archival: Sequence[EmbeddedFile] | None
) -> bytes:
    from documents.render import render_pdf

    return render_pdf(template, context, archival=archival)


def _ready() -> int:
    return os.getpid()


def default_workers() -> int:
    """One worker per spare core, at least one and at most two (each holds ~100 MB)."""
    return max(1, min(2, (os.cpu_count() or 1) - 1))


class RenderPool:
    """A bounded pool of render processes with a queue; ``position`` says where a job waits."""

    def __init__(self, workers: int | None = None):
        self.workers = workers or default_workers()
        self._pool: ProcessPoolExecutor | None = None
        self._jobs = 0  # submitted and not finished (running + queued)

    def _executor(self) -> ProcessPoolExecutor:
        if self._pool is None:
            self._pool = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_start_worker,
                initargs=(os.getpid(),),
            )
        return self._pool

    def warm(self) -> list[Future]:
        """Start every worker now (in the background), so the first render finds them ready."""
        pool = self._executor()
        return [pool.submit(_ready) for _ in range(self.workers)]

    def position(self) -> int:
        """A job submitted now waits as the n-th in the queue; 0: a worker takes it at once."""
        return max(0, self._jobs - self.workers + 1)

    async def render(
        self,
        template: str,
        context: dict[str, Any],
        archival: Sequence[EmbeddedFile] | None = None,
    ) -> bytes:
        """Render ``templates/<template>`` with ``context`` to PDF bytes in a worker (archival
        PDF/A-3 with ``archival``'s files attached, when given)."""
        loop = asyncio.get_running_loop()
        job = functools.partial(_render, template, context, archival)
        self._jobs += 1
        try:
            try:
                return await loop.run_in_executor(self._executor(), job)
            except BrokenProcessPool:
                # A worker died (killed, out of memory): start a fresh pool and try once more.
                log.warning("render worker died; restarting the render pool")
                self.shutdown()
                return await loop.run_in_executor(self._executor(), job)
        finally:
            self._jobs -= 1

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)
            self._pool = None


_SHARED: dict[int, RenderPool] = {}


def shared_pool(workers: int | None = None) -> RenderPool:
    """One pool per process and size: a bot restarted in the same process (tests) reuses it."""
    size = workers or default_workers()
    pool = _SHARED.get(size)
    if pool is None:
        pool = _SHARED[size] = RenderPool(size)
    return pool
