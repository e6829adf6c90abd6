"""``/tautan_pantau``: an evaluator asks for a signed link to the pemda's page for a desktop
browser (app.pemda_page.desktop_link); anyone else is told it is not theirs."""

from __future__ import annotations

from telegram import Update
from telegram.ext import ContextTypes

from app.pemda_page import desktop_link
from domain.dates_id import format_datetime_id
from handlers import texts
from handlers.common import audit_refusal, send_text, svc


async def cmd_tautan_pantau(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    services = svc(context)
    user = update.effective_user
    chat = update.effective_chat
    if user is None or chat is None:
        return
    evaluator = services.roster.evaluator(user.id)
    if evaluator is None:
        person = services.roster.person(user.id)
        audit_refusal(context, update, person, "tautan_pantau", texts.PANTAU_LINK_NOT_EVALUATOR)
        await send_text(context, chat.id, texts.PANTAU_LINK_NOT_EVALUATOR)
        return
    made = desktop_link(services, evaluator)
    if made is None:
        await send_text(context, chat.id, texts.PANTAU_PAGE_OFF)
        return
    url, expires = made
    await send_text(context, chat.id, texts.pantau_link(url, format_datetime_id(expires)))
