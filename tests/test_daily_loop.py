"""The daily loop on the example vault, end to end through the command line (issue 10, "Done
when"): `due`, then `done` on two items by path and one by contact, `snooze` one contact, and
`due` again lists exactly those gone, plus the thank-you the closed ask now wants; `git diff`
shows only the changed key lines, and `check` finds nothing new.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

from conftest import RunCli

EXAMPLE = Path(__file__).resolve().parent.parent / "example-vault"
TODAY = "2026-11-25"
DAVID_FOLLOW_UP = "interactions/2026/2026-08-20-lunch-david-partitioning.md"
PRIYA_REFERENCE = "asks/2026-10-02-reference-priya-northwind.md"
JORDAN_FOLLOW_UP = "interactions/2026/2026-10-15-call-jordan-market-update.md"


def git(root: Path, *args: str) -> str:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "Sam",
        "GIT_AUTHOR_EMAIL": "sam@example.invalid",
        "GIT_COMMITTER_NAME": "Sam",
        "GIT_COMMITTER_EMAIL": "sam@example.invalid",
        "GIT_CONFIG_GLOBAL": os.devnull,
        "GIT_CONFIG_NOSYSTEM": "1",
    }
    return subprocess.run(["git", *args], cwd=root, env=env, check=True, capture_output=True, text=True).stdout


def due(run_cli: RunCli, root: Path) -> list[tuple[str, str, str]]:
    result = run_cli("--vault", root, "due", "--today", TODAY, "--format", "json")
    assert result.exit_code == 0, result.output
    return [(i["reason"], i["contact"], i["source"]) for i in json.loads(result.stdout)]


def test_due_done_snooze_due_on_the_example_vault(tmp_path: Path, run_cli: RunCli) -> None:
    root = tmp_path / "vault"
    shutil.copytree(EXAMPLE, root)
    git(root, "init", "-q")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the example vault")
    check_before = run_cli("--vault", root, "check").output
    before = due(run_cli, root)

    closed = run_cli(
        "--vault", root, "done", "--date", TODAY, "--today", TODAY, DAVID_FOLLOW_UP, PRIYA_REFERENCE, "Jordan Blake"
    )
    assert closed.exit_code == 0, closed.output
    assert closed.stdout.splitlines() == [str(root / p) for p in (DAVID_FOLLOW_UP, PRIYA_REFERENCE, JORDAN_FOLLOW_UP)]
    snoozed = run_cli("--vault", root, "snooze", "omar", "4w", "--today", TODAY)
    assert (snoozed.exit_code, snoozed.stdout) == (0, f"{root / 'contacts/omar-haddad.md'}\n")

    after = due(run_cli, root)
    gone = [
        ("follow-up", "david-park", DAVID_FOLLOW_UP),
        ("follow-up", "jordan-blake", JORDAN_FOLLOW_UP),
        ("ask", "priya-natarajan", PRIYA_REFERENCE),
        ("keep-in-touch", "omar-haddad", "contacts/omar-haddad.md"),
    ]
    assert all(item in before for item in gone)
    assert sorted(set(before) - set(after)) == sorted(gone)
    assert set(after) - set(before) == {("thank-you", "priya-natarajan", PRIYA_REFERENCE)}

    changed_lines = [
        line
        for line in git(root, "diff", "-U0").splitlines()
        if line[:1] in "+-" and not line.startswith(("+++", "---"))
    ]
    assert sorted(changed_lines) == sorted(
        [
            "+done: true",  # David's follow-up
            "+done: true",  # Jordan's follow-up
            "-status: open",
            "+status: done",
            "+closed: 2026-11-25",
            "+snooze_until: 2026-12-23",
        ]
    )
    assert sorted(git(root, "diff", "--name-only").splitlines()) == sorted(
        [DAVID_FOLLOW_UP, JORDAN_FOLLOW_UP, PRIYA_REFERENCE, "contacts/omar-haddad.md"]
    )
    assert run_cli("--vault", root, "check").output == check_before
