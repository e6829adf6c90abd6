"""The one ordered list of PTB handlers, built from the routing table (handlers/routes.py);
``bot.app`` installs exactly this."""

from __future__ import annotations

from telegram import Update
from telegram.ext import (
    Application,
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
from handlers import commands, edits, menu, onboarding, progress, tte_chat, verification
from handlers.buttons import on_button
from handlers.chat_events import on_chat_member
from handlers.commands import registered
from handlers.common import svc
from handlers.routes import ROUTES
from handlers.routing import ROUTES_KEY, Routes

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


def build_handlers(routes: Routes = ROUTES) -> list[BaseHandler]:
    return [
        MessageHandler(filters.ChatType.GROUPS & filters.COMMAND, menu.on_group),
        # First (in private chats): an edit of any message (a command too) only gets a notice.
        MessageHandler(PRIVATE & filters.UpdateType.EDITED, registered(edits.on_edited)),
        *(
            CommandHandler(
                list(c.names),
                registered(c.callback) if c.members_only else c.callback,
                filters=PRIVATE,
            )
            for c in routes.commands
        ),
        # Every press; the action it names is looked up in ``routes.buttons``.
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


def install(app: Application, routes: Routes = ROUTES) -> None:
    """Every handler in its group, and the table the button dispatcher and the forms read."""
    app.bot_data[ROUTES_KEY] = routes
    app.add_handlers(PASSPHRASE, group=PASSPHRASE_GROUP)
    app.add_handlers(GUARDS, group=-1)
    app.add_handlers(build_handlers(routes))
    app.add_handlers(FINALLY, group=LAST_GROUP)
