"""Returns that say what to fix: the reviewer marks indicators (buttons, and a reason per
indicator as a line of its own), the maker of the report sends them back to their members in
one form, each member sees what they answered and why, and the report keeps the history."""

from __future__ import annotations

import io

from pypdf import PdfReader

from demo import playbook
from demo.playbook import SAMPLES
from documents.sample_workbooks import sample_targets_workbook
from domain.samples import sample_indicators, sample_realisations
from storage.database import Database
from storage.repositories import CycleRepository


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_a_return_with_marked_indicators_goes_back_to_the_members(
    bot, emu, people, settings, clock
):
    sekretaris, kasubbag = people.sekretaris, people.kasubbag
    first, second = people.team
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    codes = [i.code for i in sample_indicators()]
    plan = playbook.split_indicators(codes, 2)
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)
    values = {r.code: r for r in sample_realisations(3)}
    for member, mine in zip(people.team, plan, strict=True):
        for code in mine:
            r = values[code]
            value = f"{r.value:.2f}".replace(".", ",")
            await playbook.report_typed(member, code, value, r.kendala, r.tindak_lanjut)
            await playbook.evidence(member, code, f"bukti_{code}.pdf", SAMPLES.rencana_aksi)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)

    # The Sekretaris returns the draft: one indicator ticked with a button, another given a
    # reason of its own on a line that starts with its code.
    ticked, own = plan[0][0], plan[1][0]
    draft = await sekretaris.expect("diajukan oleh", document=True)
    await sekretaris.tap("Kembalikan", draft)
    prompt = await sekretaris.expect("alasan pengembalian")
    assert "diawali kodenya" in prompt.text
    sekretaris.say(f"Mohon data dicek ulang.\n{own}: angka tidak sesuai rekap bulanan")
    summary = await sekretaris.expect("Mohon periksa kembali")
    # The line that starts with a code marks that indicator: the form shows it marked.
    assert f"Indikator ditandai: {own}" in summary.text
    assert f"☑ {own}" in summary.buttons and f"☐ {ticked}" in summary.buttons
    await sekretaris.tap(f"☐ {ticked}", summary)
    await sekretaris.tap("Kirim", summary)
    await sekretaris.expect("telah dikembalikan")

    returned = await kasubbag.expect("dikembalikan untuk perbaikan")
    assert f"{own}: angka tidak sesuai rekap bulanan" in returned.text
    assert f"{ticked}: Mohon data dicek ulang." in returned.text
    assert "Kirim ke pelaksana (2 indikator)" in returned.buttons

    # One tap, one Kirim: both indicators go back to their members.
    await kasubbag.tap("Kirim ke pelaksana (2 indikator)", returned)
    confirm = await kasubbag.expect("Mohon periksa kembali")
    await kasubbag.tap("Kirim", confirm)
    await kasubbag.expect("telah dikirim kembali kepada pelaksananya")
    notice = await second.expect("Perlu Perbaikan —")
    assert "angka tidak sesuai rekap bulanan" in notice.text
    assert notice.buttons == [f"Isi {own}"]
    await first.expect("Perlu Perbaikan —")
    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    assert cycle.step == 4
    assert {(f.code, f.reason) for f in cycle.fixes} == {
        (ticked, "Mohon data dicek ulang."),
        (own, "angka tidak sesuai rekap bulanan"),
    }

    # The member's form shows what they answered before and why it came back.
    await second.tap(f"Isi {own}", notice)
    form = await second.expect("Ketikkan nilai realisasinya")
    assert "Alasan perbaikan:" in form.text and "rekap bulanan" in form.text
    assert "Jawaban sebelumnya:" in form.text and values[own].kendala in form.text
    second.say("99")
    await second.expect("kendala")
    second.say("Sudah dicek ulang.")
    await second.expect("tindak lanjut")
    second.say("Rekap diperbaiki.")
    await second.tap("Kirim", await second.expect("Mohon periksa kembali"))
    await second.expect(f"Realisasi {own} dicatat")
    r = values[ticked]
    await playbook.report_typed(
        first, ticked, f"{r.value:.2f}".replace(".", ","), "Dicek ulang.", "Tetap."
    )
    await kasubbag.expect("telah terkumpul")

    await playbook.build_and_submit(people, "Susun ulang draf laporan")
    await playbook.paraf(people)
    await playbook.sign(people)
    signed = await kasubbag.expect("telah ditandatangani", document=True)
    text = pdf_text(signed.document.content)
    assert "RIWAYAT PERBAIKAN" in text
    assert f"{own}: angka tidak sesuai rekap bulanan" in text
    assert "Mohon data dicek ulang." in text
