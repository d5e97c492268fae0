"""Checks that catch a user's mistake before it silently costs a reminder (issue 8, "a week of
real use"): sync and merge leftovers, a broken netnotes.yaml that must not cascade, dates and
cadences that cannot be meant, and files in note folders that are not read.
"""

from __future__ import annotations

import datetime as dt
import json
import threading
import time
from pathlib import Path

import pytest
from conftest import Load, MakeVault, RunCli

from netnotes import dates
from netnotes.loader import LoadResult, load_vault
from netnotes.problems import CODES, Problem, format_text, summary
from netnotes.serve import serve_vault

JANE = """
    ---
    name: Jane Doe
    circle: inner
    ---
"""
CIRCLES = """
    circles:
      inner: 3w
    kinds: [podcast]
"""
TODAY = dt.date(2026, 11, 20)


def spots(result: LoadResult) -> list[str]:
    """Each problem as ``path:line:col: severity CODE``, in output order."""
    return [f"{p.path}:{p.line}:{p.column}: {p.severity} {p.code}" for p in result.problems]


def the_problem(result: LoadResult) -> Problem:
    assert len(result.problems) == 1, format_text(result.problems)
    return result.problems[0]


def symlink(link: Path, target: Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    try:
        link.symlink_to(target)
    except (OSError, NotImplementedError):
        pytest.skip("symlinks are not available here")


# Sync and merge leftovers (contract section 6) -------------------------------------------------


@pytest.mark.parametrize(
    "copy",
    [
        "jane-doe.sync-conflict-20261120-101530-ABCDEFG.md",
        "jane-doe (Sam's conflicted copy 2026-11-20).md",
        "jane-doe (Sam's conflicted copy 2026-11-20 (1)).md",
        "jane-doe (conflicted copy 2026-11-20 101530).md",
    ],
    ids=["syncthing", "dropbox", "dropbox-second", "nextcloud"],
)
def test_a_sync_conflict_copy_is_a_warning_naming_its_note_and_is_not_loaded(load: Load, copy: str) -> None:
    result = load({"contacts/jane-doe.md": JANE, f"contacts/{copy}": JANE}, config=CIRCLES)
    p = the_problem(result)
    assert p.format() == (
        f"contacts/{copy}:1:1: warning NN208 conflict copy of contacts/jane-doe.md"
        " left by a sync tool; merge it by hand and delete it"
    )
    assert [c.path for c in result.vault.contacts] == ["contacts/jane-doe.md"]


def test_a_conflict_copy_whose_note_is_gone_says_so(load: Load) -> None:
    result = load({"interactions/2026/coffee.sync-conflict-20261120-101530-ABCDEFG.md": "---\ndate: 2026-11-19\n---\n"})
    assert the_problem(result).message == (
        "conflict copy of interactions/2026/coffee.md left by a sync tool, and that note is missing:"
        " rename this file to coffee.md"
    )
    assert result.vault.interactions == ()


def test_a_name_that_merely_mentions_a_conflict_is_a_note(load: Load) -> None:
    result = load(
        {
            "contacts/sync-conflict-resolver.md": "---\nname: Sync Conflict Resolver\n---\n",
            "contacts/ann (conflicts).md": "---\nname: Ann\n---\n",
        }
    )
    assert result.problems == []
    assert len(result.vault.contacts) == 2


GIT_CONFLICT_IN_FRONT_MATTER = """
    ---
    name: Jane Doe
    <<<<<<< HEAD
    company: Helix Robotics
    =======
    company: Northwind Data
    >>>>>>> laptop
    ---
"""


def test_a_git_conflict_in_front_matter_is_an_error_at_its_first_line_and_the_note_is_left_out(load: Load) -> None:
    result = load({"contacts/jane-doe.md": GIT_CONFLICT_IN_FRONT_MATTER})
    p = the_problem(result)
    assert p.format() == (
        "contacts/jane-doe.md:3:1: error NN119 unresolved git merge conflict in the front matter: keep the lines"
        " you want, delete the <<<<<<<, ======= and >>>>>>> lines; the note is not read until then"
    )
    assert result.vault.contacts == ()


def test_a_git_conflict_over_the_closing_line_touches_the_front_matter(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        <<<<<<< HEAD
        ---
        Likes tea.
        =======
        role: CTO
        ---
        Likes coffee.
        >>>>>>> laptop
        """
        }
    )
    assert spots(result) == ["contacts/jane-doe.md:3:1: error NN119"]


def test_a_conflict_from_the_first_line_is_a_conflict_not_a_missing_front_matter(load: Load) -> None:
    result = load(
        {"contacts/jane-doe.md": "<<<<<<< HEAD\n---\nname: Jane\n---\n=======\n---\nname: Jane Doe\n---\n>>>>>>> b\n"}
    )
    assert spots(result) == ["contacts/jane-doe.md:1:1: error NN119"]


def test_a_git_conflict_in_the_body_is_a_warning_and_the_note_is_kept(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": (
                "---\r\nname: Jane Doe\r\n---\r\nNotes\r\n=======\r\n\r\n<<<<<<< HEAD\r\nLikes tea.\r\n=======\r\n"
                "Likes coffee.\r\n>>>>>>> laptop\r\n"
            )
        }
    )
    p = the_problem(result)
    assert p.format() == (
        "contacts/jane-doe.md:7:1: warning NN209 unresolved git merge conflict in the body:"
        " keep the lines you want, delete the <<<<<<<, ======= and >>>>>>> lines"
    )
    assert [c.name for c in result.vault.contacts] == ["Jane Doe"]


def test_a_heading_underline_is_not_a_conflict(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": """
        ---
        name: Jane Doe
        ---
        Projects
        =======
        <<<<<<< is how git marks a conflict, she says.
        """
        }
    )
    assert result.problems == []


def test_a_git_conflict_in_netnotes_yaml_is_one_error_and_no_cascade(load: Load) -> None:
    result = load(
        {"contacts/jane-doe.md": JANE},
        config="""
        circles:
        <<<<<<< HEAD
          inner: 3w
        =======
          inner: 2w
        >>>>>>> laptop
        """,
    )
    assert spots(result) == ["netnotes.yaml:2:1: error NN119"]
    assert "its settings are not read" in result.problems[0].message
    assert not result.vault.config.readable


# A broken netnotes.yaml does not cascade ------------------------------------------------------


BROKEN_CONFIG = """
    title: [oops
    circles:
      inner: 3w
"""


def test_a_broken_netnotes_yaml_is_one_problem_not_one_a_note(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "contacts/sam-lee.md": "---\nname: Sam Lee\ncircle: inner\n---\n",
            "interactions/pod.md": "---\ndate: 2026-01-05\nwith: jane-doe\nkind: podcast\n---\n",
        },
        config=BROKEN_CONFIG,
    )
    assert spots(result) == ["netnotes.yaml:2:8: error NN105"]
    # The circle values are kept (unknown, not wrong), so pages and exports still show them.
    assert [c.circle for c in result.vault.contacts] == ["inner", "inner"]
    assert result.vault.interactions[0].kind == "podcast"


@pytest.mark.parametrize(
    "config",
    ["circles: [inner]\nkinds: [podcast]\n", "circles: {inner: 3w}\nkinds: podcast\n"],
    ids=["circles", "kinds"],
)
def test_circles_or_kinds_of_the_wrong_shape_are_one_problem_each(load: Load, config: str) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/pod.md": "---\ndate: 2026-01-05\nwith: jane-doe\nkind: podcast\n---\n",
        },
        config=config,
    )
    assert {p.path for p in result.problems} == {"netnotes.yaml"}
    assert {p.code for p in result.problems} == {"NN109"}


def test_netnotes_yaml_problems_come_first_in_text_and_json(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {
            "asks/a.md": "---\ndate: 2026-01-05\nwith: nobody\ndirection: out\n---\n",
            "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: innr\n---\n",
        },
        config="circles:\n  inner: 3w\nhorizon: soon\n",
    )
    text = run_cli("--vault", vault, "check")
    assert [line.split(":")[0] for line in text.stdout.splitlines()] == [
        "netnotes.yaml",
        "asks/a.md",
        "contacts/jane-doe.md",
    ]
    report = json.loads(run_cli("--vault", vault, "check", "--format", "json").stdout)
    assert [p["path"] for p in report] == ["netnotes.yaml", "asks/a.md", "contacts/jane-doe.md"]


@pytest.mark.parametrize(
    "codes, line",
    [
        (["NN105"], "1 problem (1 error) in the vault: run netnotes check"),
        (["NN204"], "1 problem (0 errors) in the vault: run netnotes check"),
        (["NN204", "NN201"], "2 problems (0 errors) in the vault: run netnotes check"),
        (["NN105", "NN204", "NN110"], "3 problems (2 errors) in the vault: run netnotes check"),
    ],
)
def test_the_summary_line_counts_problems_and_errors(codes: list[str], line: str) -> None:
    assert summary([Problem("contacts/a.md", 1, 1, CODES[code], "x") for code in codes]) == line


BROKEN_VAULT = {
    "contacts/jane-doe.md": JANE,
    "interactions/coffee.md": "---\ndate: 2026-11-01\nwith: jane-doe\nkind: coffee\n---\n",
}
UNREAD = "netnotes.yaml cannot be read: circles, kinds and settings are unknown, so "


def test_due_prints_one_summary_line_and_says_the_list_is_incomplete(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(BROKEN_VAULT, config=BROKEN_CONFIG)
    result = run_cli("--vault", vault, "due", "--today", "2026-11-20")
    assert result.exit_code == 1
    assert result.stderr == (f"1 problem (1 error) in the vault: run netnotes check\n{UNREAD}this list is incomplete\n")


def test_build_sums_up_on_stderr_and_lists_every_problem_on_its_page(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path
) -> None:
    vault = make_vault(
        {**BROKEN_VAULT, "contacts/bad.md": "---\nname: Bad\nsince: 2026-02-30\n---\n"}, config=BROKEN_CONFIG
    )
    result = run_cli("--vault", vault, "build", "--out", tmp_path / "site", "--today", "2026-11-20")
    assert result.exit_code == 1
    assert result.stderr.startswith(
        f"2 problems (2 errors) in the vault: run netnotes check\n{UNREAD}the dashboard is incomplete\n"
    )
    page = (tmp_path / "site" / "problems.html").read_text(encoding="utf-8")
    assert "NN105" in page and "NN110" in page


def test_export_and_new_say_what_a_broken_netnotes_yaml_leaves_out(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(BROKEN_VAULT, config=BROKEN_CONFIG)
    exported = run_cli("--vault", vault, "export", "json", "--today", "2026-11-20")
    assert exported.stderr.endswith(f"{UNREAD}the export is incomplete\n")
    made = run_cli("--vault", vault, "new", "contact", "Sam Lee", "--circle", "inner")
    assert made.exit_code == 0, made.output
    assert made.stderr.endswith(f"{UNREAD}circles and kinds given here are not checked\n")
    logged = run_cli("--vault", vault, "log", "sam-lee", "--kind", "podcast", "--date", "2026-11-19")
    assert logged.exit_code == 0, logged.output
    assert (vault / "contacts" / "sam-lee.md").read_text(encoding="utf-8").count("circle: inner") == 1


def test_a_clean_vault_gets_no_summary_line(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(BROKEN_VAULT, config=CIRCLES)
    assert run_cli("--vault", vault, "export", "vcard").stderr == ""


def test_serve_logs_the_summary_not_every_problem(make_vault: MakeVault) -> None:
    vault = make_vault(BROKEN_VAULT, config=BROKEN_CONFIG)
    logs: list[str] = []
    ready: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_vault,
        daemon=True,
        kwargs=dict(
            root=vault,
            host="127.0.0.1",
            port=0,
            today=lambda: TODAY,
            log=logs.append,
            ready=ready.append,
            stop_event=stop,
        ),
    )
    thread.start()
    deadline = time.monotonic() + 15
    while not ready and time.monotonic() < deadline:
        time.sleep(0.05)
    stop.set()
    thread.join(timeout=10)
    assert ready, logs
    assert logs[:2] == ["1 problem (1 error) in the vault: run netnotes check", f"{UNREAD}the dashboard is incomplete"]


# Dates and cadences that cannot be meant --------------------------------------------------------


def test_a_follow_up_before_its_interaction_is_a_warning(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": """
        ---
        date: 2026-11-05
        with: jane-doe
        follow_up: 2025-11-19
        next: Send the slides
        ---
        """,
        },
        config=CIRCLES,
    )
    p = the_problem(result)
    assert p.format() == (
        "interactions/coffee.md:4:12: warning NN210 'follow_up' 2025-11-19 is before this"
        " interaction's date 2026-11-05; a typo in the year or month?"
    )


def test_a_next_step_without_a_follow_up_is_never_due_and_says_so(load: Load) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": """
        ---
        date: 2026-11-05
        with: jane-doe
        next: Send the slides
        ---
        """,
        },
        config=CIRCLES,
    )
    assert the_problem(result).format() == (
        "interactions/coffee.md:4:7: warning NN211 'next' has no 'follow_up', so it will never be due;"
        " add follow_up: a date or a duration like 2w"
    )


@pytest.mark.parametrize("extra", ["follow_up: 2w", "done: true"])
def test_a_next_step_with_a_follow_up_or_done_is_fine(load: Load, extra: str) -> None:
    result = load(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/coffee.md": f"---\ndate: 2026-11-05\nwith: jane-doe\nnext: Send it\n{extra}\n---\n",
        },
        config=CIRCLES,
    )
    assert result.problems == []


def test_a_date_more_than_a_year_ahead_is_a_warning(make_vault: MakeVault) -> None:
    vault = make_vault(
        {
            "contacts/jane-doe.md": JANE,
            "interactions/typo.md": "---\ndate: 2062-11-05\nwith: jane-doe\n---\n",
            "interactions/planned.md": "---\ndate: 2027-11-20\nwith: jane-doe\n---\n",  # a year to the day: fine
            "asks/typo.md": "---\ndate: 2062-11-05\nwith: jane-doe\ndirection: out\n---\n",
        },
        config=CIRCLES,
    )
    result = load_vault(vault, today=TODAY)
    assert spots(result) == ["asks/typo.md:2:7: warning NN212", "interactions/typo.md:2:7: warning NN212"]
    assert result.problems[1].message == (
        "'date' 2062-11-05 is more than a year from today; a typo in the year?"
        " (a later date makes this a planned interaction)"
    )
    assert len(result.vault.interactions) == 2  # kept: a warning


def test_check_measures_far_dates_from_the_local_date(
    make_vault: MakeVault, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(
        {"contacts/jane-doe.md": JANE, "interactions/i.md": "---\ndate: 2027-12-01\nwith: jane-doe\n---\n"},
        config=CIRCLES,
    )
    monkeypatch.setattr(dates, "local_today", lambda: dt.date(2026, 11, 30))
    assert " NN212 " in run_cli("--vault", vault, "check").stdout
    monkeypatch.setattr(dates, "local_today", lambda: dt.date(2026, 12, 1))
    assert run_cli("--vault", vault, "check").stdout == ""


def test_commands_with_today_measure_far_dates_from_it(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault(
        {"contacts/jane-doe.md": JANE, "interactions/i.md": "---\ndate: 2026-11-01\nwith: jane-doe\n---\n"},
        config=CIRCLES,
    )
    result = run_cli("--vault", vault, "due", "--today", "2020-01-01")
    assert result.stderr == "1 problem (0 errors) in the vault: run netnotes check\n"


def test_a_cadence_of_zero_is_a_warning_in_a_note_and_in_netnotes_yaml(load: Load) -> None:
    result = load(
        {"contacts/jane-doe.md": "---\nname: Jane Doe\ncadence: 0d\n---\n"},
        config="""
        default_cadence: 0w
        circles:
          inner: 0d
        """,
    )
    assert spots(result) == [
        "netnotes.yaml:1:18: warning NN213",
        "netnotes.yaml:3:10: warning NN213",
        "contacts/jane-doe.md:3:10: warning NN213",
    ]
    assert result.problems[1].message == (
        "circle 'inner' is 0d: a cadence of zero makes a contact due again the moment a touch is logged;"
        " use a duration like 3w, or never"
    )
    assert result.problems[2].message.startswith("'cadence' is 0d: ")


def test_log_refuses_a_follow_up_before_the_interaction(make_vault: MakeVault, run_cli: RunCli) -> None:
    vault = make_vault({"contacts/jane-doe.md": JANE}, config=CIRCLES)
    early = run_cli("--vault", vault, "log", "jane-doe", "--date", "2026-11-05", "--follow-up", "2026-11-01")
    assert early.exit_code == 2 and "is before the interaction's date 2026-11-05" in early.stderr
    assert not (vault / "interactions").exists()


# Files in note folders that are not read ------------------------------------------------------


def test_a_markdown_file_not_named_md_is_reported(load: Load) -> None:
    result = load({"contacts/jane-doe.markdown": JANE, "contacts/notes.txt": "not a note\n"})
    assert the_problem(result).format() == (
        "contacts/jane-doe.markdown:1:1: warning NN214 'jane-doe.markdown' is not read: notes are .md files;"
        " rename it to jane-doe.md"
    )


def test_an_upper_case_md_is_a_note_like_any_other(load: Load) -> None:
    result = load({"contacts/Jane-Doe.MD": JANE}, config=CIRCLES)
    assert result.problems == []
    assert [c.id for c in result.vault.contacts] == ["jane-doe"]


def test_a_symlink_to_nothing_is_reported(make_vault: MakeVault) -> None:
    root = make_vault({"contacts/jane-doe.md": JANE}, config=CIRCLES)
    symlink(root / "contacts" / "sam-lee.md", root / "people" / "sam-lee.md")
    symlink(root / "contacts" / "loop.md", root / "contacts" / "loop.md")
    result = load_vault(root)
    assert [p.format() for p in result.problems] == [
        "contacts/loop.md:1:1: warning NN215 symlink cannot be followed (Too many levels of symbolic links);"
        " it was not read",
        "contacts/sam-lee.md:1:1: warning NN215 symlink points to people/sam-lee.md, which does not exist;"
        " it was not read",
    ]


@pytest.mark.parametrize(
    "front_matter, spot",
    [
        ("name: Jane Doe\n\tcompany: Helix\n", "3:1"),
        ("name: Jane Doe\ntags:\n \t- mentor\n", "4:2"),
        ("\tname: Jane Doe\n", "2:1"),
    ],
    ids=["key", "list-item", "first-line"],
)
def test_a_tab_in_the_indentation_says_so_at_its_place(load: Load, front_matter: str, spot: str) -> None:
    p = the_problem(load({"contacts/jane-doe.md": f"---\n{front_matter}---\n"}))
    assert (
        p.format() == f"contacts/jane-doe.md:{spot}: error NN105 YAML syntax error: tabs cannot indent YAML; use spaces"
    )


# Wording --------------------------------------------------------------------------------------


def test_two_files_with_one_id_have_the_same_file_name(load: Load) -> None:
    result = load({"contacts/work/Jane-Doe.md": JANE, "contacts/friends/jane-doe.md": JANE}, config=CIRCLES)
    assert the_problem(result).message == (
        "duplicate id 'jane-doe': this file and contacts/friends/jane-doe.md have the same file name;"
        " rename one of them"
    )


def test_a_new_contact_named_like_two_others_says_they_have_the_same_name(
    make_vault: MakeVault, run_cli: RunCli
) -> None:
    vault = make_vault(
        {"contacts/jane-doe.md": "---\nname: Jane Doe\n---\n", "contacts/jane-doe-2.md": "---\nname: Jane Doe\n---\n"}
    )
    made = run_cli("--vault", vault, "new", "contact", "Jane Doe")
    assert "contacts/jane-doe.md, contacts/jane-doe-2.md have the same name" in made.stderr
    assert "a name that matches all of them is ambiguous" in made.stderr
