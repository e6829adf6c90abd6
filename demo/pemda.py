"""A small pemda for the evaluators' page: the demo unit of Kota Bandung and three more of
its units (and one of Kabupaten Kendal, another pemda), two evaluators, and a fourth quarter
played through the use cases so that the units stand apart: one late, one with realisations
reported (its capaian), one started later, one not started. Used by the page's tests and by
``lkj-bot render-samples`` (the phone and desktop screenshots)."""

from __future__ import annotations

import asyncio
import json
import tempfile
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlencode
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape

from app import quarter
from app.pemda import evaluator_of
from app.pemda_page import desktop_link
from app.realisation import report_realisation
from bot.app import build_application
from bot.services import build_services
from bot.settings import Settings
from demo.quarter import DEMO_ROSTER, TOKEN
from demo.screenshots import DARK_THEME, Shooter, free_port
from domain.models import Cycle, FileRef
from domain.reminders import holders_of
from domain.roles import Role
from domain.roster import Person
from domain.samples import sample_targets
from domain.workflow import MemberTask, RealisationInput, ReportRealisation
from handlers.notices import notices
from handlers.reports import build_disposition_sheet
from webapp.auth import sign_init_data
from webapp.server import WebAppServer

INSPEKTORAT = 9001
BAPPEDA = 9002
# Realisations the Dinas Kesehatan's member reports (code: value): under and over target.
REPORTED = {"IKU-1": 70.0, "IKU-2": 58.0, "IKU-3": 20.0}
# A small valid PDF (the start of a quarter carries the PK and the RA).
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
    b"2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
    b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)


def _unit(code: str, name: str, city: str, first_id: int, kasat: str) -> str:
    people = [
        ("kasat", kasat),
        ("sekretaris", f"Sekretaris {code}"),
        ("kasubbag", f"Kasubbag {code}"),
        ("tim_kerja", f"Anggota Tim {code}"),
    ]
    lines = [f'\n[[unit]]\ncode = "{code}"\nname = "{name}"\ncity = "{city}"']
    for offset, (role, person) in enumerate(people):
        lines.append(
            f'[[unit.people]]\nrole = "{role}"\ntelegram_id = {first_id + offset}\n'
            f'name = "{person}"'
        )
    return "\n".join(lines) + "\n"


UNITS = (
    _unit("dinkes-bdg", "Dinas Kesehatan Kota Bandung", "Bandung", 2001, "dr. Anhar Hadian")
    + _unit("disdik-bdg", "Dinas Pendidikan Kota Bandung", "Bandung", 2101, "Drs. Asep Saepudin")
    + _unit("dishub-bdg", "Dinas Perhubungan Kota Bandung", "Bandung", 2201, "Ir. Ricky Gustiadi")
    + _unit("satpolpp-kendal", "Satuan Polisi Pamong Praja Kabupaten Kendal", "Kendal", 3001,
            "Kasat Kendal")
)  # fmt: skip
EVALUATORS = f"""
[[evaluator]]
telegram_id = {INSPEKTORAT}
name = "Dra. Sri Lestari"
position = "Inspektur Pembantu Wilayah I"
body = "inspektorat"
pemda = "Kota Bandung"
admin = true

[[evaluator]]
telegram_id = {BAPPEDA}
name = "Hendra Gunawan, S.T."
position = "Kepala Bidang Perencanaan"
body = "bappeda"
pemda = "Kota Bandung"
"""


def write_roster(path: Path) -> Path:
    """The demo roster with the pemda's other units and its evaluators."""
    path.write_text(DEMO_ROSTER.read_text(encoding="utf-8") + UNITS + EVALUATORS, "utf-8")
    return path


def _holder(services: Any, cycle: Cycle) -> Person:
    unit = services.roster.unit(cycle.unit)
    step = services.sop_for(unit).step(cycle.step)
    person = unit.person(holders_of(cycle, step, unit)[0])
    assert person is not None
    return person


async def _start(services: Any, code: str) -> Cycle:
    kasat = services.roster.unit(code).with_role(Role.KASAT)[0]
    documents = tuple(
        FileRef(
            sha256=services.db.blobs.put(PDF),
            name=f"{kind}.pdf",
            size=len(PDF),
            mime="application/pdf",
            uploaded_by=kasat.user_id,
            uploaded_at=services.now(),
            kind=kind,
        )
        for kind in ("perjanjian_kinerja", "rencana_aksi")
    )
    change = await quarter.start_quarter(
        services, notices, build_disposition_sheet, kasat, 2026, 4, documents, "Mohon.", None
    )
    return change.after


async def _reported(services: Any, code: str, advance: Callable[..., None]) -> Cycle:
    """Started, forwarded, divided by indicator, and some realisations reported."""
    services.targets.save(sample_targets(code))
    cycle = await _start(services, code)
    advance(hours=1)
    holder = _holder(services, cycle)
    forwarded = await quarter.forward(
        services, notices, build_disposition_sheet, holder, cycle, "Lanjut.", None
    )
    cycle = forwarded.after
    advance(hours=1)
    member = services.roster.unit(code).with_role(Role.TIM_KERJA)[0]
    codes = tuple(i.code for i in sample_targets(code).indicators)
    tasks = (MemberTask(member.user_id, "", codes),)
    holder = _holder(services, cycle)
    cycle = quarter.divide(services, notices, holder, cycle, "Bagi.", tasks, None, True).after
    advance(hours=1)
    rows = tuple(RealisationInput(c, v, "", "") for c, v in REPORTED.items())
    action = ReportRealisation(rows, "chat")
    return report_realisation(services, notices, member, cycle, action, None).after


async def seed(services: Any, advance: Callable[..., None]) -> None:
    """The fourth quarter of 2026 in the pemda's units, from Monday 5 October: the Satpol PP
    starts at once and then waits (late by the time the page is looked at), the Dinas
    Kesehatan reports realisations, the Dinas Perhubungan starts a week later (minutes
    before the page is looked at), the Dinas Pendidikan has not started."""
    await _start(services, "satpolpp-bdg")
    await _reported(services, "dinkes-bdg", advance)
    advance(days=7)
    await _start(services, "satpolpp-kendal")
    await _start(services, "dishub-bdg")
    advance(minutes=2)


def launch_url(
    token: str,
    page: str,
    user_id: int,
    name: str,
    at: datetime,
    theme: dict[str, str] | None = None,
) -> str:
    """The page as Telegram opens it for this person (initData signed with the bot's token
    in the address's fragment, as ``demo.playbook.MiniApp.launch_url``)."""
    init_data = sign_init_data(token, {"id": user_id, "first_name": name}, at)
    fragment = {"tgWebAppData": init_data, "tgWebAppVersion": "8.0"}
    if theme:
        fragment["tgWebAppThemeParams"] = json.dumps(theme)
    return f"{page}#{urlencode(fragment, quote_via=quote)}"


class _Clock:
    def __init__(self, start: datetime) -> None:
        self.current = start

    def __call__(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


async def shoot_pemda(output: Path) -> list[Path]:
    """The evaluators' page as the Inspektorat sees it: on a phone in Telegram's dark theme
    (``miniapp_pantau_gelap.png``) and in a desktop browser at the signed link
    (``pantau_desktop.png``); nothing without Chromium."""
    clock = _Clock(datetime(2026, 10, 5, 8, 0, tzinfo=ZoneInfo("Asia/Jakarta")))
    shots: list[Path] = []
    with tempfile.TemporaryDirectory(prefix="lkj-pemda-") as tmp:
        work = Path(tmp)
        port = free_port()
        settings = Settings(
            _env_file=None,  # type: ignore[call-arg]
            telegram_bot_token=TOKEN,
            lkj_data_dir=work / "data",
            lkj_roster=write_roster(work / "roster.toml"),
            lkj_webapp_url=f"http://127.0.0.1:{port}/app",
            lkj_webapp_port=port,
        )
        # Seeded before the bot exists (its notices name no bot); the page's server needs
        # the application only to reach the services.
        services = build_services(settings, clock=clock)
        server: WebAppServer | None = None
        try:
            await seed(services, clock.advance)
            application = build_application(settings, services, clock)
            server = WebAppServer(application, "127.0.0.1", port, "/app")
            await server.start()
            shoot = Shooter(output, None)
            evaluator = evaluator_of(services, INSPEKTORAT)
            page = settings.evaluator_page()
            link = desktop_link(services, evaluator)
            assert page is not None and link is not None
            opened = launch_url(TOKEN, page, INSPEKTORAT, evaluator.name, clock(), DARK_THEME)
            phone = await shoot.page("miniapp_pantau_gelap", opened, "svg .unit-bar")
            desktop = await shoot.page(
                "pantau_desktop", link[0], "svg .unit-bar", {"width": 1280, "height": 1100}
            )
            shots = [p for p in (phone, desktop) if p is not None]
            await shoot.close()
        finally:
            if server is not None:
                await server.stop()
            await asyncio.to_thread(services.db.close)
    return shots


GUIDE = "pemantauan"
CAPTIONS = {
    "miniapp_pantau_gelap.png": (
        "Halaman pemantauan di ponsel, di dalam Telegram (tema gelap).",
        False,
    ),
    "pantau_desktop.png": (
        "Halaman yang sama di peramban komputer, dibuka dengan tautan /tautan_pantau.",
        True,
    ),
}


async def write_guide(output: Path, templates: Path) -> Path:
    """The evaluators' picture guide (``pemantauan.html`` and its PDF) with the page's
    screenshots, next to the role guides (``lkj-bot guides``); the screenshots are left out
    without Chromium."""
    shots = await shoot_pemda(output)
    for shot in shots:  # the guide shows the first screen only
        (output / f"{shot.stem}_penuh.png").unlink(missing_ok=True)
    loader = FileSystemLoader(str(templates))
    env = Environment(loader=loader, autoescape=select_autoescape(["html"]))
    html = env.get_template("guide_pemantauan.html").render(
        pemda="Pemerintah Kota Bandung",
        units=4,
        days=Settings.model_fields["lkj_link_days"].default,
        shots=[(p.name, *CAPTIONS[p.name]) for p in shots],
    )
    target = output / f"{GUIDE}.html"
    target.write_text(html, encoding="utf-8")
    await asyncio.to_thread(_pdf, html, output)
    return target


def _pdf(html: str, output: Path) -> None:
    from weasyprint import HTML  # heavy optional library: loaded only to write the PDF

    HTML(string=html, base_url=str(output)).write_pdf(output / f"{GUIDE}.pdf")
