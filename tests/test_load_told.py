"""A load told what changed (issue 12): `serve`'s file watcher names the paths it saw change,
and the load looks at those alone instead of walking the vault, giving exactly what a walk
gives; whenever the events may be incomplete (a folder came or went, a first load, a symlink,
a conflict copy) it walks. A load not told (a command, or `serve` unsure of its watcher) finds
the paths by stat, from the listing the snapshot's file keeps of its walk, and walks when that
cannot tell (a folder whose stamp moved, a note folder that came)."""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, write_vault
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from watchdog.events import DirCreatedEvent, DirModifiedEvent, FileModifiedEvent, FileMovedEvent
from watchdog.observers import Observer

from netnotes import discover, loader, notecache, parallel, snapshot
from netnotes.discover import look, walk
from netnotes.loader import Changes, LoadResult, load_vault
from netnotes.notecache import NoteCache
from netnotes.serve import Watched

AN_HOUR = 3600 * 10**9
TODAY = dt.date(2026, 3, 1)

VAULT = {
    "netnotes.yaml": "circles:\n  inner: 3w\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: inner\n---\nMet at PyCon.\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\n---\n",
    "interactions/2026-01-05-coffee.md": "---\ndate: 2026-01-05\nwith: jane-doe\n---\n",
    "interactions/2025/2025-12-01-call.md": "---\ndate: 2025-12-01\nwith: sam-lee\n---\n",
    "asks/2026-01-06-intro.md": "---\ndate: 2026-01-06\nwith: jane-doe\ndirection: out\n---\n",
}


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The loads' clock an hour ahead: the notes a test just wrote count as long settled."""
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + AN_HOUR)


def told(*paths: str) -> Changes:
    return Changes(frozenset(paths))


def walked(root: Path, today: dt.date = TODAY) -> LoadResult:
    return load_vault(root, today=today, cache=NoteCache(root, persistent=False))


def same(a: LoadResult, b: LoadResult) -> None:
    assert repr(a.vault) == repr(b.vault)
    assert a.problems == b.problems
    assert repr(a.notes) == repr(b.notes)


def alike(a: LoadResult, b: LoadResult) -> None:
    """``same``, and the same changed paths and model key, neither with a warning."""
    same(a, b)
    assert a.changed == b.changed
    assert a.model_key == b.model_key
    assert (a.cache_warnings, b.cache_warnings) == ((), ())


# -- The walk is skipped when the watcher's paths are complete, and taken when they may not be


def test_an_edit_the_watcher_saw_is_loaded_without_walking_the_vault(
    make_vault: MakeVault, settled: None, walks: list[str]
) -> None:
    vault = make_vault(VAULT)
    cache = NoteCache(vault)
    load_vault(vault, today=TODAY, cache=cache)
    assert len(walks) == 1  # a first load walks
    (vault / "interactions/2026-01-05-coffee.md").write_text("---\ndate: 2026-01-05\nwith: sam-lee\n---\n")
    (vault / "asks/2026-02-01-new.md").write_text("---\ndate: 2026-02-01\nwith: sam-lee\ndirection: in\n---\n")
    (vault / "asks/2026-01-06-intro.md").unlink()
    result = load_vault(
        vault,
        today=TODAY,
        cache=cache,
        hint=told("interactions/2026-01-05-coffee.md", "asks/2026-02-01-new.md", "asks/2026-01-06-intro.md"),
    )
    assert len(walks) == 1
    same(result, walked(vault))
    assert result.changed.paths == {
        "interactions/2026-01-05-coffee.md",
        "asks/2026-02-01-new.md",
        "asks/2026-01-06-intro.md",
    }


def test_a_first_load_walks_even_when_told(make_vault: MakeVault, walks: list[str]) -> None:
    vault = make_vault(VAULT)
    load_vault(vault, today=TODAY, cache=NoteCache(vault), hint=told())
    assert len(walks) == 1


@pytest.mark.parametrize(
    "path",
    [
        "interactions/2027",  # a folder the last walk did not walk
        "interactions/2027/2027-01-01-new.md",  # a note in it
        "netnotes.yaml",
        "contacts/jane-doe.sync-conflict-20261120-101530-ABCDEFG.md",  # its problem depends on jane-doe.md
    ],
    ids=["new-folder", "note-in-new-folder", "config", "conflict-copy"],
)
def test_a_path_that_cannot_be_told_alone_walks(
    make_vault: MakeVault, settled: None, walks: list[str], path: str
) -> None:
    vault = make_vault(VAULT)
    cache = NoteCache(vault)
    load_vault(vault, today=TODAY, cache=cache)
    target = vault / path
    if path.endswith(".md"):
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text("---\nname: Jane Doe\ndate: 2027-01-01\nwith: jane-doe\n---\n")
    else:
        target.mkdir(exist_ok=True) if "." not in path else target.write_text("circles:\n  inner: 2w\n")
    result = load_vault(vault, today=TODAY, cache=cache, hint=told(path))
    assert len(walks) == 2
    same(result, walked(vault))


def test_a_folder_whose_mode_changed_walks_and_one_only_written_in_does_not(
    make_vault: MakeVault, settled: None, walks: list[str]
) -> None:
    vault = make_vault(VAULT)
    cache = NoteCache(vault)
    load_vault(vault, today=TODAY, cache=cache)
    (vault / "asks/2026-02-01-new.md").write_text("---\ndate: 2026-02-01\nwith: sam-lee\ndirection: in\n---\n")
    load_vault(vault, today=TODAY, cache=cache, hint=told("asks", "asks/2026-02-01-new.md"))
    assert len(walks) == 1  # a folder written in: its stamp (mode, owner, inode) is the same
    os.chmod(vault / "asks", 0o700)
    result = load_vault(vault, today=TODAY, cache=cache, hint=told("asks"))
    assert len(walks) == 2
    same(result, walked(vault))


def test_a_file_too_new_to_trust_at_the_last_load_is_looked_at_though_no_event_names_it(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, walks: list[str]
) -> None:
    """A load just after a save cannot be sure of that file's stamp, as a walk cannot: the next
    load told of nothing looks at it again, and finds what a walk finds."""
    vault = make_vault(VAULT)
    cache = NoteCache(vault)
    load_vault(vault, today=TODAY, cache=cache)  # the notes were just written: too new to trust
    note = vault / "interactions/2026-01-05-coffee.md"
    before = note.stat()
    note.write_text("---\ndate: 2026-01-05\nwith: sam-lee\n---\n")  # the same size ...
    os.utime(note, ns=(before.st_atime_ns, before.st_mtime_ns))  # ... and mtime; no event
    looked: list[str] = []
    real_look = loader.look

    def looking(root: Path, folders: dict[str, discover.FolderStamp], path: str) -> discover.Found | None:
        looked.append(path)
        return real_look(root, folders, path)

    monkeypatch.setattr(loader, "look", looking)
    result = load_vault(vault, today=TODAY, cache=cache, hint=told())
    assert len(walks) == 1
    assert "interactions/2026-01-05-coffee.md" in looked
    same(result, walked(vault))
    assert result.vault.interactions[0].with_ == ("sam-lee",)


def test_with_a_snapshot_another_process_wrote_the_watcher_s_paths_are_not_taken(
    make_vault: MakeVault, settled: None, walks: list[str]
) -> None:
    """The watcher's paths are what changed since this process's last load, not since the
    snapshot another process saved: the load finds what changed by stat, from that file's
    record of its walk, as a command does."""
    vault = make_vault(VAULT)
    cache = NoteCache(vault)
    load_vault(vault, today=TODAY, cache=cache)
    (vault / "contacts/sam-lee.md").write_text("---\nname: Samuel Lee\n---\n")  # no event for it
    cache.kept = snapshot.read(vault, pytest.fail)  # as if another process had saved it since
    result = load_vault(vault, today=TODAY, cache=cache, hint=told())
    assert len(walks) == 1
    same(result, walked(vault))
    assert result.changed.paths == {"contacts/sam-lee.md"}


@pytest.mark.parametrize("link", [os.symlink, os.link], ids=["symlink", "hard-link"])
def test_a_vault_with_a_link_in_it_is_walked_every_time(
    make_vault: MakeVault, settled: None, walks: list[str], link: Callable[[Path, Path], None]
) -> None:
    """A change through a link names the link's target, or the note's other name, and not
    the note: no event can be trusted."""
    vault = make_vault(VAULT)
    link(vault / "contacts/sam-lee.md", vault / "contacts/sam.md")
    cache = NoteCache(vault)
    load_vault(vault, today=TODAY, cache=cache)
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Leigh\n---\n")
    result = load_vault(vault, today=TODAY, cache=cache, hint=told("contacts/sam-lee.md"))
    assert len(walks) == 2
    same(result, walked(vault))


# -- One path is classified as the walk classifies it

ENTRIES = (
    "a.md",
    "B.MD",
    "conflict-resolution.md",
    "a.sync-conflict-20261120-101530-ABCDEFG.md",
    "notes.markdown",
    "readme.txt",
    ".hidden.md",
    "caf\u00e9.md",
)
FOLDERS = ("contacts", "interactions", "interactions/2025", "interactions/2025/q1", "asks")


@settings(max_examples=40, deadline=None)
@given(st.sets(st.tuples(st.sampled_from(FOLDERS), st.sampled_from(ENTRIES)), max_size=10))
def test_one_path_is_classified_as_the_walk_classifies_it(entries: set[tuple[str, str]]) -> None:
    folder = Path(tempfile.mkdtemp(prefix="netnotes-look-"))
    try:
        root = write_vault(folder / "vault", {f"{f}/{name}": "---\nname: A\n---\n" for f, name in entries})
        found = walk(root)
        assert found.folders is not None
        paths = {f"{f}/{name}" for f, name in entries} | {f"{f}/gone.md" for f in FOLDERS} | set(found.folders)
        for path in paths:
            seen = look(root, found.folders, path)
            if seen is None:
                continue  # the walk must be redone: never a wrong answer
            files = [f for f in found.files if f.path == path]
            assert ([seen.file] if seen.file else []) == files
            if seen.file is not None:
                assert seen.file.stamp == files[0].stamp and seen.file.abspath == files[0].abspath
            assert list(seen.problems) == [p for p in found.problems if p.path == path]
    finally:
        shutil.rmtree(folder)


# -- Whatever the sequence of changes: what a walk gives

NAMES = ("x.md", "2026-01-05-y.md", "z.markdown", "x.sync-conflict-20261120-101530-ABCDEFG.md", ".tmp.md", "r.txt")
NOTE_FOLDERS = ("contacts", "interactions", "interactions/2025", "interactions/2025/q1", "asks")
TEXTS = (
    "---\nname: Jane Doe\n---\n",
    "---\nname: Sam Lee\ncircle: nope\n---\n",
    "---\ndate: 2026-01-05\nwith: [jane-doe, nobody]\ndirection: out\n---\nSee [[x]].\n",
    "---\ndate: 2027-03-05\nwith: sam-lee\ndirection: in\n---\n",
    "---\ndate: [oops\n---\n",
)
steps = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(NOTE_FOLDERS), st.sampled_from(NAMES), st.sampled_from(TEXTS)),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("rename"), st.integers(0, 50), st.sampled_from(NOTE_FOLDERS), st.sampled_from(NAMES)),
    st.tuples(st.just("touch"), st.integers(0, 50)),
    st.tuples(st.just("mkdir"), st.sampled_from(NOTE_FOLDERS)),
    st.tuples(st.just("rmtree"), st.sampled_from(NOTE_FOLDERS)),
    st.tuples(st.just("move-folder"), st.sampled_from(NOTE_FOLDERS), st.sampled_from(NOTE_FOLDERS)),
    st.tuples(st.just("told-more"), st.sampled_from(NOTE_FOLDERS), st.sampled_from(NAMES)),
    st.tuples(st.just("clock"), st.sampled_from((0, AN_HOUR))),
    st.tuples(st.just("today"), st.sampled_from((TODAY, dt.date(2026, 3, 6)))),
)


def _files(vault: Path) -> list[Path]:
    return sorted(p for p in vault.rglob("*") if p.is_file() and p.name != "netnotes.yaml")


def _apply(vault: Path, step: tuple[Any, ...]) -> set[str] | None:
    """Make ``step``'s change; the paths a file watcher would name, or None when it would see a
    folder come or go (its events may then be incomplete)."""
    files = _files(vault)

    def rel(path: Path) -> str:
        return path.relative_to(vault).as_posix()

    match step:
        case ("write", folder, name, text):
            new_folder = not (vault / folder).is_dir()
            (vault / folder).mkdir(parents=True, exist_ok=True)
            (vault / folder / name).write_text(text)
            return None if new_folder else {f"{folder}/{name}"}
        case ("delete", n) if files:
            files[n % len(files)].unlink()
            return {rel(files[n % len(files)])}
        case ("rename", n, folder, name) if files:
            new_folder = not (vault / folder).is_dir()
            (vault / folder).mkdir(parents=True, exist_ok=True)
            source = files[n % len(files)]
            source.replace(vault / folder / name)
            return None if new_folder else {rel(source), f"{folder}/{name}"}
        case ("touch", n) if files:
            os.utime(files[n % len(files)])
            return {rel(files[n % len(files)])}
        case ("mkdir", folder):
            if (vault / folder).is_dir():
                return set()
            (vault / folder).mkdir(parents=True)
            return None
        case ("rmtree", folder):
            if not (vault / folder).is_dir():
                return set()
            shutil.rmtree(vault / folder)
            return None
        case ("move-folder", source, target):
            if not (vault / source).is_dir() or (vault / target).exists() or target.startswith(f"{source}/"):
                return set()
            (vault / target).parent.mkdir(parents=True, exist_ok=True)
            (vault / source).rename(vault / target)
            return None
        case ("told-more", folder, name):
            return {f"{folder}/{name}", folder}  # a path that did not change, and a folder written in
    return set()


def _walking(monkeypatch: pytest.MonkeyPatch) -> Callable[[], contextlib.AbstractContextManager[None]]:
    """A switch under which loads walk the vault, told or not (``loader._listed`` finds nothing)."""
    real = loader._listed
    on = {"walk": False}

    def listed(*args: Any) -> Any:  # noqa: ANN401 - loader._listed's
        return None if on["walk"] else real(*args)

    monkeypatch.setattr(loader, "_listed", listed)

    @contextlib.contextmanager
    def walking() -> Iterator[None]:
        on["walk"] = True
        try:
            yield
        finally:
            on["walk"] = False

    return walking


@settings(max_examples=50, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=14))
# an ask saved unchanged: the model is the snapshot's, whose stamp for it is older (so the
# next loads count it as changed, told of it or not)
@example([("clock", AN_HOUR), ("touch", 0), ("clock", AN_HOUR)])
# a conflict copy, then the note it copies: the copy's problem changes with no event for it
@example([("write", "contacts", NAMES[3], TEXTS[0]), ("write", "contacts", "x.md", TEXTS[0])])
# a file not read as a note (a problem), renamed to a note
@example([("write", "asks", "z.markdown", TEXTS[2]), ("rename", 1, "asks", "x.md")])
# the clock goes back: a note settled at the last snapshot is too new to trust at this one
@example(
    [
        ("clock", AN_HOUR),
        ("write", "asks", "x.md", TEXTS[2]),
        ("clock", 0),
        ("write", "asks", NAMES[1], TEXTS[2]),
        ("told-more", "contacts", "r.txt"),
    ]
)
def test_any_sequence_of_changes_told_loads_what_a_walking_load_gives(
    monkeypatch: pytest.MonkeyPatch, steps: list[tuple[Any, ...]]
) -> None:
    """Two loads after every change, through caches kept from load to load and at the same
    moment of the loads' clock: one told the paths the change's events name (or, after a
    folder came or went, not told), one walking. The same model, problems, notes, changed
    paths and model key, whatever the path each took (a hit, a patch or a full load; a clock
    an hour ahead or just after the writes, so that new files are too new to trust)."""
    clock = {"ahead": 0, "now": 0}
    monkeypatch.setattr(notecache, "now_ns", lambda: clock["now"])
    walking_now = _walking(monkeypatch)
    folder = Path(tempfile.mkdtemp(prefix="netnotes-told-"))
    try:
        vault = write_vault(folder / "vault", VAULT)
        telling, walking = NoteCache(vault), NoteCache(vault)
        today = TODAY
        clock["now"] = time.time_ns()
        load_vault(vault, today=today, cache=telling)
        load_vault(vault, today=today, cache=walking)
        for step in steps:
            if step[0] == "clock":
                clock["ahead"] = step[1]
            if step[0] == "today":
                today = step[1]
            paths = _apply(vault, step)
            clock["now"] = time.time_ns() + clock["ahead"]
            hint = None if paths is None else Changes(frozenset(paths))
            a = load_vault(vault, today=today, cache=telling, hint=hint)
            with walking_now():
                b = load_vault(vault, today=today, cache=walking)
            alike(a, b)
    finally:
        shutil.rmtree(folder)


# -- A command: what changed since the snapshot's walk, found by stat


def _next_tick(vault: Path) -> None:
    """Wait for the clock that stamps files to move on: a change made after this has a time no
    file or folder had at the load before (so the test never depends on a change made within
    one tick of that clock, which no stamp can see: the loads' racy rule is about those).
    The clock is read where it is kept: a file's time, set to now, beside the vault."""
    probe = vault.parent / "tick"
    probe.touch()
    then = probe.stat().st_mtime_ns
    while probe.stat().st_mtime_ns == then:
        time.sleep(0.0002)
        os.utime(probe)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=12))
# a file the walk had a problem with, renamed to a note: the problem goes with it
@example([("write", "asks", "z.markdown", TEXTS[2]), ("rename", 1, "asks", "x.md")])
# a note moved from one folder to another, both settled
@example([("clock", AN_HOUR), ("rename", 0, "interactions/2025", "x.md")])
# a folder's note replaced by a folder
@example([("clock", AN_HOUR), ("rmtree", "asks"), ("mkdir", "asks")])
def test_any_sequence_of_changes_a_command_finds_by_stat_what_a_walking_load_gives(
    monkeypatch: pytest.MonkeyPatch, steps: list[tuple[Any, ...]]
) -> None:
    """Two loads after every change, each in a process of its own (a new note cache, the
    snapshot read from its file) with a user cache folder of its own: one finds what changed
    since the snapshot's walk by stat (``loader._restat``), one walks. The same model, problems,
    notes, changed paths and model key."""
    clock = {"ahead": 0, "now": 0}
    monkeypatch.setattr(notecache, "now_ns", lambda: clock["now"])
    monkeypatch.setattr(loader, "RESTAT_ASIDE", 1)  # the stats in a child process, as in a large vault
    walking_now = _walking(monkeypatch)
    folder = Path(tempfile.mkdtemp(prefix="netnotes-restat-"))
    try:
        vault = write_vault(folder / "vault", VAULT)
        today = TODAY

        def load(arm: str) -> LoadResult:
            monkeypatch.setenv("XDG_CACHE_HOME", str(folder / arm))
            return load_vault(vault, today=today, cache=NoteCache(vault))

        clock["now"] = time.time_ns()
        load("stat")
        with walking_now():
            load("walk")
        for step in steps:
            if step[0] == "clock":
                clock["ahead"] = step[1]
            if step[0] == "today":
                today = step[1]
            _next_tick(vault)
            _apply(vault, step)
            clock["now"] = time.time_ns() + clock["ahead"]
            a = load("stat")
            with walking_now():
                b = load("walk")
            alike(a, b)
    finally:
        shutil.rmtree(folder)


def test_a_command_after_an_edit_a_new_note_and_a_removal_does_not_walk(
    make_vault: MakeVault, settled: None, walks: list[str]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault, today=TODAY, cache=NoteCache(vault))
    assert len(walks) == 1
    _next_tick(vault)
    (vault / "interactions/2026-01-05-coffee.md").write_text("---\ndate: 2026-01-05\nwith: sam-lee\n---\n")
    (vault / "interactions/2025/2025-12-02-lunch.md").write_text("---\ndate: 2025-12-02\nwith: jane-doe\n---\n")
    (vault / "asks/2026-01-06-intro.md").unlink()
    (vault / "asks/notes.txt").write_text("not a note\n")
    result = load_vault(vault, today=TODAY, cache=NoteCache(vault))
    assert len(walks) == 1
    same(result, walked(vault))
    assert result.changed.paths == {
        "interactions/2026-01-05-coffee.md",
        "interactions/2025/2025-12-02-lunch.md",
        "asks/2026-01-06-intro.md",
    }
    assert len(walks) == 2  # the one `walked` made
    assert load_vault(vault, today=TODAY, cache=NoteCache(vault)).changed.paths == frozenset()
    assert len(walks) == 2


@pytest.mark.parametrize("child", ["answers", "fails"])
def test_in_a_large_vault_another_process_stats_the_files_while_this_one_unpickles_the_model(
    make_vault: MakeVault, settled: None, walks: list[str], monkeypatch: pytest.MonkeyPatch, child: str
) -> None:
    """From ``RESTAT_ASIDE`` note files on, a command's stat of every note file is another
    interpreter's work (``parallel.Aside``) while the model is unpickled here; what it finds is
    what the stats here find, and a child that fails is only time lost: they are done here then."""
    monkeypatch.setattr(loader, "RESTAT_ASIDE", 1)  # every vault is a large one
    if child == "fails":
        monkeypatch.setattr(snapshot, "RESTAT_SCRIPT", "raise SystemExit(1)")
    set_aside: list[parallel.Aside | None] = []
    start = parallel.Aside.start

    def counted(script: str, given: bytes, jobs: int | None = None) -> parallel.Aside | None:
        set_aside.append(start(script, given, jobs))
        return set_aside[-1]

    monkeypatch.setattr(parallel.Aside, "start", counted)
    vault = make_vault(VAULT)
    load_vault(vault, today=TODAY, cache=NoteCache(vault), jobs=2)
    assert set_aside == []  # a first load walks
    _next_tick(vault)
    (vault / "interactions/2026-01-05-coffee.md").write_text("---\ndate: 2026-01-04\nwith: sam-lee\n---\n")
    (vault / "asks/2026-01-06-intro.md").unlink()
    result = load_vault(vault, today=TODAY, cache=NoteCache(vault), jobs=2)
    assert len(set_aside) == 1 and set_aside[0] is not None
    assert len(walks) == 1
    same(result, walked(vault))
    assert result.changed.paths == {"interactions/2026-01-05-coffee.md", "asks/2026-01-06-intro.md"}
    unchanged = load_vault(vault, today=TODAY, cache=NoteCache(vault), jobs=2)
    assert len(set_aside) == 2
    assert unchanged.changed.paths == frozenset()
    same(unchanged, result)
    # one core: nothing is set aside, and the stats are done here
    assert load_vault(vault, today=TODAY, cache=NoteCache(vault), jobs=1).changed.paths == frozenset()
    assert set_aside[2:] == [None]


@pytest.mark.parametrize(
    "change",
    [
        lambda vault: (vault / "interactions/2027").mkdir(),
        lambda vault: os.chmod(vault / "asks", 0o700),
        lambda vault: (vault / "contacts/jane.md").symlink_to(vault / "contacts/jane-doe.md"),
        lambda vault: shutil.rmtree(vault / "asks"),
    ],
    ids=["new-folder", "folder-mode", "symlink", "folder-gone"],
)
def test_a_command_walks_when_stat_cannot_tell_what_changed(
    make_vault: MakeVault, settled: None, walks: list[str], change: Callable[[Path], object]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault, today=TODAY, cache=NoteCache(vault))
    _next_tick(vault)
    change(vault)
    result = load_vault(vault, today=TODAY, cache=NoteCache(vault))
    assert len(walks) == 2
    same(result, walked(vault))


def test_a_command_lists_a_folder_changed_too_shortly_before_the_walk_to_be_sure_of(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, walks: list[str]
) -> None:
    """A folder whose times were within the racy window when the snapshot's walk began is listed
    by the next command even though its times did not move: a note could have come in its tick."""
    vault = make_vault(VAULT)
    load_vault(vault, today=TODAY, cache=NoteCache(vault))  # the folders were just written
    asks = vault / "asks"
    before = asks.stat()
    (asks / "2026-02-01-new.md").write_text("---\ndate: 2026-02-01\nwith: sam-lee\ndirection: in\n---\n")
    os.utime(asks, ns=(before.st_atime_ns, before.st_mtime_ns))  # its mtime as it was; ctime moved
    listed: list[str] = []
    real_listdir = os.listdir

    def listdir(path: str) -> list[str]:
        listed.append(path)
        return real_listdir(path)

    monkeypatch.setattr(discover.os, "listdir", listdir)
    result = load_vault(vault, today=TODAY, cache=NoteCache(vault))
    assert len(walks) == 1
    assert any(path.endswith("asks") for path in listed)
    same(result, walked(vault))
    assert "asks/2026-02-01-new.md" in result.changed.paths


# -- serve's side: what its observer saw, and when it cannot be trusted


def test_serve_takes_the_paths_its_observer_saw_and_walks_when_unsure(tmp_path: Path) -> None:
    root = tmp_path / "vault"
    root.mkdir()
    watched = Watched(root)
    assert watched.take() is None  # the first build: no observer yet
    observer = Observer()
    observer.schedule(type("Nothing", (), {"dispatch": lambda self, event: None})(), str(root))
    observer.start()
    try:
        watched.watching(observer)
        assert watched.take() is None  # the observer did not run since the load before
        watched.saw(FileModifiedEvent(f"{root}/interactions/a.md"))
        watched.saw(FileMovedEvent(f"{root}/asks/.a.md.swp", f"{root}/asks/a.md"))
        watched.saw(DirModifiedEvent(f"{root}/asks"))
        watched.saw(FileModifiedEvent(f"{root}/theme/base.html"))  # not a note: loads need not know
        watched.saw(FileModifiedEvent(f"{root}/interactions/_site/b.md"))  # read by a load, if by no rebuild
        watched.saw(DirCreatedEvent(f"{root}/interactions/.trash"))  # hidden: never read
        watched.saw(DirCreatedEvent(f"{root}/_site"))  # not in a note folder
        assert watched.take() == told("interactions/a.md", "asks/a.md", "asks", "interactions/_site/b.md")
        assert watched.take() == told()
        for unsure in (
            lambda: watched.saw(DirCreatedEvent(f"{root}/interactions/2027")),
            lambda: watched.saw(FileModifiedEvent(f"{root}/netnotes.yaml")),
            watched.distrust,  # the git HEAD moved, midnight, a failed load, lost events
        ):
            unsure()
            assert watched.take() is None
            assert watched.take() == told()
    finally:
        observer.stop()
        observer.join(timeout=5)
    assert watched.take() is None  # the observer stopped: events may be missing


def test_watched_is_told_of_lost_events_by_watchdog_s_warnings(tmp_path: Path) -> None:
    import logging

    from netnotes.serve import _LostEvents

    watched = Watched(tmp_path)
    said: list[str] = []
    handler = _LostEvents(watched, said.append)
    logger = logging.getLogger("watchdog.observers.inotify_c")
    logging.getLogger("watchdog").addHandler(handler)
    try:
        with watched._lock:
            watched._trusted = True
        logger.warning("Inotify queue overflowed; filesystem events were lost")
        assert not watched._trusted
        assert said == [
            "Warning: the file watcher: Inotify queue overflowed; filesystem events were lost;"
            " the next rebuild lists every note file"
        ]
    finally:
        logging.getLogger("watchdog").removeHandler(handler)


# -- What a patch after one edit does not do again: hash every stamp for the key, index the contacts


def test_a_snapshot_s_key_is_worked_out_once_and_never_read_back_from_its_file(
    make_vault: MakeVault, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    cache = NoteCache(vault)
    first = load_vault(vault, today=TODAY, cache=cache)
    kept = cache.kept
    assert isinstance(kept, snapshot.Snapshot) and kept.key == first.model_key
    stamped: list[str] = []
    real_stamp = snapshot.code_stamp

    def stamping() -> str:
        stamped.append("hashed")
        return real_stamp()

    monkeypatch.setattr(snapshot, "code_stamp", stamping)
    assert kept.key == kept.key == first.model_key and stamped == []  # kept from the load
    kept.memo.key = "forged"
    snapshot.save(vault, kept, pytest.fail)
    again = snapshot.read(vault, pytest.fail)
    assert again is not None
    stamped.clear()  # saving and reading the file stamp it too
    assert again.key == first.model_key and stamped == ["hashed"]  # worked out anew


def test_patches_of_one_model_index_its_contacts_once(
    make_vault: MakeVault, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    cache = NoteCache(vault)
    load_vault(vault, today=TODAY, cache=cache)
    indexed: list[int] = []
    real_index = loader.RefIndex

    def counting(contacts: Any) -> Any:  # noqa: ANN401 - the loader's RefIndex
        indexed.append(1)
        return real_index(contacts)

    monkeypatch.setattr(loader, "RefIndex", counting)
    coffee = vault / "interactions/2026-01-05-coffee.md"
    for n, who in enumerate(("sam-lee", "Jane Doe", "Sam Lee")):
        coffee.write_text(f"---\ndate: 2026-01-0{n + 5}\nwith: {who}\n---\n")
        result = load_vault(vault, today=TODAY, cache=cache, hint=told("interactions/2026-01-05-coffee.md"))
        assert result.patch is not None
        assert len(indexed) == 1  # by the first patch, for all of them
        same(result, walked(vault))
        indexed[1:] = []  # the walking load's own index
    (vault / "contacts/sam-lee.md").write_text("---\nname: Samuel Lee\n---\n")  # other contacts: a full load
    coffee.write_text("---\ndate: 2026-01-05\nwith: Samuel Lee\n---\n")
    load_vault(vault, today=TODAY, cache=cache, hint=told("contacts/sam-lee.md"))
    coffee.write_text("---\ndate: 2026-01-06\nwith: Samuel Lee\n---\n")
    result = load_vault(vault, today=TODAY, cache=cache, hint=told("interactions/2026-01-05-coffee.md"))
    same(result, walked(vault))  # "Samuel Lee" is found: the new contacts' index
    assert result.vault.interactions[-1].with_ == ("sam-lee",)
