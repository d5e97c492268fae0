"""``build_site``: the loaded vault -> page contexts -> the theme's templates -> a folder of files.

It is a library function so ``netnotes serve`` can call it on every change: each call loads the
theme afresh, renders every note body once, and swaps the finished site in whole. Output is a
function of (vault, today, options) alone: no clock, no randomness, everything sorted.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import signal
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__
from ..calendar import build_calendar
from ..loader import LoadResult
from ..moves import moves_for
from .bodies import render_bodies
from .output import CACHE_DIR, Staging, check_output, staged_output
from .pages import Links, Page, SiteModel, pages
from .search import index_script, search_entries
from .theme import Theme, load_theme

CSP = (
    "default-src 'none'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    "base-uri 'none'",
    "form-action 'none'",
)
SEARCH_INDEX = "static/search-index.js"
RENDER_CACHE = Path(CACHE_DIR) / "cache"  # in the vault: rendered notes kept between builds
CALENDAR = "followups.ics"
PARALLEL_PAGES = 2000  # pages; below this, forking workers costs more than it saves


class ThemeError(Exception):
    """A template of the theme (most likely the vault's own) cannot be used; nothing is written."""


def _theme_error(name: str, err: jinja2.TemplateError) -> str:
    where = name
    if isinstance(err, jinja2.TemplateSyntaxError):
        where = f"{err.filename or err.name or name}:{err.lineno}"
    elif isinstance(err, jinja2.TemplateNotFound):
        return f"theme template {name}: template '{err.name}' not found"
    return f"theme template {where}: {err.message or type(err).__name__}"


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Hooks for callers such as ``netnotes serve``; the defaults build the plain site.

    ``extra_scripts`` are site-root-relative paths added as ``<script>`` to every page (after
    the theme's own), ``extra_files`` are written into the output as given (e.g. the script
    itself), and ``connect_src`` extends the Content-Security-Policy (e.g. ``("'self'",)`` so a
    live-reload script may open an EventSource to the server that serves the site).
    """

    extra_scripts: tuple[str, ...] = ()
    extra_files: tuple[tuple[str, bytes], ...] = ()
    connect_src: tuple[str, ...] = ()
    jobs: int | None = None  # processes for rendering notes; None: one per core
    cache: bool = True  # keep rendered notes and the git history read in the vault's .netnotes/cache/


@dataclass(frozen=True, slots=True)
class SiteInfo:
    """What every template receives as ``site``."""

    title: str
    owner: str | None
    today: dt.date
    contacts: int
    interactions: int
    asks: int
    errors: int
    warnings: int
    version: str
    calendar: str  # the followups.ics path, relative to the site root
    csp: str
    extra_scripts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class BuildReport:
    out: Path
    pages: int
    files: int
    bytes: int
    seconds: float
    contacts: int
    interactions: int
    asks: int
    errors: int
    warnings: int
    cache_warnings: tuple[str, ...] = ()  # the render cache could not be used or saved: no failure

    def summary(self) -> str:
        problems = f"{self.errors} error{'s' * (self.errors != 1)}, {self.warnings} warning{'s' * (self.warnings != 1)}"
        return (
            f"built {self.pages} pages ({self.files} files, {self.bytes / 2**20:.1f} MiB) for "
            f"{self.contacts} contacts, {self.interactions} interactions, {self.asks} asks "
            f"in {self.seconds:.2f}s; {problems}"
        )


def _render_pages(stage: Staging, theme: Theme, site: SiteInfo, links: Links, todo: list[Page]) -> None:
    templates: dict[str, jinja2.Template] = {}
    for page in todo:
        context: dict[str, Any] = {
            "site": site,
            "page": page,
            "root": "../" * page.path.count("/"),
            "links": links,
            **page.context,
        }
        try:
            template = templates.get(page.template)
            if template is None:
                template = templates[page.template] = theme.env.get_template(page.template)
            html = template.render(context)
        except jinja2.TemplateError as err:
            raise ThemeError(_theme_error(page.template, err)) from None
        stage.write(page.path, html)


def _write_pages(
    stage: Staging, theme: Theme, site: SiteInfo, model: SiteModel, bodies: dict[str, Markup], jobs: int | None
) -> int:
    """Render every page into ``stage``; large sites in forked worker processes, each taking
    every n-th page (they inherit the model instead of receiving it pickled)."""
    todo = list(pages(model, bodies))
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    # fork is only safe in a process with no other thread (`netnotes serve` has several)
    if (
        jobs <= 1
        or len(todo) < PARALLEL_PAGES
        or threading.active_count() > 1
        or "fork" not in multiprocessing.get_all_start_methods()
    ):
        _render_pages(stage, theme, site, model.links, todo)
        return len(todo)
    global _forked
    _forked = (stage.folder, theme, site, model.links, todo, jobs)
    try:
        with ProcessPoolExecutor(
            max_workers=jobs, mp_context=multiprocessing.get_context("fork"), initializer=_ignore_ctrl_c
        ) as pool:
            for files, size in pool.map(_render_share, range(jobs)):
                stage.files += files
                stage.bytes += size
    finally:
        _forked = None
    return len(todo)


_forked: tuple[Path, Theme, SiteInfo, Links, list[Page], int] | None = None


def _ignore_ctrl_c() -> None:
    """Workers leave Ctrl-C to the main process, which stops the build and keeps the old site."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _render_share(index: int) -> tuple[int, int]:
    assert _forked is not None
    folder, theme, site, links, todo, jobs = _forked
    stage = Staging(folder)
    _render_pages(stage, theme, site, links, todo[index::jobs])
    return stage.files, stage.bytes


def _read_static(theme: Theme) -> dict[str, bytes]:
    try:
        return {relpath: source.read_bytes() for relpath, source in theme.static.items()}
    except OSError as err:
        raise ThemeError(f"theme file {err.filename}: cannot read it: {err.strerror or err}") from None


def content_security_policy(options: BuildOptions) -> str:
    parts = list(CSP)
    if options.connect_src:
        parts.append("connect-src " + " ".join(options.connect_src))
    return "; ".join(parts)


def build_site(
    vault_root: Path, result: LoadResult, out_dir: Path, today: dt.date, options: BuildOptions = BuildOptions()
) -> BuildReport:
    """Build the dashboard of ``result`` (loaded from ``vault_root``) into ``out_dir``.

    Raises ``output.OutputRefused`` before writing anything when ``out_dir`` cannot be used
    (``output.check_output``). On any error the previous site stays as it was.
    """
    started = time.perf_counter()
    check_output(out_dir, vault_root)  # before the render cache is written, or anything else
    vault = result.vault
    theme = load_theme(vault_root, today)
    cache_warnings: list[str] = []
    moves = moves_for(vault_root, vault.config, cache_warnings.append, options.cache)
    model = SiteModel(vault, today, result.problems, moves)
    cache = Path(vault_root) / RENDER_CACHE if options.cache else None
    bodies = render_bodies(vault, model.links, options.jobs, cache, cache_warnings.append)
    errors = sum(p.is_error for p in result.problems)
    site = SiteInfo(
        title=vault.config.title,
        owner=vault.config.owner,
        today=today,
        contacts=len(vault.contacts),
        interactions=len(vault.interactions),
        asks=len(vault.asks),
        errors=errors,
        warnings=len(result.problems) - errors,
        version=__version__,
        calendar=CALENDAR,
        csp=content_security_policy(options),
        extra_scripts=options.extra_scripts,
    )
    static = _read_static(theme)  # read first: inside the staging block, an OSError is a failed write
    with staged_output(out_dir, vault_root) as stage:
        for relpath, data in static.items():
            stage.write(f"static/{relpath}", data)
        stage.write(SEARCH_INDEX, index_script(search_entries(model)))
        count = _write_pages(stage, theme, site, model, bodies, options.jobs)
        stage.write(CALENDAR, build_calendar(vault, today, moves))
        for relpath, data in options.extra_files:
            stage.write(relpath, data)
        files, size = stage.files, stage.bytes
    return BuildReport(
        Path(out_dir),
        count,
        files,
        size,
        time.perf_counter() - started,
        len(vault.contacts),
        len(vault.interactions),
        len(vault.asks),
        errors,
        len(result.problems) - errors,
        tuple(cache_warnings),
    )
