"""The rules of a staff change (domain/staff.py) and the roster's record of who left."""

from __future__ import annotations

import copy
import tomllib
from datetime import UTC, datetime

import pytest

from domain.errors import InputError
from domain.invitations import accept, invite
from domain.roles import Role
from domain.roster import parse_roster
from domain.staff import check_removal, depart, keep_on_record
from tests.domain_factories import DEMO_ROSTER_PATH

RAW = tomllib.loads(DEMO_ROSTER_PATH.read_text(encoding="utf-8"))
NOW = datetime(2026, 10, 5, 1, 0, tzinfo=UTC)
DETAILS = ("Dra. Rina Marlina, M.M.", "197802142003122005", "Sekretaris")


def unit_of(raw):
    return parse_roster(raw, partial=True).units[0]


def test_who_leaves_is_out_of_access_but_on_record() -> None:
    unit = unit_of(RAW)
    member = unit.with_role(Role.TIM_KERJA)[0]
    raw = {"unit": [depart(RAW["unit"][0], member.user_id, NOW)]}
    roster = parse_roster(raw, partial=True)
    after = roster.units[0]
    assert roster.person(member.user_id) is None and after.member(member.user_id) is None
    assert after.person(member.user_id) == member  # names on documents and in verification
    assert member not in after.with_role(Role.TIM_KERJA)
    assert raw["unit"][0]["former"][-1]["left_at"] == NOW.isoformat()


def test_a_single_role_is_replaced_never_removed() -> None:
    unit = unit_of(RAW)
    with pytest.raises(InputError, match="tidak boleh kosong"):
        check_removal(unit, unit.one(Role.SEKRETARIS), [])


def test_a_replacement_names_the_current_holder() -> None:
    unit = unit_of(RAW)
    old = unit.one(Role.SEKRETARIS)
    member = unit.with_role(Role.TIM_KERJA)[0]
    # A filled role is not invitable, except as the replacement of its holder.
    with pytest.raises(InputError, match="sudah dipegang"):
        invite(unit, Role.SEKRETARIS, 1, NOW, code="inv-x")
    with pytest.raises(InputError, match="tidak berlaku lagi"):
        invite(unit, Role.SEKRETARIS, 1, NOW, code="inv-x", replaces=member.user_id)
    invitation = invite(unit, Role.SEKRETARIS, 1, NOW, code="inv-x", replaces=old.user_id)
    used, entry = accept(invitation, unit, 9001, DETAILS, NOW)
    assert used.used_by == 9001 and entry["role"] == "sekretaris"
    # Once the holder has left (replaced by someone else), the same link is refused.
    raw = {"unit": [depart(RAW["unit"][0], old.user_id, NOW, 9002)]}
    with pytest.raises(InputError, match="tidak berlaku lagi"):
        accept(invitation, unit_of(raw), 9001, DETAILS, NOW)


def test_an_imported_file_forgets_nobody() -> None:
    stored = {"unit": [depart(RAW["unit"][0], RAW["unit"][0]["people"][-1]["telegram_id"], NOW)]}
    imported = copy.deepcopy(RAW)
    dropped = imported["unit"][0]["people"].pop(-2)
    kept = keep_on_record(stored, imported, NOW)
    unit = unit_of(kept)
    former = {p.user_id for p in unit.former}
    assert former == {RAW["unit"][0]["people"][-1]["telegram_id"], dropped["telegram_id"]}
    assert unit.person(dropped["telegram_id"]).name == dropped["name"]
    assert unit.member(dropped["telegram_id"]) is None


def test_documents_keep_who_initialled_and_signed_after_both_left() -> None:
    from dataclasses import replace

    from documents.approval_context import approval_context
    from tests.domain_factories import CALENDAR, SOP, UNIT, full_cycle

    cycle = full_cycle()
    old_sek, old_kasat = UNIT.one(Role.SEKRETARIS), UNIT.one(Role.KASAT)
    new_sek = replace(old_sek, user_id=9002, name="Sekretaris Baru", nip="197802142003122005")
    new_kasat = replace(old_kasat, user_id=9001, name="Kasat Baru", nip="196905121994031005")
    kept = [p for p in UNIT.people if p.role not in (Role.SEKRETARIS, Role.KASAT)]
    after = replace(UNIT, people=(new_kasat, new_sek, *kept), former=(old_sek, old_kasat))
    block = approval_context(cycle, after, SOP, CALENDAR, "signed")
    assert (block["paraf"]["name"], block["paraf"]["nip"]) == (old_sek.name, old_sek.nip)
    assert block["signature"]["name"] == old_kasat.name
    # The facts recorded with each act name them even without the record of who left ...
    bare = replace(after, former=())
    assert approval_context(cycle, bare, SOP, CALENDAR, "signed")["paraf"]["name"] == old_sek.name
    # ... while an older record, without those facts, would have named the new holders.
    old = replace(cycle, history=tuple(replace(h, by=None, to=()) for h in cycle.history))
    assert approval_context(old, bare, SOP, CALENDAR, "signed")["paraf"]["name"] == new_sek.name
