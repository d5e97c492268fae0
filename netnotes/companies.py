"""Company keys (the contract's section 8): one normalisation for every place a company is compared.

``Helix Robotics, GmbH`` and ``helix robotics`` are one company: the name case-folded, accents
dropped (letters of every script kept), punctuation dropped, spaces collapsed and trailing legal
forms dropped.
"""

from __future__ import annotations

import unicodedata

LEGAL_FORMS = frozenset(
    (
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
    )
)


def company_key(text: str) -> str:
    """``Helix Robotics, GmbH`` -> ``helix robotics``; empty for a name with no letters or digits."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept = "".join(
        ch for ch in decomposed if not unicodedata.combining(ch) and not unicodedata.category(ch).startswith("P")
    )
    words = unicodedata.normalize("NFC", kept).split()
    # A name that is only a legal form ("Company") keeps it: it is all there is to compare.
    while len(words) > 1 and words[-1] in LEGAL_FORMS:
        words.pop()
    return " ".join(words)
