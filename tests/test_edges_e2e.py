"""The edges of the flow, end to end through the emulator: edited messages, text on paper."""

from __future__ import annotations

import io
import shutil
import subprocess

from PIL import Image
from pypdf import PdfReader

from bot import playbook
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository, SessionRepository
from tests.pdf_pages import page_fonts

RLO, PDF_MARK, RLI = "\u202e", "\u202c", "\u2067"


def stored_cycle(settings, triwulan=3):
    return CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, triwulan)


async def test_an_edited_message_gets_a_notice_and_never_runs_again(bot, emu, people, settings):
    k = people.kasat
    first = k.say("/mulai")
    offer = await k.expect("Pilih triwulan")
    # An edited command (even into another command) is not run.
    k.edit(first["message_id"], "/mulai")
    assert (await k.next()).text == texts.EDIT_NOT_PROCESSED
    k.edit(first["message_id"], "/batal")
    assert (await k.next()).text == texts.EDIT_NOT_PROCESSED
    await k.tap("TW III 2026", offer)  # the form opened first is still the live one
    await k.expect("Perjanjian Kinerja")
    k.upload("Perjanjian_Kinerja_2026.pdf", playbook.SAMPLES.perjanjian_kinerja)
    await k.expect("Rencana Aksi")
    k.upload("Rencana_Aksi_2026.pdf", playbook.SAMPLES.rencana_aksi)
    await k.expect("catatan disposisi")
    note = k.say("Catatan yang pertama.")
    summary = await k.expect("Mohon periksa kembali")
    # An edited answer neither replaces the answer nor is taken as a new one.
    k.edit(note["message_id"], "Catatan yang diubah.")
    assert (await k.next()).text == texts.EDIT_NOT_PROCESSED
    session = SessionRepository(Database(settings.lkj_data_dir)).get(k.user_id)
    assert session["values"]["note"] == "Catatan yang pertama."
    await k.tap("Kirim", summary)
    await k.expect("telah dikirim kepada")
    assert stored_cycle(settings).dispositions[0].note == "Catatan yang pertama."
    assert len([m for m in k.received() if "Pilih triwulan" in m.text]) == 1
    # Editing after the form is done changes nothing either.
    k.edit(note["message_id"], "/mulai")
    assert (await k.next()).text == texts.EDIT_NOT_PROCESSED
    await emu.settle()
    assert SessionRepository(Database(settings.lkj_data_dir)).get(k.user_id) is None


def colour_pixels(pdf: bytes, tmp_path) -> int:
    """Strongly coloured pixels of the first page, rasterised by pdftoppm."""
    source = tmp_path / "page.pdf"
    source.write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "60", "-f", "1", "-l", "1", "-png", str(source), str(tmp_path / "p")],
        check=True,
    )
    raw = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB").tobytes()
    pixels = zip(raw[0::3], raw[1::3], raw[2::3], strict=True)
    return sum(1 for r, g, b in pixels if max(r, g, b) - min(r, g, b) > 80)


async def test_emoji_bidi_controls_and_file_paths_on_paper_and_in_chat(
    bot, emu, people, settings, tmp_path
):
    note = f"Mohon segera 👍✅ disusun: {RLO}kinerja 2026{PDF_MARK} dan {RLI}anggaran⁩ 45 hari."
    await playbook.start_cycle(
        people,
        3,
        2026,
        note=note,
        pk_name="C:\\Users\\kasat\\Dokumen\\Perjanjian_Kinerja_2026.pdf",
        ra_name=f"../../arsip/rahasia/Rencana_Aksi_{RLO}2026.pdf",
    )
    sekretaris = people.sekretaris
    sheet = await sekretaris.expect("Lembar Disposisi", document=True)
    documents = [await sekretaris.expect(document=True) for _ in range(2)]
    task = await sekretaris.expect("Disposisi Triwulan III")

    # File names: no folders, no bidi controls, in the forwarded files and in the message.
    names = [d.document.filename for d in documents]
    assert names == ["Perjanjian_Kinerja_2026.pdf", "Rencana_Aksi_2026.pdf"]
    assert "Lampiran: Perjanjian_Kinerja_2026.pdf, Rencana_Aksi_2026.pdf." in task.text
    stored = stored_cycle(settings)
    assert [d.name for d in stored.documents] == names
    # The note: bidi controls gone from the message and the stored record; emoji kept.
    clean = "Mohon segera 👍✅ disusun: kinerja 2026 dan anggaran 45 hari."
    assert clean in task.text
    assert not any(c in task.text for c in (RLO, PDF_MARK, RLI, "\u2069"))
    assert stored.dispositions[0].note == clean

    # On paper: the note reads in order, the emoji are drawn with the colour emoji font
    # (and only the emoji: digits stay in DejaVu), the attachment names have no folders.
    pdf = sheet.document.content
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(" ".join(p.extract_text() for p in reader.pages).split())
    assert "kinerja 2026 dan anggaran 45 hari" in text
    assert "Rencana_Aksi_2026.pdf" in text and "arsip" not in text and "Users" not in text
    assert RLO not in text
    runs = [run for page in reader.pages for run in page_fonts(page)]
    emoji_runs = [t for t, _, font in runs if "Emoji" in font]
    assert "👍" in "".join(emoji_runs) and "✅" in "".join(emoji_runs)
    assert not any(ch.isascii() and ch.strip() for t in emoji_runs for ch in t), emoji_runs
    if shutil.which("pdftoppm"):
        # Read back as an image: the emoji are in colour (the sheet itself is black on white).
        assert colour_pixels(pdf, tmp_path) > 20
