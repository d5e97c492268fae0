"""The built example vault in a real browser, opened from file:// (issue 4).

Headless Debian Chromium through Playwright: the theme's scripts must run under the pages'
Content-Security-Policy (no console errors, no CSP violations), no request may leave file://,
search must find a contact by company, and the contacts table must sort and filter.
Screenshots of the dashboard (light, dark, phone) are saved in the test's tmp folder.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from site_html import build

if TYPE_CHECKING:
    from playwright.sync_api import Browser

CHROMIUM = Path("/usr/bin/chromium")
EXAMPLE = Path(__file__).resolve().parent.parent / "example-vault"

pytestmark = [
    pytest.mark.browser,
    # On a developer's machine without Chromium these are skipped; in CI (.ci/run installs it)
    # a missing browser is a failure, never a silent skip.
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("browser")
    vault = base / "vault"
    shutil.copytree(EXAMPLE, vault, ignore=shutil.ignore_patterns("_site", ".netnotes"))
    out, _ = build(vault, base / "site")
    return out


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    import playwright.sync_api as playwright

    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        yield browser
        browser.close()


class Watched:
    """A page whose console messages, script errors and requests are recorded."""

    def __init__(self, browser: Browser, **context_options: Any) -> None:
        self.context = browser.new_context(**context_options)
        self.page = self.context.new_page()
        self.console: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.console.append(f"{m.type}: {m.text}"))
        self.page.on("pageerror", lambda e: self.console.append(f"pageerror: {e}"))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def problems(self) -> list[str]:
        return [m for m in self.console if not m.startswith(("log:", "debug:", "info:"))]

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser: Browser) -> Iterator[Watched]:
    w = Watched(browser, viewport={"width": 1280, "height": 900})
    yield w
    w.close()


def test_pages_run_their_scripts_under_the_csp_with_no_errors(site: Path, watched: Watched) -> None:
    page = watched.page
    for name in (
        "index.html",
        "contacts.html",
        "contacts/priya-natarajan.html",
        "asks.html",
        "tags.html",
        "companies.html",
        "problems.html",
        "search.html",
    ):
        page.goto((site / name).as_uri())
        page.wait_for_load_state("load")
        assert page.locator("form.quick-search").is_visible(), f"netnotes.js did not run on {name}"
    assert watched.problems() == []
    assert watched.requests and all(url.startswith("file://") for url in watched.requests), watched.requests


def test_search_finds_a_contact_by_company(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "search.html").as_uri())
    page.fill("#search-input", "quillmark")
    results = page.locator("#search-results li a")
    assert "Priya Natarajan" in results.all_inner_texts()
    page.locator("#search-results li a", has_text="Priya Natarajan").first.click()
    page.wait_for_load_state("load")
    assert page.url.endswith("contacts/priya-natarajan.html")
    assert page.locator(".page-head h1").inner_text().startswith("Priya Natarajan")
    assert watched.problems() == []


def test_header_search_opens_the_search_page_with_the_query(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "index.html").as_uri())
    page.fill("form.quick-search input", "Quillmark")
    page.press("form.quick-search input", "Enter")
    page.wait_for_url("**/search.html#q=Quillmark")
    assert page.input_value("#search-input") == "Quillmark"
    assert "Priya Natarajan" in page.locator("#search-results li a").all_inner_texts()
    assert watched.problems() == []


def test_contacts_table_sorts_and_filters(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "contacts.html").as_uri())
    rows = page.locator("#contacts-table tbody tr")
    names = rows.locator("td:first-child a").all_inner_texts()
    assert names == sorted(names, key=str.casefold)

    page.click("#contacts-table th:nth-child(3) button")  # Company
    companies = [c for c in page.locator("#contacts-table tbody tr td:nth-child(3)").all_inner_texts() if c]
    assert companies == sorted(companies, key=str.casefold)
    page.click("#contacts-table th:nth-child(3) button")
    again = [c for c in page.locator("#contacts-table tbody tr td:nth-child(3)").all_inner_texts() if c]
    assert again == sorted(companies, key=str.casefold, reverse=True)

    page.fill(".filters input[data-filter=text]", "recruiter")
    visible = page.locator("#contacts-table tbody tr:visible td:first-child a").all_inner_texts()
    assert visible and len(visible) < len(names)
    assert page.locator(".filters .shown").inner_text() == f"{len(visible)} of {len(names)} shown"

    page.fill(".filters input[data-filter=text]", "")
    page.select_option(".filters select[data-filter=status]", "overdue")
    overdue = page.locator("#contacts-table tbody tr:visible td:first-child a").all_inner_texts()
    assert "David Park" in overdue and "Priya Natarajan" not in overdue
    assert watched.problems() == []


def test_a_link_with_a_status_presets_the_contacts_filter(site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((site / "contacts.html").as_uri() + "#status=today")
    assert page.input_value(".filters select[data-filter=status]") == "today"
    assert page.locator("#contacts-table tbody tr:visible td:first-child a").all_inner_texts() == ["Priya Natarajan"]
    assert watched.problems() == []


def test_dashboard_screenshots(site: Path, browser: Browser, tmp_path: Path) -> None:
    shots = []
    screens: tuple[tuple[str, dict[str, Any]], ...] = (
        ("light", {"color_scheme": "light", "viewport": {"width": 1280, "height": 900}}),
        ("dark", {"color_scheme": "dark", "viewport": {"width": 1280, "height": 900}}),
        ("phone", {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2}),
    )
    for name, options in screens:
        w = Watched(browser, **options)
        w.page.goto((site / "index.html").as_uri())
        path = tmp_path / f"dashboard-{name}.png"
        w.page.screenshot(path=str(path), full_page=name != "phone")
        # the layout fits the screen: nothing wider than the viewport on a phone
        width = w.page.evaluate("document.documentElement.scrollWidth")
        assert width <= options["viewport"]["width"], (name, width)
        assert w.problems() == []
        w.close()
        shots.append(path)
    assert all(p.stat().st_size > 10_000 for p in shots)


# -- strength and fading (section 8), on a small vault of their own: who fades depends on dates

RELATIONSHIPS = {
    "contacts/ana-ruiz.md": "---\nname: Ana Ruiz\ncompany: Helix Robotics, GmbH\n---\n",
    "contacts/ben-ode.md": "---\nname: Ben Ode\ncompany: helix robotics\n---\n",
    "contacts/cy-ng.md": "---\nname: Cy Ng\n---\n",
    "interactions/a1.md": "---\ndate: 2026-02-02\nwith: ana-ruiz\nkind: coffee\n---\n",
    "interactions/a2.md": "---\ndate: 2026-02-23\nwith: ana-ruiz\nkind: lunch\n---\n",
    "interactions/a3.md": "---\ndate: 2026-03-16\nwith: ana-ruiz\nkind: coffee\n---\n",
    "interactions/b1.md": "---\ndate: 2026-11-20\nwith: [ben-ode, cy-ng]\nkind: meeting\n---\n",
    "interactions/b2.md": "---\ndate: 2026-11-23\nwith: ben-ode\nkind: call\n---\n",
}


@pytest.fixture(scope="module")
def relationships_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from conftest import write_vault

    vault = write_vault(tmp_path_factory.mktemp("relationships") / "vault", RELATIONSHIPS)
    out, _ = build(vault, tmp_path_factory.mktemp("relationships-site") / "site")
    return out


def test_dashboard_shows_who_is_fading(relationships_site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((relationships_site / "index.html").as_uri())
    panel = page.locator("section.fading")
    assert panel.is_visible()
    assert panel.locator("h2").inner_text().split() == ["Fading", "1"]
    (item,) = panel.locator("li").all()
    assert item.locator("a.who").inner_text() == "Ana Ruiz"
    assert "you used to talk every 3 weeks; it has been 8 months" in item.inner_text()
    item.locator("a.who").click()
    page.wait_for_load_state("load")
    assert page.url.endswith("contacts/ana-ruiz.html")
    assert "3 touches in 12 months, last 8 months ago" in page.locator("section.strength-card").inner_text()
    assert watched.problems() == []


def test_contacts_table_sorts_by_strength_highest_first(relationships_site: Path, watched: Watched) -> None:
    page = watched.page
    page.goto((relationships_site / "contacts.html").as_uri())
    head = page.locator("#contacts-table th", has_text="Strength")
    column = "#contacts-table tbody tr td:last-child strong"
    names = "#contacts-table tbody tr td:first-child a"
    assert page.locator(names).all_inner_texts() == ["Ana Ruiz", "Ben Ode", "Cy Ng"]  # by name at first
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "descending"
    scores = [int(s) for s in page.locator(column).all_inner_texts()]
    assert scores == sorted(scores, reverse=True) and len(set(scores)) == 3
    assert page.locator(names).all_inner_texts() == ["Ben Ode", "Ana Ruiz", "Cy Ng"]
    head.locator("button").click()
    assert head.get_attribute("aria-sort") == "ascending"
    assert [int(s) for s in page.locator(column).all_inner_texts()] == sorted(scores)
    # both spellings of Helix Robotics show as the one company, linking to its one page
    assert page.locator("#contacts-table a[href='companies/helix-robotics.html']").count() == 2
    assert watched.problems() == []
