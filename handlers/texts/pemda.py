"""A pemda's evaluators in chat (issue 22): their /start, /pantau over every unit of the pemda,
the unit's status from the list, and their invitations (/undang_evaluator)."""

from __future__ import annotations

from domain.dates_id import format_duration_id
from handlers.texts.common import end_sentence, esc

# /pantau: a unit's state in the list (app.pemda.STATES), worst first.
PEMDA_STATES: dict[str, str] = {
    "terlambat": "Terlambat",
    "berisiko": "Berisiko",
    "berjalan": "Berjalan",
    "belum_dimulai": "Belum dimulai",
    "ditandatangani": "Ditandatangani",
}
PEMDA_STATE_MARKS: dict[str, str] = {
    "terlambat": "🔴",
    "berisiko": "🟠",
    "berjalan": "🟢",
    "belum_dimulai": "⚪",
    "ditandatangani": "✅",
}
BTN_PEMDA_BACK = "Kembali"
BTN_PEMDA_PAGE = "📊 Buka halaman pemantauan (tabel dan grafik)"
PEMDA_NO_UNITS = (
    "Belum ada unit kerja lkj-bot pada pemerintah daerah Anda. Unit kerja akan tampil di sini "
    "setelah didaftarkan oleh operator."
)
PEMDA_NOT_EVALUATOR = (
    "Perintah /pantau hanya untuk evaluator pemerintah daerah (Inspektorat, Bagian Organisasi "
    "atau Bappeda) yang diundang melalui tautan undangan evaluator."
)
EVALUATOR_READ_ONLY_SHORT = (
    "Mohon maaf, evaluator pemerintah daerah hanya dapat melihat; tidak ada tindakan yang dapat "
    "Anda lakukan."
)
AUDIT_EVALUATOR_READ_ONLY = "evaluator pemerintah daerah hanya dapat melihat (tanpa tindakan)"


def evaluator_is(body: str, government: str) -> str:
    return f"evaluator <b>{esc(body)}</b> {esc(government)}"


def evaluator_welcome(name: str, body: str, government: str, position: str, admin: bool) -> str:
    manage = (
        "\n\nAnda juga pengelola evaluator pemerintah daerah ini: undang evaluator lain dengan "
        "/undang_evaluator, lihat dan cabut undangannya dengan /undangan_evaluator."
        if admin
        else ""
    )
    return (
        f"Selamat datang, Bapak/Ibu <b>{esc(name)}</b>{end_sentence(name)}\n\n"
        f"Anda terdaftar sebagai {evaluator_is(body, government)} ({esc(position)}).\n\n"
        "Anda dapat melihat posisi laporan kinerja seluruh unit kerja pemerintah daerah ini "
        "dengan /pantau: triwulan, tahap, pemegang tahap dan sejak kapan, keterlambatan dalam "
        "hari kerja, capaian sementara dan status tanda tangan. Nama unit pada daftar membuka "
        "posisi laporan unit itu. Data kinerja seluruh unit kerja yang telah ditandatangani "
        "dapat diunduh dengan /ekspor (satu buku kerja: ringkasan dan satu lembar per unit). "
        "Tidak ada tindakan atas laporan unit kerja yang dapat Anda "
        f"lakukan.{manage}\n\nKetik /bantuan untuk melihat perintah yang tersedia."
    )


def evaluator_read_only(body: str, government: str) -> str:
    return (
        f"Mohon maaf, Anda terdaftar sebagai {evaluator_is(body, government)}, yang hanya "
        "dapat melihat: tidak ada tindakan atas laporan unit kerja yang dapat Anda lakukan. "
        "Ketik /pantau untuk melihat posisi seluruh unit kerja."
    )


def evaluator_help(body: str, government: str, commands: list[tuple[str, str]]) -> str:
    listed = "\n".join(f"/{command} — {description}" for command, description in commands)
    return (
        f"<b>Petunjuk lkj-bot (evaluator {esc(body)})</b>\n\n"
        f"• Anda melihat posisi laporan seluruh unit kerja {esc(government)} (/pantau); tidak "
        f"ada tindakan atas laporan yang dapat Anda lakukan.\n\n{listed}"
    )


def overdue_text(days: int, minutes: int, office_day_minutes: int) -> str:
    """How late a step is: begun working days ("3 hari kerja"), or under one office day the
    office time itself ("2 jam 15 menit")."""
    if office_day_minutes and 0 < minutes < office_day_minutes:
        return format_duration_id(minutes)
    return f"{days} hari kerja" if days else ""


def pantau_header(government: str, year: int, when: str, counts: list[tuple[str, int]]) -> str:
    """counts: (state, number of units) for each state that has any."""
    total = sum(n for _, n in counts)
    listed = ", ".join(f"{n} {PEMDA_STATES[state].lower()}" for state, n in counts)
    return (
        f"<b>Pemantauan laporan kinerja {esc(government)}</b>\n"
        f"Tahun {year}, keadaan {esc(when)}.\n"
        f"{total} unit kerja: {listed}."
    )


def pantau_row(
    number: int,
    name: str,
    state: str,
    *,
    period: str = "",
    step: str = "",
    holders: str = "",
    since: str = "",
    overdue: str = "",
    capaian: str = "",
    signed: bool = False,
) -> str:
    """One unit of the list (already formatted values; user text escaped here)."""
    mark = PEMDA_STATE_MARKS[state]
    late = f", {overdue}" if overdue else ""
    lines = [f"{number}. {mark} <b>{esc(name)}</b> — {PEMDA_STATES[state]}{late}"]
    if not period:
        lines.append("   Belum ada siklus triwulan tahun ini.")
        return "\n".join(lines)
    lines.append(f"   {esc(period)}, tahap {esc(step)}")
    if holders:
        lines.append(f"   Pemegang: {esc(holders)}" + (f", sejak {esc(since)}" if since else ""))
    label = "Capaian" if signed else "Capaian sementara"
    lines.append(f"   {label}: {esc(capaian)}" if capaian else "   Capaian: belum ada")
    lines.append("   Laporan telah ditandatangani" if signed else "   Belum ditandatangani")
    return "\n".join(lines)


def capaian_so_far(percent: str, reported: int, indicators: int) -> str:
    return f"{percent} ({reported} dari {indicators} indikator dilaporkan)"


def holders_line(role: str, names: list[str]) -> str:
    return f"{role} ({', '.join(names)})" if names else f"{role} (belum ada pemegang)"


def pemda_unit_status(unit: str, government: str, status: str) -> str:
    """A unit's /status as its reviewer reads it, opened from /pantau (status: HTML made by
    handlers/views.py)."""
    return f"<b>{esc(unit)}</b> ({esc(government)})\n\n{status}"


def pantau_continued(page: int) -> str:
    return f"<i>Pemantauan (lanjutan {page})</i>"


# Evaluator invitations (/undang_evaluator, /undangan_evaluator, the deep link).
EVALUATOR_INVITE_NOT_ALLOWED = (
    "Mohon maaf, undangan evaluator hanya dapat dibuat oleh operator lkj-bot atau pengelola "
    "evaluator pemerintah daerah."
)
EVALUATOR_INVITE_NO_PEMDA = (
    "Belum ada pemerintah daerah untuk dievaluasi: daftarkan unit kerjanya lebih dahulu "
    "dengan /unit_baru."
)
EVALUATOR_INVITE_PICK_PEMDA = "<b>Undang evaluator</b>\nPilih pemerintah daerah yang dievaluasi:"
EVALUATOR_INVITE_PICK_BODY = "<b>Undang evaluator {government}</b>\nPilih badan evaluatornya:"
EVALUATOR_INVITE_PICK_ADMIN = (
    "Evaluator <b>{body}</b> {government}. Apakah yang diundang sekaligus menjadi pengelola "
    "evaluator pemerintah daerah ini (dapat mengundang evaluator lain)?"
)
BTN_EVALUATOR_ADMIN = "Ya, sekaligus pengelola"
BTN_EVALUATOR_PLAIN = "Tidak, evaluator saja"
EVALUATOR_INVITE_NONE = "Belum ada undangan evaluator untuk pemerintah daerah ini."
EVALUATOR_INVITE_REVOKED = "Undangan evaluator {code} telah dicabut."
EVALUATOR_IS_NOT_MEMBER = (
    "Mohon maaf, Anda terdaftar sebagai evaluator pemerintah daerah. Evaluator tidak dapat "
    "sekaligus menjadi anggota unit kerja; undangan ini tidak dapat Anda pakai."
)


def evaluator_invite_link(body: str, government: str, link: str, expires: str, admin: bool) -> str:
    extra = " dan pengelola evaluator" if admin else ""
    return (
        f"✅ Undangan sebagai evaluator <b>{esc(body)}</b>{extra} {esc(government)} telah "
        "dibuat.\n\nTeruskan tautan ini kepada yang diundang (misalnya melalui WhatsApp atau "
        f"e-mail):\n{link}\n\nTautan hanya dapat dipakai satu kali dan berlaku sampai "
        f"{esc(expires)}. Daftar undangan dan pencabutannya: /undangan_evaluator."
    )


def evaluator_invite_offer(body: str, government: str, admin: bool) -> str:
    extra = ", sekaligus sebagai pengelola evaluator" if admin else ""
    return (
        f"<b>Undangan lkj-bot</b>\nAnda diundang sebagai evaluator <b>{esc(body)}</b> "
        f"{esc(government)}{extra}: Anda dapat melihat posisi laporan kinerja seluruh unit "
        "kerjanya, tanpa tindakan atas laporan.\n\nTekan <b>Terima undangan</b> untuk mendaftar."
    )


def evaluator_invite_confirm(body: str, government: str, name: str, nip: str, pos: str) -> str:
    return (
        f"Mohon periksa kembali pendaftaran Anda sebagai evaluator <b>{esc(body)}</b> "
        f"{esc(government)}:\n• Nama: {esc(name)}\n• NIP: {esc(nip)}\n• Jabatan: {esc(pos)}\n\n"
        "Tekan <b>Terima undangan</b> untuk mendaftar."
    )


def evaluator_joined(name: str, body: str, government: str) -> str:
    return (
        f"ℹ️ {esc(name)} telah bergabung sebagai evaluator {esc(body)} {esc(government)} "
        "melalui undangan."
    )


def evaluator_invite_listing(government: str, rows: list[tuple[str, str, str, str]]) -> str:
    """rows: (code, body and who joined, state, until) per invitation."""
    lines = [f"<b>Undangan evaluator {esc(government)}</b>"]
    for code, who, state, when in rows:
        lines.append(f"• <code>{code}</code> — {esc(who)}: <b>{state}</b> ({esc(when)})")
    return "\n".join(lines)


def evaluator_invite_who(body: str, admin: bool, joined: str) -> str:
    return body + (" (pengelola)" if admin else "") + (f" → {joined}" if joined else "")


def btn_evaluator_revoke(body: str, code: str) -> str:
    return f"Cabut {body} …{code[-4:]}"


PEMDA_NO_OPEN_CYCLE = "Tidak ada siklus laporan yang sedang berjalan pada unit kerja ini."


def btn_pantau_unit(number: int, name: str) -> str:
    label = f"{number}. {name}"
    return label if len(label) <= 60 else label[:59] + "…"
