"""Each person's command menu: setMyCommands with a per-chat scope, and /bantuan from the same list.

Which commands a person has is read from where the rule lives: /mulai belongs to the role of
the unit's SOP table's first step, /tahunan to the role of the step that compiles the annual
report (and sends the budget, /anggaran), /target, /anggaran and /ekspor to whoever may see
the targets (``handlers.targets.may_view``, from the table), /identitas, /undang and /undangan
to the unit's administrators.
The menu last set per chat is kept in the store, so a restart (after a roster change) sends
only the menus that changed and removes those of people who left.
"""

from __future__ import annotations

import json
import logging

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import BadRequest, Forbidden
from telegram.ext import ContextTypes

from app import store as chats
from app.export import may_export
from app.services import Services
from domain import annual
from domain.pemda import Evaluator
from domain.roster import Person
from domain.sop import ASSEMBLE, COLLECT, DIVIDE
from domain.standins import POSTS
from handlers import texts
from handlers.common import send_text, svc
from handlers.targets import may_view

log = logging.getLogger(__name__)

#: Every registered person has these; the others depend on the role.
EVERYONE = ("start", "status", "arsip", "verifikasi", "batal", "bantuan")
#: What someone outside every unit can do (the default scope).
GUEST = ("start", "verifikasi")
#: A pemda's evaluator (``domain.pemda``); their administrator also invites the others.
EVALUATOR = ("start", "pantau", "ekspor", "verifikasi", "bantuan")
EVALUATOR_ADMIN = ("undang_evaluator", "undangan_evaluator")


def commands_for(services: Services, person: Person) -> list[tuple[str, str]]:
    """The person's commands with their descriptions, in the order of ``texts.COMMANDS``."""
    unit = services.roster.unit(person.unit)
    sop = services.sop_for(unit)
    allowed = set(EVERYONE)
    if person.acts_as(sop.first.role):
        allowed.add("mulai")
    if person.acts_as(sop.by_key(annual.COMPILE_STEP).role):
        allowed |= {"tahunan", "anggaran"}  # the compiler sends the budget (handlers.budget)
    if may_view(services, person):
        allowed |= {"target", "anggaran"}
    if may_export(services, person):
        allowed.add("ekspor")
    if any(person.acts_as(sop.by_key(k).role) for k in (COLLECT, ASSEMBLE)):
        allowed.add("bukti")  # evidence: the members' own, and the report maker's review
    if unit.is_admin(person):
        allowed |= {"identitas", "undang", "undangan", "mutasi", "plh"}
    if person.acts_as(sop.role_of(DIVIDE)):
        allowed.add("mutasi")  # the division's holder moves tasks between members there
    if person.role in POSTS:
        allowed.add("plh")  # an official appoints their own Plh
    return [(c, d) for c, d in texts.COMMANDS.items() if c in allowed]


def evaluator_commands(evaluator: Evaluator) -> list[tuple[str, str]]:
    """An evaluator's commands, in the order of ``texts.COMMANDS``."""
    allowed = set(EVALUATOR) | (set(EVALUATOR_ADMIN) if evaluator.admin else set())
    return [(c, d) for c, d in texts.COMMANDS.items() if c in allowed]


async def set_evaluator_menu(bot: Bot, services: Services, evaluator: Evaluator) -> bool:
    """:func:`set_menu` of a pemda's evaluator."""
    commands = evaluator_commands(evaluator)
    key = _key(commands)
    if services.menus.get(evaluator.user_id) == key or not await _send(
        bot, evaluator.user_id, commands, services
    ):
        return False
    services.menus.put(evaluator.user_id, key)
    return True


def guest_commands() -> list[tuple[str, str]]:
    return [(c, d) for c, d in texts.COMMANDS.items() if c in GUEST]


def _key(commands: list[tuple[str, str]]) -> str:
    return json.dumps(commands, ensure_ascii=False)


async def _send(
    bot: Bot, user_id: int, commands: list[tuple[str, str]], services: Services
) -> bool:
    """Set one chat's menu. Nothing is sent to a chat known not to be started: Telegram
    knows no such chat ("chat not found") until the person's first /start, which sets it
    (``handlers.chat_events.on_chat_opened``); a refusal records the chat as not started."""
    if services.chats.state(user_id) == chats.NOT_STARTED:
        return False
    try:
        await bot.set_my_commands(
            [BotCommand(c, d) for c, d in commands], scope=BotCommandScopeChat(user_id)
        )
    except BadRequest as exc:  # no chat with them yet: set when they write
        log.info("menu of %s not set yet: %s", user_id, exc)
        if "chat not found" in exc.message.lower() and services.chats.get(user_id) is None:
            # Inferred only: the first owed message confirms it (one 403), then nothing more.
            services.chats.set(user_id, chats.NOT_STARTED, services.now(), probed=True)
        return False
    except Forbidden as exc:
        log.info("menu of %s not set yet: %s", user_id, exc)
        return False
    return True


async def set_menu(bot: Bot, services: Services, person: Person) -> bool:
    """Set the person's menu if it differs from the one last set; True when it was sent."""
    commands = commands_for(services, person)
    key = _key(commands)
    if services.menus.get(person.user_id) == key or not await _send(
        bot, person.user_id, commands, services
    ):
        return False
    services.menus.put(person.user_id, key)
    return True


async def clear_menu(bot: Bot, services: Services, user_id: int) -> None:
    """Who left the unit: back to the guest menu."""
    try:
        await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
    except (BadRequest, Forbidden) as exc:
        log.info("menu of %s not removed: %s", user_id, exc)
    menus = services.menus.all()
    if menus.pop(user_id, None) is not None:
        services.menus.replace_all(menus)


async def sync_menus(bot: Bot, services: Services) -> int:
    """The default (guest) menu, every person's menu, and no menu for who left the roster.

    The menus last set are read once and written once: at start-up with many units the
    per-person store round trips would cost more than the Bot API calls.
    """
    await bot.set_my_commands([BotCommand(c, d) for c, d in guest_commands()])
    known = services.menus.all()
    menus: dict[int, str] = {}
    sent = 0
    for unit in services.roster.units:
        for person in unit.people:
            commands = commands_for(services, person)
            key = _key(commands)
            if known.get(person.user_id) == key:
                menus[person.user_id] = key
            elif await _send(bot, person.user_id, commands, services):
                menus[person.user_id] = key
                sent += 1
    for evaluator in services.roster.evaluators:
        commands = evaluator_commands(evaluator)
        key = _key(commands)
        if known.get(evaluator.user_id) == key:
            menus[evaluator.user_id] = key
        elif await _send(bot, evaluator.user_id, commands, services):
            menus[evaluator.user_id] = key
            sent += 1
    current = {p.user_id for u in services.roster.units for p in u.people}
    current |= {e.user_id for e in services.roster.evaluators}
    for user_id in known.keys() - current:
        try:
            await bot.delete_my_commands(scope=BotCommandScopeChat(user_id))
        except (BadRequest, Forbidden) as exc:
            log.info("menu of %s not removed: %s", user_id, exc)
    if menus != known:
        services.menus.replace_all(menus)
    return sent


async def sync_menus_job(context: ContextTypes.DEFAULT_TYPE) -> None:
    await sync_menus(context.bot, svc(context))


async def cmd_help(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    """/bantuan: exactly the commands of the person's menu (and the menu refreshed if stale)."""
    services = svc(context)
    await set_menu(context.bot, services, person)
    sop = services.sop_for(person.unit)
    text = texts.help_text(person, sop, commands_for(services, person))
    await send_text(context, person.user_id, text)


async def on_group(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """In a group the bot only says that it works in private chat, with a link."""
    link = f"https://t.me/{context.bot.username}"
    await context.bot.send_message(
        update.effective_chat.id, texts.GROUP_ONLY_PRIVATE.format(link=link)
    )
