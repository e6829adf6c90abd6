"""Synthetic but realistic data for the benchmarks.

* a roster of many units, ten people each (Kasat, Sekretaris, Kasubbag, seven Tim Kerja);
* filed cycles produced by the real workflow (``domain.workflow``): two dispositions, ten data
  items with their files, a return for revision, paraf, signature, full step records and
  history, saved through ``storage.repositories.CycleRepository``;
* open cycles of the current year at steps 2, 3 and 4 (so every role has something to do);
* the live button tokens a store holds with the current handlers (see ``archive_tokens``):
  begin buttons of open cycles, /arsip lists and target buttons, about 28 per unit; and, to show
  the per-token slope, the 20 per filed quarter the handlers left before they revoked buttons
  (``add_old_leftovers``).

Nothing here touches the bot's code; the stores are written with the bot's own storage classes.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import random
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.calendar import WorkCalendar
from domain.dates_id import triwulan_period
from domain.models import Cycle, FileRef
from domain.roles import Role
from domain.roster import Roster, Unit, parse_roster
from domain.sop import DEFAULT_SOP_PATH, load_sop
from domain.workflow import (
    Divide,
    Forward,
    MemberTask,
    Paraf,
    ReturnReport,
    Sign,
    StartCycle,
    SubmitReport,
    UploadData,
    WorkflowContext,
    apply,
    record_report,
    start_cycle,
)
from handlers import texts
from storage.database import Database
from storage.repositories import ButtonRepository, CycleRepository

JAKARTA = ZoneInfo("Asia/Jakarta")
# Monday 5 October 2026, 08:00 WIB: the first working day of the fourth quarter.
FIXED_NOW = datetime(2026, 10, 5, 8, 0, tzinfo=JAKARTA)
CURRENT_YEAR = 2026
HISTORY_YEAR = 2025

SLOTS = [Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG] + [Role.TIM_KERJA] * 7
ITEMS_PER_MEMBER = (2, 2, 2, 1, 1, 1, 1)  # ten data items per quarter
ITEM_TITLES = (
    "Capaian IKU penegakan Peraturan Daerah",
    "Realisasi anggaran per program",
    "Data patroli ketertiban umum",
    "Rekapitulasi pengaduan masyarakat",
    "Dokumentasi kegiatan penertiban",
    "Data pelanggaran Perkada",
    "Laporan pengamanan aset daerah",
    "Data pembinaan Satlinmas",
    "Rekap kegiatan sosialisasi Perda",
    "Daftar hadir apel dan pengendalian",
)

_FIRST = (
    "Agus",
    "Budi",
    "Citra",
    "Dewi",
    "Eko",
    "Fitri",
    "Gilang",
    "Hendra",
    "Indah",
    "Joko",
    "Kartika",
    "Lestari",
    "Made",
    "Nur",
    "Oktavia",
    "Putu",
    "Rina",
    "Slamet",
    "Tri",
    "Wahyu",
)
_LAST = (
    "Setiawan",
    "Kurniawan",
    "Hidayat",
    "Saputra",
    "Wibowo",
    "Lestari",
    "Pratama",
    "Susanto",
    "Rahmawati",
    "Nugroho",
    "Siregar",
    "Hasibuan",
    "Sembiring",
    "Wijaya",
    "Gunawan",
)
_CITIES = ("Bandung", "Cimahi", "Bogor", "Bekasi", "Depok", "Garut", "Tasikmalaya", "Cirebon")
_POSITIONS = {
    Role.KASAT: "Kepala Satuan Polisi Pamong Praja",
    Role.SEKRETARIS: "Sekretaris Satuan Polisi Pamong Praja",
    Role.KASUBBAG: "Kepala Subbagian Perencanaan dan Pelaporan",
    Role.TIM_KERJA: "Analis Perencanaan",
}


def unit_code(index: int) -> str:
    return f"satker-{index:03d}"


def user_id(unit_index: int, slot: int) -> int:
    return 200_000 + unit_index * 100 + slot


def roster_toml(n_units: int) -> str:
    rnd = random.Random(42)
    out = []
    for u in range(n_units):
        city = _CITIES[u % len(_CITIES)]
        out.append(
            "[[unit]]\n"
            f'code = "{unit_code(u)}"\n'
            f'name = "Satuan Polisi Pamong Praja Kota {city} {u:03d}"\n'
            f'city = "{city}"\n'
            f'address = "Jl. Merdeka No. {u + 1}, {city}"\n'
            'timezone = "Asia/Jakarta"\n'
        )
        for slot, role in enumerate(SLOTS):
            name = f"{rnd.choice(_FIRST)} {rnd.choice(_LAST)}, S.Sos., M.Si."
            nip = f"19{70 + slot}0{1 + slot % 9}1{u % 10}20050{slot % 2 + 1}1{u:03d}"[:18]
            out.append(
                "[[unit.people]]\n"
                f'role = "{role.value}"\n'
                f"telegram_id = {user_id(u, slot)}\n"
                f'name = "{name}"\n'
                f'nip = "{nip}"\n'
                f'position = "{_POSITIONS[role]} Kota {city}"\n'
            )
    return "\n".join(out)


def make_roster(n_units: int) -> Roster:
    import tomllib

    return parse_roster(tomllib.loads(roster_toml(n_units)))


# --- realistic cycles through the real workflow --------------------------------------------


def _sha(seed: str) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()


def _ref(seed: str, name: str, kind: str, by: int, at: datetime, size: int, mime: str) -> FileRef:
    return FileRef(
        sha256=_sha(seed),
        name=name,
        size=size,
        mime=mime,
        uploaded_by=by,
        uploaded_at=at,
        kind=kind,
    )


class CycleMaker:
    """Plays a unit's quarter through ``domain.workflow`` with plausible office times.

    Not the shared sample-quarter factory (``demo.sample_year.filed_quarter``), on purpose:
    the bench measures stores and renders of this shape, which that factory does not make. A
    quarter here is divided as free text (ten items over seven members, no indicators nor
    realisations), returned once at the paraf and drafted again (four report records), with
    evidence of realistic sizes alternating PDF and XLSX; and the open quarters of
    :func:`fill_unit` stop at steps 2, 3 and 4 with half the data in, where the factory only
    makes filed ones. A filed quarter of this maker is about 18 KB of JSON with 18 history
    entries; the factory's about 29 KB with 22 entries and 8 indicators with their
    realisations. Built by it, the stores filled, the summaries scanned
    (``bench/pemda_view.py``) and the report rendered (``bench/documents.py``) would be other
    ones, and the results no longer comparable with the earlier runs of ``bench/results.md``.
    """

    def __init__(self, unit: Unit):
        self.unit = unit
        self.calendar = WorkCalendar(tz=unit.timezone)
        self.ctx = WorkflowContext(
            sop=load_sop(DEFAULT_SOP_PATH), calendar=self.calendar, unit=unit
        )
        self.kasat = unit.one(Role.KASAT)
        self.sekretaris = unit.one(Role.SEKRETARIS)
        self.kasubbag = unit.one(Role.KASUBBAG)
        self.team = unit.with_role(Role.TIM_KERJA)

    def _day(self, year: int, triwulan: int, working_days_after: int) -> date:
        last = triwulan_period(year, triwulan)[1]
        first = self.calendar.next_working_day(last)
        return self.calendar.add_working_days(first, working_days_after)

    def _at(self, d: date, hour: int, minute: int = 0) -> datetime:
        return datetime.combine(d, time(hour, minute), tzinfo=ZoneInfo(self.unit.timezone))

    def tasks(self) -> tuple[MemberTask, ...]:
        titles = iter(ITEM_TITLES)
        return tuple(
            MemberTask(m.user_id, "", tuple(next(titles) for _ in range(n)))
            for m, n in zip(self.team, ITEMS_PER_MEMBER, strict=False)
        )

    def started(self, year: int, triwulan: int) -> Cycle:
        at = self._at(self._day(year, triwulan, 0), 8, 15)
        docs = (
            _ref(
                f"{self.unit.code}{year}pk",
                f"Perjanjian_Kinerja_{year}.pdf",
                "perjanjian_kinerja",
                self.kasat.user_id,
                at,
                412_331,
                "application/pdf",
            ),
            _ref(
                f"{self.unit.code}{year}ra",
                f"Rencana_Aksi_{year}.xlsx",
                "rencana_aksi",
                self.kasat.user_id,
                at,
                58_112,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
        )
        action = StartCycle(
            year,
            triwulan,
            docs,
            "Mohon disusun laporan data kinerja triwulan ini sesuai Perjanjian "
            "Kinerja dan Rencana Aksi; koordinasikan dengan seluruh bidang.",
        )
        return start_cycle(self.ctx, action, self.kasat, at, None).cycle

    def forwarded(self, cycle: Cycle) -> Cycle:
        at = self._at(self._day(cycle.year, cycle.triwulan, 0), 9, 30)
        note = "Segera bagi tugas pengumpulan data kepada Tim Kerja; batas waktu 3 hari kerja."
        return apply(cycle, Forward(note), self.sekretaris, at, self.ctx).cycle

    def divided(self, cycle: Cycle) -> Cycle:
        at = self._at(self._day(cycle.year, cycle.triwulan, 0), 13, 0)
        note = "Kumpulkan data capaian kinerja triwulan ini beserta bukti dukung yang sah."
        return apply(cycle, Divide(note, self.tasks()), self.kasubbag, at, self.ctx).cycle

    def uploaded(self, cycle: Cycle, fraction: float = 1.0) -> Cycle:
        pairs = [(a, i) for a in cycle.assignments for i in range(len(a.items))]
        for n, (a, index) in enumerate(pairs[: round(len(pairs) * fraction)]):
            member = self.unit.person(a.member_id)
            assert member is not None
            at = self._at(self._day(cycle.year, cycle.triwulan, 1 + n % 2), 9 + n % 6, 10)
            ext, mime = (
                ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
                if n % 2
                else ("pdf", "application/pdf")
            )
            ref = _ref(
                f"{cycle.id}:{a.member_id}:{index}",
                f"bukti_dukung_{n + 1}.{ext}",
                "data",
                a.member_id,
                at,
                40_000 + 1_733 * n,
                mime,
            )
            cycle = apply(cycle, UploadData(index, ref), member, at, self.ctx).cycle
        return cycle

    def filed(self, year: int, triwulan: int) -> Cycle:
        c = self.uploaded(self.divided(self.forwarded(self.started(year, triwulan))))
        d = self._day(year, triwulan, 3)
        c = record_report(c, "draft", _sha(f"{c.id}d1"), self.kasubbag.user_id, self._at(d, 9))
        c = apply(c, SubmitReport(1), self.kasubbag, self._at(d, 9, 20), self.ctx).cycle
        reason = "Lengkapi keterangan sumber data patroli dan rekap pengaduan."
        c = apply(c, ReturnReport(1, reason, 6), self.sekretaris, self._at(d, 11), self.ctx).cycle
        c = record_report(c, "draft", _sha(f"{c.id}d2"), self.kasubbag.user_id, self._at(d, 14))
        c = apply(c, SubmitReport(2), self.kasubbag, self._at(d, 14, 10), self.ctx).cycle
        d = self._day(year, triwulan, 4)
        c = apply(c, Paraf(2), self.sekretaris, self._at(d, 8, 40), self.ctx).cycle
        c = record_report(c, "paraf", _sha(f"{c.id}p2"), self.sekretaris.user_id, self._at(d, 9))
        c = apply(c, Sign(2), self.kasat, self._at(d, 10, 5), self.ctx).cycle
        return record_report(c, "signed", _sha(f"{c.id}s2"), self.kasat.user_id, self._at(d, 10, 6))


# --- button tokens ----------------------------------------------------------------------
#
# What the current handlers leave live (checked by running the offline demo): a finished
# quarter leaves none of its own buttons (forms revoke their group, signing revokes every
# button of the cycle); what stays live is the begin buttons of open cycles, each person's
# last /arsip list (at most 12, revoked on the next /arsip) and the target-sheet buttons.
ARCHIVE_USERS = 5  # people per unit who keep an /arsip list of the filed quarters
TARGET_TOKENS = 3  # "target_upload"/"target_template" buttons per unit (demo: 3)


def archive_tokens(unit: Unit, filed: list[Cycle]) -> list[dict]:
    out = []
    for person in unit.people[:ARCHIVE_USERS]:
        group = f"archive:{person.user_id}"
        out += [
            {"action": "archive_get", "cycle": c.id, "group": group, "user": person.user_id}
            for c in filed[-12:]
        ]
    return out


def target_tokens(unit: Unit, year: int) -> list[dict]:
    kasubbag = unit.one(Role.KASUBBAG).user_id
    group = f"target:{unit.code}:{year}"
    return [
        {
            "action": "target_upload" if i else "target_template",
            "unit": unit.code,
            "year": year,
            "group": group,
            "user": kasubbag,
        }
        for i in range(TARGET_TOKENS)
    ]


def old_leftover_tokens(unit: Unit, cycle: Cycle, rng: random.Random) -> list[dict]:
    """What a finished quarter left behind before forms and signing revoked their buttons
    (18 in the demo, 20 with /arsip): used to show how lookups grow per 1,000 tokens."""
    kasat = unit.one(Role.KASAT).user_id
    sek = unit.one(Role.SEKRETARIS).user_id
    kasubbag = unit.one(Role.KASUBBAG).user_id
    out: list[dict] = []
    for user, choices in [(kasat, 6), (sek, 0), (kasubbag, 0), (sek, 0)]:
        fid = secrets.token_hex(4)
        for value in ("1", "2", "3", "4", str(cycle.year - 1), str(cycle.year))[:choices]:
            out.append({"action": "form_choice", "form_id": fid, "value": value, "user": user})
        out.append({"action": "form_submit", "form_id": fid, "user": user})
        out.append({"action": "form_cancel", "form_id": fid, "user": user})
    for rev in (cycle.rev - 6, cycle.rev - 3):
        out.append(
            {
                "action": "draft_build",
                "cycle": cycle.id,
                "group": f"{cycle.id}:draft:{rev}",
                "user": kasubbag,
            }
        )
    out.append(
        {
            "action": "forward_begin",
            "cycle": cycle.id,
            "group": f"{cycle.id}:forward:1",
            "user": sek,
        }
    )
    out.append(
        {
            "action": "divide_begin",
            "cycle": cycle.id,
            "group": f"{cycle.id}:divide:2",
            "user": kasubbag,
        }
    )
    while len(out) < 20:
        out.append(
            {"action": "archive_get", "cycle": cycle.id, "user": rng.choice(unit.people).user_id}
        )
    return out


def _begin(cycle: Cycle, action: str, what: str, user: int) -> dict:
    return {
        "action": action,
        "cycle": cycle.id,
        "group": f"{cycle.id}:{what}:{cycle.rev}",
        "user": user,
    }


# --- stores ---------------------------------------------------------------------------------


@dataclass
class UnitButtons:
    """Tokens of live begin buttons a simulated official presses again and again."""

    forward: str  # Sekretaris: "Teruskan ke Kasubbag" on the open TW III cycle (step 2)
    divide: str  # Kasubbag: "Bagi tugas" on the open TW II cycle (step 3)
    draft: str | None = None  # Kasubbag: "Susun draf laporan" (only for a render unit)


@dataclass
class Store:
    """A prepared data directory plus its roster and the pressable tokens per unit."""

    root: Path  # contains data/ and roster.toml
    units: int
    history: bool
    buttons: dict[int, UnitButtons] = field(default_factory=dict)

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def roster_path(self) -> Path:
        return self.root / "roster.toml"

    def copy_to(self, target: Path) -> Store:
        shutil.copytree(self.root, target)
        return Store(target, self.units, self.history, dict(self.buttons))

    def size_bytes(self) -> int:
        return sum(p.stat().st_size for p in self.data_dir.rglob("*") if p.is_file())

    def buttons_count(self) -> int:
        import json

        path = self.data_dir / "state" / "buttons.json"
        return len(json.loads(path.read_bytes()).get("buttons", {})) if path.exists() else 0


@contextlib.contextmanager
def no_fsync():
    """Pre-filling needs no durability; skip fsync so preparing the stores takes seconds."""
    original = os.fsync
    os.fsync = lambda fd: None  # type: ignore[assignment]
    try:
        yield
    finally:
        os.fsync = original  # type: ignore[assignment]


def fill_unit(
    db: Database, unit: Unit, index: int, *, history: bool, render_unit: bool, rng: random.Random
) -> UnitButtons:
    """Open cycles of the current year (and, with ``history``, a filed previous year)."""
    cycles = CycleRepository(db)
    buttons = ButtonRepository(db)
    maker = CycleMaker(unit)
    sek = unit.one(Role.SEKRETARIS).user_id
    kasubbag = unit.one(Role.KASUBBAG).user_id
    payloads: list[dict] = target_tokens(unit, CURRENT_YEAR)
    if history:
        filed = []
        for tw in (1, 2, 3, 4):
            filed.append(maker.filed(HISTORY_YEAR, tw))
            cycles.save(filed[-1])
        payloads += archive_tokens(unit, filed)
    # TW I: collecting data (half handed in) -- or, for a render unit, all data in (step 5).
    tw1 = maker.divided(maker.forwarded(maker.started(CURRENT_YEAR, 1)))
    tw1 = maker.uploaded(tw1, 1.0 if render_unit else 0.5)
    tw2 = maker.forwarded(maker.started(CURRENT_YEAR, 2))  # waiting for the Kasubbag
    tw3 = maker.started(CURRENT_YEAR, 3)  # waiting for the Sekretaris
    for c in (tw1, tw2, tw3):
        cycles.save(c)
    payloads += [
        _begin(tw1, "forward_begin", "forward", sek),
        _begin(tw1, "divide_begin", "divide", kasubbag),
        _begin(tw2, "forward_begin", "forward", sek),
    ]
    pressable = [
        _begin(tw3, "forward_begin", "forward", sek),
        _begin(tw2, "divide_begin", "divide", kasubbag),
    ]
    if render_unit:
        pressable.append(_begin(tw1, "draft_build", "draft", kasubbag))
    tokens = buttons.issue_many(pressable + payloads)
    return UnitButtons(
        forward=tokens[0], divide=tokens[1], draft=tokens[2] if render_unit else None
    )


def build_stores(
    base: Path, sizes: tuple[int, ...], *, history: bool, render_units: tuple[int, ...] = ()
) -> dict[int, Store]:
    """Stores for 1..max(sizes) units, built incrementally: store k is a prefix of store k+1."""
    work = base / f"work-{'hist' if history else 'fresh'}"
    rng = random.Random(7)
    roster = make_roster(max(sizes))
    stores: dict[int, Store] = {}
    buttons: dict[int, UnitButtons] = {}
    db = Database(work / "data")
    with no_fsync():
        for index, unit in enumerate(roster.units):
            buttons[index] = fill_unit(
                db, unit, index, history=history, render_unit=index in render_units, rng=rng
            )
            count = index + 1
            if count in sizes:
                db.close()
                target = base / f"{'hist' if history else 'fresh'}-{count}"
                shutil.copytree(work / "data", target / "data")
                (target / "roster.toml").write_text(roster_toml(count), encoding="utf-8")
                stores[count] = Store(target, count, history, dict(buttons))
                db = Database(work / "data")
    db.close()
    shutil.rmtree(work)
    return stores


def add_old_leftovers(store: Store) -> int:
    """Add, per unit, the 4 x 20 tokens a filed year left before buttons were revoked."""
    import tomllib

    rng = random.Random(11)
    roster = parse_roster(tomllib.loads(store.roster_path.read_text(encoding="utf-8")))
    db = Database(store.data_dir)
    payloads: list[dict] = []
    for unit in roster.units:
        for c in CycleRepository(db).list_unit(unit.code, HISTORY_YEAR):
            payloads += old_leftover_tokens(unit, c, rng)
    with no_fsync():
        ButtonRepository(db).issue_many(payloads)
    db.close()
    return len(payloads)


def fabricate_button_message(emu, user: int, label: str, token: str) -> int:
    """Put a bot message carrying the button into the user's chat (as if sent earlier)."""
    from emulator.models import SentMessage

    chat = emu.world.chat(user)
    sent = SentMessage(
        message_id=chat.take_message_id(),
        chat_id=user,
        date=emu.world.now(),
        text=f"Disposisi (tombol {label})",
        html=f"Disposisi (tombol {label})",
        markup={"inline_keyboard": [[{"text": label, "callback_data": f"b:{token}"}]]},
    )
    chat.sent.append(sent)
    chat.bot_messages[sent.message_id] = sent
    chat.cursor = len(chat.sent)
    return sent.message_id


BUTTON_LABELS = {
    "forward": texts.btn_forward("Kasubbag"),
    "divide": texts.BTN_DIVIDE,
    "draft": texts.BTN_BUILD_DRAFT,
}
