"""Every spreadsheet the bot writes. The columns are the domain's (``domain.targets_import``,
``domain.budget``), shared with the readers that check a returned file.

* :func:`targets_workbook` / :func:`template_workbook`: the year's targets (filled or empty),
  with drop-down lists and a guide sheet; read back by ``documents.spreadsheets.parse_targets``.
* :func:`realisation_workbook`: a Tim Kerja member's data workbook for the quarter; read back
  by ``documents.spreadsheets.parse_realisation_workbook``.
* :func:`budget_workbook`: the Realisasi Anggaran template (empty or filled), with a guide
  sheet explaining every column; read back by ``documents.spreadsheets.parse_budget``.
* :func:`export_workbook` / :func:`export_csv`: a quarter's or a year's performance data
  (sasaran, indicator, unit, target, realisation, capaian, band, kendala, tindak lanjut) and
  the year's budget realisation, one flat row per line with plain numbers, so the columns can
  be pasted into the province's e-SAKIP application. The same workbook is embedded in the
  archival (PDF/A-3) copy of signed reports.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from documents.annual_context import annual_performance, cycle_realisations
from documents.embedded import EmbeddedFile
from domain.budget import BUDGET_COLUMNS, BUDGET_SHEET, BudgetSet
from domain.dates_id import roman_triwulan
from domain.models import Cycle
from domain.pemda_export import UnitExport
from domain.performance import (
    ANNUAL_RULE_LABELS,
    COUNTING_LABELS,
    DEFAULT_POLICY,
    DIRECTION_LABELS,
    CapaianPolicy,
    Indicator,
    UnitProfile,
    capaian,
    round_half_up,
    triwulan_label,
)
from domain.targets_import import (
    ANNUAL_COLUMNS,
    COMPARISON_COLUMNS,
    GUIDE_SHEET,
    MAX_ROWS,
    PROFILE_COLUMNS,
    PROFILE_PART_LABELS,
    PROFILE_SHEET,
    REALISATION_SHEET,
    TARGET_COLUMNS,
    TARGET_SHEET,
    Column,
    RealisationRow,
    _col,
    realisation_columns,
)

PERFORMANCE_SHEET = "Kinerja"
EXPORT_BUDGET_SHEET = "Anggaran"

# ----------------------------------------------------------------------------- layout


_HEADER_FILL = PatternFill("solid", fgColor="1F4E78")
_HEADER_FONT = Font(bold=True, color="FFFFFF")
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_FIXED_FILL = PatternFill("solid", fgColor="F2F2F2")
_THIN = Side(style="thin", color="BFBFBF")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_WRAP_TOP = Alignment(wrap_text=True, vertical="top")


def _style_header(ws: Worksheet, row: int, columns: Sequence[Column]) -> None:
    for pos, col in enumerate(columns, start=1):
        cell = ws.cell(row=row, column=pos, value=col.label)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = _BORDER
        ws.column_dimensions[get_column_letter(pos)].width = col.width
    ws.row_dimensions[row].height = 32
    ws.freeze_panes = ws.cell(row=row + 1, column=1)


def _guide_sheet(wb: openpyxl.Workbook, columns: Sequence[Column], notes: Sequence[str]) -> None:
    ws = wb.create_sheet(GUIDE_SHEET)
    ws["A1"] = "Petunjuk pengisian"
    ws["A1"].font = Font(bold=True, size=13)
    heads = ("Kolom", "Wajib", "Penjelasan", "Contoh")
    for pos, text in enumerate(heads, start=1):
        cell = ws.cell(row=3, column=pos, value=text)
        cell.fill = _HEADER_FILL
        cell.font = _HEADER_FONT
        cell.border = _BORDER
    for i, col in enumerate(columns, start=4):
        values = (col.label, col.guide_required, col.help, col.example)
        for pos, value in enumerate(values, start=1):
            cell = ws.cell(row=i, column=pos, value=value)
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
    row = 4 + len(columns) + 1
    for note in notes:
        ws.cell(row=row, column=1, value=note).alignment = Alignment(wrap_text=False)
        row += 1
    for letter, width in zip("ABCD", (22, 16, 80, 40), strict=True):
        ws.column_dimensions[letter].width = width


def _save(wb: openpyxl.Workbook) -> bytes:
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


_TARGET_NOTES = (
    "Catatan:",
    f"• Isi satu indikator per baris, paling banyak {MAX_ROWS} baris, mulai baris 2 lembar "
    f"“{TARGET_SHEET}”. Jangan mengubah baris judul.",
    "• Angka desimal memakai koma (97,5); titik boleh dipakai sebagai pemisah ribuan (1.250). "
    "Tanda % boleh ditulis.",
    "• Target tidak boleh 0, karena capaian dihitung sebagai persentase terhadap target. "
    "Triwulan tanpa target dikosongkan atau diisi “-”.",
    "• Indikator kumulatif: target triwulan dihitung sejak awal tahun, tidak boleh menurun, "
    "dan target TW IV sama dengan target tahunan.",
    "• Berkas juga dapat dikirim sebagai CSV (pemisah titik koma atau koma, UTF-8) dengan "
    "kolom yang sama.",
    "• Kolom Realisasi Tahun N-1/N-2, Target Akhir Renstra, Tahun Akhir Renstra dan Standar "
    "Nasional tidak wajib; dipakai untuk perbandingan pada Bab III LKj tahunan. Bila kosong, "
    "LKj menyebutkan perbandingan yang tidak dapat disajikan beserta alasannya.",
    "• Kolom Penghitungan Tahunan menentukan cara realisasi tahunan dihitung dari realisasi "
    "triwulan (Jumlah, Triwulan Terakhir, Rata-rata atau Rasio Tahunan); cara itu disebutkan "
    "pada tabel capaian LKj tahunan. Kolom Program dan Kegiatan menyebutkan program dan "
    "kegiatan pendukung indikator pada analisis Bab III.",
    "• Lembar “Profil Renstra” tidak wajib: isi satu butir per baris (isu strategis dan "
    "permasalahan utama dari Renstra, dasar hukum pembentukan organisasi dan penetapan "
    "Renstra, struktur organisasi, jumlah pegawai, sarana dan prasarana) untuk Bab I LKj "
    "tahunan. Bagian yang tidak diisi disebutkan dalam LKj sebagai belum tersedia.",
)


def targets_workbook(
    indicators: Sequence[Indicator] = (), profile: UnitProfile | None = None
) -> bytes:
    """A targets workbook in the template's layout, filled with ``indicators`` (may be none).

    Sheet "Target Kinerja" (header row, widths, frozen header, drop-down lists for Arah,
    Perhitungan and Penghitungan Tahunan on rows 2–501), the optional sheet "Profil Renstra"
    (Bab I of the annual LKj, filled with ``profile`` when given) and sheet "Petunjuk"
    explaining each column.
    """
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = TARGET_SHEET
    columns = TARGET_COLUMNS + COMPARISON_COLUMNS + ANNUAL_COLUMNS
    _style_header(ws, 1, columns)
    last = MAX_ROWS + 1
    arah_col = get_column_letter(len(TARGET_COLUMNS) - 1)
    hitung_col = get_column_letter(len(TARGET_COLUMNS))
    for col, choices, prompt in (
        (arah_col, "Naik,Turun", "Pilih Naik atau Turun."),
        (hitung_col, "Kumulatif,Per Triwulan", "Pilih Kumulatif atau Per Triwulan."),
        (
            get_column_letter(len(TARGET_COLUMNS) + len(COMPARISON_COLUMNS) + 1),
            ",".join(ANNUAL_RULE_LABELS.values()),
            "Pilih " + ", ".join(ANNUAL_RULE_LABELS.values()) + ", atau kosongkan.",
        ),
    ):
        dv = DataValidation(type="list", formula1=f'"{choices}"', allow_blank=True)
        dv.error = prompt
        dv.errorTitle = "Isian tidak dikenal"
        dv.prompt = prompt
        dv.showErrorMessage = True
        dv.showInputMessage = True
        dv.add(f"{col}2:{col}{last}")
        ws.add_data_validation(dv)
    for n, ind in enumerate(indicators, start=1):
        values: list[object] = [
            n,
            ind.sasaran,
            ind.code,
            ind.indikator,
            ind.satuan,
            ind.target_tahunan,
            *(t if t is not None else "-" for t in ind.targets),
            DIRECTION_LABELS[ind.direction],
            COUNTING_LABELS[ind.counting],
            *_blank_none((*ind.previous, ind.renstra_target, ind.renstra_year)),
            *_blank_none((ind.national_standard,)),
            ANNUAL_RULE_LABELS[ind.annual_rule] if ind.annual_rule else None,
            ind.program or None,
            ind.kegiatan or None,
        ]
        for pos, value in enumerate(values, start=1):
            cell = ws.cell(row=n + 1, column=pos, value=value)
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
            if isinstance(value, float):
                cell.number_format = "#,##0.##"
    _profile_sheet(wb, profile or UnitProfile())
    _guide_sheet(wb, columns + PROFILE_COLUMNS, _TARGET_NOTES)
    return _save(wb)


def _profile_sheet(wb: openpyxl.Workbook, profile: UnitProfile) -> None:
    """The sheet "Profil Renstra": Bagian | Uraian, a drop-down list of the parts."""
    ws = wb.create_sheet(PROFILE_SHEET)
    _style_header(ws, 1, PROFILE_COLUMNS)
    labels = list(PROFILE_PART_LABELS.values())
    dv = DataValidation(type="list", formula1=f'"{",".join(labels)}"', allow_blank=True)
    dv.error = dv.prompt = "Pilih " + ", ".join(labels) + "."
    dv.errorTitle = "Isian tidak dikenal"
    dv.showErrorMessage = True
    dv.showInputMessage = True
    dv.add("A2:A301")
    ws.add_data_validation(dv)
    row = 2
    for key, label in PROFILE_PART_LABELS.items():
        for text in getattr(profile, key):
            for pos, value in enumerate((label, text), start=1):
                cell = ws.cell(row=row, column=pos, value=value)
                cell.alignment = _WRAP_TOP
                cell.border = _BORDER
            row += 1


def _blank_none(values: Iterable[object]) -> list[object]:
    return [None if v is None else v for v in values]


def template_workbook() -> bytes:
    """The empty targets template the bot sends on request."""
    return targets_workbook(())


# ----------------------------------------------------------------------------- realisation


def realisation_workbook(
    indicators: Sequence[Indicator],
    triwulan: int,
    *,
    filled: Mapping[str, RealisationRow] | None = None,
    title: str = "",
) -> bytes:
    """The data workbook sent to a Tim Kerja member: one row per assigned indicator with its
    code, indicator, satuan, counting and the quarter's target, and empty (or ``filled``)
    columns Realisasi, Kendala and Tindak Lanjut to complete."""
    columns = realisation_columns(triwulan)
    tw = triwulan_label(triwulan)
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = REALISATION_SHEET
    ws["A1"] = title or f"Data Realisasi Kinerja Triwulan {roman_triwulan(triwulan)}"
    ws["A1"].font = Font(bold=True, size=13)
    ws["A2"] = (
        "Isi kolom berwarna kuning. Jangan mengubah kolom lain maupun baris judul, lalu kirim "
        "kembali berkas ini kepada bot."
    )
    header_row = 4
    _style_header(ws, header_row, columns)
    inputs = {"realisasi", "kendala", "tindak_lanjut"}
    filled = filled or {}
    for n, ind in enumerate(indicators, start=1):
        row = header_row + n
        done = filled.get(ind.code)
        counting = f"Kumulatif s.d. {tw}" if ind.cumulative else "Per Triwulan"
        target = ind.target_for(triwulan)
        values: dict[str, object] = {
            "no": n,
            "code": ind.code,
            "indikator": ind.indikator,
            "satuan": ind.satuan,
            "perhitungan": counting,
            "target": target if target is not None else "-",
            "realisasi": done.value if done else None,
            "kendala": done.kendala if done else None,
            "tindak_lanjut": done.tindak_lanjut if done else None,
        }
        for pos, col in enumerate(columns, start=1):
            cell = ws.cell(row=row, column=pos, value=values[col.key])  # type: ignore[arg-type]
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
            cell.fill = _INPUT_FILL if col.key in inputs else _FIXED_FILL
            if isinstance(values[col.key], float):
                cell.number_format = "#,##0.##"
    _guide_sheet(
        wb,
        columns,
        (
            "Catatan:",
            "• Isi Realisasi dengan angka; desimal memakai koma (97,5). Baris yang belum diisi "
            "dilewati dan dapat dikirim kemudian.",
            "• Indikator kumulatif diisi realisasi sejak awal tahun sampai akhir triwulan ini.",
            "• Bukti dukung (PDF, XLSX, DOCX, JPG, PNG) dikirim terpisah melalui bot.",
        ),
    )
    return _save(wb)


# ----------------------------------------------------------------------------- budget template

_BUDGET_NOTES = (
    "Catatan:",
    "• Isi satu kegiatan per baris pada lembar “Realisasi Anggaran”; jangan mengubah baris judul.",
    "• Program boleh dikosongkan bila sama dengan baris di atasnya.",
    "• Kode Indikator harus terdapat dalam Target Kinerja tahun yang sama (unggah target lebih "
    "dahulu melalui /target); pisahkan beberapa kode dengan koma.",
    "• Realisasi tidak boleh melebihi pagu. Rupiah ditulis tanpa “Rp”; titik pemisah ribuan "
    "boleh dipakai.",
    "• Berkas juga dapat dikirim sebagai CSV (pemisah titik koma atau koma, UTF-8) dengan kolom "
    "yang sama.",
    "• Data ini dipakai pada Bab III LKj tahunan: tabel realisasi anggaran dan analisis "
    "efisiensi (capaian kinerja dibandingkan dengan serapan anggaran per sasaran).",
)


def budget_workbook(budget: BudgetSet | None = None) -> bytes:
    """The budget template (sheet "Realisasi Anggaran" and "Petunjuk"), filled with
    ``budget``'s lines when given."""
    wb = openpyxl.Workbook()
    ws = wb.active
    assert ws is not None
    ws.title = BUDGET_SHEET
    _style_header(ws, 1, BUDGET_COLUMNS)
    for n, line in enumerate(budget.lines if budget else (), start=1):
        values: dict[str, object] = {
            "no": n,
            "program": line.program,
            "program_code": line.program_code or None,
            "kegiatan": line.kegiatan,
            "kegiatan_code": line.kegiatan_code or None,
            "codes": ", ".join(line.codes),
            "pagu": line.pagu,
            "realisasi": line.realisasi,
        }
        for pos, col in enumerate(BUDGET_COLUMNS, start=1):
            cell = ws.cell(row=n + 1, column=pos, value=values[col.key])  # type: ignore[arg-type]
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
            if col.key in ("pagu", "realisasi"):
                cell.number_format = "#,##0"
    _guide_sheet(wb, BUDGET_COLUMNS, _BUDGET_NOTES)
    return _save(wb)


# ----------------------------------------------------------------------------- export rows


@dataclass(frozen=True)
class ExportRow:
    """One indicator of one period, flat, with plain numbers (None = empty cell).

    ``band`` is the category only (empty when the capaian cannot be computed; ``note`` then
    says why). ``kendala`` and ``tindak_lanjut`` hold one text per quarter: one for a
    quarter's row, four (TW I–TW IV) for a year's row."""

    year: int
    period: str
    sasaran: str
    code: str
    indikator: str
    satuan: str
    direction: str
    target: float | None
    realisation: float | None
    capaian: float | None
    band: str
    note: str
    kendala: tuple[str, ...]
    tindak_lanjut: tuple[str, ...]


def _rounded(value: float | None) -> float | None:
    """A number as the reports print it: two decimals at most, rounded half-up (76,775 →
    76,78); whole numbers stay whole."""
    if value is None:
        return None
    rounded = round_half_up(value, 2)
    return int(rounded) if rounded.is_integer() else rounded


def quarter_rows(cycle: Cycle, policy: CapaianPolicy = DEFAULT_POLICY) -> list[ExportRow]:
    """The performance data of one quarter, as in its report."""
    reals = cycle_realisations(cycle)
    out = []
    for ind in cycle.indicators:
        real = reals.get(ind.code)
        ach = capaian(ind, cycle.triwulan, real.value if real else None, policy)
        out.append(
            ExportRow(
                cycle.year,
                triwulan_label(cycle.triwulan),
                ind.sasaran,
                ind.code,
                ind.indikator,
                ind.satuan,
                ind.direction_label,
                _rounded(ind.target_for(cycle.triwulan)),
                _rounded(real.value if real else None),
                _rounded(ach.percent) if ach.computable else None,
                (ach.rating or "") if ach.computable else "",
                "" if ach.computable else ach.note,
                (real.kendala.strip() if real else "",),
                (real.tindak_lanjut.strip() if real else "",),
            )
        )
    return out


def year_rows(quarters: Sequence[Cycle], policy: CapaianPolicy = DEFAULT_POLICY) -> list[ExportRow]:
    """The year's performance data (annual target, realisation and capaian), as in the LKj;
    ``quarters`` are the four filed cycles of the year."""
    by_tw = {c.triwulan: c for c in quarters}
    indicators = {i.code: i for i in by_tw[4].indicators}
    year = by_tw[4].year
    reals = {tw: cycle_realisations(c) for tw, c in by_tw.items()}
    out = []
    for row in annual_performance(by_tw, policy)["rows"]:
        ind = indicators[row["code"]]
        reported = [reals.get(tw, {}).get(ind.code) for tw in (1, 2, 3, 4)]
        out.append(
            ExportRow(
                year,
                "Tahunan",
                ind.sasaran,
                ind.code,
                ind.indikator,
                ind.satuan,
                ind.direction_label,
                _rounded(ind.target_tahunan),
                _rounded(row["realisasi_value"]),
                _rounded(row["percent"]) if row["computable"] else None,
                row["rating"] if row["computable"] else "",
                "" if row["computable"] else row["note"],
                tuple(r.kendala.strip() if r else "" for r in reported),
                tuple(r.tindak_lanjut.strip() if r else "" for r in reported),
            )
        )
    return out


# fmt: off
EXPORT_COLUMNS: tuple[Column, ...] = (
    _col("year", "Tahun", (), "Tahun kinerja.", example="2026", width=7),
    _col("period", "Periode", (), "TW I–TW IV untuk data triwulan, “Tahunan” untuk data "
         "tahunan LKj.", example="TW II", width=9),
    _col("sasaran", "Sasaran Strategis", (), "Sasaran strategis Perjanjian Kinerja.",
         width=40),
    _col("code", "Kode Indikator", (), "Kode indikator pada Target Kinerja.",
         example="IKU-1", width=12),
    _col("indikator", "Indikator Kinerja", (), "Rumusan indikator.", width=45),
    _col("satuan", "Satuan", (), "Satuan indikator.", example="%", width=9),
    _col("direction", "Arah", (), "Naik: makin tinggi makin baik; Turun: makin rendah makin "
         "baik.", example="Naik", width=7),
    _col("target", "Target", (), "Target periode (kumulatif s.d. triwulan untuk indikator "
         "kumulatif; target tahunan untuk baris Tahunan), angka.", example="82", width=10),
    _col("realisation", "Realisasi", (), "Realisasi periode, angka; kosong bila belum "
         "dilaporkan.", example="81", width=10),
    _col("capaian", "Capaian (%)", (), "Capaian terhadap target dalam persen, dua desimal "
         "(paling tinggi sesuai batas kebijakan, 120); kosong bila tidak dapat dihitung.",
         example="98,78", width=10),
    _col("band", "Kategori", (), "Kategori capaian (Sangat Baik … Sangat Kurang); kosong bila "
         "capaian tidak dapat dihitung.", example="Sangat Baik", width=14),
    _col("note", "Keterangan", (), "Alasan capaian tidak dapat dihitung; kosong bila capaian "
         "dihitung.", width=30),
)
QUARTER_NOTE_COLUMNS: tuple[Column, ...] = (
    _col("kendala", "Kendala", (), "Kendala yang dilaporkan Tim Kerja.", width=40),
    _col("tindak_lanjut", "Tindak Lanjut", (), "Tindak lanjut yang dilaporkan.", width=40),
)
YEAR_NOTE_COLUMNS: tuple[Column, ...] = tuple(
    _col(f"{key}_{tw}", f"{label} {triwulan_label(tw)}", (),
         f"{label} yang dilaporkan Tim Kerja untuk {triwulan_label(tw)}.", width=30)
    for key, label in (("kendala", "Kendala"), ("tindak_lanjut", "Tindak Lanjut"))
    for tw in (1, 2, 3, 4)
)
EXPORT_BUDGET_COLUMNS: tuple[Column, ...] = (
    _col("year", "Tahun", (), "Tahun anggaran.", example="2026", width=7),
    _col("period", "Periode", (), "Periode anggaran: pagu satu tahun anggaran dan realisasi "
         "kumulatif sampai tanggal data (anggaran tidak dibagi per triwulan).",
         example="Tahun Anggaran 2026", width=18),
    _col("as_of", "Data per", (), "Tanggal data realisasi anggaran diunggah melalui "
         "/anggaran.", example="2026-12-03", width=12),
    _col("program_code", "Kode Program", (), "Kode program sesuai DPA; kosong bila tidak "
         "diisi pada berkas anggaran.", example="1.05.02", width=12),
    _col("program", "Program", (), "Nama program.", width=40),
    _col("kegiatan_code", "Kode Kegiatan", (), "Kode kegiatan sesuai DPA; kosong bila tidak "
         "diisi pada berkas anggaran.", example="1.05.02.2.01", width=14),
    _col("kegiatan", "Kegiatan", (), "Nama kegiatan.", width=45),
    _col("codes", "Kode Indikator", (), "Indikator yang didukung kegiatan.", width=14),
    _col("pagu", "Pagu (Rp)", (), "Pagu anggaran, angka rupiah.", width=16),
    _col("realisasi", "Realisasi (Rp)", (), "Realisasi anggaran, angka rupiah.", width=16),
    _col("percent", "Serapan (%)", (), "Realisasi dibagi pagu, dalam persen, dua desimal.",
         width=10),
)
# fmt: on


def _note_columns(rows: Sequence[ExportRow]) -> tuple[Column, ...]:
    """Kendala and tindak lanjut: one pair for a quarter, one column per quarter for a year."""
    if rows and len(rows[0].kendala) == 4:
        return YEAR_NOTE_COLUMNS
    return QUARTER_NOTE_COLUMNS


def _performance_values(row: ExportRow) -> list[object]:
    return [
        row.year,
        row.period,
        row.sasaran,
        row.code,
        row.indikator,
        row.satuan,
        row.direction,
        row.target,
        row.realisation,
        row.capaian,
        row.band,
        row.note,
        *row.kendala,
        *row.tindak_lanjut,
    ]


def _budget_values(budget: BudgetSet) -> list[list[object]]:
    period = f"Tahun Anggaran {budget.year}"
    as_of = budget.imported_at.date()
    return [
        [
            budget.year,
            period,
            as_of,
            line.program_code or None,
            line.program,
            line.kegiatan_code or None,
            line.kegiatan,
            ", ".join(line.codes),
            _rounded(line.pagu),
            _rounded(line.realisasi),
            _rounded(line.percent),
        ]
        for line in budget.lines
    ]


def _fill(ws, columns: Sequence[Column], rows: Sequence[Sequence[object]]) -> None:
    _style_header(ws, 1, columns)
    for r, values in enumerate(rows, start=2):
        for pos, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=pos, value=value)
            cell.alignment = _WRAP_TOP
            cell.border = _BORDER
            if isinstance(value, float):
                cell.number_format = "#,##0.00" if value % 1 else "#,##0"
            elif isinstance(value, date):
                cell.number_format = "yyyy-mm-dd"


def export_workbook(
    title: str, rows: Sequence[ExportRow], budget: BudgetSet | None, author: str = "lkj-bot"
) -> bytes:
    """Sheets "Kinerja", "Anggaran" (when the year's budget is known) and "Petunjuk";
    ``author`` (the unit) is the workbook's author."""
    wb = openpyxl.Workbook()
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.title = title
    ws = wb.active
    assert ws is not None
    ws.title = PERFORMANCE_SHEET
    columns = EXPORT_COLUMNS + _note_columns(rows)
    _fill(ws, columns, [_performance_values(r) for r in rows])
    if budget is not None:
        _fill(wb.create_sheet(EXPORT_BUDGET_SHEET), EXPORT_BUDGET_COLUMNS, _budget_values(budget))
    notes = [
        "Catatan:",
        f"• {title}.",
        "• Setiap baris berisi satu indikator (lembar “Kinerja”) atau satu kegiatan (lembar "
        "“Anggaran”); angka disimpan sebagai angka sehingga kolom dapat disalin langsung ke "
        "aplikasi e-SAKIP.",
        "• Lembar “Anggaran” hanya ada bila realisasi anggaran tahun ini sudah diunggah "
        "melalui /anggaran. Anggaran tidak dibagi per triwulan: lembar itu memuat pagu satu "
        "tahun anggaran dan realisasi sampai tanggal pada kolom “Data per”, juga pada ekspor "
        "triwulan.",
        "• Angka dibulatkan seperti pada laporan: paling banyak dua desimal.",
    ]
    _guide_sheet(wb, columns + EXPORT_BUDGET_COLUMNS[1:], notes)
    guide = wb[wb.sheetnames[-1]]
    guide["A1"].font = Font(bold=True, size=13)
    return _save(wb)


def export_csv(rows: Sequence[ExportRow]) -> bytes:
    """The "Kinerja" sheet as CSV (semicolon separated, UTF-8 with BOM, decimal comma), the
    form Indonesian Excel opens directly."""
    columns = EXPORT_COLUMNS + _note_columns(rows)
    return _csv([c.label for c in columns], [_performance_values(r) for r in rows])


def budget_csv(budget: BudgetSet) -> bytes:
    """The "Anggaran" sheet as CSV, like :func:`export_csv`."""
    return _csv([c.label for c in EXPORT_BUDGET_COLUMNS], _budget_values(budget))


def _csv(header: list[str], rows: Sequence[Sequence[object]]) -> bytes:
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    for values in rows:
        writer.writerow(["" if v is None else _csv_cell(v) for v in values])
    return buf.getvalue().encode("utf-8-sig")


def _csv_cell(value: object) -> str:
    """Numbers exactly as stored, with a decimal comma and no thousands separator."""
    if isinstance(value, float):
        text = str(int(value)) if value.is_integer() else repr(value)
        return text.replace(".", ",")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# ----------------------------------------------------------------------------- whole exports


def export_filename(year: int, triwulan: int | None, ext: str = "xlsx") -> str:
    period = f"TW-{('I', 'II', 'III', 'IV')[triwulan - 1]}" if triwulan else "Tahunan"
    return f"Ekspor_Kinerja_{period}_{year}.{ext}"


def export_title(unit_name: str, year: int, triwulan: int | None) -> str:
    period = f"Triwulan {('I', 'II', 'III', 'IV')[triwulan - 1]}" if triwulan else "tahunan"
    return f"Data kinerja {period} Tahun {year} {unit_name}, diekspor oleh lkj-bot"


def quarter_export(cycle: Cycle, unit_name: str, budget: BudgetSet | None) -> bytes:
    """The export workbook of one quarter (also embedded in its signed report)."""
    title = export_title(unit_name, cycle.year, cycle.triwulan)
    return export_workbook(title, quarter_rows(cycle), budget, unit_name)


def year_export(quarters: Sequence[Cycle], unit_name: str, budget: BudgetSet | None) -> bytes:
    """The export workbook of a year (also embedded in the signed annual LKj)."""
    year = quarters[0].year
    title = export_title(unit_name, year, None)
    return export_workbook(title, year_rows(quarters), budget, unit_name)


# ----------------------------------------------------------------------------- a pemda's export

PEMDA_SUMMARY_SHEET = "Ringkasan"
#: A unit's state in the pemda's summary (``app.pemda.STATES``).
PEMDA_STATE_LABELS = {
    "terlambat": "Terlambat",
    "berisiko": "Berisiko",
    "berjalan": "Berjalan",
    "belum_dimulai": "Belum dimulai",
    "ditandatangani": "Ditandatangani",
}
# fmt: off
PEMDA_SUMMARY_COLUMNS: tuple[Column, ...] = (
    _col("code", "Kode Unit", (), "Kode unit kerja pada daftar unit.", width=16),
    _col("unit", "Unit Kerja", (), "Nama unit kerja.", width=45),
    _col("sheet", "Lembar", (), "Lembar buku kerja yang memuat data kinerja unit ini.",
         width=24),
    _col("period", "Periode", (), "Periode ekspor.", example="TW IV 2026", width=12),
    _col("state", "Keadaan", (), "Terlambat, Berisiko, Berjalan, Belum dimulai atau "
         "Ditandatangani, pada saat ekspor.", width=14),
    _col("current", "Triwulan", (), "Triwulan yang sedang diproses (untuk ekspor tahunan: "
         "triwulan terakhir yang dimulai).", example="TW IV", width=9),
    _col("step", "Tahap", (), "Nomor tahap SOP yang sedang berjalan.", example="4", width=7),
    _col("activity", "Kegiatan Tahap", (), "Kegiatan tahap tersebut.", width=40),
    _col("signed", "Ditandatangani", (), "Ya bila laporan periode ini telah ditandatangani.",
         example="Ya", width=14),
    _col("indicators", "Jumlah Indikator", (), "Indikator pada data yang ditandatangani.",
         width=10),
    _col("capaian", "Rata-rata Capaian (%)", (), "Rata-rata capaian indikator yang dapat "
         "dihitung, hanya dari laporan yang telah ditandatangani.", width=12),
    _col("note", "Keterangan", (), "Triwulan yang belum ditandatangani.", width=30),
)
# fmt: on


def _roman(triwulan: int) -> str:
    return ("I", "II", "III", "IV")[triwulan - 1]


def _period_label(year: int, triwulan: int | None) -> str:
    return f"TW {_roman(triwulan)} {year}" if triwulan else f"Tahun {year}"


def pemda_sheet_names(names: Sequence[str], government: str) -> list[str]:
    """A sheet name per unit: its name without the pemda's own (every unit shares it), cut
    to Excel's 31 characters, without the characters Excel refuses, unique."""
    used: set[str] = {PEMDA_SUMMARY_SHEET.lower()}
    out = []
    for name in names:
        short = name
        if short.lower().endswith(" " + government.lower()) and len(short) > len(government) + 1:
            short = short[: -len(government) - 1]
        short = "".join(" " if ch in "[]:*?/\\" else ch for ch in short).strip(" '") or "Unit"
        candidate, n = short[:31].strip(), 2
        while candidate.lower() in used:
            suffix = f" ({n})"
            candidate, n = short[: 31 - len(suffix)].strip() + suffix, n + 1
        used.add(candidate.lower())
        out.append(candidate)
    return out


def _summary_values(unit: UnitExport, sheet: str) -> list[object]:
    note = ""
    if unit.unsigned:
        note = "Belum ditandatangani: " + ", ".join(f"TW {_roman(t)}" for t in unit.unsigned)
    return [
        unit.code,
        unit.name,
        sheet,
        _period_label(unit.year, unit.triwulan),
        PEMDA_STATE_LABELS.get(unit.state, unit.state),
        f"TW {_roman(unit.current)}" if unit.current else None,
        unit.step,
        unit.activity or None,
        "Ya" if unit.signed else "Belum",
        unit.indicators if unit.signed else None,
        _rounded(unit.capaian),
        note or None,
    ]


def pemda_workbook(title: str, author: str, government: str, units: Sequence[UnitExport]) -> bytes:
    """Sheet "Ringkasan" (one row per unit) and one sheet per unit holding what it signed
    of the period, in the unit export's columns; ``author`` (the pemda) is the workbook's."""
    wb = openpyxl.Workbook()
    wb.properties.creator = author
    wb.properties.lastModifiedBy = author
    wb.properties.title = title
    ws = wb.active
    assert ws is not None
    ws.title = PEMDA_SUMMARY_SHEET
    sheets = pemda_sheet_names([u.name for u in units], government)
    _fill(
        ws,
        PEMDA_SUMMARY_COLUMNS,
        [_summary_values(u, n) for u, n in zip(units, sheets, strict=True)],
    )
    for unit, name in zip(units, sheets, strict=True):
        sheet = wb.create_sheet(name)
        columns = EXPORT_COLUMNS + _note_columns(unit.rows)
        _fill(sheet, columns, [_performance_values(r) for r in unit.rows])
        if not unit.rows:
            sheet.cell(
                row=2,
                column=1,
                value="Belum ada laporan yang ditandatangani untuk "
                f"{_period_label(unit.year, unit.triwulan)}.",
            )
    return _save(wb)


def pemda_summary_csv(units: Sequence[UnitExport], government: str) -> bytes:
    """The "Ringkasan" sheet as CSV, like :func:`export_csv`."""
    sheets = pemda_sheet_names([u.name for u in units], government)
    return _csv(
        [c.label for c in PEMDA_SUMMARY_COLUMNS],
        [_summary_values(u, n) for u, n in zip(units, sheets, strict=True)],
    )


def pemda_export_filename(pemda: str, year: int, triwulan: int | None, ext: str = "xlsx") -> str:
    period = f"TW-{_roman(triwulan)}" if triwulan else "Tahunan"
    kind = "Ekspor_Kinerja" if ext == "xlsx" else "Ringkasan"
    return f"{kind}_Pemda_{pemda}_{period}_{year}.{ext}"


def pemda_export_title(government: str, year: int, triwulan: int | None) -> str:
    period = f"Triwulan {_roman(triwulan)}" if triwulan else "tahunan"
    return f"Data kinerja {period} Tahun {year} unit kerja {government}, diekspor oleh lkj-bot"


def archival_attachment(year: int, triwulan: int | None, workbook: bytes) -> EmbeddedFile:
    """The export workbook as the file embedded in a report's archival (PDF/A-3) copy."""
    return EmbeddedFile(
        export_filename(year, triwulan),
        workbook,
        "Data kinerja dan realisasi anggaran laporan ini (format ekspor e-SAKIP)",
    )
