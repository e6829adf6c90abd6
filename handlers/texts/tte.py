"""The certified electronic signature (TTE, handlers/tte.py)."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from domain.dates_id import format_datetime_id
from handlers.texts.common import esc


def tte_reason(title: str) -> str:
    """The reason written into the PDF signature."""
    return f"Pengesahan {title}"


def tte_paraf_reason(title: str) -> str:
    """The reason written into the paraf giver's PDF signature."""
    return f"Paraf (koreksi) {title}"


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


def tte_ask_passphrase(name: str, paraf: bool = False) -> str:
    act = "memaraf" if paraf else "menandatangani"
    return (
        f"🔏 Untuk {act} {esc(name)} dengan tanda tangan elektronik, ketik "
        "<b>passphrase</b> (atau kode TOTP) sertifikat elektronik Bapak/Ibu sebagai pesan "
        "berikutnya.\n"
        "⚠️ Pesan tersebut akan segera dihapus dari percakapan dan tidak disimpan oleh lkj-bot. "
        "Jangan kirimkan passphrase kepada siapa pun atau di percakapan lain. Permintaan ini "
        "berlaku 5 menit."
    )


TTE_SIGN_ON_PAGE = (
    "Tanda tangan elektronik memerlukan passphrase sertifikat elektronik: silakan "
    "tandatangani melalui halaman penandatanganan (tombol “Tandatangani”, lalu "
    "“🔏 Ya, tandatangani”)."
)
BTN_SIGN_ON_PAGE = "🔏 Ya, tandatangani"
BTN_PARAF_ON_PAGE = "🔏 Paraf dengan TTE"
TTE_PARAF_ON_PAGE_HINT = (
    "Paraf disertai tanda tangan elektronik: tekan “🔏 Paraf dengan TTE” untuk mengetik "
    "passphrase di halaman penandatanganan."
)
TTE_PAGE_PARAF_DONE = (
    "Paraf Anda telah dicatat dan ditandatangani secara elektronik; laporan diteruskan untuk "
    "ditandatangani."
)
TTE_SIGN_ON_PAGE_HINT = (
    "Tekan “🔏 Ya, tandatangani” untuk mengetik passphrase di halaman penandatanganan."
)
# The Mini App's signing page (webapp/static/ttd.html, handlers/tte_page.py).
TTE_PAGE_SIGNED = (
    "Laporan telah ditandatangani secara elektronik; laporan final dikirim melalui percakapan."
)
TTE_PAGE_ALREADY_SIGNED = (
    "Laporan ini sudah ditandatangani; tidak ada yang perlu ditandatangani lagi. Laporan final "
    "ada di percakapan Anda dengan bot."
)
TTE_PAGE_EMPTY = "Passphrase belum diisi. Ketik passphrase sertifikat elektronik Anda."
TTE_PAGE_NOT_NEEDED = (
    "Tanda tangan laporan ini tidak memerlukan passphrase: silakan tandatangani melalui "
    "tombol “Tandatangani” di percakapan."
)
TTE_PAGE_BSRE = "Sertifikat elektronik BSrE (layanan TTE instansi)"
TTE_PAGE_LOCAL = "Sertifikat elektronik instansi (penanda tangan lokal)"
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
