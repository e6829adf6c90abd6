"""Short multi-message input (a note, a reason, two documents) as a form kept in storage.

A form is a list of fields (text, choice or document) saved in the user's session, so a
restart in the middle of typing loses nothing. When every field is filled, the user sees a
summary and taps Kirim; only then does the form's finisher call the domain.
"""

from __future__ import annotations

import secrets
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.unit_of_work import ENDING_FORMS
from domain.errors import DomainError, InputError
from domain.performance import format_number_id, parse_number_id
from domain.roster import Person
from domain.text import neutralise_bidi
from domain.workflow import MAX_NOTE
from handlers import texts
from handlers.common import audit_refusal, drop_buttons, keyboard, send_text, svc
from handlers.files import is_photo, receive_document
from handlers.routing import routes_of
from handlers.tasks import after_abandon

# The finishers and the fields' checks are named in handlers/routes.py (``Routes``); a field
# names its check with ``field["validate"]``, a toggle its reader with ``toggle["implied"]``.


def text_field(name: str, label: str, prompt: str, optional: bool = False) -> dict[str, Any]:
    return {"name": name, "kind": "text", "label": label, "prompt": prompt, "optional": optional}


def number_field(name: str, label: str, prompt: str) -> dict[str, Any]:
    """A number typed Indonesian-style ("97,5", "1.250", "85%")."""
    return {"name": name, "kind": "number", "label": label, "prompt": prompt}


def choice_field(
    name: str, label: str, prompt: str, options: list[tuple[str, str]], per_row: int = 0
):
    """Buttons to choose one option from; ``per_row`` (0: all on one row) wraps long lists."""
    return {
        "name": name,
        "kind": "choice",
        "label": label,
        "prompt": prompt,
        "options": [list(o) for o in options],
        "per_row": per_row,
    }


def document_field(name: str, label: str, prompt: str, doc_kind: str) -> dict[str, Any]:
    return {
        "name": name,
        "kind": "document",
        "label": label,
        "prompt": prompt,
        "doc_kind": doc_kind,
    }


async def begin_form(
    context: ContextTypes.DEFAULT_TYPE,
    person: Person,
    form: str,
    fields: list[dict[str, Any]],
    title: str,
    cycle: str | None = None,
    meta: dict[str, Any] | None = None,
    toggles: list[dict[str, Any]] | None = None,
    filled: dict[str, tuple[Any, str]] | None = None,
) -> None:
    """Start a form; ``filled`` (name -> (value, display)) gives the leading fields already
    read from somewhere else (a workbook), shown on the confirmation before anything is
    saved."""
    session: dict[str, Any] = {
        "form": form,
        "form_id": secrets.token_hex(4),
        "title": title,
        "cycle": cycle,
        "fields": fields,
        "index": 0,
        "values": {},
        "display": {},
        "meta": meta or {},
        "toggles": toggles or [],
    }
    for toggle in toggles or []:
        session["values"][toggle["name"]] = toggle["default"]
    for name, (value, display) in (filled or {}).items():
        session["values"][name] = value
        session["display"][name] = display
        session["index"] += 1
    services = svc(context)
    previous = services.sessions.get(person.user_id)
    if previous is not None:  # a new form replaces a half-filled one
        services.callbacks.revoke_group(previous["form_id"])
    services.sessions.put(person.user_id, session)
    await ask(context, person, session)


def _toggle_display(toggle: dict[str, Any], value: Any) -> str:
    labels = {v: label for label, v in toggle["options"]}
    chosen = value if toggle.get("multi") else [value]
    return ", ".join(labels[v] for v in chosen if v in labels) or "-"


def _toggle_value(context, session: dict[str, Any], toggle: dict[str, Any]) -> Any:
    """The toggle's value as shown: what was tapped, with what the typed text implies."""
    value = session["values"][toggle["name"]]
    reader = routes_of(context).implied_toggles.get(toggle.get("implied", ""))
    if reader is None or not toggle.get("multi"):
        return value
    options = [v for _, v in toggle["options"]]
    implied = set(reader(session["values"], options))
    return [v for v in options if v in value or v in implied]


def summary(context, session: dict[str, Any]) -> tuple[str, list[list[tuple[str, dict[str, Any]]]]]:
    """The confirmation message: every answer, the toggles (e.g. sifat and instruksi of a
    disposition, changed by tapping), and Kirim / Batal."""
    fid = session["form_id"]
    lines = [f"<b>{texts.esc(session['title'])}</b>", texts.FORM_CHECK]
    for field in session["fields"]:
        lines.append(texts.field_done(field["label"], session["display"].get(field["name"], "-")))
    rows: list[list[tuple[str, dict[str, Any]]]] = []
    for toggle in session.get("toggles", []):
        value = _toggle_value(context, session, toggle)
        lines.append(texts.field_done(toggle["label"], _toggle_display(toggle, value)))
        buttons = []
        for label, option in toggle["options"]:
            on = option in value if toggle.get("multi") else option == value
            mark = ("☑ " if on else "☐ ") if toggle.get("multi") else ("● " if on else "")
            buttons.append(
                (
                    mark + label,
                    {
                        "action": "form_toggle",
                        "form_id": fid,
                        "name": toggle["name"],
                        "value": option,
                        "group": fid,
                    },
                )
            )
        per_row = 2 if toggle.get("multi") else 4
        rows.extend(buttons[i : i + per_row] for i in range(0, len(buttons), per_row))
    if session.get("toggles"):
        lines.append(texts.FORM_TOGGLE_HINT)
    lines.append(texts.FORM_CONFIRM_HINT)
    rows.append(
        [
            (texts.BTN_SEND, {"action": "form_submit", "form_id": fid, "group": fid}),
            (texts.BTN_CANCEL, {"action": "form_cancel", "form_id": fid, "group": fid}),
        ]
    )
    return "\n".join(lines), rows


async def ask(context: ContextTypes.DEFAULT_TYPE, person: Person, session: dict[str, Any]):
    fields = session["fields"]
    index = session["index"]
    fid = session["form_id"]
    if index >= len(fields):
        text, buttons = summary(context, session)
        await send_text(context, person.user_id, text, buttons)
        return
    field = fields[index]
    step = f"({index + 1}/{len(fields)}) "
    if field["kind"] == "choice":
        choices = [
            (label, {"action": "form_choice", "form_id": fid, "value": value, "group": fid})
            for label, value in field["options"]
        ]
        per_row = field.get("per_row") or len(choices) or 1
        buttons = [choices[i : i + per_row] for i in range(0, len(choices), per_row)]
        await send_text(context, person.user_id, step + field["prompt"], buttons)
    else:
        await send_text(context, person.user_id, step + field["prompt"])


async def _accept(context, person: Person, session: dict[str, Any], value: Any, display: str):
    field = session["fields"][session["index"]]
    session["values"][field["name"]] = value
    session["display"][field["name"]] = display
    session["index"] += 1
    services = svc(context)
    previous = services.sessions.get(person.user_id)
    if previous is not None:  # a new form replaces a half-filled one
        services.callbacks.revoke_group(previous["form_id"])
    services.sessions.put(person.user_id, session)
    await ask(context, person, session)


def current_field(session: dict[str, Any]) -> dict[str, Any] | None:
    if session["index"] < len(session["fields"]):
        return session["fields"][session["index"]]
    return None


async def _where_you_are(context, person: Person, session: dict[str, Any], why: str) -> None:
    """Input that does not fit: say what the open form waits for, name /batal, and offer the
    way on again (the summary with fresh Kirim/Batal, or the choice buttons)."""
    field = current_field(session)
    if field is None:
        title = texts.esc(session["title"])
        await send_text(context, person.user_id, texts.FORM_AWAITING_SEND.format(title=title))
        await ask(context, person, session)
        return
    await send_text(context, person.user_id, f"{why}\n{texts.FORM_OPEN_HINT}")
    if field["kind"] == "choice":
        await ask(context, person, session)


async def on_form_text(update: Update, context, person: Person, session: dict[str, Any]) -> None:
    field = current_field(session)
    text = neutralise_bidi(update.effective_message.text or "").strip()
    checks = routes_of(context)
    form_checks = checks.form_text_checks
    session["update_id"] = update.update_id  # recorded with the answer (replay after a kill)
    if field is None:
        await _where_you_are(context, person, session, "")
    elif field["kind"] == "document":
        await _where_you_are(
            context, person, session, texts.EXPECT_DOCUMENT.format(label=field["label"])
        )
    elif field["kind"] == "number" and text:
        try:
            number = parse_number_id(text)
        except ValueError:
            number = None
        if number is None or number < 0:
            why = texts.EXPECT_NUMBER.format(text=texts.esc(text))
            await _where_you_are(context, person, session, why)
        else:
            await _accept(context, person, session, number, format_number_id(number))
    elif field["kind"] == "choice":
        await _where_you_are(context, person, session, texts.EXPECT_CHOICE)
    elif not text:
        await _where_you_are(context, person, session, texts.field_empty(field["label"]))
    elif len(text) > MAX_NOTE:
        await _where_you_are(
            context,
            person,
            session,
            texts.text_too_long(len(text), MAX_NOTE),
        )
    elif field.get("validate") in checks.text_checks or field.get("validate") in form_checks:
        try:
            if field["validate"] in form_checks:
                value, display = form_checks[field["validate"]](text, session["values"])
            else:
                value, display = checks.text_checks[field["validate"]](text)
        except InputError as exc:
            await send_text(context, person.user_id, texts.esc(exc))
            return
        await _accept(context, person, session, value, display)
    else:
        await _accept(context, person, session, text, text)


async def on_form_document(update: Update, context, person: Person, session: dict[str, Any]):
    field = current_field(session)
    session["update_id"] = update.update_id
    if field is None or field["kind"] != "document":
        why = texts.EXPECT_TEXT if field and field["kind"] == "text" else texts.EXPECT_CHOICE
        await _where_you_are(context, person, session, why)
        return
    if is_photo(update):
        await send_text(context, person.user_id, texts.PHOTO_QUALITY_NOTE)
    try:
        ref = await receive_document(update, context, person, kind=field["doc_kind"])
        value, display = ref.to_dict(), ref.name
        validator = routes_of(context).document_checks.get(field.get("validate", ""))
        if validator is not None:
            value, display = validator(svc(context), person, session, ref)
    except InputError as exc:
        await _where_you_are(context, person, session, texts.esc(exc))
        return
    await _accept(context, person, session, value, display)


async def on_form_button(update: Update, context, person: Person, payload: dict[str, Any]) -> str:
    """Choice, Kirim and Batal buttons; returns the short notice for the button press."""
    services = svc(context)
    session = services.sessions.get(person.user_id)
    if session is None or session["form_id"] != payload["form_id"]:
        await drop_buttons(update)
        return texts.BUTTON_STALE
    action = payload["action"]
    if action != "form_submit":
        services.callbacks.revoke_group(session["form_id"])
    if action == "form_cancel":
        services.sessions.clear(person.user_id)
        await drop_buttons(update)
        await _abandoned(context, person, session, texts.CANCELLED)
        return ""
    if action == "form_toggle":
        toggle = next((t for t in session.get("toggles", []) if t["name"] == payload["name"]), None)
        if toggle is None or current_field(session) is not None:
            return texts.BUTTON_STALE
        if toggle.get("multi"):
            chosen = list(session["values"][toggle["name"]])
            if payload["value"] in chosen:
                chosen.remove(payload["value"])
            else:
                chosen.append(payload["value"])
            session["values"][toggle["name"]] = [v for _, v in toggle["options"] if v in chosen]
        else:
            session["values"][toggle["name"]] = payload["value"]
        services.sessions.put(person.user_id, session)
        text, rows = summary(context, session)
        await update.callback_query.edit_message_text(
            text, reply_markup=keyboard(services, person.user_id, rows)
        )
        return ""
    if action == "form_choice":
        field = current_field(session)
        if field is None or field["kind"] != "choice":
            return texts.BUTTON_STALE
        labels = {value: label for label, value in field["options"]}
        if payload["value"] not in labels:
            return texts.BUTTON_UNKNOWN
        await drop_buttons(update)
        session["update_id"] = update.update_id
        await _accept(context, person, session, payload["value"], labels[payload["value"]])
        return ""
    if current_field(session) is not None:
        return texts.BUTTON_STALE
    return await _submit(update, context, person, session)


async def _submit(update: Update, context, person: Person, session: dict[str, Any]) -> str:
    """Kirim: the finisher's commit ends the form in the same write as its effect (see
    ``app.unit_of_work.end_form_with``); the buttons go only after that write, so a kill at any
    instant leaves the form either open with working buttons or ended with its effect saved."""
    services = svc(context)
    fid = session["form_id"]
    ENDING_FORMS[update.update_id] = (person.user_id, fid)
    try:
        await routes_of(context).finishers[session["form"]](update, context, person, session)
    except DomainError as exc:
        services.sessions.end(person.user_id, fid)
        services.callbacks.revoke_group(fid)
        await drop_buttons(update)
        audit_refusal(
            context, update, person, session["form"], str(exc), session.get("cycle") or ""
        )
        await _abandoned(context, person, session, texts.esc(exc))
        return ""
    finally:
        ENDING_FORMS.pop(update.update_id, None)
    # A finisher that changed nothing through a commit (a verification, a target upload)
    # ends its form here; after a commit this finds the form already ended.
    services.sessions.end(person.user_id, fid)
    services.callbacks.revoke_group(fid)
    await drop_buttons(update)
    return texts.FORM_SENT


async def _abandoned(context, person: Person, session: dict[str, Any], message: str) -> None:
    await after_abandon(context, person, session.get("cycle"), message)
