"""Refused or failed presses, system errors and the answers to a press whose work takes long."""

from __future__ import annotations

from html import escape

BUTTON_UNKNOWN = "Tombol ini tidak dikenal atau sudah tidak berlaku."
BUTTON_STALE = "Tombol ini sudah tidak berlaku (sudah diproses)."
BUTTON_FOREIGN = "Tombol ini bukan untuk Anda."
NOT_REGISTERED_SHORT = "Anda belum terdaftar sebagai pengguna lkj-bot."
INTERNAL_ERROR = (
    "Mohon maaf, terjadi kesalahan pada sistem saat memproses permintaan Anda. "
    "Silakan ulangi beberapa saat lagi; bila berlanjut, hubungi pengelola lkj-bot."
)
STORAGE_FULL = (
    "Mohon maaf, ruang penyimpanan sistem sedang penuh sehingga permintaan Anda belum dapat "
    "diselesaikan. Silakan ulangi beberapa saat lagi; bila berlanjut, hubungi pengelola lkj-bot."
)


def operator_alert(update_id: int | None, kind: str, message: str, suppressed: int) -> str:
    """The operator's alert chat: an unexpected error, short (bot.alerts)."""
    where = f"pembaruan {update_id}" if update_id is not None else "tugas latar"
    detail = escape(message[:300]) if message else "-"
    more = (
        f"\n{suppressed} kesalahan lain terjadi sejak peringatan sebelumnya (lihat log)."
        if suppressed
        else ""
    )
    return f"⚠️ <b>Kesalahan tak terduga</b> ({where})\n<code>{escape(kind)}</code>: {detail}{more}"


# A press whose change could not be stored (the database gone, a disk failing): nothing of it
# was kept, its button was not taken back (at most 200 characters: shown as an alert).
PRESS_NOT_SAVED = (
    "Mohon maaf, tindakan Anda belum tersimpan karena gangguan pada penyimpanan data. "
    "Tombol tersebut masih berlaku; silakan tekan kembali beberapa saat lagi."
)
ACTION_RECORDED = (
    "Tindakan Anda sudah tercatat; hanya balasannya yang tadi gagal terkirim karena gangguan "
    "pada Telegram. Tidak perlu mengulanginya. Posisi Anda sekarang:"
)
ACTION_RECORDED_SHORT = "Tindakan Anda sudah tercatat."


# A press whose work takes long (a PDF, or another press of the unit still in progress) is
# answered at once; the outcome follows in a message that is edited when it is ready.
PRESS_WAIT = "Permintaan Anda sedang diproses…"
PRESS_RENDERING = "Diterima. Dokumen sedang disusun…"
DOCUMENT_READY = "Dokumen telah selesai disusun."


def document_in_progress(position: int) -> str:
    """The short message shown while a PDF is rendered (with its place in the queue)."""
    queue = f" (antrean ke-{position})" if position > 0 else ""
    return f"⏳ Dokumen sedang disusun{queue}, mohon tunggu…"


PROCESSED = "Sudah diproses."
