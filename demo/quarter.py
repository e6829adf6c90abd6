"""Offline demo: the emulator, the real bot and simulated officials play one whole quarter.

No token and no network: the bot talks over HTTP to the local Bot API emulator, exactly as
it would talk to Telegram. The conversation is printed as it happens and the signed report
is written to the output folder.
"""

from __future__ import annotations

import secrets
import shutil
import sys
import textwrap
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_application
from bot.settings import Settings
from demo import playbook
from demo.playbook import Cast, MiniApp
from demo.samples import sample_pdf
from demo.screenshots import DARK_THEME, Shooter, free_port
from documents.sample_workbooks import sample_realisation_workbook, sample_targets_workbook
from documents.tte_ca import provision_local
from domain.dates_id import format_datetime_id, triwulan_of
from domain.performance import format_number_id
from domain.reminders import ReminderPoint
from domain.roster import load_roster
from domain.samples import sample_indicators, sample_realisations
from emulator import BotAPIEmulator
from emulator.users import Transcript
from handlers import texts
from handlers.texts import tw
from webapp.server import start_webapp, stop_webapp

DEMO_ROSTER = Path(__file__).with_name("demo_roster.toml")
TOKEN = "123456:DEMO-OFFLINE"


def _printer(out=None):
    def transcript(who: str, direction: str, text: str) -> None:
        arrow = "→ bot" if direction == ">" else "bot →"
        lines = [textwrap.fill(line, 96) if line else "" for line in text.split("\n")]
        body = textwrap.indent("\n".join(lines), "    ", lambda _: True)
        print(f"[{who} {arrow}]\n{body}", file=out or sys.stdout, flush=True)

    return transcript


class DemoClock:
    """Real time, plus whatever the demo skips ahead to show reminders and escalation."""

    def __init__(self) -> None:
        self.offset = timedelta()

    def __call__(self) -> datetime:
        return datetime.now(UTC) + self.offset

    def jump_to(self, moment: datetime) -> None:
        self.offset += moment - self()


async def _form(cast: Cast, mini: MiniApp, shoot: Shooter, plan, values) -> None:
    """The first member fills all their indicators in the Mini App's form and sends them
    with one Kirim (the same JSON calls the page makes as the member types)."""
    first = cast.team[0]
    task = await first.wait_button(texts.BTN_WEBAPP_FORM)
    url = mini.page_url(task, texts.BTN_WEBAPP_FORM)
    form = await mini.call(url, first, "api/isi", {})
    lines = [f"[Mini App: formulir {form['title']}, dibuka dari tombol {texts.BTN_WEBAPP_FORM}]"]
    for row in form["rows"]:
        lines.append(
            f"{row['code']} {row['indikator']}: target {row['target']} {row['satuan']} "
            f"(arah {row['direction']}), triwulan sebelumnya {row['previous']}"
        )
    rows = {
        code: {
            "value": format_number_id(values[code].value),
            "kendala": values[code].kendala,
            "tindak_lanjut": values[code].tindak_lanjut,
        }
        for code in plan[0]
    }
    draft = await mini.call(url, first, "api/isi/draf", {"rows": rows})
    for code, row in rows.items():
        c = draft["capaian"][code]
        lines.append(
            f"  diketik {code}: realisasi {row['value']} → capaian {c['label']} {c['rating']}"
        )
    await shoot("miniapp_formulir", url, first)
    sent = await mini.call(url, first, "api/isi/kirim", {"rows": rows})
    lines.append(f"[Kirim] {sent['message']}")
    first._log(">", "\n".join(lines))
    await first.expect("dicatat")


async def _review(cast: Cast, mini: MiniApp, shoot: Shooter, draft) -> None:
    """The Sekretaris opens the draft in the Mini App before deciding."""
    s = cast.sekretaris
    url = mini.page_url(draft, texts.BTN_WEBAPP_REVIEW)
    view = await mini.call(url, s, "api/tinjau", {})
    summary = view["summary"]
    lines = [
        f"[Mini App: tinjau {view['title']}, {view['status']} versi {view['version']}]",
        f"Rata-rata capaian {summary['average']} {summary['rating']}; "
        f"{summary['reported']} dari {summary['indicators']} indikator dilaporkan; "
        f"berisiko: {', '.join(summary['at_risk']) or 'tidak ada'}",
    ]
    for group in view["groups"]:
        lines.append(f"{group['sasaran']}: rata-rata {group['average']}")
        for row in group["rows"]:
            flag = " ⚠ berisiko" if row["at_risk"] else ""
            lines.append(
                f"  {row['code']} {row['realisasi']} → {row['capaian']} {row['rating']}{flag}"
            )
    lines.append(f"Waktu SOP: tepat waktu {view['sop']['on_time']}, total {view['sop']['total']}")
    s._log(">", "\n".join(lines))
    await shoot("miniapp_tinjau", url, s)
    await shoot("miniapp_tinjau_gelap", url, s, DARK_THEME)


async def _collection(
    cast: Cast, services, clock: DemoClock, unit, triwulan, year, plan, mini, shoot
):
    """One member fills the Mini App's form on time; the other is late (reminder, deadline,
    escalation), then sends the filled workbook; the Kasubbag sends one indicator back."""
    first, late = cast.team[0], cast.team[1]
    values = {r.code: r for r in sample_realisations(triwulan)}
    await _form(cast, mini, shoot, plan, values)
    for code in plan[0]:
        await playbook.evidence(first, code, f"Bukti_{code}.pdf", _evidence(code))
    cycle = services.cycles.get(unit.code, year, triwulan)
    record = cycle.current_step_record
    calendar = services.calendar(unit)
    half = ReminderPoint.parse("50%").at(record.started_at, record.deadline, calendar)
    assert half is not None  # a three-day window always has a half-way point
    _banner(f"Waktu berjalan: {format_datetime_id(half, calendar.tz)} (separuh waktu)")
    clock.jump_to(half + timedelta(minutes=1))
    await late.expect("Pengingat")
    after = calendar.next_office_moment(record.deadline + timedelta(minutes=1))
    _banner(f"Waktu berjalan: {format_datetime_id(after, calendar.tz)} (batas waktu lewat)")
    clock.jump_to(after)
    await late.expect("Batas waktu terlampaui")
    await cast.kasubbag.expect("Eskalasi keterlambatan")
    await playbook.report_workbook(
        late, sample_realisation_workbook(triwulan, plan[1]), "Realisasi_terisi.xlsx"
    )
    for code in plan[1]:
        await playbook.evidence(late, code, f"Bukti_{code}.pdf", _evidence(code))
    complete = await cast.kasubbag.expect("telah terkumpul")
    fixed = plan[1][0]
    k = cast.kasubbag
    await k.tap("Tandai perlu perbaikan", complete)
    await k.tap(fixed, await k.expect("Pilih indikator"))
    await k.expect("Tuliskan apa yang perlu diperbaiki")
    k.say("Mohon lampirkan rincian per kecamatan pada keterangan kendala.")
    await k.tap("Kirim", await k.expect("Mohon periksa kembali"))
    await late.expect("Perlu Perbaikan —")
    r = values[fixed]
    await playbook.report_typed(
        late,
        fixed,
        format_number_id(r.value),
        r.kendala + " Rincian per kecamatan terlampir pada bukti dukung.",
        r.tindak_lanjut,
    )
    await k.expect("telah terkumpul")


async def _marked_return(cast: Cast, triwulan: int, plan: list[list[str]]) -> None:
    """The Sekretaris returns the draft with one indicator marked; the Kasubbag sends it back
    to its member in one form; the member corrects it, seeing the previous answer."""
    code = plan[0][-1]
    member = cast.team[0]
    await playbook.return_report(
        cast.sekretaris, f"{playbook.RETURN_REASON}\n{code}: {MARK_REASON}"
    )
    k = cast.kasubbag
    returned = await k.expect("dikembalikan untuk perbaikan")
    label = next(b for b in returned.buttons if b.startswith("Kirim ke pelaksana"))
    await k.tap(label, returned)
    await k.tap("Kirim", await k.expect("Mohon periksa kembali"))
    await member.expect("Perlu Perbaikan —")
    r = {x.code: x for x in sample_realisations(triwulan)}[code]
    await playbook.report_typed(
        member,
        code,
        format_number_id(r.value),
        r.kendala + " Angka telah dicocokkan dengan rekap bulanan.",
        r.tindak_lanjut,
    )
    await k.expect("telah terkumpul")


MARK_REASON = "angka belum sesuai rekap bulanan; mohon dicocokkan"


def _evidence(code: str) -> bytes:
    return sample_pdf(f"BUKTI DUKUNG {code}", "Rekapitulasi kegiatan dan dokumentasi lapangan.")


def _keep_generated(cast: Cast, output: Path) -> None:
    """Every document the bot itself produced (sheets, drafts, initialled, signed), once."""
    seen: set[bytes] = set()
    for user in cast.officials:
        for message in user.received():
            doc = message.document
            if doc and doc.filename.startswith(GENERATED) and doc.content not in seen:
                seen.add(doc.content)
                name = doc.filename
                if (output / name).exists() and (output / name).read_bytes() != doc.content:
                    name = f"{Path(name).stem}_{len(seen)}.pdf"
                (output / name).write_bytes(doc.content)


GENERATED = ("Lembar_Disposisi", "LKj_")


def _banner(text: str) -> None:
    print(f"\n== {text} ==\n", flush=True)


def previous_quarter(now: datetime) -> tuple[int, int]:
    """The quarter a unit reports on now: the one that just ended."""
    current = triwulan_of(now.date())
    return (4, now.year - 1) if current == 1 else (current - 1, now.year)


async def run_demo(
    output: Path,
    quiet: bool = False,
    keep_all: bool = False,
    screenshots: bool = False,
    *,
    emulator: BotAPIEmulator | None = None,
    transcript: Transcript | None = None,
) -> Path:
    """Play the quarter; ``emulator`` (kept readable after the run) and ``transcript`` let
    the picture guides (``demo.guides``) record the conversation."""
    output.mkdir(parents=True, exist_ok=True)
    port = free_port()
    data_dir = output / "data"
    shutil.rmtree(data_dir, ignore_errors=True)
    emu = emulator or BotAPIEmulator(token=TOKEN, bot_username="lkj_demo_bot")
    await emu.start()
    # The signed report carries a real PAdES signature (TTE), made with a throw-away CA and
    # certificates issued into the demo's data directory (never the repository).
    tte_dir = data_dir / "tte"
    tte_passphrase = secrets.token_urlsafe(12)
    demo_unit = load_roster(DEMO_ROSTER).units[0]
    tte_ca = provision_local(
        tte_dir, [(p.name, p.nip) for p in demo_unit.people], tte_passphrase, [demo_unit.code]
    )
    settings = Settings(
        _env_file=None,  # type: ignore[call-arg]
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=data_dir,
        lkj_roster=DEMO_ROSTER,
        lkj_reminder_interval_s=0.2,
        # Local only: Telegram itself requires HTTPS, which `lkj-bot run` insists on.
        lkj_webapp_url=f"http://127.0.0.1:{port}/app",
        lkj_webapp_port=port,
        lkj_tte_mode="local",
        lkj_tte_p12_dir=tte_dir / "p12",
        lkj_tte_p12_passphrase=tte_passphrase,
        lkj_tte_roots=str(tte_ca.root_pem),
    )
    clock = DemoClock()
    app = build_application(settings, clock=clock)
    services = app.bot_data["services"]
    await app.initialize()
    await app.start()
    await app.updater.start_polling(poll_interval=0.0, timeout=1)
    await start_webapp(app)
    mini = MiniApp(TOKEN, clock)
    shoot = Shooter(output, mini) if screenshots else Shooter(None, mini)
    try:
        unit = load_roster(DEMO_ROSTER).units[0]
        # Set up from a roster file: nobody has opened their chat yet; each presses Start.
        cast = Cast(emu, unit, transcript or (None if quiet else _printer()), started=False)
        triwulan, year = previous_quarter(services.calendar(unit).to_local(services.now()))
        print(f"== Demo lkj-bot: {unit.name}, {tw(triwulan, year)} ==\n")
        for user in cast.officials:
            user.say("/start")
            await user.expect("Selamat datang")
        targets_name = f"Target_Kinerja_{year}_contoh.xlsx"
        (output / targets_name).write_bytes(sample_targets_workbook())
        await playbook.upload_targets(cast, year, sample_targets_workbook(), targets_name)
        await playbook.start_cycle(cast, triwulan, year)
        await playbook.forward(cast)
        codes = [i.code for i in sample_indicators()]
        plan = playbook.split_indicators(codes, len(cast.team))
        await playbook.divide_indicators(cast, plan)
        await _collection(cast, services, clock, unit, triwulan, year, plan, mini, shoot)
        await playbook.build_and_submit(cast)
        draft = await cast.sekretaris.expect("diajukan oleh Kasubbag", document=True)
        await _review(cast, mini, shoot, draft)
        await _marked_return(cast, triwulan, plan)
        await playbook.build_and_submit(cast, "Susun ulang draf laporan")
        await playbook.paraf(cast)
        await playbook.sign(cast)
        signed = None
        for user in cast.officials:
            signed = await user.expect("telah ditandatangani", document=True)
        assert signed is not None and signed.document is not None
        target = output / signed.document.filename
        target.write_bytes(signed.document.content)
        sheet = next(
            m
            for m in cast.sekretaris.received()
            if m.document and m.document.filename.startswith("Lembar_Disposisi")
        )
        (output / sheet.document.filename).write_bytes(sheet.document.content)
        if keep_all:
            _keep_generated(cast, output)
        await emu.settle()
    finally:
        await shoot.close()
        await stop_webapp(app)
        await app.updater.stop()
        await app.stop()
        await app.shutdown()
        await emu.stop()
    print(f"\nLaporan yang telah ditandatangani: {target}")
    print(f"Lembar disposisi: {output / sheet.document.filename}")
    print(f"Contoh lembar kerja target: {output / targets_name}")
    return target
