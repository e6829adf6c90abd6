"""Issue 15 item 1: a message to the bot while a form is open always says where the person
stands, names /batal, and offers the way on (working buttons)."""

from __future__ import annotations

from demo import playbook
from demo.playbook import SAMPLES
from handlers import texts


async def test_wrong_input_in_an_open_form_names_batal_and_reoffers_the_buttons(bot, people):
    k = people.kasat
    k.say("/mulai")
    period_question = await k.expect("Pilih triwulan")
    k.say("TW III 2026")  # typed instead of tapped
    reply = await k.expect(texts.EXPECT_CHOICE)
    assert "/batal" in reply.text
    again = await k.expect("Pilih triwulan")  # the choice offered again, with buttons
    assert "TW III 2026" in again.buttons and again.message_id != period_question.message_id
    await k.tap("TW III 2026", again)
    await k.expect("Perjanjian Kinerja")
    k.say("ini bukan berkas")
    reply = await k.expect("sebagai berkas dokumen")
    assert "/batal" in reply.text
    k.upload("Perjanjian_Kinerja_2026.pdf", SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("Rencana_Aksi_2026.pdf", SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    k.say(playbook.DISPOSISI_KASAT)
    first_summary = await k.expect("Mohon periksa kembali")

    k.say("sudah?")  # a message while the summary waits for Kirim
    reply = await k.expect("menunggu Anda menekan")
    assert "/batal" in reply.text and "Disposisi penyusunan laporan kinerja" in reply.text
    fresh = await k.expect("Mohon periksa kembali")
    assert fresh.message_id != first_summary.message_id and "Kirim" in fresh.buttons
    # Kirim renders the Lembar Disposisi: answered at once, the outcome in the progress note.
    assert await playbook.tap_through(k, "Kirim", fresh) == texts.FORM_SENT
    await k.expect("telah dikirim kepada")
    await people.sekretaris.wait_button("Teruskan ke Kasubbag")
    # the older summary's Kirim is revoked with the form: a second press changes nothing
    rows = first_summary.markup["inline_keyboard"]
    data = next(b["callback_data"] for row in rows for b in row if b["text"] == "Kirim")
    again = await k.tap_raw(first_summary, data)
    assert again["text"] == texts.BUTTON_STALE
