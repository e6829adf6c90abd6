"""The evaluators' Monday digest in chat: worded here, owed and recorded by
``app.pemda_digest``, sent by the periodic tick (``bot.app.tick``).

A digest is stored owed with its text before it is sent and marked part by part once
Telegram accepted it: a restart or another worker does not repeat it, a 429 or a gateway
error leaves it owed for the next tick, a send that timed out is not tried again before
``UNCERTAIN_WINDOW`` (it may have arrived), a chat that cannot take messages (never started,
blocked) is tried again once the person writes or after ``BLOCKED_RETRY``. A digest still
undelivered a week later is superseded by the next one and dropped.
"""

from __future__ import annotations

import logging
from datetime import datetime

from telegram import Bot
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TimedOut
from telegram.ext import ContextTypes

from app import pemda_digest
from app import store as chats
from app.pemda import ON_TRACK, SIGNED
from app.pemda_digest import Digest, Owed
from app.services import Services
from domain.dates_id import format_datetime_id, format_day_date_id
from handlers import texts
from handlers.common import split_text, svc
from handlers.outbox import BLOCKED_RETRY, TEXT_TIMEOUT, UNCERTAIN_WINDOW, unreachable_state

log = logging.getLogger(__name__)


def word(digest: Digest) -> list[str]:
    """The digest as the evaluator reads it, split to Telegram's limit."""
    view = digest.overview
    lines = [texts.pemda_digest_head(view.government.line, format_day_date_id(digest.day))]
    if digest.attention:
        lines.append(texts.pemda_digest_attention(len(digest.attention), len(view.rows)))
        for number, (year, row) in enumerate(digest.attention, 1):
            since = format_datetime_id(row.since, digest.tz) if row.since else ""
            lines.append(
                texts.pemda_digest_row(
                    number,
                    row.name,
                    row.state,
                    texts.overdue_text(
                        row.overdue_days, row.overdue_minutes, row.office_day_minutes
                    ),
                    row.triwulan,
                    year,
                    row.step,
                    row.activity,
                    row.role_label,
                    ", ".join(row.holders),
                    since,
                    row.at_risk_indicators,
                )
            )
    else:
        lines.append(
            texts.pemda_digest_all_well(len(view.rows), view.count(ON_TRACK), view.count(SIGNED))
        )
    lines.append(texts.PEMDA_DIGEST_FOOT)
    return split_text("\n".join(lines))


async def pemda_digest_tick(context: ContextTypes.DEFAULT_TYPE) -> None:
    """Owe the digests due now, then send what is owed (the leading worker only)."""
    services = svc(context)
    if not services.leads():
        return  # another worker sends them (one per deployment)
    now = services.now()
    for digest in pemda_digest.owe(services, word, now):
        log.info("pemda digest owed: %s", digest.key)
    await deliver_digests(context.bot, services, now)


async def deliver_digests(bot: Bot, services: Services, now: datetime) -> None:
    for owed in pemda_digest.pending(services, now):
        await _deliver(bot, services, owed, now)


async def _deliver(bot: Bot, services: Services, owed: Owed, now: datetime) -> None:
    doc = owed.doc
    if pemda_digest.stale(owed, now):
        pemda_digest.drop(services, owed, "stale")
        log.warning("pemda digest %s not delivered within its week: dropped", owed.key)
        return
    uncertain = doc.get("uncertain")
    if uncertain and now - datetime.fromisoformat(uncertain) < UNCERTAIN_WINDOW:
        return  # it may have arrived: not again before the window
    chat_id = owed.chat_id
    held = services.chats.get(chat_id)
    if (
        held is not None
        and held["state"] != chats.OPEN
        and not held.get("probed")
        and now - datetime.fromisoformat(held["since"]) < BLOCKED_RETRY
    ):
        return  # kept until the person writes (their chat opens) or a day has passed
    parts: list[str] = list(doc["parts"])
    sent = int(doc.get("sent_parts", 0))
    while sent < len(parts):
        try:
            await bot.send_message(chat_id, parts[sent], read_timeout=TEXT_TIMEOUT)
        except Forbidden as exc:
            services.chats.set(chat_id, unreachable_state(exc.message), now)
            log.warning("pemda digest %s kept: chat %s cannot take it", owed.key, chat_id)
            return
        except BadRequest as exc:  # permanent for this message (a NetworkError in PTB)
            pemda_digest.drop(services, owed, "refused")
            log.error("pemda digest %s refused by Telegram, dropped: %s", owed.key, exc.message)
            return
        except TimedOut as exc:
            pemda_digest.record_uncertain(services, owed, now)
            log.warning("pemda digest %s timed out, maybe delivered: %s", owed.key, exc)
            return
        except (RetryAfter, NetworkError) as exc:
            log.warning("pemda digest %s postponed: %s", owed.key, exc)
            return  # owed still: the next tick tries again
        sent += 1
        pemda_digest.record_sent_part(services, owed, sent, now)
    if held is not None and held["state"] != chats.OPEN:
        services.chats.set(chat_id, chats.OPEN, now)  # the retry got through
    services.metrics.notices.labels("pemda_digest").inc()
    log.info("pemda digest sent: %s", owed.key)
