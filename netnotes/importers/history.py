"""Interactions brought in from another tool's history: LinkedIn messages, a calendar's meetings.

A reader (``messages``, ``ics``) turns its file into ``Found`` interactions, each keyed by a
``source``: the tool, a day and the tool's own id (``linkedin 2024-03-15 <conversation id>``,
``ics 2024-03-15 <event UID>``). The note keeps that key as its custom field ``source:``, so
importing the same file again finds it, whatever the note's file is called by then.
``bring_in`` writes a new note for a key the vault does not have yet, and for a key it has,
appends the entries (messages) that the note's body does not show yet: an entry is known by
its heading line, which the user should leave as it is (the text under it may be edited).
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..amend import AmendError, Changes, NoteChange, amend_notes
from ..discover import NoteKind
from ..drafts import Draft, one_line_field, render_note
from ..fsio import WriteError, WriteFailed, sync_filesystem
from ..model import Interaction, Vault
from ..notes import MAX_NOTE_BYTES, parse_note
from ..slugs import safe_slug
from ..text import is_control
from ..writer import first_free, taken_ids, write_draft
from .people import Row

SOURCE_FIELD = "source"
MAX_ID_LENGTH = 200  # a longer tool id is kept as its hash, so the key stays one readable line


def tool_id(text: str) -> str:
    """A tool's own id (a conversation id, a UID) as it goes into a ``source`` key: as written
    when it is one reasonable line, else ``sha256:<hex>`` of it."""
    if text and len(text) <= MAX_ID_LENGTH and text == text.strip() and not any(is_control(c) for c in text):
        return text
    return "sha256:" + hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def source_key(tool: str, day: dt.date, own_id: str) -> str:
    return f"{tool} {day.isoformat()} {tool_id(own_id)}"


def short_id(text: str) -> str:
    """Eight hex digits of a tool's id, for file names (case-sensitive: base64 ids differ by case)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def note_stem(day: dt.date, kind: str, contact_id: str, own_id: str) -> str:
    """``2024-03-15-linkedin-jane-doe-1a2b3c4d``: the day, the kind, the first contact and the
    tool's id, so one conversation or event gives the same name at every import."""
    return f"{day.isoformat()}-{kind}-{safe_slug(contact_id, 'contact')}-{short_id(own_id)}"


def heading_key(line: str) -> str:
    """How an entry's heading is compared with the lines of a note's body: spaces and case aside."""
    return " ".join(line.split()).casefold()


@dataclass(frozen=True, slots=True)
class Entry:
    """One message of a day's note: its heading line (what tells it apart) and its whole text,
    the heading first, ending with a line break."""

    heading: str
    text: str


@dataclass(frozen=True, slots=True)
class Found:
    """One interaction read from another tool's file, before it is written."""

    source: str
    date: dt.date
    with_: tuple[str, ...]  # contact ids, at least one
    kind: str
    title: str | None
    stem: str
    entries: tuple[Entry, ...] = ()


@dataclass(slots=True)
class HistorySummary:
    """What an import of history did (or, on a dry run, would do)."""

    noun: str  # "interaction", "meeting"
    entry_noun: str = "message"
    row_noun: str = "row"  # what a line of the file not read is: a CSV row, a calendar line
    written: list[Path] = field(default_factory=list)
    appended: list[Path] = field(default_factory=list)
    entries_appended: int = 0
    unchanged: int = 0  # already imported, nothing new
    contacts: list[Path] = field(default_factory=list)  # created with --create
    matched: int | None = None  # people matched to contacts, when the file names people
    unmatched: list[tuple[str, int]] = field(default_factory=list)  # (who, messages), most first
    skipped: dict[str, int] = field(default_factory=dict)  # why -> how many
    rows: list[Row] = field(default_factory=list)  # lines of the file not read, and why
    refused: list[Row] = field(default_factory=list)  # notes that could not be changed, and why
    dry_run: bool = False
    failure: WriteFailed | None = None

    def skip(self, what: str, count: int = 1) -> None:
        """Count ``count`` things skipped, ``what`` being their plural (``cancelled events``)."""
        self.skipped[what] = self.skipped.get(what, 0) + count

    def row_lines(self) -> list[str]:
        """One line per line of the file not read, person not matched, and note not changed."""
        lines = [f"skipped: {row.where}: {row.reason}" for row in self.rows]
        lines += [f"unmatched: {who}: {n} {self.entry_noun}{'s' * (n != 1)}" for who, n in self.unmatched]
        lines += [f"not changed: {row.where}: {row.reason}" for row in self.refused]
        return lines

    def tally(self) -> str:
        """The closing line: notes written and appended to, people matched, what was skipped."""
        n = len(self.written)
        parts = [f"{'would write' if self.dry_run else 'wrote'} {n} {self.noun}{'s' * (n != 1)}"]
        if self.appended or self.entries_appended:
            e = self.entries_appended
            verb = "would append" if self.dry_run else "appended"
            parts.append(f"{verb} {e} {self.entry_noun}{'s' * (e != 1)} to {len(self.appended)}")
        parts.append(f"{self.unchanged} already imported")
        if self.contacts:
            c = len(self.contacts)
            parts.append(f"{'would create' if self.dry_run else 'created'} {c} contact{'s' * (c != 1)}")
        text = ", ".join(parts)
        if self.matched is not None:
            people = sum(count for _, count in self.unmatched)
            text += (
                f"; {self.matched} {'person' if self.matched == 1 else 'people'} matched, "
                f"{len(self.unmatched)} unmatched ({people} {self.entry_noun}{'s' * (people != 1)})"
            )
        skipped = [f"{count} {_singular(what) if count == 1 else what}" for what, count in self.skipped.items()]
        if self.rows:
            skipped.insert(0, f"{len(self.rows)} unreadable {self.row_noun}{'s' * (len(self.rows) != 1)}")
        if skipped:
            text += "; skipped " + ", ".join(skipped)
        if self.refused:
            text += f"; {len(self.refused)} note{'s' * (len(self.refused) != 1)} not changed"
        return text + ("; dry run, nothing written" if self.dry_run else "")


def _singular(plural: str) -> str:
    """``cancelled events`` -> ``cancelled event``; ``days with no contact`` -> ``day with no
    contact``: the last word of the noun phrase before any ``with``/``from``/``in`` loses its s."""
    words = plural.split(" ")
    cut = next((i for i, w in enumerate(words) if w in ("with", "from", "in", "of", "after", "before")), len(words))
    if cut and words[cut - 1].endswith("s"):
        words[cut - 1] = words[cut - 1][:-1]
    return " ".join(words)


def known_sources(vault: Vault) -> dict[str, Interaction]:
    """``source`` key -> the interaction that holds it (the first, by path)."""
    known: dict[str, Interaction] = {}
    for interaction in sorted(vault.interactions, key=lambda i: i.path):
        for k, value in interaction.custom:
            if k == SOURCE_FIELD and isinstance(value, str):
                known.setdefault(value.strip(), interaction)
    return known


def draft_for(found: Found) -> Draft:
    """The new note for ``found``: its fields, then its entries as the body."""
    fields: dict[str, Any] = {
        "date": found.date,
        "with": found.with_[0] if len(found.with_) == 1 else list(found.with_),
        "kind": found.kind,
        "title": one_line_field("title", found.title),
        SOURCE_FIELD: one_line_field(SOURCE_FIELD, found.source),
    }
    body = "\n".join(entry.text for entry in found.entries)
    return Draft(NoteKind.INTERACTIONS, f"interactions/{found.date.year:04d}", found.stem, render_note(fields, body))


def bring_in(root: Path, vault: Vault, found: Iterable[Found], summary: HistorySummary) -> HistorySummary:
    """Write a note for each ``Found`` the vault does not have, append new entries to those it has.

    A note that cannot be changed safely (``AmendError``) is listed and left as it is; a write the
    file system refuses stops the import (``summary.failure``), keeping what was written before.
    """
    known = known_sources(vault)
    this_run: set[str] = set()
    taken = taken_ids(root, NoteKind.INTERACTIONS)
    for item in found:
        if item.source in this_run:  # the same event twice in one file
            summary.unchanged += 1
            continue
        this_run.add(item.source)
        note = known.get(item.source)
        relpath = note.path if note is not None else None
        try:
            if note is not None:
                _append_new_entries(root, note, item, summary)
                continue
            draft = draft_for(item)
            if summary.dry_run:
                path = first_free(root, draft, taken)
                taken.add(path.stem.casefold())
            else:
                path = write_draft(root, draft, taken, durable=False)  # flushed once, below
            summary.written.append(path)
        except WriteFailed as err:  # a full disk or a read-only folder: the rest would fail too
            summary.failure = err
            break
        except WriteError as err:  # this note only: refused, or a value that cannot be written
            summary.refused.append(Row(relpath or item.stem, None, str(err)))
    if summary.written or summary.contacts:
        sync_filesystem(root)
    return summary


def _new_entries(body: str, entries: tuple[Entry, ...]) -> list[Entry]:
    """The entries whose heading is no line of ``body``."""
    shown = {heading_key(line) for line in body.splitlines()}
    return [entry for entry in entries if heading_key(entry.heading) not in shown]


def _append_new_entries(root: Path, known: Interaction, item: Found, summary: HistorySummary) -> None:
    """Append to the ``known`` note the entries of ``item`` whose heading it lacks."""
    relpath, path = known.path, root / known.path
    if not _new_entries(known.body, item.entries):  # as loaded: most notes need no second look
        summary.unchanged += 1
        return
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_NOTE_BYTES + 1)
    except OSError as err:
        raise AmendError(f"cannot read {relpath}: {err.strerror or err}") from None
    note = parse_note(data, relpath)  # as it is now, under the same eyes as the change
    new = _new_entries(note.body, item.entries)
    if not new:
        summary.unchanged += 1
        return
    addition = "\n".join(entry.text for entry in new)
    if note.body.strip():
        addition = "\n" + addition  # a blank line after what the note holds
    if not summary.dry_run:
        amend_notes(root, [NoteChange(path, Changes(append=addition), as_read=note)])
    summary.appended.append(path)
    summary.entries_appended += len(new)
