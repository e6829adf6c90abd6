"""Every user-facing text of the bot, in formal Indonesian (HTML parse mode).

User-typed text is always passed through ``esc`` before it is placed in a message.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from html import escape

from domain import records
from domain import sop as sop_keys
from domain.dates_id import format_datetime_id, roman_triwulan, triwulan_of
from domain.models import Decision, Official
from domain.performance import format_number_id
from domain.periods import FILED, NOT_BEGUN, RUNNING, Period
from domain.roles import Role
from domain.roster import Person, Unit
from domain.sop import Sop
from domain.text import neutralise_bidi
from domain.verification import Chain, Found


class Sentence(str):
    """A template whose last placeholder (names) ends its sentence: ``format`` closes it with
    one full stop, so a name ending in one ("…, S.Farm.") does not get a second."""

    def format(self, *args: object, **kwargs: object) -> str:
        text = str.format(self, *args, **kwargs)
        return text + end_sentence(text)


def esc(value: object) -> str:
    """User text for an HTML message: escaped, and without bidi controls that would
    reverse the text after them."""
    return escape(neutralise_bidi(str(value)), quote=False)


def end_sentence(text: str) -> str:
    """A full stop, unless the text already ends with one (titles like "M.Si.")."""
    return "" if text.endswith(".") else "."


def tw(triwulan: int, year: int) -> str:
    return f"Triwulan {roman_triwulan(triwulan)} Tahun {year}"


def tw_short(triwulan: int) -> str:
    return f"TW {roman_triwulan(triwulan)}"


# The command menu (setMyCommands) and /bantuan: each person sees those of their role
# (handlers/menu.py decides which), in this order, with these descriptions.
COMMANDS: dict[str, str] = {
    "start": "Mulai dan lihat peran Anda",
    "mulai": "Mulai siklus triwulan dengan disposisi",
    "status": "Posisi laporan yang sedang berjalan",
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

# --- evidence (bukti dukung) ----------------------------------------------------------------
NO_EVIDENCE_TO_MANAGE = (
    "Tidak ada bukti dukung yang dapat Anda ubah saat ini: bukti dukung dapat dihapus atau "
    "diganti selama pengumpulan data sampai draf laporan diajukan."
)
EVIDENCE_REASON_PROMPT = (
    "Tuliskan alasan penghapusan (akan disampaikan kepada anggota yang mengunggahnya)."
)
EVIDENCE_REPLACEMENT_PROMPT = (
    "Kirimkan berkas pengganti untuk <b>{name}</b> ({item}) sebagai dokumen (PDF, XLSX, DOCX, "
    "JPG, PNG atau CSV)."
)
EVIDENCE_HINT = "Bukti dukung dapat dihapus atau diganti melalui /bukti sampai draf diajukan."
BTN_EVIDENCE_REMOVE = "Hapus"
BTN_EVIDENCE_REPLACE = "Ganti"
LABEL_REMOVAL_REASON = "Alasan penghapusan"
LABEL_REPLACEMENT = "Berkas pengganti"


def evidence_list_head(period: str, mine: bool) -> str:
    who = "Anda" if mine else "Tim Kerja"
    return (
        f"<b>Bukti dukung {who} — {period}</b>\n"
        "Bukti dukung dapat dihapus atau diganti sampai draf laporan diajukan; berkas yang "
        "dihapus tetap tercatat dalam riwayat laporan."
    )


def evidence_line(number: int, item: str, name: str, size: str) -> str:
    return f"{number}. {esc(item)}: <b>{esc(name)}</b> ({size})"


def evidence_remove_title(name: str, item: str) -> str:
    return f"Hapus bukti dukung {name} ({item})"


def evidence_replace_title(name: str, item: str) -> str:
    return f"Ganti bukti dukung {name} ({item})"


def evidence_removed_done(name: str, item: str, replacement: str | None) -> str:
    if replacement:
        return (
            f"Bukti dukung <b>{esc(name)}</b> ({esc(item)}) diganti dengan "
            f"<b>{esc(replacement)}</b>."
        )
    return f"Bukti dukung <b>{esc(name)}</b> ({esc(item)}) dihapus."


def evidence_removed_notice(by: Person, name: str, item: str, reason: str, period: str) -> str:
    return (
        f"<b>Bukti dukung dihapus — {period}</b>\n"
        f"{esc(by.name)} ({esc(by.label)}) menghapus <b>{esc(name)}</b> dari {esc(item)}.\n"
        f"Alasan: {esc(reason)}"
    )


def collection_reopened(period: str, member: Person, item: str) -> str:
    return (
        f"Bukti dukung {esc(item)} milik {esc(member.name)} pada {period} kini belum lengkap, "
        "sehingga pengumpulan data dibuka kembali. Draf laporan dapat disusun lagi setelah "
        "data lengkap."
    )


NO_OPEN_CYCLE = "Tidak ada siklus laporan yang sedang berjalan pada unit kerja Anda."


def targets_not_for_you(role_label: str) -> str:
    return f"Target kinerja dikelola oleh {role_label}."


NO_TARGETS = (
    "Target kinerja tahun {year} belum diunggah (/target), sehingga tugas dibagi per butir "
    "data, tanpa tabel capaian kinerja."
)
CANCELLED = "Isian dibatalkan. Tidak ada perubahan yang disimpan."
NOTHING_TO_CANCEL = "Tidak ada isian yang sedang berjalan."
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


def annual_task(title: str) -> str:
    return f"<b>{esc(title)}</b> — menunggu tindakan Anda."


HOW_TO_GO_ON = (
    "Ketik /status untuk melihat posisi laporan dan tugas Anda, atau /bantuan untuk petunjuk."
)
YOUR_TASKS = "<b>Tugas Anda yang masih terbuka</b> (tekan tombolnya untuk melanjutkan):"


def form_open(title: str) -> str:
    return (
        f"Anda sedang mengisi <b>{esc(title)}</b>. Lanjutkan isian tersebut, atau ketik /batal "
        "untuk membatalkannya."
    )


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


EDIT_NOT_PROCESSED = (
    "Pesan yang diubah tidak diproses. Bila ada yang perlu diganti, kirimkan sebagai pesan "
    "baru (atau /batal untuk membatalkan isian)."
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

# buttons
BTN_SEND = "Kirim"
BTN_CANCEL = "Batal"
BTN_DIVIDE = "Bagi tugas"
BTN_BUILD_DRAFT = "Susun draf laporan"
BTN_REBUILD_DRAFT = "Susun ulang draf laporan"


def btn_forward(role_label: str) -> str:
    return f"Teruskan ke {role_label}"


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


def field_done(label: str, value: str) -> str:
    return f"✔ {esc(label)}: {esc(value)}"


def user_blocked(person: Person) -> str:
    return (
        f"Pesan lkj-bot untuk {esc(person.name)} ({esc(person.label)}) tidak dapat "
        "disampaikan karena yang bersangkutan memblokir bot. Pesan disimpan dan akan "
        "dikirim kembali setelah blokir dibuka; mohon yang bersangkutan dihubungi."
    )


def user_not_started(person: Person, link: str) -> str:
    return (
        f"Pesan lkj-bot untuk {esc(person.name)} ({esc(person.label)}) belum dapat "
        "disampaikan karena yang bersangkutan belum memulai percakapan dengan bot. Mohon "
        f"kirimkan tautan ini kepada yang bersangkutan: {link} lalu minta ia menekan "
        "<b>Mulai</b>. Pesan disimpan dan dikirim segera setelah itu, sesuai urutannya."
    )


# Why a chat cannot take messages now (storage.chats' states), as /status and notes say it.
REASON_NOT_STARTED = "belum memulai percakapan dengan bot"
REASON_BLOCKED = "memblokir bot"
REASON_RETRYING = "menunggu pengiriman ulang"


def waiting_line(person: Person, reason: str, count: int | None = None) -> str:
    many = f": {count} pesan" if count is not None else ""
    return f"• {esc(person.name)} ({esc(person.label)}){many} — {reason}"


def not_delivered_yet(lines: list[str], link: str) -> str:
    return (
        "Belum dapat disampaikan kepada:\n"
        + "\n".join(lines)
        + "\nPesannya disimpan dan dikirim segera setelah yang bersangkutan memulai "
        f"percakapan dengan bot ({link}) atau membuka blokir."
    )


def status_waiting(lines: list[str], link: str) -> str:
    """The administrator's /status: every message still waiting, per person."""
    return (
        "<b>Pesan yang belum tersampaikan</b>\n"
        + "\n".join(lines)
        + f"\nTautan bot untuk dikirimkan kepada yang belum memulai percakapan: {link}"
    )


# --- verification (/verifikasi) -------------------------------------------------------------

TTE_DISCLAIMER = (
    "Persetujuan ini dicatat oleh lkj-bot; bukan tanda tangan elektronik tersertifikasi (TTE BSrE)."
)
# --- certified electronic signature (TTE, handlers/tte.py) ----------------------------------


def tte_reason(title: str) -> str:
    """The reason written into the PDF signature."""
    return f"Pengesahan {title}"


_TTE_NOT_SIGNED = "Laporan belum ditandatangani dan tahap penandatanganan tetap terbuka."
TTE_REFUSED_PASSPHRASE = (
    "Tanda tangan elektronik gagal: passphrase sertifikat elektronik salah atau "
    "belum diberikan. " + _TTE_NOT_SIGNED + " Silakan tandatangani lagi dengan passphrase "
    "yang benar."
)
TTE_REFUSED_EXPIRED = (
    "Tanda tangan elektronik gagal: sertifikat elektronik Bapak/Ibu sudah tidak "
    "berlaku (kedaluwarsa atau belum berlaku). " + _TTE_NOT_SIGNED + " Mohon perbarui "
    "sertifikat melalui pengelola TTE instansi."
)
TTE_REFUSED_REVOKED = (
    "Tanda tangan elektronik gagal: sertifikat elektronik Bapak/Ibu telah dicabut. "
    + _TTE_NOT_SIGNED
    + " Mohon hubungi pengelola TTE instansi."
)
TTE_REFUSED_NO_CERTIFICATE = (
    "Tanda tangan elektronik gagal: belum ada sertifikat elektronik yang "
    "terdaftar atas nama Bapak/Ibu (NIP/NIK tidak dikenal layanan TTE). "
    + _TTE_NOT_SIGNED
    + " Mohon hubungi pengelola TTE instansi."
)
TTE_REFUSED_UNREACHABLE = (
    "Tanda tangan elektronik gagal: layanan TTE tidak dapat dihubungi. "
    + _TTE_NOT_SIGNED
    + " Silakan coba lagi beberapa saat lagi."
)
TTE_REFUSED_FAILED = (
    "Tanda tangan elektronik gagal: layanan TTE menolak permintaan. "
    + _TTE_NOT_SIGNED
    + " Mohon hubungi pengelola TTE instansi."
)


def tte_ask_passphrase(name: str) -> str:
    return (
        f"🔏 Untuk menandatangani {esc(name)} dengan tanda tangan elektronik, ketik "
        "<b>passphrase</b> (atau kode TOTP) sertifikat elektronik Bapak/Ibu sebagai pesan "
        "berikutnya.\n"
        "⚠️ Pesan tersebut akan segera dihapus dari percakapan dan tidak disimpan oleh lkj-bot. "
        "Jangan kirimkan passphrase kepada siapa pun atau di percakapan lain. Permintaan ini "
        "berlaku 5 menit."
    )


TTE_SIGN_IN_CHAT = (
    "Tanda tangan elektronik memerlukan passphrase sertifikat elektronik: silakan "
    "tandatangani melalui tombol “Tandatangani” di percakapan lkj-bot."
)
TTE_PASSPHRASE_TITLE = "Passphrase tanda tangan elektronik"
TTE_PASSPHRASE_FIELD = "Passphrase"
TTE_PASSPHRASE_NOTICE = "Ketik passphrase sertifikat elektronik Anda."
TTE_PASSPHRASE_DELETED = (
    "🔒 Pesan berisi passphrase telah dihapus dari percakapan. Tanda tangan sedang dibuat…"
)
TTE_PASSPHRASE_NOT_DELETED = (
    "⚠️ Pesan berisi passphrase tidak dapat dihapus otomatis: mohon hapus sendiri pesan "
    "tersebut dari percakapan ini. Tanda tangan sedang dibuat…"
)
TTE_DAMAGED_PDF = (
    "🔏 Tanda tangan elektronik tidak dapat diperiksa: berkas ini tidak dapat dibaca sebagai "
    "PDF yang utuh."
)
TTE_NO_SIGNATURE = "🔏 Berkas ini tidak memuat tanda tangan elektronik (TTE)."


def tte_checks(checks: Sequence, tz: str, roots: bool = True) -> str:
    """What pyHanko found of each PAdES signature in a PDF (``documents.tte.SignatureCheck``);
    without configured ``roots`` the chain cannot be judged, and the answer says so."""
    parts = []
    for check in checks:
        sound = check.intact and check.valid and check.whole_file
        if not sound or (roots and not check.trusted):
            head = "⚠️ <b>Tanda tangan elektronik (PAdES) TIDAK SAH</b>"
        elif roots:
            head = "🔏 <b>Tanda tangan elektronik (PAdES) sah</b>"
        else:
            head = "🔏 <b>Tanda tangan elektronik (PAdES) utuh</b>"
        lines = [head, f"Penanda tangan: {escape(check.signer or '—')}"]
        lines.append(f"Penerbit sertifikat: {escape(check.issuer or '—')}")
        if check.signed_at is not None:
            lines.append(f"Waktu penandatanganan: {format_datetime_id(check.signed_at, tz)}")
        if check.timestamp is not None:
            lines.append(f"Cap waktu (TSA): {format_datetime_id(check.timestamp, tz)}")
        lines.append(
            "Keutuhan: isi dokumen tidak berubah sejak ditandatangani."
            if check.intact and check.valid
            else "Keutuhan: isi dokumen TELAH BERUBAH sejak ditandatangani."
        )
        if not roots:
            lines.append(
                "Sertifikat: rantai sertifikat belum dapat diperiksa karena sertifikat akar "
                "tepercaya belum dikonfigurasi pada lkj-bot."
            )
        elif check.trusted:
            lines.append("Sertifikat: terhubung ke sertifikat akar tepercaya yang dikonfigurasi.")
        else:
            lines.append(
                "Sertifikat: TIDAK terhubung ke sertifikat akar tepercaya yang dikonfigurasi."
            )
        if check.intact and not check.whole_file:
            lines.append("Catatan: ada tambahan pada berkas setelah ditandatangani.")
        parts.append("\n".join(lines))
    return "\n\n".join(parts)


VERIFY_FORM_TITLE = "Pemeriksaan keaslian laporan"
VERIFY_FIELD = "Berkas PDF laporan"
VERIFY_ASK_PDF = (
    "Kirimkan berkas PDF laporan yang akan diperiksa keasliannya, sebagai dokumen.\n"
    "Untuk memeriksa dengan kode verifikasi, ketik /verifikasi KODE, misalnya "
    "<code>/verifikasi LKJ-7K4Q-9MZD-2XWM</code>."
)
VERIFY_NOT_PDF = "Berkas “{name}” bukan PDF. Kirimkan berkas PDF laporan yang akan diperiksa."
VERIFY_BAD_FORMAT = (
    "“{text}” bukan kode verifikasi. Kode verifikasi berbentuk <code>LKJ-XXXX-XXXX-XXXX</code> "
    "dan tercantum di samping kode QR pada halaman pengesahan laporan."
)
VERIFY_TYPO = (
    "Kode “{text}” tidak sah: kemungkinan ada huruf atau angka yang salah ketik. "
    "Mohon periksa kembali kode pada dokumen."
)
VERIFY_UNKNOWN = (
    "Kode verifikasi <code>{code}</code> <b>tidak dikenal</b>: tidak ada laporan yang tercatat "
    "dengan kode ini, sehingga keaslian dokumen yang memuatnya tidak dapat dipastikan."
)
VERIFY_PDF_UNKNOWN = (
    "Dokumen “{name}” <b>tidak dikenal</b>: sidik SHA-256-nya tidak sama dengan laporan mana "
    "pun yang dicatat lkj-bot, dan dokumen ini tidak memuat kode verifikasi "
    "yang dikenal.\nSHA-256 dokumen: <code>{sha}</code>"
)
REPORT_STATUS_LABELS = {
    "draft": "draf (belum diparaf dan belum ditandatangani; tidak berlaku sebagai laporan resmi)",
    "paraf": "telah diparaf, menunggu tanda tangan",
    "signed": "telah ditandatangani",
}


VERIFY_GUEST_ASK_PDF = (
    "Kirimkan berkas PDF laporan yang akan diperiksa keasliannya, sebagai dokumen.\n"
    "Untuk memeriksa dengan kode verifikasi, ketik kodenya, misalnya "
    "<code>LKJ-7K4Q-9MZD-2XWM</code> (tercantum di samping kode QR pada halaman pengesahan)."
)
VERIFY_TOO_OFTEN = (
    "Mohon maaf, pemeriksaan dari akun Anda terlalu sering. Pesan berikutnya dari akun Anda "
    "tidak akan dijawab selama 10 menit; silakan coba kembali setelah itu."
)


def verify_public_altered(name: str, code: str) -> str:
    """``name`` is already escaped."""
    return (
        f"❌ Dokumen “{name}” <b>diubah</b>: dokumen ini memuat kode verifikasi "
        f"<code>{code}</code>, tetapi isinya tidak sama dengan dokumen yang dicatat lkj-bot untuk "
        "kode tersebut, sehingga tidak dapat dianggap sebagai laporan yang diparaf atau "
        "ditandatangani. Laporan yang dicatat dengan kode itu:"
    )


def verify_public(
    headline: str,
    *,
    title: str,
    unit: str,
    period: str,
    status: str,
    superseded: bool,
    paraf: tuple[str, str, str] | None,
    sign: tuple[str, str, str] | None,
) -> str:
    """The answer for a person outside the report's unit: nothing beyond what the printed
    document shows (no chain, no notes, no files)."""

    def approval(given: tuple[str, str, str] | None, missing: str) -> str:
        if given is None:
            return missing
        name, position, when = given
        return f"{esc(name)}" + (f" ({esc(position)})" if position else "") + f", {when}"

    lines = [
        headline,
        "",
        f"<b>Dokumen:</b> {esc(title)}",
        f"<b>Unit:</b> {esc(unit)}",
        f"<b>Periode:</b> {period}",
        f"<b>Status:</b> {REPORT_STATUS_LABELS[status]}",
        f"<b>Paraf:</b> {approval(paraf, 'belum')}",
        f"<b>Tanda tangan:</b> {approval(sign, 'belum')}",
    ]
    if superseded:
        lines.append(
            "⚠ Laporan versi ini kemudian dikembalikan untuk perbaikan; dokumen ini telah "
            "digantikan dan tidak berlaku."
        )
    lines += ["", TTE_DISCLAIMER]
    return "\n".join(lines)


def verify_known(code: str) -> str:
    return f"✅ Kode verifikasi <code>{code}</code> <b>dikenal</b>."


def verify_pdf_identical(name: str, status: str) -> str:
    """``name`` is already escaped."""
    what = "draf laporan" if status == "draft" else "laporan"
    return (
        f"✅ Dokumen “{name}” <b>identik</b> dengan {what} yang dicatat lkj-bot: sidik SHA-256-nya "
        "sama persis."
    )


# A report named as a document (the verification answers), as on its cover.
def quarter_document_title(period: str) -> str:
    return f"Laporan Data Kinerja {period}"


def annual_document_title(year: int) -> str:
    return f"Laporan Kinerja Tahun {year}"


def _who(unit: Unit, user_id: int, acting: str | None = None) -> str:
    """Name and role; ``acting`` is the capacity of a stand-in's act ("Plh. Kasat")."""
    if user_id == 0:
        return "sistem (otomatis)"
    person = unit.person(user_id)
    return (
        f"{esc(person.name)} ({acting or esc(person.label)})" if person else f"pengguna {user_id}"
    )


def _official(o: Official) -> str:
    """Name and capacity as recorded with an act: "Siti (Plh. Kepala Dinas …)" for a
    stand-in, else "Rina (Kasubbag)"."""
    if o.capacity:
        return f"{esc(o.name)} ({esc(o.title)})"
    label = o.label or o.position
    return f"{esc(o.name)} ({esc(label)})" if label else esc(o.name)


def _report_lines(found: Found, unit: Unit) -> list[str]:
    cycle, report = found.cycle, found.report
    lines = [
        f"<b>Dokumen:</b> {quarter_document_title(tw(cycle.triwulan, cycle.year))}, "
        f"{esc(unit.name)}",
        f"<b>Versi laporan:</b> {report.number}, {REPORT_STATUS_LABELS[report.status]}",
    ]
    if found.code:
        lines.append(f"<b>Kode verifikasi:</b> <code>{found.code}</code>")
    else:
        lines.append("<b>Kode verifikasi:</b> tidak ada (draf tidak diberi kode)")
    facts = records.version_actor(cycle, report)
    lines.append(
        f"<b>Berkas PDF dibuat:</b> {format_datetime_id(report.at, unit.timezone)} "
        f"atas tindakan {_official(facts) if facts else _who(unit, report.by)}"
    )
    lines.append(f"<b>SHA-256 berkas PDF yang dicatat:</b> <code>{report.sha256}</code>")
    return lines


def verification_chain(
    chain: Chain,
    unit: Unit,
    headline: str,
    acting: Callable[[int, int, datetime], str | None] = lambda user, step, at: None,
) -> str:
    """The answer to a known code or an identical PDF: the report and the chain behind it.
    ``acting(user, step, at)`` names the capacity of an act taken as a stand-in."""
    tz = unit.timezone

    def when(dt: datetime) -> str:
        return format_datetime_id(dt, tz)

    found = chain.found
    lines = [headline, "", *_report_lines(found, unit), "", "<b>Rangkaian proses</b>"]
    history = found.cycle.history

    def decided(d: Decision) -> str:
        facts = records.decision_by(history, d)
        return _official(facts) if facts else _who(unit, d.by, acting(d.by, d.step, d.at))

    for d in chain.dispositions:
        # who forwarded and who received, as recorded at the moment (an old record: the
        # person on record, and the holder by the roster)
        by, received = records.disposition_facts(history, d)
        role = Role(d.to_role)
        holders = unit.with_role(role)
        if received:
            to = ", ".join(_official(o) for o in received)
        else:
            to = (
                f"{esc(holders[0].name)} ({esc(holders[0].label)})"
                if holders
                else unit.role_label(role)
            )
        who = _official(by) if by else _who(unit, d.from_user, acting(d.from_user, d.step, d.at))
        lines.append(f"• Disposisi: {who} → {to}, {when(d.at)}")
    if chain.division is not None:
        items = sum(u.items for u in chain.uploads)
        divider = chain.division.by
        lines.append(
            f"• Pembagian tugas: "
            f"{_official(divider) if divider else _who(unit, chain.division.actor)}, "
            f"{when(chain.division.at)}; "
            f"{len(chain.uploads)} anggota Tim Kerja, {items} butir data"
        )
    for u in chain.uploads:
        person = unit.person(u.member_id)
        name = esc(person.name) if person else f"pengguna {u.member_id}"
        if u.last_at is None:
            lines.append(f"• Pengumpulan data — {name}: belum ada berkas")
            continue
        realisations = f", {u.realisations} realisasi" if u.realisations else ""
        lines.append(
            f"• Pengumpulan data — {name}: {u.files} berkas{realisations}, "
            f"terakhir {when(u.last_at)}"
        )
    for r in chain.returns:
        lines.append(
            f"• Dikembalikan untuk perbaikan (versi {r.report_version}) oleh "
            f"{decided(r)}, {when(r.at)}: “{esc(r.reason)}”"
        )
    for kind, decision in (("Paraf", chain.paraf), ("Tanda tangan", chain.sign)):
        if decision is not None:
            lines.append(f"• {kind}: {decided(decision)}, {when(decision.at)}")
    if chain.sign is None and found.report.status == "paraf":
        lines.append("• Tanda tangan: belum (dokumen ini adalah versi paraf)")
    if chain.returned_after is not None:
        r = chain.returned_after
        lines.append(
            f"\n⚠ Setelah dokumen ini dibuat, laporan versi {found.report.number} dikembalikan "
            f"untuk perbaikan oleh {decided(r)} pada "
            f"{when(r.at)}; dokumen ini telah "
            "digantikan dan tidak berlaku."
        )
    if chain.signed_version is not None:
        signed = chain.signed_version
        lines.append(
            f"\nLaporan versi ini kemudian ditandatangani pada {when(signed.report.at)}; kode "
            f"verifikasi versi yang ditandatangani: <code>{signed.code}</code>."
        )
    lines += ["", TTE_DISCLAIMER]
    return "\n".join(lines)


def verify_pdf_altered(name: str, sha: str, found: Found, unit: Unit) -> str:
    """A PDF whose embedded code names a recorded report but whose hash differs."""
    return "\n".join(
        [
            f"❌ Dokumen “{name}” <b>diubah</b> (tidak sama dengan dokumen yang dicatat).",
            f"Dokumen ini memuat kode verifikasi <code>{found.code}</code>, tetapi sidik "
            "SHA-256-nya berbeda dari berkas yang dicatat lkj-bot untuk kode tersebut: isinya "
            "telah berubah setelah dibuat, sehingga tidak dapat dianggap sebagai laporan yang "
            "diparaf atau ditandatangani.",
            "",
            *_report_lines(found, unit),
            f"<b>SHA-256 dokumen yang dikirim:</b> <code>{sha}</code>",
            "",
            f"Mintalah salinan asli melalui /arsip, atau periksa rangkaian prosesnya dengan "
            f"<code>/verifikasi {found.code}</code>.",
        ]
    )


# --- the annual LKj ----------------------------------------------------------------------------


def annual_not_for_you(role_label: str) -> str:
    return f"Laporan kinerja tahunan disusun oleh {role_label}."


def annual_intro(paraf_label: str, sign_label: str) -> str:
    """``/tahunan``: the roles that initial and sign come from the unit's SOP table."""
    return (
        "<b>Laporan Kinerja (LKj) tahunan</b>\nLKj disusun dari empat laporan triwulan yang "
        f"telah ditandatangani, lalu diparaf {paraf_label} dan ditandatangani {sign_label}. "
        "Pilih tahun:"
    )


def annual_busy(year: int, waiting_for: str) -> str:
    return (
        f"LKj tahun {year} {waiting_for}; draf baru hanya dapat disusun sebelum diajukan atau "
        "setelah dikembalikan."
    )


def waiting_for(stage: str, role_label: str) -> str:
    """Where a report stands, by the activity it waits for and the role the table gives it."""
    if stage == sop_keys.PARAF:
        return f"menunggu paraf {role_label}"
    if stage == sop_keys.SIGN:
        return f"menunggu tanda tangan {role_label}"
    return "telah ditandatangani"


def annual_name(year: int) -> str:
    return f"LKj tahun {year}"


def annual_title(year: int) -> str:
    return f"Laporan Kinerja tahun {year}"


def btn_annual_compile(year: int) -> str:
    return f"Susun LKj {year}"


def btn_annual_archive(year: int) -> str:
    return f"LKj Tahunan {year}"


# --- the approval flow (quarterly report and annual LKj alike) --------------------------------

SUBMITTED_NOTICE = "Diajukan."
PARAF_NOTICE = "Paraf dicatat."
SIGNED_NOTICE = "Laporan telah ditandatangani."
QUARTER_SOURCE = "data yang terkumpul"
ANNUAL_SOURCE = "empat laporan triwulan"


def cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def who(person: Person | None) -> str:
    return f"{esc(person.name)} ({esc(person.label)})" if person else "-"


def drafted(title: str, number: int, source: str, button: str) -> str:
    """``title``: "laporan data kinerja Triwulan III Tahun 2026", "LKj tahun 2026"."""
    tail = f" Periksa draf ini, lalu tekan <b>{esc(button)}</b>." if button else ""
    return f"Draf {title} (versi {number}) telah disusun dari {source}.{tail}"


def submitted_done(name: str, names: str) -> str:
    return f"{cap(name)} telah diajukan kepada {names} untuk dikoreksi dan diparaf."


def deadline_line(deadline: str, standard: str = "") -> str:
    """The deadline, with the standard time or the time left in brackets when given."""
    return f"Batas waktu: {deadline}" + (f" ({standard})." if standard else ".")


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


def verify_annual(found, unit: Unit, headline: str) -> str:
    """Who compiled, initialled and signed an annual LKj, and from which quarters."""
    report, version = found.report, found.version
    status = REPORT_STATUS_LABELS.get(version.status, version.status)
    lines = [
        headline,
        f"<b>Laporan Kinerja tahun {report.year}</b>, versi {version.number}: {status}.",
    ]
    if found.code:
        lines.append(f"Kode verifikasi: <code>{found.code}</code>")
    lines.append(f"SHA-256 yang dicatat: <code>{version.sha256}</code>")
    for entry in report.history:
        who = unit.person(entry.actor)
        name = esc(who.name) if who else str(entry.actor)
        if entry.by is not None:  # as recorded with the act, in its capacity
            name = _official(entry.by) if entry.by.capacity else esc(entry.by.name)
        when = format_datetime_id(entry.at, unit.timezone)
        lines.append(f"• {esc(entry.action.replace('_', ' '))}: {name}, {when}")
    lines.append("Disusun dari laporan triwulan: " + ", ".join(esc(q) for q in report.quarters))
    return "\n".join(lines)


def verify_annual_altered(name: str, sha: str, found) -> str:
    """``name`` is already escaped."""
    return (
        f"❌ Dokumen “{name}” <b>diubah</b> (tidak sama dengan dokumen yang dicatat): dokumen "
        f"memuat kode <code>{found.code}</code> milik Laporan Kinerja tahun {found.report.year}, "
        f"tetapi SHA-256-nya berbeda.\nSHA-256 dokumen ini: <code>{sha}</code>\n"
        f"SHA-256 yang dicatat: <code>{found.version.sha256}</code>"
    )


# --- yearly workbooks: targets, budget realisation and export ---------------------------------

BUDGET_TEMPLATE_CAPTION = (
    "Templat realisasi anggaran: isi lembar “Realisasi Anggaran” (satu kegiatan per baris); "
    "petunjuk setiap kolom ada pada lembar “Petunjuk”. Kirim kembali melalui /anggaran."
)


def budget_not_for_you(role_label: str) -> str:
    return f"Realisasi anggaran dikelola oleh {role_label}."


def budget_missing(year: int) -> str:
    return (
        f"Realisasi anggaran tahun {year} belum diunggah; tanpa data ini LKj tahunan tidak "
        "memuat tabel realisasi anggaran dan analisis efisiensi."
    )


def budget_needs_targets(year: int) -> str:
    return (
        f"{targets_missing(year)} Setiap kegiatan pada data anggaran "
        "menyebutkan kode indikator yang didukungnya, sehingga unggah target lebih dahulu "
        "melalui /target."
    )


def budget_ask(year: int, replacing: bool) -> str:
    text = f"Kirimkan berkas realisasi anggaran tahun {year} (XLSX sesuai templat, atau CSV)."
    if replacing:
        text += (
            "\n\nPerhatian: data anggaran tahun ini sudah ada. Berkas baru menggantikannya "
            "dan penggantian ini dicatat dalam jejak audit."
        )
    return text


def export_not_for_you(member_label: str) -> str:
    return (
        "Ekspor data kinerja tersedia bagi pejabat yang dapat melihat target kinerja; "
        f"{member_label} menyerahkan data melalui tugas masing-masing."
    )


EXPORT_NOTHING = (
    "Belum ada laporan triwulan yang ditandatangani, sehingga belum ada data kinerja untuk "
    "diekspor."
)
EXPORT_INTRO = (
    "<b>Ekspor data kinerja</b>\nPilih periode. Bot mengirim buku kerja XLSX (lembar "
    "“Kinerja”, “Anggaran” bila realisasi anggaran tahun itu sudah diunggah, dan “Petunjuk”) "
    "serta CSV-nya, disusun untuk disalin ke aplikasi e-SAKIP."
)


def export_caption(period: str, budget: bool) -> str:
    text = f"Ekspor data kinerja {period}"
    if not budget:
        text += " (tanpa lembar Anggaran: realisasi anggaran tahun itu belum diunggah)"
    return text + "."


BTN_TEMPLATE = "Unduh templat"
TARGET_TEMPLATE_CAPTION = (
    "Templat target kinerja: isi lembar “Target Kinerja”; petunjuk ada pada lembar "
    "“Petunjuk”. Kirim kembali melalui /target."
)
LABEL_TARGETS_FILE = "Berkas target"
LABEL_BUDGET_FILE = "Berkas realisasi anggaran"


def target_line(
    code: str, name: str, unit: str, yearly: str, quarters: str, sense: str, counting: str
) -> str:
    return f"• {code} {name} ({unit}): tahunan {yearly}; {quarters} ({sense}, {counting})"


def sasaran_line(sasaran: str) -> str:
    return f"\nSasaran: {sasaran}"


def targets_title(year: int) -> str:
    return f"Target kinerja tahun {year}"


def targets_head(year: int, sasaran: int, indicators: int) -> str:
    return f"<b>{targets_title(year)}</b> — {sasaran} sasaran, {indicators} indikator:"


def targets_missing(year: int) -> str:
    return f"{targets_title(year)} belum diunggah."


def btn_targets_download(year: int) -> str:
    return f"Unduh target {year}"


def btn_targets_upload(year: int) -> str:
    return f"Unggah target {year}"


def targets_current_caption(year: int) -> str:
    return f"{targets_title(year)} yang berlaku."


def targets_running_warning(year: int) -> str:
    return (
        f"\n\nPerhatian: siklus tahun {year} sudah berjalan. Target baru menggantikan target "
        "yang berlaku dan penggantian ini dicatat dalam jejak audit."
    )


def ask_targets(year: int, warning: str) -> str:
    return f"Kirimkan berkas target kinerja tahun {year} (XLSX sesuai templat, atau CSV).{warning}"


def targets_read(name: str, sasaran: int, indicators: int) -> str:
    return f"{name} — {sasaran} sasaran, {indicators} indikator, terbaca sebagai berikut:"


def targets_saved(year: int, replaced: bool, summary: str) -> str:
    verb = "menggantikan target sebelumnya" if replaced else "disimpan"
    return f"{targets_title(year)} {verb}.\n\n{summary}"


def budget_title(year: int) -> str:
    return f"Realisasi anggaran tahun {year}"


def budget_head(
    year: int, programs: int, lines: int, pagu: str, realisasi: str, percent: str
) -> str:
    return (
        f"<b>{budget_title(year)}</b> — {programs} program, {lines} kegiatan; pagu Rp{pagu}, "
        f"realisasi Rp{realisasi} ({percent})."
    )


def btn_budget_download(year: int) -> str:
    return f"Unduh anggaran {year}"


def btn_budget_upload(year: int) -> str:
    return f"Unggah anggaran {year}"


def budget_current_caption(year: int) -> str:
    return f"{budget_title(year)} yang berlaku."


def budget_read(name: str, programs: int, lines: int) -> str:
    return f"{name} — {programs} program, {lines} kegiatan"


def budget_saved(year: int, replaced: bool, summary: str) -> str:
    verb = "menggantikan data sebelumnya" if replaced else "disimpan"
    return f"{budget_title(year)} {verb}.\n\n{summary}"


def btn_export_year(year: int) -> str:
    return f"Tahun {year}"


def export_year_period(year: int) -> str:
    return f"tahunan Tahun {year}"


EXPORT_CSV_CAPTION = "Data kinerja (CSV, pemisah titik koma)."


def export_budget_csv_caption(year: int) -> str:
    return f"{budget_title(year)} (CSV, pemisah titik koma)."


# --- Mini App (Telegram web_app pages) ------------------------------------------------------

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


def webapp_not_assigned(code: str) -> str:
    return f"Indikator {code} tidak ditugaskan kepada Anda."


def webapp_bad_value(code: str, text: str) -> str:
    return f"Realisasi {code}: “{text[:40]}” bukan angka tidak negatif yang sah."


def webapp_sent(codes: str) -> str:
    return f"Realisasi {codes} telah dikirim dan dicatat. Status data diperbarui di percakapan."


def webapp_file(ref) -> str:
    return f"Bukti dukung: {esc(ref.name)} (SHA-256 {ref.sha256[:16]}…)."


# ----------------------------------------------------------------------------- unit identity

IDENTITY_LABELS: dict[str, str] = {
    "government": "Pemerintah daerah",
    "name": "Nama unit",
    "address": "Alamat",
    "phone": "Telepon",
    "email": "E-mail",
    "website": "Situs web",
    "city": "Kota (baris tanggal)",
    "logo": "Logo",
}
IDENTITY_PROMPTS: dict[str, str] = {
    "government": "Tuliskan tingkat dan nama pemerintah daerah, misalnya "
    "<i>Kabupaten Bandung</i>, <i>Kota Bandung</i> atau <i>Provinsi Jawa Barat</i>.",
    "name": "Tuliskan nama unit sebagaimana tercantum pada kop surat.",
    "address": "Tuliskan alamat kantor (ketik <b>-</b> untuk mengosongkan).",
    "phone": "Tuliskan nomor telepon kantor (ketik <b>-</b> untuk mengosongkan).",
    "email": "Tuliskan alamat e-mail kantor (ketik <b>-</b> untuk mengosongkan).",
    "website": "Tuliskan alamat situs web kantor (ketik <b>-</b> untuk mengosongkan).",
    "city": "Tuliskan nama kota yang dicantumkan pada baris tanggal penandatanganan.",
    "logo": "Kirimkan logo sebagai <b>berkas</b> (dokumen) PNG atau SVG, paling besar 1 MB.",
}
IDENTITY_TITLE = "Ubah identitas unit"
IDENTITY_NOT_ADMIN = Sentence(
    "Mohon maaf, identitas unit (kop surat) hanya dapat diubah oleh pengelola unit: {admins}"
)
IDENTITY_CHANGED = "✅ {label} telah diperbarui. Dokumen berikutnya memakai kop yang baru."
IDENTITY_LOGO_REMOVED = "✅ Logo telah dihapus dari kop surat."
BTN_IDENTITY_REMOVE_LOGO = "Hapus logo"


def identity_summary(unit: Unit, shown: dict[str, str]) -> str:
    lines = [f"<b>Identitas unit (kop surat) — {esc(unit.name)}</b>"]
    for name, label in IDENTITY_LABELS.items():
        lines.append(f"• {label}: {esc(shown[name])}")
    lines.append("\nPilih isian yang akan diubah.")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- invitations

INVITE_NOT_ADMIN = Sentence("Mohon maaf, undangan hanya dapat dibuat oleh pengelola unit: {admins}")
INVITE_PICK_ROLE = (
    "<b>Undang anggota {unit}</b>\nPilih peran orang yang akan diundang "
    "(jabatan yang sudah terisi tidak ditampilkan):"
)
INVITE_PICK_MODE = "Undangan sebagai <b>{role}</b>. Siapa yang mengisi nama, NIP dan jabatannya?"
BTN_INVITE_FILL_NOW = "Saya isi sekarang"
BTN_INVITE_FILL_LATER = "Diisi oleh yang diundang"
INVITE_FORM_TITLE = "Undangan anggota"
INVITE_NAME = "Tuliskan nama lengkap beserta gelar."
INVITE_NIP = "Tuliskan NIP (18 angka)."
INVITE_POSITION = "Tuliskan jabatan, misalnya <i>Analis Perencanaan</i>."
INVITE_OPERATOR_ONLY = "Perintah ini hanya untuk operator lkj-bot (ID Telegram pada LKJ_ADMIN_IDS)."
INVITE_NEW_UNIT_USAGE = (
    "Format: <code>/unit_baru kode | Nama unit | Kota</code>, misalnya "
    "<code>/unit_baru satpolpp-kbb | Satuan Polisi Pamong Praja Kabupaten Bandung Barat | "
    "Ngamprah</code>. Pemerintah daerah pada kop dibaca dari nama unit; bila nama unit tidak "
    "menyebutkannya, tambahkan bagian keempat, misalnya <code>| Kabupaten Kendal</code>."
)


def unit_created(unit: str, government: str, given: bool) -> str:
    how = "sesuai isian Anda" if given else "dibaca dari nama unit"
    return (
        f"Unit <b>{esc(unit)}</b> telah dibuat. Pemerintah daerah pada kop: "
        f"<b>{esc(government)}</b> ({how}). Bila keliru, pengelola unit dapat mengubahnya "
        "melalui /identitas."
    )


OPERATOR_START = (
    "Anda terdaftar sebagai operator lkj-bot. Untuk menyiapkan unit kerja baru beserta "
    "undangan pengelolanya, gunakan <code>/unit_baru kode | Nama unit | Kota</code>, misalnya "
    "<code>/unit_baru dinkes-kendal | Dinas Kesehatan Kabupaten Kendal | Kendal</code>. "
    "Pemerintah daerah pada kop dibaca dari nama unit, atau tambahkan bagian keempat "
    "(<code>| Kabupaten Kendal</code>)."
)
INVITE_UNIT_EXISTS = "Unit dengan kode {code} sudah ada."
INVITE_UNKNOWN = (
    "Kode undangan tidak dikenal. Periksa kembali tautan yang Anda terima, atau mintalah "
    "undangan baru kepada pengelola unit."
)
INVITE_ALREADY_REGISTERED = "Anda sudah terdaftar sebagai {role} pada {unit}."
BTN_INVITE_ACCEPT = "Terima undangan"
BTN_INVITE_DECLINE = "Tolak"
INVITE_DECLINED = "Undangan tidak diterima. Tautan tetap berlaku sampai kedaluwarsa."
INVITE_ASK_NAME = "Tuliskan nama lengkap Anda beserta gelar."
INVITE_ASK_NIP = "Tuliskan NIP Anda (18 angka)."
INVITE_ASK_POSITION = "Tuliskan jabatan Anda, misalnya <i>Analis Perencanaan</i>."
INVITE_REVOKED = "Undangan {code} telah dicabut."
INVITE_NONE = "Belum ada undangan untuk unit ini. Buat undangan dengan /undang."


LABEL_NAME = "Nama"
LABEL_NIP = "NIP"
LABEL_POSITION = "Jabatan"


def valid_until(when: str) -> str:
    return f"berlaku sampai {when}"


def btn_invite_revoke(role_label: str, code: str) -> str:
    return f"Cabut {role_label} …{code[-4:]}"


def invite_link(role: str, unit: str, link: str, expires: str, admin: bool) -> str:
    extra = " dan pengelola unit" if admin else ""
    return (
        f"✅ Undangan sebagai <b>{esc(role)}</b>{extra} pada {esc(unit)} telah dibuat.\n\n"
        f"Teruskan tautan ini kepada yang diundang (misalnya melalui WhatsApp atau e-mail):\n"
        f"{link}\n\n"
        f"Tautan hanya dapat dipakai satu kali dan berlaku sampai {expires}. Daftar undangan "
        "dan pencabutannya: /undangan."
    )


def invite_offer(unit: str, role: str, position: str, nip_tail: str, admin: bool) -> str:
    """A pre-filled invitation shows the jabatan and the NIP's last digits only: the link may
    have been forwarded, so the invitee's name and NIP are not shown to whoever opens it."""
    extra = ", sekaligus sebagai pengelola unit" if admin else ""
    who = (
        f"\nData diri telah diisi oleh pengelola unit: jabatan {esc(position)}, NIP berakhiran "
        f"{esc(nip_tail)}. Bila NIP Anda tidak berakhiran demikian, undangan ini bukan untuk "
        "Anda: tekan Tolak."
        if nip_tail
        else ""
    )
    return (
        f"<b>Undangan lkj-bot</b>\nAnda diundang bergabung dengan <b>{esc(unit)}</b> sebagai "
        f"<b>{esc(role)}</b>{extra}.{who}\n\nTekan <b>Terima undangan</b> untuk mendaftar."
    )


def invite_confirm(unit: str, role: str, name: str, nip: str, position: str) -> str:
    return (
        f"Mohon periksa kembali pendaftaran Anda pada <b>{esc(unit)}</b> sebagai "
        f"<b>{esc(role)}</b>:\n• Nama: {esc(name)}\n• NIP: {esc(nip)}\n• Jabatan: "
        f"{esc(position)}\n\nTekan <b>Terima undangan</b> untuk mendaftar."
    )


def invite_joined(name: str, role: str, unit: str) -> str:
    return f"ℹ️ {esc(name)} telah bergabung dengan {esc(unit)} sebagai {esc(role)} melalui undangan."


INVITE_STATE_UNUSABLE = "tidak dapat dipakai"
INVITE_REPLACED_GONE = "pemegang jabatan yang akan digantikan sudah tidak terdaftar"


def invite_post_held(role: str, name: str) -> str:
    return f"jabatan {esc(role)} sudah dipegang oleh {esc(name)}; cabut atau biarkan kedaluwarsa"


def invite_superseded(code: str) -> str:
    return f"diganti undangan …{code[-4:]}"


def invite_replaced_older(codes: list[str]) -> str:
    listed = ", ".join(f"…{c[-4:]}" for c in codes)
    return (
        f"\n\nUndangan sebelumnya untuk jabatan ini ({listed}) telah dicabut: satu jabatan "
        "hanya mempunyai satu undangan yang berlaku, yaitu tautan di atas."
    )


def invite_opened_post_held(role: str, code: str, holder: str, opener: str, opener_id: int) -> str:
    return (
        f"⚠️ Undangan <code>{code}</code> untuk jabatan {esc(role)} dibuka oleh {esc(opener)} "
        f"(ID Telegram <code>{opener_id}</code>), tetapi jabatan itu sudah dipegang oleh "
        f"{esc(holder)}; pembukanya telah diberi tahu bahwa undangan tidak dapat dipakai dan "
        "tidak diminta mengisi data apa pun. Cabut undangan ini melalui /undangan, atau buat "
        "undangan baru bila memang diperlukan."
    )


def invite_listing(unit: str, rows: list[tuple[str, str, str, str]]) -> str:
    """rows: (code, role and name, state, until/used) per invitation."""
    lines = [f"<b>Undangan {esc(unit)}</b>"]
    for code, who, state, when in rows:
        lines.append(f"• <code>{code}</code> — {esc(who)}: <b>{state}</b> ({when})")
    return "\n".join(lines)


UNIT_INCOMPLETE = (
    "Siklus belum dapat dimulai: unit ini belum lengkap. Peran yang belum terisi: {roles}. "
    "Pengelola unit dapat mengundang mereka dengan /undang."
)


# --- staff changes (mutasi) -------------------------------------------------------------------

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


# --- the quarter's report: names; the archive (/arsip) ---------------------------------------


def quarter_name(period: str) -> str:
    return f"laporan {period}"


def quarter_data_report(period: str) -> str:
    return f"laporan data kinerja {period}"


NO_SIGNED_REPORTS = "Belum ada laporan yang ditandatangani."
ARCHIVE_HEAD = "<b>Arsip laporan yang telah ditandatangani</b>\nPilih laporan:"


def archive_caption(name: str, sha256: str) -> str:
    return f"Arsip: {name} (SHA-256 {sha256[:16]}…)."


# --- the disposition (handlers/cycle.py, handlers/notify.py) ---------------------------------

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


# --- the work is divided ---------------------------------------------------------------------

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


# --- the team hands over data ------------------------------------------------------------------


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


# --- realisation of an indicator (handlers/realisation.py) ----------------------------------

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


# --- open tasks, status and reminders (handlers/tasks.py, views.py, reminders.py) ------------


def task_mine(number: int, activity: str) -> str:
    return f"tugas Anda pada tahap {number}: {esc(activity)}."


def task_theirs(number: int, activity: str, role_label: str) -> str:
    return f"tahap {number}: {esc(activity)} ({role_label})."


def time_left(amount: str, late: bool) -> str:
    return f"TERLAMBAT {amount}" if late else f"sisa waktu kerja {amount}"


def item_lacks(missing: str) -> str:
    return f" (kurang: {esc(missing)})"


def member_lacks(name: str, missing: str) -> str:
    return f"• {name}: belum ada {esc(missing)}"


def member_done(name: str) -> str:
    return f"• {name}: lengkap"


def as_holders_copy(text: str) -> str:
    """A task message as the absent holder's copy: the task is the stand-in's now."""
    return text.replace("Tugas Anda", "Tugas")


def cycle_status_lines(
    period: str, number: int, activity: str, names: str, role_label: str
) -> list[str]:
    return [
        f"<b>{period}</b>",
        f"Tahap {number}: {esc(activity)}",
        f"Pemegang: {esc(names)} ({role_label})",
    ]


def status_deadline(when: str, left: str) -> str:
    return f"Batas waktu: {when} ({left})"


def status_collection(missing: str) -> str:
    return "Pengumpulan data:\n" + missing


def collection_detail(missing: str) -> str:
    return f"\n\nStatus pengumpulan data:\n{missing}"


def reminder(period: str, number: int, activity: str, deadline: str, left: str, detail: str) -> str:
    return (
        f"<b>Pengingat — {period}</b>\nTugas Anda pada tahap {number} "
        f"({esc(activity)}) belum selesai.\n{deadline_line(deadline, left)}{detail}"
    )


def at_deadline(period: str, number: int, activity: str, deadline: str, detail: str) -> str:
    return (
        f"<b>Batas waktu terlampaui — {period}</b>\nTugas tahap {number} "
        f"({esc(activity)}) telah melewati batas waktu {deadline}. Mohon segera "
        f"diselesaikan; keterlambatan ini dilaporkan kepada atasan.{detail}"
    )


def escalation(
    period: str,
    number: int,
    activity: str,
    names: str,
    role_label: str,
    deadline: str,
    left: str,
    detail: str,
) -> str:
    return (
        f"<b>Eskalasi keterlambatan — {period}</b>\nTahap {number} ({esc(activity)}) "
        f"yang dipegang oleh {esc(names)} ({role_label}) telah melewati batas waktu "
        f"{deadline} ({left}). Mohon arahan dan tindak lanjut Bapak/Ibu.{detail}"
    )


def morning_digest_head(when: str) -> str:
    return f"<b>Ringkasan pagi — {when}</b>\nTugas yang masih terbuka pada unit kerja Anda:\n\n"


# --- refusals as the audit log records them (read by the unit and its auditors) --------------

AUDIT_NOT_REGISTERED = "pengguna tidak terdaftar"
AUDIT_NOT_OPERATOR = "bukan operator"
AUDIT_TOO_OFTEN = "terlalu sering (batas pemeriksaan)"
AUDIT_UNAUTHENTICATED_SUMMARY = (
    "panggilan tanpa bukti identitas yang sah ditolak (ringkasan satu jendela waktu)"
)
AUDIT_WEBHOOK_SECRET = "token rahasia webhook salah atau tidak ada"


def audit_stale_button(data: str) -> str:
    return f"tombol tidak berlaku: {data}"


def audit_unknown_code(code: str) -> str:
    return f"kode tidak dikenal: {code}"


def audit_unknown_invitation(code: str) -> str:
    return f"kode undangan tidak dikenal: {code}"


def audit_invitation_state(state: str, code: str) -> str:
    return f"kode undangan {state}: {code}"


def audit_pdf_altered(code: str, sha256: str) -> str:
    return f"PDF diubah: {code} {sha256}"


def audit_pdf_unknown(sha256: str) -> str:
    return f"PDF tidak dikenal: {sha256}"


# --- operator: the verification key file (read at start) ------------------------------------


def verify_key_damaged(path: object) -> str:
    return f"Berkas kunci verifikasi rusak: {path}"


def verify_key_short(path: object) -> str:
    return f"Berkas kunci verifikasi terlalu pendek: {path}"


# --- stand-ins (Plh / Plt) -------------------------------------------------------------------

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


def standin_capacity(title: str) -> str:
    """How a stand-in's role is named in chat: "Plh. Kepala Satuan …"."""
    return esc(title)
