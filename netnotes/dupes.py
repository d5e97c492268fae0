"""Contacts that look like one person (section 9): the pairs ``netnotes dupes`` lists, each with
its evidence and the ``netnotes merge KEEP DROP`` command that would fold one into the other.

Two contacts are a pair when they share an email (case-insensitive) or a LinkedIn URL (compared
as the importers compare it), or when one's name or alias matches the other's after folding
case, accents and punctuation, with initials (``J. Smith`` ~ ``John Smith``), the nicknames of
``NICKNAMES`` (``Bob`` ~ ``Robert``) and small spelling differences (rapidfuzz's ``ratio`` of at
least ``SIMILARITY``: ``Müller`` ~ ``Mueller``, ``Katherine`` ~ ``Katharine``) allowed. A
``not_same_as`` on either contact silences the pair for good.

Scale: nothing compares all pairs. Emails and URLs are dictionary keys; names are compared only
within *blocks* of names sharing a folded family name and a first initial, or a given name (or
one of its nicknames) and a family initial, so 10,000 contacts make a few thousand small blocks.
"""

from __future__ import annotations

import json
import shlex
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from itertools import combinations
from typing import Literal

from rapidfuzz.fuzz import ratio

from .model import Contact, Vault
from .refs import folded_key, normalize_linkedin
from .text import escape_for_line

EvidenceKind = Literal["email", "linkedin", "name"]

SIMILARITY = 85  # rapidfuzz ratio (0-100) from which two given or family names are one spelling

# Common English nicknames and the given names they stand for (both directions are used: a
# nickname matches each of its names, and two nicknames of one name match each other). Kept
# small on purpose: a pair it misses is still found by email or URL, and `dupes` is a hint.
NICKNAMES: dict[str, tuple[str, ...]] = {
    "abby": ("abigail",),
    "al": ("albert", "alan", "alfred"),
    "alex": ("alexander", "alexandra"),
    "andy": ("andrew",),
    "becky": ("rebecca",),
    "ben": ("benjamin",),
    "beth": ("elizabeth",),
    "betty": ("elizabeth",),
    "bill": ("william",),
    "billy": ("william",),
    "bob": ("robert",),
    "bobby": ("robert",),
    "cathy": ("catherine",),
    "charlie": ("charles",),
    "chris": ("christopher", "christine", "christina"),
    "chuck": ("charles",),
    "dan": ("daniel",),
    "danny": ("daniel",),
    "dave": ("david",),
    "debbie": ("deborah",),
    "dick": ("richard",),
    "drew": ("andrew",),
    "ed": ("edward",),
    "eddie": ("edward",),
    "fred": ("frederick",),
    "greg": ("gregory",),
    "hank": ("henry",),
    "harry": ("henry",),
    "jack": ("john",),
    "jamie": ("james",),
    "jeff": ("jeffrey",),
    "jen": ("jennifer",),
    "jenny": ("jennifer",),
    "jim": ("james",),
    "jimmy": ("james",),
    "joe": ("joseph",),
    "johnny": ("john",),
    "jon": ("jonathan", "john"),
    "kate": ("katherine", "catherine"),
    "kathy": ("katherine",),
    "katie": ("katherine", "catherine"),
    "ken": ("kenneth",),
    "larry": ("lawrence",),
    "liz": ("elizabeth",),
    "maggie": ("margaret",),
    "matt": ("matthew",),
    "meg": ("margaret",),
    "mike": ("michael",),
    "nate": ("nathan", "nathaniel"),
    "nick": ("nicholas",),
    "pat": ("patrick", "patricia"),
    "peggy": ("margaret",),
    "pete": ("peter",),
    "rich": ("richard",),
    "rick": ("richard",),
    "rob": ("robert",),
    "sam": ("samuel", "samantha"),
    "steve": ("steven", "stephen"),
    "sue": ("susan",),
    "ted": ("edward", "theodore"),
    "tim": ("timothy",),
    "tom": ("thomas",),
    "tony": ("anthony",),
    "vicky": ("victoria",),
    "will": ("william",),
}
# Words before or after a name that say nothing about who it is.
_TITLES = frozenset({"dr", "mr", "mrs", "ms", "mx", "prof", "sir"})
_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv", "phd", "md", "mba"})


@dataclass(frozen=True, slots=True)
class Evidence:
    """Why two contacts look like one person: ``detail`` says what they share."""

    kind: EvidenceKind
    detail: str

    def to_json(self) -> dict[str, str]:
        return {"kind": self.kind, "detail": self.detail}


@dataclass(frozen=True, slots=True)
class Pair:
    """Two contacts that look like one person. ``keep`` is the one more notes refer to (ties:
    the smaller id), so ``merge keep drop`` rewrites the fewest notes."""

    keep: Contact
    drop: Contact
    evidence: tuple[Evidence, ...]

    @property
    def command(self) -> str:
        return f"netnotes merge {shlex.quote(self.keep.id)} {shlex.quote(self.drop.id)}"

    def to_json(self) -> dict[str, object]:
        return {
            "keep": {"id": self.keep.id, "name": self.keep.name, "path": self.keep.path},
            "drop": {"id": self.drop.id, "name": self.drop.name, "path": self.drop.path},
            "evidence": [e.to_json() for e in self.evidence],
            "command": self.command,
        }


# ---------------------------------------------------------------------------------------------
# Names


@dataclass(frozen=True, slots=True)
class NameForm:
    """A name as compared: folded words, the given name (first word) and family name (last)."""

    written: str
    words: tuple[str, ...]

    @property
    def given(self) -> str:
        return self.words[0]

    @property
    def family(self) -> str:
        return self.words[-1] if len(self.words) > 1 else ""


def name_form(name: str) -> NameForm | None:
    """``Dr. Zoë  Müller-Lüdenscheidt, PhD`` -> words ``zoe``, ``muller``, ``ludenscheidt``
    (case and accents folded, punctuation a space, titles and ``Jr``/``PhD``-like suffixes dropped)."""
    folded = "".join(ch if ch.isalnum() else " " for ch in folded_key(name))
    words = folded.split()
    while len(words) > 1 and words[-1] in _SUFFIXES:
        words.pop()
    while len(words) > 1 and words[0] in _TITLES:
        words.pop(0)
    return NameForm(name, tuple(words)) if words else None


def given_forms(given: str) -> frozenset[str]:
    """The given name and the names it may stand for: ``bob`` -> {``bob``, ``robert``}."""
    return frozenset((given, *NICKNAMES.get(given, ())))


def _initials(given: str) -> frozenset[str]:
    return frozenset(g[0] for g in given_forms(given))


def match_names(a: NameForm, b: NameForm) -> str | None:
    """How the two names match (``same name``, ``initial``, ``nickname``, ``similar spelling``),
    or None. Family names must be equal or similar; given names equal, an initial of the other,
    nicknames of one name, or similar. Middle names are not compared. One-word names match
    only a name of the same word."""
    if a.words == b.words:
        return "same name"
    if not a.family or not b.family:
        return None
    how: list[str] = []
    if a.family != b.family:
        if ratio(a.family, b.family, score_cutoff=SIMILARITY) == 0:
            return None
        how.append("similar spelling")
    if a.given != b.given:
        if len(a.given) == 1 or len(b.given) == 1:
            initial, full = (a.given, b.given) if len(a.given) == 1 else (b.given, a.given)
            if initial not in _initials(full):
                return None
            how.insert(0, "initial")
        elif given_forms(a.given) & given_forms(b.given):
            how.insert(0, "nickname")
        elif ratio(a.given, b.given, score_cutoff=SIMILARITY):
            if "similar spelling" not in how:
                how.append("similar spelling")
        else:
            return None
    return ", ".join(how) if how else "same name"


def _blocks(form: NameForm) -> Iterator[tuple[str, str, str]]:
    """The blocks a name is compared within: (family, first initial) for each initial its given
    name may have, and (given or nickname form, family initial)."""
    if not form.family:
        yield ("one", form.given, "")
        return
    for initial in _initials(form.given):
        yield ("family", form.family, initial)
    for given in given_forms(form.given) if len(form.given) > 1 else ():
        yield ("given", given, form.family[0])


# ---------------------------------------------------------------------------------------------
# Finding pairs


def _emails(c: Contact) -> set[str]:
    return {e.strip().casefold() for e in c.emails if e.strip()}


def _linkedin(c: Contact) -> set[str]:
    return {normalize_linkedin(c.linkedin)} - {""} if c.linkedin else set()


# The evidence compared as equal values (a dictionary look-up each, never pairs of contacts).
_EXACT: tuple[tuple[EvidenceKind, str, Callable[[Contact], set[str]]], ...] = (
    ("email", "same email", _emails),
    ("linkedin", "same LinkedIn URL", _linkedin),
)


def find_dupes(vault: Vault, candidates: Candidates | None = None) -> list[Pair]:
    """Every pair of contacts that look like one person and that no ``not_same_as`` silences,
    in order of the keeping contact's name (case-folded), then ids. ``candidates`` is what
    ``candidates(vault.contacts)`` gives, when the caller kept it (it depends on the contacts
    alone; which of a pair is kept depends on the other notes too)."""
    contacts = vault.contacts_by_id or {c.id: c for c in vault.contacts}
    found = find_candidates(vault.contacts) if candidates is None else candidates
    referred = _references(vault)
    pairs = []
    for (a, b), evidence in found.items():
        ca, cb = contacts[a], contacts[b]
        keep, drop = sorted((ca, cb), key=lambda c: (-referred.get(c.id, 0), c.id))
        pairs.append(Pair(keep, drop, evidence))
    pairs.sort(key=lambda p: (folded_key(p.keep.name), p.keep.id, p.drop.id))
    return pairs


# The pairs among some contacts, by their ids (smaller first), each with its evidence in order:
# a function of the contacts alone, so a caller may keep it while they stay the same.
Candidates = dict[tuple[str, str], tuple[Evidence, ...]]


def find_candidates(contacts: Iterable[Contact]) -> Candidates:
    """The pairs of ``contacts`` that look like one person and that no ``not_same_as``
    silences, with their evidence, in no particular order."""
    contacts = tuple(contacts)
    by_id = {c.id: c for c in contacts}
    found: dict[tuple[str, str], list[Evidence]] = {}

    def add(a: str, b: str, evidence: Evidence) -> None:
        if a == b:
            return
        key = (a, b) if a < b else (b, a)
        bucket = found.setdefault(key, [])
        if evidence not in bucket:
            bucket.append(evidence)

    for evidence_kind, label, values in _EXACT:
        by_value: dict[str, list[str]] = {}
        for c in contacts:
            for value in sorted(values(c)):
                by_value.setdefault(value, []).append(c.id)
        for value, ids in by_value.items():
            for a, b in combinations(ids, 2):
                add(a, b, Evidence(evidence_kind, f"{label} {value}"))

    blocks: dict[tuple[str, str, str], list[tuple[str, NameForm]]] = {}
    for c in contacts:
        for name in dict.fromkeys((c.name, *c.aliases)):
            form = name_form(name)
            if form is not None:
                for block in _blocks(form):
                    blocks.setdefault(block, []).append((c.id, form))
    named: set[tuple[str, str]] = set()  # pairs with name evidence: one is enough
    for members in blocks.values():
        for (a, fa), (b, fb) in combinations(members, 2):
            pair = (a, b) if a < b else (b, a)
            if a == b or pair in named:
                continue
            how = match_names(fa, fb)
            if how is not None:
                named.add(pair)
                add(a, b, Evidence("name", f"names match ({how}): {fa.written} ~ {fb.written}"))

    return {
        (a, b): tuple(sorted(evidence, key=_evidence_order))
        for (a, b), evidence in found.items()
        if b not in by_id[a].not_same_as and a not in by_id[b].not_same_as
    }


def _evidence_order(e: Evidence) -> tuple[int, str]:
    return (("email", "linkedin", "name").index(e.kind), e.detail)


def _references(vault: Vault) -> Counter[str]:
    """How many notes refer to each contact: interactions and asks naming it, contacts it
    introduced (``met_through``)."""
    named: list[Iterable[str | None]] = [i.with_ for i in vault.interactions]
    named += [dict.fromkeys((a.with_, a.intro_to_contact)) for a in vault.asks]
    named += [(c.met_through,) for c in vault.contacts]
    return Counter(cid for ids in named for cid in ids if cid is not None)


# ---------------------------------------------------------------------------------------------
# Output


def format_dupes_text(pairs: Iterable[Pair]) -> str:
    """One block a pair: who, the evidence, the command to merge them."""
    out: list[str] = []
    for p in pairs:
        out.append(escape_for_line(f"{p.keep.name} ({p.keep.path}) ~ {p.drop.name} ({p.drop.path})"))
        out += [escape_for_line(f"  {e.detail}") for e in p.evidence]
        out.append(f"  {escape_for_line(p.command)}")
        out.append("")
    return "\n".join(out)


def format_dupes_json(pairs: Iterable[Pair]) -> str:
    return json.dumps([p.to_json() for p in pairs], ensure_ascii=False, indent=2) + "\n"
