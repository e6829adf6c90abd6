"""The whole quarterly cycle in chat, end to end, through the Bot API emulator over HTTP,
on both backends (TinyDB files and PostgreSQL)."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from demo import playbook
from demo.playbook import SAMPLES
from domain.models import FILED
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository


@pytest.fixture
def store_url(database_url: str | None) -> str | None:
    return database_url


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    # Table cells wrap; compare on single-spaced text.
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_whole_cycle_with_one_return(bot, emu, people, settings, clock):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag

    # Everyone learns their role.
    for user, role in (
        (kasat, "Kasat"),
        (sekretaris, "Sekretaris"),
        (kasubbag, "Kasubbag"),
        (people.team[0], "Tim Kerja"),
    ):
        user.say("/start")
        assert f"sebagai {role}" in (await user.expect("Selamat datang")).text

    # Step 1: the Kasat disposes, with the Perjanjian Kinerja and Rencana Aksi.
    await playbook.start_cycle(
        people, 3, 2026, urgency="Sangat Segera", toggle_instructions=("Koordinasikan",)
    )
    sheet = await sekretaris.expect("Lembar Disposisi", document=True)
    assert "LEMBAR DISPOSISI" in pdf_text(sheet.document.content)
    docs = [await sekretaris.expect(document=True) for _ in range(2)]
    assert [d.document.filename for d in docs] == [
        "Perjanjian_Kinerja_2026.pdf",
        "Rencana_Aksi_2026.pdf",
    ]
    task = await sekretaris.expect("Disposisi Triwulan III")
    assert playbook.DISPOSISI_KASAT in task.text
    assert "Sifat: Sangat Segera · Instruksi: Proses lebih lanjut, Koordinasikan" in task.text
    assert "Batas waktu: Senin, 5 Oktober 2026 pukul 08.15 WIB" in task.text

    # Step 2: the Sekretaris forwards to the Kasubbag.
    clock.advance(minutes=10)
    await playbook.forward(people)

    # Step 3: the Kasubbag divides the work between two team members.
    clock.advance(minutes=10)
    await playbook.divide(people)
    for index, member in enumerate(people.team):
        note = await member.expect("Pembagian Tugas")
        for title in playbook.TASKS[index]:
            assert title in note.text
        # 3 working days from Monday 08:20 -> Thursday 08:20.
        assert "Batas waktu: Kamis, 8 Oktober 2026 pukul 08.20 WIB" in note.text

    # Step 4: each member uploads; the bot says what is still missing.
    clock.advance(hours=5)
    first = people.team[0]
    name, content = SAMPLES.data[0][0]
    first.upload(name, content)
    question = await first.expect("Untuk butir data yang mana")
    await first.tap(next(b for b in question.buttons if "Peraturan Daerah" in b), question)
    confirm = await first.expect("dicatat untuk butir")
    assert "masih belum ada" in confirm.text and "patroli" in confirm.text
    name, content = SAMPLES.data[0][1]
    first.upload(name, content)
    question = await first.expect("Untuk butir data yang mana")
    await first.tap(next(b for b in question.buttons if "patroli" in b), question)
    assert "telah lengkap" in (await first.expect("dicatat untuk butir")).text
    assert first.name in (await kasubbag.expect("telah menyerahkan seluruh data")).text

    second = people.team[1]
    name, content = SAMPLES.data[1][0]
    second.upload(name, content)
    question = await second.expect("Untuk butir data yang mana")
    await second.tap(question.buttons[0], question)
    complete = await kasubbag.expect("telah terkumpul")
    assert "Susun draf laporan" in complete.buttons

    # Step 5: the Kasubbag has the draft assembled and submits it.
    await kasubbag.tap("Susun draf laporan")
    draft = await kasubbag.expect(document=True)
    draft_text = pdf_text(draft.document.content)
    assert "penegakan_perda.xlsx" in draft_text and "DRAF" in draft_text
    await kasubbag.tap("Ajukan ke Sekretaris")

    # Step 6: the Sekretaris returns it once, with a reason.
    review = await sekretaris.expect("diajukan oleh Kasubbag", document=True)
    assert review.buttons == ["Paraf", "Kembalikan"]
    old_paraf = review.reply_markup[0][0][1]
    await sekretaris.tap("Kembalikan", review)
    await sekretaris.expect("alasan pengembalian")
    sekretaris.say(playbook.RETURN_REASON)
    await sekretaris.expect("Mohon periksa kembali")
    await sekretaris.tap("Kirim")
    returned = await kasubbag.expect("dikembalikan untuk perbaikan")
    assert playbook.RETURN_REASON in returned.text
    assert emu.message(sekretaris.user_id, review.message_id).buttons == []

    # The old review message's Paraf, replayed, is refused and changes nothing.
    answer = await sekretaris.tap_raw(review, old_paraf)
    assert "tidak berlaku" in answer["text"]

    # The Kasubbag rebuilds and resubmits; the Sekretaris gives paraf.
    await kasubbag.tap("Susun ulang draf laporan")
    await kasubbag.expect(document=True)
    await kasubbag.tap("Ajukan ke Sekretaris")
    review2 = await sekretaris.expect("(versi 2)", document=True)
    clock.advance(minutes=30)
    # The press is answered before the initialled report is rendered; a short note says the
    # document is being prepared and is edited with the outcome once it is ready.
    answer = await sekretaris.tap("Paraf", review2)
    assert answer["text"] == texts.PRESS_RENDERING
    assert await playbook.press_outcome(sekretaris) == "Paraf dicatat."
    assert "upload_document" in emu.chat_actions(sekretaris.user_id)

    # Step 7: the Kasat signs, with a confirming second tap.
    initialled = await kasat.expect("diparaf oleh", document=True)
    assert "Paraf Sekretaris" in pdf_text(initialled.document.content)
    await kasat.tap("Tandatangani", initialled)
    # Answered before the signed report renders; done when its note shows the outcome.
    signed_notice = await playbook.tap_through(kasat, "Ya, tandatangani", initialled)
    assert signed_notice == "Laporan telah ditandatangani."

    # Step 8: the signed PDF reaches all four roles and the quarter is filed.
    signed_docs = []
    for user in people.officials:
        msg = await user.expect("telah ditandatangani", document=True)
        signed_docs.append(msg.document.content)
    assert len(set(signed_docs)) == 1
    text = pdf_text(signed_docs[0])
    for expected in (
        "Satuan Polisi Pamong Praja",
        "TRIWULAN III",
        "penegakan_perda.xlsx",
        "patroli_ketertiban.pdf",
        "pengaduan_masyarakat.xlsx",
        "Data pengaduan masyarakat",
        people.sekretaris.name,
        people.kasat.name,
        "19680512 199003 1 004",  # the Kasat's NIP, with its customary spaces
        playbook.RETURN_REASON,
    ):
        assert expected in text, expected
    assert "DRAF" not in text

    db = Database(settings.lkj_data_dir, settings.lkj_database_url or None)
    cycle = CycleRepository(db).get("satpolpp-bdg", 2026, 3)
    assert cycle.status == FILED
    first_disposition = cycle.dispositions[0]
    assert first_disposition.urgency == "sangat segera"
    assert first_disposition.instructions == ("proses lebih lanjut", "koordinasikan")
    assert [d.kind for d in cycle.decisions] == ["return", "paraf", "sign"]
    assert [d.by for d in cycle.decisions] == [
        sekretaris.user_id,
        sekretaris.user_id,
        kasat.user_id,
    ]
    assert all(s.finished_at is not None for s in cycle.steps)

    # Every accepted action is in the hash-chained audit log, once, with who did it.
    audit = bot.bot_data["services"].audit
    log = audit.log("satpolpp-bdg", 2026)
    accepted = [(e["action"], e["actor"]) for e in log.entries() if e["outcome"] == "accepted"]
    assert accepted == [(h.action, h.actor) for h in cycle.history]
    assert [a for a, _ in accepted] == [
        "mulai_siklus",
        "teruskan_disposisi",
        "bagi_tugas",
        "unggah_data",
        "unggah_data",
        "unggah_data",
        "ajukan_laporan",
        "kembalikan",
        "ajukan_laporan",
        "paraf",
        "tandatangan",
    ]
    refused = [e for e in log.entries() if e["outcome"] == "refused"]
    assert [e["actor"] for e in refused] == [sekretaris.user_id]  # the replayed Paraf
    reports = audit.verify_all()
    assert [r.path.as_posix()[-35:] for r in reports if r.ok] == [
        "audit/units/satpolpp-bdg/2026.jsonl"
    ]
    assert CycleRepository(db).outbox("satpolpp-bdg", 2026, 3) == []  # nothing left owed

    # Filed and retrievable later.
    kasubbag.say("/arsip")
    await kasubbag.expect("Arsip laporan")
    await kasubbag.tap("Triwulan III Tahun 2026")
    archived = await kasubbag.expect("Arsip:", document=True)
    assert archived.document.content == signed_docs[0]
