"""Resolving contact refs: an id, a name or alias, or an Obsidian wikilink of either.

Names and aliases are indexed once (case-folded, surrounding spaces ignored), so resolving
100,000 refs is 100,000 dictionary look-ups. An exact id wins over names and aliases.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass
from typing import Iterable

from .model import Contact

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


@dataclass(frozen=True, slots=True)
class Resolution:
    contact_id: str | None
    error: str | None = None  # a message when the ref does not resolve
    code: str | None = None  # NN115 no match, NN116 several


class RefIndex:
    def __init__(self, contacts: Iterable[Contact]) -> None:
        self.ids: set[str] = set()
        self.names: dict[str, list[str]] = {}
        for c in contacts:
            self.ids.add(c.id)
            for name in (c.name, *c.aliases):
                bucket = self.names.setdefault(key(name), [])
                if c.id not in bucket:
                    bucket.append(c.id)
        self._sorted_ids: list[str] | None = None

    def find(self, ref: str) -> str | None:
        """The contact id ``ref`` names, or None when it names none or several (no hints)."""
        k = key(unwrap(ref))
        if k in self.ids:
            return k
        matches = self.names.get(k)
        return matches[0] if matches and len(matches) == 1 else None

    def resolve(self, ref: str) -> Resolution:
        target = unwrap(ref)
        k = key(target)
        if not k:
            return Resolution(None, "empty contact ref", "NN115")
        if k in self.ids:
            return Resolution(k)
        matches = self.names.get(k)
        if matches and len(matches) == 1:
            return Resolution(matches[0])
        if matches:
            listed = ", ".join(sorted(matches))
            return Resolution(None, f"contact ref '{target}' matches several contacts: {listed}; use the id", "NN116")
        hint = self.suggest(k)
        tip = f" (did you mean {hint}?)" if hint else ""
        return Resolution(None, f"contact ref '{target}' matches no contact{tip}", "NN115")

    def suggest(self, k: str) -> str:
        if self._sorted_ids is None:
            self._sorted_ids = sorted(self.ids | set(self.names))
        slug = k.replace(" ", "-")
        close = difflib.get_close_matches(slug, self._sorted_ids, n=3, cutoff=0.6)
        close += difflib.get_close_matches(k, self._sorted_ids, n=3, cutoff=0.6)
        # A close name or alias suggests its contact's id: 'jane doe' and 'jane-doe' are one person.
        ids: list[str] = []
        for c in close:
            for contact_id in ([c] if c in self.ids else self.names[c]):
                if contact_id not in ids:
                    ids.append(contact_id)
        return ", ".join(f"'{c}'" for c in ids[:3])
