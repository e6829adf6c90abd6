"""The administration's use cases without Telegram: stand-ins, invitations, mutasi and the
export, played through ``app/`` calls on a real file store in a tmp dir. No bot, no emulator,
no update: each use case takes the services and plain arguments, saves its change (and its
audit line) and returns what happened; each refusal is the domain's and changes nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.export import export_period, may_export
from app.invitations import (
    accept_invitation,
    administrator_role,
    create_unit,
    invite_member,
    revoke_invitation,
)
from app.staff import remove_member, replace_holder
from app.standins import appoint_standin, end_for_departure, end_standin
from bot.services import build_services
from bot.settings import Settings
from demo.sample_year import filed_quarter
from documents import workbooks
from domain import standins
from domain.errors import InputError, RoleError
from domain.roles import Role
from domain.roster import Person, Unit
from domain.samples import sample_budget

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


# --- invitations ------------------------------------------------------------------------------

DETAILS = ("Dra. Rina Marlina, M.Si.", "198001012005012001", "Analis Kebijakan Ahli Muda")
STRANGER = 555_000_111


def test_invite_then_accept(services):
    kasubbag = _one(services, Role.KASUBBAG)
    assert _unit(services).is_admin(kasubbag)
    invitation = invite_member(services, kasubbag, Role.TIM_KERJA)
    assert services.invitations.get(invitation.code) == invitation
    [made] = _audited(services, "undangan_dibuat")
    assert made["actor"] == kasubbag.user_id and made["detail"]["code"] == invitation.code

    joined = accept_invitation(services, invitation, STRANGER, DETAILS, 11)
    assert joined.person.user_id == STRANGER and joined.person.role is Role.TIM_KERJA
    assert joined.person.name == DETAILS[0] and joined.replaced is None
    # In the roster at once (and in the stored roster), the invitation spent, audited.
    assert services.roster.person(STRANGER) is not None
    stored = services.rosters.raw()
    assert any(p.get("telegram_id") == STRANGER for u in stored["unit"] for p in u["people"])
    spent = services.invitations.get(invitation.code)
    assert spent is not None and spent.used_by == STRANGER
    [line] = _audited(services, "undangan_diterima")
    assert line["actor"] == STRANGER and line["update_id"] == 11
    # Used once only.
    with pytest.raises(InputError, match="sudah dipakai"):
        accept_invitation(services, spent, STRANGER + 1, DETAILS, None)


def test_invitation_refusals_change_nothing(services):
    member = _one(services, Role.TIM_KERJA)
    # The wrong person: only the unit administrator invites, and revokes.
    with pytest.raises(RoleError, match="pengelola unit"):
        invite_member(services, member, Role.TIM_KERJA)
    assert services.invitations.of_unit(UNIT) == []
    kasubbag = _one(services, Role.KASUBBAG)
    invitation = invite_member(services, kasubbag, Role.PEREVIU, DETAILS)
    with pytest.raises(RoleError):
        revoke_invitation(services, member, invitation.code, None)
    # A held single post is not invited to (it is replaced through a mutasi).
    with pytest.raises(InputError, match="sudah dipegang"):
        invite_member(services, kasubbag, Role.SEKRETARIS)
    # Bad details are refused when accepting, and nobody joins.
    with pytest.raises(InputError, match="NIP"):
        accept_invitation(services, invitation, STRANGER, (DETAILS[0], "123", DETAILS[2]), None)
    assert services.roster.person(STRANGER) is None
    still = services.invitations.get(invitation.code)
    assert still is not None and still.used_by is None and still.revoked_at is None


def test_revoke_an_invitation(services):
    kasubbag = _one(services, Role.KASUBBAG)
    invitation = invite_member(services, kasubbag, Role.TIM_KERJA)
    revoked = revoke_invitation(services, kasubbag, invitation.code, 12)
    assert revoked is not None and revoked.revoked_at == services.now()
    [line] = _audited(services, "undangan_dicabut")
    assert line["detail"] == {"code": invitation.code} and line["update_id"] == 12
    assert revoke_invitation(services, kasubbag, "inv-unknown", None) is None
    with pytest.raises(InputError, match="dicabut"):  # revoked already
        revoke_invitation(services, kasubbag, invitation.code, None)
    with pytest.raises(InputError, match="dicabut"):  # and no longer accepted
        accept_invitation(services, invitation, STRANGER, DETAILS, None)
    assert services.roster.person(STRANGER) is None


def test_the_operator_creates_a_unit_with_its_administrators_invitation(services):
    invitation = create_unit(
        services, "dinkes-bdg", "Dinas Kesehatan Kota Bandung", "Bandung", 0, "{code}!"
    )
    assert invitation.admin and invitation.unit == "dinkes-bdg"
    assert invitation.role is administrator_role(services, services.roster.unit("dinkes-bdg"))
    with pytest.raises(InputError, match="^dinkes-bdg!$"):
        create_unit(services, "dinkes-bdg", "Dinas Kesehatan Kota Bandung", "Bandung", 0, "{code}!")


# --- mutasi -----------------------------------------------------------------------------------


def test_replace_a_holder_then_the_successor_accepts(services):
    kasubbag = _one(services, Role.KASUBBAG)
    sekretaris = _one(services, Role.SEKRETARIS)
    made = replace_holder(services, kasubbag, sekretaris.user_id, "gone")
    assert made.holder == sekretaris and made.invitation.replaces == sekretaris.user_id
    # The post is never vacant: the holder stays until the successor joins.
    assert services.roster.person(sekretaris.user_id) is not None
    joined = accept_invitation(services, made.invitation, STRANGER, DETAILS, 21)
    assert joined.replaced is not None and joined.replaced.user_id == sekretaris.user_id
    assert services.roster.person(sekretaris.user_id) is None
    assert [p.user_id for p in _unit(services).with_role(Role.SEKRETARIS)] == [STRANGER]
    assert any(p.user_id == sekretaris.user_id for p in _unit(services).former)
    [line] = _audited(services, "mutasi_ganti")
    assert line["detail"]["old"] == sekretaris.user_id and line["detail"]["new"] == STRANGER


def test_remove_a_member(services):
    kasubbag = _one(services, Role.KASUBBAG)
    member = _one(services, Role.TIM_KERJA)
    removal = remove_member(services, kasubbag, member.user_id, 31, "gone")
    assert removal.member == member and removal.before.member(member.user_id) is not None
    assert services.roster.person(member.user_id) is None
    assert any(p.user_id == member.user_id for p in _unit(services).former)
    [line] = _audited(services, "mutasi_keluar")
    assert line["detail"]["member"] == member.user_id and line["update_id"] == 31
    with pytest.raises(InputError, match="^gone$"):  # not twice
        remove_member(services, kasubbag, member.user_id, None, "gone")


def test_mutasi_refusals_change_nothing(services):
    kasubbag = _one(services, Role.KASUBBAG)
    sekretaris = _one(services, Role.SEKRETARIS)
    member, other = _unit(services).with_role(Role.TIM_KERJA)[:2]
    raw = services.rosters.raw()
    # The wrong person: only the unit administrator replaces or removes.
    with pytest.raises(RoleError, match="pengelola unit"):
        replace_holder(services, member, sekretaris.user_id, "gone")
    with pytest.raises(RoleError, match="pengelola unit"):
        remove_member(services, sekretaris, other.user_id, None, "gone")
    # A single post is replaced, never emptied.
    with pytest.raises(InputError, match="tidak boleh kosong"):
        remove_member(services, kasubbag, sekretaris.user_id, None, "gone")
    # A team member is not replaced (removed, then someone invited).
    with pytest.raises(InputError):
        replace_holder(services, kasubbag, member.user_id, "gone")
    assert services.rosters.raw() == raw
    assert services.invitations.of_unit(UNIT) == []
    assert not _audited(services, "mutasi_keluar")


# --- export -----------------------------------------------------------------------------------


def _filed(services, *quarters: int) -> None:
    ctx = services.context(_unit(services))
    for n in quarters:
        services.cycles.save(filed_quarter(ctx, 2026, n, render=False))


def test_export_a_quarter_and_a_year(services):
    _filed(services, 1, 2, 3, 4)
    kasat = _one(services, Role.KASAT)
    quarter = export_period(services, workbooks, kasat, 2026, 1, "no")
    assert quarter is not None and quarter.triwulan == 1
    assert quarter.workbook.filename == "Ekspor_Kinerja_TW-I_2026.xlsx"
    assert quarter.workbook.content.startswith(b"PK")  # an XLSX (zip) workbook
    assert quarter.csv.filename == "Ekspor_Kinerja_TW-I_2026.csv"
    assert quarter.csv.content.startswith(b"\xef\xbb\xbf")  # CSV with a BOM, for Excel
    assert quarter.budget_csv is None  # no budget stored for the year
    services.budget.save(sample_budget())
    year = export_period(services, workbooks, kasat, 2026, None, "no")
    assert year is not None and year.triwulan is None
    assert year.workbook.filename == "Ekspor_Kinerja_Tahunan_2026.xlsx"
    assert year.budget_csv is not None and year.budget_csv.filename == "Ekspor_Anggaran_2026.csv"
    # Every official above the collection exports what was signed.
    sekretaris = _one(services, Role.SEKRETARIS)
    assert export_period(services, workbooks, sekretaris, 2026, 2, "no") is not None


def test_export_refusals(services):
    _filed(services, 1)
    # The wrong person: a member of the collection does not see the year's targets.
    member = _one(services, Role.TIM_KERJA)
    assert not may_export(services, member)
    with pytest.raises(RoleError, match="^not for you$"):
        export_period(services, workbooks, member, 2026, 1, "not for you")
    kasat = _one(services, Role.KASAT)
    assert export_period(services, workbooks, kasat, 2026, 2, "no") is None  # not filed
    with pytest.raises(InputError, match="TW II, TW III, TW IV"):  # a year needs all four
        export_period(services, workbooks, kasat, 2026, None, "no")
