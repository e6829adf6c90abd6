"""Turning what the bot sends into what the user sees, and detecting entities in user text.

Telegram stores the visible text plus entities and trims surrounding whitespace; tests
assert on the visible text, so the emulator must do the same transformation.
"""

from __future__ import annotations

import re
from typing import Any

from .errors import bad_request
from .html_parse import HtmlError, parse_html, utf16_len

_COMMAND = re.compile(r"(?<![\w/@])/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?(?![\w/])")
_URL = re.compile(r"https?://[^\s<>\"]+", re.IGNORECASE)
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{5,32}\b")
_EMAIL = re.compile(r"(?<![\w.+-])[\w.+-]+@[\w-]+\.[\w.-]+\w")


def format_text(
    raw: str, parse_mode: str | None, entities: Any, strict_html: bool = True
) -> tuple[str, list[dict]]:
    """Apply parse_mode (HTML only; MarkdownV2/Markdown are kept verbatim) and trim."""
    if entities is not None:
        if not isinstance(entities, list):
            raise bad_request("can't parse entities JSON object")
        text, ents = raw, [dict(e) for e in entities if isinstance(e, dict)]
    elif parse_mode is None or parse_mode == "":
        text, ents = raw, []
    else:
        mode = str(parse_mode).lower()
        if mode == "html":
            try:
                text, ents = parse_html(raw, strict=strict_html)
            except HtmlError as exc:
                raise bad_request(f"can't parse entities: {exc}") from exc
        elif mode in ("markdownv2", "markdown"):
            text, ents = raw, []
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode}")
    return strip_text(text, ents)


def strip_text(text: str, entities: list[dict]) -> tuple[str, list[dict]]:
    """Trim leading/trailing whitespace and shift/clip entities like Telegram does."""
    stripped = text.lstrip()
    shift = utf16_len(text) - utf16_len(stripped)
    stripped = stripped.rstrip()
    total = utf16_len(stripped)
    result = []
    for entity in entities:
        start = max(entity["offset"] - shift, 0)
        end = min(entity["offset"] + entity["length"] - shift, total)
        if end > start:
            result.append({**entity, "offset": start, "length": end - start})
    return stripped, result


def detect_entities(text: str) -> list[dict]:
    """Entities Telegram adds to a user's plain message (commands, URLs, mentions, e-mails)."""
    found: list[dict] = []
    for kind, pattern in (
        ("bot_command", _COMMAND),
        ("url", _URL),
        ("mention", _MENTION),
        ("email", _EMAIL),
    ):
        for m in pattern.finditer(text):
            found.append(
                {
                    "type": kind,
                    "offset": utf16_len(text[: m.start()]),
                    "length": utf16_len(m.group(0)),
                }
            )
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return _drop_overlaps(found)


def _drop_overlaps(entities: list[dict]) -> list[dict]:
    kept: list[dict] = []
    end = -1
    for entity in entities:
        if entity["offset"] >= end:
            kept.append(entity)
            end = entity["offset"] + entity["length"]
    return kept
