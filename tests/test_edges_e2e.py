"""The edges of the flow, end to end through the emulator: edited messages, text on paper."""

from __future__ import annotations

import io
import shutil
import subprocess

from PIL import Image
from pypdf import PdfReader

from demo import playbook
from handlers import texts
from storage.database import Database
from storage.repositories import CycleRepository, SessionRepository, TargetRepository
from tests.pdf_pages import page_fonts
from tests.test_targets_import import edited_xlsx

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


async def test_a_targets_workbook_is_shown_back_as_read_and_unreadable_cells_refused(
    bot, people, settings
):
    k = people.kasubbag
    targets = TargetRepository(Database(settings.lkj_data_dir))
    k.say("/target")
    await k.tap("Unggah target 2026", await k.expect("belum diunggah"))
    await k.expect("Kirimkan berkas target kinerja")

    # A formula saved without its result, then one value merged over the four quarters.
    k.upload("target_rumus.xlsx", edited_xlsx(lambda ws: ws.__setitem__("H2", "=G2+2")))
    refusal = (await k.next()).text
    assert "Baris 2, kolom “Target TW II”: berisi rumus “=G2+2”" in refusal
    assert "tidak ada data yang disimpan" in refusal and "simpan ulang" in refusal

    def merged(ws) -> None:
        for cell in ("H3", "I3", "J3"):
            ws[cell] = None
        ws.merge_cells("G3:J3")

    k.upload("target_gabung.xlsx", edited_xlsx(merged))
    refusal = (await k.next()).text
    assert "Baris 3, kolom “Target TW I” s.d. “Target TW IV”: sel digabung (merge G3:J3)" in (
        refusal
    )
    assert "Pisahkan" in refusal
    assert targets.get("satpolpp-bdg", 2026) is None

    # A good workbook (IKU-2 without a TW IV target): every value is shown before saving.
    k.upload("target_2026.xlsx", edited_xlsx(lambda ws: ws.__setitem__("J3", "-")))
    confirm = await k.expect("Mohon periksa kembali")
    assert "terbaca sebagai berikut" in confirm.text
    assert (
        "IKU-1 Persentase penegakan Perda (%): tahunan 85; TW I 80; TW II 82; TW III 84; "
        "TW IV 85 (Naik, Per Triwulan)" in confirm.text
    )
    assert "IKU-2" in confirm.text and "TW III 60; TW IV tanpa target" in confirm.text
    assert "TW I 300; TW II 600; TW III 900; TW IV 1.200" in confirm.text
    assert targets.get("satpolpp-bdg", 2026) is None  # nothing saved before Kirim
    await k.tap("Kirim", confirm)
    saved = await k.expect("Target kinerja tahun 2026 disimpan")
    assert "TW III 60; TW IV tanpa target" in saved.text
    stored = targets.get("satpolpp-bdg", 2026)
    assert [i.targets for i in stored.indicators] == [
        (80, 82, 84, 85),
        (65, 60, 60, None),
        (300, 600, 900, 1200),
    ]
    # /target shows every quarter's target too.
    k.say("/target")
    menu = await k.expect("Target kinerja tahun 2026")
    assert "TW I 65; TW II 60; TW III 60; TW IV tanpa target" in menu.text
