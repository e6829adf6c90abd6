"""Evidence (bukti dukung): listing, removing and replacing it (/bukti)."""

from __future__ import annotations

from domain.roster import Person
from handlers.texts.common import esc

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
