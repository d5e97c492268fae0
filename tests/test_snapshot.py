"""The model's snapshot (issue 12): a command on a vault where nothing changed reads and decodes
no note; after an interaction or ask changed, only that note is read and patched into the model;
anything else loads every note. Whatever the path, the result is what a load without any cache
gives, and a snapshot that is stale, damaged, forged or of another version is never used."""

from __future__ import annotations

import datetime as dt
import gc
import os
import shutil
import tempfile
from array import array
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, RunCli, write_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes import loader, notecache, snapshot
from netnotes.discover import NoteFile, NoteKind
from netnotes.loader import ChangedNotes, LoadResult, load_vault
from netnotes.notecache import NoteCache
from netnotes.notes import Note, read_note
from netnotes.parallel import Aside
from netnotes.snapshot import FileStamps, snapshot_path

AN_HOUR = 3600 * 10**9

VAULT = {
    "netnotes.yaml": "circles:\n  inner: 3w\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: inner\n---\nMet at PyCon, see [[2026-01-05-coffee]].\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\ncircle: innr\n---\n",
    "interactions/2026-01-05-coffee.md": "---\ndate: 2026-01-05\nwith: [jane-doe, Sam Lee]\nfollow_up: 2w\n"
    "next: send the paper\n---\nTalked about [[Sam Lee]] and [[nobody]].\n",
    "asks/2026-01-06-intro.md": "---\ndate: 2026-01-06\nwith: jane-doe\ndirection: out\n---\n",
}


@pytest.fixture
def an_hour_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The caches' clock an hour ahead: the notes a test just wrote count as long settled."""
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + AN_HOUR)


@pytest.fixture
def work(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """What loading does from now on: the notes read from their files, the notes decoded from
    the note cache, and every load of the whole model (``full``), by path or by root."""
    done: dict[str, list[str]] = {"read": [], "decoded": [], "full": []}

    def reading(abspath: str, relpath: str) -> Note:
        done["read"].append(relpath)
        return read_note(abspath, relpath)

    real_decode, real_full = notecache.decode, loader._full

    def decoding(relpath: str, data: bytes) -> Note:
        done["decoded"].append(relpath)
        return real_decode(relpath, data)

    def full(*args: Any, **kwargs: Any) -> Any:
        done["full"].append("load")
        return real_full(*args, **kwargs)

    monkeypatch.setattr(loader, "read_note", reading)
    monkeypatch.setattr(notecache, "decode", decoding)
    monkeypatch.setattr(loader, "_full", full)
    return done


def forget(work: dict[str, list[str]]) -> None:
    for done in work.values():
        done.clear()


def uncached(root: Path, today: dt.date | None = None) -> LoadResult:
    return load_vault(root, today=today, cache=NoteCache(root, persistent=False))


def same(a: LoadResult, b: LoadResult) -> None:
    """Two loads give the same model, problems (in order) and notes."""
    assert repr(a.vault) == repr(b.vault)
    assert a.vault.contacts_by_id == b.vault.contacts_by_id
    assert a.problems == b.problems
    assert repr(a.notes) == repr(b.notes)


# -- Used when nothing changed, patched when an interaction or ask did


def test_an_unchanged_vault_is_served_from_the_snapshot_reading_and_decoding_nothing(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]]
) -> None:
    vault = make_vault(VAULT)
    first = load_vault(vault)
    assert first.changed == ChangedNotes(known=False) and snapshot_path(vault).is_file()
    forget(work)
    again = load_vault(vault)
    assert work == {"read": [], "decoded": [], "full": []}
    assert again.changed == ChangedNotes(known=True, paths=frozenset())
    assert [p.code for p in again.problems] == ["NN104", "NN204"]  # the unknown circle, the wikilink
    same(again, uncached(vault))


def test_a_changed_interaction_is_the_only_note_read_and_is_patched_in(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    forget(work)
    note = vault / "interactions/2026-01-05-coffee.md"
    note.write_text(note.read_text().replace("with: [jane-doe, Sam Lee]", "with: [jane-doe, Sam Leigh]"))
    result = load_vault(vault)
    assert work["read"] == ["interactions/2026-01-05-coffee.md"] and work["full"] == []
    assert result.changed == ChangedNotes(True, frozenset({"interactions/2026-01-05-coffee.md"}))
    assert result.vault.interactions[0].with_ == ("jane-doe",)
    assert "NN115" in [p.code for p in result.problems]  # Sam Leigh is no contact
    same(result, uncached(vault))


def test_an_added_and_a_removed_interaction_are_patched_in(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    forget(work)
    (vault / "asks/2026-01-06-intro.md").unlink()
    (vault / "interactions/2026-02-01-call.md").write_text("---\ndate: 2026-02-01\nwith: sam-lee\n---\n")
    result = load_vault(vault)
    assert work["read"] == ["interactions/2026-02-01-call.md"] and work["full"] == []
    assert result.changed.paths == {"interactions/2026-02-01-call.md", "asks/2026-01-06-intro.md"}
    same(result, uncached(vault))


@pytest.mark.parametrize(
    "change",
    [
        lambda v: (v / "contacts/sam-lee.md").write_text("---\nname: Sam Leigh\n---\n"),
        lambda v: (v / "netnotes.yaml").write_text("circles:\n  innr: 3w\n"),
        lambda v: (v / "interactions/2026-01-05-coffee.md").unlink(),  # a contact's wikilink names it
        lambda v: (v / "interactions/2025").mkdir() or (v / "interactions/2025/2026-01-05-coffee.md").write_text(""),
    ],
    ids=["contact", "config", "linked-id-gone", "duplicate-id"],
)
def test_what_other_notes_depend_on_loads_every_note(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]], change: Callable[[Path], object]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    change(vault)
    result = load_vault(vault)
    assert work["full"] == ["load", "load"]
    same(result, uncached(vault))


def test_another_today_redoes_only_the_notes_whose_far_future_problem_moves(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]]
) -> None:
    vault = make_vault({**VAULT, "interactions/2027-03-01-lunch.md": "---\ndate: 2027-03-01\nwith: jane-doe\n---\n"})
    assert "NN212" not in [p.code for p in load_vault(vault, today=dt.date(2026, 3, 1)).problems]
    forget(work)
    result = load_vault(vault, today=dt.date(2026, 2, 28))
    assert work == {"read": [], "decoded": ["interactions/2027-03-01-lunch.md"], "full": []}
    assert "NN212" in [p.code for p in result.problems]
    same(result, uncached(vault, dt.date(2026, 2, 28)))


def test_the_notes_of_a_load_from_the_snapshot_are_read_when_asked_for(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    result = load_vault(vault)
    forget(work)
    note = result.notes["contacts/jane-doe.md"]
    assert note.fields is not None and note.fields["name"].value == "Jane Doe"
    assert work["decoded"] == ["contacts/jane-doe.md"] and work["read"] == []
    assert "contacts/nobody.md" not in result.notes and len(result.notes) == 4


# -- Never stale


def test_a_same_size_edit_within_a_timestamp_tick_is_never_missed(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Loaded within a tick of its last change, a note may change again keeping its size,
    times and inode: the snapshot does not vouch for it until it had settled."""
    vault = make_vault(VAULT)
    note = vault / "contacts/sam-lee.md"
    kept = os.stat(note)
    assert load_vault(vault).vault.contact("sam-lee") is not None  # just written: not settled
    note.write_text(note.read_text().replace("Sam Lee", "Sam Kim"))  # the same size
    real_stat = os.stat

    def same_stamp(path: Any, *args: Any, **kwargs: Any) -> os.stat_result:
        return kept if str(path) == str(note) else real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", same_stamp)
    contact = load_vault(vault).vault.contact("sam-lee")
    assert contact is not None and contact.name == "Sam Kim"


def test_a_snapshot_is_not_used_for_a_file_edited_keeping_size_and_mtime(
    make_vault: MakeVault, an_hour_later: None
) -> None:
    vault = make_vault(VAULT)
    note = vault / "interactions/2026-01-05-coffee.md"
    load_vault(vault)
    before = note.stat()
    other = vault / "interactions/.tmp"
    other.write_text(note.read_text().replace("follow_up: 2w", "follow_up: 3w"))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, note)
    result = load_vault(vault)
    assert result.vault.interactions[0].follow_up == dt.date(2026, 1, 26)
    same(result, uncached(vault))


# -- Never trusted when damaged, forged or foreign; never fatal


def _flip(path: Path, old: bytes, new: bytes) -> None:
    data = path.read_bytes()
    assert old in data
    path.write_bytes(data.replace(old, new))


@pytest.mark.parametrize(
    "tamper",
    [
        lambda p: _flip(p, b"Jane Doe", b"Jane Bad"),
        lambda p: p.write_bytes(p.read_bytes()[: len(p.read_bytes()) // 2]),
        lambda p: p.write_bytes(b"not a snapshot at all"),
        lambda p: p.write_bytes(p.read_bytes()[:24] + bytes(32) + p.read_bytes()[56:]),
    ],
    ids=["edited", "truncated", "garbage", "no-mac"],
)
def test_a_tampered_snapshot_is_not_trusted(
    make_vault: MakeVault, an_hour_later: None, run_cli: RunCli, tamper: Callable[[Path], None]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    tamper(snapshot_path(vault))
    result = run_cli("--vault", vault, "show", "jane-doe", "--format", "json")
    assert '"name": "Jane Doe"' in result.stdout
    assert f"Warning: ignored the model snapshot {snapshot_path(vault)}: it is damaged" in result.stderr
    assert "Warning" not in run_cli("--vault", vault, "check").stderr  # made anew


def test_a_snapshot_made_under_another_key_is_not_trusted(
    make_vault: MakeVault, an_hour_later: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A forged snapshot (one pickled by someone else, or for someone else) runs no code: its
    HMAC is checked under this user's own key before anything is unpickled."""
    vault = make_vault(VAULT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "mallory"))
    load_vault(vault)
    forged = snapshot_path(vault).read_bytes().replace(b"Jane Doe", b"Mallory!")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "alice"))
    load_vault(vault)
    snapshot_path(vault).write_bytes(forged)
    warnings: list[str] = []
    assert snapshot.read(vault, warnings.append) is None and "damaged" in warnings[0]
    contact = load_vault(vault).vault.contact("jane-doe")
    assert contact is not None and contact.name == "Jane Doe"


def test_a_snapshot_of_another_version_is_replaced_quietly(
    make_vault: MakeVault, an_hour_later: None, monkeypatch: pytest.MonkeyPatch, work: dict[str, list[str]]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    monkeypatch.setattr(notecache, "__version__", "99.0")
    work["full"].clear()
    result = load_vault(vault)
    assert work["full"] == ["load"] and result.cache_warnings == ()
    load_vault(vault)
    assert work["full"] == ["load"]  # the new version's snapshot


def test_a_snapshot_that_cannot_be_saved_is_a_warning_and_the_command_does_its_job(
    make_vault: MakeVault, run_cli: RunCli, own_user_cache: Path
) -> None:
    vault = make_vault(VAULT)
    (own_user_cache / "netnotes").mkdir()
    (own_user_cache / "netnotes" / snapshot.FOLDER).write_text("a file where the folder should be")
    result = run_cli("--vault", vault, "check")
    assert result.exit_code == 1 and result.stdout.count("NN104") == 1
    assert f"Warning: cannot save the model snapshot {snapshot_path(vault)}: " in result.stderr


def test_an_unusable_cache_folder_says_so_once(make_vault: MakeVault, run_cli: RunCli, own_user_cache: Path) -> None:
    vault = make_vault(VAULT)
    (own_user_cache / "netnotes").write_text("a file where the folder should be")
    result = run_cli("--vault", vault, "check")
    assert result.exit_code == 1 and result.stderr.count("Warning") == 1  # the note cache's
    assert result.stdout.count("NN104") == 1


def test_build_clean_drops_the_snapshot(
    make_vault: MakeVault, an_hour_later: None, run_cli: RunCli, work: dict[str, list[str]]
) -> None:
    vault = make_vault(VAULT)
    assert run_cli("--vault", vault, "build", "--today", "2026-02-01").exit_code == 1
    assert snapshot_path(vault).is_file()
    snapshot.patched_path(vault).write_bytes(b"what a patch made")
    work["full"].clear()
    result = run_cli("--vault", vault, "build", "--today", "2026-02-01", "--clean")
    assert result.exit_code == 1 and "Warning" not in result.stderr
    assert work["full"] == ["load"] and len(work["read"]) == 4 * 1 + 4  # every note read again
    assert not snapshot.patched_path(vault).exists()


def test_the_snapshot_is_private_to_its_user(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    assert snapshot_path(vault).parent.stat().st_mode & 0o777 == 0o700
    assert snapshot_path(vault).stat().st_mode & 0o777 == 0o600


# -- Whatever the order of edits: what a load without caches gives

CONTACTS = ("jane-doe", "sam-lee", "ann-roe")
NAMES = ("Jane Doe", "Sam Lee", "Ann Roe", "Jane Doe")  # two Jane Does: ambiguous refs
REFS = ("jane-doe", "Sam Lee", "[[Ann Roe]]", "Jane Doe", "nobody", "ann-roe")
LINKS = ("", "See [[2026-01-05-x]].", "About [[Sam Lee]].", "And [[a-2026-01-06-y]].", "[[ghost]]")
FOLDERS = ("interactions", "interactions/2025", "asks")
IDS = ("2026-01-05-x", "2026-02-01-z", "a-2026-01-06-y")
DATES = ("2026-01-05", "2027-02-27", "2027-03-01", "2027-03-03", "not a date")
CONFIGS = ("circles:\n  inner: 3w\n", "circles:\n  inner: 3w\n  wider: 6m\nkinds: [walk]\n", "circles: [oops\n")
DAYS = (dt.date(2026, 2, 27), dt.date(2026, 3, 1), dt.date(2026, 3, 2))

contact_text = st.builds(
    lambda name, circle, link: f"---\nname: {name}\ncircle: {circle}\n---\n{link}\n",
    st.sampled_from(NAMES),
    st.sampled_from(("inner", "wider", "nope")),
    st.sampled_from(LINKS),
)
note_text = st.builds(
    lambda day, refs, kind, link: (
        f"---\ndate: {day}\nwith: [{', '.join(refs)}]\nkind: {kind}\n"
        f"direction: out\nfollow_up: 1w\nnext: call\n---\n{link}\n"
    ),
    st.sampled_from(DATES),
    st.lists(st.sampled_from(REFS), max_size=2),
    st.sampled_from(("coffee", "walk")),
    st.sampled_from(LINKS),
)
steps = st.one_of(
    st.tuples(st.just("contact"), st.sampled_from(CONTACTS), contact_text),
    st.tuples(st.just("note"), st.sampled_from(FOLDERS), st.sampled_from(IDS), note_text),
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("rename"), st.integers(0, 50), st.sampled_from(FOLDERS), st.sampled_from(IDS)),
    st.tuples(st.just("config"), st.sampled_from(CONFIGS)),
    st.tuples(st.just("today"), st.sampled_from(DAYS)),
)


class Clock:
    """Note files' mtimes, one second apart and long settled: every write changes its file's
    stamp, so the test never depends on how fine the file system's timestamps are."""

    def __init__(self) -> None:
        self.now = 1_700_000_000 * 10**9

    def touch(self, path: Path) -> None:
        self.now += 10**9
        os.utime(path, ns=(self.now, self.now))


def _apply(vault: Path, step: tuple[Any, ...], clock: Clock) -> dt.date | None:
    notes = sorted(p for p in vault.rglob("*.md"))
    match step:
        case ("contact", contact_id, text):
            path = vault / "contacts" / f"{contact_id}.md"
            path.write_text(text)
            clock.touch(path)
        case ("note", folder, note_id, text):
            path = vault / folder / f"{note_id}.md"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text)
            clock.touch(path)
        case ("delete", n) if notes:
            notes[n % len(notes)].unlink()
        case ("rename", n, folder, note_id) if notes:
            target = vault / folder / f"{note_id}.md"
            target.parent.mkdir(parents=True, exist_ok=True)
            notes[n % len(notes)].replace(target)
        case ("config", text):
            (vault / "netnotes.yaml").write_text(text)
        case ("today", day):
            return day
    return None


@pytest.mark.parametrize("small_patch", [loader.SMALL_PATCH, 1], ids=["patches-saved", "small-patches-unsaved"])
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(steps, min_size=1, max_size=12))
def test_any_sequence_of_changes_loads_what_a_load_without_caches_gives(
    an_hour_later: None, monkeypatch: pytest.MonkeyPatch, small_patch: int, steps: list[tuple[Any, ...]]
) -> None:
    """Whatever the path (a hit, a patch saved or not, a full load), the model is an uncached
    load's, and one model key always names one model (``build`` keeps a digest under it)."""
    monkeypatch.setattr(loader, "SMALL_PATCH", small_patch)  # 1: this small vault's patches go unsaved
    folder = Path(tempfile.mkdtemp(prefix="netnotes-snapshot-"))
    try:
        vault = write_vault(folder / "vault", VAULT)
        clock = Clock()
        for path in vault.rglob("*.md"):
            clock.touch(path)
        today = DAYS[0]
        first = load_vault(vault, today=today)
        named = {first.model_key: repr(first.vault)}  # netnotes.yaml's and the walk's problems are not in it
        for step in steps:
            today = _apply(vault, step, clock) or today
            warm = load_vault(vault, today=today)
            assert warm.cache_warnings == ()
            same(warm, uncached(vault, today))
            model = repr(warm.vault)
            assert named.setdefault(warm.model_key, model) == model
    finally:
        shutil.rmtree(folder)


def test_file_stamps_compare_every_inode_and_distrust_a_file_changed_just_before() -> None:
    t = 1_700_000_000 * 10**9
    note = NoteFile(NoteKind.ASKS, "asks/a.md", "/nowhere/asks/a.md", (12, t, t, 2**64 - 5))
    kept = FileStamps.of([note])
    assert kept.changed([note], t + notecache.RACY_NS) == []
    assert kept.changed([note], t + notecache.RACY_NS - 1) == ["asks/a.md"]  # it may change again unseen
    moved = NoteFile(NoteKind.ASKS, "asks/a.md", "/nowhere/asks/a.md", (12, t, t, 2**64 - 4))
    assert kept.changed([moved], t + AN_HOUR) == ["asks/a.md"]
    other = NoteFile(NoteKind.ASKS, "asks/b.md", "/nowhere/asks/b.md", (12, t, t, 7))
    assert kept.changed([other], t + AN_HOUR) == ["asks/a.md", "asks/b.md"]  # one gone, one new


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=700),
    st.lists(st.tuples(st.integers(0, 699), st.integers(0, 3), st.integers(-2, 2)), max_size=12),
    st.integers(min_value=-3, max_value=3),
)
def test_file_stamps_find_exactly_the_files_changed_or_too_new_among_many(
    count: int, edits: list[tuple[int, int, int]], racy: int
) -> None:
    """Same files, some stamps moved (any of the four numbers, by any amount), some too new:
    the files found are exactly those a file-by-file comparison finds, in path order,
    however many blocks the stamps span."""
    t = 1_700_000_000 * 10**9

    def files(stamps: list[list[int]]) -> list[NoteFile]:
        return [
            NoteFile(NoteKind.INTERACTIONS, f"interactions/{i:04}.md", "/x", (a, b, c, d))
            for i, (a, b, c, d) in enumerate(stamps)
        ]

    before = [[100 + i, t - i, t - i, 1000 + i] for i in range(count)]
    after = [list(stamp) for stamp in before]
    for index, part, by in edits:
        if index < count:
            after[index][part] += by * notecache.RACY_NS
    written = t + racy * notecache.RACY_NS
    trusted = written - notecache.RACY_NS
    expected = [
        f"interactions/{i:04}.md"
        for i in range(count)
        if after[i] != before[i] or after[i][1] > trusted or after[i][2] > trusted
    ]
    assert FileStamps.of(files(before)).changed(files(after), written) == expected


def test_serve_keeps_the_snapshot_in_memory_from_one_rebuild_to_the_next(
    make_vault: MakeVault, an_hour_later: None, monkeypatch: pytest.MonkeyPatch, work: dict[str, list[str]]
) -> None:
    vault = make_vault(VAULT)
    notes = NoteCache(vault)  # as `netnotes serve` keeps one for its whole run
    load_vault(vault, cache=notes)
    monkeypatch.setattr(snapshot, "read", lambda root, warn: pytest.fail("the snapshot was read from its file"))
    (vault / "asks/2026-01-06-intro.md").write_text("---\ndate: 2026-01-06\nwith: sam-lee\ndirection: in\n---\n")
    forget(work)
    result = load_vault(vault, cache=notes)
    assert work["read"] == ["asks/2026-01-06-intro.md"] and work["full"] == []
    same(result, uncached(vault))


def test_two_first_runs_at_once_share_one_cache_key(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """The key is made once: a run that finds another made it meanwhile uses that one, so what
    either signs the other can check (one key written over the other made the other run's
    snapshot look forged)."""
    from netnotes import fsio

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    other = os.urandom(32)
    make_folders = fsio.make_folders

    def the_other_run_is_first(folder: Path, intended: Path) -> list[Path]:
        made = make_folders(folder, intended)
        intended.write_bytes(other)  # between this run's read and its write
        return made

    monkeypatch.setattr(fsio, "make_folders", the_other_run_is_first)
    assert fsio.user_key() == other
    monkeypatch.setattr(fsio, "make_folders", make_folders)
    assert fsio.user_key() == other
    assert (fsio.user_cache_folder() / fsio.USER_KEY).read_bytes() == other


def test_a_small_patch_is_not_saved_and_patching_it_again_names_the_same_model(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Pickling a large model costs more than patching a few notes into it: after an edit of
    one note in many, the saved snapshot stays as it was, the next command patches it again
    (reading nothing from the file: the note cache has the note), and that model has the same
    key as the last, so `build` still finds its digest."""
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)  # this vault's 4 notes count as many
    vault = make_vault(VAULT)
    base = load_vault(vault)
    saved = snapshot_path(vault).read_bytes()
    note = vault / "interactions/2026-01-05-coffee.md"
    note.write_text(note.read_text().replace("send the paper", "send the slides"))
    forget(work)
    first = load_vault(vault)
    assert work["read"] == ["interactions/2026-01-05-coffee.md"] and work["full"] == []
    assert snapshot_path(vault).read_bytes() == saved
    forget(work)
    second = load_vault(vault)
    assert work["read"] == [] and work["full"] == []
    assert first.model_key == second.model_key != base.model_key
    same(second, uncached(vault))
    note.write_text(note.read_text().replace("send the slides", "send the book"))
    third = load_vault(vault)
    assert third.model_key not in (first.model_key, base.model_key)
    same(third, uncached(vault))


def test_the_next_command_after_a_small_patch_takes_what_it_made_and_patches_only_if_asked(
    make_vault: MakeVault,
    an_hour_later: None,
    work: dict[str, list[str]],
    monkeypatch: pytest.MonkeyPatch,
    unpickled: list[int],
) -> None:
    """A small patch's model is not saved, but what it made besides is (``snapshot.Patched``,
    beside the snapshot): the next command with the same notes has its key, counts and problems
    without unpickling the snapshot's model, and patches it only when the model is asked for."""
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)  # this vault's 4 notes count as many
    vault = make_vault(VAULT)
    load_vault(vault)
    note = vault / "interactions/2026-01-05-coffee.md"
    note.write_text(note.read_text().replace("Sam Lee]", "Sam Leigh]"))  # no such contact: a problem
    first = load_vault(vault)
    assert snapshot.patched_path(vault).exists()
    assert len(unpickled) == 1  # the edit's load patched the model
    forget(work)
    unpickled.clear()
    second = load_vault(vault)
    assert unpickled == [] and work["read"] == [] and work["full"] == []
    assert second.model_key == first.model_key and second.patch == first.patch
    assert second.problems == first.problems and any(
        p.path == "interactions/2026-01-05-coffee.md" for p in second.problems
    )
    assert (second.counts, second.contacts_key) == (first.counts, first.contacts_key)
    same(second, uncached(vault))  # the model, patched when asked for
    assert len(unpickled) == 1


@pytest.mark.parametrize("spoil", ["forged", "another-patch"])
def test_what_a_patch_made_is_taken_only_when_it_is_this_user_s_and_that_very_patch(
    make_vault: MakeVault, an_hour_later: None, monkeypatch: pytest.MonkeyPatch, spoil: str
) -> None:
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)
    vault = make_vault(VAULT)
    load_vault(vault)
    note = vault / "interactions/2026-01-05-coffee.md"
    note.write_text(note.read_text().replace("send the paper", "send the slides"))
    load_vault(vault)
    path = snapshot.patched_path(vault)
    if spoil == "forged":
        data = bytearray(path.read_bytes())
        data[-5] ^= 1
        path.write_bytes(bytes(data))
    else:
        note.write_text(note.read_text().replace("send the slides", "send the book"))
    taken: list[object] = []
    real = snapshot.read_patched

    def reading(*args: Any) -> object:
        found = real(*args)
        taken.append(found)
        return found

    monkeypatch.setattr(loader.snapshot, "read_patched", reading)
    result = load_vault(vault)
    assert taken == [None]  # not taken: patched from the notes
    same(result, uncached(vault))


def test_a_patch_of_a_note_too_new_to_trust_is_a_new_model_each_time(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Two edits in one tick of the clock can leave a note the same stamp: a patch that read a
    note changed that recently is not named by stamps, so no later load shares its key."""
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)
    vault = make_vault(VAULT)
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + AN_HOUR)
    load_vault(vault)
    monkeypatch.setattr(notecache, "now_ns", real)  # the edit below is as new as it gets
    saved = snapshot_path(vault).read_bytes()
    note = vault / "interactions/2026-01-05-coffee.md"
    note.write_text(note.read_text().replace("send the paper", "send the slides"))
    keys = {load_vault(vault).model_key for _ in range(2)}
    assert len(keys) == 2
    assert snapshot_path(vault).read_bytes() == saved  # a small patch: patched again, not saved


def test_a_note_read_again_that_gives_what_the_snapshot_holds_is_the_same_model(
    make_vault: MakeVault, an_hour_later: None, work: dict[str, list[str]]
) -> None:
    """A note saved without a change (or re-read because its stamp was too new to trust) is
    read again, and when it gives the very objects and problems the snapshot holds, the load
    is the snapshot's model under the snapshot's key: nothing downstream starts over."""
    vault = make_vault(VAULT)
    base = load_vault(vault)
    note = vault / "interactions/2026-01-05-coffee.md"
    note.write_bytes(note.read_bytes())  # touched: a new stamp, the same text
    forget(work)
    again = load_vault(vault)
    assert work["read"] == ["interactions/2026-01-05-coffee.md"] and work["full"] == []
    assert again.model_key == base.model_key and again.patch is None
    assert again.changed == ChangedNotes(True, frozenset({"interactions/2026-01-05-coffee.md"}))
    same(again, uncached(vault))


def test_a_patched_model_says_how_it_was_made_from_its_base(
    make_vault: MakeVault, an_hour_later: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    """``LoadResult.patch`` names the base model, the notes read again and what they gave,
    which is all a patched model is made of; the contacts' key is the base's while only
    interactions and asks change, and a new one once a contact does."""
    monkeypatch.setattr(loader, "SMALL_PATCH", 1)
    vault = make_vault(VAULT)
    base = load_vault(vault)
    assert base.patch is None and base.contacts_key == base.model_key
    note = vault / "interactions/2026-01-05-coffee.md"
    note.write_text(note.read_text().replace("send the paper", "send the slides"))
    (vault / "asks/2026-01-06-intro.md").unlink()
    patched = load_vault(vault)
    assert patched.patch is not None and patched.patch.base == base.model_key
    assert patched.patch.paths == ("asks/2026-01-06-intro.md", "interactions/2026-01-05-coffee.md")
    assert patched.patch.interactions == patched.vault.interactions and patched.patch.asks == ()
    assert patched.contacts_key == base.contacts_key
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Lee\n---\n")
    full = load_vault(vault)
    assert full.patch is None and full.contacts_key not in (None, base.contacts_key)
    assert load_vault(vault, cache=NoteCache(vault, persistent=False)).contacts_key is None


def _raw_notes_alive() -> int:
    gc.collect()
    return sum(isinstance(o, Note) for o in gc.get_objects())


@pytest.mark.usefixtures("an_hour_later")
def test_a_load_that_changes_no_note_holds_no_raw_note_yet_gives_each_when_asked(make_vault: MakeVault) -> None:
    """``build`` loads with ``raw_notes=False``: once the model is made, the raw notes (fields
    with their positions) are not held, yet each one is there to read, as a load reads it."""
    root = make_vault(VAULT)
    before = _raw_notes_alive()
    kept = load_vault(root, today=dt.date(2026, 1, 10))  # a full load: holds every raw note
    assert _raw_notes_alive() - before == len(kept.notes) == 4
    del kept
    shutil.rmtree(root / ".netnotes", ignore_errors=True)
    snapshot.drop(root)
    light = load_vault(root, today=dt.date(2026, 1, 10), raw_notes=False)  # a full load again
    assert _raw_notes_alive() == before
    uncached = load_vault(root, today=dt.date(2026, 1, 10), cache=NoteCache(root, persistent=False))
    assert sorted(light.notes) == sorted(uncached.notes)
    assert light.notes["interactions/2026-01-05-coffee.md"] == uncached.notes["interactions/2026-01-05-coffee.md"]
    assert repr(light.vault) == repr(uncached.vault)


@pytest.mark.usefixtures("an_hour_later")
def test_notes_saved_unchanged_are_read_again_once_then_trusted(
    make_vault: MakeVault, work: dict[str, list[str]]
) -> None:
    """Notes saved with the same text (a sync tool, a checkout) move their stamps: the next load
    reads them again, finds the same model, and keeps their new stamps under the same key, so
    no later load reads them again (before, every load did, for as long as the vault lived)."""
    root = make_vault(VAULT)
    day = dt.date(2026, 1, 10)
    before = load_vault(root, today=day)
    touched = ["asks/2026-01-06-intro.md", "interactions/2026-01-05-coffee.md"]
    for path in touched:
        (root / path).write_bytes((root / path).read_bytes())
    work["read"].clear()
    first = load_vault(root, today=day)
    assert sorted(work["read"]) == touched and first.model_key == before.model_key
    work["read"].clear()
    again = load_vault(root, today=day)
    assert work["read"] == [] and work["decoded"] == [] and again.model_key == before.model_key


def test_the_stat_script_of_another_interpreter_gives_the_stamps_a_restat_here_gives(tmp_path: Path) -> None:
    """``snapshot.RESTAT_SCRIPT`` (run by ``parallel.Aside`` in a large vault) is
    ``FileStamps.restat`` written for an interpreter that knows nothing of netnotes: the same
    numbers for notes, a link, a folder, a file gone and a name that is no UTF-8."""
    notes = tmp_path / "interactions"
    notes.mkdir()
    (notes / "a.md").write_text("---\ndate: 2026-01-01\n---\n")
    (notes / "é ü.md").write_text("x" * 5000)
    (notes / "link.md").symlink_to(notes / "a.md")
    (notes / "folder.md").mkdir()
    odd = os.fsdecode(b"interactions/\xff\xfe.md")
    Path(tmp_path, odd).write_bytes(b"not UTF-8 in its name")
    paths = sorted(["interactions/a.md", "interactions/é ü.md", "interactions/link.md", "interactions/folder.md", odd])
    paths.insert(2, "interactions/gone.md")
    here = FileStamps(paths, array("q")).restat(str(tmp_path)).stamps
    assert here[8:12] == array("q", [-1, -1, -1, -1])  # gone
    aside = Aside.start(snapshot.RESTAT_SCRIPT, os.fsencode("\0".join([str(tmp_path), *paths])), jobs=2)
    assert aside is not None
    with aside:
        found = aside.result()
    assert found is not None
    assert array("q", found) == here
