"""Bad input gets a clear Indonesian message and changes nothing (through the emulator)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from demo import playbook
from demo.playbook import SAMPLES
from domain.models import FILED
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository
from tests.factories import JAKARTA, exe_bytes, pdf_bytes


def stored_files(settings) -> list:
    root = settings.lkj_data_dir / "files"
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def cycle_of(settings):
    return CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)


async def test_stranger_is_told_whom_to_ask(bot, stranger):
    stranger.say("/start")
    reply = await stranger.next()
    assert "belum terdaftar" in reply.text
    assert "9999" in reply.text and "Agus Priyatna" in reply.text
    stranger.say("/mulai")
    assert "belum terdaftar" in (await stranger.next()).text


async def test_wrong_role_unknown_command_and_stray_input(bot, people, settings):
    member = people.team[0]
    member.say("/mulai")
    assert "hanya dapat digunakan oleh Kasat" in (await member.next()).text
    member.say("/laporkan")
    assert "Perintah tidak dikenal" in (await member.next()).text
    member.say("halo")
    assert "tidak ada isian yang ditunggu" in (await member.next()).text
    member.upload("data.pdf", pdf_bytes())
    assert "tidak ada berkas yang diminta" in (await member.next()).text
    assert stored_files(settings) == []
    assert cycle_of(settings) is None


async def test_bad_files_while_a_document_is_expected(bot, people, emu, settings):
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    await k.expect("Perjanjian Kinerja")

    k.say("ini teks, bukan berkas")
    assert "sebagai berkas dokumen" in (await k.next()).text
    k.upload("program.exe", exe_bytes())
    assert "tidak diterima" in (await k.next()).text
    k.upload("Perjanjian_Kinerja.pdf", exe_bytes())  # a renamed executable
    assert "bukan berkas PDF yang sah" in (await k.next()).text
    k.upload("foto.png", pdf_bytes())  # an accepted type, wrong content
    assert "bukan berkas PNG yang sah" in (await k.next()).text
    get_file_calls = len(emu.calls_to("getFile"))
    k.upload("besar.pdf", b"", declared_size=25 * 1024 * 1024)
    assert "terlalu besar" in (await k.next()).text
    assert len(emu.calls_to("getFile")) == get_file_calls  # refused before any download
    k.upload("kosong.pdf", b"")
    assert "kosong" in (await k.next()).text
    assert stored_files(settings) == []

    # The form is still waiting for the same document.
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    assert "Rencana Aksi" in (await k.next()).text
    assert len(stored_files(settings)) == 1


async def test_forged_foreign_and_stale_buttons(bot, people, emu, settings):
    await playbook.start_cycle(people, 3, 2026)
    s, k = people.sekretaris, people.kasubbag
    task = await s.wait_button("Teruskan ke Kasubbag")
    token = task.reply_markup[0][0][1]

    # Somebody else's button, replayed from the Kasubbag's chat.
    k.say("/bantuan")
    help_msg = await k.next()
    answer = await k.tap_raw(help_msg, token)
    assert answer["text"] == "Tombol ini bukan untuk Anda."
    # Forged and unknown data.
    assert "tidak berlaku" in (await s.tap_raw(task, "b:AAAAAAAAAAAAAAAA"))["text"]
    assert "tidak dikenal" in (await s.tap_raw(task, "paraf:satpolpp-bdg:2026:3"))["text"]
    assert cycle_of(settings).step == 2

    await playbook.forward(people)
    # The Teruskan button is gone; replaying its token after the step moved is refused.
    assert emu.message(s.user_id, task.message_id).buttons == []
    answer = await s.tap_raw(task, token)
    assert "sudah diproses" in answer["text"] or "tidak berlaku" in answer["text"]
    cycle = cycle_of(settings)
    assert cycle.step == 3 and len(cycle.dispositions) == 2


async def test_double_tap_on_paraf_is_one_decision(bot, people, emu, settings):
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    await playbook.build_and_submit(people)
    review = await people.sekretaris.expect("diajukan oleh Kasubbag", document=True)
    paraf_button = review.reply_markup[0][0][1]
    first = emu.press_raw(people.sekretaris.user_id, review.message_id, paraf_button)
    second = emu.press_raw(people.sekretaris.user_id, review.message_id, paraf_button)
    answers = [await emu.wait_callback_answer(q, 60) for q in (first, second)]
    # Both are answered at once: the first renders; the second either waited for it (then
    # its refusal follows in chat) or came after it finished (then the refusal is its answer).
    assert answers[0]["text"] == texts.PRESS_RENDERING
    assert await playbook.press_outcome(people.sekretaris) == "Paraf dicatat."
    if answers[1]["text"] == texts.PRESS_WAIT:
        refusal = await people.sekretaris.expect("sudah diproses")
        assert refusal.message_id > review.message_id
    else:
        assert "sudah diproses" in answers[1]["text"]
    cycle = cycle_of(settings)
    assert [d.kind for d in cycle.decisions] == ["paraf"]
    assert [h.action for h in cycle.history].count("paraf") == 1
    await people.kasat.expect("diparaf oleh", document=True)
    await emu.settle()
    assert len([m for m in people.kasat.received() if "diparaf oleh" in m.text]) == 1


async def test_mulai_offers_only_quarters_that_can_start_and_says_why(bot, people, settings, clock):
    k = people.kasat
    # Monday 5 October 2026: TW IV 2026 has begun, nothing runs yet.
    k.say("/mulai")
    first = await k.expect("Pilih triwulan")
    assert first.buttons == [f"TW {r} {y}" for y in (2025, 2026) for r in ("I", "II", "III", "IV")]
    assert "Tidak dapat dimulai" not in first.text
    k.say("/batal")
    await k.expect("dibatalkan")

    await playbook.start_cycle(people, 3, 2026)
    clock.advance(days=1)
    k.say("/mulai")
    offer = await k.expect("Pilih triwulan")
    assert "TW III 2026" not in offer.buttons and "TW IV 2026" in offer.buttons
    assert "TW III 2026: siklusnya sedang berjalan pada tahap 2" in offer.text
    # Asked before any of the other inputs: the form has not gone further.
    assert not [m for m in k.received() if "Kirimkan berkas <b>Perjanjian" in m.text][1:]
    k.say("/batal")
    await k.expect("dibatalkan")
    assert len(cycle_of(settings).history) == 1


async def test_mulai_in_january_names_the_quarters_not_begun_and_signed(
    runner, people, settings, clock
):
    """A signed quarter and the quarters still ahead are listed with their reasons."""
    clock.current = datetime(2027, 1, 4, 8, 0, tzinfo=JAKARTA)
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    await runner.stop()
    db = Database(settings.lkj_data_dir)  # as if the quarter had been played to its end
    repo = CycleRepository(db)
    repo.save(replace(repo.get("satpolpp-bdg", 2026, 4), status=FILED))
    db.close()
    await runner.start()
    k = people.kasat
    k.say("/mulai")
    offer = await k.expect("Pilih triwulan")
    assert offer.buttons == ["TW I 2026", "TW II 2026", "TW III 2026", "TW I 2027"]
    assert "TW IV 2026: laporannya sudah ditandatangani dan diarsipkan" in offer.text
    for later in ("TW II 2027", "TW III 2027", "TW IV 2027"):
        assert f"{later}: triwulan ini belum dimulai" in offer.text


async def test_markup_in_notes_is_shown_literally(bot, people):
    note = "<b>Penting</b> & <script>alert(1)</script> data TW III"
    await playbook.start_cycle(people, 3, 2026, note=note)
    task = await people.sekretaris.expect("Disposisi Triwulan III")
    assert note in task.text


async def test_half_filled_form_survives_a_restart(runner, people, settings):
    await runner.start()
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    await runner.stop()
    await runner.start()
    k.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say("Setelah restart")
    await k.tap("Kirim", await k.expect("Mohon periksa kembali"))
    await k.expect("telah dikirim kepada")
    assert cycle_of(settings).step == 2


async def test_an_update_delivered_twice_is_acted_on_once(runner, emu, people, settings):
    await runner.start()
    k = people.kasat
    k.say("/mulai")
    await k.tap("TW III 2026", await k.expect("Pilih triwulan"))
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say("Catatan pertama")
    await k.expect("Mohon periksa kembali")
    await runner.stop()
    # The last two updates (the RA upload and the note) arrive again after the restart.
    emu.redeliver(2)
    await runner.start()
    await emu.settle(quiet=0.5)
    assert [m for m in emu.unread(k.user_id)] == []
    answer = await k.tap("Kirim")
    assert answer["text"] == texts.PRESS_RENDERING
    assert await playbook.press_outcome(k) == "Terkirim."
    cycle = cycle_of(settings)
    assert cycle.dispositions[0].note == "Catatan pertama"
    assert [d.name for d in cycle.documents] == [
        "Perjanjian_Kinerja_2026.pdf",
        "Rencana_Aksi_2026.pdf",
    ]
