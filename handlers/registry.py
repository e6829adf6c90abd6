"""The one ordered list of handlers; ``bot.app`` registers exactly this."""

from __future__ import annotations

from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from handlers import commands, cycle
from handlers.buttons import on_button
from handlers.commands import registered

PRIVATE = filters.ChatType.PRIVATE


def build_handlers() -> list[BaseHandler]:
    return [
        CommandHandler("start", registered(commands.cmd_start), filters=PRIVATE),
        CommandHandler(["bantuan", "help"], registered(commands.cmd_help), filters=PRIVATE),
        CommandHandler("status", registered(commands.cmd_status), filters=PRIVATE),
        CommandHandler("mulai", registered(cycle.cmd_mulai), filters=PRIVATE),
        CommandHandler("arsip", registered(cycle.cmd_arsip), filters=PRIVATE),
        CommandHandler("batal", registered(commands.cmd_cancel), filters=PRIVATE),
        CallbackQueryHandler(on_button),
        MessageHandler(PRIVATE & filters.COMMAND, registered(commands.on_unknown_command)),
        MessageHandler(PRIVATE & filters.Document.ALL, registered(commands.on_document)),
        MessageHandler(PRIVATE & filters.TEXT, registered(commands.on_text)),
        MessageHandler(PRIVATE & ~filters.StatusUpdate.ALL, registered(commands.on_other)),
    ]
