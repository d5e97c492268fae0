"""Shell completion candidates, for Click ``shell_complete`` callbacks: contacts for REF
arguments, open items' paths for ``done`` TARGETs, and the values of ``--kind``, ``--circle``
and ``--status``.

Pure functions of the loaded vault (or its settings) and the prefix typed. Each candidate costs
one fold of its text (done once, when the vault is looked at) and a ``startswith``; a shell
asks again at every Tab, so nothing here may be slower than loading the vault itself.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from .actions import CLOSING_STATUSES, open_items
from .loader import LoadResult
from .model import Config, Contact
from .refs import folded_key
from .text import escape_for_line


@dataclass(frozen=True, slots=True)
class Candidate:
    """A value to offer, and what it is (shells that show descriptions show it)."""

    value: str
    help: str | None = None


def fold(text: str) -> str:
    """How a prefix and a candidate are compared: case, accents and repeated spaces ignored."""
    if text.isascii():  # most names: skip Unicode decomposition
        return " ".join(text.split()).casefold()
    return folded_key(text)


def _matching(values: Iterable[str], prefix: str) -> list[Candidate]:
    wanted = fold(prefix)
    return [Candidate(v) for v in values if fold(v).startswith(wanted)]


def contact_refs(contacts: Iterable[Contact], prefix: str) -> list[Candidate]:
    """Contacts whose id, name or an alias starts with ``prefix`` (case and accents ignored).

    A contact whose id matches is offered by its id (one word, which needs no quoting in a
    shell); otherwise by the name or alias that matches, as written. Sorted case-insensitively.
    """
    wanted = fold(prefix)
    found: dict[str, Candidate] = {}
    for c in contacts:
        who = f"{c.name}, {c.company}" if c.company else c.name
        if c.id.startswith(wanted):
            found.setdefault(c.id, Candidate(c.id, escape_for_line(who)))
            continue
        for name in (c.name, *c.aliases):
            if fold(name).startswith(wanted):
                found.setdefault(name, Candidate(name, c.id))
    return sorted(found.values(), key=lambda cand: (cand.value.casefold(), cand.value))


def open_item_paths(loaded: LoadResult, today: dt.date, prefix: str) -> list[Candidate]:
    """The paths ``done`` takes as TARGET (open follow-ups, open asks, asks that want a
    thank-you) that start with ``prefix`` (a leading ``./`` ignored), by due date."""
    wanted = prefix.removeprefix("./")
    return [
        Candidate(item.path, escape_for_line(f"{item.kind} due {item.due.isoformat()}: {item.detail}"))
        for item in open_items(loaded, today)
        if item.path.startswith(wanted)
    ]


def interaction_kinds(config: Config, prefix: str) -> list[Candidate]:
    """The built-in interaction kinds and those of ``kinds:`` in netnotes.yaml."""
    return _matching(config.interaction_kinds, prefix)


def circles(config: Config, prefix: str) -> list[Candidate]:
    """The circles of netnotes.yaml, with their cadence."""
    wanted = fold(prefix)
    return [Candidate(name, f"every {cadence}") for name, cadence in config.circles if fold(name).startswith(wanted)]


def ask_statuses(prefix: str) -> list[Candidate]:
    """What ``done --status`` sets: ``done``, ``declined``, ``dropped``."""
    return _matching(CLOSING_STATUSES, prefix)
