"""The log's format: plain lines (default) or one JSON object per line (``LKJ_LOG_FORMAT=json``)
carrying the update id and the unit of the update being handled, so a log collector can
follow one update or one unit across lines and workers."""

from __future__ import annotations

import contextvars
import json
import logging
from datetime import UTC, datetime

#: The update being handled in this task and its sender's unit (set by ``bot.ordering``).
UPDATE_ID: contextvars.ContextVar[int | None] = contextvars.ContextVar("update_id", default=None)
UNIT: contextvars.ContextVar[str | None] = contextvars.ContextVar("unit", default=None)

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        line: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "update_id": UPDATE_ID.get(),
            "unit": UNIT.get(),
        }
        if record.exc_info:
            line["exception"] = self.formatException(record.exc_info)
        return json.dumps(line, ensure_ascii=False)


def configure(level: int, fmt: str) -> None:
    """Set up the root logger once, in the chosen format."""
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter(TEXT_FORMAT))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
