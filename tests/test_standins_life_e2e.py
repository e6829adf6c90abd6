"""An office's life never strands a stand-in, through the emulator: the start-date picker
offers today and the next five working days; ending an appointment that has not begun
cancels it (shown as "dibatalkan", the stand-in told, the day free for a new one); someone who
leaves the unit takes their appointments along (as the stand-in or as the holder), and the
other official is told."""

from __future__ import annotations

import pytest

from demo import playbook
from emulator.users import SimUser
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import StandInRepository
from tests.test_standins_e2e import appoint, arrived

NEW_SEKRETARIS = ("Dra. Rina Marlina, M.M.", "197802142003122005", "Sekretaris")


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.1})


async def test_the_picker_offers_working_days_and_a_plh_not_begun_is_cancelled(
    bot, emu, people, settings, clock
):
    # A member stands in (the Sekretaris may not: she initials what the Kasat signs).
    kasat, sek = people.kasat, people.team[0]
    # Monday 5 October 2026: today and the next five working days, none skipped.
    kasat.say("/plh")
    listing = await kasat.expect("Plh/Plt —")
    await kasat.tap(f"Tunjuk Plh. Kasat ({kasat.name})", listing)
    await kasat.tap(f"{sek.name} (Tim Kerja)", await kasat.expect("Pilih pejabat"))
    pick = await kasat.expect("Mulai tanggal berapa")
    days = [b for b in pick.buttons if "Oktober" in b]
    assert days == [
        "Senin, 5 Oktober 2026",
        "Selasa, 6 Oktober 2026",
        "Rabu, 7 Oktober 2026",
        "Kamis, 8 Oktober 2026",
        "Jumat, 9 Oktober 2026",
        "Senin, 12 Oktober 2026",
    ]
    await kasat.tap("Rabu, 7 Oktober 2026", pick)
    await kasat.expect("Sampai dengan tanggal berapa")
    # An end before the start is refused as it is typed; the form waits for another date.
    kasat.say("06-10-2026")
    refused = await kasat.expect("tidak boleh sebelum tanggal mulai")
    assert "Selasa, 6 Oktober 2026" in refused.text and "Rabu, 7 Oktober 2026" in refused.text
    kasat.say("08-10-2026")
    await kasat.tap("Kirim", await kasat.expect("Mohon periksa kembali"))
    await kasat.expect("ditunjuk sebagai")
    await sek.expect("Anda ditunjuk sebagai")

    # Ended before it begins: cancelled. The stand-in is told; the list shows it as
    # "dibatalkan", no longer scheduled and without its Akhiri.
    kasat.say("/plh")
    listing = await kasat.expect("Plh/Plt —")
    assert "(terjadwal)" in listing.text
    answer = await kasat.tap(f"Akhiri Plh. Kasat: {sek.name}", listing)
    assert "dibatalkan" in answer["text"]
    told = await sek.expect("dibatalkan oleh")
    assert kasat.name in told.text and "Rabu, 7 Oktober 2026" in told.text
    kasat.say("/plh")
    listing = await kasat.expect("Plh/Plt —")
    assert "(dibatalkan)" in listing.text and "(terjadwal)" not in listing.text
    assert not [b for b in listing.buttons if b.startswith("Akhiri")]

    # The same day again: accepted, and the list shows one Plh.
    await appoint(
        kasat,
        f"Tunjuk Plh. Kasat ({kasat.name})",
        f"{sek.name} (Tim Kerja)",
        "Rabu, 7 Oktober 2026",
        "07-10-2026",
    )
    await kasat.tap("Kirim")
    await kasat.expect("ditunjuk sebagai")
    kasat.say("/plh")
    listing = await kasat.expect("Plh/Plt —")
    assert listing.text.count("(terjadwal)") == 1
    assert len([b for b in listing.buttons if b.startswith("Akhiri")]) == 1

    # Wednesday: the new one starts; the cancelled one is never announced as ended.
    mark = len(sek.received())
    clock.advance(days=2, hours=1)
    await emu.settle(quiet=0.5)
    assert not [m for m in sek.received()[mark:] if "berakhir" in m.text]

    entries = list(AuditLog.for_unit_year(settings.lkj_data_dir, people.unit.code, 2026).entries())
    assert [e["action"] for e in entries if e["action"].startswith("plh_")] == [
        "plh_tunjuk",
        "plh_batal",
        "plh_tunjuk",
    ]
    kept = StandInRepository(Database(settings.lkj_data_dir)).all()
    assert len(kept) == 2 and sum(p.cancelled for p in kept) == 1  # kept on record


async def test_who_leaves_takes_their_appointments_along_and_the_other_is_told(
    bot, emu, people, settings, clock
):
    kasat, sek, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    member, other = people.team
    # A member stands in for the Kasat today; another is scheduled for the Sekretaris.
    await appoint(
        kasubbag,
        f"Tunjuk Plh. Kasat ({kasat.name})",
        f"{member.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "06-10-2026",
    )
    await kasubbag.tap("Kirim")
    await kasubbag.expect("ditunjuk sebagai")
    await appoint(
        kasubbag,
        f"Tunjuk Plh. Sekretaris ({sek.name})",
        f"{other.name} (Tim Kerja)",
        "Senin, 12 Oktober 2026",
        "13-10-2026",
    )
    await kasubbag.tap("Kirim")
    await kasubbag.expect("ditunjuk sebagai")

    # The stand-in is removed: the appointment ends now and the Kasat is told why.
    mark = len(kasat.received())
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Keluarkan {member.name}", listing)
    await kasubbag.tap("Ya, keluarkan", await kasubbag.expect("Aksesnya berakhir seketika"))
    await kasubbag.expect("telah dikeluarkan")
    told = await arrived(kasat, mark, "tidak lagi terdaftar pada unit kerja ini")
    assert "berakhir" in told.text and member.name in told.text
    # The Kasat acts again: his own /mulai is no longer refused for a Plh.
    mark = len(kasat.received())
    kasat.say("/mulai")
    await arrived(kasat, mark, "Pilih triwulan")

    # The Sekretaris is replaced: the scheduled Plh. Sekretaris is cancelled, its stand-in told.
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Ganti Sekretaris ({sek.name})", listing)
    code = playbook.invitation_code((await kasubbag.expect("Penggantian")).text)
    successor = SimUser(emu, 5002, NEW_SEKRETARIS[0])
    await playbook.join(successor, code, NEW_SEKRETARIS)
    told = await other.expect("tidak lagi terdaftar pada unit kerja ini")
    assert "dibatalkan" in told.text and sek.name in told.text

    # Nothing is left to block the posts: a new Plh. Kasat for today is accepted.
    kasubbag.say("/plh")
    listing = await kasubbag.expect("Plh/Plt —")
    assert "(sedang berlaku)" not in listing.text and "(terjadwal)" not in listing.text
    await appoint(
        kasubbag,
        f"Tunjuk Plh. Kasat ({kasat.name})",
        f"{other.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "06-10-2026",
    )
    await kasubbag.tap("Kirim")
    await kasubbag.expect("ditunjuk sebagai")

    entries = list(AuditLog.for_unit_year(settings.lkj_data_dir, people.unit.code, 2026).entries())
    ended = next(e for e in entries if e["action"] == "plh_akhiri")
    assert ended["detail"]["alasan"] == "mutasi" and ended["detail"]["keluar"] == member.user_id
    cancelled = next(e for e in entries if e["action"] == "plh_batal")
    assert cancelled["detail"]["pelaksana"] == other.user_id
    assert cancelled["detail"]["keluar"] == sek.user_id
