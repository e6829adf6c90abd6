"""What each role is owed when the cycle moves: the next holder gets the task and its buttons.

These functions only fill an Outbox; the handler saves it with the new state, then delivers.
"""

from __future__ import annotations

from bot.services import Services
from domain.dates_id import format_datetime_id, roman_triwulan
from domain.models import Cycle
from domain.performance import format_number_id
from domain.roles import Role
from domain.roster import Person, Unit
from domain.targets_import import realisation_workbook
from handlers import texts
from handlers.outbox import Outbox
from handlers.reports import disposition_filename, report_filename
from handlers.texts import esc, tw
from handlers.views import missing_text


def _when(services: Services, unit: Unit, dt) -> str:
    return format_datetime_id(dt, services.calendar(unit).tz)


def _group(cycle: Cycle, what: str) -> str:
    return f"{cycle.id}:{what}:{cycle.rev}"


def disposition_received(
    out: Outbox, cycle: Cycle, unit: Unit, sender: Person, sheet_sha: str
) -> None:
    """The next holder of the chain gets the disposition sheet, the documents and a button."""
    services = out.services
    d = cycle.dispositions[-1]
    recipient = unit.one(Role(d.to_role))
    out.file(
        recipient.user_id,
        sheet_sha,
        disposition_filename(cycle),
        f"Lembar Disposisi — {tw(cycle.triwulan, cycle.year)}",
    )
    for doc in cycle.documents:
        out.file(recipient.user_id, doc.sha256, doc.name)
    step = services.sop.step(cycle.step)
    action, label = (
        ("forward_begin", texts.BTN_FORWARD)
        if step.number == 2
        else ("divide_begin", texts.BTN_DIVIDE)
    )
    button = (label, {"action": action, "cycle": cycle.id, "group": _group(cycle, action)})
    text = (
        f"<b>Disposisi {tw(cycle.triwulan, cycle.year)}</b>\n"
        f"Dari: {esc(sender.name)} ({esc(sender.position)})\n"
        f"Kepada: {recipient.role.label}\n"
        f"Sifat: {esc(d.urgency.title())} · Instruksi: "
        f"{esc(', '.join(i.capitalize() for i in d.instructions))}\n"
        f"Catatan: {esc(d.note)}\n\n"
        f"Tugas Anda (tahap {step.number}): {esc(step.activity)}.\n"
        f"Batas waktu: {_when(services, unit, d.deadline)} ({step.allowed_time.label}).\n"
        f"Lampiran: {esc(', '.join(doc.name for doc in cycle.documents))}."
    )
    out.text(recipient.user_id, text, [[button]])


def tasks_divided(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    if cycle.indicators:
        indicators_divided(out, cycle, unit)
        return
    kasubbag = unit.one(Role.KASUBBAG)
    for a in cycle.assignments:
        items = "\n".join(f"{i + 1}. {esc(item.title)}" for i, item in enumerate(a.items))
        text = (
            f"<b>Pembagian Tugas — {tw(cycle.triwulan, cycle.year)}</b>\n"
            f"Dari: {esc(kasubbag.name)} ({esc(kasubbag.position)})\n"
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
    kasubbag = unit.one(Role.KASUBBAG)
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
            f"Dari: {esc(kasubbag.name)} ({esc(kasubbag.position)})\n"
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
        out.text(
            a.member_id,
            text,
            [
                [
                    (
                        f"Isi {ind.code}",
                        {"action": "realisation_begin", "cycle": cycle.id, "code": ind.code},
                    )
                ]
                for ind in mine
            ],
        )


def collection_complete(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    kasubbag = unit.one(Role.KASUBBAG)
    step = out.services.sop.step(cycle.step)
    text = (
        f"<b>Seluruh data {tw(cycle.triwulan, cycle.year)} telah terkumpul.</b>\n"
        f"{missing_text(cycle, unit)}\n\n"
        f"Tugas Anda (tahap {step.number}): {esc(step.activity)}.\n"
        f"Batas waktu: {_when(out.services, unit, cycle.steps[-1].deadline)}.\n"
        "Tekan tombol di bawah ini untuk menyusun draf laporan dari data yang terkumpul."
    )
    rows = [
        [
            (
                texts.BTN_BUILD_DRAFT,
                {"action": "draft_build", "cycle": cycle.id, "group": _group(cycle, "draft")},
            )
        ]
    ]
    if cycle.indicators:
        rows.append([(texts.BTN_NEEDS_FIX, {"action": "fix_begin", "cycle": cycle.id})])
    out.text(kasubbag.user_id, text, rows)


def member_complete(out: Outbox, cycle: Cycle, unit: Unit, member: Person) -> None:
    out.text(
        unit.one(Role.KASUBBAG).user_id,
        f"{esc(member.name)} telah menyerahkan seluruh data yang ditugaskan untuk "
        f"{tw(cycle.triwulan, cycle.year)}.\n\nStatus pengumpulan:\n{missing_text(cycle, unit)}",
    )


def report_submitted(out: Outbox, cycle: Cycle, unit: Unit) -> None:
    """The Sekretaris gets the submitted draft with Paraf / Kembalikan."""
    report = cycle.latest_report
    assert report is not None
    step = out.services.sop.step(cycle.step)
    args = {"cycle": cycle.id, "version": report.number, "group": _group(cycle, "decide")}
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)}</b> (versi {report.number}) "
        f"diajukan oleh Kasubbag untuk dikoreksi dan diparaf.\n"
        f"Batas waktu: {_when(out.services, unit, cycle.steps[-1].deadline)} "
        f"({step.standard_time.label})."
    )
    out.file(
        unit.one(Role.SEKRETARIS).user_id,
        report.sha256,
        report_filename(cycle, "draft"),
        caption,
        [
            [
                (texts.BTN_PARAF, {"action": "paraf", **args}),
                (texts.BTN_RETURN, {"action": "return_begin", "step": 6, **args}),
            ]
        ],
    )


def report_initialled(out: Outbox, cycle: Cycle, unit: Unit, by: Person) -> None:
    """After paraf: the initialled PDF goes to the Kasat with Tandatangani / Kembalikan."""
    report = cycle.latest_report
    paraf = cycle.latest_decision("paraf")
    assert report is not None and paraf is not None
    args = {"cycle": cycle.id, "version": report.number, "group": _group(cycle, "decide")}
    caption = (
        f"<b>Laporan data kinerja {tw(cycle.triwulan, cycle.year)}</b> telah dikoreksi dan "
        f"diparaf oleh {esc(by.name)} ({esc(by.position)}) pada "
        f"{_when(out.services, unit, paraf.at)}.\n"
        f"Mohon diperiksa dan ditandatangani. Batas waktu: "
        f"{_when(out.services, unit, cycle.steps[-1].deadline)}."
    )
    out.file(
        unit.one(Role.KASAT).user_id,
        report.sha256,
        report_filename(cycle, "paraf"),
        caption,
        [
            [
                (texts.BTN_SIGN, {"action": "sign_ask", **args}),
                (texts.BTN_RETURN, {"action": "return_begin", "step": 7, **args}),
            ]
        ],
    )
    out.text(
        unit.one(Role.KASUBBAG).user_id,
        f"Laporan {tw(cycle.triwulan, cycle.year)} telah diparaf oleh {esc(by.name)} "
        "dan diteruskan kepada Kasat untuk ditandatangani.",
    )


def report_returned(out: Outbox, cycle: Cycle, unit: Unit, by: Person) -> None:
    decision = cycle.latest_decision("return")
    assert decision is not None
    text = (
        f"<b>Laporan {tw(cycle.triwulan, cycle.year)} dikembalikan untuk perbaikan</b> oleh "
        f"{esc(by.name)} ({by.role.label}) pada {_when(out.services, unit, decision.at)}.\n"
        f"Alasan: {esc(decision.reason)}\n\n"
        f"Mohon perbaiki lalu susun ulang draf laporan. Batas waktu: "
        f"{_when(out.services, unit, cycle.steps[-1].deadline)}."
    )
    out.text(
        unit.one(Role.KASUBBAG).user_id,
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
        out.text(
            unit.one(Role.SEKRETARIS).user_id,
            f"Laporan {tw(cycle.triwulan, cycle.year)} dikembalikan oleh Kasat kepada Kasubbag "
            f"untuk perbaikan. Alasan: {esc(decision.reason)}",
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
