"""Writing the site safely: built aside, swapped in whole, never over someone else's folder.

A build writes into a fresh staging folder and only at the very end puts it in place of the
output folder, in one atomic exchange where the system offers one (Linux ``renameat2``), else
in two renames that the next build can undo if it was cut between them. So a crash, Ctrl-C or
SIGKILL at any moment leaves the previous site whole.

Folders the tool made carry a marker file. An existing non-empty folder without it is refused,
and only marked folders and the tool's own staging folders are ever deleted. A folder of the
vault's own (notes, theme, git) or one holding notes is refused even when empty or marked: the
next build would replace it whole. When the output is inside the vault, staging folders live in
the vault's ``.netnotes/`` (git-ignored), so a build writes nothing else in the vault.
"""

from __future__ import annotations

import contextlib
import errno
import functools
import hashlib
import os
import re
import shutil
import signal
import stat
import tempfile
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from .. import notecache
from ..discover import CONFIG_FILE, KINDS
from ..fsio import exchange, reason, stays_inside
from .theme import THEME_DIR

MARKER = ".netnotes-site"
MARKER_TEXT = (
    "This folder was made by `netnotes build`. Every build replaces it whole;\ndo not keep your own files here.\n"
)
STAGING_MARKER = ".netnotes-staging"
CACHE_DIR = ".netnotes"  # in the vault
BUILD_DIR = "build"  # under CACHE_DIR: staging folders of outputs inside the vault

VAULT_FOLDERS = (*KINDS, THEME_DIR, ".git")  # never an output, nor anything inside them
SITE_STATIC = "static"  # the theme's files, which may include Markdown: not notes

_SAFE_PART_RE = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
# What os.link fails with where a file system has no hard links (FAT, some network shares)
# or across devices: then the file is copied.
_NO_LINKS = frozenset({errno.EXDEV, errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS})


class OutputRefused(Exception):
    """The output folder cannot be used; the message says why and what to do (exit 2)."""


class SiteWriteError(OSError):
    """Writing the site failed (permissions, a full disk, a read-only folder); the message names
    the output folder, the cause and the path, and the previous site is still in place (exit 2)."""


def _write_failure(out: Path, err: OSError) -> SiteWriteError:
    cause = reason(err)
    where = f" ('{os.fsdecode(err.filename)}')" if err.filename is not None else ""
    return SiteWriteError(f"cannot write the site to '{out}': {cause}{where}; the previous site is left as it was")


Transform = Callable[[str, bytes], list[tuple[str, bytes]]]
Stamp = tuple[int, int, int, int]  # a site file's (size, mtime_ns, ctime_ns, inode), as notes have one
Proof = tuple[int, int, int]  # (size, mtime_ns, inode) of a staged file whose bytes were proven


def stamp_of(info: os.stat_result) -> Stamp:
    return (info.st_size, info.st_mtime_ns, info.st_ctime_ns, info.st_ino)


def file_digest(path: str | Path) -> str:
    """The SHA-256 of the file at ``path`` (tests count the calls)."""
    with open(path, "rb") as file:
        return hashlib.file_digest(file, "sha256").hexdigest()


def settled_digest(path: str, info: os.stat_result) -> tuple[str, bool]:
    """The SHA-256 of the file at ``path``, whose ``lstat`` was ``info``, and whether its stamp
    proves those bytes from now on: its mtime had settled (``notecache.RACY_NS``, git's "racy
    clean" rule) before they were read, so any later write moves it. "" (and False) when the
    file was written to while it was read: not the file it was."""
    now = notecache.now_ns()  # before the bytes are read: a later write moves the mtime past it
    digest = file_digest(path)
    after = os.lstat(path)
    if (after.st_size, after.st_mtime_ns) != (info.st_size, info.st_mtime_ns):
        return "", False
    return digest, info.st_mtime_ns + notecache.RACY_NS <= now


class Staging:
    """The folder a build writes into; ``write`` takes '/'-separated paths made of safe parts.

    A ``transform`` (``build --encrypt``'s sealer) turns each file written into the files that
    are really stored: (path, bytes) pairs, none to leave the file out.

    ``digests`` holds the SHA-256 of every file stored, by the path it is stored at (after the
    transform): the next build's manifest (``site.manifest``) compares them with the files it
    finds in the site. ``adopt`` works on stored files too: a file taken from the current site
    is already in its stored form.

    ``proofs`` holds, for the files taken from the current site, the (size, mtime_ns, inode)
    they had when their bytes were proven: hashed after their mtime had settled (``RACY_NS``
    before, git's "racy clean" rule), or taken by a stamp that was. Any later write moves the
    mtime to the present, so a file that still shows it at the end of the build holds the
    proven bytes, and the manifest records its stamp (``Manifest.save``).

    A file this build wrote is proven by the bytes it wrote, once the site's marker is written
    after every file (``settle``): the same rule against the file system's own clock, with the
    marker's mtime for the present. A file whose mtime is older than the marker's cannot be
    written again without its mtime moving past its own, so the next build takes it by its
    stamp instead of reading it (at 10,000 contacts, 263 MB). Only a write into this private
    staging folder within the very clock tick the build wrote the file in could go unseen.
    """

    def __init__(self, folder: Path, transform: Transform | None = None) -> None:
        self.folder = folder
        self._root = os.fspath(folder)  # paths as text: a build takes 10,000 files by name
        self.transform = transform
        self._made: set[str] = {""}
        self.files = 0
        self.bytes = 0
        self.digests: dict[str, str] = {}
        self.proofs: dict[str, Proof] = {}
        self._adopted: set[str] = set()  # taken from the current site (proven by ``adopt``, or not)

    @property
    def adopted(self) -> frozenset[str]:
        """The files taken from the current site: each was accepted by ``adopt``'s caller."""
        return frozenset(self._adopted)

    def _target(self, relpath: str) -> str:
        parts = relpath.split("/")
        if not all(_SAFE_PART_RE.match(p) and ".." not in p for p in parts):
            raise ValueError(f"unsafe output path {relpath!r}")  # a bug: page names are slugs
        parent = "/".join(parts[:-1])
        if parent not in self._made:
            (self.folder / parent).mkdir(parents=True, exist_ok=True)
            self._made.add(parent)
        return f"{self._root}/{relpath}"

    def write(self, relpath: str, data: str | bytes) -> None:
        raw = data.encode("utf-8") if isinstance(data, str) else data
        if self.transform is None:
            self._store(relpath, raw)
            return
        for path, stored in self.transform(relpath, raw):
            self._store(path, stored)

    def _store(self, relpath: str, raw: bytes) -> None:
        with open(self._target(relpath), "wb") as file:
            file.write(raw)
        self.files += 1
        self.bytes += len(raw)
        self.digests[relpath] = hashlib.sha256(raw).hexdigest()

    def adopt(
        self, relpath: str, source: str, accept: Callable[[str], bool], known: tuple[str, Stamp] | None = None
    ) -> bool:
        """Put the file ``source`` (of the current site) in at ``relpath`` by hard link, or by
        copy where links are impossible, if ``accept`` takes the SHA-256 of its bytes; False
        (and nothing put in) when it does not or the file cannot be read. The staged file is
        what is checked, so a file changed under us is never taken for the one accepted.

        ``known`` is (SHA-256, stamp) as the manifest recorded them: when ``source`` has that
        very stamp and the link is the same inode with the same size and mtime, its bytes are
        not read again (any write since would have moved its times)."""
        target = self._target(relpath)
        proof: Proof | None = None
        try:
            info = os.lstat(source)
            if not stat.S_ISREG(info.st_mode):
                return False  # a symbolic link or a folder is no page of ours
            try:
                os.link(source, target)
            except OSError as err:
                if err.errno not in _NO_LINKS:
                    raise
                shutil.copyfile(source, target)
            staged = os.lstat(target)
            same = (staged.st_ino, staged.st_size, staged.st_mtime_ns) == (info.st_ino, info.st_size, info.st_mtime_ns)
            if known is not None and same and stamp_of(info) == known[1]:
                found, size = known[0], staged.st_size
                proof = (staged.st_size, staged.st_mtime_ns, staged.st_ino)
            else:
                found, settled = settled_digest(target, staged)
                size = staged.st_size
                if settled:
                    proof = (size, staged.st_mtime_ns, staged.st_ino)
        except OSError:
            found, size = "", 0
        if not found or not accept(found):
            with contextlib.suppress(OSError):
                os.unlink(target)
            return False
        self.files += 1
        self.bytes += size
        self.digests[relpath] = found
        self._adopted.add(relpath)
        if proof is not None:
            self.proofs[relpath] = proof
        return True

    def settle(self, marker_ns: int) -> None:
        """Prove the files this build wrote (their bytes are in ``digests``) whose mtime is
        older than ``marker_ns``, the mtime of a file written after all of them."""
        for relpath in self.digests.keys() - self._adopted:
            try:
                info = os.lstat(f"{self._root}/{relpath}")
            except OSError:
                continue
            if stat.S_ISREG(info.st_mode) and info.st_mtime_ns < marker_ns:
                self.proofs[relpath] = (info.st_size, info.st_mtime_ns, info.st_ino)


def check_output(out: Path, vault_root: Path) -> None:
    """Raise ``OutputRefused`` unless ``out`` is missing, empty, or a folder netnotes made, and
    is none of the vault's own folders (nor inside one) and holds no note."""
    out = Path(os.path.abspath(out))
    real_out = Path(os.path.realpath(out))
    real_vault = Path(os.path.realpath(vault_root))
    if real_vault.is_relative_to(real_out):
        raise OutputRefused(
            f"refusing to build into '{out}': it holds the vault itself; choose an output folder such as _site"
        )
    if Path(os.path.realpath(staging_parent(out, vault_root))).is_relative_to(real_out):
        raise OutputRefused(
            f"refusing to build into '{out}': it holds the folder netnotes builds in "
            f"({CACHE_DIR}/{BUILD_DIR}); choose an output folder such as _site"
        )
    folder = _vault_folder(real_out, real_vault)
    if folder is not None:
        where = "is" if real_out == real_vault / folder else "lies inside"
        raise OutputRefused(
            f"refusing to build into '{out}': it {where} the vault's {folder}/ folder, "
            "which a build would replace; choose an output folder such as _site"
        )
    if ".git" in real_out.parts:
        raise OutputRefused(
            f"refusing to build into '{out}': it lies inside a .git folder; choose an output folder such as _site"
        )
    if out.is_symlink():
        raise OutputRefused(
            f"refusing to build into '{out}': it is a symbolic link; give the folder it points to with --out"
        )
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputRefused(f"refusing to build into '{out}': it is a file, not a folder")
    marker = out / MARKER
    if marker.is_file() and not marker.is_symlink():
        held = _held_note(out)
        if held is not None:
            raise OutputRefused(
                f"refusing to build into '{out}': it holds '{held}', which a build "
                "would delete; move it out or choose another --out"
            )
        return
    if any(out.iterdir()):
        raise OutputRefused(
            f"refusing to build into '{out}': the folder is not empty and was not made by "
            f"netnotes (it has no {MARKER} file); choose another --out or empty it yourself"
        )


def _vault_folder(real_out: Path, real_vault: Path) -> str | None:
    """Which of the vault's own folders ``real_out`` is or lies in (both resolved), if any.

    Compared by name, and by identity where the folder exists, so ``Contacts`` on a file system
    that ignores case is the vault's ``contacts`` too.
    """
    if not real_out.is_relative_to(real_vault) or real_out == real_vault:
        return None
    top = real_out.relative_to(real_vault).parts[0]
    for name in VAULT_FOLDERS:
        if top == name:
            return name
        with contextlib.suppress(OSError):
            if os.path.samefile(real_vault / top, real_vault / name):
                return name
    return None


def _held_note(folder: Path) -> str | None:
    """The first note-like file under a marked output folder ('/'-separated), if any: a
    ``*.md`` (the site has none outside the theme's ``static/``) or a ``netnotes.yaml``."""
    for parent, dirs, files in os.walk(folder):
        rel = Path(parent).relative_to(folder)
        if rel == Path("."):
            dirs[:] = [d for d in dirs if d != SITE_STATIC]
        dirs.sort()
        for name in sorted(files):
            if name == CONFIG_FILE or name.lower().endswith(".md"):
                return (rel / name).as_posix()
    return None


def staging_parent(out: Path, vault_root: Path) -> Path:
    """Where the staging folder goes: the vault's .netnotes/build/ (for an output inside the
    vault, unless that leads outside it: a cloned vault can make .netnotes a link to a folder
    of the user's) or the output's parent."""
    out = Path(os.path.abspath(out))
    if stays_inside(vault_root, out.parent):
        inside = Path(os.path.abspath(vault_root)) / CACHE_DIR / BUILD_DIR
        if stays_inside(vault_root, inside):
            return inside
    return out.parent


@contextlib.contextmanager
def staged_output(
    out: Path, vault_root: Path, transform: Transform | None = None, later: list[Callable[[], None]] | None = None
) -> Iterator[Staging]:
    """Yield a ``Staging``; when the block ends without error, it becomes ``out`` whole.

    A failing write (here or in the block) raises ``SiteWriteError``; the caller's other
    errors pass through as they are. The site it replaced is removed before this returns, or,
    given ``later`` (``netnotes serve``, whose browsers reload as soon as the new site is in
    place), renamed to the staging parent's ``.<tag>.old`` and its removal appended to
    ``later``: a process killed before it runs leaves that folder, which the next build into
    ``out`` removes (``_recover``).
    """
    out = Path(os.path.abspath(out))
    check_output(out, vault_root)
    folder: Path | None = None
    try:
        parent = staging_parent(out, vault_root)
        parent.mkdir(parents=True, exist_ok=True)
        out.parent.mkdir(parents=True, exist_ok=True)
        tag = site_tag(out)
        _recover(out, parent, tag)
        check_output(out, vault_root)  # again: recovery may have put an old site back
        folder = Path(tempfile.mkdtemp(prefix=f".{tag}.tmp-{os.getpid()}-", dir=parent))
        (folder / STAGING_MARKER).write_text(str(out) + "\n", encoding="utf-8")
        staging = Staging(folder, transform)
        yield staging
        (folder / STAGING_MARKER).unlink()
        (folder / MARKER).write_text(MARKER_TEXT, encoding="utf-8")
        staging.settle(os.lstat(folder / MARKER).st_mtime_ns)
        with _signals_deferred():
            _swap_in(folder, out, parent / f".{tag}.old", later)
    except SiteWriteError:
        raise
    except OSError as err:
        raise _write_failure(out, err) from err
    finally:
        if folder is not None and folder.exists():
            shutil.rmtree(folder, ignore_errors=True)


def remove_stale_staging(out: Path, vault_root: Path) -> int:
    """Delete staging folders left by builds that died (their process is gone); how many."""
    out = Path(os.path.abspath(out))
    parent = staging_parent(out, vault_root)
    return _remove_dead_staging(parent, site_tag(out)) if parent.is_dir() else 0


def site_tag(out: Path) -> str:
    """A short name for staging folders: the output's name and a hash of its full path."""
    digest = hashlib.sha256(str(out).encode("utf-8")).hexdigest()[:8]
    name = re.sub(r"[^A-Za-z0-9_-]+", "-", out.name)[:40] or "site"
    return f"{name}-{digest}"


def _recover(out: Path, parent: Path, tag: str) -> None:
    """Undo a swap cut between its two renames, and clear dead builds' staging folders."""
    old = parent / f".{tag}.old"
    if old.is_dir() and (old / MARKER).is_file():
        if not out.exists():
            old.rename(out)
        else:
            shutil.rmtree(old)
    elif old.is_dir() and not old.is_symlink():
        with contextlib.suppress(OSError):
            old.rmdir()  # a replaced site whose removal was cut after its marker: empty
    _remove_dead_staging(parent, tag)


def _remove_dead_staging(parent: Path, tag: str) -> int:
    removed = 0
    pattern = re.compile(rf"^\.{re.escape(tag)}\.tmp-(\d+)-")
    for entry in sorted(parent.iterdir()):
        match = pattern.match(entry.name)
        if not match or entry.is_symlink():
            continue
        # a staging folder, or a site a dead build had already exchanged out of place
        if not ((entry / STAGING_MARKER).is_file() or (entry / MARKER).is_file()):
            continue
        if _alive(int(match.group(1))):
            continue  # another build (or `serve`) is still writing it
        shutil.rmtree(entry, ignore_errors=True)
        removed += 1
    return removed


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _swap_in(new: Path, out: Path, old: Path, later: list[Callable[[], None]] | None = None) -> None:
    """Put ``new`` in place of ``out``; the previous site is removed, or (given ``later``) left
    at ``old`` with its removal appended to ``later``."""
    if out.exists() and not (out / MARKER).is_file():
        out.rmdir()  # an empty folder of the user's (check_output refused a non-empty one)
    if not out.exists():
        new.rename(out)
        return
    if exchange(new, out):  # the previous site is at `new` now; the new one is in place
        if later is not None and _moved(new, old):
            later.append(functools.partial(_remove_site, old))
        else:
            shutil.rmtree(new, ignore_errors=True)
        return
    if old.exists():
        shutil.rmtree(old)
    out.rename(old)
    new.rename(out)  # a crash just before this line is undone by the next build's _recover
    if later is not None:
        later.append(functools.partial(_remove_site, old))
    else:
        shutil.rmtree(old, ignore_errors=True)  # the new site is in place: what is left is no failure


def _remove_site(folder: Path) -> None:
    """Remove the replaced site ``folder``, its marker last: cut short (a killed ``serve``), it
    is still a marked site the next build's ``_recover`` removes, or an empty folder. What
    cannot be removed is left, never a failure: the new site is in place."""
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if entry.name == MARKER:
                continue
            if entry.is_dir(follow_symlinks=False):
                shutil.rmtree(entry.path, ignore_errors=True)
            else:
                with contextlib.suppress(OSError):
                    os.unlink(entry.path)
        os.unlink(folder / MARKER)
        folder.rmdir()


def _moved(folder: Path, old: Path) -> bool:
    """Rename the previous site ``folder`` to ``old``, where the next build's ``_recover``
    finds it if this process dies before removing it; False when it cannot be."""
    try:
        if old.exists():
            shutil.rmtree(old)
        folder.rename(old)
    except OSError:
        return False
    return True


@contextlib.contextmanager
def _signals_deferred() -> Iterator[None]:
    """Hold Ctrl-C (and SIGTERM) until the swap is done, so it is never cut halfway."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    caught: list[int] = []
    handlers = {}
    for sig in (signal.SIGINT, signal.SIGTERM):
        handlers[sig] = signal.signal(sig, lambda signum, frame: caught.append(signum))
    try:
        yield
    finally:
        for sig, handler in handlers.items():
            signal.signal(sig, handler)
        if caught:
            signal.raise_signal(caught[0])
