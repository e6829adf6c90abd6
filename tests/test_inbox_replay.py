"""Issue 15 item 7 with the update log: an update replayed from the inbox after a kill that
came after its handling (its "done" line lost) is not applied, audited or answered twice when
it changed state; a refusal is not logged twice (its answer is given again)."""

from __future__ import annotations

import json

from bot.inbox import replay
from demo import playbook
from storage.database import Database
from storage.inbox import INBOX_REL
from storage.repositories import CycleRepository


def _forget_done(data_dir, update_ids: set[int]) -> None:
    """As if killed after handling these updates, before their "done" lines were written."""
    path = data_dir / INBOX_REL
    kept = [
        line
        for line in path.read_bytes().split(b"\n")[:-1]
        if json.loads(line).get("d") not in update_ids
    ]
    path.write_bytes(b"".join(line + b"\n" for line in kept))


def _update_ids(emu, user_id: int) -> list[int]:
    return [u["update_id"] for u in emu.world.history if _sender(u) == user_id]


def _sender(update: dict) -> int | None:
    body = update.get("message") or update.get("callback_query") or {}
    return (body.get("from") or {}).get("id")


async def test_replayed_updates_are_not_applied_twice(runner, emu, people, settings):
    await runner.start()
    member = people.team[0]
    member.say("/mulai")  # refused: not the Kasat's
    await member.expect()
    await playbook.start_cycle(people, 3, 2026)
    await people.sekretaris.wait_button("Teruskan ke Kasubbag")
    await emu.settle(quiet=0.3)
    await runner.stop()

    replayed = set(_update_ids(emu, people.kasat.user_id)[-1:]) | set(
        _update_ids(emu, member.user_id)
    )
    _forget_done(settings.lkj_data_dir, replayed)
    app = await runner.start()
    services = app.bot_data["services"]
    refusals_before = [
        e for e in services.audit.log("satpolpp-bdg", 2026).entries() if e["outcome"] == "refused"
    ]
    received_before = {p.user_id: len(p.received()) for p in people.officials}
    assert replay(app, services) == len(replayed)
    await emu.settle(quiet=0.5)

    cycle = CycleRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026, 3)
    assert [h.action for h in cycle.history].count("mulai_siklus") == 1 and cycle.step == 2
    refusals = [
        e for e in services.audit.log("satpolpp-bdg", 2026).entries() if e["outcome"] == "refused"
    ]
    assert refusals == refusals_before  # the refusal is on record once
    for person in people.officials:  # the Kirim's messages are not sent again
        if person is not member:
            assert len(person.received()) == received_before[person.user_id]
    # What holds only so far: the refused command's answer is given again (it saved nothing).
    assert len(member.received()) == received_before[member.user_id] + 1
    assert not services.inbox.pending  # both marked done now
