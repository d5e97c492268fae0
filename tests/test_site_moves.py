"""Career moves on the dashboard: the *Recent moves* panel, each contact's moves, the calendar."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from git_history import Repo, contact
from site_html import TODAY, build, parse, tree

from netnotes.site.build import BuildOptions


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Repo]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    repo = Repo(tmp_path / "vault")
    repo.commit(
        {
            "contacts/ana.md": contact("Ana Lima", "Helix Robotics", "Engineer"),
            "contacts/bo.md": contact("Bo Chen", "Orbit", "Designer"),
            "contacts/cy.md": contact("Cy Park", "Orbit", "Lead"),
        },
        "2025-03-01",
    )
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Orbit", "Engineer")}, "2025-09-15")
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-10")
    repo.commit({"contacts/bo.md": contact("Bo Chen", "Orbit", "Design lead")}, "2026-11-20")
    repo.commit({"contacts/cy.md": contact("Cy Park", "Orbit, Inc.", "Lead")}, "2026-11-21")  # a spelling
    repo.commit({"contacts/ana.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-12-01")  # after today
    yield repo
    monkeypatch.undo()
    time.tzset()


def test_the_dashboard_lists_the_moves_of_the_last_30_days(repo: Repo, tmp_path: Path) -> None:
    out, _ = build(repo.vault, tmp_path / "site")
    panel = parse(out / "index.html").by_id("h-moves")
    assert panel is not None and panel.text.startswith("Recent moves")
    page = parse(out / "index.html")
    (moves,) = page.find("ul", class_="items moves")
    assert " ".join(moves.text.split()) == (
        "Fri 20 Nov 5 days ago Bo Chen now Design lead at Orbit (was Designer at Orbit) "
        "Tue 10 Nov 15 days ago Ana Lima now CTO at Quillmark (was Engineer at Orbit)"
    )
    names = {a.text: a.attrs["href"] for a in page.find("a", class_="who")}
    assert (out / str(names["Ana Lima"])).is_file()


def test_a_contact_page_shows_every_move_up_to_today(repo: Repo, tmp_path: Path) -> None:
    out, _ = build(repo.vault, tmp_path / "site")
    (page,) = [parse(p) for p in (out / "contacts").glob("*.html") if "Ana Lima" in parse(p).text]
    section = page.by_id("h-moves")
    assert section is not None and section.text.startswith("Career moves")
    items = [" ".join(li.text.split()) for li in page.find("li") if "→" in li.text]
    assert items == [
        "10 Nov 2026: Engineer at Orbit → CTO at Quillmark",
        "15 Sep 2025: Engineer at Helix Robotics → Engineer at Orbit",
    ]


def test_a_contact_without_moves_has_no_moves_card(repo: Repo, tmp_path: Path) -> None:
    out, _ = build(repo.vault, tmp_path / "site")
    (page,) = [parse(p) for p in (out / "contacts").glob("*.html") if "Cy Park" in parse(p).text]
    assert page.by_id("h-moves") is None


def test_the_calendar_has_the_congratulate_items(repo: Repo, tmp_path: Path) -> None:
    out, _ = build(repo.vault, tmp_path / "site")
    ics = (out / "followups.ics").read_text(encoding="utf-8").replace("\r\n ", "")
    assert "SUMMARY:Congratulate: Ana Lima" in ics and "DTSTART;VALUE=DATE:20261117" in ics
    assert "SUMMARY:Congratulate: Bo Chen" in ics and "CATEGORIES:congratulate" in ics
    assert "Cy Park" not in ics


def test_the_site_is_the_same_for_the_same_head(repo: Repo, tmp_path: Path) -> None:
    first, _ = build(repo.vault, tmp_path / "one")
    second, _ = build(repo.vault, tmp_path / "two", options=BuildOptions(jobs=1, cache=False))
    assert tree(first) == tree(second)
    assert "Congratulate" in (first / "followups.ics").read_text(encoding="utf-8")


def test_a_build_says_when_the_history_cache_cannot_be_saved(repo: Repo, tmp_path: Path) -> None:
    (repo.vault / ".netnotes" / "cache" / "history.json").mkdir(parents=True)  # a folder where the file goes
    _, report = build(repo.vault, tmp_path / "site", options=BuildOptions(jobs=1))
    assert any(w.startswith("cannot save the history cache") for w in report.cache_warnings)


def test_a_cache_folder_that_is_a_file_is_said_once(repo: Repo, tmp_path: Path) -> None:
    (repo.vault / ".netnotes").mkdir()
    (repo.vault / ".netnotes" / "cache").write_text("not a folder")
    _, report = build(repo.vault, tmp_path / "site", options=BuildOptions(jobs=1))
    assert [w for w in report.cache_warnings if "cache" in w] == [
        f"cannot use the cache folder {repo.vault / '.netnotes' / 'cache'}: not a folder; "
        "building without the caches kept in it"
    ]


def test_without_history_the_panel_says_so(tmp_path: Path) -> None:
    vault = tmp_path / "plain"
    (vault / "contacts").mkdir(parents=True)
    (vault / "contacts" / "ana.md").write_text(contact("Ana Lima", "Orbit"))
    out, _ = build(vault, tmp_path / "site", today=TODAY)
    assert "No job changes in the last 30 days" in parse(out / "index.html").text
