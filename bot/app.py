"""Application wiring: build the python-telegram-bot Application around the services."""

from __future__ import annotations

import contextlib
import html
import logging
import traceback
from collections.abc import Callable
from datetime import datetime
from functools import partial

from telegram import Update
from telegram.constants import ParseMode
from telegram.error import TelegramError
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    ContextTypes,
    Defaults,
    TypeHandler,
)

from app.services import Services, utc_now
from bot.alerts import AlertChat
from bot.health import start_health, stop_health
from bot.inbox import InboxQueue, replay
from bot.metrics import MeasuredLimiter
from bot.ordering import ChatOrderedUpdates
from bot.pacing import ChatPacer
from bot.request import RetryingRequest
from bot.services import build_services
from bot.settings import Settings
from handlers import texts, tte_chat
from handlers.chat_events import on_chat_opened
from handlers.common import send_text
from handlers.forms import ask
from handlers.menu import sync_menus_job
from handlers.outbox import (
    DOCUMENT_TIMEOUT,
    deliver_all_to,
    took_effect,
)
from handlers.pemda_digest import pemda_digest_tick
from handlers.progress import settle_handled_notes
from handlers.registry import PASSPHRASE_GROUP, install
from handlers.reminders import reminder_tick
from handlers.tasks import offer_tasks
from storage.atomic import storage_full
from webapp.server import start_webapp, stop_webapp

log = logging.getLogger("lkj_bot")


async def _post_init(app: Application) -> None:
    # Start the render workers now, in the background, so the first PDF finds them warm.
    app.bot_data["services"].renderer.warm()
    # Deliver whatever a previous run saved but could not send before it stopped.
    await deliver_all_to(app.bot, app.bot_data["services"])
    # "Sedang disusun" notes of updates handled since whose edit a failed write left undone.
    services = app.bot_data["services"]
    await settle_handled_notes(app.bot, services.notes, services.inbox.handled)
    # Handle what a previous run received but had not handled (before new updates).
    replay(app, app.bot_data["services"])
    await start_webapp(app)  # the Mini App's pages, when LKJ_WEBAPP_URL is set
    await start_health(app)  # /healthz, /readyz, /metrics, when LKJ_HEALTH_PORT is set


async def _post_shutdown(app: Application) -> None:
    await stop_webapp(app)
    await stop_health(app)


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the user plainly; never leave them without an answer."""
    tb = "".join(traceback.format_exception(context.error))
    full = storage_full(context.error)  # a full disk or database: "try again later"
    if full:
        log.error("storage full while handling an update: %s", context.error)
    else:
        log.error("error while handling an update: %s\n%s", context.error, tb)
    text = texts.STORAGE_FULL if full else texts.INTERNAL_ERROR
    if isinstance(update, Update) and update.effective_chat:
        services = context.bot_data["services"]
        if took_effect(services, update):  # never "Silakan ulangi" for what was done
            await _where_they_are(update, context)
            return
        try:
            if update.callback_query:
                await update.callback_query.answer(text[:200], show_alert=True)
            else:
                await context.bot.send_message(update.effective_chat.id, text)
        except Exception:  # noqa: BLE001 - the error handler must not raise
            log.warning("could not tell the user about the error: %s", html.escape(tb[-200:]))
    # The operator hears of it too (LKJ_ALERT_CHAT_ID), after the user was answered.
    alerts: AlertChat | None = context.bot_data.get("alerts")
    if alerts is not None and context.error is not None:
        update_id = update.update_id if isinstance(update, Update) else None
        await alerts.error(context.bot, update_id, context.error)


async def _where_they_are(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The action was saved but its reply failed: say so, and offer the next step again (the
    open form's current question with its buttons, or the person's open steps)."""
    services = context.bot_data["services"]
    person = services.roster.person(update.effective_user.id) if update.effective_user else None
    if person is None:
        return
    try:
        if update.callback_query:
            with contextlib.suppress(TelegramError):  # answered already, or too old
                await update.callback_query.answer(texts.ACTION_RECORDED_SHORT)
        await send_text(context, person.user_id, texts.ACTION_RECORDED)
        session = services.sessions.get(person.user_id)
        if session is not None:
            await ask(context, person, session)
        else:
            await offer_tasks(context, person)
    except Exception:  # noqa: BLE001 - the error handler must not raise
        log.warning("could not show %s where they are after an error", person.user_id)


async def tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """The periodic job: whatever a failed send left owed is delivered, what a dead worker
    received and did not handle is replayed (PostgreSQL), then the reminders' tick and the
    pemda evaluators' Monday digest."""
    services = context.bot_data["services"]
    await deliver_all_to(context.bot, services)
    if services.db.pg is not None:
        replay(context.application, services)
    await reminder_tick(context)
    await pemda_digest_tick(context)


def build_application(
    settings: Settings,
    services: Services | None = None,
    clock: Callable[[], datetime] = utc_now,
    on_lost: Callable[[], None] | None = None,
) -> Application:
    services = services or build_services(settings, clock=clock, on_lost=on_lost)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(_post_init)
        .update_queue(InboxQueue(services.inbox, partial(tte_chat.redact, services)))
        .post_shutdown(_post_shutdown)
        # Every call but getUpdates tries again on a gateway 5xx (bot.request). An upload to
        # Telegram (a report PDF, a workbook) may take long to write; giving up early and
        # sending again would repeat it (handlers.outbox.DOCUMENT_TIMEOUT).
        .request(RetryingRequest(connection_pool_size=256, media_write_timeout=DOCUMENT_TIMEOUT))
    )
    # Stay under Telegram's flood limits (when on): each private chat's sends paced and kept
    # in order, a 429 waited out for its chat only (bot.pacing), the bot as a whole and each
    # group paced by AIORateLimiter; every request passes the measuring hook, which counts
    # Telegram's refusals for the metrics.
    limiter = ChatPacer(AIORateLimiter(max_retries=0)) if settings.lkj_rate_limit else None
    builder = builder.rate_limiter(MeasuredLimiter(services.metrics, limiter))  # type: ignore[arg-type]
    urls = settings.api_urls()
    if urls:
        builder = builder.base_url(urls[0]).base_file_url(urls[1])

    def unit_lock_of(user_id: int):
        # The roster as it is now: people join and leave in chat without a restart.
        person = services.roster.person(user_id)
        return services.unit_lock(person.unit) if person else None

    def unit_of(user_id: int) -> str | None:
        person = services.roster.person(user_id)
        return person.unit if person else None

    builder = builder.concurrent_updates(
        ChatOrderedUpdates(settings.lkj_concurrent_updates, unit_lock_of, services.metrics, unit_of)
    )
    app = builder.build()
    app.bot_data["services"] = services
    if settings.lkj_alert_chat_id is not None:
        app.bot_data["alerts"] = AlertChat(settings.lkj_alert_chat_id)
    services.bot_username_source = lambda: app.bot.username or ""
    # Before everything: a person's message or press opens their chat (Telegram tells
    # nothing else when someone starts the bot), releasing what was kept for them.
    app.add_handler(TypeHandler(Update, on_chat_opened), group=PASSPHRASE_GROUP - 1)
    install(app)  # every command, button and form: handlers/routes.py
    app.add_error_handler(on_error)
    interval = settings.lkj_reminder_interval_s
    app.job_queue.run_repeating(tick, interval=interval, first=interval, name="reminder tick")
    app.job_queue.run_once(sync_menus_job, when=0, name="command menus")
    return app
