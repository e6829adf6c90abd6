"""The Mini App (Telegram web_app pages) and why its server refuses a call."""

from __future__ import annotations

from handlers.texts.common import esc

BTN_WEBAPP_FORM = "📝 Isi semua di formulir"
BTN_WEBAPP_REVIEW = "📱 Tinjau laporan di ponsel"
WEBAPP_NOT_YOURS = (
    "Halaman ini tidak dapat dibuka oleh Anda: laporan atau tugas ini bukan milik Anda pada "
    "tahap ini."
)
WEBAPP_NOT_REGISTERED = "Anda belum terdaftar pada bot ini; hubungi Kasubbag unit kerja Anda."
WEBAPP_BAD_REQUEST = "Permintaan tidak dapat diproses. Muat ulang halaman, lalu coba kembali."
WEBAPP_CHANGED = (
    "Data berubah pada saat yang sama oleh tindakan lain. Muat ulang halaman, lalu coba kembali."
)
WEBAPP_NOT_A_NUMBER = "Bukan angka yang sah (contoh: 97,5 atau 1.250)."
WEBAPP_NOTHING_NEW = "Belum ada nilai realisasi baru atau yang berubah untuk dikirim."
WEBAPP_PARAF_DONE = "Paraf Anda telah dicatat; laporan diteruskan untuk ditandatangani."
WEBAPP_SIGN_DONE = "Laporan telah ditandatangani; laporan final dikirim melalui percakapan."
WEBAPP_RETURN_DONE = "Laporan telah dikembalikan untuk perbaikan."
WEBAPP_FILE_SENT = "Berkas telah dikirim ke percakapan Anda dengan bot."


def webapp_upload_too_large(limit: int) -> str:
    return f"Berkas terlalu besar; batas ukuran berkas adalah {limit / 1048576:.0f} MB."


def webapp_evidence_recorded(name: str, code: str) -> str:
    return f"Bukti dukung “{name}” untuk {code} telah diterima dan dicatat."


def webapp_evidence_removed(name: str, code: str) -> str:
    return f"Bukti dukung “{name}” untuk {code} telah dihapus."


def webapp_evidence_replaced(old: str, new: str, code: str) -> str:
    return f"Bukti dukung “{old}” untuk {code} telah diganti dengan “{new}”."


WEBAPP_REPORT_STATUS = {
    "draft": "Draf",
    "paraf": "Sudah diparaf",
    "signed": "Sudah ditandatangani",
}


# Why the Mini App's server refuses a page call's Telegram sign-in (webapp/).
WEBAPP_AUTH_MISSING = "Data autentikasi Telegram tidak ada."
WEBAPP_AUTH_UNREADABLE = "Data autentikasi Telegram tidak dapat dibaca."
WEBAPP_AUTH_INVALID = "Data autentikasi Telegram tidak sah."
WEBAPP_AUTH_INCOMPLETE = "Data autentikasi Telegram tidak lengkap."
WEBAPP_SESSION_EXPIRED = (
    "Sesi halaman ini sudah kedaluwarsa. Tutup halaman, lalu buka kembali dari "
    "tombol di percakapan."
)
WEBAPP_TOO_MANY_REFUSED = (
    "Terlalu banyak permintaan tanpa autentikasi yang sah dari alamat ini. Silakan coba lagi "
    "beberapa saat lagi."
)
# The evaluators' page (pantau.html) and its signed link for a desktop browser.
PANTAU_LINK_TAMPERED = (
    "Tautan halaman pemantauan ini tidak sah atau telah diubah. Mintalah tautan baru melalui "
    "percakapan dengan bot (/tautan_pantau)."
)
PANTAU_LINK_EXPIRED = (
    "Tautan halaman pemantauan ini sudah kedaluwarsa. Mintalah tautan baru melalui percakapan "
    "dengan bot (/tautan_pantau)."
)
PANTAU_REFUSED_TITLE = "Akses ditolak"
PANTAU_LINK_NOT_EVALUATOR = (
    "Tautan halaman pemantauan hanya diberikan kepada evaluator pemerintah daerah "
    "(Inspektorat, Bagian Organisasi, Bappeda) yang terdaftar."
)
PANTAU_PAGE_OFF = "Halaman pemantauan belum diaktifkan oleh pengelola bot."


def pantau_link(url: str, expires: str) -> str:
    return (
        "Tautan halaman pemantauan untuk peramban komputer (atas nama Anda; jangan diteruskan "
        f"kepada orang lain):\n{esc(url)}\n\nBerlaku sampai {expires}."
    )


def webapp_not_assigned(code: str) -> str:
    return f"Indikator {code} tidak ditugaskan kepada Anda."


def webapp_bad_value(code: str, text: str) -> str:
    return f"Realisasi {code}: “{text[:40]}” bukan angka tidak negatif yang sah."


def webapp_sent(codes: str) -> str:
    return f"Realisasi {codes} telah dikirim dan dicatat. Status data diperbarui di percakapan."


def webapp_file(ref) -> str:
    return f"Bukti dukung: {esc(ref.name)} (SHA-256 {ref.sha256[:16]}…)."
