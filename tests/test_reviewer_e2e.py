"""The read-only reviewer (Inspektorat / APIP) invited to a unit, through the emulator: status
and archive, no actions."""

from __future__ import annotations

from demo import playbook
from emulator.users import SimUser
from handlers import texts
from storage.audit import AuditLog
from tests.test_menu_e2e import expected, menus_settled
from tests.test_staff_e2e import play_to_paraf

AUDITOR = ("Dra. Lilis Suryani, M.Ak.", "197506172000032004", "Auditor Madya Inspektorat")


async def test_a_reviewer_sees_status_and_archive_and_acts_on_nothing(
    bot, emu, people, settings, clock
):
    kasubbag, kasat = people.kasubbag, people.kasat
    kasubbag.say("/undang")
    roles = await kasubbag.expect("Pilih peran")
    assert "Pereviu APIP" in roles.buttons
    code = await playbook.invite(kasubbag, "Pereviu APIP", AUDITOR)
    auditor = SimUser(emu, 6001, AUDITOR[0])
    welcome = await playbook.join(auditor, code)
    assert "Pereviu APIP" in welcome and "tidak ada tindakan" in welcome
    assert "/ekspor" in welcome  # what a reviewer may do, said on joining
    await kasubbag.expect("telah bergabung")

    # The commands everyone has (status, archive, verification) and the export of signed data.
    menus = await menus_settled(emu, [auditor.user_id])
    assert menus[auditor.user_id] == expected({"ekspor"})
    for command, refusal in (
        ("/mulai", "Kasat"),
        ("/target", "dikelola oleh Kasubbag"),
        ("/anggaran", "dikelola oleh Kasubbag"),
        ("/plh", "hanya dapat dilakukan oleh Kasat, Sekretaris atau Kasubbag"),
        ("/undang", "pengelola unit"),
        ("/tahunan", "Kasubbag"),
    ):
        auditor.say(command)
        answer = await auditor.next()
        assert refusal in answer.text and not answer.buttons, command

    # A quarter in progress: the reviewer sees where it is, with no button to act.
    await play_to_paraf(people, clock, 2)
    seen = len(auditor.received())
    auditor.say("/status")
    status = await auditor.expect("Triwulan II Tahun 2026")
    assert "tahap 6" in status.text.lower()
    await emu.settle(quiet=0.3)
    assert not [m for m in auditor.received()[seen:] if m.buttons]
    # Nor may they act on a button (a Paraf bound to the Sekretaris is refused as foreign).
    draft = await people.sekretaris.expect("diajukan oleh Kasubbag", document=True)
    paraf = next(data for row in draft.reply_markup for label, data in row if label == "Paraf")
    assert paraf is not None
    refused = await auditor.tap_raw(status, paraf)  # the token replayed from their own chat
    assert refused["text"] == texts.BUTTON_FOREIGN

    # Signed: the reviewer receives the report and finds it in the archive.
    await playbook.tap_through(people.sekretaris, "Paraf", draft)
    await playbook.sign(people)
    await kasat.expect("telah ditandatangani", document=True)
    await auditor.expect("telah ditandatangani", document=True)
    auditor.say("/arsip")
    archive = await auditor.expect("Arsip laporan yang telah ditandatangani")
    await auditor.tap("Triwulan II Tahun 2026", archive)
    copy = await auditor.expect("Arsip: laporan Triwulan II Tahun 2026", document=True)
    assert copy.document.content[:5] == b"%PDF-"

    # What was signed may be exported for the review (issue 16: /ekspor for reviewers).
    auditor.say("/ekspor")
    choice = await auditor.expect("Ekspor data kinerja")
    await auditor.tap("Triwulan II Tahun 2026", choice)
    workbook = await auditor.expect("Ekspor data kinerja", document=True)
    assert workbook.document.filename.endswith(".xlsx")
    assert workbook.document.content[:2] == b"PK"

    log = AuditLog.for_unit_year(settings.lkj_data_dir, people.unit.code, 2026)
    acts = [e for e in log.entries() if e["actor"] == auditor.user_id]
    assert [e["action"] for e in acts if e["outcome"] != "refused"] == ["undangan_diterima"]
    assert {"mulai", "paraf"} <= {e["action"] for e in acts if e["outcome"] == "refused"}
