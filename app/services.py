"""Everything a use case (and a channel) needs: the store's repositories, the roster as it
acts now, the clock, the SOP tables, the renderer. Built once at start-up by ``bot.services``
and kept in ``bot_data``; the Mini App's server reaches it the same way."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, Protocol

from app.callback_data import CallbackData
from app.locks import SharedLock
from domain.budget import BudgetSet
from domain.calendar import WorkCalendar
from domain.identity import Logo, apply_identity
from domain.models import Cycle
from domain.roster import Roster, Unit, roster_from_raw
from domain.sop import Sop, load_sop
from domain.standins import StandIn, boundaries, resolve
from domain.workflow import WorkflowContext
from storage.audit import AuditTrail
from storage.chats import ChatStateRepository
from storage.database import Database
from storage.deliveries import DeliveryLog
from storage.digests import PemdaDigestRepository
from storage.inbox import UpdateInbox
from storage.offers import OfferMessages

if TYPE_CHECKING:
    from storage.pg_audit import PgAuditTrail
    from storage.pg_inbox import PgDeliveryLog, PgUpdateInbox
from storage.repositories import (
    AnnualRepository,
    BudgetRepository,
    ButtonRepository,
    CycleRepository,
    DraftRepository,
    EvaluatorInvitationRepository,
    IdentityRepository,
    InvitationRepository,
    MenuRepository,
    NoteRepository,
    NoticeRepository,
    RosterRepository,
    SessionRepository,
    StandInRepository,
    TargetRepository,
)
from storage.summaries import CycleSummary, cycle_summaries

LEADER_LOCK = "lkj:leader"


class Settings(Protocol):
    """What the use cases and the channels read of the configuration (``bot.settings``,
    loaded at start-up from the environment)."""

    @property
    def telegram_bot_token(self) -> str: ...
    @property
    def lkj_data_dir(self) -> Path: ...
    @property
    def lkj_database_url(self) -> str: ...
    @property
    def lkj_roster(self) -> Path: ...
    @property
    def lkj_sop(self) -> Path | None: ...
    @property
    def lkj_office_start(self) -> time: ...
    @property
    def lkj_office_end(self) -> time: ...
    @property
    def lkj_extra_holidays(self) -> str: ...
    @property
    def lkj_render_workers(self) -> int: ...
    @property
    def lkj_webapp_url(self) -> str: ...
    @property
    def lkj_webapp_listen(self) -> str: ...
    @property
    def lkj_webapp_port(self) -> int: ...
    @property
    def lkj_webapp_max_age_s(self) -> int: ...
    @property
    def lkj_tte_mode(self) -> Literal["off", "local", "bsre"]: ...
    @property
    def lkj_tte_p12_dir(self) -> Path | None: ...
    @property
    def lkj_tte_p12_passphrase(self) -> str: ...
    @property
    def lkj_tte_seal(self) -> bool: ...
    @property
    def lkj_tte_paraf(self) -> bool: ...
    @property
    def lkj_tte_tsa_url(self) -> str: ...
    @property
    def lkj_bsre_url(self) -> str: ...
    @property
    def lkj_bsre_user(self) -> str: ...
    @property
    def lkj_bsre_password(self) -> str: ...
    @property
    def lkj_bsre_auth(self) -> Literal["passphrase", "totp"]: ...
    @property
    def lkj_bsre_signers(self) -> Path | None: ...
    @property
    def button_key(self) -> bytes: ...
    @property
    def tte_roots(self) -> list[Path]: ...
    @property
    def admin_ids(self) -> frozenset[int]: ...
    @property
    def max_upload_bytes(self) -> int: ...
    def webapp_page(self, page: str, cycle_id: str) -> str | None: ...
    @property
    def lkj_link_days(self) -> int: ...
    @property
    def link_key(self) -> bytes: ...
    def evaluator_page(self, link: str = "") -> str | None: ...


class Renderer(Protocol):
    """Renders a template to PDF bytes (documents.render_pool, measured by the channel)."""

    async def render(
        self, template: str, context: dict[str, Any], archival: Sequence | None = None
    ) -> Any: ...

    def position(self) -> Any: ...

    def warm(self) -> Any: ...


# --- narrow protocols: what a use case needs of the services (``Services`` satisfies each;
# mypy proves it where a use case is called with the whole object)


class Clock(Protocol):
    """The time of the services' clock (a fake one in tests)."""

    def now(self) -> datetime: ...


class AuditSink(Protocol):
    """The audit log (files or PostgreSQL): one line appended for a unit's year."""

    def append(self, unit: str | None, year: int, entry: Mapping[str, Any]) -> Any: ...


class Audited(Clock, Protocol):
    """Records an act in the audit log (``app.audit.record``)."""

    @property
    def audit(self) -> AuditSink: ...


class Deciding(Clock, Protocol):
    """What the domain decides with: the roster as it acts now, and each unit's SOP table
    and workflow context."""

    @property
    def roster(self) -> Roster: ...

    def sop_for(self, unit: Unit | str) -> Sop: ...

    def context(self, unit: Unit) -> WorkflowContext: ...


class RosterView(Deciding, Protocol):
    """The roster as it acts now, reloaded when another process changed it, and each unit's
    SOP table, calendar and workflow context."""

    def refresh_roster(self) -> bool: ...

    def calendar(self, unit: Unit) -> WorkCalendar: ...


class StandInStore(RosterView, Audited, Protocol):
    """The stand-in use cases (``app.standins``): appointments saved and laid over the
    roster at once, and the moments already announced."""

    @property
    def notices(self) -> NoticeRepository: ...

    def save_standin(self, period: StandIn) -> Unit: ...


class RosterStore(RosterView, Audited, Protocol):
    """The invitation and mutasi use cases (``app.invitations``, ``app.staff``): the stored
    roster and the invitations; the unit's cycles (a member holding a task stays)."""

    @property
    def rosters(self) -> RosterRepository: ...

    @property
    def invitations(self) -> InvitationRepository: ...

    @property
    def cycles(self) -> CycleRepository: ...

    def save_roster(self, raw: dict[str, Any]) -> None: ...


class EvaluatorStore(RosterStore, Protocol):
    """The evaluator invitations' use cases (``app.evaluators``): the stored roster (its
    ``evaluator`` list) and the evaluator invitations."""

    @property
    def evaluator_invitations(self) -> EvaluatorInvitationRepository: ...


class Records(RosterView, Protocol):
    """What the export reads (``app.export``): the unit's cycles and budget."""

    @property
    def cycles(self) -> CycleRepository: ...

    @property
    def budget(self) -> BudgetRepository: ...


class Transactions(Protocol):
    """The store's one write (``storage.database.Database``): a PostgreSQL transaction
    around the write and its delivery-log mark, or nothing to add on files."""

    @property
    def pg(self) -> Any: ...

    def transaction(self) -> AbstractContextManager[None]: ...


class Ledger(Protocol):
    """What a change's debts (``app.unit_of_work.Owed``) read: the roster as stored and the
    SOP table (for an act's audit line), and the signed buttons' store (for the buttons it
    spends)."""

    @property
    def base_roster(self) -> Roster: ...

    def sop_for(self, unit: Unit | str) -> Sop: ...

    @property
    def callbacks(self) -> CallbackData: ...


class Committing(Ledger, Protocol):
    """The unit of work (``app.unit_of_work.commit``): a cycle saved with what it owes in
    one write, and the revocations it owes marked in the delivery log."""

    @property
    def db(self) -> Transactions: ...

    @property
    def deliveries(self) -> DeliveryLog | PgDeliveryLog: ...

    @property
    def cycles(self) -> CycleRepository: ...


class AnnualCommitting(Ledger, Protocol):
    """The annual report's unit of work (``app.unit_of_work.commit_annual``)."""

    @property
    def db(self) -> Transactions: ...

    @property
    def deliveries(self) -> DeliveryLog | PgDeliveryLog: ...

    @property
    def annual(self) -> AnnualRepository: ...


class Quarters(Deciding, Committing, Protocol):
    """The quarter's first steps and its draft (``app.quarter``): the year's targets for a
    division by indicator."""

    @property
    def targets(self) -> TargetRepository: ...


class Collection(Deciding, Committing, Protocol):
    """The collection's use cases (``app.realisation``): what the Mini App's form kept
    unsent is forgotten once reported."""

    @property
    def drafts(self) -> DraftRepository: ...


class Reassigning(Deciding, Committing, Protocol):
    """A member's task moved to another (``app.staff.reassign_task``): decided and saved
    with its notices, nothing more."""


class AnnualBook(Deciding, Protocol):
    """Compiling the annual LKj (``app.approval.compile_annual``): the year's quarters and
    the annual report as stored."""

    @property
    def cycles(self) -> CycleRepository: ...

    @property
    def annual(self) -> AnnualRepository: ...


class Workbooks(Protocol):
    """Builds the export's workbook and CSV files (``documents.workbooks``, a module that
    satisfies this protocol)."""

    def quarter_export(self, cycle: Cycle, unit_name: str, budget: BudgetSet | None) -> bytes: ...

    def year_export(
        self, quarters: Sequence[Cycle], unit_name: str, budget: BudgetSet | None
    ) -> bytes: ...

    def quarter_rows(self, cycle: Cycle) -> Sequence[Any]: ...

    def year_rows(self, quarters: Sequence[Cycle]) -> Sequence[Any]: ...

    def export_csv(self, rows: Sequence[Any]) -> bytes: ...

    def budget_csv(self, budget: BudgetSet) -> bytes: ...

    def export_filename(self, year: int, triwulan: int | None, ext: str = "xlsx") -> str: ...


def utc_now() -> datetime:
    return datetime.now(UTC)


def parse_extra_holidays(spec: str) -> tuple[tuple[date, str], ...]:
    days = []
    for part in filter(None, (p.strip() for p in spec.split(";"))):
        day, _, name = part.partition("=")
        days.append((date.fromisoformat(day.strip()), name.strip() or "Libur daerah"))
    return tuple(days)


@dataclass
class Services:
    settings: Settings
    db: Database
    #: The roster as stored, with the kop changes and stand-in appointments laid over it;
    #: ``roster`` is its view at the clock's time (who acts for each post now).
    base_roster: Roster
    sop: Sop
    clock: Callable[[], datetime] = utc_now
    #: The bot's @username (from getMe once the bot is initialised): the QR codes' deep links.
    bot_username_source: Callable[[], str] = field(default=lambda: "")
    #: The signed buttons' store (``app.callback_data``), built at start-up with the
    #: channel's button actions (bot/services.py).
    callbacks: CallbackData = field(init=False)
    #: The channel's metrics (``bot.metrics.Metrics``) and the measured render pool,
    #: set at start-up (bot/services.py).
    metrics: Any = field(init=False)
    renderer: Renderer = field(init=False)
    #: Wraps a lock so its waits are measured (set at start-up with the metrics).
    measure_lock: Callable[[asyncio.Lock, str], asyncio.Lock] = field(
        default=lambda lock, kind: lock
    )
    cycles: CycleRepository = field(init=False)
    sessions: SessionRepository = field(init=False)
    notes: NoteRepository = field(init=False)
    buttons: ButtonRepository = field(init=False)
    offers: OfferMessages = field(init=False)
    notices: NoticeRepository = field(init=False)
    audit: AuditTrail | PgAuditTrail = field(init=False)
    inbox: UpdateInbox | PgUpdateInbox = field(init=False)
    deliveries: DeliveryLog | PgDeliveryLog = field(init=False)
    targets: TargetRepository = field(init=False)
    annual: AnnualRepository = field(init=False)
    budget: BudgetRepository = field(init=False)
    drafts: DraftRepository = field(init=False)
    identities: IdentityRepository = field(init=False)
    menus: MenuRepository = field(init=False)
    chats: ChatStateRepository = field(init=False)
    rosters: RosterRepository = field(init=False)
    invitations: InvitationRepository = field(init=False)
    evaluator_invitations: EvaluatorInvitationRepository = field(init=False)
    standins: StandInRepository = field(init=False)
    #: The pemda evaluators' weekly digests, owed then sent (``app.pemda_digest``).
    pemda_digests: PemdaDigestRepository = field(init=False)

    def __post_init__(self) -> None:
        self.cycles = CycleRepository(self.db)
        self.sessions = SessionRepository(self.db)
        self.notes = NoteRepository(self.db)
        self.buttons = ButtonRepository(self.db)
        self.offers = OfferMessages(self.db)
        self.notices = NoticeRepository(self.db)
        if self.db.pg is not None:
            from storage.pg_audit import PgAuditTrail

            self.audit = PgAuditTrail(self.db.pg)
        else:
            self.audit = AuditTrail(self.db.data_dir, binding=self.db.manifest)
        if self.db.pg is not None:  # shared by every worker on the database
            from storage.pg_inbox import PgDeliveryLog, PgUpdateInbox

            self.inbox = PgUpdateInbox(self.db.pg)
            self.deliveries = PgDeliveryLog(self.db.pg)
        else:
            self.inbox = UpdateInbox(self.db.data_dir)
            self.deliveries = DeliveryLog(self.db.data_dir)
        self.targets = TargetRepository(self.db)
        self.annual = AnnualRepository(self.db)
        self.budget = BudgetRepository(self.db)
        self.drafts = DraftRepository(self.db)
        self._unit_locks: dict[str, asyncio.Lock] = {}
        self._delivery_locks: dict[tuple[str, int, int], asyncio.Lock] = {}
        self._leader = False
        self.identities = IdentityRepository(self.db)
        self.menus = MenuRepository(self.db)
        self.chats = ChatStateRepository(self.db)
        self.rosters = RosterRepository(self.db)
        self.invitations = InvitationRepository(self.db)
        self.evaluator_invitations = EvaluatorInvitationRepository(self.db)
        self.standins = StandInRepository(self.db)
        self.pemda_digests = PemdaDigestRepository(self.db)
        self._view: tuple[Roster, datetime, datetime, Roster] | None = None
        self._moments: tuple[Roster | None, list[datetime]] = (None, [])
        self._roster_signature = self._roster_state()
        for code, changes in self.identities.all().items():
            self._lay_identity(code, changes)
        self._lay_standins()
        self._calendars: dict[str, WorkCalendar] = {}
        self._sops: dict[str, Sop] = {}
        for unit in self.roster.units:
            self.sop_for(unit)  # a unit's own table that does not load stops start-up

    # --- the roster as data: changed in chat (invitations) or by `lkj-bot roster import`

    @property
    def roster_folder(self) -> Path:
        """Where the roster's relative paths (logo, sop) are resolved."""
        return Path(self.settings.lkj_roster).parent

    @property
    def roster(self) -> Roster:
        """The roster as it acts now: each stand-in appointment in force applied
        (``domain.standins.resolve``). Kept until the next moment a range starts or ends."""
        if self._moments[0] is not self.base_roster:  # computed once per stored roster
            self._moments = (self.base_roster, boundaries(self.base_roster.units))
        moments = self._moments[1]
        if not moments:
            return self.base_roster
        now = self.now()
        view = self._view
        if view is not None and view[0] is self.base_roster and view[1] <= now < view[2]:
            return view[3]
        before = [m for m in moments if m <= now]
        after = [m for m in moments if m > now]
        resolved = replace(
            self.base_roster, units=tuple(resolve(u, now) for u in self.base_roster.units)
        )
        low = before[-1] if before else datetime.min.replace(tzinfo=UTC)
        high = after[0] if after else datetime.max.replace(tzinfo=UTC)
        self._view = (self.base_roster, low, high, resolved)
        return resolved

    def reload_roster(self) -> None:
        self.base_roster = roster_from_raw(self.rosters.raw(), self.roster_folder, partial=True)
        for code, changes in self.identities.all().items():
            self._lay_identity(code, changes)
        self._lay_standins()
        self._roster_signature = self._roster_state()

    def _roster_state(self) -> tuple[Any, ...]:
        """Changes when the roster, a unit's kop or its stand-ins change, in this process or
        another (the CLI, or another worker on the same database)."""
        return (
            self.rosters.signature(),
            self.db.signature("state", "identity.json"),
            self.db.signature("state", "standins.json"),
        )

    def _lay_standins(self) -> None:
        """Give each unit its stand-in appointments (kept in ``state/standins.json``)."""
        by_unit: dict[str, list[StandIn]] = {}
        for period in self.standins.all():
            by_unit.setdefault(period.unit, []).append(period)
        units = tuple(
            replace(u, standins=tuple(by_unit.get(u.code, ()))) for u in self.base_roster.units
        )
        self.base_roster = replace(self.base_roster, units=units)

    def save_standin(self, period: StandIn) -> Unit:
        """Store an appointment (new, or ended early) and apply it at once."""
        self.standins.save(period)
        self._lay_standins()
        return self.roster.unit(period.unit)

    def refresh_roster(self) -> bool:
        """Reload the roster if another process (the CLI) changed it; a stat per update."""
        if self._roster_state() == self._roster_signature:
            return False
        self.reload_roster()
        return True

    def save_roster(self, raw: dict[str, Any]) -> None:
        """Store the whole roster and apply it at once (checked before anything is written)."""
        roster_from_raw(raw, self.roster_folder, partial=True)
        self.rosters.replace(raw)
        self.reload_roster()

    def _lay_identity(self, code: str, changes: dict[str, Any]) -> None:
        """Replace the unit in the roster by itself with the kop changes made in chat."""
        try:
            unit = self.base_roster.unit(code)
        except KeyError:
            return  # a unit no longer in the roster
        logo = None
        stored = changes.get("logo")
        if stored:
            logo = Logo(stored["sha256"], stored["mime"], self.db.blobs.get(stored["sha256"]))
        changed = apply_identity(unit, changes, logo)
        units = tuple(changed if u.code == code else u for u in self.base_roster.units)
        self.base_roster = replace(self.base_roster, units=units)

    def set_identity(self, code: str, name: str, stored: Any) -> Unit:
        """Store one kop field of a unit and apply it at once (no restart)."""
        self.identities.set_field(code, name, stored)
        self._lay_identity(code, self.identities.changes(code))
        return self.roster.unit(code)

    @property
    def bot_username(self) -> str:
        return self.bot_username_source()

    def now(self) -> datetime:
        return self.clock()

    def _lock(self, name: str) -> asyncio.Lock:
        """An asyncio lock; with PostgreSQL one that also holds across worker processes."""
        if self.db.pg is None:
            return asyncio.Lock()
        return SharedLock(self.db.pg, name)  # type: ignore[return-value]

    def _timed(self, lock: asyncio.Lock, kind: str) -> asyncio.Lock:
        return self.measure_lock(lock, kind)

    def waiting_messages(self) -> dict[str, int]:
        """Messages owed and not delivered yet, by reason (the metrics' gauge)."""
        counts = {"blocked": 0, "pending": 0}
        for unit in self.roster.units:
            queues = [self.cycles.outbox(*key) for key in self.cycles.with_outbox(unit.code)]
            queues += [self.annual.outbox(*key) for key in self.annual.with_outbox(unit.code)]
            for entry in (e for q in queues for e in q):
                if entry.get("kind") in ("text", "file"):
                    counts["blocked" if entry.get("blocked") else "pending"] += 1
        return counts

    def unit_lock(self, unit: str) -> asyncio.Lock:
        """Held while an update may change the unit's state (its cycles, annual report, targets)."""
        lock = self._unit_locks.get(unit)
        if lock is None:
            lock = self._unit_locks[unit] = self._timed(self._lock(f"lkj:unit:{unit}"), "unit")
        return lock

    def delivery_lock(self, unit: str, year: int, triwulan: int) -> asyncio.Lock:
        """One deliverer per outbox at a time, so no entry is sent twice; outboxes of different
        cycles are delivered concurrently."""
        key = (unit, year, triwulan)
        lock = self._delivery_locks.get(key)
        if lock is None:
            lock = self._delivery_locks[key] = self._timed(
                self._lock(f"lkj:outbox:{unit}:{year}:{triwulan}"), "outbox"
            )
        return lock

    def leads(self) -> bool:
        """Whether this process sends the reminders, escalations and digests: always with the
        files (one process); with PostgreSQL the one worker holding the leader's advisory lock,
        taken over by another worker's next tick once the leader's connection is gone."""
        if self.db.pg is None:
            return True
        if not self._leader:
            self._leader = self.db.pg.try_lock(LEADER_LOCK)
        return self._leader

    def calendar(self, unit: Unit) -> WorkCalendar:
        cal = self._calendars.get(unit.code)
        if cal is None:
            cal = WorkCalendar(
                tz=unit.timezone,
                office_start=self.settings.lkj_office_start,
                office_end=self.settings.lkj_office_end,
                extra_holidays=parse_extra_holidays(self.settings.lkj_extra_holidays),
            )
            self._calendars[unit.code] = cal
        return cal

    def cycle_summaries(self, units: list[str] | None, year: int) -> list[CycleSummary]:
        """Every cycle's summary row of ``year`` of ``units`` (None: all): the views across
        units (``app.pemda``)."""
        return cycle_summaries(self.db, units, year)

    def sop_for(self, unit: Unit | str) -> Sop:
        """The SOP table a unit works by: its own (``sop`` in the roster) or the default."""
        if isinstance(unit, str):
            unit = self.roster.unit(unit)
        if not unit.sop:
            return self.sop
        sop = self._sops.get(unit.sop)
        if sop is None:
            sop = self._sops[unit.sop] = load_sop(unit.sop)
        return sop

    def context(self, unit: Unit) -> WorkflowContext:
        return WorkflowContext(sop=self.sop_for(unit), calendar=self.calendar(unit), unit=unit)
