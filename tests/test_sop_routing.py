"""The SOP table decides who does what, everywhere: a unit whose Sekretaris makes and files
the report (steps 5 and 8) plays a whole quarter with no code change, and no handler names a
role or a step number."""

from __future__ import annotations

import ast
import io
import re
import shutil
from pathlib import Path

import pytest
from pypdf import PdfReader

from demo import playbook
from demo.playbook import Cast
from domain.errors import SopError
from domain.models import FILED
from domain.roster import load_roster
from domain.sop import ACTIVITIES, load_sop
from storage.database import Database
from storage.repositories import CycleRepository
from tests.factories import DEMO_ROSTER

REPO = Path(__file__).resolve().parents[1]
SHIPPED_SOP = REPO / "domain" / "sop.toml"


def sekretaris_table(folder: Path) -> Path:
    """The shipped table with steps 5 and 8 given to the Sekretaris: an edit of the file only.
    The Sekretaris both makes and initials the report there, so that office's table separates
    only the paraf from the signature (a table separating two steps of one post is refused)."""
    text = SHIPPED_SOP.read_text(encoding="utf-8")
    for key in ("penyusunan_laporan", "pendokumentasian"):
        text = re.sub(
            rf'(key = "{key}"\nactivity = "[^"]*"\nrole = )"kasubbag"', r'\1"sekretaris"', text
        )
    separated = 'activities = ["penyusunan_laporan", "koreksi_paraf", "pemeriksaan_tandatangan"]'
    assert separated in text
    text = text.replace(separated, 'activities = ["koreksi_paraf", "pemeriksaan_tandatangan"]')
    path = folder / "sop-sekretaris.toml"
    path.write_text(text, encoding="utf-8")
    table = load_sop(path)
    assert [s.role.value for s in table.steps if s.number in (5, 8)] == ["sekretaris"] * 2
    return path


@pytest.fixture
def roster_path(tmp_path):
    """The demo unit, carrying its own SOP table (a path relative to the roster)."""
    sekretaris_table(tmp_path)
    text = DEMO_ROSTER.read_text(encoding="utf-8")
    text = text.replace(
        'timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakarta"\nsop = "sop-sekretaris.toml"', 1
    )
    path = tmp_path / "roster.toml"
    path.write_text(text, encoding="utf-8")
    return path


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_a_whole_quarter_where_the_sekretaris_makes_and_files_the_report(
    bot, emu, roster_path, settings, clock
):
    unit = load_roster(roster_path).units[0]
    people = Cast(emu, unit)
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    assert people.holder("penyusunan_laporan") is sekretaris

    sekretaris.say("/start")
    welcome = await sekretaris.expect("Selamat datang")
    assert "Tahap 5: Membuat laporan data kinerja" in welcome.text
    assert "Tahap 8" in welcome.text
    kasubbag.say("/start")
    assert "Tahap 5" not in (await kasubbag.expect("Selamat datang")).text

    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide(people)
    await playbook.upload_all(people)

    # The collection is complete: the Sekretaris, not the Kasubbag, gets the step's button.
    complete = await sekretaris.expect("telah terkumpul")
    assert "Tugas Anda (tahap 5)" in complete.text
    assert "Susun draf laporan" in complete.buttons
    assert not any("Susun draf" in b for m in kasubbag.received() for b in m.buttons)
    kasubbag.say("/status")
    await kasubbag.expect("Tahap 5: Membuat laporan data kinerja")
    assert kasubbag.received()[-1].buttons == []

    # Step 5 by the Sekretaris, who then corrects and initials it (step 6) in their other
    # capacity: both acts are recorded, none is skipped.
    clock.advance(minutes=20)
    await playbook.build_and_submit(people)
    await playbook.paraf(people)

    # The Kasat returns it once: it goes back to the maker of the report, the Sekretaris.
    initialled = await kasat.expect("diparaf oleh", document=True)
    await kasat.tap("Kembalikan", initialled)
    await kasat.expect("alasan pengembalian")
    kasat.say(playbook.RETURN_REASON)
    await kasat.tap("Kirim", await kasat.expect("Mohon periksa kembali"))
    back = await sekretaris.expect("dikembalikan untuk perbaikan")
    assert "Susun ulang draf laporan" in back.buttons
    await playbook.build_and_submit(people, "Susun ulang draf laporan")
    await playbook.paraf(people)
    await playbook.sign(people)

    signed = await kasubbag.expect("telah ditandatangani", document=True)
    text = pdf_text(signed.document.content)
    assert playbook.RETURN_REASON in text and sekretaris.name in text

    db = Database(settings.lkj_data_dir)
    cycle = CycleRepository(db).get(unit.code, 2026, 3)
    assert cycle.status == FILED
    made = [s for s in cycle.steps if s.step == 5]
    assert [s.finished_by for s in made] == [sekretaris.user_id, sekretaris.user_id]
    assert [(d.kind, d.by) for d in cycle.decisions] == [
        ("paraf", sekretaris.user_id),
        ("return", kasat.user_id),
        ("paraf", sekretaris.user_id),
        ("sign", kasat.user_id),
    ]
    submitted = [h.actor for h in cycle.history if h.action == "ajukan_laporan"]
    assert submitted == [sekretaris.user_id, sekretaris.user_id]

    # Step 8 (the annual LKj) is the Sekretaris's too; the Kasubbag is told whose it is.
    kasubbag.say("/tahunan")
    assert "disusun oleh Sekretaris" in (await kasubbag.expect("Laporan kinerja tahunan")).text
    sekretaris.say("/tahunan")
    assert "Susun LKj 2026" in (await sekretaris.expect("Laporan Kinerja (LKj) tahunan")).buttons


def test_a_unit_table_that_does_not_name_every_activity_stops_start_up(tmp_path) -> None:
    text = SHIPPED_SOP.read_text(encoding="utf-8").replace('"pembagian_tugas"', '"bagi"')
    (tmp_path / "bad.toml").write_text(text, encoding="utf-8")
    with pytest.raises(SopError, match="pembagian_tugas"):
        load_sop(tmp_path / "bad.toml")


def test_every_activity_is_in_the_shipped_table() -> None:
    assert {s.key for s in load_sop().steps} == set(ACTIVITIES)


# --- no handler decides who acts ------------------------------------------------------------

ROLE_MEMBERS = {"KASAT", "SEKRETARIS", "KASUBBAG", "TIM_KERJA"}
STEP_LOOKUPS = {"authorize", "step", "check_step", "check_actor"}


def handler_violations(source: str) -> list[str]:
    """Roles named as ``Role.X`` and step numbers written as literals where a step is looked
    up or compared (``authorize(..., 5, ...)``, ``sop.step(4)``, ``cycle.step == 6``)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "Role"
            and node.attr in ROLE_MEMBERS
        ):
            found.append(f"line {node.lineno}: Role.{node.attr}")
        if isinstance(node, ast.Call):
            name = getattr(node.func, "attr", getattr(node.func, "id", ""))
            if name in STEP_LOOKUPS and any(
                isinstance(a, ast.Constant) and type(a.value) is int for a in node.args
            ):
                found.append(f"line {node.lineno}: {name}() with a step number")
        if isinstance(node, ast.Compare):
            sides = [node.left, *node.comparators]
            names_step = any(isinstance(s, ast.Attribute) and s.attr == "step" for s in sides)
            literals = [
                c
                for s in sides
                for c in ([s] if not isinstance(s, (ast.Tuple, ast.List, ast.Set)) else s.elts)
                if isinstance(c, ast.Constant) and type(c.value) is int
            ]
            if names_step and literals:
                found.append(f"line {node.lineno}: a step compared with a number")
    return found


def test_no_handler_names_a_role_or_a_step_number() -> None:
    problems = {
        path.name: handler_violations(path.read_text(encoding="utf-8"))
        for path in sorted((REPO / "handlers").glob("*.py"))
    }
    assert {name: found for name, found in problems.items() if found} == {}


@pytest.mark.parametrize(
    "source",
    [
        "unit.one(Role.KASUBBAG)",
        "authorize(ctx, cycle, 5, person)",
        "services.sop.step(4)",
        "if cycle.step == 6: pass",
        "if cycle.step in (4, 5): pass",
    ],
)
def test_the_guard_catches_a_hard_coded_role_or_step(source: str) -> None:
    assert handler_violations(source)


def test_the_guard_lets_table_lookups_through() -> None:
    assert handler_violations("sop.by_key(ASSEMBLE).role; authorize(ctx, c, SIGN, p)") == []


def test_the_roster_reads_a_unit_table_relative_to_itself(tmp_path) -> None:
    sekretaris_table(tmp_path)
    shutil.copy(DEMO_ROSTER, tmp_path / "r.toml")
    text = (tmp_path / "r.toml").read_text(encoding="utf-8")
    (tmp_path / "r.toml").write_text(
        text.replace(
            'timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakarta"\nsop = "sop-sekretaris.toml"', 1
        ),
        encoding="utf-8",
    )
    unit = load_roster(tmp_path / "r.toml").units[0]
    assert Path(unit.sop) == tmp_path / "sop-sekretaris.toml"
