"""Every user-facing text of the bot, in formal Indonesian (HTML parse mode).

User-typed text is always passed through ``esc`` before it is placed in a message.
"""

from __future__ import annotations

from html import escape

from domain.dates_id import roman_triwulan
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import Sop


def esc(value: object) -> str:
    return escape(str(value), quote=False)


def end_sentence(text: str) -> str:
    """A full stop, unless the text already ends with one (titles like "M.Si.")."""
    return "" if text.endswith(".") else "."


def tw(triwulan: int, year: int) -> str:
    return f"Triwulan {roman_triwulan(triwulan)} Tahun {year}"


COMMANDS: list[tuple[str, str]] = [
    ("start", "Mulai dan lihat peran Anda"),
    ("bantuan", "Petunjuk penggunaan"),
    ("status", "Posisi laporan yang sedang berjalan"),
    ("mulai", "Mulai siklus triwulan (Kasat)"),
    ("arsip", "Laporan yang telah ditandatangani"),
    ("target", "Target kinerja tahunan (Perjanjian Kinerja)"),
    ("batal", "Batalkan isian yang sedang berjalan"),
]

ROLE_DUTIES: dict[Role, str] = {
    Role.KASAT: "memulai siklus triwulan dengan disposisi (/mulai), lalu memeriksa dan "
    "menandatangani laporan",
    Role.SEKRETARIS: "meneruskan disposisi kepada Kasubbag, lalu mengoreksi laporan dan "
    "memberikan paraf atau mengembalikannya untuk perbaikan",
    Role.KASUBBAG: "membagi tugas kepada Tim Kerja, menyusun laporan dari data yang terkumpul, "
    "mengajukannya, dan mengarsipkan laporan",
    Role.TIM_KERJA: "mengumpulkan dan mengunggah berkas data kinerja sesuai pembagian tugas",
}


def welcome(person: Person, unit: Unit, sop: Sop) -> str:
    steps = [s for s in sop.steps if s.role is person.role]
    lines = "\n".join(f"• Tahap {s.number}: {esc(s.activity)}" for s in steps)
    return (
        f"Selamat datang, Bapak/Ibu <b>{esc(person.name)}</b>{end_sentence(person.name)}\n\n"
        f"Anda terdaftar sebagai <b>{person.role.label}</b> pada {esc(unit.name)} "
        f"({esc(person.position)}).\n\n"
        f"Tugas Anda dalam SOP {esc(sop.name)}: {ROLE_DUTIES[person.role]}.\n{lines}\n\n"
        "Ketik /bantuan untuk melihat perintah yang tersedia."
    )


def not_registered(user_id: int, contact: str | None) -> str:
    who = f" kepada {esc(contact)}" if contact else " kepada Kasubbag perencanaan satuan Anda"
    return (
        "Mohon maaf, Anda belum terdaftar sebagai pengguna lkj-bot.\n\n"
        f"Silakan ajukan pendaftaran{who} dengan menyebutkan ID Telegram Anda: "
        f"<code>{user_id}</code>."
    )


def help_text(person: Person) -> str:
    common = (
        "/status — posisi laporan yang sedang berjalan\n"
        "/arsip — laporan yang telah ditandatangani\n"
        "/batal — batalkan isian yang sedang berjalan\n"
        "/bantuan — petunjuk ini"
    )
    specific = {
        Role.KASAT: "/mulai — mulai siklus triwulan dan kirim disposisi kepada Sekretaris\n"
        "Laporan yang telah diparaf akan dikirim kepada Anda dengan tombol "
        "<b>Tandatangani</b> atau <b>Kembalikan</b>.",
        Role.SEKRETARIS: "Disposisi dari Kasat dapat diteruskan dengan tombol "
        "<b>Teruskan ke Kasubbag</b>. Laporan yang diajukan dapat diberi <b>Paraf</b> atau "
        "<b>Kembalikan</b> untuk perbaikan.",
        Role.KASUBBAG: "Setelah menerima disposisi, tekan <b>Bagi tugas</b> untuk menuliskan "
        "butir data bagi setiap anggota Tim Kerja. Setelah data lengkap, tekan "
        "<b>Susun draf laporan</b> lalu <b>Ajukan ke Sekretaris</b>.",
        Role.TIM_KERJA: "Kirimkan berkas data (PDF, XLSX, DOCX, JPG, PNG atau CSV) sebagai "
        "dokumen melalui obrolan ini, lalu pilih butir data yang dipenuhi oleh berkas tersebut.",
    }[person.role]
    return f"<b>Petunjuk lkj-bot ({person.role.label})</b>\n\n{specific}\n\n{common}"


UNKNOWN_COMMAND = "Perintah tidak dikenal. Ketik /bantuan untuk melihat perintah yang tersedia."
NOTHING_EXPECTED = (
    "Saat ini tidak ada isian yang ditunggu dari Anda. "
    "Ketik /bantuan untuk melihat perintah yang tersedia."
)
NO_FILE_EXPECTED = (
    "Saat ini tidak ada berkas yang diminta dari Anda, sehingga berkas ini tidak disimpan."
)
UNSUPPORTED_MESSAGE = (
    "Jenis pesan ini tidak dapat diproses. Kirimkan teks, atau berkas sebagai dokumen "
    "(lampiran berkas, bukan foto)."
)
NO_OPEN_CYCLE = "Tidak ada siklus laporan yang sedang berjalan pada satuan Anda."
TARGETS_NOT_FOR_YOU = "Target kinerja dikelola oleh Kasubbag perencanaan dan pelaporan."
NO_TARGETS = (
    "Target kinerja tahun {year} belum diunggah (/target), sehingga tugas dibagi per butir "
    "data, tanpa tabel capaian kinerja."
)
CANCELLED = "Isian dibatalkan. Tidak ada perubahan yang disimpan."
NOTHING_TO_CANCEL = "Tidak ada isian yang sedang berjalan."
BUTTON_UNKNOWN = "Tombol ini tidak dikenal atau sudah tidak berlaku."
BUTTON_STALE = "Tombol ini sudah tidak berlaku (sudah diproses)."
BUTTON_FOREIGN = "Tombol ini bukan untuk Anda."
NOT_REGISTERED_SHORT = "Anda belum terdaftar sebagai pengguna lkj-bot."
INTERNAL_ERROR = (
    "Mohon maaf, terjadi kesalahan pada sistem saat memproses permintaan Anda. "
    "Silakan ulangi beberapa saat lagi; bila berlanjut, hubungi pengelola lkj-bot."
)
WRONG_ROLE_START = "Perintah /mulai hanya dapat digunakan oleh Kasat."
EXPECT_DOCUMENT = "Mohon kirimkan <b>{label}</b> sebagai berkas dokumen, bukan teks."
EXPECT_TEXT = "Mohon ketikkan jawaban berupa teks; berkas tidak diperlukan pada isian ini."
EXPECT_NUMBER = "“{text}” bukan angka. Mohon ketikkan nilai berupa angka, misalnya 97,5 atau 1.250."
EXPECT_CHOICE = "Mohon pilih salah satu tombol pada pesan di atas."
FORM_SENT = "Terkirim."
PROCESSED = "Sudah diproses."

# buttons
BTN_SEND = "Kirim"
BTN_CANCEL = "Batal"
BTN_FORWARD = "Teruskan ke Kasubbag"
BTN_DIVIDE = "Bagi tugas"
BTN_BUILD_DRAFT = "Susun draf laporan"
BTN_REBUILD_DRAFT = "Susun ulang draf laporan"
BTN_SUBMIT = "Ajukan ke Sekretaris"
BTN_PARAF = "Paraf"
BTN_NEEDS_FIX = "Tandai perlu perbaikan"
BTN_RETURN = "Kembalikan"
BTN_SIGN = "Tandatangani"
BTN_SIGN_CONFIRM = "Ya, tandatangani"
BTN_SIGN_CANCEL = "Batal"


def field_done(label: str, value: str) -> str:
    return f"✔ {esc(label)}: {esc(value)}"


def user_blocked(person: Person) -> str:
    return (
        f"Pesan lkj-bot untuk {esc(person.name)} ({person.role.label}) tidak dapat "
        "disampaikan karena yang bersangkutan memblokir bot. Pesan disimpan dan akan "
        "dikirim kembali setelah blokir dibuka; mohon yang bersangkutan dihubungi."
    )
