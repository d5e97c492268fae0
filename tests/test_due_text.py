"""The `due` text table in a terminal (issue 8, items 9 and 10): columns line up by display
width whatever the script, names are cut whole, and namesakes can be told apart."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from conftest import MakeVault, RunCli
from hypothesis import example, given
from hypothesis import strategies as st
from wcwidth import wcswidth

from netnotes.followup import DueItem, DueStatus, Reason
from netnotes.report import NAME_WIDTH, format_due_text

TODAY = "2026-03-10"


def contact(name: str, **fields: str) -> str:
    lines = [f"name: {name}", "cadence: 1d", "since: 2026-03-01", *(f"{k}: {v}" for k, v in fields.items())]
    return "---\n" + "\n".join(lines) + "\n---\n"


def due_lines(vault: Path, run_cli: RunCli) -> list[str]:
    result = run_cli("--vault", vault, "due", "--today", TODAY)
    assert result.exit_code == 0, result.output
    return [line for line in result.stdout.splitlines() if line.startswith("  ")]


def reason_columns(lines: list[str]) -> set[int]:
    """The display column where each row's reason starts, as a terminal shows it."""
    return {wcswidth(line[: line.rindex("keep-in-touch")]) for line in lines}


def name_cells(lines: list[str]) -> list[str]:
    """Each row's name cell: after the `when` column, up to the two spaces before the reason."""
    return [line[24 : line.rindex("keep-in-touch")].rstrip() for line in lines]


def test_columns_after_the_name_start_at_one_display_column(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "contacts/wang.md": contact("王小明"),  # wide: 6 columns in 3 characters
            "contacts/zoe.md": contact("Zoe\u0301 Mu\u0308ller"),  # combining accents take no column
            "contacts/ana.md": contact("Ana 🚀"),  # an emoji is 2 columns
            "contacts/bob.md": contact("Bob"),
        }
    )
    lines = due_lines(vault, run_cli)
    assert len(lines) == 4
    assert len(reason_columns(lines)) == 1, lines
    assert sorted(name_cells(lines)) == sorted(["王小明", "Zoe\u0301 Mu\u0308ller", "Ana 🚀", "Bob"])


def test_a_long_name_is_cut_between_whole_characters(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "contacts/wide.md": contact("王" * 30),  # 60 columns
            "contacts/accents.md": contact("e\u0301" * 30),  # 30 columns, 60 code points
            "contacts/bob.md": contact("Bob"),
        }
    )
    lines = due_lines(vault, run_cli)
    assert len(reason_columns(lines)) == 1, lines
    cells = name_cells(lines)
    assert "王" * 11 + "…" in cells  # 23 columns: a 12th 王 would need 25
    assert "e\u0301" * 23 + "…" in cells  # never an `e` without its accent
    assert all(wcswidth(cell) <= 24 for cell in cells)


def test_namesakes_show_their_company_or_else_their_id(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "contacts/john-smith.md": contact("John Smith", company="Acme"),
            "contacts/john-smith-2.md": contact("john smith", company="Globex"),
            "contacts/john-smith-3.md": contact("John Smith", company="acme"),  # same company, folded
            "contacts/john-smith-4.md": contact("John Smith"),  # no company
            "contacts/jane.md": contact("Jane Doe", company="Acme"),  # no namesake: as it was
        }
    )
    cells = sorted(name_cells(due_lines(vault, run_cli)))
    assert cells == [
        "Jane Doe",
        "John Smith (john-smith)",
        "John Smith (john-smith-3)",
        "John Smith (john-smith-4)",
        "john smith (Globex)",
    ]


def test_two_namesakes_at_different_companies(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "contacts/john-smith.md": contact("John Smith", company="Acme"),
            "contacts/john-smith-2.md": contact("John Smith"),
        }
    )
    lines = due_lines(vault, run_cli)
    assert sorted(name_cells(lines)) == ["John Smith (Acme)", "John Smith (john-smith-2)"]
    assert len(reason_columns(lines)) == 1


def test_a_namesakes_long_name_is_cut_but_not_what_tells_it_apart(make_vault: MakeVault, run_cli: RunCli) -> None:
    long = "Maximilian Alexander von Habsburg"
    vault = make_vault({"contacts/max.md": contact(long, company="Acme"), "contacts/max-2.md": contact(long)})
    cells = sorted(name_cells(due_lines(vault, run_cli)))
    assert cells == ["Maximilian Alexander vo… (Acme)", "Maximilian Alexander vo… (max-2)"]


def test_json_keeps_the_plain_name(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "contacts/john-smith.md": contact("John Smith", company="Acme"),
            "contacts/john-smith-2.md": contact("John Smith"),
        }
    )
    result = run_cli("--vault", vault, "due", "--today", TODAY, "--format", "json")
    assert [(i["contact"], i["name"]) for i in json.loads(result.stdout)] == [
        ("john-smith", "John Smith"),
        ("john-smith-2", "John Smith"),
    ]


def test_a_namesakes_company_is_shown_escaped(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "contacts/eve.md": contact("Eve", company='"Acme\\e]0;pwned\\a"'),
            "contacts/eve-2.md": contact("Eve"),
        }
    )
    assert sorted(name_cells(due_lines(vault, run_cli))) == ["Eve (Acme\\x1b]0;pwned\\x07)", "Eve (eve-2)"]


@given(st.lists(st.text(min_size=1, max_size=40), min_size=1, max_size=6))
@example(["0", "\u1a6d"])  # a name that is a lone spacing mark: it joins the space before its cell
def test_any_names_line_up_and_fit(names: list[str]) -> None:
    today = dt.date(2026, 3, 10)
    items = [
        DueItem(f"c{n}", name, Reason.KEEP_IN_TOUCH, today, DueStatus.TODAY, 0, None, f"contacts/c{n}.md")
        for n, name in enumerate(names)
    ]
    lines = [line for line in format_due_text(items, today).splitlines() if line.startswith("  ")]
    assert len(reason_columns(lines)) == 1, lines
    assert all(wcswidth(cell) <= 2 * NAME_WIDTH + 3 for cell in name_cells(lines))


def test_long_shows_each_items_note_in_an_aligned_column(make_vault: MakeVault, run_cli: RunCli) -> None:
    ask = "---\ndate: 2026-03-01\nwith: 王小明\ndirection: out\nkind: reference\n---\n"
    vault = make_vault(
        {
            "contacts/wang.md": contact("王小明"),
            "contacts/王.md": contact("Bob"),  # a wide character in the path: 2 columns
            "asks/wang-ref.md": ask,
        }
    )
    result = run_cli("--vault", vault, "due", "--today", TODAY, "--long")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "Overdue (3)",
        "  2026-03-01    9d ago  王小明  ask            asks/wang-ref.md  waiting on them: reference",
        "  2026-03-02    8d ago  Bob     keep-in-touch  contacts/王.md    every 1d; no touch since 2026-03-01",
        "  2026-03-02    8d ago  王小明  keep-in-touch  contacts/wang.md  every 1d; no touch since 2026-03-01",
    ]  # 王 takes two columns, in a name and in a path alike
    json_sources = [
        i["source"] for i in json.loads(run_cli("--vault", vault, "due", "--today", TODAY, "--format", "json").stdout)
    ]
    assert json_sources == ["asks/wang-ref.md", "contacts/王.md", "contacts/wang.md"]
    assert "contacts/" not in run_cli("--vault", vault, "due", "--today", TODAY).stdout  # only with --long
