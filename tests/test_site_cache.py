"""Rendered notes are kept between builds, in a database in the user's own cache folder: a
warm build gives the same bytes as a cold one, re-renders only notes whose text or wikilink
targets changed, and a broken or unwritable cache never fails a build."""

from __future__ import annotations

import errno
import json
import shutil
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import MakeVault, RunCli
from site_html import build, parse, tree

from netnotes import sqlite_cache
from netnotes.site import body_cache
from netnotes.site.body_cache import LEGACY_FILE, database_path
from netnotes.site.build import RENDER_CACHE, BuildOptions

VAULT = {
    "contacts/jane-doe.md": "---\nname: Jane Doe\n---\nFriend of [[sam-lee]].\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\n---\nPlain *notes*.\n",
    "interactions/2026-01-01-x.md": "---\ndate: 2026-01-01\nwith: jane-doe\n---\nWe met.\n",
}


def test_warm_build_renders_nothing_and_gives_the_same_bytes(
    make_vault: MakeVault,
    tmp_path: Path,
    rendered: list[str],
) -> None:
    vault = make_vault(VAULT)
    cold, _ = build(vault, tmp_path / "cold")
    assert len(rendered) == 3
    warm, _ = build(vault, tmp_path / "warm")
    assert len(rendered) == 3
    assert tree(cold) == tree(warm)
    uncached, _ = build(vault, tmp_path / "uncached", options=BuildOptions(jobs=1, cache=False))
    assert tree(uncached) == tree(cold)


def test_only_changed_notes_and_notes_linking_to_a_renamed_contact_are_rendered(
    make_vault: MakeVault, tmp_path: Path, rendered: list[str]
) -> None:
    vault = make_vault(VAULT)
    build(vault)
    rendered.clear()
    (vault / "interactions/2026-01-01-x.md").write_text("---\ndate: 2026-01-01\nwith: jane-doe\n---\nWe met again.\n")
    build(vault)
    assert rendered == ["i-2026-01-01-x"]
    rendered.clear()
    (vault / "contacts/sam-lee.md").write_text("---\nname: Samuel Lee\n---\nPlain *notes*.\n")
    out, _ = build(vault)
    assert rendered == ["c-jane-doe"]  # its [[sam-lee]] now shows the new name
    assert "Friend of Samuel Lee." in parse(out / "contacts/jane-doe.html").text


def rows(vault: Path) -> dict[str, str]:
    """The render cache's entries (key -> HTML), as the database holds them."""
    with sqlite3.connect(database_path(vault)) as connection:
        return dict(connection.execute("SELECT key, html FROM bodies").fetchall())


def test_the_cache_keeps_only_what_the_vault_uses(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    build(vault)
    assert len(rows(vault)) == 3
    (vault / "contacts/sam-lee.md").unlink()
    build(vault)
    assert len(rows(vault)) == 2


def test_the_cache_is_kept_out_of_the_vault_and_private_to_its_user(
    make_vault: MakeVault, own_user_cache: Path
) -> None:
    vault = make_vault(VAULT)
    build(vault)
    assert database_path(vault).is_relative_to(own_user_cache)
    assert database_path(vault).stat().st_mode & 0o777 == 0o600
    assert database_path(vault).parent.stat().st_mode & 0o777 == 0o700
    assert not list((vault / RENDER_CACHE).glob("bodies*"))


@pytest.mark.parametrize(
    "content", [b"not a database", b"SQLite format 3\x00" + b"\xff" * 200, b""], ids=["text", "torn", "empty"]
)
def test_a_broken_cache_is_ignored(make_vault: MakeVault, content: bytes) -> None:
    vault = make_vault(VAULT)
    database_path(vault).parent.mkdir(parents=True)
    database_path(vault).write_bytes(content)
    out, _ = build(vault)
    assert [e.text for e in parse(out / "contacts/sam-lee.html").find("em")] == ["notes"]
    assert len(rows(vault)) == 3


def test_the_render_cache_of_earlier_versions_in_the_vault_is_never_read_and_is_removed(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    """Earlier versions kept rendered bodies in .netnotes/cache/bodies.json; what such a file
    holds (here the user's own keys, with other HTML) is never shown, and the file goes."""
    vault = make_vault(VAULT)
    build(vault)
    legacy = vault / RENDER_CACHE / LEGACY_FILE
    legacy.write_text(json.dumps(dict.fromkeys(rows(vault), "<script>alert(1)</script>")))
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Lee\n---\nPlain *notes*, again.\n")
    out, _ = build(vault)
    page = parse(out / "contacts/sam-lee.html")
    assert [e.text for e in page.find("em")] == ["notes"]
    assert not [s for s in page.find("script") if not s.attrs.get("src")]
    assert not legacy.exists()
    target = tmp_path / "precious.json"  # a link is removed, never what it points at
    target.write_text('{"a":"b"}')
    legacy.symlink_to(target)
    build(vault, tmp_path / "again")
    assert not legacy.is_symlink() and target.read_text() == '{"a":"b"}'


def test_an_unwritable_cache_path_does_not_fail_the_build(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    (vault / ".netnotes").mkdir()
    (vault / RENDER_CACHE).write_text("a file where the cache folder should be")
    out, _ = build(vault)
    assert (out / "index.html").is_file()


@pytest.mark.parametrize("link", [".netnotes", ".netnotes/cache"])
def test_a_cache_folder_that_leads_out_of_the_vault_is_never_written_in(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path, link: str
) -> None:
    """A cloned vault may make .netnotes, or .netnotes/cache, a link to a folder of the user's:
    a build writes nothing there (not its caches, not its staging folder) and removes nothing
    (not the render cache file of earlier versions, not with --clean), and says so once."""
    vault = make_vault(VAULT)
    theirs = tmp_path / "documents"
    (theirs / "cache").mkdir(parents=True)
    for folder in (theirs, theirs / "cache"):
        (folder / LEGACY_FILE).write_text("the user's own file")
    before = sorted(p.relative_to(theirs).as_posix() for p in theirs.rglob("*"))
    if link == ".netnotes/cache":
        (vault / ".netnotes").mkdir()
    (vault / link).symlink_to(theirs)
    for args in ((), ("--clean",)):
        result = _build(run_cli, vault, *args)
        assert result.exit_code == 0, result.output
        assert sorted(p.relative_to(theirs).as_posix() for p in theirs.rglob("*")) == before
        assert all((folder / LEGACY_FILE).read_text() == "the user's own file" for folder in (theirs, theirs / "cache"))
        said = f"Warning: cannot use the cache folder {vault / RENDER_CACHE}: it leads outside the vault"
        assert result.stderr.count(said) == 1
    assert [e.text for e in parse(vault / "_site/contacts/sam-lee.html").find("em")] == ["notes"]


def test_a_cache_made_by_someone_else_is_never_used(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Entries are keyed under a secret in the user's own cache folder, so another user's (or a
    crafted) cache matches nothing, even put where this user's cache is."""
    vault = make_vault(VAULT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "author-home"))
    build(vault)
    authored = database_path(vault)
    with sqlite3.connect(authored) as connection:
        assert connection.execute("UPDATE bodies SET html = '<script>alert(1)</script>'").rowcount == 3
    connection.close()
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cloner-home"))
    database_path(vault).parent.mkdir(parents=True)
    shutil.copyfile(authored, database_path(vault))
    out, _ = build(vault)
    page = parse(out / "contacts/sam-lee.html")
    assert [e.text for e in page.find("em")] == ["notes"]
    assert not [s for s in page.find("script") if not s.attrs.get("src")]
    assert (tmp_path / "cloner-home" / "netnotes" / "cache-key").stat().st_mode & 0o777 == 0o600


# -- Issue 8, item 2: a cache that cannot be used is a warning on stderr, never a failure: the
# build does its job without it and exits as it would have.

BROKEN_VAULT = {**VAULT, "asks/x.md": "---\ndate: 2026-01-02\nwith: nobody-known\ndirection: out\n---\n"}


def _build(run_cli: RunCli, vault: Path, *args: str) -> Result:
    return run_cli("--vault", vault, "build", "--today", "2026-11-25", *args)


def test_a_corrupt_cache_is_a_warning(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    cache = database_path(vault)
    cache.parent.mkdir(parents=True)
    cache.write_bytes(b"not a database " * 100)
    result = _build(run_cli, vault)
    assert result.exit_code == 0, result.output
    assert (
        f"Warning: the render cache {cache} was corrupt (file is not a database): made anew; "
        "every note is rendered afresh\n"
    ) in result.stderr
    assert [e.text for e in parse(vault / "_site/contacts/sam-lee.html").find("em")] == ["notes"]
    assert len(rows(vault)) == 3  # and it was made anew


def test_a_cache_that_cannot_be_saved_is_a_warning_and_the_exit_code_stays(
    make_vault: MakeVault,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault = make_vault(BROKEN_VAULT)
    real_connect, cache = sqlite3.connect, database_path(vault)

    def read_only(path: object, *args: Any, **kwargs: Any) -> sqlite3.Connection:
        if str(path) != str(cache):
            return real_connect(path, *args, **kwargs)  # type: ignore[call-overload]  # as given
        # as a database on a file system mounted read-only
        return real_connect(f"file:{path}?mode=ro", *args, **{**kwargs, "uri": True})

    assert _build(run_cli, vault).exit_code == 1  # made, and filled
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Lee\n---\nPlain *notes*, again.\n")
    monkeypatch.setattr(body_cache.sqlite3, "connect", read_only)
    result = _build(run_cli, vault)
    monkeypatch.undo()
    assert result.exit_code == 1  # the vault's error, as without the cache problem
    assert (
        f"Warning: cannot save the render cache {cache}: attempt to write a readonly database; "
        "the next build renders those notes again\n"
    ) in result.stderr
    assert "again" in parse(vault / "_site/contacts/sam-lee.html").text


def test_a_cache_another_build_holds_is_done_without(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    assert _build(run_cli, vault).exit_code == 0
    (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Lee\n---\nPlain *notes*, again.\n")
    monkeypatch.setattr(sqlite_cache, "BUSY_SECONDS", 0.05)
    holder = sqlite3.connect(database_path(vault), isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")  # another build in the middle of saving
    try:
        result = _build(run_cli, vault)
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert result.exit_code == 0 and "Warning" not in result.stderr
    assert "again" in parse(vault / "_site/contacts/sam-lee.html").text
    assert len(rows(vault)) == 3  # the new body was not saved: the next build renders it again


def test_a_cache_folder_that_cannot_be_read_is_a_warning(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    (vault / ".netnotes").mkdir()
    (vault / RENDER_CACHE).write_text("a file where the cache folder should be")
    result = _build(run_cli, vault)
    assert result.exit_code == 0
    assert f"Warning: cannot use the cache folder {vault / RENDER_CACHE}: not a folder; " in result.stderr
    assert result.stderr.count("Warning:") == 1
    assert (vault / RENDER_CACHE).read_text() == "a file where the cache folder should be"


def test_a_cache_key_that_cannot_be_had_is_a_warning(
    make_vault: MakeVault,
    run_cli: RunCli,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault = make_vault(VAULT)
    (tmp_path / "not-a-folder").write_text("")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "not-a-folder"))
    result = _build(run_cli, vault)
    assert result.exit_code == 0
    key = tmp_path / "not-a-folder" / "netnotes" / "cache-key"
    assert (
        f"Warning: cannot read the render cache key {key}: Not a directory; building without the cache" in result.stderr
    )
    assert not (vault / RENDER_CACHE).exists()


def test_clean_that_cannot_remove_the_cache_is_a_warning(
    make_vault: MakeVault,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault = make_vault(VAULT)
    assert _build(run_cli, vault).exit_code == 0

    real_rmtree = shutil.rmtree

    def busy(path: str | Path, *args: Any, **kwargs: Any) -> None:
        if Path(path) == vault / RENDER_CACHE:
            raise PermissionError(errno.EACCES, "Permission denied", str(path))
        real_rmtree(path, *args, **kwargs)

    monkeypatch.setattr(shutil, "rmtree", busy)
    result = _build(run_cli, vault, "--clean")
    monkeypatch.undo()
    assert result.exit_code == 0, result.output
    assert f"Warning: cannot remove the render cache {vault / RENDER_CACHE}: Permission denied" in result.stderr
