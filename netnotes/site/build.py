"""``build_site``: the loaded vault -> page contexts -> the theme's templates -> a folder of files.

It is a library function so ``netnotes serve`` can call it on every change (with a ``Kept`` of
what the last call may leave to the next): each call renders every changed note body once and
swaps the finished site in whole. Output is a
function of (vault, today, options) alone: no clock, no randomness, everything sorted.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import gc
import hashlib
import hmac
import json
import os
import shutil
import stat
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from .. import __version__, notecache, snapshot
from ..calendar import calendar_events
from ..collation import forget_keys, remember_keys
from ..fsio import stays_inside
from ..loader import LoadResult
from ..model import Ask, Config, Contact, Interaction
from ..moves import moves_for
from ..parallel import parallel_map
from . import body_cache, depends, model_cache, template_cache
from .bodies import Rendered, render_bodies
from .body_cache import BodyCache
from .calendar_cache import EventBlocks
from .digest import Digester, Memo, Name, Undigestible
from .encrypt import SALT_FILE, Encryption, Sealer, SiteKey, sealer_for, site_key
from .manifest import Inputs, Manifest, code_salt
from .output import CACHE_DIR, Staging, Transform, check_output, remove_stale_staging, staged_output
from .pages import ContactRow, Links, ModelMemo, Page, SiteModel, TimelineEntry, pages
from .pages import Kept as KeptPage
from .pages import frames as page_frames
from .search import Entry, SearchWords, index_script, search_entries
from .search import Memo as SearchMemo
from .theme import Theme, load_theme, static_files, templates_digest, theme_key

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
PARALLEL_PAGES = 600  # pages; below this, forking workers costs more than it saves
ENTRY_TEMPLATE = "_entry.html"  # one interaction on a timeline, rendered once per build


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


@dataclass(slots=True)
class Kept:
    """What a process that builds one vault again and again (``netnotes serve``) keeps in memory
    from one build to the next, all of it checked or keyed by what it was made from: the theme
    with its compiled templates (while its key and templates digest are the same), the render
    cache's HTML (by key; no file read again), the search entries' words and what the site
    model may take from the last one (``pages.ModelMemo``)."""

    theme: tuple[tuple[object, ...], str, Theme] | None = None  # (theme key, templates digest, theme)
    bodies: BodyCache | None = None
    words: SearchWords | None = None
    cache_folder: Path | None = None  # the vault's cache folder when the render cache and words were opened
    digests: Memo = dataclasses.field(default_factory=dict)  # of the last build's model values
    # the site model's pieces made of the contacts (while ``LoadResult.contacts_key`` is the
    # same) and its page-name tables (while the names are)
    model: ModelMemo = dataclasses.field(default_factory=ModelMemo)
    remember: bool = True  # False: a build of its own (the CLI), which keeps nothing for a next one
    rendered: Rendered = dataclasses.field(default_factory=Rendered)  # the last bodies (``bodies.Rendered``)
    search: SearchMemo = dataclasses.field(default_factory=SearchMemo)  # the last index's entries and rows
    # the site manifest this process last wrote (taken again while its file is that one)
    manifest: Manifest | None = None
    # True (``netnotes serve``): what does not change the site served (removing the site it
    # replaced, recording and writing the manifest) is left in ``later`` for ``finish``, which
    # the caller runs once the new site is announced, and the next build runs first anyway
    defer: bool = False
    later: list[Callable[[Callable[[str], None]], None]] = dataclasses.field(default_factory=list)

    def finish(self) -> list[str]:
        """Do what the last build left for later (``defer``); the warnings it gave. The cyclic
        garbage collector waits meanwhile, as in the build: recording the manifest allocates
        enough to start it, and it would scan the whole kept model again and again."""
        warnings: list[str] = []
        gc_was_enabled = gc.isenabled()
        gc.disable()
        try:
            while self.later:
                step = self.later.pop(0)
                try:
                    step(warnings.append)
                except OSError as err:  # a cache or an old site left behind: the next build copes
                    warnings.append(f"cannot finish the last build: {err}")
        finally:
            if gc_was_enabled:
                gc.enable()
        return warnings


# frozen model values: the same object is the same value in the next build (the loader's
# snapshot keeps unchanged notes' objects, and the site model gives back a contact row equal
# to the last one as that very object), so its digest is kept with it; but for a custom
# field holding a list or a mapping (YAML's), which nothing changes but which could be changed
KEPT_DIGESTS = (Contact, Interaction, Ask, Config, ContactRow, Entry)
_IMMUTABLE = frozenset({str, int, float, bool, type(None), dt.date, dt.datetime})


def _kept_digests(digester: Digester) -> Memo:
    return {k: seen for k, seen in digester.memo_of(KEPT_DIGESTS).items() if _frozen_custom(seen[0])}


def _frozen_custom(value: object) -> bool:
    if isinstance(value, ContactRow):
        value = value.contact
    if isinstance(value, Entry):
        return all(map(_frozen_custom, value.notes))
    return all(type(v) in _IMMUTABLE for _, v in getattr(value, "custom", ()))


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


# What ``site`` counts. A page's key covers only those its templates read when it was last
# rendered (``Inputs.reads``): the default theme shows the counts of notes on the dashboard
# alone, so a note added or removed renders no other page again.
TALLIES = ("contacts", "interactions", "asks", "errors", "warnings")


def steady(site: SiteInfo) -> SiteInfo:
    """``site`` without its tallies (each 0): what every page's key covers of it."""
    return dataclasses.replace(site, contacts=0, interactions=0, asks=0, errors=0, warnings=0)


class Reading:
    """``site`` as templates see it, noting which of its tallies they read."""

    __slots__ = ("_site", "read")

    def __init__(self, site: SiteInfo) -> None:
        self._site = site
        self.read: set[str] = set()

    def __getattr__(self, name: str) -> Any:
        if name in TALLIES:
            self.read.add(name)
        return getattr(self._site, name)


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
    rendered: tuple[str, ...] = ()  # the pages rendered afresh; the others were the current site's

    def summary(self) -> str:
        problems = f"{self.errors} error{'s' * (self.errors != 1)}, {self.warnings} warning{'s' * (self.warnings != 1)}"
        unchanged = self.pages - len(self.rendered)
        return (
            f"built {self.pages} {'encrypted ' * self.encrypted}pages "
            f"({self.files} files, {self.bytes / 2**20:.1f} MiB) for "
            f"{self.contacts} contacts, {self.interactions} interactions, {self.asks} asks "
            f"in {self.seconds:.2f}s; {problems}"
            + (f"; {len(self.rendered)} rendered, {unchanged} unchanged" * bool(unchanged))
        )


class EntryFragments:
    """Each timeline entry's HTML (``_entry.html``), rendered once per build and shown by every
    page that shows the entry: an interaction with three people is one fragment, not three.
    Templates call it as ``entry_html(entry)``; the fragment gets ``site``, ``root``, ``links``,
    ``entry`` and ``m`` (``_macros.html`` imported with that context)."""

    def __init__(self, theme: Theme, site: SiteInfo, links: Links) -> None:
        self.theme = theme
        self.site = site
        self.reading = Reading(site)  # what of the tallies any fragment read
        self.links = links
        self.html: dict[tuple[str, str], Markup] = {}
        self._macros: dict[str, Any] = {}

    def __call__(self, entry: TimelineEntry, root: str) -> Markup:
        html = self.html.get((entry.anchor, root))
        if html is None:
            html = self.html[(entry.anchor, root)] = Markup(self.render(entry, root))
        return html

    def render(self, entry: TimelineEntry, root: str) -> str:
        context: dict[str, Any] = {"site": self.reading, "root": root, "links": self.links}
        try:
            macros = self._macros.get(root)
            if macros is None:
                macros = self._macros[root] = self.theme.env.get_template("_macros.html").make_module(context)
            return self.theme.env.get_template(ENTRY_TEMPLATE).render({**context, "m": macros, "entry": entry})
        except jinja2.TemplateError as err:
            raise ThemeError(_theme_error(ENTRY_TEMPLATE, err)) from None


def _render_pages(
    stage: Staging, theme: Theme, fragments: EntryFragments, todo: list[Page]
) -> dict[str, tuple[str, ...]]:
    """Render ``todo`` into ``stage``; which tallies each page read (with any fragment so far),
    by page path."""
    templates: dict[str, jinja2.Template] = {}
    reads: dict[str, tuple[str, ...]] = {}
    for page in todo:
        root = "../" * page.path.count("/")
        reading = Reading(fragments.site)
        context: dict[str, Any] = {
            "site": reading,
            "page": page,
            "root": root,
            "links": fragments.links,
            "entry_html": functools.partial(fragments, root=root),
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
        reads[page.path] = tuple(name for name in TALLIES if name in reading.read or name in fragments.reading.read)
    return reads


def _write_pages(
    stage: Staging, theme: Theme, site: SiteInfo, links: Links, todo: list[Page], jobs: int | None
) -> dict[str, tuple[str, ...]]:
    """Render the pages ``todo`` into ``stage``; large sites in forked worker processes, which
    inherit the pages and the theme instead of receiving them pickled (only page numbers
    travel). The timeline fragments are rendered first, once each, so workers share them."""
    fragments = EntryFragments(theme, site, links)
    if len(todo) >= PARALLEL_PAGES:
        wanted: dict[tuple[str, str], TimelineEntry] = {}
        for page in todo:
            root = "../" * page.path.count("/")
            for entry in page.entries:
                wanted.setdefault((entry.anchor, root), entry)
        shared_fragments = (theme, site, links, list(wanted.items()))
        made = parallel_map(
            _render_fragments, range(len(wanted)), shared_fragments, threshold=PARALLEL_PAGES, jobs=jobs, fork=True
        )
        fragments.html.update(zip(wanted, (Markup(html) for html, _ in made), strict=True))
        fragments.reading.read.update(name for _, read in made for name in read)
    shared = (stage.folder, stage.transform, theme, fragments, todo)
    written = parallel_map(_render_share, range(len(todo)), shared, threshold=PARALLEL_PAGES, jobs=jobs, fork=True)
    reads: dict[str, tuple[str, ...]] = {}
    for files, size, digests, read in written:
        stage.files += files
        stage.bytes += size
        stage.digests.update(digests)
        reads.update(read)
    return reads


def _render_fragments(
    shared: tuple[Theme, SiteInfo, Links, list[tuple[tuple[str, str], TimelineEntry]]], numbers: list[int]
) -> list[tuple[str, tuple[str, ...]]]:
    """The fragments ``numbers``, each with the tallies read so far in this worker."""
    theme, site, links, wanted = shared
    fragments = EntryFragments(theme, site, links)
    made = []
    for n in numbers:
        html = fragments.render(wanted[n][1], wanted[n][0][1])
        made.append((html, tuple(sorted(fragments.reading.read))))
    return made


def _render_share(
    shared: tuple[Path, Transform | None, Theme, EntryFragments, list[Page]], numbers: list[int]
) -> list[tuple[int, int, dict[str, str], dict[str, tuple[str, ...]]]]:
    """Pages ``numbers`` of the shared list, written into the staging folder: (files, bytes,
    digests, the tallies each page read).

    A forked worker inherits the transform (for ``--encrypt``, the derived keys) with the rest."""
    folder, transform, theme, fragments, todo = shared
    stage = Staging(folder, transform)
    reads = _render_pages(stage, theme, fragments, [todo[n] for n in numbers])
    return [(stage.files, stage.bytes, stage.digests, reads)]


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
    vault_root: Path,
    result: LoadResult,
    out_dir: Path,
    today: dt.date,
    options: BuildOptions = BuildOptions(),
    kept: Kept | None = None,
) -> BuildReport:
    """Build the dashboard of ``result`` (loaded from ``vault_root``) into ``out_dir``.

    Raises ``output.OutputRefused`` before writing anything when ``out_dir`` cannot be used
    (``output.check_output``), and ``encrypt.EncryptionError`` when its salt file is broken. On
    any error the previous site stays as it was. ``kept`` (if given) is what an earlier call
    for the same vault kept, and is updated for the next one.
    """
    # Shaping and comparing pages allocates hundreds of thousands of objects that live until
    # the build ends, and almost none in cycles: the cyclic garbage collector would scan them
    # again and again (a tenth of a one-edit build) for nothing, so it waits, as in the loader.
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _build_site(vault_root, result, out_dir, today, options, kept or Kept(remember=False))
    finally:
        if gc_was_enabled:
            gc.enable()


def _build_site(
    vault_root: Path, result: LoadResult, out_dir: Path, today: dt.date, options: BuildOptions, kept: Kept
) -> BuildReport:
    started = time.perf_counter()
    cache_warnings: list[str] = kept.finish()  # what the last build left, before anything else
    check_output(out_dir, vault_root)  # before the render cache is written, or anything else
    # the passphrase is stretched once, here, before any worker starts
    key = site_key(options.encryption, out_dir) if options.encryption else None
    # The model itself is not needed until the shortcut below is not taken: a model from the
    # snapshot is unpickled only then (``LoadResult.vault``)
    theme, templates = _theme(vault_root, today, options, kept, cache_warnings.append)
    cache = _vault_cache(vault_root, options, cache_warnings.append)  # None: no cache in the vault
    moves = moves_for(vault_root, result.config, cache_warnings.append, cache is not None)
    manifest = Manifest.open(cache, out_dir, cache_warnings.append, kept.manifest)
    static = _read_static(theme)  # read first: inside the staging block, an OSError is a failed write
    digester = Digester(depends.note_names, kept.digests)
    errors = sum(p.is_error for p in result.problems)
    # Everything the site is made of (besides the code, in every key): when none of it changed
    # and the site in place is the one built from it, there is nothing to do.
    sealing = _sealing(key)
    try:
        # The model's digest is kept under its snapshot's name: hashing 100,000 notes costs seconds
        model_name = _model_name(result.model_key, str(vault_root)) if result.model_key else None
        model_digest: str | None = manifest.model_digest(model_name)
        if model_digest is None:
            base_name = _model_name(result.patch.base, str(vault_root)) if result.patch else None
            model_digest = _patched_digest(manifest, digester, result, base_name) or digester.digest(result.vault)
            manifest.keep_model_digest(model_name, model_digest, base_name)
        notes = digester.digest(model_digest, result.problems, moves, today)
        served = digester.digest(options.extra_scripts, options.extra_files, options.connect_src)
        whole = manifest.key("site", sealing, notes, served, templates or "?", digester.digest(static))
    except Undigestible:  # a value of a type the digest does not know: no shortcut this time
        notes = whole = ""
        model_digest = None
    intact = manifest.intact(Path(out_dir), whole) if templates is not None and whole else None
    if intact is not None:
        files, size, proven = intact
        if proven:  # the files a build wrote, now settled: known by their stamps from now on
            proved = manifest.proving(proven, cache_warnings.append)
            if kept.remember:  # serve: the manifest on disk is this one now
                kept.manifest = proved if proved.written is not None else None
        return _report(
            out_dir, manifest.pages, (files, size), (), started, result, errors, cache_warnings, key is not None
        )
    vault = result.vault
    if kept.bodies is None or kept.cache_folder != cache:
        kept.bodies = BodyCache.open(vault_root if options.cache else None, cache_warnings.append, legacy=cache)
        kept.bodies.remember = kept.remember
        kept.words = None
        kept.cache_folder = cache
    # the caches kept in the vault need the user's key (they are MACs under it)
    in_vault = cache if kept.bodies.secret else None
    if kept.words is None:
        kept.words = SearchWords.open(in_vault, kept.bodies.secret, cache_warnings.append)
    # What the last site model of these contacts left: in memory (serve), else in the cache folder
    secret = kept.bodies.secret if in_vault else b""
    if kept.model.pieces is None:
        kept.model = model_cache.read(cache, secret, code_salt(), vault, result.contacts_key) or kept.model
    pieces, slugs_made = kept.model.pieces, kept.model.slugs.made
    model = SiteModel(
        vault,
        today,
        result.problems,
        moves,
        kept.model,
        result.contacts_key,
        model_key=result.model_key,
        patch=result.patch,
    )
    if not kept.remember and (kept.model.pieces is not pieces or kept.model.slugs.made != slugs_made):
        model_cache.save(cache, secret, code_salt(), kept.model, result.contacts_key, cache_warnings.append)
    last = kept.rendered if kept.remember else None
    bodies = render_bodies(vault, model.links, options.jobs, warn=cache_warnings.append, cache=kept.bodies, last=last)
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
    calm, tallies = steady(site), {name: getattr(site, name) for name in TALLIES}

    def tallied(read: tuple[str, ...]) -> str:
        """What a page's key covers of the tallies it read."""
        return ";".join(f"{name}={tallies[name]}" for name in read)

    sealer = sealer_for(key, lambda lock: _render_shell(theme, calm, lock), {SEARCH_INDEX}) if key else None
    links = digester.digest(vault.config, model.links.linking())
    out = Path(os.path.abspath(out_dir))
    keys: dict[str, str] = {}

    def reused(relpath: str, *inputs: str) -> bool:
        """Whether the file stored for ``relpath`` was taken from the current site; its key is
        kept either way. Keys and the manifest name files as stored (an encrypted page by its
        opaque name), and every key includes how the site is sealed."""
        stored = sealer.stored_path(relpath) if sealer else relpath
        keys[stored] = manifest.key(stored, sealing, *inputs)
        return manifest.adopt(stage, out, stored, keys[stored])

    cleanup: list[Callable[[], None]] = []  # removing the site replaced, when deferred
    with staged_output(out_dir, vault_root, sealer.seal if sealer else None, cleanup if kept.defer else None) as stage:
        for relpath, data in static.items():
            if not reused(f"static/{relpath}", hashlib.sha256(data).hexdigest()):
                stage.write(f"static/{relpath}", data)
        # A page none of whose inputs changed is taken as it is, without being shaped
        # (site/depends.py); the others are shaped and digested, and rendered if they changed.
        stored_path = sealer.stored_path if sealer else str
        shared = _contact_pages_key(manifest, digester, model, sealing, calm, links, templates)
        linked = bodies.linked()
        was = manifest.inputs
        # the notes this model may differ in from the one of the manifest's states, when those
        # were digested by this very code (the digest of any other note is its state)
        same: set[str] | None = None
        rows: depends.Rows = {}  # the contact rows' digests and names: those kept, then those made
        try:
            this, base, redo = _lineage(result)
            if shared and base and was.code == code_salt():
                if was.base == base:  # both patched from one model
                    same = {*was.paths, *redo}
                elif was.model == base:  # patched from the model of those states
                    same = set(redo)
            if same is not None:
                states, values = depends.patched_states(digester, vault, was.notes, same)
                digester.known = depends.known_states(was.notes, same, rows)
            else:
                states, values = depends.note_states(digester, vault) if shared else ({}, {})
                digester.known = depends.known_states({}, (), rows)
            frames = {path: digester.digest(frame) for path, frame in page_frames(model).items()} if shared else {}
        except Undigestible:
            shared, states, values, frames, this, base, redo = "", {}, {}, {}, "", "", ()
        moved = {name for name in TALLIES if was.tallies.get(name) != tallies[name]}
        unshaped, touched = _unshaped(was, shared, states, values, model, linked, stored_path, frames, moved)
        if touched is not None:  # the rows of the contacts no edit touched are known too
            rows.update(depends.kept_rows(was.rows, touched))
        bodies.prepare(model, unshaped)  # those of the pages to shape, at once
        # The search entries hold their notes: an entry is the same when its contact's page, which
        # shows all of them, is (``unshaped``), and the others' are known by their states by now
        search = kept.search if kept.remember else None  # entries and rows of the last index
        entries = search_entries(model, search)
        carried = {url: was.entries[url] for url in unshaped if url in was.entries} if was.code == code_salt() else {}
        entry_digests, entry_notes = _entry_digests(digester, entries, states, carried, search)
        if not reused(SEARCH_INDEX, digester.digest(entry_digests)):
            linked_entries = _linked(entries, sealer)
            words = (kept.words or SearchWords(None, b"", {}), entry_digests.__getitem__, cache_warnings.append)
            stage.write(SEARCH_INDEX, index_script(linked_entries, words, search))
        shaped: dict[str, depends.Shaped] = {}
        reads: dict[str, tuple[str, ...]] = {}  # the tallies each page read, by stored path

        def record(item: Page, stored: str, names: frozenset[Name], frame: str) -> None:
            """Keep what a contact page, or a page with a frame, was made of (``depends``)."""
            if (item.owner is not None or frame) and shared:
                shaped[stored] = depends.Shaped(item.owner or "", keys[stored], depends.hashed(names), frame)

        todo: list[Page] = []
        pending: list[tuple[Page, str, tuple[bool, frozenset[Name], str] | None, str]] = []
        count = 0
        for item in pages(model, bodies, unshaped):
            count += 1
            stored = stored_path(item.path)
            if isinstance(item, KeptPage):
                before = was.pages[stored]
                if manifest.adopt(stage, out, stored, before.key):
                    keys[stored] = before.key
                    shaped[stored] = before
                    reads[stored] = was.reads[stored]
                    continue
                item = item.shape()  # its file is gone or not ours
            read = was.reads.get(stored)
            found = _page_reused(
                reused, digester, item, calm, links, templates, None if read is None else tallied(read)
            )
            frame = frames.get(item.path, "") if item.owner is None else ""
            if found is None or not found[0]:
                todo.append(item)
                pending.append((item, stored, found, frame))  # keyed once rendered: by what it read
                continue
            assert read is not None
            reads[stored] = read
            record(item, stored, found[1], frame)
        bodies.save()
        # Every value digested so far is pinned in the digester's memo: keep the model's for the
        # next build (serve), and let the pages' go before the pages are rendered (at 10,000 /
        # 100,000 that is the build's peak of memory)
        if kept.remember:
            kept.digests = _kept_digests(digester)
        for row, row_digest, row_names in digester.memo_of((ContactRow,)).values():
            assert isinstance(row, ContactRow)
            if row.contact.id not in rows:  # a kept row keeps its names
                rows[row.contact.id] = (row_digest, depends.row_names(model, row.contact.id, row_names))
        digester.forget()
        page_reads = _write_pages(stage, theme, site, model.links, todo, options.jobs)
        for item, stored, found, frame in pending:
            if found is None or templates is None:
                continue  # no key: rendered every time
            reads[stored] = page_reads[item.path]
            keys[stored] = manifest.key(stored, sealing, "page", found[2], links, templates, tallied(reads[stored]))
            record(item, stored, found[1], frame)
        if key is None:  # the file is a function of its events: kept while they are the same
            events = calendar_events(vault, today, moves, model.due)
            if not reused(CALENDAR, "calendar", digester.digest(vault.config.title, today, events)):
                # the events written before are taken as they were (``calendar_cache``)
                blocks = EventBlocks.open(in_vault, secret, cache_warnings.append)
                stage.write(CALENDAR, blocks.calendar(vault.config.title, today, events, cache_warnings.append))
        else:
            salt = key.salt.to_json()  # public; the next build into out_dir reuses it
            if not reused(SALT_FILE, hashlib.sha256(salt.encode()).hexdigest()):
                stage.write(SALT_FILE, salt)
        for relpath, data in options.extra_files:
            if not reused(relpath, hashlib.sha256(data).hexdigest()):
                stage.write(relpath, data)
    # after the site is in place: the files it wrote are proven then (``Staging.settle``)
    files, size, digests, proofs = stage.files, stage.bytes, dict(stage.digests), dict(stage.proofs)
    adopted = stage.adopted
    if options.cache:
        remember_keys(cache_warnings.append)
    inputs = Inputs(
        shared, shaped, linked, states, base, tuple(sorted(redo)), this, rows, code_salt(), tallies, reads, entry_notes
    )

    def save_manifest(warn: Callable[[str], None]) -> None:
        saved = manifest.save(out, whole if templates else "", count, keys, digests, warn, inputs, proofs, adopted)
        kept.manifest = saved if kept.remember and saved.written is not None else None

    kept.manifest = None  # it described the site replaced
    if kept.defer:  # the site is in place: the rest waits until it is announced
        kept.later += [functools.partial(_quietly, remove) for remove in cleanup]
        kept.later.append(save_manifest)
    else:
        save_manifest(cache_warnings.append)
    rendered = tuple(page.path for page in todo)
    return _report(out_dir, count, (files, size), rendered, started, result, errors, cache_warnings, key is not None)


def _entry_digests(
    digester: Digester,
    entries: list[Entry],
    states: depends.Notes,
    carried: dict[str, str],
    memo: SearchMemo | None,
) -> tuple[list[str], dict[str, str]]:
    """Each search entry's digest, and the digest of its notes' states by url. An entry holds
    its notes (``search.Entry``), not their text (70 million characters at 10,000 / 100,000):
    its digest is made of its own text and of its notes' states (``depends.note_states``), or
    of what ``carried`` has for its url (the last build's, for a contact whose page's inputs,
    all the notes the entry holds among them, are the same since), without looking up its
    notes; an entry one of whose notes' state is not known is digested whole. ``memo`` keeps
    the last call's by entry (the very same object, pinned) for the next."""
    before = memo.digests if memo is not None else {}
    kept: dict[int, tuple[Entry, str, str]] = {}
    todo: list[Entry] = []
    for entry in entries:
        was = before.get(id(entry))
        if was is not None and was[0] is entry:
            kept[id(entry)] = was
        else:
            todo.append(entry)
    paths = {n.path for e in todo if e.url not in carried for n in e.notes}
    state_of = depends.states_by_path(states, paths) if states and paths else {}
    blake2b, dumps = hashlib.blake2b, json.dumps
    for entry in todo:
        notes = ""
        if entry.notes:
            notes = carried.get(entry.url, "")
            if not notes:
                found = [state_of.get(note.path) for note in entry.notes]
                if None not in found:
                    notes = blake2b(b"".join(found), digest_size=16).hexdigest()  # type: ignore[arg-type]
        if entry.notes and not notes:
            digest = digester.digest(entry)
        else:
            own = dumps([entry.url, entry.title, entry.subtitle, entry.fields, entry.text, notes], ensure_ascii=False)
            digest = "entry notes " + blake2b(own.encode("utf-8", "surrogatepass"), digest_size=32).hexdigest()
        kept[id(entry)] = (entry, digest, notes)
    if memo is not None:
        memo.digests = kept
    digests = [kept[id(entry)][1] for entry in entries]
    return digests, {entry.url: kept[id(entry)][2] for entry in entries if kept[id(entry)][2]}


def _vault_cache(vault_root: Path, options: BuildOptions, warn: Callable[[str], None]) -> Path | None:
    """The vault's cache folder when the caches kept in it can be used (one that is not there
    yet is made when they are saved); said when it cannot: it is not a folder, or it leads
    outside the vault (a cloned vault can make it a link to a folder of the user's, which a build
    must not write in)."""
    if not options.cache:
        return None
    folder = Path(vault_root) / RENDER_CACHE
    if not stays_inside(vault_root, folder):
        why = "it leads outside the vault"
    else:
        try:
            if stat.S_ISDIR(os.stat(folder).st_mode):
                return folder
            why = "not a folder"
        except FileNotFoundError:
            return folder
        except OSError as err:
            why = err.strerror or str(err)
    warn(f"cannot use the cache folder {folder}: {why}; building without the caches kept in it")
    return None


def _quietly(step: Callable[[], None], warn: Callable[[str], None]) -> None:
    """``step``, which says nothing (``Kept.later`` gives each step a way to warn)."""
    step()


def _model_name(key: str, root: str) -> str:
    """What the kept model digests name a model by: its key and the vault it was loaded from."""
    return f"{key}\0{root}"


def _patched_digest(manifest: Manifest, digester: Digester, result: LoadResult, base: str | None) -> str | None:
    """The digest of a patched model made from the kept digest of its base (named ``base``),
    or from that name, and the patch (the model is a function of the two, ``snapshot.Patch``),
    without hashing every note again; None when the model was not patched."""
    patch = result.patch
    if patch is None or base is None:
        return None
    # The base's key names its model as well as a digest (equal keys, equal models); its digest,
    # where kept, also matches the same model loaded under another key
    named = manifest.model_digest(base) or f"key\0{base}"
    return digester.digest("patched", named, patch.paths, patch.interactions, patch.asks)


def _lineage(result: LoadResult) -> tuple[str, str, tuple[str, ...]]:
    """The key of the loaded model, the key of the model it was patched from (its own when it
    was not patched) and the notes the patch read again; "" when the load kept no snapshot."""
    key = result.model_key or ""
    if result.patch is None or not key:
        return key, key, ()
    return key, result.patch.base, result.patch.paths


def _theme(
    vault_root: Path, today: dt.date, options: BuildOptions, kept: Kept, warn: Callable[[str], None]
) -> tuple[Theme, str | None]:
    """The theme and its templates digest: the one ``kept`` from the last build while its key
    and templates are the same (its static files read again), else loaded (and kept)."""
    key = (*theme_key(vault_root, today), options.cache)
    if kept.theme is not None and kept.theme[0] == key:
        theme = kept.theme[2]
        templates = templates_digest(theme)
        if templates == kept.theme[1]:
            return dataclasses.replace(theme, static=static_files(vault_root)), templates
    theme = load_theme(vault_root, today, warn if options.cache else None)
    templates = templates_digest(theme)
    kept.theme = (key, templates, theme) if templates is not None else None
    return theme, templates


def _sealing(key: SiteKey | None) -> str:
    """How the site's files are stored, for every key of the manifest: plain, or sealed under
    one key (its fingerprint, which changes with the passphrase and the salt), so a file sealed
    under another key, or a plain one, is never taken into an encrypted site, nor the reverse."""
    return "plain" if key is None else f"sealed {key.fingerprint()}"


def _page_reused(
    reused: Callable[..., bool],
    digester: Digester,
    page: Page,
    site: SiteInfo,
    links: str,
    templates: str | None,
    tallied: str | None,
) -> tuple[bool, frozenset[Name], str] | None:
    """Whether ``page`` was taken from the current site (its render context, the templates, the
    link tables and the tallies it read, ``tallied``, are what they were; None: not known, so it
    is not), with the notes its context holds and its context's digest; None when it has no key
    (a context that cannot be digested), and is rendered. ``site`` is ``steady``."""
    if templates is None:
        return None
    try:
        context, names = digester.digest_inputs(page, site)
    except Undigestible:
        return None
    taken = tallied is not None and reused(page.path, "page", context, links, templates, tallied)
    return taken, names, context


def _contact_pages_key(
    manifest: Manifest,
    digester: Digester,
    model: SiteModel,
    sealing: str,
    site: SiteInfo,
    links: str,
    templates: str | None,
) -> str:
    """The key of what every contact page shares beyond its own notes (``depends.global_inputs``);
    "" when it cannot be told, and no page is taken unshaped."""
    if templates is None:
        return ""
    try:
        shared = depends.global_inputs(digester, model, digester.digest(site), links, templates)
    except Undigestible:
        return ""
    return manifest.key("contact pages", sealing, shared)


def _unshaped(
    before: Inputs,
    shared: str,
    states: depends.Notes,
    values: dict[bytes, object],
    model: SiteModel,
    linked: dict[str, str],
    stored_path: Callable[[str], str],
    frames: dict[str, str],
    moved: set[str],
) -> tuple[set[str], set[bytes] | None]:
    """The paths of the pages to take from the site in place without shaping them: the
    previous build's, whose shared inputs were these and none of whose notes changed since
    that build (``depends.unchanged``): a contact page of the same contact, another page of the
    same frame (``frames``: the digests of ``pages.frames``, by path). Any doubt (no record,
    shared inputs moved, a contact whose page was not recorded, so that whom a note named
    before cannot be told) keeps none, nor a page that read one of the tallies that ``moved``
    (or whose reading is not known). With them, the names an edit touched (``depends.dirty``;
    None in doubt)."""
    if not shared or not before.key or not hmac.compare_digest(before.key, shared):
        return set(), None
    owners = {page.owner for page in before.pages.values() if page.owner}
    if any(contact.id not in owners for contact in model.vault.contacts):
        return set(), None
    touched = depends.dirty(before.pages, before.notes, states, values, before.linked, linked)
    unchanged = {
        stored
        for stored in depends.unchanged(before.pages, touched)
        if stored in before.reads and not moved.intersection(before.reads[stored])
    }
    unshaped = set()
    for contact in model.vault.contacts:
        path = model.links.contact(contact.id)
        stored = stored_path(path)
        if stored in unchanged and before.pages[stored].owner == contact.id and not before.pages[stored].frame:
            unshaped.add(path)
    for path, frame in frames.items():
        stored = stored_path(path)
        if stored in unchanged and not before.pages[stored].owner and before.pages[stored].frame == frame:
            unshaped.add(path)
    return unshaped, touched


def _report(
    out: Path,
    pages: int,
    written: tuple[int, int],
    rendered: tuple[str, ...],
    started: float,
    result: LoadResult,
    errors: int,
    warnings: list[str],
    encrypted: bool,
) -> BuildReport:
    return BuildReport(
        Path(out),
        pages,
        written[0],
        written[1],
        time.perf_counter() - started,
        *result.counts,
        errors,
        len(result.problems) - errors,
        tuple(warnings),
        encrypted,
        rendered,
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
    """Drop netnotes' caches of the vault (in it, and its parsed notes and rendered bodies in
    the user's cache folder), the resolved model's snapshot, the names' sort keys, the user's compiled templates,
    and staging folders of builds that died; what could not be removed, as warnings (the build
    goes on: it reads and renders every note afresh anyway)."""
    dropped = notecache.drop(root) + body_cache.drop(root) + snapshot.drop(root) + forget_keys() + template_cache.drop()
    if dropped:
        return dropped
    folder = root / RENDER_CACHE
    try:
        # never a folder a link leads to, out of the vault (a cloned vault can make one)
        if folder.is_dir() and not folder.is_symlink() and stays_inside(root, folder):
            shutil.rmtree(folder)
    except OSError as err:
        return [f"cannot remove the render cache {err.filename or folder}: {err.strerror or err}"]
    try:
        remove_stale_staging(out, root)
    except OSError as err:
        return [f"cannot clear old staging folders in {err.filename}: {err.strerror or err}"]
    return []
