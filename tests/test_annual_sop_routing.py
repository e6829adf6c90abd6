"""The annual LKj follows the unit's own SOP table through the one approval flow: with steps 5
and 8 given to the Sekretaris, the Sekretaris compiles and submits it, the holder of the paraf
step initials it, the Kasat returns it once to its maker and then signs it, and every text
names the roles the table gives."""

from __future__ import annotations

from demo import playbook
from domain.annual import SIGNED
from domain.roster import load_roster
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import AnnualRepository, CycleRepository
from tests.test_annual_e2e import pdf_text
from tests.test_annual_report import filed_quarter
from tests.test_sop_routing import roster_path  # noqa: F401 (the unit with its own table)


async def test_the_annual_lkj_follows_the_units_own_table(bot, emu, people, settings, roster_path):  # noqa: F811
    unit = load_roster(roster_path).units[0]
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    assert people.holder("pendokumentasian") is sekretaris
    cycles = CycleRepository(Database(settings.lkj_data_dir))
    for tw in (1, 2, 3, 4):
        cycles.save(filed_quarter(tw))

    # The Kasubbag is told whose it is; the Sekretaris is shown who initials and who signs.
    kasubbag.say("/tahunan")
    assert "disusun oleh Sekretaris" in (await kasubbag.expect("Laporan kinerja tahunan")).text
    sekretaris.say("/tahunan")
    intro = await sekretaris.expect("Laporan Kinerja (LKj) tahunan")
    assert "diparaf Sekretaris dan ditandatangani Kasat" in intro.text
    await sekretaris.tap("Susun LKj 2026", intro)
    draft = await sekretaris.expect("Draf LKj tahun 2026 (versi 1)", document=True)
    assert draft.buttons == ["Ajukan ke Sekretaris"]
    await sekretaris.tap("Ajukan ke Sekretaris", draft)

    # The Sekretaris submitted to themselves, as the holder of the paraf step.
    done = await sekretaris.expect("telah diajukan kepada")
    assert f"{sekretaris.name} (Sekretaris)" in done.text
    review = await sekretaris.expect("diajukan oleh Sekretaris", document=True)
    assert review.buttons == ["Paraf", "Kembalikan"]
    # Answered before the initialled LKj renders; the outcome edits the progress note.
    assert await playbook.tap_through(sekretaris, "Paraf", review) == "Paraf dicatat."

    # The Kasat returns it: it goes back to its maker, the Sekretaris, not to the Kasubbag.
    initialled = await kasat.expect("telah dikoreksi dan diparaf", document=True)
    assert sekretaris.name in initialled.text
    await kasat.tap("Kembalikan", initialled)
    await kasat.expect("alasan pengembalian")
    kasat.say("Tambahkan analisis efisiensi anggaran.")
    await kasat.tap("Kirim", await kasat.expect("Mohon periksa kembali"))
    assert f"{sekretaris.name} (Sekretaris)" in (await kasat.expect("dikembalikan kepada")).text
    back = await sekretaris.expect("dikembalikan untuk perbaikan")
    assert "(Kasat)" in back.text and "Tambahkan analisis efisiensi anggaran." in back.text
    assert back.buttons == ["Susun ulang draf laporan"]
    await sekretaris.tap("Susun ulang draf laporan", back)
    draft2 = await sekretaris.expect("(versi 2)", document=True)
    await sekretaris.tap("Ajukan ke Sekretaris", draft2)
    review2 = await sekretaris.expect("diajukan oleh Sekretaris", document=True)
    await sekretaris.tap("Paraf", review2)
    initialled2 = await kasat.expect("telah dikoreksi dan diparaf", document=True)
    await kasat.tap("Tandatangani", initialled2)
    # Answered before the signed LKj renders: wait for the outcome (delivery and audit done).
    await playbook.tap_through(kasat, "Ya, tandatangani", initialled2)

    signed = await kasubbag.expect("Laporan Kinerja tahun 2026 telah ditandatangani", document=True)
    text = pdf_text(signed.document.content)
    assert "Paraf Sekretaris" in text and sekretaris.name in text and kasat.name in text
    assert "Tambahkan analisis efisiensi anggaran." in text
    # The Kasubbag held no step of it: no button of the annual flow ever reached them.
    flow_buttons = ("Ajukan", "Paraf", "Kembalikan", "Tandatangani", "Susun")
    assert not [b for m in kasubbag.received() for b in m.buttons if b.startswith(flow_buttons)]

    report = AnnualRepository(Database(settings.lkj_data_dir)).get(unit.code, 2026)
    assert report.status == SIGNED
    assert [(d.kind, d.by, d.step) for d in report.decisions] == [
        ("paraf", sekretaris.user_id, 6),
        ("return", kasat.user_id, 7),
        ("paraf", sekretaris.user_id, 6),
        ("sign", kasat.user_id, 7),
    ]
    log = AuditLog.for_unit_year(settings.lkj_data_dir, unit.code, 2026)
    by_action = [
        (e["action"], e["actor"])
        for e in log.entries()
        if e["outcome"] == "accepted" and "tahunan" in e["action"]
    ]
    assert by_action == [
        ("susun_lkj_tahunan", sekretaris.user_id),
        ("ajukan_lkj_tahunan", sekretaris.user_id),
        ("paraf_lkj_tahunan", sekretaris.user_id),
        ("kembalikan_lkj_tahunan", kasat.user_id),
        ("susun_lkj_tahunan", sekretaris.user_id),
        ("ajukan_lkj_tahunan", sekretaris.user_id),
        ("paraf_lkj_tahunan", sekretaris.user_id),
        ("tandatangan_lkj_tahunan", kasat.user_id),
    ]
