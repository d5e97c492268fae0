"""Page file names: contact ids, tags and companies as short, safe ASCII slugs.

A slug holds only ``a-z``, ``0-9``, ``-`` and ``_``, so no name in a note can make a path that
leaves the output folder (``../../x`` becomes ``x``), hide a file (``.x``), or hit a name
Windows reserves (``CON`` becomes ``con_``). Names that slug to the same text, or to nothing
(``李雷``), get a suffix from a hash of the name itself, so a page's file name never depends on
what else is in the vault.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from typing import Iterable

MAX_LENGTH = 60
WINDOWS_RESERVED = frozenset(
    ["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)]
)
_NOT_SLUG_RE = re.compile(r"[^a-z0-9]+")


def slugify(text: str) -> str:
    """``Zoë O'Brien`` -> ``zoe-o-brien``; may be empty when nothing ASCII is left."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    slug = _NOT_SLUG_RE.sub("-", ascii_text.lower()).strip("-")
    slug = slug[:MAX_LENGTH].rstrip("-")
    if slug in WINDOWS_RESERVED:
        slug += "_"
    return slug


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unique_slugs(names: Iterable[str]) -> dict[str, str]:
    """A distinct slug for every distinct name.

    A name keeps its plain slug when no other name has the same one, or when the name already
    is that slug (``jane-doe``); the others get ``<slug>-<8 hex of sha256(name)>``.
    """
    ordered = sorted(set(names))
    plain = {name: slugify(name) for name in ordered}
    count: dict[str, int] = {}
    for slug in plain.values():
        count[slug] = count.get(slug, 0) + 1
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in ordered:
        slug = plain[name]
        if slug and (count[slug] == 1 or slug == name):
            slugs[name] = slug
            taken.add(slug)
    for name in ordered:
        if name in slugs:
            continue
        stem, digest, size = plain[name] or "x", _digest(name), 8
        while f"{stem}-{digest[:size]}" in taken:
            size += 1
        slugs[name] = f"{stem}-{digest[:size]}"
        taken.add(slugs[name])
    return slugs
