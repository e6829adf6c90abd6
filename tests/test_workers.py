"""Several webhook workers on one PostgreSQL database play a whole quarter while the emulator
delivers the updates round-robin (as a reverse proxy in front of them would); one worker is
SIGKILLed while it is stuck sending a document in the middle of an update. Nothing is lost,
nothing is sent twice, every update is handled once, the audit chain is whole."""

from __future__ import annotations

import asyncio
import os
import secrets
import signal
import sys
from pathlib import Path

import psycopg
import pytest

from demo import playbook
from demo.screenshots import free_port
from domain.models import FILED
from domain.sop import ASSEMBLE
from storage.database import Database
from storage.pg_audit import PgAuditTrail
from storage.repositories import CycleRepository
from tests.conftest import TOKEN

UNIT = "satpolpp-bdg"
WORKERS = 3


def _socket_inodes(port: int) -> set[str]:
    """Inodes of the local TCP sockets bound to 127.0.0.1:``port``."""
    found = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except FileNotFoundError:
            continue
        for line in lines:
            fields = line.split()
            if int(fields[1].rsplit(":", 1)[1], 16) == port:
                found.add(fields[9])
    return found


def _owner_of(port: int, pids: list[int]) -> int | None:
    """Which of ``pids`` has the socket whose local port is ``port``."""
    inodes = {f"socket:[{inode}]" for inode in _socket_inodes(port)}
    for pid in pids:
        try:
            fds = list(Path(f"/proc/{pid}/fd").iterdir())
        except FileNotFoundError:
            continue
        for fd in fds:
            try:
                if os.readlink(fd) in inodes:
                    return pid
            except OSError:
                continue
    return None


class Workers:
    """``lkj-bot run --webhook`` processes sharing one database and one data folder."""

    #: The Mini App's public address (nginx's), the same for every worker (webapp=True).
    WEBAPP_URL = "https://lkj.example.go.id/app"

    def __init__(self, emu, tmp_path: Path, roster_path: Path, url: str, webapp: bool = False):
        self.emu = emu
        self.url = url
        self.secret = secrets.token_urlsafe(32)
        self.data_dir = tmp_path / "data"
        self.cwd = tmp_path
        self.roster = roster_path
        self.ports = [free_port() for _ in range(WORKERS)]
        # Each worker's own Mini App port (as its own webhook port), behind one public address.
        self.webapp_ports = [free_port() for _ in range(WORKERS)] if webapp else []
        self.procs: list[asyncio.subprocess.Process] = []

    def hooks(self) -> list[str]:
        return [f"http://127.0.0.1:{port}/hook" for port in self.ports]

    def env(self) -> dict[str, str]:
        """What every worker shares (deploy/lkj-bot.env)."""
        return {
            **os.environ,
            "TELEGRAM_BOT_TOKEN": TOKEN,
            "TELEGRAM_API_BASE_URL": self.emu.url,
            "LKJ_DATA_DIR": str(self.data_dir),
            "LKJ_ROSTER": str(self.roster),
            "LKJ_DATABASE_URL": self.url,
        }

    async def start(self) -> None:
        for n, (port, hook) in enumerate(zip(self.ports, self.hooks(), strict=True)):
            own = {}
            if self.webapp_ports:
                own = {"LKJ_WEBAPP_URL": self.WEBAPP_URL}
                own["LKJ_WEBAPP_PORT"] = str(self.webapp_ports[n])
            env = {
                **self.env(),
                "LKJ_WEBHOOK_URL": hook,
                "LKJ_WEBHOOK_SECRET": self.secret,
                "LKJ_WEBHOOK_PORT": str(port),
                "LKJ_REMINDER_INTERVAL_S": "0.5",
                "LKJ_RENDER_WORKERS": "1",
                **own,
            }
            before = len(self.emu.calls_to("setWebhook"))
            log = open(self.cwd / f"worker-{port}.log", "wb")  # noqa: SIM115 - the child's
            proc = await asyncio.create_subprocess_exec(
                sys.executable,
                "-m",
                "bot.cli",
                "run",
                "--webhook",
                env=env,
                cwd=self.cwd,
                stdout=asyncio.subprocess.DEVNULL,
                stderr=log,
            )
            log.close()
            self.procs.append(proc)
            for _ in range(1200):  # until it serves: it sets the webhook once listening
                if len(self.emu.calls_to("setWebhook")) > before:
                    break
                if proc.returncode is not None:
                    raise RuntimeError(self.logs())
                await asyncio.sleep(0.05)
            else:
                raise TimeoutError("worker did not start")
        self.emu.webhook_pool(self.hooks())

    def logs(self) -> str:
        return "\n".join(
            f"--- {path.name}\n{path.read_text(errors='replace')[-3000:]}"
            for path in sorted(self.cwd.glob("worker-*.log"))
        )

    def pids(self) -> list[int]:
        return [p.pid for p in self.procs if p.returncode is None]

    async def kill(self, pid: int) -> None:
        proc = next(p for p in self.procs if p.pid == pid)
        proc.send_signal(signal.SIGKILL)
        await proc.wait()

    async def stop(self) -> None:
        for proc in self.procs:
            if proc.returncode is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                await asyncio.wait_for(proc.wait(), 30)
            except TimeoutError:
                proc.kill()
                await proc.wait()


@pytest.fixture
async def workers(emu, tmp_path, roster_path, pg_url):
    group = Workers(emu, tmp_path, roster_path, pg_url)
    try:
        await group.start()
        yield group
    finally:
        await group.stop()


async def _cut_connection_of_one(workers: Workers, pg_url: str) -> int:
    """End one live worker's database connection from the server's side; returns its pid."""
    admin = pg_url.replace("lkj_bot@", "postgres@")
    with psycopg.connect(admin, autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid, client_port FROM pg_stat_activity "
            "WHERE datname = current_database() AND usename = 'lkj_bot'"
        ).fetchall()
        for backend, port in rows:
            owner = _owner_of(port, workers.pids())
            if owner is not None:
                conn.execute("SELECT pg_terminate_backend(%s)", (backend,))
                return owner
    raise AssertionError("no worker connection found")


def count(user, text: str, document: bool | None = None) -> int:
    return sum(
        1
        for m in user.received()
        if text in m.text and (document is None or (m.document is not None) == document)
    )


async def test_three_workers_play_a_quarter_and_one_is_killed(workers, emu, people, pg_url):
    sekretaris, kasubbag = people.sekretaris, people.kasubbag
    await playbook.start_cycle(people, 3, 2026)
    await sekretaris.wait_button("Teruskan ke Kasubbag")
    await playbook.forward(people)
    await kasubbag.wait_button("Bagi tugas")
    await playbook.divide(people)
    await playbook.upload_all(people)

    # The Kasubbag assembles the draft: the worker that handles it is killed while it hangs
    # sending the draft PDF (its state saved, the update not yet marked done).
    emu.hold_next("sendDocument")
    await kasubbag.tap("Susun draf laporan")
    await emu.wait_held()
    victim = _owner_of(emu.world.held_from[-1][1], workers.pids())
    assert victim is not None, "the held call came from none of the workers"
    press = emu.world.history[-1]["update_id"]  # the Susun draf press the victim is handling
    victim_hook = workers.hooks()[workers.pids().index(victim)]
    assert (press, victim_hook) in emu.webhooks.sent_to
    await workers.kill(victim)
    emu.release_held()
    # Another worker takes the update over (its state change was saved: not applied again)
    # and delivers the draft it owed. (The killed worker's "sedang disusun…" note stays.)
    draft = await kasubbag.expect("Draf laporan data kinerja", document=True)
    await kasubbag.tap(f"Ajukan ke {people.receiver(ASSEMBLE)}", draft)
    await kasubbag.expect("telah diajukan")
    assert len(workers.pids()) == WORKERS - 1

    # Another worker loses its database connection (a restarted or failed-over server): it
    # stops by itself, to be started afresh by its service manager; the last worker goes on.
    lost = await _cut_connection_of_one(workers, pg_url)
    await asyncio.wait_for(next(p for p in workers.procs if p.pid == lost).wait(), 60)
    assert "connection to the database lost: stopping this worker" in workers.logs()
    assert len(workers.pids()) == WORKERS - 2

    await playbook.paraf(people)
    await playbook.sign(people)
    await kasubbag.expect("ditandatangani", document=True)
    await emu.settle(quiet=1.5, timeout=30)

    db = Database(workers.data_dir, pg_url)
    cycle = CycleRepository(db).get(UNIT, 2026, 3)
    assert cycle.status == FILED
    assert CycleRepository(db).outbox(UNIT, 2026, 3) == []  # nothing left owed

    # Nothing sent twice: each step's messages arrived once.
    assert count(sekretaris, "Lembar Disposisi", document=True) == 1
    assert count(kasubbag, "Disposisi Triwulan III") == 1
    for member in people.team:
        assert count(member, "Pembagian Tugas — Triwulan III") == 1
    drafts = [m.document.filename for m in kasubbag.received() if m.document]
    assert drafts.count("LKj_TW-III_2026_DRAF_v1.pdf") == 1  # the one the killed worker owed
    submitted = [m.document.filename for m in sekretaris.received() if m.document]
    assert submitted.count("LKj_TW-III_2026_DRAF_v1.pdf") == 1
    assert count(kasubbag, "ditandatangani", document=True) == 1

    # Every update was received once and handled once, by whichever worker.
    with psycopg.connect(pg_url) as conn:
        rows = conn.execute("SELECT update_id, done_at IS NOT NULL FROM lkj_inbox").fetchall()
    handled = {int(r[0]) for r in rows if r[1]}
    assert handled == {u["update_id"] for u in emu.world.history}
    assert press in handled  # taken over from the killed worker (not applied twice: above)
    served = {url for _, url in emu.webhooks.sent_to}
    assert len(served) == WORKERS  # the updates really were spread over the workers

    # The audit trail: every accepted action once, in order, the chain whole.
    trail = PgAuditTrail(db.pg)
    accepted = [e["action"] for e in trail.log(UNIT, 2026).entries() if e["outcome"] == "accepted"]
    assert accepted == [h.action for h in cycle.history]
    assert all(r.ok for r in trail.verify_all())
    db.close()
