"""The year's close in chat: with the four quarters filed, each member is asked why each of
their indicators missed or exceeded its annual target; a member answers in a form, the
Kasubbag answers another himself, and the compiled LKj's Bab III says both, in their words.
Bad input is refused and changes nothing; an answer after a draft asks for a new draft; once
the LKj is submitted, answers are refused with the domain's message."""

from __future__ import annotations

from handlers import texts
from storage.audit import AuditLog
from storage.database import Database
from storage.repositories import AnnualRepository, CycleRepository
from tests.domain_factories import MEMBER_A, MEMBER_B
from tests.test_annual_e2e import pdf_text
from tests.test_annual_report import filed_quarter

REASON_A = (
    "Dua kejadian unjuk rasa besar pada bulan Oktober menyita seluruh regu sehingga patroli "
    "wilayah tertunda."
)
ACTION_A = "Pemetaan titik rawan bersama kepolisian sejak Januari 2027."
REASON_K = "Penambahan satu regu patroli malam sejak Triwulan II mempercepat penanganan aduan."
REASON_B = "Pelatihan PPNS tertunda karena narasumber dari provinsi berhalangan hadir."


def _stored(settings):
    return AnnualRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026)


async def _answer(user, button: str, question, reason: str, action: str) -> None:
    await user.tap(button, question)
    await user.expect("(1/2)")
    user.say(reason)
    await user.expect("(2/2)")
    user.say(action)
    await user.tap(texts.BTN_SEND, await user.expect("Mohon periksa kembali"))


async def test_members_and_the_kasubbag_explain_the_year_in_bab_iii(bot, emu, people, settings):
    kasubbag, sekretaris = people.kasubbag, people.sekretaris
    member_a = next(u for u in people.team if u.user_id == MEMBER_A)
    member_b = next(u for u in people.team if u.user_id == MEMBER_B)
    cycles = CycleRepository(Database(settings.lkj_data_dir))
    for tw in (1, 2, 3, 4):
        cycles.save(filed_quarter(tw))

    # /start shows a member what they owe: one question per indicator of theirs.
    member_a.say("/start")
    question = await member_a.expect("Indikator IKU-1 (")
    assert "Penjelasan capaian LKj tahun 2026" in question.text
    assert "belum mencapai target" in question.text
    assert "realisasi 76,78%, capaian 90,32%" in question.text  # rounded as the report prints
    assert question.buttons == [texts.BTN_ANNUAL_ANSWER, texts.BTN_ANNUAL_SKIP]
    exceeded = await member_a.expect("Indikator IKU-4 (")
    assert "melampaui target" in exceeded.text

    # A figure, a word: refused with a clear message, nothing recorded, the form waits.
    await member_a.tap(texts.BTN_ANNUAL_ANSWER, question)
    await member_a.expect("(1/2) Ketik penyebab target belum tercapai pada indikator IKU-1")
    for bad, refusal in (
        ("90,32%", texts.ANNUAL_REASON_NUMBERS),
        ("kurang personel", texts.ANNUAL_REASON_SHORT),
    ):
        member_a.say(bad)
        assert (await member_a.next()).text == refusal
        assert _stored(settings) is None
    member_a.say(REASON_A)
    await member_a.expect("(2/2)")
    member_a.say(ACTION_A)
    await member_a.tap(texts.BTN_SEND, await member_a.expect("Mohon periksa kembali"))
    await member_a.expect("Penjelasan indikator IKU-1 telah dicatat")
    [given] = _stored(settings).answers
    assert (given.code, given.by, given.reason, given.action) == (
        "IKU-1",
        MEMBER_A,
        REASON_A,
        ACTION_A,
    )

    # Lewati leaves the question open: it is offered again by /start.
    await member_a.tap(texts.BTN_ANNUAL_SKIP, exceeded)
    await member_a.expect("IKU-4 dilewati untuk sementara")
    member_a.say("/start")
    await member_a.expect("Indikator IKU-4 (")

    # The Kasubbag sees who has explained what, and answers IKU-6 himself.
    kasubbag.say("/tahunan")
    overview = await kasubbag.expect("Penjelasan capaian LKj 2026")
    assert "1 dari 8 indikator telah dijelaskan" in overview.text
    assert f"IKU-1 (90,32%): dijelaskan oleh {member_a.name}" in overview.text
    assert f"IKU-6 (73,33%): menunggu penjelasan {member_b.name}" in overview.text
    await _answer(kasubbag, "Jawab IKU-6", overview, REASON_K, "-")
    await kasubbag.expect("Penjelasan indikator IKU-6 telah dicatat")

    # He compiles; the draft's Bab III carries both answers, with who gave them.
    kasubbag.say("/tahunan")
    await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    draft = await kasubbag.expect("Draf LKj tahun 2026 (versi 1)", document=True)
    text = pdf_text(draft.document.content)
    bab3 = text[text.rindex("3.4 Analisis Capaian") : text.rindex("3.5 Kendala dan Tindak Lanjut")]
    for said in (REASON_A, ACTION_A, REASON_K, member_a.name, kasubbag.name):
        assert said in bab3, said
    assert "Penyebab belum tercapainya target menurut penanggung jawab indikator:" in bab3
    unanswered = await kasubbag.expect("Penjelasan capaian LKj tahun 2026 yang belum diberikan")
    assert "IKU-1" not in unanswered.text and "IKU-2" in unanswered.text

    # A later answer makes that draft stale: the Kasubbag is asked to compile again, and the
    # stale draft cannot be submitted.
    question_b = await member_b.wait_button(texts.BTN_ANNUAL_ANSWER)
    code_b = question_b.text.split("Indikator ", 1)[1].split(" ", 1)[0]
    await _answer(member_b, texts.BTN_ANNUAL_ANSWER, question_b, REASON_B, "-")
    stale = await kasubbag.expect(f"penjelasan capaian indikator {code_b}")
    assert "Draf versi 1 disusun sebelum penjelasan ini" in stale.text
    refused = await kasubbag.tap("Ajukan ke Sekretaris", draft)
    assert "susun ulang draf" in refused["text"]
    await kasubbag.tap(texts.BTN_REBUILD_DRAFT, stale)
    draft2 = await kasubbag.expect("(versi 2)", document=True)
    assert REASON_B in pdf_text(draft2.document.content)
    await kasubbag.tap("Ajukan ke Sekretaris", draft2)
    await sekretaris.expect("diajukan oleh Kasubbag", document=True)

    # Once submitted, an answer is refused with the domain's message, and nothing changes.
    before = _stored(settings)
    answer = await member_a.tap(texts.BTN_ANNUAL_ANSWER, member_a.with_button("Isi alasan"))
    assert "sudah diajukan; jawaban tidak dapat diubah" in answer["text"]
    assert _stored(settings) == before

    log = AuditLog.for_unit_year(settings.lkj_data_dir, "satpolpp-bdg", 2026)
    answered = [e for e in log.entries() if e["action"] == "jawab_capaian_tahunan"]
    assert [(e["actor"], e["detail"]["kode"]) for e in answered] == [
        (MEMBER_A, "IKU-1"),
        (kasubbag.user_id, "IKU-6"),
        (MEMBER_B, code_b),
    ]


async def test_a_restart_loses_nothing_and_a_ratio_asks_its_figures(
    runner, bot, emu, people, settings
):
    member_a = next(u for u in people.team if u.user_id == MEMBER_A)
    member_b = next(u for u in people.team if u.user_id == MEMBER_B)
    cycles = CycleRepository(Database(settings.lkj_data_dir))
    for tw in (1, 2, 3, 4):
        cycles.save(filed_quarter(tw))

    # Half-way through the form, the bot restarts: the form and the questions are in the store.
    member_a.say("/start")
    await member_a.tap(texts.BTN_ANNUAL_ANSWER, await member_a.expect("Indikator IKU-2 ("))
    await member_a.expect("(1/2)")
    member_a.say(REASON_A)
    await member_a.expect("(2/2)")
    await runner.stop()
    await runner.start()
    member_a.say("-")
    summary = await member_a.expect("Mohon periksa kembali")
    assert texts.ANNUAL_NO_ACTION in summary.text
    await member_a.tap(texts.BTN_SEND, summary)
    await member_a.expect("Penjelasan indikator IKU-2 telah dicatat")
    [given] = _stored(settings).answers
    assert (given.code, given.action) == ("IKU-2", "")
    member_a.say("/start")
    owed = [(await member_a.expect("Indikator IKU-")).text for _ in range(3)]
    assert not any("IKU-2 (" in t for t in owed)

    # IKU-5 is counted as the year's ratio: its numerator and denominator are asked too.
    member_b.say("/start")
    await member_b.tap(texts.BTN_ANNUAL_ANSWER, await member_b.expect("Indikator IKU-5 ("))
    await member_b.expect("(1/4)")
    member_b.say(REASON_B)
    await member_b.expect("(2/4)")
    member_b.say("Pelatihan dijadwalkan ulang pada Maret 2027.")
    await member_b.expect("(3/4)")
    member_b.say("412")
    await member_b.expect("(4/4)")
    member_b.say("0")
    assert (await member_b.next()).text == texts.ANNUAL_DENOMINATOR_ZERO
    member_b.say("480")
    await member_b.tap(texts.BTN_SEND, await member_b.expect("Mohon periksa kembali"))
    await member_b.expect("Penjelasan indikator IKU-5 telah dicatat")
    iku5 = next(a for a in _stored(settings).answers if a.code == "IKU-5")
    assert (iku5.numerator, iku5.denominator) == (412, 480)
