"""Someone leaves a unit (removed, or replaced through an invitation): told, menu cleared,
their stand-in appointments ended."""

from __future__ import annotations

from telegram.ext import ContextTypes

from domain.roster import Person, Unit
from handlers import menu, texts
from handlers.common import send_text, svc
from handlers.outbox import REASONS, drop_owed_to
from handlers.standins import on_departure


async def leave(
    context: ContextTypes.DEFAULT_TYPE,
    former: Person,
    unit: Unit,
    successor: Person | None,
    by: Person | None = None,
) -> None:
    """Who left: told, their menu cleared (their buttons are refused: they are no member);
    their Plh/Plt appointments end with them (``by``: who removed them, else the successor);
    what was still owed to them is struck off (:func:`_drop_owed`)."""
    await menu.clear_menu(context.bot, svc(context), former.user_id)
    await send_text(
        context, former.user_id, texts.staff_left(unit.name, successor.name if successor else None)
    )
    actor = by or successor
    if actor is not None:
        await on_departure(context, unit, former, actor)
    await _drop_owed(context, unit, former, successor, actor)


async def _drop_owed(
    context: ContextTypes.DEFAULT_TYPE,
    unit: Unit,
    former: Person,
    successor: Person | None,
    actor: Person | None,
) -> None:
    """What was still owed to who left (their chat not started or blocked) is struck off
    and the administrators told, so nothing stays owed to, and unlisted for, a non-member."""
    services = svc(context)
    count, state = await drop_owed_to(
        services, unit.code, former.user_id, actor.user_id if actor else 0, services.now()
    )
    if not count:
        return
    reason = REASONS.get(state, texts.REASON_RETRYING)
    note = texts.owed_dropped(former.name, count, reason, successor.name if successor else None)
    for admin in services.roster.unit(unit.code).administrators:
        await send_text(context, admin.user_id, note)
