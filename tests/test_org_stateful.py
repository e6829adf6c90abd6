"""A generated walk through an office's life: organisation events interleaved with every SOP
step of a quarter, played by the real bot through the strict emulator over HTTP, with four
invariants checked after every rule.

Hypothesis draws the walk (``st.data()``): before each SOP move, zero to two organisation
events among those possible at that moment: a Plh appointed for the paraf or the signing post
(from the candidates the bot offers) and ended, the Sekretaris replaced by mutasi (the
successor joins by invitation, with a chat not started until then), a Tim Kerja member invited
or removed, Alihkan tugas of a member's items, a member blocking or unblocking the bot, and a
fault (502 as Telegram's gateway sends it, or 429 with retry_after) injected for the bot's next
``sendMessage``. The SOP moves are: start, forward, divide, collect (one item per move), make
and submit the draft, paraf, sign, and now and then a return. The bot is async, so one example
is one ``asyncio.run`` of a whole walk (Hypothesis's stateful API cannot drive it); the draws
and a log of every rule are printed when an invariant fails.

The invariants (``Walk.check``), read from the store the bot writes (its repositories on the
test's data dir) and from the emulator:

1. **One acting official, reachable or named**: the step the quarter waits for (unless filed)
   has exactly one official acting for its post in the bot's view, the one the walk expects
   (the holder, or the Plh appointed and not ended; during collection: every member holding
   an open item is a current member); and when that official's chat cannot take messages
   (not started, blocked) while something is owed to them, someone else was told, by name,
   with the reason (the chat is marked ``told`` and another chat got a message naming them).
   An official who blocked the bot when nothing more was owed to them is reachable enough:
   their task has reached them.
2. **Records are facts of their moment**: every history entry's actor (``by``) and every
   recipient (``to``) held, at the entry's moment, the capacity recorded: their own post (as
   the walk's own timeline of posts says, whatever the roster says now), or a Plh appointment
   of the walk for that post, made and not ended by then; their name is the one they had.
   An official represented by a Plh never acts in their own post while represented.
3. **Segregation of duties**: for every report version, the activities the SOP table
   separates (making the report, its paraf, its signature) were done by different people,
   read from the drafts, the submissions and the decisions on record.
4. **Every owed message delivered once, or waiting with its reason**: every message the
   quarter still owes (its outbox) is for a chat that cannot take it now (not started,
   blocked) and is counted for that person in what the administrator's ``/status`` lists
   (``handlers.outbox.waiting_for``), or it was sent and may have arrived (marked uncertain);
   no chat got one of the quarter's notices twice. At the end of a walk ``/status`` names
   each waiting person with the reason, and once everyone opens their chat nothing is owed.

Bounded: a handful of examples of 10-20 rules each (PDFs are rendered for real), no
shrinking (each walk takes tens of seconds); a failure prints Hypothesis's draws and the walk.

Found by the walk: Alihkan tugas recorded no facts of its moment (fixed in
``domain.workflow.reassign``); what is owed to an official who leaves while their chat cannot
take it stayed owed and unlisted (fixed: struck off when they leave, audited, the
administrator told; ``test_owed_to_someone_who_left_is_listed_or_no_longer_owed``). Not
generated: a send that times out and takes effect (the client waits 60 s;
``tests/test_send_timeouts.py`` covers it).
"""

from __future__ import annotations

import asyncio
import io
import os
import random
import re
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, note, settings
from hypothesis import strategies as st
from pypdf import PdfReader

from bot.settings import Settings
from demo import playbook
from demo.playbook import SAMPLES, Cast
from domain.dates_id import format_day_date_id
from domain.roles import Role
from domain.roster import load_roster
from domain.sop import ASSEMBLE, PARAF, SIGN
from emulator import BotAPIEmulator
from emulator.users import SimUser
from handlers.outbox import REASONS, waiting_for
from storage import chats
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import CycleRepository
from tests.conftest import TOKEN, BotRunner
from tests.factories import DEMO_ROSTER, JAKARTA, FakeClock
from tests.test_standins_e2e import arrived

UNIT = "satpolpp-bdg"
YEAR, TW = 2026, 3
ITEMS = ["Data penegakan Perda", "Data patroli ketertiban", "Data pengaduan masyarakat"]
FILES = {
    ITEMS[0]: SAMPLES.data[0][0],
    ITEMS[1]: SAMPLES.data[0][1],
    ITEMS[2]: SAMPLES.data[1][0],
}
EVENTS = (
    "plh",
    "plh_end",
    "replace_sekretaris",
    "invite_member",
    "remove_member",
    "alihkan",
    "block",
    "unblock",
    "fault",
)
#: A quarter's notices: one arriving twice in a chat is a repeated delivery.
NOTICES = (
    "Lembar Disposisi",
    "Pembagian Tugas",
    "Pengalihan Tugas",
    "telah ditandatangani",
    "dikembalikan untuk perbaikan",
    "diparaf oleh",
    "diajukan oleh",
)
END = datetime(9999, 1, 1, tzinfo=JAKARTA)


async def eventually(check: Callable[[], None], within: float = 20.0) -> None:
    """``check`` passes now or within ``within`` s: a notice a rule owes may be on its way
    (saved, its PDF rendering) when the emulator falls quiet, so a failed check is tried
    again for a while before it counts."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + within
    while True:
        try:
            return check()
        except AssertionError:
            if loop.time() > deadline:
                raise
        await asyncio.sleep(0.5)


@dataclass
class Post:
    user_id: int
    role: Role
    since: datetime
    until: datetime = END


@dataclass
class Plh:
    acting: int
    role: Role
    holder: int
    since: datetime  # when it was made (it covers the day from midnight, but acts come after)
    until: datetime  # midnight after the day, or when it was ended


@dataclass
class Walk:
    emu: BotAPIEmulator
    cast: Cast
    clock: FakeClock
    runner: BotRunner
    rnd: random.Random
    log: list[str] = field(default_factory=list)
    users: dict[int, SimUser] = field(default_factory=dict)
    names: dict[int, str] = field(default_factory=dict)
    posts: list[Post] = field(default_factory=list)
    plhs: list[Plh] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)
    holder_of: dict[str, int] = field(default_factory=dict)  # item -> member
    collected: set[str] = field(default_factory=set)
    returns: int = 0
    facts_checked: int = 0
    next_id: int = 6001

    # --- the model --------------------------------------------------------------------

    @property
    def services(self) -> Any:
        return self.runner.app.bot_data["services"]

    def now(self) -> datetime:
        return self.clock()

    def holder(self, role: Role) -> int:
        return next(p.user_id for p in self.posts if p.role is role and p.until == END)

    def team(self) -> list[int]:
        return [p.user_id for p in self.posts if p.role is Role.TIM_KERJA and p.until == END]

    def active_plh(self, role: Role) -> Plh | None:
        now = self.now()
        return next((p for p in self.plhs if p.role is role and p.since <= now < p.until), None)

    def actor(self, role: Role) -> int:
        plh = self.active_plh(role)
        return plh.acting if plh else self.holder(role)

    def user(self, user_id: int) -> SimUser:
        return self.users[user_id]

    def label(self, role: Role) -> str:
        return self.cast.unit.role_label(role)

    def add(self, user: SimUser, role: Role) -> None:
        self.users[user.user_id] = user
        self.names[user.user_id] = user.name
        self.posts.append(Post(user.user_id, role, self.now()))

    def leave(self, user_id: int) -> None:
        now = self.now()
        for post in self.posts:
            if post.user_id == user_id and post.until == END:
                post.until = now
        for plh in self.plhs:  # none outlives its officials
            if user_id in (plh.acting, plh.holder) and plh.until > now:
                plh.until = now

    async def settle(self) -> None:
        await self.emu.settle(quiet=0.3, timeout=120)

    async def awake(self, user_id: int) -> SimUser:
        """A person about to act: one who blocked the bot unblocks it first (Telegram's
        Restart), as they must to write to it."""
        if user_id in self.blocked:
            self.blocked.discard(user_id)
            self.emu.unblock(user_id)
            await self.settle()
        return self.user(user_id)

    def cycle(self):
        return self.services.cycles.get(UNIT, YEAR, TW)

    def step_key(self) -> str | None:
        cycle = self.cycle()
        if cycle is None:
            return "start"
        if cycle.filed:
            return None
        return self.cast.sop.step(cycle.step).key

    # --- SOP moves ----------------------------------------------------------------------

    async def sop_move(self, data: st.DataObject) -> None:
        key = self.step_key()
        sop = self.cast.sop
        self.log.append(f"{self.now():%H:%M} step {key}")
        if key == "start":
            await self.awake(self.actor(Role.KASAT))
            self.cast.kasat = self.user(self.actor(Role.KASAT))
            await playbook.start_cycle(self.cast, TW, YEAR)
        elif key == sop.step(2).key:
            s = await self.awake(self.actor(sop.step(2).role))
            to = self.label(sop.step(3).role)
            await s.tap(f"Teruskan ke {to}", await s.wait_button(f"Teruskan ke {to}"))
            await s.expect(f"catatan disposisi untuk {to}")
            s.say(playbook.DISPOSISI_SEKRETARIS)
            await s.expect("Mohon periksa kembali")
            await playbook.tap_through(s, "Kirim")
            # "... telah diteruskan kepada", or "... disimpan" when the receiver cannot take it
            await s.expect("Disposisi")
        elif key == sop.step(3).key:
            await self.divide()
        elif key == sop.step(4).key:
            item = next(i for i in ITEMS if i in self.holder_of and i not in self.collected)
            member = await self.awake(self.holder_of[item])
            name, content = FILES[item]
            await playbook.upload(member, name, content, item)
            self.collected.add(item)
        elif key == ASSEMBLE:
            k = await self.awake(self.actor(Role.KASUBBAG))
            label = next(
                b
                for m in reversed(k.received())
                for b in m.buttons
                if b.startswith("Susun") and "draf" in b
            )
            await playbook.tap_through(k, label, k.with_button(label))
            to = self.label(sop.step(6).role)
            await k.tap(f"Ajukan ke {to}", await k.wait_button(f"Ajukan ke {to}"))
            await k.expect("telah diajukan")
        elif key in (PARAF, SIGN):
            role = sop.role_of(key)
            actor = await self.awake(self.actor(role))
            if self.returns == 0 and data.draw(st.booleans(), label=f"return at {key}"):
                self.returns += 1
                self.log.append(f"  returned by {actor.name}")
                await playbook.return_report(actor)
                return
            button = "Paraf" if key == PARAF else "Tandatangani"
            message = await actor.wait_button(button)
            if key == PARAF:
                answer = await playbook.tap_through(actor, "Paraf", message)
            else:
                await actor.tap("Tandatangani", message)
                answer = await playbook.tap_through(actor, "Ya, tandatangani", message)
            self.log.append(f"  {actor.name}: {answer}")
            if "Pemisahan tugas" in answer:  # the office ends the Plh and the holder acts
                await self.end_plh(role)
        else:
            raise AssertionError(f"no move for step {key}")

    async def divide(self) -> None:
        k = await self.awake(self.actor(Role.KASUBBAG))
        team = self.team()
        plan = {
            uid: [i for n, i in enumerate(ITEMS) if n % len(team) == idx]
            for idx, uid in enumerate(team)
        }
        await k.tap("Bagi tugas", await k.wait_button("Bagi tugas"))
        await k.expect("catatan pembagian tugas")
        k.say(playbook.DIVISION_NOTE)
        while True:
            prompt = await k.expect()
            if "Mohon periksa kembali" in prompt.text:
                break
            if "Tuliskan butir data" not in prompt.text:
                continue
            uid = next(u for u in team if self.names[u] in prompt.text)
            k.say("\n".join(plan[uid]) or "-")
        await k.tap("Kirim", prompt)
        await k.emu.next_message(
            k.user_id,
            k.timeout,
            lambda m: m.text.startswith(
                ("Pembagian tugas telah dikirim", "Pembagian tugas disimpan")
            ),
        )
        for uid, items in plan.items():
            for item in items:
                self.holder_of[item] = uid

    # --- organisation events ------------------------------------------------------------

    def possible(self) -> list[str]:
        key = self.step_key()
        team = self.team()
        holding = {self.holder_of[i] for i in ITEMS if i in self.holder_of} - set()
        out = ["block", "fault", "invite_member"]
        if self.blocked:
            out.append("unblock")
        if self.free_posts():
            out.append("plh")
        if any(self.active_plh(r) for r in (Role.SEKRETARIS, Role.KASAT)):
            out.append("plh_end")
        if key is not None:
            out.append("replace_sekretaris")
        if len(team) > 1 and [u for u in team if u not in holding]:
            out.append("remove_member")
        if key == self.cast.sop.step(4).key and len(team) > 1:
            out.append("alihkan")
        return [e for e in EVENTS if e in out]

    async def org_event(self, event: str) -> None:
        self.log.append(f"{self.now():%H:%M} event {event}")
        await getattr(self, f"ev_{event}")()

    async def ev_block(self) -> None:
        who = self.rnd.choice([u for u in self.users if u not in self.blocked and self.current(u)])
        self.log.append(f"  {self.names[who]} blocks the bot")
        self.blocked.add(who)
        self.emu.block(who)

    async def ev_unblock(self) -> None:
        who = self.rnd.choice(sorted(self.blocked))
        self.log.append(f"  {self.names[who]} unblocks the bot")
        await self.awake(who)

    async def ev_fault(self) -> None:
        code = self.rnd.choice([502, 429])
        self.log.append(f"  the next sendMessage answers {code}")
        self.emu.fail_next("sendMessage", code, retry_after=1 if code == 429 else None)

    def free_posts(self) -> list[Role]:
        """The posts a Plh may be appointed for today: one per post and day (the bot refuses
        a second range overlapping one ended earlier that day: ranges are whole days)."""
        today = self.now().date()
        return [
            r
            for r in (Role.SEKRETARIS, Role.KASAT)
            if not any(p.role is r and p.since.date() == today for p in self.plhs)
        ]

    def current(self, user_id: int) -> bool:
        return any(p.user_id == user_id and p.until == END for p in self.posts)

    async def ev_plh(self) -> None:
        role = self.rnd.choice(self.free_posts())
        holder_id = self.holder(role)
        holder = await self.awake(holder_id)
        holder.say("/plh")
        listing = await holder.expect("Plh/Plt —")
        await holder.tap(f"Tunjuk Plh. {self.label(role)} ({holder.name})", listing)
        pick = await self.emu.next_message(
            holder.user_id,
            holder.timeout,
            lambda m: "Pilih pejabat yang ditunjuk" in m.text or "yang dapat ditunjuk" in m.text,
        )
        offered = list(pick.buttons)
        if "Pilih pejabat yang ditunjuk" not in pick.text or not offered:
            self.log.append(f"  nobody may stand in for the {role.value} now")
            holder.say("/batal")
            await self.settle()
            return
        choice = self.rnd.choice(offered)
        acting = next(u for u, n in self.names.items() if choice.startswith(n) and self.current(u))
        await holder.tap(choice, pick)
        today = format_day_date_id(self.now().date())
        await holder.tap(today, await holder.expect("Mulai tanggal berapa"))
        await holder.expect("Sampai dengan tanggal berapa")
        holder.say(self.now().strftime("%d-%m-%Y"))
        await holder.tap("Kirim", await holder.expect("Mohon periksa kembali"))
        await holder.expect("ditunjuk sebagai")
        midnight = datetime.combine(
            self.now().date() + timedelta(days=1), datetime.min.time(), JAKARTA
        )
        self.plhs.append(Plh(acting, role, holder_id, self.now(), midnight))
        self.log.append(f"  {self.names[acting]} Plh. {role.value} for {holder.name}")

    async def ev_plh_end(self) -> None:
        role = self.rnd.choice(
            [r for r in (Role.SEKRETARIS, Role.KASAT) if self.active_plh(r) is not None]
        )
        await self.end_plh(role)

    async def end_plh(self, role: Role) -> None:
        plh = self.active_plh(role)
        assert plh is not None
        holder = await self.awake(plh.holder)
        holder.say("/plh")
        listing = await holder.expect("Plh/Plt —")
        answer = await holder.tap(
            f"Akhiri Plh. {self.label(role)}: {self.names[plh.acting]}", listing
        )
        plh.until = self.now()
        self.log.append(f"  Plh. {role.value} {self.names[plh.acting]} ended: {answer['text']}")

    def new_user(self, name: str) -> SimUser:
        user = SimUser(self.emu, self.next_id, name, started=False)
        self.next_id += 1
        return user

    async def ev_replace_sekretaris(self) -> None:
        admin = await self.awake(self.actor(Role.KASUBBAG))
        old = self.holder(Role.SEKRETARIS)
        admin.say("/mutasi")
        listing = await admin.expect("Mutasi pegawai")
        await admin.tap(f"Ganti {self.label(Role.SEKRETARIS)} ({self.names[old]})", listing)
        code = playbook.invitation_code((await admin.expect("Penggantian")).text)
        n = self.next_id
        new = self.new_user(f"Sekretaris Baru {n}, S.H.")
        await playbook.join(new, code, (new.name, f"1978021420031220{n % 100:02d}", "Sekretaris"))
        self.leave(old)
        self.add(new, Role.SEKRETARIS)
        self.log.append(f"  {self.names[old]} replaced by {new.name}")

    async def ev_invite_member(self) -> None:
        admin = await self.awake(self.actor(Role.KASUBBAG))
        code = await playbook.invite(admin, self.label(Role.TIM_KERJA))
        n = self.next_id
        new = self.new_user(f"Anggota Baru {n}, A.Md.")
        await playbook.join(new, code, (new.name, f"1995050520201210{n % 100:02d}", "Pengolah"))
        self.add(new, Role.TIM_KERJA)
        self.log.append(f"  {new.name} joins the team")

    async def ev_remove_member(self) -> None:
        holding = {self.holder_of[i] for i in ITEMS if i in self.holder_of}
        who = self.rnd.choice([u for u in self.team() if u not in holding])
        admin = await self.awake(self.actor(Role.KASUBBAG))
        admin.say("/mutasi")
        listing = await admin.expect("Mutasi pegawai")
        await admin.tap(f"Keluarkan {self.names[who]}", listing)
        await admin.tap("Ya, keluarkan", await admin.expect("Aksesnya berakhir seketika"))
        await admin.expect(f"{self.names[who]} telah dikeluarkan")
        self.leave(who)
        self.log.append(f"  {self.names[who]} removed")

    async def ev_alihkan(self) -> None:
        holding = sorted({self.holder_of[i] for i in ITEMS if i in self.holder_of})
        giver = self.rnd.choice(holding)
        admin = await self.awake(self.actor(Role.KASUBBAG))
        admin.say("/mutasi")
        listing = await admin.expect("Mutasi pegawai")
        await admin.tap(f"Alihkan tugas {self.names[giver]}", listing)
        pick = await admin.expect(f"Alihkan tugas {self.names[giver]}")
        choice = self.rnd.choice(list(pick.buttons))
        if choice == "Ambil alih sendiri":  # the division holder takes them
            taker = admin.user_id
        else:
            taker = next(u for u in self.team() if choice == f"Kepada {self.names[u]}")
        await admin.tap(choice, pick)
        await admin.expect("telah dialihkan kepada")
        for item, uid in self.holder_of.items():
            if uid == giver:
                self.holder_of[item] = taker
        self.log.append(f"  tasks of {self.names[giver]} moved to {self.names[taker]}")

    # --- the invariants -----------------------------------------------------------------

    async def checked(self) -> None:
        """The invariants once the bot is done with the rule (see ``eventually``)."""
        await eventually(self.check)

    def check(self) -> None:
        cycle = self.cycle()
        if cycle is None:
            return
        self.check_acting(cycle)
        self.check_records(cycle)
        self.check_segregation(cycle)
        self.check_delivery(cycle)

    def told_someone(self, user_id: int) -> bool:
        held = self.services.chats.get(user_id)
        name = self.names[user_id]
        others = [u for u in self.users if u != user_id]
        named = any(
            name in m.text and ("belum memulai percakapan" in m.text or "memblokir" in m.text)
            for u in others
            for m in self.emu.sent_to(u)
        )
        return bool(held and held.get("told")) and named

    def check_reachable(self, user_id: int, outbox: list[dict]) -> None:
        state = self.services.chats.state(user_id)
        owed = [e for e in outbox if e["chat_id"] == user_id and e["kind"] in ("text", "file")]
        if state != chats.OPEN and owed:
            assert self.told_someone(user_id), (
                f"invariant 1: {self.names[user_id]}'s chat is {state}, {len(owed)} message(s) "
                "owed, and nobody was told"
            )

    def check_acting(self, cycle) -> None:
        """Invariant 1 (see the module's docstring)."""
        if cycle.filed:
            return
        step = self.cast.sop.step(cycle.step)
        outbox = self.services.cycles.outbox(UNIT, YEAR, TW)
        view = self.services.roster.unit(UNIT)
        if step.role is Role.TIM_KERJA:
            for a in cycle.assignments:
                if any(not i.files for i in a.items):
                    assert view.member(a.member_id), f"invariant 1: {a.member_id} holds items"
                    self.check_reachable(a.member_id, outbox)
            return
        acting = [p.user_id for p in view.acting(step.role)]
        expected = self.actor(step.role)
        assert acting == [expected], (
            f"invariant 1: step {step.number} acted for by {acting}, expected [{expected}]"
        )
        self.check_reachable(expected, outbox)

    def held(self, user_id: int, role: str, capacity: str, post_role: str, at: datetime) -> str:
        """Why an official recorded at ``at`` did not hold that capacity then ('' if held)."""
        if capacity:
            ok = any(
                p.acting == user_id and p.role.value == post_role and p.since <= at < p.until
                for p in self.plhs
            )
            return "" if ok else f"no Plh. {post_role} of theirs covers {at:%H:%M}"
        ok = any(
            p.user_id == user_id and p.role.value == role and p.since <= at < p.until
            for p in self.posts
        )
        return "" if ok else f"not {role} at {at:%H:%M}"

    def check_records(self, cycle) -> None:
        """Invariant 2 (see the module's docstring)."""
        for entry in cycle.history:
            assert entry.by is not None, f"invariant 2: {entry.action} keeps no actor's facts"
            for who, o in [("by", entry.by)] + [("to", t) for t in entry.to]:
                if o is None:
                    continue
                self.facts_checked += 1
                why = self.held(o.user_id, o.role, o.capacity, o.post_role, entry.at)
                if o.name != self.names.get(o.user_id):
                    why = f"named {o.name!r}, was {self.names.get(o.user_id)!r}"
                assert not why, f"invariant 2: {entry.action} {who} {o.name}: {why}"
            by = entry.by
            if (
                by is not None
                and not by.capacity
                and entry.action
                in (
                    "paraf",
                    "tandatangan",
                    "kembalikan",
                    "teruskan_disposisi",
                    "mulai_siklus",
                )
            ):
                plh = next(
                    (
                        p
                        for p in self.plhs
                        if p.holder == by.user_id and p.since <= entry.at < p.until
                    ),
                    None,
                )
                assert plh is None, (
                    f"invariant 2: {by.name} did {entry.action} at {entry.at:%H:%M} in their "
                    f"own post while {self.names[plh.acting]} stood in for it"
                )

    def check_segregation(self, cycle) -> None:
        """Invariant 3 (see the module's docstring)."""
        drafts = sorted((r for r in cycle.reports if r.status == "draft"), key=lambda r: r.at)
        for version in {r.number for r in drafts}:
            mine = [r for r in drafts if r.number == version]
            later = [r.at for r in drafts if r.number > version]
            since, until = mine[-1].at, (min(later) if later else END)
            makers = {r.by for r in mine} | {
                h.actor
                for h in cycle.history
                if h.action == "ajukan_laporan" and since <= h.at < until
            }
            did = {
                ASSEMBLE: makers,
                PARAF: {
                    d.by
                    for d in cycle.decisions
                    if d.kind == "paraf" and d.report_version == version
                },
                SIGN: {
                    d.by
                    for d in cycle.decisions
                    if d.kind == "sign" and d.report_version == version
                },
            }
            for group in self.cast.sop.separated:
                keys = [k for k in group if k in did]
                for i, a in enumerate(keys):
                    for b in keys[i + 1 :]:
                        both = did[a] & did[b]
                        assert not both, (
                            f"invariant 3: version {version}: {[self.names[u] for u in both]} "
                            f"did both {a} and {b}"
                        )

    def check_delivery(self, cycle) -> None:
        """Invariant 4 (see the module's docstring)."""
        services = self.services
        waiting = waiting_for(services, services.roster.unit(UNIT))
        for entry in services.cycles.outbox(UNIT, YEAR, TW):
            if entry["kind"] not in ("text", "file") or services.deliveries.was_sent(entry["id"]):
                continue
            if entry.get("uncertain"):
                continue
            chat_id = entry["chat_id"]
            state = services.chats.state(chat_id)
            assert self.current(chat_id), (
                f"invariant 4: a message is still owed to {self.names.get(chat_id)}, who "
                f"left the unit ({state}): {entry.get('text', entry.get('filename'))!r:.120}"
            )
            assert state != chats.OPEN, (
                f"invariant 4: a message owed to {self.names.get(chat_id)} (chat open) was "
                f"not delivered: {entry.get('text', entry.get('filename'))!r:.120}"
            )
            assert chat_id in waiting and waiting[chat_id][1] == state, (
                f"invariant 4: a message owed to {self.names.get(chat_id)} is not listed"
            )
        for user_id in self.users:
            seen = Counter(
                (m.text, m.document.filename if m.document else None)
                for m in self.emu.sent_to(user_id)
                if any(n in m.text for n in NOTICES)
            )
            twice = [text[:80] for (text, _), n in seen.items() if n > 1]
            assert not twice, f"invariant 4: {self.names[user_id]} got twice: {twice}"

    async def final(self) -> None:
        """At the end: /status lists who waits and why; once every chat opens, nothing is
        owed any more."""
        waiting = waiting_for(self.services, self.services.roster.unit(UNIT))
        admin = await self.awake(self.actor(Role.KASUBBAG))
        mark = len(admin.received())
        admin.say("/status")
        await arrived(admin, mark, "")  # its first message; any others follow at once
        await self.settle()
        status = "\n".join(m.text for m in admin.received()[mark:])
        listed = status.partition("Pesan yang belum tersampaikan")[2].splitlines()
        for chat_id, (_count, state) in waiting.items():
            if chat_id == admin.user_id or not self.current(chat_id):
                continue  # (who left: nothing is owed to them, checked after every rule)
            line = next((x for x in listed if self.names[chat_id] in x), "")
            assert REASONS[state] in line, (
                f"invariant 4: /status does not list {self.names[chat_id]} as waiting "
                f"({REASONS[state]}):\n{status}"
            )
        self.log.append(f"  /status lists {len(waiting)} waiting: {sorted(waiting.values())}")
        for user_id in list(self.users):
            if not self.current(user_id):
                continue
            await self.awake(user_id)
            if not self.emu.started(user_id):
                self.user(user_id).say("/start")
        await self.settle()

        def owed_still() -> None:
            left = [
                e
                for e in self.services.cycles.outbox(UNIT, YEAR, TW)
                if e["kind"] in ("text", "file") and not e.get("uncertain")
            ]
            assert not left, f"still owed after every chat opened: {left[:2]}"

        await eventually(owed_still)
        await self.checked()
        if self.step_key() is None:
            await self.check_verification()

    def official_at(self, segment: str, at: datetime, post: Role | None) -> str:
        """Why the official named in ``segment`` ("Name (label)") did not hold the capacity
        shown at ``at`` ('' if they did)."""
        found = [u for u, n in self.names.items() if segment.strip().startswith(f"{n} (")]
        if not found:
            return f"nobody known in {segment!r}"
        user_id = max(found, key=lambda u: len(self.names[u]))
        shown = segment.strip()[len(self.names[user_id]) + 2 : -1]
        if shown.startswith(("Plh.", "Plt.")):
            ok = any(
                p.acting == user_id and (post is None or p.role is post) and p.since <= at < p.until
                for p in self.plhs
            )
            return "" if ok else f"{segment!r}: no Plh. of theirs covers {at:%H:%M}"
        ok = any(
            p.user_id == user_id and self.label(p.role) == shown and p.since <= at < p.until
            for p in self.posts
        )
        return "" if ok else f"{segment!r}: not {shown} at {at:%H:%M}"

    async def check_verification(self) -> None:
        """Invariant 2 as an auditor reads it: every name in ``/verifikasi``'s chain (each
        disposition's sender and receiver, the paraf, the signature) held the capacity shown
        at the moment shown."""
        admin = await self.awake(self.actor(Role.KASUBBAG))
        signed = next(
            m for m in reversed(admin.received()) if m.document and "ditandatangani" in m.text
        )
        reader = PdfReader(io.BytesIO(signed.document.content))
        code = re.search(r"LKJ-\w{4}-\w{4}-\w{4}", " ".join(p.extract_text() for p in reader.pages))
        assert code is not None
        mark = len(admin.received())
        admin.say(f"/verifikasi {code.group(0)}")
        chain = (await arrived(admin, mark, "Rangkaian proses")).text
        self.log.append("  /verifikasi:\n" + chain)
        day = self.now().date()
        checked = 0
        for line in chain.splitlines():
            head = re.match(
                r"• (Disposisi|Paraf|Tanda tangan): (.+), \S+ \d+ \S+ \d{4} pukul (\d\d)\.(\d\d)",
                line,
            )
            if head is None:
                continue
            at = datetime.combine(day, time(int(head.group(3)), int(head.group(4))), JAKARTA)
            kind, names = head.group(1), head.group(2)
            if kind == "Disposisi":
                sender, _, receiver = names.partition(" → ")
                whys = [self.official_at(sender, at, None), self.official_at(receiver, at, None)]
            else:
                post = Role.SEKRETARIS if kind == "Paraf" else Role.KASAT
                whys = [self.official_at(names, at, post)]
            checked += 1
            assert not any(whys), f"invariant 2 (/verifikasi): {line}: {whys}"
        assert checked >= 3, chain


async def play(data: st.DataObject, seed: int, base: Path) -> None:
    clock = FakeClock(datetime(2026, 10, 5, 8, 0, tzinfo=JAKARTA))
    roster_path = base / "roster.toml"
    shutil.copy(DEMO_ROSTER, roster_path)
    emu = BotAPIEmulator(token=TOKEN)
    await emu.start()
    cfg = Settings(
        _env_file=None,
        telegram_bot_token=TOKEN,
        telegram_api_base_url=emu.url,
        lkj_data_dir=base / "data",
        lkj_roster=roster_path,
        lkj_database_url="",
        lkj_reminder_interval_s=0.2,
    )
    runner = BotRunner(cfg, clock)
    rnd = random.Random(seed)
    cast = Cast(emu, load_roster(roster_path).units[0])
    walk = Walk(emu, cast, clock, runner, rnd)
    for user, role in (
        (cast.kasat, Role.KASAT),
        (cast.sekretaris, Role.SEKRETARIS),
        (cast.kasubbag, Role.KASUBBAG),
        *((m, Role.TIM_KERJA) for m in cast.team),
    ):
        walk.add(user, role)
    # A member of the roster who never pressed Start, now and then.
    if data.draw(st.booleans(), label="a member has not started the chat"):
        emu.add_user(cast.team[-1].user_id, cast.team[-1].name, started=False)
        walk.log.append(f"{cast.team[-1].name} has not started the chat")
    try:
        await runner.start()
        await walk.settle()
        rules = 0
        while walk.step_key() is not None and rules < 30:
            options = walk.possible()
            drawn = st.lists(st.sampled_from(options), max_size=2, unique=True)
            if "alihkan" in options:  # only possible during collection: made likelier
                drawn = st.one_of(st.just(["alihkan"]), drawn)
            events = data.draw(drawn, label=f"events before step {walk.step_key()}")
            for event in events:
                if event in walk.possible():
                    await walk.org_event(event)
                    clock.advance(minutes=2)
                    await walk.settle()
                    await walk.checked()
                    rules += 1
            await walk.sop_move(data)
            clock.advance(minutes=3)
            await walk.settle()
            await walk.checked()
            rules += 1
        await walk.final()
        walk.log.append(f"done in {rules} rules; {walk.facts_checked} recorded facts checked")
        assert walk.facts_checked > 0
    except BaseException:
        note(f"walk (seed {seed}):\n" + "\n".join(walk.log))
        raise
    finally:
        print("\n".join(walk.log))
        await runner.stop()
        await emu.stop()


#: The suite plays the same few walks every run (derandomized: a red suite is a change's
#: doing); ``LKJ_WALKS=N`` plays N new random walks instead, to explore.
EXPLORE = int(os.environ.get("LKJ_WALKS", "0"))


@settings(
    max_examples=EXPLORE or 4,
    deadline=None,
    derandomize=not EXPLORE,
    database=None,
    phases=(Phase.explicit, Phase.reuse, Phase.generate),  # no shrinking: each walk is slow
    suppress_health_check=list(HealthCheck),
)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_an_office_life_interleaved_with_every_sop_step(data, seed):
    with tempfile.TemporaryDirectory() as tmp:
        asyncio.run(play(data, seed, Path(tmp)))


async def test_owed_to_someone_who_left_is_listed_or_no_longer_owed(bot, emu, people, settings):
    """Invariant 4 for an official replaced while blocked: what was owed to them is either
    no longer owed (the successor got the task) or listed by /status with its reason. (Found
    by the walk above; now no longer owed: struck off, audited, the administrator told.)"""
    old, kasubbag = people.sekretaris, people.kasubbag
    await emu.settle(quiet=0.3)
    emu.block(old.user_id)
    await playbook.start_cycle(people, TW, YEAR)  # the disposition is owed to her
    await people.kasat.expect("memblokir bot")  # her superior is told
    kasubbag.say("/mutasi")
    listing = await kasubbag.expect("Mutasi pegawai")
    await kasubbag.tap(f"Ganti Sekretaris ({old.name})", listing)
    code = playbook.invitation_code((await kasubbag.expect("Penggantian")).text)
    new = SimUser(emu, 5002, "Dra. Sri Wahyuni, M.M.", started=False)
    await playbook.join(new, code, (new.name, "197802142003122005", "Sekretaris"))
    await new.expect("tugas Anda pada tahap 2")
    await emu.settle(quiet=0.3)
    mark = len(kasubbag.received())
    kasubbag.say("/status")
    await arrived(kasubbag, mark, "")
    await emu.settle(quiet=0.3)
    status = "\n".join(m.text for m in kasubbag.received()[mark:])
    listed = status.partition("Pesan yang belum tersampaikan")[2]
    owed = [
        e
        for e in CycleRepository(Database(settings.lkj_data_dir)).outbox(UNIT, YEAR, TW)
        if e["chat_id"] == old.user_id and e["kind"] in ("text", "file")
    ]
    assert not owed or old.name in listed, (len(owed), status)
    assert not owed  # struck off when she left: her step is the successor's
    told = next(m.text for m in kasubbag.received() if "tidak dikirim lagi" in m.text)
    assert old.name in told and "memblokir bot" in told and new.name in told
    lines = [
        e
        for p in (settings.lkj_data_dir / "audit").rglob("*.jsonl")
        for e in AuditLog(p).entries()
        if e["action"] == "pesan_dibatalkan"
    ]
    assert [line["detail"]["keluar"] for line in lines] == [old.user_id]
