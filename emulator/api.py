"""Registry of emulated Bot API methods (Telegram matches method names case-insensitively)."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

# Absolute: ``from . import`` would name the package, whose __init__ imports this module.
import emulator.api_messages as m
import emulator.api_misc as x

from .params import Upload
from .world import World

Handler = Callable[[World, dict[str, Any], dict[str, Upload]], Awaitable[Any]]

_TABLE: dict[str, Handler] = {
    "getMe": x.get_me,
    "getUpdates": x.get_updates,
    "setWebhook": x.set_webhook,
    "deleteWebhook": x.delete_webhook,
    "getWebhookInfo": x.get_webhook_info,
    "setMyCommands": x.set_my_commands,
    "getMyCommands": x.get_my_commands,
    "deleteMyCommands": x.delete_my_commands,
    "setChatMenuButton": x.set_chat_menu_button,
    "getChatMenuButton": x.get_chat_menu_button,
    "getChat": x.get_chat,
    "answerCallbackQuery": x.answer_callback_query,
    "getFile": x.get_file,
    "setMyDescription": x.ok,
    "setMyShortDescription": x.ok,
    "setMyName": x.ok,
    "logOut": x.ok,
    "close": x.ok,
    "sendMessage": m.send_message,
    "sendDocument": m.send_document,
    "sendChatAction": m.send_chat_action,
    "editMessageText": m.edit_message_text,
    "editMessageCaption": m.edit_message_caption,
    "editMessageReplyMarkup": m.edit_message_reply_markup,
    "deleteMessage": m.delete_message,
    "deleteMessages": m.delete_messages,
}

# lower-cased name -> (canonical name, handler)
METHODS: dict[str, tuple[str, Handler]] = {
    name.lower(): (name, handler) for name, handler in _TABLE.items()
}
