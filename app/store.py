"""What a channel needs to know of the store, named through the application layer (a channel
imports no storage module): the refusal of a write that lost a race, whether an error means a
full disk, the states of a person's chat, and the repository of progress notes' type."""

from __future__ import annotations

from storage.atomic import storage_full
from storage.chats import BLOCKED, NOT_STARTED, OPEN
from storage.repositories import ConcurrentUpdateError, NoteRepository

__all__ = [
    "BLOCKED",
    "NOT_STARTED",
    "OPEN",
    "ConcurrentUpdateError",
    "NoteRepository",
    "storage_full",
]
