"""In chat: the budget workbook sent through /anggaran (a bad row refused precisely), the
annual LKj compiled with last year's comparison and Bab III.B, and /ekspor's workbook and CSV
opened and read back."""

from __future__ import annotations

import csv
import io

import openpyxl

from demo.sample_year import filed_quarter as sample_quarter
from documents.workbooks import budget_workbook
from domain.samples import sample_budget, sample_targets
from storage.database import Database
from storage.repositories import BudgetRepository, CycleRepository, TargetRepository
from tests.domain_factories import make_ctx
from tests.test_annual_e2e import pdf_text
from tests.test_annual_report import UNIT

BAD_BUDGET = (
    b"No;Program;Kegiatan;Kode Indikator;Pagu Anggaran (Rp);Realisasi Anggaran (Rp)\n"
    b"1;Program Peningkatan Ketenteraman dan Ketertiban Umum;Penegakan Perda;IKU-1;"
    b"1.000.000;900.000\n"
    b"2;;Pembinaan PPNS;IKU-3;500.000;650.000\n"
)


def store(settings):
    db = Database(settings.lkj_data_dir)
    return CycleRepository(db), TargetRepository(db), BudgetRepository(db)


async def test_budget_upload_annual_lkj_and_export(bot, emu, people, settings):
    kasat, kasubbag, member = people.kasat, people.kasubbag, people.team[0]
    cycles, targets, budgets = store(settings)

    # A Tim Kerja member may not see or send the budget; the refusal names who sends it.
    member.say("/anggaran")
    assert (await member.next()).text == "Realisasi anggaran dikelola oleh Kasubbag."

    # Without the year's targets the budget cannot name its indicators.
    kasubbag.say("/anggaran")
    menu = await kasubbag.expect("Realisasi anggaran tahun 2026 belum diunggah")
    answer = await kasubbag.tap("Unggah anggaran 2026", menu)
    assert "unggah target lebih dahulu" in answer["text"]
    targets.save(sample_targets())

    # The template explains its columns; a row spending beyond its pagu is refused by row and
    # column and nothing is stored; the corrected workbook is accepted.
    kasubbag.say("/anggaran")
    menu = await kasubbag.expect("belum diunggah")
    await kasubbag.tap("Unduh templat", menu)
    template = await kasubbag.expect(document=True)
    assert openpyxl.load_workbook(io.BytesIO(template.document.content)).sheetnames == [
        "Realisasi Anggaran",
        "Petunjuk",
    ]
    await kasubbag.tap("Unggah anggaran 2026", menu)
    await kasubbag.expect("Kirimkan berkas realisasi anggaran tahun 2026")
    kasubbag.upload("anggaran.csv", BAD_BUDGET)
    refusal = await kasubbag.expect("ditolak")
    assert (
        "Baris 3, kolom “Realisasi Anggaran (Rp)”: realisasi Rp650.000 melebihi pagu Rp500.000."
        in refusal.text
    )
    assert "Baris 2" not in refusal.text
    assert budgets.get("satpolpp-bdg", 2026) is None
    kasubbag.upload("Realisasi_Anggaran_2026.xlsx", budget_workbook(sample_budget()))
    await kasubbag.tap("Kirim", await kasubbag.expect("Mohon periksa kembali"))
    saved = await kasubbag.expect("Realisasi anggaran tahun 2026 disimpan")
    assert "90,95%" in saved.text
    assert budgets.get("satpolpp-bdg", 2026).lines == sample_budget().lines

    # Last year and this year filed by the bot; the LKj compares and shows Bab III.B.
    ctx = make_ctx(unit=UNIT)
    for year in (2025, 2026):
        for n in (1, 2, 3, 4):
            cycles.save(sample_quarter(ctx, year, n, render=False))
    kasubbag.say("/tahunan")
    await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    draft = await kasubbag.expect("Draf LKj tahun 2026", document=True)
    text = pdf_text(draft.document.content)
    for expected in (
        "Tabel 3.5 Realisasi Tahun 2024, 2025 dan 2026",
        "72,94",  # IKU-1 in 2025, from the four quarters the bot filed
        "Laporan Triwulan I\u2013IV",  # a formal source, never "arsip bot"
        "Tabel 3.6 Realisasi Tahun 2026 terhadap target akhir Renstra",
        "80,82%",
        "Tabel 3.8 Program, kegiatan pendukung dan efisiensi",
        "kurang efisien",
        "Tabel 3.9 Pagu dan realisasi anggaran",
        "Penyelenggaraan Perlindungan Masyarakat",
        "7.170.000.000",
        "6.521.450.000",
        "90,95%",
    ):
        assert expected in text, expected

    # The compilation asks the team why each indicator missed or exceeded its target (the
    # year's close, tests/test_annual_answers_e2e.py): its last notice is the Kasubbag's list
    # of the unexplained; the member's questions, delivered before it, are read here.
    await kasubbag.expect("yang belum diberikan")
    for _ in emu.unread(member.user_id):
        await member.next()

    # /ekspor is for the officials, not the team.
    member.say("/ekspor")
    assert "tersedia bagi pejabat yang dapat melihat target" in (await member.next()).text
    kasat.say("/ekspor")
    menu = await kasat.expect("Ekspor data kinerja")
    assert "Tahun 2025" in menu.buttons and "Tahun 2026" in menu.buttons
    await kasat.tap("Tahun 2026", menu)
    xlsx = await kasat.expect("Ekspor data kinerja tahunan Tahun 2026", document=True)
    assert xlsx.document.filename == "Ekspor_Kinerja_Tahunan_2026.xlsx"
    wb = openpyxl.load_workbook(io.BytesIO(xlsx.document.content))
    assert wb.sheetnames == ["Kinerja", "Anggaran", "Petunjuk"]
    rows = list(wb["Kinerja"].iter_rows(values_only=True))
    assert rows[0][:10] == (
        "Tahun",
        "Periode",
        "Sasaran Strategis",
        "Kode Indikator",
        "Indikator Kinerja",
        "Satuan",
        "Arah",
        "Target",
        "Realisasi",
        "Capaian (%)",
    )
    iku1 = next(r for r in rows if r[3] == "IKU-1")
    assert iku1[:2] == (2026, "Tahunan") and iku1[7:11] == (85, 76.78, 90.32, "Sangat Baik")
    assert any("Penertiban berkala" in (v or "") for v in iku1[16:20])  # tindak lanjut
    budget_rows = list(wb["Anggaran"].iter_rows(values_only=True))
    assert len(budget_rows) == 7 and budget_rows[4][8:] == (680000000, 512300000, 75.34)
    explained = [r[0] for r in wb["Petunjuk"].iter_rows(values_only=True)]
    assert "Capaian (%)" in explained and "Serapan (%)" in explained
    performance_csv = await kasat.expect("Data kinerja (CSV", document=True)
    table = list(
        csv.reader(io.StringIO(performance_csv.document.content.decode("utf-8-sig")), delimiter=";")
    )
    assert table[1][3] == "IKU-1" and table[1][8] == "76,78" and table[1][9] == "90,32"
    budget_file = await kasat.expect("Realisasi anggaran tahun 2026 (CSV", document=True)
    assert "Penyelenggaraan Perlindungan Masyarakat" in budget_file.document.content.decode()

    # A quarter: that quarter's target and realisation, as in its signed report.
    kasat.say("/ekspor")
    await kasat.tap("Triwulan II Tahun 2026", await kasat.expect("Ekspor data kinerja"))
    quarter = await kasat.expect("Ekspor data kinerja Triwulan II Tahun 2026", document=True)
    rows = list(openpyxl.load_workbook(io.BytesIO(quarter.document.content))["Kinerja"].values)
    iku4 = next(r for r in rows if r[3] == "IKU-4")
    assert iku4[1] == "TW II" and iku4[7:10] == (600, 588, 98)
