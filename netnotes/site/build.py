"""``build_site``: the loaded vault -> page contexts -> the theme's templates -> a folder of files.

It is a library function so ``netnotes serve`` can call it on every change: each call loads the
theme afresh, renders every note body once, and swaps the finished site in whole. Output is a
function of (vault, today, options) alone: no clock, no randomness, everything sorted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import shutil
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__, notecache
from ..calendar import build_calendar
from ..loader import LoadResult
from ..moves import moves_for
from ..parallel import parallel_map
from .bodies import render_bodies
from .encrypt import SALT_FILE, Encryption, Sealer, sealer_for, site_key
from .output import CACHE_DIR, Staging, Transform, check_output, remove_stale_staging, staged_output
from .pages import Links, Page, SiteModel, pages
from .search import Entry, index_script, search_entries
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
    encryption: Encryption | None = None  # build --encrypt: seal every page for a passphrase


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
    calendar: str | None  # the followups.ics path, relative to the site root; None: no calendar
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
    encrypted: bool = False

    def summary(self) -> str:
        problems = f"{self.errors} error{'s' * (self.errors != 1)}, {self.warnings} warning{'s' * (self.warnings != 1)}"
        return (
            f"built {self.pages} {'encrypted ' * self.encrypted}pages "
            f"({self.files} files, {self.bytes / 2**20:.1f} MiB) for "
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
    """Render every page into ``stage``; large sites in forked worker processes, which inherit
    the pages and the theme instead of receiving them pickled (only page numbers travel)."""
    todo = list(pages(model, bodies))
    shared = (stage.folder, stage.transform, theme, site, model.links, todo)
    written = parallel_map(_render_share, range(len(todo)), shared, threshold=PARALLEL_PAGES, jobs=jobs, fork=True)
    stage.files += sum(files for files, _ in written)
    stage.bytes += sum(size for _, size in written)
    return len(todo)


def _render_share(
    shared: tuple[Path, Transform | None, Theme, SiteInfo, Links, list[Page]], numbers: list[int]
) -> list[tuple[int, int]]:
    """Pages ``numbers`` of the shared list, written into the staging folder: (files, bytes).

    A forked worker inherits the transform (for ``--encrypt``, the derived keys) with the rest."""
    folder, transform, theme, site, links, todo = shared
    stage = Staging(folder, transform)
    _render_pages(stage, theme, site, links, [todo[n] for n in numbers])
    return [(stage.files, stage.bytes)]


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
    (``output.check_output``), and ``encrypt.EncryptionError`` when its salt file is broken. On
    any error the previous site stays as it was.
    """
    started = time.perf_counter()
    check_output(out_dir, vault_root)  # before the render cache is written, or anything else
    # the passphrase is stretched once, here, before any worker starts
    key = site_key(options.encryption, out_dir) if options.encryption else None
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
        calendar=None if key else CALENDAR,  # calendar apps cannot decrypt: no calendar when encrypted
        csp=content_security_policy(options),
        extra_scripts=options.extra_scripts,
    )
    sealer = sealer_for(key, lambda lock: _render_shell(theme, site, lock), {SEARCH_INDEX}) if key else None
    static = _read_static(theme)  # read first: inside the staging block, an OSError is a failed write
    entries = search_entries(model)
    with staged_output(out_dir, vault_root, sealer.seal if sealer else None) as stage:
        for relpath, data in static.items():
            stage.write(f"static/{relpath}", data)
        stage.write(SEARCH_INDEX, index_script(_linked(entries, sealer)))
        count = _write_pages(stage, theme, site, model, bodies, options.jobs)
        if key is None:
            stage.write(CALENDAR, build_calendar(vault, today, moves))
        else:
            stage.write(SALT_FILE, key.salt.to_json())  # public; the next build into out_dir reuses it
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
        key is not None,
    )


def _render_shell(theme: Theme, site: SiteInfo, lock: dict[str, str]) -> str:
    """The theme's ``locked.html``: the page every encrypted file shows until it is unlocked."""
    try:
        return theme.env.get_template("locked.html").render(site=site, lock=lock)
    except jinja2.TemplateError as err:
        raise ThemeError(_theme_error("locked.html", err)) from None


def _linked(entries: list[Entry], sealer: Sealer | None) -> list[Entry]:
    """Search entries pointing at the pages' opaque names when the site is encrypted."""
    if sealer is None:
        return entries
    return [dataclasses.replace(e, url=sealer.link(e.url)) for e in entries]


def output_folder(root: Path, out: Path | None, configured: str) -> Path:
    """``--out`` as given (relative to the current folder), else ``output`` from netnotes.yaml
    relative to the vault."""
    return out if out is not None else root / configured


def clean_cache(root: Path, out: Path) -> list[str]:
    """Drop netnotes' caches of the vault (in it, and its parsed notes in the user's cache
    folder) and staging folders of builds that died; what could not be removed, as warnings
    (the build goes on: it reads and renders every note afresh anyway)."""
    dropped = notecache.drop(root)
    if dropped:
        return dropped
    folder = root / RENDER_CACHE
    try:
        if folder.is_dir() and not folder.is_symlink():
            shutil.rmtree(folder)
    except OSError as err:
        return [f"cannot remove the render cache {err.filename or folder}: {err.strerror or err}"]
    try:
        remove_stale_staging(out, root)
    except OSError as err:
        return [f"cannot clear old staging folders in {err.filename}: {err.strerror or err}"]
    return []
