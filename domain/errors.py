"""Errors whose message is meant for the user (formal Indonesian)."""

from __future__ import annotations


class DomainError(Exception):
    """A refused action; str(error) is shown to the user as it is."""


class WorkflowError(DomainError):
    """The action does not fit the cycle's current step (stale, repeated, out of order)."""


class RoleError(DomainError):
    """The actor's role may not perform this action."""


class InputError(DomainError):
    """The input given with the action is unusable (empty note, unknown item, bad file)."""


class SopError(Exception):
    """The SOP table itself is malformed: a configuration error, not a user error."""
