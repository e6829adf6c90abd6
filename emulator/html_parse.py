"""Telegram's HTML parse mode, ported from tdlib's ``parse_html``.

Errors use tdlib's wording so a bot that formats messages wrongly fails here the same way
it would fail against api.telegram.org. One deliberate difference: with ``strict=True`` a
bare ``&`` that does not start an entity is rejected, as the Bot API docs require, although
the real server tolerates it; ``>`` is accepted like the real server does.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

ALLOWED_TAGS = {
    "a",
    "b",
    "strong",
    "i",
    "em",
    "s",
    "strike",
    "del",
    "u",
    "ins",
    "tg-spoiler",
    "tg-emoji",
    "span",
    "pre",
    "code",
    "blockquote",
}
SIMPLE_TYPES = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "tg-spoiler": "spoiler",
    "span": "spoiler",
}
_ENTITY = re.compile(r"&(lt|gt|amp|quot|#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6});")
_SPACE = " \t\r\n\f\v"


class HtmlError(ValueError):
    """Raised with tdlib's message; callers prefix ``can't parse entities: ``."""


@dataclass
class _Open:
    tag: str
    arg: str
    offset: int  # UTF-16 offset in the output text
    expandable: bool = False


def utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def parse_html(src: str, strict: bool = True) -> tuple[str, list[dict]]:
    """Return the visible text and its entities (UTF-16 offsets, like the Bot API)."""
    out: list[str] = []
    u16 = 0
    stack: list[_Open] = []
    entities: list[dict] = []
    i, n = 0, len(src)
    while i < n:
        c = src[i]
        if c == "&":
            m = _ENTITY.match(src, i)
            if m:
                ch = _decode(m.group(0))
                out.append(ch)
                u16 += utf16_len(ch)
                i = m.end()
                continue
            if strict:
                raise HtmlError(
                    f"Unescaped '&' at byte offset {_byte(src, i)}; "
                    "escape it as &amp; (the Bot API requires it)"
                )
        if c != "<":
            out.append(c)
            u16 += utf16_len(c)
            i += 1
            continue
        begin = i
        if i + 1 < n and src[i + 1] == "/":
            i = _close_tag(src, i, begin, stack, entities, u16)
        else:
            i = _open_tag(src, i, begin, stack, u16)
    if stack:
        raise HtmlError(f'Can\'t find end tag corresponding to start tag "{stack[-1].tag}"')
    for entity in entities:
        entity.pop("_language", None)  # only meaningful as <pre><code class=...>
    entities.sort(key=lambda e: (e["offset"], -e["length"]))
    return "".join(out), entities


def _decode(entity: str) -> str:
    return html.unescape(entity)


def _byte(src: str, i: int) -> int:
    return len(src[:i].encode("utf-8"))


def _open_tag(src: str, i: int, begin: int, stack: list[_Open], u16: int) -> int:
    n = len(src)
    i += 1
    end = i
    while end < n and src[end] not in _SPACE and src[end] != ">":
        end += 1
    if end >= n:
        raise HtmlError(f"Unclosed start tag at byte offset {_byte(src, begin)}")
    tag = src[i:end].lower()
    if tag not in ALLOWED_TAGS:
        raise HtmlError(f'Unsupported start tag "{tag}" at byte offset {_byte(src, begin)}')
    i = end
    arg, expandable = "", False
    while True:
        while i < n and src[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {_byte(src, begin)}')
        if src[i] == ">":
            break
        name_start = i
        while i < n and src[i] not in _SPACE and src[i] not in "=>":
            i += 1
        name = src[name_start:i].lower()
        if not name:
            raise HtmlError(
                f'Empty attribute name in the tag "{tag}" at byte offset {_byte(src, begin)}'
            )
        while i < n and src[i] in _SPACE:
            i += 1
        if i >= n or src[i] != "=":
            if tag == "blockquote" and name == "expandable":
                expandable = True
                continue
            raise HtmlError(
                f'Expected equal sign in declaration of an attribute of the tag "{tag}" '
                f"at byte offset {_byte(src, begin)}"
            )
        i += 1
        while i < n and src[i] in _SPACE:
            i += 1
        if i >= n:
            raise HtmlError(f'Unclosed start tag "{tag}" at byte offset {_byte(src, begin)}')
        value, i = _attr_value(src, i)
        if i >= n:
            raise HtmlError(f"Unclosed start tag at byte offset {_byte(src, begin)}")
        if tag == "a" and name == "href":
            arg = value
        elif tag == "code" and name == "class" and value.startswith("language-"):
            arg = value[len("language-") :]
        elif tag == "span" and name == "class" and value.startswith("tg-"):
            arg = value[len("tg-") :]
        elif tag == "tg-emoji" and name == "emoji-id":
            arg = value
    if tag == "span" and arg != "spoiler":
        raise HtmlError(
            f'Tag "span" must have class "tg-spoiler" at byte offset {_byte(src, begin)}'
        )
    stack.append(_Open(tag, arg, u16, expandable))
    return i + 1


def _attr_value(src: str, i: int) -> tuple[str, int]:
    n = len(src)
    if src[i] not in "'\"":
        start = i
        while i < n and (src[i].isalnum() or src[i] in ".-"):
            i += 1
        return src[start:i].lower(), i
    quote = src[i]
    i += 1
    start = i
    while i < n and src[i] != quote:
        i += 1
    value = html.unescape(src[start:i])
    if i < n:
        i += 1
    return value, i


def _close_tag(
    src: str, i: int, begin: int, stack: list[_Open], entities: list[dict], u16: int
) -> int:
    n = len(src)
    if not stack:
        raise HtmlError(f"Unexpected end tag at byte offset {_byte(src, begin)}")
    i += 2
    while i < n and src[i] not in _SPACE and src[i] != ">":
        i += 1
    name = src[begin + 2 : i].lower()
    while i < n and src[i] in _SPACE:
        i += 1
    if i >= n or src[i] != ">":
        raise HtmlError(f"Unclosed end tag at byte offset {_byte(src, begin)}")
    top = stack.pop()
    if name and name != top.tag:
        raise HtmlError(
            f"Unmatched end tag at byte offset {_byte(src, begin)}, "
            f'expected "</{top.tag}>", found "</{name}>"'
        )
    length = u16 - top.offset
    if length > 0:
        _add_entity(top, length, entities)
    return i + 1


def _add_entity(top: _Open, length: int, entities: list[dict]) -> None:
    base = {"offset": top.offset, "length": length}
    if top.tag in SIMPLE_TYPES:
        entities.append({"type": SIMPLE_TYPES[top.tag], **base})
    elif top.tag == "a":
        if top.arg:
            entities.append({"type": "text_link", **base, "url": top.arg})
    elif top.tag == "tg-emoji":
        entities.append({"type": "custom_emoji", **base, "custom_emoji_id": top.arg})
    elif top.tag == "blockquote":
        kind = "expandable_blockquote" if top.expandable else "blockquote"
        entities.append({"type": kind, **base})
    elif top.tag == "code":
        entity = {"type": "code", **base}
        if top.arg:
            entity["_language"] = top.arg
        entities.append(entity)
    elif top.tag == "pre":
        language = None
        last = entities[-1] if entities else None
        if (
            last
            and last["type"] == "code"
            and last["offset"] == top.offset
            and (last["length"] == length)
        ):
            language = last.pop("_language", None)
            entities.pop()
        entity = {"type": "pre", **base}
        if language:
            entity["language"] = language
        entities.append(entity)
