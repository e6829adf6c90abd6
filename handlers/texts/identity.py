"""The unit's identity on the letterhead (/identitas)."""

from __future__ import annotations

from domain.roster import Unit
from handlers.texts.common import Sentence, esc

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
