"""The Bot API emulator, driven by a real PTB Bot/Application over HTTP.

These tests pin down the Telegram behaviour the bot's own tests rely on: validation
errors surface as the same PTB exceptions as in production, and user actions reach the
bot as genuine updates.
"""

from __future__ import annotations

import asyncio
import base64
import datetime as dtm
import html
import time
import warnings

import aiohttp
import pytest
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import (
    BadRequest,
    Conflict,
    EndPointNotFound,
    Forbidden,
    InvalidToken,
    RetryAfter,
)
from telegram.ext import (
    Application,
    ApplicationBuilder,
    CallbackQueryHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    filters,
)

from emulator import BotAPIEmulator

TOKEN = "123456:TEST-TOKEN"
ALICE = 1001
BOB = 1002


@pytest.fixture
async def emu():
    server = BotAPIEmulator(token=TOKEN, bot_username="lkj_test_bot")
    await server.start()
    server.add_user(ALICE, "Alice", username="alice")
    server.add_user(BOB, "Bob", last_name="Builder")
    yield server
    await server.stop()


@pytest.fixture
async def bot(emu):
    async with Bot(TOKEN, base_url=emu.base_url, base_file_url=emu.base_file_url) as raw_bot:
        yield raw_bot


class EchoState:
    """What the echo app observed, so tests can compare with what the emulator recorded."""

    def __init__(self) -> None:
        self.downloads: dict[str, bytes] = {}
        self.errors: list[Exception] = []


def _keyboard() -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup(
        [
            [
                InlineKeyboardButton("Yes", callback_data="yes"),
                InlineKeyboardButton("No", callback_data="no"),
            ]
        ]
    )


def build_echo_app(emu: BotAPIEmulator, state: EchoState) -> Application:
    app = (
        ApplicationBuilder()
        .token(TOKEN)
        .base_url(emu.base_url)
        .base_file_url(emu.base_file_url)
        .build()
    )

    async def start(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        name = update.effective_user.first_name
        await update.message.reply_text(
            f"Hello <b>{name}</b>, args={ctx.args}",
            parse_mode=ParseMode.HTML,
            reply_markup=_keyboard(),
        )

    async def echo(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        await update.message.reply_text(f"echo: {update.message.text}")

    async def button(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        query = update.callback_query
        await query.answer(f"got {query.data}", show_alert=True)
        await query.edit_message_reply_markup(None)

    async def document(update: Update, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        doc = update.message.document
        try:
            data = await (await ctx.bot.get_file(doc.file_id)).download_as_bytearray()
        except BadRequest as exc:
            await update.message.reply_text(f"error: {exc.message}")
            return
        state.downloads[doc.file_name] = bytes(data)
        await update.message.reply_document(
            bytes(data), filename=f"echo-{doc.file_name}", caption=f"{len(data)} bytes"
        )

    async def on_error(update: object, ctx: ContextTypes.DEFAULT_TYPE) -> None:
        state.errors.append(ctx.error)

    app.add_handler(CommandHandler("start", start))
    app.add_handler(MessageHandler(filters.TEXT & ~filters.COMMAND, echo))
    app.add_handler(MessageHandler(filters.Document.ALL, document))
    app.add_handler(CallbackQueryHandler(button))
    app.add_error_handler(on_error)
    return app


@pytest.fixture
async def echo(emu):
    state = EchoState()
    app = build_echo_app(emu, state)
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0, timeout=1)
    yield state
    await app.updater.stop()
    await app.stop()
    await app.shutdown()


# --- identity and routing -------------------------------------------------------------


async def test_get_me_and_routing(emu, bot):
    me = await bot.get_me()
    assert (me.id, me.username, me.is_bot) == (123456, "lkj_test_bot", True)
    assert emu.base_url.startswith("http://127.0.0.1:") and emu.base_url.endswith("/bot")

    with pytest.raises(EndPointNotFound):
        await bot.do_api_request("noSuchMethod")

    wrong = Bot("123456:WRONG", base_url=emu.base_url)
    with pytest.raises(InvalidToken):
        await wrong.initialize()
    await wrong.shutdown()


# --- full Application round-trips -------------------------------------------------------


async def test_command_round_trip(emu, echo):
    sent = emu.send_message(ALICE, "/start PAYLOAD")
    assert sent["entities"] == [{"type": "bot_command", "offset": 0, "length": 6}]
    assert sent["from"]["is_bot"] is False and sent["chat"]["type"] == "private"
    assert isinstance(sent["date"], int)

    reply = await emu.next_message(ALICE, timeout=5)
    assert reply.text == "Hello Alice, args=['PAYLOAD']"
    assert reply.html == "Hello <b>Alice</b>, args=['PAYLOAD']"
    assert reply.entities == [{"type": "bold", "offset": 6, "length": 5}]
    assert reply.reply_markup == [[("Yes", "yes"), ("No", "no")]]
    assert reply.message_id == sent["message_id"] + 1  # one counter per chat

    emu.send_message(ALICE, "plain words")
    assert (await emu.next_message(ALICE, timeout=5)).text == "echo: plain words"
    await emu.settle(quiet=0.1)
    assert emu.unread(ALICE) == []
    assert emu.sent_to(BOB) == []
    assert [m for m, _ in emu.calls].count("sendMessage") == 2


async def test_button_press_answer_and_keyboard_removal(emu, echo):
    emu.send_message(ALICE, "/start")
    menu = await emu.next_message(ALICE, timeout=5)

    query_id = emu.press_button(ALICE, menu.message_id, text="Yes")
    answer = await emu.wait_callback_answer(query_id, timeout=5)
    assert answer["text"] == "got yes" and answer["show_alert"] is True

    await emu.settle(quiet=0.1)
    assert menu.reply_markup == []
    assert menu.edits[-1].method == "editMessageReplyMarkup"
    with pytest.raises(LookupError):
        emu.press_button(ALICE, menu.message_id, callback_data="no")

    # A replayed/forged query still reaches the bot; editing the already bare
    # keyboard again is rejected exactly like Telegram does.
    replay = emu.press_raw(ALICE, menu.message_id, "yes")
    assert (await emu.wait_callback_answer(replay, timeout=5))["text"] == "got yes"
    await emu.settle(quiet=0.1)
    assert any(isinstance(e, BadRequest) and "not modified" in e.message for e in echo.errors)


async def test_document_upload_download_and_send_back(emu, echo):
    content = bytes(range(256)) * 40
    emu.send_document(ALICE, "laporan.pdf", content, caption="please check")

    reply = await emu.next_message(ALICE, timeout=5)
    assert echo.downloads["laporan.pdf"] == content
    assert reply.document is not None
    assert reply.document.filename == "echo-laporan.pdf"
    assert reply.document.content == content
    assert reply.document.mime_type == "application/pdf"
    assert reply.caption == f"{len(content)} bytes"


async def test_file_too_big_on_get_file(emu, echo, bot):
    message = emu.send_document(ALICE, "huge.zip", b"", declared_size=25 * 1024 * 1024)
    assert message["document"]["file_size"] == 25 * 1024 * 1024

    reply = await emu.next_message(ALICE, timeout=5)
    assert reply.text.lower() == "error: file is too big"
    with pytest.raises(BadRequest, match="(?i)file is too big"):
        await bot.get_file(message["document"]["file_id"])


# --- validation through a plain Bot ------------------------------------------------------


async def test_html_parse_mode(emu, bot):
    msg = await bot.send_message(
        ALICE,
        '<b>Rekap</b> &amp; <a href="https://x.id/?a=1&amp;b=2">link</a> 😀<i>ok</i>',
        parse_mode=ParseMode.HTML,
    )
    assert msg.text == "Rekap & link 😀ok"
    stored = emu.sent_to(ALICE)[-1]
    assert stored.html.startswith("<b>Rekap</b>")
    assert [(e["type"], e["offset"], e["length"]) for e in stored.entities] == [
        ("bold", 0, 5),
        ("text_link", 8, 4),
        ("italic", 15, 2),  # UTF-16 offsets
    ]
    assert stored.entities[1]["url"] == "https://x.id/?a=1&b=2"

    for bad in ("line<br>break", "1 < 2", "AT&T", "<b>unclosed", "<b>x</i>"):
        with pytest.raises(BadRequest, match="(?i)can't parse entities"):
            await bot.send_message(ALICE, bad, parse_mode=ParseMode.HTML)
    # What html.escape() produces (including &#x27;) is accepted and unescaped.
    escaped = html.escape("Tim <A> & 'B' \"C\"")
    assert (await bot.send_message(ALICE, escaped, parse_mode=ParseMode.HTML)).text == (
        "Tim <A> & 'B' \"C\""
    )
    # Without parse_mode the same text is fine.
    assert (await bot.send_message(ALICE, "1 < 2 & AT&T")).text == "1 < 2 & AT&T"


async def test_text_and_caption_limits(emu, bot):
    with pytest.raises(BadRequest, match="(?i)message text is empty"):
        await bot.send_message(ALICE, "   ")
    with pytest.raises(BadRequest, match="(?i)message is too long"):
        await bot.send_message(ALICE, "x" * 4097)
    assert len((await bot.send_message(ALICE, "x" * 4096)).text) == 4096
    # Only the visible text counts, not the markup.
    ok = await bot.send_message(ALICE, f"<b>{'y' * 4096}</b>", parse_mode=ParseMode.HTML)
    assert len(ok.text) == 4096
    with pytest.raises(BadRequest, match="(?i)message caption is too long"):
        await bot.send_document(ALICE, b"data", filename="a.txt", caption="c" * 1025)
    with pytest.raises(BadRequest, match="(?i)file must be non-empty"):
        await bot.send_document(ALICE, b"", filename="empty.txt")


async def test_callback_data_limit(emu, bot):
    def markup(data: str) -> InlineKeyboardMarkup:
        return InlineKeyboardMarkup([[InlineKeyboardButton("b", callback_data=data)]])

    assert (await bot.send_message(ALICE, "ok", reply_markup=markup("d" * 64))).reply_markup
    for data in ("d" * 65, "é" * 33):  # the limit is 64 bytes of UTF-8, not characters
        with pytest.raises(BadRequest, match="(?i)BUTTON_DATA_INVALID"):
            await bot.send_message(ALICE, "too long", reply_markup=markup(data))
    assert len(emu.sent_to(ALICE)) == 1


async def test_blocked_and_unknown_chats(emu, bot):
    emu.block(ALICE)
    with pytest.raises(Forbidden, match="bot was blocked by the user"):
        await bot.send_message(ALICE, "hi")
    with pytest.raises(Forbidden):
        await bot.send_chat_action(ALICE, "typing")
    with pytest.raises(BadRequest, match="(?i)chat not found"):
        await bot.send_message(424242, "hi")
    emu.unblock(ALICE)
    await bot.send_message(ALICE, "welcome back")
    assert emu.sent_to(ALICE)[-1].text == "welcome back"
    kinds = [u.my_chat_member.new_chat_member.status for u in await bot.get_updates(timeout=0)]
    assert kinds == ["kicked", "member"]


async def test_edit_delete_and_callback_errors(emu, bot):
    msg = await bot.send_message(ALICE, "v1", reply_markup=_keyboard())
    with pytest.raises(BadRequest, match="(?i)message is not modified"):
        await bot.edit_message_text("v1", ALICE, msg.message_id, reply_markup=_keyboard())
    with pytest.raises(BadRequest, match="(?i)message to edit not found"):
        await bot.edit_message_text("v2", ALICE, 999)
    # Editing without reply_markup drops the inline keyboard, as on Telegram.
    await bot.edit_message_text("v2", ALICE, msg.message_id)
    stored = emu.message(ALICE, msg.message_id)
    assert (stored.text, stored.reply_markup) == ("v2", [])
    assert [e.text for e in stored.edits] == ["v2"]

    doc = await bot.send_document(ALICE, b"abc", filename="a.txt", caption="old")
    await bot.edit_message_caption(
        ALICE, doc.message_id, caption="<i>new</i>", parse_mode=ParseMode.HTML
    )
    assert emu.message(ALICE, doc.message_id).caption == "new"

    assert await bot.delete_message(ALICE, msg.message_id)
    assert emu.message(ALICE, msg.message_id).deleted
    with pytest.raises(BadRequest, match="(?i)message to delete not found"):
        await bot.delete_message(ALICE, msg.message_id)

    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query("12345")
    query_id = emu.press_raw(ALICE, doc.message_id, "anything")
    assert await bot.answer_callback_query(query_id, text="done")
    assert emu.callback_answer(query_id) == {
        "text": "done",
        "show_alert": False,
        "url": None,
        "cache_time": None,
    }
    with pytest.raises(BadRequest, match="(?i)query is too old"):
        await bot.answer_callback_query(query_id)


async def test_resend_by_file_id_and_reply_parameters(emu, bot):
    upload = emu.send_document(BOB, "data.xlsx", b"PK\x03\x04sheet")
    file_id = upload["document"]["file_id"]
    sent = await bot.send_document(BOB, file_id, reply_to_message_id=upload["message_id"])
    assert sent.document.file_id == file_id
    assert sent.reply_to_message.message_id == upload["message_id"]
    assert emu.sent_to(BOB)[-1].document.content == b"PK\x03\x04sheet"
    named = await bot.send_document(BOB, b"%PDF", filename="Laporan Kinerja – TW III.pdf")
    assert named.document.file_name == "Laporan Kinerja – TW III.pdf"
    assert emu.sent_to(BOB)[-1].document.filename == "Laporan Kinerja – TW III.pdf"
    with pytest.raises(BadRequest, match="(?i)wrong file identifier"):
        await bot.send_document(BOB, "not-a-file-id")
    with pytest.raises(BadRequest, match="(?i)message to be replied not found"):
        await bot.send_message(BOB, "x", reply_to_message_id=9999)


async def test_get_updates_semantics(emu, bot):
    for text in ("one", "two", "three"):
        emu.send_message(ALICE, text)
    updates = await bot.get_updates(timeout=0, limit=2)
    assert [u.message.text for u in updates] == ["one", "two"]
    updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
    assert [u.message.text for u in updates] == ["three"]
    assert await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0) == ()

    # Long polling returns as soon as an update arrives ...
    poll = asyncio.create_task(bot.get_updates(timeout=5))
    await asyncio.sleep(0.05)
    started = time.monotonic()
    emu.send_message(ALICE, "wake up")
    assert [u.message.text for u in await poll] == ["wake up"]
    assert time.monotonic() - started < 1
    # ... and holds the request for `timeout` when nothing happens.
    started = time.monotonic()
    last = (await bot.get_updates(timeout=0))[-1].update_id
    assert await bot.get_updates(offset=last + 1, timeout=dtm.timedelta(seconds=0.3)) == ()
    assert time.monotonic() - started >= 0.28

    # allowed_updates filters callback queries out.
    msg = await bot.send_message(ALICE, "m", reply_markup=_keyboard())
    emu.press_button(ALICE, msg.message_id, text="No")
    emu.send_message(ALICE, "kept")
    updates = await bot.get_updates(offset=last + 1, timeout=0, allowed_updates=["message"])
    assert [u.message.text for u in updates] == ["kept"]

    # A second concurrent poller terminates the first, like a duplicate bot instance.
    first = asyncio.create_task(bot.get_updates(offset=updates[-1].update_id + 1, timeout=5))
    await asyncio.sleep(0.05)
    async with Bot(TOKEN, base_url=emu.base_url) as duplicate:
        await duplicate.get_updates(timeout=0)
    with pytest.raises(Conflict, match="terminated by other getUpdates"):
        await first


async def test_fail_next_injection(emu, bot):
    emu.fail_next("sendMessage", 429, retry_after=3)
    with pytest.raises(RetryAfter) as caught:
        await bot.send_message(ALICE, "hi")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        retry = caught.value.retry_after
    assert retry in (3, dtm.timedelta(seconds=3))
    emu.fail_next("sendmessage", 400, "Bad Request: chat not found", count=2)
    for _ in range(2):
        with pytest.raises(BadRequest, match="(?i)chat not found"):
            await bot.send_message(ALICE, "hi")
    assert (await bot.send_message(ALICE, "hi")).text == "hi"
    assert [e[2] for e in emu.errors] == [429, 400, 400]


async def test_commands_chat_action_and_observation_helpers(emu, bot):
    await bot.set_my_commands([("start", "Mulai"), ("rekap", "Rekap kinerja")])
    assert [c.command for c in await bot.get_my_commands()] == ["start", "rekap"]
    assert emu.commands()[1] == {"command": "rekap", "description": "Rekap kinerja"}
    with pytest.raises(BadRequest, match="(?i)BOT_COMMAND_INVALID"):
        await bot.set_my_commands([("Bad-Command", "x")])
    assert await bot.set_chat_menu_button()
    await bot.send_chat_action(ALICE, "upload_document")
    assert emu.chat_actions(ALICE) == ["upload_document"]

    with pytest.raises(TimeoutError, match="(?s)chat 1001.*'first'"):
        await bot.send_message(ALICE, "first")
        await emu.next_message(ALICE)  # consumes "first"
        await emu.next_message(ALICE, timeout=0.1)
    await bot.send_message(ALICE, "skip me")
    await bot.send_message(ALICE, "target")
    found = await emu.next_message(ALICE, timeout=1, predicate=lambda m: m.text == "target")
    assert found.text == "target" and emu.unread(ALICE) == []
    emu.rewind(ALICE, 2)
    assert [m.text for m in emu.unread(ALICE)] == ["skip me", "target"]
    assert emu.calls_to("sendChatAction") == [{"chat_id": ALICE, "action": "upload_document"}]


async def test_control_api(emu, bot):
    async with aiohttp.ClientSession(base_url=emu.url) as http:

        async def call(action: str, **body):
            async with http.post(f"/_emu/{action}", json=body) as resp:
                return resp.status, await resp.json()

        assert (await call("add_user", user_id=2001, first_name="Carol"))[0] == 200
        _, sent = await call("send_message", user_id=2001, text="/start")
        _, doc = await call(
            "send_document",
            user_id=2001,
            filename="f.txt",
            content_b64=base64.b64encode(b"hello").decode(),
        )
        updates = await bot.get_updates(timeout=0)
        assert [u.effective_message.message_id for u in updates] == [
            sent["result"]["message_id"],
            doc["result"]["message_id"],
        ]
        file = await bot.get_file(updates[1].message.document.file_id)
        assert bytes(await file.download_as_bytearray()) == b"hello"

        msg = await bot.send_document(2001, b"report", filename="r.txt", reply_markup=_keyboard())
        _, listing = await call("sent_to", user_id=2001)
        assert base64.b64decode(listing["result"][0]["document"]["content_b64"]) == b"report"
        _, pressed = await call("press_button", user_id=2001, message_id=msg.message_id, text="Yes")
        updates = await bot.get_updates(offset=updates[-1].update_id + 1, timeout=0)
        assert updates[0].callback_query.id == pressed["result"]
        assert updates[0].callback_query.data == "yes"
        status, error = await call(
            "press_button", user_id=2001, message_id=msg.message_id, text="Maybe"
        )
        assert status == 400 and "LookupError" in error["error"]
