"""`netnotes merge KEEP DROP` (section 9 of the contract; issue 13, item 4): DROP's note folded
into KEEP's, every ref to DROP rewritten in place, all notes changed or none.

Each test writes the tiny vault it needs inline; Jane Doe (jane-doe) is KEEP and her duplicate
J. Doe (j-doe), made by an import, is DROP.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from conftest import MakeVault, RunCli

import netnotes.merge as merge_module
from netnotes.amend import NoteChanged, note_lock
from netnotes.fsio import WriteFailed
from netnotes.loader import load_vault
from netnotes.merge import FileChange, apply_merge, plan_merge

JANE = """
    ---
    name: Jane Doe
    company: Acme
    email: jane@acme.example
    ---
    Met at PyCon.
"""
J_DOE = """
    ---
    name: J. Doe
    aliases: [Janie]
    company: Acme Corp
    phone: "+1 555 0100"
    ---
    Imported from LinkedIn.
"""
BOB = "---\nname: Bob Stone\nmet_through: j-doe  # at the meetup\n---\n"
VAULT = {
    "contacts/jane-doe.md": JANE,
    "contacts/j-doe.md": J_DOE,
    "contacts/bob-stone.md": BOB,
    "interactions/2026-01-05-coffee.md": """
        ---
        date: 2026-01-05
        with: [bob-stone, "[[J. Doe|Jane]]"]
        kind: coffee
        title: Coffee with Bob and Jane
        ---
        Jane ([[j-doe]]) knows [[Bob Stone]]; ask [[Janie|her]] about Acme.
    """,
    "interactions/2026-02-01-call.md": """
        ---
        date: 2026-02-01
        with: Janie
        kind: call
        ---
    """,
    "asks/2026-02-03-intro.md": """
        ---
        date: 2026-02-03
        with: bob-stone
        direction: out
        kind: introduction
        intro_to: J. Doe
        ---
    """,
    "asks/2026-02-04-reference.md": """
        ---
        date: 2026-02-04
        with: "j-doe"
        direction: out
        kind: reference
        ---
    """,
}


def read(root: Path, path: str) -> str:
    return (root / path).read_text(encoding="utf-8")


def snapshot(root: Path) -> dict[str, bytes]:
    return {
        p.relative_to(root).as_posix(): p.read_bytes()
        for p in sorted(root.rglob("*.md"))
        if ".netnotes" not in p.parts and ".git" not in p.parts
    }


def merge(root: Path, keep: str = "jane-doe", drop: str = "j-doe") -> list[str]:
    return apply_merge(plan_merge(root, load_vault(root), keep, drop))


def git(root: Path, *args: str) -> str:
    done = subprocess.run(
        ["git", "-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false", *args],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"},
    )
    return done.stdout


def changed_lines(diff: str) -> list[str]:
    """The ``+``/``-`` lines of a unified diff, without its file headers."""
    return [line for line in diff.splitlines() if line[:1] in "+-" and not line.startswith(("+++", "---"))]


def test_git_diff_of_a_merge_shows_only_the_ref_lines_keeps_changes_and_drops_removal(
    make_vault: MakeVault,
) -> None:
    root = make_vault({**VAULT, ".gitignore": ".netnotes/\n"})  # as `netnotes init` writes it
    git(root, "init", "-q")
    git(root, "add", ".")
    git(root, "commit", "-q", "-m", "vault")

    merge(root)

    status = git(root, "status", "--porcelain").splitlines()
    assert sorted(status) == [
        " D contacts/j-doe.md",
        " M asks/2026-02-03-intro.md",
        " M asks/2026-02-04-reference.md",
        " M contacts/bob-stone.md",
        " M contacts/jane-doe.md",
        " M interactions/2026-01-05-coffee.md",
        " M interactions/2026-02-01-call.md",
    ]
    diff = {path: changed_lines(git(root, "diff", "--", path)) for path in [s[3:] for s in status]}
    assert diff["interactions/2026-01-05-coffee.md"] == [
        '-with: [bob-stone, "[[J. Doe|Jane]]"]',
        '+with: [bob-stone, "[[jane-doe|Jane]]"]',
        "-Jane ([[j-doe]]) knows [[Bob Stone]]; ask [[Janie|her]] about Acme.",
        "+Jane ([[jane-doe]]) knows [[Bob Stone]]; ask [[jane-doe|her]] about Acme.",
    ]
    assert diff["interactions/2026-02-01-call.md"] == ["-with: Janie", "+with: jane-doe"]
    assert diff["asks/2026-02-03-intro.md"] == ["-intro_to: J. Doe", "+intro_to: jane-doe"]
    assert diff["asks/2026-02-04-reference.md"] == ['-with: "j-doe"', '+with: "jane-doe"']
    assert diff["contacts/bob-stone.md"] == [
        "-met_through: j-doe  # at the meetup",
        "+met_through: jane-doe  # at the meetup",
    ]
    assert diff["contacts/jane-doe.md"] == [
        "+aliases: [J. Doe, Janie]",
        "+phone: +1 555 0100",
        "+",
        "+## Merged from J. Doe (j-doe)",
        "+",
        "+Values that differed (this note's were kept):",
        "+",
        "+- company: Acme Corp",
        "+",
        "+Imported from LinkedIn.",
    ]
    assert read(root, "contacts/jane-doe.md").startswith("---\nname: Jane Doe\ncompany: Acme\n")


def test_check_after_a_merge_reports_no_new_problem(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            **VAULT,
            # problems that were there before and stay: an unknown ref, a near-miss key
            "interactions/2026-03-01-typo.md": "---\ndate: 2026-03-01\nwith: [j-doe, nobody]\nkind: call\n---\n",
            "contacts/ann-lee.md": "---\nname: Ann Lee\ncadance: 2w\n---\n",
            # DROP's own problem (a near-miss key) must not move into KEEP's note
            "contacts/j-doe.md": J_DOE.replace("phone:", "circel: inner\n    phone:"),
        }
    )
    before = {(p.path, p.code) for p in load_vault(root).problems if p.path != "contacts/j-doe.md"}
    assert ("interactions/2026-03-01-typo.md", "NN115") in before

    plan = plan_merge(root, load_vault(root), "jane-doe", "j-doe")
    apply_merge(plan)

    after = {(p.path, p.code) for p in load_vault(root).problems}
    assert after <= before
    assert ("circel", "it has a problem in the note: netnotes check") in plan.not_taken
    assert "circel" not in read(root, "contacts/jane-doe.md").split("---")[1]


def test_a_with_naming_both_keeps_one(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            **VAULT,
            "interactions/2026-03-02-lunch.md": """
                ---
                date: 2026-03-02
                with: [J. Doe, bob-stone, jane-doe]
                kind: lunch
                ---
            """,
        }
    )
    merge(root)
    assert "with: [jane-doe, bob-stone]\n" in read(root, "interactions/2026-03-02-lunch.md")
    lunch = next(i for i in load_vault(root).vault.interactions if i.id == "2026-03-02-lunch")
    assert lunch.with_ == ("jane-doe", "bob-stone")


def test_keeps_own_met_through_drop_is_removed(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/jane-doe.md": "---\nname: Jane Doe\nmet_through: '[[J. Doe]]'\nrole: CTO\n---\n",
            "contacts/j-doe.md": "---\nname: J. Doe\n---\n",
        }
    )
    merge(root)
    assert read(root, "contacts/jane-doe.md") == "---\nname: Jane Doe\nrole: CTO\naliases: [J. Doe]\n---\n"
    assert load_vault(root).problems == []


def test_drops_met_through_to_a_third_contact_replaces_keeps_met_through_drop(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/jane-doe.md": "---\nname: Jane Doe\nmet_through: j-doe\n---\n",
            "contacts/j-doe.md": "---\nname: J. Doe\nmet_through: bob-stone\n---\n",
            "contacts/bob-stone.md": BOB.replace("met_through: j-doe  # at the meetup\n", ""),
        }
    )
    merge(root)
    assert read(root, "contacts/jane-doe.md") == "---\nname: Jane Doe\nmet_through: bob-stone\naliases: [J. Doe]\n---\n"


def test_not_same_as_lists_are_joined_without_keep_or_drop(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/jane-doe.md": "---\nname: Jane Doe\nnot_same_as: [jane-roe, j-doe]\n---\n",
            "contacts/j-doe.md": "---\nname: J. Doe\nnot_same_as: [jane-doe, john-doe]\n---\n",
            "contacts/jane-roe.md": "---\nname: Jane Roe\nnot_same_as: [j-doe]\n---\n",
            "contacts/john-doe.md": "---\nname: John Doe\n---\n",
        }
    )
    merge(root)
    vault = load_vault(root).vault
    assert vault.contacts_by_id["jane-doe"].not_same_as == ("jane-roe", "john-doe")
    assert vault.contacts_by_id["jane-roe"].not_same_as == ("jane-doe",)


def test_dry_run_prints_every_change_as_a_diff_and_writes_nothing(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(VAULT)
    before = snapshot(root)

    result = run_cli("--vault", root, "merge", "Jane Doe", "j-doe", "--dry-run")

    assert result.exit_code == 0, result.stderr
    assert snapshot(root) == before
    assert not (root / ".netnotes").exists()
    out = result.stdout
    for path in (
        "contacts/jane-doe.md",
        "contacts/bob-stone.md",
        "interactions/2026-01-05-coffee.md",
        "interactions/2026-02-01-call.md",
        "asks/2026-02-03-intro.md",
        "asks/2026-02-04-reference.md",
    ):
        assert f"--- a/{path}\n+++ b/{path}\n" in out
    assert "--- a/contacts/j-doe.md\n+++ /dev/null\n" in out
    assert "-with: Janie\n+with: jane-doe\n" in out
    assert "+- company: Acme Corp\n" in out
    assert "kept jane-doe's company: Acme (j-doe: Acme Corp)" in result.stderr
    assert "dry run: nothing was written" in result.stderr


def test_merge_command_prints_the_paths_changed_and_removed(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(VAULT)
    result = run_cli("--vault", root, "merge", "jane", "J. Doe")  # lenient: a unique first name
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].endswith("contacts/jane-doe.md")
    assert lines[-1].startswith("removed ") and lines[-1].endswith("contacts/j-doe.md")
    assert len(lines) == 7  # KEEP's note, the five naming DROP, DROP's removal
    assert not (root / "contacts/j-doe.md").exists()


def test_a_failing_replace_half_way_puts_every_file_back(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(VAULT)
    before = snapshot(root)
    plan = plan_merge(root, load_vault(root), "jane-doe", "j-doe")
    real = merge_module.replace_staged
    calls: list[Path] = []

    def third_fails(f: FileChange, staged: Path) -> None:
        calls.append(f.path)
        if len(calls) == 3:
            raise WriteFailed(f.path, OSError(28, "No space left on device"))
        real(f, staged)

    monkeypatch.setattr(merge_module, "replace_staged", third_fails)
    with pytest.raises(WriteFailed, match="No space left on device"):
        apply_merge(plan)

    assert len(calls) == 3
    assert snapshot(root) == before
    assert (root / "contacts/j-doe.md").exists()
    assert [p.name for p in root.rglob(".netnotes-*.tmp")] == []  # no text written aside is left


def test_a_failing_removal_of_drop_puts_every_file_back(make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_vault(VAULT)
    before = snapshot(root)
    plan = plan_merge(root, load_vault(root), "jane-doe", "j-doe")

    def refuse(path: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(merge_module.os, "remove", refuse)
    with pytest.raises(WriteFailed, match="Permission denied"):
        apply_merge(plan)
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("notes", "args", "message"),
    [
        ({}, ("jane-doe", "Jane Doe"), "KEEP and DROP are the same contact (jane-doe)"),
        ({}, ("jane-doe", "nobody"), "'nobody' matches no contact"),
        (
            {"interactions/2026-03-03-flow.md": "---\n{date: 2026-03-03, with: j-doe}\n---\n"},
            ("jane-doe", "j-doe"),
            "interactions/2026-03-03-flow.md: netnotes changes only front matter written as block-style",
        ),
    ],
    ids=["keep-is-drop", "unknown-ref", "flow-style-note"],
)
def test_merge_refuses_and_changes_nothing(
    make_vault: MakeVault, run_cli: RunCli, notes: dict[str, str], args: tuple[str, str], message: str
) -> None:
    root = make_vault({**VAULT, **notes})
    before = snapshot(root)
    result = run_cli("--vault", root, "merge", *args)
    assert result.exit_code == 2
    assert message in result.stderr
    assert snapshot(root) == before


def test_merge_refuses_while_another_command_holds_a_notes_lock(make_vault: MakeVault, run_cli: RunCli) -> None:
    root = make_vault(VAULT)
    before = snapshot(root)
    with note_lock(root / "asks/2026-02-03-intro.md", root):
        result = run_cli("--vault", root, "merge", "jane-doe", "j-doe")
    assert result.exit_code == 2
    assert "asks/2026-02-03-intro.md is being changed by another netnotes command" in result.stderr
    assert snapshot(root) == before


def test_a_note_changed_after_the_plan_is_refused(make_vault: MakeVault) -> None:
    root = make_vault(VAULT)
    plan = plan_merge(root, load_vault(root), "jane-doe", "j-doe")
    (root / "interactions/2026-02-01-call.md").write_text("---\ndate: 2026-02-01\nwith: j-doe\n---\nEdited.\n")
    before = snapshot(root)
    with pytest.raises(NoteChanged, match="changed since netnotes read it"):
        apply_merge(plan)
    assert snapshot(root) == before


def test_crlf_and_bom_of_keeps_note_are_kept(make_vault: MakeVault) -> None:
    root = make_vault(
        {
            "contacts/jane-doe.md": "\ufeff---\r\nname: Jane Doe\r\n---\r\nNotes.\r\n".encode(),
            "contacts/j-doe.md": "---\nname: J. Doe\n---\nFrom the import.\n",
        }
    )
    merge(root)
    assert (root / "contacts/jane-doe.md").read_bytes() == (
        "\ufeff---\r\nname: Jane Doe\r\naliases: [J. Doe]\r\n---\r\nNotes.\r\n\r\n"
        "## Merged from J. Doe (j-doe)\r\n\r\nFrom the import.\r\n"
    ).encode()
