"""The Mini App and the evaluators' page with several webhook workers (issue 22 item 4): three
``lkj-bot run --webhook`` processes on one PostgreSQL database, each serving the Mini App on
its own port behind one public ``LKJ_WEBAPP_URL``. The test is the round-robin proxy in front
of them (deploy/nginx-lkj-bot.conf, ``upstream lkj_miniapp``): successive calls of one page go
to different workers. A member's form is loaded from one worker, its draft saved through
another and sent through a third; a double Kirim sent to two workers at once is applied once;
the evidence is uploaded through all three; the store holds each realisation once and the
Kasubbag is told once that the data are complete. The evaluators' page answers the same from
every worker, in Telegram and at a signed link, and an evaluator who joins in chat (handled by
one worker) opens the page at once on every worker."""

from __future__ import annotations

import asyncio
import sys
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

import aiohttp
import pytest

from demo import playbook
from demo.playbook import SAMPLES, MiniApp
from documents.sample_workbooks import sample_targets_workbook
from domain.samples import sample_indicators
from emulator.users import SimUser
from handlers import texts
from storage.database import Database
from storage.pg_audit import PgAuditTrail
from storage.repositories import CycleRepository
from tests.conftest import TOKEN
from tests.factories import DEMO_ROSTER
from tests.test_pemda_chat_e2e import join_evaluator
from tests.test_workers import WORKERS, Workers, count
from webapp.auth import sign_init_data

UNIT = "satpolpp-bdg"
INSPEKTUR = 9101
BAPPEDA = ("Ir. Bambang Wibisono", "197001011995031001", "Kepala Bidang Evaluasi")


@pytest.fixture
def roster_path(tmp_path):
    """The demo unit (Kota Bandung) and an Inspektorat evaluator of its pemda."""
    path = tmp_path / "roster.toml"
    text = DEMO_ROSTER.read_text(encoding="utf-8")
    path.write_text(
        text + '\n[[evaluator]]\ntelegram_id = 9101\nname = "Dra. Sri Lestari, M.Si."\n'
        'body = "inspektorat"\npemda = "Kota Bandung"\n',
        encoding="utf-8",
    )
    return path


@pytest.fixture
async def workers(emu, tmp_path, roster_path, pg_url):
    group = Workers(emu, tmp_path, roster_path, pg_url, webapp=True)
    try:
        await group.start()
        yield group
    finally:
        await group.stop()


def now() -> datetime:
    return datetime.now(UTC)  # the workers run on the real clock


class Proxy:
    """Sends each call to the worker it names: the round robin of nginx, made explicit."""

    def __init__(self, workers: Workers, session: aiohttp.ClientSession):
        self.bases = [f"http://127.0.0.1:{port}/app" for port in workers.webapp_ports]
        self.session = session

    def local(self, public: str, worker: int) -> str:
        """A public page address (a web_app button's) as served by one worker."""
        assert public.startswith(Workers.WEBAPP_URL + "/"), public
        return self.bases[worker] + public[len(Workers.WEBAPP_URL) :]

    async def post(
        self, worker: int, api: str, authorization: str, body: Any = None, **query: str
    ) -> tuple[int, dict]:
        url = f"{self.bases[worker]}/{api}"
        if query:
            url += "?" + "&".join(f"{k}={quote(v, safe='')}" for k, v in query.items())
        kwargs: dict[str, Any] = {"data": body} if isinstance(body, bytes) else {"json": body}
        headers = {"Authorization": authorization}
        async with self.session.post(url, headers=headers, **kwargs) as response:
            return response.status, await response.json()

    async def get(self, url: str) -> tuple[int, str]:
        async with self.session.get(url) as response:
            return response.status, await response.text()


def tma(user_id: int) -> str:
    return "tma " + sign_init_data(TOKEN, {"id": user_id, "first_name": "X"}, now())


async def same_from_every_worker(proxy: Proxy, authorization: str) -> dict:
    """/api/pantau asked of every worker at once: one answer (its clock line aside; asked
    again if a minute turned between two of them)."""
    for _ in range(3):
        answers = await asyncio.gather(
            *(proxy.post(n, "api/pantau", authorization, {}) for n in range(WORKERS))
        )
        assert [status for status, _ in answers] == [200] * WORKERS, answers
        bodies = [{k: v for k, v in body.items() if k != "at"} for _, body in answers]
        if all(body == bodies[0] for body in bodies):
            return bodies[0]
    raise AssertionError(f"the workers answer differently: {bodies}")


async def test_the_mini_app_behind_three_workers(workers, emu, people, pg_url):
    member, other = people.team
    kasubbag = people.kasubbag
    mini = MiniApp(TOKEN, now)
    await playbook.upload_targets(people, 2026, sample_targets_workbook(), "Target_2026.xlsx")
    codes = [i.code for i in sample_indicators()]
    plan = [codes[:3], codes[3:]]
    await playbook.start_cycle(people, 3, 2026)
    await playbook.forward(people)
    await playbook.divide_indicators(people, plan)
    task = await member.wait_button(texts.BTN_WEBAPP_FORM)
    public = mini.page_url(task, texts.BTN_WEBAPP_FORM)
    cycle_id = parse_qs(urlsplit(public).query)["siklus"][0]
    auth = f"tma {mini.init_data(member)}"

    async with aiohttp.ClientSession() as session:
        proxy = Proxy(workers, session)
        # The page itself from any worker (the web_app button's address, served by each).
        for n in range(WORKERS):
            status, html = await proxy.get(proxy.local(public, n))
            assert status == 200 and "isi.js" in html
        body = {"siklus": cycle_id}

        # Worker A loads the member's data, worker B saves the draft, worker C shows it.
        status, form = await proxy.post(0, "api/isi", auth, body)
        assert status == 200, form
        assert [card["code"] for card in form["rows"]] == plan[0]
        rows = {
            code: {"value": "70", "kendala": "Kendala.", "tindak_lanjut": "Tindak."}
            for code in plan[0]
        }
        status, saved = await proxy.post(1, "api/isi/draf", auth, {**body, "rows": rows})
        assert status == 200 and set(saved["capaian"]) == set(plan[0]), saved
        status, form = await proxy.post(2, "api/isi", auth, body)
        assert status == 200
        assert {c["code"]: c["values"]["value"] for c in form["rows"]} == dict.fromkeys(
            plan[0], "70"
        )
        assert all(card["draft"] for card in form["rows"])

        # Worker C sends it: recorded once, announced once.
        status, sent = await proxy.post(2, "api/isi/kirim", auth, {**body, "rows": rows})
        assert status == 200, sent
        await member.expect(f"Realisasi {', '.join(plan[0])} dicatat")

        # The other member's Kirim reaches two workers at once (a double tap, a retry through
        # another upstream): the unit's lock (a PostgreSQL advisory lock) lets one apply it;
        # the other finds nothing new to send.
        theirs = f"tma {mini.init_data(other)}"
        their_rows = {
            code: {"value": "55", "kendala": "K.", "tindak_lanjut": "T."} for code in plan[1]
        }
        both = await asyncio.gather(
            proxy.post(0, "api/isi/kirim", theirs, {**body, "rows": their_rows}),
            proxy.post(1, "api/isi/kirim", theirs, {**body, "rows": their_rows}),
        )
        assert sorted(status for status, _ in both) == [200, 400], both
        assert [answer["error"] for status, answer in both if status == 400] == [
            texts.WEBAPP_NOTHING_NEW
        ]

        # The evidence of every indicator, uploaded through the three workers in turn.
        uploads = [(member, code) for code in plan[0]] + [(other, code) for code in plan[1]]
        for n, (who, code) in enumerate(uploads):
            status, answer = await proxy.post(
                n % WORKERS,
                "api/isi/bukti",
                f"tma {mini.init_data(who)}",
                SAMPLES.rencana_aksi,
                siklus=cycle_id,
                kode=code,
                nama=f"bukti_{code}.pdf",
            )
            assert status == 200, answer
        await kasubbag.expect("telah terkumpul")

        # The evaluators' page: the same answer from every worker, in Telegram (initData)…
        page = await same_from_every_worker(proxy, tma(INSPEKTUR))
        assert [u["unit"] for u in page["units"]] == [UNIT]
        assert page["evaluator"]["body"] == "Inspektorat"
        # …and at the signed link the evaluator asks for in chat (made by whichever worker).
        inspektur = SimUser(emu, INSPEKTUR, "Sri")
        inspektur.say("/tautan_pantau")
        reply = await inspektur.expect("Tautan halaman pemantauan")
        link = next(w for w in reply.text.split() if w.startswith(Workers.WEBAPP_URL))
        token = link.split("tautan=")[1]
        assert await same_from_every_worker(proxy, f"tautan {token}") == page
        for n in range(WORKERS):
            status, html = await proxy.get(proxy.local(link, n))
            assert status == 200 and 'src="pantau.js"' in html

        # An evaluator invited by the operator joins in chat: one worker handles the last
        # step; every worker's page knows them at once (the roster reloaded when changed).
        invite = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "bot.cli",
            "invite-evaluator",
            "--pemda",
            "Kota Bandung",
            "--body",
            "bappeda",
            "--bot",
            "lkj_test_bot",
            env=workers.env(),
            cwd=workers.cwd,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )
        out, err = await asyncio.wait_for(invite.communicate(), 60)
        assert invite.returncode == 0, err.decode()
        joining = SimUser(emu, 9202, BAPPEDA[0])
        await join_evaluator(joining, playbook.invitation_code(out.decode()), BAPPEDA)
        joined = await same_from_every_worker(proxy, tma(joining.user_id))
        assert joined["evaluator"]["body"] == "Bappeda" and joined["units"] == page["units"]

    await emu.settle(quiet=1.0, timeout=30)
    db = Database(workers.data_dir, pg_url)
    cycle = CycleRepository(db).get(UNIT, 2026, 3)
    # Each realisation once (one version each), by the form.
    assert sorted(r.code for r in cycle.realisations) == sorted(codes)
    assert {r.source for r in cycle.realisations} == {"miniapp"}
    trail = PgAuditTrail(db.pg)
    reports = [
        e["actor"]
        for e in trail.log(UNIT, 2026).entries()
        if e["action"] == "lapor_realisasi" and e["outcome"] == "accepted"
    ]
    assert sorted(reports) == sorted([member.user_id, other.user_id])
    assert all(r.ok for r in trail.verify_all())
    db.close()
    # Told once: each member's report, and the Kasubbag that the data are complete.
    assert count(member, f"Realisasi {', '.join(plan[0])} dicatat") == 1
    assert count(other, f"Realisasi {', '.join(plan[1])} dicatat") == 1
    assert count(kasubbag, "telah terkumpul") == 1
