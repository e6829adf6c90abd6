"""Picture guides per role (``lkj-bot guides``): each official's conversation with the bot, as
it really looks, taken from a run of the two demos, with a few sentences per step.

The demos play a whole quarter (``demo.quarter``) and the setting-up of an office by invitation
(``demo.onboarding``) against the emulator; afterwards every chat is read back from the
emulator in order (the bot's messages as first sent, with their buttons and files; what the
person typed, uploaded and tapped) and drawn as a phone chat, with the Mini App's screenshots
where the role uses it. The notes per step come from ``templates/guide_steps.toml``: a note is
shown under the first bot message of the role's chat that contains its ``after`` text. One
HTML file and one PDF (WeasyPrint) per role, and an index, in the output folder.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import shutil
import tempfile
import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape

from demo.onboarding import PEOPLE, REVIEWER, REVIEWER_DETAILS, run_onboarding_demo
from demo.pemda import GUIDE, write_guide
from demo.quarter import DEMO_ROSTER, TOKEN, run_demo
from domain.roster import load_roster
from emulator import BotAPIEmulator

TEMPLATES = Path(str(resources.files("templates")))
SCREENSHOTS = ("miniapp_formulir.png", "miniapp_tinjau.png", "miniapp_tinjau_gelap.png")


@dataclass
class Bubble:
    """One line of a chat: the bot's message or what the person did."""

    mine: bool  # the person's own (right side)
    text: str = ""
    buttons: list[list[str]] = field(default_factory=list)
    document: str = ""
    pressed: str = ""  # a button the person tapped
    note: str = ""  # the guide's explanation after this bubble


@dataclass
class Chat:
    user_id: int
    events: list[tuple[int, int, int, Bubble]] = field(default_factory=list)  # (pos, kind, seq)

    def bubbles(self) -> list[Bubble]:
        return [b for *_, b in sorted(self.events, key=lambda e: e[:3])]


class Recorder:
    """The demos' transcript: what each person did, placed among the bot's messages by the
    chat's next message id at that moment (a person's act precedes the bot's answer)."""

    def __init__(self, emu: BotAPIEmulator, ids: dict[str, int]) -> None:
        self.emu = emu
        self.ids = ids
        self.chats: dict[int, Chat] = {}
        self._seq = 0

    def chat(self, user_id: int) -> Chat:
        return self.chats.setdefault(user_id, Chat(user_id))

    def __call__(self, who: str, direction: str, text: str) -> None:
        if direction != ">" or who not in self.ids:
            return  # the bot's side is read from the emulator afterwards, complete
        user_id = self.ids[who]
        position = self.emu.world.chat(user_id).next_message_id
        if text.startswith("(menekan tombol"):
            bubble = Bubble(mine=True, pressed=text.split("“", 1)[-1].rstrip("”)"))
        elif text.startswith("[berkas "):
            bubble = Bubble(mine=True, document=text[len("[berkas ") :].split(",", 1)[0])
        elif text.startswith("[foto"):
            bubble = Bubble(mine=True, document="foto")
        else:
            bubble = Bubble(mine=True, text=text)
        self._seq += 1
        self.chat(user_id).events.append((position, 0, self._seq, bubble))

    def read_bot_side(self) -> None:
        """Every message the bot sent to each recorded person, as first sent."""
        for user_id in list(self.chats) + [i for i in self.ids.values() if i not in self.chats]:
            for sent in self.emu.sent_to(user_id):
                bubble = Bubble(
                    mine=False,
                    text=sent.first_text or sent.text,
                    buttons=sent.first_buttons,
                    document=sent.document.filename if sent.document else "",
                )
                self.chat(user_id).events.append((sent.message_id, 1, 0, bubble))


@dataclass
class Guide:
    slug: str
    role_label: str
    person: str
    steps: list[dict[str, Any]]
    intro: str
    bubbles: list[Bubble]
    screenshots: list[tuple[str, str]]  # (file name, caption)
    missing: list[str] = field(default_factory=list)  # notes that found no message


def _notes() -> dict[str, Any]:
    return tomllib.loads((TEMPLATES / "guide_steps.toml").read_text(encoding="utf-8"))


def _annotate(bubbles: list[Bubble], notes: list[dict[str, str]]) -> list[str]:
    """Each note goes under the first bot message containing its ``after`` text (and after
    the previous note's message: the notes follow the conversation); returns the ``after``
    texts that found no message."""
    missing, start = [], 0
    for note in notes:
        for index in range(start, len(bubbles)):
            bubble = bubbles[index]
            if not bubble.mine and note["after"] in bubble.text and not bubble.note:
                bubble.note = note["note"]
                start = index + 1
                break
        else:
            missing.append(note["after"])
    return missing


async def _play(work: Path) -> tuple[Recorder, Recorder]:
    unit = load_roster(DEMO_ROSTER).units[0]
    quarter_emu = BotAPIEmulator(token=TOKEN, bot_username="lkj_demo_bot")
    quarter = Recorder(quarter_emu, {p.name: p.user_id for p in unit.people})
    onboarding_emu = BotAPIEmulator(token=TOKEN, bot_username="lkj_demo_bot")
    ids = {name: uid for uid, (name, _, _) in PEOPLE.items()}
    ids[REVIEWER_DETAILS[0]] = REVIEWER
    onboarding = Recorder(onboarding_emu, ids)
    with contextlib.redirect_stdout(io.StringIO()):
        await run_demo(work, quiet=True, screenshots=True, emulator=quarter_emu, transcript=quarter)
        await run_onboarding_demo(work, quiet=True, emulator=onboarding_emu, transcript=onboarding)
    quarter.read_bot_side()
    onboarding.read_bot_side()
    return quarter, onboarding


def _guides(quarter: Recorder, onboarding: Recorder, work: Path) -> list[Guide]:
    from domain.sop import DEFAULT_SOP_PATH, load_sop

    unit = load_roster(DEMO_ROSTER).units[0]
    sop = load_sop(DEFAULT_SOP_PATH)
    notes = _notes()
    shots = [name for name in SCREENSHOTS if (work / name).exists()]
    by_key = {
        "kasat": (quarter, unit.one(_role("kasat")).user_id),
        "sekretaris": (quarter, unit.one(_role("sekretaris")).user_id),
        "kasubbag": (quarter, unit.one(_role("kasubbag")).user_id),
        "tim-kerja": (quarter, unit.with_role(_role("tim_kerja"))[0].user_id),
        "pengelola-unit": (onboarding, 3003),
        "pereviu": (onboarding, REVIEWER),
    }
    guides = []
    for slug, (recorder, user_id) in by_key.items():
        spec = notes[slug]
        bubbles = recorder.chat(user_id).bubbles()
        missing = _annotate(bubbles, spec.get("steps", []))
        role = spec.get("role")
        steps = [
            {"number": s.number, "activity": s.activity, "time": s.standard_time.label}
            for s in sop.steps
            if role and s.role.value == role
        ]
        person = unit.person(user_id)
        name = person.name if person else (PEOPLE.get(user_id) or REVIEWER_DETAILS)[0]
        guides.append(
            Guide(
                slug=slug,
                role_label=spec["title"],
                person=name,
                steps=steps,
                intro=spec["intro"],
                bubbles=bubbles,
                screenshots=[
                    (shot, spec.get("screenshots", {}).get(shot.removesuffix(".png"), ""))
                    for shot in shots
                    if shot.removesuffix(".png") in spec.get("screenshots", {})
                ],
                missing=missing,
            )
        )
    return guides


def _role(value: str):
    from domain.roles import Role

    return Role(value)


def _render(guides: list[Guide], output: Path, evaluators: str = "") -> None:
    from weasyprint import HTML

    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"])
    )
    page = env.get_template("guide.html")
    index = env.get_template("guide_index.html")
    shutil.copy(TEMPLATES / "guide.css", output / "guide.css")  # one stylesheet for every page
    for guide in guides:
        html = page.render(guide=guide)
        target = output / f"{guide.slug}.html"
        target.write_text(html, encoding="utf-8")
        HTML(string=html, base_url=str(output)).write_pdf(output / f"{guide.slug}.pdf")
    index_html = index.render(guides=guides, evaluators=evaluators)
    (output / "index.html").write_text(index_html, encoding="utf-8")


async def build_guides(output: Path) -> list[Guide]:
    """Play the demos and write every role's guide (HTML and PDF) into ``output``; returns
    the guides (``missing`` names a note whose message the conversation no longer has)."""
    output.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="lkj-panduan-") as tmp:
        work = Path(tmp)
        quarter, onboarding = await _play(work)
        for shot in SCREENSHOTS:
            if (work / shot).exists():
                shutil.copy(work / shot, output / shot)
        guides = _guides(quarter, onboarding, work)
        await write_guide(output, TEMPLATES)  # the evaluators' page: a guide of its own
        await asyncio.to_thread(_render, guides, output, GUIDE)
        return guides
