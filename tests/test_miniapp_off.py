"""Without LKJ_WEBAPP_URL there is no Mini App: no web_app button, no web server, and the
chat works as before."""

from __future__ import annotations

from demo import playbook
from documents.sample_workbooks import sample_targets_workbook
from domain.samples import sample_indicators


async def test_without_an_address_there_is_no_web_app_button(bot, emu, people, tmp_path):
    # (the default settings: no LKJ_WEBAPP_URL)
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    codes = [i.code for i in sample_indicators()]
    await playbook.divide_indicators(people, playbook.split_indicators(codes, 2))
    task = await people.team[0].wait_button("Isi IKU-1")
    assert all(not label.startswith("📝") for label in task.buttons)
    assert bot.bot_data.get("webapp") is None
