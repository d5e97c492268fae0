"""Every note body rendered to HTML once, whatever number of pages show it.

The result is a plain ``{note path: Markup}`` computed from (body, wikilink table) only, so it
can be spread over processes for large vaults (as the loader does) and cached later without
changing callers. Bodies are shown only on pages one folder below the site root, so a
wikilink is always ``../contacts/<slug>.html``.
"""

from __future__ import annotations

import os
from concurrent.futures import ProcessPoolExecutor
from typing import Iterable

from markupsafe import Markup

from ..markdown import NoteRenderer
from ..model import Vault
from ..refs import RefIndex, key
from .pages import Links

PARALLEL_THRESHOLD = 8000  # notes; below this, starting worker processes costs more than it saves
BODY_ROOT = "../"  # from a page that shows bodies to the site root

WikilinkTable = dict[str, tuple[str, str]]  # key(target) -> (href, text)
Job = tuple[str, str, str]  # (note path, body, footnote prefix)


def wikilink_table(vault: Vault, links: Links) -> WikilinkTable:
    """What each ``[[target]]`` links to: a contact (by id, or a unique name or alias), else an
    interaction or ask (on its contact's page), matching ``netnotes check``'s resolution."""
    table: WikilinkTable = {}
    for interaction in vault.interactions:
        url = links.interaction(interaction)
        if url is not None:
            table[key(interaction.id)] = (BODY_ROOT + url, interaction.title or interaction.id)
    for ask in vault.asks:
        url = links.ask(ask)
        if url is not None:
            table[key(ask.id)] = (BODY_ROOT + url, f"ask: {ask.kind or ask.id}")
    index = RefIndex(vault.contacts)
    for name, ids in index.names.items():
        if len(ids) == 1:
            table[name] = (BODY_ROOT + links.contact(ids[0]), vault.contacts_by_id[ids[0]].name)
    for cid in index.ids:  # an exact id wins over names and aliases
        table[cid] = (BODY_ROOT + links.contact(cid), vault.contacts_by_id[cid].name)
    return table


def render_bodies(vault: Vault, links: Links, jobs: int | None = None) -> dict[str, Markup]:
    work: list[Job] = [(c.path, c.body, links.contact_anchor(c.id)) for c in vault.contacts if c.body.strip()]
    work += [(i.path, i.body, links.interaction_anchor(i)) for i in vault.interactions if i.body.strip()]
    work += [(a.path, a.body, links.ask_anchor(a)) for a in vault.asks if a.body.strip()]
    table = wikilink_table(vault, links)
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        html = _render(table, work)
    else:
        size = max(500, len(work) // (jobs * 4))
        batches = [work[i:i + size] for i in range(0, len(work), size)]
        with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(table,)) as pool:
            html = [h for batch in pool.map(_render_batch, batches) for h in batch]
    return {path: Markup(h) for (path, _, _), h in zip(work, html)}


def _render(table: WikilinkTable, work: Iterable[Job]) -> list[str]:
    renderer = NoteRenderer(lambda target: table.get(key(target)))
    return [renderer.render(body, doc_id) for _, body, doc_id in work]


_worker_table: WikilinkTable = {}


def _start_worker(table: WikilinkTable) -> None:
    global _worker_table
    _worker_table = table


def _render_batch(work: list[Job]) -> list[str]:
    return _render(_worker_table, work)
