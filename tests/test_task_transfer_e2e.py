"""Alihkan tugas through the emulator: a Tim Kerja member transferred mid-quarter, after the
division, hands their indicators to a colleague (moved by whoever holds the division in the
SOP table); the colleague reports them, the quarter completes and is signed, the member
leaves, and the history and the audit keep the move. Nothing the member reported is lost."""

from __future__ import annotations

import re

from demo import playbook
from demo.playbook import SAMPLES
from documents.sample_workbooks import sample_targets_workbook
from domain.samples import sample_indicators, sample_realisations
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import CycleRepository
from tests.test_menu_e2e import menus_settled
from tests.test_standins_e2e import appoint, arrived

#: A full stop doubled after a name ending in one ("S.Sos..", "A.Md..")
DOUBLED_STOP = re.compile(r"[^.]\.\.(?!\.)")


async def report(member, code: str, values) -> None:
    r = values[code]
    value = f"{r.value:.2f}".replace(".", ",")
    await playbook.report_typed(member, code, value, r.kendala, r.tindak_lanjut)
    await playbook.evidence(member, code, f"bukti_{code}.pdf", SAMPLES.rencana_aksi)


async def test_a_member_transferred_mid_quarter_hands_over_their_indicators(
    bot, emu, people, settings, clock
):
    kasubbag = people.kasubbag
    leaving, staying = people.team
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    codes = [i.code for i in sample_indicators()]
    plan = playbook.split_indicators(codes, 2)
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)
    values = {r.code: r for r in sample_realisations(3)}
    # The member reports one indicator before the transfer; the colleague all of theirs.
    reported_before = plan[0][0]
    await report(leaving, reported_before, values)
    for code in plan[1]:
        await report(staying, code, values)

    # Transferred: removal is refused while they hold indicators, pointing to Alihkan tugas.
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    assert "Alihkan tugas:" in listing.text
    assert f"Alihkan tugas {staying.name}" in listing.buttons
    await kasubbag.tap(f"Keluarkan {leaving.name}", listing)
    refused = await kasubbag.expect("masih memegang tugas")
    assert "Alihkan tugas" in refused.text

    # A member may not move tasks: /mutasi is not theirs.
    staying.say("/mutasi")
    await staying.expect("hanya dapat dilakukan oleh pengelola unit")

    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Alihkan tugas {leaving.name}", listing)
    pick = await kasubbag.expect(f"Alihkan tugas {leaving.name}")
    assert all(code in pick.text for code in plan[0])
    assert pick.buttons == [f"Kepada {staying.name}", "Ambil alih sendiri"]
    mark_leaving = len(leaving.received())
    await kasubbag.tap(f"Kepada {staying.name}", pick)
    done = await kasubbag.expect("telah dialihkan kepada")
    assert "Triwulan III Tahun 2026" in done.text and all(c in done.text for c in plan[0])

    # The new holder gets the task note: the indicators, what is already reported, the
    # deadline, and an Isi button for each one still open.
    told = await staying.expect("Pengalihan Tugas")
    assert leaving.name in told.text and "Batas waktu" in told.text
    assert all(code in told.text for code in plan[0])
    open_codes = [c for c in plan[0] if c != reported_before]
    assert sorted(told.buttons) == sorted(f"Isi {c}" for c in open_codes)
    # The old holder is told they are relieved; their old buttons no longer work.
    relieved = await leaving.expect("dialihkan oleh")
    assert staying.name in relieved.text and kasubbag.name in relieved.text
    assert "Tugas Anda pada Triwulan III Tahun 2026" in relieved.text
    old_task = next(
        m for m in leaving.received()[:mark_leaving] if f"Isi {open_codes[0]}" in m.buttons
    )
    answer = await leaving.tap(f"Isi {open_codes[0]}", old_task)
    assert "tidak" in answer["text"]

    # The new holder reports them; the quarter completes, is made, initialled and signed.
    for code in open_codes:
        await report(staying, code, values)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    await playbook.sign(people)
    await kasubbag.expect("Triwulan III Tahun 2026 telah ditandatangani", document=True)

    # Now the member leaves.
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    assert not [b for b in listing.buttons if b.startswith("Alihkan tugas")]
    await kasubbag.tap(f"Keluarkan {leaving.name}", listing)
    await kasubbag.tap("Ya, keluarkan", await kasubbag.expect("Aksesnya berakhir seketika"))
    await kasubbag.expect(f"{leaving.name} telah dikeluarkan")

    # Nothing reported was lost: the indicator reported before the move keeps its value
    # and its reporter; the history and the audit keep the move.
    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    assert cycle.filed and cycle.assignment_of(leaving.user_id) is None
    mine = cycle.assignment_of(staying.user_id)
    assert mine is not None and sorted(i.code for i in mine.items) == sorted(codes)
    kept = next(i for i in mine.items if i.code == reported_before)
    assert kept.realisation is not None and kept.realisation.reported_by == leaving.user_id
    assert kept.files
    moves = [h for h in cycle.history if h.action == "alihkan_tugas"]
    assert len(moves) == 1 and moves[0].actor == kasubbag.user_id
    assert leaving.name in moves[0].detail and staying.name in moves[0].detail
    log = AuditLog.for_unit_year(settings.lkj_data_dir, people.unit.code, 2026)
    audited = [e for e in log.entries() if e["action"] == "alihkan_tugas"]
    assert len(audited) == 1 and audited[0]["actor"] == kasubbag.user_id
    assert audited[0]["cycle"] == "satpolpp-bdg:2026:3"
    assert all(code in str(audited[0]["detail"]) for code in plan[0])

    # Names ending in a full stop ("S.Sos.", "A.Md.") never get a second one.
    for user in people.officials:
        doubled = [m.text for m in user.received() if DOUBLED_STOP.search(m.text)]
        assert not doubled, doubled


async def test_the_plh_of_the_division_holder_moves_tasks_and_the_holder_does_not(
    bot, emu, people, settings, clock
):
    """Who moves tasks is read from the SOP table and the stand-ins: a member appointed Plh.
    Kasubbag gets /mutasi in their menu and only the Alihkan tugas buttons; the Kasubbag,
    represented meanwhile, keeps the administrator's buttons but not these."""
    kasubbag = people.kasubbag
    first, second = people.team
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await appoint(
        kasubbag,
        f"Tunjuk Plh. Kasubbag ({kasubbag.name})",
        f"{second.name} (Tim Kerja)",
        "Senin, 5 Oktober 2026",
        "05-10-2026",
    )
    await kasubbag.tap("Kirim")
    await kasubbag.expect("ditunjuk sebagai")
    menus = await menus_settled(emu, [second.user_id])
    assert "mutasi" in menus[second.user_id]

    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    assert f"Keluarkan {first.name}" in listing.buttons
    assert not [b for b in listing.buttons if b.startswith("Alihkan tugas")]

    mark = len(second.received())
    second.say("/mutasi")
    listing = await arrived(second, mark, "Mutasi pegawai")
    assert sorted(listing.buttons) == sorted(
        [f"Alihkan tugas {first.name}", f"Alihkan tugas {second.name}"]
    )
    await second.tap(f"Alihkan tugas {first.name}", listing)
    pick = await arrived(second, mark, "Pilih anggota yang menerima")
    assert pick.buttons == [f"Kepada {second.name}"]
    await second.tap(f"Kepada {second.name}", pick)
    await arrived(second, mark, "Pengalihan Tugas")
    await first.expect("dialihkan oleh")
    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    assert [a.member_id for a in cycle.assignments] == [second.user_id]
    assert len(cycle.assignments[0].items) == sum(len(t) for t in playbook.TASKS)


async def test_the_division_holder_takes_a_members_indicators_themselves(
    bot, emu, people, settings
):
    """ "moves a member's open indicators to another member or takes them": the Kasubbag
    takes them (the default table separates nothing from the collection), reports them, and
    the quarter completes; the move names the Kasubbag as the receiver."""
    kasubbag = people.kasubbag
    leaving, staying = people.team
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    codes = [i.code for i in sample_indicators()]
    plan = playbook.split_indicators(codes, 2)
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)
    values = {r.code: r for r in sample_realisations(3)}
    for code in plan[1]:
        await report(staying, code, values)

    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Alihkan tugas {leaving.name}", listing)
    pick = await kasubbag.expect(f"Alihkan tugas {leaving.name}")
    await kasubbag.tap("Ambil alih sendiri", pick)
    done = await kasubbag.expect("telah dialihkan kepada")
    assert kasubbag.name in done.text
    task = await kasubbag.expect("Pengalihan Tugas")
    assert sorted(task.buttons) == sorted(f"Isi {c}" for c in plan[0])
    await leaving.expect("dialihkan oleh")

    for code in plan[0]:  # the Kasubbag reports them as any member would
        await report(kasubbag, code, values)
    await kasubbag.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    await playbook.sign(people)
    await kasubbag.expect("Triwulan III Tahun 2026 telah ditandatangani", document=True)

    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    mine = cycle.assignment_of(kasubbag.user_id)
    assert mine is not None and sorted(i.code for i in mine.items) == sorted(plan[0])
    assert all(i.realisation.reported_by == kasubbag.user_id for i in mine.items)
    move = next(h for h in cycle.history if h.action == "alihkan_tugas")
    assert [o.user_id for o in move.to] == [kasubbag.user_id]
