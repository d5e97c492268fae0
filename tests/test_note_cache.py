"""The note cache (issue 12, part A): an unchanged note is never read or parsed again, a changed
one always is, and a cache that is damaged, foreign, busy or unwritable is never trusted and
never fatal."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli, write_vault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from netnotes import loader, notecache, snapshot, sqlite_cache
from netnotes.discover import NoteFile, NoteKind
from netnotes.loader import LoadResult, load_vault
from netnotes.notecache import NoteCache, database_path
from netnotes.notes import Note, read_note

ROOT = Path(__file__).resolve().parent.parent
AN_HOUR = 3600 * 10**9

VAULT = {
    "netnotes.yaml": "circles:\n  inner: 3w\n",
    "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        circle: inner
        tags: [python, climbing]
        ---
        Met at PyCon.
        """,
    "contacts/sam-lee.md": "---\nname: Sam Lee\ncircle: innr\n---\n",
    "interactions/2026-01-05-coffee.md": """
        ---
        date: 2026-01-05
        with: [jane-doe, Sam Lee]
        kind: coffee
        follow_up: 2w
        next: send the paper
        extra: {site: "Lyon", when: 2026-01-05 10:30:00+01:00, scores: [1, 2.5, .inf, null, true]}
        ---
        Talked about [[Sam Lee]].
        """,
}


@pytest.fixture
def an_hour_later(monkeypatch: pytest.MonkeyPatch) -> None:
    """The cache's clock an hour ahead: the notes a test just wrote count as saved long before
    they were read (else, written within the racy window, they are read again every time)."""
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + AN_HOUR)


@pytest.fixture
def reads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The path of every note read from its file from now on, in order."""
    calls: list[str] = []

    def counting(abspath: str, relpath: str) -> Note:
        calls.append(relpath)
        return read_note(abspath, relpath)

    monkeypatch.setattr(loader, "read_note", counting)
    return calls


def uncached(root: Path) -> LoadResult:
    return load_vault(root, cache=NoteCache(root, persistent=False))


def name_of(result: LoadResult, contact_id: str) -> str | None:
    contact = result.vault.contact(contact_id)
    return contact.name if contact else None


def same(a: LoadResult, b: LoadResult) -> None:
    """Two loads give the same notes (fields, positions, bodies), problems and model."""
    assert repr(a.notes) == repr(b.notes)
    assert a.problems == b.problems
    assert repr(a.vault) == repr(b.vault)


# -- Hits and misses


def test_an_unchanged_vault_is_loaded_without_reading_a_note(
    make_vault: MakeVault, an_hour_later: None, reads: list[str]
) -> None:
    vault = make_vault(VAULT)
    first = load_vault(vault)
    assert len(reads) == 3 and database_path(vault).is_file()
    reads.clear()
    again = load_vault(vault)
    assert reads == []
    same(again, first)
    same(again, uncached(vault))
    assert [p.code for p in again.problems] == ["NN104"]  # a note's problems come from the cache too


def test_a_note_changed_anyhow_is_read_again_and_only_it(
    make_vault: MakeVault, an_hour_later: None, reads: list[str]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    reads.clear()
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Leigh\ncircle: inner\n---\n")
    (vault / "contacts/new-one.md").write_text("---\nname: New One\n---\n")
    (vault / "interactions/2026-01-05-coffee.md").unlink()
    result = load_vault(vault)
    assert sorted(reads) == ["contacts/new-one.md", "contacts/sam-lee.md"]
    assert [c.name for c in result.vault.contacts] == ["Jane Doe", "New One", "Sam Leigh"]
    same(result, uncached(vault))
    with sqlite3.connect(database_path(vault)) as db:  # what is gone is forgotten: no growth
        assert sorted(p for (p,) in db.execute("SELECT path FROM notes")) == [
            "contacts/jane-doe.md",
            "contacts/new-one.md",
            "contacts/sam-lee.md",
        ]


STAMP = (120, 1_700_000_000_000_000_000, 1_700_000_000_000_000_000, 4242)  # size, mtime_ns, ctime_ns, inode


def _cache_run(
    tmp_path: Path, stamp: tuple[int, int, int, int], text: str, cache: NoteCache | None = None
) -> tuple[NoteCache, list[Note], list[str]]:
    """One run of a cache of the vault in ``tmp_path`` over its one note, whose file is
    ``stamp`` and holds ``text``; the notes it gave and the paths it read."""
    note = tmp_path / "contacts/jane-doe.md"
    note.parent.mkdir(parents=True, exist_ok=True)
    note.write_text(text)
    cache = cache or NoteCache(tmp_path)
    read: list[str] = []

    def read_notes(files: list[NoteFile]) -> list[Note]:
        read.extend(f.path for f in files)
        return [read_note(f.abspath, f.path) for f in files]

    file = NoteFile(NoteKind.CONTACTS, "contacts/jane-doe.md", str(note), stamp)
    return cache, cache.notes([file], read_notes, pytest.fail), read


@pytest.mark.parametrize(
    "changed",
    [
        (121, *STAMP[1:]),
        (STAMP[0], STAMP[1] + 1, *STAMP[2:]),
        (*STAMP[:2], STAMP[2] + 1, STAMP[3]),
        (*STAMP[:3], STAMP[3] + 1),
    ],
    ids=["size", "mtime", "ctime", "inode"],
)
def test_each_part_of_a_file_s_stamp_is_a_change(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, changed: tuple[int, int, int, int]
) -> None:
    monkeypatch.setattr(notecache, "now_ns", lambda: STAMP[1] + AN_HOUR)
    _cache_run(tmp_path, STAMP, "---\nname: Jane Doe\n---\n")
    _, notes, read = _cache_run(tmp_path, STAMP, "---\nname: Jane Roe\n---\n")
    assert read == [] and notes[0].fields is not None and notes[0].fields["name"].value == "Jane Doe"  # a hit
    _, notes, read = _cache_run(tmp_path, changed, "---\nname: Jane Roe\n---\n")
    assert read == ["contacts/jane-doe.md"]
    assert notes[0].fields is not None and notes[0].fields["name"].value == "Jane Roe"


@pytest.mark.parametrize("in_memory", [True, False], ids=["serve", "next-command"])
def test_a_same_size_edit_in_the_same_timestamp_tick_is_not_missed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, in_memory: bool
) -> None:
    """git's "racy clean" rule: read within a tick of its last change, a file may change again
    keeping its size, times and inode; so it is not trusted until it had settled when read."""
    clock = {"now": STAMP[1] + 1_000_000}  # a millisecond after the file was saved
    monkeypatch.setattr(notecache, "now_ns", lambda: clock["now"])
    cache, _, _ = _cache_run(tmp_path, STAMP, "---\nname: Jane Doe\n---\n")
    clock["now"] += AN_HOUR
    _, notes, read = _cache_run(tmp_path, STAMP, "---\nname: Jane Roe\n---\n", cache if in_memory else None)
    assert read == ["contacts/jane-doe.md"]
    assert notes[0].fields is not None and notes[0].fields["name"].value == "Jane Roe"


def test_a_file_replaced_by_a_rename_with_its_size_and_mtime_is_read_again(
    make_vault: MakeVault, an_hour_later: None
) -> None:
    vault = make_vault(VAULT)
    note = vault / "contacts/jane-doe.md"
    assert name_of(load_vault(vault), "jane-doe") == "Jane Doe"
    before = note.stat()
    other = vault / "contacts/.jane-doe.md.tmp"
    other.write_text(note.read_text().replace("Jane Doe", "Jane Roe"))
    os.utime(other, ns=(before.st_atime_ns, before.st_mtime_ns))
    os.replace(other, note)
    after = note.stat()
    assert (after.st_size, after.st_mtime_ns) == (before.st_size, before.st_mtime_ns)
    assert name_of(load_vault(vault), "jane-doe") == "Jane Roe"


def test_a_new_netnotes_version_empties_the_cache(
    make_vault: MakeVault, an_hour_later: None, reads: list[str], monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    monkeypatch.setattr(notecache, "__version__", "99.0")
    reads.clear()
    result = run_cli("--vault", vault, "check")
    assert sorted(reads) == sorted(p for p in VAULT if p != "netnotes.yaml")
    assert "Warning" not in result.stderr
    reads.clear()
    load_vault(vault)
    assert reads == []


def test_build_clean_drops_the_note_cache(
    make_vault: MakeVault, an_hour_later: None, reads: list[str], run_cli: RunCli
) -> None:
    vault = make_vault(VAULT)
    assert run_cli("--vault", vault, "build", "--today", "2026-02-01").exit_code == 1  # the unknown circle
    reads.clear()
    assert run_cli("--vault", vault, "build", "--today", "2026-02-01").exit_code == 1
    assert reads == []
    result = run_cli("--vault", vault, "build", "--today", "2026-02-01", "--clean")
    assert result.exit_code == 1 and "Warning" not in result.stderr
    assert len(reads) == 3


# -- Never trusted from elsewhere, never fatal


def test_a_cache_inside_the_vault_is_never_read(
    make_vault: MakeVault, an_hour_later: None, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A cloned vault may carry any file, a note cache made to lie among them: the cache lives
    in the user's own folder, so such a file is not even opened."""
    vault = make_vault(VAULT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "author"))
    load_vault(vault)
    shipped = vault / ".netnotes" / "notes.sqlite"
    shipped.parent.mkdir()
    _poison(database_path(vault), "Jane Doe", "Mallory", fix_digest=True)
    database_path(vault).rename(shipped)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cloner"))
    assert name_of(load_vault(vault), "jane-doe") == "Jane Doe"
    assert database_path(vault).is_file() and not database_path(vault).is_relative_to(vault)


def _poison(db: Path, old: str, new: str, fix_digest: bool = False) -> None:
    """Change ``old`` to ``new`` in the data of every cached note that has it."""
    with sqlite3.connect(db) as connection:
        for path, data in connection.execute("SELECT path, data FROM notes").fetchall():
            changed = data.replace(old.encode(), new.encode())
            if changed != data:
                connection.execute("UPDATE notes SET data = ? WHERE path = ?", (changed, path))
                if fix_digest:
                    connection.execute("UPDATE notes SET digest = ? WHERE path = ?", (notecache._digest(changed), path))
    connection.close()


@pytest.mark.parametrize(
    "tamper",
    [
        lambda db: _poison(db, "Jane Doe", "Jane Bad"),
        lambda db: _set_data(db, b"[1, 2, 3]"),
        lambda db: _set_data(db, b'[[["name", {"x": 1}, 1, 1, 1, 1, [], null]], 1, []]\n'),
        lambda db: _set_data(db, b'[null, 1, [["contacts/jane-doe.md", 1, 1, "NN999", "made up"]]]\n'),
        lambda db: _set_data(db, b"\xff\xfe not json"),
    ],
    ids=["edited", "not-a-note", "unknown-type", "unknown-code", "not-utf8"],
)
def test_a_tampered_entry_is_rejected_and_the_note_read(
    make_vault: MakeVault, an_hour_later: None, run_cli: RunCli, tamper: Callable[[Path], None]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    snapshot.drop(vault)  # without the model's snapshot, the command loads from this cache
    tamper(database_path(vault))
    result = run_cli("--vault", vault, "check")
    assert result.exit_code == 1
    assert result.stdout.startswith("contacts/sam-lee.md:3:9: error NN104 unknown circle 'innr'")
    assert (
        f"Warning: ignored 1 damaged entry of the note cache {database_path(vault)}; those notes were read again\n"
        in result.stderr
    )
    assert name_of(load_vault(vault), "jane-doe") == "Jane Doe"
    assert run_cli("--vault", vault, "check").stderr.count("Warning") == 0  # the entry was made anew


def _set_data(db: Path, data: bytes) -> None:
    with sqlite3.connect(db) as connection:
        connection.execute(
            "UPDATE notes SET data = ?, digest = ? WHERE path = 'contacts/jane-doe.md'", (data, notecache._digest(data))
        )
    connection.close()


def test_a_corrupt_database_is_made_anew_with_a_warning(
    make_vault: MakeVault, an_hour_later: None, run_cli: RunCli, reads: list[str]
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    snapshot.drop(vault)  # without the model's snapshot, the command loads from this cache
    database_path(vault).write_bytes(b"this is not a database, just bytes " * 100)
    result = run_cli("--vault", vault, "check")
    assert result.exit_code == 1 and result.stdout.count("NN104") == 1
    assert (
        f"Warning: the note cache {database_path(vault)} was corrupt (file is not a database): made anew; "
        "every note is read\n"
    ) in result.stderr
    reads.clear()
    again = run_cli("--vault", vault, "check")
    assert reads == [] and "Warning" not in again.stderr and again.stdout == result.stdout


def test_a_cache_of_another_vault_is_not_used(make_vault: MakeVault, an_hour_later: None, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    other = write_vault(tmp_path / "other", VAULT)
    load_vault(other)
    _poison(database_path(other), "Jane Doe", "Jane Other", fix_digest=True)
    database_path(other).replace(database_path(vault))  # as if its name were this vault's
    assert name_of(load_vault(vault), "jane-doe") == "Jane Doe"


def test_an_unwritable_cache_is_a_warning_and_the_command_does_its_job(
    make_vault: MakeVault, run_cli: RunCli, own_user_cache: Path
) -> None:
    vault = make_vault(VAULT)
    (own_user_cache / "netnotes").write_text("a file where the folder should be")
    result = run_cli("--vault", vault, "due", "--today", "2026-01-10", "--format", "json")
    assert result.exit_code == 1
    assert [item["contact"] for item in json.loads(result.stdout)] == ["jane-doe"]
    where, blocked = own_user_cache / "netnotes" / "notes" / database_path(vault).name, own_user_cache / "netnotes"
    assert (
        f"Warning: cannot make the note cache {where}: {blocked} is not a folder; every note is read\n" in result.stderr
    )


def test_the_cache_is_private_to_its_user(make_vault: MakeVault, own_user_cache: Path) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    assert database_path(vault).parent.stat().st_mode & 0o777 == 0o700
    assert database_path(vault).stat().st_mode & 0o777 == 0o600


def test_a_cache_another_command_holds_is_waited_for_or_done_without(
    make_vault: MakeVault, an_hour_later: None, monkeypatch: pytest.MonkeyPatch, run_cli: RunCli
) -> None:
    vault = make_vault(VAULT)
    load_vault(vault)
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Lee\n---\n")
    monkeypatch.setattr(sqlite_cache, "BUSY_SECONDS", 0.05)
    holder = sqlite3.connect(database_path(vault), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another command in the middle of saving
    try:
        result = run_cli("--vault", vault, "check")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 0 and result.stdout == "" and "Warning" not in result.stderr


CONCURRENT = """
import sys
from pathlib import Path
from netnotes.loader import load_vault
result = load_vault(Path(sys.argv[1]))
print(len(result.vault.contacts), len(result.vault.interactions), len(result.problems), result.cache_warnings)
"""


def test_two_commands_at_once_share_the_cache_without_harm(tmp_path: Path) -> None:
    files = {f"contacts/person-{n}.md": f"---\nname: Person {n}\n---\n{'Notes. ' * n}\n" for n in range(300)}
    files |= {f"interactions/i-{n}.md": f"---\ndate: 2026-01-01\nwith: person-{n}\n---\n" for n in range(300)}
    vault = write_vault(tmp_path / "vault", files)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    for _ in range(3):  # the notes were just written: each run reads and saves them all
        runs = [
            subprocess.Popen(
                [sys.executable, "-c", CONCURRENT, str(vault)], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE
            )
            for _ in range(2)
        ]
        for run in runs:
            out, err = run.communicate(timeout=120)
            assert run.returncode == 0, err.decode()
            assert out.decode() == "300 300 0 ()\n"
    with sqlite3.connect(database_path(vault)) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("SELECT count(*) FROM notes").fetchone() == (600,)
    db.close()


# -- Cached or not, the same vault


NOTE_TEXTS = [
    "---\nname: Jane Doe\ncircle: inner\n---\nMet at PyCon.\n",
    "---\nname: Sam Lee\naliases: [Sammy]\nbirthday: --04-01\n---\n",
    "---\nname: Sam Lee\n---\n",  # a duplicate name: refs to it are ambiguous
    "---\ndate: 2026-01-05\nwith: [jane-doe, Sammy]\nkind: coffee\nfollow_up: 2w\nnext: call\n---\nSee [[Jane Doe]].\n",
    "---\ndate: 2026-02-30\nwith: nobody\n---\n",
    "---\ndate: 2026-01-05\nwith: jane-doe\ndirection: out\nkind: introduction\nstatus: open\n---\n",
    "---\nname: [broken\n---\n",
    "---\nname: Tab\n\tcircle: inner\n---\n",
    "no front matter\n",
    "",
    "---\nname: X\nname: Y\nextra: {a: 1, b: [2026-01-01, 1.5, .nan, ~]}\nwhen: 2026-01-05 10:30:00Z\n---\r\nbody\r\n",
    "\ufeff---\nname: Zoë Müller\ncompany: Helix\n---\n<<<<<<< ours\na\n=======\nb\n>>>>>>> theirs\n",
    "---\nname: Big\nnotes: &a [x, x, x, x]\nmore: [*a, *a, *a]\n---\n",
]
PATHS = [
    "contacts/jane-doe.md",
    "contacts/sam-lee.md",
    "contacts/sub/sam-lee-2.md",
    "interactions/2026/a.md",
    "interactions/b.md",
    "asks/c.md",
]
edits = st.lists(
    st.tuples(st.sampled_from(PATHS), st.one_of(st.none(), st.sampled_from(NOTE_TEXTS), st.text(max_size=80))),
    max_size=8,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(first=st.dictionaries(st.sampled_from(PATHS), st.sampled_from(NOTE_TEXTS)), rounds=st.lists(edits, max_size=3))
def test_a_cached_load_is_the_load_of_every_note_read_afresh(
    tmp_path_factory: pytest.TempPathFactory,
    monkeypatch: pytest.MonkeyPatch,
    first: dict[str, str],
    rounds: list[list[tuple[str, str | None]]],
) -> None:
    """Whatever the notes and however they are edited, a load through the cache (from its
    database, as the next command does, and from memory, as serve does) is the load of every
    note read from its file."""
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + AN_HOUR)  # so unchanged notes are hits
    vault = write_vault(tmp_path_factory.mktemp("vault"), {}, "circles:\n  inner: 3w\n")
    served = NoteCache(vault)
    step = iter(range(1, 10_000))
    saves: list[list[tuple[str, str | None]]] = [list(first.items()), *rounds]
    for edit in saves:
        for path, text in edit:
            note = vault / path
            if text is None:
                note.unlink(missing_ok=True)
                continue
            note.parent.mkdir(parents=True, exist_ok=True)
            note.write_text(text, encoding="utf-8", newline="")
            # Every save a moment after the last (a real save moves mtime; these are written
            # faster than the clock ticks, and the clock above trusts even a just-saved note).
            moment = 1_700_000_000_000_000_000 + next(step) * 10**9
            os.utime(note, ns=(moment, moment))
        afresh = uncached(vault)
        same(load_vault(vault), afresh)
        same(load_vault(vault, cache=served), afresh)


@pytest.fixture
def example_vault_copy(tmp_path: Path) -> Iterator[Path]:
    import shutil

    copy = tmp_path / "example"
    shutil.copytree(ROOT / "example-vault", copy)
    yield copy


def test_the_example_vault_loads_the_same_from_the_cache(
    example_vault_copy: Path, an_hour_later: None, reads: list[str]
) -> None:
    first = load_vault(example_vault_copy)
    reads.clear()
    again = load_vault(example_vault_copy)
    assert reads == []
    same(again, first)
