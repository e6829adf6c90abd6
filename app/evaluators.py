"""Use cases of a pemda's evaluators joining by invitation (issue 22): the operator or a pemda
administrator invites the Inspektorat, the Bagian Organisasi or the Bappeda for the whole
pemda; the invitee accepts and is in the roster's ``evaluator`` list at once, read-only over
every unit of the pemda. Telegram-free: the chat's /undang_evaluator, the deep link and
``lkj-bot invite-evaluator`` call these.

Each change is one atomic write of its store (the invitations, the roster) and its audit line
follows it, in the operator's log (outside any unit); the rules are
``domain.evaluator_invitations``.
"""

from __future__ import annotations

from dataclasses import replace

from app.audit import record
from app.services import EvaluatorStore
from domain.evaluator_invitations import (
    EvaluatorInvitation,
    accept_evaluator,
    check_inviter,
    invite_evaluator,
    pemda_government,
    usable_evaluator,
)
from domain.invitations import new_code
from domain.pemda import Evaluator

CREATED = "undangan_evaluator_dibuat"
REVOKED = "undangan_evaluator_dicabut"
ACCEPTED = "undangan_evaluator_diterima"
#: The audit's role of an evaluator and of the operator.
EVALUATOR = "evaluator"
OPERATOR = "operator"


def _role(operator: bool) -> str:
    return OPERATOR if operator else EVALUATOR


def create_evaluator_invitation(
    services: EvaluatorStore,
    pemda: str,
    body: str,
    by: int,
    *,
    operator: bool,
    admin: bool = False,
) -> EvaluatorInvitation:
    """Make, store and audit an evaluator invitation for ``pemda`` and ``body``. ``operator``:
    ``by`` is the operator (``LKJ_ADMIN_IDS``; 0 on the server), else an evaluator who must
    administer that pemda."""
    services.refresh_roster()
    roster = services.roster
    check_inviter(operator, roster.evaluator(by), pemda, admin)
    government = pemda_government(roster, pemda)
    invitation = invite_evaluator(
        pemda, government, body, by, services.now(), code=new_code(), admin=admin
    )
    services.evaluator_invitations.save(invitation)
    detail = {"code": invitation.code, "pemda": pemda, "body": body, "admin": admin}
    record(services, None, by, _role(operator), CREATED, None, detail)
    return invitation


def evaluator_invitations(services: EvaluatorStore, pemda: str) -> list[EvaluatorInvitation]:
    """The pemda's evaluator invitations, oldest first."""
    return services.evaluator_invitations.of_pemda(pemda)


def revoke_evaluator_invitation(
    services: EvaluatorStore, code: str, by: int, *, operator: bool, update_id: int | None
) -> EvaluatorInvitation | None:
    """Revoke a code still usable; None when there is no such evaluator invitation. The
    operator revokes any; a pemda administrator those of their pemda."""
    invitation = services.evaluator_invitations.get(code)
    if invitation is None:
        return None
    check_inviter(operator, services.roster.evaluator(by), invitation.pemda, False)
    usable_evaluator(invitation, services.now())
    revoked = replace(invitation, revoked_at=services.now())
    services.evaluator_invitations.save(revoked)
    detail = {"code": code, "pemda": invitation.pemda}
    record(services, None, by, _role(operator), REVOKED, update_id, detail)
    return revoked


def accept_evaluator_invitation(
    services: EvaluatorStore,
    code: str,
    user_id: int,
    details: tuple[str, str, str],
    update_id: int | None,
) -> Evaluator:
    """``user_id`` accepts: into the roster's ``evaluator`` list (store and memory) at once,
    the invitation spent, audited. The invitation is read again from the store (one used or
    revoked meanwhile is refused); a unit's member is refused."""
    services.refresh_roster()
    invitation = services.evaluator_invitations.get(code)
    if invitation is None:
        raise KeyError(code)
    used, entry = accept_evaluator(invitation, services.roster, user_id, details, services.now())
    raw = services.rosters.raw()
    raw.setdefault("evaluator", []).append(entry)
    services.save_roster(raw)
    services.evaluator_invitations.save(used)
    evaluator = services.roster.evaluator(user_id)
    assert evaluator is not None
    detail = {
        "code": code,
        "pemda": invitation.pemda,
        "body": invitation.body,
        "invited_by": invitation.created_by,
        "admin": invitation.admin,
    }
    record(services, None, user_id, EVALUATOR, ACCEPTED, update_id, detail)
    return evaluator
