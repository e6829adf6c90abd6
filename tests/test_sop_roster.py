"""The SOP table (sop.toml) and the roster (roster.toml): shipped files and malformed ones."""

from __future__ import annotations

import copy
import tomllib
from pathlib import Path

import pytest

from domain.errors import SopError
from domain.roles import WORKING_ROLES, Role
from domain.roster import RosterError, load_roster, parse_roster
from domain.sop import load_sop, validate
from domain.standard_time import StandardTime
from tests.domain_factories import DEMO_ROSTER_PATH, REPO, SOP_PATH

SHIPPED = load_sop(SOP_PATH)
RAW_SOP = tomllib.loads(SOP_PATH.read_text(encoding="utf-8"))
RAW_ROSTER = tomllib.loads(DEMO_ROSTER_PATH.read_text(encoding="utf-8"))


# --- the shipped SOP ------------------------------------------------------------------------


def test_shipped_sop_validates_and_is_the_default() -> None:
    validate(SHIPPED)
    assert load_sop() == SHIPPED
    assert SHIPPED.name == "Prosedur pengumpulan data kinerja (LKj)"
    assert [s.number for s in SHIPPED.steps] == list(range(1, 9))
    assert (SHIPPED.first.number, SHIPPED.last.number) == (1, 8)


def test_shipped_sop_is_closed() -> None:
    numbers = {s.number for s in SHIPPED.steps}
    for step in SHIPPED.steps:
        assert step.next is None or (step.next in numbers and step.next > step.number)
        assert step.return_to is None or step.return_to in numbers
    assert [s.number for s in SHIPPED.steps if s.next is None] == [8]
    # every step is reachable from step 1 by "next"
    seen, current = [], SHIPPED.first
    while current is not None:
        seen.append(current.number)
        current = SHIPPED.step(current.next) if current.next else None
    assert seen == list(range(1, 9))


@pytest.mark.parametrize(
    ("number", "role", "standard", "allowed", "next_", "return_to"),
    [
        (1, Role.KASAT, "15 menit", "15 menit", 2, None),
        (2, Role.SEKRETARIS, "15 menit", "15 menit", 3, None),
        (3, Role.KASUBBAG, "15 menit", "15 menit", 4, None),
        (4, Role.TIM_KERJA, "15 menit", "3 hari kerja", 5, None),
        (5, Role.KASUBBAG, "5 jam", "5 jam", 6, None),
        (6, Role.SEKRETARIS, "1 jam", "1 jam", 7, 5),
        (7, Role.KASAT, "1 jam", "1 jam", 8, 5),
        (8, Role.KASUBBAG, "5 jam", "5 jam", None, None),
    ],
)
def test_shipped_sop_matches_the_sop_document(number, role, standard, allowed, next_, return_to):
    step = SHIPPED.step(number)
    assert step.role is role
    assert step.standard_time == StandardTime.parse(standard)
    assert step.allowed_time == StandardTime.parse(allowed)
    assert (step.next, step.return_to) == (next_, return_to)
    assert step.activity and step.output and step.key


def test_every_role_of_the_sop_has_someone_in_the_demo_roster() -> None:
    roster = load_roster(DEMO_ROSTER_PATH)
    (unit,) = roster.units
    assert SHIPPED.roles() == set(WORKING_ROLES)  # every role but the read-only reviewer
    for role in SHIPPED.roles():
        assert unit.with_role(role), f"nobody holds {role} in the demo roster"


def test_unknown_step_number_raises_sop_error() -> None:
    with pytest.raises(SopError, match="no step 9"):
        SHIPPED.step(9)


# --- malformed SOP tables -------------------------------------------------------------------


def _toml_value(value) -> str:
    if isinstance(value, str):
        return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
    if isinstance(value, list):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    return str(value)


def _write_sop(tmp_path: Path, steps: list[dict], name: str = "SOP uji") -> Path:
    lines = [f"name = {_toml_value(name)}"]
    for step in steps:
        lines.append("\n[[step]]")
        lines.extend(f"{k} = {_toml_value(v)}" for k, v in step.items())
    path = tmp_path / "sop.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _steps_with(which: int, /, **changes) -> list[dict]:
    """The shipped steps with ``changes`` on one step; a value of None removes the key."""
    steps = copy.deepcopy(RAW_SOP["step"])
    target = steps[which - 1]
    for key, value in changes.items():
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return steps


def test_the_writer_reproduces_a_valid_table(tmp_path: Path) -> None:
    assert load_sop(_write_sop(tmp_path, _steps_with(1))).steps == SHIPPED.steps


@pytest.mark.parametrize(
    ("steps", "words"),
    [
        (_steps_with(3, next=42), "step 3 points to unknown step 42"),
        (_steps_with(6, return_to=99), "step 6 points to unknown step 99"),
        (_steps_with(3, next=2), "step 3 must move forward, not to 2"),
        (_steps_with(3, next=3), "step 3 must move forward"),
        (_steps_with(4, next=None), "only the last step may end the procedure, got [4, 8]"),
        (_steps_with(8, next=1), "step 8 must move forward"),
        (_steps_with(8, next=8), "step 8 must move forward"),
        (_steps_with(2, standard_time="15 menitan"), "bad SOP step 2"),
        (_steps_with(2, standard_time="sebentar"), "tidak dikenali"),
        (_steps_with(2, standard_time=""), "bad SOP step 2"),
        (_steps_with(4, allowed_time="3 hari"), "bad SOP step 4"),
        (_steps_with(5, role="kepala_dinas"), "bad SOP step 5"),
        (_steps_with(5, role="Kasubbag"), "bad SOP step 5"),
        (_steps_with(5, activity=None), "bad SOP step 5"),
        (_steps_with(5, number="lima"), "bad SOP step lima"),
        (_steps_with(5, number=4), "unique and in order"),
        (_steps_with(5, number=9), "unique and in order"),
        (_steps_with(4, reminders=["150%"]), "step 4: bad reminder '150%'"),
        (_steps_with(4, reminders=["sebentar"]), "step 4: bad reminder 'sebentar'"),
    ],
)
def test_malformed_sop_tables_raise_sop_error(tmp_path: Path, steps: list[dict], words: str):
    path = _write_sop(tmp_path, steps)
    with pytest.raises(SopError) as info:
        load_sop(path)
    assert words in str(info.value)


def test_an_empty_step_list_raises_sop_error(tmp_path: Path) -> None:
    path = tmp_path / "sop.toml"
    path.write_text('name = "SOP kosong"\nstep = []\n', encoding="utf-8")
    with pytest.raises(SopError, match="has no \\[\\[step\\]\\] table"):
        load_sop(path)


@pytest.mark.parametrize(
    "text",
    [
        'name = "SOP tanpa langkah"\n',  # no [[step]] at all -> KeyError('step')
        '[[step]]\nnumber = 1\nkey = "a\n',  # not TOML -> tomllib.TOMLDecodeError
    ],
)
def test_sop_file_without_steps_or_not_toml_raises_sop_error(tmp_path: Path, text: str):
    path = tmp_path / "sop.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SopError):
        load_sop(path)


# --- roster -----------------------------------------------------------------------------------


def test_demo_and_example_rosters_load() -> None:
    for path in (DEMO_ROSTER_PATH, REPO / "roster.example.toml"):
        roster = load_roster(path)
        (unit,) = roster.units
        assert unit.code == "satpolpp-bdg"
        assert unit.timezone == "Asia/Jakarta"
        assert [p.role for p in unit.people].count(Role.TIM_KERJA) == 2
        assert unit.one(Role.KASAT).user_id == 1001
        assert all(p.unit == "satpolpp-bdg" for p in unit.people)
        assert roster.person(1004).name == "Rina Marlina, S.Sos."
        assert roster.person(4242) is None
        assert roster.unit("satpolpp-bdg") is unit
        with pytest.raises(KeyError):
            roster.unit("tidak-ada")


def _roster(**edit) -> dict:
    raw = copy.deepcopy(RAW_ROSTER)
    unit = raw["unit"][0]
    for key, value in edit.items():
        if value is None:
            unit.pop(key)
        else:
            unit[key] = value
    return raw


def _people(*changes: tuple[int, str, object]) -> list[dict]:
    """The demo people with (index, key, value) edits; value None removes the key."""
    people = copy.deepcopy(RAW_ROSTER["unit"][0]["people"])
    for index, key, value in changes:
        if value is None:
            people[index].pop(key)
        else:
            people[index][key] = value
    return people


def test_single_unit_table_and_optional_fields() -> None:
    raw = {"unit": {"code": "u1", "name": "Unit Satu", "people": _people((0, "nip", None))}}
    (unit,) = parse_roster(raw).units
    assert (unit.code, unit.city, unit.address, unit.timezone) == ("u1", "", "", "Asia/Jakarta")
    assert unit.one(Role.KASAT).nip == ""
    assert unit.one(Role.KASAT).unit == "u1"


SECOND_UNIT = {
    "code": "satpol-cmh",
    "name": "Satpol PP Cimahi",
    "people": [
        {"role": "kasat", "telegram_id": 2001, "name": "A"},
        {"role": "sekretaris", "telegram_id": 2002, "name": "B"},
        {"role": "kasubbag", "telegram_id": 2003, "name": "C"},
        {"role": "tim_kerja", "telegram_id": 1004, "name": "D"},  # already in unit 1
    ],
}


@pytest.mark.parametrize(
    ("raw", "words"),
    [
        ({}, ("no [[unit]]",)),
        ({"unit": []}, ("no [[unit]]",)),
        (_roster(code=None), ("missing field", "'code'")),
        (_roster(name=None), ("missing field", "'name'")),
        (_roster(people=_people((1, "telegram_id", None))), ("missing field", "'telegram_id'")),
        (_roster(people=_people((2, "name", None))), ("missing field", "'name'")),
        (_roster(people=_people((3, "role", None))), ("missing field", "'role'")),
        (_roster(people=_people((3, "role", "admin"))), ("satpolpp-bdg", "'admin'")),
        (_roster(people=_people((3, "telegram_id", "abc"))), ("satpolpp-bdg", "'abc'")),
        (
            _roster(people=_people((4, "telegram_id", 1001))),
            ("telegram_id 1001 appears twice",),
        ),
        (
            {"unit": [RAW_ROSTER["unit"][0], SECOND_UNIT]},
            ("telegram_id 1004 appears twice",),
        ),
        (
            _roster(people=_people((1, "role", "kasat"))),
            ("satpolpp-bdg must have exactly one kasat",),
        ),
        (
            _roster(people=_people((1, "role", "tim_kerja"))),
            ("must have exactly one sekretaris",),
        ),
        (
            _roster(people=_people((2, "role", "sekretaris"))),
            ("must have exactly one sekretaris",),
        ),
        (
            _roster(people=_people((3, "role", "kasubbag"), (4, "role", "kasubbag"))),
            ("must have exactly one kasubbag",),
        ),
        (_roster(people=_people()[:3]), ("satpolpp-bdg has no tim_kerja member",)),
        (_roster(people=[]), ("must have exactly one kasat",)),
    ],
)
def test_bad_rosters_raise_roster_error_with_a_useful_message(raw: dict, words) -> None:
    with pytest.raises(RosterError) as info:
        parse_roster(raw)
    for word in words:
        assert word in str(info.value)


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[[unit]\ncode = 'x'\n", ("is not valid TOML",)),
        ('[[unit]]\ncode = "x\n', ("is not valid TOML",)),
        ("[[unit]]\ncode = 'a'\ncode = 'b'\n", ("is not valid TOML",)),
        ("", ("no [[unit]]",)),
    ],
)
def test_roster_file_errors(tmp_path: Path, text: str, words) -> None:
    path = tmp_path / "roster.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RosterError) as info:
        load_roster(path)
    for word in words:
        assert word in str(info.value)
    if "TOML" in words[0]:
        assert str(path) in str(info.value)


def test_missing_roster_file_names_the_path(tmp_path: Path) -> None:
    path = tmp_path / "tidak-ada" / "roster.toml"
    with pytest.raises(RosterError, match="roster file not found") as info:
        load_roster(path)
    assert str(path) in str(info.value)


def test_two_units_with_the_same_code_are_refused() -> None:
    twin = copy.deepcopy(SECOND_UNIT)
    twin["code"] = "satpolpp-bdg"
    twin["people"][3]["telegram_id"] = 2004
    with pytest.raises(RosterError, match="unit code satpolpp-bdg appears twice"):
        parse_roster({"unit": [RAW_ROSTER["unit"][0], twin]})


def test_a_table_that_gives_a_step_to_the_read_only_reviewer_is_refused(tmp_path) -> None:
    text = SOP_PATH.read_text(encoding="utf-8").replace('role = "kasat"', 'role = "pereviu"', 1)
    path = tmp_path / "sop-reviewer.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(SopError, match="holds no step"):
        load_sop(path)
    assert Role.PEREVIU.read_only and not any(r.read_only for r in WORKING_ROLES)


def test_a_roster_may_hold_reviewers_who_never_administer() -> None:
    raw = copy.deepcopy(RAW_ROSTER)
    for n, uid in enumerate((2001, 2002)):
        raw["unit"][0]["people"].append(
            {
                "role": "pereviu",
                "telegram_id": uid,
                "name": f"Auditor {n}",
                "nip": "197506172000032004",
                "position": "Auditor Inspektorat",
                "admin": True,
            }
        )
    (unit,) = parse_roster(raw).units
    assert [p.user_id for p in unit.with_role(Role.PEREVIU)] == [2001, 2002]
    assert unit.missing_roles() == []
    assert [p.role for p in unit.administrators] == [Role.KASUBBAG]
