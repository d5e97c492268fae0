"""Rendered note bodies kept between builds, in the vault's ``.netnotes/cache/``.

``netnotes serve`` rebuilds on every save; only the notes that changed are rendered again.
The cache holds HTML that goes into pages as it is, and it lives in the vault, which may have
come from someone else: its entries are keyed by an HMAC under a secret in the user's own
cache folder, never in the vault, so a crafted cache matches nothing. A cache that cannot be
read, made or saved, or that is corrupt, never fails a build: ``warn`` is told why, in one line,
and the notes are rendered afresh.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from .. import __version__
from ..fsio import USER_KEY, WriteFailed, make_folders, reason, replace_file, user_cache_folder, user_key
from ..refs import WIKILINK_RE, key, wikilink_target

CACHE_FILE = "bodies.json"  # in the vault's .netnotes/cache/

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class BodyCache:
    """The cached HTML by key, and where to save it (None: no cache this build)."""

    folder: Path | None
    secret: bytes
    salt: str
    entries: dict[str, str]

    @classmethod
    def open(cls, folder: Path | None, warn: Warn) -> BodyCache:
        """The cache in ``folder`` (None: none); one that cannot be used is empty and not saved."""
        secret = user_secret(warn) if folder is not None else None
        if secret is None:
            folder = None
        entries = _read_cache(folder, warn) if folder is not None else {}
        if entries is None:  # unreadable: leave it alone this time
            folder, entries = None, {}
        return cls(folder, secret or b"", _salt(), entries)

    def key(self, body: str, doc_id: str, links: Mapping[str, tuple[str, str]]) -> str:
        """What a body's HTML depends on: its text, its footnote prefix, where its wikilinks
        point (``links``: by ref key), and the versions of the renderers."""
        digest = hmac.new(self.secret, f"{self.salt}\0{doc_id}\0{body}".encode(), hashlib.sha256)
        if "[[" in body:
            for match in WIKILINK_RE.finditer(body):
                target = wikilink_target(match.group(1))
                digest.update(f"\0{target}\0{links.get(key(target))!r}".encode())
        return digest.hexdigest()

    def save(self, entries: dict[str, str], warn: Warn) -> None:
        """Replace the cache with ``entries`` (only what the vault uses: no growth), never
        failing the build: a read-only vault just goes without a cache."""
        if self.folder is None:
            return
        path = self.folder / CACHE_FILE
        data = json.dumps(entries, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            make_folders(self.folder, path)
            replace_file(path, data, durable=False)  # lost on a crash: the notes are rendered again
        except WriteFailed as err:
            warn(f"cannot save the render cache {path}: {err.reason}; the next build renders every note again")


def _salt() -> str:
    """What else the HTML depends on: the versions of netnotes and of the Markdown libraries."""
    parts = [f"netnotes {__version__}"]
    for package in ("markdown-it-py", "mdit-py-plugins"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} ?")
    return "\n".join(parts)


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


def _read_cache(folder: Path, warn: Warn) -> dict[str, str] | None:
    """The cached HTML by key: empty when there is none yet or it is corrupt (said), None when
    it cannot be read at all (said; then it is not written either)."""
    path = folder / CACHE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as err:
        warn(f"cannot read the render cache {path}: {reason(err)}; building without the cache")
        return None
    except ValueError:  # not UTF-8
        text = ""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        warn(f"ignored the render cache {path}: it is corrupt; every note is rendered afresh")
        return {}
    entries = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    if len(entries) != len(data):
        bad = len(data) - len(entries)
        warn(f"ignored {bad} corrupt entr{'y' if bad == 1 else 'ies'} of the render cache {path}")
    return entries
