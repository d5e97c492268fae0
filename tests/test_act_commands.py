"""`netnotes done`, `snooze`, `show` and `edit` through the command line (issue 10): what each
prints where (changed paths on stdout; messages, hints and `Error:` lines on stderr), its exit
code, and that every refusal leaves every note byte for byte as it was.

Today is 2026-03-10 in every test; each runs in the vault's folder, so paths print as `due`
prints them.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import pty
import select
import subprocess
import sys
from multiprocessing.context import ForkContext, SpawnContext
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, RunCli

import netnotes.amend as amend_module
from netnotes.cli import main

T = "2026-03-10"
JANE = "---\nname: Jane Doe\ncompany: Acme\ncircle: inner\n---\nMet at PyCon.\n"
BOB = "---\nname: Bob Stone\n---\n"
CONFIG = "circles:\n  inner: 3w\n"
COFFEE = (
    "---\ndate: 2026-02-20\nwith: jane-doe\nkind: coffee\nfollow_up: 2026-03-01\nnext: send the deck\n---\nNotes.\n"
)
ASK_OUT = "---\ndate: 2026-02-01\nwith: jane-doe\ndirection: out\nkind: reference\ndue: 2026-03-05\n---\n"
ASK_IN = "---\ndate: 2026-02-01\nwith: bob-stone\ndirection: in\nkind: advice\n---\n"


@pytest.fixture
def vault(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``vault({path: text})``: Jane (keep in touch every 3 weeks), Bob and the notes given; the
    test then runs in the vault's folder."""

    def make(notes: dict[str, str] | None = None) -> Path:
        root = make_vault({"contacts/jane-doe.md": JANE, "contacts/bob-stone.md": BOB, **(notes or {})}, CONFIG)
        monkeypatch.chdir(root)
        return root

    return make


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.md"))}


def text(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


# ---------------------------------------------------------------------------------------------
# done


def test_done_closes_a_follow_up_by_its_path(vault: Any, run_cli: RunCli) -> None:
    root = vault({"interactions/coffee.md": COFFEE})
    result = run_cli("done", "interactions/coffee.md", "--today", T)
    assert (result.exit_code, result.stdout) == (0, "interactions/coffee.md\n")
    assert result.stderr == "interactions/coffee.md: follow-up with Jane Doe done\n"
    assert text(root, "interactions/coffee.md") == COFFEE.replace("---\nNotes.", "done: true\n---\nNotes.")


def test_done_takes_the_source_that_due_json_prints(vault: Any, run_cli: RunCli) -> None:
    """`due --format json | jq -r '.[0].source' | xargs netnotes done`."""
    root = vault({"asks/a.md": ASK_OUT})
    first = json.loads(run_cli("due", "--today", T, "--format", "json").stdout)[0]
    assert (first["reason"], first["source"]) == ("ask", "asks/a.md")
    result = run_cli("done", first["source"], "--today", T)
    assert (result.exit_code, result.stdout) == (0, "asks/a.md\n")
    assert result.stderr == (
        "asks/a.md: ask to Jane Doe done, closed 2026-03-10\nhint: netnotes log jane-doe --kind thank-you\n"
    )
    assert "closed: 2026-03-10\n" in text(root, "asks/a.md")
    after = json.loads(run_cli("due", "--today", T, "--format", "json").stdout)
    assert [(i["reason"], i["source"]) for i in after] == [
        ("keep-in-touch", "contacts/jane-doe.md"),
        ("thank-you", "asks/a.md"),  # the closed ask now wants its thank-you (rule 10)
    ]


def test_done_by_contact_ref_with_status_and_date(vault: Any, run_cli: RunCli) -> None:
    root = vault({"asks/in.md": ASK_IN})
    result = run_cli("done", "bob", "--status", "declined", "--date", "2026-03-02", "--today", T)
    assert (result.exit_code, result.stdout) == (0, "asks/in.md\n")
    assert result.stderr == "asks/in.md: ask from Bob Stone declined, closed 2026-03-02\n"
    assert text(root, "asks/in.md") == ASK_IN.replace(
        "kind: advice\n", "kind: advice\nstatus: declined\nclosed: 2026-03-02\n"
    )


def test_done_on_a_contact_note_suggests_log_or_snooze(vault: Any, run_cli: RunCli) -> None:
    root = vault()
    before = snapshot(root)
    result = run_cli("done", "contacts/jane-doe.md", "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: contacts/jane-doe.md is a contact: its keep-in-touch, birthday or congratulate item closes by"
        " itself. Log the touch (netnotes log jane-doe) or put it off (netnotes snooze jane-doe 2w)\n"
    )
    assert snapshot(root) == before


def test_done_on_something_already_closed_says_so_and_exits_0(vault: Any, run_cli: RunCli) -> None:
    root = vault({"interactions/coffee.md": COFFEE.replace("next:", "done: true\nnext:")})
    before = snapshot(root)
    result = run_cli("done", "interactions/coffee.md", "--today", T)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "interactions/coffee.md: the follow-up is already done; nothing changed\n"
    assert snapshot(root) == before


def test_done_with_a_ref_naming_several_items_lists_them_and_exits_2(vault: Any, run_cli: RunCli) -> None:
    root = vault({"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT})
    before = snapshot(root)
    result = run_cli("done", "jane", "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: Jane Doe (jane-doe) has 2 open items; give the path of the one to close\n"
        "  interactions/coffee.md  follow-up due 2026-03-01: send the deck\n"
        "  asks/a.md  ask due 2026-03-05: waiting on them: reference\n"
    )
    assert snapshot(root) == before


def run_on_a_terminal(root: Path, args: list[str], answer: str) -> tuple[int, str]:
    """Run ``netnotes ARGS`` with stdin and stdout on a pseudo-terminal, typing ``answer`` (keys,
    ``\\n`` for Enter) at its prompt; its exit code and everything the terminal showed."""
    leader, follower = pty.openpty()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parent.parent), "NO_COLOR": "1"}
    proc = subprocess.Popen(
        [sys.executable, "-m", "netnotes", *args], cwd=root, stdin=follower, stdout=follower, stderr=follower, env=env
    )
    os.close(follower)
    shown, typed = b"", False
    try:
        while True:
            ready, _, _ = select.select([leader], [], [], 60)
            if not ready:  # a hung prompt fails the test instead of hanging it
                break
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # the terminal closed: the command has ended
                break
            if not chunk:
                break
            shown += chunk
            if not typed and b"Close which one" in shown:
                os.write(leader, answer.encode())
                typed = True
    finally:
        os.close(leader)
        code = proc.wait(60)
    return code, shown.decode().replace("\r\n", "\n")


def test_on_a_terminal_done_offers_a_numbered_choice(vault: Any) -> None:
    root = vault({"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT})
    code, screen = run_on_a_terminal(root, ["done", "jane", "--today", T], "2\n")
    assert code == 0, screen
    assert (
        "Jane Doe (jane-doe) has 2 open items:\n"
        "  1. interactions/coffee.md  follow-up due 2026-03-01: send the deck\n"
        "  2. asks/a.md  ask due 2026-03-05: waiting on them: reference\n"
        "Close which one (1-2): 2\n"
    ) in screen
    assert "asks/a.md\nasks/a.md: ask to Jane Doe done, closed 2026-03-10\n" in screen
    assert "status: done\nclosed: 2026-03-10\n" in text(root, "asks/a.md")
    assert text(root, "interactions/coffee.md") == COFFEE


def test_on_a_terminal_no_answer_changes_nothing(vault: Any) -> None:
    root = vault({"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT})
    before = snapshot(root)
    code, screen = run_on_a_terminal(root, ["done", "jane", "--today", T], "\x04")  # Ctrl-D: end of input
    assert code == 2, screen
    assert screen.endswith("Error: nothing chosen; nothing changed\n")
    assert snapshot(root) == before


def test_every_target_is_checked_before_any_note_changes(vault: Any, run_cli: RunCli) -> None:
    root = vault({"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT})
    before = snapshot(root)
    result = run_cli("done", "interactions/coffee.md", "asks/missing.md", "asks/a.md", "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == (
        "Error: asks/missing.md is not a note of the vault (netnotes due --long shows each item's path)\n"
    )
    assert snapshot(root) == before


# Bad input: a clear message, exit 2, every note byte for byte as it was.

BAD_TARGETS = [
    pytest.param(
        {}, ["nobody"], "'nobody' is not a note's path, and contact ref 'nobody' matches no contact", id="no-match"
    ),
    pytest.param(
        {"asks/bad.md": "---\ndate: 2026-02-01\nwith: [jane-doe\n---\n"},
        ["asks/bad.md"],
        "asks/bad.md:4:1: YAML syntax error: did not find expected ',' or ']'; fix the note first (netnotes check)",
        id="broken-front-matter",
    ),
    pytest.param(
        {"asks/bad.md": "---\n{date: 2026-02-01, with: jane-doe, direction: out}\n---\n"},
        ["asks/bad.md"],
        "asks/bad.md: netnotes changes only front matter written as block-style 'key: value' lines;"
        " it is a flow mapping ({...}). Change the note by hand",
        id="flow-style-front-matter",
    ),
    pytest.param(
        {"asks/a.md": ASK_OUT},
        ["asks/a.md", "--date", "2026-01-15"],
        "asks/a.md: --date 2026-01-15 is before the ask's date 2026-02-01",
        id="date-before-the-ask",
    ),
]


@pytest.mark.parametrize(("notes", "args", "message"), BAD_TARGETS)
def test_done_refuses_bad_input_with_exit_2_and_no_change(
    vault: Any, run_cli: RunCli, notes: dict[str, str], args: list[str], message: str
) -> None:
    root = vault(notes)
    before = snapshot(root)
    result = run_cli("done", *args, "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert f"Error: {message}\n" in result.stderr
    assert snapshot(root) == before


def test_done_refuses_a_read_only_note(vault: Any, run_cli: RunCli) -> None:
    root = vault({"asks/a.md": ASK_OUT, "interactions/coffee.md": COFFEE})
    (root / "asks/a.md").chmod(0o444)
    before = snapshot(root)
    result = run_cli("done", "interactions/coffee.md", "asks/a.md", "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr == "Error: asks/a.md is read-only; nothing was written. Make it writable to change it\n"
    assert snapshot(root) == before


def test_done_refuses_a_note_edited_while_it_runs(vault: Any, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault({"asks/a.md": ASK_OUT})
    edited = ASK_OUT.replace("due: 2026-03-05", "status: dropped")
    real = amend_module.amended_text

    def editor_saves_first(*args: Any) -> str:  # an editor saves the note after the vault was read
        (root / "asks/a.md").write_text(edited)
        return real(*args)

    monkeypatch.setattr(amend_module, "amended_text", editor_saves_first)
    result = run_cli("done", "asks/a.md", "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: asks/a.md changed ")
    assert result.stderr.endswith("; nothing was written. Run the command again\n")
    assert text(root, "asks/a.md") == edited


def _slow_done(root: str, holding: Any, go_on: Any) -> None:
    """``netnotes done asks/a.md``, which waits, holding the note's lock, until told to go on."""
    real = amend_module.amended_text

    def wait_then_amend(*args: Any) -> str:
        holding.set()
        go_on.wait(60)
        return real(*args)

    amend_module.amended_text = wait_then_amend  # type: ignore[assignment]  # in the child process only
    os.chdir(root)
    try:
        main(["done", "asks/a.md", "--today", T])
    except SystemExit as stop:
        sys.exit(stop.code)


def test_of_two_done_at_once_on_one_note_the_later_fails(vault: Any, run_cli: RunCli) -> None:
    root = vault({"asks/a.md": ASK_OUT})
    mp: ForkContext | SpawnContext = (
        multiprocessing.get_context("fork")
        if "fork" in multiprocessing.get_all_start_methods()
        else multiprocessing.get_context("spawn")
    )
    holding, go_on = mp.Event(), mp.Event()
    first = mp.Process(target=_slow_done, args=(str(root), holding, go_on))
    first.start()
    try:
        assert holding.wait(60)
        later = run_cli("done", "asks/a.md", "--status", "dropped", "--today", T)
    finally:
        go_on.set()
        first.join(60)
    assert first.exitcode == 0
    assert (later.exit_code, later.stdout) == (2, "")
    assert later.stderr == (
        "Error: asks/a.md is being changed by another netnotes command; nothing was written."
        " Try again when it has finished\n"
    )
    assert text(root, "asks/a.md") == ASK_OUT.replace(
        "due: 2026-03-05\n", "due: 2026-03-05\nstatus: done\nclosed: 2026-03-10\n"
    )


def test_what_done_and_snooze_write_passes_check(vault: Any, run_cli: RunCli) -> None:
    root = vault({"interactions/coffee.md": COFFEE, "asks/a.md": ASK_OUT, "asks/in.md": ASK_IN})
    assert run_cli("done", "interactions/coffee.md", "asks/a.md", "bob", "--today", T).exit_code == 0
    assert run_cli("snooze", "jane", "2w", "--today", T).exit_code == 0
    check = run_cli("check")
    assert (check.exit_code, check.stdout) == (0, "")
    assert len(snapshot(root)) == 5


# ---------------------------------------------------------------------------------------------
# snooze


def test_snooze_by_duration_from_today(vault: Any, run_cli: RunCli) -> None:
    root = vault()
    result = run_cli("snooze", "Jane Doe", "2w", "--today", T)
    assert (result.exit_code, result.stdout) == (0, "contacts/jane-doe.md\n")
    assert result.stderr == "contacts/jane-doe.md: Jane Doe snoozed until 2026-03-24\n"
    assert text(root, "contacts/jane-doe.md") == JANE.replace("---\nMet", "snooze_until: 2026-03-24\n---\nMet")
    assert run_cli("due", "--today", T).stdout == (  # was: due today, never contacted
        "Soon (1)\n"
        "  2026-03-24    in 14d  Jane Doe  keep-in-touch  every 3w; never contacted; snoozed until 2026-03-24\n"
    )


def test_snooze_to_a_date_then_clear(vault: Any, run_cli: RunCli) -> None:
    root = vault()
    assert run_cli("snooze", "jane", "2026-04-01", "--today", T).exit_code == 0
    cleared = run_cli("snooze", "jane", "--clear", "--today", T)
    assert (cleared.exit_code, cleared.stdout) == (0, "contacts/jane-doe.md\n")
    assert cleared.stderr == "contacts/jane-doe.md: Jane Doe no longer snoozed\n"
    assert text(root, "contacts/jane-doe.md") == JANE


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["jane"], "Error: give either DATE|DUR or --clear"),
        (["jane", "2w", "--clear"], "Error: give either DATE|DUR or --clear"),
        (["jane", "soon"], "Error: Invalid value for 'DATE|DUR': invalid duration 'soon'"),
        (["jane", "2026-02-30"], "Error: Invalid value for 'DATE|DUR':"),
        (["jane", "2026-03-01"], "Error: 2026-03-01 is before today (2026-03-10): a snooze in the past puts off"),
        (["nobody", "2w"], "Error: contact ref 'nobody' matches no contact"),
    ],
    ids=["no-date", "date-and-clear", "bad-duration", "impossible-date", "past", "unknown-ref"],
)
def test_snooze_refuses_bad_input_with_exit_2(vault: Any, run_cli: RunCli, args: list[str], message: str) -> None:
    root = vault()
    before = snapshot(root)
    result = run_cli("snooze", *args, "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert message in result.stderr
    assert snapshot(root) == before


def test_snooze_refuses_a_read_only_contact(vault: Any, run_cli: RunCli) -> None:
    root = vault()
    (root / "contacts/jane-doe.md").chmod(0o444)
    result = run_cli("snooze", "jane", "2w", "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert "contacts/jane-doe.md is read-only; nothing was written" in result.stderr
    assert text(root, "contacts/jane-doe.md") == JANE


# ---------------------------------------------------------------------------------------------
# show


def test_show_prints_the_brief_with_strength(vault: Any, run_cli: RunCli) -> None:
    vault({"interactions/coffee.md": COFFEE})
    result = run_cli("show", "jane", "--today", T)
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[:2] == ["Jane Doe (jane-doe)", "Acme"]
    assert "Strength:      37 (steady): 1 touch in 12 months; last 3 weeks ago" in lines
    assert "  2026-02-20  coffee" in lines


def test_show_as_markdown_and_json(vault: Any, run_cli: RunCli) -> None:
    vault({"interactions/coffee.md": COFFEE})
    markdown = run_cli("show", "jane-doe", "--today", T, "--format", "markdown")
    assert markdown.stdout.startswith("## Jane Doe\n")
    brief = json.loads(run_cli("show", "jane-doe", "--today", T, "--format", "json").stdout)
    assert (brief["id"], brief["today"], brief["strength"]["score"]) == ("jane-doe", T, 37)


def test_show_an_unknown_contact_exits_2(vault: Any, run_cli: RunCli) -> None:
    vault()
    result = run_cli("show", "jnae-doe", "--today", T)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: contact ref 'jnae-doe' matches no contact")


# ---------------------------------------------------------------------------------------------
# edit


def editor(monkeypatch: pytest.MonkeyPatch, command: str) -> None:
    monkeypatch.setenv("EDITOR", command)
    monkeypatch.delenv("VISUAL", raising=False)


def test_edit_opens_a_contact_and_reports_what_the_edit_broke(
    vault: Any, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = vault()
    editor(monkeypatch, "sed -i s/circle:\\ inner/circle:\\ innr/")
    result = run_cli("edit", "Jane Doe")
    assert "circle: innr\n" in text(root, "contacts/jane-doe.md")
    assert (result.exit_code, result.stdout) == (
        1,
        "contacts/jane-doe.md:4:9: error NN104 unknown circle 'innr' (did you mean 'inner'?)\n",
    )


def test_edit_a_note_by_path_from_the_current_folder_that_the_edit_fixes(
    vault: Any, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = vault({"asks/a.md": ASK_OUT.replace("direction: out", "direction: outt")})
    assert run_cli("check").exit_code == 1
    editor(monkeypatch, "sed -i s/outt/out/")
    monkeypatch.chdir(root / "asks")
    result = run_cli("edit", "a.md")
    assert (result.exit_code, result.stdout, result.stderr) == (0, "", "")
    assert text(root, "asks/a.md") == ASK_OUT


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("netnotes.yaml", "netnotes.yaml is not a note of the vault"),
        ("nobody", "contact ref 'nobody' matches no contact"),
    ],
)
def test_edit_refuses_what_is_not_a_note_without_opening_an_editor(
    vault: Any, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, target: str, message: str
) -> None:
    vault()
    opened = tmp_path / "opened"
    editor(monkeypatch, f"touch {opened} #")
    result = run_cli("edit", target)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith(f"Error: {message}")
    assert not opened.exists()


def test_edit_with_an_editor_that_fails_exits_2(vault: Any, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch) -> None:
    root = vault()
    editor(monkeypatch, "false")
    result = run_cli("edit", "jane")
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.startswith("Error: false: Editing failed")
    assert text(root, "contacts/jane-doe.md") == JANE
