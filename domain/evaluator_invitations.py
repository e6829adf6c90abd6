"""Invitations of a pemda's evaluators: the Inspektorat, the Bagian Organisasi or the Bappeda
joins by deep link, read-only over every unit of the pemda, like a unit's reviewer.

An evaluator invitation names a pemda (its key and its government as written) and a body;
its code has the shape of a unit invitation's (``inv-…``, :mod:`domain.invitations`), goes
into the same ``https://t.me/<bot>?start=<code>`` link, is single use, expires (7 days) and
can be revoked. It is made by the operator (``LKJ_ADMIN_IDS`` in chat, or ``lkj-bot
invite-evaluator`` on the server) or by an evaluator of that pemda who administers it; only
the operator makes an invitation of a pemda administrator. Nobody is both a unit's member and
an evaluator. The rules are pure; the error messages are shown to the user.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from domain.errors import InputError, RoleError
from domain.identity import Government
from domain.invitations import EXPIRED, REVOKED, USED, VALID_DAYS, check_details, link_state
from domain.pemda import BODIES, Evaluator
from domain.roster import Roster


@dataclass(frozen=True)
class EvaluatorInvitation:
    code: str
    pemda: str  # the pemda's key (domain.pemda.pemda_key)
    government: str  # the pemda as the roster writes it ("Kota Bandung")
    body: str  # one of domain.pemda.BODIES
    created_by: int  # 0: the operator on the server (lkj-bot invite-evaluator)
    created_at: datetime
    expires_at: datetime
    admin: bool = False  # the invitee administers the pemda's evaluators
    used_by: int | None = None
    used_at: datetime | None = None
    revoked_at: datetime | None = None

    @property
    def body_label(self) -> str:
        return BODIES.get(self.body, self.body)

    def state(self, now: datetime) -> str:
        return link_state(self.used_at, self.revoked_at, self.expires_at, now)

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "pemda": self.pemda,
            "government": self.government,
            "body": self.body,
            "created_by": self.created_by,
            "created_at": self.created_at.isoformat(),
            "expires_at": self.expires_at.isoformat(),
            "admin": self.admin,
            "used_by": self.used_by,
            "used_at": self.used_at.isoformat() if self.used_at else None,
            "revoked_at": self.revoked_at.isoformat() if self.revoked_at else None,
        }

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> EvaluatorInvitation:
        def when(key: str) -> datetime | None:
            return datetime.fromisoformat(d[key]) if d.get(key) else None

        return cls(
            code=d["code"],
            pemda=d["pemda"],
            government=d["government"],
            body=d["body"],
            created_by=int(d["created_by"]),
            created_at=datetime.fromisoformat(d["created_at"]),
            expires_at=datetime.fromisoformat(d["expires_at"]),
            admin=bool(d.get("admin")),
            used_by=d.get("used_by"),
            used_at=when("used_at"),
            revoked_at=when("revoked_at"),
        )


def pemda_government(roster: Roster, pemda: str) -> Government:
    """The government of the pemda ``pemda`` (a key the units or evaluators name)."""
    government = roster.pemdas().get(pemda)
    if government is None:
        raise InputError(
            "Pemerintah daerah itu tidak dikenal: belum ada unit kerja lkj-bot yang "
            "termasuk di dalamnya."
        )
    return government


def check_inviter(operator: bool, inviter: Evaluator | None, pemda: str, admin: bool) -> None:
    """Who may invite an evaluator of ``pemda``: the operator, or an evaluator administering
    that pemda; a pemda administrator is made by the operator only."""
    if operator:
        return
    if inviter is None or not inviter.admin or inviter.pemda != pemda:
        raise RoleError(
            "Mohon maaf, undangan evaluator hanya dapat dibuat oleh operator lkj-bot atau "
            "pengelola evaluator pemerintah daerah tersebut."
        )
    if admin:
        raise RoleError(
            "Mohon maaf, undangan sebagai pengelola evaluator pemerintah daerah hanya dapat "
            "dibuat oleh operator lkj-bot."
        )


def invite_evaluator(
    pemda: str,
    government: Government,
    body: str,
    by: int,
    now: datetime,
    *,
    code: str,
    admin: bool = False,
    days: int = VALID_DAYS,
) -> EvaluatorInvitation:
    if body not in BODIES:
        raise InputError(f"Badan evaluator harus salah satu dari: {', '.join(BODIES.values())}.")
    return EvaluatorInvitation(
        code=code,
        pemda=pemda,
        government=government.to_text(),
        body=body,
        created_by=by,
        created_at=now,
        expires_at=now + timedelta(days=days),
        admin=admin,
    )


def usable_evaluator(invitation: EvaluatorInvitation, now: datetime) -> EvaluatorInvitation:
    """The invitation if it can still be accepted; otherwise an InputError saying why."""
    state = invitation.state(now)
    if state == USED:
        raise InputError(
            "Kode undangan evaluator ini sudah dipakai. Mintalah undangan baru kepada operator "
            "lkj-bot atau pengelola evaluator pemerintah daerah Anda."
        )
    if state == REVOKED:
        raise InputError("Kode undangan evaluator ini telah dicabut.")
    if state == EXPIRED:
        raise InputError(
            "Kode undangan evaluator ini sudah kedaluwarsa (berlaku 7 hari). Mintalah undangan "
            "baru kepada operator lkj-bot atau pengelola evaluator pemerintah daerah Anda."
        )
    return invitation


def check_outsider(roster: Roster, user_id: int) -> None:
    """An evaluator is nobody's unit member, and an evaluator once only."""
    person = roster.person(user_id)
    if person is not None:
        unit = roster.unit(person.unit)
        raise RoleError(
            f"Mohon maaf, Anda terdaftar sebagai {person.label} pada {unit.name}. Anggota unit "
            "kerja tidak dapat sekaligus menjadi evaluator pemerintah daerah; undangan ini "
            "tidak dapat Anda pakai."
        )
    evaluator = roster.evaluator(user_id)
    if evaluator is not None:
        raise RoleError(
            f"Anda sudah terdaftar sebagai evaluator ({evaluator.body_label}); undangan ini "
            "tidak diperlukan."
        )


def accept_evaluator(
    invitation: EvaluatorInvitation,
    roster: Roster,
    user_id: int,
    details: tuple[str, str, str],
    now: datetime,
) -> tuple[EvaluatorInvitation, dict[str, Any]]:
    """The invitation used by ``user_id`` and the roster's ``[[evaluator]]`` entry."""
    usable_evaluator(invitation, now)
    check_outsider(roster, user_id)
    name, nip, position = (" ".join(v.split()) for v in details)
    check_details(name, nip, position)
    entry = {
        "telegram_id": user_id,
        "name": name,
        "nip": nip.replace(" ", ""),
        "position": position,
        "body": invitation.body,
        "pemda": invitation.government,
        "admin": invitation.admin,
    }
    return replace(invitation, used_by=user_id, used_at=now), entry
