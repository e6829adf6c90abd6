"""Inline-button data signed with the server's key, so a press needs no stored token.

Telegram hands ``callback_data`` (at most 64 bytes) back unchanged but lets a client send any
bytes it likes, so nothing in it is trusted unless it carries a valid MAC. The data holds the
action, the one user allowed to press, the day it was made, and the action's arguments (the
cycle, the group the button belongs to, a version …) packed into a few bytes:

    "s" + base64url(body + HMAC-SHA256(key, body)[:10])
    body = format(1) | action(3) | day(2) | user(varint) | fields

Each field is a one-byte tag (its name's stable number and the value's type) and a value. A
cycle is a 4-byte hash of its unit (resolved against the units the bot knows), a year and a
quarter; a group is a 6-byte hash (groups are only ever compared, when revoked). A payload
that does not fit, or holds a name or value this format cannot carry, is not signed: the
caller keeps a stored token for it instead (``None`` from :meth:`ButtonCodec.encode`).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any

from domain.models import cycle_id, parse_cycle_id

PREFIX = "s"
LIMIT = 64  # Telegram's callback_data limit, in bytes
FORMAT = 1
MAC_BYTES = 10  # 80 bits: a forger has one try per press, each refused and audited
EPOCH = date(2024, 1, 1)
GROUP_MARK = "#"  # a decoded group: "#" + the hex of its hash (see group_key)

# A field's number is part of every button already sent: append, never reorder or reuse.
FIELDS = (
    "cycle",
    "group",
    "form_id",
    "version",
    "code",
    "year",
    "tw",
    "value",
    "step",
    "member",
    "role",
    "field",
    "now",
    "item",
    "kind",
    "index",
    "name",
    "group_gen",
    "cycle_gen",
)
_FIELD_NUMBER = {name: n for n, name in enumerate(FIELDS)}
# Value types (the tag's low three bits).
_INT, _TRUE, _FALSE, _STR, _CYCLE, _GROUP, _NONE = range(7)


def _hash(value: str, size: int) -> bytes:
    return hashlib.blake2b(value.encode(), digest_size=size).digest()


def group_key(group: str) -> str:
    """The revocation key of a group, whether named in full or decoded from a button."""
    return group[1:] if group.startswith(GROUP_MARK) else _hash(group, 6).hex()


def _varint(n: int) -> bytes:
    out = bytearray()
    while True:
        byte, n = n & 0x7F, n >> 7
        out.append(byte | (0x80 if n else 0))
        if not n:
            return bytes(out)


def _zigzag(n: int) -> int:
    return n * 2 if n >= 0 else -n * 2 - 1


class _Reader:
    def __init__(self, data: bytes):
        self.data, self.at = data, 0

    def take(self, n: int) -> bytes:
        if self.at + n > len(self.data):
            raise ValueError("truncated")
        chunk = self.data[self.at : self.at + n]
        self.at += n
        return chunk

    def varint(self) -> int:
        n = shift = 0
        while True:
            byte = self.take(1)[0]
            n |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return n
            if shift > 63:
                raise ValueError("varint too long")

    def done(self) -> bool:
        return self.at == len(self.data)


class ButtonCodec:
    """Signs and reads button data. ``units`` and ``actions`` name what a hash may stand for:
    the bot's units (a cycle's unit travels as a hash) and its registered button actions."""

    def __init__(
        self,
        key: bytes,
        units: Callable[[], Iterable[str]],
        actions: Callable[[], Iterable[str]],
    ):
        if len(key) < 16:
            raise ValueError("button key too short")
        self._key = key
        self._units = units
        self._actions = actions
        self._unit_index: dict[bytes, str] = {}
        self._action_index: dict[bytes, str] = {}

    # --- writing

    def encode(self, payload: dict[str, Any], today: date) -> str | None:
        """Signed callback_data for ``payload`` (its ``action`` and ``user`` included), or
        None when it cannot be carried in 64 bytes."""
        try:
            body = self._body(payload, today)
        except (KeyError, ValueError, TypeError):
            return None
        data = PREFIX + base64.urlsafe_b64encode(body + self._mac(body)).decode().rstrip("=")
        return data if len(data) <= LIMIT else None

    def _body(self, payload: dict[str, Any], today: date) -> bytes:
        action, user = payload["action"], payload["user"]
        if not isinstance(action, str) or not isinstance(user, int) or user < 0:
            raise TypeError("action and user")
        if self._lookup(self._action_index, self._actions, _hash(action, 3), 3) != action:
            raise ValueError("action hash shared")
        out = bytearray([FORMAT])
        out += _hash(action, 3)
        out += max(0, (today - EPOCH).days).to_bytes(2, "big")
        out += _varint(user)
        for name in sorted(k for k in payload if k not in ("action", "user")):
            out += self._field(_FIELD_NUMBER[name], name, payload[name])
        return bytes(out)

    def _field(self, number: int, name: str, value: Any) -> bytes:
        tag = number << 3
        if value is None:
            return bytes([tag | _NONE])
        if isinstance(value, bool):
            return bytes([tag | (_TRUE if value else _FALSE)])
        if isinstance(value, int):
            return bytes([tag | _INT]) + _varint(_zigzag(value))
        if not isinstance(value, str):
            raise TypeError(name)
        if name == "group":
            return bytes([tag | _GROUP]) + bytes.fromhex(group_key(value))
        if name == "cycle":
            unit, year, triwulan = parse_cycle_id(value)
            digest = _hash(unit, 4)
            known = self._lookup(self._unit_index, self._units, digest, 4) == unit
            if known and cycle_id(unit, year, triwulan) == value and 0 <= year - 2000 < 256:
                return bytes([tag | _CYCLE, year - 2000, triwulan]) + digest
        raw = value.encode()
        return bytes([tag | _STR]) + _varint(len(raw)) + raw

    def _mac(self, body: bytes) -> bytes:
        return hmac.new(self._key, b"lkj-button\0" + body, hashlib.sha256).digest()[:MAC_BYTES]

    # --- reading

    def decode(self, data: str) -> tuple[dict[str, Any], date] | None:
        """The payload and the day it was made, or None for data this server did not sign
        (forged, altered, cut, or signed with another key)."""
        if not data.startswith(PREFIX):
            return None
        text = data[len(PREFIX) :]
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
        except (ValueError, TypeError):
            return None
        body, mac = raw[:-MAC_BYTES], raw[-MAC_BYTES:]
        if len(raw) <= MAC_BYTES or not hmac.compare_digest(mac, self._mac(body)):
            return None
        try:
            return self._read(body)
        except (ValueError, KeyError, IndexError, UnicodeDecodeError):
            return None

    def _read(self, body: bytes) -> tuple[dict[str, Any], date] | None:
        reader = _Reader(body)
        if reader.take(1)[0] != FORMAT:
            return None
        action = self._lookup(self._action_index, self._actions, reader.take(3), 3)
        day = EPOCH.fromordinal(EPOCH.toordinal() + int.from_bytes(reader.take(2), "big"))
        payload: dict[str, Any] = {"action": action, "user": reader.varint()}
        while not reader.done():
            tag = reader.take(1)[0]
            name, kind = FIELDS[tag >> 3], tag & 7
            payload[name] = self._value(reader, kind)
        return payload, day

    def _value(self, reader: _Reader, kind: int) -> Any:
        if kind == _NONE:
            return None
        if kind in (_TRUE, _FALSE):
            return kind == _TRUE
        if kind == _INT:
            n = reader.varint()
            return n // 2 if n % 2 == 0 else -(n + 1) // 2
        if kind == _GROUP:
            return GROUP_MARK + reader.take(6).hex()
        if kind == _CYCLE:
            year, triwulan = 2000 + reader.take(1)[0], reader.take(1)[0]
            unit = self._lookup(self._unit_index, self._units, reader.take(4), 4)
            return cycle_id(unit, year, triwulan)
        if kind == _STR:
            return reader.take(reader.varint()).decode()
        raise ValueError(f"unknown value type {kind}")

    @staticmethod
    def _lookup(
        index: dict[bytes, str], names: Callable[[], Iterable[str]], digest: bytes, size: int
    ) -> str:
        """The name a hash stands for; the index is rebuilt when a name is new (a unit
        created in chat). A hash of nothing known (a unit removed) is a KeyError."""
        if digest not in index:
            index.clear()
            for name in names():
                index.setdefault(_hash(name, size), name)  # a shared hash: the first wins
        return index[digest]
