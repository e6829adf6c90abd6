"""What each role is told when the cycle moves: the next holder gets the task and its buttons."""

from __future__ import annotations

from telegram.ext import ContextTypes

from domain.dates_id import format_datetime_id
from domain.models import Cycle
from domain.roles import Role
from domain.roster import Person, Unit
from handlers import texts
from handlers.common import send_file, send_text, svc
from handlers.reports import (
    build_disposition_sheet,
    build_report,
    disposition_filename,
    report_filename,
)
from handlers.texts import esc, tw
from handlers.views import missing_text


def _when(context, unit: Unit, dt) -> str:
    return format_datetime_id(dt, svc(context).calendar(unit).tz)


def _group(cycle: Cycle, what: str) -> str:
    return f"{cycle.id}:{what}:{cycle.rev}"


async def disposition_received(
    context: ContextTypes.DEFAULT_TYPE, cycle: Cycle, unit: Unit, sender: Person
) -> None:
    """The next holder of the chain gets the disposition sheet, the documents and a button."""
    services = svc(context)
    d = cycle.dispositions[-1]
    recipient = unit.one(Role(d.to_role))
    sheet = await build_disposition_sheet(services, cycle, unit)
    await send_file(
        context,
        recipient.user_id,
        sheet,
        disposition_filename(cycle),
        caption=f"Lembar Disposisi — {tw(cycle.triwulan, cycle.year)}",
    )
    for doc in cycle.documents:
        await send_file(context, recipient.user_id, services.db.blobs.get(doc.sha256), doc.name)
    step = services.sop.step(cycle.step)
    if step.number == 2:
        button = (
            texts.BTN_FORWARD,
            {"action": "forward_begin", "cycle": cycle.id, "group": _group(cycle, "forward")},
        )
    else:
        button = (
            texts.BTN_DIVIDE,
            {"action": "divide_begin", "cycle": cycle.id, "group": _group(cycle, "divide")},
        )
    text = (
        f"<b>Disposisi {tw(cycle.triwulan, cycle.year)}</b>\n"
        f"Dari: {esc(sender.name)} ({esc(sender.position)})\n"
        f"Kepada: {recipient.role.label}\n"
        f"Catatan: {esc(d.note)}\n\n"
        f"Tugas Anda (tahap {step.number}): {esc(step.activity)}.\n"
        f"Batas waktu: {_when(context, unit, d.deadline)} ({step.allowed_time.label}).\n"
        f"Lampiran: {esc(', '.join(doc.name for doc in cycle.documents))}."
    )
    await send_text(context, recipient.user_id, text, [[button]])


async def tasks_divided(context: ContextTypes.DEFAULT_TYPE, cycle: Cycle, unit: Unit) -> None:
    kasubbag = unit.one(Role.KASUBBAG)
    for a in cycle.assignments:
        items = "\n".join(f"{i + 1}. {esc(item.title)}" for i, item in enumerate(a.items))
        text = (
            f"<b>Pembagian Tugas — {tw(cycle.triwulan, cycle.year)}</b>\n"
            f"Dari: {esc(kasubbag.name)} ({esc(kasubbag.position)})\n"
            f"Catatan: {esc(cycle.division_note)}\n\n"
            f"Data yang harus Anda kumpulkan:\n{items}\n\n"
            f"Batas waktu: {_when(context, unit, a.deadline)}.\n"
            "Kirimkan berkas data sebagai dokumen melalui obrolan ini (PDF, XLSX, DOCX, JPG, "
            "PNG atau CSV), lalu pilih butir data yang dipenuhi oleh berkas tersebut."
        )
        await send_text(context, a.member_id, text)


async def collection_complete(context, cycle: Cycle, unit: Unit) -> None:
    kasubbag = unit.one(Role.KASUBBAG)
    step = svc(context).sop.step(cycle.step)
    text = (
        f"<b>Seluruh data {tw(cycle.triwulan, cycle.year)} telah terkumpul.</b>\n"
        f"{missing_text(cycle, unit)}\n\n"
        f"Tugas Anda (tahap {step.number}): {esc(step.activity)}.\n"
        f"Batas waktu: {_when(context, unit, cycle.steps[-1].deadline)}.\n"
        "Tekan tombol di bawah ini untuk menyusun draf laporan dari data yang terkumpul."
    )
    await send_text(
        context,
        kasubbag.user_id,
        text,
        [
            [
                (
                    texts.BTN_BUILD_DRAFT,
                    {"action": "draft_build", "cycle": cycle.id, "group": _group(cycle, "draft")},
                )
            ]
        ],
    )


async def member_complete(context, cycle: Cycle, unit: Unit, member: Person) -> None:
    kasubbag = unit.one(Role.KASUBBAG)
    await send_text(
        context,
        kasubbag.user_id,
        f"{esc(member.name)} telah menyerahkan seluruh data yang ditugaskan untuk "
        f"{tw(cycle.triwulan, cycle.year)}.\n\nStatus pengumpulan:\n{missing_text(cycle, unit)}",
    )


async def report_submitted(context, cycle: Cycle, unit: Unit) -> None:
    """The Sekretaris gets the submitted draft with Paraf / Kembalikan."""
    services = svc(context)
    report = cycle.latest_report
    assert report is not None
    sekretaris = unit.one(Role.SEKRETARIS)
    step = services.sop.step(cycle.step)
    group = _group(cycle, "decide")
    args = {"cycle": cycle.id, "version": report.number, "group": group}
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)}</b> (versi {report.number}) "
        f"diajukan oleh Kasubbag untuk dikoreksi dan diparaf.\n"
        f"Batas waktu: {_when(context, unit, cycle.steps[-1].deadline)} "
        f"({step.standard_time.label})."
    )
    await send_file(
        context,
        sekretaris.user_id,
        services.db.blobs.get(report.sha256),
        report_filename(cycle, "draft"),
        caption,
        [
            [
                (texts.BTN_PARAF, {"action": "paraf", **args}),
                (texts.BTN_RETURN, {"action": "return_begin", "step": 6, **args}),
            ]
        ],
    )


async def report_initialled(context, cycle: Cycle, unit: Unit, by: Person) -> None:
    """After paraf: the initialled PDF goes to the Kasat with Tandatangani / Kembalikan."""
    services = svc(context)
    cycle, pdf = await build_report(services, cycle, unit, "paraf", by.user_id)
    report = cycle.latest_report
    assert report is not None
    kasat = unit.one(Role.KASAT)
    args = {"cycle": cycle.id, "version": report.number, "group": _group(cycle, "decide")}
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)}</b> telah dikoreksi dan "
        f"diparaf oleh {esc(by.name)} ({esc(by.position)}) pada "
        f"{_when(context, unit, cycle.latest_decision('paraf').at)}.\n"
        f"Mohon diperiksa dan ditandatangani. Batas waktu: "
        f"{_when(context, unit, cycle.steps[-1].deadline)}."
    )
    await send_file(
        context,
        kasat.user_id,
        pdf,
        report_filename(cycle, "paraf"),
        caption,
        [
            [
                (texts.BTN_SIGN, {"action": "sign_ask", **args}),
                (texts.BTN_RETURN, {"action": "return_begin", "step": 7, **args}),
            ]
        ],
    )
    await send_text(
        context,
        unit.one(Role.KASUBBAG).user_id,
        f"Laporan {tw(cycle.triwulan, cycle.year)} telah diparaf oleh {esc(by.name)} "
        "dan diteruskan kepada Kasat untuk ditandatangani.",
    )


async def report_returned(context, cycle: Cycle, unit: Unit, by: Person) -> None:
    decision = cycle.latest_decision("return")
    assert decision is not None
    kasubbag = unit.one(Role.KASUBBAG)
    text = (
        f"<b>Laporan {tw(cycle.triwulan, cycle.year)} dikembalikan untuk perbaikan</b> oleh "
        f"{esc(by.name)} ({by.role.label}) pada {_when(context, unit, decision.at)}.\n"
        f"Alasan: {esc(decision.reason)}\n\n"
        f"Mohon perbaiki lalu susun ulang draf laporan. Batas waktu: "
        f"{_when(context, unit, cycle.steps[-1].deadline)}."
    )
    await send_text(
        context,
        kasubbag.user_id,
        text,
        [
            [
                (
                    texts.BTN_REBUILD_DRAFT,
                    {"action": "draft_build", "cycle": cycle.id, "group": _group(cycle, "draft")},
                )
            ]
        ],
    )
    if by.role is Role.KASAT:
        await send_text(
            context,
            unit.one(Role.SEKRETARIS).user_id,
            f"Laporan {tw(cycle.triwulan, cycle.year)} dikembalikan oleh Kasat kepada Kasubbag "
            f"untuk perbaikan. Alasan: {esc(decision.reason)}",
        )


async def report_signed(context, cycle: Cycle, unit: Unit, by: Person) -> None:
    """The signed PDF goes to everyone in the unit; the quarter is filed."""
    services = svc(context)
    cycle, pdf = await build_report(services, cycle, unit, "signed", by.user_id)
    sign = cycle.latest_decision("sign")
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)} telah ditandatangani</b> "
        f"oleh {esc(by.name)} ({esc(by.position)}) pada {_when(context, unit, sign.at)} "
        "dan telah diarsipkan. Laporan dapat diunduh kembali melalui /arsip."
    )
    for person in unit.people:
        await send_file(context, person.user_id, pdf, report_filename(cycle, "signed"), caption)
