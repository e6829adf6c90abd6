"""The approval flow (quarterly report and annual LKj alike): draft, submit, paraf, sign, return."""

from __future__ import annotations

from domain.models import Official
from domain.performance import format_number_id
from domain.roster import Person
from handlers.texts.common import cap, deadline_line, esc

RETURN_REASON_PROMPT = "Tuliskan alasan pengembalian dan perbaikan yang diminta."
LABEL_MARKS = "Indikator ditandai"
LABEL_RETURN_REASON = "Alasan pengembalian"


def return_marks_hint(codes: list[str]) -> str:
    example = codes[1] if len(codes) > 1 else codes[0]
    return (
        "\nUntuk alasan per indikator, tulis satu baris per indikator diawali kodenya, "
        f"misalnya <code>{esc(example)}: angka tidak sesuai rekap bulanan</code>. Indikator "
        "juga dapat ditandai dengan tombol pada pesan konfirmasi."
    )


def btn_send_back(count: int) -> str:
    return f"Kirim ke pelaksana ({count} indikator)"


def marks_text(marks: tuple[tuple[str, str], ...]) -> str:
    return "\n".join(f"• <b>{esc(code)}</b>: {esc(reason)}" for code, reason in marks)


NOTHING_CHOSEN = "Tidak ada indikator yang dipilih; ketuk paling sedikit satu indikator."


def sent_back(codes: list[str]) -> str:
    return (
        "Indikator " + esc(", ".join(codes)) + " telah dikirim kembali kepada pelaksananya "
        "untuk diperbaiki. Draf dapat disusun ulang setelah data diperbaiki."
    )


def previous_answer(realisation, reason: str) -> str:
    """What a member answered before, and why it was sent back (shown in their form)."""
    lines = []
    if reason:
        lines.append(f"<b>Alasan perbaikan:</b> {esc(reason)}")
    if realisation is not None:
        lines.append(
            f"<b>Jawaban sebelumnya:</b> {esc(format_number_id(realisation.value))}; kendala: "
            f"{esc(realisation.kendala or '-')}; tindak lanjut: "
            f"{esc(realisation.tindak_lanjut or '-')}"
        )
    return "\n".join(lines) + "\n"


BTN_BUILD_DRAFT = "Susun draf laporan"
BTN_REBUILD_DRAFT = "Susun ulang draf laporan"


def btn_submit(role_label: str) -> str:
    return f"Ajukan ke {role_label}"


BTN_PARAF = "Paraf"
BTN_NEEDS_FIX = "Tandai perlu perbaikan"
BTN_RETURN = "Kembalikan"
BTN_SIGN = "Tandatangani"
BTN_SIGN_CONFIRM = "Ya, tandatangani"
BTN_SIGN_CANCEL = "Batal"
SIGN_CONFIRM_HINT = "Tekan “Ya, tandatangani” untuk menandatangani laporan."
SIGN_CANCELLED = "Penandatanganan dibatalkan."


SUBMITTED_NOTICE = "Diajukan."
PARAF_NOTICE = "Paraf dicatat."
SIGNED_NOTICE = "Laporan telah ditandatangani."
QUARTER_SOURCE = "data yang terkumpul"
ANNUAL_SOURCE = "empat laporan triwulan"


def drafted(title: str, number: int, source: str, button: str) -> str:
    """``title``: "laporan data kinerja Triwulan III Tahun 2026", "LKj tahun 2026"."""
    tail = f" Periksa draf ini, lalu tekan <b>{esc(button)}</b>." if button else ""
    return f"Draf {title} (versi {number}) telah disusun dari {source}.{tail}"


def submitted_done(name: str, names: str) -> str:
    return f"{cap(name)} telah diajukan kepada {names} untuk dikoreksi dan diparaf."


def _deadline(deadline: str | None, standard: str = "") -> str:
    return deadline_line(deadline, standard) if deadline else ""


def for_paraf(
    title: str, number: int, maker_label: str, deadline: str | None, standard: str
) -> str:
    line = _deadline(deadline, standard)
    return (
        f"<b>{title}</b> (versi {number}) diajukan oleh {maker_label} untuk dikoreksi dan "
        "diparaf." + (f"\n{line}" if line else "")
    )


def paraf_done(name: str, names: str) -> str:
    return (
        f"Paraf Anda atas {name} telah dicatat; laporan diteruskan kepada {names} untuk "
        "ditandatangani."
    )


def acted_by(by: Person | Official, shown: str = "position") -> str:
    """Who took an act, in the capacity recorded with it: "Siti (Plh. Kepala Dinas …)" for a
    stand-in; else their jabatan (``shown`` "position"), role ("role") or the name alone
    ("name")."""
    if isinstance(by, Official):
        if by.capacity:
            return f"{esc(by.name)} ({esc(by.title)})"
        role = by.label
        label = {"position": by.position, "role": role}.get(shown, "")
    else:
        label = {"position": by.position, "role": by.label}.get(shown, "")
    return f"{esc(by.name)} ({esc(label)})" if label else esc(by.name)


def for_signature(title: str, by: Person | Official, when: str, deadline: str | None) -> str:
    line = _deadline(deadline)
    return (
        f"<b>{title}</b> telah dikoreksi dan diparaf oleh {acted_by(by)} "
        f"pada {when}.\nMohon diperiksa dan ditandatangani." + (f" {line}" if line else "")
    )


def initialled_for_maker(name: str, by: Person | Official, signers: str) -> str:
    return (
        f"{cap(name)} telah diparaf oleh {acted_by(by, 'name')} dan diteruskan kepada "
        f"{signers} untuk ditandatangani."
    )


def returned(
    name: str,
    by: Person | Official,
    when: str,
    reason: str,
    marks: tuple[tuple[str, str], ...],
    deadline: str | None,
) -> str:
    line = _deadline(deadline)
    return (
        f"<b>{cap(name)} dikembalikan untuk perbaikan</b> oleh {acted_by(by, 'role')} "
        f"pada {when}.\nAlasan: {esc(reason)}\n\n"
        + (
            f"Indikator yang perlu diperbaiki:\n{marks_text(marks)}\n"
            "Kirimkan indikator tersebut kepada pelaksananya dengan satu tombol, atau perbaiki "
            "sendiri lalu susun ulang draf laporan.\n\n"
            if marks
            else ""
        )
        + "Mohon perbaiki lalu susun ulang draf laporan."
        + (f" {line}" if line else "")
    )


def returned_after_paraf(name: str, by: Person | Official, reason: str) -> str:
    return (
        f"{cap(name)} yang telah Anda paraf dikembalikan oleh {acted_by(by, 'role')} untuk "
        "perbaikan. "
        f"Alasan: {esc(reason)}"
    )


def returned_done(name: str, names: str) -> str:
    return f"{cap(name)} telah dikembalikan kepada {names} untuk perbaikan."


def return_title(name: str) -> str:
    return f"Pengembalian {name}"


def signed(title: str, by: Person | Official, when: str) -> str:
    return (
        f"<b>{title} telah ditandatangani</b> oleh {acted_by(by)} pada "
        f"{when} dan telah diarsipkan. Laporan dapat diunduh kembali melalui /arsip."
    )
