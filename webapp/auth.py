"""Telegram Mini App ``initData``: validated as Telegram documents it, signed the same way
for the tests and the demo.

Telegram hands the page a query string (``query_id``, ``user``, ``auth_date``, …, ``hash``).
The data-check string is every field but ``hash``, sorted by key, as ``key=value`` lines; the
secret key is HMAC-SHA-256 of the bot token under the key ``"WebAppData"``; ``hash`` is the
hex HMAC-SHA-256 of the data-check string under that secret key. Only the bot (and Telegram)
can produce it, so a valid ``hash`` proves who opened the page; ``auth_date`` bounds its age.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, urlencode

from handlers import texts

FUTURE_SLACK_S = 60  # clocks differ a little; a date further ahead is not Telegram's


class InitDataError(Exception):
    """initData that does not prove who opened the page; the message is for the user."""


@dataclass(frozen=True)
class WebAppUser:
    user_id: int
    auth_date: datetime


def _secret(token: str) -> bytes:
    return hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()


def _check_string(fields: dict[str, str]) -> str:
    return "\n".join(f"{k}={fields[k]}" for k in sorted(fields))


def validate_init_data(init_data: str, token: str, now: datetime, max_age_s: int) -> WebAppUser:
    """The Telegram user behind ``init_data``; raises InitDataError when it is forged,
    altered, expired or incomplete."""
    try:
        pairs = parse_qsl(init_data, keep_blank_values=True, strict_parsing=True)
    except ValueError as exc:
        raise InitDataError(texts.WEBAPP_AUTH_UNREADABLE) from exc
    fields = dict(pairs)
    if len(fields) != len(pairs):
        raise InitDataError(texts.WEBAPP_AUTH_INVALID)
    received = fields.pop("hash", "")
    expected = hmac.new(_secret(token), _check_string(fields).encode(), hashlib.sha256)
    if not received or not hmac.compare_digest(expected.hexdigest(), received):
        raise InitDataError(texts.WEBAPP_AUTH_INVALID)
    try:
        auth_date = int(fields["auth_date"])
        user_id = int(json.loads(fields["user"])["id"])
    except (KeyError, ValueError, TypeError) as exc:
        raise InitDataError(texts.WEBAPP_AUTH_INCOMPLETE) from exc
    age = now.timestamp() - auth_date
    if age > max_age_s or age < -FUTURE_SLACK_S:
        raise InitDataError(texts.WEBAPP_SESSION_EXPIRED)
    return WebAppUser(user_id, datetime.fromtimestamp(auth_date, now.tzinfo))


def sign_init_data(token: str, user: dict, auth_date: datetime, query_id: str = "AAH") -> str:
    """initData exactly as Telegram would hand it to the page (for the tests and the demo)."""
    fields = {
        "query_id": query_id,
        "user": json.dumps(user, separators=(",", ":"), ensure_ascii=False),
        "auth_date": str(int(auth_date.timestamp())),
    }
    digest = hmac.new(_secret(token), _check_string(fields).encode(), hashlib.sha256)
    return urlencode({**fields, "hash": digest.hexdigest()})
