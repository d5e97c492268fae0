"""Folding one contact's note into another's (section 9 of the contract): ``merge KEEP DROP``.

``plan_merge`` works out every change from the vault as loaded and the files as they are now,
without writing anything: KEEP's note gets DROP's name and aliases as aliases, the fields it
lacks, and DROP's body (with the values that differed) under a ``## Merged from`` heading;
every other note naming DROP (``with``, ``met_through``, ``intro_to``, ``not_same_as``, body
wikilinks) names KEEP's id instead, through ``amend`` (format-preserving and verified); a
``with`` or ``not_same_as`` naming both names KEEP once; KEEP's own ``met_through: DROP`` goes;
DROP's note is removed. The plan is a list of (file, bytes before, bytes after) that the dry run
shows as a diff.

``apply_merge`` locks every file of the plan, checks that each still holds the bytes planned
from, replaces them one by one and removes DROP's note last; if any step fails, the files
already replaced get their old bytes back, so all notes change or none do.
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable, Iterable, Sequence
from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .amend import (
    REF_FIELDS,
    AmendError,
    Changes,
    NoteChanged,
    Value,
    amended_text,
    note_lock,
    read_note_bytes,
    refuse_read_only,
    render_value,
    same,
    verify,
)
from .fsio import WriteError, WriteFailed, put_in_place, remove_aside, replace_file, sync_folder, write_aside_all
from .loader import LoadResult
from .model import Contact
from .notes import Field, Note, parse_note
from .refs import WIKILINK_RE, RefIndex, key, unwrap, wikilink_target
from .text import escape_for_line

AGAIN = "nothing was written. Run the command again"
NOT_COPIED = ("name", "aliases")
Names = Callable[
    [Any], "str | None"
]  # the contact id a ref value names, when it is KEEP or DROP  # DROP's names become KEEP's aliases instead


class MergeError(WriteError):
    """The merge cannot be made as asked (KEEP is DROP...); nothing was written."""


@dataclass(frozen=True, slots=True)
class FileChange:
    """One file of the plan: its bytes now, and after the merge (None: the file is removed)."""

    path: Path  # where the file really is
    relpath: str  # vault-relative, '/'-separated
    before: bytes
    after: bytes | None

    def diff(self) -> str:
        """The change as a unified diff (``/dev/null`` for a removed file), as git shows it."""
        old = self.before.decode("utf-8").splitlines(keepends=True)
        new = [] if self.after is None else self.after.decode("utf-8").splitlines(keepends=True)
        to = "/dev/null" if self.after is None else f"b/{self.relpath}"
        lines = difflib.unified_diff(old, new, f"a/{self.relpath}", to)
        return "".join(line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n" for line in lines)


@dataclass(frozen=True, slots=True)
class Differing:
    """A field both notes set to different values: KEEP's is kept, DROP's is written down in
    the merged section of KEEP's body."""

    key: str
    kept: Any
    dropped: Any


@dataclass(frozen=True, slots=True)
class MergePlan:
    root: Path
    keep: Contact
    drop: Contact
    aliases: tuple[str, ...]  # added to KEEP's aliases
    taken: tuple[str, ...]  # keys KEEP took from DROP
    differing: tuple[Differing, ...]
    not_taken: tuple[tuple[str, str], ...]  # (key, why) of DROP's fields left out
    files: tuple[FileChange, ...]  # KEEP's note, the notes naming DROP by path, DROP's removal last

    @property
    def changed(self) -> tuple[FileChange, ...]:
        return tuple(f for f in self.files if f.after is not None)

    @property
    def removed(self) -> FileChange:
        return self.files[-1]

    def diff(self) -> str:
        return "".join(f.diff() for f in self.files)

    def summary(self) -> list[str]:
        """What the merge does, one line each, for the user."""
        keep, drop = self.keep, self.drop
        lines = [f"merge {drop.name} ({drop.path}) into {keep.name} ({keep.path})"]
        if self.aliases:
            lines.append(f"aliases added to {keep.id}: {', '.join(self.aliases)}")
        if self.taken:
            lines.append(f"taken from {drop.id}: {', '.join(self.taken)}")
        lines += [
            f"kept {keep.id}'s {d.key}: {_shown(d.kept)} ({drop.id}: {_shown(d.dropped)})" for d in self.differing
        ]
        lines += [f"not taken from {drop.id}: {k} ({why})" for k, why in self.not_taken]
        others = len(self.changed) - 1
        lines.append(f"{others} other note{'s' * (others != 1)} now name {keep.id}; {drop.path} is removed")
        return [escape_for_line(line) for line in lines]


# ---------------------------------------------------------------------------------------------
# The plan


def plan_merge(root: Path, loaded: LoadResult, keep_id: str, drop_id: str) -> MergePlan:
    """Every change ``merge KEEP DROP`` makes, verified, nothing written; raises ``MergeError``
    or ``AmendError`` (naming the note) when a note cannot be changed safely."""
    vault = loaded.vault
    keep, drop = vault.contacts_by_id[keep_id], vault.contacts_by_id[drop_id]
    if keep.id == drop.id:
        raise MergeError(f"KEEP and DROP are the same contact ({keep.id}); name two contacts")
    index = RefIndex(vault.contacts)
    # The ref keys that name DROP by the strict rule: its id, and its names and aliases that name
    # no one else. Those are rewritten to KEEP's id; an ambiguous name stays as the user wrote it.
    drop_keys = {k for k in (drop.id, drop.name, *drop.aliases) if index.named(key(k)) == [drop.id]}
    refs = {key(k): keep.id for k in drop_keys}
    both = {keep.id, drop.id}

    def names(ref: Any) -> str | None:
        """The contact id a ref value names (strictly), when it is KEEP or DROP."""
        text = _ref_text(ref)
        found = index.find(text) if text is not None else None
        return found if found in both else None

    keep_note, drop_note = _note(loaded, keep), _note(loaded, drop)
    files: list[FileChange] = []
    plan = _keep_changes(keep, drop, keep_note, drop_note, index, names, loaded)
    drop_real, drop_before = _read_now(root, drop_note)
    drop_text = _decoded(drop_note.path, drop_before)
    drop_body = parse_note(amended_text(drop_text, Changes(refs=refs), drop.path).encode("utf-8"), drop.path).body
    keep_real, keep_before = _read_now(root, keep_note)
    keep_text = _decoded(keep.path, keep_before)
    middle = amended_text(keep_text, Changes(plan.set, plan.remove, refs), keep.path)
    after = _appended(middle, keep.path, _merged_section(drop, plan.differing, drop_body))
    files.append(FileChange(keep_real, keep.path, keep_before, after.encode("utf-8")))

    for path in sorted(loaded.notes):
        note = loaded.notes[path]
        if path in (keep.path, drop.path) or note.fields is None or not _names_any(note, refs):
            continue
        real, before = _read_now(root, note)
        changes = Changes(_deduplicated(note, names, keep.id), (), refs)
        text = amended_text(_decoded(path, before), changes, path)
        if text.encode("utf-8") != before:
            files.append(FileChange(real, path, before, text.encode("utf-8")))
    files.append(FileChange(drop_real, drop.path, drop_before, None))
    return MergePlan(root, keep, drop, plan.aliases, plan.taken, plan.differing, plan.not_taken, tuple(files))


@dataclass(frozen=True, slots=True)
class _KeepPlan:
    set: dict[str, Value]
    remove: tuple[str, ...]
    aliases: tuple[str, ...]
    taken: tuple[str, ...]
    differing: tuple[Differing, ...]
    not_taken: tuple[tuple[str, str], ...]


def _keep_changes(
    keep: Contact,
    drop: Contact,
    keep_note: Note,
    drop_note: Note,
    index: RefIndex,
    names: Names,
    loaded: LoadResult,
) -> _KeepPlan:
    """What changes in KEEP's front matter: aliases, the fields taken from DROP, and the refs
    to KEEP or DROP that would make KEEP name itself (``met_through``, ``not_same_as``)."""
    keep_fields = keep_note.fields or {}
    drop_fields = drop_note.fields or {}
    to_set: dict[str, Value] = {}
    to_remove: list[str] = []

    # DROP's name and aliases become KEEP's aliases, unless KEEP has them already or they name
    # another contact (which would make that contact's refs ambiguous).
    have = {key(n) for n in (keep.name, *keep.aliases)}
    added: list[str] = []
    for name in (drop.name, *drop.aliases):
        k = key(name)
        if k and k not in have and set(index.named(k)) <= {keep.id, drop.id}:
            added.append(" ".join(name.split()))
            have.add(k)
    if added:
        to_set["aliases"] = [*keep.aliases, *added]

    # KEEP's own refs to DROP (or to KEEP itself) would name KEEP: they go.
    if "met_through" in keep_fields and names(keep_fields["met_through"].value) is not None:
        to_remove.append("met_through")
    # `not_same_as` is a list of facts that all stay true: both notes' lists, less KEEP and DROP.
    not_same = _not_same_as(keep_fields.get("not_same_as"), drop_fields.get("not_same_as"), names, index)
    if not_same is not None:
        if not_same:
            to_set["not_same_as"] = not_same
        elif "not_same_as" in keep_fields:
            to_remove.append("not_same_as")

    taken: list[str] = []
    differing: list[Differing] = []
    not_taken: list[tuple[str, str]] = []
    drop_problems = [p for p in loaded.problems if p.path == drop.path]
    for k, f in drop_fields.items():
        if k in NOT_COPIED or k == "not_same_as" or _empty(f.value):
            continue
        mine = keep_fields.get(k)
        if mine is not None and not _empty(mine.value) and k not in to_remove and k not in to_set:
            if not _alike(mine.value, f.value):
                differing.append(Differing(k, mine.value, f.value))
            continue
        value: Any = f.value
        if k == "met_through" and names(value) is not None:
            continue  # DROP was introduced by KEEP (or names itself): nothing to carry over
        if _has_problem(f, drop_fields, drop_problems):
            not_taken.append((k, "it has a problem in the note: netnotes check"))
            continue
        try:
            render_value(value)
        except (TypeError, AmendError):
            not_taken.append((k, "netnotes writes only text, numbers, dates and lists of them"))
            continue
        if k in to_remove:
            to_remove.remove(k)
        to_set[k] = value
        taken.append(k)
    return _KeepPlan(to_set, tuple(to_remove), tuple(added), tuple(taken), tuple(differing), tuple(not_taken))


def _not_same_as(mine: Field | None, theirs: Field | None, names: Names, index: RefIndex) -> list[Any] | None:
    """KEEP's ``not_same_as`` after the merge: its refs and DROP's that name neither KEEP nor
    DROP, each contact once; None when KEEP's list stays as it is."""
    items: list[Any] = []
    seen: set[str | None] = set()
    changed = False
    for f in (mine, theirs):
        if f is None or _empty(f.value):
            continue
        for item in f.value if isinstance(f.value, list) else [f.value]:
            text = _ref_text(item)
            who = index.find(text) if text is not None else None
            if names(item) is not None or (who is not None and who in seen):
                changed = True
                continue
            seen.add(who)
            items.append(_plain(item))
            changed = changed or f is theirs
    return items if changed else None


def _deduplicated(note: Note, names: Names, keep_id: str) -> dict[str, Value]:
    """``with`` and ``not_same_as`` lists that would name KEEP twice once DROP is KEEP, with one
    KEEP left (where the first of the two was)."""
    out: dict[str, Value] = {}
    for k in ("with", "not_same_as"):
        f = (note.fields or {}).get(k)
        if f is None or not isinstance(f.value, list):
            continue
        named = [names(item) for item in f.value]
        if sum(n is not None for n in named) < 2:
            continue
        items: list[Any] = []
        first = True
        for item, who in zip(f.value, named, strict=True):
            if who is None:
                items.append(_plain(item))
            elif first:
                items.append(keep_id)
                first = False
        out[k] = items
    return out


def _plain(item: Any) -> Any:
    """A ref list item as written; an unquoted ``[[wikilink]]`` (a list in a list) as its text."""
    text = _ref_text(item)
    return item if text is None or isinstance(item, str) else text


def _ref_text(ref: Any) -> str | None:
    """A ref value as text, as the loader reads it: an unquoted ``[[x]]`` is ``[['x']]``."""
    if isinstance(ref, list) and len(ref) == 1:
        while isinstance(ref, list) and len(ref) == 1:
            ref = ref[0]
        return f"[[{ref}]]" if isinstance(ref, str) else None
    return ref if isinstance(ref, str) else None


def _names_any(note: Note, refs: dict[str, str]) -> bool:
    """Whether a ref field or a body wikilink of ``note`` names one of ``refs``' keys."""
    for k in REF_FIELDS:
        f = (note.fields or {}).get(k)
        if f is not None and any(key(unwrap(t)) in refs for t in _texts(f.value)):
            return True
    return "[[" in note.body and any(key(wikilink_target(m.group(1))) in refs for m in WIKILINK_RE.finditer(note.body))


def _texts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _texts(item)


def _alike(a: Any, b: Any) -> bool:
    """The same value, text compared as refs are (case-insensitive, spaces collapsed):
    ``JANE@acme.example`` is ``jane@acme.example``."""
    if isinstance(a, str) and isinstance(b, str):
        return key(a) == key(b)
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_alike(x, y) for x, y in zip(a, b, strict=True))
    return same(a, b)


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


def _has_problem(f: Field, fields: dict[str, Field], problems: Sequence[Any]) -> bool:
    """Whether a problem of the note points into ``f``'s lines (up to the next key)."""
    after = [g.key_line for g in fields.values() if g.key_line > f.key_line]
    end = min(after, default=f.key_line + 10**6)
    return any(f.key_line <= p.line < end for p in problems)


def _merged_section(drop: Contact, differing: Sequence[Differing], body: str) -> str:
    """What KEEP's body gets: a heading naming DROP, the values that differed, DROP's body."""
    parts = []
    if differing:
        listed = "".join(f"- {d.key}: {_shown(d.dropped)}\n" for d in differing)
        parts.append(f"Values that differed (this note's were kept):\n\n{listed}")
    if body.strip():
        parts.append(body.strip("\n") + "\n")
    if not parts:
        return ""
    name = " ".join(drop.name.split())
    return f"## Merged from {name} ({drop.id})\n\n" + "\n".join(parts)


def _appended(text: str, relpath: str, section: str) -> str:
    """``text`` with ``section`` appended to its body (in the note's line endings), verified to
    read back as the same fields and the body plus the section."""
    if not section:
        return text
    note = parse_note(text.encode("utf-8"), relpath)
    eol = "\r\n" if "\r\n" in text else "\n"
    lead = "" if text.endswith("\n") or not text else eol
    if note.body.strip():
        lead += eol
    added = lead + section.replace("\n", eol)
    new_text = text + added
    fields = {k: f.value for k, f in (note.fields or {}).items()}
    verify(new_text, relpath, fields, note.body + added)
    return new_text


def _shown(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_shown(v) for v in value)
    return str(value)


def _note(loaded: LoadResult, contact: Contact) -> Note:
    return loaded.notes[contact.path]


def _real(root: Path, relpath: str) -> Path:
    return Path(os.path.realpath(root / relpath))


def _read_now(root: Path, note: Note) -> tuple[Path, bytes]:
    """Where the note really is and its bytes now, refused when it is read-only or no longer
    reads as when the vault was loaded."""
    path = _real(root, note.path)
    refuse_read_only(path, note.path)
    data = read_note_bytes(path, note.path)
    if parse_note(data, note.path) != note:
        raise NoteChanged(f"{note.path} changed since netnotes read it; {AGAIN}")
    return path, data


def _decoded(relpath: str, data: bytes) -> str:
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        raise AmendError(f"{relpath} is not valid UTF-8; fix the note first (netnotes check)") from None


# ---------------------------------------------------------------------------------------------
# Applying it


def apply_merge(plan: MergePlan) -> list[str]:
    """Make the plan's changes, all or none; returns the vault paths replaced, then removed.

    Every file is locked and checked to hold the bytes planned from; every new text is written
    beside its file and flushed to disk; only then is the first file replaced (each checked once
    more just before), and DROP's note is removed once every other file is replaced. If a step
    fails, the files already replaced get their old bytes back and the error is raised.
    """
    with ExitStack() as locks:
        for f in plan.files:
            locks.enter_context(note_lock(f.path, plan.root))
        for f in plan.files:
            if read_note_bytes(f.path, f.relpath) != f.before:
                raise NoteChanged(f"{f.relpath} changed since netnotes read it; {AGAIN}")
        changed = plan.changed
        staged = write_aside_all([(f.path, f.after or b"") for f in changed])
        replaced: list[FileChange] = []
        try:
            for f, tmp in zip(changed, staged, strict=True):
                replace_staged(f, tmp)
                replaced.append(f)
            _remove(plan.removed)
        except WriteError:
            remove_aside(staged[len(replaced) :])
            for f in reversed(replaced):
                try:
                    replace_file(f.path, f.before)
                except WriteError:  # pragma: no cover - the disk failed twice; the first error says more
                    pass
            raise
        for folder in sorted({f.path.parent for f in plan.files}):
            sync_folder(folder)
    return [f.relpath for f in plan.files]


def replace_staged(f: FileChange, staged: Path) -> None:
    """Put the new text written aside in ``staged`` in place of ``f``, unless the file changed."""
    if read_note_bytes(f.path, f.relpath) != f.before:
        raise NoteChanged(f"{f.relpath} changed while netnotes was changing it; {AGAIN}")
    put_in_place(staged, f.path)


def _remove(f: FileChange) -> None:
    if read_note_bytes(f.path, f.relpath) != f.before:
        raise NoteChanged(f"{f.relpath} changed while netnotes was changing it; {AGAIN}")
    try:
        os.remove(f.path)
    except OSError as err:
        raise WriteFailed(f.path, err) from None
