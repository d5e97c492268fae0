"""The search index: a script file that sets a global, so search works from ``file://``.

Browsers do not let a page opened from disk fetch a JSON file, but they do run a script the
page names. Each entry is ``[url, title, subtitle, words]``: a page (a contact, tag or
company) and the lower-case, accent-free words it can be found by. A contact's words are its
names, company (as written and by its company's name), earlier companies, role, tags and the
words of its notes (its own body, then its interactions and asks, newest first), each word once
and cut at ``MAX_TEXT_CHARS``, so the index grows with the number of contacts, not with the
amount of note text: about 0.8 KB per contact.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar

from .. import __version__
from .cache_file import CacheFile, Wording
from .pages import SiteModel, by_name

GLOBAL_NAME = "NETNOTES_SEARCH"
MAX_TEXT_CHARS = 600  # of note words per contact, after the names, company and tags
WORDS_FILE = "search-words.json"  # in the vault's .netnotes/cache/, beside the render cache
WORDING = Wording(
    "the search words cache",
    unread="building without it",
    corrupt="every entry's words are found afresh",
    unsaved="the next build finds every entry's words again",
)
_WORD_RE = re.compile(r"[^\W_]+(?:['’.\-@+][^\W_]+)*")


@dataclass(frozen=True, slots=True)
class Entry:
    url: str  # relative to the site root
    title: str
    subtitle: str
    fields: tuple[str, ...]  # always searchable in full (names, company, tags)
    text: tuple[str, ...] = ()  # note text; only its first distinct words are kept


def fold(text: str) -> str:
    """Lower case without accents: what both the index and the search box compare."""
    if text.isascii():
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


def words_of(fields: Iterable[str], text: Iterable[str], limit: int = MAX_TEXT_CHARS) -> str:
    seen: set[str] = set()
    out: list[str] = []
    for value in fields:
        for word in _WORD_RE.findall(fold(value)):
            if word not in seen:
                seen.add(word)
                out.append(word)
    budget = limit
    for value in text:
        for word in _WORD_RE.findall(fold(value)):
            if word in seen or len(word) < 2:
                continue
            if len(word) + 1 > budget:
                return " ".join(out)
            seen.add(word)
            out.append(word)
            budget -= len(word) + 1
    return " ".join(out)


class SearchWords:
    """Each entry's words kept between builds, in the vault's ``.netnotes/cache/`` beside the
    render cache (``cache_file``: read whole, grown in place), so a build after one edit finds
    the words of the one or two entries that changed and reads the others. An entry is found by
    a MAC (keyed BLAKE2b, under the user's secret, as the render cache's keys are) of its
    digest (``digest.Digester``: its url, title, subtitle, fields and text) and of this
    module's code, so a crafted file matches nothing and changed code finds nothing."""

    def __init__(self, file: CacheFile | None, secret: bytes, words: dict[str, str]) -> None:
        self.file = file
        self.secret = secret[:64]
        self.words = words

    @classmethod
    def open(cls, folder: Path | None, secret: bytes, warn: Callable[[str], None]) -> SearchWords:
        """The words kept in ``folder`` (None, or no ``secret``: none, and none saved)."""
        if folder is None or not secret:
            return cls(None, b"", {})
        file, words = CacheFile.read(folder / WORDS_FILE, WORDING, warn)
        return cls(file if file.usable else None, secret, words)

    def key(self, digest: str) -> str:
        return hashlib.blake2b(f"{_code_salt()}\0{digest}".encode(), key=self.secret, digest_size=32).hexdigest()

    def save(self, used: dict[str, str], warn: Callable[[str], None]) -> None:
        self.words = used  # only what the last index used stays in memory
        if self.file is not None:
            self.file.save(used, warn)


@functools.cache
def _code_salt() -> str:
    """What the words depend on besides an entry: netnotes' version and this module's code."""
    try:
        code = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    except OSError:
        code = "?"
    return f"netnotes {__version__}; {code}"


class _Words:
    """Each entry's words by its fields and text, as the last index of this process had them:
    ``netnotes serve`` rebuilds the index after every save, and one save changes one or two
    entries. Only the last index's entries are kept, so it never grows. Words not found here
    are looked up in ``stored`` (by each entry's digest) before they are made."""

    last: ClassVar[dict[tuple[tuple[str, ...], tuple[str, ...]], str]] = {}

    @classmethod
    def of(cls, entries: Sequence[Entry], stored: Stored | None = None) -> list[str]:
        kept: dict[tuple[tuple[str, ...], tuple[str, ...]], str] = {}
        words = []
        used: dict[str, str] = {}
        for n, e in enumerate(entries):
            found = kept.get((e.fields, e.text)) or cls.last.get((e.fields, e.text))
            if stored is not None:
                key = stored[0].key(stored[1][n])
                found = found or stored[0].words.get(key)
            if found is None:
                found = words_of(e.fields, e.text)
            if stored is not None:
                used[key] = found
            kept[(e.fields, e.text)] = found
            words.append(found)
        cls.last = kept
        if stored is not None:
            stored[0].save(used, stored[2])
        return words


# the words kept between builds, each entry's digest (as ``Digester`` makes it), and where
# warnings go
Stored = tuple[SearchWords, Sequence[str], Callable[[str], None]]


def index_script(entries: Sequence[Entry], stored: Stored | None = None) -> str:
    rows = [[e.url, e.title, e.subtitle, words] for e, words in zip(entries, _Words.of(entries, stored), strict=True)]
    data = json.dumps(rows, ensure_ascii=False, separators=(",", ":"))
    # U+2028/9 end a line in older JavaScript engines, even inside a string.
    data = data.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL_NAME} = {data};\n"


def search_entries(model: SiteModel) -> list[Entry]:
    """A contact per entry (newest notes first), then every tag and company page."""
    entries = []
    links = model.links
    for c in sorted(model.vault.contacts, key=by_name):
        notes = [c.body]
        for i in reversed(model.interactions_by_contact.get(c.id, [])):
            notes += [i.title or "", i.next or "", i.body]
        for a in reversed(model.asks_by_contact.get(c.id, [])):
            notes += [a.intro_to or "", a.body]
        company = model.company_index.get(c.company)
        subtitle = " · ".join(filter(None, (c.role, c.company, "archived" if c.archived else None)))
        fields = (
            c.name,
            *c.aliases,
            c.company or "",
            company.name if company else "",
            *c.past_companies,
            c.role or "",
            c.location or "",
            *c.tags,
            c.circle or "",
        )
        entries.append(Entry(links.contact(c.id), c.name, subtitle, fields, tuple(notes)))
    for k, (name, members) in model.tags.items():
        entries.append(Entry(links.tag(k), name, f"tag · {len(members)} contacts", ("tag", name)))
    # a company is found by any spelling: the notes' ones, and its name in `companies:`
    canonical: dict[str, list[str]] = {}
    for name, _ in model.vault.config.companies:
        canonical.setdefault(model.company_index.merges.key(name), []).append(name)
    for company in model.company_index.companies.values():
        subtitle = f"company · {len(company.now)} contacts"
        if company.formerly:
            subtitle += f", {len(company.formerly)} formerly"
        fields = ("company", company.name, *company.spellings, *canonical.get(company.key, ()))
        entries.append(Entry(links.company(company.key), company.name, subtitle, fields))
    return entries
