"""Rendered notes are kept in .netnotes/cache/ between builds: a warm build gives the same
bytes as a cold one, re-renders only notes whose text or wikilink targets changed, and a
broken or unwritable cache never fails a build."""

from __future__ import annotations

import errno
import json
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result
from conftest import MakeVault, RunCli
from site_html import build, parse, tree

from netnotes.site.body_cache import CACHE_FILE
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


def test_the_cache_keeps_only_what_the_vault_uses(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    build(vault)
    cache = vault / RENDER_CACHE / CACHE_FILE
    assert len(json.loads(cache.read_text())) == 3
    (vault / "contacts/sam-lee.md").unlink()
    build(vault)
    assert len(json.loads(cache.read_text())) == 2


@pytest.mark.parametrize("content", ["not json", "[1, 2]", '{"k": 3}', ""], ids=["text", "list", "not-str", "empty"])
def test_a_broken_cache_is_ignored(make_vault: MakeVault, content: str) -> None:
    vault = make_vault(VAULT)
    (vault / RENDER_CACHE).mkdir(parents=True)
    (vault / RENDER_CACHE / CACHE_FILE).write_text(content)
    out, _ = build(vault)
    assert [e.text for e in parse(out / "contacts/sam-lee.html").find("em")] == ["notes"]


def test_an_unwritable_cache_path_does_not_fail_the_build(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    (vault / ".netnotes").mkdir()
    (vault / RENDER_CACHE).write_text("a file where the cache folder should be")
    out, _ = build(vault)
    assert (out / "index.html").is_file()


def test_a_cache_made_by_someone_else_is_never_used(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A cloned vault may carry .netnotes/cache/ with any HTML in it; entries are keyed under
    a secret in the user's own cache folder, so another user's (or a crafted) cache matches nothing."""
    vault = make_vault(VAULT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "author-home"))
    build(vault)
    cache = vault / RENDER_CACHE / CACHE_FILE
    entries = json.loads(cache.read_text())
    assert entries, "the first build fills the cache"
    cache.write_text(json.dumps({k: "<script>alert(1)</script>" for k in entries}))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cloner-home"))
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


@pytest.mark.parametrize("content", ["not json", "[1, 2]", b"\xff\xfe"], ids=["text", "list", "not-utf8"])
def test_a_corrupt_cache_is_a_warning(make_vault: MakeVault, run_cli: RunCli, content: str | bytes) -> None:
    vault = make_vault(VAULT)
    (vault / RENDER_CACHE).mkdir(parents=True)
    cache = vault / RENDER_CACHE / CACHE_FILE
    cache.write_bytes(content.encode() if isinstance(content, str) else content)
    result = _build(run_cli, vault)
    assert result.exit_code == 0, result.output
    assert f"Warning: ignored the render cache {cache}: it is corrupt; every note is rendered afresh\n" in result.stderr
    assert [e.text for e in parse(vault / "_site/contacts/sam-lee.html").find("em")] == ["notes"]
    assert len(json.loads(cache.read_text())) == 3  # and it was written anew


def test_a_cache_that_cannot_be_saved_is_a_warning_and_the_exit_code_stays(
    make_vault: MakeVault,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    vault = make_vault(BROKEN_VAULT)

    real_mkstemp = tempfile.mkstemp

    def read_only(*args: Any, **kwargs: Any) -> tuple[int, str]:
        if Path(kwargs.get("dir", "")).is_relative_to(vault):  # the vault is read-only; the user's home is not
            raise OSError(errno.EROFS, "Read-only file system", str(vault / RENDER_CACHE))
        return real_mkstemp(*args, **kwargs)

    monkeypatch.setattr(tempfile, "mkstemp", read_only)
    result = _build(run_cli, vault)
    assert result.exit_code == 1  # the vault's error, as without the cache problem
    assert (
        f"Warning: cannot save the render cache {vault / RENDER_CACHE / CACHE_FILE}: Read-only file system; "
        "the next build renders every note again\n"
    ) in result.stderr
    assert (vault / "_site/contacts/jane-doe.html").is_file()


def test_a_cache_folder_that_cannot_be_read_is_a_warning(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(VAULT)
    (vault / ".netnotes").mkdir()
    (vault / RENDER_CACHE).write_text("a file where the cache folder should be")
    result = _build(run_cli, vault)
    assert result.exit_code == 0
    assert (
        f"Warning: cannot read the render cache {vault / RENDER_CACHE / CACHE_FILE}: Not a directory" in result.stderr
    )
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
