"""Messages that point to what works (issue 8, small things seen in a week of real use)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli

CIRCLES = "circles:\n  inner: 3w\n  active: 2m\n  wider: 6m\n"
JANE = {"contacts/jane-doe.md": "---\nname: Jane Doe\n---\n"}


def notes(root: Path) -> list[str]:
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*.md"))


# new contact --circle ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("circle", "message"),
    [
        ("innr", "unknown circle 'innr' (did you mean 'inner'? circles: inner, active, wider)"),
        ("Active", "unknown circle 'Active' (did you mean 'active'? circles: inner, active, wider)"),
        ("colleagues", "unknown circle 'colleagues' (circles: inner, active, wider)"),
    ],
)
def test_an_unknown_circle_is_refused_with_the_closest_one_and_the_list(
    run_cli: RunCli, make_vault: MakeVault, circle: str, message: str
) -> None:
    root = make_vault(JANE, config=CIRCLES)
    result = run_cli("--vault", root, "new", "contact", "Ada Lovelace", "--circle", circle)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == f"Error: {message}\n"
    assert notes(root) == ["contacts/jane-doe.md"]


# due --within -----------------------------------------------------------------------------------


@pytest.mark.parametrize("value", ["fortnight", "2x", "never", "none"])
def test_a_bad_within_only_suggests_values_within_accepts(run_cli: RunCli, make_vault: MakeVault, value: str) -> None:
    root = make_vault(JANE)
    result = run_cli("--vault", root, "due", "--within", value)
    assert result.exit_code == 2
    message = result.stderr.splitlines()[-1]
    assert message.startswith("Error: Invalid value for '--within': ")
    assert "never" not in message.replace(f"'{value}'", "'…'")  # the value itself aside
    suggested = re.findall(r"\b(?:\d+[dwmy]|[a-z]+ly)\b", message)
    assert suggested, message
    for word in suggested:
        assert run_cli("--vault", root, "due", "--within", word).exit_code == 0, word


# new interaction / new ask ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("guess", "command"),
    [
        ("interaction", "netnotes log REF..."),
        ("ask", "netnotes ask REF --direction in|out --kind K"),
    ],
)
def test_new_interaction_and_new_ask_point_to_the_command_that_writes_them(
    run_cli: RunCli, make_vault: MakeVault, guess: str, command: str
) -> None:
    root = make_vault(JANE)
    result = run_cli("--vault", root, "new", guess, "jane-doe")
    assert result.exit_code == 2
    assert result.stderr.splitlines()[-1] == f"Error: 'new {guess}' does not exist; write one with: {command}"
    assert notes(root) == ["contacts/jane-doe.md"]


def test_an_unknown_kind_of_new_note_is_still_clicks_error(run_cli: RunCli, make_vault: MakeVault) -> None:
    result = run_cli("--vault", make_vault(JANE), "new", "meeting")
    assert result.exit_code == 2
    assert "No such command 'meeting'" in result.stderr


# log --next without --follow-up -------------------------------------------------------------------

HINT = "hint: --next without --follow-up is never listed by due; add --follow-up 1w\n"


def test_next_without_follow_up_is_written_with_a_hint(run_cli: RunCli, make_vault: MakeVault) -> None:
    root = make_vault(JANE)
    result = run_cli("--vault", root, "log", "jane-doe", "--date", "2026-06-11", "--next", "send the deck")
    assert result.exit_code == 0
    assert result.stderr == HINT
    written = root / "interactions/2026/2026-06-11-other-jane-doe.md"
    assert result.stdout.strip().endswith("2026-06-11-other-jane-doe.md")
    assert "next: send the deck\n" in written.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args",
    [
        ("--next", "send the deck", "--follow-up", "1w"),
        ("--follow-up", "2026-06-20"),
        (),
    ],
    ids=["next-and-follow-up", "follow-up-only", "neither"],
)
def test_no_hint_when_the_next_step_is_dated_or_absent(
    run_cli: RunCli, make_vault: MakeVault, args: tuple[str, ...]
) -> None:
    result = run_cli("--vault", make_vault(JANE), "log", "jane-doe", "--date", "2026-06-11", *args)
    assert result.exit_code == 0
    assert result.stderr == ""
