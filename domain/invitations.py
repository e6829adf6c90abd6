"""Invitations: how a person joins a unit without anyone collecting Telegram ids.

An invitation names a unit and a role (and, optionally, the invitee's name, NIP and jabatan);
its code goes into a deep link ``https://t.me/<bot>?start=<code>``. A code is single use,
expires (7 days by default), can be revoked, and is refused once any of that happened. The
rules here are pure; the error messages are shown to the user.
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from domain.errors import InputError, RoleError
from domain.identity import government_from_name, parse_government
from domain.roles import Role
from domain.roster import SINGLE_ROLES, Person, Unit

PREFIX = "inv-"
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"  # no l, o, 0, 1: read aloud over the phone
_BODY = 16  # 80 bits: not guessable, and guesses are rate-limited and audited
CODE_SHAPE = re.compile(rf"^{PREFIX}[{_ALPHABET}]{{{_BODY}}}$")
VALID_DAYS = 7
UNIT_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{1,39}$")

ACTIVE, USED, EXPIRED, REVOKED = "aktif", "terpakai", "kedaluwarsa", "dicabut"


def link_state(
    used_at: datetime | None, revoked_at: datetime | None, expires_at: datetime, now: datetime
) -> str:
    """An invitation link's state (a unit's or a pemda evaluator's): used, revoked, expired
    or active, in that order."""
    if used_at is not None:
        return USED
    if revoked_at is not None:
        return REVOKED
    if now >= expires_at:
        return EXPIRED
    return ACTIVE


def new_code() -> str:
    return PREFIX + "".join(secrets.choice(_ALPHABET) for _ in range(_BODY))


@dataclass(frozen=True)
class Invitation:
    code: str
    unit: str
    role: Role
    created_by: int  # 0: the operator on the server (lkj-bot invite)
    created_at: datetime
    expires_at: datetime
    admin: bool = False  # the invitee becomes the unit's administrator
    name: str = ""  # empty: the invitee types name, NIP and jabatan
    nip: str = ""
    position: str = ""
    used_by: int | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None
    #: A replacement (mutasi): the holder of the role who leaves when this is accepted.
    replaces: int | None = None
    #: Revoked because a newer invitation to the same post was made (its code).
    replaced_by: str = ""

    def state(self, now: datetime) -> str:
        return link_state(self.used_at, self.revoked_at, self.expires_at, now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "unit": self.unit,
            "role": self.role.value,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "admin": self.admin,
            "name": self.name,
            "nip": self.nip,
            "position": self.position,
            "used_by": self.used_by,
            "used_at": self.used_at.isoformat() if self.used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
            "replaces": self.replaces,
            "replaced_by": self.replaced_by,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Invitation:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(d[key]) if d.get(key) else None

        return cls(
            code=d["code"],
            unit=d["unit"],
            role=Role(d["role"]),
            created_by=int(d["created_by"]),
            created_at=datetime.fromisoformat(d["created_at"]),
            expires_at=datetime.fromisoformat(d["expires_at"]),
            admin=bool(d.get("admin")),
            name=d.get("name", ""),
            nip=d.get("nip", ""),
            position=d.get("position", ""),
            used_by=d.get("used_by"),
            used_at=when("used_at"),
            revoked_at=when("revoked_at"),
            replaces=d.get("replaces"),
            replaced_by=d.get("replaced_by", ""),
        )


def invitable_roles(unit: Unit) -> list[Role]:
    """Roles a unit can still invite to: a vacant single role, and always a team member and
    a (read-only) reviewer."""
    return [r for r in SINGLE_ROLES if not unit.with_role(r)] + [Role.TIM_KERJA, Role.PEREVIU]


def check_admin(unit: Unit, by: Person) -> None:
    """Invitations and mutasi are the unit administrator's (``Unit.administrators``)."""
    if not unit.is_admin(by):
        admins = ", ".join(p.name for p in unit.administrators)
        raise RoleError(f"Mohon maaf, hanya pengelola unit yang dapat melakukannya: {admins}.")


def invite(
    unit: Unit,
    role: Role,
    by: int,
    now: datetime,
    *,
    code: str,
    admin: bool = False,
    details: tuple[str, str, str] | None = None,
    days: int = VALID_DAYS,
    replaces: int | None = None,
) -> Invitation:
    if replaces is not None:
        _check_replaced(unit, role, replaces)
    elif role not in invitable_roles(unit):
        holder = unit.with_role(role)[0]
        raise InputError(
            f"Jabatan {unit.role_label(role)} pada {unit.name} sudah dipegang oleh {holder.name}; "
            "hanya jabatan yang kosong atau anggota Tim Kerja yang dapat diundang."
        )
    name, nip, position = details or ("", "", "")
    return Invitation(
        code=code,
        unit=unit.code,
        role=role,
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=days),
        admin=admin,
        name=name,
        nip=nip,
        position=position,
        replaces=replaces,
    )


def _check_replaced(unit: Unit, role: Role, user_id: int) -> None:
    """A replacement names the current holder of a single role."""
    holder = unit.member(user_id)
    if role not in SINGLE_ROLES or holder is None or holder.role is not role:
        raise InputError(
            f"Penggantian ini tidak berlaku lagi: jabatan {unit.role_label(role)} pada "
            f"{unit.name} sudah berganti pemegang. Mintalah undangan baru kepada pengelola unit."
        )


def post_holder(invitation: Invitation, unit: Unit) -> Person | None:
    """Who holds the post an invitation is for, when that makes it unusable: the holder of a
    single post it would fill, or (a replacement) whoever holds the post now that the
    person it was to replace has left it. None: the post is still open to it."""
    holders = unit.with_role(invitation.role)
    if invitation.role not in SINGLE_ROLES or not holders:
        return None
    if invitation.replaces is not None and holders[0].user_id == invitation.replaces:
        return None
    return holders[0]


def check_post(invitation: Invitation, unit: Unit) -> None:
    """InputError when the post the invitation is for can no longer be taken by it."""
    if invitation.replaces is not None:
        _check_replaced(unit, invitation.role, invitation.replaces)
        return
    holder = post_holder(invitation, unit)
    if holder is not None:
        raise InputError(
            f"Undangan ini tidak dapat dipakai: jabatan {unit.role_label(invitation.role)} pada "
            f"{unit.name} sudah dipegang oleh {holder.name}. Pengelola unit telah diberi tahu; "
            "mintalah undangan baru kepadanya bila undangan ini memang untuk Anda."
        )


def superseded(invitations: list[Invitation], unit: str, role: Role, now: datetime) -> list[str]:
    """The codes a new invitation to ``role`` replaces: one outstanding invitation per single
    post (Kasat, Sekretaris, Kasubbag), so the newest link is the only one that works; a team
    member or reviewer may be invited many times over."""
    if role not in SINGLE_ROLES:
        return []
    return [
        i.code for i in invitations if i.unit == unit and i.role is role and i.state(now) == ACTIVE
    ]


def usable(invitation: Invitation, now: datetime) -> Invitation:
    """The invitation if it can still be accepted; otherwise an InputError saying why."""
    state = invitation.state(now)
    if state == USED:
        raise InputError(
            "Kode undangan ini sudah dipakai. Mintalah undangan baru kepada pengelola unit."
        )
    if state == REVOKED:
        raise InputError("Kode undangan ini telah dicabut oleh pengelola unit.")
    if state == EXPIRED:
        raise InputError(
            "Kode undangan ini sudah kedaluwarsa (berlaku 7 hari). Mintalah undangan baru "
            "kepada pengelola unit."
        )
    return invitation


def accept(
    invitation: Invitation,
    unit: Unit,
    user_id: int,
    details: tuple[str, str, str],
    now: datetime,
) -> tuple[Invitation, dict[str, Any]]:
    """The invitation used by ``user_id`` and the roster entry of the new person."""
    usable(invitation, now)
    check_post(invitation, unit)
    name, nip, position = (" ".join(v.split()) for v in details)
    check_details(name, nip, position)
    person = {
        "role": invitation.role.value,
        "telegram_id": user_id,
        "name": name,
        "nip": nip,
        "position": position,
    }
    if invitation.admin:
        person["admin"] = True
    return replace(invitation, used_by=user_id, used_at=now), person


_NIP = re.compile(r"^\d{18}$")


def check_details(name: str, nip: str, position: str) -> None:
    if not 3 <= len(name) <= 120:
        raise InputError("Nama harus 3–120 karakter, lengkap dengan gelar.")
    if not _NIP.fullmatch(nip.replace(" ", "")):
        raise InputError(f"“{nip}” bukan NIP: NIP terdiri atas 18 angka.")
    if not 3 <= len(position) <= 150:
        raise InputError("Jabatan harus 3–150 karakter.")


def new_unit(code: str, name: str, city: str, government: str = "") -> dict[str, Any]:
    """The roster entry of a unit created in chat or on the server (no people yet). Its
    government (the kop's first line) is ``government`` when given, else read from the
    unit's name ("Dinas Kesehatan Kabupaten Kendal": Kabupaten Kendal); a name that names
    no region needs it given."""
    code, name, city = code.strip().lower(), " ".join(name.split()), " ".join(city.split())
    if not UNIT_CODE.fullmatch(code):
        raise InputError(
            f"“{code}” bukan kode unit: 2–40 huruf kecil, angka, - atau _, misalnya satpolpp-bdg."
        )
    if len(name) < 3 or len(city) < 2:
        raise InputError("Nama unit dan kota wajib diisi.")
    if government.strip():
        level = parse_government(government)
    else:
        derived = government_from_name(name)
        if derived is None:
            raise InputError(
                f"Pemerintah daerah unit “{name}” tidak dapat dibaca dari namanya. Tambahkan "
                "bagian keempat, misalnya “| Kabupaten Kendal”, “| Kota Bandung” atau "
                "“| Provinsi Jawa Barat”."
            )
        level = derived
    return {
        "code": code,
        "name": name,
        "city": city,
        "government": level.to_text(),
        "timezone": "Asia/Jakarta",
        "people": [],
    }
