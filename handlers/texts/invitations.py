"""Invitations (/undang, /undangan) and creating a unit."""

from __future__ import annotations

from handlers.texts.common import Sentence, esc

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
    "(<code>| Kabupaten Kendal</code>). Evaluator pemerintah daerah (Inspektorat, Bagian "
    "Organisasi, Bappeda) diundang dengan /undang_evaluator."
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
