"""Rendered note bodies kept between builds, in an SQLite database in the user's own cache folder.

``netnotes serve`` rebuilds on every save and ``netnotes build`` after an edit shows only the
pages that changed: only the notes that changed are rendered again, and a build looks up only
the bodies of the pages it shapes (``bodies.Bodies``), by key, never reading the whole cache.
The cache holds HTML that goes into pages as it is, so it is kept where a vault cannot bring
one: a database per vault in the user's cache folder (``$XDG_CACHE_HOME/netnotes/bodies/``,
named by the vault's real path, private to its user), never in the vault; and its entries are
keyed by a MAC (keyed BLAKE2b, one C call a body) under a secret in that folder, so an entry is
only ever found by the content it was made from. A build that used every body forgets what no
build uses any more once that is more than a quarter of what it used (a build after one edit
leaves one unused entry). A cache that cannot be read, made or saved, or that is corrupt, never
fails a build: ``warn`` is told why, in one line, and the notes are rendered afresh.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import stat
import weakref
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from markupsafe import Markup

from .. import sqlite_cache, versions
from ..fsio import USER_KEY, WriteFailed, reason, user_cache_folder, user_key
from ..refs import WIKILINK_RE, key, wikilink_target
from ..sqlite_cache import BUSY_CODES, Wording, code, open_database, remove_database, why, writing

FOLDER = "bodies"  # in the user's netnotes cache folder: one database per vault
SCHEMA = "1"  # of the tables; another empties the database
LEGACY_FILE = "bodies.json"  # where earlier versions kept the cache: the vault's .netnotes/cache/
SWEEP = 4  # a build that used every body forgets the rest once they are more than 1/SWEEP of it
WORDING = Wording("the render cache", "every note is rendered afresh")
_TABLES = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID",
    "CREATE TABLE bodies (key TEXT PRIMARY KEY, html TEXT NOT NULL) WITHOUT ROWID",
)

Warn = Callable[[str], None]


def database_path(root: Path) -> Path:
    """Where the rendered bodies of the vault at ``root`` are kept: named by its real path."""
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:32]
    return user_cache_folder() / FOLDER / f"{digest}.sqlite"


def drop(root: Path) -> list[str]:
    """Remove the vault's render cache (``build --clean``); what could not be removed, as warnings."""
    return remove_database(database_path(root), WORDING)


class Targets(Protocol):
    """Where each wikilink target points, by ref key (``bodies.wikilink_table``)."""

    def get(self, ref_key: str, /) -> tuple[str, str] | None: ...


@dataclass(slots=True)
class BodyCache:
    """The HTML by key this process has looked up or rendered, and the database it keeps them
    in between builds (``path``; None: no cache this build).

    ``netnotes serve`` keeps one for its whole run (``site.build.Kept``): a rebuild looks up
    only what it has not seen, and the key of a body without wikilinks is found by its text
    without hashing it."""

    path: Path | None
    vault: str  # the vault's real path, which the database is of
    secret: bytes
    salt: str
    entries: dict[str, Markup]
    known: dict[tuple[str, str], str] = field(default_factory=dict)  # (footnote prefix, body) -> key
    remember: bool = False  # keep ``known`` for the next call (a cache kept in memory)
    rows: int = 0  # the entries the database holds, as it said when opened or last saved
    fresh: bool = False  # the database is empty, or of another schema or vault: made anew when saved
    stored: set[str] = field(default_factory=set)  # keys the database is known to hold
    _salted: hashlib.blake2b | None = field(default=None, init=False, repr=False)
    # what each written wikilink adds to a key, for the ``links`` it was looked up in (a weak
    # reference: a build's targets, never kept alive by the cache ``serve`` keeps)
    _linked: tuple[weakref.ref[Targets], dict[str, bytes]] | None = field(default=None, init=False, repr=False)

    @classmethod
    def open(cls, root: Path | None, warn: Warn, legacy: Path | None = None) -> BodyCache:
        """The cache of the vault at ``root`` (None: none); one that cannot be used is empty and
        not saved. ``legacy`` is the vault's cache folder, where a file of earlier versions of
        netnotes is removed: its own, which no link leads out of the vault (``build._vault_cache``)."""
        secret = user_secret(warn) if root is not None else None
        if root is None or secret is None:
            return cls(None, "", b"", _salt(), {})
        path = database_path(root)
        opened = open_database(path, ("meta", "bodies"), WORDING, warn)
        if opened is None:
            return cls(None, "", secret, _salt(), {})
        connection, meta = opened
        connection.close()
        if legacy is not None:
            _forget(legacy / LEGACY_FILE)
        vault = os.path.realpath(root)
        fresh = meta.get("schema") != SCHEMA or meta.get("vault") != vault
        rows = meta.get("rows", "")
        return cls(path, vault, secret, _salt(), {}, rows=int(rows) if rows.isdigit() and not fresh else 0, fresh=fresh)

    @property
    def usable(self) -> bool:
        return self.path is not None

    def key(self, body: str, doc_id: str, links: Targets) -> str:
        """What a body's HTML depends on: its text, its footnote prefix, where its wikilinks
        point (``links``: by ref key), and the versions of the renderers; a MAC (keyed BLAKE2b)
        under the user's secret, so only this user's builds make keys that match."""
        if self._salted is None:  # the keyed state after the salt, copied for each body
            self._salted = hashlib.blake2b(f"{self.salt}\0".encode(), key=self.secret[:64], digest_size=32)
        digest = self._salted.copy()
        digest.update(f"{doc_id}\0{body}".encode())
        if "[[" in body:
            made = self._made_for(links)  # most wikilinks name one of a few people
            for match in WIKILINK_RE.finditer(body):
                written = match.group(1)
                part = made.get(written)
                if part is None:
                    target = wikilink_target(written)
                    part = made[written] = f"\0{target}\0{links.get(key(target))!r}".encode()
                digest.update(part)
        return digest.hexdigest()

    def _made_for(self, links: Targets) -> dict[str, bytes]:
        if self._linked is None or self._linked[0]() is not links:
            try:
                self._linked = (weakref.ref(links), {})
            except TypeError:  # targets that cannot be referred to weakly (a dict): nothing kept
                return {}
        return self._linked[1]

    def keys(self, work: Sequence[tuple[str, str, str]], links: Targets) -> list[str]:
        """``key`` of each (path, body, footnote prefix); a body without wikilinks that the
        last call saw too is not hashed again (its key depends on nothing else)."""
        known: dict[tuple[str, str], str] = {}
        last = self.known
        keys = []
        for _, body, doc_id in work:
            if "[[" in body:
                keys.append(self.key(body, doc_id, links))
                continue
            found = last.get((doc_id, body))
            if found is None:
                found = self.key(body, doc_id, links)
            if self.remember:
                known[(doc_id, body)] = found
            keys.append(found)
        self.known = known
        return keys

    def fetch(self, keys: Iterable[str], warn: Warn) -> None:
        """Look up in the database the HTML of ``keys`` not in ``entries`` yet, into ``entries``
        (a key it does not hold stays out)."""
        wanted = [k for k in dict.fromkeys(keys) if k not in self.entries]
        if self.path is None or self.fresh or not wanted:
            return
        query = "SELECT key, html FROM bodies"
        try:
            # read only: a database removed meanwhile (``build --clean`` while ``serve`` runs)
            # is not made again here, where it would not be made private
            uri = f"{self.path.as_uri()}?mode=ro"
            connection = sqlite3.connect(uri, uri=True, timeout=sqlite_cache.BUSY_SECONDS, isolation_level=None)
            try:
                if len(wanted) > self.rows // 2:  # most of them: one pass over the table
                    found = connection.execute(query).fetchall()
                else:
                    found = sqlite_cache.rows_where_in(connection, query, "key", wanted)
            finally:
                connection.close()
        except sqlite3.Error as err:
            if code(err) not in BUSY_CODES:
                warn(f"cannot read {WORDING.name} {self.path}: {why(err)}; it is made anew")
                self.fresh = True
            return
        want = set(wanted)
        for k, html in found:
            if type(k) is str and type(html) is str:
                self.stored.add(k)
                if k in want:
                    # str.__new__ is what Markup(v) comes to for a str, without its checks
                    self.entries[k] = str.__new__(Markup, html)

    def save(self, used: Mapping[str, Markup], warn: Warn, complete: bool = True) -> None:
        """Keep ``used`` (the HTML the build showed, by key): the entries the database does not
        hold are added. A build that showed every body (``complete``) also forgets what no
        build uses any more, once that is more than a quarter of what it used. Never fails the
        build: a database that cannot be written is said, and another command's lock waited
        for a little, then left to it."""
        if self.path is None:
            if complete:
                self.entries = dict(used)  # kept in memory alone: only what the vault uses
            return
        new = {k: v for k, v in used.items() if k not in self.stored}  # Markup is text to SQLite: not copied
        anew = self.fresh or (complete and self.rows + len(new) > len(used) + len(used) // SWEEP)
        if new or anew:
            self._write(used if anew else new, anew, warn)
        if complete and len(self.entries) > len(used) + len(used) // SWEEP:
            self.entries = {k: v for k, v in self.entries.items() if k in used}

    def _write(self, entries: Mapping[str, str], anew: bool, warn: Warn) -> None:
        """Add ``entries`` to the database in one transaction; ``anew``: instead of what it held."""
        assert self.path is not None
        # opened as at the start (made private again if it was removed meanwhile; made anew if
        # it is another schema's or vault's now)
        opened = open_database(self.path, ("meta", "bodies"), WORDING, warn)
        if opened is None:
            return
        connection, meta = opened
        if not anew and (meta.get("schema") != SCHEMA or meta.get("vault") != self.vault):
            anew = True
        try:
            with contextlib.closing(connection), writing(connection, _TABLES, anew):
                rows = 0
                if not anew:  # another command may have added some since this one opened it
                    found = connection.execute("SELECT value FROM meta WHERE key = 'rows'").fetchone()
                    rows = int(found[0]) if found and str(found[0]).isdigit() else self.rows
                # in key order: appended to the table's tree, not scattered over it (a third of the time)
                added = connection.executemany("INSERT OR IGNORE INTO bodies VALUES (?, ?)", sorted(entries.items()))
                rows += max(added.rowcount, 0)
                connection.executemany(
                    "INSERT OR REPLACE INTO meta VALUES (?, ?)",
                    [("schema", SCHEMA), ("vault", self.vault), ("rows", str(rows))],
                )
        except sqlite3.Error as err:
            if code(err) not in BUSY_CODES:  # busy: another command saves; these are rendered again next time
                warn(f"cannot save {WORDING.name} {self.path}: {why(err)}; the next build renders those notes again")
            return
        if anew:
            self.stored = set(entries)
        else:
            self.stored.update(entries)
        self.rows, self.fresh = rows, False


def _forget(path: Path) -> None:
    """Remove the render cache file an earlier version of netnotes kept in the vault (a link
    itself, never what it points at). Left alone when it cannot be removed."""
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISREG(mode) or stat.S_ISLNK(mode):
            os.unlink(path)
    except OSError:
        pass


def _salt() -> str:
    """What else the HTML depends on: the versions of netnotes and of the Markdown libraries."""
    return "\n".join(versions("markdown-it-py", "mdit-py-plugins"))


def user_secret(warn: Warn) -> bytes | None:
    """This user's key for the render cache (``fsio.user_key``); None (and no cache) when it
    cannot be read or made."""
    try:
        return user_key()
    except WriteFailed as err:
        warn(f"cannot make the render cache key {err.path}: {err.reason}; building without the cache")
    except OSError as err:
        path = user_cache_folder() / USER_KEY
        warn(f"cannot read the render cache key {path}: {reason(err)}; building without the cache")
    return None
