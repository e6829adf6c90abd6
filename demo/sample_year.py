"""A whole sample year, for `lkj-bot render-samples`: the four quarters of the sample unit run
through the real workflow to signed reports, then the annual LKj compiled, initialled and
signed from them. Everything goes through the domain and the real renderers; nothing is faked
but the clock."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from html import escape
from pathlib import Path
from zoneinfo import ZoneInfo

from documents.annual_context import annual_report_context
from documents.render import html_to_pdf, render_pdf
from documents.report_context import quarterly_report_context
from documents.workbooks import archival_attachment, quarter_export, year_export
from domain import annual
from domain.calendar import WorkCalendar
from domain.dates_id import roman_triwulan, triwulan_period
from domain.models import Cycle, FileRef
from domain.performance import format_number_id
from domain.roles import Role
from domain.roster import Unit
from domain.samples import (
    SAMPLE_YEAR,
    sample_budget,
    sample_indicators,
    sample_realisations,
    sample_targets_with_profile,
)
from domain.sop import Sop
from domain.verification import upcoming_report_number, verification_code
from domain.workflow import (
    Divide,
    Forward,
    MemberTask,
    Paraf,
    RealisationInput,
    ReportRealisation,
    Sign,
    StartCycle,
    SubmitReport,
    UploadData,
    WorkflowContext,
    apply,
    record_report,
    start_cycle,
)


def _monday_after(d: date) -> date:
    d += timedelta(days=7)
    return d - timedelta(days=d.weekday())


def _file(
    kind: str, name: str, by: int, at: datetime, seed: str, data: bytes | None = None
) -> FileRef:
    """The reference to an uploaded file: of ``data`` when given, else a named stand-in."""
    if data is not None:
        return FileRef(
            hashlib.sha256(data).hexdigest(), name, len(data), "application/pdf", by, at, kind
        )
    sha = hashlib.sha256(seed.encode()).hexdigest()
    return FileRef(sha, name, 48_000, "application/pdf", by, at, kind)


def planning_documents(unit: Unit, year: int) -> dict[str, bytes]:
    """The sample Perjanjian Kinerja and Rencana Aksi as PDF files (kind -> bytes), made
    from the sample targets: what the Kasat uploads, appended to the annual LKj's Lampiran."""
    indicators = sample_indicators()
    kasat = unit.one(Role.KASAT)

    def page(title: str, head: str, cells) -> bytes:
        rows = "".join(
            "<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in cells
        )
        html = (
            "<html><head><style>@page { size: A4; margin: 2cm } body { font-family: DejaVu "
            "Serif; font-size: 10pt } table { border-collapse: collapse; width: 100% } td, th "
            "{ border: 0.5pt solid #444; padding: 3pt; vertical-align: top } h2 { text-align: "
            "center }</style></head><body>"
            f"<h2>{escape(title)}<br>{escape(unit.name.upper())}<br>TAHUN {year}</h2>"
            f"<p>{escape(head)}</p><table>{rows}</table>"
            f"<p style='margin-top: 24pt'>{escape(unit.city)}, 2 Januari {year}</p>"
            f"<p>Pihak Pertama,<br><br><br>{escape(kasat.name)}</p></body></html>"
        )
        return html_to_pdf(html)

    targets = [("Sasaran Strategis", "Indikator Kinerja", "Target")] + [
        (i.sasaran, f"{i.code} {i.indikator}", f"{format_number_id(i.target_tahunan)} {i.satuan}")
        for i in indicators
    ]
    plan = [("Indikator", "TW I", "TW II", "TW III", "TW IV")] + [
        (i.code, *(format_number_id(t) if t is not None else "-" for t in i.targets))
        for i in indicators
    ]
    return {
        "perjanjian_kinerja": page(
            "PERJANJIAN KINERJA",
            f"Dalam rangka mewujudkan manajemen pemerintahan yang efektif, transparan dan "
            f"akuntabel, {kasat.name}, {kasat.position}, berjanji mewujudkan target kinerja "
            f"tahunan berikut sesuai lampiran perjanjian ini.",
            targets,
        ),
        "rencana_aksi": page(
            "RENCANA AKSI",
            "Target kinerja per triwulan (indikator kumulatif dihitung sejak awal tahun).",
            plan,
        ),
    }


#: The verification key of the sample documents (the demo's bot has its own): every initialled
#: and signed sample prints a verification code and QR code, as a real report does.
SAMPLE_KEY = hashlib.sha256(b"lkj-bot sample documents").digest()


@dataclass(frozen=True)
class Schedule:
    """When each step of a sample quarter happens: offsets from its start."""

    start: datetime | None = None  # None: 08.00 on the Monday a week after the quarter ends
    forward: timedelta = timedelta(minutes=10)
    divide: timedelta = timedelta(minutes=20)
    collect: timedelta = timedelta(days=1, hours=2, minutes=20)
    submit: timedelta = timedelta(days=1, hours=5, minutes=20)
    paraf: timedelta = timedelta(days=1, hours=6, minutes=20)
    sign: timedelta = timedelta(days=1, hours=7, minutes=20)


def filed_quarter(
    ctx: WorkflowContext,
    year: int,
    triwulan: int,
    render: bool,
    key: bytes = SAMPLE_KEY,
    *,
    schedule: Schedule = Schedule(),
    plan: Sequence[MemberTask] = (),
    planning: Mapping[str, bytes] | None = None,
) -> Cycle:
    """One quarter of the sample unit, from disposition to the signed, filed report: the one
    factory of a sample quarter (the demo's samples, the tests and the bench use it).

    ``plan``: who reports which indicator (default: the indicators dealt round the Tim Kerja);
    ``schedule``: when each step happens; ``planning``: the Perjanjian Kinerja and Rencana
    Aksi files (kind -> bytes; default named stand-ins); ``render``: the reports rendered for
    real (their hashes recorded), else only named."""
    unit, tz = ctx.unit, ZoneInfo(ctx.calendar.tz)
    kasat, sekretaris = unit.one(Role.KASAT), unit.one(Role.SEKRETARIS)
    kasubbag, team = unit.one(Role.KASUBBAG), unit.with_role(Role.TIM_KERJA)
    start = schedule.start or datetime.combine(
        _monday_after(triwulan_period(year, triwulan)[1]), time(8), tz
    )
    t = start
    files = planning or {}
    docs = (
        _file(
            "perjanjian_kinerja",
            f"Perjanjian_Kinerja_{year}.pdf",
            kasat.user_id,
            t,
            "pk",
            files.get("perjanjian_kinerja"),
        ),
        _file(
            "rencana_aksi",
            f"Rencana_Aksi_{year}.pdf",
            kasat.user_id,
            t,
            "ra",
            files.get("rencana_aksi"),
        ),
    )
    note = "Mohon disusun laporan data kinerja triwulan ini sesuai Perjanjian Kinerja."
    cycle = start_cycle(ctx, StartCycle(year, triwulan, docs, note), kasat, t, None).cycle
    t = start + schedule.forward
    cycle = apply(cycle, Forward("Segera bagi tugas kepada Tim Kerja."), sekretaris, t, ctx).cycle
    indicators = sample_indicators()
    if not plan:
        codes = [i.code for i in indicators]
        dealt = [tuple(codes[m :: len(team)]) for m in range(len(team))]
        plan = tuple(MemberTask(p.user_id, "", c) for p, c in zip(team, dealt, strict=True) if c)
    t = start + schedule.divide
    divide = Divide("Kumpulkan realisasi dan bukti dukung.", tuple(plan), indicators)
    cycle = apply(cycle, divide, kasubbag, t, ctx).cycle
    rows = {r.code: r for r in sample_realisations(triwulan, year)}
    t = start + schedule.collect
    for task in plan:
        member = unit.person(task.member_id)
        assert member is not None
        for index, code in enumerate(task.items):
            ref = _file(
                "data",
                f"Bukti_{code}_TW{triwulan}.pdf",
                member.user_id,
                t,
                f"{year}{triwulan}{code}",
            )
            cycle = apply(cycle, UploadData(index, ref), member, t, ctx).cycle
            r = rows[code]
            row = RealisationInput(code, r.value, r.kendala, r.tindak_lanjut)
            cycle = apply(cycle, ReportRealisation((row,), "workbook"), member, t, ctx).cycle
    t = start + schedule.submit
    cycle = _record(ctx, cycle, "draft", kasubbag.user_id, t, render, key)
    cycle = apply(cycle, SubmitReport(cycle.latest_report.number), kasubbag, t, ctx).cycle
    t = start + schedule.paraf
    cycle = apply(cycle, Paraf(cycle.latest_report.number), sekretaris, t, ctx).cycle
    cycle = _record(ctx, cycle, "paraf", sekretaris.user_id, t, render, key)
    t = start + schedule.sign
    cycle = apply(cycle, Sign(cycle.latest_report.number), kasat, t, ctx).cycle
    return _record(ctx, cycle, "signed", kasat.user_id, t, render, key)


_RENDERED: dict[str, bytes] = {}


def _record(
    ctx: WorkflowContext,
    cycle: Cycle,
    status: str,
    by: int,
    at: datetime,
    render: bool,
    key: bytes = SAMPLE_KEY,
) -> Cycle:
    """Render the report in ``status`` (or only name it) and record its hash on the cycle."""
    if render:
        code = None
        if status != "draft":
            code = verification_code(key, cycle.id, upcoming_report_number(cycle, status), status)
        context = quarterly_report_context(
            cycle, ctx.unit, ctx.calendar, status, at, sop=ctx.sop, verification_code=code
        )
        archival = None
        if status == "signed":
            budget = sample_budget(ctx.unit.code) if cycle.year == SAMPLE_YEAR else None
            workbook = quarter_export(cycle, ctx.unit.name, budget)
            archival = [archival_attachment(cycle.year, cycle.triwulan, workbook)]
        pdf = render_pdf("quarterly_report.html", context, archival=archival)
        sha = hashlib.sha256(pdf).hexdigest()
        _RENDERED[sha] = pdf
    else:
        sha = hashlib.sha256(f"{cycle.id} {status}".encode()).hexdigest()
    return record_report(cycle, status, sha, by, at)


#: What the members and the Kasubbag say at the year's close (code -> reason, step, the
#: year's numerator and denominator for a "Rasio Tahunan" indicator); the Kasubbag speaks
#: for an indicator marked "kasubbag".
SAMPLE_ANSWERS: dict[str, tuple[str, str, str, float | None, float | None]] = {
    "IKU-1": (
        "member",
        "Penertiban pedagang kaki lima di kawasan pusat kota belum diikuti relokasi yang siap "
        "ditempati, sehingga sebagian pedagang kembali berjualan dan kasus yang sama tercatat "
        "berulang; penegakan Perda reklame juga tertunda menunggu verifikasi perizinan.",
        "Relokasi bertahap bersama Dinas Koperasi dan UMKM serta kesepakatan jadwal verifikasi "
        "perizinan dengan DPMPTSP pada Triwulan I 2027.",
        None,
        None,
    ),
    "IKU-5": (
        "member",
        "Pengaduan yang masuk pada dua pekan terakhir Desember belum dapat ditindaklanjuti "
        "sebelum tutup tahun karena petugas dikerahkan untuk pengamanan Natal dan Tahun Baru.",
        "Piket khusus penanganan pengaduan pada masa pengamanan hari besar.",
        412.0,
        480.0,
    ),
    "IKU-6": (
        "member",
        "Dua unjuk rasa besar pada bulan Oktober dan kegiatan masyarakat berskala besar pada "
        "akhir tahun menambah jumlah gangguan di luar perkiraan Rencana Aksi.",
        "Pemetaan titik rawan bersama Polrestabes sebelum agenda besar dan penambahan pos "
        "pengamanan sementara.",
        None,
        None,
    ),
    "IKU-4": (
        "kasubbag",
        "Target terlampaui karena regu patroli malam ditambah sejak Triwulan II dan kendaraan "
        "operasional bidang lain dapat dipakai bergiliran.",
        "",
        None,
        None,
    ),
}


def sample_answers(unit: Unit, cycle: Cycle, at: datetime) -> list[annual.AnnualAnswer]:
    """The sample answers, each by the member who reported the indicator in ``cycle`` (or
    by the Kasubbag), as the year's close would record them."""
    holder = {item.code: a.member_id for a in cycle.assignments for item in a.items if item.code}
    kasubbag = unit.one(Role.KASUBBAG)
    out = []
    for code, (who, reason, action, numerator, denominator) in SAMPLE_ANSWERS.items():
        person = kasubbag if who == "kasubbag" else unit.person(holder[code])
        assert person is not None
        out.append(
            annual.AnnualAnswer(
                code=code,
                reason=reason,
                by=person.user_id,
                name=person.name,
                post=person.position,
                role=person.role.value,
                at=at,
                action=action,
                numerator=numerator,
                denominator=denominator,
            )
        )
    return out


def render_year(
    output: Path,
    unit: Unit,
    sop: Sop,
    calendar: WorkCalendar,
    year: int,
    key: bytes = SAMPLE_KEY,
):
    """Write the four signed quarterly reports and the annual LKj (draft, paraf, signed).

    The year before is filed too (not rendered), so the LKj compares with the bot's own record
    of last year; the year's budget realisation is the sample budget workbook.
    """
    ctx = WorkflowContext(sop=sop, calendar=calendar, unit=unit)
    previous = {year - 1: [filed_quarter(ctx, year - 1, n, render=False) for n in (1, 2, 3, 4)]}
    budget = sample_budget(unit.code) if year == SAMPLE_YEAR else None
    planning = planning_documents(unit, year)
    quarters = [
        filed_quarter(ctx, year, n, render=True, key=key, planning=planning) for n in (1, 2, 3, 4)
    ]
    # The planning files as the store holds them, by hash: appended to the LKj's Lampiran.
    reference_files = {hashlib.sha256(data).hexdigest(): data for data in planning.values()}
    written = []
    for cycle in quarters:
        path = output / f"Contoh_LKj_TW-{roman_triwulan(cycle.triwulan)}_{year}.pdf"
        path.write_bytes(_RENDERED[cycle.latest_report.sha256])
        written.append(path)
    kasubbag, sekretaris = unit.one(Role.KASUBBAG), unit.one(Role.SEKRETARIS)
    kasat = unit.one(Role.KASAT)
    t = datetime.combine(date(year + 1, 2, 2), time(9), ZoneInfo(calendar.tz))
    report: annual.AnnualReport | None = None
    # The members' and the Kasubbag's word at the year's close, recorded before the draft is
    # compiled (an answer recorded later makes the draft stale, as any change of its data).
    pending = annual.AnnualReport(unit=unit.code, year=year)
    for answer in sample_answers(unit, quarters[3], t):
        pending = annual.record_answer(pending, answer)
    for status in ("draft", "paraf", "signed"):
        if report is not None and report.latest_report is not None:
            number = report.latest_report.number
            if status == "paraf":
                report = annual.submit(report, number, kasubbag, t, sop)
                report = annual.paraf(report, number, sekretaris, t, sop)
            if status == "signed":
                report = annual.sign(report, number, kasat, t, sop)
        code = None
        if report is not None and report.latest_report is not None and status != "draft":
            code = verification_code(key, report.id, report.latest_report.number, status)
        context = annual_report_context(
            unit,
            year,
            quarters,
            calendar,
            status,
            t,
            report=report or pending,
            previous_years=previous,
            budget=budget,
            verification_code=code,
            targets=sample_targets_with_profile(unit.code) if year == SAMPLE_YEAR else None,
            reference_files=reference_files,
        )
        archival = None
        if status == "signed":
            workbook = year_export(quarters, unit.name, budget)
            archival = [archival_attachment(year, None, workbook)]
        pdf = render_pdf("annual_report.html", context, archival=archival)
        sha = hashlib.sha256(pdf).hexdigest()
        if status == "draft":
            report = annual.compile_draft(pending, unit.code, year, quarters, sha, kasubbag, t, sop)
        else:
            assert report is not None
            report = annual.record_version(report, status, sha, kasat.user_id, t)
        suffix = {"draft": "DRAF", "paraf": "PARAF", "signed": "DITANDATANGANI"}[status]
        path = output / f"Contoh_LKj_Tahunan_{year}_{suffix}.pdf"
        path.write_bytes(pdf)
        written.append(path)
        t += timedelta(hours=2)
    return written
