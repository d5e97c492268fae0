"""Parsed notes kept between runs, so that a note that has not changed is never read or parsed again.

The cache is an SQLite database per vault in the user's own cache folder
(``$XDG_CACHE_HOME/netnotes/notes/``, else ``~/.cache/netnotes/notes/``), named by a digest of
the vault's real path. Nothing is ever read from inside the vault, so a cloned vault cannot
ship a cache; entries are JSON with their types spelt out (never pickle), each with a digest
of its data, and the whole cache is of one netnotes version (and parsing code) and one vault:
anything else is emptied and filled anew.

An entry is used only when its file has the size, mtime, ctime and inode it had when it was
read, and had last changed well before it was read: a file changed within a timestamp tick of
being read may change again without its times moving (git's "racy clean" rule), so it is read
again next time.

A cache that cannot be made, read or saved never fails a command: it runs without it, and
``warn`` is told why in one line. A corrupt one is removed and made anew. Two commands at once
share it through SQLite's locking (WAL); one that finds it busy for long reads every note
itself and does not save. ``netnotes serve`` keeps one ``NoteCache`` for its whole run, so a
rebuild reads only the notes that changed, from memory for the rest.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import __version__
from .discover import NoteFile
from .fsio import user_cache_folder
from .notes import Field, Note, could_not_read
from .problems import CODES, Problem
from .sqlite_cache import BUSY_CODES, Wording, code, open_database, remove_database, rows_where_in, why, writing

SCHEMA = 1  # of the tables and of an entry's data; a change empties every cache
FOLDER = "notes"  # in the user's netnotes cache folder: one database per vault
RACY_NS = 3_000_000_000  # a file changed less than this before it was read is read again next time

Warn = Callable[[str], None]
Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode
_Row = tuple[str, int, int, int, int, int, bytes, bytes]  # path, *stamp, written_ns, digest, data
ReadNotes = Callable[[list[NoteFile]], list[Note]]

WORDING = Wording("the note cache", "every note is read")


def now_ns() -> int:
    """The clock entries are dated by (tests move it on, to trust notes they just wrote)."""
    return time.time_ns()


def database_path(root: Path) -> Path:
    """Where the parsed notes of the vault at ``root`` are kept: named by its real path."""
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:32]
    return user_cache_folder() / FOLDER / f"{digest}.sqlite"


def drop(root: Path) -> list[str]:
    """Remove the vault's note cache (``build --clean``); what could not be removed, as warnings."""
    return remove_database(database_path(root), WORDING)


class NoteCache:
    """One vault's parsed notes: in memory for the life of this object, in SQLite between runs.

    ``persistent=False`` keeps nothing between runs (and reads no database): what a caller that
    wants every note read from its file uses."""

    def __init__(self, root: Path, persistent: bool = True) -> None:
        self.root = root
        self.path = database_path(root) if persistent else None
        self._memory: dict[str, tuple[Stamp, int, Note]] = {}
        self._loaded = False  # whether the database's entries are in (or were tried for) memory
        self._unusable = False  # the database could not be opened the last time
        # What the loader kept of the last load (``snapshot.Snapshot``), for the next load
        # through this cache (``netnotes serve``'s next rebuild): opaque here.
        self.kept: object = None
        # What that load found on disk (its note files and the walk's problems), which a load
        # told what changed since (``loader.Changes``) starts from instead of walking: opaque here.
        self.listing: object = None

    def notes(self, files: list[NoteFile], read_notes: ReadNotes, warn: Warn, every: bool = True) -> list[Note]:
        """The note of each file, in order: remembered ones from the cache, the rest read with
        ``read_notes`` (and then remembered). ``files`` are all the vault's notes, and what the
        cache holds of others is forgotten; ``every=False``: only some of them (the loader's
        snapshot needs a few notes), and only their entries are looked up and saved."""
        rows, store = self._open(warn, None if every else [f.path for f in files])
        try:
            return self._notes(files, read_notes, rows, store, warn, every)
        finally:
            if store is not None:
                store.connection.close()

    def _notes(
        self,
        files: list[NoteFile],
        read_notes: ReadNotes,
        rows: dict[str, _Row],
        store: _Store | None,
        warn: Warn,
        every: bool,
    ) -> list[Note]:
        memory = self._memory
        out: list[Note | None] = []
        todo: list[tuple[int, Stamp | None]] = []  # what to read: index in ``files``, stamp
        damaged = 0
        for file in files:
            stamp = file.stamp or _stat(file.abspath)
            note = None
            if stamp is not None:
                # An entry is trusted when its file had settled before it was read (and that
                # was not in the file's future): then any later change moves its times.
                settled = max(stamp[1], stamp[2]) + RACY_NS
                kept = memory.get(file.path)
                if kept is not None and kept[0] == stamp and settled <= kept[1]:
                    note = kept[2]
                else:
                    row = rows.get(file.path)
                    if row is not None and row[1:5] == stamp and settled <= row[5]:
                        note = _decode(file.path, row[6], row[7])
                        if note is None:
                            damaged += 1
                        else:
                            memory[file.path] = (stamp, row[5], note)
            if note is None:
                todo.append((len(out), stamp))
            out.append(note)
        if damaged:
            warn(
                f"ignored {damaged} damaged entr{'y' if damaged == 1 else 'ies'} of the note cache {self.path}; "
                "those notes were read again"
            )
        written = now_ns()  # before any file is read: a change after this moves its times
        fresh = read_notes([files[i] for i, _ in todo]) if todo else []
        saved: list[tuple[str, Stamp, int, Note]] = []
        for (i, stamp), note in zip(todo, fresh, strict=True):
            out[i] = note
            if stamp is not None and not could_not_read(note):
                memory[note.path] = (stamp, written, note)
                saved.append((note.path, stamp, written, note))
            else:
                memory.pop(note.path, None)
        gone: list[str] = []
        if every:
            paths = {file.path for file in files}
            gone = [path for path in memory if path not in paths]
            for path in gone:
                del memory[path]
            gone += (p for p in rows if p not in paths)
        if store is not None:
            store.save(saved, gone, warn)
        return [note for note in out if note is not None]

    def _open(self, warn: Warn, paths: list[str] | None) -> tuple[dict[str, _Row], _Store | None]:
        """The database's entries not yet in memory (all of them, the first time; those of
        ``paths`` only, when given) and the store to save to; no store when there is no
        database to use this time."""
        if self.path is None:
            return {}, None
        store = _Store.open(self.path, os.path.realpath(self.root), warn)
        self._unusable = store is None
        if store is None:
            self._loaded = True
            return {}, None
        rows: dict[str, _Row] = {}
        if paths is not None:
            if not self._loaded:
                rows = store.entries(warn, [p for p in paths if p not in self._memory])
        elif not self._loaded:
            rows = store.entries(warn)
            self._loaded = True
        return rows, store

    def forget(self) -> None:
        """Drop the notes kept in memory: a command that changes no note is done with them once
        its model is made; asked for again, they are read from the database or their files."""
        self._memory.clear()
        self._loaded = False

    @property
    def usable(self) -> bool:
        """Whether this cache keeps anything between runs (it is persistent and its database
        could be opened the last time it was asked)."""
        return self.path is not None and not self._unusable


def _stat(abspath: str) -> Stamp | None:
    try:
        st = os.stat(abspath)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino)


# ---------------------------------------------------------------------------------------------
# The database


def version_stamp() -> str:
    """What the cached notes were made by: the schema, netnotes' version and its parsing code
    (so that a changed parser, even in one version, empties the cache), and PyYAML's."""
    import yaml

    digest = hashlib.sha256()
    here = Path(__file__).parent
    for module in ("notecache.py", "notes.py", "problems.py", "text.py"):
        try:
            digest.update((here / module).read_bytes())
        except OSError:
            digest.update(module.encode())
    return f"schema {SCHEMA}; netnotes {__version__}; code {digest.hexdigest()[:16]}; PyYAML {yaml.__version__}"


_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE notes (path TEXT PRIMARY KEY, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,"
    " ctime_ns INTEGER NOT NULL, inode INTEGER NOT NULL, written_ns INTEGER NOT NULL,"
    " digest BLOB NOT NULL, data BLOB NOT NULL)",
)


class _Store:
    """The open database of one vault's cache."""

    def __init__(self, path: Path, connection: sqlite3.Connection, vault: str, stamp: str, fresh: bool) -> None:
        self.path = path
        self.connection = connection
        self.vault = vault
        self.stamp = stamp
        self.fresh = fresh  # its entries are of another version or vault, or it has no tables yet

    @classmethod
    def open(cls, path: Path, vault: str, warn: Warn) -> _Store | None:
        """The database at ``path``; a corrupt one is removed and made anew (said), and None
        when there is none to use (said, unless another command only holds it too long)."""
        opened = open_database(path, ("meta", "notes"), WORDING, warn)
        if opened is None:
            return None
        connection, meta = opened
        stamp = version_stamp()
        fresh = meta.get("stamp") != stamp or meta.get("vault") != vault
        return cls(path, connection, vault, stamp, fresh)

    def entries(self, warn: Warn, paths: list[str] | None = None) -> dict[str, _Row]:
        """Every entry by path (only those of ``paths`` when given): (stamp, when its file was
        read, digest, data); none when the cache is of another version or vault."""
        if self.fresh:
            return {}
        query = "SELECT path, size, mtime_ns, ctime_ns, inode, written_ns, digest, data FROM notes"
        try:
            if paths is None:
                rows = self.connection.execute(query).fetchall()
            else:
                rows = rows_where_in(self.connection, query, "path", paths)
        except sqlite3.Error as err:
            if code(err) not in BUSY_CODES:
                warn(f"cannot read the note cache {self.path}: {why(err)}; it is made anew")
                self.fresh = True
            return {}
        return {row[0]: row for row in rows}

    def save(self, notes: list[tuple[str, Stamp, int, Note]], gone: list[str], warn: Warn) -> None:
        """Remember ``notes`` and forget ``gone`` in one transaction (none when nothing changed)."""
        try:
            if not notes and not gone and not self.fresh:
                return
            rows = []
            for path, stamp, written, note in notes:
                data = encode(note)
                if data is not None:
                    rows.append((path, *stamp, written, _digest(data), data))
            with writing(self.connection, _TABLES, self.fresh) as connection:
                if self.fresh:
                    connection.executemany(
                        "INSERT INTO meta VALUES (?, ?)", [("stamp", self.stamp), ("vault", self.vault)]
                    )
                connection.executemany("DELETE FROM notes WHERE path = ?", [(p,) for p in gone])
                connection.executemany("INSERT OR REPLACE INTO notes VALUES (?, ?, ?, ?, ?, ?, ?, ?)", rows)
        except sqlite3.Error as err:
            if code(err) not in BUSY_CODES:  # busy: another command saves; these notes are read next time
                warn(f"cannot save the note cache {self.path}: {why(err)}; changed notes are read again next time")


def _digest(data: bytes) -> bytes:
    return hashlib.blake2b(data, digest_size=16).digest()


# ---------------------------------------------------------------------------------------------
# Notes as JSON. A field's value is what YAML gives: text, numbers, true/false, null and lists
# are JSON's own; every JSON object is a value of another type, named by its one key.


def encode(note: Note) -> bytes | None:
    """``note`` as JSON (its fields, body line and problems), a line break and its body; None
    for a value this cannot spell (then it is not cached). A field is [key, value, line, column,
    key line, key column], and the positions of a list's items and of a mapping's values after
    that when it has them."""
    fields = None
    if note.fields is not None:
        fields = []
        for f in note.fields.values():
            row = [f.key, _value(f.value), f.line, f.column, f.key_line, f.key_column]
            if f.items or f.entries is not None:
                row += [f.items, None if f.entries is None else [[k, *at] for k, at in f.entries.items()]]
            fields.append(row)
    problems = [[p.path, p.line, p.column, p.code, p.message] for p in note.problems]
    try:
        text = json.dumps([fields, note.body_line, problems], ensure_ascii=False, separators=(",", ":"))
    except (TypeError, ValueError):
        return None
    # The body follows as it is, after the first line break (JSON escapes its own): most of a
    # note's bytes need no parsing then.
    return f"{text}\n{note.body}".encode()


def _value(value: Any) -> Any:
    kind = type(value)
    if kind is str or kind is int or kind is bool or kind is float or value is None:
        return value
    if kind is list:
        return [_value(v) for v in value]
    if kind is dict:
        return {"m": [[k, _value(v)] for k, v in value.items()]}
    if kind is dt.datetime:
        return {"t": value.isoformat()}
    if kind is dt.date:
        return {"d": value.isoformat()}
    raise TypeError(f"no JSON for {kind.__name__}")


def _typed(obj: dict[str, Any]) -> Any:
    if len(obj) == 1:
        if "d" in obj:
            return dt.date.fromisoformat(obj["d"])
        if "m" in obj:
            return dict(obj["m"])
        if "t" in obj:
            return dt.datetime.fromisoformat(obj["t"])
    raise ValueError("not a value of a note")


_JSON = json.JSONDecoder(object_hook=_typed)


def decode(relpath: str, data: bytes) -> Note:
    """The note that ``encode`` made ``data`` of; raises ValueError (or TypeError, ...) when
    ``data`` is not such a note."""
    head, _, rest = data.partition(b"\n")
    text = head.decode()
    (fields, body_line, problems), end = _JSON.raw_decode(text)
    if end != len(text) or type(body_line) is not int:
        raise ValueError("not a note")
    body = rest.decode()
    found = None
    if fields is not None:
        found = {}
        for row in fields:
            if len(row) == 6:
                found[row[0]] = Field(*row)
            else:
                key, value, line, column, key_line, key_column, items, entries = row
                found[key] = Field(
                    key,
                    value,
                    line,
                    column,
                    key_line,
                    key_column,
                    tuple((a, b) for a, b in items),
                    None if entries is None else {k: (a, b) for k, a, b in entries},
                )
    if any(not isinstance(p[3], str) or p[3] not in CODES or p[0] != relpath for p in problems):
        raise ValueError("not a problem of this note")
    kept = tuple(Problem(path, line, column, CODES[code], message) for path, line, column, code, message in problems)
    return Note(relpath, found, body, body_line, kept)


def _decode(relpath: str, digest: bytes, data: bytes) -> Note | None:
    if not isinstance(data, bytes) or _digest(data) != digest:
        return None
    try:
        return decode(relpath, data)
    except (ValueError, TypeError, KeyError, IndexError, RecursionError):
        return None
