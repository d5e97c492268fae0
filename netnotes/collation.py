"""Names in the order people expect: the Unicode Collation Algorithm (pyuca), not code points.

By code point, ``Émile`` and ``Łukasz`` sort after ``Zoë``; by the collation they sit beside
``Emma`` and between ``Lena`` and ``Maria``. Used wherever people (or tags and companies) are
listed by name for a human to read; the contract's orders that say "case-folded" (``due``'s
order, section 5 rule 8) keep their case-folded code points.

pyuca's collator parses a table of about 30,000 lines when it is made (about 0.1 s), so it is
made on first use, once per process: commands that never sort names do not pay for it.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pyuca.collator import BaseCollator

# pyuca's key costs more than linear time in the text's length; names are far shorter, and a
# hostile 100,000-character name must not stall a build. Longer names tie on these and are then
# ordered by the caller's tie-breaker.
MAX_KEY_CHARS = 100


@functools.cache
def _collator() -> BaseCollator:
    from pyuca import Collator

    return Collator()


@functools.lru_cache(maxsize=65536)
def collation_key(text: str) -> tuple[int, ...]:
    """A sort key for ``text``: ``sorted(names, key=collation_key)`` is alphabetical for people.

    Case and accents only break ties between otherwise equal names, so ``Émile`` comes right
    after ``emile`` and ``Emile``. Callers add their own final tie-breaker (an id, a path).
    """
    return tuple(_collator().sort_key(text[:MAX_KEY_CHARS]))
