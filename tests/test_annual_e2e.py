"""The annual LKj in chat: compiled from the four signed quarters, returned once, initialled
and signed, then sent to everyone and kept in /arsip."""

from __future__ import annotations

import hashlib
import io
import re

import openpyxl
from pypdf import PdfReader

from demo import playbook
from domain.annual import SIGNED
from handlers import texts
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import AnnualRepository, CycleRepository
from tests.test_annual_report import filed_quarter


def archival_parts(content: bytes) -> tuple[str, str, dict[str, bytes]]:
    """The PDF/A part and conformance from the XMP metadata, and the embedded files."""
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.xmp_metadata
    assert xmp is not None, "no XMP metadata"
    ns = "http://www.aiim.org/pdfa/ns/id/"
    part = conformance = ""
    for node in xmp.rdf_root.getElementsByTagNameNS(
        "http://www.w3.org/1999/02/22-rdf-syntax-ns#", "Description"
    ):
        part = part or node.getAttributeNS(ns, "part")
        conformance = conformance or node.getAttributeNS(ns, "conformance")
    files = {name: data[0] for name, data in reader.attachments.items()}
    return part, conformance, files


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_annual_report_from_four_signed_quarters(bot, emu, people, settings, stranger):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    cycles = CycleRepository(Database(settings.lkj_data_dir))

    # Only the Kasubbag compiles; three quarters are not enough.
    kasat.say("/tahunan")
    assert "disusun oleh Kasubbag" in (await kasat.next()).text
    for tw in (1, 2, 3):
        cycles.save(filed_quarter(tw))
    kasubbag.say("/tahunan")
    answer = await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    assert "TW IV" in answer["text"]

    cycles.save(filed_quarter(4))
    kasubbag.say("/tahunan")
    await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    draft = await kasubbag.expect("Draf LKj tahun 2026 (versi 1)", document=True)
    assert draft.document.filename == "LKj_Tahunan_2026_DRAF_v1.pdf"
    text = pdf_text(draft.document.content)
    for chapter in ("IKHTISAR EKSEKUTIF", "BAB I", "BAB II", "BAB III", "BAB IV", "LAMPIRAN"):
        assert chapter in text, chapter
    await kasubbag.tap("Ajukan ke Sekretaris", draft)

    # The Sekretaris returns it once; the Kasubbag compiles again.
    review = await sekretaris.expect("diajukan oleh Kasubbag", document=True)
    await sekretaris.tap("Kembalikan", review)
    await sekretaris.expect("alasan pengembalian")
    reason = "Lengkapi <b>analisis</b> capaian IKU-6 & bab <III> (< 5 halaman)."  # HTML shown as is
    sekretaris.say(reason)
    await sekretaris.tap("Kirim", await sekretaris.expect("Mohon periksa kembali"))
    returned = await kasubbag.expect("dikembalikan untuk perbaikan")
    assert reason in returned.text
    await kasubbag.tap("Susun ulang draf laporan", returned)
    draft2 = await kasubbag.expect("(versi 2)", document=True)
    await kasubbag.tap("Ajukan ke Sekretaris", draft2)

    review2 = await sekretaris.expect("(versi 2)", document=True)
    assert (await sekretaris.tap("Paraf", review2))["text"] == texts.PRESS_RENDERING
    assert await playbook.press_outcome(sekretaris) == "Paraf dicatat."
    initialled = await kasat.expect("telah dikoreksi dan diparaf", document=True)
    await kasat.tap("Tandatangani", initialled)
    assert await playbook.tap_through(kasat, "Ya, tandatangani", initialled) == (
        "Laporan telah ditandatangani."
    )

    signed = []
    for user in people.officials:
        message = await user.expect(
            "Laporan Kinerja tahun 2026 telah ditandatangani", document=True
        )
        signed.append(message.document.content)
    assert len(set(signed)) == 1
    text = pdf_text(signed[0])
    for expected in (kasat.name, "19680512 199003 1 004", sekretaris.name, "IKU-8"):
        assert expected in text, expected
    assert "DRAF" not in text

    # The signed LKj is an archival PDF/A-3 (level A: tagged), with the year's export
    # workbook embedded; the draft is an ordinary PDF without attachments.
    part, conformance, files = archival_parts(signed[0])
    assert (part, conformance) == ("3", "A")
    assert list(files) == ["Ekspor_Kinerja_Tahunan_2026.xlsx"]
    embedded = openpyxl.load_workbook(io.BytesIO(files["Ekspor_Kinerja_Tahunan_2026.xlsx"]))
    rows = list(embedded["Kinerja"].values)
    assert [r[3] for r in rows[1:]] == [f"IKU-{n}" for n in range(1, 9)]
    assert next(r for r in rows if r[3] == "IKU-1")[8:10] == (76.78, 90.32)  # rounded as printed
    assert PdfReader(io.BytesIO(draft.document.content)).xmp_metadata is None
    assert not PdfReader(io.BytesIO(draft.document.content)).attachments

    report = AnnualRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026)
    assert report.status == SIGNED
    assert [d.kind for d in report.decisions] == ["return", "paraf", "sign"]
    log = AuditLog.for_unit_year(settings.lkj_data_dir, "satpolpp-bdg", 2026)
    actions = [e["action"] for e in log.entries() if e["outcome"] == "accepted"]
    assert actions == [
        "susun_lkj_tahunan",
        "ajukan_lkj_tahunan",
        "kembalikan_lkj_tahunan",
        "susun_lkj_tahunan",
        "ajukan_lkj_tahunan",
        "paraf_lkj_tahunan",
        "tandatangan_lkj_tahunan",
    ]

    # The signed LKj carries a verification code that /verifikasi recognises, and the PDF
    # sent back is identical; a changed copy is reported as altered.
    code = re.search(r"LKJ-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}", text).group(0)
    kasubbag.say(f"/verifikasi {code}")
    answer = await kasubbag.expect("Laporan Kinerja tahun 2026")
    assert "dikenal" in answer.text and kasat.name in answer.text
    assert report.latest_report.sha256 in answer.text
    for content, verdict in ((signed[0], "identik"), (signed[0] + b"\n%tambahan", "diubah")):
        kasubbag.say("/verifikasi")
        await kasubbag.expect("Kirimkan berkas PDF laporan")
        kasubbag.upload("LKj_2026.pdf", content)
        await kasubbag.tap("Kirim", await kasubbag.expect("Mohon periksa kembali"))
        assert verdict in (await kasubbag.expect(verdict)).text

    # Scanning the QR code (the deep link) works for someone outside every unit too: the
    # public facts only.
    assert f"https://t.me/{emu.bot_user['username']}?start={code}" in text
    stranger.say(f"/start {code}")
    answer = (await stranger.expect("dikenal")).text
    assert "Dokumen: Laporan Kinerja Tahun 2026" in answer
    assert "Periode: 1 Januari 2026 – 31 Desember 2026" in answer
    assert f"Tanda tangan: {kasat.name}" in answer and "SHA-256" not in answer

    # Kept in the archive with the quarters.
    kasat.say("/arsip")
    listing = await kasat.expect("Arsip laporan")
    assert "LKj Tahunan 2026" in listing.buttons
    await kasat.tap("LKj Tahunan 2026", listing)
    assert (await kasat.expect("Arsip: LKj tahun 2026", document=True)).document.content == signed[
        0
    ]


async def test_the_annual_report_waiting_for_someone_is_offered_by_status(
    bot, emu, people, settings
):
    """No one is stuck on the annual LKj either: /status sends its holder the report with the
    step's buttons (the maker a draft to submit, the paraf holder Paraf / Kembalikan)."""
    kasubbag, sekretaris = people.kasubbag, people.sekretaris
    cycles = CycleRepository(Database(settings.lkj_data_dir))
    for tw in (1, 2, 3, 4):
        cycles.save(filed_quarter(tw))
    kasubbag.say("/tahunan")
    await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    await kasubbag.expect("Draf LKj tahun 2026 (versi 1)", document=True)
    kasubbag.say("/status")
    offered = await kasubbag.expect("Laporan Kinerja tahun 2026 — menunggu tindakan Anda")
    assert offered.document is not None and offered.buttons == ["Ajukan ke Sekretaris"]
    sekretaris.say("/status")
    await sekretaris.expect("Tidak ada siklus")
    await kasubbag.tap("Ajukan ke Sekretaris", offered)
    await sekretaris.expect("Laporan Kinerja tahun 2026", document=True)
    sekretaris.say("/status")
    waiting = await sekretaris.expect("menunggu tindakan Anda")
    assert waiting.buttons == ["Paraf", "Kembalikan"]
    await sekretaris.tap("Paraf", waiting)
    await people.kasat.expect("Mohon diperiksa dan ditandatangani", document=True)


async def test_the_bots_annual_lkj_appends_the_perjanjian_kinerja_as_uploaded(
    bot, emu, people, settings
):
    """The annual LKj the bot compiles carries the Perjanjian Kinerja the quarters hold as a
    real Lampiran (its pages appended, read from the store), not only its name and hash."""
    from dataclasses import replace

    from demo.sample_year import planning_documents
    from domain.models import FileRef
    from tests.test_annual_report import UNIT

    kasubbag = people.kasubbag
    db = Database(settings.lkj_data_dir)
    cycles = CycleRepository(db)
    planning = planning_documents(UNIT, 2026)
    quarters = [filed_quarter(tw) for tw in (1, 2, 3, 4)]
    first = quarters[0]
    refs = []
    for kind, data in planning.items():
        sha = db.blobs.put(data)
        by, at = first.documents[0].uploaded_by, first.documents[0].uploaded_at
        refs.append(FileRef(sha, f"{kind}.pdf", len(data), "application/pdf", by, at, kind))
    quarters[0] = replace(first, documents=tuple(refs))
    for cycle in quarters:
        cycles.save(cycle)
    kasubbag.say("/tahunan")
    await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    draft = await kasubbag.expect("Draf LKj tahun 2026 (versi 1)", document=True)
    text = pdf_text(draft.document.content)
    assert "LAMPIRAN III" in text
    assert "Dilampirkan utuh sebagai Lampiran III.1" in text
    # The uploaded PK's pages are images in the report (PDF/A-conformant Lampiran), each with
    # its caption and the file's SHA-256, not the uploaded file's own text and fonts.
    sha = hashlib.sha256(planning["perjanjian_kinerja"]).hexdigest()
    count = len(PdfReader(io.BytesIO(planning["perjanjian_kinerja"])).pages)
    assert (
        f"Lampiran III.1 — Perjanjian Kinerja (“perjanjian_kinerja.pdf”), halaman 1 dari {count}"
        in text
    )
    reader = PdfReader(io.BytesIO(draft.document.content))
    last = reader.pages[-1]["/Resources"].get_object()["/XObject"].get_object().values()
    assert any(x.get_object()["/Subtype"] == "/Image" for x in last)
    assert sha in text
