"""Who may do what (issue 6, item 4), end to end through the emulator.

Every action of the procedure is a row of the matrix below: the one actor allowed to perform
it, the SOP step it belongs to, and what that actor is told when replaying it after the cycle
moved on. Each row is tried, at its step, by every other person of the unit, by a stranger (not
in the roster) and by the holder of the same role in another unit ("satpolpp-cmh", from
``tests/data/two_units_roster.toml``). A refusal must answer in Indonesian, change nothing
(the cycle's ``rev``, ``step`` and ``history`` of both units, the targets, the stored files)
and leave exactly one "refused" line in the actor's audit log (the unit's log; the global log
for a stranger). Then the allowed actor succeeds, and replaying the same button once the cycle
has moved on is refused too.

Buttons carry an opaque token bound to the person they were sent to, so "somebody else presses
it" is played with ``tap_raw``: the other person replays the token from a message in their own
chat. One cycle is advanced through the whole matrix instead of being replayed for every cell.

Every refusal, of a button, a command, an upload or a form submission, is written to the
audit log; the tests at the end of the file pin the command, upload and form cases.
"""

from __future__ import annotations

import shutil
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from demo import playbook
from demo.playbook import SAMPLES, Cast
from documents.workbooks import targets_workbook
from domain.roster import load_roster
from domain.samples import sample_indicators
from emulator import BotAPIEmulator
from emulator.models import SentMessage
from emulator.users import SimUser
from handlers import texts
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import CycleRepository, TargetRepository
from tests.factories import pdf_bytes

TWO_UNITS = Path(__file__).parent / "data" / "two_units_roster.toml"
UNIT, OTHER_UNIT, YEAR, TW = "satpolpp-bdg", "satpolpp-cmh", 2026, 3
LOGS = (UNIT, OTHER_UNIT, None)  # the two units' audit logs and the global one (strangers)

BUTTON, COMMAND, UPLOAD = "tombol", "perintah", "unggah berkas"
STAFF = ("kasat", "sekretaris", "kasubbag", "tim0", "tim1")  # this unit's people
ROLE = {
    "kasat": "kasat",
    "sekretaris": "sekretaris",
    "kasubbag": "kasubbag",
    "tim0": "tim_kerja",
    "tim1": "tim_kerja",
}
OTHER = {  # the same role in the other unit
    "kasat": "lain:kasat",
    "sekretaris": "lain:sekretaris",
    "kasubbag": "lain:kasubbag",
    "tim_kerja": "lain:tim0",
}
STRANGER = "stranger"

# What the allowed actor is told when replaying an action after the cycle moved on.
STALE = texts.BUTTON_STALE  # its token was revoked ("... sudah tidak berlaku (sudah diproses).")
MOVED = "Tindakan ini sudah diproses atau tidak berlaku lagi."  # the domain's step check
NOT_REGISTERED_COMMAND = "Anda belum terdaftar sebagai pengguna lkj-bot"
REPLAYED = "tahap lain (sudah berlalu)"


@dataclass(frozen=True)
class Row:
    """One action of the matrix."""

    action: str
    how: str  # BUTTON, COMMAND or UPLOAD
    allowed: str  # the one actor (a key of STAFF) who may do it
    step: int | None  # the SOP step it belongs to (None: outside a cycle)
    after: int | None  # the cycle's step once the allowed actor succeeded
    stale: str | None = None  # what a replay after the cycle moved on is told
    refusal: str = texts.BUTTON_FOREIGN  # what a wrong person of a unit is told

    def wrong(self) -> tuple[str, ...]:
        """Who must be refused: for a button everybody but its owner (another member of the
        same role included); for a command or an upload every other role."""
        if self.how == BUTTON:
            same = [k for k in STAFF if k != self.allowed]
        else:
            same = [k for k in STAFF if ROLE[k] != ROLE[self.allowed]]
        return (*same, STRANGER, OTHER[ROLE[self.allowed]])


# --- the matrix ------------------------------------------------------------------------------

MULAI = Row("/mulai", COMMAND, "kasat", 1, None, refusal=texts.wrong_role_start("Kasat"))
KIRIM_MULAI = Row("Kirim (disposisi Kasat)", BUTTON, "kasat", 1, 2, STALE)
TERUSKAN = Row("Teruskan ke Kasubbag", BUTTON, "sekretaris", 2, 2, MOVED)
KIRIM_TERUSKAN = Row("Kirim (disposisi Sekretaris)", BUTTON, "sekretaris", 2, 3, STALE)
BAGI = Row("Bagi tugas", BUTTON, "kasubbag", 3, 3, MOVED)
KIRIM_BAGI = Row("Kirim (pembagian tugas)", BUTTON, "kasubbag", 3, 4, STALE)
UNGGAH = Row("kirim berkas data", UPLOAD, "tim0", 4, 4, refusal=texts.NO_FILE_EXPECTED)
BUTIR = Row("pilih butir data", BUTTON, "tim0", 4, 4, MOVED)
SUSUN = Row("Susun draf laporan", BUTTON, "kasubbag", 5, 5, MOVED)
AJUKAN = Row("Ajukan ke Sekretaris", BUTTON, "kasubbag", 5, 6, STALE)
KEMBALIKAN_6 = Row("Kembalikan (Sekretaris)", BUTTON, "sekretaris", 6, 6, STALE)
KIRIM_KEMBALI_6 = Row("Kirim (alasan, Sekretaris)", BUTTON, "sekretaris", 6, 5, STALE)
SUSUN_ULANG = Row("Susun ulang draf laporan", BUTTON, "kasubbag", 5, 5, MOVED)
PARAF = Row("Paraf", BUTTON, "sekretaris", 6, 7, STALE)
KEMBALIKAN_7 = Row("Kembalikan (Kasat)", BUTTON, "kasat", 7, 7, STALE)
KIRIM_KEMBALI_7 = Row("Kirim (alasan, Kasat)", BUTTON, "kasat", 7, 5, STALE)
TTD = Row("Tandatangani", BUTTON, "kasat", 7, 7, STALE)
YA_TTD = Row("Ya, tandatangani", BUTTON, "kasat", 7, 8, STALE)
ARSIP = Row("Arsip: unduh laporan", BUTTON, "kasubbag", 8, 8)

CYCLE_MATRIX = (
    MULAI,
    KIRIM_MULAI,
    TERUSKAN,
    KIRIM_TERUSKAN,
    BAGI,
    KIRIM_BAGI,
    UNGGAH,
    BUTIR,
    SUSUN,
    AJUKAN,
    KEMBALIKAN_6,
    KIRIM_KEMBALI_6,
    SUSUN_ULANG,
    PARAF,
    KEMBALIKAN_7,
    KIRIM_KEMBALI_7,
    TTD,
    YA_TTD,
    ARSIP,
)

TARGET = Row(
    "/target (unggah target)",
    COMMAND,
    "kasubbag",
    None,
    None,
    refusal=texts.targets_not_for_you("Kasubbag"),
)
UNGGAH_TARGET = Row("Unggah target 2026", BUTTON, "kasubbag", None, None)
ISI = Row("Isi IKU-1 (realisasi)", BUTTON, "tim0", 4, 4, MOVED)
PERBAIKAN = Row("Tandai perlu perbaikan", BUTTON, "kasubbag", 5, 5, MOVED)

PERFORMANCE_MATRIX = (TARGET, UNGGAH_TARGET, ISI, PERBAIKAN)


# --- fixtures ----------------------------------------------------------------------------------


@pytest.fixture
def roster_path(tmp_path):
    """Two units share the bot: the demo unit and satpolpp-cmh."""
    path = tmp_path / "roster.toml"
    shutil.copy(TWO_UNITS, path)
    return path


@pytest.fixture
def other(emu, roster_path) -> Cast:
    """The other unit's people (Kasat, Sekretaris, Kasubbag, one Tim Kerja member)."""
    return Cast(emu, load_roster(roster_path).units[1])


def role_of(key: str) -> str:
    """The role an audit line records for an actor key."""
    if key == STRANGER:
        return "stranger"
    return ROLE[key.removeprefix("lain:")]


def callback_of(message: SentMessage, label: str) -> str:
    """The callback_data of the button labelled ``label`` (or starting with it)."""
    for row in message.reply_markup:
        for text, data in row:
            if data and (text == label or text.startswith(label)):
                return data
    raise LookupError(f"no button {label!r} on {message.describe()}")


# --- the harness -------------------------------------------------------------------------------


@dataclass
class Matrix:
    emu: BotAPIEmulator
    data_dir: Path
    who: dict[str, SimUser]
    anchor: dict[str, SentMessage] = field(default_factory=dict)
    # row action -> actor -> outcomes seen
    cells: dict[str, dict[str, list[str]]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(list))
    )
    audited: Counter = field(default_factory=Counter)  # log -> refusals checked as audited
    unaudited: Counter = field(default_factory=Counter)  # log -> refusals not (yet) audited
    baseline: dict = field(default_factory=dict)

    @classmethod
    def of(cls, emu, settings, people: Cast, other: Cast, stranger: SimUser) -> Matrix:
        who = {
            "kasat": people.kasat,
            "sekretaris": people.sekretaris,
            "kasubbag": people.kasubbag,
            "tim0": people.team[0],
            "tim1": people.team[1],
            STRANGER: stranger,
            "lain:kasat": other.kasat,
            "lain:sekretaris": other.sekretaris,
            "lain:kasubbag": other.kasubbag,
            "lain:tim0": other.team[0],
        }
        return cls(emu, settings.lkj_data_dir, who)

    async def open_chats(self) -> None:
        """Everybody gets one bot message in their chat, to replay foreign buttons from."""
        for key, user in self.who.items():
            user.say("/start" if key == STRANGER else "/bantuan")
            self.anchor[key] = await user.expect(
                "belum terdaftar" if key == STRANGER else "Petunjuk"
            )
        self.baseline = self.audit_counts()

    # -- observing the bot's store

    @staticmethod
    def log_of(key: str) -> str | None:
        return None if key == STRANGER else OTHER_UNIT if key.startswith("lain:") else UNIT

    def refusals(self, unit: str | None) -> list[dict]:
        log = AuditLog.for_unit_year(self.data_dir, unit, YEAR)
        return [e for e in log.entries() if e["outcome"] == "refused"]

    def audit_counts(self) -> dict[str | None, int]:
        return {unit: len(self.refusals(unit)) for unit in LOGS}

    def state(self):
        """What a refusal must not change: both units' cycle and targets, the stored files."""
        db = Database(self.data_dir)
        try:
            cycles, targets = CycleRepository(db), TargetRepository(db)
            units = []
            for unit in (UNIT, OTHER_UNIT):
                c = cycles.get(unit, YEAR, TW)
                t = targets.get(unit, YEAR)
                units.append(
                    (
                        None if c is None else (c.rev, c.step, c.history),
                        None if t is None else t.source_sha256,
                    )
                )
        finally:
            db.close()
        root = self.data_dir / "files"
        files = sorted(p.name for p in root.rglob("*") if p.is_file()) if root.exists() else []
        return units, files

    def step(self) -> int | None:
        cycle = self.state()[0][0][0]
        return None if cycle is None else cycle[1]

    # -- acting

    async def press_as(self, key: str, data: str, message: SentMessage | None = None) -> str:
        answer = await self.who[key].tap_raw(message or self.anchor[key], data)
        return answer["text"]

    async def send_as(self, key: str, send: Callable[[SimUser], None], expected: str) -> str:
        """``send`` as ``key``; the first new message for them that contains ``expected``."""
        user = self.who[key]
        seen = {m.message_id for m in user.received()}
        send(user)
        reply = await self.emu.next_message(
            user.user_id, 30, lambda m: m.message_id not in seen and expected in m.text
        )
        return reply.text

    async def refused(
        self,
        row: Row,
        key: str,
        act: Awaitable[str],
        expected: str,
        audited: bool = True,
        outcome: str = "ditolak",
    ) -> None:
        """Run ``act`` as ``key``: told ``expected``, nothing changed, one audit line."""
        before, counts = self.state(), self.audit_counts()
        text = await act
        assert expected in text, f"{row.action} by {key}: told {text!r}"
        assert self.state() == before, f"{row.action} by {key} changed the state"
        log = self.log_of(key)
        if audited:
            after = self.audit_counts()
            assert after == {**counts, log: counts[log] + 1}, f"{row.action} by {key}: {after}"
            entry = self.refusals(log)[-1]
            assert entry["actor"] == self.who[key].user_id
            assert entry["role"] == role_of(key)
            self.audited[log] += 1
        else:
            self.unaudited[log] += 1
        self.cells[row.action][key].append(outcome)

    async def buttons(self, row: Row, message: SentMessage, label: str) -> str:
        """Every wrong person presses the owner's button ``label``; returns its callback data."""
        await self.emu.settle(quiet=0.1)
        data = callback_of(message, label)
        for key in row.wrong():
            expected = texts.NOT_REGISTERED_SHORT if key == STRANGER else texts.BUTTON_FOREIGN
            await self.refused(row, key, self.press_as(key, data), expected)
        return data

    async def commands(
        self, row: Row, send: Callable[[SimUser], None], skip: tuple[str, ...] = ()
    ) -> None:
        """Every wrong person sends the command or file; each refusal is audited."""
        await self.emu.settle(quiet=0.1)
        for key in row.wrong():
            if key in skip:
                continue
            expected = NOT_REGISTERED_COMMAND if key == STRANGER else row.refusal
            act = self.send_as(key, send, expected)
            await self.refused(row, key, act, expected, audited=key == STRANGER)

    async def replay(
        self, row: Row, message: SentMessage, data: str, told: str | None = None
    ) -> None:
        """The owner presses the same button again after the cycle moved on."""
        await self.emu.settle(quiet=0.1)
        act = self.press_as(row.allowed, data, message)
        await self.refused(row, row.allowed, act, told or row.stale or "", outcome=REPLAYED)

    def succeeded(self, row: Row, check: bool = True) -> None:
        if check:
            assert self.step() == row.after, f"{row.action}: step {self.step()}"
        self.cells[row.action][row.allowed].append("berhasil")

    def record(self, row: Row, key: str, outcome: str) -> None:
        self.cells[row.action][key].append(outcome)

    # -- the summary

    def check_complete(self, matrix: tuple[Row, ...]) -> None:
        """Every row was tried by every wrong person, succeeded for its owner, and (where the
        row has one) was refused to its owner at a later step; every audited refusal was
        the only new refused line of its log."""
        for row in matrix:
            got = self.cells[row.action]
            assert set(got) == {*row.wrong(), row.allowed}, (row.action, sorted(got))
            assert "berhasil" in got[row.allowed], row.action
            if row.stale:
                assert REPLAYED in got[row.allowed], row.action
        totals = self.audit_counts()
        for log in LOGS:
            new = totals[log] - self.baseline[log]
            assert self.audited[log] <= new <= self.audited[log] + self.unaudited[log], log
            if not self.unaudited[log]:
                assert new == self.audited[log], log

    def table(self, matrix: tuple[Row, ...]) -> str:
        keys = [*STAFF, STRANGER, "lain:kasat", "lain:sekretaris", "lain:kasubbag", "lain:tim0"]
        lines = [" | ".join(["aksi", *keys])]
        for row in matrix:
            got = self.cells[row.action]
            lines.append(" | ".join([row.action, *(",".join(got.get(k, ["-"])) for k in keys)]))
        return "\n".join(lines)


# --- the whole cycle ---------------------------------------------------------------------------


async def test_every_action_of_the_cycle_x_every_role(bot, emu, settings, people, other, stranger):
    m = Matrix.of(emu, settings, people, other, stranger)
    await m.open_chats()
    kasat, sek, kb = people.kasat, people.sekretaris, people.kasubbag
    t0, t1 = people.team

    # Step 1: /mulai is the Kasat's alone.
    await m.commands(MULAI, lambda u: u.say("/mulai"), skip=("lain:kasat",))
    # The other unit's Kasat may start a cycle too, but of their own unit only.
    await playbook.start_cycle(other, TW, YEAR)
    await other.sekretaris.expect("Disposisi Triwulan III")
    (mine, _), (theirs, _) = m.state()[0]
    assert mine is None and theirs[1] == 2
    assert not [x for x in sek.received() if "Disposisi Triwulan" in x.text]
    m.record(MULAI, "lain:kasat", "hanya untuk satuannya sendiri")

    kasat.say("/mulai")
    await playbook.tap_through(kasat, "TW III 2026", await kasat.expect("Pilih triwulan"))
    m.succeeded(MULAI)
    await kasat.expect("Perjanjian Kinerja")
    kasat.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await kasat.expect("Rencana Aksi")
    kasat.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await kasat.expect("catatan disposisi")
    kasat.say(playbook.DISPOSISI_KASAT)
    summary = await kasat.expect("Mohon periksa kembali")
    kirim = await m.buttons(KIRIM_MULAI, summary, "Kirim")
    await playbook.tap_through(kasat, "Kirim", summary)
    await kasat.expect("telah dikirim kepada")
    m.succeeded(KIRIM_MULAI)
    await m.replay(KIRIM_MULAI, summary, kirim)

    # Step 2: the Sekretaris forwards.
    task = await sek.expect("Disposisi Triwulan III")
    teruskan = await m.buttons(TERUSKAN, task, "Teruskan ke Kasubbag")
    await playbook.tap_through(sek, "Teruskan ke Kasubbag", task)
    await sek.expect("catatan disposisi untuk Kasubbag")
    m.succeeded(TERUSKAN)
    sek.say(playbook.DISPOSISI_SEKRETARIS)
    summary = await sek.expect("Mohon periksa kembali")
    kirim = await m.buttons(KIRIM_TERUSKAN, summary, "Kirim")
    await playbook.tap_through(sek, "Kirim", summary)
    await sek.expect("telah diteruskan")
    m.succeeded(KIRIM_TERUSKAN)
    await m.replay(TERUSKAN, task, teruskan)
    await m.replay(KIRIM_TERUSKAN, summary, kirim)

    # Step 3: the Kasubbag divides the work.
    task = await kb.expect("Disposisi Triwulan III")
    bagi = await m.buttons(BAGI, task, "Bagi tugas")
    await playbook.tap_through(kb, "Bagi tugas", task)
    await kb.expect("catatan pembagian tugas")
    m.succeeded(BAGI)
    kb.say(playbook.DIVISION_NOTE)
    for member, items in zip(people.team, playbook.TASKS, strict=True):
        await kb.expect(member.name)
        kb.say("\n".join(items))
    summary = await kb.expect("Mohon periksa kembali")
    kirim = await m.buttons(KIRIM_BAGI, summary, "Kirim")
    await playbook.tap_through(kb, "Kirim", summary)
    await kb.expect("Pembagian tugas telah dikirim")
    m.succeeded(KIRIM_BAGI)
    await m.replay(BAGI, task, bagi)
    await m.replay(KIRIM_BAGI, summary, kirim)

    # Step 4: only a Tim Kerja member with an assignment may hand in data.
    await t0.expect("Pembagian Tugas")
    await m.commands(UNGGAH, lambda u: u.upload("data_kinerja.pdf", pdf_bytes()))
    (perda, perda_xlsx), (patroli, patroli_pdf) = SAMPLES.data[0]
    t0.upload(perda, perda_xlsx)
    first = await t0.expect("Untuk butir data yang mana")
    m.succeeded(UNGGAH)
    butir = await m.buttons(BUTIR, first, "1. ")
    await playbook.tap_through(t0, next(b for b in first.buttons if b.startswith("1. ")), first)
    await t0.expect("dicatat untuk butir")
    m.succeeded(BUTIR)
    await m.replay(BUTIR, first, butir, STALE)  # the same choice twice: its token is gone
    t0.upload(patroli, patroli_pdf)
    unanswered = await t0.expect("Untuk butir data yang mana")  # left open on purpose
    await playbook.upload(t0, patroli, patroli_pdf, playbook.TASKS[0][1])
    (aduan, aduan_xlsx) = SAMPLES.data[1][0]
    await playbook.upload(t1, aduan, aduan_xlsx, playbook.TASKS[1][0])
    ready = await kb.expect("telah terkumpul")
    assert m.step() == 5
    # An item choice left open, pressed after the collection closed; a late file.
    await m.replay(BUTIR, unanswered, callback_of(unanswered, "2. "))
    await m.emu.settle(quiet=0.1)
    late = m.send_as("tim0", lambda u: u.upload("terlambat.pdf", pdf_bytes(2)), UNGGAH.refusal)
    await m.refused(UNGGAH, "tim0", late, UNGGAH.refusal, audited=False, outcome=REPLAYED)

    # Step 5: the Kasubbag builds the draft and submits it.
    susun = await m.buttons(SUSUN, ready, "Susun draf laporan")
    await playbook.tap_through(kb, "Susun draf laporan", ready)
    draft = await kb.expect("(versi 1)", document=True)
    m.succeeded(SUSUN)
    ajukan = await m.buttons(AJUKAN, draft, "Ajukan ke Sekretaris")
    await playbook.tap_through(kb, "Ajukan ke Sekretaris", draft)
    await kb.expect("telah diajukan")
    m.succeeded(AJUKAN)
    await m.replay(SUSUN, ready, susun)
    await m.replay(AJUKAN, draft, ajukan)

    # Step 6: the Sekretaris returns version 1 ...
    review = await sek.expect("(versi 1) diajukan", document=True)
    paraf = await m.buttons(PARAF, review, "Paraf")
    kembali = await m.buttons(KEMBALIKAN_6, review, "Kembalikan")
    await playbook.tap_through(sek, "Kembalikan", review)
    await sek.expect("alasan pengembalian")
    m.succeeded(KEMBALIKAN_6)
    sek.say(playbook.RETURN_REASON)
    summary = await sek.expect("Mohon periksa kembali")
    kirim = await m.buttons(KIRIM_KEMBALI_6, summary, "Kirim")
    await playbook.tap_through(sek, "Kirim", summary)
    await sek.expect("telah dikembalikan")
    m.succeeded(KIRIM_KEMBALI_6)
    await m.replay(PARAF, review, paraf)  # the old Paraf of the returned version
    await m.replay(KEMBALIKAN_6, review, kembali)
    await m.replay(KIRIM_KEMBALI_6, summary, kirim)

    # ... the Kasubbag rebuilds it, and the Sekretaris initials version 2.
    notice = await kb.expect("dikembalikan untuk perbaikan")
    ulang = await m.buttons(SUSUN_ULANG, notice, "Susun ulang draf laporan")
    await playbook.tap_through(kb, "Susun ulang draf laporan", notice)
    draft = await kb.expect("(versi 2)", document=True)
    m.succeeded(SUSUN_ULANG)
    await playbook.tap_through(kb, "Ajukan ke Sekretaris", draft)
    await kb.expect("telah diajukan")
    await m.replay(SUSUN_ULANG, notice, ulang)
    review = await sek.expect("(versi 2) diajukan", document=True)
    paraf = callback_of(review, "Paraf")
    assert await playbook.tap_through(sek, "Paraf", review) == "Paraf dicatat."
    m.succeeded(PARAF)
    await m.replay(PARAF, review, paraf)

    # Step 7: the Kasat returns version 2 ...
    signing = await kasat.expect("diparaf oleh", document=True)
    ttd = await m.buttons(TTD, signing, "Tandatangani")
    kembali = await m.buttons(KEMBALIKAN_7, signing, "Kembalikan")
    await playbook.tap_through(kasat, "Kembalikan", signing)
    await kasat.expect("alasan pengembalian")
    m.succeeded(KEMBALIKAN_7)
    kasat.say("Periksa kembali angka capaian pengaduan.")
    summary = await kasat.expect("Mohon periksa kembali")
    kirim = await m.buttons(KIRIM_KEMBALI_7, summary, "Kirim")
    await playbook.tap_through(kasat, "Kirim", summary)
    await kasat.expect("telah dikembalikan")
    m.succeeded(KIRIM_KEMBALI_7)
    await m.replay(TTD, signing, ttd)
    await m.replay(KEMBALIKAN_7, signing, kembali)
    await m.replay(KIRIM_KEMBALI_7, summary, kirim)

    # ... and signs version 3 with two taps.
    await playbook.build_and_submit(people, "Susun ulang draf laporan")
    await playbook.tap_through(sek, "Paraf", await sek.expect("(versi 3) diajukan", document=True))
    signing = await kasat.expect("diparaf oleh", document=True)
    ttd = callback_of(signing, "Tandatangani")
    await playbook.tap_through(kasat, "Tandatangani", signing)
    m.succeeded(TTD)
    confirm = emu.message(kasat.user_id, signing.message_id)
    ya = await m.buttons(YA_TTD, confirm, "Ya, tandatangani")
    await playbook.tap_through(kasat, "Ya, tandatangani", confirm)
    await kasat.expect("telah ditandatangani", document=True)
    m.succeeded(YA_TTD)
    await m.replay(TTD, signing, ttd)
    await m.replay(YA_TTD, signing, ya)

    # Step 8: the filed report; the other unit's archive does not show it.
    kb.say("/arsip")
    archive = await kb.expect("Arsip laporan")
    await m.buttons(ARSIP, archive, "Triwulan III Tahun 2026")
    await playbook.tap_through(kb, "Triwulan III Tahun 2026", archive)
    await kb.expect("Arsip: laporan", document=True)
    m.succeeded(ARSIP)
    assert "Belum ada laporan" in await m.send_as(
        "lain:kasat", lambda u: u.say("/arsip"), "Belum ada laporan"
    )

    m.check_complete(CYCLE_MATRIX)
    print(m.table(CYCLE_MATRIX))
    cycle = m.state()[0][0][0]
    actions = [h.action for h in cycle[2]]
    assert actions.count("paraf") == 2 and actions.count("kembalikan") == 2
    assert actions.count("tandatangan") == 1
    # The other unit's cycle never moved.
    assert m.state()[0][1][0][1] == 2


# --- targets, realisation and Perlu Perbaikan -------------------------------------------------


async def test_every_performance_data_action_x_every_role(
    bot, emu, settings, people, other, stranger
):
    m = Matrix.of(emu, settings, people, other, stranger)
    await m.open_chats()
    kb = people.kasubbag
    t0, t1 = people.team

    # Uploading targets: only the Kasubbag is offered the button, and only he may press it.
    kb.say("/target")
    menu = await kb.expect("Target kinerja tahun")
    await m.buttons(UNGGAH_TARGET, menu, "Unggah target 2026")
    await playbook.tap_through(kb, "Unggah target 2026", menu)
    await kb.expect("Kirimkan berkas target kinerja")
    kb.upload("Target_2026.xlsx", targets_workbook(sample_indicators()[:2]))
    await playbook.tap_through(kb, "Kirim", await kb.expect("Mohon periksa kembali"))
    await kb.expect("Target kinerja tahun 2026 disimpan")
    m.succeeded(UNGGAH_TARGET, check=False)
    m.succeeded(TARGET, check=False)
    assert m.state()[0][0][1] is not None and m.state()[0][1][1] is None

    await m.commands(
        TARGET,
        lambda u: u.say("/target"),
        skip=("kasat", "sekretaris", "lain:kasubbag"),
    )
    for key in ("kasat", "sekretaris"):  # they may read the targets, not replace them
        before = m.state()
        text = await m.send_as(key, lambda u: u.say("/target"), "Target kinerja tahun 2026")
        view = m.who[key].received()[-1]
        assert "IKU-1" in text and view.buttons and not [b for b in view.buttons if "Unggah" in b]
        assert m.state() == before
        m.record(TARGET, key, "hanya melihat (tanpa Unggah)")
    # The other unit's Kasubbag manages his own unit's targets and does not see these.
    text = await m.send_as(
        "lain:kasubbag", lambda u: u.say("/target"), "Target kinerja tahun 2026 belum diunggah"
    )
    assert "IKU-1" not in text
    m.record(TARGET, "lain:kasubbag", "hanya untuk satuannya sendiri")

    # The cycle up to the collection, one indicator per member.
    await playbook.start_cycle(people, TW, YEAR)
    await playbook.forward(people)
    await playbook.divide_indicators(people, [["IKU-1"], ["IKU-2"]])
    task = await t0.expect("Pembagian Tugas")
    isi = await m.buttons(ISI, task, "Isi IKU-1")
    await playbook.report_typed(t0, "IKU-1", "80", "Tidak ada kendala.", "Dilanjutkan.")
    m.succeeded(ISI)
    await playbook.evidence(t0, "IKU-1", "bukti_iku1.pdf", SAMPLES.rencana_aksi)
    await playbook.report_typed(t1, "IKU-2", "57", "Tidak ada kendala.", "Dilanjutkan.")
    await playbook.evidence(t1, "IKU-2", "bukti_iku2.pdf", SAMPLES.perjanjian_kinerja)
    ready = await kb.expect("telah terkumpul")
    assert m.step() == 5
    await m.replay(ISI, task, isi)  # the collection is closed

    # Perlu Perbaikan: the Kasubbag's review of the collected data.
    fix = await m.buttons(PERBAIKAN, ready, "Tandai perlu perbaikan")
    await playbook.tap_through(kb, "Tandai perlu perbaikan", ready)
    await playbook.tap_through(kb, "IKU-2", await kb.expect("Pilih indikator"))
    m.succeeded(PERBAIKAN)
    await kb.expect("Tuliskan apa yang perlu diperbaiki")
    kb.say("Nilai tidak sesuai rekap bulanan.")
    await playbook.tap_through(kb, "Kirim", await kb.expect("Mohon periksa kembali"))
    await t1.expect("Perlu Perbaikan —")
    assert m.step() == 4
    # /status offers the review button to the Kasubbag only; the other unit sees nothing.
    for key in ("kasat", "sekretaris", "tim0"):
        await m.send_as(key, lambda u: u.say("/status"), "Triwulan III")
        assert m.who[key].received()[-1].buttons == []
    await m.send_as("lain:kasubbag", lambda u: u.say("/status"), texts.NO_OPEN_CYCLE)
    await m.send_as("kasubbag", lambda u: u.say("/status"), "Triwulan III")
    offered = await kb.expect("tahap 4: Menyerahkan bahan")
    assert any("Tandai perlu perbaikan" in b for b in offered.buttons)

    await playbook.report_typed(t1, "IKU-2", "58", "Sudah dicek ulang.", "Rekap diperbaiki.")
    await kb.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    assert m.step() == 6
    await m.replay(PERBAIKAN, ready, fix)  # the report has left the Kasubbag

    m.check_complete(PERFORMANCE_MATRIX)
    print(m.table(PERFORMANCE_MATRIX))


# --- known gaps ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key, send, told",
    [
        ("sekretaris", "/mulai", texts.wrong_role_start("Kasat")),
        ("tim0", "/mulai", texts.wrong_role_start("Kasat")),
        ("lain:sekretaris", "/mulai", texts.wrong_role_start("Kasat")),
        ("tim1", "/target", texts.targets_not_for_you("Kasubbag")),
        ("tim1", "/anggaran", texts.budget_not_for_you("Kasubbag")),
        ("tim0", "/ekspor", texts.export_not_for_you("Tim Kerja")),
        ("kasubbag", "file", texts.NO_FILE_EXPECTED),
        ("lain:tim0", "file", texts.NO_FILE_EXPECTED),
    ],
    ids=[
        "mulai-by-sekretaris",
        "mulai-by-tim-kerja",
        "mulai-by-other-unit-sekretaris",
        "target-by-tim-kerja",
        "budget-by-tim-kerja",
        "export-by-tim-kerja",
        "file-by-kasubbag",
        "file-by-other-unit-tim-kerja",
    ],
)
async def test_refused_commands_and_uploads_are_audited(
    bot, emu, settings, people, other, stranger, key, send, told
):
    m = Matrix.of(emu, settings, people, other, stranger)
    row = Row(send, COMMAND, "kasat", None, None, refusal=told)

    def act(user: SimUser) -> None:
        if send == "file":
            user.upload("data_kinerja.pdf", pdf_bytes())
        else:
            user.say(send)

    await m.refused(row, key, m.send_as(key, act, told), told, audited=True)


async def test_a_return_refused_because_the_report_moved_on_is_audited(
    bot, emu, settings, people, other, stranger
):
    m = Matrix.of(emu, settings, people, other, stranger)
    sek = people.sekretaris
    await playbook.start_cycle(people, TW, YEAR)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await playbook.build_and_submit(people)
    review = await sek.expect("diajukan oleh Kasubbag", document=True)
    await playbook.tap_through(sek, "Kembalikan", review)  # starts the reason form ...
    await sek.expect("alasan pengembalian")
    # ... but then she initials the report after all
    await playbook.tap_through(sek, "Paraf", review)
    await people.kasat.expect("diparaf oleh", document=True)
    assert m.step() == 7
    sek.say(playbook.RETURN_REASON)
    summary = await sek.expect("Mohon periksa kembali")
    await m.emu.settle(quiet=0.1)

    async def submit() -> str:
        await playbook.tap_through(sek, "Kirim", summary)
        return (await sek.expect(MOVED)).text

    await m.refused(KIRIM_KEMBALI_6, "sekretaris", submit(), MOVED, audited=True)
