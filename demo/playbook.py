"""The procedure played by simulated users through the emulator: one move per SOP step.

The offline demo plays these moves in order; the end-to-end tests use them to bring a cycle
to a given step. Every move reads the user's last message and taps the button it carries,
as a person would.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

import aiohttp

from demo.samples import sample_pdf, sample_xlsx
from domain.dates_id import roman_triwulan
from domain.roles import Role
from domain.roster import Unit
from domain.sop import ASSEMBLE, DEFAULT_SOP_PATH, FORWARD, PARAF, SIGN, Sop, load_sop
from emulator import BotAPIEmulator
from emulator.users import SimUser, Transcript
from webapp.auth import sign_init_data

DISPOSISI_KASAT = "Mohon disusun laporan data kinerja triwulan ini sesuai Perjanjian Kinerja."
DISPOSISI_SEKRETARIS = "Segera bagi tugas pengumpulan data kepada Tim Kerja."
DIVISION_NOTE = "Kumpulkan data capaian kinerja triwulan ini beserta bukti dukung."
RETURN_REASON = "Lengkapi keterangan sumber data patroli."
TASKS = [
    ["Data penegakan Peraturan Daerah", "Data patroli ketertiban umum"],
    ["Data pengaduan masyarakat"],
]


@dataclass
class Cast:
    """The unit's people as simulated chat users, by role."""

    emu: BotAPIEmulator
    unit: Unit
    transcript: Transcript | None = None
    sop: Sop = field(default_factory=lambda: load_sop(DEFAULT_SOP_PATH))
    #: False: nobody has opened their chat with the bot yet (a unit set up from a roster
    #: file: each must press Start before the bot can write to them); None: as they are.
    started: bool | None = None
    kasat: SimUser = field(init=False)
    sekretaris: SimUser = field(init=False)
    kasubbag: SimUser = field(init=False)
    team: list[SimUser] = field(init=False)

    def __post_init__(self) -> None:
        def make(person) -> SimUser:
            return SimUser(
                self.emu, person.user_id, person.name, self.transcript, started=self.started
            )

        self.kasat = make(self.unit.one(Role.KASAT))
        self.sekretaris = make(self.unit.one(Role.SEKRETARIS))
        self.kasubbag = make(self.unit.one(Role.KASUBBAG))
        self.team = [make(p) for p in self.unit.with_role(Role.TIM_KERJA)]
        if self.unit.sop:
            self.sop = load_sop(self.unit.sop)

    def holder(self, key: str) -> SimUser:
        """Who performs the step of ``key`` in this unit's SOP table."""
        by_role = {
            Role.KASAT: self.kasat,
            Role.SEKRETARIS: self.sekretaris,
            Role.KASUBBAG: self.kasubbag,
        }
        return by_role[self.sop.role_of(key)]

    def receiver(self, key: str) -> str:
        """The role label of whoever receives what the step of ``key`` hands on."""
        nxt = self.sop.by_key(key).next
        return self.unit.role_label(self.sop.step(nxt).role) if nxt else ""

    @property
    def officials(self) -> list[SimUser]:
        return [self.kasat, self.sekretaris, self.kasubbag, *self.team]


class SampleFiles:
    """The documents the simulated users upload (rendered once, on first use)."""

    @cached_property
    def perjanjian_kinerja(self) -> bytes:
        return sample_pdf(
            "PERJANJIAN KINERJA", "Perjanjian kinerja Kepala Satuan dengan Wali Kota."
        )

    @cached_property
    def rencana_aksi(self) -> bytes:
        return sample_pdf("RENCANA AKSI", "Rencana aksi pencapaian target kinerja per triwulan.")

    @cached_property
    def data(self) -> list[list[tuple[str, bytes]]]:
        return [
            [
                (
                    "penegakan_perda.xlsx",
                    sample_xlsx([("Perda ditegakkan", "42"), ("Target", "45")]),
                ),
                (
                    "patroli_ketertiban.pdf",
                    sample_pdf("REKAP PATROLI", "Jumlah patroli: 186 kali."),
                ),
            ],
            [("pengaduan_masyarakat.xlsx", sample_xlsx([("Pengaduan ditangani", "57")]))],
        ]


SAMPLES = SampleFiles()


async def start_cycle(
    cast: Cast,
    triwulan: int,
    year: int,
    note: str = DISPOSISI_KASAT,
    urgency: str | None = None,
    toggle_instructions: tuple[str, ...] = (),
    pk_name: str = "",
    ra_name: str = "",
):
    k = cast.kasat
    k.say("/mulai")
    await k.tap(f"TW {roman_triwulan(triwulan)} {year}", await k.expect("Pilih triwulan"))
    await k.expect("Perjanjian Kinerja")
    k.upload(pk_name or f"Perjanjian_Kinerja_{year}.pdf", SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload(ra_name or f"Rencana_Aksi_{year}.pdf", SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say(note)
    summary = await k.expect("Mohon periksa kembali")
    if urgency:  # the Lembar Disposisi's sifat, tapped on the confirmation
        await k.tap(urgency, summary)
    for instruction in toggle_instructions:
        label = next(b for b in summary.buttons if b.endswith(instruction))
        await k.tap(label, summary)
    await tap_through(k, "Kirim")
    # "... telah dikirim kepada ...", or "... disimpan" when its receiver cannot take it yet
    await k.expect(f"Disposisi Triwulan {roman_triwulan(triwulan)}")


async def forward(cast: Cast, note: str = DISPOSISI_SEKRETARIS) -> None:
    s = cast.holder(FORWARD)
    to = cast.receiver(FORWARD)
    await s.tap(f"Teruskan ke {to}")
    await s.expect(f"catatan disposisi untuk {to}")
    s.say(note)
    await s.expect("Mohon periksa kembali")
    await tap_through(s, "Kirim")
    await s.expect("telah diteruskan")


async def divide(cast: Cast, tasks: list[list[str]] = TASKS) -> None:
    k = cast.kasubbag
    await k.tap("Bagi tugas")
    await k.expect("catatan pembagian tugas")
    k.say(DIVISION_NOTE)
    for index, member in enumerate(cast.team):
        await k.expect(member.name)
        k.say("\n".join(tasks[index]) if index < len(tasks) else "-")
    await k.expect("Mohon periksa kembali")
    await k.tap("Kirim")
    await k.expect("Pembagian tugas telah dikirim")


async def upload(member: SimUser, name: str, content: bytes, item_title: str):
    member.upload(name, content)
    question = await member.expect("Untuk butir data yang mana")
    label = next(b for b in question.buttons if item_title in b)
    await member.tap(label, question)
    return await member.expect("dicatat untuk butir")


async def upload_all(cast: Cast, tasks: list[list[str]] = TASKS) -> None:
    for index, member in enumerate(cast.team[: len(tasks)]):
        for item_no, (name, content) in enumerate(SAMPLES.data[index]):
            await upload(member, name, content, tasks[index][item_no])


async def build_and_submit(cast: Cast, button: str = "Susun draf laporan") -> None:
    k = cast.holder(ASSEMBLE)
    await tap_through(k, button)
    draft = await k.expect("Draf laporan data kinerja", document=True)
    await k.tap(f"Ajukan ke {cast.receiver(ASSEMBLE)}", draft)
    await k.expect("telah diajukan")


async def return_report(user: SimUser, reason: str = RETURN_REASON) -> None:
    await user.tap("Kembalikan")
    await user.expect("alasan pengembalian")
    user.say(reason)
    await user.expect("Mohon periksa kembali")
    await user.tap("Kirim")
    await user.expect("telah dikembalikan")


async def paraf(cast: Cast) -> None:
    s = cast.holder(PARAF)
    draft = await s.expect(
        f"diajukan oleh {cast.unit.role_label(cast.sop.role_of(ASSEMBLE))}", document=True
    )
    await tap_through(s, "Paraf", draft)


async def sign(cast: Cast) -> None:
    k = cast.holder(SIGN)
    initialled = await k.expect("diparaf oleh", document=True)
    await k.tap("Tandatangani", initialled)
    await tap_through(k, "Ya, tandatangani", initialled)


# --- the performance-data flow (targets, indicators, realisation) ---------------------------


async def upload_targets(cast: Cast, year: int, workbook: bytes, name: str) -> None:
    """The Kasubbag uploads the year's targets workbook through /target."""
    k = cast.kasubbag
    k.say("/target")
    await k.tap(f"Unggah target {year}", await k.expect("Target kinerja tahun"))
    await k.expect("Kirimkan berkas target kinerja")
    k.upload(name, workbook)
    await k.expect("Mohon periksa kembali")
    await k.tap("Kirim")
    await k.expect(f"Target kinerja tahun {year}")


def split_indicators(codes: list[str], members: int) -> list[list[str]]:
    """Round-robin: indicator i goes to member i mod n."""
    return [codes[m::members] for m in range(members)]


async def divide_indicators(cast: Cast, plan: list[list[str]]) -> None:
    """The Kasubbag assigns every indicator to one member with the buttons."""
    k = cast.kasubbag
    await k.tap("Bagi tugas")
    await k.expect("catatan pembagian tugas")
    k.say(DIVISION_NOTE)
    owner = {code: cast.team[m].name for m, codes in enumerate(plan) for code in codes}
    for _ in owner:
        prompt = await k.expect("Pilih pelaksana")
        code = next(c for c in owner if f"{c} " in prompt.text)
        await k.tap(owner[code], prompt)
    await k.expect("Mohon periksa kembali")
    await k.tap("Kirim")
    await k.expect("Pembagian tugas telah dikirim")


async def report_typed(member: SimUser, code: str, value: str, kendala: str, tindak: str):
    await member.tap(f"Isi {code}")
    await member.expect("Ketikkan nilai realisasinya")
    member.say(value)
    await member.expect("kendala")
    member.say(kendala)
    await member.expect("tindak lanjut")
    member.say(tindak)
    await member.expect("Mohon periksa kembali")
    await member.tap("Kirim")
    return await member.expect(f"Realisasi {code} dicatat")


async def report_workbook(member: SimUser, workbook: bytes, name: str):
    """Send the filled data workbook; the values read are shown back, then Kirim."""
    member.upload(name, workbook)
    await member.tap("Kirim", await member.expect("terbaca sebagai berikut"))
    return await member.expect("dicatat")


async def evidence(member: SimUser, code: str, name: str, content: bytes):
    member.upload(name, content)
    question = await member.expect("Untuk butir data yang mana")
    label = next(b for b in question.buttons if b.split(" ")[1:2] == [code])
    await member.tap(label, question)
    return await member.expect("dicatat untuk butir")


# --- the Mini App (pages opened from a web_app button) -------------------------------------


class MiniApp:
    """Opens the Mini App's pages as Telegram would: the page address from the web_app
    button, ``initData`` signed with the bot's token in the address's fragment. ``call`` sends
    the same JSON the pages send (for the demo, which runs without a browser)."""

    def __init__(self, token: str, clock: Callable[[], datetime]):
        self.token = token
        self.clock = clock

    def init_data(self, user: SimUser, at: datetime | None = None) -> str:
        return sign_init_data(
            self.token, {"id": user.user_id, "first_name": user.name}, at or self.clock()
        )

    @staticmethod
    def page_url(message, label: str) -> str:
        return next(url for row in message.reply_markup for text, url in row if text == label)

    def launch_url(self, page: str, user: SimUser, theme: dict[str, str] | None = None) -> str:
        fragment = {"tgWebAppData": self.init_data(user), "tgWebAppVersion": "8.0"}
        if theme:
            fragment["tgWebAppThemeParams"] = json.dumps(theme)
        return f"{page}#{urlencode(fragment, quote_via=quote)}"

    async def call(self, page: str, user: SimUser, api: str, body: dict[str, Any]) -> dict:
        base = page.split("?")[0].rsplit("/", 1)[0]
        cycle = parse_qs(urlsplit(page).query)["siklus"][0]
        headers = {"Authorization": f"tma {self.init_data(user)}"}
        async with aiohttp.ClientSession() as session:
            async with session.post(
                f"{base}/{api}", json={"siklus": cycle, **body}, headers=headers
            ) as response:
                data = await response.json()
                if response.status != 200:
                    raise RuntimeError(f"{response.status}: {data.get('error')}")
                return data


IN_PROGRESS = "Dokumen sedang disusun"


async def tap_through(user: SimUser, text: str, message=None) -> str:
    """Tap and wait until the press's work is done; its notice (toast or edited note)."""
    answer = (await user.tap(text, message))["text"] or ""
    return await press_outcome(user) if IN_PROGRESS in answer else answer


async def press_outcome(user: SimUser, timeout: float = 60.0) -> str:
    """The outcome of a press answered before its PDF was rendered: the "sedang disusun…" note
    it left in chat, once the bot has edited it. The note is found by the text it was sent with:
    on a busy machine the bot may have edited it before the test looks."""
    note = await user.emu.next_message(
        user.user_id, user.timeout, lambda m: IN_PROGRESS in m.first_text
    )
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while IN_PROGRESS in (text := user.emu.message(user.user_id, note.message_id).text):
        if loop.time() > deadline:
            raise TimeoutError(f"the progress note to {user.name} was never edited")
        await asyncio.sleep(0.02)
    return text


# --- setting up an office by invitation (handlers/invitations.py) ----------------------------

INVITE_LINK = re.compile(r"https://t\.me/\w+\?start=(inv-[a-z2-9]{16})")


def invitation_code(text: str) -> str:
    """The code of the invitation link in a message."""
    match = INVITE_LINK.search(text)
    if match is None:
        raise LookupError(f"no invitation link in {text!r}")
    return match.group(1)


async def invite(admin: SimUser, role: str, details: tuple[str, str, str] | None = None) -> str:
    """The unit administrator invites someone to ``role`` (its label); the code of the link.
    With ``details`` the administrator types name, NIP and jabatan; without, the invitee will."""
    admin.say("/undang")
    await admin.tap(role, await admin.expect("Pilih peran"))
    if details is None:
        await admin.tap("Diisi oleh yang diundang", await admin.expect("Siapa yang mengisi"))
    else:
        await admin.tap("Saya isi sekarang", await admin.expect("Siapa yang mengisi"))
        for value in details:
            await admin.next()
            admin.say(value)
        await admin.tap("Kirim", await admin.expect("Mohon periksa kembali"))
    return invitation_code((await admin.expect("Undangan sebagai")).text)


async def join(user: SimUser, code: str, details: tuple[str, str, str] | None = None) -> str:
    """The invitee taps the link and accepts, typing name, NIP and jabatan when asked."""
    user.say(f"/start {code}")
    await user.tap("Terima undangan", await user.expect("Undangan lkj-bot"))
    if details is not None:
        for prompt, value in zip(("nama lengkap", "NIP", "jabatan"), details, strict=True):
            await user.expect(prompt)
            user.say(value)
        await user.tap("Terima undangan", await user.expect("Mohon periksa kembali"))
    return (await user.expect("Selamat datang")).text
