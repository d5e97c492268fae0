"""Writing files safely: exclusive creation, atomic replacement, durable folders.

Every file netnotes writes goes through here. A new file is written to a hidden temporary
file in its folder, flushed to disk, and then hard-linked to its final name: ``os.link`` fails
when that name exists, so nothing is ever overwritten, and two writers racing for one name
both learn who won. Where hard links are not supported, ``O_CREAT | O_EXCL`` keeps the same
guarantee (without the atomicity). A replaced file is renamed over in one step, so a reader
sees the old file or the new one. A write the file system refuses (permissions, a read-only
folder, a full disk) raises ``WriteFailed`` naming the file, and leaves no temporary file
behind; ``make_folders`` and ``remove_folders`` let a caller take back the folders it made.
"""

from __future__ import annotations

import ctypes
import errno
import os
import stat
import tempfile
from collections.abc import Iterable, Sequence
from pathlib import Path

# What a link fails with when the folder or disk refuses, rather than hard links being unsupported.
_REFUSALS = (errno.EACCES, errno.ENOSPC, errno.EROFS, getattr(errno, "EDQUOT", errno.ENOSPC))


class WriteError(Exception):
    """A file cannot be written as asked; the message says why and what to do."""


class WriteFailed(WriteError):
    """The file system refused a write (permissions, a read-only folder, a full disk)."""

    def __init__(self, path: Path, err: OSError) -> None:
        self.path = path
        self.reason = reason(err)
        super().__init__(f"cannot write {path}: {self.reason}")


def reason(err: OSError) -> str:
    """What went wrong, in the system's words: ``Permission denied``, ``No space left on device``."""
    if err.strerror:
        return err.strerror
    if err.errno:
        return os.strerror(err.errno)
    return str(err) or type(err).__name__


def user_cache_folder() -> Path:
    """netnotes' folder in this user's own cache (``$XDG_CACHE_HOME/netnotes``, else
    ``~/.cache/netnotes``): what is kept there never comes with a vault someone else made."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "netnotes"


USER_KEY = "cache-key"  # in the user's cache folder: the secret that authenticates what netnotes caches


def user_key() -> bytes:
    """This user's secret for authenticating netnotes' caches, made once in their own cache
    folder (``user_cache_folder() / USER_KEY``). Raises ``WriteFailed`` when it cannot be made,
    and ``OSError`` when it cannot be read."""
    path = user_cache_folder() / USER_KEY
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    if len(data) >= 32:
        return data
    fresh = os.urandom(32)
    make_folders(path.parent, path)
    if data:  # too short to be one this function wrote: made anew (what it signed is dropped)
        replace_file(path, fresh)  # a new file is private to its owner
        return fresh
    # Two first runs at once: the first key made is everyone's, so what one run signs the
    # other can check (a key written over would make the other's snapshot look forged).
    if create_file(path, fresh):  # linked from a private temporary file: private too
        return fresh
    data = path.read_bytes()
    if len(data) >= 32:
        return data
    replace_file(path, fresh)
    return fresh


def is_inside(real_root: str, real: str) -> bool:
    """Whether the resolved path ``real`` is the resolved folder ``real_root`` or lies below it."""
    return real == real_root or real.startswith(real_root + os.sep)


def stays_inside(root: str | os.PathLike[str], path: str | os.PathLike[str]) -> bool:
    """Whether ``path``, its links followed, is the folder ``root`` or lies below it: not a
    folder of a vault's that a link (a cloned vault can carry one) leads elsewhere."""
    return is_inside(os.path.realpath(root), os.path.realpath(path))


# ---------------------------------------------------------------------------------------------
# Folders


def make_folders(folder: Path, intended: Path, private: bool = False) -> list[Path]:
    """Create ``folder`` and its missing parents; returns those created, outermost first.
    ``private``: those it creates are readable by their owner only (a cache of the notes).

    A refusal is reported as a failed write of ``intended`` (the file the folder is for), and
    the folders made so far are removed again.
    """
    missing = []
    for parent in (folder, *folder.parents):
        if parent.is_dir():
            break
        missing.append(parent)
    made: list[Path] = []
    for path in reversed(missing):
        try:
            os.mkdir(path)
            if private:
                os.chmod(path, 0o700)  # whatever the umask
        except FileExistsError:
            if path.is_dir():  # made meanwhile by another writer
                continue
            remove_folders(made)
            raise WriteFailed(intended, FileExistsError(errno.EEXIST, f"{path} is not a folder")) from None
        except OSError as err:
            remove_folders(made)
            raise WriteFailed(intended, err) from None
        made.append(path)
    return made


def remove_folders(made: list[Path]) -> None:
    """Undo ``make_folders`` as far as the folders are still empty."""
    for path in reversed(made):
        try:
            os.rmdir(path)
        except OSError:
            pass


def sync_folder(folder: Path) -> None:
    """Make a new directory entry durable; not possible (nor needed) everywhere."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


# ---------------------------------------------------------------------------------------------
# Files


def create_file(path: Path, data: bytes) -> bool:
    """Write a new file at ``path`` in one step (temporary file, then link); False when ``path``
    exists, which is left as it was."""
    return create_first_free(path.parent, [path.name], data, path) is not None


def create_first_free(
    folder: Path, names: Iterable[str], data: bytes, intended: Path, durable: bool = True
) -> Path | None:
    """Write ``data`` as the first of ``names`` in ``folder`` that does not exist yet; its path,
    or None when every name is taken. Nothing is ever overwritten; a refusal is reported as a
    failed write of ``intended``. ``durable=False`` leaves flushing to the disk to the caller
    (``sync_filesystem`` once after many files): the write is just as atomic and exclusive."""
    tmp = _write_aside(folder, data, intended, durable)
    try:
        for name in names:
            final = folder / name
            if _link_or_create(tmp, final, data):
                if durable:
                    sync_folder(folder)
                return final
        return None
    finally:
        _remove(tmp)


def replace_file(path: Path, data: bytes, durable: bool = True) -> None:
    """Replace ``path`` with ``data`` in one step: a reader sees the old file or the new one.

    A file replaced keeps its permission bits; a new one is private to its owner. ``durable``
    flushes the file and its folder to disk first; a cache that is rebuilt when lost skips it.
    """
    tmp = _write_aside(path.parent, data, path, durable)
    try:
        try:
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        except FileNotFoundError:
            pass
        os.replace(tmp, path)
    except OSError as err:
        raise WriteFailed(path, err) from None
    finally:
        _remove(tmp)
    if durable:
        sync_folder(path.parent)


def sync_filesystem(path: Path) -> None:
    """Flush to disk every file written to ``path``'s file system: one call after writing
    thousands of notes without ``durable``, rather than two flushes a note. Linux's syncfs does
    that file system only; elsewhere ``os.sync`` flushes them all."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        syncfs = libc.syncfs
        fd = os.open(path, os.O_RDONLY)
    except (OSError, AttributeError):
        if hasattr(os, "sync"):
            os.sync()
        return
    try:
        syncfs.argtypes = [ctypes.c_int]
        syncfs(fd)
    finally:
        os.close(fd)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths atomically with Linux renameat2; False where that is not available."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    renameat2.restype = ctypes.c_int
    done = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE)
    if done == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EXDEV, errno.ENOTSUP, errno.EPERM):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _remove(path: Path | str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass


def _fill(fd: int, path: Path | str, data: bytes, intended: Path, durable: bool = True) -> None:
    """All of ``data`` into the new file ``path`` open as ``fd``, then to the disk (a full disk
    may only say so at fsync), and close it; when that fails, the file is removed again."""
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
            if durable:
                os.fsync(fd)
        finally:
            os.close(fd)
    except OSError as err:
        _remove(path)
        raise WriteFailed(intended, err) from None


def _write_aside(folder: Path, data: bytes, intended: Path, durable: bool = True) -> str:
    """A hidden temporary file in ``folder`` holding ``data``, flushed to disk; its path."""
    try:
        fd, tmp = tempfile.mkstemp(prefix=".netnotes-", suffix=".tmp", dir=folder)
    except OSError as err:
        raise WriteFailed(intended, err) from None
    _fill(fd, tmp, data, intended, durable)
    return tmp


def _link_or_create(tmp: str, final: Path, data: bytes) -> bool:
    """Give the temporary file its final name, which must not exist yet; False when it does."""
    try:
        os.link(tmp, final)
        return True
    except FileExistsError:
        return False
    except (OSError, AttributeError, NotImplementedError) as err:
        if isinstance(err, OSError) and err.errno in _REFUSALS:
            raise WriteFailed(final, err) from None
    # e.g. FAT or some network file systems: no hard links
    return _create_exclusive(final, data)


def _create_exclusive(path: Path, data: bytes) -> bool:
    """Create ``path`` only if it does not exist; False when it does. A failed write removes it."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except FileExistsError:
        return False
    except OSError as err:
        raise WriteFailed(path, err) from None
    _fill(fd, path, data, path)
    return True


# ---------------------------------------------------------------------------------------------
# Replacing many files at once


def write_aside_all(files: Sequence[tuple[Path, bytes]], workers: int = 16) -> list[Path]:
    """The first half of replacing many files: for each ``(path, data)``, a hidden temporary file
    beside ``path`` holding ``data`` with ``path``'s permission bits, flushed to disk; their paths,
    in order. ``put_in_place`` is the second half.

    The flushes run in threads, so the file system commits many of them together (one journal
    commit for a batch rather than one a file: replacing 1,000 notes one by one spends seconds
    in fsync). If one fails, the temporary files written are removed and ``WriteFailed`` raised.
    """

    def aside(item: tuple[Path, bytes]) -> str:
        path, data = item
        tmp = _write_aside(path.parent, data, path)
        try:
            os.chmod(tmp, stat.S_IMODE(os.stat(path).st_mode))
        except FileNotFoundError:
            pass
        except OSError as err:
            _remove(tmp)
            raise WriteFailed(path, err) from None
        return tmp

    from concurrent.futures import ThreadPoolExecutor  # here: only writing many notes needs threads

    written: list[str] = []
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(files)))) as pool:
        futures = [pool.submit(aside, item) for item in files]
        failure: WriteError | None = None
        for future in futures:
            try:
                written.append(future.result())
            except WriteError as err:
                failure = failure or err
    if failure is not None:
        for tmp in written:
            _remove(tmp)
        raise failure
    return [Path(tmp) for tmp in written]


def put_in_place(tmp: Path, path: Path) -> None:
    """Rename ``tmp`` (from ``write_aside_all``) over ``path`` in one step; the folder is made
    durable by ``sync_folder`` once every file is in place. On failure ``tmp`` is removed."""
    try:
        os.replace(tmp, path)
    except OSError as err:
        _remove(tmp)
        raise WriteFailed(path, err) from None


def remove_aside(tmps: Iterable[Path]) -> None:
    """Remove temporary files of ``write_aside_all`` that were not put in place."""
    for tmp in tmps:
        _remove(tmp)
