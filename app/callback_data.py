"""What a button's callback_data says, and taking buttons back.

Most buttons are signed (app/button_codec.py): sending them stores nothing, and a press is
checked by its MAC, its age, and the generation of its group and cycle (how often each was
revoked, storage/revocations.py) against the one it was made under. A payload too large for
64 bytes (a file reference) keeps the older way: an opaque ``b:<token>`` whose meaning is
stored (storage ButtonRepository) and deleted when its group or cycle is revoked.

A press is spent only with its effect. Buttons that a state change takes back (the offer acted
on, a filed quarter's) are not revoked before the change is stored: the change owes their
revocation (:meth:`CallbackData.owe`, an entry of its outbox), saved in the same write as the
state (one atomic file write, or one PostgreSQL transaction), and applied right after it
(:meth:`CallbackData.settle_owed`; after a kill, by the next delivery of that outbox, by any
worker). If the write fails, nothing was revoked: the button still works and the user is told
to press it again. Applying an owed revocation twice changes nothing (the journal lines carry
the entry's id). Until it is applied (only after a kill in the instant between the write and
the append) a press of the spent button reaches the action, which finds the state moved on
and says so; it is never answered "sudah diproses" for an effect that was not stored.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from app.button_codec import GROUP_MARK, PREFIX, ButtonCodec, group_key
from storage.repositories import ButtonRepository
from storage.revocations import Revocations

STORED = "b:"


class CallbackData:
    MAX_AGE = timedelta(days=120)  # an older signed button is stale; /status gives a fresh one

    def __init__(
        self,
        codec: ButtonCodec,
        revoked: Revocations,
        stored: ButtonRepository,
        today: Callable[[], date],
    ):
        self.codec = codec
        self.revoked = revoked
        self.stored = stored
        self.today = today

    def issue_many(self, payloads: list[dict[str, Any]]) -> list[str]:
        """callback_data for each payload (each names its ``action`` and its ``user``)."""
        today = self.today()
        keys = [key for p in payloads for key in self._keys(p).values()]
        current = self.revoked.generations(list(dict.fromkeys(keys))) if keys else {}
        signed = [self.codec.encode(self._with_generations(p, current), today) for p in payloads]
        large = [
            {**p, "gk": group_key(p["group"])} if p.get("group") else p
            for p, data in zip(payloads, signed, strict=True)
            if data is None
        ]
        tokens = iter(self.stored.issue_many(large))
        return [data if data is not None else STORED + next(tokens) for data in signed]

    @staticmethod
    def _keys(payload: dict[str, Any]) -> dict[str, str]:
        """The revocation keys a payload's button is checked against, by generation field."""
        group, cycle = payload.get("group"), payload.get("cycle")
        keys = {}
        if group:
            keys["group_gen"] = f"g:{group_key(group)}"
        if cycle:
            keys["cycle_gen"] = f"c:{cycle}"
        return keys

    def _with_generations(self, payload: dict[str, Any], current: dict[str, int]):
        """The payload with the current generation of each of its keys (one lookup for a
        whole keyboard, :meth:`issue_many`)."""
        return {**payload, **{f: current[key] for f, key in self._keys(payload).items()}}

    def resolve(self, data: str) -> dict[str, Any] | None:
        """The payload of a press, or None when it is forged, unknown, taken back or too old."""
        if data.startswith(STORED):
            payload = self.stored.get(data[len(STORED) :])
            if payload is not None:
                payload.pop("gk", None)
            return payload
        decoded = self.codec.decode(data) if data.startswith(PREFIX) else None
        if decoded is None:
            return None
        payload, made = decoded
        if self.today() - made > self.MAX_AGE or self._taken_back(payload):
            return None
        return payload

    def looks_issued(self, data: str) -> bool:
        """Data shaped like a button of this bot (a refused press is then stale, not unknown)."""
        return data.startswith((STORED, PREFIX))

    def _taken_back(self, payload: dict[str, Any]) -> bool:
        """Revoked since it was made (the generations it carries are not current); the
        generations are taken out of the payload the action sees."""
        made = {"group_gen": payload.pop("group_gen", 0), "cycle_gen": payload.pop("cycle_gen", 0)}
        keys = self._keys(payload)
        current = self.revoked.generations(list(keys.values())) if keys else {}
        return any(made[field] != current[key] for field, key in keys.items())

    # The kind of an outbox entry that owes revocations (see the module's docstring).
    OWED = "revoke"

    def owe(self, groups: list[str], cycles: list[str]) -> dict[str, Any]:
        """The outbox entry owing the revocation of ``groups`` and ``cycles``, to be saved
        with the state change that spends them and applied by :meth:`settle_owed`."""
        return {
            "id": secrets.token_hex(8),
            "kind": self.OWED,
            "chat_id": 0,
            "groups": list(dict.fromkeys(groups)),
            "cycles": list(dict.fromkeys(cycles)),
            "day": self.today().isoformat(),
        }

    def settle_owed(self, entry: dict[str, Any]) -> None:
        """Apply an owed revocation (again: a no-op for what it already applied)."""
        day = date.fromisoformat(entry["day"])
        for group in entry.get("groups", ()):
            self.revoke_group(group, day, once=entry["id"])
        for cycle in entry.get("cycles", ()):
            self.revoke_cycle(cycle, day, once=entry["id"])

    def revoke_group(self, group: str, day: date | None = None, once: str | None = None) -> None:
        """Take back every button of ``group`` (an offer acted on, a form ended)."""
        key = group_key(group)
        self.revoked.add(f"g:{key}", day or self.today(), once)
        self.stored.revoke_matching("gk", key)
        if not group.startswith(GROUP_MARK):  # tokens stored before groups had keys
            self.stored.revoke_group(group)
        self._compact_if_due()

    def revoke_cycle(self, cycle_key: str, day: date | None = None, once: str | None = None):
        """Take back every button of a filed cycle."""
        self.revoked.add(f"c:{cycle_key}", day or self.today(), once)
        self.stored.revoke_cycle(cycle_key)
        self._compact_if_due()

    def _compact_if_due(self) -> None:
        if self.revoked.due_for_compaction:
            self.revoked.compact(self.today() - self.MAX_AGE)
