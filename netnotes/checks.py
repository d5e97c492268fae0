"""Checks that look across notes: duplicate ids and wikilinks in note bodies.

Checks that look at one field live with the field's reading (``fields.py``, ``loader.py``);
these need the whole vault. Each returns problems as values.
"""

from __future__ import annotations

from collections.abc import Container, Iterable

from .discover import NoteFile, NoteKind
from .notes import Note
from .problems import Code, Problem, problem
from .refs import WIKILINK_RE, RefIndex, key, wikilink_target


def check_duplicate_ids(
    by_kind: dict[NoteKind, list[tuple[NoteFile, Note]]],
) -> tuple[dict[NoteKind, list[tuple[NoteFile, Note]]], list[Problem]]:
    """Ids are unique per kind across subfolders; the first file by path keeps the id."""
    unique: dict[NoteKind, list[tuple[NoteFile, Note]]] = {}
    problems: list[Problem] = []
    for kind, items in by_kind.items():
        first: dict[str, str] = {}
        kept = []
        for file, note in items:
            if file.id in first:
                problems.append(
                    problem(
                        file.path,
                        1,
                        1,
                        Code.DUPLICATE_ID,
                        f"duplicate id '{file.id}': this file and {first[file.id]}"
                        " have the same file name; rename one of them",
                    )
                )
                continue
            first[file.id] = file.path
            kept.append((file, note))
        unique[kind] = kept
    return unique, problems


def check_wikilinks(
    notes: Iterable[Note], index: RefIndex, note_ids: Container[str], looked_up: set[str] | None = None
) -> list[Problem]:
    """``[[...]]`` in a body that names no contact (nor any other note) is a warning.
    ``looked_up`` gets every target that named no contact and was looked for among ``note_ids``:
    whether it is a problem changes when such a note comes or goes."""
    problems: list[Problem] = []
    for note in notes:
        body = note.body
        if "[[" not in body:
            continue
        for match in WIKILINK_RE.finditer(body):
            target = wikilink_target(match.group(1))
            if not target:
                continue
            if index.find(target) is not None:
                continue
            if looked_up is not None:
                looked_up.add(key(target))
            if key(target) in note_ids:
                continue
            line = note.body_line + body.count("\n", 0, match.start())
            column = match.start() - (body.rfind("\n", 0, match.start()) + 1) + 1
            several = index.named(key(target))
            what = (
                f"matches several contacts: {', '.join(sorted(several))}; link to the id"
                if len(several) > 1
                else "matches no contact"
            )
            problems.append(problem(note.path, line, column, Code.UNRESOLVED_WIKILINK, f"wikilink [[{target}]] {what}"))
    return problems
