"""Resolving contact refs: an id, a name or alias, or an Obsidian wikilink of either.

Names and aliases are indexed once (case-folded, surrounding spaces ignored), so resolving
100,000 refs is 100,000 dictionary look-ups. An exact id wins over names and aliases.
``RefIndex.named`` is that rule, written once: the loader reports what ``resolve`` says, the
wikilink check and ``intro_to`` use ``find``, and the site links ``[[wikilinks]]`` by ``targets``.

Notes use that strict rule only. A ref typed on the command line may also be lenient
(``lookup_for_cli``): accents folded (``zoe angstrom``), or a first name alone when one contact
has it (``hannah``); commands then write the contact's id, which the strict rule resolves.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal
from urllib.parse import unquote, urlsplit

from .model import Contact
from .problems import Code

WIKILINK_RE = re.compile(r"(?<!!)\[\[([^\[\]\n]+?)\]\]")


def unwrap(ref: str) -> str:
    """``[[jane-doe|Jane]]`` -> ``jane-doe``; ``[[Jane Doe#Notes]]`` -> ``Jane Doe``; plain refs as they are."""
    text = ref.strip()
    if text.startswith("[[") and text.endswith("]]"):
        return wikilink_target(text[2:-2])
    return text  # a plain name may hold '#' or '|' ("C# Guild")


def wikilink_target(inner: str) -> str:
    """The note a wikilink's inner text points to, without its ``|label`` or ``#heading``."""
    return inner.split("|", 1)[0].split("#", 1)[0].strip()


def key(text: str) -> str:
    return " ".join(text.split()).casefold()


def folded_key(text: str) -> str:
    """``key`` with accents dropped: ``Zoë  Ångström`` -> ``zoe angstrom`` (letters of every script kept)."""
    decomposed = unicodedata.normalize("NFKD", key(text))
    return unicodedata.normalize("NFC", "".join(ch for ch in decomposed if not unicodedata.combining(ch)))


@dataclass(frozen=True, slots=True)
class Resolution:
    contact_id: str | None
    error: str | None = None  # a message when the ref does not resolve
    code: Code | None = None  # NO_SUCH_CONTACT or AMBIGUOUS_REF when it does not resolve


@dataclass(frozen=True, slots=True)
class Lookup:
    """What a ref typed on the command line names: one contact, several, or none."""

    status: Literal["found", "ambiguous", "none"]
    contact_id: str | None = None
    candidates: tuple[str, ...] = ()  # ids, sorted, when ambiguous
    message: str | None = None  # for the user, when not found
    lenient: bool = False  # found only by folding accents or by first name


class RefIndex:
    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.ids: set[str] = set()
        self.names: dict[str, list[str]] = {}
        self.contacts: dict[str, Contact] = {}
        self._folded: dict[str, list[str]] | None = None  # built on the first lenient look-up
        self._first_names: dict[str, list[str]] = {}
        for c in contacts:
            self.ids.add(c.id)
            self.contacts.setdefault(c.id, c)
            for name in (c.name, *c.aliases):
                bucket = self.names.setdefault(key(name), [])
                if c.id not in bucket:
                    bucket.append(c.id)
        self._sorted_ids: list[str] | None = None
        self._resolved: dict[str, Resolution] = {}  # a vault names the same people note after note

    def named(self, k: str) -> list[str]:
        """The contact ids the ref key ``k`` names by the strict rule: the id itself when one
        contact has it, else every contact with that name or alias (none, one or several)."""
        if k in self.ids:
            return [k]
        return self.names.get(k, [])

    def find(self, ref: str) -> str | None:
        """The contact id ``ref`` names, or None when it names none or several (no hints)."""
        found = self.named(key(unwrap(ref)))
        return found[0] if len(found) == 1 else None

    def resolve(self, ref: str) -> Resolution:
        """What ``ref`` names, with the problem to report (and close ids to suggest) when it
        names no contact or several."""
        found = self._resolved.get(ref)
        if found is None:
            found = self._resolved[ref] = self._resolve(ref)
        return found

    def _resolve(self, ref: str) -> Resolution:
        target = unwrap(ref)
        k = key(target)
        if not k:
            return Resolution(None, "empty contact ref", Code.NO_SUCH_CONTACT)
        found = self.named(k)
        if len(found) == 1:
            return Resolution(found[0])
        if found:
            listed = ", ".join(sorted(found))
            return Resolution(
                None, f"contact ref '{target}' matches several contacts: {listed}; use the id", Code.AMBIGUOUS_REF
            )
        hint = self.suggest(k)
        tip = f" (did you mean {hint}?)" if hint else ""
        return Resolution(None, f"contact ref '{target}' matches no contact{tip}", Code.NO_SUCH_CONTACT)

    def targets(self) -> dict[str, str]:
        """Every ref key that names exactly one contact, with that contact's id: the table a
        renderer looks ``[[wikilinks]]`` up in, agreeing with ``find``."""
        table = {name: ids[0] for name, ids in self.names.items() if len(ids) == 1}
        table.update((contact_id, contact_id) for contact_id in self.ids)  # an exact id wins
        return table

    def suggest(self, k: str) -> str:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.ids | set(self.names))
        slug = k.replace(" ", "-")
        close = difflib.get_close_matches(slug, self._sorted_ids, n=3, cutoff=0.6)
        close += difflib.get_close_matches(k, self._sorted_ids, n=3, cutoff=0.6)
        # A close name or alias suggests its contact's id: 'jane doe' and 'jane-doe' are one person.
        ids: list[str] = []
        for c in close:
            for contact_id in [c] if c in self.ids else self.names[c]:
                if contact_id not in ids:
                    ids.append(contact_id)
        return ", ".join(f"'{c}'" for c in ids[:3])

    def lookup_for_cli(self, ref: str) -> Lookup:
        """The contact a ref typed by the user names: the strict rule first, then leniently.

        When the strict rule (id, name, alias, wikilink) finds nothing, the ref may match one
        contact's name or alias with accents and case folded, or, as a single word, the first
        word of one contact's name or of one of its aliases. Several matches at a step are
        ambiguous (no later step is tried); the message lists them with company and id.
        """
        target = unwrap(ref)
        strict = self.resolve(ref)
        if strict.contact_id is not None:
            return Lookup("found", strict.contact_id)
        k = key(target)
        if strict.code == Code.AMBIGUOUS_REF:
            return self._ambiguous(target, self.named(k))
        if not k:
            return Lookup("none", message=strict.error)
        folded, first_names = self._lenient_maps()
        fk = folded_key(target)
        for table, word in ((folded, fk), (first_names, fk if " " not in fk else "")):
            matches = table.get(word) if word else None
            if matches and len(matches) == 1:
                return Lookup("found", matches[0], lenient=True)
            if matches:
                return self._ambiguous(target, matches)
        return Lookup("none", message=strict.error)

    def _lenient_maps(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        if self._folded is None:
            self._folded = {}
            for c in self.contacts.values():
                for name in (c.name, *c.aliases):
                    fk = folded_key(name)
                    for table, word in ((self._folded, fk), (self._first_names, fk.split(" ", 1)[0])):
                        bucket = table.setdefault(word, []) if word else []
                        if c.id not in bucket:
                            bucket.append(c.id)
        return self._folded, self._first_names

    def _ambiguous(self, target: str, ids: Iterable[str]) -> Lookup:
        found = sorted(set(ids))
        listed = ", ".join(f"{i} ({self._who(i)})" for i in found)
        message = f"'{target}' matches {len(found)} contacts: {listed}; use the id"
        return Lookup("ambiguous", candidates=tuple(found), message=message)

    def _who(self, contact_id: str) -> str:
        c = self.contacts[contact_id]
        return f"{c.name}, {c.company}" if c.company else c.name


# LinkedIn profile URLs, as importers and `dupes` compare them: one person, one key.


def normalize_linkedin(url: str) -> str:
    """``https://de.linkedin.com/in/Jane-Doe/?trk=x`` -> ``linkedin.com/in/jane-doe``."""
    text = url.strip()
    if "://" not in text:
        text = "https://" + text
    try:
        parts = urlsplit(text)
        host = parts.hostname or ""
    except ValueError:  # not a URL at all ("https://[x": an unclosed IPv6 host): compared as text
        return url.strip().casefold()
    if host.endswith("linkedin.com"):
        host = "linkedin.com"
    return f"{host}{unquote(parts.path).rstrip('/')}".casefold()


def is_linkedin(url: str) -> bool:
    try:
        host = urlsplit(url if "://" in url else "https://" + url).hostname or ""
    except ValueError:  # not a URL at all ("https://[x": an unclosed IPv6 host)
        return False
    return host == "linkedin.com" or host.endswith(".linkedin.com")
