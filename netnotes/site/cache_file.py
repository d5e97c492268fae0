"""A JSON object of cached text in the vault's ``.netnotes/cache/``, read whole and grown in place.

The search words and the calendar's events keep their entries here. Each
key is a MAC made by the caller under the user's secret (``fsio.user_key``, outside the vault),
so an entry is only ever found by the content it was made from: a cache shipped with a cloned
vault matches nothing. What this module adds is how the file changes: a build that only adds a
few entries writes those at the end of the file (the closing ``}`` overwritten, under an
exclusive ``flock``; readers take a shared one), not the whole file again; the file is written
anew only when it has no entries yet, cannot be grown in place, or holds more unused entries
than a quarter of those in use (a build after one edit leaves one unused entry, so a large
vault is rewritten once every few thousand edits, and the file never grows past 1.25 times
what the vault uses).

Nothing here fails a build: a file that cannot be read is said and left alone (``entries`` is
None), a corrupt one is said and written anew, one that cannot be written is said.
"""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ..fsio import WriteFailed, make_folders, reason, replace_file

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows: no locks; a torn read is a corrupt cache, said once
    fcntl = None  # type: ignore[assignment]  # checked before each use

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Wording:
    """How warnings name the cache and say what its loss costs."""

    name: str  # "the search words cache"
    unread: str  # after "cannot read ...: <reason>; "
    corrupt: str  # after "ignored ...: it is corrupt; "
    unsaved: str  # after "cannot save ...: <reason>; "


@dataclass(slots=True)
class CacheFile:
    """Which keys the file holds as this process knows it (to decide how to save); the
    caller keeps the values."""

    path: Path
    wording: Wording
    usable: bool = True  # False: unreadable, never written
    keys: set[str] = field(default_factory=set)
    identity: tuple[int, int] | None = None  # (device, inode) of the file read; None: none yet
    rewrite: bool = False  # the file is corrupt or torn: write it anew at the next save
    appends: int = field(default=0)  # in-place growths (tests count them)
    rewrites: int = field(default=0)  # whole-file writes (tests count them)

    @classmethod
    def read(cls, path: Path, wording: Wording, warn: Warn) -> tuple[CacheFile, dict[str, str]]:
        """The file at ``path`` and its entries (none when it cannot be read: then it is not
        written either, ``usable`` is False)."""
        cache = cls(path, wording)
        entries = cache._read(warn)
        if entries is None:
            cache.usable = False
            return cache, {}
        cache.keys = set(entries)
        return cache, entries

    def _read(self, warn: Warn) -> dict[str, str] | None:
        try:
            fd = os.open(self.path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except FileNotFoundError:
            return {}
        except OSError as err:
            warn(f"cannot read {self.wording.name} {self.path}: {reason(err)}; {self.wording.unread}")
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                warn(f"cannot read {self.wording.name} {self.path}: not a file; {self.wording.unread}")
                return None
            if fcntl is not None:
                try:
                    fcntl.flock(fd, fcntl.LOCK_SH)  # not while another build grows it
                except OSError:  # a file system without locks: never grown in place either
                    pass
            with os.fdopen(os.dup(fd), "rb") as f:
                data = f.read()
            self.identity = (info.st_dev, info.st_ino)
        except OSError as err:
            warn(f"cannot read {self.wording.name} {self.path}: {reason(err)}; {self.wording.unread}")
            return None
        finally:
            os.close(fd)
        try:
            parsed = json.loads(data.decode("utf-8"))
        except ValueError:  # not UTF-8, not JSON
            parsed = None
        if not isinstance(parsed, dict):
            warn(f"ignored {self.wording.name} {self.path}: it is corrupt; {self.wording.corrupt}")
            self.rewrite = True
            return {}
        entries = {k: v for k, v in parsed.items() if isinstance(k, str) and isinstance(v, str)}
        if len(entries) != len(parsed):
            bad = len(parsed) - len(entries)
            warn(f"ignored {bad} corrupt entr{'y' if bad == 1 else 'ies'} of {self.wording.name} {self.path}")
            self.rewrite = True
        return entries

    def save(self, used: Mapping[str, str], warn: Warn) -> None:
        """Make the file hold ``used`` (every entry the build used, by key) and at most a quarter
        as many others: the new ones are added in place when that keeps the bound, else the
        file is written anew with ``used`` alone. Nothing is written when nothing is new."""
        if not self.usable:
            return
        stored = self.keys
        new = {k: v for k, v in used.items() if k not in stored}
        unused = len(stored) + len(new) - len(used)
        if not new and not self.rewrite and unused <= len(used) // 4:
            return
        if not (new and not self.rewrite and stored and unused <= len(used) // 4 and self._grow(new)):
            self._replace(used, warn)

    def _grow(self, new: Mapping[str, str]) -> bool:
        """Add ``new`` at the end of the very file that was read; False when it cannot be (it
        was replaced meanwhile, does not end as this module ends it, or refuses the write)."""
        if fcntl is None:
            return False
        payload = json.dumps(new, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            fd = os.open(self.path, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0))
        except OSError:
            return False
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            info = os.fstat(fd)
            if (info.st_dev, info.st_ino) != self.identity or not stat.S_ISREG(info.st_mode) or info.st_size < 3:
                return False
            if os.pread(fd, 1, info.st_size - 1) != b"}":
                return False
            os.pwrite(fd, b"," + payload[1:], info.st_size - 1)  # `,"k":"v"...}` over the old `}`
        except OSError:
            return False
        finally:
            os.close(fd)
        self.keys.update(new)
        self.appends += 1
        return True

    def _replace(self, used: Mapping[str, str], warn: Warn) -> None:
        folder = self.path.parent
        data = json.dumps(dict(used), ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            make_folders(folder, self.path)
            replace_file(self.path, data, durable=False)  # lost on a crash: everything is made again
            info = os.stat(self.path, follow_symlinks=False)
        except WriteFailed as err:
            warn(f"cannot save {self.wording.name} {self.path}: {err.reason}; {self.wording.unsaved}")
            return
        except OSError:  # replaced meanwhile by another build: its file is as good
            info = None
        self.identity = (info.st_dev, info.st_ino) if info is not None else None
        self.keys = set(used)
        self.rewrite = False
        self.rewrites += 1
