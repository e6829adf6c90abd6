"""A file to embed in an archival PDF, in a module of its own so that building one (the bot
process does, for signed reports) does not import WeasyPrint; rendering happens in a worker."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EmbeddedFile:
    """A file the caller built to embed in an archival PDF (e.g. the report's data workbook)."""

    name: str
    data: bytes
    description: str
    #: AFRelationship: "Data" (the report's own data) or "Source" (a document it reproduces).
    relationship: str = "Data"
