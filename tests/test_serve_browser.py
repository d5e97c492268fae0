"""`netnotes serve` in a real browser: a page reloads by itself as soon as a saved note has
been rebuilt (its reload script waits on the server's generation)."""

from __future__ import annotations

import datetime as dt
import os
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from conftest import MakeVault
from test_site_browser import CHROMIUM, browser  # noqa: F401 - its browser fixture, shared

from netnotes.serve import serve_vault

if TYPE_CHECKING:
    from playwright.sync_api import Browser

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not CHROMIUM.exists() and not os.environ.get("CI"), reason="needs Debian's chromium at /usr/bin/chromium"
    ),
]
VAULT = {
    "netnotes.yaml": "title: Served\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\n---\n",
}


@pytest.fixture
def served(make_vault: MakeVault) -> Iterator[tuple[Path, str, list[str]]]:
    vault = make_vault(VAULT)
    urls: list[str] = []
    logs: list[str] = []
    stop = threading.Event()
    kwargs = dict(root=vault, host="127.0.0.1", port=0, today=lambda: dt.date(2026, 3, 10), log=logs.append)
    thread = threading.Thread(target=serve_vault, kwargs={**kwargs, "ready": urls.append, "stop_event": stop})
    thread.daemon = True
    thread.start()
    deadline = time.monotonic() + 15
    while not urls and time.monotonic() < deadline:
        time.sleep(0.05)
    assert urls, logs
    yield vault, urls[0], logs
    stop.set()
    thread.join(timeout=10)


def test_an_open_page_reloads_by_itself_once_a_saved_note_is_rebuilt(
    browser: Browser,  # noqa: F811 - test_site_browser's fixture
    served: tuple[Path, str, list[str]],
) -> None:
    vault, url, logs = served
    context = browser.new_context()
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(url + "contacts.html")
    page.wait_for_load_state("load")
    assert "Sam Newcomer" not in page.content()
    page.wait_for_timeout(300)  # the script has read the generation and waits on it
    (vault / "contacts" / "sam-newcomer.md").write_text("---\nname: Sam Newcomer\n---\n", encoding="utf-8")
    page.get_by_text("Sam Newcomer").first.wait_for(timeout=20_000)  # the page reloaded, unasked
    assert errors == [], errors
    context.close()


def test_a_rebuild_done_before_the_reload_script_runs_still_reloads_the_page(
    browser: Browser,  # noqa: F811 - test_site_browser's fixture
    served: tuple[Path, str, list[str]],
) -> None:
    """The page's HTML is served, then the site is rebuilt before its script's first request is
    answered: the script knows the page's own generation (Server-Timing) and reloads at once."""
    vault, url, logs = served
    context = browser.new_context()
    page = context.new_page()
    held: list[Any] = []

    def hold(route: Any) -> None:  # the script's first request waits for the rebuild
        held.append(route)

    page.route("**/__netnotes__/generation*", hold)
    page.goto(url + "contacts.html")
    page.wait_for_load_state("load")
    assert "Sam Newcomer" not in page.content()
    (vault / "contacts" / "sam-newcomer.md").write_text("---\nname: Sam Newcomer\n---\n", encoding="utf-8")
    deadline = time.monotonic() + 20
    while not any("generation 2" in line for line in logs) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert any("generation 2" in line for line in logs), logs
    assert held, "the script asked nothing"
    for route in held:
        route.continue_()
    page.unroute("**/__netnotes__/generation*")
    page.get_by_text("Sam Newcomer").first.wait_for(timeout=20_000)
    context.close()
