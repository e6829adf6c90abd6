"""The reports' charts, drawn as inline SVG: the one module for both.

* :func:`chart_svg`: horizontal bars of the capaian per indicator (the quarterly report's
  "Capaian Kinerja" and the annual report's Bab III);
* :func:`quarters_chart_svg`: grouped columns of TW I-IV and the year per indicator (the
  annual report's trend).

Both take the ``performance`` context (``documents.report_context.performance_context`` or
the annual one), share the palette (rating bands, quarters), the coordinate format and the
legend swatch, and put in only codes, numbers and fixed labels, every one escaped: the
result is trusted markup (``Markup``). Hand-built rather than a chart library, so the
PDF holds vector shapes WeasyPrint draws itself, with the report's font.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from markupsafe import Markup, escape

from domain.performance import format_number_id, triwulan_label

#: Bar colours per rating band, best band first (colour-blind safe, prints well in grey).
BAND_COLOURS: tuple[str, ...] = ("#1a7d3c", "#7fb135", "#e0a800", "#e06c00", "#b3261e")
NOT_COMPUTABLE_COLOUR = "#9e9e9e"

#: The chart's percentage axis.
CHART_AXIS_MAX = 120.0
CHART_GRIDLINES: tuple[float, ...] = (50.0, 75.0, 100.0)
CHART_TICKS: tuple[float, ...] = (0.0, 25.0, 50.0, 75.0, 100.0, 120.0)
CHART_CODE_MAX = 24  # longer codes are cut with an ellipsis on the chart (the table has them)

#: Series colours of the quarters chart: TW I–IV in greys/blues, the year by its band.
QUARTER_COLOURS: tuple[str, ...] = ("#c9d3e3", "#98abc9", "#6883ae", "#3c5a8c")


def band_colour(index: int) -> str:
    return BAND_COLOURS[min(index, len(BAND_COLOURS) - 1)]


# ----------------------------------------------------------------------------- shared


def _num(value: float) -> str:
    """An SVG coordinate: short, locale-free."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "\u2026"


def _svg_open(width: float, height: float, css_class: str, font_size: str) -> str:
    """The opening tag: 16 cm wide on the page, the height in proportion."""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css_class}" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="16cm" '
        f'height="{_num(height / width * 16)}cm" font-family="DejaVu Sans, sans-serif" '
        f'font-size="{font_size}">'
    )


def _swatch(lx: float, ly: float, colour: str) -> str:
    """A legend's colour square, its baseline at ``ly``."""
    return (
        f'<rect x="{_num(lx)}" y="{_num(ly - 7)}" width="9" height="8" '
        f'fill="{escape(colour)}" stroke="#333" stroke-width="0.3"/>'
    )


def _legend(entries: Sequence[tuple[str, str]], width: float, y: float) -> tuple[list, float]:
    """Swatch + label per entry, wrapped to ``width``; returns the items and the last line."""
    placed = []
    lx, ly = 8.0, y
    for colour, label in entries:
        text_w = 4.2 * len(label) + 26
        if lx + text_w > width and lx > 8.0:
            lx, ly = 8.0, ly + 12
        placed.append((lx, ly, colour, label))
        lx += text_w
    return placed, ly


# ----------------------------------------------------------------------------- capaian bars


def chart_svg(performance: dict[str, Any] | None) -> Markup | None:
    """Horizontal bars of the achievement per indicator code, as an inline SVG.

    Axis 0–120% with gridlines at 50, 75 and 100%, the risk line (``risk_below``), bars
    coloured by rating band, value labels and a legend. Only codes, numbers and band labels
    go in, and every one of them is escaped; the result is trusted markup (``Markup``).
    """
    if not performance or not performance["rows"]:
        return None
    rows = performance["rows"]
    codes = [_clip(r["code"], CHART_CODE_MAX) for r in rows]
    width = 480.0
    # Room for the longest code (bold, about 5,4 units a character), the values on the right.
    left = min(max(62.0, max(len(c) for c in codes) * 5.4 + 12), 150.0)
    plot = width - left - 66.0
    # Rows shrink for a long list so the chart stays within one A4 page.
    top = 20.0
    row_h = min(19.0, max(9.0, 520.0 / len(rows)))
    bar_h = round(row_h * 0.58, 1)

    def x(pct: float) -> float:
        return left + max(0.0, min(pct, CHART_AXIS_MAX)) / CHART_AXIS_MAX * plot

    bottom = top + row_h * len(rows) + 4
    entries = [(b["colour"], b["label"]) for b in performance["bands"]]
    if performance["not_computable_count"]:
        entries.append((NOT_COMPUTABLE_COLOUR, "tidak dapat dihitung"))
    legend, last_line = _legend(entries, width, bottom + 38)
    height = last_line + 4
    risk = performance["risk_below"]

    out: list[str] = [_svg_open(width, height, "chart", "8")]
    for pct in CHART_GRIDLINES:
        if pct != risk:
            out.append(
                f'<line x1="{_num(x(pct))}" y1="{_num(top - 6)}" x2="{_num(x(pct))}" '
                f'y2="{_num(bottom)}" stroke="#b0b0b0" stroke-width="0.6"/>'
            )
    labels: list[str] = []
    for i, row in enumerate(rows):
        y = top + i * row_h + (row_h - bar_h) / 2
        base = y + bar_h / 2 + 3  # text baseline, vertically centred on the bar
        out.append(
            f'<text x="{_num(left - 6)}" y="{_num(base)}" text-anchor="end" '
            f'font-weight="bold">{escape(codes[i])}</text>'
        )
        pct = row["percent"]
        if pct is None:
            labels.append(
                f'<text x="{_num(left + 4)}" y="{_num(base)}" fill="#555" '
                f'font-style="italic">{escape(row["capaian"])}</text>'
            )
            continue
        end = x(pct)
        out.append(
            f'<rect x="{_num(left)}" y="{_num(y)}" width="{_num(max(end - left, 0.8))}" '
            f'height="{_num(bar_h)}" fill="{escape(row["colour"])}" stroke="#333" '
            f'stroke-width="0.3"/>'
        )
        text = row["capaian"] + (" \u26a0" if row["at_risk"] else "")
        style = ' fill="#b3261e" font-weight="bold"' if row["at_risk"] else ""
        # A white backing keeps the value readable where it crosses a gridline.
        labels.append(
            f'<rect x="{_num(end + 2)}" y="{_num(y)}" width="{_num(len(text) * 5.6 + 6)}" '
            f'height="{_num(bar_h)}" fill="#ffffff"/>'
            f'<text x="{_num(end + 4)}" y="{_num(base)}"{style}>{escape(text)}</text>'
        )
    # The risk line over the bars, the values over the line.
    out.append(
        f'<line x1="{_num(x(risk))}" y1="{_num(top - 10)}" x2="{_num(x(risk))}" '
        f'y2="{_num(bottom)}" stroke="#b3261e" stroke-width="1.1" stroke-dasharray="4 2"/>'
        f'<text x="{_num(x(risk))}" y="{_num(top - 12)}" text-anchor="middle" fill="#b3261e" '
        f'font-size="7">batas risiko {escape(format_number_id(risk))}%</text>'
    )
    out.extend(labels)
    # Axes, ticks and the axis title.
    out.append(
        f'<line x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(left + plot)}" '
        f'y2="{_num(bottom)}" stroke="#000" stroke-width="0.8"/>'
        f'<line x1="{_num(left)}" y1="{_num(top - 6)}" x2="{_num(left)}" '
        f'y2="{_num(bottom)}" stroke="#000" stroke-width="0.8"/>'
    )
    for pct in CHART_TICKS:
        out.append(
            f'<line x1="{_num(x(pct))}" y1="{_num(bottom)}" x2="{_num(x(pct))}" '
            f'y2="{_num(bottom + 3)}" stroke="#000" stroke-width="0.6"/>'
            f'<text x="{_num(x(pct))}" y="{_num(bottom + 11)}" text-anchor="middle" '
            f'font-size="7">{escape(format_number_id(pct))}%</text>'
        )
    out.append(
        f'<text x="{_num(left + plot / 2)}" y="{_num(bottom + 23)}" text-anchor="middle" '
        f'font-size="7.5">Capaian kinerja (%)</text>'
    )
    for lx, ly, colour, label in legend:
        out.append(
            _swatch(lx, ly, colour)
            + f'<text x="{_num(lx + 12)}" y="{_num(ly)}" font-size="7">{escape(label)}</text>'
        )
    out.append("</svg>")
    return Markup("".join(out))


# ----------------------------------------------------------------------------- quarters chart


def quarters_chart_svg(performance: dict[str, Any] | None) -> Markup | None:
    """Grouped columns per indicator: the capaian of TW I–IV and of the year (0–120%).

    Only codes, numbers and fixed labels go in, all escaped; the result is trusted markup.
    """
    if not performance or not performance["rows"]:
        return None
    rows = performance["rows"]
    axis_max = CHART_AXIS_MAX
    width, left, right, top = 480.0, 34.0, 8.0, 16.0
    plot_h = 150.0
    bottom = top + plot_h
    plot_w = width - left - right
    group_w = plot_w / len(rows)
    bar_w = min(9.0, group_w * 0.8 / 5)
    codes = [_clip(row["code"], 14) for row in rows]
    # Codes wider than their group are set at 45 degrees below the axis.
    slanted = max(len(c) for c in codes) * 4.6 > group_w - 2
    label_h = max(len(c) for c in codes) * 3.4 + 8 if slanted else 10.0
    height = bottom + label_h + 22

    def y(pct: float) -> float:
        return bottom - max(0.0, min(pct, axis_max)) / axis_max * plot_h

    out = [_svg_open(width, height, "chart chart-quarters", "7")]
    for pct in (25.0, 50.0, 75.0, 100.0, 120.0):
        out.append(
            f'<line x1="{_num(left)}" y1="{_num(y(pct))}" x2="{_num(width - right)}" '
            f'y2="{_num(y(pct))}" stroke="{"#888" if pct == 100 else "#d0d0d0"}" '
            f'stroke-width="{"0.8" if pct == 100 else "0.5"}"/>'
        )
    for pct in CHART_TICKS:
        out.append(
            f'<text x="{_num(left - 4)}" y="{_num(y(pct) + 2.5)}" text-anchor="end" '
            f'font-size="6.5">{escape(format_number_id(pct))}%</text>'
        )
    for i, row in enumerate(rows):
        gx = left + i * group_w + (group_w - bar_w * 5) / 2
        series = [q["percent"] for q in row["quarters"]] + [row["percent"]]
        colours = [*QUARTER_COLOURS, row["colour"]]
        for j, pct in enumerate(series):
            bx = gx + j * bar_w
            if pct is None:
                out.append(
                    f'<text x="{_num(bx + bar_w / 2)}" y="{_num(bottom - 2)}" '
                    f'text-anchor="middle" font-size="5.5" fill="#777">\u2013</text>'
                )
                continue
            out.append(
                f'<rect x="{_num(bx)}" y="{_num(y(pct))}" width="{_num(bar_w - 0.6)}" '
                f'height="{_num(bottom - y(pct))}" fill="{escape(colours[j])}" '
                f'stroke="#333" stroke-width="0.25"/>'
            )
        cx = left + (i + 0.5) * group_w
        if slanted:
            out.append(
                f'<text x="{_num(cx)}" y="{_num(bottom + 8)}" text-anchor="end" '
                f'font-weight="bold" transform="rotate(-45 {_num(cx)} {_num(bottom + 8)})">'
                f"{escape(codes[i])}</text>"
            )
        else:
            out.append(
                f'<text x="{_num(cx)}" y="{_num(bottom + 10)}" text-anchor="middle" '
                f'font-weight="bold">{escape(codes[i])}</text>'
            )
    risk = performance["risk_below"]
    out.append(
        f'<line x1="{_num(left)}" y1="{_num(y(risk))}" x2="{_num(width - right)}" '
        f'y2="{_num(y(risk))}" stroke="#b3261e" stroke-width="0.9" stroke-dasharray="4 2"/>'
        f'<line x1="{_num(left)}" y1="{_num(top - 4)}" x2="{_num(left)}" y2="{_num(bottom)}" '
        f'stroke="#000" stroke-width="0.8"/>'
        f'<line x1="{_num(left)}" y1="{_num(bottom)}" x2="{_num(width - right)}" '
        f'y2="{_num(bottom)}" stroke="#000" stroke-width="0.8"/>'
    )
    legend = [(c, triwulan_label(n)) for n, c in enumerate(QUARTER_COLOURS, start=1)]
    legend.append((BAND_COLOURS[0], "Tahunan (warna sesuai kategori)"))
    legend.append(("", f"batas risiko {format_number_id(risk)}%"))
    lx = left
    ly = bottom + label_h + 16
    for colour, label in legend:
        if colour:
            out.append(_swatch(lx, ly, colour))
        else:
            out.append(
                f'<line x1="{_num(lx)}" y1="{_num(ly - 3)}" x2="{_num(lx + 12)}" '
                f'y2="{_num(ly - 3)}" stroke="#b3261e" stroke-width="0.9" '
                f'stroke-dasharray="4 2"/>'
            )
        out.append(f'<text x="{_num(lx + 14)}" y="{_num(ly)}">{escape(label)}</text>')
        lx += 4.0 * len(label) + 30
    out.append("</svg>")
    return Markup("".join(out))
