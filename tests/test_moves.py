"""Career moves from the vault's git history and the `congratulate` items they make (rule 11).

Each test builds its own small history with fixed author and committer dates (noon UTC) and
runs the real commands with ``--today``; the time zone is UTC unless a test says otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace

import pytest
from click.testing import Result
from git_history import Repo, contact

from netnotes.companies import company_key
from netnotes.history import read_history
from netnotes.moves import Move, find_moves, former_companies, job_text, moves_for

T = "2026-11-25"
RunCli = Callable[..., Result]


@pytest.fixture
def utc(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    yield
    monkeypatch.undo()
    time.tzset()


@pytest.fixture
def repo(tmp_path: Path, utc: None) -> Repo:
    return Repo(tmp_path / "vault")


def congratulations(run_cli: RunCli, vault: Path, today: str = T) -> list[dict[str, object]]:
    result = run_cli("--vault", vault, "due", "--today", today, "--all", "--format", "json")
    assert result.exit_code == 0, result.stderr
    return [item for item in json.loads(result.stdout) if item["reason"] == "congratulate"]


def moves(vault: Path) -> tuple[Move, ...]:
    return moves_for(vault, SimpleNamespace(), warn=pytest.fail)


# -- what a move is


def test_a_new_company_is_a_move_listed_a_week_after_it(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix Robotics", "Engineer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-10")

    assert congratulations(run_cli, repo.vault) == [
        {
            "contact": "ana",
            "name": "Ana Lima",
            "reason": "congratulate",
            "due": "2026-11-17",
            "status": "overdue",
            "days": -8,
            "detail": "now CTO at Quillmark (was Engineer at Helix Robotics)",
            "source": "contacts/ana.md",
        }
    ]
    text = run_cli("--vault", repo.vault, "due", "--today", T).stdout
    assert "congratulate" in text and "now CTO at Quillmark (was Engineer at Helix Robotics)" in text


def test_a_new_role_at_the_same_company_is_a_move_but_a_new_spelling_is_not(repo: Repo, run_cli: RunCli) -> None:
    repo.commit(
        {
            "contacts/ana.md": contact("Ana Lima", "Helix Robotics", "Engineer"),
            "contacts/bo.md": contact("Bo Chen", "Helix Robotics", "Designer"),
        },
        "2026-01-10",
    )
    repo.commit(
        {
            "contacts/ana.md": contact("Ana Lima", "helix robotics", "Engineering  manager"),
            "contacts/bo.md": contact("Bo Chen", "Helix Robotics, GmbH", "designer"),
        },
        "2026-11-20",
    )

    (item,) = congratulations(run_cli, repo.vault)
    assert item["contact"] == "ana"
    assert item["detail"] == "now Engineering  manager at helix robotics (was Engineer at Helix Robotics)"


def test_a_contact_added_or_deleted_is_no_move(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/bo.md": contact("Bo Chen", "Helix", "Designer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO"), "contacts/bo.md": None}, "2026-11-10")
    # Bo comes back at another company: a note added again is no move either.
    repo.commit({"contacts/bo.md": contact("Bo Chen", "Orbit", "Lead")}, "2026-11-12")

    assert congratulations(run_cli, repo.vault) == []
    assert moves(repo.vault) == ()


def test_the_first_company_or_role_written_is_no_move(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-11")

    assert moves(repo.vault) == ()


def test_a_company_emptied_then_filled_in_again_compares_with_the_last_one_known(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", "Engineer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", role="Engineer")}, "2026-03-01")  # no company: no move
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", "Engineer")}, "2026-04-01")  # as before
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Orbit")}, "2026-05-01")

    ((date, was, now),) = [(m.date, m.was, m.now) for m in moves(repo.vault)]
    assert (date, was, now) == (dt.date(2026, 5, 1), "Engineer at Helix", "Orbit")


def test_a_note_moved_between_folders_stays_the_same_contact(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", "Engineer")}, "2026-01-10")
    repo.write({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")})
    (repo.vault / "contacts" / "friends").mkdir()
    repo.git("mv", "contacts/ana.md", "contacts/friends/Ana.md")  # moved, renamed in case, and changed
    repo.commit({}, "2026-11-10")

    (item,) = congratulations(run_cli, repo.vault)
    assert (item["contact"], item["source"]) == ("ana", "contacts/friends/Ana.md")
    assert item["detail"] == "now CTO at Quillmark (was Engineer at Helix)"


def test_a_vault_in_a_subfolder_of_the_repository(tmp_path: Path, utc: None, run_cli: RunCli) -> None:
    repo = Repo(tmp_path / "home", vault="notes/network")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark"), "../../contacts/x.md": "x"}, "2026-11-10")

    (item,) = congratulations(run_cli, repo.vault)
    assert item["detail"] == "now Quillmark (was Helix)"


def test_the_detail_leaves_out_a_missing_role() -> None:
    assert job_text("Quillmark", None) == "Quillmark"
    assert job_text(None, "Author") == "Author"
    assert job_text("Quillmark", "CTO") == "CTO at Quillmark"


# -- which moves are listed


def test_archived_contacts_get_no_congratulate_item(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", archived="true")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", archived="true")}, "2026-11-10")

    assert congratulations(run_cli, repo.vault) == []
    assert [m.contact for m in moves(repo.vault)] == ["ana"]  # still history


@pytest.mark.parametrize(
    ("moved_on", "listed"),
    [("2026-10-26", True), ("2026-10-25", False), ("2026-11-25", True), ("2026-11-26", False)],
    ids=["30 days before", "31 days before", "today", "after today"],
)
def test_a_move_is_listed_from_its_day_for_30_days(repo: Repo, run_cli: RunCli, moved_on: str, listed: bool) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, moved_on)

    assert bool(congratulations(run_cli, repo.vault)) is listed


def test_only_the_latest_move_in_the_window_is_listed(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", "Engineer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "Engineer")}, "2026-11-01")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-05")

    (item,) = congratulations(run_cli, repo.vault)
    assert (item["due"], item["detail"]) == ("2026-11-12", "now CTO at Quillmark (was Engineer at Quillmark)")


@pytest.mark.parametrize(
    ("touched_on", "closed"),
    [("2026-11-10", True), ("2026-11-20", True), ("2026-11-09", False), ("2026-11-30", False)],
    ids=["the day of the move", "after it", "before it", "planned after today"],
)
def test_an_interaction_since_the_move_closes_it(repo: Repo, run_cli: RunCli, touched_on: str, closed: bool) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-10")
    repo.write(
        {"interactions/congrats.md": f"---\ndate: {touched_on}\nwith: ana\nkind: linkedin\ntitle: Congrats!\n---\n"}
    )

    assert bool(congratulations(run_cli, repo.vault)) is not closed


def test_uncommitted_edits_are_no_move(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.write({"contacts/ana.md": contact("Ana Lima", "Quillmark")})

    assert congratulations(run_cli, repo.vault) == []


def test_congratulate_comes_after_asks_and_before_keep_in_touch_on_one_day(repo: Repo, run_cli: RunCli) -> None:
    repo.commit(
        {
            "netnotes.yaml": "circles:\n  inner: 1w\n",
            "contacts/ana.md": contact("Ana Lima", "Helix", circle="inner", since="2026-11-11"),
        },
        "2026-01-10",
    )
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", circle="inner", since="2026-11-11")}, "2026-11-11")
    repo.write({"asks/ref.md": "---\ndate: 2026-11-18\nwith: ana\ndirection: out\nkind: reference\n---\n"})

    result = run_cli("--vault", repo.vault, "due", "--today", T, "--format", "json")
    assert [(i["due"], i["reason"]) for i in json.loads(result.stdout)] == [
        ("2026-11-18", "ask"),
        ("2026-11-18", "congratulate"),
        ("2026-11-18", "keep-in-touch"),
    ]


def test_the_move_date_is_the_author_date_in_the_local_time_zone(
    repo: Repo, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.write({"contacts/ana.md": contact("Ana Lima", "Quillmark")})
    repo.git("add", "-A")
    repo.git("commit", "-qm", "moved", date="2026-11-02T01:30:00+00:00")
    # amending (like a rebase) keeps the author date and sets a new committer date
    repo.git("commit", "--amend", "-qm", "moved on", date="2026-11-02T01:30:00+00:00", committed="2026-11-20")

    assert [i["due"] for i in congratulations(run_cli, repo.vault)] == ["2026-11-09"]
    monkeypatch.setenv("TZ", "America/Los_Angeles")  # 18:30 on 1 November there
    time.tzset()
    assert [m.date for m in moves(repo.vault)] == [dt.date(2026, 11, 1)]
    assert [i["due"] for i in congratulations(run_cli, repo.vault)] == ["2026-11-08"]


def test_a_branch_merged_counts_once_on_the_first_parent_history(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", "Engineer")}, "2026-01-10")
    repo.git("checkout", "-q", "-b", "side")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Orbit", "Engineer")}, "2026-11-01")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-02")
    repo.git("checkout", "-q", "main")
    repo.git("merge", "-q", "--no-ff", "-m", "merge", "side", date="2026-11-05")

    ((date, was, now),) = [(m.date, m.was, m.now) for m in moves(repo.vault)]
    assert (date, was, now) == (dt.date(2026, 11, 5), "Engineer at Helix", "CTO at Quillmark")


# -- where there is no history, or only some


def test_git_history_false_reads_nothing(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-10")

    assert moves_for(repo.vault, SimpleNamespace(git_history=False)) == ()
    assert not (repo.vault / ".netnotes").exists()
    assert len(moves_for(repo.vault, SimpleNamespace(git_history=True))) == 1


def test_a_vault_outside_git_has_no_moves_and_no_error(make_vault: Callable[..., Path], run_cli: RunCli) -> None:
    vault = make_vault({"contacts/ana.md": contact("Ana Lima", "Helix")})

    result = run_cli("--vault", vault, "due", "--today", T, "--all")
    assert (result.exit_code, result.stderr) == (0, "")
    assert moves(vault) == ()


def test_without_git_installed_there_are_no_moves(
    repo: Repo, run_cli: RunCli, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-10")
    (tmp_path / "empty").mkdir()
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))

    result = run_cli("--vault", repo.vault, "due", "--today", T, "--all", "--format", "json")
    assert (result.exit_code, result.stderr) == (0, "")
    assert [i for i in json.loads(result.stdout) if i["reason"] == "congratulate"] == []


def test_an_empty_repository_has_no_moves(repo: Repo, run_cli: RunCli) -> None:
    repo.write({"contacts/ana.md": contact("Ana Lima", "Helix")})

    assert congratulations(run_cli, repo.vault) == []
    assert read_history(repo.vault, pytest.fail) is None


def test_a_shallow_clone_uses_the_history_it_has(repo: Repo, tmp_path: Path, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix"), "contacts/bo.md": contact("Bo", "A")}, "2026-01-10")
    repo.commit({"contacts/bo.md": contact("Bo", "B")}, "2026-11-01")  # before the clone's first commit
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Orbit")}, "2026-11-05")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-10")
    clone = tmp_path / "clone"
    repo.git("clone", "-q", "--depth", "2", f"file://{repo.top}", str(clone))

    assert [(m.contact, m.was, m.now) for m in moves(clone)] == [("ana", "Orbit", "Quillmark")]
    assert [i["contact"] for i in congratulations(run_cli, clone)] == ["ana"]
    repo.git("-C", str(clone), "fetch", "-q", "--deepen=2")  # the same HEAD, more history: read again
    assert [(m.contact, m.was, m.now) for m in moves(clone)] == [
        ("bo", "A", "B"),
        ("ana", "Helix", "Orbit"),
        ("ana", "Orbit", "Quillmark"),
    ]


def test_a_detached_head_reads_the_history_up_to_it(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    before = repo.commit({"contacts/bo.md": contact("Bo", "A")}, "2026-11-01")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-10")

    repo.git("checkout", "-q", "--detach", "HEAD")
    assert [i["contact"] for i in congratulations(run_cli, repo.vault)] == ["ana"]
    repo.git("checkout", "-q", before)
    assert congratulations(run_cli, repo.vault) == []


def test_an_unreadable_version_is_skipped_and_the_last_readable_one_carries_on(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix", "Engineer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": "---\nname: [Ana\ncompany: Orbit\n---\n"}, "2026-02-01")  # broken YAML
    repo.commit({"contacts/ana.md": b"---\nname: Ana\ncompany: \xff\n---\n"}, "2026-03-01")  # not UTF-8
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-10")
    repo.commit({"contacts/ana.md": "no front matter at all\n"}, "2026-11-12")

    ((date, was, now),) = [(m.date, m.was, m.now) for m in moves(repo.vault)]
    assert (date, was, now) == (dt.date(2026, 11, 10), "Engineer at Helix", "CTO at Quillmark")


def test_a_rewritten_history_is_read_again_in_full(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Orbit")}, "2026-11-01")
    assert [m.now for m in moves(repo.vault)] == ["Orbit"]  # and cached

    repo.git("reset", "-q", "--hard", "HEAD~1")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-02")
    assert [m.now for m in moves(repo.vault)] == ["Quillmark"]
    repo.git("reset", "-q", "--hard", "HEAD~1")
    assert moves(repo.vault) == ()


# -- formerly, for introduction paths


def test_former_companies_are_the_companies_left(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix Robotics, GmbH", "Engineer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix Robotics", "Lead")}, "2026-02-10")  # a promotion
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Orbit")}, "2026-03-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark Inc.")}, "2026-11-10")

    found = moves(repo.vault)
    assert former_companies(found) == {"ana": ("helix robotics", "orbit")}
    assert former_companies(found, today=dt.date(2026, 11, 1)) == {"ana": ("helix robotics",)}


def test_company_keys_follow_the_contract() -> None:
    assert company_key("Helix Robotics, GmbH") == company_key("helix  robotics") == "helix robotics"
    assert company_key("Zoë Müller Co.") == "zoe muller"
    assert company_key("Яндекс") == "яндекс"
    assert company_key("Company") == "company"


def test_moves_keep_history_order_and_dates(repo: Repo) -> None:
    repo.commit({"contacts/ana.md": contact("A", "X"), "contacts/bo.md": contact("B", "X")}, "2026-01-10")
    repo.commit({"contacts/bo.md": contact("B", "Y")}, "2026-03-01")
    repo.commit({"contacts/ana.md": contact("A", "Y")}, "2026-02-01")  # authored earlier, committed later

    history = read_history(repo.vault, pytest.fail)
    assert history is not None
    assert [(m.contact, m.date.isoformat()) for m in find_moves(history)] == [
        ("bo", "2026-03-01"),
        ("ana", "2026-02-01"),
    ]


def test_the_exports_carry_the_congratulate_item(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark")}, "2026-11-10")

    doc = json.loads(run_cli("--vault", repo.vault, "export", "json", "--today", T).stdout)
    assert [(i["reason"], i["due"], i["detail"]) for i in doc["due"]] == [
        ("congratulate", "2026-11-17", "now Quillmark (was Helix)")
    ]
    ics = run_cli("--vault", repo.vault, "export", "ics", "--today", T).stdout.replace("\r\n ", "")
    assert "SUMMARY:Congratulate: Ana Lima" in ics and "DESCRIPTION:now Quillmark (was Helix)" in ics


def test_show_lists_the_contacts_career_moves_up_to_today(repo: Repo, run_cli: RunCli) -> None:
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Helix Robotics", "Engineer")}, "2026-01-10")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-10")

    shown = run_cli("--vault", repo.vault, "show", "ana", "--today", T, "--format", "json")
    assert shown.exit_code == 0, shown.stderr
    assert json.loads(shown.stdout)["moves"] == [
        {"date": "2026-11-10", "text": "now CTO at Quillmark (was Engineer at Helix Robotics)"}
    ]
    before = run_cli("--vault", repo.vault, "show", "ana", "--today", "2026-11-09", "--format", "json")
    assert json.loads(before.stdout)["moves"] == []
    text = run_cli("--vault", repo.vault, "show", "ana", "--today", T).stdout
    assert "Career moves" in text and "now CTO at Quillmark" in text
