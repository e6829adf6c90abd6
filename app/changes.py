"""What a use case returns, and the port through which the channel words what it owes.

A use case applies a domain action and returns a :class:`Change` (what happened: the cycle
before and after, the domain's events, the facts the channel needs to word it). The messages
the change owes are built by the channel's notice table (``handlers.notices``), handed to the
use case as a :class:`Notices` port, so they are saved in the same write as the change.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from app.services import Ledger
from app.unit_of_work import Owed
from domain.models import Cycle
from domain.roster import Person, Unit


@dataclass(frozen=True)
class Change:
    """One accepted change of a cycle."""

    #: The use case that made it (``app.realisation.REPORTED``, ...): the notice table's key.
    action: str
    person: Person
    unit: Unit
    before: Cycle
    after: Cycle
    #: The domain's events (``domain.workflow.EV_*``): each maps to its notices.
    events: tuple[str, ...]
    #: Plain facts of the change the wording needs (codes, a file, an item's index).
    detail: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Decision:
    """One accepted act of the approval flow (``app.approval``) on a report of any kind."""

    #: submit, paraf, sign or return (``app.approval.SUBMIT``, ...): the notice table's key.
    verb: str
    #: The kind of report (``app.approval.Flow``), as the channel gave it.
    flow: Any
    person: Person
    unit: Unit
    before: Any
    after: Any


#: The services a port is called with: the use case's own (whatever the channel passed it).
S_contra = TypeVar("S_contra", contravariant=True)


class Notices(Protocol[S_contra]):
    """The channel's notice table: the entries (messages) a change owes, to be saved with it.
    Called with the services the use case was given (the chat's: its whole ``Services``)."""

    def __call__(self, services: S_contra, change: Change | Decision) -> Owed[Ledger]: ...
