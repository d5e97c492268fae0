"""Slugs: the ASCII names of note files and dashboard pages, made from names, tags and companies.

One function serves both, so ``Straße Øre`` is ``strasse-ore`` as a contact's file and as a tag's
page. Every script is transliterated by anyascii (``Иван Петров`` -> ``ivan-petrov``, ``Ελένη``
-> ``eleni``, ``王小明`` -> ``wangxiaoming``); a short hash of the text is the fallback only when
nothing is left (``🚀``, ``!!!``). A slug holds only ``a-z``, ``0-9`` and ``-``, so no name in a
note can make a path that leaves its folder (``../../x`` becomes ``x``), hide a file (``.x``),
or hit a name Windows reserves whatever the extension (``CON``).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable

from anyascii import anyascii

MAX_LENGTH = 60
# Only this much of a text is transliterated: it is more than a 60-character slug can use, and
# it bounds the work on a hostile note (a tag of a million characters).
MAX_INPUT = 1000
RESERVED = frozenset(["con", "prn", "aux", "nul"] + [f"com{i}" for i in range(10)] + [f"lpt{i}" for i in range(10)])
_NOT_SLUG_RE = re.compile(r"[^a-z0-9]+")
_SLUG_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def _spoken(char: str) -> str:
    """Symbols (emoji, ``©``) and control characters separate words; anyascii would spell some
    out (``🚀`` -> ``:rocket:``), which no one wants in a file name."""
    category = unicodedata.category(char)
    return " " if category[0] in "SZ" or category == "Cc" else char


def slugify(text: str, max_length: int = MAX_LENGTH) -> str:
    """``Zoë O'Brien`` -> ``zoe-obrien``; may be empty (``李`` is not, ``🚀`` is) or reserved."""
    text = text[:MAX_INPUT]
    # most ids and names are ASCII: the same result without the per-character pass
    slug = _ascii_slug(text) if text.isascii() else _transliterated_slug(text)
    if len(slug) > max_length:
        cut = slug[:max_length]
        # Cut at a word boundary when one is in the second half, else mid-word.
        slug = (cut.rsplit("-", 1)[0] if "-" in cut[max_length // 2 :] else cut).strip("-")
    return slug


def _transliterated_slug(text: str) -> str:
    letters = "".join(_spoken(c) for c in text)
    # Apostrophes join a word (O'Brien, Дарья -> dar'ya); anyascii writes them as ' or `.
    ascii_text = anyascii(letters).replace("'", "").replace("`", "").lower()
    return _NOT_SLUG_RE.sub("-", ascii_text).strip("-")


def _ascii_slug(text: str) -> str:
    """``slugify``'s first steps for ASCII ``text``: anyascii leaves it as it is, and the
    characters ``_spoken`` turns into spaces (symbols, spaces, controls; a backtick among them)
    become separators all the same, so only the apostrophe, which joins a word, is special."""
    if _SLUG_RE.fullmatch(text):  # already a slug (``jane-doe``, an interaction's id)
        return text
    return _NOT_SLUG_RE.sub("-", text.replace("'", "").lower()).strip("-")


def short_hash(text: str) -> str:
    """Six hex digits of the text, the same for every spelling that looks alike (NFC, case)."""
    return hashlib.sha256(unicodedata.normalize("NFC", text).casefold().encode("utf-8")).hexdigest()[:6]


def safe_slug(text: str, fallback: str) -> str:
    """``slugify(text)``, never empty nor reserved.

    ``<fallback>-<6 hex>`` when nothing is left of the text (``🚀🚀`` -> ``contact-3f9a1c``);
    ``<slug>-<fallback>`` for a name Windows reserves (``Con`` -> ``con-contact``).
    """
    assert _SLUG_RE.fullmatch(fallback), fallback  # a bug in the caller, not the user's text
    slug = slugify(text)
    if not slug:
        return f"{fallback}-{short_hash(text)}"
    if slug in RESERVED:
        return f"{slug}-{fallback}"
    return slug


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def unique_slugs(names: Iterable[str], fallback: str = "x") -> dict[str, str]:
    """A distinct slug for every distinct name (page names: one per contact id, tag, company ...).

    A name keeps its ``safe_slug`` when no other name has the same one, or when the name already
    is that slug (``jane-doe``); the others get ``<slug>-<8 hex of sha256(name)>``, so a page's
    name never depends on what else is in the vault.
    """
    ordered = sorted(set(names))
    plain = {name: safe_slug(name, fallback) for name in ordered}
    count: dict[str, int] = {}
    for slug in plain.values():
        count[slug] = count.get(slug, 0) + 1
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for name in ordered:
        slug = plain[name]
        if count[slug] == 1 or slug == name:
            slugs[name] = slug
            taken.add(slug)
    for name in ordered:
        if name in slugs:
            continue
        stem, digest, size = plain[name], _digest(name), 8
        while f"{stem}-{digest[:size]}" in taken:
            size += 1
        slugs[name] = f"{stem}-{digest[:size]}"
        taken.add(slugs[name])
    return slugs
