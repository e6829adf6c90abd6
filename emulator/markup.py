"""Validation of reply_markup, mirroring the checks Telegram applies to keyboards.

The 64-byte callback_data limit in particular is a classic production-only failure.
"""

from __future__ import annotations

from typing import Any

from .errors import bad_request

INLINE_ACTIONS = (
    "callback_data",
    "url",
    "login_url",
    "switch_inline_query",
    "switch_inline_query_current_chat",
    "switch_inline_query_chosen_chat",
    "callback_game",
    "pay",
    "web_app",
    "copy_text",
)
MAX_CALLBACK_DATA_BYTES = 64


def validate_markup(markup: Any, inline_only: bool = False) -> dict | None:
    """Return the markup to store (None when absent) or raise the Bot API error."""
    if markup is None:
        return None
    if not isinstance(markup, dict):
        raise bad_request("can't parse reply keyboard markup JSON object")
    if "inline_keyboard" in markup:
        _validate_inline(markup["inline_keyboard"])
        return markup
    if inline_only:
        raise bad_request("inline keyboard expected")
    if "keyboard" in markup:
        rows = markup["keyboard"]
        if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
            raise bad_request("can't parse reply keyboard markup JSON object")
        return markup
    if markup.get("remove_keyboard") or markup.get("force_reply"):
        return markup
    raise bad_request("can't parse reply keyboard markup JSON object")


def _validate_inline(rows: Any) -> None:
    if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
        raise bad_request(
            'can\'t parse inline keyboard button: Field "inline_keyboard" must be of type Array'
        )
    for row in rows:
        for button in row:
            if not isinstance(button, dict):
                raise bad_request(
                    "can't parse inline keyboard button: InlineKeyboardButton must be an Object"
                )
            if not isinstance(button.get("text"), str) or not button["text"]:
                raise bad_request("can't parse inline keyboard button: Text must be non-empty")
            actions = [a for a in INLINE_ACTIONS if a in button]
            if not actions:
                raise bad_request(
                    "can't parse inline keyboard button: Text buttons are "
                    "unallowed in the inline keyboard"
                )
            if "callback_data" in button:
                data = str(button["callback_data"])
                if not 1 <= len(data.encode("utf-8")) <= MAX_CALLBACK_DATA_BYTES:
                    raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button:
                url = str(button["url"])
                if not url.lower().startswith(("http://", "https://", "tg://")):
                    raise bad_request("BUTTON_URL_INVALID")


def inline_rows(markup: dict | None) -> list[list[tuple[str, str | None]]]:
    """Test-friendly view: rows of (text, callback_data, url or web_app url)."""
    if not markup or "inline_keyboard" not in markup:
        return []
    return [
        [
            (b["text"], b.get("callback_data", b.get("url", (b.get("web_app") or {}).get("url"))))
            for b in row
        ]
        for row in markup["inline_keyboard"]
    ]


def reply_keyboard_rows(markup: dict | None) -> list[list[str]] | None:
    """Texts of a ReplyKeyboardMarkup; None when the markup is not a reply keyboard."""
    if not markup or "keyboard" not in markup:
        return None
    return [
        [b if isinstance(b, str) else b.get("text", "") for b in row] for row in markup["keyboard"]
    ]
