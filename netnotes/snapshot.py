"""The resolved model kept between runs, so that a command on a vault where nothing changed
reads no note at all.

After a load, the loader keeps what it made (the ``Vault``, the notes' problems, and what it
needs to patch them when a few interactions or asks change) beside the stamp of every note
file it came from. The snapshot lives in the user's own cache folder
(``$XDG_CACHE_HOME/netnotes/models/``), one file per vault named by a digest of its real path,
and is a pickle: so it is authenticated with an HMAC under the user's own key
(``fsio.user_key``, never in the vault), and unpickled only when that HMAC, the vault and the
version of netnotes' code (every module of the package, Python's and the note cache's version)
all match. Anything else is no snapshot: a damaged or forged one is said in a warning, one of
another version is silently replaced. It is written aside and renamed over, so two commands at
once leave one whole snapshot or the other.

The file holds two pickles under the one HMAC: what a load compares (the stamps, the problems,
the keys) and then the ``Vault``, which is unpickled only when it is asked for (``Later``). A
build where nothing changed compares keys and never needs the model: at 100,000 notes that is
most of the time such a build took.
"""

from __future__ import annotations

import copyreg
import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import hmac
import io
import json
import operator
import os
import pickle
import struct
import sys
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import chain
from pathlib import Path
from typing import Any

from . import notecache
from .dates import Birthday, Duration
from .discover import FolderStamp, FolderTimes, NoteFile, NoteKind
from .fsio import WriteFailed, make_folders, reason, replace_file, user_cache_folder, user_key
from .later import Later
from .model import Ask, Config, Contact, Interaction, Vault
from .problems import Problem
from .refs import RefIndex

FOLDER = "models"  # in the user's netnotes cache folder: one snapshot per vault
MAGIC = b"netnotes model snapshot\n"
MAC_SIZE = 32  # HMAC-SHA256

Warn = Callable[[str], None]
Stamp = tuple[int, int, int, int]  # size, mtime_ns, ctime_ns, inode, as the note cache keys notes


@dataclass(frozen=True, slots=True)
class Patch:
    """How a patched model was made: the model named ``base`` with the notes at ``paths`` read
    again, which gave ``interactions`` and ``asks`` (the rest of the model is the base's, sorted
    as a full load sorts it). So the model is a function of these four, and anything computed
    from a model can be computed from the base's and the patch (``build``'s model digest)."""

    base: str  # the base model's key
    contacts: str  # the key of the load that resolved the contacts and netnotes.yaml
    paths: tuple[str, ...]  # sorted: the notes read again (changed, added or gone)
    interactions: tuple[Interaction, ...]  # what they gave, in the model's order
    asks: tuple[Ask, ...]


class Memo:
    """What is worked out from a snapshot once and kept with it in memory (never pickled): its
    ``key``, which goes through every note file's path and stamp, and the ``RefIndex`` of its
    contacts, which the loader passes on to the snapshots patched from it (the same contacts)."""

    __slots__ = ("index", "key")

    def __init__(self) -> None:
        self.key: str | None = None
        self.index: RefIndex | None = None


Counts = tuple[int, int, int]  # contacts, interactions, asks


def counts_of(vault: Vault) -> Counts:
    return len(vault.contacts), len(vault.interactions), len(vault.asks)


@dataclass(frozen=True, slots=True)
class Snapshot:
    """A load's result, and what it was made of."""

    config: Config  # the model was resolved with this netnotes.yaml
    today: dt.date  # far-future dates (NN212) were measured from this day
    written_ns: int  # (the note cache's clock) before any note file was looked at
    files: FileStamps  # every note file
    held: Later[Vault]  # the model (``vault``): from a file, unpickled when first asked for
    counts: Counts  # of the model's contacts, interactions and asks
    problems: tuple[Problem, ...]  # of the notes (not of netnotes.yaml or the walk), sorted
    # Interactions and asks left out of the model whose date was measured against today
    # (those in it were measured by their own date), by path
    other_dates: dict[str, dt.date]
    link_keys: frozenset[str]  # wikilink targets that were looked up among note ids
    duplicates: frozenset[tuple[NoteKind, str]]  # ids that more than one note file of a kind has
    # A patch's name: what it was patched from and the stamps of the notes read again ("": none)
    name: str = ""
    patch: Patch | None = None  # how a patched model was made from its base; None: a full load
    # What the walk of the load that saved this file saw besides the note files (whose stamps
    # are ``files``), for the next load to find what changed by stat alone; only in a file
    walked: Walked | None = None
    memo: Memo = dataclasses.field(default_factory=lambda: Memo(), compare=False, repr=False)

    @classmethod
    def of(
        cls,
        config: Config,
        today: dt.date,
        written_ns: int,
        files: FileStamps,
        vault: Vault,
        problems: tuple[Problem, ...],
        other_dates: dict[str, dt.date],
        link_keys: frozenset[str],
        duplicates: frozenset[tuple[NoteKind, str]],
        name: str = "",
        patch: Patch | None = None,
    ) -> Snapshot:
        """A snapshot of ``vault``, in memory."""
        held, counts = Later.now(vault), counts_of(vault)
        rest = (problems, other_dates, link_keys, duplicates, name, patch)
        return cls(config, today, written_ns, files, held, counts, *rest)

    @property
    def vault(self) -> Vault:
        return self.held.get()

    @property
    def key(self) -> str:
        """Names this model among all the loads of every vault. A patched model is named by
        the model it was patched from, the day and the stamps of the notes read again, all of
        them settled (``patch_name``), so patching the same notes again gives the same key.
        Any other model by the code that made it, the day, when its load began and every note
        file's stamp: each such load makes a new snapshot (a new start). So one key is one
        model, and the same model loaded again (from this file, or kept in memory by
        ``serve``) has the same key. It is cheap next to a digest of the model, which is what
        ``build`` uses it for."""
        if self.name:
            return self.name
        key = self.memo.key
        if key is None:
            digest = hashlib.sha256(f"{code_stamp()}\0{self.today}\0{self.written_ns}\0".encode())
            digest.update("\0".join(self.files.paths).encode("utf-8", "surrogateescape"))
            digest.update(self.files.stamps.tobytes())
            key = self.memo.key = digest.hexdigest()
        return key

    @property
    def contacts_key(self) -> str:
        """Names the contacts and netnotes.yaml of this model: the key of the full load that
        resolved them, which every patch of it keeps (a patch changes neither)."""
        return self.patch.contacts if self.patch else self.key


@dataclass(frozen=True, slots=True)
class FileStamps:
    """The note files a model was made of, with their stamps, in a form that loads at once and
    compares in C: their paths in order, and (size, mtime_ns, ctime_ns) and inodes in arrays."""

    paths: list[str]
    stamps: array[int]  # four numbers a file: size, mtime_ns, ctime_ns, inode

    @classmethod
    def of(cls, files: list[NoteFile]) -> FileStamps:
        stamps = [f.stamp or _UNKNOWN for f in files]
        try:
            numbers = array("q", chain.from_iterable(stamps))
        except OverflowError:  # an inode past 2**63: kept as the signed number of its 64 bits
            numbers = array("q", [n - 2**64 if n >= 2**63 else n for stamp in stamps for n in stamp])
        return cls([f.path for f in files], numbers)

    def changed(self, files: list[NoteFile], written_ns: int, now: FileStamps | None = None) -> list[str]:
        """The paths of ``files`` (whose stamps are ``now``, when the caller has them) added or
        changed since these stamps were taken at ``written_ns``, and those removed, in path
        order. A file that had changed too shortly before to be sure of (git's "racy clean"
        rule, as in the note cache) counts as changed."""
        trusted = written_ns - notecache.RACY_NS
        now = now or FileStamps.of(files)
        if now.paths == self.paths:  # the usual case: the same files, few or none changed
            return [self.paths[at // 4] for at in _moved(self.stamps, now.stamps, trusted)]
        old = self.by_path()
        out = [
            f.path
            for f in files
            if f.stamp is None or old.get(f.path) != f.stamp or f.stamp[1] > trusted or f.stamp[2] > trusted
        ]
        if len(old) + len(out) != len(files):  # some are gone (else every file is old or changed)
            here = set(now.paths)
            out += (p for p in old if p not in here)
            out.sort()
        return out

    def at(self, path: str) -> Stamp | None:
        """The stamp of the file at ``path`` as these stamps hold it (inode as a signed 64-bit
        number, as ``stored`` gives it), or None when there is no such file."""
        at = bisect_left(self.paths, path)
        if at == len(self.paths) or self.paths[at] != path:
            return None
        n = self.stamps
        return (n[4 * at], n[4 * at + 1], n[4 * at + 2], n[4 * at + 3])

    def replaced(self, found: dict[str, Stamp | None]) -> FileStamps:
        """These stamps with the files at the paths of ``found`` given their stamp there, added,
        or (None) removed: what ``of`` gives for the files so changed, without going through
        every file. The paths' list is shared when no file came or went (it is never changed)."""
        if all(stamp is not None for stamp in found.values()) and all(self.at(path) for path in found):
            numbers = array("q", self.stamps)
            for path, stamp in found.items():
                at = 4 * bisect_left(self.paths, path)
                numbers[at : at + 4] = array("q", stored(stamp or _UNKNOWN))
            return FileStamps(self.paths, numbers)
        paths, numbers = list(self.paths), array("q", self.stamps)
        for path, stamp in sorted(found.items(), key=operator.itemgetter(0)):
            at = bisect_left(paths, path)
            if at < len(paths) and paths[at] == path:
                if stamp is None:
                    del paths[at]
                    del numbers[4 * at : 4 * at + 4]
                else:
                    numbers[4 * at : 4 * at + 4] = array("q", stored(stamp))
            elif stamp is not None:
                paths.insert(at, path)
                numbers[4 * at : 4 * at] = array("q", stored(stamp))
        return FileStamps(paths, numbers)

    def restat(self, root: str) -> FileStamps:
        """The stamps the files at these paths have now: ``lstat``, so that a note replaced by
        a symlink has a stamp of its own; a path with no file now has a stamp no file has. One
        system call a file, none of a walk's listing of folders or classifying of names."""
        lstat = os.lstat
        numbers: list[int] = []
        add = numbers.extend
        for path in self.paths:
            try:
                found = lstat(f"{root}/{path}")
            except OSError:
                add(_GONE)
                continue
            add((found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino))
        try:
            return FileStamps(self.paths, array("q", numbers))
        except OverflowError:  # an inode past 2**63: kept as the signed number of its 64 bits
            return FileStamps(self.paths, array("q", [n - 2**64 if n >= 2**63 else n for n in numbers]))

    def moved(self, now: FileStamps) -> list[str]:
        """The paths whose stamps in ``now`` (``restat``: the same paths) differ from these; none
        at once when the arrays are equal (one comparison in C, where the blocks take 5 ms at
        115,000 files)."""
        if now.stamps == self.stamps:
            return []
        return [self.paths[at // 4] for at in _moved(self.stamps, now.stamps, 2**63 - 1)]

    def by_path(self) -> dict[str, Stamp]:
        n = self.stamps
        return {p: (n[4 * i], n[4 * i + 1], n[4 * i + 2], n[4 * i + 3] % 2**64) for i, p in enumerate(self.paths)}


_UNKNOWN = (-1, 2**62, 2**62, 0)  # a file without a stamp: always too new to be sure of
_GONE = (-1, -1, -1, -1)  # no file at that path now: a stamp no file has

# ``FileStamps.restat`` as a script of its own, for another interpreter (``parallel.Aside``):
# given the root and the paths, NUL-separated and as the file system spells them, it writes the
# numbers of their stamps (``FileStamps.stamps``'s bytes).
RESTAT_SCRIPT = f"""
import os, sys
from array import array
root, _, rest = sys.stdin.buffer.read().partition(b"\\0")
numbers = array("q")
add, lstat, root = numbers.extend, os.lstat, root + b"/"
for path in rest.split(b"\\0") if rest else ():
    try:
        found = lstat(root + path)
    except OSError:
        add({_GONE})
        continue
    inode = found.st_ino
    add((found.st_size, found.st_mtime_ns, found.st_ctime_ns, inode - 2**64 if inode >= 2**63 else inode))
sys.stdout.buffer.write(numbers)
"""


@dataclass(frozen=True, slots=True)
class Walked:
    """What a plain walk saw besides its note files, kept in the snapshot file of the load that
    made it (``Snapshot.walked``), whose ``files`` are that walk's: the walk's problems, its
    folders with their stamps and times (``discover.Walk``), when it began, and the files too
    new to trust then (of a snapshot with that walk's stamps, also those that count as
    changed: ``loader._Listing``)."""

    problems: tuple[Problem, ...]
    folders: dict[str, FolderStamp]
    times: dict[str, FolderTimes]
    walked_ns: int
    unsettled: frozenset[str]


def stored(stamp: Stamp) -> Stamp:
    """``stamp`` as ``FileStamps`` holds it: an inode past 2**63 as the signed number of its 64 bits."""
    inode = stamp[3]
    return stamp if inode < 2**63 else (stamp[0], stamp[1], stamp[2], inode - 2**64)


def unsettled(stamp: Stamp, written_ns: int) -> bool:
    """Whether a file of ``stamp`` changed too shortly before ``written_ns`` to be sure of (its
    stamp may stay the same through another change): what ``FileStamps.changed`` counts as changed."""
    trusted = written_ns - notecache.RACY_NS
    return stamp[1] > trusted or stamp[2] > trusted


_BLOCK = 4 * 256  # stamps are compared this many numbers at a time, in C


def _moved(old: array[int], new: array[int], trusted: int) -> Iterable[int]:
    """The offsets in ``new`` of the stamps that differ from ``old``'s (of the same files, in
    the same order) or were taken after ``trusted``: block by block, a block that is the same
    and older than ``trusted`` decided by comparing and taking maxima in C."""
    for start in range(0, len(new), _BLOCK):
        block = new[start : start + _BLOCK]
        if block == old[start : start + _BLOCK] and max(block[1::4]) <= trusted and max(block[2::4]) <= trusted:
            continue
        for at in range(0, len(block), 4):
            if block[at : at + 4] != old[start + at : start + at + 4] or max(block[at + 1], block[at + 2]) > trusted:
                yield start + at


def patch_name(base: Snapshot, today: dt.date, redo: Iterable[tuple[str, Stamp | None]], started: int) -> str:
    """The name of ``base`` patched for ``today`` with the notes ``redo`` (path, stamp; None
    for a note that is gone) read again by a load that began at ``started``; "" when one of
    them changed too shortly before to be sure of its stamp (two edits in one tick of the
    clock can leave the same stamp), so that load's model is named as a new one is."""
    digest = hashlib.sha256(f"patch\0{base.key}\0{today}".encode())
    for path, stamp in sorted(redo, key=lambda item: item[0]):
        if stamp is not None and unsettled(stamp, started):
            return ""
        digest.update(f"\0{path}\0{stamp}".encode("utf-8", "surrogateescape"))
    return digest.hexdigest()


def snapshot_path(root: Path) -> Path:
    """Where the snapshot of the vault at ``root`` is kept: named by its real path."""
    digest = hashlib.sha256(os.fsencode(os.path.realpath(root))).hexdigest()[:32]
    return user_cache_folder() / FOLDER / f"{digest}.pickle"


def patched_path(root: Path) -> Path:
    """Where what the last unsaved patch of the vault's snapshot made is kept (``Patched``)."""
    return snapshot_path(root).with_suffix(".patch")


def drop(root: Path) -> list[str]:
    """Remove the vault's snapshot and its patch (``build --clean``); what could not be removed,
    as warnings."""
    for path in (snapshot_path(root), patched_path(root)):
        try:
            os.unlink(path)
        except FileNotFoundError:
            pass
        except OSError as err:
            return [f"cannot remove the model snapshot {path}: {reason(err)}"]
    return []


@dataclass(frozen=True, slots=True)
class Patched:
    """What a load made of a snapshot by patching it, all but the model, which the loader does
    not save for a small patch (``loader.SMALL_PATCH``): the next load that patches the same
    snapshot with the same notes (so the same ``name``, ``patch_name``) takes its key, counts and
    problems from here and patches the model only if it is asked for. A build that finds nothing
    changed after an edit then compares keys, as it does right after a full load."""

    base: str  # the key of the snapshot patched
    name: str  # the patched model's key
    counts: Counts
    problems: tuple[Problem, ...]
    other_dates: dict[str, dt.date]
    link_keys: frozenset[str]
    patch: Patch

    @classmethod
    def of(cls, base: Snapshot, patched: Snapshot) -> Patched:
        assert patched.patch is not None and patched.name
        return cls(
            base.key,
            patched.name,
            patched.counts,
            patched.problems,
            patched.other_dates,
            patched.link_keys,
            patched.patch,
        )


PATCH_MAGIC = b"netnotes model patch\n"


def save_patched(root: Path, patched: Patched, warn: Warn) -> None:
    """Keep ``patched`` beside the snapshot (one at a time, authenticated as the snapshot is)."""
    key = _key(warn)
    if key is None:
        return
    body = _header(root) + _pickle(patched, {Patched: _reducer(Patched)})
    path = patched_path(root)
    unsaved = _written(path, PATCH_MAGIC + _mac(key, body) + body)
    if unsaved:
        warn(f"cannot save the model snapshot's patch {path}: {unsaved}; the next command patches it again")


def read_patched(root: Path, base: str, name: str) -> Patched | None:
    """What the patch named ``name`` of the snapshot keyed ``base`` made, when that is what the
    file beside the snapshot holds, and it is this user's and this code's; else None (and the
    loader patches the snapshot, as it would without the file)."""
    try:
        data = patched_path(root).read_bytes()
        key = user_key()
    except (OSError, WriteFailed):
        return None
    body, header = data[len(PATCH_MAGIC) + MAC_SIZE :], _header(root)
    if not data.startswith(PATCH_MAGIC) or not body.startswith(header):
        return None
    if not hmac.compare_digest(data[len(PATCH_MAGIC) : len(PATCH_MAGIC) + MAC_SIZE], _mac(key, body)):
        return None
    try:
        patched = pickle.loads(memoryview(body)[len(header) :])
    except Exception:  # noqa: BLE001 - authenticated yet unreadable (a bug, a torn file): patched again
        return None
    if not isinstance(patched, Patched) or patched.base != base or patched.name != name:
        return None
    return patched


def code_stamp() -> str:
    """What a snapshot was made by: the note cache's stamp (its schema, netnotes' version, PyYAML's),
    a digest of every module of the package, and Python's version (pickles name classes)."""
    return f"{notecache.version_stamp()}; modules {_modules_digest()}; Python {sys.version}"


@functools.cache
def _modules_digest() -> str:
    digest = hashlib.sha256()
    for module in sorted(Path(__file__).parent.glob("*.py")):
        try:
            digest.update(module.name.encode() + b"\0" + module.read_bytes())
        except OSError:
            digest.update(module.name.encode())
    return digest.hexdigest()[:16]


def _header(root: Path) -> bytes:
    return json.dumps([code_stamp(), os.path.realpath(root)]).encode() + b"\n"


def read(root: Path, warn: Warn) -> Snapshot | None:
    """The vault's snapshot; None when there is none, or none that can be trusted (said when it
    is damaged or unreadable; not when it is of another netnotes or no snapshot is there)."""
    path = snapshot_path(root)
    try:
        data = path.read_bytes()
    except (FileNotFoundError, NotADirectoryError):
        return None  # none yet; or no cache folder, which the note cache says
    except OSError as err:
        warn(f"cannot read the model snapshot {path}: {reason(err)}; the vault is loaded from its notes")
        return None
    try:
        return _trusted(root, data, warn)
    except _Damaged:
        warn(f"ignored the model snapshot {path}: it is damaged or not this user's; the vault is loaded from its notes")
        return None


class _Damaged(Exception):
    """The snapshot is not one this user's netnotes wrote for this vault."""


def _trusted(root: Path, data: bytes, warn: Warn) -> Snapshot | None:
    body = memoryview(data)[len(MAGIC) + MAC_SIZE :]  # not copied: 65 MB at 10,000 / 100,000
    header = _header(root)
    if not data.startswith(MAGIC):
        raise _Damaged
    if body[: len(header)] != header:
        try:
            made_by = json.loads(bytes(body).partition(b"\n")[0])  # another version's: once, after an upgrade
        except ValueError:
            raise _Damaged from None
        if isinstance(made_by, list) and len(made_by) == 2 and made_by[1] == os.path.realpath(root):
            return None  # another version's: made anew, quietly
        raise _Damaged
    key = _key(warn)
    if key is None:
        return None
    if not hmac.compare_digest(data[len(MAGIC) : len(MAGIC) + MAC_SIZE], _mac(key, body)):
        raise _Damaged
    start = len(header) + _LENGTH.size
    try:
        (size,) = _LENGTH.unpack_from(body, len(header))
        snapshot = pickle.loads(body[start : start + size])
    except Exception:  # noqa: BLE001 - authenticated yet unreadable (a bug, a torn file): never fatal
        raise _Damaged from None
    if not isinstance(snapshot, Snapshot) or start + size >= len(body):
        raise _Damaged
    return dataclasses.replace(snapshot, held=Later(functools.partial(_vault, body, start + size)))


_LENGTH = struct.Struct("<Q")  # the size of the first pickle, before it


def _vault(body: bytes | memoryview, start: int) -> Vault:
    """The model of an authenticated snapshot file, whose pickle begins at ``start`` of ``body``.
    Unpickling makes a million objects that all live on: the cyclic garbage collector, which
    would rescan them all again and again, waits (as while loading)."""
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        vault = pickle.loads(memoryview(body)[start:])
    finally:
        if gc_was_enabled:
            gc.enable()
    if not isinstance(vault, Vault):
        raise TypeError(f"the model snapshot holds a {type(vault).__name__}, not a model")
    return vault


def save(root: Path, snapshot: Snapshot, warn: Warn) -> None:
    """Keep ``snapshot`` for the next run; a snapshot that cannot be saved is a warning."""
    path = snapshot_path(root)
    key = _key(warn)
    if key is None:
        return
    head, vault = _pickled(snapshot)
    body = b"".join((_header(root), _LENGTH.pack(len(head)), head, vault))
    unsaved = _written(path, MAGIC + _mac(key, body) + body)
    if unsaved:
        warn(f"cannot save the model snapshot {path}: {unsaved}; the next command loads every note")


def _written(path: Path, data: bytes) -> str:
    """Write ``data`` to ``path`` in the user's private models folder (made when missing), atomically
    and without waiting for the disk (lost on a crash: the next command does without); why it
    could not be written, or "" when it was."""
    try:
        make_folders(path.parent, path, private=True)  # it holds the notes
        replace_file(path, data, durable=False)
    except WriteFailed as err:
        return err.reason
    except OSError as err:
        return reason(err)
    return ""


# The model's frozen dataclasses pickle as a call of their class with their fields: unpickling
# then runs their generated __init__, not dataclasses' generic __setstate__, which looks their
# fields up again for each of 100,000 objects (most of the time a snapshot took to load).
_BY_CONSTRUCTOR: tuple[type, ...] = (Vault, Config, Contact, Interaction, Ask, Problem, Duration, Birthday, Patch)


def _reducer(cls: type) -> Callable[[Any], tuple[type, tuple[Any, ...]]]:
    values = operator.attrgetter(*(f.name for f in dataclasses.fields(cls)))  # a tuple, in C
    return lambda obj: (cls, values(obj))


def _snapshot_reducer(snapshot: Snapshot) -> tuple[type, tuple[Any, ...]]:
    """A snapshot as a call of its class with its fields, but its model (pickled after it,
    ``read`` puts it back) and its memo (made anew)."""
    fields = _SNAPSHOT_FIELDS(snapshot)
    return Snapshot, (*fields[:_HELD], None, *fields[_HELD + 1 :])


_SNAPSHOT_FIELDS = operator.attrgetter(*(f.name for f in dataclasses.fields(Snapshot) if f.name != "memo"))
_HELD = [f.name for f in dataclasses.fields(Snapshot)].index("held")


def _pickled(snapshot: Snapshot) -> tuple[bytes, bytes]:
    """The snapshot without its model, and the model: two pickles."""
    more: dict[type, Callable[[Any], tuple[type, tuple[Any, ...]]]] = {Snapshot: _snapshot_reducer}
    return _pickle(snapshot, more), _pickle(snapshot.vault, more)


def _pickle(value: object, more: dict[type, Callable[[Any], tuple[type, tuple[Any, ...]]]]) -> bytes:
    """``value`` pickled with the model's dataclasses (and ``more``) as calls of their classes."""
    out = io.BytesIO()
    pickler = pickle.Pickler(out, protocol=pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = {**copyreg.dispatch_table, **{c: _reducer(c) for c in _BY_CONSTRUCTOR}, **more}
    pickler.dump(value)
    return out.getvalue()


def _mac(key: bytes, body: bytes | memoryview) -> bytes:
    return hmac.new(key, body, hashlib.sha256).digest()


def _key(warn: Warn) -> bytes | None:
    try:
        return user_key()
    except WriteFailed as err:
        warn(f"cannot make the cache key {err.path}: {err.reason}; the vault is loaded without its snapshot")
    except OSError as err:
        warn(f"cannot read the cache key: {reason(err)}; the vault is loaded without its snapshot")
    return None
