"""Small helpers shared by the handlers: who is writing, how to send, how to make buttons."""

from __future__ import annotations

import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message, Update, WebAppInfo
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from app.services import Services
from domain.errors import WorkflowError
from domain.models import Cycle, parse_cycle_id
from domain.roster import Person, Unit
from domain.sop import DIVIDE
from handlers import texts

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024

Button = tuple[str, dict[str, Any]]
WEB_APP = "web_app"  # a button payload {"web_app": url} opens a Mini App page


def svc(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data["services"]


def unit_of(services: Services, person: Person) -> Unit:
    return services.roster.unit(person.unit)


#: Someone outside every unit: at most GUEST_LIMIT answered messages (codes tried, documents
#: checked, messages) per GUEST_WINDOW_S; past it ONE notice, then silence until the window
#: frees up, so a guesser cannot spend the bot's send budget (~30 messages/s for the bot).
GUEST_WINDOW_S = 600
GUEST_LIMIT = 20
ALLOWED, NOTICE, SILENT = "allowed", "notice", "silent"


def guest_state(context, user_id: int) -> str:
    """ALLOWED (counted), NOTICE (the first refusal of a window: say so once) or SILENT.
    Kept in the running application's memory: a restart forgives, harmless for 80-bit codes."""
    now = time.monotonic()
    data = context.application.bot_data
    guests: dict[int, deque[float]] = data.setdefault("guest_calls", {})
    noticed: dict[int, float] = data.setdefault("guest_noticed", {})
    calls = guests.setdefault(user_id, deque())
    while calls and now - calls[0] > GUEST_WINDOW_S:
        calls.popleft()
    if len(calls) < GUEST_LIMIT:
        calls.append(now)
        noticed.pop(user_id, None)
        return ALLOWED
    if user_id in noticed and now - noticed[user_id] <= GUEST_WINDOW_S:
        return SILENT
    noticed[user_id] = now
    return NOTICE


async def guest_gate(update: Update, context, action: str) -> bool:
    """Whether a stranger's message is answered. Over the limit each one is audited (a file
    line, not a send); the first gets the notice, the following ones no answer at all."""
    state = guest_state(context, update.effective_user.id)
    if state != ALLOWED:
        audit_refusal(context, update, None, action, texts.AUDIT_TOO_OFTEN)
    if state == NOTICE and update.effective_chat:
        await send_text(context, update.effective_chat.id, texts.VERIFY_TOO_OFTEN)
    return state == ALLOWED


async def identify(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Person | None:
    """The registered person behind the update, or None after telling a stranger whom to ask
    (within the strangers' rate limit: past it, one notice and then silence)."""
    user = update.effective_user
    if user is None:
        return None
    services = svc(context)
    person = services.roster.person(user.id)
    evaluator = services.roster.evaluator(user.id) if person is None else None
    if evaluator is not None:  # a pemda's evaluator: read-only, whatever they tried
        government = services.roster.pemdas().get(evaluator.pemda)
        audit_refusal(
            context,
            update,
            None,
            _attempt(update),
            texts.AUDIT_EVALUATOR_READ_ONLY,
            role="evaluator",
        )
        where = government.line if government else evaluator.pemda
        if update.effective_chat:
            text = texts.evaluator_read_only(evaluator.body_label, where)
            await send_text(context, update.effective_chat.id, text)
        return None
    if person is None and not await guest_gate(update, context, "pesan"):
        return None
    if person is None:
        audit_refusal(context, update, None, "pesan", texts.AUDIT_NOT_REGISTERED)
    if person is None and update.effective_chat:
        contact = None
        if len(services.roster.units) == 1:
            unit = services.roster.units[0]
            # whoever keeps the unit's targets and task division keeps its people too
            holders = unit.with_role(services.sop_for(unit).role_of(DIVIDE))
            if holders:  # a unit still being set up may have nobody there yet
                contact = f"{holders[0].name} ({holders[0].position})"
        await send_text(context, update.effective_chat.id, texts.not_registered(user.id, contact))
    return person


def _attempt(update: Update) -> str:
    """What a message tried, for the audit: its command ("mulai"), else "pesan"."""
    message = update.effective_message
    words = (message.text or "").split() if message else []
    if words and words[0].startswith("/"):
        return words[0][1:].split("@")[0][:40] or "pesan"
    return "pesan"


def audit_refusal(
    context: ContextTypes.DEFAULT_TYPE,
    update: Update,
    person: Person | None,
    action: str,
    reason: str,
    cycle: str = "",
    *,
    role: str | None = None,
) -> None:
    """Every refused action leaves a line in the audit log (who tried what, and why not),
    once: an update replayed from the inbox after a kill does not log its refusal again."""
    services = svc(context)
    user = update.effective_user
    unit, year = (person.unit if person else None), services.now().year
    if update.update_id in services.inbox.replayed and any(
        e.get("update_id") == update.update_id and e.get("action") == action
        for e in services.audit.log(unit, year).entries()
    ):
        return
    services.audit.append(
        unit,
        year,
        {
            "at": services.now(),
            "actor": user.id if user else 0,
            "role": role or (person.role.value if person else "stranger"),
            "action": action,
            "outcome": "refused",
            "reason": reason[:500],
            "cycle": cycle,
            "update_id": update.update_id,
        },
    )


def split_text(text: str, limit: int = TEXT_LIMIT) -> list[str]:
    """Split a long message at line breaks so that each part fits Telegram's limit."""
    parts: list[str] = []
    current = ""
    for line in text.split("\n"):
        while len(line) > limit:
            if current:
                parts.append(current)
                current = ""
            parts.append(line[:limit])
            line = line[limit:]
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > limit:
            parts.append(current)
            current = line
        else:
            current = candidate
    if current:
        parts.append(current)
    return parts or [""]


async def send_text(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    text: str,
    buttons: list[list[Button]] | None = None,
    user_id: int | None = None,
) -> Message | None:
    """Send (splitting if needed) with the buttons on the last part; None if the user is gone."""
    return await send_text_by(context.bot, svc(context), chat_id, text, buttons, user_id)


async def send_text_by(
    bot: Bot,
    services: Services,
    chat_id: int,
    text: str,
    buttons: list[list[Button]] | None = None,
    user_id: int | None = None,
) -> Message | None:
    """:func:`send_text` through ``bot`` (the Mini App's server has no update)."""
    markup = keyboard(services, user_id or chat_id, buttons) if buttons else None
    parts = split_text(text)
    message = None
    try:
        for i, part in enumerate(parts):
            last = i == len(parts) - 1
            message = await bot.send_message(chat_id, part, reply_markup=markup if last else None)
    except Forbidden:
        return None
    return message


async def send_file(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    data: bytes,
    filename: str,
    caption: str = "",
    buttons: list[list[Button]] | None = None,
) -> Message | None:
    return await send_file_by(context.bot, svc(context), chat_id, data, filename, caption, buttons)


async def send_file_by(
    bot: Bot,
    services: Services,
    chat_id: int,
    data: bytes,
    filename: str,
    caption: str = "",
    buttons: list[list[Button]] | None = None,
) -> Message | None:
    """:func:`send_file` through ``bot`` (the Mini App's server has no update)."""
    markup = keyboard(services, chat_id, buttons) if buttons else None
    short = caption if len(caption) <= CAPTION_LIMIT else None
    try:
        message = await bot.send_document(
            chat_id,
            document=data,
            filename=filename,
            caption=short or None,
            reply_markup=markup if short is not None or not caption else None,
        )
        if caption and short is None:
            message = await send_text_by(bot, services, chat_id, caption, buttons) or message
    except Forbidden:
        return None
    return message


def keyboard(services: Services, user_id: int, rows: list[list[Button]]) -> InlineKeyboardMarkup:
    """Inline keyboard whose callback_data are opaque tokens bound to ``user_id`` (a Mini App
    button, ``{"web_app": url}``, opens its page instead)."""
    payloads = [
        {**payload, "user": user_id} for row in rows for _, payload in row if WEB_APP not in payload
    ]
    tokens = iter(services.callbacks.issue_many(payloads))

    def button(label: str, payload: dict[str, Any]) -> InlineKeyboardButton:
        if WEB_APP in payload:
            return InlineKeyboardButton(label, web_app=WebAppInfo(payload[WEB_APP]))
        return InlineKeyboardButton(label, callback_data=next(tokens))

    return InlineKeyboardMarkup(
        [[button(label, payload) for label, payload in row] for row in rows]
    )


async def drop_buttons(update: Update) -> None:
    """Edit the buttons away from the message that was just answered."""
    query = update.callback_query
    if query and query.message:
        try:
            await query.edit_message_reply_markup(reply_markup=None)
        except BadRequest:
            pass


async def drop_buttons_of(context: ContextTypes.DEFAULT_TYPE, chat_id: int, message_id: int):
    """Edit the buttons away from an earlier message (a decision taken via a form)."""
    await drop_markup(context.bot, chat_id, message_id)


async def drop_markup(bot: Bot, chat_id: int, message_id: int) -> None:
    """:func:`drop_buttons_of` through ``bot`` (the Mini App's server has no update)."""
    try:
        await bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
    except BadRequest:
        pass


def cycle_of(context: ContextTypes.DEFAULT_TYPE, payload: dict[str, Any]) -> Cycle:
    """The cycle a button or form names; one that does not exist is a stale reference."""
    return cycle_named(svc(context), payload)


def cycle_named(services: Services, payload: dict[str, Any]) -> Cycle:
    """The cycle ``payload`` names (``cycle_of`` without an update)."""
    cycle = load_cycle(services, payload["cycle"])
    if cycle is None:
        raise WorkflowError(texts.BUTTON_UNKNOWN)
    return cycle


def load_cycle(services: Services, cycle_key: str) -> Cycle | None:
    unit, year, triwulan = parse_cycle_id(cycle_key)
    return services.cycles.get(unit, year, triwulan)


@dataclass(frozen=True)
class SignButtons:
    """The actions behind the two-tap signature: Tandatangani / Kembalikan, then Ya / Batal."""

    ask: str
    confirm: str
    cancel: str
    give_back: str
    give_back_extra: dict[str, Any] = field(default_factory=dict)
    #: The Mini App's signing page, when the passphrase is typed there: its button confirms.
    page: str | None = None

    def rows(self, args: dict[str, Any], confirming: bool) -> list[list[Button]]:
        if confirming and self.page:
            return [
                [
                    (texts.BTN_SIGN_ON_PAGE, {WEB_APP: self.page}),
                    (texts.BTN_SIGN_CANCEL, {"action": self.cancel, **args}),
                ]
            ]
        if confirming:
            return [
                [
                    (texts.BTN_SIGN_CONFIRM, {"action": self.confirm, **args}),
                    (texts.BTN_SIGN_CANCEL, {"action": self.cancel, **args}),
                ]
            ]
        return [
            [
                (texts.BTN_SIGN, {"action": self.ask, **args}),
                (texts.BTN_RETURN, {"action": self.give_back, **self.give_back_extra, **args}),
            ]
        ]


async def show_sign_buttons(
    update: Update,
    context: ContextTypes.DEFAULT_TYPE,
    user_id: int,
    buttons: SignButtons,
    args: dict[str, Any],
    confirming: bool,
) -> None:
    """Swap the message's buttons between the first and the confirming tap."""
    rows = buttons.rows(args, confirming)
    await update.callback_query.edit_message_reply_markup(keyboard(svc(context), user_id, rows))
