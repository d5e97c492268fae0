"""Shared test helpers: a tiny vault written inline, and the CLI run in-process.

Tests write the vault they need as ``{relative path: text}`` next to the assertions (as
beancount and Hugo do), so each test reads like the feature it guards.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from netnotes.cli import main
from netnotes.loader import LoadResult, load_vault

Files = Mapping[str, str | bytes]
MakeVault = Callable[..., Path]


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


@pytest.fixture
def make_vault(tmp_path: Path) -> MakeVault:
    """``make_vault({path: text}, config=...)`` -> the vault folder (``tmp_path/vault``)."""

    def make(files: Files, config: str | bytes | None = None) -> Path:
        return write_vault(tmp_path / "vault", files, config)

    return make


@pytest.fixture
def load(make_vault: MakeVault) -> Callable[..., LoadResult]:
    """``load({path: text}, config=...)``: write the vault and load it like every command does."""

    def write_and_load(files: Files, config: str | bytes | None = None) -> LoadResult:
        return load_vault(make_vault(files, config))

    return write_and_load


@pytest.fixture
def run_cli() -> Callable[..., Result]:
    """``run_cli("--vault", root, "check")``: the real command, with stdout and stderr apart."""

    def run(*args: str | Path) -> Result:
        return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)

    return run
