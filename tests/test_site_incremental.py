"""Incremental builds (issue 12, part B): a build renders only the pages whose inputs changed
and takes the others, byte for byte, from the site in place; whatever happened in between,
the site is the one a cold build makes."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import jinja2
import pytest
from conftest import MakeVault, RunCli
from site_html import SERIAL, TODAY, build, parse, tree

from netnotes.site import build as build_module
from netnotes.site import output
from netnotes.site.build import RENDER_CACHE, BuildOptions
from netnotes.site.calendar_cache import EventBlocks

VAULT = {
    "netnotes.yaml": "title: Test network\ncircles:\n  inner: 3w\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: inner\ncompany: Acme\ntags: [python]\n---\nHello.\n",
    "contacts/sam-lee.md": "---\nname: Sam Lee\ncompany: Acme\n---\n",
    "contacts/ana-ruiz.md": "---\nname: Ana Ruiz\ntags: [python]\n---\n",
    "interactions/2026-03-01-lunch.md": (
        "---\ndate: 2026-03-01\nwith: [jane-doe, sam-lee]\nkind: lunch\ntitle: Lunch at Bo's\n---\nTalked shop.\n"
    ),
    "interactions/2026-11-01-coffee.md": "---\ndate: 2026-11-01\nwith: ana-ruiz\nkind: coffee\n---\nNice.\n",
}
COLD = BuildOptions(jobs=1, cache=False)  # no manifest, no render cache: every page rendered


@pytest.fixture
def renders(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The name of every template rendered from now on (pages and timeline fragments)."""
    names: list[str] = []
    real = jinja2.Template.render

    def counting(self: jinja2.Template, *args: Any, **kwargs: Any) -> str:
        names.append(self.name or "?")
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    return names


def cold_tree(vault: Path, tmp_path: Path, today: dt.date = TODAY) -> dict[str, bytes]:
    out = tmp_path / "cold"
    shutil.rmtree(out, ignore_errors=True)
    build(vault, out, today, COLD)
    return tree(out)


def edit(vault: Path, relpath: str, old: str, new: str) -> None:
    path = vault / relpath
    path.write_text(path.read_text().replace(old, new))


def test_an_unchanged_build_renders_no_page(make_vault: MakeVault, renders: list[str]) -> None:
    vault = make_vault(VAULT)
    out, first = build(vault)
    assert len(first.rendered) == first.pages == 12
    before = tree(out)
    renders.clear()
    _, again = build(vault)
    assert renders == [] and again.rendered == ()
    assert tree(out) == before
    assert again.summary().endswith("; 0 rendered, 12 unchanged")


def test_a_page_missing_from_the_site_is_the_only_one_rendered(make_vault: MakeVault, renders: list[str]) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    before = tree(out)
    (out / "contacts/ana-ruiz.html").unlink()
    style = os.stat(out / "static/style.css").st_ino
    renders.clear()
    _, report = build(vault)
    assert report.rendered == ("contacts/ana-ruiz.html",)
    assert tree(out) == before
    assert os.stat(out / "static/style.css").st_ino == style  # linked from the site in place


# Lunch is older than the dashboard's recent list and than Jane's and Sam's last touch; the
# twelve coffees with Ana after it are the dashboard's list, the last one Ana's last touch.
BUSY_VAULT = {
    **VAULT,
    "interactions/2026-04-01-call.md": "---\ndate: 2026-04-01\nwith: [sam-lee, jane-doe]\nkind: call\n---\n",
    **{
        f"interactions/2026-11-{day:02d}-coffee.md": f"---\ndate: 2026-11-{day:02d}\nwith: ana-ruiz\n---\nNice.\n"
        for day in range(1, 13)
    },
}
ANA_ROW = {"contacts.html", "tags/python.html"}  # the lists that show Ana's last touch


@pytest.mark.parametrize(
    ("note", "old", "new", "pages"),
    [
        ("2026-03-01-lunch", "Talked shop.", "Talked tennis.", {"contacts/jane-doe.html", "contacts/sam-lee.html"}),
        ("2026-03-01-lunch", "Bo's", "Zuni", {"contacts/jane-doe.html", "contacts/sam-lee.html"}),
        ("2026-11-12-coffee", "Nice.", "Great.", {"contacts/ana-ruiz.html", "index.html", *ANA_ROW}),
    ],
    ids=["body", "title", "last-touch-on-the-dashboard"],
)
def test_one_edited_interaction_re_renders_exactly_the_pages_that_show_it(
    make_vault: MakeVault, tmp_path: Path, note: str, old: str, new: str, pages: set[str]
) -> None:
    vault = make_vault(BUSY_VAULT)
    out, _ = build(vault)
    edit(vault, f"interactions/{note}.md", old, new)
    _, report = build(vault)
    assert set(report.rendered) == pages
    assert tree(out) == cold_tree(vault, tmp_path)
    assert new in parse(out / min(p for p in pages if p.startswith("contacts/"))).text


def test_an_interaction_with_two_people_is_rendered_once_for_both_pages(
    make_vault: MakeVault, renders: list[str]
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    assert renders.count("_entry.html") == 2  # two interactions, one of them on two pages
    for page in ("jane-doe", "sam-lee"):
        assert "Lunch at Bo's" in parse(out / f"contacts/{page}.html").text


def test_a_theme_change_re_renders_every_page(make_vault: MakeVault, tmp_path: Path, renders: list[str]) -> None:
    vault = make_vault(VAULT)
    out, first = build(vault)
    make_vault({"theme/templates/search.html": '{% extends "base.html" %}\n{% block main %}Find{% endblock %}\n'})
    _, report = build(vault)
    assert set(report.rendered) == set(first.rendered)
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_static_file_of_the_theme_is_the_only_file_replaced(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    inodes = {p: os.stat(out / p).st_ino for p in tree(out)}
    make_vault({"theme/static/style.css": "body { color: teal; }\n"})
    _, report = build(vault)
    assert report.rendered == ()
    assert tree(out) == cold_tree(vault, tmp_path)
    changed = {p for p in tree(out) if p in inodes and os.stat(out / p).st_ino != inodes[p]}
    assert changed == {"static/style.css", output.MARKER}


def test_another_today_re_renders_the_pages_that_show_it(make_vault: MakeVault, tmp_path: Path) -> None:
    """Every page's footer says which day it was built for, so every page depends on today;
    the theme's files and the search index do not, and are taken as they are."""
    vault = make_vault(VAULT)
    out, first = build(vault)
    index = os.stat(out / "static/search-index.js").st_ino
    tomorrow = TODAY + dt.timedelta(days=1)
    _, report = build(vault, today=tomorrow)
    assert set(report.rendered) == set(first.rendered)
    assert os.stat(out / "static/search-index.js").st_ino == index
    assert tree(out) == cold_tree(vault, tmp_path, tomorrow)


def manifest_of(vault: Path) -> Path:
    (found,) = (vault / RENDER_CACHE).glob("site-*.json")
    return found


@pytest.mark.parametrize(
    "tamper",
    ["garbage", "not-json", "keys-of-another-page", "other-output"],
)
def test_a_tampered_manifest_never_puts_wrong_bytes_in_the_site(
    make_vault: MakeVault, tmp_path: Path, tamper: str
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    manifest = manifest_of(vault)
    data = json.loads(manifest.read_text())
    if tamper == "garbage":
        data["files"] = {p: ["0" * 64, "0" * 64] for p in data["files"]}
        data["site"] = "0" * 64
    elif tamper == "keys-of-another-page":  # Sam's page holds Ana's bytes and the manifest agrees
        (out / "contacts/sam-lee.html").write_bytes((out / "contacts/ana-ruiz.html").read_bytes())
        data["files"]["contacts/sam-lee.html"] = data["files"]["contacts/ana-ruiz.html"]
        data["site"] = "0" * 64
    elif tamper == "other-output":
        data["out"] = str(tmp_path / "elsewhere")
    manifest.write_text("{not json" if tamper == "not-json" else json.dumps(data))
    build(vault)
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_page_changed_in_the_site_is_rendered_again(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    (out / "contacts/jane-doe.html").write_text("<script>alert(1)</script>")
    _, report = build(vault)
    assert report.rendered == ("contacts/jane-doe.html",)
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_symbolic_link_in_the_site_is_never_taken(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    (tmp_path / "elsewhere.html").write_bytes((out / "contacts/jane-doe.html").read_bytes())
    (out / "contacts/jane-doe.html").unlink()
    (out / "contacts/jane-doe.html").symlink_to(tmp_path / "elsewhere.html")
    edit(vault, "contacts/ana-ruiz.md", "Ana Ruiz", "Ana Ruiz-Diaz")
    build(vault)
    assert not (out / "contacts/jane-doe.html").is_symlink()
    assert tree(out) == cold_tree(vault, tmp_path)


def test_a_manifest_made_under_another_users_key_matches_nothing(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, renders: list[str]
) -> None:
    """A vault cloned with its .netnotes/ and _site/: the author's manifest vouches for the
    author's pages, which this user's build never takes."""
    vault = make_vault(VAULT)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "author-home"))
    out, first = build(vault)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cloner-home"))
    _, report = build(vault)
    assert set(report.rendered) == set(first.rendered)


def test_build_clean_drops_the_manifest(make_vault: MakeVault, run_cli: RunCli, renders: list[str]) -> None:
    vault = make_vault(VAULT)
    assert run_cli("--vault", vault, "build", "--today", "2026-11-25").exit_code == 0
    pages = len(renders) - renders.count("_entry.html")
    renders.clear()
    assert run_cli("--vault", vault, "build", "--today", "2026-11-25").exit_code == 0
    assert renders == []
    result = run_cli("--vault", vault, "build", "--today", "2026-11-25", "--clean")
    assert result.exit_code == 0
    assert len(renders) - renders.count("_entry.html") == pages == 12
    assert "rendered" not in result.stderr  # every page was


def test_ctrl_c_in_a_build_that_takes_pages_from_the_site_leaves_it_whole(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault)
    old = tree(out)
    inodes = {p: os.stat(out / p).st_ino for p in old}
    edit(vault, "interactions/2026-03-01-lunch.md", "Talked shop.", "Talked tennis.")
    real_write = output.Staging.write

    def interrupted(self: output.Staging, relpath: str, data: str | bytes) -> None:
        if relpath == "contacts/sam-lee.html":
            raise KeyboardInterrupt
        real_write(self, relpath, data)

    monkeypatch.setattr(output.Staging, "write", interrupted)
    with pytest.raises(KeyboardInterrupt):
        build(vault)
    assert tree(out) == old
    assert {p: os.stat(out / p).st_ino for p in old} == inodes
    assert list((vault / ".netnotes" / "build").iterdir()) == []


def test_a_site_built_without_the_cache_is_the_same(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(VAULT)
    out, _ = build(vault, options=SERIAL)
    assert tree(out) == cold_tree(vault, tmp_path)


def test_an_unchanged_served_copy_is_left_in_place(make_vault: MakeVault) -> None:
    """`netnotes serve` builds with its reload script; nothing changed, nothing is rebuilt."""
    vault = make_vault(VAULT)
    served = BuildOptions(
        jobs=1,
        extra_scripts=("static/reload.js",),
        extra_files=(("static/reload.js", b"// reload\n"),),
        connect_src=("'self'",),
    )
    out, _ = build(vault, vault / ".netnotes" / "serve", options=served)
    folder = os.stat(out).st_ino
    _, report = build(vault, out, options=served)
    assert report.rendered == ()
    assert os.stat(out).st_ino == folder  # not even swapped: the site in place is the one
    assert (out / "static/reload.js").read_bytes() == b"// reload\n"


def test_pages_and_fragments_rendered_in_worker_processes_are_the_same_bytes(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    vault = make_vault(VAULT)
    monkeypatch.setattr(build_module, "PARALLEL_PAGES", 1)  # fork workers even for twelve pages
    out, _ = build(vault, tmp_path / "forked", options=BuildOptions(jobs=2, cache=False))
    assert tree(out) == cold_tree(vault, tmp_path)


@pytest.fixture
def calendars(monkeypatch: pytest.MonkeyPatch) -> list[tuple[int, int]]:
    """Every calendar file made from now on: how many events it has, and how many of them were
    written afresh (the others were kept from an earlier build, ``site/calendar_cache.py``)."""
    made: list[tuple[int, int]] = []
    real = EventBlocks.calendar

    def counting(self: EventBlocks, title: str, today: dt.date, events: Any, warn: Any) -> bytes:
        calendar = real(self, title, today, events, warn)
        made.append((len(events), self.written))
        return calendar

    monkeypatch.setattr(EventBlocks, "calendar", counting)
    return made


FOLLOWING_UP = {
    **VAULT,
    "contacts/ana-ruiz.md": "---\nname: Ana Ruiz\ntags: [python]\nbirthday: 1990-12-01\n---\n",
    "interactions/2026-11-01-coffee.md": "---\ndate: 2026-11-01\nwith: ana-ruiz\nfollow_up: 2w\n---\nNice.\n",
}


@pytest.mark.parametrize(
    ("relpath", "old", "new"),
    [
        ("interactions/2026-11-01-coffee.md", "Nice.", "Great."),
        ("interactions/2026-03-01-lunch.md", "Talked shop.", "Talked tennis."),
        ("contacts/jane-doe.md", "company: Acme", "company: Globex"),
    ],
    ids=["body-of-a-follow-up", "another-body", "another-company"],
)
def test_the_calendar_is_kept_while_its_events_are_the_same(
    make_vault: MakeVault, tmp_path: Path, calendars: list[tuple[int, int]], relpath: str, old: str, new: str
) -> None:
    vault = make_vault(FOLLOWING_UP)
    out, _ = build(vault)
    assert calendars == [(2, 2)]  # the follow-up and the birthday
    inode = os.stat(out / "followups.ics").st_ino
    edit(vault, relpath, old, new)
    build(vault)
    assert calendars == [(2, 2)]
    assert os.stat(out / "followups.ics").st_ino == inode
    assert tree(out) == cold_tree(vault, tmp_path)


@pytest.mark.parametrize(
    ("relpath", "old", "new", "events", "written"),
    [
        ("interactions/2026-11-01-coffee.md", "follow_up: 2w", "follow_up: 3w", 2, 1),
        ("interactions/2026-11-01-coffee.md", "follow_up: 2w", "follow_up: 2w\ndone: true", 1, 0),
        ("contacts/ana-ruiz.md", "name: Ana Ruiz", "name: Ana Ruiz-Li", 2, 2),
        ("contacts/ana-ruiz.md", "birthday: 1990-12-01", "birthday: 1990-12-02", 2, 1),
        ("netnotes.yaml", "title: Test network", "title: Other network", 2, 0),
    ],
    ids=["follow-up-moved", "follow-up-done", "renamed", "birthday", "title"],
)
def test_the_calendar_is_made_again_when_an_event_changes(
    make_vault: MakeVault,
    tmp_path: Path,
    calendars: list[tuple[int, int]],
    relpath: str,
    old: str,
    new: str,
    events: int,
    written: int,
) -> None:
    """Made again with the events it kept from the last build: only those that changed are
    written afresh (icalendar takes 0.1 ms an event; a large network has thousands)."""
    vault = make_vault(FOLLOWING_UP)
    out, _ = build(vault)
    edit(vault, relpath, old, new)
    build(vault)
    assert calendars == [(2, 2), (events, written)]
    assert tree(out) == cold_tree(vault, tmp_path)


def test_the_calendar_is_made_again_for_another_day(
    make_vault: MakeVault, tmp_path: Path, calendars: list[tuple[int, int]]
) -> None:
    vault = make_vault(FOLLOWING_UP)
    out, _ = build(vault)
    build(vault, today=TODAY + dt.timedelta(days=1))  # its stamp is the day
    assert calendars == [(2, 2), (2, 2)]  # every event's DTSTAMP moved
    assert tree(out) == cold_tree(vault, tmp_path, TODAY + dt.timedelta(days=1))


def test_a_problem_made_and_mended_renders_only_the_pages_that_show_it(make_vault: MakeVault, tmp_path: Path) -> None:
    """The default theme counts the vault's problems on the dashboard and the problems page
    alone: a typo in a note (here an unknown contact, an error) and its fix render those and
    the pages that show the note, not every page of the site (10,000 at 10,000 contacts)."""
    vault = make_vault(VAULT)
    out, _ = build(vault)
    edit(vault, "interactions/2026-11-01-coffee.md", "with: ana-ruiz", "with: [ana-ruiz, ana-ruis]")
    _, report = build(vault)
    assert report.errors == 1
    shown = {"index.html", "problems.html", "contacts.html", "contacts/ana-ruiz.html", "tags/python.html"}
    assert set(report.rendered) <= shown and {"index.html", "problems.html"} <= set(report.rendered)
    assert "contacts/jane-doe.html" not in report.rendered and "companies/acme.html" not in report.rendered
    assert "1 error in the vault" in parse(out / "index.html").text
    assert tree(out) == cold_tree(vault, tmp_path)
    edit(vault, "interactions/2026-11-01-coffee.md", "with: [ana-ruiz, ana-ruis]", "with: ana-ruiz")
    _, report = build(vault)
    assert report.errors == 0 and set(report.rendered) <= shown
    assert "contacts/jane-doe.html" not in report.rendered
    assert tree(out) == cold_tree(vault, tmp_path)
