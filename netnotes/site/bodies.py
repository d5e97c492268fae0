"""Every note body rendered to HTML once, whatever number of pages show it.

The result is a plain ``{note path: Markup}``. Each body's HTML depends only on its text, its
footnote prefix and where its ``[[wikilinks]]`` point, so large vaults render in worker
processes (as the loader reads), and ``body_cache`` keeps the HTML of unchanged notes between
builds (what ``netnotes serve`` rebuilds on every save). Bodies are shown only on pages one
folder below the site root, so a wikilink is always ``../contacts/<slug>.html``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from markupsafe import Markup

from ..markdown import NoteRenderer, plain_html
from ..model import Vault
from ..parallel import parallel_map
from ..refs import RefIndex, key
from .body_cache import BodyCache, Targets
from .pages import Links

PARALLEL_THRESHOLD = 2000  # bodies to parse (plain ones are made here); below this a pool costs more than it saves
BODY_ROOT = "../"  # from a page that shows bodies to the site root

WikilinkTable = dict[str, tuple[str, str]]  # key(target) -> (href, text)
Job = tuple[str, str, str]  # (note path, body, footnote prefix)


def wikilink_table(vault: Vault, links: Links) -> WikilinkTable:
    """What each ``[[target]]`` links to: a contact (by id, or a unique name or alias), else an
    interaction or ask (on its contact's page), matching ``netnotes check``'s resolution."""
    table = _note_targets(vault, links)
    for ref_key, contact_id in RefIndex(vault.contacts).targets().items():  # a contact wins over a note
        table[ref_key] = (BODY_ROOT + links.contact(contact_id), vault.contacts_by_id[contact_id].name)
    return table


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

    def __init__(self, vault: Vault, links: Links) -> None:
        self.vault = vault
        self.links = links
        self._contacts: dict[str, str] | None = None
        self._notes: WikilinkTable | None = None

    def get(self, ref_key: str, /) -> tuple[str, str] | None:
        if self._contacts is None:
            self._contacts = RefIndex(self.vault.contacts).targets()
        contact_id = self._contacts.get(ref_key)
        if contact_id is not None:  # a contact wins over a note
            return BODY_ROOT + self.links.contact(contact_id), self.vault.contacts_by_id[contact_id].name
        if self._notes is None:
            self._notes = _note_targets(self.vault, self.links)
        return self._notes.get(ref_key)


def _unheard(message: str) -> None:
    pass


def render_bodies(
    vault: Vault,
    links: Links,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    warn: Callable[[str], None] = _unheard,
    cache: BodyCache | None = None,
) -> dict[str, Markup]:
    """Every non-empty body's HTML by note path; ``cache_dir`` (if given) is read and updated,
    or ``cache``, one kept from an earlier build of this vault (``netnotes serve``).

    A cache that cannot be read, made or saved, or that is corrupt, never fails the render: the
    notes are rendered afresh and ``warn`` is told why, in one line.
    """
    work: list[Job] = [(c.path, c.body, links.contact_anchor(c.id)) for c in vault.contacts if c.body.strip()]
    work += [(i.path, i.body, links.interaction_anchor(i)) for i in vault.interactions if i.body.strip()]
    work += [(a.path, a.body, links.ask_anchor(a)) for a in vault.asks if a.body.strip()]
    targets = WikilinkTargets(vault, links)
    if cache is None:
        cache = BodyCache.open(cache_dir, warn)
    keys = cache.keys(work, targets)
    html = cache.entries
    todo = []
    for job, k in zip(work, keys, strict=True):
        if k not in html:
            plain = render_plain(job)  # most bodies: made here at once, never sent to a worker
            if plain is None:
                todo.append((job, k))
            else:
                html[k] = Markup(plain)
    # workers get the whole table (pickled, or forked); rendered here, the lookups made so far
    table: Targets = wikilink_table(vault, links) if len(todo) >= PARALLEL_THRESHOLD else targets
    fresh = parallel_map(_render, [job for job, _ in todo], table, threshold=PARALLEL_THRESHOLD, jobs=jobs)
    html.update((k, Markup(h)) for (_, k), h in zip(todo, fresh, strict=True))
    bodies = {path: html[k] for (path, _, _), k in zip(work, keys, strict=True)}
    cache.save({k: html[k] for k in keys}, warn)
    return bodies


def render_plain(job: Job) -> str | None:
    """The HTML of a body of plain paragraphs and lists (``markdown.plain_html``), made without
    a parser; None for any other body."""
    return plain_html(job[1])


def _render(table: Targets, work: list[Job]) -> list[str]:
    renderer = NoteRenderer(lambda target: table.get(key(target)))
    return [renderer.render(body, doc_id) for _, body, doc_id in work]
