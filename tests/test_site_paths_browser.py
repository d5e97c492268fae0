"""Introduction paths on the example vault's dashboard, in a real browser (issue 11, item 4).

Helix Robotics' company page, opened from file:// in headless Debian Chromium, shows who I know
there and who can introduce me to the others, each with the note that links them; the evidence
leads to that note, and the asks board links an intro ask to the company's page.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from site_html import build
from test_site_browser import CHROMIUM, EXAMPLE, Watched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("paths-browser")
    vault = base / "vault"
    shutil.copytree(EXAMPLE, vault, ignore=shutil.ignore_patterns("_site", ".netnotes"))
    out, _ = build(vault, base / "site")
    return out


@pytest.fixture
def watched() -> Iterator[Watched]:
    import playwright.sync_api as playwright

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        w = Watched(browser, viewport={"width": 1280, "height": 900})
        yield w
        w.close()
        browser.close()


def test_a_company_page_shows_its_ways_in_and_the_evidence_leads_to_the_note(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "companies/helix-robotics.html").as_uri())
    panel = page.locator("section[aria-labelledby=h-paths]")
    assert panel.is_visible()
    assert panel.locator("h2").inner_text().split() == ["Ways", "in", "3"]
    paths = panel.locator("ol.paths > li")
    assert [" ".join(t.split()) for t in paths.all_inner_texts()] == [
        "Rachel Adeyemi 47 steady you know them: 1 touch in 12 months, last 13 days ago",
        "Rachel Adeyemi 47 steady → Ingrid Sørensen 10 Nov 2026: you asked Rachel Adeyemi for an intro to"
        " Helix Robotics (linkedin-intro, open)",
        "Felix Bauer 46 steady → Ingrid Sørensen 20 Nov 2026: Felix Bauer introduced you to Ingrid Sørensen",
    ]
    paths.nth(2).locator("ul.evidence a").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("contacts/ingrid-sorensen.html")
    card = page.locator("section[aria-labelledby=h-paths]")
    assert card.locator("h2").inner_text().split() == ["Who", "can", "introduce", "you", "1"]
    assert watched.problems() == []
    assert all(url.startswith("file://") for url in watched.requests), watched.requests


def test_the_asks_board_links_an_intro_ask_to_the_company_page(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "asks.html").as_uri())
    page.locator("a", has_text="Helix Robotics").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("companies/helix-robotics.html")
    assert page.locator(".page-head h1").inner_text().split()[:2] == ["Helix", "Robotics"]
    assert watched.problems() == []
