"""An SQLite database of one of netnotes' caches in the user's own cache folder: made private,
opened, and removed and made anew when it is corrupt, never failing a command.

The note cache (``notecache``) and the render cache (``site.body_cache``) keep their entries so.
What goes wrong is said in one line with what it costs (``Wording``); a database that another
command holds too long is given up on quietly: that command saves it.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .fsio import WriteFailed, make_folders, reason

BUSY_SECONDS = 2.0  # how long to wait for another command holding the database

# SQLite's primary result codes that say the database file is not one it can trust.
CORRUPT_CODES = frozenset({1, 11, 26})  # SQLITE_ERROR (unexpected tables), SQLITE_CORRUPT, SQLITE_NOTADB
BUSY_CODES = frozenset({5, 6})  # SQLITE_BUSY, SQLITE_LOCKED

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Wording:
    """How warnings name the cache and say what its loss costs."""

    name: str  # "the note cache"
    unused: str  # "every note is read": what a command does without it


def open_database(
    path: Path, tables: Iterable[str], wording: Wording, warn: Warn
) -> tuple[sqlite3.Connection, dict[str, str]] | None:
    """The database at ``path`` (made, readable by its owner only, in private folders) and its
    ``meta`` table (empty when it lacks one of ``tables``); a corrupt one is removed and made
    anew (said), and None when there is none to use (said, unless another command only holds
    it too long)."""
    try:
        make_folders(path.parent, path, private=True)  # what is cached is private
    except WriteFailed as err:
        warn(f"cannot make {wording.name} {path}: {err.reason}; {wording.unused}")
        return None
    for attempt in (1, 2):
        try:
            _create_private(path)
            connection = sqlite3.connect(path, timeout=BUSY_SECONDS, isolation_level=None)
        except (OSError, sqlite3.Error) as err:
            warn(f"cannot open {wording.name} {path}: {why(err)}; {wording.unused}")
            return None
        try:
            # No waiting for the disk: a cache lost or torn by a crash is dropped or missed, never wrong.
            connection.execute("PRAGMA synchronous=OFF")
            names = {row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            meta = dict(connection.execute("SELECT key, value FROM meta").fetchall()) if set(tables) <= names else {}
            return connection, meta
        except sqlite3.Error as err:
            connection.close()
            if code(err) in BUSY_CODES:
                return None
            if code(err) not in CORRUPT_CODES or attempt == 2:
                warn(f"cannot read {wording.name} {path}: {why(err)}; {wording.unused}")
                return None
            problem = remove_database(path, wording)
            if problem:
                warn(f"{wording.name} {path} is corrupt ({why(err)}) and {problem[0]}; {wording.unused}")
                return None
            warn(f"{wording.name} {path} was corrupt ({why(err)}): made anew; {wording.unused}")
    return None  # pragma: no cover - the loop returns


@contextlib.contextmanager
def writing(connection: sqlite3.Connection, tables: Sequence[str], anew: bool) -> Iterator[sqlite3.Connection]:
    """One write transaction (write-ahead log, the write lock taken at once), committed when
    the block ends and rolled back when it raises; ``anew``: the tables (``tables``: their
    ``CREATE TABLE`` statements) are dropped and made again first."""
    connection.execute("PRAGMA journal_mode=WAL")
    connection.execute("BEGIN IMMEDIATE")
    try:
        if anew:
            for table in tables:
                connection.execute(f"DROP TABLE IF EXISTS {table.split()[2]}")
            for table in tables:
                connection.execute(table)
        yield connection
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def rows_where_in(connection: sqlite3.Connection, query: str, column: str, values: Sequence[str]) -> list[Any]:
    """The rows of ``query`` (a ``SELECT`` without ``WHERE``) whose ``column`` is one of
    ``values``, asked for 500 at a time (SQLite's limit of parameters is higher)."""
    rows: list[Any] = []
    for start in range(0, len(values), 500):
        some = values[start : start + 500]
        rows += connection.execute(f"{query} WHERE {column} IN ({', '.join('?' * len(some))})", some).fetchall()
    return rows


def remove_database(path: Path, wording: Wording) -> list[str]:
    """Remove the database and its journal files; what could not be removed, as warnings."""
    for name in (path.name, f"{path.name}-wal", f"{path.name}-shm", f"{path.name}-journal"):
        try:
            os.unlink(path.with_name(name))
        except FileNotFoundError:
            pass
        except OSError as err:
            return [f"cannot remove {wording.name} {path.with_name(name)}: {reason(err)}"]
    return []


def _create_private(path: Path) -> None:
    """Make the database file readable by its owner only (SQLite gives its other files the same
    permissions)."""
    try:
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600))
    except FileExistsError:
        pass


def code(err: sqlite3.Error) -> int:
    """SQLite's primary result code of ``err``."""
    return (getattr(err, "sqlite_errorcode", 0) or 0) & 0xFF


def why(err: OSError | sqlite3.Error) -> str:
    return reason(err) if isinstance(err, OSError) else str(err)
