"""Every note body rendered to HTML once, whatever number of pages show it.

The result is a plain ``{note path: Markup}``. Each body's HTML depends only on its text, its
footnote prefix and where its ``[[wikilinks]]`` point, so large vaults render in worker
processes (as the loader reads), and a cache in the vault's ``.netnotes/cache/`` keeps the HTML
of unchanged notes between builds (what ``netnotes serve`` rebuilds on every save). Bodies are
shown only on pages one folder below the site root, so a wikilink is always
``../contacts/<slug>.html``.
"""

from __future__ import annotations

import contextlib
import hashlib
import hmac
import json
import os
import signal
import tempfile
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from markupsafe import Markup

from .. import __version__
from ..markdown import NoteRenderer
from ..model import Vault
from ..refs import WIKILINK_RE, RefIndex, key, wikilink_target
from .pages import Links

PARALLEL_THRESHOLD = 8000  # notes to render; below this, starting worker processes costs more than it saves
BODY_ROOT = "../"  # from a page that shows bodies to the site root
CACHE_FILE = "bodies.json"  # in the vault's .netnotes/cache/

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


def _unheard(message: str) -> None:
    pass


def render_bodies(
    vault: Vault,
    links: Links,
    jobs: int | None = None,
    cache_dir: Path | None = None,
    warn: Callable[[str], None] = _unheard,
) -> dict[str, Markup]:
    """Every non-empty body's HTML by note path; ``cache_dir`` (if given) is read and updated.

    A cache that cannot be read, made or saved, or that is corrupt, never fails the render: the
    notes are rendered afresh and ``warn`` is told why, in one line.
    """
    work: list[Job] = [(c.path, c.body, links.contact_anchor(c.id)) for c in vault.contacts if c.body.strip()]
    work += [(i.path, i.body, links.interaction_anchor(i)) for i in vault.interactions if i.body.strip()]
    work += [(a.path, a.body, links.ask_anchor(a)) for a in vault.asks if a.body.strip()]
    table = wikilink_table(vault, links)
    secret = _secret(warn) if cache_dir is not None else None
    if secret is None:
        cache_dir = None
    salt = _salt()
    keys = [_cache_key(secret or b"", salt, job, table) for job in work]
    cached = _read_cache(cache_dir, warn) if cache_dir is not None else {}
    if cached is None:  # unreadable: leave it alone this time
        cache_dir, cached = None, {}
    todo = [(job, k) for job, k in zip(work, keys) if k not in cached]
    fresh = _render_all(table, [job for job, _ in todo], jobs)
    html = {**cached, **{k: h for (_, k), h in zip(todo, fresh)}}
    if cache_dir is not None and (todo or len(cached) != len(set(keys))):
        _write_cache(cache_dir, {k: html[k] for k in keys}, warn)  # only what this vault uses: no growth
    return {path: Markup(html[k]) for (path, _, _), k in zip(work, keys)}


def _render_all(table: WikilinkTable, work: list[Job], jobs: int | None) -> list[str]:
    jobs = jobs if jobs is not None else (os.cpu_count() or 1)
    if jobs <= 1 or len(work) < PARALLEL_THRESHOLD:
        return _render(table, work)
    size = max(500, len(work) // (jobs * 4))
    batches = [work[i : i + size] for i in range(0, len(work), size)]
    with ProcessPoolExecutor(max_workers=jobs, initializer=_start_worker, initargs=(table,)) as pool:
        return [h for batch in pool.map(_render_batch, batches) for h in batch]


def _render(table: WikilinkTable, work: Iterable[Job]) -> list[str]:
    renderer = NoteRenderer(lambda target: table.get(key(target)))
    return [renderer.render(body, doc_id) for _, body, doc_id in work]


_worker_table: WikilinkTable = {}


def _start_worker(table: WikilinkTable) -> None:
    global _worker_table
    _worker_table = table
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


def _render_batch(work: list[Job]) -> list[str]:
    return _render(_worker_table, work)


# -- the cache


def _salt() -> str:
    """What else the HTML depends on: the versions of netnotes and of the Markdown libraries."""
    parts = [f"netnotes {__version__}"]
    for package in ("markdown-it-py", "mdit-py-plugins"):
        try:
            parts.append(f"{package} {version(package)}")
        except PackageNotFoundError:
            parts.append(f"{package} ?")
    return "\n".join(parts)


def _secret(warn: Callable[[str], None]) -> bytes | None:
    """This user's key for the render cache, made once in their own cache folder.

    The cache holds HTML that goes into pages as it is, and it lives in the vault, which may
    have come from someone else. Its entries are keyed by an HMAC under a secret that never
    lives in the vault, so a crafted cache matches nothing and every note is rendered afresh.
    None (and no cache) when the secret cannot be read or made.
    """
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    path = Path(base) / "netnotes" / "cache-key"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        data = b""
    except OSError as err:
        warn(f"cannot read the render cache key {path}: {_cause(err)}; building without the cache")
        return None
    if len(data) >= 32:
        return data
    try:  # two first builds at once may both write it: the later key wins, the cache re-renders
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(os.urandom(32))
        return path.read_bytes()
    except OSError as err:
        warn(f"cannot make the render cache key {path}: {_cause(err)}; building without the cache")
        return None


def _cause(err: OSError) -> str:
    return err.strerror or str(err) or type(err).__name__


def _cache_key(secret: bytes, salt: str, job: Job, table: WikilinkTable) -> str:
    _, body, doc_id = job
    digest = hmac.new(secret, f"{salt}\0{doc_id}\0{body}".encode(), hashlib.sha256)
    if "[[" in body:  # where its wikilinks point is part of its HTML
        for match in WIKILINK_RE.finditer(body):
            target = wikilink_target(match.group(1))
            digest.update(f"\0{target}\0{table.get(key(target))!r}".encode())
    return digest.hexdigest()


def _read_cache(folder: Path, warn: Callable[[str], None]) -> dict[str, str] | None:
    """The cached HTML by key: empty when there is none yet or it is corrupt (said), None when
    it cannot be read at all (said; then it is not written either)."""
    path = folder / CACHE_FILE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    except OSError as err:
        warn(f"cannot read the render cache {path}: {_cause(err)}; building without the cache")
        return None
    except ValueError:  # not UTF-8
        text = ""
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        warn(f"ignored the render cache {path}: it is corrupt; every note is rendered afresh")
        return {}
    entries = {k: v for k, v in data.items() if isinstance(k, str) and isinstance(v, str)}
    if len(entries) != len(data):
        bad = len(data) - len(entries)
        warn(f"ignored {bad} corrupt entr{'y' if bad == 1 else 'ies'} of the render cache {path}")
    return entries


def _write_cache(folder: Path, entries: dict[str, str], warn: Callable[[str], None]) -> None:
    """Atomically, and never failing the build: a read-only vault just goes without a cache."""
    tmp: str | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{CACHE_FILE}.", dir=folder)
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(entries, f, ensure_ascii=False, separators=(",", ":"))
        os.replace(tmp, folder / CACHE_FILE)
    except OSError as err:
        warn(
            f"cannot save the render cache {folder / CACHE_FILE}: {_cause(err)}; "
            "the next build renders every note again"
        )
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
