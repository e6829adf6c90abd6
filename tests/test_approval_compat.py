"""Buttons issued before the approval flow was shared keep working: an annual LKj's
Kembalikan and Tandatangani issued without the step they serve (the form the store of a
running office still holds) return and sign it through the one flow."""

from __future__ import annotations

from demo import playbook
from domain.annual import SIGNED
from storage.database import Database
from storage.repositories import AnnualRepository, CycleRepository
from tests.test_annual_report import filed_quarter


def _data(message, label: str) -> str:
    rows = message.markup["inline_keyboard"]
    return next(b["callback_data"] for row in rows for b in row if b["text"] == label)


async def _tap_as_issued_before(bot, user, message, label: str) -> dict:
    """Tap ``label`` the way an older stored token names it: the same payload without
    ``step``."""
    services = bot.bot_data["services"]
    payload = services.callbacks.resolve(_data(message, label))
    assert payload is not None
    old = {k: v for k, v in payload.items() if k not in ("step", "token")}
    return await user.tap_raw(message, "b:" + services.buttons.issue(old))


async def test_annual_buttons_issued_without_a_step_still_return_and_sign(
    bot, emu, people, settings
):
    kasat, sekretaris, kasubbag = people.kasat, people.sekretaris, people.kasubbag
    cycles = CycleRepository(Database(settings.lkj_data_dir))
    for tw in (1, 2, 3, 4):
        cycles.save(filed_quarter(tw))
    kasubbag.say("/tahunan")
    await kasubbag.tap("Susun LKj 2026", await kasubbag.expect("Pilih tahun"))
    await kasubbag.tap("Ajukan ke Sekretaris", await kasubbag.expect("(versi 1)", document=True))

    review = await sekretaris.expect("diajukan oleh Kasubbag", document=True)
    await _tap_as_issued_before(bot, sekretaris, review, "Kembalikan")
    await sekretaris.expect("alasan pengembalian")
    sekretaris.say("Lengkapi analisis capaian IKU-6.")
    await sekretaris.tap("Kirim", await sekretaris.expect("Mohon periksa kembali"))
    returned = await kasubbag.expect("dikembalikan untuk perbaikan")
    await kasubbag.tap("Susun ulang draf laporan", returned)
    await kasubbag.tap("Ajukan ke Sekretaris", await kasubbag.expect("(versi 2)", document=True))
    await sekretaris.tap("Paraf", await sekretaris.expect("(versi 2)", document=True))

    initialled = await kasat.expect("telah dikoreksi dan diparaf", document=True)
    answer = await _tap_as_issued_before(bot, kasat, initialled, "Tandatangani")
    assert answer["text"] == "Tekan “Ya, tandatangani” untuk menandatangani laporan."
    await playbook.tap_through(kasat, "Ya, tandatangani", initialled)
    await kasubbag.expect("Laporan Kinerja tahun 2026 telah ditandatangani", document=True)

    report = AnnualRepository(Database(settings.lkj_data_dir)).get("satpolpp-bdg", 2026)
    assert report.status == SIGNED
    assert [(d.kind, d.by) for d in report.decisions] == [
        ("return", sekretaris.user_id),
        ("paraf", sekretaris.user_id),
        ("sign", kasat.user_id),
    ]
