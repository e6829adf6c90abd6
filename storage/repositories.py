"""Repositories: the only code that builds TinyDB queries. They know no workflow rules."""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable, MutableMapping
from typing import TYPE_CHECKING, Any

from tinydb import Query
from tinydb.queries import QueryInstance
from tinydb.table import Document, Table

from domain.annual import AnnualReport
from domain.budget import BudgetSet
from domain.evaluator_invitations import EvaluatorInvitation
from domain.invitations import Invitation
from domain.models import Cycle, cycle_id
from domain.performance import TargetSet
from domain.standins import StandIn
from storage.database import Database
from storage.errors import ConcurrentUpdateError  # raised here; re-exported for callers

if TYPE_CHECKING:
    from storage.pg_keyed import PgButtons, PgNotes


class CycleRepository:
    """Cycles live in ``units/<unit>/<year>.json``, table ``cycles``, one document each."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self, unit: str, year: int):
        return self.db.file("units", unit, f"{year}.json").table("cycles")

    def get(self, unit: str, year: int, triwulan: int) -> Cycle | None:
        doc = self._table(unit, year).get(Query().id == cycle_id(unit, year, triwulan))
        return Cycle.from_dict(dict(doc)) if doc else None  # type: ignore[arg-type]

    def save(
        self,
        cycle: Cycle,
        expected_rev: int | None = None,
        outbox: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
        update_id: int | None = None,
    ) -> None:
        """Upsert the cycle together with the messages it now owes, in one atomic write.

        With ``expected_rev`` refuse if someone saved in between. ``outbox`` entries are
        appended to those still undelivered, so a crash after this write loses none of them.
        ``update_id``, the update that caused the change, is recorded in the same write, so
        an update replayed after a crash is known to be applied already.
        """
        table = self._table(cycle.unit, cycle.year)
        with self.db.transaction():  # PostgreSQL: the row stays locked from read to commit
            current = table.get(Query().id == cycle.id)
            if expected_rev is not None and current is not None:
                if current["rev"] != expected_rev:  # type: ignore[index]
                    raise ConcurrentUpdateError(cycle.id)
            pending = list(current.get("outbox", [])) if current else []  # type: ignore[union-attr]
            doc = {
                **cycle.to_dict(),
                "outbox": pending + list(outbox),
                "updates": _recent_updates(current, update_id),
            }
            table.upsert(doc, Query().id == cycle.id)

    def applied_update(self, unit: str, update_id: int) -> bool:
        """Whether a saved cycle of the unit records ``update_id`` as applied."""
        cond = Query().updates.test(lambda ids: update_id in ids)
        return any(self._table(unit, year).contains(cond) for year in self.years(unit))

    def outbox(self, unit: str, year: int, triwulan: int) -> list[dict[str, Any]]:
        doc = self._table(unit, year).get(Query().id == cycle_id(unit, year, triwulan))
        return list(doc.get("outbox", [])) if doc else []  # type: ignore[union-attr]

    def with_outbox(self, unit: str) -> list[tuple[str, int, int]]:
        """(unit, year, triwulan) of every cycle of the unit that still owes messages."""
        found = []
        for year in self.years(unit):
            for doc in self._table(unit, year).search(Query().outbox.test(bool)):
                found.append((unit, year, int(doc["triwulan"])))
        return found

    def settle_entry(
        self, unit: str, year: int, triwulan: int, entry_id: str, changes: dict[str, Any] | None
    ) -> None:
        """Drop a delivered entry (``changes`` None) or update it in place (e.g. blocked)."""

        def edit(doc: MutableMapping[str, Any]) -> None:
            kept = []
            for entry in doc.get("outbox", []):
                if entry["id"] == entry_id:
                    if changes is None:
                        continue
                    entry = {**entry, **changes}
                kept.append(entry)
            doc["outbox"] = kept

        self._table(unit, year).update(edit, Query().id == cycle_id(unit, year, triwulan))

    def settle_many(
        self,
        unit: str,
        year: int,
        triwulan: int,
        entry_ids: set[str],
        audited: dict[str, Any] | None = None,
    ) -> None:
        """Drop every delivered entry of ``entry_ids`` in one write; ``audited`` ({"seq",
        "hash"} of the last audit entry they appended) is recorded in the same write."""
        if entry_ids:
            self._table(unit, year).update(
                _drop_entries(entry_ids, audited), Query().id == cycle_id(unit, year, triwulan)
            )

    def years(self, unit: str) -> list[int]:
        return [int(p.stem) for p in self.db.existing_files("units", unit) if p.stem.isdigit()]

    def list_unit(self, unit: str, year: int | None = None) -> list[Cycle]:
        years = [year] if year is not None else self.years(unit)
        cycles: list[Cycle] = []
        for y in years:
            cycles.extend(Cycle.from_dict(dict(d)) for d in self._table(unit, y).all())
        return sorted(cycles, key=lambda c: (c.year, c.triwulan))


def _drop_entries(entry_ids: set[str], audited: dict[str, Any] | None = None):
    def edit(doc: MutableMapping[str, Any]) -> None:
        doc["outbox"] = [e for e in doc.get("outbox", []) if e["id"] not in entry_ids]
        if audited is not None:  # the audit entry these changes were described by (binding)
            doc["audited"] = dict(audited)

    return edit


APPLIED_KEEP = 50  # update ids remembered per cycle (a replay comes right after a restart)


def _recent_updates(current: Any, update_id: int | None) -> list[int]:
    ids = list(current.get("updates", [])) if current else []
    if update_id is not None and update_id not in ids:
        ids.append(update_id)
    return ids[-APPLIED_KEEP:]


def _remove_if_any(table: Table, cond: QueryInstance) -> None:
    """TinyDB rewrites (and fsyncs) the whole file on remove() even when nothing matches;
    reading is several times cheaper, so look first (measured in bench/)."""
    if table.contains(cond):
        table.remove(cond)


class SessionRepository:
    """Pending multi-message input per user (a form half filled in), kept across restarts.
    On PostgreSQL each user's in a row of its own (:meth:`Database.chat_file`)."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self, user_id: int) -> Table:
        return self.db.chat_file("sessions", user_id).table("sessions")

    def get(self, user_id: int) -> dict[str, Any] | None:
        doc = self._table(user_id).get(Query().user_id == user_id)
        return dict(doc) if doc else None  # type: ignore[arg-type]

    def all(self) -> list[dict[str, Any]]:
        return [dict(d) for f in self.db.chat_files("sessions") for d in f.table("sessions")]

    def put(self, user_id: int, session: dict[str, Any]) -> None:
        """Replace the user's session whole (a merge could keep stale fields of an old form)."""
        new = {**session, "user_id": user_id}

        def replace_all(doc: MutableMapping[str, Any]) -> None:
            doc.clear()
            doc.update(new)

        table = self._table(user_id)
        if not table.update(replace_all, Query().user_id == user_id):
            table.insert(new)

    def clear(self, user_id: int) -> None:
        _remove_if_any(self._table(user_id), Query().user_id == user_id)

    def end(self, user_id: int, form_id: str) -> None:
        """End the user's form ``form_id`` if it is still the open one (idempotent)."""
        cond = (Query().user_id == user_id) & (Query().form_id == form_id)
        _remove_if_any(self._table(user_id), cond)

    def applied_update(self, user_id: int, update_id: int) -> bool:
        """Whether the user's open form last took its input from ``update_id``."""
        doc = self.get(user_id)
        return doc is not None and doc.get("update_id") == update_id


class DraftRepository:
    """What a member typed in the Mini App's form but has not sent yet, per cycle, so that a
    closed page loses nothing. Removed when the rows are sent. On PostgreSQL each user's in a
    row of its own (:meth:`Database.chat_file`)."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self, user_id: int) -> Table:
        return self.db.chat_file("drafts", user_id).table("drafts")

    def get(self, user_id: int, cycle_key: str) -> dict[str, Any]:
        cond = (Query().user_id == user_id) & (Query().cycle == cycle_key)
        doc = self._table(user_id).get(cond)
        return dict(doc["rows"]) if doc else {}  # type: ignore[index]

    def put(self, user_id: int, cycle_key: str, rows: dict[str, Any]) -> None:
        cond = (Query().user_id == user_id) & (Query().cycle == cycle_key)
        table = self._table(user_id)
        if not table.update({"rows": rows}, cond):
            table.insert({"user_id": user_id, "cycle": cycle_key, "rows": rows})

    def clear(self, user_id: int, cycle_key: str) -> None:
        cond = (Query().user_id == user_id) & (Query().cycle == cycle_key)
        _remove_if_any(self._table(user_id), cond)

    def clear_cycle(self, cycle_key: str) -> None:
        """Every draft of a cycle (once it is filed, no form can send them any more)."""
        for found in self.db.chat_files("drafts"):
            _remove_if_any(found.table("drafts"), Query().cycle == cycle_key)

    def forget(self, user_id: int, cycle_key: str, codes: list[str]) -> None:
        """Drop the rows of ``codes`` (reported since, by any way), keep the others."""
        rows = self.get(user_id, cycle_key)
        kept = {code: row for code, row in rows.items() if code not in codes}
        if kept == rows:
            return
        if kept:
            self.put(user_id, cycle_key, kept)
        else:
            self.clear(user_id, cycle_key)


class ButtonRepository:
    """Inline buttons carry only an opaque token; what it means is kept here.

    A token names the action, the cycle and the cycle revision it was made for, and the one
    user allowed to press it, so a forged, foreign or stale press can be recognised.

    Every press looks its token up, so the parsed file is kept as an index by token while the
    file's identity (inode, size, mtime) is the one this repository last saw: a lookup then
    parses nothing, whatever the number of live buttons. This repository's own writes keep
    the index in step; a file changed by anyone else is parsed again. Lookups hand out copies,
    so nothing a handler changes can reach the index. On PostgreSQL each token is a row of its
    own (``storage.pg_keyed``): a lookup reads that row, a revocation deletes its group's.
    """

    def __init__(self, db: Database):
        self.db = db
        self.path = db.data_dir / "state" / "buttons.json"  # the TinyDB backend's file
        self._index: dict[str, dict[str, Any]] | None = None
        self._identity: tuple[int, ...] | None = None
        self._rows: PgButtons | None = None
        if db.pg is not None:
            # Deferred: storage.pg_keyed loads psycopg (heavy, optional), as Database does.
            from storage.pg_keyed import PgButtons

            # PostgreSQL: a row per token (table lkj_buttons), no row shared by all chats.
            self._rows = PgButtons(db.pg)
            self.table: Any = self._rows
        else:
            self.table = db.file("state", "buttons.json").table("buttons")

    def _file_identity(self) -> tuple[int, ...] | None:
        return self.db.signature("state", "buttons.json")

    def _tokens(self) -> dict[str, dict[str, Any]]:
        identity = self._file_identity()
        if self._index is None or identity != self._identity:
            self._index = {doc["token"]: dict(doc) for doc in self.table.all()}
            self._identity = identity
        return self._index

    def _change(self, write: Callable[[], Any], edit: Callable[[dict], None]) -> None:
        """Write through TinyDB; apply the same change to the index if it was current."""
        current = self._index is not None and self._file_identity() == self._identity
        write()
        if current and self._index is not None:
            edit(self._index)
            self._identity = self._file_identity()
        else:
            self._index = None

    def issue(self, payload: dict[str, Any]) -> str:
        return self.issue_many([payload])[0]

    def issue_many(self, payloads: list[dict[str, Any]]) -> list[str]:
        if not payloads:
            return []
        if self._rows is not None:
            return self._rows.issue_many(payloads)
        docs = [{**p, "token": secrets.token_urlsafe(12)} for p in payloads]
        self._change(
            lambda: self.table.insert_multiple(docs),
            lambda index: index.update({d["token"]: copy.deepcopy(d) for d in docs}),
        )
        return [d["token"] for d in docs]

    def get(self, token: str) -> dict[str, Any] | None:
        if self._rows is not None:
            return self._rows.get(token)
        payload = self._tokens().get(token)
        return copy.deepcopy(payload) if payload is not None else None

    def _revoke(self, field: str, value: Any) -> None:
        if self._rows is not None:
            self._rows.revoke_matching(field, value)
            return
        if not any(p.get(field) == value for p in self._tokens().values()):
            return  # nothing matches: no rewrite of the whole file

        def drop(index: dict[str, dict[str, Any]]) -> None:
            for token in [t for t, p in index.items() if p.get(field) == value]:
                del index[token]

        self._change(lambda: self.table.remove(Query()[field] == value), drop)

    def revoke(self, token: str) -> None:
        self._revoke("token", token)

    def revoke_matching(self, field: str, value: Any) -> None:
        """Drop every token whose payload has ``field`` equal to ``value``."""
        self._revoke(field, value)

    def revoke_group(self, group: str) -> None:
        self._revoke("group", group)

    def revoke_cycle(self, cycle_key: str) -> None:
        """Drop every button of a cycle (once it is filed, none of them can act any more)."""
        self._revoke("cycle", cycle_key)


class NoticeRepository:
    """Which reminders, escalations and digests were already sent, by their stable key.

    Kept in the unit-and-year file, so it is bounded like the cycles it concerns.
    """

    def __init__(self, db: Database):
        self.db = db

    def _table(self, unit: str, year: int):
        return self.db.file("units", unit, f"{year}.json").table("notices")

    def was_sent(self, unit: str, year: int, key: str) -> bool:
        return self._table(unit, year).contains(Query().key == key)

    def mark_sent(self, unit: str, year: int, key: str, at: str) -> None:
        self._table(unit, year).upsert({"key": key, "at": at}, Query().key == key)

    def sent(self, unit: str, year: int) -> list[dict[str, Any]]:
        return [dict(d) for d in self._table(unit, year).all()]


class TargetRepository:
    """A unit's performance targets for a year (one document in the unit-and-year file)."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self, unit: str, year: int):
        return self.db.file("units", unit, f"{year}.json").table("targets")

    def get(self, unit: str, year: int) -> TargetSet | None:
        doc = self._table(unit, year).get(doc_id=1)
        return TargetSet.from_dict(dict(doc)) if doc else None  # type: ignore[arg-type]

    def save(self, targets: TargetSet) -> None:
        self._table(targets.unit, targets.year).upsert(Document(targets.to_dict(), doc_id=1))


class BudgetRepository:
    """A unit's budget realisation for a year (one document in the unit-and-year file)."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self, unit: str, year: int):
        return self.db.file("units", unit, f"{year}.json").table("budget")

    def get(self, unit: str, year: int) -> BudgetSet | None:
        doc = self._table(unit, year).get(doc_id=1)
        return BudgetSet.from_dict(dict(doc)) if doc else None  # type: ignore[arg-type]

    def save(self, budget: BudgetSet) -> None:
        self._table(budget.unit, budget.year).upsert(Document(budget.to_dict(), doc_id=1))


class AnnualRepository:
    """The annual LKj of a unit and year, with the messages it owes (like a cycle's outbox)."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self, unit: str, year: int):
        return self.db.file("units", unit, f"{year}.json").table("annual")

    def get(self, unit: str, year: int) -> AnnualReport | None:
        doc = self._table(unit, year).get(doc_id=1)
        return AnnualReport.from_dict(dict(doc)) if doc else None  # type: ignore[arg-type]

    def save(
        self,
        report: AnnualReport,
        expected_rev: int | None = None,
        outbox: list[dict[str, Any]] | tuple[dict[str, Any], ...] = (),
        update_id: int | None = None,
    ) -> None:
        table = self._table(report.unit, report.year)
        with self.db.transaction():  # PostgreSQL: the row stays locked from read to commit
            current = table.get(doc_id=1)
            if expected_rev is not None and current is not None:
                if current["rev"] != expected_rev:  # type: ignore[index]
                    raise ConcurrentUpdateError(report.id)
            pending = list(current.get("outbox", [])) if current else []  # type: ignore[union-attr]
            doc = {
                **report.to_dict(),
                "outbox": pending + list(outbox),
                "updates": _recent_updates(current, update_id),
            }
            table.upsert(Document(doc, doc_id=1))

    def applied_update(self, unit: str, update_id: int) -> bool:
        years = [int(p.stem) for p in self.db.existing_files("units", unit) if p.stem.isdigit()]
        cond = Query().updates.test(lambda ids: update_id in ids)
        return any(self._table(unit, year).contains(cond) for year in years)

    def outbox(self, unit: str, year: int) -> list[dict[str, Any]]:
        doc = self._table(unit, year).get(doc_id=1)
        return list(doc.get("outbox", [])) if doc else []  # type: ignore[union-attr]

    def with_outbox(self, unit: str) -> list[tuple[str, int]]:
        years = [int(p.stem) for p in self.db.existing_files("units", unit) if p.stem.isdigit()]
        return [(unit, y) for y in years if self.outbox(unit, y)]

    def settle_entry(
        self, unit: str, year: int, entry_id: str, changes: dict[str, Any] | None
    ) -> None:
        def edit(doc: MutableMapping[str, Any]) -> None:
            doc["outbox"] = [
                {**e, **changes} if e["id"] == entry_id and changes is not None else e
                for e in doc.get("outbox", [])
                if not (e["id"] == entry_id and changes is None)
            ]

        self._table(unit, year).update(edit, doc_ids=[1])

    def settle_many(
        self, unit: str, year: int, entry_ids: set[str], audited: dict[str, Any] | None = None
    ) -> None:
        if entry_ids:
            self._table(unit, year).update(_drop_entries(entry_ids, audited), doc_ids=[1])

    def list_unit(self, unit: str) -> list[AnnualReport]:
        years = [int(p.stem) for p in self.db.existing_files("units", unit) if p.stem.isdigit()]
        found = (self.get(unit, y) for y in sorted(years))
        return [r for r in found if r is not None]


class IdentityRepository:
    """Changes to a unit's kop made in chat (``state/identity.json``), laid over the roster."""

    def __init__(self, db: Database):
        self.table = db.file("state", "identity.json").table("units")

    def changes(self, unit: str) -> dict[str, Any]:
        doc = self.table.get(Query().unit == unit)
        return dict(doc["fields"]) if doc else {}  # type: ignore[index]

    def all(self) -> dict[str, dict[str, Any]]:
        return {str(d["unit"]): dict(d["fields"]) for d in self.table.all()}

    def set_field(self, unit: str, name: str, value: Any) -> None:
        fields = {**self.changes(unit), name: value}
        self.table.upsert({"unit": unit, "fields": fields}, Query().unit == unit)


class MenuRepository:
    """The command menu last set for each chat (``state/menus.json``; on PostgreSQL a row per
    chat, :meth:`Database.chat_file`), so a restart resends only the menus that changed."""

    def __init__(self, db: Database):
        self.db = db

    def _table(self, user_id: int) -> Table:
        return self.db.chat_file("menus", user_id).table("menus")

    def all(self) -> dict[int, str]:
        return {
            int(d["user_id"]): str(d["menu"])
            for found in self.db.chat_files("menus")
            for d in found.table("menus").all()
        }

    def get(self, user_id: int) -> str | None:
        doc = self._table(user_id).get(Query().user_id == user_id)
        return str(doc["menu"]) if doc else None  # type: ignore[index]

    def put(self, user_id: int, menu: str) -> None:
        self._table(user_id).upsert({"user_id": user_id, "menu": menu}, Query().user_id == user_id)

    def replace_all(self, menus: dict[int, str]) -> None:
        """Every chat's menu: one write on the files backend (start-up sends many; one
        fsync, not one each); on PostgreSQL a write of each chat's row that changed."""
        if self.db.pg is None:
            table = self.db.file("state", "menus.json").table("menus")
            table.truncate()
            table.insert_multiple({"user_id": u, "menu": m} for u, m in menus.items())
            return
        before = self.all()
        with self.db.transaction():
            for user_id in before.keys() - menus.keys():
                self._table(user_id).truncate()
            for user_id, menu in menus.items():
                if before.get(user_id) != menu:
                    self.put(user_id, menu)


class RosterRepository:
    """The roster as data (``state/roster.json``): one document per unit and one per pemda
    evaluator, in the roster file's own shape, plus the SHA-256 of the roster file last
    imported."""

    def __init__(self, db: Database):
        self.store = db
        self.db = db.file("state", "roster.json")
        self.units = self.db.table("units")
        self.evaluators = self.db.table("evaluators")
        self.meta = self.db.table("meta")

    def raw(self) -> dict[str, Any]:
        raw: dict[str, Any] = {"unit": [dict(d) for d in self.units.all()]}
        evaluators = [dict(d) for d in self.evaluators.all()]
        if evaluators:
            raw["evaluator"] = evaluators
        return raw

    def imported_sha(self) -> str:
        doc = self.meta.get(doc_id=1)
        return str(doc["imported_sha"]) if doc else ""  # type: ignore[index]

    def replace(self, raw: dict[str, Any], imported_sha: str | None = None) -> None:
        """Every unit at once (an import, or a change made in chat)."""
        units = raw.get("unit") or []
        self.units.truncate()
        self.units.insert_multiple([dict(u) for u in units])
        evaluators = raw.get("evaluator") or []
        self.evaluators.truncate()
        self.evaluators.insert_multiple([dict(e) for e in evaluators])
        if imported_sha is not None:
            self.meta.upsert(Document({"imported_sha": imported_sha}, doc_id=1))

    def signature(self) -> tuple[int, ...] | None:
        """The file's identity, to notice a change made by another process."""
        return self.store.signature("state", "roster.json")


class InvitationRepository:
    """Invitation codes (``state/invitations.json``), kept with their state for the listing."""

    def __init__(self, db: Database):
        self.table = db.file("state", "invitations.json").table("invitations")

    def get(self, code: str) -> Invitation | None:
        doc = self.table.get(Query().code == code)
        return Invitation.from_dict(dict(doc)) if doc else None  # type: ignore[arg-type]

    def save(self, invitation: Invitation) -> None:
        self.table.upsert(invitation.to_dict(), Query().code == invitation.code)

    def of_unit(self, unit: str) -> list[Invitation]:
        docs = self.table.search(Query().unit == unit)
        return sorted((Invitation.from_dict(dict(d)) for d in docs), key=lambda i: i.created_at)


class EvaluatorInvitationRepository:
    """A pemda's evaluator invitations (``state/invitations.json``, their own table)."""

    def __init__(self, db: Database):
        self.table = db.file("state", "invitations.json").table("evaluator_invitations")

    def get(self, code: str) -> EvaluatorInvitation | None:
        doc = self.table.get(Query().code == code)
        return EvaluatorInvitation.from_dict(dict(doc)) if doc else None  # type: ignore[arg-type]

    def save(self, invitation: EvaluatorInvitation) -> None:
        self.table.upsert(invitation.to_dict(), Query().code == invitation.code)

    def of_pemda(self, pemda: str) -> list[EvaluatorInvitation]:
        docs = self.table.search(Query().pemda == pemda)
        found = (EvaluatorInvitation.from_dict(dict(d)) for d in docs)
        return sorted(found, key=lambda i: i.created_at)


class SopRecordRepository:
    """The SOP tables in force for this store (``state/sop.json``): the default and each
    unit's, with text and sha256 (see ``bot/sop_record.py``)."""

    def __init__(self, db: Database):
        self.table = db.file("state", "sop.json").table("tables")

    def tables(self) -> dict[str, Any]:
        doc = self.table.get(doc_id=1)
        return dict(doc["tables"]) if doc else {}  # type: ignore[index]

    def record(self, tables: dict[str, Any]) -> None:
        self.table.upsert(Document({"tables": tables}, doc_id=1))


class StandInRepository:
    """Stand-in appointments (Plh/Plt) of every unit (``state/standins.json``), kept after
    they end: documents derive the capacity of past decisions from them."""

    def __init__(self, db: Database):
        self.table = db.file("state", "standins.json").table("standins")

    def all(self) -> list[StandIn]:
        return [StandIn.from_dict(dict(d)) for d in self.table.all()]

    def save(self, period: StandIn) -> None:
        self.table.upsert(period.to_dict(), Query().id == period.id)


class NoteRepository:
    """The "sedang disusun" notes of the renders under way, by the update being handled: its
    chat, the note's message id and (once known, just before the note is edited) the outcome
    it is edited to. Written in one write when the note is sent, removed once it is edited,
    so a note left by a kill is found again and edited exactly once (``handlers.progress``).
    On PostgreSQL each note is a row of its own (``storage.pg_keyed``)."""

    def __init__(self, db: Database):
        self._rows: PgNotes | None = None
        if db.pg is not None:
            # Deferred: storage.pg_keyed loads psycopg (heavy, optional), as Database does.
            from storage.pg_keyed import PgNotes

            # PostgreSQL: a row per note (table lkj_notes), no row shared by all chats.
            self._rows = PgNotes(db.pg)
        else:
            self.table = db.file("state", "notes.json").table("notes")

    def get(self, update_id: int) -> dict[str, Any] | None:
        if self._rows is not None:
            return self._rows.get(update_id)
        doc = self.table.get(Query().update_id == update_id)
        return dict(doc) if doc else None  # type: ignore[arg-type]

    def put(self, update_id: int, chat_id: int, message_id: int, outcome: str | None = None):
        note = {
            "update_id": update_id,
            "chat_id": chat_id,
            "message_id": message_id,
            "outcome": outcome,
        }
        if self._rows is not None:
            self._rows.put(note)
            return
        self.table.upsert(note, Query().update_id == update_id)

    def remove(self, update_id: int) -> None:
        if self._rows is not None:
            self._rows.remove(update_id)
            return
        _remove_if_any(self.table, Query().update_id == update_id)

    def all(self) -> list[dict[str, Any]]:
        if self._rows is not None:
            return self._rows.all()
        return [dict(d) for d in self.table.all()]
