"""The *Recent moves* panel and a contact's career moves in a real browser (issue 11).

A vault with a git history built in the test, its site opened from file:// in headless Debian
Chromium: the panel shows the move, its link leads to the contact's page, which shows the move
and the congratulate item, with no script error and nothing loaded from outside.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from git_history import Repo, contact
from site_html import build
from test_site_browser import CHROMIUM, Watched

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("TZ", "UTC")
    time.tzset()
    repo = Repo(tmp_path / "vault")
    repo.commit({"contacts/ana-lima.md": contact("Ana Lima", "Helix Robotics", "Engineer")}, "2025-03-01")
    repo.commit({"contacts/ana-lima.md": contact("Ana Lima", "Quillmark", "CTO")}, "2026-11-10")
    out, _ = build(repo.vault, tmp_path / "site")
    yield out
    monkeypatch.undo()
    time.tzset()


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


def test_recent_moves_lead_to_the_contacts_career(site: Path, watched: Watched, tmp_path: Path) -> None:
    page = watched.page
    page.goto((site / "index.html").as_uri())
    panel = page.locator("section[aria-labelledby=h-moves]")
    assert panel.is_visible()
    assert " ".join(panel.inner_text().split()) == (
        "Recent moves last 30 days Tue 10 Nov 15 days ago "
        "Ana Lima now CTO at Quillmark (was Engineer at Helix Robotics)"
    )
    page.screenshot(path=str(tmp_path / "dashboard-moves.png"), full_page=True)

    panel.get_by_role("link", name="Ana Lima").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("contacts/ana-lima.html")
    career = page.locator("section[aria-labelledby=h-moves]")
    assert career.is_visible()
    assert "10 Nov 2026: Engineer at Helix Robotics → CTO at Quillmark" in career.inner_text()
    assert "congratulate" in page.locator("section.next").inner_text()
    assert watched.problems() == []
    assert all(url.startswith("file://") for url in watched.requests), watched.requests
