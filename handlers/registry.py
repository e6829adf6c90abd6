"""The one ordered list of handlers; ``bot.app`` registers exactly this."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    ApplicationHandlerStop,
    BaseHandler,
    CallbackQueryHandler,
    ChatMemberHandler,
    CommandHandler,
    ContextTypes,
    MessageHandler,
    TypeHandler,
    filters,
)

from bot.inbox import already_applied
from handlers import (  # noqa: F401 (the modules register their buttons)
    annual,
    budget,
    commands,
    cycle,
    edits,
    evidence,
    export,
    identity,
    invitations,
    menu,
    onboarding,
    progress,
    quarterly,
    realisation,
    staff,
    standins,
    targets,
    tte_chat,
    verification,
)
from handlers.buttons import on_button
from handlers.chat_events import on_chat_member
from handlers.commands import registered
from handlers.common import svc

PRIVATE = filters.ChatType.PRIVATE


async def drop_repeated_update(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """An update redelivered by Telegram never gets here (the inbox drops it); one replayed
    from the inbox after a kill is not acted on again if its state change was saved."""
    services = svc(context)
    if already_applied(services, update):
        # A "sedang disusun" note the killed run left for it is edited to the outcome.
        await progress.settle_left_note(context.bot, services.notes, update.update_id)
        services.inbox.finish(update.update_id)
        raise ApplicationHandlerStop
    if services.refresh_roster():  # `lkj-bot roster import` or `invite` while running
        context.application.create_task(menu.sync_menus(context.bot, services))


async def mark_handled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """After every handler (even one that failed): the update is done, never handled again."""
    svc(context).inbox.finish(update.update_id)


# Runs before every other handler (group -1).
GUARDS: list[BaseHandler] = [TypeHandler(Update, drop_repeated_update)]
# Before the guards (group -2): a signer's typed passphrase, never kept (handlers/tte_chat.py).
PASSPHRASE_GROUP = -2
PASSPHRASE: list[BaseHandler] = [
    MessageHandler(PRIVATE & filters.TEXT & ~filters.COMMAND, tte_chat.on_text)
]
# Runs after every other handler (the last group).
LAST_GROUP = 99
FINALLY: list[BaseHandler] = [TypeHandler(Update, mark_handled)]


def build_handlers() -> list[BaseHandler]:
    return [
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, menu.on_group),
        # First (in private chats): an edit of any message (a command too) only gets a notice.
        MessageHandler(PRIVATE & filters.UpdateType.EDITED, registered(edits.on_edited)),
        CommandHandler("start", onboarding.on_start, filters=PRIVATE),
        CommandHandler(["bantuan", "help"], registered(commands.cmd_help), filters=PRIVATE),
        CommandHandler("status", registered(commands.cmd_status), filters=PRIVATE),
        CommandHandler(
            "mulai", registered(invitations.complete_unit_only(cycle.cmd_mulai)), filters=PRIVATE
        ),
        CommandHandler("arsip", registered(cycle.cmd_arsip), filters=PRIVATE),
        CommandHandler("batal", registered(commands.cmd_cancel), filters=PRIVATE),
        CommandHandler("target", registered(targets.cmd_target), filters=PRIVATE),
        CommandHandler("tahunan", registered(annual.cmd_tahunan), filters=PRIVATE),
        CommandHandler("anggaran", registered(budget.cmd_anggaran), filters=PRIVATE),
        CommandHandler("ekspor", registered(export.cmd_ekspor), filters=PRIVATE),
        CommandHandler("verifikasi", onboarding.on_verifikasi, filters=PRIVATE),
        CommandHandler("identitas", registered(identity.cmd_identitas), filters=PRIVATE),
        CommandHandler("undang", registered(invitations.cmd_undang), filters=PRIVATE),
        CommandHandler("undangan", registered(invitations.cmd_undangan), filters=PRIVATE),
        CommandHandler("mutasi", registered(staff.cmd_mutasi), filters=PRIVATE),
        CommandHandler("plh", registered(standins.cmd_plh), filters=PRIVATE),
        CommandHandler("unit_baru", invitations.cmd_unit_baru, filters=PRIVATE),
        CommandHandler("bukti", registered(evidence.cmd_bukti), filters=PRIVATE),
        CallbackQueryHandler(on_button),
        ChatMemberHandler(on_chat_member, ChatMemberHandler.MY_CHAT_MEMBER),
        MessageHandler(PRIVATE & filters.COMMAND, registered(commands.on_unknown_command)),
        MessageHandler(PRIVATE & filters.Document.ALL, onboarding.on_document),
        # A photo sent the normal phone way is taken like a JPG document.
        MessageHandler(PRIVATE & filters.PHOTO, registered(commands.on_document)),
        MessageHandler(
            PRIVATE & filters.TEXT & filters.Regex(verification.CODE_MESSAGE),
            onboarding.on_pasted_code,
        ),
        MessageHandler(PRIVATE & filters.TEXT, onboarding.on_text),
        MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, registered(commands.on_other)),
    ]
