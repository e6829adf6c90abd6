"""Local Telegram Bot API emulator for offline tests and demos (see ``BotAPIEmulator``)."""

from .emulator import BotAPIEmulator
from .errors import ApiError
from .models import Edit, SentDocument, SentMessage

__all__ = ["ApiError", "BotAPIEmulator", "Edit", "SentDocument", "SentMessage"]
