"""Telegram's initData, checked as Telegram documents it: every alteration, another bot's
signature, an old or future auth_date and missing fields are refused."""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qsl, urlencode

import pytest

from bot.cli import webapp_problem
from bot.settings import Settings
from webapp.auth import InitDataError, sign_init_data, validate_init_data

TOKEN = "123456:TEST-TOKEN"
NOW = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)
USER = {"id": 1004, "first_name": "Rina"}


def resign(fields: dict[str, str], token: str = TOKEN) -> str:
    """Telegram's algorithm written out independently of webapp.auth."""
    check = "\n".join(f"{k}={v}" for k, v in sorted(fields.items()))
    secret = hmac.new(b"WebAppData", token.encode(), hashlib.sha256).digest()
    digest = hmac.new(secret, check.encode(), hashlib.sha256).hexdigest()
    return urlencode({**fields, "hash": digest})


def test_a_signed_init_data_names_its_user_and_matches_telegrams_algorithm():
    data = sign_init_data(TOKEN, USER, NOW - timedelta(minutes=5))
    user = validate_init_data(data, TOKEN, NOW, 3600)
    assert user.user_id == 1004
    fields = dict(parse_qsl(data))
    fields.pop("hash")
    assert validate_init_data(resign(fields), TOKEN, NOW, 3600).user_id == 1004


def _fields() -> dict[str, str]:
    fields = dict(parse_qsl(sign_init_data(TOKEN, USER, NOW)))
    fields.pop("hash")
    return fields


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (sign_init_data("999:OTHER", USER, NOW), "tidak sah"),
        (sign_init_data(TOKEN, USER, NOW).replace("1004", "1001"), "tidak sah"),
        (sign_init_data(TOKEN, USER, NOW).rsplit("&hash=", 1)[0], "tidak sah"),
        (sign_init_data(TOKEN, USER, NOW) + "&hash=00", "tidak sah"),
        (sign_init_data(TOKEN, USER, NOW - timedelta(seconds=3601)), "kedaluwarsa"),
        (sign_init_data(TOKEN, USER, NOW + timedelta(minutes=5)), "kedaluwarsa"),
        (resign({k: v for k, v in _fields().items() if k != "user"}), "tidak lengkap"),
        (resign({**_fields(), "user": "{}"}), "tidak lengkap"),
        ("", "tidak"),
        ("%%%", "tidak"),
    ],
)
def test_forged_altered_expired_or_incomplete_init_data_is_refused(data, reason):
    with pytest.raises(InitDataError, match=reason):
        validate_init_data(data, TOKEN, NOW, 3600)


def test_an_older_init_data_passes_when_the_configured_age_allows_it():
    data = sign_init_data(TOKEN, USER, NOW - timedelta(hours=20))
    assert validate_init_data(data, TOKEN, NOW, 86400).user_id == 1004
    with pytest.raises(InitDataError):
        validate_init_data(data, TOKEN, NOW, 3600)


@pytest.mark.parametrize(
    ("url", "refused"),
    [
        ("", False),
        ("https://lkj.example.go.id/app", False),
        ("http://lkj.example.go.id/app", True),
    ],
)
def test_run_refuses_a_mini_app_address_that_is_not_https(url, refused):
    problem = webapp_problem(Settings(_env_file=None, lkj_webapp_url=url))
    assert (problem is not None) == refused
    if refused:
        assert "HTTPS" in problem
