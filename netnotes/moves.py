"""Career moves (the contract's rule 11), decided from the versions ``history.py`` reads from git.

A *move* of contact C is a commit after which C's company (by company key) is non-empty and
differs from its last non-empty value before, or the company key is the same and the role
(case-insensitive, spaces collapsed) changed from its last non-empty value to another non-empty
one. A note added by the commit is no move, and neither is a first company or role ever written
(there is nothing it was before). Moves are history: all of them are kept, each user (the due
engine, the pages, introduction paths) filters by date.
"""

from __future__ import annotations

import datetime as dt
import os
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from .companies import company_key
from .dates import days_before
from .history import History, Warn, local_date, read_history

WINDOW_DAYS = 30  # a move is news for this long: congratulate items and the dashboard's panel


@dataclass(frozen=True, slots=True)
class Move:
    contact: str  # contact id
    date: dt.date  # the commit's author date, in the local time zone
    commit: str
    order: int  # position in history, oldest first: "latest" means the highest
    old_company: str | None  # the last non-empty values before the commit
    old_role: str | None
    company: str | None  # the values after it
    role: str | None

    @property
    def was(self) -> str:
        return job_text(self.old_company, self.old_role)

    @property
    def now(self) -> str:
        return job_text(self.company, self.role)

    @property
    def detail(self) -> str:
        """``now CTO at Quillmark (was Engineer at Helix)``: the congratulate item's detail."""
        return f"now {self.now} (was {self.was})"


def job_text(company: str | None, role: str | None) -> str:
    """``<role> at <company>``; a part with no role is the company alone, one with no company the role."""
    if role and company:
        return f"{role} at {company}"
    return role or company or ""


def _role_key(role: str | None) -> str:
    return " ".join((role or "").split()).casefold()


def find_moves(history: History, key: Callable[[str], str] = company_key) -> tuple[Move, ...]:
    """Every move in ``history``, in history order (then by contact id)."""
    keys: dict[str, str] = {}  # a few hundred spellings for thousands of versions
    moves: list[Move] = []
    for cid, versions in history.versions.items():
        last_company: str | None = None
        last_key = ""
        last_role: str | None = None
        for v in versions:
            new_key = ""
            if v.company:
                new_key = keys.get(v.company) or keys.setdefault(v.company, key(v.company))
            new_role = _role_key(v.role)
            if not v.added:
                moved = bool(new_key and last_key and new_key != last_key)
                promoted = (
                    new_key == last_key and bool(new_role) and bool(last_role) and new_role != _role_key(last_role)
                )
                date = local_date(v.timestamp)
                if (moved or promoted) and date is not None:
                    moves.append(Move(cid, date, v.commit, v.order, last_company, last_role, v.company, v.role))
            if new_key:
                last_company, last_key = v.company, new_key
            if new_role:
                last_role = v.role
    moves.sort(key=lambda m: (m.order, m.contact))
    return tuple(moves)


def latest_moves(moves: Iterable[Move], today: dt.date, days: int = WINDOW_DAYS) -> dict[str, Move]:
    """Each contact's latest move (in history order) dated T - ``days`` <= M <= T."""
    start = days_before(today, days)
    latest: dict[str, Move] = {}
    for move in moves:
        if start <= move.date <= today:
            seen = latest.get(move.contact)
            if seen is None or move.order > seen.order:
                latest[move.contact] = move
    return latest


def recent_moves(moves: Iterable[Move], today: dt.date, days: int = WINDOW_DAYS) -> list[Move]:
    """Every move dated in the last ``days`` days up to today, newest first."""
    start = days_before(today, days)
    return sorted((m for m in moves if start <= m.date <= today), key=lambda m: (-m.order, m.contact))


def former_companies(
    moves: Iterable[Move], today: dt.date | None = None, key: Callable[[str], str] = company_key
) -> dict[str, tuple[str, ...]]:
    """Each contact's former company keys from their moves (dated on or before ``today`` when
    given), oldest first: the company they left at each move that changed company."""
    former: dict[str, dict[str, None]] = {}
    for move in moves:
        if today is not None and move.date > today:
            continue
        old = key(move.old_company) if move.old_company else ""
        if old and old != (key(move.company) if move.company else ""):
            former.setdefault(move.contact, {})[old] = None
    return {cid: tuple(keys) for cid, keys in sorted(former.items())}


def _stderr(message: str) -> None:
    print(f"Warning: {message}", file=sys.stderr)


def moves_for(
    vault_root: str | os.PathLike[str], config: object, warn: Warn | None = None, cache: bool = True
) -> tuple[Move, ...]:
    """Every career move of the vault at ``vault_root``: none when ``git_history: false`` in its
    settings, when git is missing, or when the vault is not inside a git work tree. Warnings
    (a cache that cannot be used) go to ``warn``, by default to stderr; ``cache``: use the
    vault's ``.netnotes/cache/history.json``."""
    if not getattr(config, "git_history", True):
        return ()
    history = read_history(vault_root, warn or _stderr, cache)
    return () if history is None else find_moves(history)
