"""The pemda evaluators' Monday digest (handlers/pemda_digest.py) and their /ekspor of the
whole pemda (handlers/export.py)."""

from __future__ import annotations

from handlers.texts.common import esc, tw_short


def pemda_digest_head(government: str, day: str) -> str:
    return f"<b>Ringkasan mingguan SAKIP — {esc(government)}</b>\n{day}\n"


def pemda_digest_attention(count: int, total: int) -> str:
    return f"Unit kerja yang terlambat atau berisiko: <b>{count}</b> dari {total} unit.\n"


def pemda_digest_all_well(total: int, started: int, signed: int) -> str:
    return (
        f"Tidak ada unit kerja yang terlambat atau berisiko ({total} unit: {started} sedang "
        f"berjalan, {signed} telah ditandatangani, selebihnya belum dimulai)."
    )


def pemda_digest_row(
    number: int,
    name: str,
    state: str,
    overdue: str,
    triwulan: int | None,
    year: int,
    step: int | None,
    activity: str,
    role_label: str,
    holders: str,
    since: str,
    at_risk_indicators: int,
) -> str:
    if state == "terlambat":
        status = f"TERLAMBAT {overdue}"
    elif at_risk_indicators:
        status = f"BERISIKO ({at_risk_indicators} indikator di bawah ambang capaian)"
    else:
        status = "BERISIKO (waktu tahap hampir habis)"
    period = f"{tw_short(triwulan)} {year}" if triwulan else str(year)
    holder = f"{role_label} ({esc(holders)})" if holders else role_label
    lines = [
        f"{number}. <b>{esc(name)}</b> — {status}",
        f"   {period}, tahap {step}: {esc(activity)}",
        f"   Dipegang oleh {holder}" + (f" sejak {since}" if since else ""),
    ]
    return "\n".join(lines)


PEMDA_DIGEST_FOOT = "\nRincian seluruh unit kerja dapat dilihat dengan /pantau."


def pemda_export_intro(government: str) -> str:
    return (
        f"<b>Ekspor data kinerja {esc(government)}</b>\nPilih periode. Bot mengirim satu "
        "buku kerja XLSX (lembar “Ringkasan” dengan satu baris per unit kerja, dan satu lembar "
        "per unit kerja) serta ringkasannya dalam CSV. Hanya data laporan yang telah "
        "ditandatangani yang dimuat; unit lainnya ditandai belum ditandatangani."
    )


def pemda_export_nothing(government: str) -> str:
    return (
        f"Belum ada unit kerja {esc(government)} yang memulai laporan triwulan, sehingga "
        "belum ada data kinerja untuk diekspor."
    )


def pemda_export_caption(government: str, period: str, signed: int, total: int) -> str:
    return (
        f"Ekspor data kinerja {period} {esc(government)}: {signed} dari {total} unit kerja "
        "telah menandatangani laporannya."
    )


PEMDA_EXPORT_CSV_CAPTION = "Lembar Ringkasan (CSV, pemisah titik koma)."
PEMDA_EXPORT_NOT_EVALUATOR = "Ekspor data pemerintah daerah hanya bagi evaluator yang terdaftar."
