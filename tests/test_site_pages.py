"""What each page shows (issue 4, point 2), read from the parsed pages of small inline vaults."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from conftest import MakeVault, write_vault
from site_html import TODAY, Page, build, parse
from test_site_golden import VAULT

from netnotes.followup import due_items
from netnotes.loader import load_vault
from netnotes.site import search
from netnotes.site.build import BuildOptions


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    vault = write_vault(tmp_path_factory.mktemp("pages") / "vault", VAULT)
    out, _ = build(vault)
    return out


def page(site: Path, name: str) -> Page:
    return parse(site / name)


def section(p: Page, heading_id: str) -> str:
    """The text of the section labelled by the heading ``heading_id``."""
    found = [e for e in p.elements if e.tag == "section" and e.attrs.get("aria-labelledby") == heading_id]
    assert found, heading_id
    return " ".join(found[0].text.split())


def test_dashboard_lists_the_engines_items_in_its_order(site: Path) -> None:
    vault = site.parent
    expected = [(i.status, i.name) for i in due_items(load_vault(vault).vault, TODAY)]
    dash = page(site, "index.html")
    shown = []
    for li in dash.elements:
        if li.tag == "li" and "due" in (li.attrs.get("class") or "").split():
            status = (li.attrs["class"] or "").split()[1].removeprefix("due-")
            shown.append((status, " ".join(li.text.split())))
    assert [s for s, _ in shown] == [s for s, _ in expected]
    assert all(name in text for (_, text), (_, name) in zip(shown, expected, strict=True))


def test_dashboard_sections(site: Path) -> None:
    dash = page(site, "index.html")
    assert "Priya Natarajan reference" in section(dash, "h-waiting")
    assert "Zoë Müller introduction to Jordan Blake" in section(dash, "h-owe")
    birthdays = section(dash, "h-birthdays")
    assert "Priya Natarajan turns 45" in birthdays and "Tom Old" not in birthdays  # archived
    assert "Lunch with Jordan (planned)" in section(dash, "h-planned")
    recent = section(dash, "h-recent")
    assert recent.index("Prep call") < recent.index("Coffee with Zoë") < recent.index("podcast")
    assert "Lunch with Jordan" not in recent


def test_dashboard_figures_and_charts(site: Path) -> None:
    dash = page(site, "index.html")
    figures = " ".join(next(e for e in dash.elements if e.attrs.get("aria-label") == "Network figures").text.split())
    assert "1 waiting on them" in figures and "1 I owe them" in figures
    svgs = dash.find("svg")
    assert [s.attrs["id"] for s in svgs] == ["chart-months", "chart-health", "chart-kinds"]
    for svg in svgs:
        assert svg.attrs.get("role") == "img"
        assert dash.by_id(f"{svg.attrs['id']}-title") and dash.by_id(f"{svg.attrs['id']}-desc")
    health_desc = dash.by_id("chart-health-desc")
    assert health_desc is not None
    health = " ".join(health_desc.text.split())
    # Priya (inner) on time; Zoë (active, last touch 20 Oct + 2m) on time; Jordan (1m, snoozed) on time
    assert health == "Of 3 contacts with a keep-in-touch cadence: 3 on time, 0 overdue, 0 never contacted."
    months = [r for r in dash.elements if r.tag == "rect" and "bar" in (r.attrs.get("class") or "")]
    titles = [" ".join(r.text.split()) for r in months]
    assert "2026-10: 1 interaction" in titles and "2026-11: 1 interaction" in titles
    assert "2026-12: 0 interactions" not in titles  # planned months are not on the chart


def test_contact_page(site: Path) -> None:
    priya = page(site, "contacts/priya-natarajan.html")
    assert priya.find("h1")[0].text == "Priya Natarajan"
    hrefs = {a.attrs.get("href") for a in priya.find("a")}
    assert {
        "../companies/quillmark.html",
        "../tags/mentor.html",
        "../tags/python.html",
        "mailto:priya@quillmark.example",
        "tel:+14155550142",
    } <= hrefs
    custom = section(priya, "h-custom")
    assert "favourite_coffee flat white" in custom and "languages English Tamil" in custom
    assert "Favours I did them 0 Favours they did me 1 Balance -1" in section(priya, "h-reciprocity")
    assert "Zoë Müller" in section(priya, "h-introduced")
    next_items = section(priya, "h-next")
    assert next_items.index("keep-in-touch") < next_items.index("waiting") < next_items.index("follow-up")
    timeline = section(priya, "h-timeline")
    assert timeline.index("Prep call") < timeline.index("Coffee with Zoë")
    assert "closed by a later touch" in timeline and "open" in timeline
    asks = section(priya, "h-asks")
    assert "I asked them reference open" in asks and "advice done" in asks

    zoe = page(site, "contacts/zoe-muller.html")
    profile = section(zoe, "h-profile")
    assert "Introduced by Priya Natarajan" in profile
    assert zoe.by_id("i-2026-10-20-coffee-zoe") is not None  # the shared coffee is on both pages

    jordan = page(site, "contacts/jordan-blake.html")
    assert "Lunch with Jordan (planned)" in section(jordan, "h-planned")
    assert "Favours I did them 1" in section(jordan, "h-reciprocity")


def test_tag_and_company_pages_group_case_insensitively(site: Path) -> None:
    python = page(site, "tags/python.html")
    rows = [a.text for a in python.find("a") if (a.attrs.get("href") or "").startswith("../contacts/")]
    assert rows == ["Priya Natarajan", "Zoë Müller"]  # tagged python and Python
    quill = page(site, "companies/quillmark.html")
    assert quill.find("h1")[0].text.startswith("Quillmark")
    tags = page(site, "tags.html")
    assert [a.text for a in tags.find("a") if (a.attrs.get("href") or "").startswith("tags/")] == [
        "berlin",
        "mentor",
        "Python",
        "recruiter",
    ]  # a tie between spellings: the first in code-point order


def test_contacts_table(site: Path) -> None:
    contacts = page(site, "contacts.html")
    rows = [r for r in contacts.find("tr") if "data-status" in r.attrs]
    assert [" ".join(r.text.split()).split(" ")[0] for r in rows] == ["Ana", "Jordan", "Priya", "Tom", "Zoë"]
    statuses = {" ".join(r.text.split()).split(" ")[0]: r.attrs["data-status"] for r in rows}
    # Jordan is snoozed past the horizon; Zoë's ask of me is overdue
    assert statuses == {"Ana": "none", "Jordan": "later", "Priya": "today", "Tom": "none", "Zoë": "overdue"}
    assert [r.attrs.get("data-archived") for r in rows] == [None, None, None, "yes", None]


def test_asks_board(site: Path) -> None:
    board = page(site, "asks.html")
    open_row = " ".join(next(e for e in board.elements if e.attrs.get("aria-labelledby") == "h-open").text.split())
    assert "Waiting on them 1" in open_row and "I owe them 1" in open_row
    done_row = " ".join(next(e for e in board.elements if e.attrs.get("aria-labelledby") == "h-done").text.split())
    assert "I asked 1" in done_row and "They asked me 1" in done_row


def test_problems_page_lists_file_line_and_column(site: Path) -> None:
    problems = page(site, "problems.html")
    cells = [c.text for c in problems.find("td", class_="source")]
    assert cells == ["interactions/2026-08-01-bad-ref.md:3:22", "interactions/2026-08-01-bad-ref.md:7:10"]


def test_calendar_is_the_calendar_module_output(site: Path) -> None:
    from netnotes.calendar import build_calendar

    assert (site / "followups.ics").read_bytes() == build_calendar(load_vault(site.parent).vault, TODAY)


def test_each_body_is_rendered_once(make_vault: MakeVault, rendered: list[str], tmp_path: Path) -> None:
    vault = make_vault(
        {
            **{f"contacts/p{n}.md": f"---\nname: P{n}\n---\nAbout P{n}.\n" for n in range(3)},
            "interactions/2026-01-01-all.md": "---\ndate: 2026-01-01\nwith: [p0, p1, p2]\n---\nShared *notes*.\n",
        }
    )
    out, _ = build(vault, tmp_path / "site")
    assert sorted(rendered) == ["c-p0", "c-p1", "c-p2", "i-2026-01-01-all"]
    for n in range(3):
        assert parse(out / f"contacts/p{n}.html").find("em")[0].text == "notes"


def test_search_index_is_bounded_per_contact(make_vault: MakeVault, tmp_path: Path) -> None:
    words = " ".join(f"word{n}" for n in range(5000))
    vault = make_vault(
        {
            "contacts/big.md": f"---\nname: Big Notes\ncompany: Acme\ntags: [x]\n---\n{words}\n",
            **{
                f"interactions/2026-01-{d:02d}.md": f"---\ndate: 2026-01-{d:02d}\nwith: big\n---\n{words}\n"
                for d in range(1, 20)
            },
        }
    )
    out, _ = build(vault, tmp_path / "site")
    text = (out / "static/search-index.js").read_text(encoding="utf-8")
    rows = json.loads(text[len("window.NETNOTES_SEARCH = ") : -2])
    big = rows[0]
    assert big[:3] == ["contacts/big.html", "Big Notes", "Acme"]
    assert big[3].startswith("big notes acme x ")
    assert len(big[3]) <= search.MAX_TEXT_CHARS + 40
    assert [r[0] for r in rows[1:]] == ["tags/x.html", "companies/acme.html"]


def test_search_words_fold_case_and_accents() -> None:
    assert search.words_of(["Zoë Müller", "ACME"], ["Straße café", "zoe again"]) == "zoe muller acme strasse cafe again"


def test_build_options_hook_for_serve(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault({"contacts/a.md": "---\nname: A\n---\n"})
    options = BuildOptions(
        extra_scripts=("static/live.js",),
        extra_files=(("static/live.js", b"//live\n"),),
        connect_src=("'self'",),
        jobs=1,
    )
    out, _ = build(vault, tmp_path / "site", options=options)
    contact = parse(out / "contacts/a.html")
    assert [s.attrs["src"] for s in contact.find("script")] == ["../static/netnotes.js", "../static/live.js"]
    csp = next(m.attrs["content"] for m in contact.find("meta") if m.attrs.get("http-equiv"))
    assert csp is not None and csp.endswith("; connect-src 'self'")
    assert (out / "static/live.js").read_bytes() == b"//live\n"


def test_theme_overrides(make_vault: MakeVault, tmp_path: Path) -> None:
    outside = tmp_path / "secret.txt"
    outside.write_text("not for the site")
    vault = make_vault(
        {
            "contacts/a.md": "---\nname: A <b>\n---\n",
            "theme/templates/groups.html": (
                "{% extends 'base.html' %}{% block main %}<p id=mine>{{ page.title }}</p>{% endblock %}"
            ),
            "theme/static/style.css": "body { color: red; }\n",
            "theme/static/img/logo.svg": "<svg xmlns='http://www.w3.org/2000/svg'/>",
        }
    )
    (vault / "theme/static/leak.txt").symlink_to(outside)
    out, _ = build(vault, tmp_path / "site")
    assert (out / "static/style.css").read_text() == "body { color: red; }\n"
    assert (out / "static/img/logo.svg").is_file()
    assert (out / "static/netnotes.js").is_file()  # not overridden: the default's
    assert not (out / "static/leak.txt").exists()
    mine = parse(out / "tags.html").by_id("mine")
    assert mine is not None and mine.text == "Tags"
    assert parse(out / "contacts/a.html").find("h1")[0].text == "A <b>"  # autoescape in the default's too


def test_empty_vault_builds(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault({})
    out, report = build(vault, tmp_path / "site")
    assert report.contacts == 0 and (out / "index.html").is_file()
    assert "No interactions yet" in parse(out / "index.html").text


def test_today_in_the_past_and_future(make_vault: MakeVault, tmp_path: Path) -> None:
    vault = make_vault(
        {
            "contacts/a.md": "---\nname: A\ncadence: 1m\n---\n",
            "interactions/x.md": "---\ndate: 2020-01-01\nwith: a\n---\n",
        }
    )
    for day in (dt.date(1999, 1, 1), dt.date(2099, 12, 31)):
        out, _ = build(vault, tmp_path / f"site-{day.year}", today=day)
        assert (out / "index.html").is_file()


def test_long_dashboard_lists_are_cut_and_link_to_the_rest(
    make_vault: MakeVault,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from netnotes.site import pages as site_pages

    monkeypatch.setattr(site_pages, "DUE_LIMIT", 2)
    vault = make_vault(
        {f"contacts/p{n}.md": f"---\nname: P{n}\ncadence: 1m\n---\n" for n in range(5)}
        | {f"asks/a{n}.md": f"---\ndate: 2026-01-01\nwith: p{n}\ndirection: out\n---\n" for n in range(3)}
    )
    out, _ = build(vault, tmp_path / "site")
    dash = parse(out / "index.html")
    today = [e for e in dash.elements if e.tag == "li" and "due-today" in (e.attrs.get("class") or "")]
    assert len(today) == 2  # five contacts never contacted are due today
    more = [(a.attrs["href"], a.text) for a in dash.find("a") if "more" in a.text]
    assert ("contacts.html#status=today", "3 more today: see the contacts list") in more
    assert ("asks.html", "1 more on the asks board") in more


def test_the_dashboard_title_names_the_vault_once_and_other_pages_add_theirs(site: Path) -> None:
    """Issue 8, item 11: the dashboard's <title> was "Sam's network · Sam's network"."""

    def head_title(name: str) -> str:
        return page(site, name).find("title")[0].text  # the first: charts have SVG <title>s too

    assert head_title("index.html") == "Sam's network"
    assert head_title("asks.html") == "Asks · Sam's network"
    assert head_title("contacts/zoe-muller.html") == "Zoë Müller · Sam's network"


def test_a_rebuild_in_the_same_process_finds_the_words_of_only_the_entries_that_changed(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # issue 12: serve rebuilds the index after every save; unchanged entries keep their words
    counted: list[tuple[str, ...]] = []
    real = search.words_of

    def counting(fields: tuple[str, ...], text: tuple[str, ...], limit: int = search.MAX_TEXT_CHARS) -> str:
        counted.append(fields)
        return real(fields, text, limit)

    monkeypatch.setattr(search, "words_of", counting)
    monkeypatch.setattr(search._Words, "last", {})
    jane = search.Entry("contacts/jane.html", "Jane", "", ("Jane", "Acme"), ("Talked shop.",))
    sam = search.Entry("contacts/sam.html", "Sam", "", ("Sam",), ("Tennis",))
    first = search.index_script([jane, sam])
    assert len(counted) == 2
    assert search.index_script([jane, sam]) == first and len(counted) == 2
    edited = search.Entry("contacts/jane.html", "Jane", "", ("Jane", "Acme"), ("Talked tennis.",))
    again = search.index_script([edited, sam])
    assert counted[2:] == [("Jane", "Acme")]
    monkeypatch.setattr(search._Words, "last", {})
    assert again == search.index_script([edited, sam]) != first
