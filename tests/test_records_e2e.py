"""Records are facts of their moment, through the emulator: the Sekretaris forwards to the
Kasubbag, the Kasubbag is replaced (mutasi) before dividing the work; the signed report's
disposition table, its Lembar Disposisi and /verifikasi still name the Kasubbag who received
the forward, at its time, and the successor for what the successor did."""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from demo import playbook
from domain.dates_id import format_datetime_id
from emulator.users import SimUser
from storage.audit import AuditLog

SUCCESSOR = ("Yusuf Maulana, S.E.", "198611112010011007", "Kepala Subbagian Perencanaan")


@pytest.fixture
def settings(settings):
    return settings.model_copy(update={"lkj_reminder_interval_s": 0.1})


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


async def test_a_forward_names_its_receiver_of_the_moment_after_a_mutasi(
    bot, emu, people, settings, clock
):
    kasat, sek, first = people.kasat, people.sekretaris, people.kasubbag
    await playbook.start_cycle(people, 3, 2026)
    clock.advance(minutes=10)
    forwarded_at = format_datetime_id(clock())
    await playbook.forward(people)  # to the Kasubbag of today
    sheet = await first.expect("Lembar Disposisi", document=True)
    assert f"Diteruskan kepada Kasubbag ({first.name})" in pdf_text(sheet.document.content)

    # Three minutes later the Kasubbag is replaced (mutasi); the successor takes the step.
    clock.advance(minutes=3)
    first.say("/mutasi")
    listing = await first.expect("Mutasi pegawai")
    await first.tap(f"Ganti Kasubbag ({first.name})", listing)
    code = playbook.invitation_code((await first.expect("dan pengelola unit")).text)
    successor = SimUser(emu, 5003, SUCCESSOR[0])
    await playbook.join(successor, code, SUCCESSOR)
    await first.expect("tidak lagi terdaftar")
    people.kasubbag = successor  # the playbook's Kasubbag from now on
    clock.advance(minutes=5)
    divided_at = format_datetime_id(clock())
    await playbook.divide(people)
    await playbook.upload_all(people)
    await successor.expect("telah terkumpul")
    await playbook.build_and_submit(people)
    await playbook.paraf(people)
    await playbook.sign(people)
    signed = await kasat.expect("Triwulan III Tahun 2026 telah ditandatangani", document=True)
    text = pdf_text(signed.document.content)

    # The report's disposition table: the forward went to the first Kasubbag.
    assert f"Kasubbag {first.name}" in text
    # The SOP appendix: the division is the successor's, who did it; the step was received
    # by the first Kasubbag when it began, at the forward's time.
    row = re.search(r"3 Mengarahkan Tim Kerja .+? Tepat waktu", text)
    assert row is not None
    assert f"Kasubbag {SUCCESSOR[0]} diterima oleh {first.name}" in row.group(0)

    # /verifikasi by a member: the forward names the first Kasubbag at its time; the
    # division names the successor.
    code = re.search(r"LKJ-\w{4}-\w{4}-\w{4}", text)
    assert code is not None
    member = people.team[0]
    member.say(f"/verifikasi {code.group(0)}")
    chain = (await member.expect("Rangkaian proses")).text
    forward_line = next(line for line in chain.splitlines() if "(Sekretaris) →" in line)
    assert forward_line == (
        f"• Disposisi: {sek.name} (Sekretaris) → {first.name} (Kasubbag), {forwarded_at}"
    )
    assert f"• Pembagian tugas: {SUCCESSOR[0]} (Kasubbag), {divided_at}" in chain
    assert SUCCESSOR[0] not in forward_line

    # The audit log: the forward names its receiver as recorded (the first Kasubbag), the
    # division the members who got a task.
    lines = [
        e for p in (settings.lkj_data_dir / "audit").rglob("*.jsonl") for e in AuditLog(p).entries()
    ]
    forward = next(e for e in lines if e["action"] == "teruskan_disposisi")
    assert [(o["user_id"], o["nama"], o["jabatan"]) for o in forward["detail"]["kepada"]] == [
        (first.user_id, first.name, "Kasubbag")
    ]
    divide = next(e for e in lines if e["action"] == "bagi_tugas")
    assert {o["user_id"] for o in divide["detail"]["kepada"]} == {
        m.user_id for m in people.team[:2]
    }
