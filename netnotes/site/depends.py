"""Which pages an edit can have touched, so a build after one edit shapes only those.

A contact page's context is a function of the inputs every page shares (the *global key*:
``SiteInfo``, the config, the link tables, the contacts' names, the companies' names, the
career moves, the templates, how the site is sealed, and the code) and of the notes its model
objects come from. When a page is digested, the digest gathers those notes as *names*
(``note_names``): ``n:`` and a note's vault path for every contact, interaction and ask in the
context (and the note a due item or an introduction path's evidence cites), and ``c:`` and a
contact id for every contact the page reads something about beyond the note itself (their last
touch, their strength): the contacts of every interaction and ask it shows.

A note N whose model value's digest differs from the one the manifest kept (``note_states``;
the manifest's own record, so a load by another command in between hides nothing) makes
*dirty*: ``n:N``; ``c:X`` for every contact X that N names now (``with``, ``intro_to``,
``met_through``, or N is X's note) or named before (the owners of the pages that held N: every
note naming X is on X's page); and ``n:P`` for every body P with wikilinks whose HTML changed
(a wikilink shows another note's title and place). A fact about X that another page reads (X's
last touch or strength) depends only on notes that name X, so one step is enough. A page none
of whose names is dirty has the context it had: its key is the previous build's, and it is
taken from the site in place without being shaped.

What the context reads without holding it is declared on the page: the asks that ask for an
introduction to the contact (``Page.inputs``), which rank the *Who can introduce you* list.

Every other page but the dashboard (the lists, tag and company pages, asks, problems, search)
is recorded the same way, with its *frame* (``pages.frames``: the contacts it lists, the asks
for an introduction to the company, the problems) in place of an owner: it is taken unshaped
while its frame is the same and none of its names is dirty. What a list shows of a contact
(last touch, next due, strength) is its ``c:`` name; a company page also declares everyone who
may rank or count its ways in (``Ranked``), and the problems page ``e:`` (``pages.Every``),
dirty when any contact's note changed. "Named before" comes from the contact pages alone, so
no page is taken unshaped unless every contact's page was recorded.

Names are kept hashed (8 bytes each, ``hashed``); a collision can only make a page dirty.
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from ..followup import DueItem
from ..model import Ask, Contact, Interaction, Vault
from ..paths import Evidence, Insider, Path
from .digest import DATACLASS_HEX, Digester, Known, Name
from .pages import ContactRow, Every, Ranked, SiteModel, followers

NOTE = "n:"
CONTACT = "c:"
EVERY = "e:"  # every contact's note (``pages.Every``)
NAME_BYTES = 8
STATE_BYTES = DATACLASS_HEX // 2  # a note's state is its whole digest


def note_names(value: object) -> tuple[str, ...]:
    """The names a value of a page's context stands for (``()`` for most values): the note
    of a contact, interaction, ask, due item or piece of evidence, and the contacts whose last
    touch or strength the value was derived from."""
    kind = type(value)
    if kind is Interaction:
        assert isinstance(value, Interaction)
        if value.follow_up is not None and not value.done:  # open or closed by a later touch of one of them
            return (NOTE + value.path, *(CONTACT + cid for cid in value.with_))
        return (NOTE + value.path,)
    if kind is Contact or kind is Ask:
        assert isinstance(value, (Contact, Ask))
        return (NOTE + value.path,)
    if kind is ContactRow or kind is Insider:
        assert isinstance(value, (ContactRow, Insider))
        return (CONTACT + value.contact.id,)
    if kind is Path:
        assert isinstance(value, Path)
        return (CONTACT + value.introducer.id,) if value.introducer is not None else ()
    if kind is DueItem:
        assert isinstance(value, DueItem)
        return (NOTE + value.source, CONTACT + value.contact)
    if kind is Evidence:
        assert isinstance(value, Evidence)
        return (NOTE + value.source,)
    if kind is Ranked:
        assert isinstance(value, Ranked)
        return tuple(CONTACT + cid for cid in value.contacts)
    if kind is Every:
        return (EVERY,)
    return ()


def named(note: object) -> tuple[str, ...]:
    """The contacts a note names: an interaction's ``with``, an ask's contact and ``intro_to``,
    a contact itself and its ``met_through``."""
    if isinstance(note, Interaction):
        return note.with_
    if isinstance(note, Ask):
        return tuple(cid for cid in (note.with_, note.intro_to_contact) if cid is not None)
    if isinstance(note, Contact):
        return (note.id,) if note.met_through is None else (note.id, note.met_through)
    return ()


def hashed(names: Iterable[Name]) -> bytes:
    """``names`` as one string of fixed-width hashes, in sorted order (a name that is bytes
    is one hashed already)."""
    return b"".join(sorted({name if isinstance(name, bytes) else _hash(name) for name in names}))


def _split(names: bytes) -> frozenset[Name]:
    return frozenset(names[at : at + NAME_BYTES] for at in range(0, len(names), NAME_BYTES))


def _hash(name: str) -> bytes:
    return hashlib.blake2b(name.encode("utf-8", "surrogatepass"), digest_size=NAME_BYTES).digest()


def encode(names: bytes) -> str:
    return base64.b64encode(names).decode("ascii")


def decode(text: str) -> bytes | None:
    try:
        names = base64.b64decode(text.encode("ascii"), validate=True)
    except ValueError:
        return None
    return names if len(names) % NAME_BYTES == 0 else None


def _holds(names: bytes, dirty: Iterable[bytes]) -> bool:
    for name in dirty:
        at = names.find(name)
        while at >= 0:
            if at % NAME_BYTES == 0:
                return True
            at = names.find(name, at + 1)
    return False


def global_inputs(digester: Digester, model: SiteModel, *shared: str) -> str:
    """The digest of what every contact page shares (``shared``: the digests of the site's
    info, the config with the link tables, and the templates) beyond its own notes."""
    vault = model.vault
    names = tuple((c.id, c.name) for c in vault.contacts)
    companies = tuple((k, c.name) for k, c in model.company_index.companies.items())
    return digester.digest(shared, names, companies, model.moves)


@dataclass(frozen=True, slots=True)
class Shaped:
    """A page of the previous build: whose it is (a contact page) or what it was framed by
    (another page: the digest of ``pages.frames``' value), its key, and its hashed names."""

    owner: str  # the contact id; "" for another page
    key: str
    names: bytes
    frame: str = ""  # "" for a contact page


Notes = dict[bytes, bytes]  # a note's hashed name -> the digest of its model value


def note_states(digester: Digester, vault: Vault) -> tuple[Notes, dict[bytes, object]]:
    """Every note's hashed name with the digest of its model value (what any page can show of
    it), and the model values by hashed name. Raises ``Undigestible`` as the digest does."""
    states: Notes = {}
    values: dict[bytes, object] = {}
    of, blake2b, fromhex, hexits = digester.of, hashlib.blake2b, bytes.fromhex, 2 * STATE_BYTES
    for group in (vault.contacts, vault.interactions, vault.asks):
        for note in group:  # as _hash(NOTE + note.path), inlined: this runs for every note
            name = blake2b((NOTE + note.path).encode("utf-8", "surrogatepass"), digest_size=NAME_BYTES).digest()
            states[name] = fromhex(of(note)[:hexits])
            values[name] = note
    return states, values


def patched_states(
    digester: Digester, vault: Vault, before: Notes, paths: Iterable[str]
) -> tuple[Notes, dict[bytes, object]]:
    """``note_states`` of ``vault``, given ``before``, the states of a model that differs from
    it only in the notes at ``paths``: those are digested, the rest are ``before``'s. The model
    values come only for those notes, the only ones whose states can have changed."""
    redo = set(paths)
    states = dict(before)
    for path in redo:
        states.pop(_hash(NOTE + path), None)
    values: dict[bytes, object] = {}
    for group in (vault.contacts, vault.interactions, vault.asks):
        for note in group:
            if note.path in redo:
                name = _hash(NOTE + note.path)
                states[name] = bytes.fromhex(digester.of(note)[: 2 * STATE_BYTES])
                values[name] = note
    return states, values


def states_by_path(states: Notes, paths: Iterable[str]) -> dict[str, bytes]:
    """The states of the notes at ``paths`` (``note_states``) by path, for those it has."""
    blake2b, get, size = hashlib.blake2b, states.get, NAME_BYTES
    # as _hash(NOTE + path), inlined: this runs for every note of a large vault
    found = {p: get(blake2b((NOTE + p).encode("utf-8", "surrogatepass"), digest_size=size).digest()) for p in paths}
    return {p: state for p, state in found.items() if state is not None}


def known_states(before: Notes, paths: Iterable[str], rows: Rows | None = None) -> Known:
    """What ``Digester.known`` asks, for a model that differs from the one ``before`` holds the
    states of only in the notes at ``paths``: the digest of any other contact, interaction or
    ask of it is its state in ``before``, and its names its own (``note_names``: the values in a
    note name nothing). Only the model's own note values are ever asked about: none is made
    anew after loading. ``rows`` are the contact rows whose digests and (hashed) names are
    known too (``kept_rows``), by contact id, as they are when asked (the caller may fill them
    later)."""
    redo = frozenset(paths)
    rows = {} if rows is None else rows

    def known(value: object) -> tuple[str, frozenset[Name]] | None:
        kind = type(value)
        if kind is ContactRow:
            assert isinstance(value, ContactRow)
            row = rows.get(value.contact.id)
            return (row[0], _split(row[1])) if row is not None else None
        if isinstance(value, (Interaction, Contact, Ask)) and value.path not in redo:
            state = before.get(_hash(NOTE + value.path))
            return (state.hex(), frozenset(note_names(value))) if state is not None else None
        return None

    return known


def pack(states: Notes) -> str:
    return encode(b"".join(name + states[name] for name in sorted(states)))


def unpack(text: str) -> Notes | None:
    data = decode(text)
    size = NAME_BYTES + STATE_BYTES
    if data is None or len(data) % size:
        return None
    return {data[at : at + NAME_BYTES]: data[at + NAME_BYTES : at + size] for at in range(0, len(data), size)}


def dirty(
    pages: Mapping[str, Shaped],
    before: Notes,
    now: Notes,
    values: Mapping[bytes, object],
    linked_before: Mapping[str, str],
    linked: Mapping[str, str],
) -> set[bytes]:
    """The hashed names that an edit since the previous build (whose pages are ``pages``, and
    whose global key is this build's) can have touched: ``before`` and ``now`` are the notes'
    states then and now (``note_states``), ``values`` the model values now, ``linked_before``
    and ``linked`` the keys of the bodies with wikilinks then and now (``bodies.Bodies.linked``)."""
    changed = {name for name, state in now.items() if before.get(name) != state}
    deleted = {name for name in before if name not in now}  # named by their old pages only
    changed |= deleted
    contacts: set[str] = set()
    every = bool(deleted)  # whether a contact's note may be among the changed ones
    for name in changed:  # whom the notes name now
        if name in values:
            value = values[name]
            contacts.update(named(value))
            every = every or isinstance(value, Contact)
    # and named before: every note naming X is on X's page
    contacts.update(page.owner for page in pages.values() if page.owner and _holds(page.names, changed))
    touched = changed | {_hash(CONTACT + cid) for cid in contacts}
    if every:
        touched.add(_hash(EVERY))
    touched.update(_hash(NOTE + p) for p, digest in linked_before.items() if linked.get(p) != digest)
    return touched


def unchanged(pages: Mapping[str, Shaped], touched: set[bytes]) -> set[str]:
    """The stored paths of ``pages`` none of whose names is in ``touched`` (``dirty``)."""
    return {path for path, page in pages.items() if not _holds(page.names, touched)}


Rows = dict[str, tuple[str, bytes]]  # contact id -> the digest of their row and its hashed names


def row_names(model: SiteModel, contact_id: str, names: Iterable[Name]) -> bytes:
    """The hashed names of a contact's row: those its digest gathered, and everyone who can
    close or open again one of the contact's follow-ups (a row shows the first item due, and
    the lists declare them as their inputs: ``pages.followers``)."""
    return hashed({*names, *(CONTACT + cid for cid in followers(model, contact_id))})


def kept_rows(rows: Rows, touched: set[bytes]) -> Rows:
    """The previous build's contact rows (``rows``) that this build's rows are equal to: those
    none of whose names an edit touched (a row's names are gathered as a page's are)."""
    return {cid: row for cid, row in rows.items() if not _holds(row[1], touched)}
