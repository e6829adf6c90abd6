"""The unit of work: a change is saved with everything it owes in ONE write.

The new state (a cycle or an annual report), the messages it owes (outbox entries built by
the channel's notice table, ``handlers.notices``), its audit lines, the end of the form whose
Kirim it is, the revocation of the buttons it spends and the update id that caused it: a
crash leaves all of them or none. Delivering what is owed is the channel's part, after the
write (``handlers.outbox.deliver``).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from app.services import AnnualCommitting, Committing, Ledger
from domain.annual import AnnualReport
from domain.models import Cycle, HistoryEntry
from domain.sop import FILE, PARAF, SIGN
from domain.standins import acting_detail

#: The services a change's debts are collected with: the channel's ``Outbox`` keeps its whole
#: ``Services`` (``Owed[Services]``); the unit of work reads only the :class:`Ledger`.
L_co = TypeVar("L_co", bound=Ledger, covariant=True)


class Owed(Generic[L_co]):
    """What a change owes besides its state, collected before the state is saved: entries
    (messages, audit lines) and the buttons it spends. The channel's ``Outbox`` adds the
    messages themselves (``handlers.outbox``)."""

    def __init__(self, services: L_co):
        self.services = services
        self.entries: list[dict[str, Any]] = []
        self.spent_groups: list[str] = []
        self.spent_cycles: list[str] = []

    def revoke_group(self, group: str) -> None:
        """The buttons of ``group`` are spent by this change: revoked once it is stored."""
        self.spent_groups.append(group)

    def revoke_cycle(self, cycle_key: str) -> None:
        """Every button of the cycle is spent by this change (a filed quarter)."""
        self.spent_cycles.append(cycle_key)

    def _entry(self, chat_id: int, **fields: Any) -> None:
        self.entries.append({"id": secrets.token_hex(8), "chat_id": chat_id, **fields})

    def audit(self, cycle: Cycle, entry: HistoryEntry, update_id: int | None) -> None:
        """An audit-log line owed for an accepted action (appended on delivery, by key)."""
        line = {
            "at": entry.at.isoformat(),
            "actor": entry.actor,
            "role": entry.role,
            "action": entry.action,
            "from_step": entry.from_step,
            "to_step": entry.to_step,
            "cycle": cycle.id,
            "update_id": update_id,
            "detail": entry.detail,
            "state": state_ref(cycle.unit, cycle.year, "cycles", cycle.id, cycle.rev),
        }
        unit = self.services.base_roster.unit(cycle.unit)
        extra: dict[str, Any] = {}
        if entry.from_step:
            role = self.services.sop_for(unit).step(entry.from_step).role
            acting = acting_detail(unit, entry.actor, role, entry.at)
            if acting is not None:  # both officials on record: who acted, for whom
                extra.update(acting)
        if entry.to:  # who received a forward or a task, as recorded with the act
            extra["kepada"] = [
                {"user_id": o.user_id, "nama": o.name, "jabatan": o.label, "sebagai": o.capacity}
                for o in entry.to
            ]
        if extra:
            line["detail"] = {"catatan": entry.detail, **extra}
        self.entries.append(
            {"id": secrets.token_hex(8), "kind": "audit", "chat_id": 0, "entry": line}
        )


def state_ref(unit: str, year: int, table: str, doc: str, rev: int) -> dict[str, Any]:
    """What an audit line records of the state it describes: the store file, its document and
    the revision it produced (checked against the store at start-up and by audit verify)."""
    return {"file": f"units/{unit}/{year}.json", "table": table, "id": doc, "rev": rev}


# The form whose Kirim an update is handling: update id -> (user id, form id). Set by the form
# code around its finisher, taken by the commit that saves the form's effect.
ENDING_FORMS: dict[int, tuple[int, str]] = {}


def end_form_with(out: Owed[Ledger], update_id: int | None) -> None:
    """If this update is a form's Kirim, its end is owed first, in the same write as its effect.

    So the form's end and the state change commit together: after a kill the form is either
    still open (nothing saved, its buttons still work) or ended with the change saved.
    """
    form = ENDING_FORMS.pop(update_id, None) if update_id is not None else None
    if form is not None:
        out.entries.insert(
            0,
            {
                "id": secrets.token_hex(8),
                "kind": "form_end",
                "chat_id": 0,
                "user": form[0],
                "form_id": form[1],
            },
        )


def owe_revocations(out: Owed[Ledger]) -> dict[str, Any] | None:
    """The revocations this change spends, owed first in its write (see
    ``app.callback_data``), or None. Saved by :func:`saved_or_not`, which marks the entry
    done in the delivery log with the write, so that no deliverer ever sends it."""
    if not out.spent_groups and not out.spent_cycles:
        return None
    entry = out.services.callbacks.owe(out.spent_groups, out.spent_cycles)
    out.entries.insert(0, entry)
    return entry


def settle_revocations(
    services: Committing | AnnualCommitting, entries: list[dict[str, Any]]
) -> None:
    """Apply the owed revocations among ``entries`` (stored, so their change took effect):
    again is a no-op; one whose writer was killed before applying it is applied now."""
    for entry in entries:
        if entry.get("kind") == services.callbacks.OWED:
            services.callbacks.settle_owed(entry)
            if not services.deliveries.was_sent(entry["id"]):
                services.deliveries.record(entry["id"])


def saved_or_not(
    services: Committing | AnnualCommitting, owed: dict[str, Any] | None, save: Callable[[], None]
):
    """Run ``save``, then apply the revocation it owes. The owed entry is marked done in the
    delivery log together with the write: in its transaction on PostgreSQL (a deliverer of
    another worker never sees it unmarked, and a failed write leaves no mark), right after it
    on files (one process, and no await in between: no deliverer runs meanwhile). On
    PostgreSQL the revocation itself (rows of ``lkj_revoked``, ``storage.pg_keyed``) is
    written in that transaction too; on files it is appended to the journal after it."""
    if owed is None:
        save()
        return
    if services.db.pg is not None:
        with services.db.transaction():
            services.deliveries.record(owed["id"])
            save()
            services.callbacks.settle_owed(owed)  # the revocation rows commit with it
        return
    save()
    services.deliveries.record(owed["id"])
    services.callbacks.settle_owed(owed)


def commit(
    services: Committing,
    before: Cycle | None,
    after: Cycle,
    out: Owed[Ledger],
    update_id: int | None = None,
) -> None:
    """Save the new cycle with what it owes (one atomic write); the channel delivers after.

    The audit lines for the actions it records are owed the same way, so none is lost to a
    crash and none is written twice (the audit log ignores a key it already holds); so are
    the end of the form whose Kirim this is and the revocation of the buttons it spends
    (:func:`owe_revocations`), and the update id is recorded in the same write.
    """
    end_form_with(out, update_id)
    owed = owe_revocations(out)
    for entry in after.history[len(before.history) if before else 0 :]:
        out.audit(after, entry, update_id)
    saved_or_not(
        services,
        owed,
        lambda: services.cycles.save(
            after,
            expected_rev=before.rev if before else None,
            outbox=out.entries,
            update_id=update_id,
        ),
    )


#: The step each act of the annual report is taken at (for a stand-in's audit line).
ANNUAL_ACTS = {
    "susun_lkj_tahunan": FILE,
    "ajukan_lkj_tahunan": FILE,
    "paraf_lkj_tahunan": PARAF,
    "tandatangan_lkj_tahunan": SIGN,
}


def commit_annual(
    services: AnnualCommitting,
    before: AnnualReport | None,
    after: AnnualReport,
    out: Owed[Ledger],
    update_id: int | None,
) -> None:
    """Save the annual report with what it owes (and its audit lines) in one write."""
    end_form_with(out, update_id)
    owed = owe_revocations(out)
    unit = services.base_roster.unit(after.unit)
    sop = services.sop_for(unit)
    for entry in after.history[len(before.history) if before else 0 :]:
        key = ANNUAL_ACTS.get(entry.action)
        acting = acting_detail(unit, entry.actor, sop.role_of(key), entry.at) if key else None
        out.entries.append(
            {
                "id": f"a{after.rev}-{entry.action}",
                "kind": "audit",
                "chat_id": 0,
                "entry": {
                    "at": entry.at.isoformat(),
                    "actor": entry.actor,
                    "role": entry.role,
                    "action": entry.action,
                    "cycle": after.id,
                    "update_id": update_id,
                    "detail": {"catatan": entry.detail, **acting} if acting else entry.detail,
                    "state": state_ref(after.unit, after.year, "annual", after.id, after.rev),
                },
            }
        )
    saved_or_not(
        services,
        owed,
        lambda: services.annual.save(
            after,
            expected_rev=before.rev if before else None,
            outbox=out.entries,
            update_id=update_id,
        ),
    )
