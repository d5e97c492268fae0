"""Shared test helpers: a tiny vault written inline, and the CLI run in-process.

Tests write the vault they need as ``{relative path: text}`` next to the assertions (as
beancount and Hugo do), so each test reads like the feature it guards. The fixtures' types are
defined here so that tests can annotate their parameters: ``make_vault: MakeVault``.
"""

from __future__ import annotations

import os
import textwrap
from collections.abc import Mapping
from pathlib import Path
from typing import Protocol

import pytest
from click.testing import CliRunner, Result
from hypothesis import settings

from netnotes import collation, markdown
from netnotes.cli import main
from netnotes.loader import LoadResult, load_vault
from netnotes.model import Vault

# Under CI, property tests explore the same examples on every run (and take the time they need
# on a busy machine): a red CI is a reproducible bug, not a coin toss. Locally they keep drawing
# new examples, which is how they find new bugs; a failing example is then pinned with @example.
settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    settings.load_profile("ci")

Files = Mapping[str, str | bytes]


class MakeVault(Protocol):
    def __call__(self, files: Files, config: str | bytes | None = None) -> Path: ...


class Load(Protocol):
    def __call__(self, files: Files, config: str | bytes | None = None) -> LoadResult: ...


class LoadClean(Protocol):
    def __call__(self, vault: Path) -> Vault: ...


class RunCli(Protocol):
    def __call__(
        self, *args: str | Path, env: Mapping[str, str | None] | None = None, color: bool = False
    ) -> Result: ...


def write_vault(root: Path, files: Files, config: str | bytes | None = None) -> Path:
    """Write ``files`` under ``root``; text is dedented (bytes are written as they are).

    Text may be an indented triple-quoted string: its common indentation and its first
    newline are removed, so line 1 of the note is the line after the opening quotes.
    """
    if config is not None:
        files = {"netnotes.yaml": config, **files}
    root.mkdir(parents=True, exist_ok=True)
    for relpath, content in files.items():
        path = root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, str):
            content = textwrap.dedent(content).removeprefix("\n").encode("utf-8")
        path.write_bytes(content)
    return root


@pytest.fixture(autouse=True)
def own_user_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test has a user cache folder of its own (``XDG_CACHE_HOME``), for the note cache and
    the render cache's key: nothing is kept from one test, or from the person running them, to
    the next."""
    folder = tmp_path_factory.mktemp("user-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.setattr(collation, "_KEYS", collation._Keys())  # the keys this process read and made
    return folder


@pytest.fixture
def make_vault(tmp_path: Path) -> MakeVault:
    """``make_vault({path: text}, config=...)`` -> the vault folder (``tmp_path/vault``).

    Called again, it adds to the same folder. A test needing a second vault, or a vault
    outside ``tmp_path`` (under hypothesis), calls ``write_vault(root, files, config)``.
    """

    def make(files: Files, config: str | bytes | None = None) -> Path:
        return write_vault(tmp_path / "vault", files, config)

    return make


@pytest.fixture
def load(make_vault: MakeVault) -> Load:
    """``load({path: text}, config=...)``: write the vault and load it like every command does."""

    def write_and_load(files: Files, config: str | bytes | None = None) -> LoadResult:
        return load_vault(make_vault(files, config))

    return write_and_load


@pytest.fixture
def load_clean() -> LoadClean:
    """``load_clean(folder)``: the vault in ``folder``, after insisting that `check` finds
    nothing wrong in it (no error and no warning); the problems are the failure message."""

    def load_and_insist(vault: Path) -> Vault:
        result = load_vault(vault)
        assert result.problems == [], [str(p) for p in result.problems]
        return result.vault

    return load_and_insist


@pytest.fixture
def run_cli() -> RunCli:
    """``run_cli("--vault", root, "check")``: the real command, with stdout and stderr apart.

    ``env`` sets (or, with None, unsets) environment variables for the run; ``color=True``
    makes click treat the output as a terminal.
    """

    def run(*args: str | Path, env: Mapping[str, str | None] | None = None, color: bool = False) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], env=env, color=color, catch_exceptions=False)

    return run


@pytest.fixture
def rendered(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The footnote prefix (``c-jane-doe``, ``i-2026-01-01-x``) of every note body markdown-it
    renders from now on, in order: to count what a build renders, or renders again."""
    from netnotes.site import bodies

    calls: list[str] = []
    real, real_plain = markdown.NoteRenderer.render, bodies.render_plain

    def counting(self: markdown.NoteRenderer, body: str, doc_id: str) -> str:
        calls.append(doc_id)
        return real(self, body, doc_id)

    def counting_plain(job: tuple[str, str, str]) -> str | None:
        html = real_plain(job)
        if html is not None:  # else markdown-it renders it, and is counted there
            calls.append(job[2])
        return html

    monkeypatch.setattr(markdown.NoteRenderer, "render", counting)
    monkeypatch.setattr(bodies, "render_plain", counting_plain)
    return calls


@pytest.fixture
def walks(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The roots of every walk of a vault by a load from now on."""
    from netnotes import discover, loader

    done: list[str] = []
    real_walk = loader.walk

    def counting(root: Path) -> discover.Walk:
        done.append(str(root))
        return real_walk(root)

    monkeypatch.setattr(loader, "walk", counting)
    return done


@pytest.fixture
def unpickled(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Every unpickling of a snapshot's model from now on (where in its file it began)."""
    from netnotes import snapshot

    done: list[int] = []
    real_vault = snapshot._vault

    def counting(body: bytes | memoryview, start: int) -> object:
        done.append(start)
        return real_vault(body, start)

    monkeypatch.setattr(snapshot, "_vault", counting)
    return done
