"""Relationship strength and fading (the contract's section 8), for every contact in one pass.

Strength is the reference formula: each interaction dated on or before today is worth
w(kind) * 2^(-age / 180 days) points (w = 3 for coffee, lunch, meeting and event, 2 for a call,
1 for anything else), each done ask 2 * 2^(-age / 180) (age from `closed`, else `date`), and
the score is round(100 * (1 - e^(-points / 6))), rounded half up. A contact is *fading* when
we used to talk regularly and have not for a while: at least 3 distinct touch dates, the last
one more than 60 days ago and more than twice the median gap between the last 6 of them.

Interactions and asks are each read once, whatever the number of contacts, so 100,000
interactions cost well under a second; nothing here scans a contact's history twice.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from operator import attrgetter
from typing import Any, Literal

from .dates import add_months
from .model import Ask, Contact, Interaction, Vault

Band = Literal["strong", "steady", "weak", "none"]

HALF_LIFE_DAYS = 180
SCALE = 6.0  # points at which the score reaches 1 - 1/e, about 63
ASK_WEIGHT = 2.0
WEIGHTS = {"coffee": 3.0, "lunch": 3.0, "meeting": 3.0, "event": 3.0, "call": 2.0}
OTHER_WEIGHT = 1.0  # every other kind, a custom kind, or none
BANDS: tuple[tuple[int, Band], ...] = ((60, "strong"), (30, "steady"), (1, "weak"))
RECENT_MONTHS = 12  # the window of "6 touches in 12 months"
FADING_MIN_TOUCHES = 3
FADING_MIN_DAYS = 60
FADING_WINDOW = 6  # the last touch dates whose gaps give the usual rhythm


@dataclass(frozen=True, slots=True)
class Strength:
    """A contact's strength at a date, with what it is made of."""

    score: int  # 0-100
    band: Band
    points: float
    touches: int  # interactions dated on or before the date
    recent_touches: int  # ... of which in the last 12 months
    last_touch: dt.date | None
    favours: int  # done asks, either way
    reasons: tuple[str, ...]  # ("6 touches in 12 months", "last 5 days ago", "1 favour done")

    @property
    def summary(self) -> str:
        """The reasons as one line: ``6 touches in 12 months, last 5 days ago``."""
        return ", ".join(self.reasons)

    def to_json(self) -> dict[str, Any]:
        return {"score": self.score, "band": self.band, "reasons": list(self.reasons)}


@dataclass(frozen=True, slots=True)
class Fading:
    """A contact we used to talk to regularly, and have not for a while."""

    contact: Contact
    strength: Strength
    last_touch: dt.date
    days: int  # since the last touch
    usual_gap: float  # the median gap, in days, between the last touch dates
    message: str  # "you used to talk every 3 weeks; it has been 4 months"


@dataclass(frozen=True, slots=True)
class Relationships:
    strength: dict[str, Strength]  # every contact, by id
    fading: list[Fading]  # in the dashboard's order: strength, highest first, then name, then id

    def of(self, contact_id: str) -> Strength:
        return self.strength.get(contact_id, NO_STRENGTH)


NO_STRENGTH = Strength(0, "none", 0.0, 0, 0, None, 0, ("no touches yet",))


def weight(kind: str | None) -> float:
    return WEIGHTS.get(kind or "", OTHER_WEIGHT)


def decay(age_days: int) -> float:
    """What a note of ``age_days`` is still worth: it halves every 180 days."""
    return 2.0 ** (-age_days / HALF_LIFE_DAYS)


def score_of(points: float) -> int:
    return math.floor(100 * (1 - math.exp(-points / SCALE)) + 0.5)


def band_of(score: int) -> Band:
    return next((band for floor, band in BANDS if score >= floor), "none")


def span(days: float) -> str:
    """A length of time in words a person would use: ``5 days``, ``3 weeks``, ``4 months``, ``2 years``."""

    def n(count: float, unit: str) -> str:
        whole = max(1, math.floor(count + 0.5))
        return f"{whole} {unit}{'s' * (whole != 1)}"

    if days < 14:
        return n(days, "day")
    if days < 60:
        return n(days / 7, "week")
    if days < 365:
        return n(days / 30.4375, "month")
    return n(days / 365.25, "year")


def ago(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "yesterday"
    return f"{span(days)} ago"


def every(days: float) -> str:
    """``every 3 weeks``; ``every week`` rather than ``every 1 week``."""
    words = span(days)
    return "every " + (words[2:] if words.startswith("1 ") else words)


@dataclass(slots=True)
class _History:
    """What one pass gathers about a contact (mutable while gathering, then turned into values)."""

    points: float = 0.0
    touches: int = 0
    recent: int = 0
    favours: int = 0
    last: dt.date | None = None
    dates: deque[dt.date] = field(default_factory=lambda: deque(maxlen=FADING_WINDOW))
    distinct: int = 0


def relationships(vault: Vault, today: dt.date) -> Relationships:
    """Strength of every contact at ``today``, and who is fading, from one pass over the notes."""
    histories: dict[str, _History] = {}
    worth: dict[int, float] = {}  # decay by age: a few thousand distinct ages at most
    recent_since = add_months(today, -RECENT_MONTHS)
    # The model keeps interactions in date order; sorting again is nearly free and makes the
    # distinct-date and last-touch bookkeeping below independent of that promise.
    for i in sorted(vault.interactions, key=attrgetter("date")):
        if i.date > today:
            break
        age = (today - i.date).days
        d = worth.get(age)
        if d is None:
            d = worth[age] = decay(age)
        points = weight(i.kind) * d
        for cid in i.with_:
            h = histories.get(cid)
            if h is None:
                h = histories[cid] = _History()
            h.points += points
            h.touches += 1
            h.recent += i.date > recent_since
            if h.last != i.date:
                h.dates.append(i.date)
                h.distinct += 1
                h.last = i.date
    for a in vault.asks:
        day = a.closed or a.date
        if a.status != "done" or a.with_ is None or day > today:
            continue
        h = histories.get(a.with_)
        if h is None:
            h = histories[a.with_] = _History()
        h.points += ASK_WEIGHT * decay((today - day).days)
        h.favours += 1
    strength = {c.id: _strength(histories[c.id], today) if c.id in histories else NO_STRENGTH for c in vault.contacts}
    fading = [
        f
        for c in vault.contacts
        if not c.archived and c.id in histories
        for f in [_fading(c, strength[c.id], histories[c.id], today)]
        if f is not None
    ]
    fading.sort(key=_fading_order)
    return Relationships(strength, fading)


def relationships_patched(
    last: Relationships,
    vault: Vault,
    today: dt.date,
    contacts: Iterable[Contact],
    interactions: Iterable[Interaction],
    asks: Iterable[Ask],
) -> Relationships:
    """``relationships(vault, today)`` from ``last``, the answer for an earlier model of the
    vault with the same contacts and today, when only the notes of ``contacts`` changed:
    ``interactions`` and ``asks`` are every note of the vault that names one of them, in the
    vault's order. A contact's strength and fading depend on their own notes only, summed in
    the vault's order (so the floats are the very same); the fading list is sorted again."""
    redone = relationships(
        replace(vault, contacts=tuple(contacts), interactions=tuple(interactions), asks=tuple(asks)), today
    )
    if not redone.strength:
        return last
    strength = dict(last.strength)  # every contact, in the vault's order: only values change
    strength.update(redone.strength)
    fading = [f for f in last.fading if f.contact.id not in redone.strength]
    fading += redone.fading
    fading.sort(key=_fading_order)
    return Relationships(strength, fading)


def _fading_order(f: Fading) -> tuple[int, str, str]:
    return (-f.strength.score, f.contact.name.casefold(), f.contact.id)


def strength_of(vault: Vault, contact_id: str, today: dt.date) -> Strength:
    """One contact's strength: ``relationships(vault, today).of(contact_id)``, from their own
    notes only (a contact's strength depends on nothing else; the sums run in the same order)."""
    theirs = replace(
        vault,
        contacts=tuple(c for c in vault.contacts if c.id == contact_id),
        interactions=tuple(i for i in vault.interactions if contact_id in i.with_),
        asks=tuple(a for a in vault.asks if a.with_ == contact_id),
    )
    return relationships(theirs, today).of(contact_id)


@dataclass(frozen=True, slots=True)
class Contribution:
    """One note's share of a contact's points: what the docs' worked example shows."""

    path: str
    day: dt.date  # the interaction's date, or the ask's `closed` (else `date`)
    kind: str  # the interaction's kind ("" when none), or "done ask"
    weight: float
    age: int  # days before today
    points: float  # weight * decay(age)


def contributions(vault: Vault, contact_id: str, today: dt.date) -> list[Contribution]:
    """Every note that adds to the strength of one contact, interactions then asks, each in
    date order: the terms ``relationships`` sums (for explaining a score, not for every contact)."""
    out = []
    for i in sorted(vault.interactions, key=attrgetter("date")):
        if i.date <= today and contact_id in i.with_:
            age = (today - i.date).days
            out.append(Contribution(i.path, i.date, i.kind or "", weight(i.kind), age, weight(i.kind) * decay(age)))
    for a in vault.asks:
        day = a.closed or a.date
        if a.status == "done" and a.with_ == contact_id and day <= today:
            age = (today - day).days
            out.append(Contribution(a.path, day, "done ask", ASK_WEIGHT, age, ASK_WEIGHT * decay(age)))
    return out


def _strength(h: _History, today: dt.date) -> Strength:
    reasons = []
    if h.touches == 0:
        reasons.append("no touches yet")
    else:
        assert h.last is not None
        if h.recent:
            reasons.append(f"{h.recent} touch{'es' * (h.recent != 1)} in {RECENT_MONTHS} months")
        else:
            reasons.append(f"no touches in {RECENT_MONTHS} months")
        days = (today - h.last).days
        reasons.append(f"last touch {ago(days)}" if days < 2 else f"last {ago(days)}")
    if h.favours:
        reasons.append(f"{h.favours} favour{'s' * (h.favours != 1)} done")
    score = score_of(h.points)
    return Strength(score, band_of(score), h.points, h.touches, h.recent, h.last, h.favours, tuple(reasons))


def _fading(contact: Contact, strength: Strength, h: _History, today: dt.date) -> Fading | None:
    if h.distinct < FADING_MIN_TOUCHES or h.last is None:
        return None
    days = (today - h.last).days
    dates = list(h.dates)
    usual = statistics.median((b - a).days for a, b in zip(dates, dates[1:], strict=False))
    if days <= FADING_MIN_DAYS or days <= 2 * usual:
        return None
    message = f"you used to talk {every(usual)}; it has been {span(days)}"
    return Fading(contact, strength, h.last, days, usual, message)
