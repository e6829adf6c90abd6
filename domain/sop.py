"""The SOP table loaded from ``sop.toml``: the one place that says who does what, and how fast."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

from domain.errors import SopError
from domain.roles import Role
from domain.standard_time import StandardTime

DEFAULT_SOP_PATH = Path(__file__).with_name("sop.toml")


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

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.number == number:
                return step
        raise SopError(f"SOP has no step {number}")

    @property
    def first(self) -> Step:
        return self.steps[0]

    @property
    def last(self) -> Step:
        return self.steps[-1]

    def roles(self) -> set[Role]:
        return {step.role for step in self.steps}


def _parse_step(raw: dict) -> Step:
    try:
        standard = StandardTime.parse(raw["standard_time"])
        allowed = StandardTime.parse(raw["allowed_time"]) if "allowed_time" in raw else standard
        return Step(
            number=int(raw["number"]),
            key=str(raw["key"]),
            activity=str(raw["activity"]),
            role=Role(raw["role"]),
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
    from domain.reminders import ReminderPoint

    for step in sop.steps:
        for label in step.reminders:
            try:
                ReminderPoint.parse(label)
            except ValueError as exc:
                raise SopError(f"step {step.number}: bad reminder {label!r}: {exc}") from exc
    ends = [s.number for s in sop.steps if s.next is None]
    if ends != [numbers[-1]]:
        raise SopError(f"only the last step may end the procedure, got {ends}")


def load_sop(path: Path | str = DEFAULT_SOP_PATH) -> Sop:
    try:
        with open(path, "rb") as fh:
            raw = tomllib.load(fh)
    except tomllib.TOMLDecodeError as exc:
        raise SopError(f"SOP file {path} is not valid TOML: {exc}") from exc
    if not isinstance(raw.get("step"), list) or not raw["step"]:
        raise SopError(f"SOP file {path} has no [[step]] table")
    sop = Sop(name=raw.get("name", "SOP"), steps=tuple(_parse_step(s) for s in raw["step"]))
    validate(sop)
    return sop
