"""Evaluator invitations without Telegram (``app.evaluators``), on the files and on
PostgreSQL: who may invite, one-time use, revocation, a unit's member refused, and the
evaluator kept in the stored roster across a restart."""

from __future__ import annotations

import pytest

from app.evaluators import (
    accept_evaluator_invitation,
    create_evaluator_invitation,
    evaluator_invitations,
    revoke_evaluator_invitation,
)
from bot.services import build_services
from bot.settings import Settings
from domain.errors import InputError, RoleError
from domain.invitations import ACTIVE, REVOKED, USED
from tests.test_app_pemda import DEMO_ROSTER, EXTRA

DETAILS = ("Ir. Bambang Wibisono", "197001011995031001", "Kepala Bidang Evaluasi")


@pytest.fixture
def store_url(database_url: str | None) -> str | None:
    return database_url


@pytest.fixture
def settings(tmp_path, store_url) -> Settings:
    roster = tmp_path / "roster.toml"
    roster.write_text(DEMO_ROSTER.read_text(encoding="utf-8") + EXTRA, encoding="utf-8")
    return Settings(
        _env_file=None,
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster,
        lkj_database_url=store_url or "",
    )


@pytest.fixture
def services(settings, clock):
    built = build_services(settings, clock=clock)
    yield built
    built.db.close()


def test_who_may_invite_and_a_link_used_once_survives_a_restart(services, settings, clock):
    # The roster's evaluator 9001 administers Kota Bandung (tests/test_app_pemda.py's EXTRA).
    with pytest.raises(RoleError):  # a unit's member is no inviter
        create_evaluator_invitation(services, "kota-bandung", "bappeda", 1003, operator=False)
    with pytest.raises(RoleError):  # an administrator invites for their own pemda only
        create_evaluator_invitation(services, "kabupaten-kendal", "bappeda", 9001, operator=False)
    with pytest.raises(RoleError):  # and makes no administrators
        create_evaluator_invitation(
            services, "kota-bandung", "bappeda", 9001, operator=False, admin=True
        )
    with pytest.raises(InputError):
        create_evaluator_invitation(services, "kota-bandung", "bpk", 0, operator=True)
    with pytest.raises(InputError):
        create_evaluator_invitation(services, "kota-bogor", "bappeda", 0, operator=True)
    invitation = create_evaluator_invitation(
        services, "kota-bandung", "bappeda", 9001, operator=False
    )
    assert invitation.state(clock()) == ACTIVE and not invitation.admin

    # A unit's member cannot take it; nothing is used up or stored.
    with pytest.raises(RoleError, match="Anggota unit kerja"):
        accept_evaluator_invitation(services, invitation.code, 1004, DETAILS, None)
    with pytest.raises(InputError, match="NIP"):
        accept_evaluator_invitation(services, invitation.code, 9100, ("Nama", "123", "X"), None)
    assert services.evaluator_invitations.get(invitation.code).used_by is None
    evaluator = accept_evaluator_invitation(services, invitation.code, 9100, DETAILS, None)
    assert (evaluator.pemda, evaluator.body, evaluator.name) == (
        "kota-bandung",
        "bappeda",
        DETAILS[0],
    )
    with pytest.raises(InputError, match="sudah dipakai"):
        accept_evaluator_invitation(services, invitation.code, 9101, DETAILS, None)
    with pytest.raises(InputError):  # a used code cannot be revoked either
        revoke_evaluator_invitation(services, invitation.code, 0, operator=True, update_id=None)

    other = create_evaluator_invitation(services, "kota-bandung", "inspektorat", 0, operator=True)
    revoked = revoke_evaluator_invitation(
        services, other.code, 9001, operator=False, update_id=None
    )
    assert revoked is not None and revoked.state(clock()) == REVOKED
    with pytest.raises(InputError, match="dicabut"):
        accept_evaluator_invitation(services, other.code, 9102, DETAILS, None)
    assert revoke_evaluator_invitation(services, "inv-x", 0, operator=True, update_id=None) is None

    # A restart: the evaluator and the invitations' states are in the store.
    services.db.close()
    again = build_services(settings, clock=clock)
    try:
        assert again.roster.evaluator(9100) == evaluator
        assert again.roster.evaluator(9102) is None
        states = [i.state(clock()) for i in evaluator_invitations(again, "kota-bandung")]
        assert states == [USED, REVOKED]
    finally:
        again.db.close()
