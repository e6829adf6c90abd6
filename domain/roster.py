"""Who is who: units and their people, loaded from a roster file (``roster.toml``)."""

from __future__ import annotations

import copy
import tomllib
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from domain.errors import InputError
from domain.identity import Government, Logo, check_logo, parse_field, parse_government
from domain.pemda import Evaluator, government_of, parse_evaluator, pemda_key
from domain.roles import Role, derived_label
from domain.standin_period import StandIn


class RosterError(Exception):
    """The roster file is malformed; the message names the problem."""


@dataclass(frozen=True)
class Person:
    user_id: int
    name: str
    nip: str
    position: str
    role: Role
    unit: str
    #: May change the unit's identity (kop). A unit with nobody marked: its Kasubbag.
    admin: bool = False
    #: In a unit's view at a moment (``domain.standins.resolve``): the posts this person
    #: stands in for, and the name of whoever stands in for their own post.
    acting: tuple[Role, ...] = ()
    stood_in_by: str = ""
    #: Their role as their unit names it (``Unit.role_label``), set by the unit they are in.
    title: str = field(default="", compare=False)

    @property
    def label(self) -> str:
        """The person's role as a reader sees it: "Kepala Dinas" in a Dinas, "Kasat" in a
        Satpol PP (the unit's ``role_label``)."""
        return self.title or self.role.label

    def acts_as(self, role: Role) -> bool:
        """Whether the person acts for ``role`` now: their own post unless a stand-in
        represents them, or a post they stand in for."""
        return (self.role is role and not self.stood_in_by) or role in self.acting

    def to_dict(self) -> dict:
        return {
            "user_id": self.user_id,
            "name": self.name,
            "nip": self.nip,
            "position": self.position,
            "role": self.role.value,
            "unit": self.unit,
        }


@dataclass(frozen=True)
class Unit:
    code: str
    name: str
    city: str
    address: str = ""
    timezone: str = "Asia/Jakarta"
    people: tuple[Person, ...] = field(default=())
    sop: str = ""  # the unit's own SOP table (a path), when it differs from the default
    # The kop (domain/identity.py); a unit without a government is "Pemerintah Kota {city}".
    government: Government | None = None
    phone: str = ""
    email: str = ""
    website: str = ""
    logo: Logo | None = None
    #: People who left the unit (mutasi): no access, kept so that decisions they took still
    #: name them on documents and in verification.
    former: tuple[Person, ...] = field(default=())
    #: Stand-in appointments (Plh/Plt), past and coming (``domain.standins``).
    standins: tuple[StandIn, ...] = field(default=())
    #: The moment this view of the unit was resolved at (``domain.standins.resolve``).
    at: datetime | None = None
    #: Role labels set in the roster (``[unit.role_labels] kasat = "Kepala Dinas"``); a role
    #: not set there is labelled from the unit's name (``domain.roles.derived_label``).
    role_labels: tuple[tuple[Role, str], ...] = field(default=())

    def __post_init__(self) -> None:
        # Each person carries their unit's label of their role (kept true by every
        # construction of the unit, a renaming through ``dataclasses.replace`` included).
        for name in ("people", "former"):
            people = tuple(
                p
                if p.title == self.role_label(p.role)
                else replace(p, title=self.role_label(p.role))
                for p in getattr(self, name)
            )
            object.__setattr__(self, name, people)

    def role_label(self, role: Role) -> str:
        """How a person of this unit reads ``role``: "Kepala Dinas" in a Dinas, "Kasat" in a
        Satpol PP. Every text a person reads names a role through this."""
        return dict(self.role_labels).get(role) or derived_label(role, self.name)

    @property
    def administrators(self) -> list[Person]:
        """Who manages the unit in chat: those marked ``admin``, else the Kasubbag."""
        marked = [p for p in self.people if p.admin and not p.role.read_only]
        return marked or self.with_role(Role.KASUBBAG)

    def is_admin(self, person: Person) -> bool:
        return any(p.user_id == person.user_id for p in self.administrators)

    def with_role(self, role: Role) -> list[Person]:
        """The holders of ``role`` by the roster."""
        return [p for p in self.people if p.role is role]

    def acting(self, role: Role) -> list[Person]:
        """Who acts for ``role``: its holders, or the stand-in who represents them (in a
        view resolved at a moment, ``domain.standins.resolve``)."""
        return [p for p in self.people if p.acts_as(role)]

    def represented(self, role: Role) -> list[Person]:
        """The holders of ``role`` a stand-in acts for now (they get copies)."""
        return [p for p in self.with_role(role) if p.stood_in_by]

    def missing_roles(self) -> list[Role]:
        """Roles nobody acts for (a unit being set up by invitation; a Plt fills a post)."""
        missing = [r for r in SINGLE_ROLES if not self.acting(r)]
        return missing + ([] if self.with_role(Role.TIM_KERJA) else [Role.TIM_KERJA])

    def one(self, role: Role) -> Person:
        """The single holder of a role (Kasat, Sekretaris, Kasubbag)."""
        return self.with_role(role)[0]

    def member(self, user_id: int) -> Person | None:
        """A current member (who may act)."""
        return next((p for p in self.people if p.user_id == user_id), None)

    def person(self, user_id: int) -> Person | None:
        """Anyone on record: a current member, else one who left (for names on documents)."""
        return self.member(user_id) or next(
            (p for p in reversed(self.former) if p.user_id == user_id), None
        )


@dataclass(frozen=True)
class Roster:
    units: tuple[Unit, ...]
    #: The pemdas' evaluators (``domain.pemda``): read-only over every unit of their pemda.
    evaluators: tuple[Evaluator, ...] = ()
    #: Each evaluators' pemda as the roster wrote it (key, government), for a pemda whose
    #: units are not (yet) in this roster.
    pemda_names: tuple[tuple[str, Government], ...] = ()

    def evaluator(self, user_id: int) -> Evaluator | None:
        return next((e for e in self.evaluators if e.user_id == user_id), None)

    def pemdas(self) -> dict[str, Government]:
        """Every pemda the units or the evaluators name, by key (sorted by name)."""
        found = {pemda_key(government_of(u)): government_of(u) for u in self.units}
        for key, government in self.pemda_names:
            found.setdefault(key, government)
        return dict(sorted(found.items(), key=lambda kv: kv[1].line))

    def units_of_pemda(self, key: str) -> list[Unit]:
        """The units of the pemda ``key``, by name."""
        units = (u for u in self.units if pemda_key(government_of(u)) == key)
        return sorted(units, key=lambda u: u.name)

    def evaluators_of(self, key: str) -> list[Evaluator]:
        return [e for e in self.evaluators if e.pemda == key]

    def person(self, user_id: int) -> Person | None:
        """The current member with this id (access); who left is in ``Unit.former``."""
        for unit in self.units:
            found = unit.member(user_id)
            if found:
                return found
        return None

    def unit(self, code: str) -> Unit:
        for unit in self.units:
            if unit.code == code:
                return unit
        raise KeyError(code)


SINGLE_ROLES = (Role.KASAT, Role.SEKRETARIS, Role.KASUBBAG)


def parse_roster(raw: dict, base: Path | None = None, *, partial: bool = False) -> Roster:
    """The roster's units; a unit's ``sop`` path is taken relative to ``base`` (the roster's
    folder). ``partial``: units still being set up (by invitation) may lack roles, and there
    may be no unit yet; a role that admits one holder never has two."""
    units_raw = raw.get("unit")
    if isinstance(units_raw, dict):
        units_raw = [units_raw]
    if not units_raw and not partial:
        raise RosterError("roster has no [[unit]]")
    units_raw = units_raw or []
    units: list[Unit] = []
    seen_ids: set[int] = set()
    for u in units_raw:
        try:
            code = str(u["code"])
            people: list[Person] = []
            for p in u.get("people", []):
                person = _person(p, code)
                if person.user_id in seen_ids:
                    raise RosterError(f"telegram_id {person.user_id} appears twice in the roster")
                seen_ids.add(person.user_id)
                people.append(person)
            unit = Unit(
                code=code,
                name=str(u["name"]),
                city=str(u.get("city", "")),
                address=str(u.get("address", "")),
                timezone=str(u.get("timezone", "Asia/Jakarta")),
                people=tuple(people),
                former=tuple(_person(p, code) for p in u.get("former", [])),
                sop=str(base / u["sop"] if base and u.get("sop") else u.get("sop", "")),
                role_labels=_role_labels(u),
                **_identity(u),
            )
        except KeyError as exc:
            raise RosterError(f"roster unit is missing field {exc}") from exc
        except ValueError as exc:
            raise RosterError(f"roster unit {u.get('code', '?')}: {exc}") from exc
        if any(existing.code == code for existing in units):
            raise RosterError(f"unit code {code} appears twice in the roster")
        for role in SINGLE_ROLES:
            if len(unit.with_role(role)) > 1 or not (partial or unit.with_role(role)):
                raise RosterError(f"unit {code} must have exactly one {role.value}")
        if not partial and not unit.with_role(Role.TIM_KERJA):
            raise RosterError(f"unit {code} has no tim_kerja member")
        units.append(unit)
    evaluators, names = _evaluators(raw, seen_ids)
    return Roster(units=tuple(units), evaluators=evaluators, pemda_names=names)


def _evaluators(
    raw: dict, seen_ids: set[int]
) -> tuple[tuple[Evaluator, ...], tuple[tuple[str, Government], ...]]:
    """``[[evaluator]]``: each pemda evaluator, checked (nobody is both a unit's member and
    an evaluator, nor an evaluator twice)."""
    listed = raw.get("evaluator") or []
    if isinstance(listed, dict):
        listed = [listed]
    evaluators: list[Evaluator] = []
    names: dict[str, Government] = {}
    for entry in listed:
        try:
            evaluator, government = parse_evaluator(entry)
        except KeyError as exc:
            raise RosterError(f"roster evaluator is missing field {exc}") from exc
        except (ValueError, InputError) as exc:
            raise RosterError(f"roster evaluator {entry.get('telegram_id', '?')}: {exc}") from exc
        if evaluator.user_id in seen_ids:
            raise RosterError(f"telegram_id {evaluator.user_id} appears twice in the roster")
        seen_ids.add(evaluator.user_id)
        evaluators.append(evaluator)
        names.setdefault(evaluator.pemda, government)
    return tuple(evaluators), tuple(names.items())


def _person(p: dict, unit: str) -> Person:
    return Person(
        user_id=int(p["telegram_id"]),
        name=str(p["name"]),
        nip=str(p.get("nip", "")),
        position=str(p.get("position", "")),
        role=Role(p["role"]),
        unit=unit,
        admin=bool(p.get("admin", False)),
    )


def _role_labels(u: dict) -> tuple[tuple[Role, str], ...]:
    """``[unit.role_labels]``: a role's label as this unit writes it (checked)."""
    raw = u.get("role_labels") or {}
    if not isinstance(raw, dict):
        raise ValueError("role_labels must be a table of role = label")
    labels = []
    for key, value in raw.items():
        label = " ".join(str(value).split())
        if not 2 <= len(label) <= 60:
            raise ValueError(f"role_labels.{key} must be 2-60 characters")
        labels.append((Role(key), label))
    return tuple(labels)


def _identity(u: dict) -> dict:
    """The kop fields of a roster unit, checked like the same fields typed in chat."""
    values: dict = {}
    try:
        if "government" in u:
            values["government"] = parse_government(str(u["government"]))
        for name in ("phone", "email", "website"):
            if u.get(name):
                values[name] = parse_field(name, str(u[name]))
        if isinstance(u.get("logo"), Logo):
            values["logo"] = u["logo"]
    except InputError as exc:
        raise RosterError(f"roster unit {u.get('code', '?')}: {exc}") from exc
    return values


def _read_logos(raw: dict, folder: Path) -> None:
    """Replace each unit's ``logo`` path (relative to the roster) by the checked image."""
    units = raw.get("unit")
    for u in [units] if isinstance(units, dict) else units or []:
        if "logo" not in u:
            continue
        path = folder / str(u["logo"])
        try:
            u["logo"] = check_logo(path.name, path.read_bytes())
        except OSError as exc:
            raise RosterError(f"roster unit {u.get('code', '?')}: logo {path}: {exc}") from exc
        except InputError as exc:
            raise RosterError(f"roster unit {u.get('code', '?')}: {exc}") from exc


def load_raw(path: Path | str) -> dict:
    """The roster file as TOML data (what ``lkj-bot roster import`` stores)."""
    try:
        with open(path, "rb") as fh:
            return tomllib.load(fh)
    except FileNotFoundError as exc:
        raise RosterError(f"roster file not found: {path}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise RosterError(f"roster file {path} is not valid TOML: {exc}") from exc


def roster_from_raw(raw: dict, folder: Path, *, partial: bool = False) -> Roster:
    """Parse roster data whose ``logo`` and ``sop`` paths are relative to ``folder``."""
    raw = copy.deepcopy(raw)
    _read_logos(raw, folder.resolve())
    return parse_roster(raw, folder, partial=partial)


def load_roster(path: Path | str) -> Roster:
    return roster_from_raw(load_raw(path), Path(path).parent)
