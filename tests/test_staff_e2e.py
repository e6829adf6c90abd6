"""Staff changes (mutasi) in chat, through the emulator: the Sekretaris replaced while a
draft waits for paraf, and a team member removed."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from demo import playbook
from domain.text import format_nip
from emulator.users import SimUser
from handlers import texts
from storage.audit import AuditLog
from tests.test_menu_e2e import chat_scope

NEW_SEKRETARIS = ("Dra. Rina Marlina, M.M.", "197802142003122005", "Sekretaris")
NEW_MEMBER = ("Budi Santoso, A.Md.", "199505052020121003", "Pengolah Data")


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.1})


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def play_to_paraf(people, clock, triwulan: int) -> None:
    await playbook.start_cycle(people, triwulan, 2026)
    clock.advance(minutes=10)
    await playbook.forward(people)
    clock.advance(minutes=10)
    await playbook.divide(people)
    clock.advance(hours=2)
    await playbook.upload_all(people)
    await people.kasubbag.expect("telah terkumpul")
    clock.advance(minutes=30)
    await playbook.build_and_submit(people)


async def test_sekretaris_replaced_while_the_draft_waits_for_paraf(
    bot, emu, people, settings, clock
):
    kasat, old, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    member = people.team[0]

    # An earlier quarter, initialled by the old Sekretaris and signed.
    await play_to_paraf(people, clock, 2)
    await playbook.paraf(people)
    clock.advance(minutes=15)
    await playbook.sign(people)
    signed = (await kasat.expect("telah ditandatangani", document=True)).document.content
    assert old.name in pdf_text(signed)

    # The next quarter: the draft now waits for the Sekretaris's paraf.
    await play_to_paraf(people, clock, 3)
    waiting = await old.expect("diajukan oleh Kasubbag", document=True)

    # Only the unit administrator may make a staff change.
    member.say("/mutasi")
    await member.expect("hanya dapat dilakukan oleh pengelola unit")

    # A member with data collection in an open quarter cannot be removed.
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    assert f"Ganti Sekretaris ({old.name})" in listing.buttons
    refused = await kasubbag.tap(f"Keluarkan {member.name}", listing)
    assert "masih memegang tugas pengumpulan data" in refused["text"]
    # The whole refusal (longer than a popup) in chat: the quarter in Roman numerals, and the
    # way forward.
    told = await kasubbag.expect("masih memegang tugas pengumpulan data")
    assert "Triwulan III Tahun 2026" in told.text and "Triwulan 3" not in told.text
    assert "Alihkan tugas" in told.text

    # The administrator replaces the Sekretaris: a link for the successor; until it is
    # accepted the old Sekretaris still holds the step.
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Ganti Sekretaris ({old.name})", listing)
    code = playbook.invitation_code((await kasubbag.expect("Penggantian")).text)
    new = SimUser(emu, 5002, NEW_SEKRETARIS[0], started=False)
    await playbook.join(new, code, NEW_SEKRETARIS)

    # At once: the old Sekretaris is told and out (menu cleared, Paraf refused) ...
    left = (await old.expect(NEW_SEKRETARIS[0])).text
    assert "tidak lagi terdaftar" in left
    assert f"{NEW_SEKRETARIS[0]} Terima kasih" in left  # "M.M." closes the sentence once
    assert (await old.tap("Paraf", waiting))["text"] == texts.NOT_REGISTERED_SHORT
    old.say("/status")
    await old.expect("belum terdaftar")
    assert emu.commands(chat_scope(old.user_id)) == []
    # ... the administrator is told, and the new Sekretaris gets the draft with Paraf.
    await kasubbag.expect(f"menggantikan {old.name}")
    draft = await new.expect("tugas Anda pada tahap 6", document=True)
    assert "Paraf" in draft.buttons
    # Reminders follow the role: half the paraf window later, the new Sekretaris is reminded.
    seen_by_old = len(old.received())
    clock.advance(minutes=35)
    assert "Triwulan III" in (await new.expect("Pengingat")).text
    await emu.settle(quiet=0.3)
    assert not [m for m in old.received()[seen_by_old:] if "Pengingat" in m.text]
    await playbook.tap_through(new, "Paraf", draft)
    initialled = await kasat.expect("diparaf oleh", document=True)
    text = pdf_text(initialled.document.content)
    assert NEW_SEKRETARIS[0] in text and format_nip(NEW_SEKRETARIS[1]) in text  # NIP as printed

    # The earlier quarter's signed PDF still names the old official, and verifying it does too.
    code = re.search(r"LKJ-\w{4}-\w{4}-\w{4}", pdf_text(signed))
    assert code is not None
    stranger = SimUser(emu, 5999, "Auditor Inspektorat", started=False)
    stranger.say(f"/verifikasi {code.group(0)}")
    verified = await stranger.expect("dikenal")
    assert old.name in verified.text and "pengguna" not in verified.text

    # Every change is in the audit log.
    log = AuditLog.for_unit_year(settings.lkj_data_dir, people.unit.code, 2026)
    actions = [e["action"] for e in log.entries()]
    assert "mutasi_ganti" in actions


async def test_a_member_without_open_work_is_removed_at_once(bot, emu, people, settings):
    kasubbag = people.kasubbag
    newcomer = SimUser(emu, 5004, NEW_MEMBER[0], started=False)
    await playbook.join(newcomer, await playbook.invite(kasubbag, "Tim Kerja"), NEW_MEMBER)
    await kasubbag.expect("telah bergabung")

    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Keluarkan {NEW_MEMBER[0]}", listing)
    confirm = await kasubbag.expect("Aksesnya berakhir seketika")
    await kasubbag.tap("Ya, keluarkan", confirm)
    assert "tidak lagi terdaftar" in (await newcomer.expect("Terima kasih")).text
    await kasubbag.expect(f"{NEW_MEMBER[0]} telah dikeluarkan")

    newcomer.say("/status")
    await newcomer.expect("belum terdaftar")
    assert emu.commands(chat_scope(newcomer.user_id)) == []
    kasubbag.say("/mutasi")
    assert f"Keluarkan {NEW_MEMBER[0]}" not in (await kasubbag.expect("Mutasi pegawai")).buttons

    log = AuditLog.for_unit_year(settings.lkj_data_dir, people.unit.code, 2026)
    removal = next(e for e in log.entries() if e["action"] == "mutasi_keluar")
    assert removal["actor"] == kasubbag.user_id
    assert removal["detail"]["member"] == newcomer.user_id


async def test_the_administrators_successor_administers(bot, emu, people):
    kasubbag = people.kasubbag
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Ganti Kasubbag ({kasubbag.name})", listing)
    code = playbook.invitation_code((await kasubbag.expect("dan pengelola unit")).text)
    successor = SimUser(emu, 5003, "Dewi Lestari, S.E.", started=False)
    await playbook.join(
        successor, code, ("Dewi Lestari, S.E.", "198504042010012004", "Kepala Subbagian Program")
    )
    await kasubbag.expect("tidak lagi terdaftar")
    successor.say("/mutasi")
    listing = await successor.expect("Mutasi pegawai")
    assert "Ganti Kasubbag (Dewi Lestari, S.E.)" in listing.buttons
    await emu.settle(quiet=0.3)
    assert "mutasi" in [c["command"] for c in emu.commands(chat_scope(successor.user_id))]
    kasubbag.say("/mutasi")
    await kasubbag.expect("belum terdaftar")
