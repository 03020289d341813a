"""Charts drawn on the server as inline SVG: no JavaScript library, no network, no CDN.

Why: the admin's Content-Security-Policy stays strict (no third-party script), the charts print,
work offline and with JavaScript off, and we control their accessibility. Each chart is an
`<svg role="img">` with a <title> and a <desc> (a sentence that says what it shows); the page
puts the same figures in a data table beside it. Bars are a dark blue (#1d4f91, 8.6:1 against
white) with their value written at the end, so nothing depends on telling colours apart; a second
kind of bar (module totals in the funnel) is hatched as well as darker.
"""

from dataclasses import dataclass
from itertools import count

from django.utils.html import format_html
from django.utils.safestring import mark_safe

BAR = "#1d4f91"
BAR_STRONG = "#0b2545"
TEXT = "#1a1a1a"
GRID = "#595959"  # 7:1 against white
_ids = count(1)


@dataclass
class Bar:
    label: str
    value: int | float
    strong: bool = False  # drawn hatched and darker (for example a module's total)


def _number(value):
    return f"{value:g}" if isinstance(value, float) else str(value)


def horizontal_bar_chart(title, description, bars, maximum=None, unit=""):
    """One row per bar: the label on the left, the bar, and its value written after it."""
    chart_id = f"chart-{next(_ids)}"
    maximum = max([maximum or 0, *(bar.value for bar in bars)]) or 1
    label_width, bar_width, row_height = 260, 360, 26
    width = label_width + bar_width + 80
    height = row_height * len(bars) + 10
    rows = []
    for index, bar in enumerate(bars):
        y = 5 + index * row_height
        length = round(bar_width * bar.value / maximum) if bar.value else 0
        label = bar.label if len(bar.label) <= 38 else bar.label[:37] + "…"
        fill = f"url(#{chart_id}-hatch)" if bar.strong else BAR
        weight = "bold" if bar.strong else "normal"
        rows.append(
            format_html(
                '<g><text x="{}" y="{}" text-anchor="end" font-weight="{}" fill="{}">{}</text>'
                '<rect x="{}" y="{}" width="{}" height="{}" fill="{}" stroke="{}"/>'
                '<text x="{}" y="{}" fill="{}">{}{}</text></g>',
                label_width - 8,
                y + 17,
                weight,
                TEXT,
                label,
                label_width,
                y + 3,
                max(length, 1),
                row_height - 8,
                fill,
                BAR_STRONG,
                label_width + length + 6,
                y + 17,
                TEXT,
                _number(bar.value),
                unit,
            )
        )
    return _svg(chart_id, title, description, width, height, mark_safe("".join(rows)))  # noqa: S308 - built with format_html


def column_chart(title, description, bars, unit=""):
    """Vertical columns (a histogram), the value above each column and its label below."""
    chart_id = f"chart-{next(_ids)}"
    maximum = max((bar.value for bar in bars), default=0) or 1
    column, gap, plot_height, top = 52, 10, 160, 24
    width = len(bars) * (column + gap) + gap
    height = top + plot_height + 40
    parts = [
        format_html(
            '<line x1="0" y1="{}" x2="{}" y2="{}" stroke="{}"/>',
            top + plot_height,
            width,
            top + plot_height,
            GRID,
        )
    ]
    for index, bar in enumerate(bars):
        x = gap + index * (column + gap)
        length = round(plot_height * bar.value / maximum) if bar.value else 0
        parts.append(
            format_html(
                '<g><rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>'
                '<text x="{}" y="{}" text-anchor="middle" fill="{}">{}{}</text>'
                '<text x="{}" y="{}" text-anchor="middle" font-size="11" fill="{}">{}</text></g>',
                x,
                top + plot_height - length,
                column,
                length,
                BAR,
                x + column / 2,
                top + plot_height - length - 6,
                TEXT,
                _number(bar.value),
                unit,
                x + column / 2,
                top + plot_height + 16,
                TEXT,
                bar.label,
            )
        )
    return _svg(chart_id, title, description, width, height, mark_safe("".join(parts)))  # noqa: S308 - built with format_html


def _svg(chart_id, title, description, width, height, body):
    return format_html(
        '<svg class="report-chart" role="img" aria-labelledby="{id}-title {id}-desc" '
        'viewBox="0 0 {w} {h}" width="{w}" height="{h}" font-family="sans-serif" font-size="13" '
        'xmlns="http://www.w3.org/2000/svg">'
        '<title id="{id}-title">{title}</title><desc id="{id}-desc">{desc}</desc>'
        '<defs><pattern id="{id}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)"><rect width="6" height="6" fill="{strong}"/>'
        '<line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="2"/></pattern></defs>'
        "{body}</svg>",
        id=chart_id,
        w=width,
        h=height,
        title=title,
        desc=description,
        strong=BAR_STRONG,
        body=body,
    )


def describe(bars, unit="", of=None):
    """A sentence listing every bar's value: the chart's text alternative."""
    total = f" of {of}" if of is not None else ""
    return "; ".join(f"{bar.label}: {_number(bar.value)}{unit}{total}" for bar in bars) + "."
