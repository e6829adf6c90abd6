"""The shapes of the routing table (``handlers/routes.py``) and how a handler reads it.

The table is built once, explicitly, in ``handlers/routes.py``; ``handlers/registry.py`` builds
the PTB handlers from it and keeps it in ``bot_data`` so the button dispatcher, the forms and the
passphrase chat find their entries at run time. Nothing registers itself by being imported.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Coroutine, Mapping
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.ext import ContextTypes

from domain.roster import Person

#: A button press by an official: returns the short notice for the press.
ButtonAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, Person, dict[str, Any]], Awaitable[str]]
#: A button someone outside every unit may press (an invitation's Terima).
GuestAction = Callable[[Update, ContextTypes.DEFAULT_TYPE, dict[str, Any]], Awaitable[str]]
#: What a form's Kirim does with its answers.
Finisher = Callable[[Update, ContextTypes.DEFAULT_TYPE, Person, dict[str, Any]], Awaitable[None]]
# Document fields may name a check: it turns the stored file into the field's value (for
# example a parsed targets workbook) or raises InputError, and the form waits for another file.
DocumentCheck = Callable[[Any, Person, dict[str, Any], Any], tuple[Any, str]]
# Text fields may name one too: it turns the typed text into (value, display) or raises
# InputError, and the form asks again.
TextCheck = Callable[[str], tuple[Any, str]]
# ... or one that also reads the answers given so far (a last day checked against the first):
# it raises InputError at the moment the text is typed, and the form asks again.
FormTextCheck = Callable[[str, dict[str, Any]], tuple[Any, str]]
# A multiple-choice toggle may also be set by what was typed (a line of a return's reason
# that starts with an indicator code marks it): ``implied`` names a reader of the form's
# values and the options that returns those the text marks; they are shown ticked too.
ImpliedToggle = Callable[[dict[str, Any], list[str]], list[str]]

#: The message handler that answers a session which is not a form (it reads the session).
SessionHandler = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[Any]]

#: Where the table is kept in ``bot_data``.
ROUTES_KEY = "routes"


@dataclass(frozen=True)
class Command:
    """A private chat's command: its names, its handler, and whether only a registered
    official may use it (the handler then takes the person: ``handlers.commands.registered``)."""

    names: tuple[str, ...]
    callback: Callable[..., Coroutine[Any, Any, None]]
    members_only: bool = True


@dataclass(frozen=True)
class Routes:
    commands: tuple[Command, ...]
    buttons: Mapping[str, ButtonAction]
    guest_buttons: Mapping[str, GuestAction]
    finishers: Mapping[str, Finisher]
    #: Sessions answered by their own message handler, not a form's Kirim (form -> where).
    other_sessions: Mapping[str, SessionHandler]
    text_checks: Mapping[str, TextCheck]
    form_text_checks: Mapping[str, FormTextCheck]
    document_checks: Mapping[str, DocumentCheck]
    implied_toggles: Mapping[str, ImpliedToggle]
    #: The report flows by the action name of their confirming sign button: a signature
    #: resumed after its passphrase (``handlers.tte_chat``).
    signing_flows: Mapping[str, Any]

    def button_actions(self) -> list[str]:
        """Every action a signed button may name."""
        return [*self.buttons, *self.guest_buttons]


def routes_of(context: ContextTypes.DEFAULT_TYPE) -> Routes:
    return context.application.bot_data[ROUTES_KEY]
