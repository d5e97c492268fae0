"""Terminal and JSON renderings of the follow-up list."""

from __future__ import annotations

import datetime as dt
import json
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass

import click
from wcwidth import iter_graphemes, wcswidth

from .followup import DueItem, DueStatus
from .model import Contact
from .refs import key
from .text import escape_for_line


@dataclass(frozen=True, slots=True)
class Style:
    """How a status heading looks on a terminal (None: click's default)."""

    fg: str | None = None
    bold: bool | None = None
    dim: bool | None = None


HEADINGS = {
    DueStatus.OVERDUE: "Overdue",
    DueStatus.TODAY: "Today",
    DueStatus.SOON: "Soon",
    DueStatus.LATER: "Later",
}
COLOURS = {
    DueStatus.OVERDUE: Style(fg="red", bold=True),
    DueStatus.TODAY: Style(fg="yellow", bold=True),
    DueStatus.SOON: Style(fg="cyan"),
    DueStatus.LATER: Style(dim=True),
}
NAME_WIDTH = 24  # display columns for a name, and for what tells namesakes apart


def format_due_json(items: list[DueItem]) -> str:
    return json.dumps([i.to_json() for i in items], indent=2, ensure_ascii=False) + "\n"


def when(days: int) -> str:
    if days == 0:
        return "today"
    return f"{-days}d ago" if days < 0 else f"in {days}d"


def columns(text: str) -> int:
    """How many terminal columns ``text`` takes: 2 for ``王`` or an emoji, 0 for a combining accent.

    A cell always follows a space, and a combining mark at its start joins that space as one
    character (a spacing mark then takes a column of its own): measured so, the row lines up.
    """
    if text and unicodedata.category(text[0]).startswith("M"):
        width = wcswidth(" " + text) - 1
    else:
        width = wcswidth(text)
    return width if width >= 0 else len(text)  # wcswidth says -1 for a control character


def cut(text: str, width: int) -> str:
    """``text`` in at most ``width`` columns, ending in ``…`` when shortened; cut only between
    whole characters as the eye sees them (a wide character, a letter with its accents)."""
    if columns(text) <= width:
        return text
    kept: list[str] = []
    used = 0
    for grapheme in iter_graphemes(text):
        used += columns(grapheme)
        if used > width - 1:
            break
        kept.append(grapheme)
    return "".join(kept).rstrip() + "…"


def pad(text: str, width: int) -> str:
    return text + " " * max(0, width - columns(text))


def shown_names(items: list[DueItem], contacts: Mapping[str, Contact]) -> dict[str, str]:
    """Each item's contact as the table shows it: its name, and for namesakes in the list (names
    equal once case-folded) `` (<company>)``, or `` (<id>)`` when the company is missing or
    shared. Each part is cut to ``NAME_WIDTH`` columns, so what tells namesakes apart stays."""
    names = {i.contact: i.name for i in items}
    namesakes: dict[str, list[str]] = {}
    for cid, name in names.items():
        namesakes.setdefault(key(unicodedata.normalize("NFC", name)), []).append(cid)

    def company(cid: str) -> str | None:
        c = contacts.get(cid)
        return c.company if c is not None and c.company and key(c.company) else None

    shown: dict[str, str] = {}
    for same in namesakes.values():
        companies = [key(company(cid) or "") for cid in same]
        for cid in same:
            name = cut(escape_for_line(names[cid]), NAME_WIDTH)  # a name may hold a terminal escape
            if len(same) == 1:
                shown[cid] = name
                continue
            mine = company(cid)
            told_apart = mine if mine and companies.count(key(mine)) == 1 else cid
            shown[cid] = f"{name} ({cut(escape_for_line(told_apart), NAME_WIDTH)})"
    return shown


def format_due_text(
    items: list[DueItem], today: dt.date, contacts: Mapping[str, Contact] | None = None, *, sources: bool = False
) -> str:
    """A table grouped by status; styles are stripped by click when not on a terminal.

    Columns line up by display width (``wcwidth``), so names in any script align in a terminal.
    ``contacts`` (by id) gives namesakes their company. ``sources`` adds a column, before the
    detail, with the note each item comes from (what ``netnotes done`` takes).
    """
    if not items:
        return f"Nothing due as of {today.isoformat()}.\n"
    shown = shown_names(items, contacts or {})
    width = max(columns(name) for name in shown.values())
    cells = {cid: pad(name, width) for cid, name in shown.items()}
    paths = {i.source: escape_for_line(i.source) for i in items} if sources else {}
    path_width = max((columns(p) for p in paths.values()), default=0)
    lines: list[str] = []
    for status in DueStatus:
        group = [i for i in items if i.status == status]
        if not group:
            continue
        if lines:
            lines.append("")
        style = COLOURS[status]
        lines.append(click.style(f"{HEADINGS[status]} ({len(group)})", fg=style.fg, bold=style.bold, dim=style.dim))
        for i in group:
            detail = f"  {escape_for_line(i.detail)}" if i.detail else ""
            source = f"  {pad(paths[i.source], path_width)}" if sources else ""
            lines.append(
                f"  {i.due.isoformat()}  {when(i.days):>8}  {cells[i.contact]}  {i.reason:<13}{source}{detail}".rstrip()
            )
    return "\n".join(lines) + "\n"
