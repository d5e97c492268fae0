"""Every note body rendered to HTML once, whatever number of pages show it.

The result gives a body's HTML by note path (``Bodies``). Each body's HTML depends only on its
text, its footnote prefix and where its ``[[wikilinks]]`` point, so large vaults render in
worker processes (as the loader reads), and ``body_cache`` keeps the HTML of unchanged notes
between builds, looked up by key: a build after one edit keys, looks up and renders only the
bodies of the pages it shapes (and those with wikilinks are keyed, for ``site/depends.py``).
Bodies are shown only on pages one folder below the site root, so a wikilink is always ``../contacts/<slug>.html``.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Container
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from markupsafe import Markup

from ..markdown import NoteRenderer, plain_html
from ..model import Ask, Contact, Interaction, Vault
from ..parallel import parallel_map
from ..refs import WIKILINK_RE, RefIndex, key, wikilink_target
from .body_cache import SWEEP, BodyCache, Targets
from .pages import BodyHtml, Links, SiteModel

KEY_CHARS = 32  # of a body's key, in ``Bodies.linked`` (the manifest keeps them): 128 bits
PARALLEL_THRESHOLD = 2000  # bodies to parse (plain ones are made here); below this a pool costs more than it saves
BODY_ROOT = "../"  # from a page that shows bodies to the site root

WikilinkTable = dict[str, tuple[str, str]]  # key(target) -> (href, text)
Job = tuple[str, str, str]  # (note path, body, footnote prefix)


def wikilink_table(vault: Vault, links: Links) -> WikilinkTable:
    """What each ``[[target]]`` links to: a contact (by id, or a unique name or alias), else an
    interaction or ask (on its contact's page), matching ``netnotes check``'s resolution."""
    table = _note_targets(vault, links)
    for ref_key, contact_id in RefIndex(vault.contacts).targets().items():  # a contact wins over a note
        table[ref_key] = _contact_target(vault, links, contact_id)
    return table


def _contact_target(vault: Vault, links: Links, contact_id: str) -> tuple[str, str]:
    """Where a wikilink to a contact points, and the text it shows."""
    return BODY_ROOT + links.contact(contact_id), vault.contacts_by_id[contact_id].name


def _note_targets(vault: Vault, links: Links) -> WikilinkTable:
    """The interactions' and asks' part of the table, by id."""
    table: WikilinkTable = {}
    for interaction in vault.interactions:
        url = links.note(interaction.path)  # links.interaction(interaction), made once already
        if url is not None:
            table[key(interaction.id)] = (BODY_ROOT + url, interaction.title or interaction.id)
    for ask in vault.asks:
        url = links.note(ask.path)
        if url is not None:
            table[key(ask.id)] = (BODY_ROOT + url, f"ask: {ask.kind or ask.id}")
    return table


class WikilinkTargets:
    """``wikilink_table`` looked up one key at a time, its parts made when first needed: the
    contacts' part is a dictionary the ref index already has, the notes' part (100,000
    interactions at the large sizes) is made only when a target is no contact's. A build after
    one edit keys every body with a wikilink but renders one or two, and most wikilinks name a
    contact."""

    def __init__(self, vault: Vault, links: Links, contacts: dict[str, str] | None = None) -> None:
        self.vault = vault
        self.links = links
        self._contacts = contacts  # RefIndex(vault.contacts).targets(), if already made
        self._notes: WikilinkTable | None = None

    def get(self, ref_key: str, /) -> tuple[str, str] | None:
        if self._contacts is None:
            self._contacts = RefIndex(self.vault.contacts).targets()
        contact_id = self._contacts.get(ref_key)
        if contact_id is not None:  # a contact wins over a note
            return _contact_target(self.vault, self.links, contact_id)
        if self._notes is None:
            self._notes = _note_targets(self.vault, self.links)
        return self._notes.get(ref_key)


def _unheard(message: str) -> None:
    pass


@dataclass(slots=True)
class Rendered:
    """What one ``render_bodies`` call leaves to the next (``netnotes serve``, ``build.Kept``):
    each note by path with its body's key, the result, and the HTML by key that it used. While
    the footnote prefixes' tables are the very same (``Links.tables``: the same ids) and the
    render cache is the same, a note that is the very same object (the loader's snapshot keeps
    unchanged notes' objects; they are frozen) has the same body and prefix, so its key and
    HTML are taken as they were, without keying it; a body with wikilinks only while each of
    its targets is looked up as it was last time (what its key depends on besides)."""

    cache: BodyCache | None = None
    anchors: tuple[object, ...] = ()
    notes: dict[str, Seen] = field(default_factory=dict)  # by path
    bodies: dict[str, Markup] = field(default_factory=dict)
    used: dict[str, Markup] = field(default_factory=dict)
    keyed: int = 0  # bodies the last call keyed (tests count them)
    targets: tuple[tuple[Contact, ...], dict[str, str]] | None = None  # the contacts' wikilink targets


# Where a body's wikilinks pointed: their targets' ref keys, and what each was looked up as
# (``WikilinkTargets.get``); None for a body without wikilinks, ``UNKNOWN`` before it is known.
Linked = tuple[tuple[str, ...], tuple[object, ...]]
UNKNOWN: Linked = ((), (None,))  # matches no lookup: keyed again
Seen = tuple[object, str, Linked | None]  # a note, its body's key ("" for none), its wikilinks


def _anchor_tables(links: Links) -> tuple[object, ...]:
    """What the footnote prefixes depend on: the contacts', interactions' and asks' page names."""
    tables = links.tables()
    return (tables[0], tables[3], tables[4])


@dataclass(frozen=True, slots=True)
class Rendering:
    """What rendering the bodies of one build takes: the model and its links, where wikilinks
    point, the render cache, the processes to render in, and where warnings go."""

    vault: Vault
    links: Links
    targets: WikilinkTargets
    cache: BodyCache
    jobs: int | None
    warn: Callable[[str], None]

    def fill(self, todo: list[tuple[Job, str]], html: dict[str, Markup]) -> None:
        """Render into ``html`` (by key) the bodies of ``todo`` that it does not hold yet."""
        parse = []
        for job, k in todo:
            if k not in html:
                plain = render_plain(job)  # most bodies: made here at once, never sent to a worker
                if plain is None:
                    parse.append((job, k))
                else:
                    html[k] = Markup(plain)
        # workers get the whole table (pickled, or forked); rendered here, the lookups made so far
        table: Targets = self.targets
        if len(parse) >= PARALLEL_THRESHOLD:
            table = wikilink_table(self.vault, self.links)
        fresh = parallel_map(_render, [job for job, _ in parse], table, threshold=PARALLEL_THRESHOLD, jobs=self.jobs)
        html.update((k, Markup(h)) for (_, k), h in zip(parse, fresh, strict=True))


def render_bodies(
    vault: Vault,
    links: Links,
    jobs: int | None = None,
    root: Path | None = None,
    warn: Callable[[str], None] = _unheard,
    cache: BodyCache | None = None,
    last: Rendered | None = None,
) -> Bodies:
    """Every non-empty body's HTML by note path. The cache of the vault at ``root`` (if given)
    is read and updated, or ``cache``, one kept from an earlier build of this vault.

    Without ``last`` (a build of its own), nothing is keyed or rendered until asked for
    (``Lazy``): a build after one edit shows a few bodies. With ``last`` (``netnotes serve``),
    every body is at once, with what the last call left in ``last`` (updated for the next).

    A cache that cannot be read, made or saved, or that is corrupt, never fails the render: the
    notes are rendered afresh and ``warn`` is told why, in one line.
    """
    # the contacts' part of the wikilink targets is theirs alone: kept while they are the very same
    made = last.targets if last is not None else None
    same = made is not None and len(made[0]) == len(vault.contacts) and all(map(operator.is_, made[0], vault.contacts))
    targets = WikilinkTargets(vault, links, made[1] if same and made is not None else None)
    if cache is None:
        cache = BodyCache.open(root, warn)
    rendering = Rendering(vault, links, targets, cache, jobs, warn)
    if last is None:
        return Lazy(rendering)
    anchors = _anchor_tables(links)
    if last.cache is cache and len(last.anchors) == len(anchors) and all(map(operator.is_, anchors, last.anchors)):
        bodies = _render_changed(rendering, last)
        if targets._contacts is not None:
            last.targets = (vault.contacts, targets._contacts)
        return Shown(bodies, last.notes)
    work = list(_work(vault, links).values())
    keys = cache.keys(work, targets)
    cache.fetch(keys, warn)
    html = cache.entries
    rendering.fill(list(zip(work, keys, strict=True)), html)
    bodies = {path: html[k] for (path, _, _), k in zip(work, keys, strict=True)}
    used = {k: html[k] for k in keys}
    cache.save(used, warn)
    by_path = dict(zip((path for path, _, _ in work), keys, strict=True))
    last.notes = {
        note.path: (note, by_path.get(note.path, ""), UNKNOWN if "[[" in note.body else None)
        for group in (vault.contacts, vault.interactions, vault.asks)
        for note in group
    }
    last.cache, last.anchors, last.bodies, last.used, last.keyed = cache, anchors, bodies, used, len(work)
    last.targets = (vault.contacts, targets._contacts) if targets._contacts is not None else None
    return Shown(bodies, last.notes)


def _anchors(links: Links) -> dict[type, Callable[[Any], str]]:
    """The footnote prefix of a note's body, by the note's type (contact, interaction, ask)."""
    return {Contact: lambda c: links.contact_anchor(c.id), Interaction: links.interaction_anchor, Ask: links.ask_anchor}


def _work(vault: Vault, links: Links) -> dict[str, Job]:
    """What to render of every note with a body, by path, in the vault's order."""
    anchor = _anchors(links)
    return {
        n.path: (n.path, n.body, anchor[type(n)](n))
        for group in (vault.contacts, vault.interactions, vault.asks)
        for n in group
        if n.body.strip()
    }


class Bodies(BodyHtml, Protocol):
    """The bodies' HTML as a build uses it (``render_bodies``): ``get(path, default)`` gives
    the HTML of the body of the note at ``path``, ``default`` for a note without one."""

    def linked(self) -> dict[str, str]:
        """The key of each body with a wikilink by note path: it changes when the body's HTML
        can (its text, its footnote prefix, where its wikilinks point, the renderers)."""
        ...

    def prepare(self, model: SiteModel, unshaped: Container[str]) -> None:
        """Render at once what the contact pages not at the paths ``unshaped`` show."""
        ...

    def save(self) -> None:
        """Keep what was rendered for the next build."""
        ...


class Shown:
    """Every body's HTML, made at once (``netnotes serve``: saved already)."""

    def __init__(self, bodies: dict[str, Markup], notes: dict[str, Seen]) -> None:
        self.bodies = bodies
        self.notes = notes

    def get(self, path: str, default: Markup, /) -> Markup:
        return self.bodies.get(path, default)

    def linked(self) -> dict[str, str]:
        return {path: k[:KEY_CHARS] for path, (_, k, seen) in self.notes.items() if seen is not None and k}

    def prepare(self, model: SiteModel, unshaped: Container[str]) -> None:
        pass

    def save(self) -> None:
        pass


class Lazy:
    """Bodies keyed, looked up in the render cache and rendered when asked for: those with
    wikilinks for ``linked``, then those of the pages a build shapes (``prepare``, in worker
    processes when they are many), and any other page's on the way."""

    def __init__(self, rendering: Rendering) -> None:
        self.rendering = rendering
        self.vault, self.links, self.cache = rendering.vault, rendering.links, rendering.cache
        self.anchor = _anchors(self.links)
        self.notes = self.links.notes_by_path()  # its job is made when asked for
        self.keys: dict[str, str] = {}  # by note path, those made
        self.html: dict[str, Markup] = {}  # by note path, those rendered or looked up
        self.used: dict[str, Markup] = {}  # by key
        self.complete = False  # every body was asked for: the cache may forget the rest

    def _key(self, job: Job) -> str:
        found = self.keys.get(job[0])
        if found is None:
            found = self.keys[job[0]] = self.cache.key(job[1], job[2], self.rendering.targets)
        return found

    def _job(self, path: str) -> Job | None:
        """What to render of the note at ``path``; None for one without a body."""
        note = self.notes.get(path)
        if note is None or not note.body.strip():
            return None
        return (path, note.body, self.anchor[type(note)](note))

    def get(self, path: str, default: Markup, /) -> Markup:
        html = self.html.get(path)
        if html is None:
            if self._job(path) is None:
                return default
            # A body ``prepare`` did not show: a page taken from the site in place whose file
            # is gone or changed (when the site was removed, all of them, one by one): every
            # body is shown now, at once, rather than looked up one at a time
            self._show_all()
            html = self.html[path]
        return html

    def linked(self) -> dict[str, str]:
        jobs = (self._job(path) for path, note in self.notes.items() if "[[" in note.body)
        return {job[0]: self._key(job)[:KEY_CHARS] for job in jobs if job is not None}

    def prepare(self, model: SiteModel, unshaped: Container[str]) -> None:
        contacts = [c.id for c in self.vault.contacts if model.links.contact(c.id) not in unshaped]
        n = len(self.notes)  # at least the bodies a complete build shows
        if len(contacts) == len(self.vault.contacts) or self.cache.rows > n + n // SWEEP:
            self._show_all()
            return
        paths = [self.vault.contacts_by_id[cid].path for cid in contacts]
        for cid in contacts:
            paths += (i.path for i in model.interactions_by_contact.get(cid, ()))
            paths += (a.path for a in model.asks_by_contact.get(cid, ()))
        jobs = (self._job(p) for p in dict.fromkeys(paths) if p not in self.html)
        self._show([job for job in jobs if job is not None])

    def _show_all(self) -> None:
        """Every body not shown yet, at once; the cache then forgets what no build uses."""
        self.complete = True
        self._show([job for path, job in _work(self.vault, self.links).items() if path not in self.html])

    def _show(self, jobs: list[Job]) -> None:
        """Key, look up and render ``jobs`` (what is not in the cache; in workers when many)."""
        if not jobs:
            return
        keys = [self._key(job) for job in jobs]
        self.cache.fetch(keys, self.rendering.warn)
        html = self.cache.entries
        self.rendering.fill(list(zip(jobs, keys, strict=True)), html)
        for job, k in zip(jobs, keys, strict=True):
            self.html[job[0]] = self.used[k] = html[k]

    def save(self) -> None:
        self.cache.save(self.used, self.rendering.warn, self.complete)


def _render_changed(rendering: Rendering, last: Rendered) -> dict[str, Markup]:
    """``render_bodies`` given the last call's result (``Rendered``): only the notes that are not
    the very objects it saw, and those whose wikilinks point elsewhere now, are keyed (and
    rendered when new)."""
    vault, links, targets, cache, warn = (
        rendering.vault,
        rendering.links,
        rendering.targets,
        rendering.cache,
        rendering.warn,
    )
    before = last.notes
    notes: dict[str, Seen] = {}
    bodies = dict(last.bodies)
    used = dict(last.used)
    redo: list[tuple[Job, Seen | None, Contact | Interaction | Ask]] = []
    where = targets.get
    matched = 0
    anchor = _anchors(links)
    for group in (vault.contacts, vault.interactions, vault.asks):
        for note in group:
            path = note.path
            was = before.get(path)
            if was is not None:
                matched += 1
                # the very same note, and the same targets where it has wikilinks
                if was[0] is note and (was[2] is None or tuple(map(where, was[2][0])) == was[2][1]):
                    notes[path] = was
                    continue
            redo.append(((path, note.body, anchor[type(note)](note) if note.body.strip() else ""), was, note))
    if matched < len(before):  # notes gone: their bodies and keys with them
        for path in before.keys() - notes.keys() - {job[0] for job, _, _ in redo}:
            bodies.pop(path, None)
            used.pop(before[path][1], None)
    html = cache.entries
    todo: list[tuple[Job, str]] = []
    known = cache.known  # a body without wikilinks that a note had before is not hashed again
    keyed = 0
    for job, was, note in redo:
        path, body, doc_id = job
        refs = tuple(key(wikilink_target(m.group(1))) for m in WIKILINK_RE.finditer(body)) if "[[" in body else None
        seen = None if refs is None else (refs, tuple(map(where, refs)))
        if not body.strip():
            k = ""
        elif seen is None:  # no wikilinks: the key of the same text and prefix is known
            k = known.get((doc_id, body)) or ""
        else:  # a note read again (not the very object): the same text, id and targets, the same key
            same = was is not None and was[2] == seen and _same_note(was[0], note)
            k = was[1] if same and was is not None else ""
        if body.strip() and not k:
            k = cache.key(body, doc_id, targets)
            keyed += 1
        notes[path] = (note, k, seen)
        if cache.remember and k and seen is None:
            if was is not None and was[1] != k:
                known.pop((doc_id, getattr(was[0], "body", "")), None)
            known[(doc_id, body)] = k
        if was is not None and was[1] != k:
            used.pop(was[1], None)
        if k:
            todo.append((job, k))
        else:
            bodies.pop(path, None)
    cache.fetch((k for _, k in todo if k not in html), warn)
    rendering.fill(todo, html)
    for (path, _, _), k in todo:
        bodies[path] = used[k] = html[k]
    cache.save(used, warn)
    last.notes, last.bodies, last.used, last.keyed = notes, bodies, used, keyed
    return bodies


def _same_note(was: object, now: Any) -> bool:  # noqa: ANN401 - a Contact, Interaction or Ask
    """Whether ``was`` had the body and id (so the footnote prefix) that ``now`` has."""
    return getattr(was, "body", None) == now.body and getattr(was, "id", None) == now.id


def render_plain(job: Job) -> str | None:
    """The HTML of a body of plain paragraphs and lists (``markdown.plain_html``), made without
    a parser; None for any other body."""
    return plain_html(job[1])


def _render(table: Targets, work: list[Job]) -> list[str]:
    renderer = NoteRenderer(lambda target: table.get(key(target)))
    return [renderer.render(body, doc_id) for _, body, doc_id in work]
