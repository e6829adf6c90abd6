"""``BotAPIEmulator``: the test-side face of the emulated Telegram server.

Tests act as users (send text, upload files, press buttons, block the bot) and observe
what the bot sent, while a real, unmodified PTB Application talks to the same server
over HTTP via ``base_url``/``base_file_url``.
"""

from __future__ import annotations

import asyncio
import os
import random
import secrets
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from .api import METHODS
from .api_misc import commands_key
from .control import control_routes
from .errors import injected
from .faults import FaultRule, FloodControl
from .models import CallbackQuery, Chat, SentMessage
from .server import build_app
from .text import detect_entities
from .webhook import WebhookDelivery
from .world import World

#: What ``random_faults`` injects: (method, error code).
RANDOM_FAULTS = (
    ("sendMessage", 429),
    ("sendMessage", 502),
    ("sendDocument", 429),
    ("sendDocument", 502),
    ("editMessageText", 500),
    ("editMessageReplyMarkup", 502),
    ("editMessageCaption", 502),
    ("answerCallbackQuery", 502),
)


class BotAPIEmulator:
    """A local Telegram Bot API server plus helpers to play users in tests."""

    def __init__(
        self,
        token: str = "123456:TEST-TOKEN",
        bot_username: str = "lkj_test_bot",
        *,
        bot_name: str = "LKj Test Bot",
        host: str = "127.0.0.1",
        port: int = 0,
        strict_html: bool = True,
        round_trip: float = 0.0,
        flood_control: bool | None = None,
    ) -> None:
        self.world = World(token, bot_username, bot_name, strict_html)
        # Telegram's flood control by rate (emulator/faults.py): 429 "retry after N". On,
        # as at Telegram, unless switched off here or by EMU_FLOOD_CONTROL=0 (a benchmark
        # that drives the bot above Telegram's 30 a second on purpose).
        if flood_control is None:
            flood_control = os.environ.get("EMU_FLOOD_CONTROL", "1") != "0"
        self.world.flood.enabled = flood_control
        # Seconds every Bot API call (except getUpdates) waits before it is answered: a real
        # server's distance to Telegram (about 0.05 s), for benchmarks and latency tests.
        self.world.round_trip = round_trip
        self.host = host
        self.port = port
        self._runner: web.AppRunner | None = None
        self.webhooks = WebhookDelivery(self.world)

    # --- lifecycle -----------------------------------------------------------------------

    async def start(self) -> None:
        """Serve in the running event loop; ``port`` is the real port afterwards."""
        app = build_app(self.world, control_routes(self))
        self._runner = web.AppRunner(app, access_log=None, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, self.port)
        await site.start()
        self.port = self._runner.addresses[0][1]
        self.world.closing = False
        self.webhooks.start()

    async def stop(self) -> None:
        """Release pending long polls first so shutdown does not wait for their timeout."""
        self.world.closing = True
        self.world.updates_changed.fire()
        await self.webhooks.stop()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> BotAPIEmulator:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    @property
    def base_url(self) -> str:
        return f"{self.url}/bot"

    @property
    def base_file_url(self) -> str:
        return f"{self.url}/file/bot"

    @property
    def token(self) -> str:
        return self.world.token

    @property
    def bot_user(self) -> dict[str, Any]:
        return dict(self.world.bot_user)

    # --- acting as users -----------------------------------------------------------------

    def add_user(
        self,
        user_id: int,
        first_name: str,
        last_name: str | None = None,
        username: str | None = None,
        language_code: str | None = None,
        *,
        started: bool | None = None,
    ) -> dict[str, Any]:
        """Register a user (private chat id == user id). By default (``started`` None or
        True) they pressed Start long ago, so the bot may message them; ``started=False``:
        Telegram knows the user but the chat was never opened, so sends answer 403 until
        their first message (a /start). For a known user, None keeps the chat as it is."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        for key, value in (
            ("last_name", last_name),
            ("username", username),
            ("language_code", language_code),
        ):
            if value is not None:
                user[key] = value
        if user_id in self.world.chats:
            self.world.chats[user_id].user = user
            if started is not None:
                self.world.chats[user_id].started = started
        else:
            self.world.chats[user_id] = Chat(user=user, started=started is not False)
        return dict(user)

    def started(self, user_id: int) -> bool:
        """Whether the user has opened the private chat with the bot."""
        return self.world.chat(user_id).started

    def add_group(self, group_id: int, title: str) -> None:
        """A group chat (negative id) the bot is a member of; users write there with
        ``send_group_message`` and the bot's messages are read with ``sent_to(group_id)``."""
        if group_id >= 0:
            raise ValueError("group chat ids are negative")
        self.world.chats[group_id] = Chat(user={"id": group_id}, title=title)

    def send_group_message(self, group_id: int, user_id: int, text: str) -> dict:
        """``user_id`` writes ``text`` in the group."""
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        sender = self.world.chat(user_id).user
        return self.world.new_user_message(self.world.chat(group_id), content, None, sender)

    def send_message(self, user_id: int, text: str, *, reply_to: int | None = None) -> dict:
        """The user writes ``text``; commands, URLs, mentions get entities like in Telegram."""
        content: dict[str, Any] = {"text": text}
        entities = detect_entities(text)
        if entities:
            content["entities"] = entities
        return self.world.new_user_message(self.world.chat(user_id), content, reply_to)

    def edit_message(self, user_id: int, message_id: int, text: str) -> dict:
        """The user edits a text message they sent earlier: Telegram sends an
        ``edited_message`` update with the same message id and the new text."""
        chat = self.world.chat(user_id)
        original = chat.user_messages.get(message_id)
        if original is None or "text" not in original:
            raise LookupError(f"chat {user_id} has no text message #{message_id} from the user")
        edited: dict[str, Any] = {
            k: v for k, v in original.items() if k not in ("entities", "reply_to_message")
        }
        edited.update(text=text, edit_date=self.world.now())
        entities = detect_entities(text)
        if entities:
            edited["entities"] = entities
        chat.user_messages[message_id] = edited
        self.world.enqueue("edited_message", edited)
        return edited

    def send_document(
        self,
        user_id: int,
        filename: str,
        content: bytes,
        mime_type: str | None = None,
        caption: str | None = None,
        declared_size: int | None = None,
        *,
        reply_to: int | None = None,
    ) -> dict:
        """The user uploads a file; ``declared_size`` fakes a big file without the bytes."""
        chat = self.world.chat(user_id)
        stored = self.world.store_file(filename, content, mime_type, declared_size)
        body: dict[str, Any] = {"document": stored.as_document()}
        if caption:
            body["caption"] = caption
            entities = detect_entities(caption)
            if entities:
                body["caption_entities"] = entities
        return self.world.new_user_message(chat, body, reply_to)

    def send_photo(
        self,
        user_id: int,
        content: bytes,
        caption: str | None = None,
        *,
        width: int = 1280,
        height: int = 960,
    ) -> dict:
        """The user sends a picture the normal phone way (not as a file): Telegram delivers
        ``photo``, a list of sizes without a file name, the largest last. The emulator
        keeps the bytes as given for the largest size and a smaller copy's bytes for the
        thumbnail."""
        chat = self.world.chat(user_id)
        sizes = []
        for scale, data in ((8, content[: max(len(content) // 8, 1)]), (1, content)):
            stored = self.world.store_file("photo.jpg", data, "image/jpeg")
            sizes.append(
                {
                    "file_id": stored.file_id,
                    "file_unique_id": stored.file_unique_id,
                    "file_size": stored.file_size,
                    "width": width // scale,
                    "height": height // scale,
                }
            )
        body: dict[str, Any] = {"photo": sizes}
        if caption:
            body["caption"] = caption
        return self.world.new_user_message(chat, body, None)

    def press_button(
        self,
        user_id: int,
        message_id: int,
        text: str | None = None,
        callback_data: str | None = None,
    ) -> str:
        """Press an inline button that is *currently* on the bot's message; returns query id."""
        if text is None and callback_data is None:
            raise ValueError("give the button text or its callback_data")
        chat = self.world.chat(user_id)
        sent = chat.bot_messages.get(message_id)
        if sent is None or sent.deleted:
            raise LookupError(f"chat {user_id} has no live bot message #{message_id}")
        for row in (sent.markup or {}).get("inline_keyboard", []):
            for button in row:
                if text is not None and button.get("text") != text:
                    continue
                if callback_data is not None and button.get("callback_data") != callback_data:
                    continue
                if "callback_data" not in button:
                    raise LookupError(f"button {button.get('text')!r} sends no callback_data")
                return self._callback(chat, sent, button["callback_data"])
        raise LookupError(
            f"no button text={text!r} callback_data={callback_data!r} on message "
            f"#{message_id}; current buttons: {sent.reply_markup}"
        )

    def press_raw(self, user_id: int, message_id: int, callback_data: str) -> str:
        """Send any callback_data for a bot message, as a forged or replayed query would."""
        chat = self.world.chat(user_id)
        sent = chat.bot_messages.get(message_id)
        if sent is None:
            raise LookupError(f"chat {user_id} has no bot message #{message_id}")
        return self._callback(chat, sent, callback_data)

    def _callback(self, chat: Chat, sent: SentMessage, data: str) -> str:
        if chat.blocked:
            raise ValueError(f"user {chat.id} has blocked the bot; call unblock() first")
        query_id = str(secrets.randbits(63))
        self.world.callbacks[query_id] = CallbackQuery(query_id, chat.id, sent.message_id, data)
        if sent.deleted:  # Telegram sends an InaccessibleMessage
            message = {"chat": chat.as_chat(), "message_id": sent.message_id, "date": 0}
        else:
            message = self.world.bot_message_dict(chat, sent)
        self.world.enqueue(
            "callback_query",
            {
                "id": query_id,
                "from": dict(chat.user),
                "message": message,
                "chat_instance": chat.chat_instance,
                "data": data,
            },
        )
        return query_id

    def block(self, user_id: int) -> None:
        """The user blocks the bot: sends now fail with 403; bot gets a my_chat_member update."""
        self._set_blocked(user_id, True)

    def unblock(self, user_id: int) -> None:
        self._set_blocked(user_id, False)

    def _set_blocked(self, user_id: int, blocked: bool) -> None:
        chat = self.world.chat(user_id)
        if chat.blocked == blocked:
            return
        chat.blocked = blocked
        bot = dict(self.world.bot_user)
        member = {"user": bot, "status": "member"}
        kicked = {"user": bot, "status": "kicked", "until_date": 0}
        self.world.enqueue(
            "my_chat_member",
            {
                "chat": chat.as_chat(),
                "from": dict(chat.user),
                "date": self.world.now(),
                "old_chat_member": member if blocked else kicked,
                "new_chat_member": kicked if blocked else member,
            },
        )

    # --- observing the bot ---------------------------------------------------------------

    def sent_to(self, user_id: int) -> list[SentMessage]:
        """Every message the bot sent to this chat, in order (deleted ones flagged)."""
        return list(self.world.chat(user_id).sent)

    def message(self, user_id: int, message_id: int) -> SentMessage:
        """A bot message by id (raises KeyError)."""
        return self.world.chat(user_id).bot_messages[message_id]

    def rewind(self, user_id: int, count: int = 1) -> None:
        """Move the read cursor back so ``next_message`` can see consumed messages again."""
        chat = self.world.chat(user_id)
        chat.cursor = max(chat.cursor - count, 0)

    def unread(self, user_id: int) -> list[SentMessage]:
        chat = self.world.chat(user_id)
        return chat.sent[chat.cursor :]

    async def next_message(
        self,
        user_id: int,
        timeout: float = 10.0,
        predicate: Callable[[SentMessage], bool] | None = None,
    ) -> SentMessage:
        """Consume the next unread message (the first matching ``predicate``), waiting."""
        chat = self.world.chat(user_id)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            for index in range(chat.cursor, len(chat.sent)):
                if predicate is None or predicate(chat.sent[index]):
                    chat.cursor = index + 1
                    return chat.sent[index]
            remaining = deadline - loop.time()
            if remaining <= 0:
                what = "a matching message" if predicate else "a message"
                raise TimeoutError(f"waited {timeout}s for {what}\n" + self.dump(user_id))
            await chat.changed.wait(remaining)

    def dump(self, user_id: int) -> str:
        """Human-readable account of a chat, used in timeout errors."""
        w = self.world
        chat = w.chat(user_id)
        lines = [f"chat {user_id}: {len(chat.sent)} bot message(s), cursor at {chat.cursor}"]
        for index, sent in enumerate(chat.sent):
            mark = "read  " if index < chat.cursor else "UNREAD"
            lines.append(f"  {mark} {sent.describe()}")
        errors = [e for e in w.errors if e[1].get("chat_id") == user_id]
        for method, _params, code, description in errors[-10:]:
            lines.append(f"  bot API error: {method} -> {code} {description}")
        lines.append(
            f"  updates not yet fetched by the bot: {w.undelivered()}; "
            f"getUpdates calls so far: {w.get_updates_calls}"
        )
        return "\n".join(lines)

    def callback_answer(self, callback_query_id: str) -> dict | None:
        """What answerCallbackQuery said (text, show_alert, url, cache_time) or None."""
        query = self.world.callbacks.get(callback_query_id)
        return None if query is None else query.answer

    async def wait_callback_answer(self, callback_query_id: str, timeout: float = 10.0) -> dict:
        query = self.world.callbacks.get(callback_query_id)
        if query is None:
            raise KeyError(f"unknown callback query id {callback_query_id!r}")
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while (answer := query.answer) is None:
            remaining = deadline - loop.time()
            if remaining <= 0:
                raise TimeoutError(
                    f"callback query {callback_query_id} ({query.data!r}) not answered "
                    f"within {timeout}s\n{self.dump(query.user_id)}"
                )
            await query.answered.wait(remaining)
        return answer

    async def settle(self, quiet: float = 0.3, timeout: float = 60.0) -> None:
        """Wait until all updates were fetched and the bot made no call for ``quiet`` s."""
        w = self.world
        deadline = time.monotonic() + timeout
        while True:
            idle = time.monotonic() - w.last_activity
            busy = w.undelivered() or w.inflight
            if not busy and idle >= quiet:
                return
            if time.monotonic() >= deadline:
                raise TimeoutError(
                    f"bot did not settle within {timeout}s: {w.undelivered()} update(s) not "
                    f"fetched, {w.inflight} call(s) in flight, last call {idle:.2f}s ago"
                )
            await asyncio.sleep(0.01 if busy else max(quiet - idle, 0.01))

    @property
    def calls(self) -> list[tuple[str, dict]]:
        """(method, params) for every Bot API call except getUpdates, in order."""
        return self.world.calls

    @property
    def errors(self) -> list[tuple[str, dict, int, str]]:
        """(method, params, error_code, description) for every failed call."""
        return self.world.errors

    def calls_to(self, method: str) -> list[dict]:
        """Params of every call to ``method`` (case-insensitive)."""
        return [p for m, p in self.world.calls if m.lower() == method.lower()]

    def chat_actions(self, user_id: int) -> list[str]:
        return list(self.world.chat(user_id).actions)

    def commands(self, scope: dict | None = None, language_code: str = "") -> list[dict]:
        """Commands registered with setMyCommands for that scope/language."""
        return list(
            self.world.commands.get(
                commands_key({"scope": scope, "language_code": language_code}), []
            )
        )

    def redeliver(self, count: int = 1) -> list[dict]:
        """Queue the last ``count`` updates again with their original ids, as Telegram does
        for updates a crashed bot fetched but never confirmed. A bot that restarts polling
        from offset 0 receives them a second time."""
        again = [dict(u) for u in self.world.history[-count:]]
        self.world.updates.extend(again)
        self.world.updates_changed.fire()
        return again

    def webhook_pool(self, urls: list[str]) -> None:
        """Deliver webhook updates to these URLs in turn, as a reverse proxy in front of
        several bot workers would (an update a worker cannot take goes to the next one)."""
        self.webhooks.pool = list(urls)

    def hold_next(self, method: str, count: int = 1) -> None:
        """Park the next ``count`` calls of ``method`` unanswered; they never take effect.
        Lets a test kill the bot while it is stuck in the middle of a step."""
        entry = METHODS.get(method.lower())
        if entry is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        self.world.holds[entry[0]] = self.world.holds.get(entry[0], 0) + count

    def delay_next(
        self, method: str, seconds: float, count: int = 1, chat_id: int | None = None
    ) -> None:
        """The next ``count`` calls of ``method`` (to ``chat_id``, or any) take effect at once
        but are answered only after ``seconds``: a client whose timeout is shorter sees a
        timed-out call that nevertheless happened (a message sent), where a retry duplicates."""
        entry = METHODS.get(method.lower())
        if entry is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        self.world.delays.setdefault(entry[0], []).extend([(float(seconds), chat_id)] * count)

    async def wait_held(self, count: int = 1, timeout: float = 20.0) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while self.world.held < count:
            if loop.time() >= deadline:
                raise TimeoutError(f"{self.world.held} call(s) held, expected {count}")
            await asyncio.sleep(0.02)

    def release_held(self) -> None:
        """End parked calls with an error and no effect (new holds park on a fresh event)."""
        self.world.holds.clear()
        self.world.release.set()
        self.world.release = asyncio.Event()

    def fail_next(
        self,
        method: str,
        error_code: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        count: int = 1,
        *,
        chat_id: int | None = None,
        probability: float = 1.0,
        gateway: bool | None = None,
        seed: int | None = None,
    ) -> None:
        """Make the next ``count`` calls of ``method`` fail (e.g. 429 with retry_after).

        ``chat_id``: only calls to that chat; ``probability``: each matching call fails with
        that chance until ``count`` have failed (``seed`` makes the draw repeatable); a 5xx
        comes as Telegram's gateway sends it, an HTML page (``gateway=False``: Bot API JSON).
        """
        entry = METHODS.get(method.lower())
        if entry is None:
            raise ValueError(f"unknown Bot API method {method!r}")
        if not 0.0 < probability <= 1.0:
            raise ValueError("probability must be in (0, 1]")
        rules = self.world.failures.setdefault(entry[0], [])
        rules.append(
            FaultRule(
                injected(error_code, description, retry_after, gateway),
                chat_id,
                probability,
                count,
                random.Random(seed),
            )
        )

    def random_faults(self, seed: int, probability: float = 0.04) -> None:
        """From now on, each send, edit and press answer fails now and then, as Telegram's
        do under load: 429 with ``retry_after`` 1, or a gateway 500/502 (``RANDOM_FAULTS``),
        each kind with ``probability``, drawn from ``seed`` (a run is repeatable)."""
        rng = random.Random(seed)
        for method, code in RANDOM_FAULTS:
            self.fail_next(
                method,
                code,
                retry_after=1 if code == 429 else None,
                count=10**9,
                probability=probability,
                seed=rng.getrandbits(32),
            )

    def clear_faults(self) -> None:
        """Forget every fault still pending (``fail_next``, ``delay_next``)."""
        self.world.failures.clear()
        self.world.delays.clear()

    @property
    def flood(self) -> FloodControl:
        """Telegram's flood control by rate (on by default): ``emu.flood.enabled = False``
        turns it off; ``emu.flood.refused`` counts the 429s it answered."""
        return self.world.flood
