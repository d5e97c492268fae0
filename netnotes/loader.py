"""The loading pipeline: files -> notes -> model, collecting every problem on the way.

``load_vault`` is what every command calls. Notes that cannot be read, or that lack a required
field, are left out; a bad field is dropped and the rest of its note kept; a ref to no contact
is dropped. Notes that have not changed since an earlier run come from the note cache
(``notecache``); the rest are read, and YAML parsed, spread over the machine's cores for
large vaults. The resolved model is kept too (``snapshot``): when no note file changed it is used as it is,
without reading a note; when only interactions or asks changed, just those are read and
resolved again and patched into it; anything else (a contact, netnotes.yaml, an id that
wikilinks or duplicates depend on) builds the model from all the notes.
"""

from __future__ import annotations

import datetime as dt
import functools
import gc
import os
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import chain
from pathlib import Path
from typing import TypeVar, overload

from . import dates, notecache, snapshot
from .checks import check_duplicate_ids, check_wikilinks
from .config import load_config
from .dates import Duration, add_duration
from .discover import (
    CONFIG_FILE,
    FolderStamp,
    FolderTimes,
    Found,
    NoteFile,
    NoteKind,
    VaultError,
    entries_since,
    look,
    walk,
)
from .fields import FieldReader, describe, near_miss
from .later import Later
from .model import ASK_KINDS, Ask, AskStatus, Config, Contact, Direction, Interaction, Vault, dated_order
from .notecache import NoteCache
from .notes import Field, Note, read_note
from .parallel import Aside, parallel_map
from .problems import Code, Problem, problem, sort_problems, summary
from .refs import RefIndex
from .snapshot import Counts, FileStamps, Patch, Snapshot

CONTACT_KEYS = (
    "name",
    "aliases",
    "company",
    "role",
    "location",
    "email",
    "phone",
    "linkedin",
    "website",
    "tags",
    "circle",
    "cadence",
    "since",
    "met_through",
    "met_at",
    "birthday",
    "snooze_until",
    "archived",
    "past_companies",
    "not_same_as",
)
INTERACTION_KEYS = ("date", "with", "kind", "title", "follow_up", "next", "done")
ASK_KEYS = ("date", "with", "direction", "kind", "status", "due", "closed", "intro_to", "thanked")

T = TypeVar("T")
A_YEAR = Duration(1, "y")
PARALLEL_THRESHOLD = 4000  # notes to read; below this, starting worker processes costs more than it saves


@dataclass(frozen=True, slots=True)
class ChangedNotes:
    """Which note files changed since the snapshot a load started from."""

    known: bool  # False: there was no snapshot to compare with, so any note may have changed
    paths: frozenset[str] = frozenset()  # vault-relative paths of notes added, changed or removed


@dataclass(frozen=True, slots=True)
class LoadResult:
    # The model (``vault``); from the snapshot, unpickled only when first asked for (a build
    # where nothing changed compares keys, and needs only ``config`` and ``counts``)
    held: Later[Vault]
    config: Config  # netnotes.yaml, as the model holds it
    counts: Counts  # how many contacts, interactions and asks the model holds
    problems: list[Problem]
    # By vault-relative path: the raw notes (fields with their positions, bodies), for the
    # commands that change notes. Read on demand when the model came from its snapshot.
    notes: Mapping[str, Note]
    cache_warnings: tuple[str, ...] = ()  # the note cache could not be used or saved: no failure
    changed: ChangedNotes = field(default=ChangedNotes(known=False))
    # The key of the snapshot the model is (``Snapshot.key``): equal keys, equal models
    # (besides netnotes.yaml's and the walk's problems); None when nothing was kept
    model_key: str | None = None
    # How the model was patched from an earlier one (``snapshot.Patch``); None after a full load
    patch: Patch | None = None
    # Names the contacts and netnotes.yaml the model holds (``Snapshot.contacts_key``): equal
    # keys, equal contacts and config; None when nothing was kept
    contacts_key: str | None = None

    @property
    def vault(self) -> Vault:
        return self.held.get()

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.is_error]

    def notices(self, incomplete: str | None) -> list[str]:
        """What a command other than `check` says of the vault's problems: one summary line,
        and, when netnotes.yaml cannot be read, that ``incomplete`` (its result) follows."""
        lines = [summary(self.problems)] if self.problems else []
        if incomplete and not self.config.readable:
            lines.append(f"{CONFIG_FILE} cannot be read: circles, kinds and settings are unknown, so {incomplete}")
        return lines

    def check_summary(self) -> str:
        """The line `check` ends with: what the vault holds and how many problems it has."""
        errors = len(self.errors)
        warnings = len(self.problems) - errors
        contacts, interactions, asks = self.counts
        return (
            f"{contacts} contacts, {interactions} interactions, {asks} asks: "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}"
        )


def load_vault(
    root: Path,
    jobs: int | None = None,
    today: dt.date | None = None,
    cache: NoteCache | None = None,
    hint: Changes | None = None,
    raw_notes: bool = True,
) -> LoadResult:
    """The vault at ``root`` and every problem in it; ``today`` (default: the local date) is
    what a date far in the future is measured from. ``cache`` keeps the parsed notes (default:
    the vault's note cache in the user's cache folder; ``netnotes serve`` keeps one for its
    whole run, ``NoteCache(root, persistent=False)`` reads every note). ``hint``: every path that
    may have changed since the last load through ``cache`` (``Changes``, from ``serve``'s file
    watcher), so that the vault need not be walked; None walks it. ``raw_notes=False``: the
    caller never changes a note (``build``), so the raw notes are not held once the model is
    made (``LoadResult.notes`` reads one from the note cache if asked): at 10,000 contacts, a
    tenth of what a cold build holds at its peak."""
    if not root.is_dir():
        raise VaultError(f"vault folder '{root}' does not exist")
    # Loading allocates millions of small objects and frees almost none of them; the cyclic
    # garbage collector would rescan them all again and again for nothing (about a third of
    # the time on a 100,000-note vault), so it waits until the model is built.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    drop = cache is None and not raw_notes  # a command's own cache: nothing loads through it again
    cache = cache or NoteCache(root)
    try:
        return _load(root, jobs, today or dates.local_today(), cache, hint, keep_notes=not drop)
    finally:
        if drop:
            cache.forget()
        if gc_was_enabled:
            gc.enable()


# A patched model is saved as the next snapshot unless it re-read fewer than one note file in
# this many (then the next command patches the saved snapshot again, which costs less).
SMALL_PATCH = 100


def _load(
    root: Path, jobs: int | None, today: dt.date, cache: NoteCache, hint: Changes | None, keep_notes: bool
) -> LoadResult:
    """``load_vault``; ``keep_notes``: the raw notes a full load read are the result's, else
    (when the note cache keeps them) they are read from it when asked for (``_NotesOnDemand``)."""
    started = notecache.now_ns()  # before any note file is looked at: a later change moves its times
    config, problems = load_config(root)
    warnings: list[str] = []
    kept = _kept(root, cache, warnings.append)
    listed = _listed(root, cache.listing, kept, hint, jobs)
    files: Sequence[NoteFile]
    if listed is None:
        walked = walk(root)
        files, found, folders, times = walked.files, tuple(walked.problems), walked.folders, walked.times
        stamps, walked_ns = FileStamps.of(walked.files), started
        changed_paths = [] if kept is None else kept.files.changed(walked.files, kept.written_ns, stamps)
    else:
        files, stamps, found, folders, changed_paths, times, walked_ns = listed
    problems += found
    notes: Mapping[str, Note]
    made = None
    from_file = kept is not None and kept is not cache.kept  # read from its file by this load
    if kept is not None and from_file and changed_paths:
        made = _patched_before(root, kept, changed_paths, stamps, files, config, today, cache, started)
    patched_now = made is None
    if kept is not None and made is None:
        made = _patched(kept, changed_paths, stamps, files, config, today, cache, started, warnings.append)
    if made is None:
        loaded, read = _full(files, stamps, config, today, cache, jobs, started, warnings.append)
        notes = {n.path: n for n in read} if keep_notes or not cache.usable else _NotesOnDemand(files, cache)
        changed = ChangedNotes(False) if kept is None else ChangedNotes(True, frozenset(changed_paths))
    else:
        loaded, changed = made
        notes = _NotesOnDemand(files, cache)
    if cache.path is not None:
        listing = None
        if folders is not None:
            listing = _listing(loaded, kept, files, stamps, found, folders, changed_paths, started, times, walked_ns)
        if loaded is not kept:
            # A patch of a few notes is not saved: pickling a whole large model costs more than
            # patching it again next time (named by its stamps once they are settled, the same
            # patch is the same model; before that, each is a model of its own).
            again = made is not None and len(loaded.files.paths) >= SMALL_PATCH * (len(changed.paths) + 1)
            if cache.usable and not again:  # else the note cache said why nothing is kept
                snapshot.save(root, _recording(loaded, listing), warnings.append)
            elif cache.usable and from_file and patched_now and kept is not None and _named_patch(kept, loaded):
                # what it made but the model, for the next command that patches the same notes
                snapshot.save_patched(root, snapshot.Patched.of(kept, loaded), warnings.append)
        cache.kept = loaded
        cache.listing = listing
    held = Later(functools.partial(_rooted, loaded, str(root)))
    problems = sort_problems([*problems, *loaded.problems], first=CONFIG_FILE)
    if cache.path is None:
        return LoadResult(held, loaded.config, loaded.counts, problems, notes, tuple(warnings), changed)
    return LoadResult(
        held,
        loaded.config,
        loaded.counts,
        problems,
        notes,
        tuple(warnings),
        changed,
        loaded.key,
        loaded.patch,
        loaded.contacts_key,
    )


def _named_patch(kept: Snapshot, loaded: Snapshot) -> bool:
    """Whether ``loaded`` is a patch of ``kept`` named by its stamps (``snapshot.patch_name``)."""
    return loaded.patch is not None and bool(loaded.name) and loaded.patch.base == kept.key


def _patched_before(
    root: Path,
    kept: Snapshot,
    changed: list[str],
    stamps: FileStamps,
    files: Sequence[NoteFile],
    config: Config,
    today: dt.date,
    cache: NoteCache,
    started: int,
) -> tuple[Snapshot, ChangedNotes] | None:
    """``_patched``'s snapshot when the last load made that very patch (the same snapshot, day
    and notes read again with the same settled stamps: the same ``patch_name``) and kept what it
    made beside the snapshot (``snapshot.Patched``): its key, counts and problems at once, the
    model made by patching only when it is asked for. None when there is no such patch."""
    if kept.config != config or today != kept.today:
        return None  # a different patch, or (a new day) one that reads the model to find its notes
    name = _patch_name(kept, today, changed, _find(files, stamps.paths, changed), started)
    if not name:
        return None
    before = snapshot.read_patched(root, kept.key, name)
    if before is None:
        return None

    def model() -> Vault:
        made = _patched(kept, changed, stamps, files, config, today, cache, started, _unsaid)
        if made is None:  # cannot be: that load patched these very notes
            return _full(files, stamps, config, today, cache, None, started, _unsaid)[0].vault
        return made[0].vault

    patched = Snapshot(
        config,
        today,
        started,
        stamps,
        Later(model),
        before.counts,
        before.problems,
        before.other_dates,
        before.link_keys,
        kept.duplicates,
        name,
        before.patch,
    )
    return patched, ChangedNotes(True, frozenset(changed))


def _patch_name(
    kept: Snapshot, today: dt.date, redo: Iterable[str], by_path: Mapping[str, NoteFile], started: int
) -> str:
    """``snapshot.patch_name`` of ``kept`` patched with the notes at ``redo`` (their files, those
    still there, in ``by_path``)."""
    return snapshot.patch_name(kept, today, ((p, by_path[p].stamp if p in by_path else None) for p in redo), started)


def _rooted(loaded: Snapshot, root: str) -> Vault:
    """The model of ``loaded``, at ``root`` (a snapshot's model is at no root)."""
    vault = loaded.vault
    return vault if vault.root == root else replace(vault, root=root)


@dataclass(frozen=True, slots=True)
class Changes:
    """The paths that may have changed in the vault since the last load through the same
    ``NoteCache``, as a file watcher saw them (``netnotes serve``): every file created, written,
    removed or moved (both ends), and folders whose attributes changed; vault-relative,
    '/'-separated. Given it, a load looks at those paths alone instead of walking the vault,
    when what it kept allows (``_listed``); its result is then exactly what a walk gives."""

    paths: frozenset[str]


@dataclass(frozen=True, slots=True)
class _Listing:
    """What a load found on disk, kept on its ``NoteCache`` beside the snapshot it left there,
    for the next load told what changed since (``Changes``), or finding it by stat alone
    (``_restat``); a snapshot file keeps the same (``snapshot.Walked``) for the next process."""

    model: Snapshot  # the snapshot that load left on the cache: the listing is good with it alone
    files: Sequence[NoteFile]  # every note file, sorted by path (never changed: a later load copies it)
    stamps: FileStamps  # their stamps
    problems: tuple[Problem, ...]  # the walk's
    folders: dict[str, FolderStamp]  # the folders of a plain walk (``discover.Walk.folders``)
    changed: frozenset[str]  # what ``model.files.changed(files, model.written_ns)`` gives
    unsettled: frozenset[str]  # files changed too shortly before that load began to be sure of
    times: dict[str, FolderTimes]  # the folders' times when the walk began at ``walked_ns`` took them
    walked_ns: int


def _listing(
    loaded: Snapshot,
    kept: Snapshot | None,
    files: Sequence[NoteFile],
    stamps: FileStamps,
    found: tuple[Problem, ...],
    folders: dict[str, FolderStamp],
    changed_paths: list[str],
    started: int,
    times: dict[str, FolderTimes],
    walked_ns: int,
) -> _Listing:
    """The listing of a load that began at ``started``, found ``files`` (``changed_paths``
    since ``kept``) and left ``loaded``; ``times`` are the folders' as the walk that began at
    ``walked_ns`` took them (this load's walk, or an earlier one it was told or found changes
    since). Without going through every file: a file not among ``changed_paths`` has the stamp
    it has in ``kept`` and had settled before ``kept`` was begun, so before this load too
    (unless the clock went back since)."""
    if kept is None or started < kept.written_ns:
        unsettled = frozenset(stamps.changed(list(files), started, stamps))
    else:
        unsettled = frozenset(
            path for path in changed_paths if (now := stamps.at(path)) is not None and snapshot.unsettled(now, started)
        )
    changed = frozenset(changed_paths) if loaded is kept else unsettled  # else ``loaded`` has these very stamps
    return _Listing(loaded, files, stamps, found, folders, changed, unsettled, times, walked_ns)


def _recording(loaded: Snapshot, listing: _Listing | None) -> Snapshot:
    """``loaded`` as its file keeps it: with what its listing saw, when that listing's files are
    the snapshot's own (``Snapshot.walked``), so that the files counting as changed are those too
    new to trust (``_listing``, for a snapshot saved: not the one the load began from)."""
    if (
        listing is None
        or listing.changed != listing.unsettled
        or listing.stamps.paths != loaded.files.paths
        or listing.stamps.stamps != loaded.files.stamps
    ):
        return loaded
    walked = snapshot.Walked(listing.problems, listing.folders, listing.times, listing.walked_ns, listing.unsettled)
    return replace(loaded, walked=walked)


def _recorded(root: Path, kept: Snapshot) -> _Listing | None:
    """The listing a snapshot read from its file keeps (``_recording``); None when it keeps none."""
    walked = kept.walked
    if walked is None:
        return None
    files = _Files(str(root), kept.files)
    return _Listing(
        kept,
        files,
        kept.files,
        walked.problems,
        walked.folders,
        walked.unsettled,  # changed: ``_listing``'s for a snapshot other than the one it was loaded from
        walked.unsettled,
        walked.times,
        walked.walked_ns,
    )


Listed = tuple[
    Sequence[NoteFile], FileStamps, tuple[Problem, ...], dict[str, FolderStamp], list[str], dict[str, FolderTimes], int
]


def _listed(
    root: Path, listing: object, kept: Snapshot | None, hint: Changes | None, jobs: int | None
) -> Listed | None:
    """What a walk would find now (the note files, their stamps, the walk's problems and
    folders), which note files changed since ``kept``, and the folders' times with when they
    were taken, without walking: from the last load's listing of this very snapshot and the
    paths ``hint`` names, or (not told, or the listing is of another snapshot: a command, or
    ``serve`` unsure of its watcher) from the listing ``kept``'s file keeps and the paths
    ``_restat`` finds. None when the vault must be walked: no listing (a first load, a walk
    that was not plain), or a path that cannot be told from itself alone."""
    if kept is None:
        return None
    if not isinstance(listing, _Listing) or listing.model is not kept:
        listing, hint = _recorded(root, kept), None  # the watcher's paths are of another listing
    if listing is None:
        return None
    if hint is None:
        found = _restat(root, listing, kept, jobs)
        if found is None:
            return None
        hint = Changes(frozenset(found))
    return _told(root, listing, kept, hint)


# Note files from which the ``lstat`` of every one is another interpreter's work, on another
# core, while this one unpickles the snapshot's model (each takes about 0.3 s at 115,000 files)
RESTAT_ASIDE = 20_000


def _restat(root: Path, listing: _Listing, kept: Snapshot, jobs: int | None) -> set[str] | None:
    """The paths a file watcher would have named since ``listing`` was made, found by stat: the
    note files whose stamps moved (or that are gone), and the entries of the folders whose
    times moved that the listing does not hold (``discover.entries_since``), with the files the
    walk had a problem with in those folders; None: walk."""
    moved = set(listing.stamps.moved(_stamps_now(root, listing.stamps, kept, jobs)))
    known = _Lazy(lambda: set(listing.stamps.paths))
    entries = entries_since(root, listing.folders, listing.times, listing.walked_ns - notecache.RACY_NS, known)
    if entries is None:
        return None
    named, listed = entries
    if listed:  # what the walk had a problem with there may be gone
        named.update(p.path for p in listing.problems if p.path.rpartition("/")[0] in listed)
    return moved | named


def _stamps_now(root: Path, stamps: FileStamps, kept: Snapshot, jobs: int | None) -> FileStamps:
    """``stamps.restat(root)``. In a large vault whose snapshot's model is still pickled, another
    interpreter looks at the files (``parallel.Aside``, ``snapshot.RESTAT_SCRIPT``) while this
    one unpickles the model: every command needs it, but a build that finds nothing changed, and
    whatever changed is patched into it. Such a build pays for a model it then frees (about
    0.05 s at 100,000 notes) where one after an edit saves the whole unpickling (0.3 s). On one
    core, where no interpreter can be started, or if it fails, the files are looked at here."""
    if len(stamps.paths) < RESTAT_ASIDE or kept.held.made:
        return stamps.restat(str(root))
    given = os.fsencode("\0".join([str(root), *stamps.paths]))
    aside = Aside.start(snapshot.RESTAT_SCRIPT, given, jobs)
    if aside is None:
        return stamps.restat(str(root))
    with aside:
        kept.held.get()
        found = aside.result()
    if found is None or len(found) != _STAMP_BYTES * len(stamps.paths):
        return stamps.restat(str(root))
    return FileStamps(stamps.paths, array("q", found))


_STAMP_BYTES = 4 * array("q").itemsize  # a file's stamp in ``FileStamps.stamps``


def _told(root: Path, listing: _Listing, kept: Snapshot, hint: Changes) -> Listed | None:
    """``_listed`` given the paths that may have changed since ``listing``: each looked at as the
    walk looks at it; None when one cannot be told from itself alone (``discover.look``; a file
    beside a sync tool's conflict copy)."""
    look_at = hint.paths | listing.unsettled
    conflicts = {p.path.rpartition("/")[0] for p in listing.problems if p.code is Code.SYNC_CONFLICT_COPY}
    seen: dict[str, Found] = {}
    for path in sorted(look_at):
        if path.rpartition("/")[0] in conflicts:
            return None  # a conflict copy's problem says whether the note it copies is there
        found = look(root, listing.folders, path)
        if found is None:
            return None
        seen[path] = found
    files = listing.files
    problems = [p for p in listing.problems if p.path not in look_at]
    moved: dict[str, snapshot.Stamp | None] = {}
    for path, found in seen.items():
        problems.extend(found.problems)
        at = bisect_left(files, path, key=_file_path)
        present = at < len(files) and files[at].path == path
        if not present and found.file is None:
            continue
        moved[path] = found.file.stamp if found.file is not None else None
        if isinstance(files, _Files):
            continue  # made anew below, from the stamps
        if files is listing.files:
            files = list(files)
        assert isinstance(files, list)
        if found.file is None:
            del files[at]
        elif present:
            files[at] = found.file
        else:
            files.insert(at, found.file)
    stamps = listing.stamps.replaced(moved) if moved else listing.stamps
    if moved and isinstance(files, _Files):
        files = _Files(files.root, stamps)
    changed = set(listing.changed - look_at)
    for path in look_at:  # as ``FileStamps.changed`` finds them
        now, before = stamps.at(path), kept.files.at(path)
        if now != before or (now is not None and snapshot.unsettled(now, kept.written_ns)):
            changed.add(path)
    return files, stamps, tuple(problems), listing.folders, sorted(changed), listing.times, listing.walked_ns


class _Files(Sequence[NoteFile]):
    """The note files of a plain walk, made from their stamps when asked for: a note file is a
    function of its path and stamp (its kind the path's first folder, its id its name), and a
    load that finds nothing changed asks for none of 115,000."""

    def __init__(self, root: str, stamps: FileStamps) -> None:
        self.root = root
        self.stamps = stamps

    def __len__(self) -> int:
        return len(self.stamps.paths)

    @overload
    def __getitem__(self, at: int) -> NoteFile: ...
    @overload
    def __getitem__(self, at: slice) -> list[NoteFile]: ...
    def __getitem__(self, at: int | slice) -> NoteFile | list[NoteFile]:
        if isinstance(at, slice):
            return [self[i] for i in range(*at.indices(len(self)))]
        path = self.stamps.paths[at]
        n, first = self.stamps.stamps, 4 * (at % len(self))
        stamp = (n[first], n[first + 1], n[first + 2], n[first + 3] % 2**64)
        name = path.rpartition("/")[2]
        return NoteFile.found(NoteKind(path.partition("/")[0]), path, f"{self.root}/{path}", stamp, name)

    def __iter__(self) -> Iterator[NoteFile]:
        for at in range(len(self)):
            yield self[at]


def _file_path(file: NoteFile) -> str:
    return file.path


def _kept(root: Path, cache: NoteCache, warn: notecache.Warn) -> Snapshot | None:
    """The snapshot of the last load: in memory when ``cache`` made it, else from the user's
    cache folder; none for a cache that keeps nothing."""
    if cache.path is None:
        return None
    if isinstance(cache.kept, Snapshot):
        return cache.kept
    return snapshot.read(root, warn)


def _full(
    files: Sequence[NoteFile],
    stamps: FileStamps,
    config: Config,
    today: dt.date,
    cache: NoteCache,
    jobs: int | None,
    started: int,
    warn: notecache.Warn,
) -> tuple[Snapshot, list[Note]]:
    """The model built from every note (each from the note cache when it has not changed)."""
    notes = cache.notes(list(files), lambda todo: read_notes(todo, jobs), warn)
    problems: list[Problem] = []
    for note in notes:
        problems.extend(note.problems)
    by_kind: dict[NoteKind, list[tuple[NoteFile, Note]]] = {kind: [] for kind in NoteKind}
    for file, note in zip(files, notes, strict=True):
        by_kind[file.kind].append((file, note))
    unique, dup_problems = check_duplicate_ids(by_kind)
    problems += dup_problems
    duplicates: frozenset[tuple[NoteKind, str]] = frozenset()
    if dup_problems:
        ids = Counter((f.kind, f.id) for f in files)
        duplicates = frozenset(k for k, n in ids.items() if n > 1)

    contacts, met_through = _contacts(unique[NoteKind.CONTACTS], config, problems)
    index = RefIndex(contacts)
    contacts = _resolve_met_through(contacts, met_through, index, problems)
    contacts = _resolve_not_same_as(contacts, {n.path: n for _, n in unique[NoteKind.CONTACTS]}, index, problems)
    dated: dict[str, dt.date] = {}
    interactions = _interactions(unique[NoteKind.INTERACTIONS], config, index, problems, today, dated)
    asks = _asks(unique[NoteKind.ASKS], index, problems, today, dated)

    contacts.sort(key=lambda c: c.id)
    interactions.sort(key=dated_order)
    asks.sort(key=dated_order)
    all_ids = {f.id for f, _ in unique[NoteKind.INTERACTIONS]} | {f.id for f, _ in unique[NoteKind.ASKS]}
    link_keys: set[str] = set()
    problems += check_wikilinks([n for n in notes if n.fields is not None], index, all_ids, link_keys)
    vault = Vault(
        root="",
        config=config,
        contacts=tuple(contacts),
        interactions=tuple(interactions),
        asks=tuple(asks),
        contacts_by_id={c.id: c for c in contacts},
    )
    kept = Snapshot.of(
        config,
        today,
        started,
        stamps,
        vault,
        tuple(sort_problems(problems)),
        _other_dates(dated, vault),
        frozenset(link_keys),
        duplicates,
    )
    return kept, notes


def _other_dates(dated: dict[str, dt.date], vault: Vault) -> dict[str, dt.date]:
    """Of the dates measured against today, those of notes the model left out."""
    if len(dated) == len(vault.interactions) + len(vault.asks):
        return {}
    modeled = {i.path for i in vault.interactions} | {a.path for a in vault.asks}
    return {p: day for p, day in dated.items() if p not in modeled}


def _patched(
    kept: Snapshot,
    changed: list[str],
    stamps: FileStamps,
    files: Sequence[NoteFile],
    config: Config,
    today: dt.date,
    cache: NoteCache,
    started: int,
    warn: notecache.Warn,
) -> tuple[Snapshot, ChangedNotes] | None:
    """``kept`` as it is when no note changed (``changed``: the paths of the note files, whose
    stamps are ``stamps``, changed since it was made); patched when only interactions and asks
    did (only those notes are read and resolved again); None when the model must be built anew."""
    if kept.config != config:
        return None
    redo = set(changed)
    if today != kept.today:
        # An interaction or ask whose date is a year after one day and not the other (NN212).
        low, high = sorted((_a_year_after(today), _a_year_after(kept.today)))
        v = kept.vault
        dates_now = chain(((i.path, i.date) for i in v.interactions), ((a.path, a.date) for a in v.asks))
        redo.update(path for path, day in chain(dates_now, kept.other_dates.items()) if low < day <= high)
    if not redo:
        return kept, ChangedNotes(True)
    by_path = _find(files, stamps.paths, redo)  # both sorted by path, as discover gives them
    before = _find(kept.files.paths, kept.files.paths, redo)
    added: list[NoteFile] = []
    came_or_went: set[str] = set()  # interaction and ask ids
    for path in redo:
        file = by_path.get(path)
        kind = file.kind if file is not None else _kind_of(path)
        if kind is None or kind is NoteKind.CONTACTS:
            return None  # a contact: everything that refers to contacts may read differently
        note_id = file.id if file is not None else NoteFile(kind, path, "").id
        if (kind, note_id) in kept.duplicates:
            return None
        if file is None or path not in before:
            came_or_went.add(note_id)
            if file is not None:
                added.append(file)
    if came_or_went & kept.link_keys:
        return None  # a wikilink that named no contact may now name this note, or no longer
    if added:
        ids = Counter((f.kind, f.id) for f in files)
        if any(ids[f.kind, f.id] > 1 for f in added):
            return None

    todo = [by_path[p] for p in sorted(redo) if p in by_path]
    notes = cache.notes(todo, read_notes, warn, every=False) if todo else []
    problems = [p for p in kept.problems if p.path not in redo]
    for note in notes:
        problems.extend(note.problems)
    index = kept.memo.index
    if index is None:  # made once for a full load's contacts, which its patches keep
        index = kept.memo.index = RefIndex(sorted(kept.vault.contacts, key=_contact_path))  # as a full load indexes
    dated: dict[str, dt.date] = {}
    items = list(zip(todo, notes, strict=True))
    new_interactions = _interactions(
        [i for i in items if i[0].kind is NoteKind.INTERACTIONS], config, index, problems, today, dated
    )
    new_asks = _asks([i for i in items if i[0].kind is NoteKind.ASKS], index, problems, today, dated)
    link_keys = set(kept.link_keys)
    all_ids = _Lazy(lambda: {f.id for f in files if f.kind is not NoteKind.CONTACTS})  # for a wikilink only
    problems += check_wikilinks([n for n in notes if n.fields is not None], index, all_ids, link_keys)
    old_interactions, old_asks = _of_paths(kept.vault, redo)
    interactions = _merged(kept.vault.interactions, old_interactions, new_interactions)
    asks = _merged(kept.vault.asks, old_asks, new_asks)
    vault = replace(kept.vault, interactions=interactions, asks=asks)
    other_dates = {p: day for p, day in kept.other_dates.items() if p not in redo}
    other_dates.update(_other_dates(dated, replace(vault, interactions=tuple(new_interactions), asks=tuple(new_asks))))
    sorted_problems = tuple(sort_problems(problems))
    if (
        _by_path(new_interactions, new_asks) == _by_path(old_interactions, old_asks)
        and sorted_problems == kept.problems
        and other_dates == kept.other_dates
        and link_keys == kept.link_keys
    ):
        # The notes read again gave what the snapshot holds (a note touched but not changed,
        # or re-read only because its stamp was too new to trust): it is the same model, under
        # the same key, now with this load's stamps, so that the next load trusts those notes
        # (kept with the old stamps, they were read again by every load, as long as it was kept);
        # ``replace`` hands it the snapshot's memo, with the index of the same contacts
        same = replace(kept, written_ns=started, files=stamps, name=kept.key, walked=None)
        return same, ChangedNotes(True, frozenset(changed))
    patch = snapshot.Patch(kept.key, kept.contacts_key, tuple(sorted(redo)), tuple(new_interactions), tuple(new_asks))
    patched = Snapshot.of(
        config,
        today,
        started,
        stamps,
        vault,
        sorted_problems,
        other_dates,
        frozenset(link_keys),
        kept.duplicates,
        _patch_name(kept, today, redo, by_path, started),
        patch,
    )
    patched.memo.index = index  # the same contacts
    return patched, ChangedNotes(True, frozenset(changed))


Dated = TypeVar("Dated", Interaction, Ask)


def _merged(kept: tuple[Dated, ...], gone: list[Dated], new: list[Dated]) -> tuple[Dated, ...]:
    """``kept`` (sorted by date and path, as a full load sorts them) without ``gone`` (some of
    its objects) and with ``new``: the same sorted tuple, found by bisection, not by sorting
    100,000 objects again. (Each note has one path, so no two objects have the same key.)"""
    items = list(kept)
    for item in gone:
        del items[bisect_left(items, dated_order(item), key=dated_order)]
    for item in new:
        items.insert(bisect_left(items, dated_order(item), key=dated_order), item)
    return tuple(items)


def _contact_path(contact: Contact) -> str:
    return contact.path


def _find(items: Sequence[T], paths: Sequence[str], wanted: Iterable[str]) -> dict[str, T]:
    """The items of ``wanted`` paths, by path, where ``items`` are in the order of their
    ``paths`` (sorted): found by bisection, without a dict of every note file."""
    found = {}
    for path in wanted:
        at = bisect_left(paths, path)
        if at < len(paths) and paths[at] == path:
            found[path] = items[at]
    return found


class _Lazy(Container[str]):
    """A set made only if something is looked up in it."""

    def __init__(self, make: Callable[[], set[str]]) -> None:
        self._make = make
        self._set: set[str] | None = None

    def __contains__(self, item: object) -> bool:
        if self._set is None:
            self._set = self._make()
        return item in self._set


def _of_paths(vault: Vault, paths: set[str]) -> tuple[list[Interaction], list[Ask]]:
    """The interactions and asks of ``vault`` made from the notes at ``paths``."""
    return [i for i in vault.interactions if i.path in paths], [a for a in vault.asks if a.path in paths]


def _by_path(interactions: list[Interaction], asks: list[Ask]) -> dict[str, Interaction | Ask]:
    return {**{i.path: i for i in interactions}, **{a.path: a for a in asks}}


def _kind_of(path: str) -> NoteKind | None:
    folder = path.split("/", 1)[0]
    return next((kind for kind in NoteKind if kind == folder), None)


class _NotesOnDemand(Mapping[str, Note]):
    """The raw notes of a load that came from its snapshot, or of a load that keeps none
    (``load_vault``'s ``raw_notes``): each one read from the note cache (or its file) when it
    is first asked for. Only the commands that change notes ask, for a few."""

    def __init__(self, files: Sequence[NoteFile], cache: NoteCache) -> None:
        self._listed = files
        self._by_path: dict[str, NoteFile] | None = None  # made when first needed: 115,000 at 10,000 contacts
        self._cache = cache
        self._got: dict[str, Note] = {}

    @property
    def _files(self) -> dict[str, NoteFile]:
        if self._by_path is None:
            self._by_path = {f.path: f for f in self._listed}
        return self._by_path

    def __getitem__(self, path: str) -> Note:
        note = self._got.get(path)
        if note is None:
            file = self._files[path]
            if len(self._got) >= 16:  # asked for one after another (`merge`): all at once
                self._read([f for p, f in self._files.items() if p not in self._got])
            else:
                self._read([file])
            note = self._got[path]
        return note

    def _read(self, files: list[NoteFile]) -> None:
        for note in self._cache.notes(files, read_notes, _unsaid, every=False):
            self._got[note.path] = note

    def __contains__(self, path: object) -> bool:
        return path in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)

    def __repr__(self) -> str:
        self._read([f for p, f in self._files.items() if p not in self._got])
        return repr({p: self._got[p] for p in self._files})


def _unsaid(_: str) -> None:
    """A note cache that cannot be used now: the note is read from its file, the load is done."""


def read_notes(files: list[NoteFile], jobs: int | None = None) -> list[Note]:
    """Read every file, in parallel when there are many; results keep the files' order."""
    return parallel_map(_read_batch, files, None, threshold=PARALLEL_THRESHOLD, jobs=jobs)


def _read_batch(_: None, files: list[NoteFile]) -> list[Note]:
    return [read_note(f.abspath, f.path) for f in files]


def _contacts(
    items: list[tuple[NoteFile, Note]], config: Config, problems: list[Problem]
) -> tuple[list[Contact], dict[str, tuple[str, int, int]]]:
    circles = config.circle_cadences
    contacts: list[Contact] = []
    met_through: dict[str, tuple[str, int, int]] = {}
    for file, note in items:
        if note.fields is None:
            continue
        read = FieldReader(note.path, note.fields, problems)
        name = read.text("name", required=True)
        custom = read.custom(CONTACT_KEYS)
        circle = read.text("circle")
        if circle is not None and config.circles_known and circle not in circles:
            read.report(note.fields["circle"], Code.UNKNOWN_CIRCLE, _unknown_circle(circle, circles))
            circle = None
        ref = read.text("met_through")
        # Every field is read before a nameless contact is left out, so all its problems show at once.
        contact = Contact(
            id=file.id,
            path=note.path,
            name=name or "",
            aliases=read.texts("aliases"),
            company=read.text("company"),
            role=read.text("role"),
            location=read.text("location"),
            emails=read.texts("email"),
            phones=read.texts("phone"),
            linkedin=read.text("linkedin"),
            website=read.text("website"),
            tags=read.texts("tags"),
            circle=circle,
            cadence=read.cadence("cadence"),
            since=read.date("since"),
            met_at=read.text("met_at"),
            birthday=read.birthday("birthday"),
            snooze_until=read.date("snooze_until"),
            archived=read.boolean("archived"),
            past_companies=read.texts("past_companies"),
            custom=custom,
            body=note.body,
            body_line=note.body_line,
        )
        if name is None:
            continue
        if ref is not None:
            f = note.fields["met_through"]
            met_through[file.id] = (ref, f.line, f.column)
        contacts.append(contact)
    return contacts, met_through


def _unknown_circle(circle: str, circles: dict[str, Duration]) -> str:
    hint = near_miss(circle, circles)
    if hint:
        return f"unknown circle '{circle}' (did you mean '{hint}'?)"
    if circles:
        return f"unknown circle '{circle}'; circles in netnotes.yaml: {', '.join(circles)}"
    return f"unknown circle '{circle}'; define it under 'circles:' in netnotes.yaml"


def _resolve_met_through(
    contacts: list[Contact], refs: dict[str, tuple[str, int, int]], index: RefIndex, problems: list[Problem]
) -> list[Contact]:
    out = []
    for c in contacts:
        if c.id in refs:
            ref, line, column = refs[c.id]
            introducer = _resolve(ref, c.path, line, column, index, problems)
            if introducer == c.id:
                problems.append(
                    problem(
                        c.path,
                        line,
                        column,
                        Code.INTRODUCED_BY_SELF,
                        f"'met_through' names {c.name} themselves; name who introduced them",
                    )
                )
                introducer = None
            out.append(replace(c, met_through=introducer))
        else:
            out.append(c)
    return out


def _resolve_not_same_as(
    contacts: list[Contact], notes: dict[str, Note], index: RefIndex, problems: list[Problem]
) -> list[Contact]:
    """``not_same_as``: contact refs resolved strictly, as ``with`` is (a bad one is NN115/NN116);
    a contact naming itself is left out quietly (it cannot be paired with itself anyway)."""
    out = []
    for c in contacts:
        note = notes[c.path]
        f = note.fields.get("not_same_as") if note.fields is not None else None
        if f is None or f.value is None or f.value == [] or f.value == "":
            out.append(c)
            continue
        read = FieldReader(c.path, {"not_same_as": f}, problems)
        ids = _ref_items(read, "not_same_as", f, index, problems)
        out.append(replace(c, not_same_as=tuple(i for i in ids if i != c.id)))
    return out


def _resolve(ref: str, path: str, line: int, column: int, index: RefIndex, problems: list[Problem]) -> str | None:
    found = index.resolve(ref)
    if found.contact_id is None:
        problems.append(problem(path, line, column, found.code or Code.NO_SUCH_CONTACT, found.error or "bad ref"))
    return found.contact_id


def _interactions(
    items: list[tuple[NoteFile, Note]],
    config: Config,
    index: RefIndex,
    problems: list[Problem],
    today: dt.date,
    dated: dict[str, dt.date],
) -> list[Interaction]:
    """The interactions of ``items``; ``dated`` gets each note's date measured against ``today``."""
    kinds = config.interaction_kinds
    out: list[Interaction] = []
    for file, note in items:
        if note.fields is None:
            continue
        read = FieldReader(note.path, note.fields, problems)
        day = read.date("date", required=True)
        refs = _refs(read, "with", index, problems)
        custom = read.custom(INTERACTION_KEYS)
        kind = read.choice("kind", kinds, Code.UNKNOWN_INTERACTION_KIND) if config.kinds_known else read.text("kind")
        follow_up = read.date_or_duration("follow_up")
        title, next_step, done = read.text("title"), read.text("next"), read.boolean("done")
        if next_step is not None and not done and read.get("follow_up") is None:
            read.report(
                note.fields["next"],
                Code.NEXT_WITHOUT_FOLLOW_UP,
                "'next' has no 'follow_up', so it will never be due; add follow_up: a date or a duration like 2w",
            )
        if day is None:
            continue
        dated[note.path] = day
        _far_future(read, day, today, "a later date makes this a planned interaction")
        if isinstance(follow_up, dt.date) and follow_up < day:
            read.report(
                note.fields["follow_up"],
                Code.FOLLOW_UP_BEFORE_DATE,
                f"'follow_up' {follow_up} is before this interaction's date {day}; a typo in the year or month?",
            )
        if refs is None:
            continue
        if isinstance(follow_up, Duration):
            follow_up = add_duration(day, follow_up)
        out.append(
            Interaction(
                id=file.id,
                path=note.path,
                date=day,
                with_=refs,
                kind=kind,
                title=title,
                follow_up=follow_up,
                next=next_step,
                done=done,
                custom=custom,
                body=note.body,
                body_line=note.body_line,
            )
        )
    return out


def _refs(read: FieldReader, key: str, index: RefIndex, problems: list[Problem]) -> tuple[str, ...] | None:
    """Resolved contact ids of a ref-or-list field; None when the field is missing or empty."""
    f = read.get(key)
    if f is None or f.value == [] or f.value == "":
        read.missing(key)
        return None
    return _ref_items(read, key, f, index, problems)


def _ref_items(read: FieldReader, key: str, f: Field, index: RefIndex, problems: list[Problem]) -> tuple[str, ...]:
    """The contact ids a ref-or-list field names, each bad item reported where it is written."""
    items = f.value if isinstance(f.value, list) else [f.value]
    ids: list[str] = []
    for i, item in enumerate(items):
        line, column = f.items[i] if isinstance(f.value, list) else (f.line, f.column)
        if isinstance(item, list) and len(item) == 1:
            while isinstance(item, list) and len(item) == 1:
                item = item[0]  # an unquoted [[wikilink]] reads as a list in a list (in a list, as a list item)
            if isinstance(item, str):
                item = f"[[{item}]]"  # so that '|label' and '#heading' are cut as in a wikilink
        if not isinstance(item, str):
            read.report(
                (line, column),
                Code.WRONG_TYPE,
                f"'{key}' should be a contact ref or a list of refs, got {describe(item)}",
            )
            continue
        contact_id = _resolve(item, read.path, line, column, index, problems)
        if contact_id is not None and contact_id not in ids:
            ids.append(contact_id)
    return tuple(ids)


@functools.lru_cache(maxsize=4)  # one date per load, asked for every interaction and ask
def _a_year_after(today: dt.date) -> dt.date:
    return add_duration(today, A_YEAR)


def _far_future(read: FieldReader, day: dt.date, today: dt.date, meaning: str) -> None:
    """A ``date`` more than a year after today is most likely a typo in its year (NN212)."""
    if day > _a_year_after(today):
        read.report(
            read.fields["date"],
            Code.FAR_FUTURE_DATE,
            f"'date' {day} is more than a year from today; a typo in the year? ({meaning})",
        )


def _asks(
    items: list[tuple[NoteFile, Note]],
    index: RefIndex,
    problems: list[Problem],
    today: dt.date,
    dated: dict[str, dt.date],
) -> list[Ask]:
    out: list[Ask] = []
    for file, note in items:
        if note.fields is None:
            continue
        read = FieldReader(note.path, note.fields, problems)
        day = read.date("date", required=True)
        refs = _refs(read, "with", index, problems)
        if refs is not None and len(refs) > 1:
            read.report(note.fields["with"], Code.WRONG_TYPE, "an ask is with one contact; make one ask per person")
        direction_given = read.get("direction") is not None
        direction = read.member("direction", Direction, Code.UNKNOWN_DIRECTION)
        if not direction_given:
            read.missing("direction")
        status = read.member("status", AskStatus, Code.UNKNOWN_STATUS)
        kind = read.choice("kind", ASK_KINDS, Code.UNKNOWN_ASK_KIND)
        due, closed = read.date("due"), read.date("closed")
        intro_to = read.text("intro_to")
        thanked = read.boolean("thanked")
        custom = read.custom(ASK_KEYS)
        if day is not None:
            dated[note.path] = day
            _far_future(read, day, today, "an ask's date is when it was made")
        if day is None or refs is None or direction is None:
            continue
        intro_contact = index.find(intro_to) if intro_to else None
        out.append(
            Ask(
                id=file.id,
                path=note.path,
                date=day,
                with_=refs[0] if refs else None,
                direction=direction,
                kind=kind,
                status=status or AskStatus.OPEN,
                due=due,
                closed=closed,
                intro_to=intro_to,
                intro_to_contact=intro_contact,
                thanked=thanked,
                custom=custom,
                body=note.body,
                body_line=note.body_line,
            )
        )
    return out
