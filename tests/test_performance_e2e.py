"""The performance-data cycle in chat: targets workbook, division per indicator, realisation
typed and by workbook, evidence, Perlu Perbaikan, and the capaian in the signed report."""

from __future__ import annotations

import io

import openpyxl
from pypdf import PdfReader

from demo import playbook
from demo.playbook import SAMPLES
from documents.sample_workbooks import sample_realisation_workbook, sample_targets_workbook
from documents.workbooks import template_workbook
from domain.performance import capaian, format_number_id
from domain.samples import sample_indicators, sample_realisations
from storage.database import Database
from storage.repositories import CycleRepository, TargetRepository
from tests.test_annual_e2e import archival_parts


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


def store(settings):
    db = Database(settings.lkj_data_dir)
    return CycleRepository(db), TargetRepository(db)


async def test_a_bad_targets_workbook_is_refused_with_row_and_column(bot, people, settings):
    k = people.kasubbag
    k.say("/target")
    menu = await k.expect("belum diunggah")
    await k.tap("Unduh templat", menu)
    template = await k.expect(document=True)
    assert template.document.filename == "Templat_Target_Kinerja.xlsx"
    await k.tap("Unggah target 2026", menu)
    await k.expect("Kirimkan berkas target kinerja")
    # The template itself has no data rows; a CSV with a word where a number belongs.
    bad = (
        b"Kode Indikator;Sasaran Strategis;Indikator Kinerja;Satuan;Target Tahunan;"
        b"Target TW I;Target TW II;Target TW III;Target TW IV;Arah;Perhitungan\n"
        b"IKU-1;Ketertiban;Penegakan Perda;%;delapan;80;80;80;80;Naik;Per Triwulan\n"
    )
    k.upload("target.csv", bad)
    refusal = await k.next()
    assert "Baris 2" in refusal.text and "Target Tahunan" in refusal.text
    assert "“delapan” bukan angka" in refusal.text
    k.upload("kosong.xlsx", template_workbook())
    assert "Tidak ada baris data" in (await k.next()).text
    _, targets = store(settings)
    assert targets.get("satpolpp-bdg", 2026) is None


async def test_performance_cycle_end_to_end(bot, emu, people, settings, clock):
    kasat, kasubbag = people.kasat, people.kasubbag
    first, second = people.team
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    codes = [i.code for i in sample_indicators()]
    plan = playbook.split_indicators(codes, 2)

    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)

    # Each member is told exactly their indicators and gets the pre-filled workbook.
    for member, mine in zip(people.team, plan, strict=True):
        workbook = await member.expect(document=True)
        assert workbook.document.filename.startswith("Realisasi_TW-III_2026_")
        task = await member.expect("Pembagian Tugas")
        for code in codes:
            assert (code in task.text) == (code in mine), code
        assert task.buttons == [f"Isi {c}" for c in mine]

    values = {r.code: r for r in sample_realisations(3)}
    # The first member types the values; the second sends the filled workbook back.
    for code in plan[0]:
        r = values[code]
        value = f"{r.value:.2f}".replace(".", ",")
        await playbook.report_typed(first, code, value, r.kendala, r.tindak_lanjut)
    second.upload("Realisasi_isi.xlsx", sample_realisation_workbook(3, plan[1]))
    shown = await second.expect("terbaca sebagai berikut")  # shown back before it is saved
    for code in plan[1]:
        assert f"✔ {code}: realisasi {format_number_id(values[code].value)}" in shown.text
    cycles, _ = store(settings)
    assert not [r for r in cycles.get("satpolpp-bdg", 2026, 3).realisations if r.code in plan[1]]
    await second.tap("Kirim", shown)
    reply = await second.expect("dicatat")
    assert "bukti dukung" in reply.text and "Belum Lengkap" in reply.text

    # A value that is not a number is refused and asked again.
    await first.tap(f"Isi {plan[0][0]}")
    await first.expect("Ketikkan nilai realisasinya")
    first.say("tujuh puluh")
    assert "bukan angka" in (await first.next()).text
    first.say("/batal")
    await first.expect("dibatalkan")

    # Evidence for every indicator completes the collection.
    for member, mine in zip(people.team, plan, strict=True):
        for code in mine:
            await playbook.evidence(member, code, f"bukti_{code}.pdf", SAMPLES.rencana_aksi)
    complete = await kasubbag.expect("telah terkumpul")
    assert "Tandai perlu perbaikan" in complete.buttons

    # The Kasubbag sends one indicator back; the member corrects it.
    fixed = plan[1][0]
    await kasubbag.tap("Tandai perlu perbaikan", complete)
    await kasubbag.tap(fixed, await kasubbag.expect("Pilih indikator"))
    await kasubbag.expect("Tuliskan apa yang perlu diperbaiki")
    reason = "Nilai <b>tidak</b> sesuai rekap bulanan & <i>harian</i> (< 5%); mohon dicek ulang."
    kasubbag.say(reason)
    await kasubbag.tap("Kirim", await kasubbag.expect("Mohon periksa kembali"))
    notice = await second.expect("Perlu Perbaikan —")
    assert reason in notice.text and notice.buttons == [f"Isi {fixed}"]  # HTML shown as is
    cycles, _ = store(settings)
    assert cycles.get("satpolpp-bdg", 2026, 3).step == 4
    corrected = values[fixed].value + 1
    await playbook.report_typed(
        second,
        fixed,
        f"{corrected:.2f}".replace(".", ","),
        "Sudah dicek ulang.",
        "Rekap bulanan diperbaiki.",
    )
    await kasubbag.expect("telah terkumpul")

    # The report goes through paraf and signature as before.
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    await playbook.sign(people)
    signed = await kasat.expect("telah ditandatangani", document=True)
    text = pdf_text(signed.document.content)
    for code in codes:
        assert code in text
    cycle = cycles.get("satpolpp-bdg", 2026, 3)
    assert cycle.filed
    item = next(i for a in cycle.assignments for i in a.items if i.code == fixed)
    assert item.realisation.value == corrected and item.realisation.version == 2
    assert [r.version for r in cycle.realisations if r.code == fixed] == [1, 2]
    assert [f.code for f in cycle.fixes] == [fixed]
    # The achievement the report shows is the domain's figure for the corrected value.
    indicator = next(i for i in sample_indicators() if i.code == fixed)
    expected = capaian(indicator, 3, corrected)
    assert expected.label in text
    assert "CAPAIAN KINERJA" in text and "KEPATUHAN TERHADAP SOP" in text
    # The filed copy is an archival PDF/A-3a with the quarter's export workbook embedded,
    # holding the corrected realisation.
    part, conformance, files = archival_parts(signed.document.content)
    assert (part, conformance) == ("3", "A")
    rows = list(
        openpyxl.load_workbook(io.BytesIO(files["Ekspor_Kinerja_TW-III_2026.xlsx"]))[
            "Kinerja"
        ].values
    )
    row = next(r for r in rows if r[3] == fixed)
    assert row[1] == "TW III" and row[8] == corrected and row[9] == expected.percent
