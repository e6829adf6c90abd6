"""The operator's alert chat (``LKJ_ALERT_CHAT_ID``): an unexpected error is posted there,
short, with the update id, so whoever runs the bot hears of it without reading the log.

Rate-limited: at most one alert per :data:`WINDOW`; errors in between are counted and the
next alert says how many there were, so a failure loop cannot flood the chat (or spend the
bot's send budget on it).
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass

from telegram import Bot
from telegram.error import TelegramError

from handlers import texts

log = logging.getLogger(__name__)

WINDOW = 60.0  # seconds between two alerts


@dataclass
class AlertChat:
    chat_id: int
    window: float = WINDOW
    _last: float | None = None
    _suppressed: int = 0

    async def error(self, bot: Bot, update_id: int | None, error: BaseException) -> bool:
        """Post one short alert for ``error`` unless one went out within the window;
        returns whether it was posted. Never raises: the error handler calls it."""
        now = time.monotonic()
        if self._last is not None and now - self._last < self.window:
            self._suppressed += 1
            return False
        self._last = now
        text = texts.operator_alert(update_id, type(error).__name__, str(error), self._suppressed)
        self._suppressed = 0
        try:
            await bot.send_message(self.chat_id, text)
        except TelegramError as exc:
            log.warning("could not post to the alert chat %s: %s", self.chat_id, exc)
            return False
        return True
