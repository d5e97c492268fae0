"""Names in the order people expect: the Unicode Collation Algorithm (pyuca), not code points.

By code point, ``Émile`` and ``Łukasz`` sort after ``Zoë``; by the collation they sit beside
``Emma`` and between ``Lena`` and ``Maria``. Used wherever people (or tags and companies) are
listed by name for a human to read; the contract's orders that say "case-folded" (``due``'s
order, section 5 rule 8) keep their case-folded code points.

pyuca's collator parses a table of about 30,000 lines when it is made (0.2-0.4 s), so it is
made on first use, once per process, and only for a name whose key is not known yet: the keys
made are kept in the user's own cache folder (``remember_keys``, never in a vault), so a build
of an unchanged vault does not make the collator at all. That file only ever changes an order:
one that is unreadable, corrupt, or of another netnotes or pyuca version is not used (a
warning when it is unreadable or corrupt) and the keys are made afresh.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from . import versions
from .fsio import WriteFailed, make_folders, reason, replace_file, user_cache_folder

if TYPE_CHECKING:
    from pyuca.collator import BaseCollator

# pyuca's key costs more than linear time in the text's length; names are far shorter, and a
# hostile 100,000-character name must not stall a build. Longer names tie on these and are then
# ordered by the caller's tie-breaker.
MAX_KEY_CHARS = 100
KEYS_FILE = "collation-keys.json"  # in the user's netnotes cache folder
KEYS_KEPT = 100_000  # names whose keys are kept between runs, those used last first

# A sort key: pyuca's weights (at most 0xFFFF each, by the UCA's construction) as the code
# points of a string, which compares as the tuple of weights would, and loads from the kept file
# as it is, without a list of numbers to check and turn into a tuple for each name.
Key = str


@functools.cache
def _collator() -> BaseCollator:
    from pyuca import Collator

    return Collator()


class _Keys:
    """The keys known in this process: those read from the user's cache (on first use) and
    those made since, and which of them this process used."""

    def __init__(self) -> None:
        self.known: dict[str, Key] | None = None
        self.used: dict[str, None] = {}  # in the order of first use
        self.made = 0
        self.problem: str | None = None  # why the cached keys were not used

    def get(self, text: str) -> Key:
        if self.known is None:
            self.known = self._read()
        found = self.known.get(text)
        if found is None:
            found = self.known[text] = "".join(map(chr, _collator().sort_key(text)))
            self.made += 1
        self.used[text] = None
        return found

    def _read(self) -> dict[str, Key]:
        path = keys_path()
        try:
            data = json.loads(path.read_bytes())
        except FileNotFoundError:
            return {}
        except OSError as err:
            self.problem = f"cannot read the collation keys {path}: {reason(err)}; they are made afresh"
            return {}
        except ValueError:
            data = None
        salt = data.get("salt") if isinstance(data, dict) else None
        if isinstance(salt, str) and salt != _salt():
            return {}  # another version's keys: made afresh, and replaced
        keys = data.get("keys") if isinstance(data, dict) else None
        if not isinstance(salt, str) or not isinstance(keys, dict) or not all(type(k) is str for k in keys.values()):
            self.problem = f"ignored the collation keys {path}: the file is corrupt; they are made afresh"
            return {}
        return keys


_KEYS = _Keys()


def keys_path() -> Path:
    return user_cache_folder() / KEYS_FILE


@functools.cache
def _salt() -> str:
    """What a key depends on besides the text: pyuca's version (its table) and netnotes'."""
    return "; ".join([*versions("pyuca"), f"{MAX_KEY_CHARS} characters", "keys as text"])


def collation_key(text: str) -> Key:
    """A sort key for ``text``: ``sorted(names, key=collation_key)`` is alphabetical for people.

    Case and accents only break ties between otherwise equal names, so ``Émile`` comes right
    after ``emile`` and ``Emile``. Callers add their own final tie-breaker (an id, a path).
    """
    return _KEYS.get(text[:MAX_KEY_CHARS])


def remember_keys(warn: Callable[[str], None]) -> None:
    """Keep the keys made in this process in the user's cache folder, with the others used
    first; never fails (``warn`` is told when it cannot, or could not read them)."""
    keys = _KEYS
    if keys.problem is not None:
        warn(keys.problem)
        keys.problem = None
    if not keys.made or keys.known is None:
        return
    kept = {text: keys.known[text] for text in keys.used}
    for text, key in keys.known.items():
        if len(kept) >= KEYS_KEPT:
            break
        kept.setdefault(text, key)
    path = keys_path()
    data = json.dumps({"salt": _salt(), "keys": kept}, separators=(",", ":"))  # ASCII: any name survives
    try:
        make_folders(path.parent, path)
        replace_file(path, data.encode("ascii"), durable=False)  # lost on a crash: made again
    except WriteFailed as err:
        warn(f"cannot save the collation keys {path}: {err.reason}; the next build makes them again")
        return
    keys.made = 0


def forget_keys() -> list[str]:
    """Remove the kept keys (``build --clean``); what could not be removed, as warnings."""
    _KEYS.known, _KEYS.used, _KEYS.made = None, {}, 0
    try:
        os.unlink(keys_path())
    except FileNotFoundError:
        pass
    except OSError as err:
        return [f"cannot remove the collation keys {keys_path()}: {reason(err)}"]
    return []
