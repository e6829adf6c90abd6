"""Staff changes (mutasi): replacing a holder, removing a member, moving tasks."""

from __future__ import annotations

from handlers.texts.common import Sentence, deadline_line, end_sentence, esc

STAFF_NOT_ADMIN = Sentence(
    "Mohon maaf, mutasi pegawai hanya dapat dilakukan oleh pengelola unit: {admins}"
)
STAFF_PICK_HEAD = "<b>Mutasi pegawai — {unit}</b>"
STAFF_PICK = (
    "Ganti: undangan untuk pemegang jabatan yang baru; pemegang lama keluar saat penggantinya "
    "bergabung, dan tugasnya yang terbuka berpindah kepadanya.\n"
    "Keluarkan: anggota Tim Kerja berhenti dari unit seketika."
)
STAFF_PICK_MOVE = (
    "Alihkan tugas: tugas pengumpulan data seorang anggota pada triwulan yang belum selesai "
    "dipindahkan kepada anggota lain (misalnya sebelum ia dikeluarkan); data yang telah "
    "dilaporkannya tetap tercatat."
)
TASK_MOVED_NOTICE = "Tugas telah dialihkan."


def btn_task_move(name: str) -> str:
    return f"Alihkan tugas {name}"


def btn_task_move_to(name: str) -> str:
    return f"Kepada {name}"


BTN_TASK_TAKE = "Ambil alih sendiri"


def task_take_refused(reason: str) -> str:
    return f"Mengambil alih sendiri tidak tersedia: {esc(reason)}"


def task_move_nothing(name: str) -> str:
    return f"{name} tidak memegang tugas pada triwulan yang belum selesai."


def task_move_no_target(role: str) -> str:
    return f"Tidak ada anggota {role} lain yang dapat menerima tugas ini."


def task_move_part(period: str, checklist: str) -> str:
    return f"<b>{period}</b>\n{checklist}"


def task_move_pick(name: str, parts: list[str]) -> str:
    return (
        f"<b>Alihkan tugas {esc(name)}</b>\n\n" + "\n\n".join(parts) + "\n\n"
        "Pilih anggota yang menerima tugas ini. Data yang telah dilaporkan tetap tercatat atas "
        "nama pelapornya."
    )


def task_moved_done(period: str, what: str, old: str, new: str) -> str:
    return (
        f"Tugas {esc(old)} pada {period} ({esc(what)}) telah dialihkan kepada "
        f"{esc(new)}{end_sentence(new)} Pengalihan ini tercatat pada riwayat laporan dan log "
        "audit."
    )


def task_moved_to_you(
    period: str, by: str, old: str, note: str, checklist: str, deadline: str
) -> str:
    return (
        f"<b>Pengalihan Tugas — {period}</b>\n"
        f"Dari: {by}\n"
        f"Tugas {esc(old)} dialihkan kepada Anda.\n"
        f"Catatan pembagian tugas: {esc(note) or '-'}\n\n"
        f"Yang kini menjadi tugas Anda:\n{checklist}\n\n"
        f"{deadline_line(deadline)}\n"
        "Laporkan yang belum lengkap (tombol <b>Isi</b> di bawah untuk indikator) dan kirimkan "
        "berkas data atau bukti dukung sebagai dokumen melalui obrolan ini."
    )


def task_moved_from_you(period: str, what: str, by: str, new: str) -> str:
    return (
        f"Tugas Anda pada {period} ({esc(what)}) dialihkan oleh {by} kepada "
        f"{esc(new)}{end_sentence(new)} Anda tidak lagi memegang tugas tersebut; data yang telah "
        "Anda laporkan tetap tercatat atas nama Anda."
    )


STAFF_GONE = "Penggantian ini tidak berlaku lagi: orang tersebut sudah tidak terdaftar pada unit."
STAFF_REMOVED = "{name} telah dikeluarkan dari {unit}; dokumen yang dibuatnya tetap atas namanya."


def btn_staff_replace(role: str, name: str) -> str:
    return f"Ganti {role} ({name})"


def btn_staff_remove(name: str) -> str:
    return f"Keluarkan {name}"


def staff_confirm_remove(name: str, unit: str) -> str:
    return (
        f"Keluarkan <b>{esc(name)}</b> dari {esc(unit)}? Aksesnya berakhir seketika; "
        "dokumen yang telah dibuatnya tetap mencantumkan namanya."
    )


BTN_STAFF_REMOVE_OK = "Ya, keluarkan"


def staff_replacement_link(role: str, name: str, link_text: str) -> str:
    return (
        f"Penggantian <b>{esc(role)}</b>: {esc(name)} keluar saat penggantinya menerima "
        f"undangan ini.\n\n{link_text}"
    )


def staff_left(unit: str, successor: str | None) -> str:
    head = f"Anda tidak lagi terdaftar pada {esc(unit)}"
    if successor:
        head += f"; tugas Anda diteruskan kepada {esc(successor)}"
    return head + end_sentence(head) + " Terima kasih atas pengabdian Anda."


def owed_dropped(name: str, count: int, reason: str, successor: str | None) -> str:
    """To the administrator: what was still owed to someone who left is no longer sent."""
    head = (
        f"{count} pesan untuk {esc(name)} yang belum tersampaikan ({reason}) tidak dikirim "
        "lagi karena yang bersangkutan telah keluar dari unit"
    )
    if successor:
        return f"{head}; tahapan yang dipegangnya kini dipegang oleh {esc(successor)}."
    return f"{head}. Tahapan yang dipegangnya kini dipegang oleh pemegang jabatan saat ini."


def staff_replaced(old: str, new: str, role: str, unit: str) -> str:
    return f"{esc(new)} menggantikan {esc(old)} sebagai {esc(role)} pada {esc(unit)}."
