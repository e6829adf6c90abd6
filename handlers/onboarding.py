"""The ways in for anyone: /start with a code (the QR code's deep link), a pasted code, a PDF.

A person outside every unit may verify a document (``handlers.verification``) and is told,
for anything else, whom to ask; a registered person gets the normal handler.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from telegram import Update
from telegram.ext import ContextTypes

from domain.invitations import PREFIX as INVITATION_PREFIX
from handlers import commands, invitations, menu, pemda, texts, verification
from handlers.commands import PersonHandler
from handlers.common import audit_refusal, identify, send_text, svc

GuestHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[None]]


def for_anyone(member: PersonHandler, guest: GuestHandler):
    """Run ``member`` for a registered person and ``guest`` for anyone else (private chats)."""

    @functools.wraps(member)
    async def wrapper(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        user = update.effective_user
        if user is None or update.effective_chat is None:
            return
        if update.effective_chat.type != "private":
            return
        person = svc(context).roster.person(user.id)
        if person is None:
            await guest(update, context)
        else:
            await member(update, context, person)

    return wrapper


async def _stranger(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Tell a stranger whom to ask (and audit it), as for any other message."""
    await identify(update, context)


def _start_code(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The deep link's parameter when it is a verification code, else ""."""
    args = context.args or []
    if len(args) == 1 and verification.CODE_MESSAGE.fullmatch(args[0]):
        return args[0]
    return ""


def _invitation_code(context: ContextTypes.DEFAULT_TYPE) -> str:
    """The deep link's parameter when it claims to be an invitation, else ""."""
    args = context.args or []
    if len(args) == 1 and args[0].lower().startswith(INVITATION_PREFIX):
        return args[0][:64]
    return ""


async def _member_start(update: Update, context, person) -> None:
    await menu.set_menu(context.bot, svc(context), person)  # their chat exists now
    code = _start_code(context)
    if code:
        await verification.check_code(update, context, person, code)
    elif _invitation_code(context):
        invitation = _invitation_code(context)
        if not await pemda.open_link(update, context, person, invitation):
            await invitations.start_with_code(update, context, person, invitation)
    else:
        await commands.cmd_start(update, context, person)


async def _guest_start(update: Update, context) -> None:
    code = _start_code(context)
    evaluator = svc(context).roster.evaluator(update.effective_user.id)
    if code:
        await verification.guest_code(update, context, code)
    elif _invitation_code(context):
        invitation = _invitation_code(context)
        if await pemda.open_link(update, context, None, invitation):
            return
        if evaluator is not None:  # a unit's invitation: never both an evaluator and a member
            reason = texts.EVALUATOR_IS_NOT_MEMBER
            audit_refusal(context, update, None, "undangan", reason, role="evaluator")
            await send_text(context, update.effective_chat.id, reason)
            return
        await invitations.start_with_code(update, context, None, invitation)
    elif evaluator is not None:
        await pemda.evaluator_start(update, context, evaluator)
    elif update.effective_user.id in svc(context).settings.admin_ids:
        await send_text(context, update.effective_chat.id, texts.OPERATOR_START)
    else:
        await _stranger(update, context)


async def _guest_text(update: Update, context) -> None:
    if not await invitations.on_guest_text(update, context) and not await pemda.on_guest_text(
        update, context
    ):
        await _stranger(update, context)


async def _member_code(update: Update, context, person) -> None:
    if svc(context).sessions.get(person.user_id) is not None:  # a form's answer, not a check
        await commands.on_text(update, context, person)
        return
    await verification.check_code(update, context, person, update.effective_message.text or "")


async def _guest_code(update: Update, context) -> None:
    await verification.guest_code(update, context, update.effective_message.text or "")


async def _guest_document(update: Update, context) -> None:
    if not await verification.guest_document(update, context):
        await _stranger(update, context)


on_start = for_anyone(_member_start, _guest_start)
on_verifikasi = for_anyone(verification.cmd_verifikasi, verification.guest_verifikasi)
on_pasted_code = for_anyone(_member_code, _guest_code)
on_document = for_anyone(commands.on_document, _guest_document)
on_text = for_anyone(commands.on_text, _guest_text)
