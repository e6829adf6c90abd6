"""A person's chat opens or closes: Telegram's my_chat_member updates, and the first message
or press after a block. What was kept for them is delivered at once (``handlers.outbox``)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from app import store as chats
from handlers.common import svc
from handlers.menu import set_menu
from handlers.outbox import deliver_all


async def on_chat_member(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A user blocked the bot (recorded: nothing is sent until they unblock it), or unblocked
    it: deliver what was kept for them at once."""
    change = update.my_chat_member
    user = update.effective_user
    if not change or not user or change.chat.type != "private":
        return
    services = svc(context)
    if change.new_chat_member.status == "member":
        services.chats.set(user.id, chats.OPEN, services.now())
        await deliver_all(context, unblocked=user.id)
    elif change.new_chat_member.status == "kicked":
        services.chats.set(user.id, chats.BLOCKED, services.now())


async def on_chat_opened(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Any message or press from a person opens their chat: Telegram sends no update when a
    user starts a bot for the first time, so their first /start (or anything after a block)
    is how the bot learns it. What was kept for them is delivered at once, in order, and
    their command menu is set."""
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None or chat.type != "private" or update.my_chat_member:
        return
    services = svc(context)
    held = services.chats.get(user.id)
    if held is None or held["state"] == chats.OPEN:
        return
    services.chats.set(user.id, chats.OPEN, services.now())
    person = services.roster.person(user.id)
    if person is not None:
        await set_menu(context.bot, services, person)
    await deliver_all(context, unblocked=user.id, unit=person.unit if person else None)
