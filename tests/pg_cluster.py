"""A throw-away PostgreSQL cluster for the tests: Debian's server binaries, a data directory in
a temporary folder, run as the ``postgres`` system user when the tests run as root (PostgreSQL
refuses to run as root), on a free loopback port, with durability off (nothing here must
survive a power cut). Each test gets its own database, copied from a template that already
holds the schema (:func:`storage.pg.init_schema`), and connects as the bot's limited role.
"""

from __future__ import annotations

import os
import pwd
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from itertools import count
from pathlib import Path

from demo.screenshots import free_port

OWNER_ROLE = "lkj_owner"
BOT_ROLE = "lkj_bot"
TEMPLATE_DB = "lkj_template"


def server_bindir() -> Path | None:
    """The newest installed server's binaries (Debian: /usr/lib/postgresql/<major>/bin);
    ``LKJ_TEST_PG_BINDIR`` names another folder (the tests of the skip-or-fail rule)."""
    if os.environ.get("LKJ_TEST_PG_BINDIR"):
        folder = Path(os.environ["LKJ_TEST_PG_BINDIR"])
        return folder if (folder / "initdb").is_file() else None
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parent.parent.name) if p.parent.parent.name.isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).resolve().parent if initdb else None


@dataclass
class PgCluster:
    bindir: Path
    root: Path
    port: int
    run_as: str | None
    durable: bool = False
    _numbers: count = count(1)

    @property
    def data(self) -> Path:
        return self.root / "data"

    def url(self, database: str, role: str) -> str:
        return f"postgresql://{role}@127.0.0.1:{self.port}/{database}"

    def _cmd(self, *args: str) -> list[str]:
        return ["runuser", "-u", self.run_as, "--", *args] if self.run_as else list(args)

    def start(self) -> None:
        subprocess.run(
            self._cmd(
                str(self.bindir / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--no-locale",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
        )
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c max_connections=60"
        )
        if not self.durable:  # tests: nothing here must survive a power cut
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        subprocess.run(
            self._cmd(
                str(self.bindir / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-o",
                options,
                "-w",
                "start",
            ),
            check=True,
            capture_output=True,
        )
        import psycopg

        from storage.pg import init_schema

        with psycopg.connect(self.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE ROLE {OWNER_ROLE} LOGIN")
            conn.execute(f"CREATE ROLE {BOT_ROLE} LOGIN")
            conn.execute(f"CREATE DATABASE {TEMPLATE_DB} OWNER {OWNER_ROLE}")
        init_schema(self.url(TEMPLATE_DB, OWNER_ROLE), BOT_ROLE)

    def new_database(self) -> str:
        """A fresh database with the schema; returns the bot role's URL to it."""
        import psycopg

        name = f"lkj_test_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {TEMPLATE_DB} OWNER {OWNER_ROLE}")
        return self.url(name, BOT_ROLE)

    def empty_database(self) -> tuple[str, str]:
        """A database without the schema: (its owner's URL, the bot role's URL)."""
        import psycopg

        name = f"lkj_empty_{os.getpid()}_{next(self._numbers)}"
        with psycopg.connect(self.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} OWNER {OWNER_ROLE}")
        return self.url(name, OWNER_ROLE), self.url(name, BOT_ROLE)

    def drop_database(self, url: str) -> None:
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(self.url("postgres", "postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def stop(self) -> None:
        subprocess.run(
            self._cmd(str(self.bindir / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop"),
            check=False,
            capture_output=True,
        )
        shutil.rmtree(self.root, ignore_errors=True)


def start_cluster(durable: bool = False) -> PgCluster:
    """``durable``: PostgreSQL's default durability (fsync, synchronous commit), as a
    production server runs; the tests turn it off."""
    bindir = server_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL server binaries (initdb, pg_ctl) not found")
    root = Path(tempfile.mkdtemp(prefix="lkj-pg-"))
    run_as = None
    if os.geteuid() == 0:
        run_as = "postgres"
        user = pwd.getpwnam(run_as)  # KeyError: Debian's package creates this user
        os.chown(root, user.pw_uid, user.pw_gid)
    cluster = PgCluster(bindir, root, free_port(), run_as, durable)
    try:
        cluster.start()
    except BaseException:
        cluster.stop()
        raise
    return cluster
