"""The annual LKj (/tahunan)."""

from __future__ import annotations

from domain import sop as sop_keys
from domain.performance import format_number_id, format_percent_id, round_half_up
from handlers.texts.common import esc


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


# --- the year's close: why an indicator missed or exceeded its annual target ----------------

BTN_ANNUAL_ANSWER = "Isi alasan"
BTN_ANNUAL_SKIP = "Lewati"
LABEL_ANNUAL_REASON = "Alasan"
LABEL_ANNUAL_ACTION = "Tindak lanjut"
LABEL_ANNUAL_NUMERATOR = "Pembilang tahunan"
LABEL_ANNUAL_DENOMINATOR = "Penyebut tahunan"
ANNUAL_NO_ACTION = "(tidak ada)"


def _figure(value: float | None, satuan: str) -> str:
    if value is None:
        return "-"
    number = format_number_id(round_half_up(value))  # as the report prints it
    return f"{number}%" if satuan.strip() == "%" else f"{number} {esc(satuan)}".rstrip()


def annual_question(
    year: int,
    code: str,
    indikator: str,
    satuan: str,
    target: float | None,
    value: float | None,
    percent: float,
    for_compiler: bool,
) -> str:
    """The question put to whoever answers for an indicator at the year's close."""
    verdict = "melampaui target" if percent > 100 else "belum mencapai target"
    asked = (
        "Mohon jelaskan faktor yang mendukungnya" if percent > 100 else "Mohon jelaskan penyebabnya"
    )
    lines = [
        f"<b>Penjelasan capaian LKj tahun {year}</b>",
        f"Indikator <b>{esc(code)}</b> ({esc(indikator)}): target tahunan "
        f"{_figure(target, satuan)}, realisasi {_figure(value, satuan)}, capaian "
        f"{format_percent_id(percent)}, sehingga {verdict}.",
        f"{asked} beserta tindak lanjut yang telah atau akan dilakukan. Penjelasan Anda dimuat "
        "dalam analisis Bab III Laporan Kinerja tahunan.",
    ]
    if for_compiler:
        lines.append(
            "Indikator ini tidak dibagikan kepada anggota Tim Kerja yang masih bertugas, "
            "sehingga penjelasannya diberikan oleh penyusun LKj."
        )
    return "\n".join(lines)


def annual_answer_title(code: str, year: int) -> str:
    return f"Penjelasan capaian {code} tahun {year}"


def ask_annual_reason(code: str, exceeded: bool) -> str:
    what = "faktor yang membuat target terlampaui" if exceeded else "penyebab target belum tercapai"
    return (
        f"Ketik {what} pada indikator {esc(code)}, dalam satu atau beberapa kalimat (bukan "
        "sekadar angka), misalnya: “Dua personel pengawas dimutasi pada Triwulan III "
        "sehingga patroli berkurang.”"
    )


ASK_ANNUAL_ACTION = (
    "Ketik tindak lanjut yang telah atau akan dilakukan, atau ketik - bila tidak ada."
)


def ask_annual_numerator(code: str) -> str:
    return (
        f"Indikator {esc(code)} dihitung sebagai rasio tahunan. Ketik pembilang setahun "
        "(misalnya jumlah kasus yang ditangani), berupa angka."
    )


def ask_annual_denominator(code: str) -> str:
    return (
        f"Ketik penyebut setahun untuk indikator {esc(code)} (misalnya jumlah kasus yang "
        "masuk), berupa angka lebih dari 0."
    )


ANNUAL_REASON_EMPTY = "Alasan tidak boleh kosong. Mohon ketik alasannya dalam kalimat."
ANNUAL_REASON_NUMBERS = (
    "Alasan tidak dapat berupa angka saja: angka capaian sudah tercantum dalam laporan. "
    "Mohon jelaskan penyebabnya dalam kalimat, misalnya apa yang terjadi dan mengapa."
)
ANNUAL_REASON_SHORT = (
    "Alasan terlalu singkat. Mohon jelaskan dalam kalimat yang utuh (sedikitnya tiga kata "
    "dan 20 huruf), misalnya apa yang terjadi dan mengapa."
)
ANNUAL_RATIO_NEEDED = (
    "Indikator ini dihitung sebagai rasio tahunan: pembilang (angka 0 atau lebih) dan penyebut "
    "(angka lebih dari 0) wajib diisi."
)
ANNUAL_DENOMINATOR_ZERO = "Penyebut harus lebih dari 0."
ANNUAL_QUESTION_GONE = (
    "Indikator ini tidak memerlukan penjelasan lagi: capaian tahunannya tepat 100% atau "
    "keempat laporan triwulan belum lengkap."
)


def annual_not_your_question(code: str) -> str:
    return (
        f"Penjelasan indikator {esc(code)} diberikan oleh anggota Tim Kerja yang menerima "
        "indikator tersebut atau oleh penyusun LKj."
    )


def annual_skipped(code: str) -> str:
    return (
        f"Penjelasan {esc(code)} dilewati untuk sementara. Pertanyaan ini tetap tercatat "
        "belum dijawab dan dapat dijawab kapan saja melalui /start."
    )


def annual_answered(code: str, year: int) -> str:
    return (
        f"Penjelasan indikator {esc(code)} telah dicatat untuk Laporan Kinerja tahun {year}. "
        "Terima kasih."
    )


def annual_answer_stale_draft(who: str, code: str, year: int, number: int, button: str) -> str:
    """To the compiler: an answer came after the draft; the draft must be compiled again."""
    return (
        f"{who} memberikan penjelasan capaian indikator {esc(code)} untuk LKj tahun {year}. "
        f"Draf versi {number} disusun sebelum penjelasan ini, sehingga perlu disusun ulang "
        f"agar Bab III memuatnya; tekan <b>{esc(button)}</b>."
    )


def annual_still_unanswered(year: int, codes: list[str]) -> str:
    """To the compiler with a draft: the questions nobody has answered yet."""
    return (
        f"Penjelasan capaian LKj tahun {year} yang belum diberikan: {esc(', '.join(codes))}. "
        "Draf memuat kendala triwulan untuk indikator tersebut; bila penjelasan diberikan "
        "kemudian, Anda akan diminta menyusun ulang draf sebelum mengajukannya."
    )


def annual_answers_head(year: int, answered: int, total: int) -> str:
    return (
        f"<b>Penjelasan capaian LKj {year}</b> (untuk analisis Bab III): {answered} dari "
        f"{total} indikator telah dijelaskan."
    )


def annual_answer_line(code: str, percent: float, answered_by: str, waiting_for: str) -> str:
    """One indicator in the compiler's overview: who answered, or whose answer it waits for."""
    head = f"{esc(code)} ({format_percent_id(percent)})"
    if answered_by:
        return f"✅ {head}: dijelaskan oleh {esc(answered_by)}"
    return f"⏳ {head}: menunggu penjelasan {esc(waiting_for)}"


def btn_annual_answer_for(code: str) -> str:
    return f"Jawab {code}"


def btn_annual_compile(year: int) -> str:
    return f"Susun LKj {year}"


def btn_annual_archive(year: int) -> str:
    return f"LKj Tahunan {year}"
