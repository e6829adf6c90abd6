"""Simulated chat users on top of the emulator: say, upload, tap, expect.

Used by the end-to-end tests and by the offline demo, so that both play the procedure the
way a person would: read the last message, tap the button it carries, type an answer.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable

from .emulator import BotAPIEmulator
from .models import SentMessage

Transcript = Callable[[str, str, str], None]  # (who, direction, text)


class SimUser:
    def __init__(
        self,
        emu: BotAPIEmulator,
        user_id: int,
        name: str,
        transcript: Transcript | None = None,
        timeout: float = 60.0,  # generous: a loaded CI machine renders PDFs slowly
        *,
        started: bool | None = None,
    ):
        self.emu = emu
        self.user_id = user_id
        self.name = name
        self.transcript = transcript
        self.timeout = timeout
        emu.add_user(user_id, name, started=started)

    def _log(self, direction: str, text: str) -> None:
        if self.transcript:
            self.transcript(self.name, direction, text)

    def say(self, text: str) -> dict:
        """Send ``text``; returns the message as Telegram would (with its message_id)."""
        self._log(">", text)
        return self.emu.send_message(self.user_id, text)

    def edit(self, message_id: int, text: str) -> None:
        """Edit a message sent earlier (Telegram delivers it as an ``edited_message``)."""
        self._log(">", f"(mengubah pesan menjadi) {text}")
        self.emu.edit_message(self.user_id, message_id, text)

    def upload(self, filename: str, content: bytes, declared_size: int | None = None) -> None:
        self._log(">", f"[berkas {filename}, {declared_size or len(content)} bita]")
        self.emu.send_document(self.user_id, filename, content, declared_size=declared_size)

    def send_photo(self, content: bytes, caption: str | None = None) -> dict:
        """Send a picture as a photo (compressed by Telegram), not as a file."""
        self._log(">", f"[foto, {len(content)} bita]")
        return self.emu.send_photo(self.user_id, content, caption)

    async def expect(
        self,
        contains: str | None = None,
        document: bool | None = None,
        timeout: float | None = None,
    ) -> SentMessage:
        """The next message for this user containing ``contains`` (skipping others)."""

        def match(m: SentMessage) -> bool:
            if contains is not None and contains not in m.text:
                return False
            if document is not None and (m.document is not None) != document:
                return False
            return True

        message = await self.emu.next_message(self.user_id, timeout or self.timeout, match)
        self._record(message)
        return message

    async def next(self, timeout: float | None = None) -> SentMessage:
        message = await self.emu.next_message(self.user_id, timeout or self.timeout)
        self._record(message)
        return message

    def _record(self, message: SentMessage) -> None:
        label = f"[dokumen {message.document.filename}] " if message.document else ""
        buttons = f"  [{' | '.join(message.buttons)}]" if message.buttons else ""
        self._log("<", f"{label}{message.text}{buttons}")

    def with_button(self, text: str) -> SentMessage:
        """The newest message that currently shows a button labelled ``text``."""
        for message in reversed(self.emu.sent_to(self.user_id)):
            if text in message.buttons:
                return message
        raise LookupError(
            f"{self.name} has no message with button {text!r}\n" + self.emu.dump(self.user_id)
        )

    async def wait_button(self, text: str, timeout: float | None = None) -> SentMessage:
        """Wait until some message shows a button labelled ``text``; the newest such one."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + (timeout or self.timeout)
        while True:
            try:
                return self.with_button(text)
            except LookupError:
                if loop.time() >= deadline:
                    raise
            await asyncio.sleep(0.02)

    async def tap(self, text: str, message: SentMessage | None = None) -> dict:
        """Tap a button on ``message`` (default: the newest one showing it); returns the answer."""
        message = message or await self.wait_button(text)
        self._log(">", f"(menekan tombol “{text}”)")
        query_id = self.emu.press_button(self.user_id, message.message_id, text=text)
        return await self.emu.wait_callback_answer(query_id, self.timeout)

    async def tap_raw(self, message: SentMessage, callback_data: str) -> dict:
        query_id = self.emu.press_raw(self.user_id, message.message_id, callback_data)
        return await self.emu.wait_callback_answer(query_id, self.timeout)

    def received(self) -> list[SentMessage]:
        return self.emu.sent_to(self.user_id)
