"""The durable update inbox and the delivery log in PostgreSQL, shared by every worker.

Same interfaces as ``storage/inbox.py`` and ``storage/deliveries.py``; what changes is that
several bot processes use them at once:

* An update is a row keyed by its ``update_id``: the first worker to receive it inserts it
  (``ON CONFLICT DO NOTHING``) and handles it; the same update delivered again, to any
  worker, is dropped. The row names the worker that holds it (its connection's server process
  id). An update whose worker died before marking it done (its connection is gone from
  ``pg_stat_activity``) is taken over: by the worker it is delivered to again, or by any
  worker's next tick (:meth:`PgUpdateInbox.take_pending`).
* A sent owed message is a row keyed by its entry id, committed right after Telegram accepted
  it, so a worker that takes over a dead worker's outbox skips what was sent.
"""

from __future__ import annotations

from typing import Any

from psycopg.types.json import Json

from storage.pg import PgStore

DEAD = "worker NOT IN (SELECT pid FROM pg_stat_activity WHERE pid IS NOT NULL)"
KEEP_DONE = "2 days"  # Telegram redelivers only recent updates


class PgUpdateInbox:
    def __init__(self, store: PgStore):
        self.store = store
        self.replayed: set[int] = set()
        self._finished = 0

    def known(self, update_id: int) -> bool:
        row = self.store.execute(
            "SELECT 1 FROM lkj_inbox WHERE update_id = %s", (update_id,)
        ).fetchone()
        return row is not None

    def handled(self, update_id: int) -> bool:
        """Not waiting to be handled by any worker (done, or too old to be remembered)."""
        row = self.store.execute(
            "SELECT 1 FROM lkj_inbox WHERE update_id = %s AND done_at IS NULL", (update_id,)
        ).fetchone()
        return row is None

    def receive(self, update_id: int, update: dict[str, Any]) -> bool:
        """Keep a received update; False if another worker has it or had it (drop it).
        An update left pending by a dead worker is taken over and handled here."""
        row = self.store.execute(
            "INSERT INTO lkj_inbox (update_id, body, worker) "
            "VALUES (%s, %s, pg_backend_pid()) "
            "ON CONFLICT (update_id) DO UPDATE SET worker = excluded.worker "
            f"WHERE lkj_inbox.done_at IS NULL AND lkj_inbox.{DEAD} "
            "RETURNING (xmax = 0) AS inserted",
            (update_id, Json(update)),
        ).fetchone()
        if row is None:
            return False
        if not row[0]:  # taken over from a dead worker: its effect may be saved already
            self.replayed.add(update_id)
        return True

    def finish(self, update_id: int) -> None:
        self.store.execute(
            "UPDATE lkj_inbox SET done_at = now() WHERE update_id = %s AND done_at IS NULL",
            (update_id,),
        )
        self._finished += 1
        if self._finished % 500 == 0:
            self.store.execute(
                f"DELETE FROM lkj_inbox WHERE done_at < now() - interval '{KEEP_DONE}'"
            )

    def take_pending(self) -> list[dict[str, Any]]:
        """Updates received by a worker that died before handling them (at start-up: also
        this deployment's last run), now held by this worker, oldest first."""
        rows = self.store.execute(
            "UPDATE lkj_inbox SET worker = pg_backend_pid() "
            f"WHERE done_at IS NULL AND {DEAD} RETURNING update_id, body"
        ).fetchall()
        rows.sort(key=lambda r: r[0])
        self.replayed.update(int(r[0]) for r in rows)
        return [r[1] for r in rows]

    def close(self) -> None:
        pass


class PgDeliveryLog:
    def __init__(self, store: PgStore):
        self.store = store

    def was_sent(self, entry_id: str) -> bool:
        row = self.store.execute(
            "SELECT 1 FROM lkj_delivered WHERE entry_id = %s", (entry_id,)
        ).fetchone()
        return row is not None

    def record(self, entry_id: str) -> None:
        """Note, committed at once, that the owed entry ``entry_id`` took effect."""
        self.store.execute(
            "INSERT INTO lkj_delivered (entry_id) VALUES (%s) ON CONFLICT DO NOTHING",
            (entry_id,),
        )

    def settled(self, entry_ids: list[str]) -> None:
        """These ids are struck off the store now: forget them."""
        if entry_ids:
            self.store.execute(
                "DELETE FROM lkj_delivered WHERE entry_id = ANY(%s)", (list(entry_ids),)
            )

    def close(self) -> None:
        pass
