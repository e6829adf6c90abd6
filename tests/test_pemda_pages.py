"""/pantau of a large pemda without Telegram: the list of every unit split into messages
under Telegram's 4096 characters, each carrying the buttons of its own units (at most
``UNITS_PER_MESSAGE``), every unit once, user text HTML-escaped."""

from __future__ import annotations

import pytest

from bot.services import build_services
from bot.settings import Settings
from handlers.common import TEXT_LIMIT
from handlers.pemda import UNITS_PER_MESSAGE, pantau_pages

UNITS = 45
ODD = "Kantor <Uji> & Rekan"


def _roster() -> str:
    parts = []
    for n in range(UNITS):
        name = ODD if n == 0 else f"Dinas Nomor {n:02d} dengan Nama yang Cukup Panjang"
        people = "".join(
            f'[[unit.people]]\nrole = "{role}"\ntelegram_id = {10_000 + n * 10 + i}\n'
            f'name = "Pegawai {n}-{i}"\n'
            for i, role in enumerate(("kasat", "sekretaris", "kasubbag", "tim_kerja"))
        )
        parts.append(
            f'[[unit]]\ncode = "u{n:02d}"\nname = "{name}"\ncity = "Bandung"\n'
            f'government = "Kota Bandung"\n{people}'
        )
    parts.append(
        '[[evaluator]]\ntelegram_id = 9001\nname = "Dra. Sri Lestari"\nbody = "bappeda"\n'
        'pemda = "Kota Bandung"\n'
    )
    return "\n".join(parts)


@pytest.fixture
def services(tmp_path, clock):
    roster = tmp_path / "roster.toml"
    roster.write_text(_roster(), encoding="utf-8")
    settings = Settings(_env_file=None, lkj_data_dir=tmp_path / "data", lkj_roster=roster)
    built = build_services(settings, clock=clock)
    yield built
    built.db.close()


def test_a_long_list_is_split_with_each_units_button_on_its_own_part(services):
    evaluator = services.roster.evaluator(9001)
    pages = pantau_pages(services, evaluator)
    assert len(pages) == 2
    assert pages[0][0].startswith("<b>Pemantauan laporan kinerja Pemerintah Kota Bandung</b>")
    assert f"{UNITS} unit kerja: {UNITS} belum dimulai." in pages[0][0]
    assert "Pemantauan laporan kinerja" not in pages[1][0]  # the header once
    seen = []
    for number, (text, rows) in enumerate(pages):
        assert len(text) <= TEXT_LIMIT
        assert 0 < len(rows) <= UNITS_PER_MESSAGE
        for ((label, payload),) in rows:
            assert payload["action"] == "pemda_unit" and payload["index"] == number
            assert f"\n\n{label.split('. ', 1)[0]}. " in text  # the unit is on this part
            seen.append(payload["code"])
    assert sorted(seen) == [f"u{n:02d}" for n in range(UNITS)]  # every unit, once
    everything = "".join(text for text, _ in pages)
    assert "Kantor &lt;Uji&gt; &amp; Rekan" in everything and ODD not in everything
