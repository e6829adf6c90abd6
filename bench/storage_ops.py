"""Single storage operations on the pre-filled stores, timed directly (no bot, no HTTP).

These are the operations the handlers run on almost every update; timing them on the 1-unit
and the 50-unit store shows which ones grow with the store and by how much.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import tempfile
import time
from datetime import date
from pathlib import Path
from typing import Any

from app.button_codec import ButtonCodec
from app.callback_data import CallbackData
from bench.fixtures import CURRENT_YEAR, Store, unit_code, user_id
from storage.atomic import atomic_write_bytes
from storage.database import Database
from storage.repositories import ButtonRepository, CycleRepository, SessionRepository
from storage.revocations import Revocations


def _median_ms(fn, n: int) -> float:
    out = []
    for _ in range(n):
        t = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t) * 1000)
    return statistics.median(out)


def _signed(data_dir: Path, stored: ButtonRepository, unit: str, user: int, keys: int, n: int):
    """Signed buttons (app/callback_data.py): issuing stores nothing; a press checks a MAC and
    two generations among as many revoked keys as the store has tokens."""
    revocations = Revocations(data_dir)
    day = date(CURRENT_YEAR, 10, 5)
    for i in range(keys):
        revocations.add(f"g:{i:012x}", day)
    codec = ButtonCodec(b"k" * 32, units=lambda: [unit], actions=lambda: ["forward_begin"])
    callbacks = CallbackData(codec, revocations, stored, lambda: day)
    payload = {
        "action": "forward_begin",
        "cycle": f"{unit}:{CURRENT_YEAR}:3",
        "group": f"{unit}:{CURRENT_YEAR}:3:forward_begin:7",
        "user": user,
    }
    data = callbacks.issue_many([payload])[0]
    counter = iter(range(10**9))
    return {
        "signed_keys": len(revocations),
        "signed_issue2_ms": _median_ms(lambda: callbacks.issue_many([payload] * 2), n),
        "signed_resolve_ms": _median_ms(lambda: callbacks.resolve(data), n),
        "signed_revoke_ms": _median_ms(lambda: callbacks.revoke_group(f"x{next(counter)}"), n),
    }


def _update_log(db: Database, n: int) -> dict:
    """``UpdateLog.first_time`` runs for every update (redelivery guard), if the code has it."""
    from storage import repositories

    cls = getattr(repositories, "UpdateLog", None)
    if cls is None:
        return {}
    from tinydb.table import Document

    keep = getattr(cls, "KEEP", 2000)
    try:  # its steady-state size: the last KEEP ids (layout of storage.repositories.UpdateLog)
        db.file("state", "updates.json").table("updates").upsert(
            Document({"ids": list(range(10_000_000, 10_000_000 + keep))}, doc_id=1)
        )
    except Exception:  # noqa: BLE001 - another layout: measure it at whatever size it has
        pass
    log = cls(db)
    counter = iter(range(20_000_000, 30_000_000))
    path = db.data_dir / "state" / "updates.json"
    return {
        "update_log_ms": _median_ms(lambda: log.first_time(next(counter)), n),
        "update_log_kb": path.stat().st_size / 1024 if path.exists() else 0.0,
        "update_log_keep": keep,
    }


def bench_store(store: Store, n: int = 9) -> dict:
    work = Path(tempfile.mkdtemp(prefix="lkj-ops-"))
    try:
        local = store.copy_to(work / "s")
        db = Database(local.data_dir)
        buttons = ButtonRepository(db)
        sessions = SessionRepository(db)
        cycles = CycleRepository(db)
        token = local.buttons[0].forward
        unit = unit_code(0)
        kasat = user_id(0, 0)
        session: dict[str, Any] = {
            "form": "start",
            "form_id": "abcd1234",
            "title": "Disposisi",
            "cycle": None,
            "fields": [
                {
                    "name": "note",
                    "kind": "text",
                    "label": "Catatan",
                    "prompt": "Tuliskan catatan disposisi.",
                    "optional": False,
                }
            ],
            "index": 0,
            "values": {},
            "display": {},
            "meta": {},
        }
        buttons_path = local.data_dir / "state" / "buttons.json"
        raw = buttons_path.read_bytes()
        out = {
            "buttons_tokens": len(json.loads(raw).get("buttons", {})),
            "buttons_kb": len(raw) / 1024,
            "json_parse_buttons_ms": _median_ms(lambda: json.loads(raw), n),
            "button_get_ms": _median_ms(lambda: buttons.get(token), n),
            "button_issue2_ms": _median_ms(
                lambda: buttons.issue_many(
                    [{"action": "form_choice", "form_id": "x", "value": "1", "user": kasat}] * 2
                ),
                n,
            ),
            "button_revoke_group_ms": _median_ms(lambda: buttons.revoke_group("no-such-group"), n),
            "session_put_ms": _median_ms(lambda: sessions.put(kasat, session), n),
            "session_get_ms": _median_ms(lambda: sessions.get(kasat), n),
            "session_clear_ms": _median_ms(lambda: sessions.clear(kasat), n),
            "list_unit_ms": _median_ms(lambda: cycles.list_unit(unit), n),
        }
        cycle = cycles.get(unit, CURRENT_YEAR, 3)

        def save() -> None:
            current = cycles.get(unit, CURRENT_YEAR, 3)
            assert current is not None
            cycles.save(current, expected_rev=current.rev)

        out["cycle_get_save_ms"] = _median_ms(save, n) if cycle else float("nan")
        out.update(_signed(local.data_dir, buttons, unit, kasat, int(out["buttons_tokens"]), n))
        out.update(_update_log(db, n))
        probe = work / "probe" / "f.json"
        out["atomic_write_1kb_ms"] = _median_ms(lambda: atomic_write_bytes(probe, b"x" * 1024), n)

        def bare_write() -> None:
            with open(work / "probe" / "g.json", "wb") as fh:
                fh.write(b"x" * 1024)

        out["plain_write_1kb_ms"] = _median_ms(bare_write, n)
        t = time.perf_counter()
        fd = os.open(work / "probe", os.O_RDONLY)
        os.fsync(fd)
        os.close(fd)
        out["dir_fsync_ms"] = (time.perf_counter() - t) * 1000
        db.close()
        return out
    finally:
        shutil.rmtree(work, ignore_errors=True)
