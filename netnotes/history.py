"""Reading the vault's git history of ``contacts/``: each contact's company and role, commit by commit.

This is the data the contract's rule 11 (career moves) is decided from; ``moves.py`` decides.
The history is HEAD's first-parent chain, oldest first. A contact is followed by its id (the
file name without ``.md``, case-folded), so a note moved between folders stays one contact.
Each version is read with the project's own note parser; a version that cannot be read is
skipped, so the last readable values carry on.

A cloned vault is untrusted, and so is its repository's ``.git/config``. ``git`` is run
read-only (``GIT_OPTIONAL_LOCKS=0``), with a minimal environment (never the user's, so never a
passphrase), no system or global config, every setting that could make the three commands used
here (``rev-parse``, ``log``, ``cat-file``) run a program overridden on the command line
(hooks, fsmonitor, external diff, textconv, signature checks, pagers, any transport for a lazy
fetch), and a timeout. The ``git`` command was measured against dulwich (pure Python) on a
generated history of 10,000 contacts over 5,000 commits: see ``benchmarks/README.md``.

What was read is cached in the vault's ``.netnotes/cache/history.json`` (JSON, validated when
read, never a pickle) by HEAD's commit id: a run with no new commit runs only ``git rev-parse``,
a run after k new commits reads only those, and a rewritten history is read in full again.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .discover import conflict_copy_of
from .fields import FieldReader
from .fsio import stays_inside
from .notes import MAX_NOTE_BYTES, parse_note

CONTACTS = "contacts/"
CACHE_FILE = Path(".netnotes") / "cache" / "history.json"  # in the vault's cache folder
CACHE_FORMAT = 1
TIMEOUT = 120.0  # seconds for one whole read; a repository that makes git hang gives no history

# Settings a repository's own config could use to run a program or change what the commands
# print. Command-line -c wins over every config file.
SAFE_CONFIG = (
    "core.hooksPath=/dev/null",
    "core.fsmonitor=false",
    "core.pager=cat",
    "diff.external=",
    "log.showSignature=false",  # else log runs gpg.program to verify signed commits
    "log.showRoot=true",  # the first commit's notes are its additions
    "log.mailmap=false",
    "color.ui=false",
    "protocol.allow=never",  # a partial clone would fetch missing objects (ssh, helpers...)
)
ENVIRONMENT = {
    "LANG": "C",
    "LC_ALL": "C",
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_OPTIONAL_LOCKS": "0",
    "GIT_TERMINAL_PROMPT": "0",
    "GIT_PAGER": "cat",
    "GIT_NO_REPLACE_OBJECTS": "1",
    "GIT_LITERAL_PATHSPECS": "1",
    "GIT_ATTR_NOSYSTEM": "1",
    "GIT_NO_LAZY_FETCH": "1",
    "GIT_PROTOCOL_FROM_USER": "0",
}
LOG_OPTIONS = (
    "--first-parent",
    "--diff-merges=first-parent",
    "--raw",
    "-z",
    "--no-renames",
    "--no-abbrev",
    "--no-relative",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-show-signature",
    "--no-notes",
    "--no-mailmap",
    f"-O{os.devnull}",  # no diff.orderFile of the repository's choosing (it could be a FIFO)
    "--format=%x01%H %P %at",
)
_HEX = re.compile(r"[0-9a-f]{40}(?:[0-9a-f]{24})?")
_REGULAR = (b"100644", b"100755")

Warn = Callable[[str], None]


@dataclass(frozen=True, slots=True)
class Version:
    """A contact's company and role as one commit left them (only versions that changed them)."""

    commit: str
    order: int  # the commit's position in history, oldest first
    timestamp: int  # the author date, seconds since the epoch
    added: bool  # the commit added the note: there was no version before
    company: str | None
    role: str | None


@dataclass(frozen=True, slots=True)
class History:
    head: str
    versions: dict[str, tuple[Version, ...]]  # by contact id, in history order (oldest first)


class GitFailed(Exception):
    """git could not be run or said no: no history, and no error for the user (rule 11)."""


def read_history(vault_root: str | os.PathLike[str], warn: Warn, cache: bool = True) -> History | None:
    """The history of the vault's contacts, or None when there is none to read (no git, not a
    git work tree, an empty repository, or git failing)."""
    root = Path(vault_root)
    git = shutil.which("git")
    if git is None:
        return None
    # a cache folder that a link leads outside the vault (a cloned vault can make one) is
    # neither read nor written: ``build`` says so; a command goes without it
    cache = cache and stays_inside(root, (root / CACHE_FILE).parent)
    runner = _Git(git, root)
    try:
        head = runner.head()
        if head is None:
            return None
        shallow, prefix, commit = head
        key = {"prefix": prefix, "shallow": shallow}
        cached = _read_cache(root / CACHE_FILE, key, warn) if cache else None
        if cached is not None and cached.head == commit:
            return cached.history()
        replay = None
        if cached is not None and runner.follows(cached.head, commit):
            replay = cached
            replay.read(runner, prefix, f"{cached.head}..{commit}")
        if replay is None:
            replay = _Replay(commit)
            replay.read(runner, prefix, commit)
        replay.head = commit
    except GitFailed as err:
        if str(err):
            warn(f"cannot read the git history of contacts/: {err}; no career moves this time")
        return None
    if cache:
        _write_cache(root / CACHE_FILE, key, replay, warn)
    return replay.history()


# -- running git


class _Git:
    def __init__(self, git: str, root: Path) -> None:
        self.git = git
        self.root = root
        self.deadline = time.monotonic() + TIMEOUT
        self.env = {"PATH": os.environ.get("PATH", os.defpath), **ENVIRONMENT}
        if "SYSTEMROOT" in os.environ:  # Windows cannot start a process without it
            self.env["SYSTEMROOT"] = os.environ["SYSTEMROOT"]

    def argv(self, *args: str) -> list[str]:
        config = [part for setting in SAFE_CONFIG for part in ("-c", setting)]
        return [self.git, *config, *args]

    def run(self, *args: str, quiet: bool = False) -> bytes:
        try:
            done = subprocess.run(
                self.argv(*args),
                cwd=self.root,
                env=self.env,
                stdin=subprocess.DEVNULL,
                capture_output=True,
                timeout=max(0.1, self.deadline - time.monotonic()),
                check=False,
            )
        except subprocess.TimeoutExpired:
            raise GitFailed(f"git took more than {TIMEOUT:.0f} s") from None
        except OSError as err:
            raise GitFailed("" if quiet else f"cannot run git: {err.strerror or err}") from None
        if done.returncode != 0:
            raise GitFailed("" if quiet else _first_line(done.stderr))
        return done.stdout

    def head(self) -> tuple[str, str, str] | None:
        """(the shallow clone's boundary, the vault's folder in the repository, HEAD's commit),
        or None outside a work tree or before the first commit. The boundary is a digest of
        ``.git/shallow`` ('' for a full clone): deepening a clone changes what can be read."""
        try:
            out = self.run("rev-parse", "--git-path", "shallow", "--show-prefix", "HEAD", quiet=True)
        except GitFailed:
            return None
        lines = out.decode("utf-8", "surrogateescape").split("\n")
        if len(lines) < 3 or not _HEX.fullmatch(lines[2]):
            return None
        return _digest(self.root / lines[0]), lines[1], lines[2]

    def follows(self, old: str, new: str) -> bool:
        """Whether ``old`` is on ``new``'s first-parent chain (else history was rewritten)."""
        try:
            out = self.run("rev-list", "--first-parent", "--parents", f"{old}..{new}", quiet=True)
        except GitFailed:
            return False
        rows = [line.split(" ") for line in out.decode("ascii", "replace").splitlines()]
        return bool(rows) and len(rows[-1]) > 1 and rows[-1][1] == old

    def blobs(self, ids: list[str]) -> Iterator[tuple[str, bytes | None]]:
        """Each blob's content (None when missing or too large to be a note), in order."""
        if not ids:
            return
        try:
            proc = subprocess.Popen(
                self.argv("cat-file", "--batch", "--buffer"),
                cwd=self.root,
                env=self.env,
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                stderr=subprocess.DEVNULL,
            )
        except OSError as err:
            raise GitFailed(f"cannot run git: {err.strerror or err}") from None
        assert proc.stdin is not None and proc.stdout is not None
        stdin, stdout = proc.stdin, proc.stdout

        def feed() -> None:
            with contextlib.suppress(OSError, ValueError):
                stdin.write("".join(f"{i}\n" for i in ids).encode("ascii"))
                stdin.close()

        timer = threading.Timer(max(0.1, self.deadline - time.monotonic()), proc.kill)
        writer = threading.Thread(target=feed, daemon=True)
        timer.start()
        writer.start()
        try:
            for _ in ids:
                header = stdout.readline().split()
                if len(header) < 2:
                    raise GitFailed(_stopped(timer))
                blob = header[0].decode("ascii", "replace")
                if len(header) != 3:  # "<id> missing": not in this clone (shallow or partial)
                    yield blob, None
                    continue
                try:
                    size = int(header[2])
                except ValueError:
                    raise GitFailed("git cat-file printed something unexpected") from None
                if header[1] != b"blob" or size > MAX_NOTE_BYTES:
                    _skip(stdout, size + 1)
                    yield blob, None
                    continue
                data = stdout.read(size + 1)
                if len(data) != size + 1:
                    raise GitFailed(_stopped(timer))
                yield blob, data[:-1]
        finally:
            timer.cancel()
            proc.kill()
            proc.wait()
            stdout.close()
            writer.join()


def _digest(path: Path) -> str:
    try:
        if not path.is_file():  # never open a FIFO or device a repository put there
            return ""
        with path.open("rb") as f:
            return hashlib.sha256(f.read(MAX_NOTE_BYTES)).hexdigest()
    except OSError:
        return ""


def _stopped(timer: threading.Timer) -> str:
    return "git cat-file stopped early" if timer.is_alive() else f"git took more than {TIMEOUT:.0f} s"


def _skip(stream: Any, count: int) -> None:
    while count > 0:
        chunk = stream.read(min(count, 1 << 20))
        if not chunk:
            return
        count -= len(chunk)


def _first_line(stderr: bytes) -> str:
    text = stderr.decode("utf-8", "replace").strip()
    return text.splitlines()[0] if text else "git failed"


# -- following contacts through the log


@dataclass(frozen=True, slots=True)
class _Change:
    """One commit's change to one contact note file: its new blob ('' when deleted)."""

    path: str  # vault-relative
    blob: str  # '' when the file is gone after the commit


@dataclass(frozen=True, slots=True)
class _Commit:
    commit: str
    timestamp: int
    changes: tuple[_Change, ...]


def contact_id(path: str) -> str | None:
    """The contact id of vault-relative ``path`` when it is a contact note, else None (hidden
    files and folders, other files, sync tools' conflict copies are not notes)."""
    if not path.startswith(CONTACTS):
        return None
    parts = path.split("/")
    name = parts[-1]
    if any(p.startswith(".") or not p for p in parts) or not name.lower().endswith(".md"):
        return None
    if conflict_copy_of(name) is not None:
        return None
    return name[:-3].casefold()


def parse_log(out: bytes, prefix: str) -> list[_Commit]:
    """``git log -z --raw --format=%x01%H %P %at`` output -> commits, oldest first, with their
    changes to contact notes (paths made relative to the vault)."""
    commits: list[_Commit] = []
    tokens = out.split(b"\0")
    header: list[str] | None = None
    changes: list[_Change] = []
    i = 0

    def close() -> None:
        if header is not None and _HEX.fullmatch(header[0]):
            try:
                timestamp = int(header[-1]) if len(header) > 1 else 0
            except ValueError:
                timestamp = 0
            commits.append(_Commit(header[0], timestamp, tuple(changes)))

    while i < len(tokens):
        token = tokens[i].lstrip(b"\n")
        i += 1
        if token.startswith(b"\x01"):
            close()
            header, changes = token[1:].decode("ascii", "replace").split(" "), []
        elif token.startswith(b":") and i < len(tokens):
            path = tokens[i].decode("utf-8", "surrogateescape")
            i += 1
            meta = token[1:].split(b" ")
            if len(meta) != 5 or not path.startswith(prefix):
                continue
            rel = path[len(prefix) :]
            if contact_id(rel) is None:
                continue
            _, new_mode, _, new_blob, _ = meta
            blob = new_blob.decode("ascii") if new_mode in _REGULAR else ""
            changes.append(_Change(rel, blob))
    close()
    commits.reverse()
    return commits


def job_of(data: bytes, path: str) -> tuple[str | None, str | None] | None:
    """(company, role) of one version of a contact note, read as the loader reads them; None
    when its front matter cannot be read."""
    note = parse_note(data, path)
    if note.fields is None:
        return None
    read = FieldReader(path, note.fields, [])
    return read.text("company"), read.text("role")


@dataclass
class _Replay:
    """Following contacts commit by commit: where each one's note is, and its versions."""

    head: str
    commits: int = 0  # commits applied so far
    paths: dict[str, list[str]] = field(default_factory=dict)  # contact id -> its note file(s) now
    versions: dict[str, list[Version]] = field(default_factory=dict)

    def read(self, git: _Git, prefix: str, revisions: str) -> None:
        out = git.run("log", *LOG_OPTIONS, revisions, "--", CONTACTS)
        commits = parse_log(out, prefix)
        wanted = sorted({c.blob for commit in commits for c in commit.changes if c.blob})
        jobs: dict[str, tuple[str | None, str | None] | None] = {}
        paths = {c.blob: c.path for commit in commits for c in commit.changes if c.blob}
        for blob, data in git.blobs(wanted):
            jobs[blob] = None if data is None else job_of(data, paths.get(blob, "contacts/?.md"))
        for commit in commits:
            self.apply(commit, jobs)

    def apply(self, commit: _Commit, jobs: dict[str, tuple[str | None, str | None] | None]) -> None:
        order = self.commits
        self.commits += 1
        touched: dict[str, list[_Change]] = {}
        for change in commit.changes:
            cid = contact_id(change.path)
            assert cid is not None
            touched.setdefault(cid, []).append(change)
        for cid in sorted(touched):
            before = self.paths.get(cid, [])
            now = set(before)
            for change in touched[cid]:
                if change.blob:
                    now.add(change.path)
                else:
                    now.discard(change.path)
            if not now:
                self.paths.pop(cid, None)
                continue  # deleted (or moved out of contacts/): no move
            self.paths[cid] = sorted(now)
            written = sorted((c.path, c.blob) for c in touched[cid] if c.blob)
            if not written:
                continue  # one of two files with this id was deleted: the other is unchanged
            job = jobs.get(written[0][1])
            if job is None:
                continue  # unreadable: the last readable values carry on
            versions = self.versions.setdefault(cid, [])
            if versions and (versions[-1].company, versions[-1].role) == job:
                continue  # company and role as they were (another field changed, or a pure move)
            versions.append(Version(commit.commit, order, commit.timestamp, not before, *job))

    def history(self) -> History:
        return History(self.head, {cid: tuple(self.versions[cid]) for cid in sorted(self.versions)})


# -- the cache


def _read_cache(path: Path, key: dict[str, Any], warn: Warn) -> _Replay | None:
    try:
        text = path.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError):  # none yet (saving it says why, if it cannot)
        return None
    except (OSError, ValueError) as err:
        warn(f"cannot read the history cache {path}: {_cause(err)}; reading the git history in full")
        return None
    try:
        replay = _from_json(json.loads(text), key)
    except (ValueError, TypeError, KeyError, AttributeError):
        warn(f"ignored the history cache {path}: it is corrupt; reading the git history in full")
        return None
    return replay


def _from_json(data: Any, key: dict[str, Any]) -> _Replay | None:
    """The cached replay, or None when it was made for another place or depth of clone; raises
    on anything that is not exactly what ``_to_json`` writes."""
    if not isinstance(data, dict) or data["format"] != CACHE_FORMAT:
        raise ValueError("format")
    if data["key"] != key:
        return None
    head = data["head"]
    if not isinstance(head, str) or not _HEX.fullmatch(head):
        raise ValueError("head")
    commits = data["commits"]
    if type(commits) is not int or commits < 0:
        raise ValueError("commits")
    replay = _Replay(head, commits)
    for cid, paths in _items(data["paths"]):
        if type(paths) is not list or not paths:
            raise ValueError("paths")
        for path in paths:
            if type(path) is not str or not path.startswith(CONTACTS):
                raise ValueError("path")
        replay.paths[cid] = paths
    for cid, rows in _items(data["versions"]):
        if not isinstance(rows, list):
            raise ValueError("versions")
        replay.versions[cid] = [_version(row, commits) for row in rows]
    return replay


def _items(value: Any) -> list[tuple[str, Any]]:
    if not isinstance(value, dict):
        raise ValueError("not a mapping")
    return list(value.items())


def _version(row: Any, commits: int) -> Version:
    if type(row) is not list or len(row) != 6:
        raise ValueError("version")
    commit, order, timestamp, added, company, role = row
    if (
        type(commit) is not str
        or not _HEX.fullmatch(commit)
        or type(order) is not int
        or not 0 <= order < commits
        or type(timestamp) is not int
        or type(added) is not bool
        or (company is not None and type(company) is not str)
        or (role is not None and type(role) is not str)
    ):
        raise ValueError("version")
    return Version(commit, order, timestamp, added, company, role)


def _to_json(replay: _Replay, key: dict[str, Any]) -> dict[str, Any]:
    return {
        "format": CACHE_FORMAT,
        "key": key,
        "head": replay.head,
        "commits": replay.commits,
        "paths": replay.paths,
        "versions": {
            cid: [[v.commit, v.order, v.timestamp, v.added, v.company, v.role] for v in versions]
            for cid, versions in sorted(replay.versions.items())
        },
    }


def _write_cache(path: Path, key: dict[str, Any], replay: _Replay, warn: Warn) -> None:
    """Atomically, and never failing the command: a read-only vault just goes without a cache."""
    tmp: str | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(_to_json(replay, key), f, separators=(",", ":"))  # ASCII: any file name round-trips
        os.replace(tmp, path)
        tmp = None
    except OSError as err:
        warn(f"cannot save the history cache {path}: {_cause(err)}; the next run reads the git history again")
    finally:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)


def _cause(err: Exception) -> str:
    if isinstance(err, OSError):
        return err.strerror or str(err) or type(err).__name__
    return "not UTF-8"


def local_date(timestamp: int) -> dt.date | None:
    """The author date in the local time zone; None for a timestamp no calendar holds."""
    try:
        return dt.datetime.fromtimestamp(timestamp).date()
    except (OverflowError, OSError, ValueError):
        return None
