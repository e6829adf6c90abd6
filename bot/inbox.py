"""Updates reach the handlers only through the durable inbox (``storage.inbox``).

:class:`InboxQueue` is the Application's update queue. Both ways updates arrive put them
here: PTB's polling loop awaits ``put`` for each update before it asks for the next batch
(whose offset tells Telegram the earlier ones arrived), and the webhook server awaits it
before answering 200. ``put`` appends the update to the inbox (fsynced) first, so Telegram is
never told of an update the bot could still lose. A known update (redelivered) is dropped.
When the disk (or the database) is full the update cannot be kept: it is then handled all
the same, not durably, so that the user is answered (the handlers' own writes fail and the
error handler says the storage is full, try again later) and polling goes on; an exception
here would end PTB's polling loop for good (``tests/test_full_disk.py``).

At start-up the updates a kill left pending are queued again (``replay``) before polling
resumes; an update whose state change was already saved (its id is recorded in the same write,
see ``CycleRepository.save``) is recognised by :func:`already_applied` and not acted on twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from telegram import Update
from telegram.ext import Application

from app.services import Services
from storage.atomic import storage_full
from storage.inbox import UpdateInbox

if TYPE_CHECKING:
    from storage.pg_inbox import PgUpdateInbox

log = logging.getLogger("lkj_bot.inbox")


class InboxQueue(asyncio.Queue):
    """``redact`` gives what is kept of an update (a typed passphrase is not: tte_chat)."""

    def __init__(
        self,
        inbox: UpdateInbox | PgUpdateInbox,
        redact: Callable[[Update, dict[str, Any]], dict[str, Any]] | None = None,
    ):
        super().__init__()
        self.inbox = inbox
        self.redact = redact

    async def put(self, item: Any) -> None:
        if isinstance(item, Update):
            try:
                received = self.inbox.receive(item.update_id, self._kept(item))
            except Exception as exc:
                if not storage_full(exc):
                    raise
                log.error("update %s not kept in the inbox (storage full): %s", item.update_id, exc)
                received = True  # handled without the inbox, so that the user is answered
            if not received:
                log.info("update %s arrived again; already received, dropped", item.update_id)
                return
        await super().put(item)

    def _kept(self, update: Update) -> dict[str, Any]:
        data = update.to_dict()
        return self.redact(update, data) if self.redact is not None else data


def replay(app: Application, services: Services) -> int:
    """Queue the updates received but not handled before the last stop; returns how many."""
    pending = services.inbox.take_pending()
    for data in pending:
        app.update_queue.put_nowait(Update.de_json(data, app.bot))
    if pending:
        log.warning("handling %d update(s) received before the last stop", len(pending))
    return len(pending)


def already_applied(services: Services, update: Update) -> bool:
    """A replayed update whose effect was saved before the kill (so: not again)."""
    if update.update_id not in services.inbox.replayed:
        return False
    user = update.effective_user
    person = services.roster.person(user.id) if user else None
    if person is None:
        return False
    uid = update.update_id
    return (
        services.cycles.applied_update(person.unit, uid)
        or services.annual.applied_update(person.unit, uid)
        or services.sessions.applied_update(person.user_id, uid)
    )
