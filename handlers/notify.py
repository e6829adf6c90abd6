"""What each holder is owed when the cycle moves: the next holder gets the task and its buttons.

Who receives a message is read from the unit's SOP table (the holders of the cycle's open step,
the officials who acted on earlier steps); the buttons come from ``handlers.steps``. These
functions only fill an Outbox; the handler saves it with the new state, then delivers.
"""

from __future__ import annotations

from bot.services import Services
from domain.dates_id import format_datetime_id, roman_triwulan
from domain.models import Cycle
from domain.performance import format_number_id
from domain.reminders import holders_of
from domain.roster import Person, Unit
from domain.sop import ASSEMBLE, DIVIDE
from domain.targets_import import realisation_workbook
from handlers import texts
from handlers.outbox import Outbox
from handlers.reports import disposition_filename, report_filename
from handlers.steps import offer
from handlers.texts import esc, tw
from handlers.views import missing_text


def _when(services: Services, unit: Unit, dt) -> str:
    return format_datetime_id(dt, services.calendar(unit).tz)


def holders(services: Services, cycle: Cycle, unit: Unit) -> list[Person]:
    """The people who hold the cycle's open step, by the unit's SOP table."""
    step = services.sop_for(unit).step(cycle.step)
    return [p for p in (unit.person(u) for u in holders_of(cycle, step, unit)) if p]


def actor_of(cycle: Cycle, unit: Unit, step_number: int) -> Person | None:
    """Who finished a step of the cycle (the latest time it was done)."""
    done = [s for s in cycle.steps if s.step == step_number and s.finished_by]
    return unit.person(done[-1].finished_by) if done else None


def who(person: Person | None) -> str:
    return f"{esc(person.name)} ({person.role.label})" if person else "-"


def task(out: Outbox, cycle: Cycle, unit: Unit, text: str) -> None:
    """Each holder of the open step gets ``text`` with the step's buttons."""
    for person in holders(out.services, cycle, unit):
        out.text(person.user_id, text, offer(out.services, cycle, unit, person) or None)


def step_line(services: Services, cycle: Cycle, unit: Unit) -> str:
    step = services.sop_for(unit).step(cycle.step)
    deadline = _when(services, unit, cycle.steps[-1].deadline)
    return (
        f"Tugas Anda (tahap {step.number}): {esc(step.activity)}.\n"
        f"Batas waktu: {deadline} ({step.allowed_time.label})."
    )


def disposition_received(
    out: Outbox, cycle: Cycle, unit: Unit, sender: Person, sheet_sha: str
) -> None:
    """The next holder of the chain gets the disposition sheet, the documents and a button."""
    services = out.services
    d = cycle.dispositions[-1]
    for recipient in holders(services, cycle, unit):
        out.file(
            recipient.user_id,
            sheet_sha,
            disposition_filename(cycle),
            f"Lembar Disposisi — {tw(cycle.triwulan, cycle.year)}",
        )
        for doc in cycle.documents:
            out.file(recipient.user_id, doc.sha256, doc.name)
        text = (
            f"<b>Disposisi {tw(cycle.triwulan, cycle.year)}</b>\n"
            f"Dari: {esc(sender.name)} ({esc(sender.position)})\n"
            f"Kepada: {recipient.role.label}\n"
            f"Sifat: {esc(d.urgency.title())} · Instruksi: "
            f"{esc(', '.join(i.capitalize() for i in d.instructions))}\n"
            f"Catatan: {esc(d.note)}\n\n"
            f"{step_line(services, cycle, unit)}\n"
            f"Lampiran: {esc(', '.join(doc.name for doc in cycle.documents))}."
        )
        out.text(recipient.user_id, text, offer(services, cycle, unit, recipient) or None)


def _divider(out: Outbox, cycle: Cycle, unit: Unit) -> Person | None:
    return actor_of(cycle, unit, out.services.sop_for(unit).by_key(DIVIDE).number)


def tasks_divided(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    if cycle.indicators:
        indicators_divided(out, cycle, unit)
        return
    divider = _divider(out, cycle, unit)
    for a in cycle.assignments:
        items = "\n".join(f"{i + 1}. {esc(item.title)}" for i, item in enumerate(a.items))
        text = (
            f"<b>Pembagian Tugas — {tw(cycle.triwulan, cycle.year)}</b>\n"
            f"Dari: {who(divider)}\n"
            f"Catatan: {esc(cycle.division_note)}\n\n"
            f"Data yang harus Anda kumpulkan:\n{items}\n\n"
            f"Batas waktu: {_when(out.services, unit, a.deadline)}.\n"
            "Kirimkan berkas data sebagai dokumen melalui obrolan ini (PDF, XLSX, DOCX, JPG, "
            "PNG atau CSV), lalu pilih butir data yang dipenuhi oleh berkas tersebut."
        )
        out.text(a.member_id, text)


def indicators_divided(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    """Each member learns exactly which indicators are theirs, with the quarter's target, and
    gets the data workbook pre-filled with them."""
    divider = _divider(out, cycle, unit)
    by_code = {i.code: i for i in cycle.indicators}
    roman = roman_triwulan(cycle.triwulan)
    for a in cycle.assignments:
        mine = [by_code[item.code] for item in a.items if item.code in by_code]
        lines = []
        for n, ind in enumerate(mine, start=1):
            target = format_number_id(ind.target_for(cycle.triwulan))
            kind = f"kumulatif s.d. TW {roman}" if ind.cumulative else "per triwulan"
            lines.append(
                f"{n}. <b>{esc(ind.code)}</b> {esc(ind.indikator)} — target TW {roman}: "
                f"{esc(target)} {esc(ind.satuan)} ({kind}, {ind.direction_label.lower()})"
            )
        text = (
            f"<b>Pembagian Tugas — {tw(cycle.triwulan, cycle.year)}</b>\n"
            f"Dari: {who(divider)}\n"
            f"Catatan: {esc(cycle.division_note)}\n\n"
            "Indikator yang menjadi tugas Anda:\n" + "\n".join(lines) + "\n\n"
            f"Batas waktu: {_when(out.services, unit, a.deadline)}.\n"
            "Untuk setiap indikator laporkan nilai realisasi, kendala dan tindak lanjut "
            "(tombol <b>Isi</b> di bawah, atau isi lembar kerja terlampir lalu kirim kembali), "
            "serta kirimkan bukti dukung (PDF, XLSX, DOCX, JPG, PNG) sebagai dokumen."
        )
        workbook = realisation_workbook(mine, cycle.triwulan)
        member = unit.person(a.member_id)
        name = (member.name.split(",")[0] if member else str(a.member_id)).replace(" ", "_")
        out.file(
            a.member_id,
            out.services.db.blobs.put(workbook),
            f"Realisasi_TW-{roman}_{cycle.year}_{name}.xlsx",
        )
        if member is not None:
            out.text(a.member_id, text, offer(out.services, cycle, unit, member) or None)


def _assembler_ids(out: Outbox, unit: Unit) -> list[int]:
    """The people of the role that makes the report (they follow the collection)."""
    role = out.services.sop_for(unit).role_of(ASSEMBLE)
    return [p.user_id for p in unit.with_role(role)]


def collection_complete(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    text = (
        f"<b>Seluruh data {tw(cycle.triwulan, cycle.year)} telah terkumpul.</b>\n"
        f"{missing_text(cycle, unit)}\n\n"
        f"{step_line(out.services, cycle, unit)}\n"
        "Tekan tombol di bawah ini untuk menyusun draf laporan dari data yang terkumpul."
    )
    task(out, cycle, unit, text)


def member_complete(out: Outbox, cycle: Cycle, unit: Unit, member: Person) -> None:
    for user_id in _assembler_ids(out, unit):
        out.text(
            user_id,
            f"{esc(member.name)} telah menyerahkan seluruh data yang ditugaskan untuk "
            f"{tw(cycle.triwulan, cycle.year)}.\n\nStatus pengumpulan:\n"
            f"{missing_text(cycle, unit)}",
        )


def _report_to_holders(out: Outbox, cycle: Cycle, unit: Unit, status: str, caption: str):
    """The report's PDF goes to each holder of the open step with that step's buttons."""
    report = cycle.latest_report
    assert report is not None
    for person in holders(out.services, cycle, unit):
        out.file(
            person.user_id,
            report.sha256,
            report_filename(cycle, status),
            caption,
            offer(out.services, cycle, unit, person) or None,
        )


def report_submitted(out: Outbox, cycle: Cycle, unit: Unit, by: Person) -> None:
    """The holder of the paraf step gets the submitted draft with Paraf / Kembalikan."""
    report = cycle.latest_report
    assert report is not None
    step = out.services.sop_for(unit).step(cycle.step)
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)}</b> (versi {report.number}) "
        f"diajukan oleh {by.role.label} untuk dikoreksi dan diparaf.\n"
        f"Batas waktu: {_when(out.services, unit, cycle.steps[-1].deadline)} "
        f"({step.standard_time.label})."
    )
    _report_to_holders(out, cycle, unit, "draft", caption)


def report_initialled(out: Outbox, cycle: Cycle, unit: Unit, by: Person) -> None:
    """After paraf: the initialled PDF goes to the signer with Tandatangani / Kembalikan, and
    the maker of the report learns it moved on."""
    paraf = cycle.latest_decision("paraf")
    assert paraf is not None
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)}</b> telah dikoreksi dan "
        f"diparaf oleh {esc(by.name)} ({esc(by.position)}) pada "
        f"{_when(out.services, unit, paraf.at)}.\n"
        f"Mohon diperiksa dan ditandatangani. Batas waktu: "
        f"{_when(out.services, unit, cycle.steps[-1].deadline)}."
    )
    _report_to_holders(out, cycle, unit, "paraf", caption)
    signers = holders(out.services, cycle, unit)
    for user_id in _assembler_ids(out, unit):
        if user_id != by.user_id:
            out.text(
                user_id,
                f"Laporan {tw(cycle.triwulan, cycle.year)} telah diparaf oleh {esc(by.name)} "
                "dan diteruskan kepada " + ", ".join(who(p) for p in signers) + " untuk "
                "ditandatangani.",
            )


def report_returned(out: Outbox, cycle: Cycle, unit: Unit, by: Person) -> None:
    """The maker of the report gets the reason and the way on; whoever had already
    initialled the returned version is told too."""
    decision = cycle.latest_decision("return")
    assert decision is not None
    text = (
        f"<b>Laporan {tw(cycle.triwulan, cycle.year)} dikembalikan untuk perbaikan</b> oleh "
        f"{esc(by.name)} ({by.role.label}) pada {_when(out.services, unit, decision.at)}.\n"
        f"Alasan: {esc(decision.reason)}\n\n"
        + (
            f"Indikator yang perlu diperbaiki:\n{texts.marks_text(decision.marks)}\n"
            "Kirimkan indikator tersebut kepada pelaksananya dengan satu tombol, atau perbaiki "
            "sendiri lalu susun ulang draf laporan.\n\n"
            if decision.marks
            else ""
        )
        + "Mohon perbaiki lalu susun ulang draf laporan. Batas waktu: "
        f"{_when(out.services, unit, cycle.steps[-1].deadline)}."
    )
    task(out, cycle, unit, text)
    told = {p.user_id for p in holders(out.services, cycle, unit)} | {by.user_id}
    paraf = cycle.latest_decision("paraf")
    if paraf is not None and paraf.report_version == decision.report_version:
        if paraf.by not in told:
            out.text(
                paraf.by,
                f"Laporan {tw(cycle.triwulan, cycle.year)} yang telah Anda paraf dikembalikan "
                f"oleh {who(by)} untuk perbaikan. Alasan: {esc(decision.reason)}",
            )


def report_signed(out: Outbox, cycle: Cycle, unit: Unit, by: Person) -> None:
    """The signed PDF goes to everyone in the unit; the quarter is filed."""
    report = cycle.latest_report
    sign = cycle.latest_decision("sign")
    assert report is not None and sign is not None
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)} telah ditandatangani</b> "
        f"oleh {esc(by.name)} ({esc(by.position)}) pada {_when(out.services, unit, sign.at)} "
        "dan telah diarsipkan. Laporan dapat diunduh kembali melalui /arsip."
    )
    for person in unit.people:
        out.file(person.user_id, report.sha256, report_filename(cycle, "signed"), caption)
