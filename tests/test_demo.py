"""The offline demo the README's first command runs: a whole quarter, and the PDFs it leaves."""

from __future__ import annotations

import asyncio
import io
import re
import struct

from pypdf import PdfReader

from demo.quarter import MARK_REASON, run_demo
from demo.quarter import TOKEN as DEMO_TOKEN
from demo.sample_year import render_year
from documents import tte
from domain.calendar import WorkCalendar
from domain.roster import load_roster
from domain.samples import SAMPLE_YEAR
from domain.sop import load_sop
from emulator import BotAPIEmulator
from storage.database import Database
from storage.repositories import CycleRepository
from tests.factories import DEMO_ROSTER
from tests.pdf_pages import bare_pages


async def test_demo_leaves_a_signed_report_and_every_generated_document(tmp_path, capsys):
    emu = BotAPIEmulator(token=DEMO_TOKEN, bot_username="lkj_demo_bot")
    signed = await run_demo(tmp_path, quiet=False, keep_all=True, screenshots=True, emulator=emu)
    # Set up from a roster file, nobody had opened their chat: the start-up menus of those
    # who had not pressed Start yet were refused as Telegram refuses them (the menu job and
    # the first /start race), each official pressed Start, and the rest followed.
    officials = [p.user_id for p in load_roster(DEMO_ROSTER).units[0].people]
    refused = {e[1].get("scope", {}).get("chat_id") for e in emu.errors if e[2] == 400}
    assert refused & set(officials)
    assert all(emu.started(user_id) for user_id in officials)
    assert signed.name.endswith("_DITANDATANGANI.pdf")
    text = " ".join(
        " ".join(p.extract_text() for p in PdfReader(io.BytesIO(signed.read_bytes())).pages).split()
    )
    for expected in (
        "CAPAIAN KINERJA",
        "IKU-8",
        "Drs. Rasdian Setiadi, M.Si.",
        "KEPATUHAN TERHADAP SOP",
        "Perlu Perbaikan",
        f": {MARK_REASON}",  # the return's marked indicator, in the correction history
    ):
        assert expected in text, expected
    # The demo signs with the local signer: a PAdES signature from its throw-away CA.
    roots = tte.load_roots([tmp_path / "data" / "tte" / "root.pem"])
    [check] = await tte.validate(signed.read_bytes(), roots)
    assert check.ok and check.signer == "Drs. Rasdian Setiadi, M.Si."
    assert "TTE: sertifikat elektronik (PAdES)" in text
    names = sorted(p.name for p in tmp_path.glob("*.pdf"))
    assert any(n.startswith("Lembar_Disposisi_1_") for n in names)
    assert any(n.startswith("Lembar_Disposisi_2_") for n in names)
    assert any("_DRAF_v1" in n for n in names) and any("_DRAF_v2" in n for n in names)
    assert any(n.endswith("_PARAF.pdf") for n in names)
    assert list(tmp_path.glob("Target_Kinerja_*_contoh.xlsx"))
    # No page of any document holds only the footnote or a lone heading.
    for pdf in tmp_path.glob("*.pdf"):
        assert bare_pages(pdf.read_bytes()) == [], pdf.name
    # The first member's data went through the Mini App's form; both pages were shot at a
    # phone's size (render-samples).
    cycle = CycleRepository(Database(tmp_path / "data")).list_unit("satpolpp-bdg")[0]
    assert "miniapp" in {r.source for r in cycle.realisations}
    for page in ("miniapp_formulir", "miniapp_tinjau", "miniapp_tinjau_gelap"):
        shot = tmp_path / f"{page}.png"
        assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert struct.unpack(">II", shot.read_bytes()[16:24]) == (780, 1688)  # 390×844 @2x
    out = capsys.readouterr().out
    assert "Laporan yang telah ditandatangani" in out and "batas waktu lewat" in out
    assert "[Mini App: formulir" in out and "[Kirim] Realisasi" in out
    assert "[Mini App: tinjau" in out and "berisiko" in out


async def test_onboarding_demo_sets_up_an_office_from_nothing(tmp_path, capsys):
    from demo.onboarding import UNIT_NAME, run_onboarding_demo

    sheet = await run_onboarding_demo(tmp_path, quiet=True)
    text = " ".join(PdfReader(io.BytesIO(sheet.read_bytes())).pages[0].extract_text().split())
    assert "PEMERINTAH KABUPATEN BANDUNG BARAT" in text and UNIT_NAME.upper() in text
    out = capsys.readouterr().out
    assert "Lembar disposisi pertama unit baru" in out


async def test_no_page_of_the_sample_year_holds_only_a_footnote_or_a_lone_heading(tmp_path):
    """The four signed quarterly reports and the annual LKj (draft, paraf, signed)."""
    unit = load_roster(DEMO_ROSTER).units[0]
    written = await asyncio.to_thread(
        render_year, tmp_path, unit, load_sop(), WorkCalendar(), SAMPLE_YEAR
    )
    assert len(written) == 7
    for pdf in written:
        assert bare_pages(pdf.read_bytes()) == [], pdf.name
        pages = [
            " ".join((p.extract_text() or "").split())
            for p in PdfReader(io.BytesIO(pdf.read_bytes())).pages
        ]
        text = " ".join(pages)
        # Every initialled or signed sample, the annual LKj included, carries its code and QR.
        if "DRAF" not in pdf.name:
            assert "Kode verifikasi" in text and re.search(r"LKJ-\w{4}-\w{4}-\w{4}", text), pdf.name
        # The signature block shares its page with the text before it.
        closing = "Demikian laporan data kinerja ini disusun"
        for page in pages:
            if closing in page:
                assert len(page.split(closing)[0]) > 40, (pdf.name, page[:200])
