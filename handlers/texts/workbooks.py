"""Yearly workbooks: targets (/target), budget realisation (/anggaran) and export (/ekspor)."""

from __future__ import annotations


def targets_not_for_you(role_label: str) -> str:
    return f"Target kinerja dikelola oleh {role_label}."


BUDGET_TEMPLATE_CAPTION = (
    "Templat realisasi anggaran: isi lembar “Realisasi Anggaran” (satu kegiatan per baris); "
    "petunjuk setiap kolom ada pada lembar “Petunjuk”. Kirim kembali melalui /anggaran."
)


def budget_not_for_you(role_label: str) -> str:
    return f"Realisasi anggaran dikelola oleh {role_label}."


def budget_missing(year: int) -> str:
    return (
        f"Realisasi anggaran tahun {year} belum diunggah; tanpa data ini LKj tahunan tidak "
        "memuat tabel realisasi anggaran dan analisis efisiensi."
    )


def budget_needs_targets(year: int) -> str:
    return (
        f"{targets_missing(year)} Setiap kegiatan pada data anggaran "
        "menyebutkan kode indikator yang didukungnya, sehingga unggah target lebih dahulu "
        "melalui /target."
    )


def budget_ask(year: int, replacing: bool) -> str:
    text = f"Kirimkan berkas realisasi anggaran tahun {year} (XLSX sesuai templat, atau CSV)."
    if replacing:
        text += (
            "\n\nPerhatian: data anggaran tahun ini sudah ada. Berkas baru menggantikannya "
            "dan penggantian ini dicatat dalam jejak audit."
        )
    return text


def export_not_for_you(member_label: str) -> str:
    return (
        "Ekspor data kinerja tersedia bagi pejabat yang dapat melihat target kinerja; "
        f"{member_label} menyerahkan data melalui tugas masing-masing."
    )


EXPORT_NOTHING = (
    "Belum ada laporan triwulan yang ditandatangani, sehingga belum ada data kinerja untuk "
    "diekspor."
)
EXPORT_INTRO = (
    "<b>Ekspor data kinerja</b>\nPilih periode. Bot mengirim buku kerja XLSX (lembar "
    "“Kinerja”, “Anggaran” bila realisasi anggaran tahun itu sudah diunggah, dan “Petunjuk”) "
    "serta CSV-nya, disusun untuk disalin ke aplikasi e-SAKIP."
)


def export_caption(period: str, budget: bool) -> str:
    text = f"Ekspor data kinerja {period}"
    if not budget:
        text += " (tanpa lembar Anggaran: realisasi anggaran tahun itu belum diunggah)"
    return text + "."


BTN_TEMPLATE = "Unduh templat"
TARGET_TEMPLATE_CAPTION = (
    "Templat target kinerja: isi lembar “Target Kinerja”; petunjuk ada pada lembar "
    "“Petunjuk”. Kirim kembali melalui /target."
)
LABEL_TARGETS_FILE = "Berkas target"
LABEL_BUDGET_FILE = "Berkas realisasi anggaran"


def target_line(
    code: str, name: str, unit: str, yearly: str, quarters: str, sense: str, counting: str
) -> str:
    return f"• {code} {name} ({unit}): tahunan {yearly}; {quarters} ({sense}, {counting})"


def sasaran_line(sasaran: str) -> str:
    return f"\nSasaran: {sasaran}"


def targets_title(year: int) -> str:
    return f"Target kinerja tahun {year}"


def targets_head(year: int, sasaran: int, indicators: int) -> str:
    return f"<b>{targets_title(year)}</b> — {sasaran} sasaran, {indicators} indikator:"


def targets_missing(year: int) -> str:
    return f"{targets_title(year)} belum diunggah."


def btn_targets_download(year: int) -> str:
    return f"Unduh target {year}"


def btn_targets_upload(year: int) -> str:
    return f"Unggah target {year}"


def targets_current_caption(year: int) -> str:
    return f"{targets_title(year)} yang berlaku."


def targets_running_warning(year: int) -> str:
    return (
        f"\n\nPerhatian: siklus tahun {year} sudah berjalan. Target baru menggantikan target "
        "yang berlaku dan penggantian ini dicatat dalam jejak audit."
    )


def ask_targets(year: int, warning: str) -> str:
    return f"Kirimkan berkas target kinerja tahun {year} (XLSX sesuai templat, atau CSV).{warning}"


def targets_read(name: str, sasaran: int, indicators: int) -> str:
    return f"{name} — {sasaran} sasaran, {indicators} indikator, terbaca sebagai berikut:"


def targets_saved(year: int, replaced: bool, summary: str) -> str:
    verb = "menggantikan target sebelumnya" if replaced else "disimpan"
    return f"{targets_title(year)} {verb}.\n\n{summary}"


def budget_title(year: int) -> str:
    return f"Realisasi anggaran tahun {year}"


def budget_head(
    year: int, programs: int, lines: int, pagu: str, realisasi: str, percent: str
) -> str:
    return (
        f"<b>{budget_title(year)}</b> — {programs} program, {lines} kegiatan; pagu Rp{pagu}, "
        f"realisasi Rp{realisasi} ({percent})."
    )


def btn_budget_download(year: int) -> str:
    return f"Unduh anggaran {year}"


def btn_budget_upload(year: int) -> str:
    return f"Unggah anggaran {year}"


def budget_current_caption(year: int) -> str:
    return f"{budget_title(year)} yang berlaku."


def budget_read(name: str, programs: int, lines: int) -> str:
    return f"{name} — {programs} program, {lines} kegiatan"


def budget_saved(year: int, replaced: bool, summary: str) -> str:
    verb = "menggantikan data sebelumnya" if replaced else "disimpan"
    return f"{budget_title(year)} {verb}.\n\n{summary}"


def btn_export_year(year: int) -> str:
    return f"Tahun {year}"


def export_year_period(year: int) -> str:
    return f"tahunan Tahun {year}"


EXPORT_CSV_CAPTION = "Data kinerja (CSV, pemisah titik koma)."


def export_budget_csv_caption(year: int) -> str:
    return f"{budget_title(year)} (CSV, pemisah titik koma)."
