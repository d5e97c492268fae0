"""Reading one note file: bytes -> text -> front matter fields (with their lines) + body.

Notes are untrusted input. Nothing here raises for what is in a file: a file that cannot be
read becomes a ``Note`` with ``fields=None`` and problems explaining why. YAML is parsed with
libyaml's C composer (``CSafeLoader``) into a node tree, which keeps the line and column of
every key and value and lets duplicate keys be seen (PyYAML's loader silently keeps the last).
Scalars are then built by hand with a budget, so YAML alias bombs cannot blow up.
"""

from __future__ import annotations

import os
import re
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml

from .problems import Code, Problem, problem
from .text import breaks_lines_beyond_lf

try:  # libyaml is what makes 100,000 notes cheap; pure Python is a fallback only
    from yaml import CSafeLoader as _Loader

    _LIBYAML = True
except ImportError:  # pragma: no cover - libyaml ships with PyYAML wheels
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]  # the same interface, in pure Python

    _LIBYAML = False

MAX_NOTE_BYTES = 4 * 1024 * 1024
MAX_VALUES = 20_000  # nodes visited while building one note's values
MAX_DEPTH = 64
BOM = "\ufeff"

_constructor = yaml.constructor.SafeConstructor()
_STR = "tag:yaml.org,2002:str"
_NULL = "tag:yaml.org,2002:null"
_BOOL = "tag:yaml.org,2002:bool"
_INT = "tag:yaml.org,2002:int"
_FLOAT = "tag:yaml.org,2002:float"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"


@dataclass(frozen=True, slots=True)
class Field:
    """One top-level front-matter key with its value and where both are in the file."""

    key: str
    value: Any
    line: int  # of the value, 1-based, in the file
    column: int
    key_line: int
    key_column: int
    items: tuple[tuple[int, int], ...] = ()  # (line, column) of each item when value is a list
    entries: dict[str, tuple[int, int]] | None = None  # (line, column) of each value in a mapping

    def __reduce__(self) -> tuple[type[Field], tuple[Any, ...]]:
        # Notes travel back from the reading processes by pickle; a plain constructor call
        # unpickles in a third less time than the generic path for slotted dataclasses.
        return (
            Field,
            (self.key, self.value, self.line, self.column, self.key_line, self.key_column, self.items, self.entries),
        )


@dataclass(frozen=True, slots=True)
class Note:
    path: str  # vault-relative, '/'-separated
    fields: dict[str, Field] | None  # None: the front matter could not be read
    body: str = ""
    body_line: int = 1
    problems: tuple[Problem, ...] = ()

    def __reduce__(self) -> tuple[type[Note], tuple[Any, ...]]:
        return (Note, (self.path, self.fields, self.body, self.body_line, self.problems))


class _TooComplex(Exception):
    """Front matter too large or too deep to build; its message says which."""


def read_note(abspath: str, relpath: str) -> Note:
    """Read and split one note file; every failure is a problem on the returned note."""
    try:
        size = os.path.getsize(abspath)
        if size > MAX_NOTE_BYTES:
            return _broken(
                relpath,
                1,
                1,
                Code.TOO_LARGE,
                f"note is {size // 1024} KiB; notes larger than {MAX_NOTE_BYTES // 1024 // 1024} MiB are not read",
            )
        with open(abspath, "rb") as fh:
            data = fh.read(MAX_NOTE_BYTES + 1)
    except OSError as err:
        return _broken(relpath, 1, 1, Code.UNREADABLE, f"{_CANNOT_READ}{err.strerror or err}")
    return parse_note(data, relpath)


_CANNOT_READ = "cannot read file: "


def could_not_read(note: Note) -> bool:
    """Whether ``note`` only says that its file could not be read: a passing state of the disk
    (permissions, an I/O error), not what the file holds, so nothing to remember about it."""
    return note.fields is None and len(note.problems) == 1 and note.problems[0].message.startswith(_CANNOT_READ)


def decode(data: bytes, relpath: str) -> str | Problem:
    """The file's text without its BOM, or a problem pointing at the first byte that is not UTF-8."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as err:
        line = data.count(b"\n", 0, err.start) + 1
        column = err.start - (data.rfind(b"\n", 0, err.start) + 1) + 1
        return problem(
            relpath,
            line,
            column,
            Code.UNREADABLE,
            f"not valid UTF-8 (byte 0x{data[err.start]:02x}); save the file as UTF-8",
        )
    return text.removeprefix(BOM)


def parse_note(data: bytes, relpath: str) -> Note:
    text = decode(data, relpath)
    if isinstance(text, Problem):
        return Note(relpath, None, problems=(text,))
    if not text.strip():
        return _broken(relpath, 1, 1, Code.EMPTY_FILE, "file is empty; a note starts with '---', its fields, and '---'")
    conflicts = merge_conflicts(text)
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        if conflicts and conflicts[0] == 1:
            return _conflicted(relpath, conflicts, 1)
        return Note(
            relpath,
            None,
            problems=(
                problem(
                    relpath,
                    1,
                    1,
                    Code.NO_FRONT_MATTER,
                    "no front matter: the first line must be '---', followed by the fields and a closing '---'",
                ),
                *_conflicted(relpath, conflicts, 1).problems,
            ),
        )
    start = first_end + 1
    pos = start
    closing = -1
    line_no = 2
    while True:
        end = text.find("\n", pos)
        line = text[pos:] if end < 0 else text[pos:end]
        if line.rstrip() == "---":
            closing = pos
            break
        if end < 0:
            break
        pos = end + 1
        line_no += 1
    if closing < 0:
        if conflicts:  # the closing '---' may well be on one side of the conflict
            return _conflicted(relpath, conflicts, line_no)
        return _broken(
            relpath,
            1,
            1,
            Code.UNCLOSED_FRONT_MATTER,
            "front matter is not closed: add a line '---' after the last field",
        )
    if conflicts and conflicts[0] <= line_no:
        return _conflicted(relpath, conflicts, line_no)
    yaml_text = text[start:closing]
    end = text.find("\n", closing)
    body = "" if end < 0 else text[end + 1 :]
    body_line = line_no + 1
    fields, problems = parse_fields(yaml_text, relpath, line_offset=1)
    in_body = _conflicted(relpath, conflicts, line_no).problems if conflicts else ()
    if fields == {} and not problems:  # nothing, or only comments, between the '---' lines
        empty = problem(
            relpath, 1, 1, Code.NOT_A_MAPPING, "front matter is empty; add the note's fields between the '---' lines"
        )
        return Note(relpath, None, body, body_line, (empty, *in_body))
    return Note(relpath, fields, body, body_line, (*problems, *in_body))


_CONFLICT_START, _CONFLICT_MIDDLE, _CONFLICT_END = "<<<<<<< ", "=======", ">>>>>>> "
_FIX_CONFLICT = "keep the lines you want, delete the <<<<<<<, ======= and >>>>>>> lines"


def merge_conflicts(text: str) -> list[int]:
    """The 1-based lines where an unresolved git merge starts: a line starting '<<<<<<< ', later a
    line '=======', later a line starting '>>>>>>> '. (A lone '=======' underlines a heading.)"""
    if _CONFLICT_START not in text:  # nearly every note: one scan, no splitting
        return []
    starts: list[int] = []
    start = 0
    middle = False
    for number, line in enumerate(text.split("\n"), 1):
        if not start:
            if line.startswith(_CONFLICT_START):
                start = number
        elif not middle:
            middle = line.rstrip("\r") == _CONFLICT_MIDDLE
        elif line.startswith(_CONFLICT_END):
            starts.append(start)
            start, middle = 0, False
    return starts


def merge_conflict_problem(relpath: str, line: int, where: str, unread: str) -> Problem:
    """NN119: a merge conflict in ``where`` (the front matter, netnotes.yaml) that leaves
    ``unread`` (the note, its settings) unread."""
    return problem(
        relpath,
        line,
        1,
        Code.CONFLICT_IN_FRONT_MATTER,
        f"unresolved git merge conflict in {where}: {_FIX_CONFLICT}; {unread} not read until then",
    )


def _conflicted(relpath: str, conflicts: list[int], front_matter_end: int) -> Note:
    """A note with merge conflicts: those starting by line ``front_matter_end`` leave the note
    unread (one error, rather than whatever YAML makes of the markers); the rest are warnings."""
    problems = [
        problem(relpath, line, 1, Code.CONFLICT_IN_BODY, f"unresolved git merge conflict in the body: {_FIX_CONFLICT}")
        for line in conflicts
        if line > front_matter_end
    ]
    in_front = [line for line in conflicts if line <= front_matter_end]
    if in_front:
        problems.insert(0, merge_conflict_problem(relpath, in_front[0], "the front matter", "the note is"))
    return Note(relpath, None, problems=tuple(problems))


def parse_fields(yaml_text: str, relpath: str, line_offset: int) -> tuple[dict[str, Field] | None, list[Problem]]:
    """Parse a YAML mapping into ``Field`` values; lines are shifted by ``line_offset``."""
    problems: list[Problem] = []
    position = None if _yaml_lines_agree(yaml_text) else _lf_positions(yaml_text, line_offset)

    def at(mark: yaml.Mark) -> tuple[int, int]:
        if position is None:
            return mark.line + 1 + line_offset, mark.column + 1
        return position(mark.index)

    try:
        root = yaml.compose(yaml_text, Loader=_Loader)
    except yaml.reader.ReaderError as err:  # a character YAML does not allow, such as a control character
        index = err.position
        if _LIBYAML:  # libyaml counts bytes of the UTF-8 text, not characters
            index = len(yaml_text.encode("utf-8")[:index].decode("utf-8", "ignore"))
        line, column = _lf_positions(yaml_text, line_offset)(index)
        char = f" (U+{err.character:04X})" if isinstance(err.character, int) else ""
        return None, [problem(relpath, line, column, Code.YAML_SYNTAX, f"YAML syntax error: {err.reason}{char}")]
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line, column = at(mark) if mark else (1 + line_offset, 1)
        what = err.problem or err.context or "invalid YAML"
        about_tabs = "tab" in what or "cannot start any token" in what
        tab = _indenting_tab(yaml_text, line - line_offset) if mark and about_tabs else None
        if tab is not None:
            line, column, what = line, tab, "tabs cannot indent YAML; use spaces"
        return None, [problem(relpath, line, column, Code.YAML_SYNTAX, f"YAML syntax error: {what}")]
    except (yaml.YAMLError, RecursionError, MemoryError) as err:
        return None, [problem(relpath, 1 + line_offset, 1, Code.YAML_SYNTAX, f"YAML syntax error: {err}")]
    if root is None:  # empty, or only comments: a note calls that an error, netnotes.yaml does not
        return {}, []
    if not isinstance(root, yaml.MappingNode):
        line, column = at(root.start_mark)
        return None, [
            problem(
                relpath,
                line,
                column,
                Code.NOT_A_MAPPING,
                "front matter must be 'key: value' lines, not a single value or a list",
            )
        ]
    fields: dict[str, Field] = {}
    budget = [MAX_VALUES]
    for key_node, value_node in root.value:
        key_line, key_column = at(key_node.start_mark)
        if not isinstance(key_node, yaml.ScalarNode):
            problems.append(problem(relpath, key_line, key_column, Code.NOT_A_MAPPING, "a key must be plain text"))
            continue
        key = key_node.value
        if key in fields:
            first = fields[key]
            problems.append(
                problem(
                    relpath,
                    key_line,
                    key_column,
                    Code.DUPLICATE_KEY,
                    f"duplicate key '{key}' (first at line {first.key_line}); remove one of them",
                )
            )
            continue
        try:
            value = _build(value_node, budget, 0, relpath, problems, at)
        except _TooComplex as err:
            # At the field that expands, not at the anchor it repeats (which may be lines above).
            line, column = at(value_node.start_mark)
            problems.append(problem(relpath, line, column, Code.TOO_LARGE, str(err)))
            return None, problems
        items: tuple[tuple[int, int], ...] = ()
        entries = None
        if isinstance(value_node, yaml.SequenceNode):
            items = tuple(at(n.start_mark) for n in value_node.value)
        elif isinstance(value_node, yaml.MappingNode):
            entries = {
                k.value: at(v.start_mark) for k, v in reversed(value_node.value) if isinstance(k, yaml.ScalarNode)
            }
        line, column = at(value_node.start_mark)
        fields[key] = Field(key, value, line, column, key_line, key_column, items, entries)
    return fields, problems


def _indenting_tab(yaml_text: str, line: int) -> int | None:
    """The 1-based column of a tab in the indentation of line ``line`` of ``yaml_text``, if any:
    YAML reports it as a token that cannot start or an indentation it cannot follow."""
    lines = yaml_text.split("\n")
    if not 1 <= line <= len(lines):
        return None
    text = lines[line - 1]
    indent = text[: len(text) - len(text.lstrip(" \t"))]
    return indent.index("\t") + 1 if "\t" in indent else None


def _yaml_lines_agree(text: str) -> bool:
    """Whether YAML's own (cheaper) line numbers are the file's. YAML also ends a line at a lone
    CR, NEL, LS or PS, where the lines netnotes reports end at LF only; and without a final line
    break, libyaml puts the end of the text on a line after the last."""
    return text.endswith("\n") and not breaks_lines_beyond_lf(text)


def _lf_positions(text: str, line_offset: int) -> Callable[[int], tuple[int, int]]:
    """(line, column) of a character index of ``text``, counting LF line ends only."""
    starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def position(index: int) -> tuple[int, int]:
        row = bisect_right(starts, index) - 1
        return row + 1 + line_offset, index - starts[row] + 1

    return position


def _build(node: yaml.Node, budget: list[int], depth: int, relpath: str, problems: list[Problem], at: Any) -> Any:
    budget[0] -= 1
    if budget[0] < 0:
        raise _TooComplex(f"front matter expands to more than {MAX_VALUES} values (YAML aliases?); simplify it")
    if depth > MAX_DEPTH:
        raise _TooComplex(f"front matter is nested more than {MAX_DEPTH} levels deep")
    if isinstance(node, yaml.ScalarNode):
        return _scalar(node)
    if isinstance(node, yaml.SequenceNode):
        return [_build(n, budget, depth + 1, relpath, problems, at) for n in node.value]
    mapping: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key = (
            key_node.value
            if isinstance(key_node, yaml.ScalarNode)
            else str(_build(key_node, budget, depth + 1, relpath, problems, at))
        )
        if key in mapping:
            line, column = at(key_node.start_mark)
            problems.append(
                problem(relpath, line, column, Code.DUPLICATE_KEY, f"duplicate key '{key}'; remove one of them")
            )
            continue
        mapping[key] = _build(value_node, budget, depth + 1, relpath, problems, at)
    return mapping


def _scalar(node: yaml.ScalarNode) -> Any:
    tag = node.tag
    if tag == _STR:
        return node.value
    try:
        if tag == _NULL:
            return None
        if tag == _BOOL:
            return _constructor.construct_yaml_bool(node)
        if tag == _INT:
            return _constructor.construct_yaml_int(node)
        if tag == _FLOAT:
            return _constructor.construct_yaml_float(node)
        if tag == _TIMESTAMP:
            return _constructor.construct_yaml_timestamp(node)
    except (ValueError, OverflowError, TypeError):
        pass  # e.g. 2026-02-30: kept as text; the field's own check explains what is wrong
    return node.value


def _broken(relpath: str, line: int, column: int, code: Code, message: str) -> Note:
    return Note(relpath, None, problems=(problem(relpath, line, column, code, message),))
