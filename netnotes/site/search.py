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
import itertools
import json
import operator
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from .. import __version__
from ..model import Ask, Contact, Interaction
from .cache_file import CacheFile, Wording
from .pages import SiteModel, by_name

GLOBAL_NAME = "NETNOTES_SEARCH"
MAX_TEXT_CHARS = 600  # of note words per contact, after the names, company and tags
WORDS_FILE = "search-words.json"  # in the vault's .netnotes/cache/
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
    # the notes whose text follows ``text`` (``note_text``): an entry holds its notes, not their
    # text, so its digest is made of theirs, which a build after one edit knows already
    notes: tuple[Contact | Interaction | Ask, ...] = ()

    def all_text(self) -> tuple[str, ...]:
        """``text``, then the text of each of ``notes``."""
        if not self.notes:
            return self.text
        return (*self.text, *itertools.chain.from_iterable(map(note_text, self.notes)))


def note_text(note: Contact | Interaction | Ask) -> tuple[str, ...]:
    """What a note's entry is found by besides its fields: its body, and an interaction's title
    and next step, an ask's introduction."""
    if isinstance(note, Interaction):
        return (note.title or "", note.next or "", note.body)
    if isinstance(note, Ask):
        return (note.intro_to or "", note.body)
    return (note.body,)


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
    """Each entry's words kept between builds, in the vault's ``.netnotes/cache/``
    (``cache_file``: read whole, grown in place), so a build after one edit finds
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
            found = None
            if stored is not None:  # by the entry's digest, without its text
                key = stored[0].key(stored[1](n))
                found = stored[0].words.get(key)
            if found is None:
                text = e.all_text()
                found = kept.get((e.fields, text)) or cls.last.get((e.fields, text)) or words_of(e.fields, text)
                kept[(e.fields, text)] = found
            if stored is not None:
                used[key] = found
            words.append(found)
        cls.last = kept
        if stored is not None:
            stored[0].save(used, stored[2])
        return words


# the words kept between builds, each entry's digest (as ``Digester`` makes it, by the entry's
# number: asked for only when needed), and where warnings go
Stored = tuple[SearchWords, Callable[[int], str], Callable[[str], None]]


@dataclass(slots=True)
class Memo:
    """What one search index leaves to the next in a process that builds one vault again and
    again (``netnotes serve``, ``build.Kept``): each contact's entry with what it was made of
    (the contact, its interactions and asks, as the very same objects, which are frozen, and its
    company's name and page), and each entry's row of the index (by the entry, the very same
    object, pinned: its digest, the key and words of ``SearchWords`` and its JSON text). Only
    the last index's are kept, so it never grows."""

    contacts: dict[str, tuple[tuple[object, ...], Entry]] = field(default_factory=dict)
    rows: dict[int, tuple[Entry, str, str, str]] = field(default_factory=dict)  # (entry, key, words, JSON)
    digests: dict[int, tuple[Entry, str, str]] = field(default_factory=dict)  # each entry's digests (``build``)
    made: int = 0  # contact entries the last ``search_entries`` made (tests count them)
    rowed: int = 0  # rows the last ``index_script`` made (tests count them)


def index_script(entries: Sequence[Entry], stored: Stored | None = None, memo: Memo | None = None) -> str:
    if memo is not None and stored is not None:
        return _script(",".join(_rows(entries, stored, memo)))
    rows = [[e.url, e.title, e.subtitle, words] for e, words in zip(entries, _Words.of(entries, stored), strict=True)]
    return _script(json.dumps(rows, ensure_ascii=False, separators=(",", ":"))[1:-1])


def _script(rows: str) -> str:
    # U+2028/9 end a line in older JavaScript engines, even inside a string.
    data = rows.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    return f"window.{GLOBAL_NAME} = [{data}];\n"


def _rows(entries: Sequence[Entry], stored: Stored, memo: Memo) -> list[str]:
    """Each entry's row as JSON text (what ``json.dumps`` makes of the list of rows, between
    its commas): the last index's for the very same entry, else made, its words taken from
    ``SearchWords`` by its digest (asked for only then) or found (``words_of``)."""
    words, digest_of, warn = stored
    before = memo.rows
    rows: dict[int, tuple[Entry, str, str, str]] = {}
    fresh: list[int] = []
    for n, e in enumerate(entries):
        was = before.get(id(e))
        if was is not None and was[0] is e:
            rows[id(e)] = was
        else:
            fresh.append(n)
    for n in fresh:
        e = entries[n]
        key = words.key(digest_of(n))
        found = words.words.get(key) or words_of(e.fields, e.all_text())
        row = json.dumps([e.url, e.title, e.subtitle, found], ensure_ascii=False, separators=(",", ":"))
        rows[id(e)] = (e, key, found, row)
    memo.rows, memo.rowed = rows, len(fresh)
    words.save({key: found for _, key, found, _ in rows.values()}, warn)
    return [rows[id(e)][3] for e in entries]


def search_entries(model: SiteModel, memo: Memo | None = None) -> list[Entry]:
    """A contact per entry (newest notes first), then every tag and company page. Given
    ``memo`` (the last call's, updated), a contact whose entry would be made of the very same
    objects, company name and page gets the very same entry, not made again."""
    entries = []
    links = model.links
    before = memo.contacts if memo is not None else {}
    kept: dict[str, tuple[tuple[object, ...], Entry]] = {}
    made = 0
    for c in sorted(model.vault.contacts, key=by_name):
        company = model.company_index.get(c.company)
        interactions = model.interactions_by_contact.get(c.id, ())
        asks = model.asks_by_contact.get(c.id, ())
        url = links.contact(c.id)
        if memo is not None:
            # the very same objects (compared by identity, in C), and the same name and page
            made_of = (company.name if company else "", url, c, *interactions, None, *asks)
            was = before.get(c.id)
            if (
                was is not None
                and len(was[0]) == len(made_of)
                and was[0][:2] == made_of[:2]
                and all(map(operator.is_, was[0][2:], made_of[2:]))
            ):
                kept[c.id] = was
                entries.append(was[1])
                continue
        made += 1
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
        entry = Entry(url, c.name, subtitle, fields, notes=(c, *reversed(interactions), *reversed(asks)))
        entries.append(entry)
        if memo is not None:
            kept[c.id] = (made_of, entry)
    if memo is not None:
        memo.contacts, memo.made = kept, made
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
