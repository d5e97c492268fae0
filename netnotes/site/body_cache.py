"""Rendered note bodies kept between builds, in the vault's ``.netnotes/cache/``.

``netnotes serve`` rebuilds on every save; only the notes that changed are rendered again.
The cache holds HTML that goes into pages as it is, and it lives in the vault, which may have
come from someone else: its entries are keyed by a MAC (keyed BLAKE2b, one C call a body)
under a secret in the user's own cache folder, never in the vault, so a crafted cache matches
nothing. The file grows in place (``cache_file``). A cache that cannot be read, made or saved,
or that is corrupt, never fails a build: ``warn`` is told why, in one line, and the notes are
rendered afresh.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

from markupsafe import Markup

from .. import versions
from ..fsio import USER_KEY, WriteFailed, reason, user_cache_folder, user_key
from ..refs import WIKILINK_RE, key, wikilink_target
from .cache_file import CacheFile, Wording

CACHE_FILE = "bodies.json"  # in the vault's .netnotes/cache/

Warn = Callable[[str], None]


class Targets(Protocol):
    """Where each wikilink target points, by ref key (``bodies.wikilink_table``)."""

    def get(self, ref_key: str, /) -> tuple[str, str] | None: ...


WORDING = Wording(
    "the render cache",
    unread="building without the cache",
    corrupt="every note is rendered afresh",
    unsaved="the next build renders every note again",
)


@dataclass(slots=True)
class BodyCache:
    """The cached HTML by key, and the file it is kept in (None: no cache this build).

    ``netnotes serve`` keeps one for its whole run (``site.build.Kept``): a rebuild reads no
    file, and the key of a body without wikilinks is found by its text without hashing it."""

    file: CacheFile | None
    secret: bytes
    salt: str
    entries: dict[str, Markup]
    known: dict[tuple[str, str], str] = field(default_factory=dict)  # (footnote prefix, body) -> key
    remember: bool = False  # keep ``known`` for the next call (a cache kept in memory)
    _salted: hashlib.blake2b | None = field(default=None, init=False, repr=False)

    @classmethod
    def open(cls, folder: Path | None, warn: Warn) -> BodyCache:
        """The cache in ``folder`` (None: none); one that cannot be used is empty and not saved."""
        secret = user_secret(warn) if folder is not None else None
        if folder is None or secret is None:
            return cls(None, b"", _salt(), {})
        file, entries = CacheFile.read(folder / CACHE_FILE, WORDING, warn)
        if not file.usable:  # unreadable: leave it alone this time
            return cls(None, secret, _salt(), {})
        # str.__new__ is what Markup(v) comes to for a str, without its checks: 115,000 bodies
        return cls(file, secret, _salt(), {k: str.__new__(Markup, v) for k, v in entries.items()})

    @property
    def usable(self) -> bool:
        return self.file is not None

    def key(self, body: str, doc_id: str, links: Targets) -> str:
        """What a body's HTML depends on: its text, its footnote prefix, where its wikilinks
        point (``links``: by ref key), and the versions of the renderers; a MAC (keyed BLAKE2b)
        under the user's secret, so only this user's builds make keys that match."""
        if self._salted is None:  # the keyed state after the salt, copied for each body
            self._salted = hashlib.blake2b(f"{self.salt}\0".encode(), key=self.secret[:64], digest_size=32)
        digest = self._salted.copy()
        digest.update(f"{doc_id}\0{body}".encode())
        if "[[" in body:
            for match in WIKILINK_RE.finditer(body):
                target = wikilink_target(match.group(1))
                digest.update(f"\0{target}\0{links.get(key(target))!r}".encode())
        return digest.hexdigest()

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

    def save(self, used: Mapping[str, Markup], warn: Warn) -> None:
        """Keep ``used`` (the HTML of every body the build showed, by key) and forget what no
        build uses any more (``cache_file``: new entries are added in place), never failing
        the build: a read-only vault just goes without a cache."""
        if self.file is None:
            self.entries = dict(used)  # kept in memory alone: only what the vault uses
            return
        self.file.save(used, warn)
        if len(self.entries) > len(self.file.keys):  # written anew: memory forgets the unused too
            self.entries = {k: self.entries[k] for k in self.file.keys if k in self.entries}


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
