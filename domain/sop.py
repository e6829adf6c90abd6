"""The SOP table loaded from ``sop.toml``: the one place that says who does what, and how fast."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from domain.errors import SopError
from domain.roles import WORKING_ROLES, Role
from domain.standard_time import StandardTime

DEFAULT_SOP_PATH = Path(__file__).with_name("sop.toml")
#: Posts held by one official (the team has many members, who may share separated steps).
SINGLE_HOLDER_ROLES = (Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG)

# The activities the bot knows how to run, by the step key of the SOP table. A table may give
# any step to any role and renumber the steps, but each of these activities must be in it once:
# the workflow finds the step an action serves by its key, never by its number.
DISPOSE = "disposisi_kasat"  # the head starts the quarter with a disposition
FORWARD = "disposisi_sekretaris"  # the disposition is passed down with a note
DIVIDE = "pembagian_tugas"  # the work is divided among the team
COLLECT = "penyerahan_bahan"  # the team hands over the data
ASSEMBLE = "penyusunan_laporan"  # the report is made from the collected data
PARAF = "koreksi_paraf"  # the report is corrected and initialled
SIGN = "pemeriksaan_tandatangan"  # the report is examined and signed
FILE = "pendokumentasian"  # the signed report is filed; the annual LKj is compiled
ACTIVITIES = (DISPOSE, FORWARD, DIVIDE, COLLECT, ASSEMBLE, PARAF, SIGN, FILE)
#: Segregation of duties when a table states none: making the report, its paraf and its
#: signature are done by three different people (``domain.segregation``).
DEFAULT_SEPARATED: tuple[tuple[str, ...], ...] = ((ASSEMBLE, PARAF, SIGN),)


@dataclass(frozen=True)
class Step:
    number: int
    key: str
    activity: str
    role: Role
    inputs: tuple[str, ...]
    standard_time: StandardTime
    allowed_time: StandardTime
    output: str
    next: int | None
    return_to: int | None = None
    remark: str = ""
    reminders: tuple[str, ...] = ()


@dataclass(frozen=True)
class Sop:
    name: str
    steps: tuple[Step, ...]
    #: Groups of activities (step keys) of one report version that must each be done by a
    #: different person (``[[separate]]`` in the table; the default when it states none).
    separated: tuple[tuple[str, ...], ...] = DEFAULT_SEPARATED

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.number == number:
                return step
        raise SopError(f"SOP has no step {number}")

    def by_key(self, key: str) -> Step:
        """The step that performs an activity (one of ``ACTIVITIES``)."""
        for step in self.steps:
            if step.key == key:
                return step
        raise SopError(f"SOP has no step {key!r}")

    def role_of(self, key: str) -> Role:
        return self.by_key(key).role

    def steps_of(self, role: Role) -> tuple[Step, ...]:
        return tuple(step for step in self.steps if step.role is role)

    @property
    def first(self) -> Step:
        return self.steps[0]

    @property
    def last(self) -> Step:
        return self.steps[-1]

    def roles(self) -> set[Role]:
        return {step.role for step in self.steps}


def _working_role(value: str) -> Role:
    role = Role(value)
    if role not in WORKING_ROLES:
        raise ValueError(f"role {value!r} holds no step (it is read-only)")
    return role


def _parse_step(raw: dict) -> Step:
    try:
        standard = StandardTime.parse(raw["standard_time"])
        allowed = StandardTime.parse(raw["allowed_time"]) if "allowed_time" in raw else standard
        return Step(
            number=int(raw["number"]),
            key=str(raw["key"]),
            activity=str(raw["activity"]),
            role=_working_role(raw["role"]),
            inputs=tuple(raw.get("inputs", ())),
            standard_time=standard,
            allowed_time=allowed,
            output=str(raw["output"]),
            next=raw.get("next"),
            return_to=raw.get("return_to"),
            remark=str(raw.get("remark", "")),
            reminders=tuple(str(r) for r in raw.get("reminders", ())),
        )
    except (KeyError, ValueError) as exc:
        raise SopError(f"bad SOP step {raw.get('number', '?')}: {exc}") from exc


def _parse_separated(raw: dict) -> tuple[tuple[str, ...], ...]:
    """The table's ``[[separate]]`` groups (``activities = [key, …]``), else the default."""
    groups = raw.get("separate")
    if groups is None:
        return DEFAULT_SEPARATED
    if not isinstance(groups, list) or not all(
        isinstance(g, dict) and isinstance(g.get("activities"), list) for g in groups
    ):
        raise SopError("[[separate]] must be tables with an `activities` list of step keys")
    return tuple(tuple(str(key) for key in g["activities"]) for g in groups)


def read_reminder(label: str) -> tuple[float | None, StandardTime | None]:
    """A step's reminder point ("50%" of the window, or office time before the deadline, as
    "2 jam"): (fraction, None) or (None, time before); ValueError if it is neither
    (``domain.reminders.ReminderPoint`` computes when it is due)."""
    text = label.strip()
    if text.endswith("%"):
        value = float(text[:-1].replace(",", "."))
        if not 0 < value < 100:
            raise ValueError(f"titik pengingat {label!r} harus di antara 0% dan 100%")
        return value / 100, None
    return None, StandardTime.parse(text)


def validate(sop: Sop) -> None:
    """The table must be closed: numbered in order, every next/return_to exists, one end."""
    numbers = [s.number for s in sop.steps]
    if numbers != sorted(set(numbers)) or not numbers:
        raise SopError(f"SOP steps must be unique and in order, got {numbers}")
    known = set(numbers)
    for step in sop.steps:
        for target in (step.next, step.return_to):
            if target is not None and target not in known:
                raise SopError(f"step {step.number} points to unknown step {target}")
        if step.return_to is not None and step.return_to >= step.number:
            raise SopError(f"step {step.number} may only return to an earlier step")
        if step.next is not None and step.next <= step.number:
            raise SopError(f"step {step.number} must move forward, not to {step.next}")
    for step in sop.steps:
        for label in step.reminders:
            try:
                read_reminder(label)
            except ValueError as exc:
                raise SopError(f"step {step.number}: bad reminder {label!r}: {exc}") from exc
    keys = [s.key for s in sop.steps]
    missing = [key for key in ACTIVITIES if key not in keys]
    twice = sorted({key for key in keys if keys.count(key) > 1})
    if missing or twice:
        raise SopError(f"SOP must name each activity once; missing {missing}, repeated {twice}")
    if sop.steps[0].key != DISPOSE:
        raise SopError(f"the first step must be {DISPOSE!r}")
    ends = [s.number for s in sop.steps if s.next is None]
    if ends != [numbers[-1]]:
        raise SopError(f"only the last step may end the procedure, got {ends}")
    for group in sop.separated:
        unknown = [key for key in group if key not in keys]
        if unknown or len(set(group)) < 2:
            raise SopError(
                f"each [[separate]] must name two or more activities of the table, got {group}"
            )
        # A post held by one official cannot do two separated activities: the table would
        # strand every quarter at the second of them.
        for role in SINGLE_HOLDER_ROLES:
            mine = [s for s in sop.steps if s.key in group and s.role is role]
            if len(mine) > 1:
                numbers_ = ", ".join(str(s.number) for s in mine)
                raise SopError(
                    f"steps {numbers_} are separated ([[separate]]) but all given to "
                    f"{role.value}: give one to another role or separate other activities"
                )


def load_sop(path: Path | str = DEFAULT_SOP_PATH) -> Sop:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SopError(f"SOP file {path} is not valid TOML: {exc}") from exc
    if not isinstance(raw.get("step"), list) or not raw["step"]:
        raise SopError(f"SOP file {path} has no [[step]] table")
    sop = Sop(
        name=raw.get("name", "SOP"),
        steps=tuple(_parse_step(s) for s in raw["step"]),
        separated=_parse_separated(raw),
    )
    validate(sop)
    return sop
