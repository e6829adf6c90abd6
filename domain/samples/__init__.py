"""The demo's sample unit: a Satuan Polisi Pamong Praja (Satpol PP) with its 2026 targets.

Three sasaran strategis and eight indicators, of every kind the achievement arithmetic knows:
higher and lower is better, cumulative and per quarter, a quarter without a target (IKU-3 in
TW I), decimals written Indonesian-style. The targets are shipped as a CSV file (text, easy
to review); the equivalent workbook is generated (documents/sample_workbooks.py), so no binary
file is committed.

``sample_realisations`` gives each quarter's realisation with kendala and tindak lanjut; in
every quarter two indicators fall below 75% so the risk flag shows in the demo.
"""

from __future__ import annotations

import csv
import hashlib
import io
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from domain.budget import BudgetSet, budget_from_sheet
from domain.performance import Indicator, TargetSet, UnitProfile, round_half_up
from domain.targets_import import RealisationRow, Sheet, profile_from_sheet, targets_from_sheet

SAMPLE_YEAR = 2026
SAMPLE_TARGETS_CSV = Path(__file__).with_name("satpolpp_targets_2026.csv")
SAMPLE_BUDGET_CSV = Path(__file__).with_name("satpolpp_budget_2026.csv")
SAMPLE_PROFILE_CSV = Path(__file__).with_name("satpolpp_profile_2026.csv")


def sample_targets_csv() -> bytes:
    return SAMPLE_TARGETS_CSV.read_bytes()


def _shipped_sheet(path: Path) -> Sheet:
    """A shipped sample CSV file (ours: UTF-8, semicolons, one line a row) as plain rows.

    An uploaded file is read by ``documents.spreadsheets``; the samples are known text the
    standard library reads, and the same rules as an upload validate them."""
    data = path.read_bytes()
    reader = csv.reader(io.StringIO(data.decode("utf-8"), newline=""), delimiter=";")
    rows: list[tuple[int, list[object]]] = [
        (number, list(record)) for number, record in enumerate(reader, start=1)
    ]
    return Sheet("CSV", rows, path.name, hashlib.sha256(data).hexdigest())


def sample_targets(
    unit: str = "satpolpp-bdg",
    imported_by: int = 0,
    imported_at: datetime | None = None,
) -> TargetSet:
    """The sample targets parsed from the shipped CSV file."""
    return targets_from_sheet(
        _shipped_sheet(SAMPLE_TARGETS_CSV),
        unit=unit,
        year=SAMPLE_YEAR,
        imported_by=imported_by,
        imported_at=imported_at
        or datetime(SAMPLE_YEAR, 1, 5, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
    )


def sample_profile() -> UnitProfile:
    """The sample unit's Renstra profile (the targets workbook's sheet "Profil Renstra"),
    shipped as a CSV file and read by the same rules as an upload."""
    return profile_from_sheet(_shipped_sheet(SAMPLE_PROFILE_CSV))


def sample_targets_with_profile(unit: str = "satpolpp-bdg") -> TargetSet:
    """The sample targets with the profile, as the sample workbook's upload gives them."""
    return replace(sample_targets(unit), profile=sample_profile())


def sample_indicators() -> tuple[Indicator, ...]:
    return sample_targets().indicators


_NO_PROBLEM = "Tidak ada kendala berarti."

# triwulan -> code -> (realisation, kendala, tindak lanjut); cumulative indicators year-to-date.
_REALISATIONS: dict[int, dict[str, tuple[float, str, str]]] = {
    1: {
        "IKU-1": (
            78.5,
            "Sebagian pedagang kaki lima di kawasan pusat kota kembali berjualan setelah "
            "penertiban.",
            "Penertiban berkala bersama kecamatan dan pendataan ulang pedagang untuk relokasi.",
        ),
        "IKU-2": (
            58,
            _NO_PROBLEM,
            "Melanjutkan sosialisasi Perda Ketertiban Umum di kelurahan yang belum terjangkau.",
        ),
        "IKU-3": (
            0,
            "Diklat PPNS baru dijadwalkan BPSDM Provinsi pada Triwulan II; tidak ada target "
            "Triwulan I.",
            "Mengusulkan enam orang calon peserta diklat PPNS kepada BPSDM Provinsi.",
        ),
        "IKU-4": (
            276,
            "Dua kendaraan patroli menjalani perbaikan selama tiga minggu pada bulan Februari.",
            "Memakai kendaraan operasional bidang lain dan mempercepat perbaikan kendaraan "
            "patroli.",
        ),
        "IKU-5": (
            62.5,
            "Sebagian pengaduan masuk melalui media sosial dan belum tercatat dalam SP4N-LAPOR!; "
            "personel piket malam terbatas.",
            "Mengintegrasikan pengaduan media sosial ke SP4N-LAPOR! dan menambah satu regu piket "
            "malam mulai April.",
        ),
        "IKU-6": (24, _NO_PROBLEM, "Mempertahankan patroli rutin di titik rawan gangguan."),
        "IKU-7": (
            9,
            "Anggaran pelatihan linmas baru tersedia setelah pergeseran anggaran pada bulan Maret.",
            "Menjadwalkan pelatihan linmas di enam kecamatan pada bulan April dan Mei.",
        ),
        "IKU-8": (
            81.25,
            "Responden survei kepuasan masih didominasi pengunjung kantor.",
            "Menyebarkan survei elektronik kepada masyarakat yang dilayani di lapangan.",
        ),
    },
    2: {
        "IKU-1": (81, _NO_PROBLEM, "Melanjutkan penertiban terjadwal bersama kecamatan."),
        "IKU-2": (
            84,
            "Pelanggaran meningkat seiring bertambahnya pedagang di kawasan wisata pada masa "
            "libur sekolah dan pemasangan reklame tanpa izin.",
            "Menambah operasi gabungan pada masa libur dan menertibkan reklame tanpa izin "
            "bersama Bapenda.",
        ),
        "IKU-3": (
            28,
            "Kuota diklat PPNS dari BPSDM Provinsi hanya empat orang dari enam orang yang "
            "diusulkan.",
            "Mengusulkan tambahan kuota pada angkatan Triwulan III dan menyiapkan pelatihan "
            "teknis mandiri.",
        ),
        "IKU-4": (588, _NO_PROBLEM, "Mempertahankan jadwal patroli tiga regu per hari."),
        "IKU-5": (
            88.6,
            "Beberapa pengaduan memerlukan koordinasi dengan perangkat daerah lain.",
            "Menetapkan narahubung pengaduan di setiap perangkat daerah terkait.",
        ),
        "IKU-6": (51, _NO_PROBLEM, "Mempertahankan patroli rutin di titik rawan gangguan."),
        "IKU-7": (
            27,
            "Dua kecamatan menunda pelatihan karena kegiatan musyawarah kelurahan.",
            "Menjadwalkan ulang pelatihan di dua kecamatan pada bulan Juli.",
        ),
        "IKU-8": (82.4, _NO_PROBLEM, "Mempertahankan survei elektronik di lokasi layanan."),
    },
    3: {
        "IKU-1": (
            61.2,
            "Penegakan Perda reklame tertunda karena menunggu hasil verifikasi perizinan dari "
            "DPMPTSP.",
            "Menyusun jadwal penertiban bersama DPMPTSP dan menyampaikan surat peringatan kepada "
            "pemilik reklame.",
        ),
        "IKU-2": (55, _NO_PROBLEM, "Melanjutkan sosialisasi dan pengawasan rutin."),
        "IKU-3": (
            55,
            "Satu peserta diklat PPNS belum dapat mengikuti ujian akhir karena sakit.",
            "Mengikutsertakan peserta tersebut pada ujian susulan bulan Oktober.",
        ),
        "IKU-4": (905, _NO_PROBLEM, "Mempertahankan jadwal patroli tiga regu per hari."),
        "IKU-5": (93.1, _NO_PROBLEM, "Mempertahankan batas waktu tindak lanjut 3 x 24 jam."),
        "IKU-6": (
            83,
            "Keramaian pada peringatan HUT Kemerdekaan RI menambah gangguan ketertiban.",
            "Menambah pos pengamanan pada kegiatan massal bersama Polres dan Kodim.",
        ),
        "IKU-7": (
            31,
            "Pelatihan linmas di tiga kecamatan ditunda karena bertepatan dengan kegiatan "
            "peringatan HUT Kemerdekaan RI.",
            "Menjadwalkan ulang pelatihan di tiga kecamatan pada bulan Oktober.",
        ),
        "IKU-8": (83.1, _NO_PROBLEM, "Mempertahankan survei elektronik di lokasi layanan."),
    },
    4: {
        "IKU-1": (86.4, _NO_PROBLEM, "Menyusun rencana penegakan Perda tahun berikutnya."),
        "IKU-2": (49, _NO_PROBLEM, "Melanjutkan sosialisasi dan pengawasan rutin."),
        "IKU-3": (
            78,
            "Satu orang PPNS pindah tugas sebelum mengikuti pelatihan lanjutan.",
            "Mengusulkan pengganti pada diklat PPNS tahun berikutnya.",
        ),
        "IKU-4": (1214, _NO_PROBLEM, "Mempertahankan jadwal patroli tiga regu per hari."),
        "IKU-5": (
            68,
            "Lonjakan pengaduan menjelang Natal dan Tahun Baru melebihi kapasitas tim reaksi "
            "cepat.",
            "Membentuk tim reaksi cepat tambahan pada masa libur akhir tahun dan menetapkan batas "
            "waktu tindak lanjut 3 x 24 jam.",
        ),
        "IKU-6": (
            152,
            "Gangguan ketertiban meningkat pada perayaan Natal dan Tahun Baru serta di lokasi "
            "wisata selama libur akhir tahun.",
            "Menambah pos pengamanan terpadu bersama Polres dan Kodim di titik keramaian.",
        ),
        "IKU-7": (58, _NO_PROBLEM, "Menyusun jadwal pelatihan linmas tahun berikutnya."),
        "IKU-8": (84.02, _NO_PROBLEM, "Mempertahankan survei elektronik di lokasi layanan."),
    },
}


# The year before the sample year, as the bot filed it: each indicator's quarters scaled by a
# factor, so the 2026 LKj compares with a year that was better on some indicators and worse
# on others.
_PREVIOUS_YEAR_FACTORS: dict[str, float] = {
    "IKU-1": 0.95,
    "IKU-2": 1.06,
    "IKU-3": 0.8,
    "IKU-4": 0.93,
    "IKU-5": 1.04,
    "IKU-6": 0.9,
    "IKU-7": 0.85,
    "IKU-8": 0.98,
}
_COUNT_CODES = ("IKU-2", "IKU-4", "IKU-6")


def sample_realisations(triwulan: int, year: int = SAMPLE_YEAR) -> list[RealisationRow]:
    """The sample unit's realisation for a quarter (1–4), one row per indicator; for the year
    before the sample year, the same quarters scaled per indicator."""
    if triwulan not in _REALISATIONS:
        raise ValueError(f"Triwulan harus 1 sampai 4, bukan {triwulan}.")
    if year not in (SAMPLE_YEAR, SAMPLE_YEAR - 1):
        raise ValueError(f"Contoh realisasi hanya untuk {SAMPLE_YEAR - 1} dan {SAMPLE_YEAR}.")
    rows = []
    for code, (value, kendala, tindak) in _REALISATIONS[triwulan].items():
        if year != SAMPLE_YEAR:
            scaled = value * _PREVIOUS_YEAR_FACTORS[code]
            value = float(round(scaled)) if code in _COUNT_CODES else round_half_up(scaled)
        rows.append(RealisationRow(code, float(value), kendala, tindak))
    return rows


def sample_budget(
    unit: str = "satpolpp-bdg",
    imported_by: int = 0,
    imported_at: datetime | None = None,
) -> BudgetSet:
    """The sample unit's 2026 budget realisation, parsed from the shipped CSV file."""
    return budget_from_sheet(
        _shipped_sheet(SAMPLE_BUDGET_CSV),
        unit=unit,
        year=SAMPLE_YEAR,
        known_codes=[i.code for i in sample_indicators()],
        imported_by=imported_by,
        imported_at=imported_at
        or datetime(SAMPLE_YEAR + 1, 1, 20, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
    )
