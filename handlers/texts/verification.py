"""Verifying a report (/verifikasi): codes, PDFs, the approval chain, and the key file."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from domain import records
from domain.dates_id import format_datetime_id
from domain.models import Decision, Official
from domain.roles import Role
from domain.roster import Unit
from domain.verification import Chain, Found
from handlers.texts.common import esc, tw

TTE_DISCLAIMER = (
    "Persetujuan ini dicatat oleh lkj-bot; bukan tanda tangan elektronik tersertifikasi (TTE BSrE)."
)


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


def verify_key_damaged(path: object) -> str:
    return f"Berkas kunci verifikasi rusak: {path}"


def verify_key_short(path: object) -> str:
    return f"Berkas kunci verifikasi terlalu pendek: {path}"
