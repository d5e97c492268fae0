"""Page contexts: the vault and the follow-up engine's answers, shaped for each template.

``SiteModel`` indexes the vault once (interactions and asks by contact, due items by contact,
tags and companies, page names), so every page is a handful of dictionary look-ups and a
10,000-contact vault never costs contacts x interactions. ``pages()`` then yields one ``Page``
(output path, template, context) at a time. Pages that show rendered note bodies all live one
folder down (``contacts/<slug>.html``), so links inside bodies are the same on every page.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from collections.abc import Callable, Container, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Literal, Protocol, TypeVar

from markupsafe import Markup

from ..collation import collation_key
from ..companies import Company, CompanyIndex, company_index
from ..dates import Duration, days_before
from ..dupes import Candidates, Pair, find_candidates, find_dupes
from ..dupes import _references as references  # how many notes refer to each contact
from ..followup import (
    DueItem,
    DueStatus,
    Reason,
    Reciprocity,
    Touch,
    ask_due_date,
    cadence_of,
    due_items,
    due_items_patched,
    is_follow_up_open,
    last_touches,
    last_touches_patched,
    reciprocity,
    reciprocity_patched,
)
from ..markdown import is_web_url
from ..model import Ask, AskStatus, Contact, Direction, Interaction, Vault, dated_order
from ..moves import WINDOW_DAYS, Move, recent_moves
from ..paths import KNOWN, Insider, Path, PathIndex
from ..problems import Problem
from ..refs import key, unwrap
from ..slugs import safe_slug, unique_slugs
from ..strength import Fading, Relationships, Strength, relationships, relationships_patched
from . import charts

if TYPE_CHECKING:
    from ..snapshot import Patch

DUE_SECTIONS = ((DueStatus.OVERDUE, "Overdue"), (DueStatus.TODAY, "Today"), (DueStatus.SOON, "Soon"))
ASK_SIDES = ((Direction.OUT, "Waiting on them", "I asked"), (Direction.IN, "I owe them", "They asked me"))
BIRTHDAY_DAYS = 30  # how far ahead the dashboard's birthday list looks
DASHBOARD_LIST = 12  # planned and recent interactions shown on the dashboard
DUE_LIMIT = 100  # items shown per dashboard section; the rest are counted and linked
FADING_LIMIT = 12  # fading contacts shown on the dashboard; the rest are counted
PATHS_LIMIT = 5  # introduction paths on a company page, or on the page of someone I barely know

NO_BODY = Markup("")  # a note with no rendered body (Markup is immutable, so one value serves all)


# The navigation entries of base.html; a page names the one that is current.
NavSection = Literal["dashboard", "contacts", "tags", "companies", "asks", "problems", "search"]


@dataclass(frozen=True, slots=True)
class Page:
    path: str  # in the output, '/'-separated
    template: str
    title: str
    section: NavSection
    context: dict[str, Any]
    # The timeline entries the page shows through `entry_html`: each is rendered once per
    # build (from _entry.html), however many contacts' pages show it.
    entries: tuple[TimelineEntry, ...] = ()
    owner: str | None = None  # a contact page: the contact's id (site/depends.py tracks its notes)
    # Model values the context is derived from without holding them (digested with the page,
    # so that site/depends.py sees their notes): the asks for an introduction to the contact.
    inputs: tuple[object, ...] = ()


@dataclass(frozen=True, slots=True)
class NoteLinks:
    """Where the notes a page cites by path (a due item's or a piece of evidence's source) are
    shown, by path: a page input (``Page.inputs``), never shown, so that a page's key covers
    the links its template makes to them (``Links.note``)."""

    links: tuple[tuple[str, str | None], ...]


def note_links(model: SiteModel, sources: Iterable[str]) -> tuple[NoteLinks, ...]:
    """The page input for the notes at ``sources`` (none when there are none)."""
    links = tuple((path, model.links.note(path)) for path in sorted(set(sources)))
    return (NoteLinks(links),) if links else ()


def _evidence_sources(paths: Iterable[Path]) -> list[str]:
    return [e.source for p in paths for e in p.evidence]


@dataclass(frozen=True, slots=True)
class Ranked:
    """The contacts whose strength ranks a contact's *Who can introduce you* list, shown or not:
    a page input (``Page.inputs``), never shown."""

    contacts: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Every:
    """Stands for every contact's note: a page input (``Page.inputs``) of a page that reads
    them all, such as the problems page's likely duplicates; never shown."""


@dataclass(frozen=True, slots=True)
class Kept:
    """A page that ``pages()`` did not shape: the build found that none of its inputs changed
    since the site in place was built (``site/depends.py``). ``shape`` shapes it after all
    (when the site's file cannot be taken)."""

    path: str
    shape: Callable[[], Page]


@dataclass(frozen=True, slots=True)
class Group:
    """Contacts sharing a tag or a company (compared case-insensitively)."""

    name: str  # the spelling most contacts use
    url: str
    contacts: tuple[Contact, ...]


@dataclass(frozen=True, slots=True)
class ContactRow:
    """A contact as one line of a list: the contacts table, tag and company pages."""

    contact: Contact
    url: str
    cadence: Duration
    last_touch: Touch | None
    next_due: DueItem | None  # the first item of the contact's follow-up list, any status
    strength: Strength
    company_name: str | None  # the contact's company by its most used spelling
    company_url: str | None  # its page


# An interaction's follow-up on the timeline: still open, marked done, or closed by a later touch.
FollowUpState = Literal["open", "done", "closed"]


@dataclass(frozen=True, slots=True)
class TimelineEntry:
    interaction: Interaction
    anchor: str
    people: tuple[tuple[str, str], ...]  # (name, url) of everyone in `with`
    planned: bool
    follow_up: FollowUpState | None  # None: the interaction has no follow-up
    body: Markup = NO_BODY


@dataclass(frozen=True, slots=True)
class AskEntry:
    ask: Ask
    anchor: str
    url: str | None  # the ask on its contact's page
    contact: Contact | None
    due: dt.date
    days: int
    intro_to: tuple[str, str | None] | None  # (text, url or None)
    body: Markup = NO_BODY


@dataclass(frozen=True, slots=True)
class Section:
    """A dashboard list (overdue, today, soon, waiting on them, I owe them): its first
    ``DUE_LIMIT`` items in order, and how many there are in all."""

    name: DueStatus | Direction | Literal["fading", "paths"]
    title: str
    items: list[Any]
    total: int

    @property
    def more(self) -> int:
        return self.total - len(self.items)


@dataclass(frozen=True, slots=True)
class BirthdayRow:
    contact: Contact
    url: str
    day: dt.date
    days: int
    turns: int | None


ShownKind = Literal["text", "link", "list", "map"]


@dataclass(frozen=True, slots=True)
class MoveRow:
    """A career move on the dashboard's *Recent moves* panel."""

    move: Move
    contact: Contact
    url: str


@dataclass(frozen=True, slots=True)
class DuplicateRow:
    """A pair ``netnotes dupes`` suggests merging, for the problems page: KEEP, DROP (each a
    contact and its page), the evidence and the command."""

    keep: Contact
    keep_url: str
    drop: Contact
    drop_url: str
    evidence: tuple[str, ...]
    command: str


@dataclass(frozen=True, slots=True)
class Shown:
    """A custom field's value as something a template can show without knowing YAML types:
    ``kind`` is ``text``, ``link``, ``list`` (value: tuple of Shown) or ``map`` (value: tuple
    of (key, Shown))."""

    kind: ShownKind
    value: Any


@dataclass(frozen=True, slots=True)
class Figures:
    contacts: int
    archived: int
    with_cadence: int
    interactions: int
    touches_30d: int
    people_90d: int
    planned: int
    waiting_on_them: int
    i_owe_them: int
    overdue: int
    due_soon: int  # today or within the horizon
    favours_given: int
    favours_received: int


class Links:
    """Page paths, relative to the site root, for everything a page can link to."""

    def __init__(
        self,
        vault: Vault,
        tag_keys: Iterable[str],  # the case-folded keys of every tag page
        company_keys: Iterable[str],  # the keys of every company page
        company_key: Callable[[str], str] = key,
        slugs: Slugs | None = None,  # the page names made for an earlier model of the vault
    ) -> None:
        slugs = slugs or Slugs()
        self._company_key = company_key  # any spelling -> the key of its company page
        self._contacts = slugs.of(vault.contacts, "contact")
        self._tags = slugs.of(tag_keys, "tag")
        self._companies = slugs.of(company_keys, "company")
        self._interactions = slugs.of(vault.interactions, "interaction")
        self._asks = slugs.of(vault.asks, "ask")
        # Where each note is shown (``note``), by path: made when first asked for, of the notes
        # asked for. A build after one edit asks for the few that the due list and the pages it
        # shapes cite, not for all 110,000 at 10,000 / 100,000 (0.1 s).
        self._vault = vault
        self._by_path: dict[str, Contact | Interaction | Ask] | None = None
        self._noted: dict[str, str | None] = {}

    def patched(
        self, vault: Vault, gone: Iterable[Interaction | Ask], came: Iterable[Interaction | Ask], slugs: Slugs
    ) -> Links:
        """These links for a later model of the vault with the same contacts and config (so the
        same contact, tag and company tables), where the notes ``gone`` (their earlier versions)
        were read again and gave ``came``. The interaction and ask tables are the same while the
        same ids are there (a slug table depends on the set of names only); then only the links
        of the notes read again are looked up again."""
        links = copy.copy(self)
        gone, came = list(gone), list(came)
        for kind, fallback in ((Interaction, "interaction"), (Ask, "ask")):
            if {n.id for n in gone if type(n) is kind} != {n.id for n in came if type(n) is kind}:
                table = slugs.of(vault.interactions if kind is Interaction else vault.asks, fallback)
                if kind is Interaction:
                    links._interactions = table
                else:
                    links._asks = table
        links._vault = vault
        if links._interactions is not self._interactions or links._asks is not self._asks:
            links._noted = {}  # a slug may have changed anywhere
        else:
            links._noted = dict(self._noted)
            for n in (*gone, *came):
                links._noted.pop(n.path, None)
        links._by_path = None
        if self._by_path is not None:
            links._by_path = dict(self._by_path)
            for n in gone:
                links._by_path.pop(n.path, None)
            links._by_path.update((n.path, n) for n in came)
        return links

    def tables(self) -> tuple[object, ...]:
        """Everything a link depends on but the company spellings' merges (the config's):
        what a page's digest covers of the links its template asks for."""
        return (
            self._contacts,
            self._tags,
            self._companies,
            self._interactions,
            self._asks,
        )

    def linking(self) -> tuple[object, ...]:
        """What a page's digest covers of the links its template asks for, beyond the values in
        its context: the contacts', tags' and companies' page names, and the interactions and
        asks whose anchors are not their plain slugs (ids that share one: ``unique_slugs``). A
        link to an interaction or ask is then a function of the note alone (its id, its first
        contact), which the context holds, or cites by path (``NoteLinks``); so a note added
        or moved changes no other page's key."""
        return (
            self._contacts,
            self._tags,
            self._companies,
            _odd_slugs(self._interactions, "interaction"),
            _odd_slugs(self._asks, "ask"),
        )

    def contact(self, contact_id: str) -> str:
        return f"contacts/{self._contacts[contact_id]}.html"

    def tag(self, tag: str) -> str:
        return f"tags/{self._tags[key(tag)]}.html"

    def company(self, company: str) -> str:
        """The page of the company ``company`` names (any spelling of it)."""
        return f"companies/{self._companies[self._company_key(company)]}.html"

    def contact_anchor(self, contact_id: str) -> str:
        return f"c-{self._contacts[contact_id]}"

    def interaction_anchor(self, interaction: Interaction) -> str:
        return f"i-{self._interactions[interaction.id]}"

    def ask_anchor(self, ask: Ask) -> str:
        return f"a-{self._asks[ask.id]}"

    def interaction(self, interaction: Interaction) -> str | None:
        """The interaction on its first contact's page."""
        if not interaction.with_:
            return None
        return f"{self.contact(interaction.with_[0])}#{self.interaction_anchor(interaction)}"

    def ask(self, ask: Ask) -> str | None:
        return None if ask.with_ is None else f"{self.contact(ask.with_)}#{self.ask_anchor(ask)}"

    def notes_by_path(self) -> dict[str, Contact | Interaction | Ask]:
        """Every contact, interaction and ask of the model by vault path (made when first asked
        for, then kept; the render cache's bodies look notes up in it too)."""
        if self._by_path is None:
            vault = self._vault
            by_path: dict[str, Contact | Interaction | Ask] = {c.path: c for c in vault.contacts}
            by_path.update((i.path, i) for i in vault.interactions)
            by_path.update((a.path, a) for a in vault.asks)
            self._by_path = by_path
        return self._by_path

    def note(self, path: str) -> str | None:
        """Where the note at vault path ``path`` is shown (a due item's ``source``), if anywhere."""
        try:
            return self._noted[path]
        except KeyError:
            pass
        found = self.notes_by_path().get(path)
        if found is None:
            url = None
        elif isinstance(found, Contact):
            url = self.contact(found.id)
        elif isinstance(found, Interaction):
            url = self.interaction(found)
        else:
            url = self.ask(found)
        self._noted[path] = url
        return url


def _odd_slugs(table: dict[str, str], fallback: str) -> tuple[tuple[str, str], ...]:
    """The names of ``table`` (``unique_slugs``) whose slug is not their own plain one, sorted."""
    return tuple(sorted((n, s) for n, s in table.items() if s != n and s != safe_slug(n, fallback)))


class Slugs:
    """``unique_slugs`` of names, kept by what they were made from: the same names (or the
    same model objects' ids, in the same order) give the very same table, without making it
    again. ``netnotes serve`` keeps one from build to build (``ModelMemo``)."""

    def __init__(self) -> None:
        self._made: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {}
        self.made = 0  # how many tables were made (not kept)

    def of(self, names: Iterable[str] | Iterable[Contact | Interaction | Ask], fallback: str) -> dict[str, str]:
        ids = tuple(n if isinstance(n, str) else n.id for n in names)
        made = self._made.get(fallback)
        if made is not None and made[0] == ids:
            return made[1]
        table = unique_slugs(ids, fallback)
        self._made[fallback] = (ids, table)
        self.made += 1
        return table


def _groups(
    contacts: tuple[Contact, ...], values_of: Callable[[Contact], Iterable[str]]
) -> dict[str, tuple[str, list[Contact]]]:
    """Contacts by case-folded tag or company: {key: (display name, contacts)}."""
    spellings: dict[str, dict[str, int]] = {}
    members: dict[str, list[Contact]] = {}
    for c in contacts:
        for value in values_of(c):
            k = key(value)
            if not k:
                continue
            counts = spellings.setdefault(k, {})
            counts[value.strip()] = counts.get(value.strip(), 0) + 1
            bucket = members.setdefault(k, [])
            if not bucket or bucket[-1] is not c:
                bucket.append(c)
    return {k: (min(spellings[k].items(), key=lambda s: (-s[1], s[0]))[0], members[k]) for k in sorted(members)}


def by_name(contact: Contact) -> tuple[str, str]:
    """Contacts in alphabetical order for a reader (``Łukasz`` before ``Maria``), then by id."""
    return (collation_key(contact.name), contact.id)


@dataclass(frozen=True, slots=True)
class ContactPieces:
    """The parts of a ``SiteModel`` that are a function of the contacts and ``netnotes.yaml``
    alone: while ``LoadResult.contacts_key`` is the same, they are not made again."""

    key: str | None  # the contacts_key they were made for; None: not to be kept
    tags: dict[str, tuple[str, list[Contact]]]
    company_index: CompanyIndex
    companies: dict[str, tuple[str, list[Contact]]]
    introduced: dict[str, list[Contact]]
    candidates: Candidates  # duplicate contacts (``dupes.find_candidates``)


def contact_pieces(vault: Vault, key: str | None, candidates: Candidates | None = None) -> ContactPieces:
    tags = _groups(vault.contacts, lambda c: c.tags)
    index = company_index(vault.contacts, vault.config)
    companies = {k: (company.name, [*company.now, *company.formerly]) for k, company in index.companies.items()}
    introduced: dict[str, list[Contact]] = {}
    for c in sorted(vault.contacts, key=by_name):
        if c.met_through is not None and c.met_through in vault.contacts_by_id:
            introduced.setdefault(c.met_through, []).append(c)
    if candidates is None:
        candidates = find_candidates(vault.contacts)
    return ContactPieces(key, tags, index, companies, introduced, candidates)


@dataclass(frozen=True, slots=True)
class NotePieces:
    """The parts of a ``SiteModel`` that interactions and asks make, kept under the key of the
    model they were made of (``LoadResult.model_key``): a model patched from that one
    (``LoadResult.patch``, whose ``base`` is the key) with the same contacts, moves and today
    makes them again only for the contacts the notes read again name, before or after."""

    key: str  # the model's key
    contacts_key: str
    today: dt.date
    moves: tuple[Move, ...]
    notes: dict[str, Interaction | Ask]  # every interaction and ask of the model, by path
    links: Links
    touches: dict[str, Touch]
    due: list[DueItem]
    interactions_by_contact: dict[str, list[Interaction]]
    asks_by_contact: dict[str, list[Ask]]
    intro_asks: dict[str, list[Ask]]
    reciprocity: dict[str, Reciprocity]
    relationships: Relationships
    path_index: PathIndex

    def base_of(self, patch: Patch | None, contacts_key: str | None, today: dt.date, moves: tuple[Move, ...]) -> bool:
        """Whether ``patch`` was made from this model, and the rest is the same."""
        return (
            patch is not None
            and patch.base == self.key
            and contacts_key == self.contacts_key == patch.contacts
            and today == self.today
            and moves == self.moves
        )


@dataclass(slots=True)
class ModelMemo:
    """What one ``SiteModel`` leaves to the next of the same vault (``build.Kept``, and a
    build's own): the pieces made of the contacts, kept under their ``contacts_key``, the
    page-name tables, kept by the names they were made from, and (in ``serve``) the pieces
    made of interactions and asks, kept under the model's key (``NotePieces``)."""

    pieces: ContactPieces | None = None
    slugs: Slugs = field(default_factory=Slugs)
    # The last model's contact rows: a row equal to the one made now is given as the very
    # object it was, so the build takes its digest from the last build's (``build.Kept``)
    rows: dict[str, ContactRow] = field(default_factory=dict)
    notes: NotePieces | None = None  # the last model's pieces made of interactions and asks

    def pieces_for(self, vault: Vault, key: str | None) -> ContactPieces | None:
        """The kept pieces when they were made for the contacts named ``key``."""
        pieces = self.pieces
        if key is None or pieces is None or pieces.key != key:
            return None
        return pieces


@dataclass
class SiteModel:
    """Everything the pages need, computed once from the vault and today."""

    vault: Vault
    today: dt.date
    problems: list[Problem]
    moves: tuple[Move, ...] = ()  # career moves from git (rule 11), in history order
    # What the last model of this vault left (``ModelMemo``), and the key of this one's
    # contacts and netnotes.yaml (``LoadResult.contacts_key``; None: nothing is taken from it)
    memo: ModelMemo = field(default_factory=ModelMemo, repr=False, compare=False)
    contacts_key: str | None = None
    candidates: Candidates | None = field(default=None, repr=False)  # duplicates, when kept elsewhere
    # The key of this model (``LoadResult.model_key``) and how it was patched from an earlier
    # one (``LoadResult.patch``): when the memo holds that one's ``NotePieces``, this model's
    # are made from them (None: made whole)
    model_key: str | None = field(default=None, repr=False, compare=False)
    patch: Patch | None = field(default=None, repr=False, compare=False)
    pieces: ContactPieces = field(init=False, repr=False)
    links: Links = field(init=False)
    touches: dict[str, Touch] = field(init=False)
    due: list[DueItem] = field(init=False)  # every item, later ones too, in the engine's order
    due_by_contact: dict[str, list[DueItem]] = field(init=False)
    interactions_by_contact: dict[str, list[Interaction]] = field(init=False)  # oldest first
    asks_by_contact: dict[str, list[Ask]] = field(init=False)
    intro_asks: dict[str, list[Ask]] = field(init=False)  # by the contact they ask an introduction to
    introduced: dict[str, list[Contact]] = field(init=False)
    reciprocity: dict[str, Reciprocity] = field(init=False)
    tags: dict[str, tuple[str, list[Contact]]] = field(init=False)
    companies: dict[str, tuple[str, list[Contact]]] = field(init=False)  # by company key: now, then formerly
    company_index: CompanyIndex = field(init=False)
    relationships: Relationships = field(init=False)
    moves_by_contact: dict[str, list[Move]] = field(init=False)  # dated up to today, newest first
    path_index: PathIndex = field(init=False)  # introduction paths (section 8)
    # Pieces that several pages show, made once: the same object on every page is also
    # digested once when a build compares pages with the previous site's.
    _rows: dict[str, ContactRow] = field(init=False, default_factory=dict)
    _last_rows: dict[str, ContactRow] = field(init=False, default_factory=dict)  # the last model's
    _entries: dict[tuple[str, str], TimelineEntry] = field(init=False, default_factory=dict)
    _followers: dict[str, frozenset[str]] | None = field(init=False, default=None)  # ``followers``, by contact

    def __post_init__(self) -> None:
        vault, today, memo = self.vault, self.today, self.memo
        pieces = memo.pieces_for(vault, self.contacts_key)
        if pieces is None:
            pieces = memo.pieces = contact_pieces(vault, self.contacts_key, self.candidates)
        self.pieces = pieces
        self._last_rows, memo.rows = memo.rows, self._rows
        self.tags = pieces.tags
        self.company_index = pieces.company_index
        self.companies = pieces.companies
        self.introduced = pieces.introduced
        self.moves_by_contact = {}
        for move in reversed(self.moves):
            if move.date <= today:
                self.moves_by_contact.setdefault(move.contact, []).append(move)
        moves = tuple(self.moves)
        last = memo.notes
        notes: dict[str, Interaction | Ask] | None = None
        if last is not None and last.key == self.model_key and self.contacts_key == last.contacts_key:
            if today == last.today and moves == last.moves:  # the very model again
                notes = self._taken(last)
        elif last is not None and last.base_of(self.patch, self.contacts_key, today, moves):
            assert self.patch is not None
            notes = self._patched(last, self.patch)
        if notes is None:
            self._whole()
        if self.model_key is None or self.contacts_key is None:
            memo.notes = None
            return
        if notes is None:
            notes = {i.path: i for i in vault.interactions}
            notes.update((a.path, a) for a in vault.asks)
        memo.notes = NotePieces(
            self.model_key,
            self.contacts_key,
            today,
            moves,
            notes,
            self.links,
            self.touches,
            self.due,
            self.interactions_by_contact,
            self.asks_by_contact,
            self.intro_asks,
            self.reciprocity,
            self.relationships,
            self.path_index,
        )

    def _whole(self) -> None:
        """The pieces made of interactions and asks, from every note."""
        vault, today = self.vault, self.today
        self.links = Links(vault, self.tags, self.companies, self.company_index.merges.key, self.memo.slugs)
        self.relationships = relationships(vault, today)
        self.touches = last_touches(vault.interactions, today)
        self.due = due_items(vault, today, include_later=True, moves=self.moves, touches=self.touches)
        self._due_by_contact()
        self.interactions_by_contact, self.asks_by_contact, self.intro_asks = _by_contact(
            vault.interactions, vault.asks
        )
        self.reciprocity = reciprocity(vault)
        self.path_index = PathIndex(vault, today, self.moves, self.relationships, self.company_index)

    def _due_by_contact(self) -> None:
        self.due_by_contact = {}
        for item in self.due:
            self.due_by_contact.setdefault(item.contact, []).append(item)

    def _taken(self, last: NotePieces) -> dict[str, Interaction | Ask]:
        """The pieces of the same model (a save that changed nothing), as they are."""
        self.links = last.links
        self.relationships = last.relationships
        self.touches = last.touches
        self.due = last.due
        self._due_by_contact()
        self.interactions_by_contact = last.interactions_by_contact
        self.asks_by_contact = last.asks_by_contact
        self.intro_asks = last.intro_asks
        self.reciprocity = last.reciprocity
        self.path_index = last.path_index.patched(self.vault, self.today, last.relationships, (), {}, False)
        return last.notes

    def _patched(self, last: NotePieces, patch: Patch) -> dict[str, Interaction | Ask]:
        """The pieces made of interactions and asks from ``last``'s, those of the model
        ``patch`` was made from: only what the notes read again change is made again. Each
        piece is a function of each contact's own notes (their touches, strength, asks,
        follow-ups...), so the contacts those notes name, before or after, are made again;
        what ranks or orders contacts (fading, the due list, the dicts' orders) is put in
        order again. ``tests/test_site_model_patch.py`` holds it to a model made whole."""
        vault, today = self.vault, self.today
        redo = frozenset(patch.paths)
        gone = [n for n in map(last.notes.get, patch.paths) if n is not None]
        came: list[Interaction | Ask] = [*patch.interactions, *patch.asks]
        notes = dict(last.notes)
        for path in patch.paths:
            notes.pop(path, None)
        notes.update((n.path, n) for n in came)
        met: set[str] = set()  # the contacts in ``with`` of the interactions read again, before or after
        asked: set[str] = set()  # ... of the asks
        intro: set[str] = set()  # the contacts those asks ask an introduction to
        for n in (*gone, *came):
            if isinstance(n, Interaction):
                met.update(n.with_)
            elif n.with_ is not None:
                asked.add(n.with_)
                if n.intro_to_contact is not None:
                    intro.add(n.intro_to_contact)

        self.links = last.links.patched(vault, gone, came, self.memo.slugs)
        met_now, asked_now, intro_now = _by_contact(patch.interactions, patch.asks)
        self.interactions_by_contact = _regrouped(last.interactions_by_contact, met, redo, met_now, _met_order)
        self.asks_by_contact = _regrouped(last.asks_by_contact, asked, redo, asked_now, _asked_order)
        self.intro_asks = _regrouped(last.intro_asks, intro, redo, intro_now, _asked_order)
        self.touches = last_touches_patched(last.touches, today, met, self.interactions_by_contact)

        named = met | asked  # whose strength, touches, asks or thank-yous may have changed
        theirs = [vault.contacts_by_id[cid] for cid in sorted(named)]
        interactions = sorted(
            {id(i): i for cid in named for i in self.interactions_by_contact.get(cid, ())}.values(),
            key=dated_order,
        )
        asks = sorted((a for cid in named for a in self.asks_by_contact.get(cid, ())), key=dated_order)
        self.relationships = relationships_patched(last.relationships, vault, today, theirs, interactions, asks)
        sources = redo | {i.path for i in interactions}
        self.due = due_items_patched(
            last.due, vault, today, self.moves, self.touches, theirs, interactions, asks, sources
        )
        self._due_by_contact()
        self.reciprocity = reciprocity_patched(last.reciprocity, asked, self.asks_by_contact)
        asks_changed = bool(patch.asks) or any(isinstance(n, Ask) for n in gone)
        self.path_index = last.path_index.patched(
            vault, today, self.relationships, met, self.interactions_by_contact, asks_changed
        )
        return notes

    # -- pieces shared by several pages

    def duplicates(self) -> list[Pair]:
        """The contacts that look like one person (``dupes.find_dupes``)."""
        return find_dupes(self.vault, self.pieces.candidates)

    def contact(self, contact_id: str) -> Contact:
        return self.vault.contacts_by_id[contact_id]

    def row(self, contact: Contact) -> ContactRow:
        row = self._rows.get(contact.id)
        if row is None:
            row = self._rows[contact.id] = self._row(contact)
        return row

    def _row(self, contact: Contact) -> ContactRow:
        due = self.due_by_contact.get(contact.id)
        company = self.company_index.get(contact.company)
        row = ContactRow(
            contact,
            self.links.contact(contact.id),
            cadence_of(contact, self.vault.config),
            self.touches.get(contact.id),
            due[0] if due else None,
            self.relationships.of(contact.id),
            company.name if company is not None else contact.company,
            self.company_url(contact.company),
        )
        last = self._last_rows.get(contact.id)
        return last if last is not None and last == row else row

    def company_url(self, name: str | None) -> str | None:
        """The page of the company ``name`` (any spelling), or None when it has none."""
        k = self.company_index.key(name)
        return self.links.company(k) if k is not None else None

    def rows(self, contacts: list[Contact]) -> list[ContactRow]:
        return [self.row(c) for c in sorted(contacts, key=by_name)]

    def timeline_entry(self, interaction: Interaction, body: Markup = NO_BODY) -> TimelineEntry:
        entry = self._entries.get((interaction.path, body))
        if entry is None:
            entry = self._entries[(interaction.path, body)] = self._timeline_entry(interaction, body)
        return entry

    def _timeline_entry(self, interaction: Interaction, body: Markup) -> TimelineEntry:
        people = tuple((self.contact(cid).name, self.links.contact(cid)) for cid in interaction.with_)
        follow_up: FollowUpState | None
        if interaction.follow_up is None:
            follow_up = None
        elif interaction.done:
            follow_up = "done"
        else:
            follow_up = "open" if is_follow_up_open(interaction, self.touches) else "closed"
        return TimelineEntry(
            interaction,
            self.links.interaction_anchor(interaction),
            people,
            interaction.date > self.today,
            follow_up,
            body,
        )

    def ask_entry(self, ask: Ask, body: Markup = NO_BODY) -> AskEntry:
        intro_to: tuple[str, str | None] | None = None
        if ask.intro_to:
            target = ask.intro_to_contact
            if target:
                intro_to = (self.contact(target).name, self.links.contact(target))
            else:  # a company's name, any spelling, links to its page
                intro_to = (ask.intro_to, self.company_url(unwrap(ask.intro_to)))
        due = ask_due_date(ask)
        return AskEntry(
            ask,
            self.links.ask_anchor(ask),
            self.links.ask(ask),
            self.vault.contact(ask.with_) if ask.with_ else None,
            due,
            (due - self.today).days,
            intro_to,
            body,
        )

    def figures(self) -> Figures:
        vault, today = self.vault, self.today
        month_ago, quarter_ago = days_before(today, 30), days_before(today, 90)
        people_90d: set[str] = set()
        touches_30d = planned = 0
        for i in vault.interactions:
            if i.date > today:
                planned += 1
            elif i.date > quarter_ago:
                people_90d.update(i.with_)
                touches_30d += i.date > month_ago
        open_asks = [a for a in vault.asks if a.status == AskStatus.OPEN and a.with_ is not None]
        active = [c for c in vault.contacts if not c.archived]
        return Figures(
            contacts=len(active),
            archived=len(vault.contacts) - len(active),
            with_cadence=sum(not cadence_of(c, vault.config).is_never for c in active),
            interactions=sum(i.date <= today for i in vault.interactions),
            touches_30d=touches_30d,
            people_90d=len(people_90d),
            planned=planned,
            waiting_on_them=sum(a.direction == Direction.OUT for a in open_asks),
            i_owe_them=sum(a.direction == Direction.IN for a in open_asks),
            overdue=sum(item.status == DueStatus.OVERDUE for item in self.due),
            due_soon=sum(item.status in (DueStatus.TODAY, DueStatus.SOON) for item in self.due),
            favours_given=sum(r.given for r in self.reciprocity.values()),
            favours_received=sum(r.received for r in self.reciprocity.values()),
        )

    def charts(self) -> dict[str, Markup]:
        today = self.today
        months = charts.last_months(today)
        per_month = {m: 0 for m in months}
        kinds: dict[str, int] = {}
        for i in self.vault.interactions:
            month = (i.date.year, i.date.month - 1)
            if i.date <= today and month in per_month:
                per_month[month] += 1
                kind = i.kind or "unspecified"
                kinds[kind] = kinds.get(kind, 0) + 1
        config = self.vault.config
        on_time = overdue = never = 0
        for c in self.vault.contacts:
            if c.archived or cadence_of(c, config).is_never:
                continue
            due = next((d for d in self.due_by_contact.get(c.id, ()) if d.reason == Reason.KEEP_IN_TOUCH), None)
            if c.id not in self.touches:
                never += 1
            elif due is not None and due.status == DueStatus.OVERDUE:
                overdue += 1
            else:
                on_time += 1
        return {
            "months": charts.monthly_chart(list(per_month.items())),
            "kinds": charts.kinds_chart(sorted(kinds.items(), key=lambda k: (-k[1], k[0]))),
            "health": charts.health_chart(charts.Health(on_time, overdue, never)),
        }


_T = TypeVar("_T", Interaction, Ask)


def _met_order(contact_id: str, first: Interaction) -> tuple[dt.date, str, int]:
    """Where a contact comes in ``interactions_by_contact``: by their first interaction."""
    return (first.date, first.path, first.with_.index(contact_id))


def _asked_order(contact_id: str, first: Ask) -> tuple[dt.date, str, int]:
    return (first.date, first.path, 0)


def _by_contact(
    interactions: Iterable[Interaction], asks: Iterable[Ask]
) -> tuple[dict[str, list[Interaction]], dict[str, list[Ask]], dict[str, list[Ask]]]:
    """The interactions by each contact they were with, and the asks by their contact and by
    the contact they ask an introduction to, each in the order given."""
    met: dict[str, list[Interaction]] = {}
    for interaction in interactions:
        for cid in interaction.with_:
            met.setdefault(cid, []).append(interaction)
    asked: dict[str, list[Ask]] = {}
    intro: dict[str, list[Ask]] = {}
    for ask in asks:
        if ask.with_ is not None:
            asked.setdefault(ask.with_, []).append(ask)
            if ask.intro_to_contact is not None:
                intro.setdefault(ask.intro_to_contact, []).append(ask)
    return met, asked, intro


def _regrouped(
    last: dict[str, list[_T]],
    contacts: Iterable[str],
    redo: Container[str],
    came: dict[str, list[_T]],
    order: Callable[[str, _T], tuple[dt.date, str, int]],
) -> dict[str, list[_T]]:
    """Notes by contact (each list in the vault's order, the contacts in the order of their
    first note) from ``last``, when the notes at the paths ``redo`` were read again and gave
    ``came`` (by contact): only the lists of ``contacts`` change."""
    out = dict(last)
    moved = False
    for cid in contacts:
        was = last.get(cid)
        notes = [n for n in was or () if n.path not in redo]
        notes += came.get(cid, ())
        notes.sort(key=dated_order)
        if notes:
            out[cid] = notes
        else:
            out.pop(cid, None)
        if bool(was) != bool(notes) or (was and notes and order(cid, was[0]) != order(cid, notes[0])):
            moved = True
    if moved:
        out = dict(sorted(out.items(), key=lambda kv: order(kv[0], kv[1][0])))
    return out


def show_value(value: Any) -> Shown:
    """Any YAML value (text, number, bool, date, list, mapping, null) as a ``Shown`` tree."""
    if value is None:
        return Shown("text", "")
    if isinstance(value, bool):
        return Shown("text", "yes" if value else "no")
    if isinstance(value, (dt.date, dt.datetime)):
        return Shown("text", value.isoformat())
    if isinstance(value, str):
        text = value.strip()
        if is_web_url(text) and not any(ch.isspace() for ch in text):
            return Shown("link", text)
        return Shown("text", value)
    if isinstance(value, (list, tuple)):
        return Shown("list", tuple(show_value(v) for v in value))
    if isinstance(value, dict):
        return Shown("map", tuple((str(k), show_value(v)) for k, v in value.items()))
    return Shown("text", str(value))


# -- the pages


class BodyHtml(Protocol):
    """The note bodies' HTML by note path (``bodies.render_bodies``)."""

    def get(self, path: str, default: Markup, /) -> Markup: ...


def pages(model: SiteModel, bodies: BodyHtml, kept: Container[str] = ()) -> Iterator[Page | Kept]:
    """Every HTML page of the site, in a fixed order; the pages at the paths ``kept`` (contact
    pages, and those ``frames`` gives) as ``Kept``, not shaped."""
    yield dashboard(model)
    yield _maybe(kept, "contacts.html", lambda: contacts_page(model))
    for contact in model.vault.contacts:
        path = model.links.contact(contact.id)
        yield _maybe(kept, path, functools.partial(contact_page, model, contact, bodies))
    yield _maybe(kept, "tags.html", lambda: groups_page(model, "tags", "Tags", model.tags, model.links.tag))
    for k, (name, members) in model.tags.items():
        path = model.links.tag(k)
        yield _maybe(kept, path, functools.partial(group_page, model, "tag", "tags", name, path, members))
    companies = functools.partial(groups_page, model, "companies", "Companies", model.companies, model.links.company)
    yield _maybe(kept, "companies.html", companies)
    company_asks = _company_asks(model)
    for company in model.company_index.companies.values():
        path = model.links.company(company.key)
        yield _maybe(kept, path, functools.partial(company_page, model, company, company_asks.get(company.key, [])))
    yield _maybe(kept, "asks.html", lambda: asks_page(model))
    yield _maybe(kept, "problems.html", lambda: problems_page(model))
    yield _maybe(kept, "search.html", lambda: Page("search.html", "search.html", "Search", "search", {}))


def _maybe(kept: Container[str], path: str, shape: Callable[[], Page]) -> Page | Kept:
    return Kept(path, shape) if path in kept else shape()


def frames(model: SiteModel) -> dict[str, tuple[object, ...]]:
    """What each page but the dashboard and the contact pages is made of beyond the notes it
    holds, by path: the contacts it lists (a contact that gains a tag is not on the tag's page
    yet), the asks for an introduction to a company, all problems, and how many notes refer to
    each contact (which of two likely duplicates to keep). Made without shaping any page; a
    page whose frame and notes (``site/depends.py``) are the same is the same page."""
    ids = lambda contacts: tuple(c.id for c in contacts)  # noqa: E731
    out: dict[str, tuple[object, ...]] = {
        "contacts.html": ("contacts", ids(model.vault.contacts)),
        "tags.html": ("tags", tuple((k, ids(members)) for k, (_, members) in model.tags.items())),
        "companies.html": ("companies", tuple((k, ids(members)) for k, (_, members) in model.companies.items())),
        "asks.html": ("asks", tuple(a.path for a in model.vault.asks)),
        "problems.html": ("problems", model.problems, sorted(references(model.vault).items())),
        "search.html": ("search",),
    }
    for k, (_, members) in model.tags.items():
        out[model.links.tag(k)] = ("tag", k, ids(members))
    company_asks = _company_asks(model)
    for k, company in model.company_index.companies.items():
        asks = tuple(a.path for a in company_asks.get(k, ()))
        out[model.links.company(k)] = ("company", k, ids(company.now), ids(company.formerly), asks)
    return out


def _company_asks(model: SiteModel) -> dict[str, list[Ask]]:
    """The asks for an introduction to a company (not to a contact), by the company's key: as
    ``paths.PathIndex`` links them to its insiders."""
    out: dict[str, list[Ask]] = {}
    merges = model.company_index.merges
    for ask in model.vault.asks:
        if ask.with_ is not None and ask.intro_to and ask.intro_to_contact is None:
            out.setdefault(merges.key(unwrap(ask.intro_to)), []).append(ask)
    return out


def dashboard(model: SiteModel) -> Page:
    vault, today = model.vault, model.today
    sections = []
    for status, title in DUE_SECTIONS:
        items = [i for i in model.due if i.status == status]
        sections.append(Section(status, title, items[:DUE_LIMIT], len(items)))
    open_asks = sorted(
        (a for a in vault.asks if a.status == AskStatus.OPEN and a.with_ is not None),
        key=lambda a: (ask_due_date(a), a.path),
    )
    birthdays = []
    for c in vault.contacts:
        if c.birthday is None or c.archived:
            continue
        day = c.birthday.next_on_or_after(today)
        if (day - today).days <= BIRTHDAY_DAYS:
            turns = day.year - c.birthday.year if c.birthday.year else None
            birthdays.append(BirthdayRow(c, model.links.contact(c.id), day, (day - today).days, turns))
    birthdays.sort(key=lambda b: (b.day, *by_name(b.contact)))
    planned = [i for i in vault.interactions if i.date > today][:DASHBOARD_LIST]
    past = [i for i in vault.interactions if i.date <= today][-DASHBOARD_LIST:]
    return Page(
        "index.html",
        "dashboard.html",
        vault.config.title,
        "dashboard",
        {
            "due_sections": sections,
            "waiting_on_them": _ask_section(model, open_asks, Direction.OUT, "Waiting on them"),
            "i_owe_them": _ask_section(model, open_asks, Direction.IN, "I owe them"),
            "birthdays": birthdays,
            "birthday_days": BIRTHDAY_DAYS,
            "recent_moves": [
                MoveRow(m, vault.contacts_by_id[m.contact], model.links.contact(m.contact))
                for m in recent_moves(model.moves, today)
                if m.contact in vault.contacts_by_id
            ],
            "move_days": WINDOW_DAYS,
            "planned": [model.timeline_entry(i) for i in planned],
            "recent": [model.timeline_entry(i) for i in reversed(past)],
            "fading": _fading_section(model),
            "figures": model.figures(),
            "charts": model.charts(),
        },
        inputs=note_links(model, [item.source for section in sections for item in section.items]),
    )


def _fading_section(model: SiteModel) -> Section:
    fading: list[Fading] = model.relationships.fading
    return Section("fading", "Fading", fading[:FADING_LIMIT], len(fading))


def _ask_section(model: SiteModel, asks: list[Ask], direction: Direction, title: str) -> Section:
    mine = [a for a in asks if a.direction == direction]
    return Section(direction, title, [model.ask_entry(a) for a in mine[:DUE_LIMIT]], len(mine))


def contacts_page(model: SiteModel) -> Page:
    rows = model.rows(list(model.vault.contacts))
    circles = sorted({c.circle for c in model.vault.contacts if c.circle})
    context = {"rows": rows, "circles": circles}
    return Page("contacts.html", "contacts.html", "Contacts", "contacts", context, inputs=_followers(model, rows))


def _followers(model: SiteModel, rows: Iterable[ContactRow]) -> tuple[Ranked, ...]:
    """Who can close or open again a follow-up of the contacts of ``rows`` (a row shows the
    first item due, which may be a follow-up): everyone in their interactions with one. A later
    touch of any of them closes it (rule 4), even one on a note that does not name the contact."""
    ids: set[str] = set()
    for row in rows:
        ids.update(followers(model, row.contact.id))
    return (Ranked(tuple(sorted(ids))),) if ids else ()


def followers(model: SiteModel, contact_id: str) -> frozenset[str]:
    """Everyone in the contact's interactions with a follow-up not done (``_followers``): made
    for every contact at once, the first time a model is asked (the contacts page asks for
    all of them), from the few interactions with a follow-up open."""
    if model._followers is None:
        made: dict[str, set[str]] = {}
        for interaction in model.vault.interactions:
            if interaction.follow_up is not None and not interaction.done:
                for cid in interaction.with_:
                    made.setdefault(cid, set()).update(interaction.with_)
        model._followers = {cid: frozenset(ids) for cid, ids in made.items()}
    return model._followers.get(contact_id, _NO_ONE)


_NO_ONE: frozenset[str] = frozenset()


def contact_page(model: SiteModel, contact: Contact, bodies: BodyHtml) -> Page:
    links, cid = model.links, contact.id
    interactions = model.interactions_by_contact.get(cid, [])
    asks = model.asks_by_contact.get(cid, [])
    introducer = model.vault.contact(contact.met_through) if contact.met_through else None
    timeline = [model.timeline_entry(i, bodies.get(i.path, NO_BODY)) for i in reversed(interactions)]
    weak = model.relationships.of(cid).score < KNOWN  # then the page lists who can introduce me
    intro_asks = model.intro_asks.get(cid, [])
    due_items = model.due_by_contact.get(cid, [])
    paths = _paths_section(model, cid) if weak else None
    return Page(
        links.contact(cid),
        "contact.html",
        contact.name,
        "contacts",
        {
            "contact": contact,
            "row": model.row(contact),
            "body": bodies.get(contact.path, NO_BODY),
            "custom": [(k, show_value(v)) for k, v in contact.custom],
            "due_items": due_items,
            "planned": [e for e in timeline if e.planned],
            "timeline": [e for e in timeline if not e.planned],
            "asks": [model.ask_entry(a, bodies.get(a.path, NO_BODY)) for a in reversed(asks)],
            "reciprocity": model.reciprocity.get(cid, Reciprocity(0, 0)),
            "introduced_by": introducer,
            "introduced": model.introduced.get(cid, []),
            "moves": model.moves_by_contact.get(cid, []),
            "tag_links": [(t, links.tag(t)) for t in contact.tags if key(t)],
            "company_url": model.company_url(contact.company),
            "strength": model.relationships.of(cid),
            "past_companies": [(name, model.company_url(name)) for name in contact.past_companies],
            "paths": paths,
        },
        tuple(timeline),
        cid,
        (
            *((*intro_asks, _ranked(model, contact, interactions, intro_asks)) if weak else ()),
            *note_links(model, [*(d.source for d in due_items), *(_evidence_sources(paths.items) if paths else ())]),
        ),
    )


def _ranked(model: SiteModel, contact: Contact, interactions: list[Interaction], intro_asks: list[Ask]) -> Ranked:
    """Everyone who may introduce me to ``contact``: whom they met me through, whom they
    introduced, who was with them, and who was asked for an introduction to them."""
    ids = {cid for i in interactions for cid in i.with_}
    ids.update(c.id for c in model.introduced.get(contact.id, ()))
    ids.update(a.with_ for a in intro_asks if a.with_ is not None)
    if contact.met_through is not None:
        ids.add(contact.met_through)
    ids.discard(contact.id)
    return Ranked(tuple(sorted(ids)))


def groups_page(
    model: SiteModel,
    section: Literal["tags", "companies"],
    title: str,
    groups: dict[str, tuple[str, list[Contact]]],
    url_of: Callable[[str], str],
) -> Page:
    listed = sorted(
        (Group(name, url_of(k), tuple(members)) for k, (name, members) in groups.items()),
        key=lambda g: (collation_key(g.name), g.url),
    )
    return Page(f"{section}.html", "groups.html", title, section, {"groups": listed, "kind": section})


def group_page(
    model: SiteModel,
    kind: Literal["tag", "company"],
    section: Literal["tags", "companies"],
    name: str,
    path: str,
    members: list[Contact],
) -> Page:
    rows = model.rows(members)
    return Page(path, f"{kind}.html", name, section, {"name": name, "rows": rows}, inputs=_followers(model, rows))


def company_page(model: SiteModel, company: Company, asks: list[Ask] | None = None) -> Page:
    """A company by its key: titled by its most used spelling, its people now and formerly.
    ``asks`` are the asks for an introduction to it (``_company_asks``; None: found here)."""
    if asks is None:
        asks = _company_asks(model).get(company.key, [])
    answer = model.path_index.company(company.key, PATHS_LIMIT)
    top: list[Path] = answer.top(PATHS_LIMIT)
    paths = Section("paths", "Ways in", top, len(answer.direct) + answer.introduced_total)
    rows, former_rows = model.rows(list(company.now)), model.rows(list(company.formerly))
    return Page(
        model.links.company(company.key),
        "company.html",
        company.name,
        "companies",
        {
            "name": company.name,
            "company": company,
            "rows": rows,
            "former_rows": former_rows,
            "other_spellings": _other_spellings(company),
            "paths": paths,
        },
        inputs=(
            *asks,
            _introducers(model, answer.insiders, asks),
            *_followers(model, [*rows, *former_rows]),
            *note_links(model, _evidence_sources(top)),
        ),
    )


def _introducers(model: SiteModel, insiders: tuple[Insider, ...], asks: list[Ask]) -> Ranked:
    """Everyone whose strength or notes can rank or count a company's paths, shown or not: its
    insiders (now, formerly, and those git moves took away), and whoever may introduce me to
    one: whom they met me through, whom they introduced, who was with them, who was asked for
    an introduction to them or to the company."""
    ids = {a.with_ for a in asks if a.with_ is not None}
    for insider in insiders:
        cid = insider.contact.id
        ids.add(cid)
        if insider.known:  # a direct path: no one else's links count (its strength is its own)
            continue
        if insider.contact.met_through is not None:
            ids.add(insider.contact.met_through)
        ids.update(c.id for c in model.introduced.get(cid, ()))
        ids.update(other for i in model.interactions_by_contact.get(cid, ()) for other in i.with_)
        ids.update(a.with_ for a in model.intro_asks.get(cid, ()) if a.with_ is not None)
    return Ranked(tuple(sorted(ids)))


def _paths_section(model: SiteModel, contact_id: str) -> Section:
    """The top introduction paths to a person, and how many in all."""
    answer = model.path_index.person(contact_id, PATHS_LIMIT)
    top: list[Path] = answer.top(PATHS_LIMIT)
    return Section("paths", "Ways in", top, len(answer.direct) + answer.introduced_total)


def _other_spellings(company: Company) -> list[str]:
    """The company's spellings that differ from its name in more than case, most used first."""
    seen = {company.name.casefold()}
    out = []
    for spelling in company.spellings:
        if spelling.casefold() not in seen:
            seen.add(spelling.casefold())
            out.append(spelling)
    return out


def asks_page(model: SiteModel) -> Page:
    by_status: dict[tuple[AskStatus, Direction], list[AskEntry]] = {}
    for ask in model.vault.asks:
        by_status.setdefault((ask.status, ask.direction), []).append(model.ask_entry(ask))
    board = []
    for status in AskStatus:
        columns = []
        for direction, open_title, title in ASK_SIDES:
            entries = by_status.get((status, direction), [])
            if status == AskStatus.OPEN:
                entries.sort(key=lambda e: (e.due, e.ask.path))
            else:
                entries.sort(key=lambda e: (e.ask.closed or e.ask.date, e.ask.path), reverse=True)
            columns.append((direction, open_title if status == AskStatus.OPEN else title, entries))
        board.append((status, columns))
    return Page("asks.html", "asks.html", "Asks", "asks", {"board": board})


def problems_page(model: SiteModel) -> Page:
    errors = sum(p.is_error for p in model.problems)
    links = model.links
    pairs = model.duplicates()
    duplicates = [
        DuplicateRow(
            p.keep,
            links.contact(p.keep.id),
            p.drop,
            links.contact(p.drop.id),
            tuple(e.detail for e in p.evidence),
            p.command,
        )
        for p in pairs
    ]
    return Page(
        "problems.html",
        "problems.html",
        "Problems",
        "problems",
        {
            "problems": model.problems,
            "errors": errors,
            "warnings": len(model.problems) - errors,
            "duplicates": duplicates,
        },
        # the pairs are found among every contact (which of two to keep, by how many notes
        # refer to each: the page's frame)
        inputs=(Every(),),
    )
