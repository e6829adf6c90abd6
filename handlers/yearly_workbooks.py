"""A workbook kept as the year's data (the targets, the budget), one flow for each kind.

The command lists the years it concerns with what is stored; buttons send the empty template
and the stored copy; the editor's upload is a one-field form whose file is checked as soon as
it arrives (every problem with its row and column, so a corrected file can follow at once)
and shown back as read; Kirim stores it, and a replacement is written to the audit log.
``handlers/targets.py`` and ``handlers/budget.py`` declare what differs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from app.services import Services
from domain.models import FileRef
from domain.roster import Person
from handlers import texts
from handlers.common import audit_refusal, send_text, svc, unit_of
from handlers.forms import begin_form, document_field

Rows = list[list[tuple[str, dict[str, Any]]]]


@dataclass(frozen=True)
class YearlyWorkbook:
    name: str  # the buttons' action prefix ("target": target_template, target_upload …)
    form: str  # the upload form, its field and its validator
    audit_name: str  # the audit action: unggah_<audit_name> / ganti_<audit_name>
    file_field: str
    file_label: str
    years: Callable[[int], tuple[int, ...]]  # the years the command shows, from this year
    stored: Callable[[Services], Any]  # the repository: get(unit, year), save(value)
    may_view: Callable[[Services, Person], bool]
    may_edit: Callable[[Services, Person], bool]
    not_for_you: Callable[[Services, Person], str]
    template: Callable[[], bytes]
    template_file: str
    template_caption: str
    workbook: Callable[[Any], bytes]  # the stored value written back as a workbook
    workbook_file: Callable[[int], str]
    workbook_caption: Callable[[int], str]
    summary: Callable[[Any], str]
    missing: Callable[[int], str]
    btn_download: Callable[[int], str]
    btn_upload: Callable[[int], str]
    # Why an upload cannot start for that year (None: it can), and what the form asks.
    blocked: Callable[[Services, Person, int], str | None]
    ask: Callable[[Services, Person, int], str]
    title: Callable[[int], str]
    # The file read: the value to store (with the file's name and hash) and how it reads back.
    parse: Callable[[Services, Person, int, FileRef], tuple[Any, str]]
    load: Callable[[dict[str, Any]], Any]
    counts: Callable[[Services, Person, Any], dict[str, Any]]  # for the audit entry
    saved: Callable[[int, bool, str], str]

    async def command(self, update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person):
        services = svc(context)
        if not self.may_view(services, person):
            refusal = self.not_for_you(services, person)
            audit_refusal(context, update, person, self.audit_name, refusal)
            await send_text(context, person.user_id, refusal)
            return
        unit = unit_of(services, person)
        this_year = services.calendar(unit).to_local(services.now()).year
        rows: Rows = [[(texts.BTN_TEMPLATE, {"action": f"{self.name}_template"})]]
        parts = []
        for year in self.years(this_year):
            value = self.stored(services).get(unit.code, year)
            if value:
                parts.append(self.summary(value))
                download = {"action": f"{self.name}_download", "year": year}
                rows.append([(self.btn_download(year), download)])
            else:
                parts.append(self.missing(year))
            if self.may_edit(services, person):
                upload = {"action": f"{self.name}_upload", "year": year}
                rows.append([(self.btn_upload(year), upload)])
        await send_text(context, person.user_id, "\n\n".join(parts), rows)

    async def send_template(self, update, context, person: Person, payload: dict[str, Any]) -> str:
        await context.bot.send_document(
            person.user_id,
            document=self.template(),
            filename=self.template_file,
            caption=self.template_caption,
        )
        return ""

    async def send_stored(self, update, context, person: Person, payload: dict[str, Any]) -> str:
        year = int(payload["year"])
        value = self.stored(svc(context)).get(person.unit, year)
        if value is None:
            return texts.BUTTON_STALE
        await context.bot.send_document(
            person.user_id,
            document=self.workbook(value),
            filename=self.workbook_file(year),
            caption=self.workbook_caption(year),
        )
        return ""

    async def begin_upload(self, update, context, person: Person, payload: dict[str, Any]) -> str:
        services = svc(context)
        if not self.may_edit(services, person):
            return self.not_for_you(services, person)
        year = int(payload["year"])
        blocked = self.blocked(services, person, year)
        if blocked:
            return blocked
        field = document_field(
            self.form, self.file_label, self.ask(services, person, year), self.file_field
        )
        field["validate"] = self.form
        await begin_form(context, person, self.form, [field], self.title(year), meta={"year": year})
        return ""

    def check_upload(self, services: Services, person: Person, session: dict[str, Any], ref):
        """Read the file as soon as it arrives, so the user can send a corrected one."""
        value, display = self.parse(services, person, int(session["meta"]["year"]), ref)
        return value.to_dict(), display

    async def finish_upload(self, update, context, person: Person, session: dict[str, Any]) -> None:
        services = svc(context)
        value = self.load(session["values"][self.form])
        previous = self.stored(services).get(person.unit, value.year)
        counts = self.counts(services, person, value)
        self.stored(services).save(value)
        _audit(context, update, person, value.year, self.audit_name, value, previous, counts)
        text = self.saved(value.year, bool(previous), self.summary(value))
        await send_text(context, person.user_id, text)


def _audit(
    context: ContextTypes.DEFAULT_TYPE,
    update: Update,
    person: Person,
    year: int,
    action: str,
    workbook: Any,
    previous: Any,
    counts: dict[str, Any],
) -> None:
    """A year's workbook (targets, budget) stored: who sent which file, and what it replaced."""
    services = svc(context)
    services.audit.append(
        person.unit,
        year,
        {
            "at": services.now(),
            "actor": person.user_id,
            "role": person.role.value,
            "action": f"ganti_{action}" if previous else f"unggah_{action}",
            "update_id": update.update_id,
            "detail": {
                "berkas": workbook.source_name,
                "sha256": workbook.source_sha256,
                **counts,
                "sebelumnya": previous.source_sha256 if previous else None,
            },
        },
    )
