"""The administration's use cases without Telegram: stand-ins, invitations, mutasi and the
export, played through ``app/`` calls on a real file store in a tmp dir. No bot, no emulator,
no update: each use case takes the services and plain arguments, saves its change (and its
audit line) and returns what happened; each refusal is the domain's and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.standins import appoint_standin, end_for_departure, end_standin
from bot.services import build_services
from bot.settings import Settings
from domain import standins
from domain.errors import InputError, RoleError
from domain.roles import Role
from domain.roster import Person, Unit

UNIT = "satpolpp-bdg"
MONDAY = date(2026, 10, 5)  # the clock's day (tests/conftest.py)


@pytest.fixture
def services(tmp_path, roster_path, clock):
    settings = Settings(_env_file=None, lkj_data_dir=tmp_path / "data", lkj_roster=roster_path)
    built = build_services(settings, clock=clock)
    yield built
    built.db.close()


def _unit(services) -> Unit:
    return services.roster.unit(UNIT)


def _one(services, role: Role) -> Person:
    return _unit(services).with_role(role)[0]


def _audited(services, action: str) -> list[dict]:
    log = services.audit.log(UNIT, services.now().year)
    return [e for e in log.entries() if e["action"] == action]


# --- stand-ins --------------------------------------------------------------------------------


def test_appoint_then_end_a_plh(services):
    sekretaris = _one(services, Role.SEKRETARIS)
    member = _one(services, Role.TIM_KERJA)
    made = appoint_standin(
        services, sekretaris, Role.SEKRETARIS, member.user_id, MONDAY, MONDAY + timedelta(4), 7
    )
    assert made.period.kind == standins.PLH
    assert made.holder is not None and made.holder.user_id == sekretaris.user_id
    assert made.acting is not None and made.acting.user_id == member.user_id
    assert made.working_days == 5
    # In force at once: the member acts as the Sekretaris, stored and audited.
    acting = services.roster.person(member.user_id)
    assert acting is not None and acting.acts_as(Role.SEKRETARIS)
    assert [p.id for p in services.standins.all()] == [made.period.id]
    [line] = _audited(services, "plh_tunjuk")
    assert line["detail"]["pelaksana"] == member.user_id and line["update_id"] == 7

    ended = end_standin(services, sekretaris, made.period.id, 8, "gone")
    assert not ended.ended.cancelled and ended.ended.ended_by == sekretaris.user_id
    after = services.roster.person(member.user_id)
    assert after is not None and not after.acts_as(Role.SEKRETARIS)
    assert _audited(services, "plh_akhiri")
    with pytest.raises(InputError, match="sudah berakhir"):  # not twice
        end_standin(services, sekretaris, made.period.id, 9, "gone")
    with pytest.raises(InputError, match="^gone$"):
        end_standin(services, sekretaris, "no-such-id", 9, "gone")


def test_a_coming_plh_ended_is_cancelled(services):
    kasubbag = _one(services, Role.KASUBBAG)
    member = _one(services, Role.TIM_KERJA)
    later = MONDAY + timedelta(days=7)
    made = appoint_standin(services, kasubbag, Role.KASAT, member.user_id, later, later, None)
    ended = end_standin(services, kasubbag, made.period.id, None, "gone")
    assert ended.ended.cancelled
    assert _audited(services, "plh_batal")


def test_stand_in_refusals_change_nothing(services):
    kasubbag = _one(services, Role.KASUBBAG)
    sekretaris = _one(services, Role.SEKRETARIS)
    member, other = _unit(services).with_role(Role.TIM_KERJA)[:2]
    day = MONDAY
    # The wrong person: a member appoints for a post not theirs.
    with pytest.raises(RoleError):
        appoint_standin(services, member, Role.SEKRETARIS, other.user_id, day, day, None)
    # Nobody appoints themselves.
    with pytest.raises(InputError, match="diri sendiri"):
        appoint_standin(services, kasubbag, Role.KASAT, kasubbag.user_id, day, day, None)
    # The SOP table's segregation: the Kasubbag makes the report (step 5), so may not stand
    # in for the Sekretaris who initials it.
    with pytest.raises(InputError, match="tidak dapat ditunjuk.*tahap 5"):
        appoint_standin(services, sekretaris, Role.SEKRETARIS, kasubbag.user_id, day, day, None)
    assert services.standins.all() == []
    assert not _audited(services, "plh_tunjuk")
    # The wrong person may not end another post's appointment either.
    made = appoint_standin(services, sekretaris, Role.SEKRETARIS, member.user_id, day, day, None)
    with pytest.raises(RoleError):
        end_standin(services, other, made.period.id, None, "gone")
    assert services.standins.all()[0].ended_at is None


def test_who_leaves_takes_their_appointments_along(services):
    sekretaris = _one(services, Role.SEKRETARIS)
    member = _one(services, Role.TIM_KERJA)
    day = MONDAY + timedelta(days=1)
    made = appoint_standin(services, sekretaris, Role.SEKRETARIS, member.user_id, day, day, None)
    before = _unit(services)
    kasubbag = _one(services, Role.KASUBBAG)
    [(period, _unit_after)] = end_for_departure(services, before, member, kasubbag)
    assert period.id == made.period.id and period.cancelled
    [line] = _audited(services, "plh_batal")
    assert line["detail"]["alasan"] == "mutasi" and line["detail"]["keluar"] == member.user_id
