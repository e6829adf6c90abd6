"""Issue 24 items 2 and 3: state and audit bound to each other and to their data folder, and
one SOP table per database.

A real store is made by the bot (a quarter started and forwarded through the emulator), then
copies of it are tampered with the way an attacker with write access but without our hash
functions would: a store file from another data folder, an older copy of the same file, the
audit log cut at its end with the heads' ``.bak`` put back, a head file rolled back. Each is
refused by ``lkj-bot audit verify`` and by start-up, naming what disagrees.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot.cli import main as cli_main
from bot.services import build_services
from bot.settings import Settings
from bot.sop_record import SopMismatchError
from demo import playbook
from storage.atomic import CorruptStoreError, backup_path, seal
from storage.audit import HEADS_REL, AuditAnchorError
from storage.database import Database
from storage.manifest import MANIFEST_REL
from tests.test_sop_routing import sekretaris_table

UNIT = "satpolpp-bdg"
STORE_REL = f"units/{UNIT}/2026.json"
LOG_REL = f"audit/units/{UNIT}/2026.jsonl"
CYCLE = f"{UNIT}:2026:4"


def _settings(settings: Settings, data_dir: Path, **changes) -> Settings:
    return settings.model_copy(update={"lkj_data_dir": data_dir, **changes})


def _verify(data_dir: Path, monkeypatch, capsys, url: str = "") -> tuple[int, str]:
    monkeypatch.setenv("LKJ_DATA_DIR", str(data_dir))
    monkeypatch.setenv("LKJ_DATABASE_URL", url)
    code = cli_main(["audit", "verify"])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def _start(settings: Settings) -> None:
    """Start-up as ``lkj-bot run`` does it (without polling); raises what stops it."""
    services = build_services(settings)
    services.db.close()


def _lines(path: Path) -> list[bytes]:
    return path.read_bytes().split(b"\n")[:-1]


@pytest.fixture
async def played(runner, people, settings, tmp_path):
    """A store made by the bot: a quarter started (snapshot taken), then forwarded."""
    await runner.start()
    await playbook.start_cycle(people, 4, 2026)
    data_dir = settings.lkj_data_dir
    old = tmp_path / "old"
    old.mkdir()
    shutil.copy(data_dir / STORE_REL, old / "2026.json")
    shutil.copy(data_dir / MANIFEST_REL, old / "manifest.json")
    await playbook.forward(people)
    await runner.stop()
    return data_dir, old


def _copy(data_dir: Path, tmp_path: Path, name: str) -> Path:
    target = tmp_path / name
    shutil.copytree(data_dir, target)
    return target


async def test_the_bot_binds_state_and_audit(played, settings, monkeypatch, capsys):
    data_dir, _ = played
    entries = [json.loads(line) for line in _lines(data_dir / LOG_REL)]
    states = [e["state"] for e in entries if "state" in e]
    assert states and states[-1] == {"file": STORE_REL, "table": "cycles", "id": CYCLE, "rev": 2}
    store = json.loads((data_dir / STORE_REL).read_bytes())
    manifest = json.loads((data_dir / MANIFEST_REL).read_bytes())
    cycle = next(d for d in store["cycles"].values() if d["id"] == CYCLE)
    assert cycle["audited"] == {"seq": entries[-1]["seq"], "hash": entries[-1]["hash"]}
    seal_ = store["_integrity"]
    assert seal_["store"] == manifest["store"] and len(manifest["store"]) == 32
    assert manifest["files"][STORE_REL]["rev"] == seal_["rev"] > 1
    assert manifest["files"][STORE_REL]["sha256"] == seal_["sha256"]
    code, out = _verify(data_dir, monkeypatch, capsys)
    assert code == 0, out
    assert "terikat ke folder data ini, pada revisi yang tercatat, dan cocok dengan log" in out
    _start(_settings(settings, data_dir))


async def test_a_store_file_from_another_data_folder_is_refused(
    played, settings, tmp_path, monkeypatch, capsys
):
    data_dir, _ = played
    other = Database(tmp_path / "other")  # another office's folder, its own identity
    doc = json.loads((data_dir / STORE_REL).read_bytes())["cycles"]["1"]
    other.file("units", UNIT, "2026.json").table("cycles").insert(doc)
    other.close()
    target = _copy(data_dir, tmp_path, "a")
    shutil.copy(tmp_path / "other" / STORE_REL, target / STORE_REL)
    code, out = _verify(target, monkeypatch, capsys)
    assert code == 1
    assert f"RUSAK  Berkas penyimpanan tidak sesuai ikatannya: {target / STORE_REL}" in out
    assert "berkas dari folder data lain" in out
    with pytest.raises(CorruptStoreError, match="berkas dari folder data lain"):
        _start(_settings(settings, target))


async def test_an_older_copy_of_a_store_file_is_refused(
    played, settings, tmp_path, monkeypatch, capsys
):
    data_dir, old = played
    target = _copy(data_dir, tmp_path, "b")
    shutil.copy(old / "2026.json", target / STORE_REL)
    code, out = _verify(target, monkeypatch, capsys)
    assert code == 1 and f"{target / STORE_REL} (salinan lama: revisi" in out
    assert f"sedangkan {MANIFEST_REL} mencatat revisi" in out
    with pytest.raises(CorruptStoreError, match="salinan lama"):
        _start(_settings(settings, target))


async def test_an_older_copy_is_refused_by_the_audit_even_with_its_manifest_record_forged(
    played, settings, tmp_path, monkeypatch, capsys
):
    """The manifest's record rewritten for the older copy (its seal recomputed): the audit log
    still records the forward, which produced a revision the older store does not have."""
    data_dir, old = played
    target = _copy(data_dir, tmp_path, "b2")
    shutil.copy(old / "2026.json", target / STORE_REL)
    backup_path(target / STORE_REL).unlink()
    mark = json.loads((old / "2026.json").read_bytes())["_integrity"]
    manifest = json.loads((target / MANIFEST_REL).read_bytes())
    manifest["files"][STORE_REL].update(rev=mark["rev"], sha256=mark["sha256"])
    body = {k: v for k, v in manifest.items() if k != "_integrity"}
    (target / MANIFEST_REL).write_bytes(seal(body, MANIFEST_REL))
    code, out = _verify(target, monkeypatch, capsys)
    assert code == 1
    assert f"RUSAK  {STORE_REL}: {CYCLE} pada revisi 1, padahal {LOG_REL} seq" in out
    assert "menghasilkan revisi 2" in out
    with pytest.raises(AuditAnchorError, match="Penyimpanan dan log audit tidak saling cocok"):
        _start(_settings(settings, target))


async def test_an_audit_log_cut_at_its_end_with_the_old_heads_put_back_is_refused(
    played, settings, tmp_path, monkeypatch, capsys
):
    data_dir, _ = played
    target = _copy(data_dir, tmp_path, "c")
    log = target / LOG_REL
    lines = _lines(log)
    heads_bak = json.loads(backup_path(target / HEADS_REL).read_bytes())["heads"]
    # The attack of the issue: the .bak holds the head before the last entry, so copying it
    # over makes heads and cut log agree (what passed before the binding).
    assert heads_bak[LOG_REL]["seq"] == len(lines) - 1
    log.write_bytes(b"".join(line + b"\n" for line in lines[:-1]))
    shutil.copy(backup_path(target / HEADS_REL), target / HEADS_REL)
    code, out = _verify(target, monkeypatch, capsys)
    assert code == 1 and f"{target / HEADS_REL} (salinan lama: revisi" in out
    with pytest.raises(CorruptStoreError, match="salinan lama"):
        _start(_settings(settings, target))
    # The state also names the entry that was cut, in the same report...
    assert f"RUSAK  {LOG_REL}: berakhir pada seq {len(lines) - 1}, padahal {STORE_REL}" in out
    assert f"terikat ke entri audit seq {len(lines)}" in out
    # ...and still refuses when the manifest's record of the heads is forged to match.
    mark = json.loads((target / HEADS_REL).read_bytes())["_integrity"]
    manifest = json.loads((target / MANIFEST_REL).read_bytes())
    manifest["files"][HEADS_REL].update(rev=mark["rev"], sha256=mark["sha256"])
    body = {k: v for k, v in manifest.items() if k != "_integrity"}
    (target / MANIFEST_REL).write_bytes(seal(body, MANIFEST_REL))
    with pytest.raises(AuditAnchorError, match="entri di akhir log dihapus"):
        _start(_settings(settings, target))


async def test_a_head_file_rolled_back_is_refused(played, settings, tmp_path, monkeypatch, capsys):
    data_dir, _ = played
    target = _copy(data_dir, tmp_path, "d")
    shutil.copy(backup_path(target / HEADS_REL), target / HEADS_REL)
    code, out = _verify(target, monkeypatch, capsys)
    assert code == 1 and f"{target / HEADS_REL} (salinan lama: revisi" in out
    with pytest.raises(CorruptStoreError, match="salinan lama"):
        _start(_settings(settings, target))


async def test_backup_copies_are_held_to_the_same_bindings(
    played, settings, tmp_path, monkeypatch, capsys
):
    data_dir, _ = played
    other = Database(tmp_path / "other")
    other.file("units", UNIT, "2026.json").table("cycles").insert({"id": "x", "rev": 9})
    other.close()
    target = _copy(data_dir, tmp_path, "e")
    shutil.copy(tmp_path / "other" / STORE_REL, backup_path(target / STORE_REL))
    code, out = _verify(target, monkeypatch, capsys)
    assert code == 1 and f"{backup_path(target / STORE_REL)} (berkas dari folder data" in out
    with pytest.raises(CorruptStoreError, match="cadangan .bak"):
        _start(_settings(settings, target))


def test_an_old_data_folder_is_bound_on_its_first_start(tmp_path):
    """Files sealed before bindings (no identity, no revision) are bound once, as they are;
    from then on an older copy is refused."""
    from storage.atomic import AtomicJSONStorage
    from storage.manifest import StoreManifest

    path = tmp_path / STORE_REL
    legacy = AtomicJSONStorage(path, sealed_as=STORE_REL)  # the earlier version's writes
    legacy.write({"cycles": {"1": {"id": CYCLE, "rev": 1}}})
    old = path.read_bytes()
    legacy.write({"cycles": {"1": {"id": CYCLE, "rev": 2}}})
    StoreManifest(tmp_path).add(STORE_REL)
    assert "store" not in json.loads(path.read_bytes())["_integrity"]
    Database(tmp_path).check_all()
    mark = json.loads(path.read_bytes())["_integrity"]
    assert mark["rev"] == 1 and mark["store"]
    assert json.loads(path.read_bytes())["cycles"]["1"]["rev"] == 2
    Database(tmp_path).check_all()  # bound: starts again
    path.write_bytes(old)  # an unbound older copy
    with pytest.raises(CorruptStoreError, match="tanpa ikatan ke folder data ini"):
        Database(tmp_path).check_all()


# --- one SOP table per database -------------------------------------------------------------


@pytest.fixture(params=["tinydb", "postgresql"])
def backend(request) -> str:
    return "" if request.param == "tinydb" else request.getfixturevalue("pg_url")


def test_a_worker_with_another_sop_table_refuses_until_it_is_adopted(
    backend, tmp_path, roster_path, monkeypatch, capsys
):
    other = sekretaris_table(tmp_path)
    base = Settings(
        _env_file=None,
        telegram_bot_token="1:x",
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
        lkj_database_url=backend,
    )
    _start(base)  # the first start records the table in force (the built-in one)
    _start(base)
    second = base.model_copy(update={"lkj_sop": other})
    with pytest.raises(SopMismatchError) as refused:
        _start(second)
    said = str(refused.value)
    assert "tabel bawaan: tercatat" in said and "domain/sop.toml" in said
    assert f"pekerja ini {other}" in said
    # the first line that differs: that office's separation of duties (tests.test_sop_routing)
    assert (
        'tercatat «activities = ["penyusunan_laporan", "koreksi_paraf", '
        '"pemeriksaan_tandatangan"]», di sini «activities = ["koreksi_paraf", '
        '"pemeriksaan_tandatangan"]»'
    ) in said
    assert "lkj-bot sop adopt" in said

    monkeypatch.setenv("LKJ_DATA_DIR", str(base.lkj_data_dir))
    monkeypatch.setenv("LKJ_DATABASE_URL", backend)
    monkeypatch.setenv("LKJ_ROSTER", str(roster_path))
    assert cli_main(["sop", "adopt", str(other)]) == 0
    assert "tercatat di log audit (sop.adopt)" in capsys.readouterr().out
    _start(second)  # adopted: the new table starts
    with pytest.raises(SopMismatchError):
        _start(base)  # and a worker still on the old one refuses
    db = Database(base.lkj_data_dir, backend or None)
    try:
        if db.pg is not None:
            from storage.pg_audit import PgAuditTrail

            logs = PgAuditTrail(db.pg)
            names = logs.names()
            entries = [
                e for n in names if "global" in n for e in logs.log(None, int(n[-10:-6])).entries()
            ]
        else:
            entries = [
                json.loads(line)
                for p in (tmp_path / "data" / "audit" / "global").glob("*.jsonl")
                for line in _lines(p)
            ]
    finally:
        db.close()
    adopted = [e for e in entries if e["action"] == "sop.adopt"]
    assert len(adopted) == 1
    change = adopted[0]["detail"][""]
    assert change["lama"] != change["baru"] and change["berkas"] == str(other)


async def test_a_damaged_file_comes_back_from_its_backup_only_through_the_audited_command(
    played, settings, tmp_path, monkeypatch, capsys
):
    data_dir, _ = played
    target = _copy(data_dir, tmp_path, "f")
    path = target / STORE_REL
    path.write_bytes(path.read_bytes()[:50])  # damaged
    with pytest.raises(CorruptStoreError) as refused:
        _start(_settings(settings, target))
    assert f"lkj-bot store use-backup {path}" in str(refused.value)
    damaged = path.read_bytes()
    shutil.copy(backup_path(path), path)  # by hand: an older copy like any other
    with pytest.raises(CorruptStoreError, match="salinan lama"):
        _start(_settings(settings, target))
    path.write_bytes(damaged)
    monkeypatch.setenv("LKJ_DATA_DIR", str(target))
    monkeypatch.setenv("LKJ_DATABASE_URL", "")
    assert cli_main(["store", "use-backup", str(path)]) == 0
    out = capsys.readouterr().out
    assert "dicatat di log audit (store.use_backup)" in out
    kept = [p for p in path.parent.iterdir() if ".rusak-" in p.name]
    assert [p.read_bytes() for p in kept] == [damaged]  # kept aside for inspection
    _start(_settings(settings, target))  # bound again, and consistent with the audit log
    entries = [
        json.loads(line)
        for p in (target / "audit" / "global").glob("*.jsonl")
        for line in _lines(p)
    ]
    used = [e for e in entries if e["action"] == "store.use_backup"]
    assert len(used) == 1 and used[0]["detail"]["berkas"] == STORE_REL
    code, out = _verify(target, monkeypatch, capsys)
    assert code == 0, out


def test_heads_rewritten_by_a_restore_stay_bound(tmp_path):
    """A restore (or an export) records the archive's heads with its own AuditHeads: the file
    is bound to the folder like the bot's, so the restored folder starts."""
    from storage.audit import AuditHeads, AuditTrail

    db = Database(tmp_path)
    trail = AuditTrail(tmp_path, binding=db.manifest)
    written = trail.append(UNIT, 2026, {"action": "upload"})
    trail.append(UNIT, 2026, {"action": "upload"})
    AuditHeads(tmp_path).replace({LOG_REL: {"seq": 1, "hash": written["hash"]}})
    Database(tmp_path).check_all()


def test_a_units_own_table_is_recorded_and_held_too(tmp_path, roster_path):
    table = sekretaris_table(tmp_path)
    text = roster_path.read_text(encoding="utf-8")
    roster_path.write_text(
        text.replace(
            'timezone = "Asia/Jakarta"', 'timezone = "Asia/Jakarta"\nsop = "sop-sekretaris.toml"', 1
        ),
        encoding="utf-8",
    )
    settings = Settings(
        _env_file=None,
        telegram_bot_token="1:x",
        lkj_data_dir=tmp_path / "data",
        lkj_roster=roster_path,
    )
    _start(settings)
    recorded = json.loads((tmp_path / "data" / "state" / "sop.json").read_bytes())
    tables = recorded["tables"]["1"]["tables"]
    assert tables[UNIT]["path"] == str(table) and tables[UNIT] != tables[""]
    table.write_text(
        table.read_text(encoding="utf-8").replace(
            'standard_time = "15 menit"', 'standard_time = "1 jam"', 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(SopMismatchError) as refused:
        _start(settings)
    said = str(refused.value)
    assert f"tabel unit {UNIT}: tercatat {table}" in said
    assert 'tercatat «standard_time = "15 menit"», di sini «standard_time = "1 jam"»' in said
