"""Changing an existing note in place: set, add or remove front-matter keys and rewrite contact
refs, keeping every byte that the change does not need to touch.

``amended_text`` is the pure part: it edits the text surgically (a key's value in place, a new
key as a line just before the closing ``---``, a key's lines removed, a ref inside a value or a
``[[wikilink]]`` in the body rewritten, text appended to the body), so the BOM, the line
endings (LF, CRLF or mixed), the comments, the key order, the other keys' quoting, the body and
a missing final newline stay as they were. It then parses the new text with the same parser as every command
(``notes.parse_note``) and compares its fields with the old ones plus exactly the intended
changes, as black's ``assert_equivalent`` does; any difference refuses the change.

``amend`` is the file part: under a per-note lock it reads the note, computes the new text,
checks that the file still holds the bytes it read, and replaces it in one step with the
writer's ``replace_file`` (permission bits kept). Every refusal is an ``AmendError`` (a
``WriteError``: the CLI makes it an ``Error:`` line and exit 2) and leaves the file untouched.

Refused: a note whose front matter has an error; front matter that is not block-style
``key: value`` lines (a flow mapping, an explicit ``? key``, document markers, line breaks
other than LF and CRLF); a key to change, or its value, carrying a YAML anchor or alias. A
comment on a changed key's line is kept after the new value (it may describe the old one:
``status: done   # waiting``); comments inside a multi-line value go with that value.
"""

from __future__ import annotations

import datetime as dt
import errno
import hashlib
import math
import os
import re
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from .fsio import WriteError, WriteFailed, make_folders, replace_file
from .notes import MAX_NOTE_BYTES, Note, _Loader, parse_note
from .refs import WIKILINK_RE, unwrap
from .refs import key as ref_key

try:  # POSIX; the lock is advisory, between netnotes commands
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]  # msvcrt below takes its place
    import msvcrt

# Keys whose values are contact refs, in any kind of note (section 3 of the contract).
REF_FIELDS = ("with", "met_through", "intro_to", "not_same_as")
LOCKS_DIR = ".netnotes/locks"

Scalar = bool | int | str | dt.date | None
Value = Scalar | Sequence[Scalar]

_KEY_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*\Z")
_COLON_RE = re.compile(r"[ \t]*:")
_ODD_BREAK_RE = re.compile("\r(?!\n)|[\x85\u2028\u2029]")  # YAML line breaks that LF lines do not see
_BREAKS = ("\n", "\r", "\x85", "\u2028", "\u2029")
_NO_WRAP = 1_000_000  # emitter width: a value is never wrapped onto a second line


class AmendError(WriteError):
    """netnotes will not change this note as asked; the file is untouched."""


class NoteBusy(AmendError):
    """Another netnotes command is changing the same note right now."""


class NoteChanged(AmendError):
    """The note changed on disk between reading it and replacing it."""


class NotVerified(AmendError):
    """The new text would not read back as the old fields plus exactly the intended changes."""


@dataclass(frozen=True, slots=True)
class Changes:
    """What to change in one note: keys to set (added when missing), keys to remove, refs to
    rewrite (``{old ref: new contact id}``; an old ref is an id, name or alias, compared the way
    refs are: case-insensitive, spaces ignored) in ``REF_FIELDS`` and in body wikilinks, and text
    to append to the body (LF lines, written with the note's own line ending)."""

    set: Mapping[str, Value] = field(default_factory=dict)
    remove: tuple[str, ...] = ()
    refs: Mapping[str, str] = field(default_factory=dict)
    append: str = ""

    def __post_init__(self) -> None:
        for k in (*self.set, *self.remove):
            if not _KEY_RE.match(k):
                raise ValueError(f"not a front-matter key netnotes writes: {k!r}")
        both = [k for k in self.set if k in self.remove]
        if both:
            raise ValueError(f"keys both set and removed: {', '.join(both)}")
        for new in self.refs.values():
            if not new or any(c in new for c in "\n\r[]|#"):
                raise ValueError(f"not a contact id: {new!r}")


# ---------------------------------------------------------------------------------------------
# The front matter as spans of text


@dataclass(frozen=True, slots=True)
class _Node:
    """A YAML value and where its text is: ``text[start:end]`` (absolute character indexes)."""

    start: int
    end: int
    scalar: str | None  # a scalar's value; None for a collection or an alias
    style: str | None  # a scalar's style: '' plain, "'", '"', '|', '>'
    in_flow: bool  # inside a flow collection, where a plain scalar may not hold ',[]{}'
    marked: bool  # an anchor or alias somewhere in it
    children: tuple[_Node, ...] = ()


@dataclass(frozen=True, slots=True)
class _Entry:
    """One top-level ``key: value``."""

    key: str
    key_start: int
    colon_end: int  # just after the ':' that follows the key
    value: _Node
    marked: bool  # the key, or anything in its value, has an anchor or alias


def _refuse_layout(path: str, why: str) -> AmendError:
    return AmendError(
        f"{path}: netnotes changes only front matter written as block-style"
        f" 'key: value' lines; {why}. Change the note by hand"
    )


def _entries(yaml_text: str, base: int, text: str, path: str) -> list[_Entry]:
    """The top-level entries of the front matter ``yaml_text``, which starts at ``text[base]``."""
    if _ODD_BREAK_RE.search(yaml_text):
        raise _refuse_layout(path, "it holds a line break other than LF or CRLF (a lone CR, NEL, LS or PS)")
    try:
        events = iter(list(yaml.parse(yaml_text, Loader=_Loader)))
    except (yaml.YAMLError, RecursionError, MemoryError) as err:  # parse_note found none; be safe
        raise AmendError(f"{path}: front matter cannot be read: {err}") from None

    def span(ev: yaml.Event) -> tuple[int, int]:
        """Where ``ev`` starts and ends in ``text``; the parser marks every event it makes."""
        if ev.start_mark is None or ev.end_mark is None:
            raise AmendError(f"{path}: front matter cannot be read")
        return base + ev.start_mark.index, base + ev.end_mark.index

    def build(ev: yaml.Event, in_flow: bool) -> _Node:
        start, end = span(ev)
        if isinstance(ev, yaml.AliasEvent):
            return _Node(start, end, None, None, in_flow, True)
        if isinstance(ev, yaml.ScalarEvent):
            return _Node(start, end, ev.value, ev.style or "", in_flow, ev.anchor is not None)
        if not isinstance(ev, yaml.CollectionStartEvent):  # an end event where a value belongs
            raise AmendError(f"{path}: front matter ends inside a value")
        marked = ev.anchor is not None
        flow = bool(ev.flow_style)
        children: list[_Node] = []
        for child in events:
            if isinstance(child, (yaml.SequenceEndEvent, yaml.MappingEndEvent)):
                # A block collection ends where the next token starts, past comments and blank
                # lines; its text ends with its last item.
                end = span(child)[1] if flow else max([end, *(c.end for c in children)])
                return _Node(
                    start, end, None, None, in_flow, marked or any(c.marked for c in children), tuple(children)
                )
            children.append(build(child, in_flow or flow))
        raise AmendError(f"{path}: front matter ends inside a value")

    first = [next(events, None), next(events, None)]
    if not isinstance(first[0], yaml.StreamStartEvent) or not isinstance(first[1], yaml.DocumentStartEvent):
        raise AmendError(f"{path}: front matter cannot be read")
    if first[1].explicit or first[1].version or first[1].tags:
        raise _refuse_layout(path, "it starts with a YAML directive")
    root = next(events, None)
    if not isinstance(root, yaml.MappingStartEvent) or root.flow_style:
        raise _refuse_layout(
            path, "it is a flow mapping ({...})" if isinstance(root, yaml.MappingStartEvent) else "it is not a mapping"
        )
    if root.anchor is not None or not root.implicit:
        raise _refuse_layout(path, "it has an anchor or tag on the whole mapping")
    entries: list[_Entry] = []
    indent: str | None = None
    for ev in events:
        if isinstance(ev, yaml.MappingEndEvent):
            break
        if not isinstance(ev, yaml.ScalarEvent):
            raise _refuse_layout(path, "a key is not plain text")
        key_start, key_end = span(ev)
        line_start = text.rfind("\n", 0, key_start) + 1
        before = text[line_start:key_start]
        colon = _COLON_RE.match(text, key_end)
        if before.strip(" ") or (indent is not None and before != indent) or colon is None:
            raise _refuse_layout(path, f"the key '{ev.value}' is not at the start of its line as 'key: value'")
        indent = before
        value = build(next(events), False)
        entries.append(_Entry(ev.value, key_start, colon.end(), value, ev.anchor is not None or value.marked))
    rest = [ev for ev in events if not isinstance(ev, yaml.StreamEndEvent)]
    if len(rest) != 1 or not isinstance(rest[0], yaml.DocumentEndEvent) or rest[0].explicit:
        raise _refuse_layout(path, "it holds YAML document markers ('...')")
    return entries


# ---------------------------------------------------------------------------------------------
# Rendering values


def render_value(value: Value) -> str:
    """``value`` as YAML on one line that reads back as ``value``: ``true``, ``2026-03-01``,
    ``jane``, ``'yes'``, ``"two\\nlines"``, ``[a, b]``."""
    value = _as_read(value)
    _check_value(value)
    return _dump(value, flow=False, style=None)


def _as_read(value: Value) -> Value:
    """``value`` as the note will read it back: a closed set's word (``AskStatus.DONE``) is text."""
    if isinstance(value, str):
        return str(value)
    if isinstance(value, (list, tuple)):
        return [str(v) if isinstance(v, str) else v for v in value]
    return value


def _check_value(value: Any) -> None:
    items = value if isinstance(value, (list, tuple)) else [value]
    for item in items:
        if isinstance(item, dt.datetime) or not isinstance(item, (bool, int, str, dt.date, type(None))):
            raise TypeError(f"netnotes does not write {type(item).__name__} values into a note")
        if isinstance(item, str):
            try:
                item.encode("utf-8")
            except UnicodeEncodeError:
                raise AmendError(f"the value {item!r} is not valid Unicode") from None


def _dump(value: Any, *, flow: bool, style: str | None) -> str:
    """One line of YAML for ``value``; ``flow``: as an item of a flow list. Text with a line break
    (which a plain or single-quoted scalar would spread over lines) is double-quoted."""
    for attempt in (style, '"'):
        if attempt == '"' and not _all_text(value):
            break
        dumped = yaml.dump(
            [value] if flow else value,
            Dumper=yaml.SafeDumper,
            default_flow_style=True,
            default_style=attempt,
            allow_unicode=True,
            width=_NO_WRAP,
        )
        dumped = dumped.removesuffix("\n...\n").removesuffix("\n")
        if flow:
            dumped = dumped[1:-1]
        if not any(b in dumped for b in _BREAKS):
            return dumped
    raise AmendError(f"cannot write {value!r} on one line")


def _all_text(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, list) and all(isinstance(v, str) for v in value))


# ---------------------------------------------------------------------------------------------
# Refs


def _rewrite_ref(text: str, refs: Mapping[str, str], inner: bool) -> str:
    """``text`` with the contact it names replaced by ``refs``' id; a wikilink keeps its
    ``|label`` or ``#heading``. ``inner``: ``text`` is what an unquoted ``[[...]]`` holds."""
    if inner:
        cut = min((i for i in (text.find("|"), text.find("#")) if i >= 0), default=len(text))
        new = refs.get(ref_key(text[:cut]))
        return text if new is None else new + text[cut:]
    stripped = text.strip()
    if stripped.startswith("[[") and stripped.endswith("]]") and len(stripped) > 4:
        inside = stripped[2:-2]
        new_inside = _rewrite_ref(inside, refs, True)
        return text if new_inside == inside else f"[[{new_inside}]]"
    new = refs.get(ref_key(text))
    return text if new is None else new


def _rewrite_value(value: Any, refs: Mapping[str, str], depth: int = 0, single: bool = False) -> Any:
    """A ref field's value with its refs rewritten. A text two lists deep whose list holds only
    it is an unquoted ``[[wikilink]]`` (``with: [[jane-doe]]``), as the loader reads it."""
    if isinstance(value, list):
        return [_rewrite_value(v, refs, depth + 1, len(value) == 1) for v in value]
    if isinstance(value, str):
        return _rewrite_ref(value, refs, inner=depth >= 2 and single)
    return value


def _rewrite_wikilinks(body: str, refs: Mapping[str, str]) -> str:
    """``[[old]]``, ``[[Old Name|label]]``, ``[[old#heading]]`` in ``body`` pointed at the new id."""
    if "[[" not in body or not refs:
        return body
    return WIKILINK_RE.sub(lambda m: f"[[{_rewrite_ref(m.group(1), refs, True)}]]", body)


def _ref_edits(
    node: _Node, value: Any, refs: Mapping[str, str], path: str, key: str, depth: int = 0, single: bool = False
) -> list[tuple[int, int, str]]:
    """Edits rewriting the refs in ``node``, walked together with the ``value`` it was read as
    (so that only what reads as text is a ref, as in ``_rewrite_value``)."""
    if isinstance(value, list) and len(value) == len(node.children):
        return [
            e
            for c, v in zip(node.children, value, strict=True)
            for e in _ref_edits(c, v, refs, path, key, depth + 1, len(value) == 1)
        ]
    if not isinstance(value, str) or node.scalar is None:
        return []
    new = _rewrite_ref(value, refs, inner=depth >= 2 and single)
    if new == value:
        return []
    if node.style in ("|", ">"):
        raise AmendError(f"{path}: the ref '{value.strip()}' in '{key}' is a block scalar; write it on one line first")
    style = None if node.style == "" else node.style
    return [(node.start, node.end, _dump(new, flow=node.in_flow, style=style))]


# ---------------------------------------------------------------------------------------------
# The pure change


def amended_text(text: str, changes: Changes, path: str = "note") -> str:
    """``text`` (a whole note, BOM included) with ``changes`` made; raises ``AmendError``.

    Returns ``text`` itself when nothing needs to change (a key set to the value it holds).
    """
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError:
        raise AmendError(f"{path}: the note is not valid Unicode") from None
    note = parse_note(data, path)
    if note.fields is None or note.problems:
        first = note.problems[0]
        raise AmendError(f"{path}:{first.line}:{first.column}: {first.message}; fix the note first (netnotes check)")
    lines = text.split("\n")
    fence = note.body_line - 2  # index of the closing '---' line
    base = len(lines[0]) + 1
    fence_start = base + sum(len(line) + 1 for line in lines[1:fence])
    body_start = min(fence_start + len(lines[fence]) + 1, len(text))
    entries = _entries(text[base:fence_start], base, text, path)
    if [e.key for e in entries] != list(note.fields):
        raise AmendError(f"{path}: front matter cannot be read key by key")
    by_key = {e.key: e for e in entries}
    refs = {ref_key(unwrap(old)): new for old, new in changes.refs.items()}

    edits: list[tuple[int, int, str]] = []
    expected = {k: f.value for k, f in note.fields.items()}
    added: list[str] = []
    for k, value in changes.set.items():
        value = _as_read(value)
        rendered = render_value(value)
        want = list(value) if isinstance(value, tuple) else value
        entry = by_key.get(k)
        if entry is None:
            added.append(f"{k}: {rendered}")
        elif not same(expected[k], want):
            _refuse_marked(entry, path)
            edits.append(_replace_value(text, entry, rendered))
        expected[k] = want
    for k in changes.remove:
        entry = by_key.get(k)
        if entry is not None:
            _refuse_marked(entry, path)
            edits.append((text.rfind("\n", 0, entry.key_start) + 1, _after_line(text, entry.value.end - 1), ""))
            del expected[k]
    for k in REF_FIELDS:
        entry = by_key.get(k)
        if not refs or entry is None or k in changes.set or k in changes.remove:
            continue
        rewritten = _rewrite_value(expected[k], refs)
        if not same(rewritten, expected[k]):
            _refuse_marked(entry, path)  # also when the ref is behind an alias, which has no text of its own
            edits += _ref_edits(entry.value, expected[k], refs, path, k)
            expected[k] = rewritten
    if added:
        last = lines[fence - 1]
        eol = "\r\n" if last.endswith("\r") else "\n"
        indent = text[text.rfind("\n", 0, entries[0].key_start) + 1 : entries[0].key_start]
        edits.append((fence_start, fence_start, "".join(f"{indent}{line}{eol}" for line in added)))
    body = _rewrite_wikilinks(note.body, refs)
    if body != note.body:
        edits.append((body_start, len(text), body))
    if changes.append:
        eol = "\r\n" if lines[fence].endswith("\r") else "\n"
        appended = _appended(text, changes.append, eol)
        edits.append((len(text), len(text), appended))
        # After a closing '---' with no line break, the break added ends that line, not the body.
        body += appended if note.body or text.endswith("\n") else appended[len(eol) :]
    if not edits:
        return text
    new_text = text
    for start, end, replacement in sorted(edits, reverse=True):
        new_text = new_text[:start] + replacement + new_text[end:]
    order = [k for k in note.fields if k in expected] + [k for k in changes.set if k not in note.fields]
    verify(new_text, path, {k: expected[k] for k in order}, body)
    return new_text


def _appended(text: str, addition: str, eol: str) -> str:
    """``addition`` as it goes at the end of ``text``: on a line of its own (after a line break
    when the note has no final one), its lines ended like the closing ``---`` line's."""
    if eol != "\n":
        addition = addition.replace("\r\n", "\n").replace("\n", eol)
    return addition if text.endswith("\n") else eol + addition


def _refuse_marked(entry: _Entry, path: str) -> None:
    if entry.marked:
        raise AmendError(
            f"{path}: '{entry.key}' uses a YAML anchor (&) or alias (*);"
            " netnotes will not change it. Write its value out in full first"
        )


def _replace_value(text: str, entry: _Entry, rendered: str) -> tuple[int, int, str]:
    """The edit that puts ``rendered`` in place of ``entry``'s value."""
    value = entry.value
    if "\n" not in text[entry.key_start : value.end]:  # all on the key's line: keep what follows
        if value.start == value.end:  # 'key:' with nothing after it
            return (entry.colon_end, entry.colon_end, f" {rendered}")
        return (value.start, value.end, rendered)
    # Over several lines: the key's line and the value's lines become one line. A comment on the
    # key's line, before the value starts, stays.
    key_line_end = _content_end(text, entry.colon_end)
    rest = text[entry.colon_end : key_line_end]
    comment = rest if rest.strip().startswith("#") and value.start > key_line_end else ""
    return (entry.colon_end, _content_end(text, value.end - 1), f" {rendered}{comment}")


def _content_end(text: str, index: int) -> int:
    """Where the line holding ``text[index]`` ends, before its LF or CRLF."""
    end = text.find("\n", index)
    if end < 0:
        return len(text)
    return end - 1 if end > 0 and text[end - 1] == "\r" else end


def _after_line(text: str, index: int) -> int:
    """Just after the LF ending the line that holds ``text[index]``."""
    end = text.find("\n", index)
    return len(text) if end < 0 else end + 1


def same(a: Any, b: Any) -> bool:
    """Equal and of the same types all the way down (``True`` is not ``1``, a date is not text)."""
    if type(a) is not type(b):
        return False
    if isinstance(a, list):
        return len(a) == len(b) and all(same(x, y) for x, y in zip(a, b, strict=True))
    if isinstance(a, dict):
        return list(a) == list(b) and all(same(a[k], b[k]) for k in a)
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def verify(new_text: str, path: str, fields: Mapping[str, Any], body: str) -> Note:
    """Parse ``new_text`` as every command would and insist it holds exactly ``fields`` (in that
    order) and ``body``; raises ``NotVerified`` naming the first difference."""
    note = parse_note(new_text.encode("utf-8"), path)
    why = ""
    if note.fields is None or note.problems:
        why = note.problems[0].message if note.problems else "the front matter would not read"
    elif list(note.fields) != list(fields):
        why = f"the keys would read as {', '.join(note.fields)}"
    elif note.body != body:
        why = "the body would change"
    else:
        for k, want in fields.items():
            if not same(note.fields[k].value, want):
                why = f"'{k}' would read as {note.fields[k].value!r}, not {want!r}"
                break
    if why:
        raise NotVerified(f"{path}: netnotes could not change the note safely ({why}); nothing was written")
    return note


# ---------------------------------------------------------------------------------------------
# The file


def amend(
    path: Path,
    root: Path,
    *,
    set: Mapping[str, Value] | None = None,  # noqa: A002 - reads as the change
    remove: Sequence[str] = (),
    refs: Mapping[str, str] | None = None,
    append: str = "",
) -> Path:
    """Change the note at ``path`` in the vault ``root`` in place; returns ``path``.

    Holds the note's lock while reading, checking and replacing; refuses (``NoteChanged``) when
    the file no longer holds the bytes read just before the replace. Nothing is written when the
    note already says what was asked.
    """
    amend_notes(root, [NoteChange(path, Changes(dict(set or {}), tuple(remove), dict(refs or {}), append))])
    return path


@dataclass(frozen=True, slots=True)
class NoteChange:
    """One note of a change to several: its path, what to change, and optionally the note as the
    caller read it (a command decides what to change from the vault it loaded; if the note reads
    otherwise by the time it is locked, someone changed it meanwhile and the change is refused)."""

    path: Path
    changes: Changes
    as_read: Note | None = None


def amend_notes(root: Path, notes: Sequence[NoteChange]) -> list[Path]:
    """Change several notes of the vault ``root``, all or none; returns the paths changed.

    Every note is locked, read and its new text computed and verified before the first one is
    replaced, so a refusal of any (an ``AmendError``) leaves them all untouched. If a replace
    fails, the notes already replaced get their old bytes back before the error is raised.
    """
    with ExitStack() as locks:
        staged: list[tuple[Path, str, bytes, bytes]] = []
        seen: set[Path] = set()
        for note in notes:
            real, relpath = _inside(note.path, root)
            if real in seen:
                raise ValueError(f"{relpath} is given twice; make one change of it")
            seen.add(real)
            locks.enter_context(note_lock(real, root))
            refuse_read_only(real, relpath)
            before = read_note_bytes(real, relpath)
            try:
                text = before.decode("utf-8")
            except UnicodeDecodeError:
                first = parse_note(before, relpath).problems[0]
                raise AmendError(f"{relpath}:{first.line}:{first.column}: {first.message}") from None
            if note.as_read is not None and not _reads_as(before, relpath, note.as_read):
                raise NoteChanged(
                    f"{relpath} changed since netnotes read it; nothing was written. Run the command again"
                )
            new_text = amended_text(text, note.changes, relpath)
            if new_text != text:
                staged.append((real, relpath, before, new_text.encode("utf-8")))
        replaced: list[tuple[Path, bytes]] = []
        try:
            for real, relpath, before, data in staged:
                replace_unchanged(real, relpath, before, data)
                replaced.append((real, before))
        except WriteError:
            for real, before in reversed(replaced):
                try:
                    replace_file(real, before)
                except WriteError:  # pragma: no cover - the disk failed twice; the first error says more
                    pass
            raise
    return [path for path, _, _, _ in staged]


def _reads_as(data: bytes, relpath: str, note: Note) -> bool:
    now = parse_note(data, relpath)
    if now.fields is None or note.fields is None:
        return now.fields is None and note.fields is None
    return now.body == note.body and same(
        {k: f.value for k, f in now.fields.items()}, {k: f.value for k, f in note.fields.items()}
    )


def refuse_read_only(path: Path, relpath: str) -> None:
    """A note made read-only is not replaced, even where the folder would allow it (or by root)."""
    try:
        mode = os.stat(path).st_mode
    except OSError as err:
        raise AmendError(f"cannot read {relpath}: {err.strerror or err}") from None
    if not mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH) or not os.access(path, os.W_OK):
        raise AmendError(f"{relpath} is read-only; nothing was written. Make it writable to change it")


def replace_unchanged(path: Path, relpath: str, before: bytes, data: bytes) -> None:
    """Replace ``path`` with ``data`` unless it no longer holds ``before`` (call under its lock)."""
    if read_note_bytes(path, relpath) != before:
        raise NoteChanged(
            f"{relpath} changed while netnotes was changing it; nothing was written. Run the command again"
        )
    replace_file(path, data)


def read_note_bytes(path: Path, relpath: str) -> bytes:
    try:
        with open(path, "rb") as fh:
            data = fh.read(MAX_NOTE_BYTES + 1)
    except OSError as err:
        raise AmendError(f"cannot read {relpath}: {err.strerror or err}") from None
    if len(data) > MAX_NOTE_BYTES:
        raise AmendError(f"{relpath} is larger than {MAX_NOTE_BYTES // 1024 // 1024} MiB; netnotes does not change it")
    return data


def _inside(path: Path, root: Path) -> tuple[Path, str]:
    """The note's real path (a symlinked note is changed where it lives) and its vault path."""
    real_root = os.path.realpath(root)
    real = os.path.realpath(path)
    if not real.startswith(real_root + os.sep):
        raise AmendError(f"{path} is not a note inside the vault {root}")
    return Path(real), Path(os.path.relpath(real, real_root)).as_posix()


@contextmanager
def note_lock(path: Path, root: Path) -> Iterator[None]:
    """Hold the note's lock, or raise ``NoteBusy`` at once when another command holds it.

    The lock is a file under ``.netnotes/locks/`` named by a hash of the note's real path, not
    the note itself: a note is replaced by a new file (a rename), so a lock taken on the old
    file would not stop a command that opens the new one. Lock files stay (removing one races
    with a command about to lock it); they are empty and ``.netnotes/`` is not committed.
    """
    real, relpath = _inside(path, root)
    folder = Path(root) / LOCKS_DIR
    real_root = os.path.realpath(root)
    outside = AmendError(f"{LOCKS_DIR} leads outside the vault; remove it")
    if not os.path.realpath(folder).startswith(real_root + os.sep):  # a cloned vault's symlink
        raise outside
    make_folders(folder, real)  # WriteFailed names the note when the vault is read-only
    if not os.path.realpath(folder).startswith(real_root + os.sep):
        raise outside
    name = hashlib.sha256(relpath.encode("utf-8", "surrogateescape")).hexdigest()[:32]
    try:
        fd = os.open(folder / f"{name}.lock", os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
    except OSError as err:
        raise WriteFailed(real, err) from None
    try:
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            else:  # pragma: no cover - Windows
                msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError as err:
            if err.errno in (errno.EAGAIN, errno.EWOULDBLOCK, errno.EACCES, errno.EDEADLK):
                raise NoteBusy(
                    f"{relpath} is being changed by another netnotes command;"
                    " nothing was written. Try again when it has finished"
                ) from None
            raise WriteFailed(real, err) from None
        yield
    finally:
        os.close(fd)  # closing releases the lock
