"""The quarter's cycle: starting it, the disposition, dividing the work, handing over data,
realisation, the archive."""

from __future__ import annotations

from collections.abc import Sequence

from domain.dates_id import roman_triwulan, triwulan_of
from domain.periods import FILED, NOT_BEGUN, RUNNING, Period
from domain.roster import Person
from domain.sop import Sop
from handlers.texts.common import deadline_line, end_sentence, esc, tw_short
from handlers.texts.evidence import EVIDENCE_HINT

NO_OPEN_CYCLE = "Tidak ada siklus laporan yang sedang berjalan pada unit kerja Anda."


NO_TARGETS = (
    "Target kinerja tahun {year} belum diunggah (/target), sehingga tugas dibagi per butir "
    "data, tanpa tabel capaian kinerja."
)


def wrong_role_start(role_label: str) -> str:
    return f"Perintah /mulai hanya dapat digunakan oleh {role_label}."


NO_QUARTER_TARGET = "tanpa target"


def workbook_read_title(name: str, period: str) -> str:
    return f"Realisasi {period} dari berkas {name}, terbaca sebagai berikut"


def workbook_row_read(value: str, satuan: str, kendala: str, tindak_lanjut: str) -> str:
    return (
        f"realisasi {value} {satuan}".rstrip()
        + f"; kendala: {kendala or '-'}; tindak lanjut: {tindak_lanjut or '-'}"
    )


NO_PERIOD_TO_START = "Saat ini tidak ada triwulan yang dapat dimulai."


def period_label(period: Period) -> str:
    return f"{tw_short(period.triwulan)} {period.year}"


def choose_period(today) -> str:
    return (
        "Pilih triwulan yang akan dilaporkan (triwulan berjalan: "
        f"{roman_triwulan(triwulan_of(today))} {today.year}):"
    )


def periods_blocked(periods: list[Period], sop: Sop) -> str:
    """Why the quarters without a button cannot start, one line each."""
    lines = []
    for p in periods:
        if p.blocked == FILED:
            why = "laporannya sudah ditandatangani dan diarsipkan (lihat /arsip)"
        elif p.blocked == RUNNING:
            step = sop.step(p.step)
            why = f"siklusnya sedang berjalan pada tahap {step.number}: {step.activity} (/status)"
        elif p.blocked == NOT_BEGUN:
            why = "triwulan ini belum dimulai"
        else:
            continue
        lines.append(f"• {period_label(p)}: {esc(why)}")
    if not lines:
        return ""
    return "\n\nTidak dapat dimulai:\n" + "\n".join(lines)


BTN_DIVIDE = "Bagi tugas"


def btn_forward(role_label: str) -> str:
    return f"Teruskan ke {role_label}"


def quarter_name(period: str) -> str:
    return f"laporan {period}"


def quarter_data_report(period: str) -> str:
    return f"laporan data kinerja {period}"


NO_SIGNED_REPORTS = "Belum ada laporan yang ditandatangani."
ARCHIVE_HEAD = "<b>Arsip laporan yang telah ditandatangani</b>\nPilih laporan:"


def archive_caption(name: str, sha256: str) -> str:
    return f"Arsip: {name} (SHA-256 {sha256[:16]}…)."


LABEL_PERIOD = "Triwulan"
LABEL_PK = "Perjanjian Kinerja"
ASK_PK = "Kirimkan berkas <b>Perjanjian Kinerja</b> (PDF/DOCX)."
LABEL_RA = "Rencana Aksi"
ASK_RA = "Kirimkan berkas <b>Rencana Aksi</b> (PDF/DOCX/XLSX)."
LABEL_DISPOSITION_NOTE = "Catatan disposisi"
DISPOSITION_FORM_TITLE = "Disposisi penyusunan laporan kinerja"
LABEL_URGENCY = "Sifat"
LABEL_INSTRUCTIONS = "Instruksi"


def ask_disposition_note(role_label: str) -> str:
    return f"Tuliskan catatan disposisi untuk {role_label}."


def forward_form_title(role_label: str, period: str) -> str:
    return f"Disposisi kepada {role_label} — {period}"


def disposition_sent(period: str, names: str, waiting: str = "") -> str:
    """``names``: who can take it now; ``waiting`` (``not_delivered_yet``): who cannot."""
    if not waiting:
        return f"Disposisi {period} telah dikirim kepada {names}{end_sentence(names)}"
    head = (
        f"Disposisi {period} telah dikirim kepada {names}{end_sentence(names)}"
        if names
        else f"Disposisi {period} disimpan."
    )
    return f"{head}\n\n{waiting}"


def disposition_forwarded(names: str, waiting: str = "") -> str:
    if not waiting:
        return f"Disposisi telah diteruskan kepada {names}{end_sentence(names)}"
    head = (
        f"Disposisi telah diteruskan kepada {names}{end_sentence(names)}"
        if names
        else "Disposisi disimpan."
    )
    return f"{head}\n\n{waiting}"


def disposition_sheet_caption(period: str) -> str:
    return f"Lembar Disposisi — {period}"


def disposition_received(
    period: str,
    sender: Person,
    recipient_label: str,
    urgency: str,
    instructions: str,
    note: str,
    step_line: str,
    attachments: str,
) -> str:
    return (
        f"<b>Disposisi {period}</b>\n"
        f"Dari: {esc(sender.name)} ({esc(sender.position)})\n"
        f"Kepada: {recipient_label}\n"
        f"Sifat: {esc(urgency)} · Instruksi: {esc(instructions)}\n"
        f"Catatan: {esc(note)}\n\n"
        f"{step_line}\n"
        f"Lampiran: {esc(attachments)}."
    )


def step_line(number: int, activity: str, deadline: str, allowed: str) -> str:
    """The holder's task in a step message: the step, its deadline and its standard time."""
    return f"Tugas Anda (tahap {number}): {esc(activity)}.\n{deadline_line(deadline, allowed)}"


LABEL_DIVISION_NOTE = "Catatan pembagian tugas"
ASK_DIVISION_NOTE = "Tuliskan catatan pembagian tugas untuk Tim Kerja (berlaku untuk semua)."


def ask_indicator_member(code: str, name: str, quarter: str, target: str, unit: str) -> str:
    return (
        f"<b>{esc(code)}</b> {esc(name)} (target {quarter}: {esc(target)} {esc(unit)}).\n"
        "Pilih pelaksana:"
    )


def division_form_title(period: str) -> str:
    return f"Pembagian tugas — {period}"


def member_task_label(name: str) -> str:
    return f"Tugas {name}"


def ask_member_items(name: str, position: str) -> str:
    return (
        f"Tuliskan butir data yang harus dikumpulkan oleh <b>{esc(name)}</b> "
        f"({esc(position)}): satu butir per baris. Ketik <code>-</code> bila "
        "anggota ini tidak mendapat tugas."
    )


def division_sent(names: str, waiting: str = "") -> str:
    if not waiting:
        return f"Pembagian tugas telah dikirim kepada: {esc(names)}{end_sentence(names)}"
    head = (
        f"Pembagian tugas telah dikirim kepada: {esc(names)}{end_sentence(names)}"
        if names
        else "Pembagian tugas disimpan."
    )
    return f"{head}\n\n{waiting}"


def items_divided(period: str, divider: str, note: str, items: str, deadline: str) -> str:
    """A member's share of a division by free items (no targets uploaded)."""
    return (
        f"<b>Pembagian Tugas — {period}</b>\n"
        f"Dari: {divider}\n"
        f"Catatan: {esc(note)}\n\n"
        f"Data yang harus Anda kumpulkan:\n{items}\n\n"
        f"{deadline_line(deadline)}\n"
        "Kirimkan berkas data sebagai dokumen melalui obrolan ini (PDF, XLSX, DOCX, JPG, "
        "PNG atau CSV), lalu pilih butir data yang dipenuhi oleh berkas tersebut."
    )


def indicator_kind(cumulative: bool, roman: str) -> str:
    return f"kumulatif s.d. TW {roman}" if cumulative else "per triwulan"


def indicator_task_line(
    number: int, code: str, name: str, roman: str, target: str, unit: str, kind: str, sense: str
) -> str:
    return (
        f"{number}. <b>{esc(code)}</b> {esc(name)} — target TW {roman}: "
        f"{esc(target)} {esc(unit)} ({kind}, {sense})"
    )


def indicators_divided(period: str, divider: str, note: str, lines: str, deadline: str) -> str:
    """A member's indicators, with the ways to report them."""
    return (
        f"<b>Pembagian Tugas — {period}</b>\n"
        f"Dari: {divider}\n"
        f"Catatan: {esc(note)}\n\n"
        "Indikator yang menjadi tugas Anda:\n" + lines + "\n\n"
        f"{deadline_line(deadline)}\n"
        "Untuk setiap indikator laporkan nilai realisasi, kendala dan tindak lanjut "
        "(tombol <b>Isi</b> di bawah, atau isi lembar kerja terlampir lalu kirim kembali), "
        "serta kirimkan bukti dukung (PDF, XLSX, DOCX, JPG, PNG) sebagai dokumen."
    )


def upload_which_item(name: str, size: int) -> str:
    shown = f"{size:,}".replace(",", ".")
    return (
        f"Berkas <b>{esc(name)}</b> ({shown} bita) diterima dan lolos pemeriksaan. "
        "Untuk butir data yang mana berkas ini?"
    )


UPLOAD_NOT_RECORDED = "Berkas tidak dicatat untuk butir data mana pun."
ALL_ITEMS_COMPLETE = "Seluruh butir data Anda telah lengkap. Terima kasih."
RECORDED = "Tercatat."


def your_status(checklist: str) -> str:
    return f"Status data Anda:\n{checklist}"


def items_missing(items: Sequence[str]) -> str:
    rest = "\n".join(f"• {esc(t)}" for t in items)
    return f"Butir data yang masih belum ada:\n{rest}"


def upload_recorded(name: str, item: str, tail: str) -> str:
    return f"Berkas <b>{esc(name)}</b> dicatat untuk butir “{esc(item)}”.\n{tail}\n{EVIDENCE_HINT}"


def collection_complete(period: str, missing: str, step: str) -> str:
    return (
        f"<b>Seluruh data {period} telah terkumpul.</b>\n"
        f"{missing}\n\n"
        f"{step}\n"
        "Tekan tombol di bawah ini untuk menyusun draf laporan dari data yang terkumpul."
    )


def member_complete(member: Person, period: str, missing: str) -> str:
    return (
        f"{esc(member.name)} telah menyerahkan seluruh data yang ditugaskan untuk "
        f"{period}.\n\nStatus pengumpulan:\n{missing}"
    )


LABEL_REALISATION = "Realisasi"
LABEL_KENDALA = "Kendala"
ASK_KENDALA = "Tuliskan kendala yang dihadapi (atau “Tidak ada”)."
LABEL_TINDAK_LANJUT = "Tindak lanjut"
ASK_TINDAK_LANJUT = "Tuliskan tindak lanjut yang direncanakan."
LABEL_INDICATOR = "Indikator"
ASK_FIX_INDICATOR = "Pilih indikator yang perlu diperbaiki:"
LABEL_FIX_REASON = "Alasan perbaikan"
ASK_FIX_REASON = "Tuliskan apa yang perlu diperbaiki oleh pelaksananya."
LABEL_SENT_TO_MEMBERS = "Dikirim kepada pelaksana"


def realisation_recorded(codes: str, checklist: str) -> str:
    return f"Realisasi {esc(codes)} dicatat.\n\n{your_status(checklist)}"


def btn_fill(code: str) -> str:
    return f"Isi {code}"


def cumulative_hint(period: str) -> str:
    return f" Indikator ini kumulatif: isikan capaian sejak awal tahun sampai akhir {period}."


def ask_realisation(code: str, name: str, target: str, unit: str, hint: str, before: str) -> str:
    return (
        f"<b>{esc(code)}</b> {esc(name)}\n"
        f"Target: {esc(target)} {esc(unit)}.{hint}\n"
        f"{before}Ketikkan nilai realisasinya (angka)."
    )


def realisation_title(code: str, period: str) -> str:
    return f"Realisasi {code} — {period}"


def fix_marked_title(period: str, marks: list[tuple[str, str]]) -> str:
    return f"Kirim ke pelaksana — {period}\n" + "\n".join(f"• {code}: {why}" for code, why in marks)


def needs_fix_title(period: str) -> str:
    return f"Perlu perbaikan — {period}"


def needs_fix_done(code: str, member_name: str) -> str:
    return (
        f"{esc(code)} ditandai <b>Perlu Perbaikan</b> dan dikembalikan kepada "
        f"{esc(member_name)}{end_sentence(member_name)}"
    )


def needs_fix_notice(
    period: str, by: Person, code: str, reason: str, when: str, checklist: str
) -> str:
    return (
        f"<b>Perlu Perbaikan — {period}</b>\n"
        f"{esc(by.name)} ({esc(by.label)}) meminta perbaikan data {esc(code)}:\n"
        f"{esc(reason)}{when}\n\n{your_status(checklist)}"
    )
