"""What a ``serve`` rebuild keeps and what it leaves for after the reload (issue 12): the
manifest stays in memory while its file is the one serve wrote, unchanged notes' bodies and
unchanged contacts' search entries and index rows are taken as they were, and removing the
replaced site and writing the manifest wait until the generation is bumped. Each piece is
shown to be used (counted), to show an edit at once, byte for byte as a cold build, and never
to leave anything a later build could wrongly trust."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import AbstractContextManager
from pathlib import Path
from unittest import mock

import pytest
from conftest import MakeVault
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_html import TODAY, build, parse, tree
from test_site_warm_equals_cold import Vault, apply, steps, sync

from netnotes import notecache
from netnotes.loader import load_vault
from netnotes.notecache import NoteCache
from netnotes.refs import RefIndex
from netnotes.serve import Generation, Rebuilder
from netnotes.site import build as site_build
from netnotes.site import manifest as site_manifest
from netnotes.site.build import RENDER_CACHE, BuildOptions, Kept, build_site
from netnotes.site.manifest import Manifest
from netnotes.site.output import MARKER, site_tag, staged_output, staging_parent

SERVED = BuildOptions(jobs=1, extra_scripts=("static/reload.js",), extra_files=(("static/reload.js", b"//\n"),))
VAULT = {
    "contacts/jane-doe.md": "---\nname: Jane Doe\n---\nFriend of [[sam-lee]].\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\n---\nPlain *notes*.\n",
    "contacts/ana-ruiz.md": "---\nname: Ana Ruiz\n---\nMet at a conference.\n",
    "interactions/2026-01-01-x.md": "---\ndate: 2026-01-01\nwith: jane-doe\n---\nWe met.\n",
    "interactions/2026-02-01-y.md": "---\ndate: 2026-02-01\nwith: sam-lee\n---\nTennis at noon.\n",
    "interactions/2026-03-01-z.md": "---\ndate: 2026-03-01\nwith: ana-ruiz\n---\nCoffee.\n",
}
EDITED = "---\ndate: 2026-01-01\nwith: jane-doe\n---\nWe met for chess.\n"


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """The notes were saved long ago: the loader trusts their stamps, and keeps the objects of
    unchanged notes from one load to the next, as it does for a user's vault."""
    real = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real() + 3600 * 10**9)


def rebuild(vault: Path, kept: Kept, notes: NoteCache, today: dt.date = TODAY, finish: bool = True) -> Path:
    """One serve rebuild (as ``serve.serve_vault`` makes it), and, unless told not to, what
    serve does once the generation is bumped."""
    out = vault / ".netnotes/serve"
    build_site(vault, load_vault(vault, today=today, cache=notes), out, today, SERVED, kept)
    if finish:
        assert kept.finish() == []
    return out


def cold(vault: Path, tmp_path: Path) -> dict[str, bytes]:
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    build_site(vault, load_vault(vault, cache=NoteCache(vault, persistent=False)), out, TODAY, COLD_SERVED)
    return tree(out)


COLD_SERVED = BuildOptions(jobs=1, cache=False, extra_scripts=SERVED.extra_scripts, extra_files=SERVED.extra_files)


def old_sites(vault: Path, out: Path) -> list[str]:
    """Folders beside the staging ones that hold a site: the replaced one, a dead build's."""
    parent = staging_parent(out, vault)
    return sorted(p.name for p in parent.iterdir() if (p / MARKER).exists()) if parent.is_dir() else []


# -- the manifest in memory


@pytest.fixture
def manifest_reads(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """The path of every site manifest read from a file from now on."""
    reads: list[Path] = []
    real = site_manifest._read

    def counting(path: Path, out: str, warn: object) -> object:
        reads.append(path)
        return real(path, out, warn)  # type: ignore[arg-type]  # the warn it was given

    monkeypatch.setattr(site_manifest, "_read", counting)
    return reads


def test_serve_reads_its_manifest_once_and_keeps_what_it_would_read_back(
    make_vault: MakeVault, tmp_path: Path, manifest_reads: list[Path], settled: None
) -> None:
    vault = make_vault(VAULT)
    reads = manifest_reads
    kept, notes = Kept(defer=True), NoteCache(vault)
    rebuild(vault, kept, notes)
    rebuild(vault, kept, notes)
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = rebuild(vault, kept, notes)
    assert len(reads) == 1  # the first build's; then the one serve wrote, from memory
    assert kept.manifest is not None
    read_back = Manifest.open(vault / RENDER_CACHE, out, lambda message: None)
    assert read_back == kept.manifest and read_back.inputs == kept.manifest.inputs
    assert read_back.stamps and read_back.stamps == kept.manifest.stamps
    assert tree(out) == cold(vault, tmp_path)


def test_a_manifest_written_by_another_build_is_read_again(
    make_vault: MakeVault, tmp_path: Path, manifest_reads: list[Path], settled: None
) -> None:
    vault = make_vault(VAULT)
    kept, notes = Kept(defer=True), NoteCache(vault)
    out = rebuild(vault, kept, notes)
    assert kept.manifest is not None and kept.manifest.path is not None
    # another process built into the same folder: its manifest is the one that holds
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    build(vault, out, options=SERVED)
    reads = manifest_reads
    reads.clear()  # from here on
    (vault / "interactions/2026-02-01-y.md").write_text(VAULT["interactions/2026-02-01-y.md"] + "Again.\n")
    out = rebuild(vault, kept, notes)
    assert reads == [kept.manifest.path]
    assert "Again." in parse(out / "contacts/sam-lee.html").text
    assert tree(out) == cold(vault, tmp_path)


def test_a_kept_manifest_is_dropped_when_its_file_is_removed(
    make_vault: MakeVault, tmp_path: Path, settled: None
) -> None:
    vault = make_vault(VAULT)
    kept, notes = Kept(defer=True), NoteCache(vault)
    out = rebuild(vault, kept, notes)
    assert kept.manifest is not None and kept.manifest.path is not None
    # a poisoned page the kept manifest would vouch for, were it trusted without its file
    page = out / "contacts/jane-doe.html"
    page.unlink()
    page.write_text("<script>forged</script>")
    kept.manifest.path.unlink()  # `build --clean` drops it
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = rebuild(vault, kept, notes)
    assert "forged" not in (out / "contacts/jane-doe.html").read_text()
    assert tree(out) == cold(vault, tmp_path)


# -- bodies and search entries of unchanged notes


def test_serve_keys_and_renders_only_the_bodies_of_changed_notes(
    make_vault: MakeVault, tmp_path: Path, rendered: list[str], settled: None
) -> None:
    vault = make_vault(VAULT)
    kept, notes = Kept(defer=True), NoteCache(vault)
    rebuild(vault, kept, notes)
    assert kept.rendered.keyed == 6
    rendered.clear()
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = rebuild(vault, kept, notes)
    # the edited note, and the one with a wikilink, whose targets were not looked up yet
    assert kept.rendered.keyed == 2
    assert rendered == ["i-2026-01-01-x"]
    assert "We met for chess." in parse(out / "contacts/jane-doe.html").text
    assert tree(out) == cold(vault, tmp_path)
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED + "And tennis.\n")
    rebuild(vault, kept, notes)
    assert kept.rendered.keyed == 1  # the link points where it did
    # a note whose wikilink names another interaction, which then gets a title: the very same
    # note, whose link reads otherwise now, and is keyed and rendered again
    (vault / "interactions/2026-03-01-z.md").write_text(
        VAULT["interactions/2026-03-01-z.md"] + "See [[2026-02-01-y]].\n"
    )
    rebuild(vault, kept, notes)
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    rebuild(vault, kept, notes)
    assert kept.rendered.keyed == 1  # x alone: z, read again, has the text and targets it had
    (vault / "interactions/2026-02-01-y.md").write_text(
        "---\ndate: 2026-02-01\nwith: sam-lee\ntitle: Tennis match\n---\nTennis at noon.\n"
    )
    rendered.clear()
    out = rebuild(vault, kept, notes)
    assert kept.rendered.keyed == 1  # z, whose link reads otherwise (y's body is the text it was)
    assert rendered == ["i-2026-03-01-z"]
    assert "Tennis match" in parse(out / "contacts/ana-ruiz.html").text
    assert tree(out) == cold(vault, tmp_path)
    (vault / "interactions/2026-01-01-x.md").write_text("---\ndate: 2026-01-01\nwith: jane-doe\n---\n")
    out = rebuild(vault, kept, notes)  # a body emptied: no body shown
    assert "We met" not in parse(out / "contacts/jane-doe.html").text
    assert tree(out) == cold(vault, tmp_path)
    (vault / "interactions/2026-03-01-z.md").unlink()
    out = rebuild(vault, kept, notes)
    assert "Coffee" not in (out / "contacts/ana-ruiz.html").read_text()
    assert tree(out) == cold(vault, tmp_path)


def test_serve_makes_only_the_search_entries_and_rows_of_changed_contacts(
    make_vault: MakeVault, tmp_path: Path, settled: None
) -> None:
    vault = make_vault(VAULT)
    kept, notes = Kept(defer=True), NoteCache(vault)
    rebuild(vault, kept, notes)
    assert kept.search.made == 3 and kept.search.rowed >= 3
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = rebuild(vault, kept, notes)
    assert kept.search.made == 1 and kept.search.rowed == 1  # Jane's
    assert "chess" in (out / "static/search-index.js").read_text()
    assert tree(out) == cold(vault, tmp_path)
    (vault / "contacts/ana-ruiz.md").write_text("---\nname: Ana Ruiz\ncompany: Acme\n---\nMet at a conference.\n")
    out = rebuild(vault, kept, notes)  # a contact changed: the loader loads every note again
    assert "acme" in (out / "static/search-index.js").read_text()
    assert tree(out) == cold(vault, tmp_path)


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=6))
def test_served_rebuilds_of_settled_notes_after_any_changes_equal_a_cold_build(
    sequence: list[tuple[object, ...]],
) -> None:
    """As serve runs: one ``Kept`` (the manifest, bodies and search rows in memory, the rest
    done after the bump) and notes old enough that unchanged ones are the very same objects."""
    vault = Vault(contacts={"jane": ("Jane", "Acme", ("python",), "Hi [[sam]]"), "sam": ("Sam", None, (), "")})
    real = notecache.now_ns
    clock = [notecache.now_ns() - 30 * 86400 * 10**9]
    with tempfile.TemporaryDirectory() as folder, mock.patch.object(notecache, "now_ns", lambda: real() + 3600 * 10**9):
        root = Path(folder) / "vault"
        sync(root, vault.files(), clock)
        kept, notes = Kept(defer=True), NoteCache(root)
        rebuild(root, kept, notes)
        for n, step in enumerate(sequence):
            apply(vault, step)
            sync(root, vault.files(), clock)
            today = TODAY + dt.timedelta(days=vault.today)
            served = rebuild(root, kept, notes, today, finish=n % 2 == 0)  # else the next build finishes it
            cold_out = Path(folder) / "cold"
            shutil.rmtree(cold_out, ignore_errors=True)
            build(root, cold_out, today, COLD_SERVED)
            assert tree(served) == tree(cold_out), step


# -- what waits until the generation is bumped


def test_the_replaced_site_and_the_manifest_wait_for_finish(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    kept, notes = Kept(defer=True), NoteCache(vault)
    out = rebuild(vault, kept, notes)
    assert kept.manifest is not None and kept.manifest.path is not None
    manifest = kept.manifest.path.read_bytes()
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = rebuild(vault, kept, notes, finish=False)
    # the new site is whole and in place; the old one waits aside, the manifest is the old one
    assert "We met for chess." in parse(out / "contacts/jane-doe.html").text
    assert tree(out) == cold(vault, tmp_path)
    assert old_sites(vault, out) == [f".{site_tag(out)}.old"]
    assert kept.manifest is None and kept.later
    assert (vault / RENDER_CACHE).joinpath(manifest_name(out)).read_bytes() == manifest
    assert kept.finish() == []
    assert old_sites(vault, out) == [] and not kept.later
    assert kept.manifest is not None and kept.manifest.path.read_bytes() != manifest


def manifest_name(out: Path) -> str:
    return f"site-{site_tag(Path(os.path.abspath(out)))}.json"


def test_the_old_site_is_gone_before_the_next_rebuild_starts(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    kept, notes = Kept(defer=True), NoteCache(vault)
    out = rebuild(vault, kept, notes)
    seen: list[list[str]] = []

    def watching(*args: object, **kwargs: object) -> AbstractContextManager[object]:
        seen.append(old_sites(vault, out))  # when the next build starts writing
        return staged_output(*args, **kwargs)  # type: ignore[arg-type]  # as the build called it

    monkeypatch.setattr(site_build, "staged_output", watching)
    for n in range(3):
        (vault / "interactions/2026-01-01-x.md").write_text(EDITED + f"Round {n}.\n")
        rebuild(vault, kept, notes, finish=False)  # not even finished by its caller
    assert seen == [[], [], []]
    assert tree(out) == cold(vault, tmp_path)


def test_serve_bumps_the_generation_before_it_finishes_the_rebuild() -> None:
    order: list[str] = []
    generation = Generation()
    done = threading.Event()

    def build() -> None:
        order.append("build")

    def after() -> None:
        order.append(f"after, generation {generation.value}")
        done.set()

    rebuilder = Rebuilder(build, generation, lambda line: order.append("log"), after)
    try:
        rebuilder.changed()
        assert done.wait(10)
    finally:
        rebuilder.stop()
    assert order == ["build", "log", "after, generation 2"]


def test_the_work_after_a_rebuild_waits_for_the_browsers_or_the_next_change(monkeypatch: pytest.MonkeyPatch) -> None:
    """A reload script's request is answered the moment the generation is bumped; what the
    rebuild left (writing the manifest holds the interpreter for a long call) waits a moment so
    the browsers are answered first, and no longer than the next change."""
    from netnotes import serve as serve_module

    monkeypatch.setattr(serve_module, "AFTER_SECONDS", 0.4)
    generation = Generation()
    bumped: list[float] = []
    after_at: list[float] = []
    built = threading.Event()
    done = threading.Event()

    def build() -> None:
        built.set()

    def log(line: str) -> None:
        bumped.append(time.monotonic())

    def after() -> None:
        after_at.append(time.monotonic())
        done.set()

    rebuilder = Rebuilder(build, generation, log, after)
    try:
        rebuilder.changed()
        assert done.wait(10)
        assert after_at[0] - bumped[0] >= 0.35  # the browsers had their moment
        done.clear()
        rebuilder.changed()
        while len(bumped) < 2:
            time.sleep(0.01)
        rebuilder.changed()  # a change right after the bump: the work is done at once, before it
        assert done.wait(10)
        assert after_at[1] - bumped[1] < 0.35
    finally:
        rebuilder.stop()


KILLED = """
import os, sys
from pathlib import Path
from netnotes.loader import load_vault
from netnotes.notecache import NoteCache
from netnotes.refs import RefIndex
from netnotes.site.build import BuildOptions, Kept, build_site
import datetime as dt
vault, today = Path(sys.argv[1]), dt.date(2026, 11, 25)
options = BuildOptions(jobs=1, extra_scripts=("static/reload.js",), extra_files=(("static/reload.js", b"//\\n"),))
kept, notes = Kept(defer=True), NoteCache(vault)
out = vault / ".netnotes/serve"
build_site(vault, load_vault(vault, today=today, cache=notes), out, today, options, kept)
kept.finish()
(vault / "interactions/2026-01-01-x.md").write_text(sys.argv[2])
build_site(vault, load_vault(vault, today=today, cache=notes), out, today, options, kept)
os.kill(os.getpid(), 9)  # between the bump and what follows it
"""


def test_a_serve_killed_between_the_bump_and_its_cleanup_leaves_a_whole_site(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    env = {**os.environ, "PYTHONPATH": str(Path(site_build.__file__).parents[2])}
    killed = subprocess.run([sys.executable, "-c", KILLED, str(vault), EDITED], env=env, check=False)
    assert killed.returncode == -9
    out = vault / ".netnotes/serve"
    assert "We met for chess." in parse(out / "contacts/jane-doe.html").text
    assert tree(out) == cold(vault, tmp_path)  # the new site, whole
    assert old_sites(vault, out) == [f".{site_tag(out)}.old"]  # the old one left aside
    # the manifest on disk is the first build's: the next build takes nothing it should not
    (vault / "interactions/2026-02-01-y.md").write_text(VAULT["interactions/2026-02-01-y.md"] + "Again.\n")
    kept, notes = Kept(defer=True), NoteCache(vault)
    out = rebuild(vault, kept, notes)
    assert old_sites(vault, out) == []
    assert tree(out) == cold(vault, tmp_path)


def test_a_dead_builds_exchanged_site_is_removed(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=SERVED)
    parent = staging_parent(out, vault)
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    leftover = parent / f".{site_tag(Path(os.path.abspath(out)))}.tmp-{dead.stdout.strip()}-abc"
    shutil.copytree(out, leftover)  # a site exchanged out of place by a build that then died
    assert (leftover / MARKER).is_file()
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)  # a build that writes a site
    build(vault, out, options=SERVED)
    assert not leftover.exists()


def test_a_replaced_site_whose_removal_was_cut_is_removed_by_the_next_build(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=SERVED)
    old = staging_parent(out, vault) / f".{site_tag(Path(os.path.abspath(out)))}.old"
    shutil.copytree(out, old)
    (old / "contacts/jane-doe.html").unlink()  # cut while its pages were being removed
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    build(vault, out, options=SERVED)
    assert not old.exists()
    old.mkdir()  # cut after its marker, the last file, was removed
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED + "Again.\n")
    build(vault, out, options=SERVED)
    assert not old.exists()


def test_the_contacts_wikilink_targets_are_made_again_only_when_a_contact_changes(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, settled: None
) -> None:
    vault = make_vault(VAULT)
    made: list[int] = []
    real = RefIndex.targets

    def counting(self: RefIndex) -> dict[str, str]:
        made.append(1)
        return real(self)

    monkeypatch.setattr(RefIndex, "targets", counting)
    kept, notes = Kept(defer=True), NoteCache(vault)
    rebuild(vault, kept, notes)
    made.clear()
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED + "See [[sam-lee]].\n")
    rebuild(vault, kept, notes)
    assert made == []  # the very same contacts: their part of the targets is the one kept
    (vault / "contacts/sam-lee.md").write_text("---\nname: Samuel Lee\n---\nPlain *notes*.\n")
    out = rebuild(vault, kept, notes)
    assert made
    assert "Samuel Lee" in parse(out / "contacts/jane-doe.html").text  # the link's text in both notes
    assert tree(out) == cold(vault, tmp_path)
