"""Hostile vaults: whatever is in the notes, every command answers with problem lines, never a
traceback, a hang, a write outside its output, or author-controlled markup in the dashboard."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Callable

import pytest
from click.testing import Result

from conftest import MakeVault


@pytest.mark.parametrize("args", [
    ("export", "ics", "--today", "2026-11-25"),
    ("build", "--today", "2026-11-25"),
], ids=["export-ics", "build"])
def test_a_follow_up_on_the_last_day_of_the_calendar_is_an_event(
        make_vault: MakeVault, run_cli: Callable[..., Result], args: tuple[str, ...]) -> None:
    root = make_vault({
        "contacts/ann.md": "---\nname: Ann\nbirthday: 9999-12-31\n---\n",
        "interactions/far.md": "---\ndate: 2026-01-01\nwith: ann\nfollow_up: 9999-12-31\n---\n",
    })
    result = run_cli("--vault", root, *args)
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("today", ["0001-01-01", "9999-12-31"])
def test_build_on_the_first_and_last_day_of_the_calendar(
        make_vault: MakeVault, run_cli: Callable[..., Result], today: str) -> None:
    root = make_vault({
        "contacts/ann.md": "---\nname: Ann\ncadence: 1w\nbirthday: 2000-02-29\n---\n",
        "interactions/old.md": "---\ndate: 0001-01-01\nwith: ann\nfollow_up: 9999y\n---\n",
        "interactions/new.md": "---\ndate: 9999-12-31\nwith: ann\n---\n",
    })
    for args in (("build",), ("due", "--all"), ("export", "ics"), ("export", "json")):
        result = run_cli("--vault", root, *args, "--today", today)
        assert result.exit_code == 0, (args, result.output)


def test_a_file_name_that_is_not_utf8_is_a_problem_and_the_site_still_builds(
        make_vault: MakeVault, run_cli: Callable[..., Result]) -> None:
    root = make_vault({"contacts/ok.md": "---\nname: Okay\n---\n"})
    try:
        (root / "contacts" / os.fsdecode(b"caf\xe9.md")).write_text("---\nname: Cafe\n---\n")
        (root / "contacts" / os.fsdecode(b"old-\xff")).mkdir()
    except (OSError, UnicodeError):
        pytest.skip("the file system refuses names that are not UTF-8")
    result = run_cli("--vault", root, "check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "contacts/caf\ufffd.md:1:1: error NN100 file name is not valid UTF-8; rename it",
        "contacts/old-\ufffd:1:1: error NN100 folder name is not valid UTF-8; rename it",
    ]
    assert run_cli("--vault", root, "build", "--today", "2026-11-25").exit_code == 1


def test_a_problem_is_one_line_whatever_its_file_is_called(
        make_vault: MakeVault, run_cli: Callable[..., Result]) -> None:
    root = make_vault({"contacts/a\nb\x1b[31m.md": "---\nname: [x]\n---\n"})
    result = run_cli("--vault", root, "check")
    assert result.stdout == "contacts/a\\nb\\x1b[31m.md:2:7: error NN109 'name' should be text, got a list\n"
    problems = json.loads(run_cli("--vault", root, "check", "--format", "json").stdout)
    assert [p["path"] for p in problems] == ["contacts/a\nb\x1b[31m.md"]  # JSON escapes them itself
