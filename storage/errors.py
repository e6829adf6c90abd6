"""Errors every backend of the store raises alike (the TinyDB files and PostgreSQL)."""

from __future__ import annotations


class ConcurrentUpdateError(Exception):
    """The stored cycle changed since it was read; the caller must reload and retry."""
