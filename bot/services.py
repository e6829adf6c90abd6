"""Start-up: build the application's services (``app.services.Services``) from the settings,
with the channel's parts laid in (the signed buttons' actions, the metrics, the render pool)."""

from __future__ import annotations

import hashlib
import logging
import os
import signal
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from app.button_codec import ButtonCodec
from app.callback_data import CallbackData
from app.services import Services, utc_now
from bot.metrics import MeasuredRenderer, Metrics, TimedLock
from bot.settings import Settings
from bot.sop_record import check_sop
from documents.render_pool import shared_pool
from domain.roster import Roster, load_raw, roster_from_raw
from domain.sop import DEFAULT_SOP_PATH, load_sop
from domain.staff import keep_on_record
from handlers.routes import ROUTES
from storage.audit import AuditAnchorError, AuditTrail, anchor_startup
from storage.bindings import binding_problems
from storage.database import Database
from storage.repositories import RosterRepository, SopRecordRepository
from storage.revocations import Revocations

log = logging.getLogger(__name__)


def import_roster(repo: RosterRepository, path: Path) -> Roster:
    """The roster at start-up: the store's, after importing the roster file if it changed
    since it was last imported (the file is the bulk import; chat changes live in the store).
    No file and nothing stored: an empty deployment, filled by invitations."""
    if path.is_file():
        sha = hashlib.sha256(path.read_bytes()).hexdigest()
        if sha != repo.imported_sha():
            raw = load_raw(path)
            roster_from_raw(raw, path.parent)  # a file import must be complete and valid
            repo.replace(keep_on_record(repo.raw(), raw, utc_now()), sha)
    elif not repo.raw()["unit"]:
        log.warning("no roster file %s and no stored roster: an empty deployment", path)
    return roster_from_raw(repo.raw(), path.parent, partial=True)


def stop_worker() -> None:
    """The database connection is gone: stop this process the way ``systemctl stop`` would
    (SIGTERM, a graceful stop), so its service manager starts it afresh with a new connection
    while the other workers take over what it held."""
    log.critical("connection to the database lost: stopping this worker")
    os.kill(os.getpid(), signal.SIGTERM)


def wire(services: Services) -> Services:
    """Lay the start-up's parts into ``services``: the signed buttons (keyed by the settings,
    naming the handlers' actions), the metrics, the measured render pool and lock waits."""
    codec = ButtonCodec(
        services.settings.button_key,
        units=lambda: [u.code for u in services.roster.units],
        actions=ROUTES.button_actions,  # the routing table's (handlers/routes.py)
    )
    revoked = Revocations(services.db.data_dir, services.db.pg)  # PostgreSQL: its table
    services.callbacks = CallbackData(
        codec, revoked, services.buttons, lambda: services.now().date()
    )
    metrics = Metrics(waiting=services.waiting_messages)
    services.metrics = metrics
    services.renderer = MeasuredRenderer(
        shared_pool(services.settings.lkj_render_workers or None), metrics
    )
    services.measure_lock = lambda lock, kind: TimedLock(lock, metrics, kind)  # type: ignore[assignment,return-value]
    return services


def build_services(
    settings: Settings,
    clock: Callable[[], datetime] = utc_now,
    on_lost: Callable[[], None] | None = None,
) -> Services:
    """``on_lost``: what to do when the database connection is gone (``lkj-bot run``:
    :func:`stop_worker`)."""
    db = Database(settings.lkj_data_dir, settings.lkj_database_url or None, on_lost)
    db.check_all()
    services = wire(
        Services(
            settings=settings,
            db=db,
            base_roster=import_roster(RosterRepository(db), Path(settings.lkj_roster)),
            sop=load_sop(settings.lkj_sop or DEFAULT_SOP_PATH),
            clock=clock,
        )
    )
    # A cut-off, deleted or replaced audit log stops start-up like a damaged store.
    # (PostgreSQL: the bot's role cannot cut or rewrite audit rows at all.)
    if isinstance(services.audit, AuditTrail):
        anchor_startup(db.data_dir, services.audit.heads)
    # The store and the audit trail must tell one story (storage/bindings.py).
    problems = binding_problems(db, services.audit)
    if problems:
        raise AuditAnchorError(
            "Penyimpanan dan log audit tidak saling cocok:\n"
            + "\n".join(problems)
            + "\nPeriksa dengan lkj-bot audit verify; pulihkan dari arsip (lkj-bot restore)."
        )
    # One SOP table per database (bot/sop_record.py); in one transaction, so that two
    # workers starting at once on a new database cannot both record their own table.
    with db.transaction():
        check_sop(SopRecordRepository(db), settings.lkj_sop, services.base_roster.units)
    return services
