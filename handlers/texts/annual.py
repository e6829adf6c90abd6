"""The annual LKj (/tahunan)."""

from __future__ import annotations

from domain import sop as sop_keys


def annual_not_for_you(role_label: str) -> str:
    return f"Laporan kinerja tahunan disusun oleh {role_label}."


def annual_intro(paraf_label: str, sign_label: str) -> str:
    """``/tahunan``: the roles that initial and sign come from the unit's SOP table."""
    return (
        "<b>Laporan Kinerja (LKj) tahunan</b>\nLKj disusun dari empat laporan triwulan yang "
        f"telah ditandatangani, lalu diparaf {paraf_label} dan ditandatangani {sign_label}. "
        "Pilih tahun:"
    )


def annual_busy(year: int, waiting_for: str) -> str:
    return (
        f"LKj tahun {year} {waiting_for}; draf baru hanya dapat disusun sebelum diajukan atau "
        "setelah dikembalikan."
    )


def waiting_for(stage: str, role_label: str) -> str:
    """Where a report stands, by the activity it waits for and the role the table gives it."""
    if stage == sop_keys.PARAF:
        return f"menunggu paraf {role_label}"
    if stage == sop_keys.SIGN:
        return f"menunggu tanda tangan {role_label}"
    return "telah ditandatangani"


def annual_name(year: int) -> str:
    return f"LKj tahun {year}"


def annual_title(year: int) -> str:
    return f"Laporan Kinerja tahun {year}"


def btn_annual_compile(year: int) -> str:
    return f"Susun LKj {year}"


def btn_annual_archive(year: int) -> str:
    return f"LKj Tahunan {year}"
