"""The encrypted example site (`build --encrypt`, issue 14) in a real browser at phone size.

Headless Debian Chromium through Playwright, at 390 x 844 and by touch: the page asks for the
passphrase, WebCrypto derives the key (so Chromium grants crypto.subtle to file:// pages), the
dashboard shows, search finds a contact, its link opens the contact's page without asking
again; a wrong passphrase, a flipped byte and a cut file show an error and nothing of the page.
Every test also asserts no console error, no CSP violation and no request leaving the site.
"""

from __future__ import annotations

import base64
import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import test_site_browser
from sealed import PASSPHRASE
from site_html import build
from test_site_browser import EXAMPLE, Watched

from netnotes.site.build import BuildOptions
from netnotes.site.encrypt import Encryption

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

pytestmark = test_site_browser.pytestmark  # browser tests: Debian's chromium, never skipped in CI
browser = test_site_browser.browser  # the one headless Chromium of that module's fixture

PHONE = {"viewport": {"width": 390, "height": 844}, "device_scale_factor": 2, "has_touch": True, "is_mobile": True}
WRONG = "Wrong passphrase. Try again."
DAMAGED = "This page cannot be opened: it is damaged or was changed after it was built."


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("encrypted")
    vault = base / "vault"
    shutil.copytree(EXAMPLE, vault, ignore=shutil.ignore_patterns("_site", ".netnotes"))
    out, _ = build(vault, base / "site", options=BuildOptions(jobs=1, encryption=Encryption(PASSPHRASE)))
    return out


# Playwright's init scripts run whatever the page's CSP says: every violation becomes a console error.
REPORT_CSP = (
    "document.addEventListener('securitypolicyviolation', function (e) {"
    " console.error('CSP violation: ' + e.violatedDirective + ' ' + e.blockedURI); });"
)


def on_phone(browser: Browser) -> Watched:
    w = Watched(browser, **PHONE)
    w.context.add_init_script(REPORT_CSP)
    return w


@pytest.fixture
def phone(browser: Browser) -> Iterator[Watched]:
    w = on_phone(browser)
    yield w
    w.close()


def unlock(page: Page, passphrase: str = PASSPHRASE, remember: bool = False) -> None:
    page.wait_for_selector("#unlock-form:not([hidden])")
    page.fill("#unlock-passphrase", passphrase)
    if remember:
        page.tap("#unlock-remember")
    page.tap("#unlock-button")


def opened(page: Page) -> None:
    page.wait_for_selector("footer .lock-controls")


def stayed_on_the_site(w: Watched, root: str) -> None:
    assert w.requests and all(url.startswith(root) for url in w.requests), w.requests
    assert w.problems() == []  # console errors include every CSP violation


def fits_the_phone(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_unlock_shows_the_dashboard_and_search_finds_a_contact(site: Path, phone: Watched) -> None:
    page = phone.page
    page.goto((site / "index.html").as_uri())
    assert page.title() == "Locked · netnotes"
    assert page.evaluate("window.isSecureContext") is True  # Chromium grants WebCrypto to file://
    fits_the_phone(page)
    unlock(page)
    opened(page)
    assert page.title() == "Sam's network"
    assert page.locator("main").get_by_text("David Park").first.is_visible()
    fits_the_phone(page)

    page.locator("nav").get_by_text("Search").tap()  # another page: opens with the tab's key
    opened(page)
    page.fill("#search-input", "quillmark")
    results = page.locator("#search-results li a")
    assert "Priya Natarajan" in results.all_inner_texts()
    results.filter(has_text="Priya Natarajan").first.tap()
    opened(page)
    assert re.search(r"/[0-9a-f]{32}\.html$", page.url), page.url  # the address names no one
    assert page.locator(".page-head h1").inner_text().startswith("Priya Natarajan")
    fits_the_phone(page)
    stayed_on_the_site(phone, "file://")


def test_the_header_search_and_a_filter_link_work_after_unlocking(site: Path, phone: Watched) -> None:
    page = phone.page
    page.goto((site / "index.html").as_uri())
    unlock(page)
    opened(page)
    page.fill("form.quick-search input", "Quillmark")
    page.press("form.quick-search input", "Enter")
    page.wait_for_url("**/*.html#q=Quillmark")
    opened(page)
    assert "Priya Natarajan" in page.locator("#search-results li a").all_inner_texts()
    stayed_on_the_site(phone, "file://")


def test_a_wrong_passphrase_shows_the_error_and_nothing_else(site: Path, phone: Watched) -> None:
    page = phone.page
    page.goto((site / "index.html").as_uri())
    unlock(page, "tangerine orbit cello ledgers")
    page.wait_for_selector("#unlock-error:not([hidden])")
    assert page.inner_text("#unlock-error") == WRONG
    assert page.locator("#unlock-form").is_visible() and page.locator("footer").count() == 0
    assert "David Park" not in page.content()
    unlock(page)  # and the right one still works
    opened(page)
    stayed_on_the_site(phone, "file://")


def damaged(site: Path, tmp_path: Path, change: str) -> Path:
    """A copy of the site whose index.html has one byte of its ciphertext flipped, or is cut."""
    copy = tmp_path / "site"
    shutil.copytree(site, copy)
    shell = (copy / "index.html").read_text(encoding="utf-8")
    match = re.search(r'(<pre id="sealed"[^>]*>)([^<]*)', shell)
    assert match
    if change == "flipped":
        data = bytearray(base64.b64decode(match.group(2)))
        data[len(data) // 2] ^= 0x01
        shell = shell[: match.start(2)] + base64.b64encode(bytes(data)).decode("ascii") + shell[match.end(2) :]
    else:
        shell = shell[: match.start(2) + len(match.group(2)) // 2]
    (copy / "index.html").write_text(shell, encoding="utf-8")
    return copy


@pytest.mark.parametrize("change", ["flipped", "truncated"])
def test_a_tampered_or_truncated_page_shows_the_error(site: Path, phone: Watched, tmp_path: Path, change: str) -> None:
    copy = damaged(site, tmp_path, change)
    page = phone.page
    page.goto((copy / "index.html").as_uri())
    unlock(page)
    page.wait_for_selector("#unlock-error:not([hidden])")
    assert page.inner_text("#unlock-error").startswith(DAMAGED)
    assert page.locator("footer").count() == 0 and "David Park" not in page.content()
    # the other pages, untouched, still open with the key the tab kept
    page.goto(
        (copy / "index.html")
        .as_uri()
        .replace("index.html", next(p.name for p in copy.glob("*.html") if p.name != "index.html"))
    )
    opened(page)
    stayed_on_the_site(phone, "file://")


def test_the_key_lasts_for_the_tab_unless_remembered_on_the_device(site: Path, browser: Browser) -> None:
    w = on_phone(browser)
    try:
        w.page.goto((site / "index.html").as_uri())
        unlock(w.page)
        opened(w.page)
        assert w.page.inner_text("footer .lock-controls button") == "Lock"
        other = w.context.new_page()  # a new tab: its session has no key
        other.goto((site / "index.html").as_uri())
        other.wait_for_selector("#unlock-form:not([hidden])")
        other.close()

        w.page.tap("footer .lock-controls button")  # Lock
        unlock(w.page, remember=True)
        opened(w.page)
        assert w.page.inner_text("footer .lock-controls button") == "Forget this device"
        other = w.context.new_page()  # remembered: a new tab opens at once
        other.goto((site / "index.html").as_uri())
        opened(other)
        other.tap("footer .lock-controls button")  # Forget this device
        other.wait_for_selector("#unlock-form:not([hidden])")
        other.close()
        another = w.context.new_page()
        another.goto((site / "index.html").as_uri())
        another.wait_for_selector("#unlock-form:not([hidden])")
        stayed_on_the_site(w, "file://")
    finally:
        w.close()


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def served(site: Path) -> Iterator[str]:
    """The encrypted site on a local static web server, as a host would serve it."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        thread.join()
        server.server_close()


def test_it_works_from_a_static_web_server_too(served: str, phone: Watched) -> None:
    page = phone.page
    page.goto(served)  # index.html served as the folder: its id is still "index"
    unlock(page)
    opened(page)
    page.locator("nav").get_by_text("Contacts").tap()
    opened(page)
    assert page.locator("#contacts-table tbody tr").count() > 10
    stayed_on_the_site(phone, served)


def test_plain_http_elsewhere_than_localhost_says_why_it_cannot_decrypt(site: Path, phone: Watched) -> None:
    from playwright.sync_api import Route

    def from_disk(route: Route) -> None:
        name = route.request.url.removeprefix("http://phone.test/") or "index.html"
        route.fulfill(path=site / name)

    phone.context.route("http://phone.test/**", from_disk)  # a LAN address without TLS, as a phone sees it
    page = phone.page
    page.goto("http://phone.test/index.html")
    assert page.evaluate("window.isSecureContext") is False
    page.wait_for_selector("#unlock-error:not([hidden])")
    assert page.inner_text("#unlock-error").startswith("This browser does not offer decryption here.")
    assert page.locator("#unlock-form").is_hidden()
    stayed_on_the_site(phone, "http://phone.test/")
