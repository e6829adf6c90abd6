"""Someone leaves a unit (removed, or replaced through an invitation): told, menu cleared,
their stand-in appointments ended."""

from __future__ import annotations

from telegram.ext import ContextTypes

from domain.roster import Person, Unit
from handlers import menu, texts
from handlers.common import send_text, svc
from handlers.standins import on_departure


async def leave(
    context: ContextTypes.DEFAULT_TYPE,
    former: Person,
    unit: Unit,
    successor: Person | None,
    by: Person | None = None,
) -> None:
    """Who left: told, their menu cleared (their buttons are refused: they are no member);
    their Plh/Plt appointments end with them (``by``: who removed them, else the successor)."""
    await menu.clear_menu(context.bot, svc(context), former.user_id)
    await send_text(
        context, former.user_id, texts.staff_left(unit.name, successor.name if successor else None)
    )
    actor = by or successor
    if actor is not None:
        await on_departure(context, unit, former, actor)
