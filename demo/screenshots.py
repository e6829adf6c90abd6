"""Phone-size screenshots of the Mini App's pages for ``lkj-bot render-samples``, taken in
Debian's Chromium (``bash scripts/setup.sh --test`` installs it) driven by Playwright; without
it the samples are rendered as before and a line says why the screenshots are missing."""

from __future__ import annotations

import os
import socket
from pathlib import Path
from typing import Any

from demo.playbook import MiniApp
from emulator.users import SimUser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# Telegram's dark theme parameters (as its Android client sends them), for the dark samples.
DARK_THEME = {
    "bg_color": "#17212b",
    "text_color": "#f5f5f5",
    "hint_color": "#708499",
    "link_color": "#6ab3f3",
    "button_color": "#5288c1",
    "button_text_color": "#ffffff",
    "secondary_bg_color": "#232e3c",
}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Shooter:
    """Takes a full-page screenshot of a Mini App page as a given user; does nothing when
    ``output`` is None (the plain demo)."""

    def __init__(self, output: Path | None, mini: MiniApp | None):
        self.output = output
        self.mini = mini
        self._playwright: Any = None
        self._browser: Any = None

    async def _open(self) -> Any:
        if self._browser is None:
            from playwright.async_api import async_playwright

            self._playwright = await async_playwright().start()
            self._browser = await self._playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
            )
        return self._browser

    async def __call__(
        self, name: str, url: str, user: SimUser, theme: dict[str, str] | None = None
    ) -> Path | None:
        if self.output is None:
            return None
        assert self.mini is not None
        return await self.page(name, self.mini.launch_url(url, user, theme), ".card")

    async def page(
        self, name: str, url: str, ready: str, viewport: dict[str, int] | None = None
    ) -> Path | None:
        """A screenshot of the page at ``url`` (already carrying what opens it) once
        ``ready`` is on it: ``name.png`` (the first screen) and ``name_penuh.png``."""
        if self.output is None:
            return None
        if not os.path.exists(CHROMIUM):
            print(
                f"Tangkapan layar {name} dilewati: Chromium belum terpasang "
                "(bash scripts/setup.sh --test)."
            )
            return None
        browser = await self._open()
        page = await browser.new_page(viewport=viewport or PHONE, device_scale_factor=2)
        await page.goto(url)
        await page.wait_for_selector(ready)
        await page.wait_for_load_state("networkidle")
        target = self.output / f"{name}.png"
        await page.screenshot(path=str(target), full_page=False)
        await page.screenshot(path=str(self.output / f"{name}_penuh.png"), full_page=True)
        await page.close()
        return target

    async def close(self) -> None:
        if self._browser is not None:
            await self._browser.close()
            await self._playwright.stop()
            self._browser = self._playwright = None
