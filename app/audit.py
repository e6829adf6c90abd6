"""An act of a unit's administration (a stand-in, an invitation, a mutasi) in the audit log.

These changes are not a cycle's: each is one atomic write of its own store (the roster, the
invitations, the stand-ins), and its audit line follows it."""

from __future__ import annotations

from typing import Any

from app.services import Audited


def record(
    services: Audited,
    unit: str | None,
    actor: int,
    role: str,
    action: str,
    update_id: int | None,
    detail: Any,
) -> None:
    """Append one audit line for ``unit`` (None: the operator's, outside any unit)."""
    services.audit.append(
        unit,
        services.now().year,
        {
            "at": services.now(),
            "actor": actor,
            "role": role,
            "update_id": update_id,
            "action": action,
            "detail": detail,
        },
    )
