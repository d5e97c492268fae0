"""The brief to read before meeting someone (``netnotes show``): who they are, how we met, how
strong the tie is, what we last talked about, what is open both ways, and the first lines of
the notes, as terminal text, Markdown (to paste into a calendar invite) or JSON.

``brief`` gathers it from the vault for one contact and a day; the renderers only format it.
Strength (section 8) and career moves (rule 11) are computed elsewhere and passed in, so the
brief shows them when the caller has them. Same vault, contact and day: the same output.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from .dates import add_duration
from .followup import (
    ask_detail,
    ask_due_date,
    cadence_of,
    is_follow_up_open,
    keep_in_touch_date,
    last_touches,
    reciprocity,
    status_of,
    thank_you_dates,
    thank_you_detail,
    thank_you_due,
)
from .model import Vault
from .moves import Move
from .report import columns, pad, when
from .text import escape_for_line

LAST_TOUCHES = 5  # the latest touches a brief shows
NOTE_LINES = 8  # the first lines of the body a brief shows
JSON_VERSION = 1


@dataclass(frozen=True, slots=True)
class Strength:
    """A contact's strength at the day (section 8): a score 0-100, its band and its reasons."""

    score: int
    band: str
    reasons: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Person:
    id: str
    name: str


@dataclass(frozen=True, slots=True)
class Entry:
    """A dated line of the brief: a touch, a planned interaction, or a career move."""

    date: dt.date
    kind: str  # the interaction's kind ('' when it has none); 'move' for a career move
    text: str  # its title, or what the move was
    path: str  # the note it comes from ('' when it comes from git)


@dataclass(frozen=True, slots=True)
class Pending:
    """Something open with this contact, as ``due`` would list it (whatever its date)."""

    due: dt.date
    status: str  # overdue, today, soon, later (rule 7)
    days: int
    kind: str  # follow-up, waiting on them, I owe them, thank-you, keep-in-touch, birthday
    detail: str
    path: str


@dataclass(frozen=True, slots=True)
class Brief:
    today: dt.date
    id: str
    path: str
    name: str
    aliases: tuple[str, ...]
    role: str | None
    company: str | None
    location: str | None
    emails: tuple[str, ...]
    phones: tuple[str, ...]
    linkedin: str | None
    website: str | None
    tags: tuple[str, ...]
    circle: str | None
    cadence: str | None  # the cadence in force (its own, its circle's or the default); None: never
    archived: bool
    since: dt.date | None
    met_at: str | None
    met_through: Person | None
    introduced: tuple[Person, ...]  # whom they introduced me to, by name
    strength: Strength | None
    touches: int  # interactions with them dated on or before today
    last_touches: tuple[Entry, ...]  # the latest first
    planned: tuple[Entry, ...]  # the soonest first
    pending: tuple[Pending, ...]  # by due date
    given: int  # favours I did for them (rule 9)
    received: int  # favours they did for me
    moves: tuple[Entry, ...]
    custom: tuple[tuple[str, str], ...]  # the user's own fields, values as text
    notes: tuple[str, ...]  # the first lines of the body
    more_notes: bool  # the body goes on after those lines

    @property
    def balance(self) -> int:
        return self.given - self.received


def brief_for(vault: Vault, contact_id: str, today: dt.date, moves: Iterable[Move]) -> Brief:
    """The brief with what is computed elsewhere filled in: the contact's strength (section 8)
    and their career moves up to ``today`` (rule 11; ``moves`` are the vault's, as read from git)."""
    from .strength import strength_of

    s = strength_of(vault, contact_id, today)
    theirs = [(m.date, m.detail) for m in moves if m.contact == contact_id and m.date <= today]
    return brief(vault, contact_id, today, strength=Strength(s.score, s.band, s.reasons), moves=theirs)


def brief(
    vault: Vault,
    contact_id: str,
    today: dt.date,
    *,
    strength: Strength | None = None,
    moves: Sequence[tuple[dt.date, str]] = (),
) -> Brief:
    """The brief of the contact ``contact_id`` (it must be in ``vault``) as of ``today``."""
    contact = vault.contacts_by_id[contact_id]
    config = vault.config
    horizon_end = add_duration(today, config.horizon)
    names = {c.id: c.name for c in vault.contacts}
    touches = last_touches(vault.interactions, today)
    theirs = [i for i in vault.interactions if contact_id in i.with_]  # by (date, path)
    past = [i for i in theirs if i.date <= today]

    def pending(due: dt.date, kind: str, detail: str, path: str) -> Pending:
        return Pending(due, status_of(due, today, horizon_end), (due - today).days, kind, detail, path)

    items: list[Pending] = []
    for i in theirs:
        if i.follow_up is not None and is_follow_up_open(i, touches):
            items.append(pending(i.follow_up, "follow-up", i.next or i.title or "", i.path))
    thanked = thank_you_dates(vault.interactions, today)
    for a in vault.asks:
        if a.with_ != contact_id:
            continue
        if a.status == "open":
            side, detail = ask_detail(a, names).split(": ", 1)
            items.append(pending(ask_due_date(a), side, detail, a.path))
        thank_you = thank_you_due(a, thanked, today)
        if thank_you is not None:
            items.append(pending(thank_you, "thank-you", thank_you_detail(a), a.path))
    keep_in_touch = keep_in_touch_date(contact, config, touches.get(contact_id), today)
    if keep_in_touch is not None:
        snoozed = contact.snooze_until == keep_in_touch
        detail = f"snoozed until {keep_in_touch.isoformat()}" if snoozed else f"every {cadence_of(contact, config)}"
        items.append(pending(keep_in_touch, "keep-in-touch", detail, contact.path))
    if contact.birthday is not None and not contact.archived:
        day = contact.birthday.next_on_or_after(today)
        years = day.year - contact.birthday.year if contact.birthday.year else 0
        items.append(pending(day, "birthday", f"turns {years}" if years > 0 else "birthday", contact.path))
    items.sort(key=lambda p: (p.due, p.kind, p.path))

    cadence = cadence_of(contact, config)
    favours = reciprocity(vault).get(contact_id)
    notes, more = _first_lines(contact.body)
    return Brief(
        today=today,
        id=contact.id,
        path=contact.path,
        name=contact.name,
        aliases=contact.aliases,
        role=contact.role,
        company=contact.company,
        location=contact.location,
        emails=contact.emails,
        phones=contact.phones,
        linkedin=contact.linkedin,
        website=contact.website,
        tags=contact.tags,
        circle=contact.circle,
        cadence=None if cadence.is_never else str(cadence),
        archived=contact.archived,
        since=contact.since,
        met_at=contact.met_at,
        met_through=_person(vault, contact.met_through),
        introduced=tuple(
            Person(c.id, c.name)
            for c in sorted(vault.contacts, key=lambda c: (c.name.casefold(), c.id))
            if c.met_through == contact_id
        ),
        strength=strength,
        touches=len(past),
        last_touches=tuple(_entry(i.date, i.kind, i.title, i.path) for i in reversed(past[-LAST_TOUCHES:])),
        planned=tuple(_entry(i.date, i.kind, i.title, i.path) for i in theirs if i.date > today),
        pending=tuple(items),
        given=favours.given if favours else 0,
        received=favours.received if favours else 0,
        moves=tuple(Entry(day, "move", text, "") for day, text in sorted(moves)),
        custom=tuple((k, _as_text(v)) for k, v in contact.custom),
        notes=notes,
        more_notes=more,
    )


def _person(vault: Vault, contact_id: str | None) -> Person | None:
    contact = vault.contact(contact_id) if contact_id else None
    return Person(contact.id, contact.name) if contact is not None else None


def _entry(day: dt.date, kind: str | None, title: str | None, path: str) -> Entry:
    return Entry(day, kind or "", title or "", path)


def _as_text(value: Any) -> str:
    """A custom field's YAML value as one line of text."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return ", ".join(_as_text(v) for v in value)
    if isinstance(value, dict):
        return "; ".join(f"{k}: {_as_text(v)}" for k, v in value.items())
    return str(value)


def _first_lines(body: str) -> tuple[tuple[str, ...], bool]:
    """The body's first ``NOTE_LINES`` lines (blank lines at either end left out), and whether
    more text follows."""
    lines = [line.rstrip() for line in body.strip("\n").splitlines()]
    while lines and not lines[-1]:
        lines.pop()
    while lines and not lines[0]:
        lines.pop(0)
    shown = lines[:NOTE_LINES]
    while shown and not shown[-1]:
        shown.pop()
    return tuple(shown), len(lines) > NOTE_LINES


# ---------------------------------------------------------------------------------------------
# Pieces the renderers share


def _headline(b: Brief) -> str:
    """``Staff Engineer at Acme · Berlin``, or what of it is known."""
    job = " at ".join(x for x in (b.role, b.company) if x)
    return " · ".join(x for x in (job, b.location or "") if x)


def _met(b: Brief) -> str:
    parts = []
    if b.met_at:
        parts.append(f"at {b.met_at}")
    if b.since:
        parts.append(f"since {b.since.isoformat()}")
    if b.met_through:
        parts.append(f"through {b.met_through.name}")
    return ", ".join(parts)


def _strength(s: Strength) -> str:
    reasons = f": {'; '.join(s.reasons)}" if s.reasons else ""
    return f"{s.score} ({s.band}){reasons}"


def _reciprocity(b: Brief) -> str:
    return f"I did {b.given} favour{'s' * (b.given != 1)}, they did {b.received} (balance {b.balance:+d})"


def _keep_in_touch(b: Brief) -> str:
    if b.archived:
        return "archived: no reminders"
    return f"every {b.cadence}" if b.cadence else "no cadence"


def _facts(b: Brief) -> list[tuple[str, str]]:
    """The brief's one-line facts, labelled, in the order every renderer shows them."""
    facts: list[tuple[str, str]] = []
    if b.aliases:
        facts.append(("Aliases", ", ".join(b.aliases)))
    if _met(b):
        facts.append(("Met", _met(b)))
    if b.introduced:
        facts.append(("Introduced", ", ".join(p.name for p in b.introduced)))
    if b.strength is not None:
        facts.append(("Strength", _strength(b.strength)))
    touches = f"{b.touches} touch{'es' * (b.touches != 1)}"
    facts.append(("Keep in touch", f"{_keep_in_touch(b)}; {touches} so far"))
    if b.given or b.received:
        facts.append(("Reciprocity", _reciprocity(b)))
    if b.tags:
        facts.append(("Tags", ", ".join(b.tags)))
    if b.circle:
        facts.append(("Circle", b.circle))
    for label, values in (("Email", b.emails), ("Phone", b.phones)):
        if values:
            facts.append((label, ", ".join(values)))
    for label, value in (("LinkedIn", b.linkedin), ("Website", b.website)):
        if value:
            facts.append((label, value))
    return facts


def _pending_when(p: Pending) -> str:
    return f"{p.due.isoformat()} ({when(p.days)})"


# ---------------------------------------------------------------------------------------------
# Text, for a terminal


def format_brief_text(b: Brief) -> str:
    """The brief for a terminal: labels and columns aligned by display width (``wcwidth``), so
    names and kinds in any script line up; every text from a note is one printable line."""
    lines = [escape_for_line(f"{b.name} ({b.id})")]
    if _headline(b):
        lines.append(escape_for_line(_headline(b)))
    facts = _facts(b)
    width = max(columns(label) for label, _ in facts) + 1
    lines += [escape_for_line(f"{pad(label + ':', width)} {value}") for label, value in facts]

    def section(title: str, rows: list[list[str]]) -> None:
        if not rows:
            return
        widths = [max(columns(escape_for_line(r[i])) for r in rows) for i in range(len(rows[0]) - 1)]
        lines.extend(["", title])
        for row in rows:
            cells = [pad(escape_for_line(cell), w) for cell, w in zip(row, widths, strict=False)] + [
                escape_for_line(row[-1])
            ]
            lines.append(("  " + "  ".join(cells)).rstrip())

    shown = f" ({len(b.last_touches)} of {b.touches})" if b.touches > len(b.last_touches) else ""
    section(f"Last touches{shown}", [[e.date.isoformat(), e.kind, e.text] for e in b.last_touches])
    section("Planned", [[e.date.isoformat(), e.kind, e.text] for e in b.planned])
    section("Open", [[p.due.isoformat(), when(p.days), p.kind, p.detail] for p in b.pending])
    section("Career moves", [[e.date.isoformat(), e.text] for e in b.moves])
    section("Fields", [[f"{k}:", v] for k, v in b.custom])
    if b.notes:
        lines += ["", "Notes"] + [escape_for_line(f"  {line}".rstrip()) for line in b.notes]
        if b.more_notes:
            lines.append(f"  … (more in {escape_for_line(b.path)})")
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# Markdown, to paste into a calendar invite or a note

# What could start emphasis, code, a link or HTML inside a line. Other punctuation stays as it
# is, so that the brief also reads well where an invite shows the Markdown as plain text.
_MD_SPECIAL = re.compile(r"[\\`*\[\]<>|~]|(?<![0-9A-Za-z])_|_(?![0-9A-Za-z])")


def md(text: str) -> str:
    """User text as literal Markdown inside a line: ``*``, ``[``, ``<``... escaped, so that
    ``[x](y)`` is no link and ``<b>`` no HTML; ``snake_case`` and ``(a)`` are left as written."""
    return _MD_SPECIAL.sub(lambda m: "\\" + m.group(0), escape_for_line(text))


def format_brief_markdown(b: Brief) -> str:
    lines = [f"## {md(b.name)}", ""]
    if _headline(b):
        headline = md(_headline(b))  # a line of its own: what would start a heading or a list is escaped
        lines += ["\\" + headline if re.match(r"[#>+=-]|\d+[.)]", headline) else headline, ""]
    lines += [f"- **{label}:** {md(value)}" for label, value in _facts(b)]

    def section(title: str, rows: list[str]) -> None:
        if rows:
            lines.extend(["", f"### {title}", "", *rows])

    section("Last touches", [f"- {e.date.isoformat()} · {md(e.kind or 'touch')}: {md(e.text)}" for e in b.last_touches])
    section("Planned", [f"- {e.date.isoformat()} · {md(e.kind or 'touch')}: {md(e.text)}" for e in b.planned])
    section("Open", [f"- {md(p.kind)}, due {_pending_when(p)}: {md(p.detail)}" for p in b.pending])
    section("Career moves", [f"- {e.date.isoformat()}: {md(e.text)}" for e in b.moves])
    section("Fields", [f"- **{md(k)}:** {md(v)}" for k, v in b.custom])
    notes = [f"> {escape_for_line(line)}".rstrip() for line in b.notes] + (["> …"] if b.more_notes else [])
    section("Notes", notes)
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------------------------------------
# JSON, documented in docs/json-export.md


def brief_json(b: Brief) -> dict[str, Any]:
    def person(p: Person | None) -> dict[str, str] | None:
        return {"id": p.id, "name": p.name} if p is not None else None

    def entry(e: Entry) -> dict[str, str]:
        return {"date": e.date.isoformat(), "kind": e.kind, "text": e.text, "path": e.path}

    return {
        "version": JSON_VERSION,
        "today": b.today.isoformat(),
        "id": b.id,
        "path": b.path,
        "name": b.name,
        "aliases": list(b.aliases),
        "role": b.role,
        "company": b.company,
        "location": b.location,
        "emails": list(b.emails),
        "phones": list(b.phones),
        "linkedin": b.linkedin,
        "website": b.website,
        "tags": list(b.tags),
        "circle": b.circle,
        "cadence": b.cadence,
        "archived": b.archived,
        "since": b.since.isoformat() if b.since else None,
        "met_at": b.met_at,
        "met_through": person(b.met_through),
        "introduced": [person(p) for p in b.introduced],
        "strength": (
            {"score": b.strength.score, "band": b.strength.band, "reasons": list(b.strength.reasons)}
            if b.strength is not None
            else None
        ),
        "touches": b.touches,
        "last_touches": [entry(e) for e in b.last_touches],
        "planned": [entry(e) for e in b.planned],
        "open": [
            {
                "due": p.due.isoformat(),
                "status": p.status,
                "days": p.days,
                "kind": p.kind,
                "detail": p.detail,
                "path": p.path,
            }
            for p in b.pending
        ],
        "reciprocity": {"given": b.given, "received": b.received, "balance": b.balance},
        "moves": [{"date": e.date.isoformat(), "text": e.text} for e in b.moves],
        "custom": dict(b.custom),
        "notes": list(b.notes),
        "more_notes": b.more_notes,
    }


def format_brief_json(b: Brief) -> str:
    return json.dumps(brief_json(b), indent=2, ensure_ascii=False) + "\n"
