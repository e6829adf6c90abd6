"""The buttons that hand a step on name the receiving role as the unit names it."""

from __future__ import annotations

import pytest

from demo import playbook
from demo.playbook import Cast
from domain.roster import load_roster
from tests.factories import DEMO_ROSTER

LABELS = '[unit.role_labels]\nsekretaris = "Sekretaris Satuan"\nkasubbag = "Kasubbag Program"\n'


@pytest.fixture
def roster_path(tmp_path):
    """The demo unit, with its own labels for the Sekretaris and the Kasubbag."""
    text = DEMO_ROSTER.read_text(encoding="utf-8")
    head, sep, rest = text.partition("[[unit.people]]")
    path = tmp_path / "roster.toml"
    path.write_text(head + LABELS + "\n" + sep + rest, encoding="utf-8")
    return path


async def test_forward_and_submit_buttons_use_the_units_role_labels(bot, emu, roster_path):
    people = Cast(emu, load_roster(roster_path).units[0])
    await playbook.start_cycle(people, 3, 2026)
    # Without the unit's labels the buttons read "Teruskan ke Kasubbag"/"Ajukan ke Sekretaris".
    assert await people.sekretaris.wait_button("Teruskan ke Kasubbag Program")
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)
    # Taps "Ajukan ke Sekretaris Satuan" (playbook: the receiver as the unit labels it).
    await playbook.build_and_submit(people)
    draft = next(m for m in people.kasubbag.received() if "Draf laporan" in m.text)
    assert "Ajukan ke Sekretaris Satuan" in draft.text  # the caption names the button
    await playbook.paraf(people)
