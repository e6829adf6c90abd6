"""House rule: every Indonesian text a user sees lives in the handlers/texts/ package.

An AST check over every other module of handlers/, over webapp/ (the Mini App's server) and
bot/app.py: a string literal (an f-string's constant parts included) that reads as Indonesian
is reported with its file and line. It reads as Indonesian when it holds a space and a word
of the bot's Indonesian vocabulary (common words below plus every word the texts modules
themselves use), or when it is one capitalised word of that vocabulary (a button or a field
label such as "Batal"). Identifiers (callback actions, command names, dictionary keys, file
names) have no space and are not capitalised words, so they pass; docstrings are code
documentation and log messages are English, so they pass too.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDLERS = ROOT / "handlers"
TEXTS = HANDLERS / "texts"  # a package by feature; every module of it holds texts
# What a Telegram user reads comes from the handlers, the Mini App's server and the error
# handler of bot/app.py. The rest of bot/ (command line, settings), demo/ (narration, the cast's
# typed input) and storage/ speak to the operator, not to a user in chat.
CHECKED = [*HANDLERS.glob("*.py"), *(ROOT / "webapp").glob("*.py"), ROOT / "bot" / "app.py"]
TEXT_MODULES = sorted(TEXTS.glob("*.py"))

# Common Indonesian words of the bot's sentences: enough that a new sentence is caught even
# when its subject matter is new.
COMMON = frozenset(
    """
    ada adalah agar akan anda atau bagi bahwa baru belum berikut bila bisa dalam dan dapat
    dari dengan di dipilih diproses ditandai harus hanya ini itu jika juga kami ke kembali
    kepada lagi lalu masih melalui mohon maaf oleh pada perlu saat sebagai sedang sehingga
    sekarang selesai semua setelah silakan sudah telah tersebut terima kasih tidak untuk
    yang ya
    """.split()
)
# Words the texts module uses that are also English or code: they alone prove nothing.
SHARED = frozenset(
    """
    bot bukan code csv data docx file html id ii iii iv jpg lkj menu no ok pdf png pre program
    mail rp sakip sha status target telegram tte unit url web xlsx
    """.split()
)


def _vocabulary() -> frozenset[str]:
    words: set[str] = set(COMMON)
    for module in TEXT_MODULES:
        tree = ast.parse(module.read_text(encoding="utf-8"))
        skip = _docstrings(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                if id(node) not in skip:
                    words.update(w.lower() for w in re.findall(r"[^\W\d_]{2,}", node.value))
    return frozenset(words - SHARED)


def _docstrings(tree: ast.AST) -> set[int]:
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                found.add(id(body[0].value))
    return found


VOCABULARY = _vocabulary()

# Literals that read as Indonesian but are never shown: (module, literal), each with its reason.
ALLOWED = frozenset(
    {
        # placeholders for the other invitation details when one is checked on its own
        ("handlers/invitations.py", "Nama Contoh"),
        ("handlers/invitations.py", "Jabatan"),
    }
)


def reads_indonesian(text: str, vocabulary: frozenset[str] = VOCABULARY) -> bool:
    """A sentence or label in Indonesian (see the module docstring), not an identifier."""
    words = re.findall(r"[^\W\d_]{2,}", text)
    if not words:
        return False
    if not re.search(r"\s", text.strip()):
        # One token: an identifier passes; a capitalised Indonesian word is a label.
        word = text.strip().rstrip(".!?…:")
        return bool(re.fullmatch(r"[A-Z][a-z]+", word)) and word.lower() in vocabulary
    return any(w.lower() in vocabulary for w in words)


def inline_texts(source: str, filename: str = "<snippet>") -> list[tuple[int, str]]:
    """(line, literal) for every string literal of the source that reads as Indonesian."""
    tree = ast.parse(source, filename)
    skip = _docstrings(tree)
    found = [
        node
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in skip
        and reads_indonesian(node.value)
    ]
    return [(n.lineno, n.value) for n in sorted(found, key=lambda n: (n.lineno, n.col_offset))]


def test_no_indonesian_text_outside_the_texts_module():
    modules = sorted(path for path in CHECKED if path not in TEXT_MODULES)
    assert len(modules) > 20  # the check looks where the handlers are
    found = [
        f"{path.relative_to(ROOT)}:{line}: {text!r}"
        for path in modules
        for line, text in inline_texts(path.read_text(encoding="utf-8"), str(path))
        if (str(path.relative_to(ROOT)), text) not in ALLOWED
    ]
    assert not found, "move these texts into handlers/texts/:\n" + "\n".join(found)


def test_every_allowed_literal_still_exists():
    """An allow-list entry whose literal is gone would silently excuse a new text."""
    for module, text in ALLOWED:
        found = inline_texts((ROOT / module).read_text(encoding="utf-8"))
        assert text in {literal for _, literal in found}, (module, text)


INLINE = '''
async def cmd_x(update, context, person):
    """Kirim laporan: a docstring is documentation, not a message."""
    log.info("menu of %s not set yet: %s", person.user_id, "x")
    await send_text(context, person.user_id, f"Laporan {period} telah dikirim kepada {names}.")
    rows = [[("Batal", {"action": "upload_cancel"})]]
    raise InputError("Mohon kirimkan berkas PDF.")
'''

CLEAN = '''
from handlers import texts

async def cmd_x(update, context, person):
    """Tuliskan catatan: a docstring is documentation, not a message."""
    log.warning("delivery to %s postponed: %s", person.user_id, "timeout")
    payload = {"action": "upload_cancel", "cycle": cycle_id("satpolpp", 2026, 1)}
    audit_refusal(context, update, person, "anggaran", texts.NO_TARGETS)
    parse_mode = "HTML"
    line = f"<b>{texts.esc(name)}</b>\\n" + "\\n".join(["• ", " — ", ": "])
    name = f"Realisasi_TW-{roman}_{year}.xlsx"
    await send_text(context, person.user_id, texts.field_empty(f"{label} {code}"), rows)
'''


def test_the_check_reports_inline_indonesian():
    found = inline_texts(INLINE)
    assert [text for _, text in found] == [
        "Laporan ",
        " telah dikirim kepada ",
        "Batal",
        "Mohon kirimkan berkas PDF.",
    ]
    assert [line for line, _ in found] == [5, 5, 6, 7]


def test_the_check_passes_code_logs_markup_and_identifiers():
    assert inline_texts(CLEAN) == []


def test_a_text_put_back_into_a_real_handler_is_reported():
    """The rule holds for the real module, and breaks when a text moves back inline."""
    source = (HANDLERS / "cycle.py").read_text(encoding="utf-8")
    assert inline_texts(source) == []
    planted = source + '\nNOTE = f"Berkas {name} tidak dicatat untuk butir data mana pun."\n'
    last = planted.count("\n")
    assert inline_texts(planted) == [
        (last, "Berkas "),
        (last, " tidak dicatat untuk butir data mana pun."),
    ]


def test_the_vocabulary_reads_the_texts_module():
    """Words only the texts module uses are known too, so a label like "Pemegang" is caught."""
    assert "pemegang" not in COMMON and "pemegang" in VOCABULARY
    assert reads_indonesian("Pemegang")
    assert not reads_indonesian("pemegang_jabatan")
    assert not reads_indonesian("user %s has blocked the bot")
