"""Company keys (the contract's section 8): when two spellings name one company.

``company_key`` is the automatic rule: ``Helix Robotics, GmbH`` and ``helix robotics`` are one
company. ``companies:`` in ``netnotes.yaml`` merges spellings the rule cannot (``Google`` into
``Alphabet``). ``company_index`` groups the vault's contacts by key, now (``company``) and
formerly (``past_companies``), and names each company by its most used spelling. Every place
that shows, groups or searches companies goes through this module, so they all agree.
"""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field

from .model import Config, Contact

# Trailing legal forms, dropped from the end of a name (after punctuation is gone, so `Co.`
# and `GmbH,` are `co` and `gmbh`). A name that is only a legal form (`Co`) keeps it.
LEGAL_FORMS = frozenset(
    {
        "inc",
        "llc",
        "ltd",
        "limited",
        "gmbh",
        "ag",
        "sa",
        "sas",
        "bv",
        "nv",
        "plc",
        "corp",
        "corporation",
        "co",
        "company",
    }
)


def _kept(ch: str) -> str:
    """A character of a folded name as it stays in the key: letters, marks and digits of every
    script as they are, separators as a space, punctuation and symbols dropped."""
    category = unicodedata.category(ch)
    if category[0] in "LMN":
        return ch
    if category[0] == "Z" or ch.isspace():
        return " "
    return ""


def _fold(name: str) -> str:
    """Case-folded, compatibility-decomposed, without combining accents. Folded case once more
    after decomposing: ``𝗔`` (a styled letter) decomposes to ``A``, which must fold too."""
    decomposed = unicodedata.normalize("NFKD", name.casefold())
    bare = "".join(ch for ch in decomposed if not unicodedata.combining(ch)).casefold()
    return unicodedata.normalize("NFC", bare)


@functools.lru_cache(maxsize=65536)  # a site asks for the same few thousand names again and again
def company_key(name: str) -> str:
    """The automatic key of a company name: case-folded, combining accents dropped, letters of
    every script kept, punctuation dropped, spaces collapsed, trailing legal forms dropped.

    A name with no letter or digit at all (``🚀``, ``+++``) keeps its folded text as its key,
    rather than vanishing into an empty key.
    """
    folded = _fold(name)
    words = "".join(_kept(ch) for ch in folded).split()
    if not words:
        return " ".join(folded.split())
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)


@dataclass(frozen=True, slots=True)
class Merges:
    """The ``companies:`` setting as a map from a spelling's key to its company's key."""

    into: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, config: Config) -> Merges:
        into: dict[str, str] = {}
        for canonical, spellings in config.companies:
            target = company_key(canonical)
            for spelling in spellings:
                k = company_key(spelling)
                if k and k != target:
                    # config.py reports a spelling listed twice, or a canonical name listed as
                    # another's spelling; the first listing wins
                    into.setdefault(k, target)
        return cls(into)

    def key(self, name: str) -> str:
        k = company_key(name)
        return self.into.get(k, k)


@dataclass(frozen=True, slots=True)
class Company:
    key: str
    name: str  # the most used spelling (ties: the first in case-folded order)
    spellings: tuple[str, ...]  # every spelling the notes use, most used first
    now: tuple[Contact, ...]  # contacts whose `company` it is, in id order
    formerly: tuple[Contact, ...]  # contacts with it in `past_companies` (not now), in id order


@dataclass(frozen=True, slots=True)
class CompanyIndex:
    merges: Merges
    companies: dict[str, Company]  # by key, in key order

    def key(self, name: str | None) -> str | None:
        """The key of ``name`` when the index has a company by it, else None."""
        if not name:
            return None
        k = self.merges.key(name)
        return k if k in self.companies else None

    def get(self, name: str | None) -> Company | None:
        k = self.key(name)
        return self.companies[k] if k is not None else None


def display_name(counts: dict[str, int]) -> str:
    """The most used spelling; ties go to the first in case-folded order (then code points)."""
    return min(counts, key=lambda s: (-counts[s], s.casefold(), s))


def company_index(contacts: Iterable[Contact], config: Config) -> CompanyIndex:
    """Every company the contacts name, now or formerly, grouped by key."""
    merges = Merges.of(config)
    counts: dict[str, dict[str, int]] = {}
    now: dict[str, list[Contact]] = {}
    formerly: dict[str, list[Contact]] = {}

    def count(spelling: str) -> str | None:
        text = " ".join(spelling.split())
        k = merges.key(text)
        if not k:
            return None
        spellings = counts.setdefault(k, {})
        spellings[text] = spellings.get(text, 0) + 1
        return k

    for c in sorted(contacts, key=lambda c: c.id):
        current = count(c.company) if c.company else None
        if current is not None:
            now.setdefault(current, []).append(c)
        for past in c.past_companies:
            k = count(past)
            if k is not None and k != current and (not formerly.get(k) or formerly[k][-1] is not c):
                formerly.setdefault(k, []).append(c)
    companies = {}
    for k in sorted(counts):
        spellings = counts[k]
        ordered = sorted(spellings, key=lambda s: (-spellings[s], s.casefold(), s))
        companies[k] = Company(
            k, display_name(spellings), tuple(ordered), tuple(now.get(k, ())), tuple(formerly.get(k, ()))
        )
    return CompanyIndex(merges, companies)
