"""Forms in chat: prompts, expected inputs, the summary before sending, the form buttons."""

from __future__ import annotations

from handlers.texts.common import esc

CANCELLED = "Isian dibatalkan. Tidak ada perubahan yang disimpan."
NOTHING_TO_CANCEL = "Tidak ada isian yang sedang berjalan."


def form_open(title: str) -> str:
    return (
        f"Anda sedang mengisi <b>{esc(title)}</b>. Lanjutkan isian tersebut, atau ketik /batal "
        "untuk membatalkannya."
    )


EDIT_NOT_PROCESSED = (
    "Pesan yang diubah tidak diproses. Bila ada yang perlu diganti, kirimkan sebagai pesan "
    "baru (atau /batal untuk membatalkan isian)."
)


EXPECT_DOCUMENT = "Mohon kirimkan <b>{label}</b> sebagai berkas dokumen, bukan teks."
EXPECT_TEXT = "Mohon ketikkan jawaban berupa teks; berkas tidak diperlukan pada isian ini."
EXPECT_NUMBER = "“{text}” bukan angka. Mohon ketikkan nilai berupa angka, misalnya 97,5 atau 1.250."
EXPECT_CHOICE = "Mohon pilih salah satu tombol pada pesan di atas."
FORM_SENT = "Terkirim."
FORM_OPEN_HINT = "Ketik /batal bila ingin membatalkan isian ini."
FORM_AWAITING_SEND = (
    "Isian <b>{title}</b> sudah lengkap dan menunggu Anda menekan <b>Kirim</b> atau "
    "<b>Batal</b> pada ringkasan di bawah ini. Ketik /batal bila ingin membatalkannya."
)
FORM_CHECK = "Mohon periksa kembali isian berikut:"
FORM_TOGGLE_HINT = "\nKetuk pilihan di atas untuk mengubahnya."
FORM_CONFIRM_HINT = "Tekan <b>Kirim</b> untuk mengirim atau <b>Batal</b> untuk membatalkan."


def field_empty(label: str) -> str:
    return f"{label} tidak boleh kosong."


def text_too_long(length: int, limit: int) -> str:
    return (
        f"Teks terlalu panjang ({length} karakter); batasnya {limit} karakter. "
        "Mohon persingkat lalu kirim kembali."
    )


# A document that could not be received.
NO_DOCUMENT_IN_MESSAGE = "Pesan ini tidak memuat berkas dokumen."


def download_failed(name: str, reason: str) -> str:
    return f"Berkas “{name}” tidak dapat diunduh dari Telegram ({reason})."


BTN_SEND = "Kirim"
BTN_CANCEL = "Batal"


def field_done(label: str, value: str) -> str:
    return f"✔ {esc(label)}: {esc(value)}"
