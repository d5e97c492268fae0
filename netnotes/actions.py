"""Acting on what is due: close follow-ups, asks and thank-yous (``done``), put off a contact's
keep-in-touch (``snooze``), and find the note to open (``edit``).

Each action decides from the vault as loaded, checks every target before changing anything, and
changes notes only through ``amend`` (in place, verified, under a lock, all or none). Results
are values: what changed, what already was so, and what was refused and why. The command line
prints them and picks the exit code (``Outcome.exit_code``); nothing here prints.
"""

from __future__ import annotations

import datetime as dt
import os
import posixpath
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from .amend import Changes, NoteChange, Value, amend_notes
from .dates import add_duration, parse_date, parse_duration
from .followup import (
    Touch,
    ask_detail,
    ask_due_date,
    is_follow_up_open,
    keep_in_touch_date,
    last_touches,
    thank_you_dates,
    thank_you_detail,
    thank_you_due,
)
from .fsio import WriteError
from .loader import LoadResult, load_vault
from .model import Ask, Contact, Interaction
from .problems import Problem
from .refs import RefIndex
from .text import escape_for_line

Status = Literal["done", "declined", "dropped"]
CLOSING_STATUSES: tuple[Status, ...] = ("done", "declined", "dropped")  # what `done --status` takes
ItemKind = Literal["follow-up", "ask", "thank-you"]
EXIT_OK, EXIT_REFUSED = 0, 2


@dataclass(frozen=True, slots=True)
class OpenItem:
    """Something ``done`` can close: an open follow-up, an open ask, or a done ask that wants its
    thank-you today. ``contacts`` are every contact it names (a follow-up names all of ``with``)."""

    path: str
    kind: ItemKind
    contacts: tuple[str, ...]
    due: dt.date
    detail: str

    def describe(self) -> str:
        """``asks/x.md  ask due 2026-12-01: waiting on them: reference``, for a list of choices."""
        return escape_for_line(f"{self.path}  {self.kind} due {self.due.isoformat()}: {self.detail}")


@dataclass(frozen=True, slots=True)
class Change:
    """One target's outcome: the keys set or removed in its note (none when the note already
    said so), and what to tell the user."""

    target: str  # as given
    path: str  # the note, vault-relative
    contact: str | None  # the contact id it is about
    what: Literal["follow-up", "ask", "thank-you", "snooze"]
    message: str
    set: tuple[tuple[str, Value], ...] = ()
    remove: tuple[str, ...] = ()
    hint: str | None = None  # a next step, e.g. the command to log a thank-you

    def __post_init__(self) -> None:  # paths and names come from the notes: one printable line
        object.__setattr__(self, "message", escape_for_line(self.message))
        object.__setattr__(self, "hint", None if self.hint is None else escape_for_line(self.hint))

    @property
    def changes_note(self) -> bool:
        return bool(self.set or self.remove)


@dataclass(frozen=True, slots=True)
class Refusal:
    """A target that cannot be acted on, and why; ``choices`` when a contact ref named several
    open items (the command lists them, with their paths, to pick one)."""

    target: str
    message: str
    choices: tuple[OpenItem, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "message", escape_for_line(self.message))


@dataclass(frozen=True, slots=True)
class Outcome:
    """What an action did. With any refusal, nothing changed (``changes`` is then empty)."""

    changes: tuple[Change, ...] = ()
    refusals: tuple[Refusal, ...] = ()

    @property
    def changed(self) -> tuple[str, ...]:
        """The paths of the notes that changed, in the order of their targets."""
        return tuple(c.path for c in self.changes if c.changes_note)

    @property
    def exit_code(self) -> int:
        return EXIT_REFUSED if self.refusals else EXIT_OK


@dataclass(slots=True)
class _Vault:
    """The loaded vault with the look-ups every action needs, computed once."""

    root: Path
    loaded: LoadResult
    today: dt.date
    touches: dict[str, Touch] = field(init=False)
    thanked: dict[str, dt.date] = field(init=False)
    index: RefIndex = field(init=False)
    contacts: dict[str, Contact] = field(init=False)  # by path
    interactions: dict[str, Interaction] = field(init=False)  # by path
    asks: dict[str, Ask] = field(init=False)  # by path

    def __post_init__(self) -> None:
        vault = self.loaded.vault
        self.touches = last_touches(vault.interactions, self.today)
        self.thanked = thank_you_dates(vault.interactions, self.today)
        self.index = RefIndex(vault.contacts)
        self.contacts = {c.path: c for c in vault.contacts}
        self.interactions = {i.path: i for i in vault.interactions}
        self.asks = {a.path: a for a in vault.asks}

    def name(self, contact_id: str | None) -> str:
        contact = self.loaded.vault.contact(contact_id) if contact_id else None
        return contact.name if contact is not None else "(unknown contact)"

    def note(self, target: str) -> str | Refusal | None:
        """The vault path ``target`` names when it is written as a path (None when it is not)."""
        if not looks_like_path(target):
            return None
        rel = vault_relative(self.root, target)
        if rel is None:
            return Refusal(target, f"{escape_for_line(target)} is outside the vault {escape_for_line(str(self.root))}")
        if rel not in self.loaded.notes:
            return Refusal(
                target,
                f"{escape_for_line(target)} is not a note of the vault (netnotes due --long shows each item's path)",
            )
        return rel

    def unreadable(self, target: str, path: str) -> Refusal:
        """A note the vault could not use (its front matter, or a required field, is wrong)."""
        first = next((p for p in self.loaded.problems if p.path == path and p.is_error), None)
        why = f"{path}:{first.line}:{first.column}: {first.message}" if first else f"{path} cannot be read"
        return Refusal(target, f"{why}; fix the note first (netnotes check)")

    def contact_of(self, target: str) -> Contact | Refusal:
        found = self.index.lookup_for_cli(target)
        if found.status == "found" and found.contact_id is not None:
            return self.loaded.vault.contacts_by_id[found.contact_id]
        return Refusal(target, escape_for_line(found.message or f"'{target}' matches no contact"))


def looks_like_path(target: str) -> bool:
    """A TARGET with a folder separator or ending in ``.md`` is a path; anything else a contact ref."""
    return "/" in target or os.sep in target or target.lower().endswith(".md")


def vault_relative(root: Path, target: str, cwd: Path | None = None) -> str | None:
    """``target`` as a vault path (``asks/x.md``), or None when it lies outside the vault.

    A relative ``target`` is taken from the vault's folder, as ``due`` prints paths (``./`` and
    ``..`` are allowed while they stay inside), or from ``cwd`` when given. An absolute one is
    compared with the vault's folder as written and with symlinks resolved.
    """
    if not os.path.isabs(target) and cwd is None:
        rel = posixpath.normpath(target.replace(os.sep, "/"))
        return None if rel in (".", "..") or rel.startswith("../") else rel
    absolute = target if os.path.isabs(target) else os.path.join(cwd or "", target)
    candidates = (
        (os.path.abspath(root), os.path.abspath(absolute)),
        (os.path.realpath(root), os.path.join(os.path.realpath(os.path.dirname(absolute)), os.path.basename(absolute))),
    )
    for base, path in candidates:
        rel = os.path.relpath(path, base)
        if rel not in (os.curdir, os.pardir) and not rel.startswith(os.pardir + os.sep):
            return Path(rel).as_posix()
    return None


# ---------------------------------------------------------------------------------------------
# Open items


def open_items(loaded: LoadResult, today: dt.date) -> list[OpenItem]:
    """Everything ``done`` can close today, by due date then path: open follow-ups (rule 4,
    whatever their dates), open asks, and done asks that want a thank-you (rule 10)."""
    return _open_items(_Vault(Path(loaded.vault.root), loaded, today))


def _open_items(v: _Vault) -> list[OpenItem]:
    vault = v.loaded.vault
    names = {c.id: c.name for c in vault.contacts}
    items: list[OpenItem] = []
    for i in vault.interactions:
        if i.follow_up is not None and is_follow_up_open(i, v.touches):
            items.append(OpenItem(i.path, "follow-up", i.with_, i.follow_up, i.next or i.title or "follow-up"))
    for a in vault.asks:
        who = (a.with_,) if a.with_ is not None else ()
        if a.status == "open":
            items.append(OpenItem(a.path, "ask", who, ask_due_date(a), ask_detail(a, names)))
        thank_you = thank_you_due(a, v.thanked, v.today)
        if thank_you is not None:
            items.append(OpenItem(a.path, "thank-you", who, thank_you, thank_you_detail(a)))
    items.sort(key=lambda item: (item.due, item.path))
    return items


# ---------------------------------------------------------------------------------------------
# done


def done(
    root: Path,
    loaded: LoadResult,
    targets: Sequence[str],
    *,
    status: Status = "done",
    date: dt.date | None = None,
    today: dt.date,
) -> Outcome:
    """Close each TARGET (a note's path, or a contact ref naming exactly one open follow-up or
    ask): a follow-up gets ``done: true``; an open ask ``status`` and ``closed`` (``date``,
    default today); a done ``out`` ask that wants its thank-you ``thanked: true``.

    Every target is checked before any note changes; one refusal and nothing changes. A target
    already closed is said so and changes nothing. Targets naming the same note close it once.
    """
    if status not in CLOSING_STATUSES:
        raise ValueError(f"not a status done sets: {status!r}")
    v = _Vault(root, loaded, today)
    day = date if date is not None else today
    changes: list[Change] = []
    refusals: list[Refusal] = []
    for target in targets:
        planned = _plan_done(v, target, status, day)
        if isinstance(planned, Refusal):
            refusals.append(planned)
        elif all(c.path != planned.path for c in changes):
            changes.append(planned)
    if refusals:
        return Outcome(refusals=tuple(refusals))
    return _apply(v, changes)


def _plan_done(v: _Vault, target: str, status: Status, day: dt.date) -> Change | Refusal:
    path = v.note(target)
    if isinstance(path, Refusal):
        return path
    if path is None:
        contact = v.contact_of(target)
        if isinstance(contact, Refusal):
            return Refusal(target, f"'{escape_for_line(target)}' is not a note's path, and {contact.message}")
        return _only_open_item(v, target, contact, status, day)
    if path in v.contacts:
        cid = v.contacts[path].id
        return Refusal(
            target,
            f"{path} is a contact: its keep-in-touch, birthday or congratulate item closes by itself."
            f" Log the touch (netnotes log {cid}) or put it off (netnotes snooze {cid} 2w)",
        )
    if path in v.interactions:
        return _close_follow_up(v, target, v.interactions[path], status)
    if path in v.asks:
        return _close_ask(v, target, v.asks[path], status, day)
    if path.split("/", 1)[0] in ("interactions", "asks", "contacts"):
        return v.unreadable(target, path)
    return Refusal(target, f"{path} is not a note of the vault")


def _only_open_item(v: _Vault, target: str, contact: Contact, status: Status, day: dt.date) -> Change | Refusal:
    mine = [i for i in _open_items(v) if contact.id in i.contacts and i.kind != "thank-you"]
    who = f"{escape_for_line(contact.name)} ({contact.id})"
    if not mine:
        return Refusal(
            target,
            f"{who} has no open follow-up or ask. Log a touch (netnotes log {contact.id})"
            f" or put off keep-in-touch (netnotes snooze {contact.id} 2w)",
        )
    if len(mine) > 1:
        return Refusal(target, f"{who} has {len(mine)} open items; give the path of the one to close", tuple(mine))
    item = mine[0]
    if item.kind == "follow-up":
        return _close_follow_up(v, target, v.interactions[item.path], status)
    return _close_ask(v, target, v.asks[item.path], status, day)


def _close_follow_up(v: _Vault, target: str, interaction: Interaction, status: Status) -> Change | Refusal:
    path, cid = interaction.path, (interaction.with_ or (None,))[0]
    if interaction.follow_up is None:
        return Refusal(target, f"{path} has no follow_up: there is nothing to close")
    if status != "done":
        return Refusal(target, f"{path} is a follow-up, which is done or not: --status {status} is for asks")
    if interaction.done:
        return Change(target, path, cid, "follow-up", f"{path}: the follow-up is already done; nothing changed")
    if not is_follow_up_open(interaction, v.touches):
        later = min(
            (t for c in interaction.with_ if (t := v.touches.get(c)) is not None and t.date > interaction.date),
            key=lambda t: (t.date, t.interaction.path),
        )
        return Change(
            target,
            path,
            cid,
            "follow-up",
            f"{path}: the follow-up was already closed by a later interaction ({later.interaction.path},"
            f" {later.date.isoformat()}); nothing changed",
        )
    return Change(
        target,
        path,
        cid,
        "follow-up",
        f"{path}: follow-up with {escape_for_line(v.name(cid))} done",
        set=(("done", True),),
    )


def _close_ask(v: _Vault, target: str, ask: Ask, status: Status, day: dt.date) -> Change | Refusal:
    path, cid, name = ask.path, ask.with_, escape_for_line(v.name(ask.with_))
    if ask.status == "open":
        if day < ask.date:
            return Refusal(target, f"{path}: --date {day.isoformat()} is before the ask's date {ask.date.isoformat()}")
        side = "to" if ask.direction == "out" else "from"
        hint = f"netnotes log {cid} --kind thank-you" if ask.direction == "out" and cid else None
        return Change(
            target,
            path,
            cid,
            "ask",
            f"{path}: ask {side} {name} {status}, closed {day.isoformat()}",
            set=(("status", status), ("closed", day)),
            hint=hint,
        )
    if thank_you_due(ask, v.thanked, v.today) is not None:
        if status != "done":
            return Refusal(
                target, f"{path} wants a thank-you, which is done or not: --status {status} is for open asks"
            )
        return Change(target, path, cid, "thank-you", f"{path}: thank-you to {name} done", set=(("thanked", True),))
    closed = f", closed {ask.closed.isoformat()}" if ask.closed else ""
    thanked = " and thanked" if ask.direction == "out" and ask.status == "done" and ask.thanked else ""
    return Change(
        target, path, cid, "ask", f"{path}: the ask is already {ask.status}{thanked}{closed}; nothing changed"
    )


def _apply(v: _Vault, changes: list[Change]) -> Outcome:
    """Make the changes, all or none; a note that cannot be changed refuses them all."""
    notes = [
        NoteChange(v.root / c.path, Changes(dict(c.set), c.remove), v.loaded.notes.get(c.path))
        for c in changes
        if c.changes_note
    ]
    try:
        amend_notes(v.root, notes)
    except WriteError as err:
        message = escape_for_line(str(err))
        target = next((c.target for c in changes if c.path in message), changes[0].target)
        return Outcome(refusals=(Refusal(target, message),))
    return Outcome(changes=tuple(changes))


# ---------------------------------------------------------------------------------------------
# snooze


def snooze_date(text: str, today: dt.date) -> dt.date:
    """``2026-12-01``, or a duration (``2w``, ``3m``, ``monthly``) counted from ``today``; raises
    ``DateError`` (a ``ValueError``) with a message for the user."""
    stripped = text.strip()
    if stripped[:1].isdigit() and "-" in stripped:
        return parse_date(stripped)
    return add_duration(today, parse_duration(stripped, allow_never=False))


def snooze(root: Path, loaded: LoadResult, ref: str, until: dt.date | None, *, today: dt.date) -> Outcome:
    """Set the contact's ``snooze_until`` to ``until``, or remove it when ``until`` is None.

    A date before ``today`` is refused: a snooze in the past would put off nothing (``--clear``
    removes one). Snoozing a contact with no keep-in-touch (no cadence, or archived) is done,
    with a hint that it changes no reminder.
    """
    v = _Vault(root, loaded, today)
    contact = v.contact_of(ref)
    if isinstance(contact, Refusal):
        return Outcome(refusals=(contact,))
    path, name = contact.path, escape_for_line(contact.name)
    if until is None:
        if contact.snooze_until is None and "snooze_until" not in _keys(v, path):
            return Outcome(
                (Change(ref, path, contact.id, "snooze", f"{path}: {name} is not snoozed; nothing changed"),)
            )
        return _apply(
            v, [Change(ref, path, contact.id, "snooze", f"{path}: {name} no longer snoozed", remove=("snooze_until",))]
        )
    if until < today:
        return Outcome(
            refusals=(
                Refusal(
                    ref,
                    f"{until.isoformat()} is before today ({today.isoformat()}): a snooze in the past puts off"
                    " nothing (--clear removes one)",
                ),
            )
        )
    hint = None
    if keep_in_touch_date(contact, loaded.vault.config, v.touches.get(contact.id), today) is None:
        hint = f"{name} has no keep-in-touch reminder (no cadence, or archived), so the snooze puts off nothing"
    if contact.snooze_until == until:
        message = f"{path}: {name} is already snoozed until {until.isoformat()}; nothing changed"
        return Outcome((Change(ref, path, contact.id, "snooze", message, hint=hint),))
    message = f"{path}: {name} snoozed until {until.isoformat()}"
    return _apply(v, [Change(ref, path, contact.id, "snooze", message, set=(("snooze_until", until),), hint=hint)])


def _keys(v: _Vault, path: str) -> tuple[str, ...]:
    note = v.loaded.notes.get(path)
    return tuple(note.fields) if note is not None and note.fields is not None else ()


# ---------------------------------------------------------------------------------------------
# edit


def note_to_edit(root: Path, loaded: LoadResult, target: str, cwd: Path | None = None) -> str | Refusal:
    """The vault path of the note ``target`` names: a path of any note, broken ones included
    (from the vault's folder, else from ``cwd``), or a contact ref (leniently) for its contact.
    ``target`` is a path when it looks like one (``looks_like_path``) or names an existing file."""
    bases = [root] if cwd is None else [root, cwd]
    if looks_like_path(target) or any(os.path.isfile(os.path.join(base, target)) for base in bases):
        found = [vault_relative(root, target), vault_relative(root, target, cwd) if cwd is not None else None]
        for rel in found:
            if rel is not None and rel in loaded.notes:
                return rel
        if all(rel is None for rel in found):
            return Refusal(target, f"{escape_for_line(target)} is outside the vault {escape_for_line(str(root))}")
        where = "notes are *.md files in contacts/, interactions/ and asks/"
        return Refusal(target, f"{escape_for_line(target)} is not a note of the vault ({where})")
    v = _Vault(root, loaded, dt.date.min)
    contact = v.contact_of(target)
    return contact if isinstance(contact, Refusal) else contact.path


def problems_after_edit(root: Path, path: str, today: dt.date | None = None) -> list[Problem]:
    """The problems of the note at vault path ``path``, from the vault loaded afresh (an edit may
    have fixed some and made others, including refs that other notes no longer resolve)."""
    return [p for p in load_vault(root, today=today).problems if p.path == path]
