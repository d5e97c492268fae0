"""`netnotes serve`: the dashboard on localhost, rebuilt on change, pages told to reload."""

from __future__ import annotations

import datetime as dt
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from conftest import MakeVault, RunCli

from netnotes.serve import GENERATION_PATH, RELOAD_SCRIPT_PATH, serve_vault
from netnotes.site.theme import default_theme

TODAY = dt.date(2026, 3, 10)

Served = tuple[Path, str, list[str]]  # the vault, the URL it is served at, the log lines

VAULT = {
    "netnotes.yaml": "title: Served network\ncircles:\n  inner: 3w\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\ncircle: inner\n---\nMet at PyCon.\n",
    "interactions/2026-01-05-coffee.md": "---\ndate: 2026-01-05\nwith: jane-doe\nkind: coffee\n---\n",
}


class _Head(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[str] = []
        self.csp: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script" and a.get("src"):
            self.scripts.append(a["src"] or "")
        if tag == "meta" and (a.get("http-equiv") or "").lower() == "content-security-policy":
            self.csp = a.get("content")


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:  # noqa: S310 - loopback only
        return response.read().decode("utf-8")


def _wait_for(predicate: Callable[[], bool], seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


@pytest.fixture
def served(make_vault: MakeVault) -> Iterator[Served]:
    vault = make_vault(VAULT)
    urls: list[str] = []
    logs: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_vault,
        kwargs=dict(
            root=vault,
            host="127.0.0.1",
            port=0,
            today=lambda: TODAY,
            log=logs.append,
            ready=urls.append,
            stop_event=stop,
        ),
        daemon=True,
    )
    thread.start()
    assert _wait_for(lambda: bool(urls)), f"server did not start: {logs}"
    yield vault, urls[0], logs
    stop.set()
    thread.join(timeout=10)
    assert not thread.is_alive(), "serve did not stop"


def test_serves_the_dashboard_on_loopback_with_the_reload_script(served: Served) -> None:
    vault, url, _ = served
    assert url.startswith("http://127.0.0.1:")
    head = _Head()
    head.feed(_get(url + "index.html"))
    assert any(src.endswith(RELOAD_SCRIPT_PATH) for src in head.scripts)
    assert head.csp is not None and "connect-src 'self'" in head.csp
    assert "fetch(" in _get(url + RELOAD_SCRIPT_PATH)
    assert _get(url + GENERATION_PATH.lstrip("/")) == "1"


def test_the_reload_script_is_the_theme_s_static_file(served: Served) -> None:
    _, url, _ = served
    source = default_theme() / RELOAD_SCRIPT_PATH
    assert _get(url + RELOAD_SCRIPT_PATH) == source.read_text(encoding="utf-8")
    assert "/__netnotes__/generation" in source.read_text(encoding="utf-8")


def test_a_changed_note_rebuilds_the_site_and_bumps_the_generation(served: Served) -> None:
    vault, url, logs = served
    assert "Sam Newcomer" not in _get(url + "contacts.html")
    (vault / "contacts" / "sam-newcomer.md").write_text("---\nname: Sam Newcomer\n---\n", encoding="utf-8")
    assert _wait_for(lambda: _get(url + GENERATION_PATH.lstrip("/")) == "2"), logs
    assert "Sam Newcomer" in _get(url + "contacts.html")
    assert any("rebuilt" in line for line in logs)


def test_a_page_waiting_on_the_generation_is_answered_as_soon_as_the_rebuild_is_done(served: Served) -> None:
    """The reload script asks ``?after=N`` and the server answers when the generation is no
    longer N: the page reloads right after the rebuild, not at its next poll."""
    vault, url, logs = served
    answers: list[tuple[str, float]] = []

    def wait() -> None:
        with urllib.request.urlopen(url + GENERATION_PATH.lstrip("/") + "?after=1", timeout=30) as response:  # noqa: S310
            answers.append((response.read().decode(), time.monotonic()))

    waiting = threading.Thread(target=wait, daemon=True)
    waiting.start()
    time.sleep(0.5)
    assert answers == []  # nothing changed: still waiting
    (vault / "contacts" / "sam-newcomer.md").write_text("---\nname: Sam Newcomer\n---\n", encoding="utf-8")
    waiting.join(timeout=20)
    assert [generation for generation, _ in answers] == ["2"], logs
    assert "Sam Newcomer" in _get(url + "contacts.html")
    assert _get(url + GENERATION_PATH.lstrip("/") + "?after=1") == "2"  # already past: at once


def test_a_page_is_served_with_the_generation_of_its_site(served: Served) -> None:
    """The reload script takes its page's generation from the navigation's Server-Timing, so a
    rebuild done between the page's load and the script's first request is not missed."""
    vault, url, logs = served
    with urllib.request.urlopen(url + "contacts.html", timeout=5) as response:  # noqa: S310
        assert response.headers["Server-Timing"] == 'generation;desc="1"'
    (vault / "contacts" / "sam-newcomer.md").write_text("---\nname: Sam Newcomer\n---\n", encoding="utf-8")
    assert _get(url + GENERATION_PATH.lstrip("/") + "?after=1") == "2", logs
    with urllib.request.urlopen(url + "contacts.html", timeout=5) as response:  # noqa: S310
        assert response.headers["Server-Timing"] == 'generation;desc="2"'
        assert "Sam Newcomer" in response.read().decode("utf-8")


def test_a_page_is_never_answered_not_modified(served: Served) -> None:
    """Last-Modified counts whole seconds: a page rebuilt within the second it was last written
    must not be left to the browser's cache, so a conditional request gets the page itself."""
    _, url, _ = served
    request = urllib.request.Request(
        url + "contacts.html", headers={"If-Modified-Since": "Fri, 01 Jan 2100 00:00:00 GMT"}
    )
    with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310 - loopback only
        assert response.status == 200 and b"Jane" in response.read()


def test_a_wait_on_the_generation_ends_in_time_with_the_same_generation(
    served: Served, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netnotes import serve

    _, url, _ = served
    monkeypatch.setattr(serve, "LONG_POLL_SECONDS", 0.3)
    started = time.monotonic()
    assert _get(url + GENERATION_PATH.lstrip("/") + "?after=1") == "1"
    assert 0.25 <= time.monotonic() - started < 5
    assert _get(url + GENERATION_PATH.lstrip("/") + "?after=junk") == "1"  # not a number: at once


def test_a_wait_on_the_generation_is_answered_when_the_server_stops(make_vault: MakeVault) -> None:
    """A page's waiting request ends with the server, not LONG_POLL_SECONDS later, when its
    answer would go to a closed connection (and be printed as an error into whatever runs)."""
    from netnotes.serve import Generation

    generation = Generation()
    answered: list[int] = []
    waiting = threading.Thread(target=lambda: answered.append(generation.after(1, 60)), daemon=True)
    waiting.start()
    time.sleep(0.1)
    started = time.monotonic()
    generation.close()
    waiting.join(timeout=5)
    assert answered == [1] and time.monotonic() - started < 2
    assert generation.after(1, 60) == 1  # and every later one at once


def test_a_browser_that_went_away_is_no_error(capsys: pytest.CaptureFixture[str]) -> None:
    import socket

    from netnotes.serve import Generation, listen

    server = listen("127.0.0.1", 0, Path("."), Generation())
    request = socket.socket()
    try:
        try:
            raise BrokenPipeError("the tab was closed")
        except BrokenPipeError:
            server.handle_error(request, ("127.0.0.1", 1))
        assert capsys.readouterr().err == ""
        try:
            raise ValueError("a bug")
        except ValueError:
            server.handle_error(request, ("127.0.0.1", 1))
        assert "ValueError: a bug" in capsys.readouterr().err
    finally:
        request.close()
        server.server_close()


def test_serving_writes_only_the_cache_folder_of_the_vault(served: Served) -> None:
    vault, url, _ = served
    top = sorted(p.name for p in vault.iterdir())
    assert top == [".netnotes", "contacts", "interactions", "netnotes.yaml"]
    assert not (vault / "_site").exists()


def test_a_plain_build_has_no_reload_script(make_vault: MakeVault, tmp_path: Path) -> None:
    from netnotes.loader import load_vault
    from netnotes.site.build import build_site

    vault = make_vault(VAULT)
    out = tmp_path / "site"
    build_site(vault, load_vault(vault), out, TODAY)
    head = _Head()
    head.feed((out / "index.html").read_text(encoding="utf-8"))
    assert not any("reload" in src for src in head.scripts)
    assert head.csp is not None and "connect-src" not in head.csp
    assert not (out / RELOAD_SCRIPT_PATH).exists()


def test_unknown_paths_are_404_not_files_outside_the_site(served: Served) -> None:
    vault, url, _ = served
    with pytest.raises(urllib.error.HTTPError) as err:
        _get(url + "../netnotes.yaml")
    assert err.value.code == 404


def test_a_page_reached_by_dns_rebinding_is_refused(served: Served) -> None:
    """A web page whose name was re-pointed at 127.0.0.1 sends its own Host: it gets nothing."""
    vault, url, _ = served
    request = urllib.request.Request(url + "index.html", headers={"Host": "evil.example:8000"})
    with pytest.raises(urllib.error.HTTPError) as err:
        urllib.request.urlopen(request, timeout=5)  # noqa: S310 - loopback only
    assert err.value.code == 421
    port = url.rsplit(":", 1)[1].strip("/")
    for host in (f"localhost:{port}", f"127.0.0.1:{port}", "localhost"):
        ok = urllib.request.Request(url + "index.html", headers={"Host": host})
        with urllib.request.urlopen(ok, timeout=5) as response:  # noqa: S310 - loopback only
            assert response.status == 200


@pytest.mark.parametrize(
    ("host", "bound", "allowed"),
    [
        ("localhost:8000", "127.0.0.1", True),
        ("[::1]:8000", "::1", True),
        ("192.168.1.5:8000", "192.168.1.5", True),
        ("evil.example", "127.0.0.1", False),
        ("localhost.evil.example:8000", "127.0.0.1", False),
        (None, "127.0.0.1", False),
        ("anything", "0.0.0.0", True),
    ],
)
def test_host_allow_list(host: str | None, bound: str, allowed: bool) -> None:
    from netnotes.serve import host_allowed

    assert host_allowed(host, bound) is allowed


# -- Issue 8: serve and midnight, a taken port, failing writes, folder URLs.


def _start(
    vault: Path, today: Callable[[], dt.date], **kwargs: Any
) -> tuple[str, list[str], threading.Event, threading.Thread]:
    urls: list[str] = []
    logs: list[str] = []
    stop = threading.Event()
    thread = threading.Thread(
        target=serve_vault,
        kwargs=dict(
            root=vault,
            host="127.0.0.1",
            port=0,
            today=today,
            log=logs.append,
            ready=urls.append,
            stop_event=stop,
            **kwargs,
        ),
        daemon=True,
    )
    thread.start()
    assert _wait_for(lambda: bool(urls)), f"server did not start: {logs}"
    return urls[0], logs, stop, thread


class _Dates(HTMLParser):
    """The ``datetime`` of every ``<time>`` of a page, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.dates: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "time":
            self.dates.append(dict(attrs).get("datetime") or "")


def _dashboard_date(url: str) -> str | None:
    """The date the dashboard was built for (the first <time> on it, under the title)."""
    page = _Dates()
    page.feed(_get(url + "index.html"))
    return page.dates[0] if page.dates else None


def test_a_server_left_running_past_midnight_rebuilds_for_the_new_date(make_vault: MakeVault) -> None:
    vault = make_vault(VAULT)
    clock: dict[str, Any] = {"today": dt.date(2026, 3, 10), "reads": 0}

    def today() -> dt.date:
        clock["reads"] += 1
        return clock["today"]

    url, logs, stop, thread = _start(vault, today, day_check_seconds=0.02)
    try:
        assert _dashboard_date(url) == "2026-03-10"
        reads = clock["reads"]
        assert _wait_for(lambda: clock["reads"] >= reads + 5)  # the date was read again and again ...
        assert _get(url + GENERATION_PATH.lstrip("/")) == "1"  # ... and, unchanged, rebuilt nothing
        clock["today"] = dt.date(2026, 3, 11)  # midnight
        assert _wait_for(lambda: _get(url + GENERATION_PATH.lstrip("/")) == "2"), logs
        assert _dashboard_date(url) == "2026-03-11"
        assert "the date is now 2026-03-11: rebuilding" in logs
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_taken_port_is_said_before_anything_is_built(make_vault: MakeVault, run_cli: RunCli) -> None:
    import socket

    vault = make_vault(VAULT)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = run_cli("--vault", vault, "serve", "--port", str(port), "--today", "2026-03-10")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot listen on 127.0.0.1:{port}: Address already in use")
    assert "built" not in result.stderr and not (vault / ".netnotes").exists()


def test_a_failing_write_in_serve_is_an_error_line_and_keeps_the_old_site(
    make_vault: MakeVault,
    run_cli: RunCli,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import errno

    from netnotes.loader import load_vault
    from netnotes.site import output
    from netnotes.site.build import build_site

    vault = make_vault(VAULT)
    served = vault / ".netnotes" / "serve"
    build_site(vault, load_vault(vault), served, TODAY)  # what an earlier serve left
    old = {p: p.read_bytes() for p in served.rglob("*") if p.is_file()}

    def disk_full(self: output.Staging, relpath: str, data: str | bytes) -> None:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(output.Staging, "write", disk_full)
    result = run_cli("--vault", vault, "serve", "--port", "0", "--today", "2026-03-10")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"Error: cannot write the site to '{served}': No space left on device;")
    assert "Serving" not in result.stdout and "Traceback" not in result.output
    assert {p: p.read_bytes() for p in served.rglob("*") if p.is_file()} == old


def test_folder_urls_without_an_index_page_are_404_not_listings(make_vault: MakeVault) -> None:
    vault = make_vault({**VAULT, "theme/static/help/index.html": "<p>help</p>"})
    url, logs, stop, thread = _start(vault, lambda: TODAY)
    try:
        for folder in ("static/", "static", "contacts/", "static/help/../"):
            with pytest.raises(urllib.error.HTTPError) as err:
                _get(url + folder)
            assert err.value.code == 404, folder
        head = urllib.request.Request(url + "static/", method="HEAD")
        with pytest.raises(urllib.error.HTTPError) as err:
            urllib.request.urlopen(head, timeout=5)  # noqa: S310 - loopback only
        assert err.value.code == 404
        assert "Served network" in _get(url)  # a folder with an index.html is still its page
        assert _get(url + "static/help/") == "<p>help</p>"
    finally:
        stop.set()
        thread.join(timeout=10)


# -- Issue 12: serve keeps the parsed notes between rebuilds, and a moved git HEAD is a change.


def test_a_rebuild_after_editing_one_note_reads_only_that_note(
    make_vault: MakeVault, monkeypatch: pytest.MonkeyPatch
) -> None:
    from netnotes import loader, notecache
    from netnotes.notes import Note, read_note

    real_clock = notecache.now_ns
    monkeypatch.setattr(notecache, "now_ns", lambda: real_clock() + 3600 * 10**9)  # the notes were saved long ago
    reads: list[str] = []

    def counting(abspath: str, relpath: str) -> Note:
        reads.append(relpath)
        return read_note(abspath, relpath)

    monkeypatch.setattr(loader, "read_note", counting)
    vault = make_vault({**VAULT, "contacts/sam-lee.md": "---\nname: Sam Lee\n---\n"})
    url, logs, stop, thread = _start(vault, lambda: TODAY)
    try:
        assert sorted(reads) == ["contacts/jane-doe.md", "contacts/sam-lee.md", "interactions/2026-01-05-coffee.md"]
        reads.clear()
        (vault / "contacts/sam-lee.md").write_text("---\nname: Sam Leigh\n---\n", encoding="utf-8")
        assert _wait_for(lambda: _get(url + GENERATION_PATH.lstrip("/")) == "2"), logs
        assert "Sam Leigh" in _get(url + "contacts.html")
        assert reads == ["contacts/sam-lee.md"]
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_save_seen_by_the_observer_reloads_the_page_without_walking_the_vault(
    make_vault: MakeVault, walks: list[str]
) -> None:
    """The load is told the path the observer saw (tests/test_load_told.py); a new folder,
    whose events may be incomplete, makes it walk."""
    vault = make_vault({**VAULT, "contacts/sam-lee.md": "---\nname: Sam Lee\n---\n"})
    url, logs, stop, thread = _start(vault, lambda: TODAY)
    try:
        note = vault / "contacts/sam-lee.md"
        note.write_text("---\nname: Sam Leigh\n---\n", encoding="utf-8")
        assert _wait_for(lambda: _get(url + GENERATION_PATH.lstrip("/")) == "2"), logs
        assert "Sam Leigh" in _get(url + "contacts.html")
        walked = len(walks)  # the first two builds walk: the observer started after the first
        note.write_text("---\nname: Samuel Leigh\n---\n", encoding="utf-8")
        assert _wait_for(lambda: _get(url + GENERATION_PATH.lstrip("/")) == "3"), logs
        assert "Samuel Leigh" in _get(url + "contacts.html")
        assert len(walks) == walked
        (vault / "interactions/2027").mkdir()
        (vault / "interactions/2027/2026-02-02-walk.md").write_text(
            "---\ndate: 2026-02-02\nwith: sam-lee\n---\n", encoding="utf-8"
        )
        assert _wait_for(lambda: "2026-02-02" in _get(url + "contacts/sam-lee.html")), logs
        assert len(walks) > walked
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_a_commit_or_checkout_rebuilds_the_site(tmp_path: Path) -> None:
    from git_history import Repo

    repo = Repo(tmp_path / "repo")
    repo.commit({**VAULT}, "2026-01-10")
    url, logs, stop, thread = _start(repo.vault, lambda: TODAY, head_check_seconds=0.05)
    try:
        assert _get(url + GENERATION_PATH.lstrip("/")) == "1"
        repo.git("commit", "-q", "--allow-empty", "-m", "nothing but a commit", date="2026-01-11")
        assert _wait_for(lambda: _get(url + GENERATION_PATH.lstrip("/")) == "2"), logs
        assert "the git HEAD has moved: rebuilding" in logs
        repo.git("checkout", "-q", "-b", "elsewhere")  # the same commit on another branch
        assert _wait_for(lambda: _get(url + GENERATION_PATH.lstrip("/")) == "3"), logs
    finally:
        stop.set()
        thread.join(timeout=10)
    assert not thread.is_alive()


def test_git_head_is_read_from_git_s_files(tmp_path: Path) -> None:
    from git_history import Repo

    from netnotes.serve import git_head

    assert git_head(tmp_path) is None
    repo = Repo(tmp_path / "repo", vault="notes")
    assert git_head(repo.vault) == "refs/heads/main (no commit yet)"
    repo.commit({"contacts/a.md": "---\nname: A\n---\n"}, "2026-01-10")
    commit = repo.git("rev-parse", "HEAD")
    assert git_head(repo.vault) == f"refs/heads/main {commit}"
    repo.git("pack-refs", "--all")
    assert not (repo.top / ".git/refs/heads/main").exists()
    assert git_head(repo.vault) == f"refs/heads/main {commit}"
    repo.git("checkout", "-q", "--detach")
    assert git_head(repo.vault) == commit
    repo.git("worktree", "add", "-q", str(tmp_path / "linked"), "-b", "linked")
    assert git_head(tmp_path / "linked") == f"refs/heads/linked {commit}"
