"""``netnotes serve``: serve the built dashboard on localhost, rebuild on change, reload the page.

The server is the standard library's threading HTTP server on the output folder; it takes its
port before the first build, so a taken port is said at once. A watchdog observer sees changes
to the vault's notes, settings and theme, and a timer sees the date change at midnight; after a
short quiet period the site is rebuilt (into a fresh folder, swapped in whole) and a generation
counter goes up. A git commit or checkout (the vault's HEAD moving) is a change too. The server
keeps the parsed notes in memory between rebuilds, so a rebuild reads only the notes that
changed. The pages' own script polls ``/__netnotes__/generation`` (same origin, allowed
by the page's CSP) only when served over http, and reloads when the number changes, so a built
site opened from disk makes no request at all.
"""

from __future__ import annotations

import datetime as dt
import functools
import http.server
import logging
import os
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, Generic, TypeVar

from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver

GENERATION_PATH = "/__netnotes__/generation"
# Editors save in a burst of events a few milliseconds long (a temporary file, then a rename);
# a change during a rebuild makes another one, so a short wait loses nothing.
QUIET_SECONDS = 0.05
# What a rebuild leaves until browsers are told (removing the old site, writing the manifest)
# waits this long, or until the next change, so that the pages' reload requests are answered
# first: writing a large manifest is one long call that holds the interpreter meanwhile.
AFTER_SECONDS = 0.3
DAY_CHECK_SECONDS = 30.0  # how often a running server asks whether the date has changed
HEAD_CHECK_SECONDS = 0.5  # how often it reads where the vault's git HEAD is
IGNORED_PARTS = {".git", ".netnotes", ".obsidian", "_site", "__pycache__"}


class Generation:
    """A counter that goes up after every successful rebuild, which a page's reload script can
    wait on (``after``): the page reloads as soon as the rebuild is done, not at its next poll."""

    def __init__(self) -> None:
        self._value = 1
        self._closed = False
        self._changed = threading.Condition()

    @property
    def value(self) -> int:
        with self._changed:
            return self._value

    def bump(self) -> int:
        with self._changed:
            self._value += 1
            self._changed.notify_all()
            return self._value

    def after(self, seen: int, timeout: float) -> int:
        """The generation once it is not ``seen`` (at once if it already is not), or after
        ``timeout`` seconds, whichever comes first."""
        with self._changed:
            self._changed.wait_for(lambda: self._value != seen or self._closed, timeout)
            return self._value

    def close(self) -> None:
        """Answer every waiting ``after`` at once, and every later one: the server is stopping."""
        with self._changed:
            self._closed = True
            self._changed.notify_all()


LONG_POLL_SECONDS = 25.0  # a reload script's request is answered within this, changed or not


def _seen(query: str) -> int | None:
    """The generation a reload script has seen (``after=N``), if it says so."""
    for part in query.split("&"):
        name, _, value = part.partition("=")
        if name == "after" and value.isdecimal() and len(value) < 19:
            return int(value)
    return None


LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1"})
ANY_ADDRESS = frozenset({"", "0.0.0.0", "::"})


def host_allowed(host_header: str | None, bound: str) -> bool:
    """Whether a request's Host names this server, which defeats DNS rebinding: a web page
    whose own name was re-pointed at 127.0.0.1 still sends its own name, and is refused."""
    if bound in ANY_ADDRESS:
        return True  # listening everywhere: the user chose to share it; any name may reach it
    if not host_header:
        return False
    name = host_header.strip().lower()
    if name.startswith("["):
        name = name[1:].split("]", 1)[0]
    elif name.count(":") == 1:
        name = name.split(":", 1)[0]
    return name in LOCAL_NAMES or name == bound.lower().strip("[]")


def _handler(directory: Path, generation: Generation, bound: str) -> type[http.server.SimpleHTTPRequestHandler]:
    class Handler(http.server.SimpleHTTPRequestHandler):
        served_generation: int | None = None  # of the file this response serves, if one

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, directory=str(directory), **kwargs)

        def do_HEAD(self) -> None:  # noqa: N802 - the standard library's name
            if not host_allowed(self.headers.get("Host"), bound):
                self.send_error(421, "Misdirected Request: unknown Host")
                return
            super().do_HEAD()

        def do_GET(self) -> None:  # noqa: N802 - the standard library's name
            if not host_allowed(self.headers.get("Host"), bound):
                self.send_error(421, "Misdirected Request: unknown Host")
                return
            path, _, query = self.path.partition("?")
            if path == GENERATION_PATH:
                seen = _seen(query)  # ?after=N: answer once the generation is not N
                body = str(generation.value if seen is None else generation.after(seen, LONG_POLL_SECONDS)).encode()
                self.send_response(200)
                self.send_header("Content-Type", "text/plain; charset=utf-8")
                self.send_header("Cache-Control", "no-store")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
                return
            super().do_GET()

        def send_head(self) -> Any:  # noqa: ANN401 - the standard library's (a file or None)
            """A file's response (GET and HEAD alike). The generation of the site the file is
            read from is told to the page (its reload script reads it from the navigation's
            Server-Timing): taken before the file is opened, so a page is never told a
            generation newer than its bytes (one older only costs a second reload), and a
            rebuild done before the script runs is not missed. And never "304 Not Modified":
            Last-Modified counts whole seconds, and a page rebuilt within the second it was
            last written would be shown from the browser's cache."""
            self.served_generation = generation.value
            del self.headers["If-Modified-Since"]
            return super().send_head()

        def list_directory(self, path: str | os.PathLike[str]) -> None:
            """A folder without an index.html is not a page: no listing of the site's files."""
            self.send_error(404, "File not found")
            return None

        def end_headers(self) -> None:
            if self.served_generation is not None:  # this response's only (a connection serves several)
                self.send_header("Server-Timing", f'generation;desc="{self.served_generation}"')
                self.served_generation = None
            self.send_header("Cache-Control", "no-cache")
            self.send_header("X-Content-Type-Options", "nosniff")
            self.send_header("Referrer-Policy", "no-referrer")
            super().end_headers()

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002
            pass  # quiet: the terminal shows rebuilds, not every request

    return Handler


NOTE_FOLDERS = ("contacts", "interactions", "asks")  # discover.KINDS, without importing the library
CONFIG_FILE = "netnotes.yaml"


class Watched:
    """What the observer saw change in the vault since the last load took it (``take``): the
    paths of every file event in the note folders, given to the load so that it need not walk
    the vault (``loader.Changes``). Never a guess: ``take`` gives None (walk) when the events
    may be incomplete: the first loads (the observer starts after the first build, and a load
    may use them only when the observer ran all the time since the load before), after a
    folder was created, removed or moved, netnotes.yaml changed, the observer stopped or
    warned (lost events: the kernel's queue overflowed), a load failed, or ``distrust`` was
    called (the git HEAD moved, midnight)."""

    def __init__(self, root: Path) -> None:
        self.root = str(root)
        self._lock = threading.Lock()
        self._paths: set[str] = set()
        self._trusted = False
        self._observer: BaseObserver | None = None

    def watching(self, observer: BaseObserver) -> None:
        """``observer`` (an inotify one: other platforms' observers coalesce events) now runs."""
        with self._lock:
            self._observer = observer if _is_inotify(observer) else None

    def saw(self, event: FileSystemEvent) -> None:
        """Keep ``event``'s paths that a load reads (every path in a note folder but hidden ones,
        which the walk skips: not only those that make a rebuild), or distrust the events."""
        paths = [
            os.path.relpath(os.fsdecode(p), self.root).replace(os.sep, "/")
            for p in (event.src_path, event.dest_path)
            if p
        ]
        with self._lock:
            for rel in paths:
                parts = rel.split("/")
                if rel in (".", CONFIG_FILE) or parts[0] == "..":
                    self._trusted = False  # the vault itself (whose mode can hide every note), or its settings
                elif parts[0] not in NOTE_FOLDERS or any(part.startswith(".") for part in parts):
                    continue  # never read by a load
                elif event.is_directory and event.event_type not in ("modified", "attrib"):
                    self._trusted = False  # files in it came or went, and a new folder's watch starts late
                else:
                    self._paths.add(rel)

    def distrust(self) -> None:
        with self._lock:
            self._trusted = False

    def take(self) -> Any:  # noqa: ANN401 - a loader.Changes or None; the loader is imported late
        """What changed since the last ``take`` (None: walk), and from now on the next one's."""
        from .loader import Changes

        with self._lock:
            healthy = self._observer is not None and _alive(self._observer)
            hint = Changes(frozenset(self._paths)) if self._trusted and healthy else None
            self._paths = set()
            self._trusted = healthy
        return hint


def _is_inotify(observer: BaseObserver) -> bool:
    try:
        from watchdog.observers.inotify import InotifyObserver
    except ImportError:  # not Linux
        return False
    return isinstance(observer, InotifyObserver)


def _alive(observer: BaseObserver) -> bool:
    return observer.is_alive() and all(emitter.is_alive() for emitter in observer.emitters)


class _LostEvents(logging.Handler):
    """watchdog says in a warning when events were lost (the kernel's queue overflowed) or a
    watch could not be made; either makes the events untrustworthy until a load walks. The
    warning is said in serve's log (this handler stands in for Python's last resort, stderr)."""

    def __init__(self, watched: Watched, log: Callable[[str], None]) -> None:
        super().__init__(logging.WARNING)
        self.watched = watched
        self.log = log

    def emit(self, record: logging.LogRecord) -> None:
        self.watched.distrust()
        self.log(f"Warning: the file watcher: {record.getMessage()}; the next rebuild lists every note file")


class _VaultChanges(FileSystemEventHandler):
    def __init__(self, root: Path, output: Path, on_change: Callable[[], None], watched: Watched | None = None) -> None:
        self.root = root.resolve()
        self.output = output.resolve()
        self.on_change = on_change
        self.watched = watched

    def relevant(self, path: bytes | str) -> bool:
        p = Path(os.fsdecode(path)).resolve() if path else self.root
        if p == self.output or self.output in p.parents:
            return False
        try:
            parts = p.relative_to(self.root).parts
        except ValueError:
            return False
        return not any(part in IGNORED_PARTS or part.startswith(".") for part in parts)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write"):
            return
        if self.watched is not None:
            self.watched.saw(event)
        if any(self.relevant(p) for p in (event.src_path, event.dest_path) if p):
            self.on_change()


class Rebuilder:
    """Runs ``build`` once per burst of changes, never two at a time."""

    def __init__(
        self,
        build: Callable[[], None],
        generation: Generation,
        log: Callable[[str], None],
        after: Callable[[], None] | None = None,
    ) -> None:
        self.build = build
        self.generation = generation
        self.log = log
        self.after = after  # what a build left to do once browsers are told (before the next)
        self._due: float | None = None
        self._cond = threading.Condition()
        self._stop = False
        self._thread = threading.Thread(target=self._run, name="netnotes-rebuild", daemon=True)
        self._thread.start()

    def changed(self) -> None:
        with self._cond:
            self._due = time.monotonic() + QUIET_SECONDS
            self._cond.notify()

    def stop(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stop and (self._due is None or time.monotonic() < self._due):
                    timeout = None if self._due is None else max(0.0, self._due - time.monotonic())
                    self._cond.wait(timeout)
                if self._stop:
                    return
                self._due = None
            started = time.monotonic()
            try:
                self.build()
            except Exception as err:  # keep serving the last good site
                self.log(f"rebuild failed: {err}")
                continue
            self.log(
                f"rebuilt in {time.monotonic() - started:.2f}s; reloading browsers "
                f"(generation {self.generation.bump()})"
            )
            if self.after is not None:
                with self._cond:  # browsers first: the work after holds the interpreter in long stretches
                    until = time.monotonic() + AFTER_SECONDS
                    while not self._stop and self._due is None and time.monotonic() < until:
                        self._cond.wait(max(0.0, until - time.monotonic()))
                try:
                    self.after()
                except Exception as err:  # the site is served; the next build does it again
                    self.log(f"after the rebuild: {err}")


WATCHED_FOLDERS = ("contacts", "interactions", "asks", "theme")


def _watch(root: Path, output: Path, on_change: Callable[[], None], watched: Watched | None = None) -> BaseObserver:
    """Watch the note folders and theme recursively and the vault's top level alone, so that
    the output and cache folders, which every build replaces, are never watched. ``watched``
    is told every event and, once it runs, the observer."""
    observer = Observer()
    scheduled: set[str] = set()

    def watch_new_folders() -> None:
        for name in WATCHED_FOLDERS:
            if name not in scheduled and (root / name).is_dir():
                observer.schedule(handler, str(root / name), recursive=True)
                scheduled.add(name)

    def changed() -> None:
        watch_new_folders()  # a note folder made after serve started
        on_change()

    handler = _VaultChanges(root, output, changed, watched)
    observer.schedule(handler, str(root), recursive=False)
    watch_new_folders()
    observer.start()
    if watched is not None:
        watched.watching(observer)
    return observer


Value = TypeVar("Value")


class Poll(Generic[Value]):
    """Calls ``on_change`` with what ``read()`` returns whenever it is not what it last was,
    reading it every ``seconds`` in a thread of its own, from ``first`` on."""

    def __init__(
        self, read: Callable[[], Value], first: Value, on_change: Callable[[Value], None], seconds: float, name: str
    ) -> None:
        self.read = read
        self.value = first
        self.on_change = on_change
        self.seconds = seconds
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self.seconds):
            value = self.read()
            if value != self.value:
                self.value = value
                self.on_change(value)


class NewDayWatch(Poll[dt.date]):
    """Calls ``on_new_day`` when ``today()`` returns another date than it last did, so a server
    left running overnight rebuilds its overdue and today lists (without ``--today`` the date
    is the local one, read at each build). ``today`` and ``seconds`` are the clock and how
    often to read it."""

    def __init__(
        self,
        today: Callable[[], dt.date],
        first_day: dt.date,
        on_new_day: Callable[[dt.date], None],
        seconds: float = DAY_CHECK_SECONDS,
    ) -> None:
        super().__init__(today, first_day, on_new_day, seconds, "netnotes-new-day")


def git_head(root: Path) -> str | None:
    """Where the git HEAD of the repository holding ``root`` is: the branch it names and that
    branch's commit (or the commit itself, detached), read from git's own files without
    running git, and without writing anything; None outside a repository."""
    git = _git_folder(root)
    if git is None:
        return None
    head = _first_line(git / "HEAD")
    if head is None or not head.startswith("ref:"):
        return head
    ref = head[4:].strip()
    common = _first_line(git / "commondir")  # a linked worktree keeps branches in the main one
    shared = (git / common) if common else git
    commit = _first_line(git / ref) or _first_line(shared / ref) or _packed_ref(shared, ref)
    return f"{ref} {commit or '(no commit yet)'}"


def _git_folder(root: Path) -> Path | None:
    """The ``.git`` folder of the repository whose work tree holds ``root`` (a ``.git`` file
    names it, in worktrees and submodules)."""
    here = Path(os.path.abspath(root))
    for folder in (here, *here.parents):
        dot_git = folder / ".git"
        if dot_git.is_dir():
            return dot_git
        if dot_git.is_file():
            line = _first_line(dot_git) or ""
            return folder / line[len("gitdir:") :].strip() if line.startswith("gitdir:") else None
    return None


def _first_line(path: Path) -> str | None:
    try:
        with open(path, encoding="utf-8", errors="replace") as f:
            return f.readline(4096).strip() or None
    except OSError:
        return None


def _packed_ref(git: Path, ref: str) -> str | None:
    try:
        with open(git / "packed-refs", encoding="utf-8", errors="replace") as f:
            for line in f:
                commit, _, name = line.strip().partition(" ")
                if name == ref:
                    return commit
    except OSError:
        pass
    return None


class ListenError(Exception):
    """The server cannot take HOST:PORT (taken, not an address of this machine, ...): exit 2."""


class _Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:  # noqa: ANN401 - the standard library's
        """A browser that went away (a closed tab, a reload) is no error worth printing."""
        if isinstance(sys.exc_info()[1], ConnectionError):
            return
        super().handle_error(request, client_address)


def listen(host: str, port: int, directory: Path, generation: Generation) -> http.server.ThreadingHTTPServer:
    """Bind ``host``:``port`` to a server of ``directory`` (which need not exist yet)."""
    try:
        server = _Server((host, port), _handler(directory, generation, host))
    except OSError as err:
        raise ListenError(f"cannot listen on {host}:{port}: {err.strerror or err}") from None
    server.daemon_threads = True
    return server


def serve(
    root: Path,
    output: Path,
    build: Callable[[], None],
    host: str,
    server: http.server.ThreadingHTTPServer,
    generation: Generation,
    log: Callable[[str], None],
    ready: Callable[[str], None] | None = None,
    stop_event: threading.Event | None = None,
    today: Callable[[], dt.date] | None = None,
    first_day: dt.date | None = None,
    day_check_seconds: float = DAY_CHECK_SECONDS,
    head_check_seconds: float = HEAD_CHECK_SECONDS,
    watched: Watched | None = None,
    after_build: Callable[[], None] | None = None,
) -> None:
    """Serve ``output`` with ``server`` until Ctrl-C (raised on, after cleaning up) or
    ``stop_event``, rebuilding on vault changes, when its git HEAD moves and, given ``today``,
    when the date changes. ``watched`` collects what the observer sees for ``build``'s loads;
    ``after_build`` runs after each rebuild's generation bump."""
    rebuilder = Rebuilder(build, generation, log, after_build)
    day_watch: NewDayWatch | None = None
    head_watch: Poll[str | None] | None = None
    observer: BaseObserver | None = None
    lost = _LostEvents(watched, log) if watched is not None else None
    if lost is not None:
        logging.getLogger("watchdog").addHandler(lost)
    thread = threading.Thread(target=functools.partial(server.serve_forever, poll_interval=0.2), daemon=True)
    thread.start()
    try:
        observer = _watch(root, output, rebuilder.changed, watched)
        if today is not None:

            def new_day(day: dt.date) -> None:
                log(f"the date is now {day.isoformat()}: rebuilding")
                if watched is not None:
                    watched.distrust()
                rebuilder.changed()

            day_watch = NewDayWatch(today, first_day or today(), new_day, day_check_seconds)

        def head_moved(head: str | None) -> None:
            log("the git HEAD has moved: rebuilding")
            if watched is not None:
                watched.distrust()
            rebuilder.changed()

        head_watch = Poll(lambda: git_head(root), git_head(root), head_moved, head_check_seconds, "netnotes-git-head")
        if ready:
            ready(f"http://{host if ':' not in host else f'[{host}]'}:{server.server_address[1]}/")
        if stop_event is not None:
            stop_event.wait()
        else:
            while thread.is_alive():
                thread.join(0.5)
    finally:
        generation.close()  # the pages' waiting requests are answered now, not in LONG_POLL_SECONDS
        server.shutdown()
        server.server_close()
        if day_watch is not None:
            day_watch.stop()
        if head_watch is not None:
            head_watch.stop()
        if observer is not None:
            observer.stop()
            observer.join(timeout=5)
        rebuilder.stop()
        if lost is not None:
            logging.getLogger("watchdog").removeHandler(lost)


RELOAD_SCRIPT = "netnotes-reload.js"  # in the theme's static folder, put only in the served copy
RELOAD_SCRIPT_PATH = f"static/{RELOAD_SCRIPT}"


def serve_vault(
    root: Path,
    host: str,
    port: int,
    today: Callable[[], dt.date],
    log: Callable[[str], None],
    ready: Callable[[str], None] | None = None,
    stop_event: threading.Event | None = None,
    day_check_seconds: float = DAY_CHECK_SECONDS,
    head_check_seconds: float = HEAD_CHECK_SECONDS,
) -> None:
    """Take ``host``:``port``, build the vault's dashboard into its cache folder and serve it,
    rebuilding on change, when the git HEAD moves and when ``today()`` moves on to another date.
    The parsed notes, the theme's compiled templates, the rendered note bodies and the search
    words stay in memory from one build to the next (``site.build.Kept``): a rebuild reads only
    the notes whose files changed and renders only the bodies that did.

    The served copy lives in ``.netnotes/serve/`` rather than the build output, because it
    carries the reload script and a CSP that lets it ask this server for the generation.
    Raises ``ListenError`` before building anything when the port cannot be had, and the
    first build's errors (``OutputRefused``, ``SiteWriteError``, ``ThemeError``) as they are.
    """
    from .loader import load_vault
    from .notecache import NoteCache
    from .site.build import BuildOptions, Kept, build_site
    from .site.theme import served_only_file

    output = root / ".netnotes" / "serve"
    options = BuildOptions(
        extra_scripts=(RELOAD_SCRIPT_PATH,),
        extra_files=((RELOAD_SCRIPT_PATH, served_only_file(RELOAD_SCRIPT)),),
        connect_src=("'self'",),
    )

    notes = NoteCache(root)
    # the theme, the rendered bodies, the search words and the manifest, from one build to the
    # next; what does not change the site (removing the old one, writing the manifest) is done
    # after the generation is bumped, so browsers reload without waiting for it
    kept = Kept(defer=True)

    def finish() -> None:
        for warning in kept.finish():
            log(f"Warning: {warning}")

    watched = Watched(root)  # what the observer saw change: a load looks at those paths, not the whole vault

    def build() -> None:
        day = today()
        try:
            result = load_vault(root, today=day, cache=notes, hint=watched.take())
        except BaseException:
            watched.distrust()  # the paths taken were not loaded
            raise
        for warning in result.cache_warnings:
            log(f"Warning: {warning}")
        for line in result.notices("the dashboard is incomplete"):
            log(line)
        report = build_site(root, result, output, day, options, kept)
        for warning in report.cache_warnings:
            log(f"Warning: {warning}")
        log(report.summary())

    generation = Generation()
    server = listen(host, port, output, generation)  # first: a taken port is said before any build
    try:
        first_day = today()
        build()
        finish()
    except BaseException:
        server.server_close()
        raise
    serve(
        root,
        output,
        build,
        host,
        server,
        generation,
        log,
        ready,
        stop_event,
        today,
        first_day,
        day_check_seconds,
        head_check_seconds,
        watched,
        finish,
    )
