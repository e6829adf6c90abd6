"""Page layout and small wording of the signed reports, read back from the PDFs: the signature
block never alone on a page, the cover title kept whole and dated by its period, NIP printed
with its customary spaces, and the revision history saying what changed."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader

from demo.sample_year import filed_quarter
from documents.render import render_pdf
from documents.report_context import quarterly_report_context
from domain.roles import Role
from domain.text import format_nip
from domain.workflow import MarkNeedsFix, RealisationInput, ReportRealisation
from tests.domain_factories import MEMBER_A, make_ctx, wib
from tests.test_annual_report import UNIT
from tests.test_documents import _performance_context, quarterly_context
from tests.test_report_context import collected
from tests.test_report_context import context as tw_context

CLOSING = "Demikian laporan data kinerja ini disusun"


def pages_of(pdf: bytes) -> list[str]:
    return [p.extract_text() or "" for p in PdfReader(io.BytesIO(pdf)).pages]


def flat(text: str) -> str:
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture(scope="module")
def tw4_pages() -> list[str]:
    """TW IV of 2026 as the bot files it: signed on 5 January 2027."""
    ctx = make_ctx(unit=UNIT)
    cycle = filed_quarter(ctx, 2026, 4, render=False)
    signed_at = cycle.latest_decision("sign").at
    context = quarterly_report_context(cycle, UNIT, ctx.calendar, "signed", signed_at, sop=ctx.sop)
    return pages_of(render_pdf("quarterly_report.html", context))


def test_format_nip() -> None:
    assert format_nip("196905121994031005") == "19690512 199403 1 005"
    assert format_nip("19690512 199403 1 005") == "19690512 199403 1 005"
    assert format_nip("") == "" and format_nip(None) == ""
    assert format_nip("12345") == "12345"  # not a NIP: printed as written


@pytest.mark.parametrize("which", ["performance", "tw4"])
def test_signature_block_shares_its_page_with_the_text_before_it(which, tw4_pages) -> None:
    pages = (
        tw4_pages
        if which == "tw4"
        else pages_of(render_pdf("quarterly_report.html", _performance_context()))
    )
    page = next(flat(p) for p in pages if CLOSING in flat(p))
    before = page.split(CLOSING)[0]
    # The body before the closing sentence (the running header is read last): at least a
    # table row of the section above, never an otherwise empty page.
    assert len(before) > 40, page[:300]
    assert "DITANDATANGANI SECARA ELEKTRONIK" in page


def test_tw4_cover_is_dated_by_its_period_and_prints_nip_with_spaces(tw4_pages) -> None:
    cover = flat(tw4_pages[0])
    assert "TRIWULAN IV TAHUN 2026" in cover
    assert "BANDUNG, 2026" in cover and "2027" not in cover
    text = flat(" ".join(tw4_pages))
    kasat = UNIT.one(Role.KASAT)
    assert f"NIP. {format_nip(kasat.nip)}" in text and f"NIP. {kasat.nip}" not in text


def test_cover_title_never_breaks_between_triwulan_and_its_numeral() -> None:
    cover = pages_of(render_pdf("quarterly_report.html", quarterly_context("signed")))[0]
    lines = [" ".join(line.replace("\u00a0", " ").split()) for line in cover.splitlines()]
    assert not any(line.endswith("TRIWULAN") for line in lines), lines[:4]
    assert any("TRIWULAN III" in line for line in lines)


def test_version_history_says_what_changed() -> None:
    flow = collected(3)
    kasubbag = flow.who(Role.KASUBBAG)
    member = UNIT.person(MEMBER_A)
    flow.at(wib(2026, 10, 6, 13, 0)).apply(MarkNeedsFix("IKU-2", "Rinci kendala."), kasubbag)
    # The same value again, with a new kendala only.
    note_only = RealisationInput("IKU-2", 55, "Kendala dirinci per kecamatan.", "Sosialisasi.")
    flow.at(wib(2026, 10, 6, 14, 0)).apply(ReportRealisation((note_only,)), member)
    ctx = tw_context(flow.cycle, "draft", now=flow.now)
    changes = [(h["version"], h["change"]) for h in ctx["performance"]["history"]]
    assert changes[0] == (1, "laporan awal")
    assert changes[1][0] == 2 and "kendala diubah" in changes[1][1]
    assert "\u2192" not in changes[1][1] and "realisasi" not in changes[1][1]
    text = flat(" ".join(pages_of(render_pdf("quarterly_report.html", ctx))))
    assert "Perubahan" in text and "kendala diubah" in text


def test_sop_appendix_with_returned_drafts_fits_its_page() -> None:
    """A quarter returned three times (14 passes in the SOP table, as in the demo) keeps the
    whole table and its summary on one page: no near-empty page with the last row."""
    flow = collected(3)
    moments = iter(wib(2026, 10, 7, 9, minute) for minute in range(0, 60, 5))
    flow.at(next(moments)).draft().submit()
    flow.at(next(moments)).give_back(6)
    flow.at(next(moments)).draft().submit()
    flow.at(next(moments)).paraf()
    flow.at(next(moments)).give_back(7)
    flow.at(next(moments)).draft().submit()
    flow.at(next(moments)).give_back(6)
    flow.at(next(moments)).draft().submit()
    flow.at(next(moments)).paraf()
    flow.at(next(moments)).sign()
    ctx = tw_context(flow.cycle, "signed", now=flow.now)
    assert sum(len(s["passes"] or [1]) for s in ctx["sop_compliance"]) >= 12
    pages = [flat(p) for p in pages_of(render_pdf("quarterly_report.html", ctx))]
    sop = next(i for i, p in enumerate(pages) if "KEPATUHAN TERHADAP SOP" in p)
    assert "Ringkasan:" in pages[sop], pages[sop + 1][:300]
