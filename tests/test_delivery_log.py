"""Issue 15 item 4: a message noted in the delivery log (one short fsynced line right after
Telegram accepted it) is not sent again after a kill, though the store still owes it."""

from __future__ import annotations

from handlers.outbox import deliver_all_to
from storage.database import Database
from storage.deliveries import COMPACT_BYTES, DELIVERED_REL, DeliveryLog
from storage.repositories import CycleRepository
from tests.domain_factories import UNIT_CODE, full_cycle


def _owe(data_dir, chat_id: int, n: int) -> None:
    db = Database(data_dir)
    outbox = [
        {"id": f"m{i}", "chat_id": chat_id, "kind": "text", "text": f"Pesan {i}", "buttons": None}
        for i in range(n)
    ]
    CycleRepository(db).save(full_cycle(triwulan=4), outbox=outbox)
    db.close()


async def test_a_logged_message_is_struck_off_not_resent_after_a_kill(runner, people, settings):
    user = people.kasat
    _owe(settings.lkj_data_dir, user.user_id, 4)
    # Killed right after "Pesan 1" went out and its line was written, before the strike-off:
    DeliveryLog(settings.lkj_data_dir).record("m1")

    app = await runner.start()
    await deliver_all_to(app.bot, app.bot_data["services"])
    texts = [m.text for m in user.received()]
    assert texts == ["Pesan 0", "Pesan 2", "Pesan 3"]  # in order, none twice, none lost
    owed = CycleRepository(app.bot_data["services"].db).outbox(UNIT_CODE, 2026, 4)
    assert owed == []  # all struck off in one write, the logged one included
    await deliver_all_to(app.bot, app.bot_data["services"])
    assert len(user.received()) == 3


def test_the_delivery_log_survives_a_torn_line_and_is_emptied_once_settled(tmp_path):
    log = DeliveryLog(tmp_path)
    log.record("a")
    path = tmp_path / DELIVERED_REL
    with open(path, "ab") as fh:
        fh.write(b'"b')  # a kill mid-append: never a completed record
    again = DeliveryLog(tmp_path)
    assert again.was_sent("a") and not again.was_sent("b")
    assert path.read_bytes() == b'"a"\n'  # the torn tail is cut, so the next line is whole
    filler = [f"id{i:06d}" for i in range(COMPACT_BYTES // 8)]
    for entry_id in filler:
        again.record(entry_id)
    again.settled(["a"])
    assert path.stat().st_size > COMPACT_BYTES  # still ids not struck off: kept
    again.settled(filler)
    assert path.stat().st_size == 0 and not again.was_sent(filler[0])
