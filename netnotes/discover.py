"""Finding the vault and the note files in it.

Only ``contacts/``, ``interactions/`` and ``asks/`` are read. Hidden files and folders are
skipped, and anything that resolves (through a symlink) outside the vault is neither followed
nor read, so a vault cannot be made to leak files from elsewhere into its dashboard.
"""

from __future__ import annotations

import os
import re
import stat
from collections.abc import Container
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from .fsio import is_inside
from .problems import Code, Problem, problem

CONFIG_FILE = "netnotes.yaml"


class NoteKind(StrEnum):
    """The three kinds of note; each is the name of the vault folder that holds them."""

    CONTACTS = "contacts"
    INTERACTIONS = "interactions"
    ASKS = "asks"


KINDS: tuple[NoteKind, ...] = tuple(NoteKind)  # in the order the vault is read


class VaultError(Exception):
    """The vault itself cannot be used (missing folder, not a folder): exit code 2."""


@dataclass(frozen=True, slots=True)
class NoteFile:
    kind: NoteKind
    path: str  # vault-relative, '/'-separated
    abspath: str
    # (size, mtime_ns, ctime_ns, inode) as found, before the file is read: what the note cache
    # keys its entry by (None: not looked at yet)
    stamp: tuple[int, int, int, int] | None = field(default=None, compare=False)
    id: str = field(init=False)  # the file name without .md, case-folded

    def __post_init__(self) -> None:
        object.__setattr__(self, "id", self.path.rsplit("/", 1)[-1][:-3].casefold())

    @classmethod
    def found(cls, kind: NoteKind, path: str, abspath: str, stamp: tuple[int, int, int, int], name: str) -> NoteFile:
        """The note file ``name`` at ``path``, as the walk finds 115,000 of them: the same value
        the constructor makes, its slots set directly (a frozen dataclass's ``__init__`` costs
        three times as much, and the walk is most of what a load with no change costs)."""
        file = _new(cls)
        _set_kind(file, kind)
        _set_path(file, path)
        _set_abspath(file, abspath)
        _set_stamp(file, stamp)
        _set_id(file, name[:-3].casefold())
        return file


_new = object.__new__
# the slots' own setters (member descriptors), which a frozen dataclass's __setattr__ does not guard
_set_kind, _set_path, _set_abspath, _set_stamp, _set_id = (
    vars(NoteFile)[name].__set__ for name in ("kind", "path", "abspath", "stamp", "id")
)


NO_VAULT = "no vault here: run `netnotes init` or pass --vault"


def find_vault(explicit: str | os.PathLike[str] | None = None, start: Path | None = None) -> Path:
    """``--vault`` if given; else the nearest folder upward holding netnotes.yaml; else the
    current folder when it holds a note folder. Anywhere else is no vault: a command run in the
    wrong folder says so instead of finding nothing due or writing notes there."""
    if explicit is not None:
        root = Path(explicit)
        if not root.exists():
            raise VaultError(f"vault folder '{root}' does not exist")
        if not root.is_dir():
            raise VaultError(f"vault '{root}' is not a folder")
        return root.resolve()
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file():
            return folder
    if any((here / kind).is_dir() for kind in KINDS):
        return here
    raise VaultError(NO_VAULT)


FolderStamp = tuple[int, int, int, int]  # a folder's mode, owner, group and inode
FolderTimes = tuple[int, int]  # a folder's mtime_ns and ctime_ns: they move when an entry comes or goes


@dataclass(frozen=True, slots=True)
class Walk:
    """What a walk of the vault found: its note files, sorted by path, and the problems of what
    it skipped. ``folders`` holds every folder it walked ("" the vault itself) with its
    ``FolderStamp`` when the walk was plain (no symlink, unreadable folder or undecodable name
    anywhere): then what any path in those folders holds depends on that path alone, and
    ``look`` tells it without walking again. None when the walk was not plain. ``times`` holds
    the ``FolderTimes`` of those folders, taken with their stamps (``entries_since``)."""

    files: list[NoteFile]
    problems: list[Problem]
    folders: dict[str, FolderStamp] | None
    times: dict[str, FolderTimes] = field(default_factory=dict)


def discover(root: Path) -> tuple[list[NoteFile], list[Problem]]:
    """Every note file of the vault, sorted by path, plus warnings for skipped symlinks."""
    found = walk(root)
    return found.files, found.problems


def walk(root: Path) -> Walk:
    """``discover``, with the folders it walked when the walk was plain (``Walk.folders``)."""
    real_root = os.path.realpath(root)
    files: list[NoteFile] = []
    problems: list[Problem] = []
    seen = _Seen()
    seen.folder("", str(root))
    for kind in KINDS:
        _walk(real_root, str(root), kind, kind, files, problems, seen)
    files.sort(key=_path)
    if not seen.plain:
        return Walk(files, problems, None)
    return Walk(files, problems, seen.folders, seen.times)


class _Seen:
    """The real paths of the folders a walk went into, and whether it was plain so far."""

    def __init__(self) -> None:
        self.real: set[str] = set()
        self.plain = True
        self.folders: dict[str, FolderStamp] = {}
        self.times: dict[str, FolderTimes] = {}

    def folder(self, rel: str, path: str) -> None:
        found = _folder_stat(path)
        if found is None:
            self.plain = False
        else:
            self.folders[rel] = _stamp_of(found)
            self.times[rel] = (found.st_mtime_ns, found.st_ctime_ns)


def _folder_stat(path: str) -> os.stat_result | None:
    """The stat of the real folder at ``path`` (not through a symlink); None for anything else."""
    try:
        found = os.lstat(path)
    except OSError:
        return None
    return found if stat.S_ISDIR(found.st_mode) else None


def _stamp_of(found: os.stat_result) -> FolderStamp:
    return (found.st_mode, found.st_uid, found.st_gid, found.st_ino)


def _folder_stamp(path: str) -> FolderStamp | None:
    """The stamp of the real folder at ``path`` (not through a symlink); None for anything else."""
    found = _folder_stat(path)
    return None if found is None else _stamp_of(found)


def entries_since(
    root: Path, folders: dict[str, FolderStamp], times: dict[str, FolderTimes], trusted: int, known: Container[str]
) -> tuple[set[str], set[str]] | None:
    """The paths in the folders of a plain walk that may have come since it, and the folders
    they are in; None when the vault must be walked again. What a file watcher would have
    named of the folders' entries, found without one: a folder whose stamp moved, a note folder
    (``contacts``...) that came, or a folder without its times walks. A folder whose times are
    those the walk took, and were older than ``trusted`` then (git's racy rule: an entry can come
    in the tick of the clock its folder was last changed in without moving its times), holds
    the entries it held. Any other is listed, and each entry that is neither in ``known`` (the
    walk's note files) nor a folder of the walk is named: ``look`` says what it is. A note file
    that is gone is found by its own stamp, not here; what else went (a file the walk had a
    problem with) is the caller's to look at again, in the folders returned."""
    named: set[str] = set()
    listed: set[str] = set()
    for kind in KINDS:
        if kind not in folders and os.path.lexists(os.path.join(root, kind)):
            return None  # a note folder the walk did not find: walk it
    for rel, stamp in folders.items():
        found = _folder_stat(os.path.join(root, rel)) if rel else _folder_stat(str(root))
        if found is None or _stamp_of(found) != stamp or rel not in times:
            return None
        if not rel:
            continue  # the vault's own folder: only its note folders are walked, looked at above
        mtime, ctime = times[rel]
        if (found.st_mtime_ns, found.st_ctime_ns) == (mtime, ctime) and max(mtime, ctime) <= trusted:
            continue
        try:
            names = os.listdir(os.path.join(root, rel))
        except OSError:
            return None
        listed.add(rel)
        for name in names:
            path = f"{rel}/{name}"
            if not name.startswith(".") and path not in known and path not in folders:
                named.add(path)
    return named, listed


@dataclass(frozen=True, slots=True)
class Found:
    """What a walk makes of one path: the note file there (None: no note) and its problems."""

    file: NoteFile | None
    problems: tuple[Problem, ...] = ()


NOTHING = Found(None)


def look(root: Path, folders: dict[str, FolderStamp], path: str) -> Found | None:
    """What ``walk`` would find at the vault-relative ``path`` now, given that the folders of a
    plain walk (``Walk.folders``) still hold what they held then besides the paths looked at;
    None when that cannot be told from the path alone, and the vault must be walked again: the
    path is or was a folder whose stamp moved, a symlink, a sync tool's conflict copy (whose
    problem depends on the files beside it), a name that is not UTF-8, or it is in no folder
    that walk walked. A note file is classified by ``_entry``, as the walk classifies it."""
    if path in folders:
        return NOTHING if _folder_stamp(os.path.join(root, path)) == folders[path] else None
    rel, _, name = path.rpartition("/")
    if rel not in folders or not rel or name in ("", ".", ".."):
        return None
    if name.startswith("."):
        return NOTHING  # hidden: never read
    if conflict_copy_of(name) is not None or not _is_utf8(name):
        return None
    abspath = os.path.join(root, path)
    try:
        found = os.lstat(abspath)
    except (FileNotFoundError, NotADirectoryError):
        return NOTHING  # gone
    except OSError:
        return None
    if not (stat.S_ISREG(found.st_mode) or stat.S_ISFIFO(found.st_mode) or stat.S_ISSOCK(found.st_mode)):
        return None  # a folder, a symlink, a device: walk
    if found.st_nlink > 1 and _is_note_name(name):
        return None  # a hard link: it may change through another name, which no event here names
    kind = NoteKind(path.split("/", 1)[0])
    entry = _entry(kind, path, name, abspath, found, [])
    if entry is None:
        return NOTHING
    if isinstance(entry, NoteFile):
        return Found(entry)
    return Found(None, (entry,))


def _entry(
    kind: NoteKind, entry_rel: str, name: str, path: str, found: os.stat_result, entries: list[os.DirEntry[str]]
) -> NoteFile | Problem | None:
    """What the walk makes of a file that is not a folder (``found``: its stat, through a symlink
    if it is one): a note, a problem saying why it is not read, or nothing. The walk's loop takes
    the common case itself (a plain ASCII ``*.md`` name, not hidden, no "conflict" in it: a note
    when regular), exactly as this does."""
    if not stat.S_ISREG(found.st_mode):
        return None
    skipped = _skipped(entry_rel, name, entries)
    if skipped is not None:
        return skipped
    if _is_note_name(name):
        return NoteFile(kind, entry_rel, path, (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino))
    return None


def _path(file: NoteFile) -> str:
    return file.path


def is_vault_file(root: Path, path: Path) -> bool:
    """Whether ``path`` is, or once written would be, read by the vault: its netnotes.yaml or a
    note. (A symlink at ``path`` itself counts as the link, which is what replacing it replaces.)"""
    real_root = os.path.realpath(root)
    real = os.path.join(os.path.realpath(path.parent), path.name)
    if not is_inside(real_root, real):
        return False
    parts = os.path.relpath(real, real_root).split(os.sep)
    return parts == [CONFIG_FILE] or (len(parts) > 1 and parts[0] in KINDS and parts[-1].lower().endswith(".md"))


def _is_utf8(name: str) -> bool:
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


# Copies that sync tools leave beside a file both sides changed; the groups rebuild its name.
# Syncthing: jane-doe.sync-conflict-20261120-101530-ABCDEFG.md (older versions: no device id).
# Dropbox: jane-doe (Sam's conflicted copy 2026-11-20).md, a second one "... 2026-11-20 (1))".
# Nextcloud and ownCloud's desktop client: jane-doe (conflicted copy 2026-11-20 101530).md.
_CONFLICT_COPY_RES = (
    re.compile(r"^(?P<stem>.+?)\.sync-conflict-\d{8}-\d{6}(?:-[0-9A-Za-z]+)?(?P<ext>\.[^.]*)?$"),
    re.compile(r"^(?P<stem>.+?) \([^()]*conflicted copy[^()]*(?:\(\d+\)[^()]*)?\)(?P<ext>\.[^.]*)?$", re.IGNORECASE),
)
# Markdown files under another extension: a user may expect them read; they are not (`*.md` only).
_OTHER_MARKDOWN = (".markdown", ".mdown", ".mkd", ".mkdn", ".mdwn")


def conflict_copy_of(name: str) -> str | None:
    """The file name a sync tool's conflict copy ``name`` stands beside, or None."""
    if "conflict" not in name.lower():  # nearly every name: no pattern to try
        return None
    for pattern in _CONFLICT_COPY_RES:
        match = pattern.match(name)
        if match:
            return match["stem"] + (match["ext"] or "")
    return None


def _is_note_name(name: str) -> bool:
    return name.lower().endswith(".md")


def _is_other_markdown(name: str) -> bool:
    return name.lower().endswith(_OTHER_MARKDOWN)


def _skipped(entry_rel: str, name: str, entries: list[os.DirEntry[str]]) -> Problem | None:
    """Why a regular file in a note folder is not read, when its user might expect it to be."""
    if _is_other_markdown(name):
        stem = name[: name.rfind(".")]
        return problem(
            entry_rel, 1, 1, Code.NOT_NAMED_MD, f"'{name}' is not read: notes are .md files; rename it to {stem}.md"
        )
    if not _is_note_name(name):
        return None
    original = conflict_copy_of(name)
    if original is None:
        return None
    folder = entry_rel.rsplit("/", 1)[0]
    present = next((e.name for e in entries if e.name.casefold() == original.casefold()), None)
    if present is None:
        return problem(
            entry_rel,
            1,
            1,
            Code.SYNC_CONFLICT_COPY,
            f"conflict copy of {folder}/{original} left by a sync tool, and that note is missing:"
            f" rename this file to {original}",
        )
    return problem(
        entry_rel,
        1,
        1,
        Code.SYNC_CONFLICT_COPY,
        f"conflict copy of {folder}/{present} left by a sync tool; merge it by hand and delete it",
    )


def _walk(
    real_root: str,
    root: str,
    kind: NoteKind,
    rel: str,
    files: list[NoteFile],
    problems: list[Problem],
    seen: _Seen,
) -> None:
    folder = os.path.join(root, rel)
    real = os.path.realpath(folder)
    if real != os.path.join(real_root, rel):
        seen.plain = False  # reached through a symlink: a change to its target names no path here
    if not is_inside(real_root, real):
        problems.append(
            problem(rel, 1, 1, Code.LINK_OUTSIDE_VAULT, f"'{rel}' links outside the vault (to {real}); it was not read")
        )
        return
    if real in seen.real:  # a symlink loop inside the vault
        return
    seen.real.add(real)
    try:
        entries = list(os.scandir(folder))
    except (FileNotFoundError, NotADirectoryError):
        return
    except OSError as err:
        seen.plain = False
        problems.append(problem(rel, 1, 1, Code.UNREADABLE, f"cannot read folder: {err.strerror or err}"))
        return
    seen.folder(rel, folder)
    # Nearly every entry is a note: a plain file named in ASCII *.md, which takes one stat and
    # nothing else (``_entry``'s first case, inlined). The others (folders, links, odd names)
    # follow in name order, so that of two links to one folder the same one is walked every time.
    others = []
    for entry in entries:
        name = entry.name
        lower = name.lower()
        if name.startswith(".") or not lower.endswith(".md") or "conflict" in lower or not name.isascii():
            others.append(entry)
            continue
        try:
            if entry.is_symlink():
                others.append(entry)
                continue
            found = os.stat(entry.path)
        except OSError:
            continue  # removed meanwhile: nothing to say
        if stat.S_ISREG(found.st_mode):
            stamp = (found.st_size, found.st_mtime_ns, found.st_ctime_ns, found.st_ino)
            files.append(NoteFile.found(kind, f"{rel}/{name}", entry.path, stamp, name))
            if found.st_nlink > 1:
                seen.plain = False  # a hard link: it may change through another name, outside these folders
        elif stat.S_ISDIR(found.st_mode):
            others.append(entry)
    others.sort(key=_name)
    for entry in others:
        if entry.name.startswith("."):
            continue
        entry_rel = f"{rel}/{entry.name}"
        is_link = False
        try:
            is_link = entry.is_symlink()
            if is_link:
                seen.plain = False
                target = os.path.realpath(entry.path)
                if not is_inside(real_root, target):
                    problems.append(
                        problem(
                            entry_rel,
                            1,
                            1,
                            Code.LINK_OUTSIDE_VAULT,
                            f"symlink points outside the vault (to {target}); it was not read",
                        )
                    )
                    continue
            found = os.stat(entry.path)
            mode = found.st_mode
        except OSError as err:
            if is_link:  # else a file removed meanwhile: nothing to say
                problems.append(_dangling(real_root, entry_rel, entry.path, err))
            continue
        is_dir = stat.S_ISDIR(mode)
        if not _is_utf8(entry.name):
            seen.plain = False
            if is_dir or _is_note_name(entry.name) or _is_other_markdown(entry.name):
                # Undecodable bytes come back from the OS as lone surrogates, which no page, export
                # or terminal can show; the problem names the file with U+FFFD in their place.
                what = "folder" if is_dir else "file"
                problems.append(
                    problem(_printable(entry_rel), 1, 1, Code.UNREADABLE, f"{what} name is not valid UTF-8; rename it")
                )
                continue
        if is_dir:
            _walk(real_root, root, kind, entry_rel, files, problems, seen)
            continue
        note = _entry(kind, entry_rel, entry.name, entry.path, found, entries)
        if isinstance(note, NoteFile):
            files.append(note)
            if found.st_nlink > 1:
                seen.plain = False
        elif note is not None:
            problems.append(note)


def _name(entry: os.DirEntry[str]) -> str:
    return entry.name


def _printable(path: str) -> str:
    """``path`` with U+FFFD for bytes of its name that are not UTF-8 (lone surrogates from the OS)."""
    return path.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _dangling(real_root: str, entry_rel: str, path: str, err: OSError) -> Problem:
    """A symlink that cannot be followed: its target is missing, or links go round in a loop."""
    entry_rel = _printable(entry_rel)
    shown = _printable(os.path.relpath(os.path.realpath(path), real_root).replace(os.sep, "/"))
    if isinstance(err, FileNotFoundError):
        why = f"points to {shown}, which does not exist"
    else:
        why = f"cannot be followed ({err.strerror or err})"
    return problem(entry_rel, 1, 1, Code.DANGLING_SYMLINK, f"symlink {why}; it was not read")
