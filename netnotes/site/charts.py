"""The dashboard's pictures as inline SVG, drawn at build time.

No chart library and no script: each chart is a small SVG with a ``<title>`` and ``<desc>``
for screen readers and a ``<title>`` per bar as its tooltip. Colours come from CSS classes in
the theme (``bar``, ``seg-on-time`` ...) and sizes from SVG attributes, since the page's
Content-Security-Policy forbids ``style=`` attributes. Every text from a note is escaped.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

MONTHS = 24
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True, slots=True)
class Health:
    """Contacts who have a cadence and are not archived, by where they stand today."""

    on_time: int
    overdue: int
    never: int  # no interaction with them yet

    @property
    def total(self) -> int:
        return self.on_time + self.overdue + self.never


def last_months(today: dt.date, count: int = MONTHS) -> list[tuple[int, int]]:
    """(year, month) of the ``count`` months ending with today's, oldest first."""
    index = today.year * 12 + today.month - 1
    return [divmod(i, 12) for i in range(index - count + 1, index + 1)]


def _label(year: int, month: int) -> str:
    return f"{MONTH_NAMES[month]} {year % 100:02d}"


def _svg(chart_id: str, width: int, height: int, title: str, desc: str, body: list[str]) -> Markup:
    head = (
        f'<svg class="chart" id="{chart_id}" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc" xmlns="http://www.w3.org/2000/svg">'
        f'<title id="{chart_id}-title">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(desc)}</desc>'
    )
    return Markup(head + "".join(body) + "</svg>")


def _nice_max(value: int) -> int:
    """The top of the axis: value rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    step = 1
    while True:
        for mult in (1, 2, 5):
            if value <= step * mult:
                return step * mult
        step *= 10


def monthly_chart(counts: Sequence[tuple[tuple[int, int], int]]) -> Markup:
    """Columns: interactions per month, oldest month on the left."""
    width, height, left, right, top, bottom = 720, 200, 34, 8, 12, 30
    plot_w, plot_h = width - left - right, height - top - bottom
    top_value = _nice_max(max((n for _, n in counts), default=0))
    slot = plot_w / max(len(counts), 1)
    body = []
    for value in (0, top_value // 2, top_value) if top_value > 1 else (0, top_value):
        y = top + plot_h - plot_h * value / top_value
        body.append(
            f'<line class="grid" x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}"/>'
            f'<text class="tick" x="{left - 6}" y="{y + 4:.1f}" text-anchor="end">{value}</text>'
        )
    for i, ((year, month), n) in enumerate(counts):
        x = left + i * slot + slot * 0.15
        h = plot_h * n / top_value
        label = f"{year}-{month + 1:02d}: {n} interaction{'s' * (n != 1)}"
        body.append(
            f'<rect class="bar" x="{x:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" '
            f'height="{h:.1f}"><title>{label}</title></rect>'
        )
        if month % 3 == 0:
            body.append(
                f'<text class="tick" x="{x + slot * 0.35:.1f}" y="{height - 10}" '
                f'text-anchor="middle">{_label(year, month)}</text>'
            )
    total = sum(n for _, n in counts)
    busiest = max(counts, key=lambda c: (c[1], c[0]), default=None)
    desc = f"{total} interactions over the last {len(counts)} months"
    if busiest and busiest[1]:
        desc += f"; the busiest month was {_label(*busiest[0])} with {busiest[1]}"
    return _svg("chart-months", width, height, "Interactions per month", desc + ".", body)


def kinds_chart(counts: Sequence[tuple[str, int]]) -> Markup:
    """Horizontal bars: touches by kind, most frequent first."""
    row, label_w, width, right = 22, 96, 360, 36
    height = max(row * len(counts), row) + 8
    top_value = max((n for _, n in counts), default=0) or 1
    body = []
    for i, (kind, n) in enumerate(counts):
        y = 4 + i * row
        w = (width - label_w - right) * n / top_value
        body.append(
            f'<text class="label" x="{label_w - 8}" y="{y + 15}" text-anchor="end">{escape(kind)}</text>'
            f'<rect class="bar" x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row - 8}">'
            f"<title>{escape(kind)}: {n}</title></rect>"
            f'<text class="value" x="{label_w + w + 6:.1f}" y="{y + 15}">{n}</text>'
        )
    if not counts:
        body.append(f'<text class="label" x="8" y="{row - 6}">No interactions yet</text>')
    desc = "; ".join(f"{kind}: {n}" for kind, n in counts) or "no interactions"
    return _svg("chart-kinds", width, height, "Touches by kind", desc + ".", body)


def health_chart(health: Health) -> Markup:
    """One stacked bar: on time, overdue, never contacted, as shares of contacts with a cadence."""
    width, height, bar_h = 360, 74, 22
    parts = (
        ("on-time", "on time", health.on_time),
        ("overdue", "overdue", health.overdue),
        ("never", "never contacted", health.never),
    )
    total = health.total
    body = []
    x = 0.0
    for css, name, n in parts:
        w = width * n / total if total else 0
        if w:
            body.append(
                f'<rect class="seg-{css}" x="{x:.1f}" y="0" width="{w:.1f}" height="{bar_h}">'
                f"<title>{name}: {n} of {total}</title></rect>"
            )
        x += w
    if not total:
        body.append(f'<rect class="seg-empty" x="0" y="0" width="{width}" height="{bar_h}"/>')
    for i, (css, name, n) in enumerate(parts):
        lx = i * 120
        share = f" ({round(100 * n / total)}%)" if total else ""
        body.append(
            f'<rect class="seg-{css}" x="{lx}" y="{bar_h + 16}" width="10" height="10"/>'
            f'<text class="label" x="{lx + 15}" y="{bar_h + 25}">{name}</text>'
            f'<text class="value" x="{lx + 15}" y="{bar_h + 41}">{n}{share}</text>'
        )
    desc = (
        f"Of {total} contacts with a keep-in-touch cadence: {health.on_time} on time, "
        f"{health.overdue} overdue, {health.never} never contacted."
    )
    return _svg("chart-health", width, height, "Network health", desc, body)
