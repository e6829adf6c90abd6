"""User text made safe to show: bidirectional controls removed, file names without paths.

A right-to-left override (U+202E) typed into a note, or hidden in a file name such as
``laporan\u202efdp.exe``, would reverse the text after it in a message or a signed report.
Every user text that reaches a document or a message passes through ``neutralise_bidi``;
every uploaded file's name through ``display_filename``.
"""

from __future__ import annotations

import re

# Embeddings, overrides and isolates (LRE RLE PDF LRO RLO, LRI RLI FSI PDI), the implicit
# marks (LRM RLM) and the Arabic letter mark: none is needed in Indonesian text.
BIDI_CONTROLS = frozenset(
    "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
)
_BIDI_RE = re.compile("[" + "".join(sorted(BIDI_CONTROLS)) + "]")

MAX_FILENAME = 120
DEFAULT_FILENAME = "berkas"


def neutralise_bidi(text: str) -> str:
    """``text`` without bidirectional control characters."""
    return _BIDI_RE.sub("", text)


def display_filename(name: str | None) -> str:
    """The file name a user sent, without folders (``C:\\Users\\x\\a.pdf`` -> ``a.pdf``),
    bidi controls or other control characters, cut to a length that fits a message."""
    text = neutralise_bidi(name or "")
    text = re.sub(r"[\x00-\x1f\x7f]", "", text)
    text = re.split(r"[/\\]", text)[-1].strip()
    if text in ("", ".", ".."):
        return DEFAULT_FILENAME
    if len(text) > MAX_FILENAME:
        stem, dot, ext = text.rpartition(".")
        if dot and 0 < len(ext) <= 8:
            text = stem[: MAX_FILENAME - len(ext) - 1] + "." + ext
        else:
            text = text[:MAX_FILENAME]
    return text


def format_nip(nip: str | None) -> str:
    """A NIP as it is printed: ``196905121994031005`` -> ``19690512 199403 1 005`` (birth
    date, appointment month, sex, serial). Anything not 18 digits is returned as written."""
    text = (nip or "").strip()
    digits = text.replace(" ", "")
    if len(digits) != 18 or not digits.isdigit():
        return text
    return f"{digits[:8]} {digits[8:14]} {digits[14]} {digits[15:]}"
