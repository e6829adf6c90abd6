"""An edited message is never taken as new input: its sender gets a short notice.

Telegram delivers an edit as a new update carrying the old message id. Acting on it would
run a command a second time (an edited /mulai opened a new form) or answer a form twice,
so edits are answered with a notice and stop there.
"""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from domain.roster import Person
from handlers import texts
from handlers.common import send_text


async def on_edited(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    await send_text(context, person.user_id, texts.EDIT_NOT_PROCESSED)
