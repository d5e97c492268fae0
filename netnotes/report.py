"""Terminal and JSON renderings of the follow-up list."""

from __future__ import annotations

import datetime as dt
import json

import click

from .followup import STATUSES, DueItem
from .problems import one_line

HEADINGS = {"overdue": "Overdue", "today": "Today", "soon": "Soon", "later": "Later"}
COLOURS = {"overdue": {"fg": "red", "bold": True}, "today": {"fg": "yellow", "bold": True},
           "soon": {"fg": "cyan"}, "later": {"dim": True}}
NAME_WIDTH = 24


def format_due_json(items: list[DueItem]) -> str:
    return json.dumps([i.to_json() for i in items], indent=2, ensure_ascii=False) + "\n"


def when(days: int) -> str:
    if days == 0:
        return "today"
    return f"{-days}d ago" if days < 0 else f"in {days}d"


def format_due_text(items: list[DueItem], today: dt.date) -> str:
    """A table grouped by status; styles are stripped by click when not on a terminal."""
    if not items:
        return f"Nothing due as of {today.isoformat()}.\n"
    names = {i.contact: one_line(i.name) for i in items}  # a name may hold a terminal escape
    width = min(NAME_WIDTH, max(len(n) for n in names.values()))
    lines: list[str] = []
    for status in STATUSES:
        group = [i for i in items if i.status == status]
        if not group:
            continue
        if lines:
            lines.append("")
        lines.append(click.style(f"{HEADINGS[status]} ({len(group)})", **COLOURS[status]))
        for i in group:
            name = names[i.contact]
            name = name if len(name) <= width else name[: width - 1] + "…"
            detail = f"  {one_line(i.detail)}" if i.detail else ""
            lines.append(f"  {i.due.isoformat()}  {when(i.days):>8}  {name:<{width}}  {i.reason:<13}{detail}".rstrip())
    return "\n".join(lines) + "\n"
