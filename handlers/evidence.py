"""/bukti: a member removes or replaces their evidence files, the report's maker removes any.

Parse -> load -> apply (``domain.evidence``) -> outbox -> commit, like every cycle action;
the confirmation is a form, so a removal always takes a deliberate second tap.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.realisation import remove_evidence_file
from documents.report_context import human_size
from domain.evidence import (
    RemoveEvidence,
    evidence_open,
    item_key,
    may_manage_all,
    remove_evidence,
)
from domain.models import Cycle, FileRef, Item
from domain.roster import Person
from handlers import texts
from handlers.common import cycle_of, send_text, svc, unit_of
from handlers.forms import begin_form, document_field, text_field
from handlers.notices import notices
from handlers.outbox import deliver
from handlers.texts import tw


async def cmd_bukti(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person) -> None:
    """Every evidence file the person may change, with Hapus (and Ganti for their own)."""
    services = svc(context)
    unit = unit_of(services, person)
    ctx = services.context(unit)
    manage_all = may_manage_all(ctx, person)
    listed = False
    for cycle in services.cycles.list_unit(unit.code):
        if not evidence_open(ctx, cycle):
            continue
        group = f"evidence:{person.user_id}:{cycle.id}"
        services.callbacks.revoke_group(group)
        lines: list[str] = []
        rows: list[list[tuple[str, dict[str, Any]]]] = []
        for a in cycle.assignments:
            if not manage_all and a.member_id != person.user_id:
                continue
            member = unit.person(a.member_id)
            for index, item in enumerate(a.items):
                for f in item.files:
                    n = len(lines) + 1
                    label = item_key(item)
                    if manage_all and member is not None:
                        label += f" · {member.name}"
                    lines.append(texts.evidence_line(n, label, f.name, human_size(f.size)))
                    args = {
                        "cycle": cycle.id,
                        "member": a.member_id,
                        "item": index,
                        "sha": f.sha256,
                        "group": group,
                    }
                    row = [
                        (f"{texts.BTN_EVIDENCE_REMOVE} {n}", {"action": "evidence_remove", **args})
                    ]
                    if a.member_id == person.user_id:
                        row.append(
                            (
                                f"{texts.BTN_EVIDENCE_REPLACE} {n}",
                                {"action": "evidence_replace", **args},
                            )
                        )
                    rows.append(row)
        if lines:
            listed = True
            head = texts.evidence_list_head(tw(cycle.triwulan, cycle.year), not manage_all)
            await send_text(context, person.user_id, head + "\n\n" + "\n".join(lines), rows)
    if not listed:
        await send_text(context, person.user_id, texts.NO_EVIDENCE_TO_MANAGE)


def _chosen(context, person: Person, payload: dict[str, Any]) -> tuple[Cycle, Item, FileRef]:
    """The cycle, item and file a button names, checked by a dry run of the domain action,
    so a refusal comes before the form opens."""
    services = svc(context)
    cycle = cycle_of(context, payload)
    ctx = services.context(unit_of(services, person))
    probe = RemoveEvidence(int(payload["member"]), int(payload["item"]), payload["sha"], "-")
    remove_evidence(cycle, probe, person, services.now(), ctx)
    item = cycle.assignment_of(probe.member_id).items[probe.item_index]  # type: ignore[union-attr]
    file = next(f for f in item.files if f.sha256 == probe.sha256)
    return cycle, item, file


def _meta(payload: dict[str, Any]) -> dict[str, Any]:
    return {"member": int(payload["member"]), "item": int(payload["item"]), "sha": payload["sha"]}


async def evidence_remove(update, context, person: Person, payload: dict[str, Any]) -> str:
    cycle, item, file = _chosen(context, person, payload)
    own = int(payload["member"]) == person.user_id
    fields = (
        []
        if own
        else [text_field("reason", texts.LABEL_REMOVAL_REASON, texts.EVIDENCE_REASON_PROMPT)]
    )
    await begin_form(
        context,
        person,
        "evidence_remove",
        fields,
        texts.evidence_remove_title(file.name, item_key(item)),
        cycle.id,
        _meta(payload),
    )
    return ""


async def evidence_replace(update, context, person: Person, payload: dict[str, Any]) -> str:
    cycle, item, file = _chosen(context, person, payload)
    if int(payload["member"]) != person.user_id:
        return texts.BUTTON_FOREIGN
    prompt = texts.EVIDENCE_REPLACEMENT_PROMPT.format(
        name=texts.esc(file.name), item=texts.esc(item_key(item))
    )
    await begin_form(
        context,
        person,
        "evidence_replace",
        [document_field("file", texts.LABEL_REPLACEMENT, prompt, "data")],
        texts.evidence_replace_title(file.name, item_key(item)),
        cycle.id,
        _meta(payload),
    )
    return ""


async def finish_evidence_remove(update, context, person: Person, session: dict[str, Any]):
    await _apply(update, context, person, session, None)


async def finish_evidence_replace(update, context, person: Person, session: dict[str, Any]):
    await _apply(update, context, person, session, FileRef.from_dict(session["values"]["file"]))


async def _apply(update, context, person: Person, session, replacement: FileRef | None) -> None:
    services = svc(context)
    cycle = cycle_of(context, session)
    meta = session["meta"]
    action = RemoveEvidence(
        meta["member"], meta["item"], meta["sha"], session["values"].get("reason", ""), replacement
    )
    remove_evidence_file(services, notices, person, cycle, action, update.update_id)
    await deliver(context, cycle.unit, cycle.year, cycle.triwulan)
