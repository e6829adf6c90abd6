"""Application wiring: build the python-telegram-bot Application around the services."""

from __future__ import annotations

import html
import logging
import traceback
from collections.abc import Callable
from datetime import datetime
from functools import partial

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import (
    AIORateLimiter,
    Application,
    ApplicationBuilder,
    CallbackContext,
    ContextTypes,
    Defaults,
)

from bot.alerts import AlertChat
from bot.inbox import InboxQueue, replay
from bot.ordering import ChatOrderedUpdates
from bot.services import Services, utc_now
from bot.settings import Settings
from handlers import texts, tte_chat
from handlers.menu import sync_menus_job
from handlers.outbox import deliver_all
from handlers.registry import (
    FINALLY,
    GUARDS,
    LAST_GROUP,
    PASSPHRASE,
    PASSPHRASE_GROUP,
    build_handlers,
)
from handlers.reminders import reminder_tick
from webapp.server import start_webapp, stop_webapp

log = logging.getLogger("lkj_bot")


async def _post_init(app: Application) -> None:
    # Start the render workers now, in the background, so the first PDF finds them warm.
    app.bot_data["services"].renderer.warm()
    # Deliver whatever a previous run saved but could not send before it stopped.
    await deliver_all(CallbackContext(app))
    # Handle what a previous run received but had not handled (before new updates).
    replay(app, app.bot_data["services"])
    await start_webapp(app)  # the Mini App's pages, when LKJ_WEBAPP_URL is set


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure and tell the user plainly; never leave them without an answer."""
    tb = "".join(traceback.format_exception(context.error))
    log.error("error while handling an update: %s\n%s", context.error, tb)
    alerts: AlertChat | None = context.bot_data.get("alerts")
    if alerts is not None and context.error is not None:
        update_id = update.update_id if isinstance(update, Update) else None
        await alerts.error(context.bot, update_id, context.error)
    if isinstance(update, Update) and update.effective_chat:
        try:
            if update.callback_query:
                await update.callback_query.answer(texts.INTERNAL_ERROR[:200], show_alert=True)
            else:
                await context.bot.send_message(update.effective_chat.id, texts.INTERNAL_ERROR)
        except Exception:  # noqa: BLE001 - the error handler must not raise
            log.warning("could not tell the user about the error: %s", html.escape(tb[-200:]))


def build_application(
    settings: Settings,
    services: Services | None = None,
    clock: Callable[[], datetime] = utc_now,
    on_lost: Callable[[], None] | None = None,
) -> Application:
    services = services or Services.from_settings(settings, clock=clock, on_lost=on_lost)
    builder = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token)
        .defaults(Defaults(parse_mode=ParseMode.HTML))
        .post_init(_post_init)
        .update_queue(InboxQueue(services.inbox, partial(tte_chat.redact, services)))
        .post_shutdown(stop_webapp)
    )
    if settings.lkj_rate_limit:
        # Stay under Telegram's flood limits and retry on 429 instead of failing.
        # (PTB types the limiter generic; AIORateLimiter is the library's own, so it fits)
        builder = builder.rate_limiter(AIORateLimiter(max_retries=3))  # type: ignore[arg-type]
    urls = settings.api_urls()
    if urls:
        builder = builder.base_url(urls[0]).base_file_url(urls[1])

    def unit_lock_of(user_id: int):
        # The roster as it is now: people join and leave in chat without a restart.
        person = services.roster.person(user_id)
        return services.unit_lock(person.unit) if person else None

    builder = builder.concurrent_updates(
        ChatOrderedUpdates(settings.lkj_concurrent_updates, unit_lock_of)
    )
    app = builder.build()
    app.bot_data["services"] = services
    if settings.lkj_alert_chat_id is not None:
        app.bot_data["alerts"] = AlertChat(settings.lkj_alert_chat_id)
    services.bot_username_source = lambda: app.bot.username or ""
    app.add_handlers(PASSPHRASE, group=PASSPHRASE_GROUP)
    app.add_handlers(GUARDS, group=-1)
    app.add_handlers(build_handlers())
    app.add_handlers(FINALLY, group=LAST_GROUP)
    app.add_error_handler(on_error)
    interval = settings.lkj_reminder_interval_s
    app.job_queue.run_repeating(
        reminder_tick, interval=interval, first=interval, name="reminder tick"
    )
    app.job_queue.run_once(sync_menus_job, when=0, name="command menus")
    return app
