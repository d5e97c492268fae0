"""Introduction paths on the dashboard (section 8; issue 11, item 4): the top 5 on each company
page, on the page of each contact I barely know (strength < 30), and an intro ask's `intro_to`
linked to the person's or the company's page."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import MakeVault
from site_html import Page, build, parse

PEOPLE = {
    "contacts/rachel.md": "---\nname: Rachel Adeyemi\ncompany: Helix Robotics\n---\n",
    "contacts/ingrid.md": (
        "---\nname: Ingrid Sørensen\ncompany: Helix Robotics, GmbH\nmet_through: felix\nsince: 2026-09-24\n---\n"
    ),
    "contacts/felix.md": "---\nname: Felix Bauer\ncompany: Kranich Mobility\n---\n",
    "interactions/2026-11-20-coffee.md": "---\ndate: 2026-11-20\nwith: rachel\nkind: coffee\n---\n",
    "asks/2026-11-10-intro.md": (
        "---\ndate: 2026-11-10\nwith: rachel\ndirection: out\nkind: linkedin-intro\nintro_to: helix robotics\n---\n"
    ),
    "asks/2026-11-12-intro.md": (
        "---\ndate: 2026-11-12\nwith: felix\ndirection: out\nkind: introduction\nintro_to: Ingrid Sørensen\n---\n"
    ),
}


@pytest.fixture
def site(make_vault: MakeVault) -> Path:
    out, report = build(make_vault(PEOPLE))
    assert (report.errors, report.warnings) == (0, 0)
    return out


def section(p: Page, heading_id: str) -> str:
    found = [e for e in p.elements if e.tag in ("section",) and e.attrs.get("aria-labelledby") == heading_id]
    assert found, heading_id
    return " ".join(found[0].text.split())


def links_in(p: Page, heading_id: str) -> list[tuple[str, str]]:
    """(text, href) of every link in the section labelled ``heading_id``, in order."""
    start = next(n for n, e in enumerate(p.elements) if e.attrs.get("aria-labelledby") == heading_id)
    inside = section(p, heading_id)
    out = []
    for e in p.elements[start + 1 :]:
        if e.tag == "a" and " ".join(e.text.split()) in inside:
            out.append((" ".join(e.text.split()), e.attrs.get("href") or ""))
        if e.tag == "section":
            break
    return out


def test_a_company_page_shows_its_paths_direct_first_with_evidence_linked(site: Path) -> None:
    company = parse(site / "companies/helix-robotics.html")
    text = section(company, "h-paths")
    assert text.startswith("Ways in 3 Rachel Adeyemi 39 steady you know them: 1 touch in 12 months, last 5 days ago")
    assert text.index("Rachel Adeyemi 39 steady →") < text.index("Felix Bauer 0 none →")
    assert "12 Nov 2026: you asked Felix Bauer for an intro to Ingrid Sørensen (introduction, open)" in text
    assert "24 Sep 2026: Felix Bauer introduced you to Ingrid Sørensen" in text
    hrefs = dict(links_in(company, "h-paths"))
    assert hrefs["Felix Bauer introduced you to Ingrid Sørensen"] == "../contacts/ingrid.html"
    assert hrefs["you asked Felix Bauer for an intro to Ingrid Sørensen (introduction, open)"] == (
        "../contacts/felix.html#a-2026-11-12-intro"
    )


def test_only_the_top_5_paths_are_shown_and_the_rest_counted(make_vault: MakeVault) -> None:
    people = {f"contacts/x{n}.md": f"---\nname: X {n}\ncompany: Helix\n---\n" for n in range(7)}
    ask = "---\ndate: 2026-11-10\nwith: amy\ndirection: out\nkind: introduction\nintro_to: Helix\n---\n"
    out, _ = build(make_vault({**people, "contacts/amy.md": "---\nname: Amy\n---\n", "asks/a.md": ask}))
    text = section(parse(out / "companies/helix.html"), "h-paths")
    assert text.startswith("Ways in 7 ")
    assert text.count("Amy 0 none →") == 5 and "2 more: netnotes path lists them all" in text


def test_a_contact_i_barely_know_shows_who_can_introduce_them_and_one_i_know_does_not(site: Path) -> None:
    ingrid = parse(site / "contacts/ingrid.html")
    text = section(ingrid, "h-paths")
    assert text == (
        "Who can introduce you 1 Felix Bauer 0 none → Ingrid Sørensen"
        " 12 Nov 2026: you asked Felix Bauer for an intro to Ingrid Sørensen (introduction, open)"
        " 24 Sep 2026: Felix Bauer introduced you to Ingrid Sørensen"
    )  # an ask for an intro to her company is no link to her as a person
    assert parse(site / "contacts/rachel.html").by_id("h-paths") is None  # strength 39


def test_an_intro_ask_links_to_the_company_or_the_person(site: Path) -> None:
    asks = parse(site / "asks.html")
    targets = {" ".join(a.text.split()): a.attrs.get("href") for a in asks.find("a")}
    assert targets["helix robotics"] == "companies/helix-robotics.html"
    assert targets["Ingrid Sørensen"] == "contacts/ingrid.html"
    rachel = parse(site / "contacts/rachel.html")
    assert ("helix robotics", "../companies/helix-robotics.html") in [
        (" ".join(a.text.split()), a.attrs.get("href")) for a in rachel.find("a")
    ]
