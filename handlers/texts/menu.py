"""The command menu, /start and /bantuan: what each person may do, and inputs nobody asked for."""

from __future__ import annotations

from domain import sop as sop_keys
from domain.roster import Person, Unit
from domain.sop import Sop
from handlers.texts.common import end_sentence, esc

# The command menu (setMyCommands) and /bantuan: each person sees those of their role
# (handlers/menu.py decides which), in this order, with these descriptions.
COMMANDS: dict[str, str] = {
    "start": "Mulai dan lihat peran Anda",
    "mulai": "Mulai siklus triwulan dengan disposisi",
    "status": "Posisi laporan yang sedang berjalan",
    "pantau": "Pemantauan seluruh unit kerja pemerintah daerah (evaluator)",
    "target": "Target kinerja tahunan (Perjanjian Kinerja)",
    "tahunan": "Laporan Kinerja (LKj) tahunan",
    "anggaran": "Realisasi anggaran per program dan kegiatan",
    "ekspor": "Ekspor data kinerja dan anggaran (XLSX/CSV, e-SAKIP)",
    "arsip": "Laporan yang telah ditandatangani",
    "verifikasi": "Periksa keaslian laporan (kode atau berkas PDF)",
    "bukti": "Hapus atau ganti bukti dukung sebelum draf diajukan",
    "identitas": "Identitas unit pada kop surat",
    "undang": "Undang anggota unit (tautan pendaftaran)",
    "undangan": "Daftar undangan dan pencabutannya",
    "undang_evaluator": "Undang evaluator pemerintah daerah (tautan pendaftaran)",
    "undangan_evaluator": "Daftar undangan evaluator dan pencabutannya",
    "mutasi": "Mutasi pegawai: ganti pemegang jabatan, keluarkan anggota, alihkan tugas",
    "plh": "Penunjukan Plh/Plt: pejabat yang mewakili selama berhalangan",
    "batal": "Batalkan isian yang sedang berjalan",
    "bantuan": "Petunjuk penggunaan",
}
GROUP_ONLY_PRIVATE = (
    "Mohon maaf, lkj-bot hanya melayani obrolan pribadi. Silakan hubungi bot melalui {link}."
)

# How each activity of the SOP table is done in chat (keyed by activity, never by role: the
# table decides whose it is).
HOW_TO: dict[str, str] = {
    sop_keys.DISPOSE: "ketik /mulai, pilih triwulan, lampirkan Perjanjian Kinerja dan Rencana "
    "Aksi, lalu tuliskan catatan disposisi",
    sop_keys.FORWARD: "tekan tombol <b>Teruskan</b> pada pesan disposisi, lalu tuliskan catatan",
    sop_keys.DIVIDE: "tekan <b>Bagi tugas</b> pada pesan disposisi dan pilih pelaksana setiap "
    "indikator (target diunggah melalui /target)",
    sop_keys.COLLECT: "laporkan realisasi dengan tombol <b>Isi</b> dan kirimkan bukti dukung "
    "sebagai dokumen melalui obrolan ini (foto juga diterima; berkas menjaga kualitas aslinya); "
    "/bukti menghapus atau mengganti bukti dukung Anda sampai draf diajukan",
    sop_keys.ASSEMBLE: "setelah data lengkap, tekan <b>Susun draf laporan</b>, periksa drafnya, "
    "lalu tekan <b>Ajukan</b>; /bukti menghapus bukti dukung Tim Kerja sebelum draf diajukan",
    sop_keys.PARAF: "periksa draf yang diajukan, lalu tekan <b>Paraf</b> atau <b>Kembalikan</b> "
    "dengan alasan",
    sop_keys.SIGN: "periksa laporan yang telah diparaf, lalu tekan <b>Tandatangani</b> (dua kali "
    "ketuk) atau <b>Kembalikan</b> dengan alasan",
    sop_keys.FILE: "laporan yang ditandatangani diarsipkan otomatis (/arsip); LKj tahunan "
    "disusun dengan /tahunan",
}


def duties(person: Person, sop: Sop) -> str:
    """The steps the person's role holds in the unit's SOP table, and how each is done."""
    steps = sop.steps_of(person.role)
    if not steps:
        return READ_ONLY_DUTIES
    return "\n".join(
        f"• Tahap {s.number}: {esc(s.activity)} — {HOW_TO.get(s.key, '')}" for s in steps
    )


READ_ONLY_DUTIES = (
    "• Tidak ada tahap SOP yang Anda jalankan. Anda dapat melihat posisi laporan yang sedang "
    "berjalan (/status), laporan yang telah ditandatangani (/arsip), mengekspor data laporan "
    "yang telah ditandatangani (/ekspor) dan memeriksa keaslian dokumen (/verifikasi); tidak "
    "ada tindakan yang dapat Anda lakukan atas laporan."
)


def welcome(person: Person, unit: Unit, sop: Sop) -> str:
    return (
        f"Selamat datang, Bapak/Ibu <b>{esc(person.name)}</b>{end_sentence(person.name)}\n\n"
        f"Anda terdaftar sebagai <b>{esc(unit.role_label(person.role))}</b> pada {esc(unit.name)} "
        f"({esc(person.position)}).\n\n"
        f"Tugas Anda dalam SOP {esc(sop.name)}:\n{duties(person, sop)}\n\n"
        "Ketik /bantuan untuk melihat perintah yang tersedia."
    )


def not_registered(user_id: int, contact: str | None) -> str:
    who = f" kepada {esc(contact)}" if contact else " kepada Kasubbag perencanaan unit kerja Anda"
    return (
        "Mohon maaf, Anda belum terdaftar sebagai pengguna lkj-bot.\n\n"
        f"Silakan ajukan pendaftaran{who} dengan menyebutkan ID Telegram Anda: "
        f"<code>{user_id}</code>.\n\n"
        "Untuk memeriksa keaslian laporan lkj-bot, ketik /verifikasi atau kirimkan kode "
        "verifikasinya."
    )


def help_text(person: Person, sop: Sop, commands: list[tuple[str, str]]) -> str:
    """The person's duties by the SOP table, then exactly the commands of their menu."""
    listed = "\n".join(f"/{command} — {description}" for command, description in commands)
    return f"<b>Petunjuk lkj-bot ({esc(person.label)})</b>\n\n{duties(person, sop)}\n\n{listed}"


UNKNOWN_COMMAND = "Perintah tidak dikenal. Ketik /bantuan untuk melihat perintah yang tersedia."
NOTHING_EXPECTED = (
    "Saat ini tidak ada isian yang ditunggu dari Anda. "
    "Ketik /bantuan untuk melihat perintah yang tersedia."
)
NO_FILE_EXPECTED = (
    "Saat ini tidak ada berkas yang diminta dari Anda, sehingga berkas ini tidak disimpan."
)
UNSUPPORTED_MESSAGE = (
    "Jenis pesan ini tidak dapat diproses. Kirimkan teks, foto, atau berkas sebagai dokumen."
)
PHOTO_QUALITY_NOTE = (
    "Foto diterima sebagai JPG. Telegram memperkecil foto yang dikirim sebagai foto; "
    "untuk menjaga kualitas aslinya, kirim gambar sebagai berkas (lampiran dokumen)."
)
