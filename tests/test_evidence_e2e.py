"""Evidence (bukti dukung) can be managed until the draft is submitted, end to end:
a member replaces and removes their own files (a photo sent the phone way is accepted),
the Kasubbag removes one the Sekretaris objected to, the signed report lists the current
evidence and its history keeps what was removed, by whom and why."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from demo import playbook
from demo.playbook import SAMPLES
from handlers import texts
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import CycleRepository

OBJECTION = "Foto rekap patroli tidak terbaca."
REMOVAL_REASON = "Foto tidak terbaca; kirim rekap patroli dalam PDF."


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    return out.getvalue()


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def stored(settings):
    return CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)


async def test_evidence_is_managed_until_the_draft_is_submitted(bot, emu, people, settings):
    kasubbag, sekretaris = people.kasubbag, people.sekretaris
    first, second = people.team
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)

    # A wrong file, then a photo sent the normal phone way: accepted, with the quality note.
    wrong = playbook.SAMPLES.rencana_aksi
    await playbook.upload(first, "salah_berkas.pdf", wrong, "Peraturan Daerah")
    first.send_photo(jpeg_bytes())
    question = await first.expect("Untuk butir data yang mana")
    assert texts.PHOTO_QUALITY_NOTE in question.text
    await first.tap(next(b for b in question.buttons if "patroli" in b), question)
    recorded = await first.expect("dicatat untuk butir")
    assert "/bukti" in recorded.text
    photo = stored(settings).assignment_of(first.user_id).items[1].files[0]
    assert photo.name.startswith("foto_") and photo.name.endswith(".jpg")
    assert photo.mime == "image/jpeg"

    # The member replaces the wrong file (Ganti) and sees only their own files.
    first.say("/bukti")
    listing = await first.expect("Bukti dukung Anda")
    assert "salah_berkas.pdf" in listing.text and photo.name in listing.text
    assert listing.buttons == ["Hapus 1", "Ganti 1", "Hapus 2", "Ganti 2"]
    await first.tap("Ganti 1", listing)
    await first.expect("Kirimkan berkas pengganti")
    name, content = SAMPLES.data[0][0]
    first.upload(name, content)
    await first.tap("Kirim", await first.expect("Mohon periksa kembali"))
    replaced = await first.expect("diganti dengan")
    assert "salah_berkas.pdf" in replaced.text and name in replaced.text
    second.say("/bukti")
    assert (await second.expect("Tidak ada bukti dukung")).text == texts.NO_EVIDENCE_TO_MANAGE

    # An extra file the member removes again (no reason needed for one's own file).
    await playbook.upload(first, "lampiran_lebih.pdf", SAMPLES.perjanjian_kinerja, "patroli")
    first.say("/bukti")
    listing = await first.expect("Bukti dukung Anda")
    await first.tap("Hapus 3", listing)
    await first.tap("Kirim", await first.expect("Mohon periksa kembali"))
    assert "lampiran_lebih.pdf" in (await first.expect("dihapus")).text

    name, content = SAMPLES.data[1][0]
    await playbook.upload(second, name, content, "pengaduan")
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)

    # Submitted: nobody can change the evidence now.
    first.say("/bukti")
    assert (await first.expect("Tidak ada bukti dukung")).text == texts.NO_EVIDENCE_TO_MANAGE

    # The Sekretaris objects to the photo; back with the Kasubbag, who removes it with a reason.
    await sekretaris.expect("diajukan oleh Kasubbag", document=True)
    await playbook.return_report(sekretaris, OBJECTION)
    await kasubbag.expect("dikembalikan untuk perbaikan")
    kasubbag.say("/bukti")
    listing = await kasubbag.expect("Bukti dukung Tim Kerja")
    assert all(b.startswith("Hapus") for b in listing.buttons)  # Ganti is the member's own
    number = next(line.split(".")[0] for line in listing.text.splitlines() if photo.name in line)
    await kasubbag.tap(f"Hapus {number}", listing)
    await kasubbag.expect("alasan penghapusan")
    kasubbag.say(REMOVAL_REASON)
    await kasubbag.tap("Kirim", await kasubbag.expect("Mohon periksa kembali"))
    await kasubbag.expect("dihapus")
    assert "pengumpulan data dibuka kembali" in (await kasubbag.expect("dibuka kembali")).text
    told = await first.expect("Bukti dukung dihapus")
    assert REMOVAL_REASON in told.text and people.kasubbag.name in told.text
    assert "Belum Ada" in told.text or "belum" in told.text.lower()
    assert stored(settings).step == 4

    # The member hands in the PDF; the quarter goes on to the signature.
    name, content = SAMPLES.data[0][1]
    await playbook.upload(first, name, content, "patroli")
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people, "Susun ulang draf laporan")
    await playbook.paraf(people)
    await playbook.sign(people)
    signed = await kasubbag.expect("telah ditandatangani", document=True)
    text = pdf_text(signed.document.content)

    cycle = stored(settings)
    wrong_file, extra_file, photo_file = (r.file for r in cycle.removed_evidence)
    # The report lists the current evidence (full hashes in the appendix) ...
    current = [f for a in cycle.assignments for i in a.items for f in i.files]
    assert sorted(f.name for f in current) == sorted(
        ["penegakan_perda.xlsx", "patroli_ketertiban.pdf", "pengaduan_masyarakat.xlsx"]
    )
    squeezed = text.replace(" ", "")  # table cells wrap long names and hashes
    for f in current:
        assert f.sha256 in squeezed
    # ... and the history what was removed, by whom and why, never as current evidence.
    for f in (wrong_file, extra_file, photo_file):
        assert f.name in squeezed and f.sha256[:12] in squeezed
        assert f.sha256 not in squeezed
    assert "Digantidenganpenegakan_perda.xlsx" in squeezed
    assert REMOVAL_REASON in text and "Dihapus oleh pengunggah" in text
    assert "BUKTI DUKUNG" in text.upper() and kasubbag.name in text
    assert [(r.by, r.replaced_by is not None) for r in cycle.removed_evidence] == [
        (first.user_id, True),
        (first.user_id, False),
        (kasubbag.user_id, False),
    ]
    actions = [h.action for h in cycle.history]
    assert actions.count("ganti_bukti") == 1 and actions.count("hapus_bukti") == 2
    log = AuditLog.for_unit_year(settings.lkj_data_dir, "satpolpp-bdg", 2026)
    accepted = [e["action"] for e in log.entries() if e["outcome"] == "accepted"]
    assert accepted.count("hapus_bukti") == 2 and accepted.count("ganti_bukti") == 1
