"""Stand-ins (Plh / Plt)."""

from __future__ import annotations

from handlers.texts.common import Sentence, end_sentence, esc

STANDIN_NOT_ALLOWED = Sentence(
    "Mohon maaf, penunjukan Plh/Plt hanya dapat dilakukan oleh {posts} untuk jabatannya "
    "sendiri, atau oleh pengelola unit: {admins}"
)
STANDIN_HEAD = (
    "<b>Plh/Plt — {unit}</b>\n"
    "Plh. (Pelaksana Harian) mewakili pejabat yang berhalangan sementara (cuti, dinas luar); "
    "Plt. (Pelaksana Tugas) mengisi jabatan yang lowong. Selama rentang tanggalnya, Plh/Plt "
    "menerima dan menjalankan tugas, pengingat serta eskalasi jabatan tersebut; pemegang "
    "jabatan menerima tembusan untuk diketahui. Penunjukan berakhir dengan sendirinya."
)
STANDIN_NONE = "Belum ada penunjukan Plh/Plt yang berlaku atau terjadwal."
STANDIN_LIST_HEAD = "Penunjukan yang berlaku dan terjadwal:"
STANDIN_GONE = "Penunjukan ini tidak ditemukan atau sudah berakhir."
STANDIN_FORM_TITLE = "Penunjukan {kind} {role}"
STANDIN_FIELD_PERSON = "Pejabat yang ditunjuk"
STANDIN_FIELD_START = "Mulai"
STANDIN_FIELD_END = "Sampai dengan"
STANDIN_PICK_PERSON = "Pilih pejabat yang ditunjuk sebagai {kind} {role}:"
STANDIN_PICK_START = "Mulai tanggal berapa? (hari kerja terdekat; hari libur ditandai)"
STANDIN_ASK_END = (
    "Sampai dengan tanggal berapa (hari terakhir, termasuk)? Ketik tanggalnya, misalnya "
    "<code>{example}</code> atau <code>{example_long}</code>."
)
STANDIN_BAD_DATE = (
    "Tanggal “{text}” tidak dapat dibaca. Ketik tanggal seperti <code>14-12-2026</code> atau "
    "<code>14 Desember 2026</code>."
)
STANDIN_NO_PEOPLE = "Tidak ada anggota lain pada unit ini yang dapat ditunjuk."
STANDIN_SELF = "Anda sendiri: tidak dapat menunjuk diri sendiri"


def standin_not_offered(refused: list[tuple[str, str]]) -> str:
    """Who the segregation rule (or self-appointment) leaves out of the candidates, and why;
    ``refused`` holds (name with role, reason), already escaped."""
    if not refused:
        return ""
    lines = [f"• {who}: {why}" for who, why in refused]
    return "\n\nTidak dapat ditunjuk (pemisahan tugas menurut SOP):\n" + "\n".join(lines)


def btn_standin_new(kind: str, role: str, holder: str | None) -> str:
    return f"Tunjuk {kind} {role} ({holder or 'jabatan lowong'})"


def btn_standin_end(kind: str, role: str, name: str) -> str:
    return f"Akhiri {kind} {role}: {name}"


def standin_day(label: str, holiday: str | None) -> str:
    return f"{label} — libur: {holiday}" if holiday else label


def standin_line(kind: str, role: str, name: str, first: str, last: str, state: str) -> str:
    return f"• <b>{kind} {role}</b>: {esc(name)}, {first} s.d. {last} ({state})"


STANDIN_ACTIVE = "sedang berlaku"
STANDIN_COMING = "terjadwal"
STANDIN_CANCELLED = "dibatalkan"


def standin_range_note(working_days: int, holidays: list[str]) -> str:
    text = f"{working_days} hari kerja"
    if holidays:
        text += "; termasuk hari libur: " + ", ".join(holidays)
    return text


def standin_appointed_done(kind: str, role: str, name: str, first: str, last: str) -> str:
    return (
        f"{esc(name)} ditunjuk sebagai <b>{kind} {role}</b> mulai {first} sampai dengan "
        f"{last}. Penunjukan ini tercatat pada log audit dan berakhir dengan sendirinya."
    )


def standin_to_acting(kind: str, post: str, holder: str | None, first: str, last: str) -> str:
    whom = f" mewakili {esc(holder)}" if holder else " (jabatan lowong)"
    return (
        f"Anda ditunjuk sebagai <b>{kind} {esc(post)}</b>{whom} mulai {first} sampai dengan "
        f"{last}. Selama itu tugas, pengingat dan eskalasi jabatan tersebut dikirim kepada "
        "Anda; dokumen yang Anda paraf atau tandatangani mencantumkan "
        f"“{kind} {esc(post)}” di atas nama dan NIP Anda."
    )


def standin_to_holder(kind: str, role: str, name: str, first: str, last: str) -> str:
    return (
        f"{esc(name)} ditunjuk sebagai <b>{kind} {role}</b> mewakili Anda mulai {first} sampai "
        f"dengan {last}. Selama itu tugas {role} dijalankan olehnya; Anda menerima tembusannya "
        "untuk diketahui. Bila Anda kembali lebih awal, akhiri penunjukan melalui /plh."
    )


def standin_ended(kind: str, role: str, name: str, by: str | None) -> str:
    how = (
        f"diakhiri lebih awal oleh {esc(by)}" if by else "telah berakhir sesuai rentang tanggalnya"
    )
    return (
        f"Penunjukan <b>{kind} {role}</b> atas nama {esc(name)} {how}{end_sentence(how)} "
        f"Tugas {role} kembali dijalankan oleh pemegang jabatan."
    )


STANDIN_ENDED_NOTICE = "Penunjukan telah diakhiri."
STANDIN_CANCELLED_NOTICE = "Penunjukan yang belum dimulai telah dibatalkan."


def standin_cancelled(kind: str, role: str, name: str, first: str, last: str, by: str) -> str:
    return (
        f"Penunjukan <b>{kind} {role}</b> atas nama {esc(name)} untuk {first} s.d. {last} "
        f"dibatalkan oleh {esc(by)} sebelum dimulai."
    )


def standin_left(
    kind: str, role: str, name: str, first: str, last: str, former: str, cancelled: bool
) -> str:
    how = "dibatalkan" if cancelled else "berakhir"
    return (
        f"Penunjukan <b>{kind} {role}</b> atas nama {esc(name)} ({first} s.d. {last}) {how} "
        f"karena {esc(former)} tidak lagi terdaftar pada unit kerja ini. Bila masih diperlukan, "
        "tunjuk Plh/Plt baru melalui /plh."
    )


def standin_copy(role: str, name: str) -> str:
    return (
        f"<i>Tembusan untuk diketahui — tugas {role} Anda saat ini dijalankan oleh Plh. "
        f"{esc(name)}; pesan berikut telah dikirimkan kepadanya.</i>"
    )
