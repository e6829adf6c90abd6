"""One module draws the reports' charts, one macro file holds the performance summary both
reports print: the quarterly and annual PDFs read back the same as before (tests/test_layout.py,
tests/test_annual_report.py, tests/test_documents.py); these check the one-place rule."""

from __future__ import annotations

from pathlib import Path

from documents import annual_context, charts, report_context

ROOT = Path(__file__).resolve().parent.parent


def test_every_hand_built_svg_is_drawn_in_documents_charts() -> None:
    drawing = sorted(
        p.name
        for p in (*(ROOT / "documents").glob("*.py"), *(ROOT / "templates").glob("*.html"))
        if "<svg" in p.read_text(encoding="utf-8")
    )
    assert drawing == ["charts.py"]
    # Both reports' contexts take their charts from there.
    assert report_context.chart_svg is charts.chart_svg
    assert annual_context.chart_svg is charts.chart_svg
    assert annual_context.quarters_chart_svg is charts.quarters_chart_svg


def test_the_performance_and_band_tables_are_one_macro_used_by_both_reports() -> None:
    templates = ROOT / "templates"
    owners = sorted(
        p.name
        for p in templates.glob("*.html")
        if '<table class="grid perf' in p.read_text(encoding="utf-8")
        or '<table class="grid recap-table' in p.read_text(encoding="utf-8")
    )
    assert owners == ["_macros.html"]
    for partial in ("_performance.html", "_annual_bab3.html"):
        text = (templates / partial).read_text(encoding="utf-8")
        assert '{% import "_macros.html" as macros %}' in text
        assert "macros.performance_table(" in text and "macros.bands_table(" in text


def test_the_charts_share_one_palette() -> None:
    """The year's column in the trend chart and the best band's bar have the same colour."""
    perf = {
        "rows": [
            {
                "code": "IKU-1",
                "percent": 101.0,
                "capaian": "101%",
                "colour": charts.band_colour(0),
                "at_risk": False,
                "quarters": [{"percent": p} for p in (90.0, 95.0, None, 101.0)],
            }
        ],
        "bands": [{"colour": charts.band_colour(0), "label": "Sangat Baik"}],
        "not_computable_count": 0,
        "risk_below": 75.0,
    }
    bars, columns = str(charts.chart_svg(perf)), str(charts.quarters_chart_svg(perf))
    assert f'fill="{charts.BAND_COLOURS[0]}"' in bars
    assert f'fill="{charts.BAND_COLOURS[0]}"' in columns
    assert all(f'fill="{c}"' in columns for c in charts.QUARTER_COLOURS[:2])
    assert "batas risiko 75%" in bars and "batas risiko 75%" in columns
