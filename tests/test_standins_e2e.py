"""Stand-ins (Plh/Plt) through the emulator: the Kasat appoints the Sekretaris as Plh once a
Plh. Sekretaris initials in her place (segregation of duties: one person never initials and
signs one report version), she signs; the range ends by itself; a Plt fills a vacant post; bad
appointments are refused and change nothing."""

from __future__ import annotations

import asyncio
import io
import re

import pytest
from pypdf import PdfReader

from demo import playbook
from domain.text import format_nip
from emulator.users import SimUser
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import RosterRepository, StandInRepository
from tests.test_menu_e2e import chat_scope, menus_settled

KASAT_POST = "KEPALA SATUAN POLISI PAMONG PRAJA KOTA BANDUNG"
SIGNED_POST = "Kepala Satuan Polisi Pamong Praja Kota Bandung"  # the Kasat's jabatan
SEK_POST = "Sekretaris Satuan Polisi Pamong Praja"


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.1})


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def signature_block(text: str) -> re.Match:
    """The signature block as read back: the jabatan line, then the name and NIP."""
    found = re.search(
        r"((?:Pl[ht]\. )?KEPALA SATUAN [A-Z ]+), DITANDATANGANI SECARA ELEKTRONIK MELALUI "
        r"LKJ-BOT pada .+? (WIB) (.+?) NIP\. (\d{8} \d{6} \d \d{3})",
        text,
    )
    assert found is not None, text[-1500:]
    return found


async def arrived(user: SimUser, since: int, needle: str, document: bool | None = None):
    """The first message to ``user`` after the first ``since`` that contains ``needle``,
    whatever else arrived before or after it (the tick and a handler may both be sending)."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + 60
    while True:
        for message in user.received()[since:]:
            if needle in message.text and (document is None or bool(message.document) == document):
                return message
        if loop.time() > deadline:
            raise TimeoutError(f"{user.name} never got {needle!r}")
        await asyncio.sleep(0.05)


def paraf_block(text: str) -> str:
    found = re.search(r"DIPARAF MELALUI LKJ-BOT (.+?) NIP\.", text)
    assert found is not None
    return found.group(1)


async def appoint(user: SimUser, button: str, stand_in: str, start: str, end: str):
    """/plh → the post → the stand-in → the first day → the last day typed → the summary."""
    user.say("/plh")
    listing = await user.expect("Plh/Plt —")
    await user.tap(button, listing)
    pick = await user.expect("Pilih pejabat yang ditunjuk")
    offered = list(pick.buttons)  # the buttons are edited away once one is chosen
    await user.tap(stand_in, pick)
    await user.tap(start, await user.expect("Mulai tanggal berapa"))
    await user.expect("Sampai dengan tanggal berapa")
    user.say(end)
    return offered, await user.expect("Mohon periksa kembali")


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


async def test_the_sekretaris_as_plh_signs_what_her_own_plh_initialled_then_the_range_ends(
    bot, emu, people, settings, clock
):
    """Segregation of duties holds for stand-ins: the Sekretaris initials, so she may stand in
    for the Kasat (who signs) only while a Plh. Sekretaris initials in her place; a version she
    initialled herself she may not sign."""
    kasat, sek, kasubbag, rina = people.kasat, people.sekretaris, people.kasubbag, people.team[0]
    # Triwulan III waits for the Sekretaris's paraf; Triwulan II, initialled, for the Kasat.
    await play_to_paraf(people, clock, 3)
    q3_draft = await sek.expect("diajukan oleh Kasubbag", document=True)
    await play_to_paraf(people, clock, 2)
    await playbook.paraf(people)
    q2_for_kasat = await kasat.expect("diparaf oleh", document=True)
    assert "Tandatangani" in q2_for_kasat.buttons
    assert "mulai" not in [c["command"] for c in emu.commands(chat_scope(sek.user_id))]

    # The Kasat may not take the Sekretaris as Plh. while she initials: she is not offered,
    # and the reason is shown; nor are the holder himself and the Kasubbag, who makes it.
    kasat.say("/plh")
    await kasat.tap(f"Tunjuk Plh. Kasat ({kasat.name})", await kasat.expect("Plh/Plt —"))
    pick = await kasat.expect("Pilih pejabat yang ditunjuk")
    assert [b for b in pick.buttons] == [f"{m.name} (Tim Kerja)" for m in people.team]
    assert "Tidak dapat ditunjuk" in pick.text
    assert f"{sek.name} (Sekretaris): menjalankan tahap 6" in pick.text
    assert f"{kasubbag.name} (Kasubbag): menjalankan tahap 5" in pick.text

    # So the Sekretaris first appoints Rina as her Plh. for Monday 5 October ...
    offered, _ = await appoint(
        sek,
        f"Tunjuk Plh. Sekretaris ({sek.name})",
        f"{rina.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "05-10-2026",
    )
    assert (
        f"{sek.name} (Sekretaris)" not in offered and f"{kasubbag.name} (Kasubbag)" not in offered
    )
    await sek.tap("Kirim")
    await sek.expect("ditunjuk sebagai")
    # ... and the Kasat, going on dinas luar today, the Sekretaris as Plh. Kasat.
    offered, _ = await appoint(
        kasat,
        f"Tunjuk Plh. Kasat ({kasat.name})",
        f"{sek.name} (Sekretaris)",
        "Senin, 5 Oktober 2026",
        "05-10-2026",
    )
    # Only the unit's other people are offered: never the holder himself.
    assert f"{kasat.name} (Kasat)" not in offered
    assert f"{kasubbag.name} (Kasubbag)" not in offered
    mark = len(sek.received())
    await kasat.tap("Kirim")
    done = await kasat.expect("ditunjuk sebagai")
    assert "Plh. Kasat" in done.text and "Senin, 5 Oktober 2026" in done.text
    assert "(1 hari kerja)" in done.text
    # (the start of the range may be announced by the handler or by the tick: in any order)
    told = await arrived(sek, mark, "Anda ditunjuk sebagai")
    assert "Plh. Kepala Satuan Polisi Pamong Praja Kota Bandung" in told.text
    # The range covers now: the Plh gets the post's open task, with its buttons, and the
    # Kasat's commands (/mulai) in the menu.
    q2_for_plh = await arrived(sek, mark, "tugas Anda pada tahap 7", document=True)
    assert "Tandatangani" in q2_for_plh.buttons
    menus = await menus_settled(emu, [sek.user_id])
    assert "mulai" in menus[sek.user_id]

    # /status names who holds the step, in the capacity they hold it.
    mark = len(kasat.received())
    kasat.say("/status")
    status = await arrived(kasat, mark, "Triwulan II Tahun 2026")
    assert f"Pemegang: {sek.name} (Plh. Kasat)" in status.text

    # The Kasat's own Tandatangani is refused while he is represented, with the way back.
    refused = (await kasat.tap("Tandatangani", q2_for_kasat))["text"]
    assert "dijalankan oleh" in refused and sek.name in refused and "/plh" in refused
    mark = len(kasat.received())
    kasat.say("/mulai")  # so is starting a quarter (the Plh starts it)
    assert sek.name in (await arrived(kasat, mark, "dijalankan oleh")).text
    # Triwulan II was initialled by the Sekretaris herself: she may not sign it as Plh.
    refused = (await sek.tap("Tandatangani", q2_for_plh))["text"]
    assert "Pemisahan tugas" in refused and "tahap 6" in refused

    # Triwulan III: Rina initials it as Plh. Sekretaris (the Sekretaris's button is refused)
    refused = (await sek.tap("Paraf", q3_draft))["text"]
    assert "dijalankan oleh" in refused and rina.name in refused
    # (she got the post's open task when her range began)
    q3_for_rina = await arrived(rina, 0, "tugas Anda pada tahap 6", document=True)
    mark = len(sek.received())
    await playbook.tap_through(rina, "Paraf", q3_for_rina)
    # ... the hand-off names her capacity ...
    initialled = await arrived(sek, mark, "diparaf oleh", document=True)
    assert "Tandatangani" in initialled.buttons
    assert f"diparaf oleh {rina.name} (Plh. {SEK_POST})" in initialled.text
    # ... and the Sekretaris signs it as Plh. Kasat (two taps).
    await sek.tap("Tandatangani", initialled)
    await playbook.tap_through(sek, "Ya, tandatangani", initialled)
    signed = await kasat.expect("Triwulan III Tahun 2026 telah ditandatangani", document=True)
    # The notice to the whole unit names the capacity of the signature.
    assert f"ditandatangani oleh {sek.name} (Plh. {SIGNED_POST})" in signed.text
    to_member = await people.team[1].expect("Triwulan III Tahun 2026 telah ditandatangani")
    assert f"oleh {sek.name} (Plh. {SIGNED_POST})" in to_member.text
    text = pdf_text(signed.document.content)
    block = signature_block(text)
    assert block.group(1) == f"Plh. {KASAT_POST}"
    assert block.group(3) == sek.name and block.group(4) == "19720315 199803 2 005"
    # each act by its own person, in its own capacity
    assert paraf_block(text) == f"Plh. {SEK_POST} {rina.name}"
    # The SOP appendix names both acts in their capacity, with the post.
    # (the appendix prints its moments as "05-10-2026" with the time below)
    row7 = re.search(r"7 Memeriksa dan menandatangani laporan kinerja (.+?) 05-10-2026", text)
    assert row7 is not None
    assert row7.group(1) == f"Plh. Kasat {sek.name}, Plh. {SIGNED_POST}"
    row6 = re.search(r"6 Mengoreksi laporan kinerja dan memberikan paraf (.+?) 05-10-2026", text)
    assert row6 is not None
    assert row6.group(1).startswith(f"Plh. Sekretaris {rina.name}, Plh. {SEK_POST}")
    # An auditor outside the unit verifying the code sees the capacity too.
    code = re.search(r"LKJ-\w{4}-\w{4}-\w{4}", text)
    assert code is not None
    auditor = SimUser(emu, 5999, "Auditor Inspektorat")
    auditor.say(f"/verifikasi {code.group(0)}")
    verified = await auditor.expect("dikenal")
    assert f"{sek.name} (Plh. Kepala Satuan Polisi Pamong Praja Kota Bandung)" in verified.text
    # A member of the unit gets the whole chain: each act in its own capacity, with the post.
    kasubbag.say(f"/verifikasi {code.group(0)}")
    chain = await kasubbag.expect("Rangkaian proses")
    assert f"• Paraf: {rina.name} (Plh. {SEK_POST})" in chain.text
    assert f"• Tanda tangan: {sek.name} (Plh. {SIGNED_POST})" in chain.text
    assert f"atas tindakan {sek.name} (Plh. {SIGNED_POST})" in chain.text

    # The audit names both officials: the stand-in who acted and the holder represented.
    log = AuditLog.for_unit_year(settings.lkj_data_dir, people.unit.code, 2026)
    entries = list(log.entries())
    appointed = [e for e in entries if e["action"] == "plh_tunjuk"][-1]
    assert appointed["actor"] == kasat.user_id
    assert appointed["detail"]["pelaksana"] == sek.user_id
    assert appointed["detail"]["pemegang"] == kasat.user_id
    sign = next(e for e in entries if e["cycle"] == "satpolpp-bdg:2026:3" and e["from_step"] == 7)
    assert sign["actor"] == sek.user_id
    assert sign["detail"] == {
        "catatan": "",
        "sebagai": "Plh.",
        "jabatan": "kasat",
        "pemegang": kasat.user_id,
        "penunjukan": appointed["detail"]["penunjukan"],
    }
    paraf = next(e for e in entries if e["cycle"] == "satpolpp-bdg:2026:3" and e["from_step"] == 6)
    assert paraf["actor"] == rina.user_id and paraf["detail"]["sebagai"] == "Plh."
    assert paraf["detail"]["pemegang"] == sek.user_id
    assert any(
        e.get("outcome") == "refused" and e["actor"] == kasat.user_id and "Plh" in e["reason"]
        for e in entries
    )

    # Tuesday: the range has ended by itself. Both are told, the Kasat gets Triwulan II back
    # with its buttons and its overdue notice; the Plh's button is refused.
    seen_by_sek, seen_by_kasat = len(sek.received()), len(kasat.received())
    clock.advance(hours=18, minutes=20)
    await arrived(kasat, seen_by_kasat, "berakhir sesuai rentang tanggalnya")
    await arrived(sek, seen_by_sek, "berakhir sesuai rentang tanggalnya")
    back = await arrived(kasat, seen_by_kasat, "tugas Anda pada tahap 7", document=True)
    assert "Tandatangani" in back.buttons
    await arrived(kasat, seen_by_kasat, "Batas waktu terlampaui")
    await emu.settle(quiet=0.3)
    assert not [m for m in sek.received()[seen_by_sek:] if "Batas waktu terlampaui" in m.text]
    refused = (await sek.tap("Tandatangani", q2_for_plh))["text"]
    assert "hanya dapat dilakukan oleh Kasat" in refused
    menus = await menus_settled(emu, [sek.user_id])
    assert "mulai" not in menus[sek.user_id]

    await kasat.tap("Tandatangani", back)
    await playbook.tap_through(kasat, "Ya, tandatangani", back)
    q2 = await arrived(
        kasat, seen_by_kasat, "Triwulan II Tahun 2026 telah ditandatangani", document=True
    )
    block = signature_block(pdf_text(q2.document.content))
    assert block.group(1) == KASAT_POST and block.group(3) == kasat.name


def vacant_kasat_unit(data_dir, unit) -> None:
    """The store of a unit whose Kasat post is vacant (a unit still being set up)."""
    people = [p for p in unit.people if p.role.value != "kasat"]
    raw = {
        "code": unit.code,
        "name": unit.name,
        "city": unit.city,
        "address": unit.address,
        "timezone": unit.timezone,
        "people": [
            {**p.to_dict(), "telegram_id": p.user_id, "admin": p.role.value == "kasubbag"}
            for p in people
        ],
    }
    for person in raw["people"]:
        del person["user_id"], person["unit"]
    db = Database(data_dir)
    RosterRepository(db).replace({"unit": [raw]})
    db.close()


@pytest.fixture
def settings_vacant(settings, tmp_path, people):
    vacant_kasat_unit(settings.lkj_data_dir, people.unit)
    return settings.model_copy(update={"lkj_roster": tmp_path / "tidak-ada.toml"})


async def test_bad_appointments_are_refused_then_a_plt_fills_the_vacant_post(
    emu, settings_vacant, clock, people
):
    from tests.conftest import BotRunner

    runner = BotRunner(settings_vacant, clock)
    await runner.start()
    try:
        await _vacant_post(emu, settings_vacant, people)
    finally:
        await runner.stop()


async def _vacant_post(emu, settings, people) -> None:
    sek, kasubbag, member = people.sekretaris, people.kasubbag, people.team[1]
    plt = people.team[0]  # the Sekretaris initials, so she may not stand in for the signer
    plt_nip = format_nip(people.unit.person(plt.user_id).nip)
    data = settings.lkj_data_dir

    # Nobody acts as Kasat: the quarter cannot start.
    sek.say("/mulai")
    await sek.expect("Peran yang belum terisi: Kasat")
    # A member may not appoint; the administrator is offered a Plt. for the vacant post.
    member.say("/plh")
    await member.expect("hanya dapat dilakukan oleh Kasat, Sekretaris atau Kasubbag")

    # An unreadable date is asked again; an end before the start is refused as it is typed,
    # and the form stays for another date.
    kasubbag.say("/plh")
    listing = await kasubbag.expect("Belum ada penunjukan")
    assert "Tunjuk Plt. Kasat (jabatan lowong)" in listing.buttons
    await kasubbag.tap("Tunjuk Plt. Kasat (jabatan lowong)", listing)
    pick = await kasubbag.expect("Pilih pejabat")
    assert f"{sek.name} (Sekretaris)" not in pick.buttons
    assert f"{sek.name} (Sekretaris): menjalankan tahap 6" in pick.text
    assert f"{kasubbag.name} (Kasubbag): Anda sendiri" in pick.text
    await kasubbag.tap(f"{plt.name} (Tim Kerja)", pick)
    await kasubbag.tap("Senin, 5 Oktober 2026", await kasubbag.expect("Mulai tanggal"))
    await kasubbag.expect("Sampai dengan tanggal berapa")
    kasubbag.say("besok lusa")
    await kasubbag.expect("tidak dapat dibaca")
    kasubbag.say("2 Oktober 2026")
    refused = await kasubbag.expect("tidak boleh sebelum tanggal mulai")
    assert "Jumat, 2 Oktober 2026" in refused.text and "Senin, 5 Oktober 2026" in refused.text
    assert "Mohon periksa kembali" not in refused.text and not refused.buttons
    kasubbag.say("6 Oktober 2026")
    summary = await kasubbag.expect("Mohon periksa kembali")
    assert "Selasa, 6 Oktober 2026" in summary.text and plt.name in summary.text
    await kasubbag.tap("Batal", summary)
    await kasubbag.expect("Isian dibatalkan")
    assert StandInRepository(Database(data)).all() == []

    # A stand-in who has left the unit by the time of Kirim is refused too.
    _, summary = await appoint(
        kasubbag,
        "Tunjuk Plt. Kasat (jabatan lowong)",
        f"{member.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "09-10-2026",
    )
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Keluarkan {member.name}", listing)
    await kasubbag.tap("Ya, keluarkan", await kasubbag.expect("Aksesnya berakhir seketika"))
    await kasubbag.expect(f"{member.name} telah dikeluarkan")
    await kasubbag.tap("Kirim", summary)
    await kasubbag.expect("bukan anggota satuan kerja ini")
    assert StandInRepository(Database(data)).all() == []
    log = AuditLog.for_unit_year(data, people.unit.code, 2026)
    refusals = [e for e in log.entries() if e.get("action") == "standin"]
    assert len(refusals) == 1 and all(e["outcome"] == "refused" for e in refusals)

    # Rina as Plt. Kasat for the week: the unit is complete, and the Plt disposes.
    await appoint(
        kasubbag,
        "Tunjuk Plt. Kasat (jabatan lowong)",
        f"{plt.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "9 Oktober 2026",
    )
    await kasubbag.tap("Kirim")
    assert "Plt. Kasat" in (await kasubbag.expect("ditunjuk sebagai")).text
    told = await plt.expect("Anda ditunjuk sebagai")
    assert "Plt. Kepala Satuan Polisi Pamong Praja Kota Bandung" in told.text
    assert "jabatan lowong" in told.text

    plt.say("/mulai")
    await plt.tap("TW IV 2026", await plt.expect("Pilih triwulan"))
    await plt.expect("Perjanjian Kinerja")
    plt.upload("Perjanjian_Kinerja_2026.pdf", playbook.SAMPLES.perjanjian_kinerja)
    await plt.expect("Rencana Aksi")
    plt.upload("Rencana_Aksi_2026.pdf", playbook.SAMPLES.rencana_aksi)
    await plt.expect("catatan disposisi")
    plt.say("Mohon disiapkan laporan data kinerja triwulan IV.")
    await plt.expect("Mohon periksa kembali")
    await playbook.tap_through(plt, "Kirim")
    sheet = await sek.expect("Lembar Disposisi", document=True)  # the receiver's
    text = pdf_text(sheet.document.content)
    assert f"Plt. {KASAT_POST}, DIDISPOSISIKAN SECARA ELEKTRONIK" in text
    assert re.search(rf"{re.escape(plt.name)} NIP\. {plt_nip}", text)
    # the sheet names who received the forward, as recorded: the Sekretaris
    assert f"Diteruskan kepada Sekretaris ({sek.name})" in text

    entries = list(AuditLog.for_unit_year(data, people.unit.code, 2026).entries())
    start = next(e for e in entries if e["action"] == "mulai_siklus")
    assert start["actor"] == plt.user_id
    assert start["detail"]["sebagai"] == "Plt." and start["detail"]["pemegang"] is None

    # The administrator ends the Plt. early: both are told, the post is vacant again.
    kasubbag.say("/plh")
    listing = await kasubbag.expect("sedang berlaku")
    assert f"• Plt. Kasat: {plt.name}, Senin, 5 Oktober 2026 s.d. Jumat, 9 Oktober 2026" in (
        listing.text
    )
    await kasubbag.tap(f"Akhiri Plt. Kasat: {plt.name}", listing)
    ended = await plt.expect("diakhiri lebih awal oleh")
    assert f"{kasubbag.name} Tugas" in ended.text  # "M.M." closes the sentence once
    plt.say("/mulai")
    await plt.expect("Peran yang belum terisi: Kasat")
    entries = list(AuditLog.for_unit_year(data, people.unit.code, 2026).entries())
    end = next(e for e in entries if e["action"] == "plh_akhiri")
    assert end["actor"] == kasubbag.user_id and end["detail"]["pelaksana"] == plt.user_id
    kept = StandInRepository(Database(data)).all()
    assert len(kept) == 1 and kept[0].ended_by == kasubbag.user_id  # kept on record


async def test_an_absent_report_maker_gets_a_copy_of_what_the_collection_tells_the_plh(
    bot, emu, people, settings, clock
):
    """While the Kasubbag is away, Dedi as Plh. Kasubbag follows the collection (not the
    Sekretaris, who initials: she may not make the report); the Kasubbag gets each member's
    completion, marked as a copy, without buttons."""
    kasubbag, sek, plh = people.kasubbag, people.sekretaris, people.team[1]
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await appoint(
        kasubbag,
        f"Tunjuk Plh. Kasubbag ({kasubbag.name})",
        f"{plh.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "05-10-2026",
    )
    await kasubbag.tap("Kirim")
    await kasubbag.expect("ditunjuk sebagai")
    mark_plh, mark_kasubbag = len(plh.received()), len(kasubbag.received())
    member = people.team[0]
    await playbook.upload_all(people)
    done = f"{member.name} telah menyerahkan seluruh data"
    original = await arrived(plh, mark_plh, done)
    copy = await arrived(kasubbag, mark_kasubbag, done)
    assert "Tembusan untuk diketahui" in copy.text and plh.name in copy.text
    assert "Tembusan" not in original.text and copy.buttons == []
    # The Plh makes the draft and submits it; the Sekretaris initials it; the Plh and the
    # absent Kasubbag both hear it moved on, with the capacity the Plh made it in.
    await arrived(plh, mark_plh, "telah terkumpul")
    await playbook.tap_through(plh, "Susun draf laporan", plh.with_button("Susun draf laporan"))
    draft = await plh.expect("Draf laporan data kinerja", document=True)
    await plh.tap("Ajukan ke Sekretaris", draft)
    review = await sek.expect("diajukan oleh", document=True)
    mark_kasubbag, mark_plh = len(kasubbag.received()), len(plh.received())
    await playbook.tap_through(sek, "Paraf", review)
    moved_on = await arrived(kasubbag, mark_kasubbag, "Tembusan untuk diketahui")
    assert "telah diparaf oleh" in moved_on.text and moved_on.buttons == []
    await arrived(plh, mark_plh, "telah diparaf oleh")
