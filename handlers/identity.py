"""/identitas: the unit administrator sets the unit's kop (government, name, contacts, logo).

Each change is one short form (type the value, or send the logo), checked by
``domain.identity``, stored over the roster and applied at once: the next document rendered
carries it. Every change is audited.
"""

from __future__ import annotations

from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from domain.errors import RoleError
from domain.identity import FIELDS, TEXT_FIELDS, parse_field, shown_value, stored_value
from domain.roster import Person, Unit
from handlers import texts
from handlers.common import audit_refusal, drop_buttons, send_text, svc, unit_of
from handlers.files import LOGO_KIND
from handlers.forms import (
    begin_form,
    document_field,
    text_field,
)

FORM = "identity"


def _admin_unit(context, person: Person) -> Unit:
    unit = unit_of(svc(context), person)
    if not unit.is_admin(person):
        admins = ", ".join(p.name for p in unit.administrators)
        raise RoleError(texts.IDENTITY_NOT_ADMIN.format(admins=admins))
    return unit


def _menu(unit: Unit) -> tuple[str, list[list[tuple[str, dict[str, Any]]]]]:
    shown = {name: shown_value(unit, name) for name in FIELDS}
    buttons = [
        (texts.IDENTITY_LABELS[name], {"action": "identity_edit", "field": name}) for name in FIELDS
    ]
    rows = [buttons[i : i + 2] for i in range(0, len(buttons), 2)]
    if unit.logo is not None:
        rows.append([(texts.BTN_IDENTITY_REMOVE_LOGO, {"action": "identity_remove_logo"})])
    return texts.identity_summary(unit, shown), rows


async def cmd_identitas(update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
    try:
        unit = _admin_unit(context, person)
    except RoleError as exc:
        audit_refusal(context, update, person, "identitas", str(exc))
        await send_text(context, person.user_id, texts.esc(exc))
        return
    text, rows = _menu(unit)
    await send_text(context, person.user_id, text, rows)


async def on_edit(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    _admin_unit(context, person)
    name = payload["field"]
    if name not in FIELDS:
        return texts.BUTTON_UNKNOWN
    label, prompt = texts.IDENTITY_LABELS[name], texts.IDENTITY_PROMPTS[name]
    if name == LOGO_KIND:
        field = document_field("value", label, prompt, LOGO_KIND)
    else:
        field = text_field("value", label, prompt)
    field["validate"] = f"identity_{name}"
    await drop_buttons(update)
    await begin_form(context, person, FORM, [field], texts.IDENTITY_TITLE, meta={"field": name})
    return ""


async def on_remove_logo(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    unit = _admin_unit(context, person)
    await drop_buttons(update)
    _change(update, context, person, unit, "logo", None)
    await send_text(context, person.user_id, texts.IDENTITY_LOGO_REMOVED)
    return ""


def _text_validator(name: str):
    def validate(text: str) -> tuple[Any, str]:
        value = parse_field(name, text)
        return stored_value(name, value), text if value else "-"

    return validate


#: The fields' checks by the name a form field gives (named in handlers/routes.py).
TEXT_CHECKS = {f"identity_{name}": _text_validator(name) for name in TEXT_FIELDS}


def check_logo_upload(services, person: Person, session: dict[str, Any], ref):
    return {"sha256": ref.sha256, "mime": ref.mime}, ref.name


def _change(update: Update, context, person: Person, unit: Unit, name: str, value: Any) -> Unit:
    services = svc(context)
    changed = services.set_identity(unit.code, name, value)
    services.audit.append(
        unit.code,
        services.now().year,
        {
            "at": services.now(),
            "actor": person.user_id,
            "role": person.role.value,
            "action": "identitas",
            "detail": {"field": name, "value": value},
            "update_id": update.update_id,
        },
    )
    return changed


async def finish_identity(update: Update, context, person: Person, session: dict[str, Any]):
    unit = _admin_unit(context, person)  # the right may have moved since the form began
    name = session["meta"]["field"]
    changed = _change(update, context, person, unit, name, session["values"]["value"])
    await send_text(
        context, person.user_id, texts.IDENTITY_CHANGED.format(label=texts.IDENTITY_LABELS[name])
    )
    text, rows = _menu(changed)
    await send_text(context, person.user_id, text, rows)
