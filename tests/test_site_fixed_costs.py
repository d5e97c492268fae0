"""The fixed costs of a build after one edit (issue 12): the render cache is looked up by key,
for the bodies of the pages shaped alone, the search words grow in place instead of being
written whole, an unchanged entry's words are read rather than found again, and ``netnotes
serve`` keeps its theme, rendered bodies, search words and the digests of unchanged model
values in memory (``site.build.Kept``). Each mechanism is shown to
be used (counted), to pick up what changed, and never to trust what it did not make."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from site_html import TODAY, build, parse, tree
from test_site_cache import rows
from test_site_warm_equals_cold import COLD, Vault, apply, steps, sync

from netnotes import notecache
from netnotes.loader import load_vault
from netnotes.model import Contact
from netnotes.notecache import NoteCache
from netnotes.site import body_cache, digest, search
from netnotes.site import build as site_build
from netnotes.site.body_cache import BodyCache
from netnotes.site.build import RENDER_CACHE, BuildOptions, Kept, build_site
from netnotes.site.cache_file import CacheFile

WARM = BuildOptions(jobs=1)
VAULT = {
    "contacts/jane-doe.md": "---\nname: Jane Doe\n---\nFriend of [[sam-lee]].\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\n---\nPlain *notes*.\n",
    "interactions/2026-01-01-x.md": "---\ndate: 2026-01-01\nwith: jane-doe\n---\nWe met.\n",
    "interactions/2026-02-01-y.md": "---\ndate: 2026-02-01\nwith: sam-lee\n---\nTennis at noon.\n",
}
# enough entries that one unused body or word entry stays below a quarter of those in use
CROWD = {f"contacts/p{n}.md": f"---\nname: P{n}\n---\nNote {n}.\n" for n in range(6)}
EDITED = "---\ndate: 2026-01-01\nwith: jane-doe\n---\nWe met for chess.\n"


@pytest.fixture
def writes(monkeypatch: pytest.MonkeyPatch) -> dict[str, list[str]]:
    """The cache files grown in place and written whole from now on, by file name."""
    seen: dict[str, list[str]] = {"grown": [], "written": []}
    grow, replace = CacheFile._grow, CacheFile._replace

    def counting_grow(self: CacheFile, new: dict[str, str]) -> bool:
        grown = grow(self, new)
        if grown:
            seen["grown"].append(self.path.name)
        return grown

    def counting_replace(self: CacheFile, used: dict[str, str], warn: object) -> None:
        seen["written"].append(self.path.name)
        replace(self, used, warn)  # type: ignore[arg-type]  # the warn it was given

    monkeypatch.setattr(CacheFile, "_grow", counting_grow)
    monkeypatch.setattr(CacheFile, "_replace", counting_replace)
    return seen


def _entries(vault: Path, name: str = search.WORDS_FILE) -> dict[str, str]:
    data = json.loads((vault / RENDER_CACHE / name).read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


# -- the render cache (in the user's cache folder) and the search words (in .netnotes/cache/)


@pytest.fixture
def lookups(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    """The keys each look-up in the render cache's database asked for, from now on."""
    seen: list[list[str]] = []
    fetch = BodyCache.fetch

    def counting(self: BodyCache, keys: Iterable[str], warn: Callable[[str], None]) -> None:
        keys = list(keys)
        seen.append([k for k in keys if k not in self.entries])
        fetch(self, keys, warn)

    monkeypatch.setattr(BodyCache, "fetch", counting)
    return seen


def keys_of(lookups: list[list[str]]) -> list[str]:
    return [k for call in lookups for k in call]


def test_a_build_after_one_edit_adds_its_entries_in_place_and_a_build_without_changes_writes_nothing(
    make_vault: MakeVault, tmp_path: Path, writes: dict[str, list[str]], rendered: list[str], lookups: list[list[str]]
) -> None:
    vault = make_vault({**VAULT, **CROWD})
    build(vault)
    assert writes == {"grown": [], "written": [search.WORDS_FILE]}
    assert len(keys_of(lookups)) == 10  # a cold build: every body
    words_inode, words, bodies = (vault / RENDER_CACHE / search.WORDS_FILE).stat().st_ino, _entries(vault), rows(vault)
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    writes["written"].clear()
    rendered.clear()
    lookups.clear()
    out, _ = build(vault)
    assert rendered == ["i-2026-01-01-x"]
    assert len(keys_of(lookups)) == 2  # the bodies of the one page shaped (Jane's), not the 8 others
    assert writes == {"grown": [search.WORDS_FILE], "written": []}
    assert (vault / RENDER_CACHE / search.WORDS_FILE).stat().st_ino == words_inode  # the same file, grown
    after = _entries(vault)
    assert len(after) == len(words) + 1 and words.items() <= after.items()
    assert len(rows(vault)) == len(bodies) + 1 and bodies.items() <= rows(vault).items()
    assert "We met for chess." in parse(out / "contacts/jane-doe.html").text
    writes["grown"].clear()
    shutil.rmtree(out)  # the site must be made again; the caches hold everything already
    rendered.clear()
    build(vault)
    assert writes == {"grown": [], "written": []} and rendered == []
    cold, _ = build(vault, tmp_path / "cold", options=COLD)
    assert tree(out) == tree(cold)


def test_a_site_removed_is_made_again_from_the_render_cache_in_one_look_up(
    make_vault: MakeVault, tmp_path: Path, rendered: list[str], lookups: list[list[str]]
) -> None:
    """Its pages are taken as unchanged, yet their files are gone: each is shaped after all,
    and the first body one asks for brings every body at once, not one look-up a body."""
    vault = make_vault({**VAULT, **CROWD})
    out, _ = build(vault)
    shutil.rmtree(out)
    rendered.clear()
    lookups.clear()
    again, _ = build(vault)
    assert rendered == [] and len(lookups) == 1 and len(lookups[0]) == 10
    cold, _ = build(vault, tmp_path / "cold", options=COLD)
    assert tree(again) == tree(cold)


def test_a_body_whose_text_comes_back_is_taken_from_the_render_cache(
    make_vault: MakeVault, rendered: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault)
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    build(vault)
    (vault / "interactions/2026-01-01-x.md").write_text(VAULT["interactions/2026-01-01-x.md"])
    rendered.clear()
    out, _ = build(vault)
    assert rendered == [] and "We met." in parse(out / "contacts/jane-doe.html").text


def test_unused_entries_are_dropped_once_they_are_more_than_a_quarter_of_the_used_ones(
    make_vault: MakeVault, writes: dict[str, list[str]]
) -> None:
    vault = make_vault({f"contacts/p{n}.md": f"---\nname: P{n}\n---\nNote {n}.\n" for n in range(8)})
    build(vault)
    writes["written"].clear()
    (vault / "contacts/p0.md").write_text("---\nname: P0\n---\nNote zero.\n")
    build(vault)  # one unused of 8 used: kept, the new one added
    assert writes["written"] == [] and len(_entries(vault)) == 9 and len(rows(vault)) == 9
    (vault / "contacts/p1.md").write_text("---\nname: P1\n---\nNote one.\n")
    (vault / "contacts/p2.md").write_text("---\nname: P2\n---\nNote two.\n")
    build(vault)  # three unused of 8: the words written anew with the 8 in use
    assert search.WORDS_FILE in writes["written"] and len(_entries(vault)) == 8
    # a build that shows only some bodies cannot tell which others are used: the next one shows
    # them all, and the render cache keeps the 8 in use
    assert len(rows(vault)) == 11
    (vault / "contacts/p3.md").write_text("---\nname: P3\n---\nNote three.\n")
    build(vault)
    assert len(rows(vault)) == 8


def test_a_file_torn_while_it_grew_is_a_warning_and_written_anew(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    assert run_cli("--vault", vault, "build", "--today", "2026-11-25").exit_code == 0
    words = vault / RENDER_CACHE / search.WORDS_FILE
    words.write_text(words.read_text()[:-1] + ',"abc":"half')  # a build killed mid-write
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 0
    assert f"Warning: ignored the search words cache {words}: it is corrupt; " in result.stderr
    assert "abc" not in _entries(vault)  # written anew, the torn entry gone
    cold, _ = build(vault, tmp_path / "cold", options=COLD)
    assert tree(vault / "_site") == tree(cold)


def test_a_cache_file_that_is_a_link_is_neither_read_nor_written_through(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path
) -> None:
    """A cloned vault may make .netnotes/cache/search-words.json a link to a file of the user's:
    growing it in place must never write there."""
    vault = make_vault(VAULT)
    target = tmp_path / "precious.json"
    target.write_text('{"a":"b"}')
    (vault / RENDER_CACHE).mkdir(parents=True)
    os.symlink(target, vault / RENDER_CACHE / search.WORDS_FILE)
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25")
    assert result.exit_code == 0
    assert f"Warning: cannot read the search words cache {vault / RENDER_CACHE / search.WORDS_FILE}: " in result.stderr
    assert target.read_text() == '{"a":"b"}'


def test_a_cli_build_after_one_edit_finds_the_words_of_the_changed_entries_only(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    build(vault)
    counted: list[tuple[str, ...]] = []
    real = search.words_of

    def counting(fields: tuple[str, ...], text: tuple[str, ...], limit: int = search.MAX_TEXT_CHARS) -> str:
        counted.append(fields)
        return real(fields, text, limit)

    monkeypatch.setattr(search, "words_of", counting)
    monkeypatch.setattr(search._Words, "last", {})  # as a new process: nothing in memory
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out, _ = build(vault)
    assert [fields[0] for fields in counted] == ["Jane Doe"]
    assert "chess" in (out / "static/search-index.js").read_text()
    monkeypatch.setattr(search._Words, "last", {})
    cold, _ = build(vault, tmp_path / "cold", options=COLD)
    assert tree(out) == tree(cold)


def test_words_kept_by_another_user_are_never_used(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "author-home"))
    build(vault)
    words = vault / RENDER_CACHE / search.WORDS_FILE
    words.write_text(json.dumps(dict.fromkeys(_entries(vault, search.WORDS_FILE), "forged")))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cloner-home"))
    monkeypatch.setattr(search._Words, "last", {})
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)  # the index is made again
    out, _ = build(vault)
    assert "forged" not in (out / "static/search-index.js").read_text()
    monkeypatch.setattr(search._Words, "last", {})
    cold, _ = build(vault, tmp_path / "cold", options=COLD)
    assert tree(out) == tree(cold)


# -- what netnotes serve keeps in memory


def _serve_build(vault: Path, kept: Kept, notes: NoteCache, today: dt.date = TODAY) -> Path:
    out = vault / ".netnotes/serve"
    build_site(vault, load_vault(vault, today=today, cache=notes), out, today, WARM, kept)
    return out


def test_a_render_cache_removed_while_serve_runs_is_made_again_private(make_vault: MakeVault) -> None:
    """``build --clean`` while ``serve`` runs: the next rebuild neither fails nor leaves a
    database others can read; it is made anew, with what that rebuild rendered."""
    vault = make_vault(VAULT)
    kept, notes = Kept(), NoteCache(vault)
    _serve_build(vault, kept, notes)
    assert body_cache.drop(vault) == []
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = _serve_build(vault, kept, notes)
    assert "We met for chess." in parse(out / "contacts/jane-doe.html").text
    database = body_cache.database_path(vault)
    assert database.stat().st_mode & 0o777 == 0o600
    assert len(rows(vault)) >= 1


def test_serve_keeps_the_theme_and_reads_no_render_cache_between_rebuilds(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    vault = make_vault(VAULT)
    themes: list[Path] = []
    opened: list[Path | None] = []
    real_theme, real_open = site_build.load_theme, BodyCache.open

    def counting_theme(root: Path, *args: object) -> object:
        themes.append(root)
        return real_theme(root, *args)  # type: ignore[arg-type]  # as it was called

    def counting_open(root: Path | None, warn: object, legacy: Path | None = None) -> BodyCache:
        opened.append(root)
        return real_open(root, warn, legacy)  # type: ignore[arg-type]  # as it was called

    monkeypatch.setattr(site_build, "load_theme", counting_theme)
    monkeypatch.setattr(BodyCache, "open", counting_open)
    kept, notes = Kept(), NoteCache(vault)
    _serve_build(vault, kept, notes)
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = _serve_build(vault, kept, notes)
    assert len(themes) == 1 and len(opened) == 1
    assert "We met for chess." in parse(out / "contacts/jane-doe.html").text
    # a template of the vault's own theme: loaded again, and used
    (vault / "theme/templates").mkdir(parents=True)
    (vault / "theme/templates/contact.html").write_text("{{ page.title }} in my theme\n")
    out = _serve_build(vault, kept, notes)
    assert len(themes) == 2
    assert (out / "contacts/jane-doe.html").read_text() == "Jane Doe in my theme\n"
    (vault / "theme/templates/contact.html").write_text("{{ page.title }} changed\n")
    out = _serve_build(vault, kept, notes)
    assert len(themes) == 3 and (out / "contacts/jane-doe.html").read_text() == "Jane Doe changed\n"


def test_serve_does_not_key_unchanged_bodies_again(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch, rendered: list[str]
) -> None:
    vault = make_vault(VAULT)
    keyed: list[str] = []
    real = BodyCache.key

    def counting(self: BodyCache, body: str, doc_id: str, links: object) -> str:
        keyed.append(doc_id)
        return real(self, body, doc_id, links)  # type: ignore[arg-type]  # as it was called

    monkeypatch.setattr(BodyCache, "key", counting)
    kept, notes = Kept(), NoteCache(vault)
    _serve_build(vault, kept, notes)
    assert sorted(keyed) == ["c-jane-doe", "c-sam-lee", "i-2026-01-01-x", "i-2026-02-01-y"]
    keyed.clear()
    rendered.clear()
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    out = _serve_build(vault, kept, notes)
    # the edited body, and the one with a wikilink (its key depends on where the link points)
    assert sorted(keyed) == ["c-jane-doe", "i-2026-01-01-x"]
    assert rendered == ["i-2026-01-01-x"]
    assert "We met for chess." in parse(out / "contacts/jane-doe.html").text


def test_serve_keeps_the_digests_of_unchanged_contacts(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> None:
    real_clock = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_clock() + 3600 * 10**9)  # the notes were saved long ago
    vault = make_vault(VAULT)
    kept, notes = Kept(), NoteCache(vault)
    _serve_build(vault, kept, notes)
    digested: list[str] = []
    fields = digest._fields(Contact)
    assert fields is not None

    def counting(contact: Contact) -> tuple[object, ...]:
        digested.append(contact.id)
        return fields(contact)

    monkeypatch.setitem(digest._FIELDS, Contact, counting)
    (vault / "interactions/2026-01-01-x.md").write_text(EDITED)
    _serve_build(vault, kept, notes)
    assert digested == []  # both contacts are the very objects of the last build
    (vault / "contacts/sam-lee.md").write_text("---\nname: Samuel Lee\n---\nPlain *notes*.\n")
    out = _serve_build(vault, kept, notes)
    assert "sam-lee" in digested  # a changed contact is a new object (the loader loads all again)
    assert "Samuel Lee" in parse(out / "contacts/sam-lee.html").text


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(steps, min_size=1, max_size=6))
def test_serve_rebuilds_after_any_changes_equal_a_cold_build(sequence: list[tuple[object, ...]]) -> None:
    vault = Vault(contacts={"jane": ("Jane", "Acme", ("python",), "Hi [[sam]]"), "sam": ("Sam", None, (), "")})
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder) / "vault"
        sync(root, vault.files())
        kept, notes = Kept(), NoteCache(root)
        _serve_build(root, kept, notes)
        for step in sequence:
            apply(vault, step)
            sync(root, vault.files())
            today = TODAY + dt.timedelta(days=vault.today)
            served = _serve_build(root, kept, notes, today)
            cold = Path(folder) / "cold"
            shutil.rmtree(cold, ignore_errors=True)
            build(root, cold, today, COLD)
            assert tree(served) == tree(cold), step
