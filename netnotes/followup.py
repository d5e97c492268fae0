"""The follow-up engine (the contract's section 5): who is due for a touch, what is waiting.

Pure functions of (vault, today). Every interaction is looked at once to find each contact's
last touch; follow-ups are then closed in O(1) each, since "a later interaction J with
I.date < J.date <= today sharing a contact" exists exactly when that contact's last touch is
after I.date.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections.abc import Container, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum

from .dates import Duration, add_duration
from .model import Ask, AskStatus, Config, Contact, Direction, Interaction, Vault
from .moves import Move, latest_moves

CONGRATULATE_AFTER = Duration(7, "d")  # rule 11: a congratulate item is due a week after the move
THANK_YOU_KIND = "thank-you"  # the interaction kind that says thank you (rule 10)
THANK_YOU_AFTER = dt.timedelta(days=3)  # a thank-you is due this long after the ask was closed
THANK_YOU_LAPSES = dt.timedelta(days=30)  # and is no longer listed after this long


class Reason(StrEnum):
    """Why an item is due, in the order of rule 8 (an item's ``reason`` in ``due --format json``)."""

    FOLLOW_UP = "follow-up"
    ASK = "ask"
    THANK_YOU = "thank-you"
    CONGRATULATE = "congratulate"
    KEEP_IN_TOUCH = "keep-in-touch"
    BIRTHDAY = "birthday"


class DueStatus(StrEnum):
    """Where a due date falls from today (rule 7), in the order listings show them."""

    OVERDUE = "overdue"
    TODAY = "today"
    SOON = "soon"
    LATER = "later"


_REASON_RANK = {r: i for i, r in enumerate(Reason)}


@dataclass(frozen=True, slots=True)
class DueItem:
    contact: str  # contact id
    name: str
    reason: Reason
    due: dt.date
    status: DueStatus
    days: int  # due - today; negative when overdue
    detail: str | None
    source: str  # vault-relative path of the note that caused it
    direction: Direction | None = None  # for asks (and thank-yous): out (waiting on them) or in (I owe them)

    def to_json(self) -> dict[str, object]:
        return {
            "contact": self.contact,
            "name": self.name,
            "reason": self.reason,
            "due": self.due.isoformat(),
            "status": self.status,
            "days": self.days,
            "detail": self.detail,
            "source": self.source,
        }

    def sort_key(self) -> tuple[dt.date, int, str, str, str]:
        return (self.due, _REASON_RANK[self.reason], self.name.casefold(), self.contact, self.source)


@dataclass(frozen=True, slots=True)
class Touch:
    """A contact's last interaction on or before today."""

    date: dt.date
    interaction: Interaction


@dataclass(frozen=True, slots=True)
class Reciprocity:
    given: int  # asks `in` that I did
    received: int  # asks `out` that they did

    @property
    def balance(self) -> int:
        return self.given - self.received


def status_of(due: dt.date, today: dt.date, horizon_end: dt.date) -> DueStatus:
    if due < today:
        return DueStatus.OVERDUE
    if due == today:
        return DueStatus.TODAY
    return DueStatus.SOON if due <= horizon_end else DueStatus.LATER


def last_touches(interactions: Iterable[Interaction], today: dt.date) -> dict[str, Touch]:
    """Rule 1: each contact's latest interaction dated on or before today (planned ones don't count)."""
    touches: dict[str, Touch] = {}
    # Latest first, as a vault's interactions are sorted (any order gives the same result): a
    # contact's first interaction seen is then its last touch, and the rest are passed over.
    for i in reversed(interactions if isinstance(interactions, Sequence) else list(interactions)):
        if i.date > today:
            continue
        for cid in i.with_:
            seen = touches.get(cid)
            if seen is None or i.date > seen.date or (i.date == seen.date and i.path > seen.interaction.path):
                touches[cid] = Touch(i.date, i)
    return touches


def last_touches_patched(
    last: dict[str, Touch],
    today: dt.date,
    contacts: Iterable[str],
    interactions_of: Mapping[str, Sequence[Interaction]],
) -> dict[str, Touch]:
    """``last_touches`` from ``last``, the answer for an earlier model, when only the
    interactions of ``contacts`` changed: ``interactions_of`` gives each contact's interactions
    in the vault's order (the model's ``interactions_by_contact``). The dict comes in the order
    ``last_touches`` gives it for the vault's interactions: latest touch first, then in the
    order of ``with``."""
    touches = dict(last)
    moved = False  # a touch came, went or is another interaction: the order is made again
    for cid in contacts:
        latest = next((i for i in reversed(interactions_of.get(cid, ())) if i.date <= today), None)
        was = touches.get(cid)
        if latest is None:
            if was is not None:
                del touches[cid]
            continue
        if was is not None and was.interaction is latest:
            continue
        touches[cid] = Touch(latest.date, latest)
        moved = moved or was is None or _touch_order(cid, was) != _touch_order(cid, touches[cid])
    if moved:
        touches = dict(sorted(touches.items(), key=lambda kv: _touch_order(*kv), reverse=True))
    return touches


def _touch_order(contact_id: str, touch: Touch) -> tuple[dt.date, str, int]:
    """Where ``last_touches`` puts a contact's touch, read backwards (it goes latest first)."""
    return (touch.date, touch.interaction.path, -touch.interaction.with_.index(contact_id))


def cadence_of(contact: Contact, config: Config) -> Duration:
    """Rule 2: the contact's own cadence, else its circle's, else the vault's default."""
    if contact.cadence is not None:
        return contact.cadence
    if contact.circle is not None:
        circle = config.circle_cadences.get(contact.circle)
        if circle is not None:
            return circle
    return config.default_cadence


def keep_in_touch_date(contact: Contact, config: Config, touch: Touch | None, today: dt.date) -> dt.date | None:
    """Rule 3: when the contact is next due for a touch, or None when they have no cadence."""
    cadence = cadence_of(contact, config)
    if contact.archived or cadence.is_never:
        return None
    if touch is not None:
        due = add_duration(touch.date, cadence)
    elif contact.since is not None:
        due = add_duration(contact.since, cadence)
    else:
        due = today
    if contact.snooze_until is not None and contact.snooze_until > due:
        due = contact.snooze_until
    return due


def is_follow_up_open(interaction: Interaction, touches: dict[str, Touch]) -> bool:
    """Rule 4: open unless done, or a later interaction up to today shares a contact."""
    if interaction.follow_up is None or interaction.done:
        return False
    return not any((t := touches.get(c)) is not None and t.date > interaction.date for c in interaction.with_)


def ask_due_date(ask: Ask) -> dt.date:
    return ask.due if ask.due is not None else ask.date


def ask_detail(ask: Ask, names: dict[str, str]) -> str:
    side = "waiting on them" if ask.direction == Direction.OUT else "I owe them"
    what = ask.kind or "ask"
    if ask.intro_to:
        target = names.get(ask.intro_to_contact or "", ask.intro_to)
        what += f" to {target}"
    return f"{side}: {what}"


def thank_you_dates(interactions: Iterable[Interaction], today: dt.date) -> dict[str, dt.date]:
    """Each contact's latest interaction of kind ``thank-you`` dated on or before today."""
    thanked: dict[str, dt.date] = {}
    for i in interactions:
        if i.kind == THANK_YOU_KIND and i.date <= today:
            for cid in i.with_:
                if i.date > thanked.get(cid, dt.date.min):
                    thanked[cid] = i.date
    return thanked


def thank_you_due(ask: Ask, thanked: dict[str, dt.date], today: dt.date) -> dt.date | None:
    """Rule 10: when a done ``out`` ask wants its thank-you (closed + 3 days), or None when it does
    not today: not done, already thanked (``thanked: true`` or a thank-you interaction with its
    contact on or after the day it closed), closed after today, or closed more than 30 days ago.

    ``thanked`` is ``thank_you_dates``: a contact's latest thank-you up to today is on or after
    the closing day exactly when some thank-you in between is.
    """
    closed = ask.closed
    if (
        ask.direction != Direction.OUT
        or ask.status != AskStatus.DONE
        or ask.thanked
        or closed is None
        or ask.with_ is None
    ):
        return None
    if closed > today or today > closed + THANK_YOU_LAPSES:
        return None
    if thanked.get(ask.with_, dt.date.min) >= closed:
        return None
    return closed + THANK_YOU_AFTER


def thank_you_detail(ask: Ask) -> str:
    return f"thank them: {ask.kind or 'favour'}"


def due_items(
    vault: Vault,
    today: dt.date,
    horizon: Duration | None = None,
    include_later: bool = False,
    moves: Iterable[Move] = (),
    touches: dict[str, Touch] | None = None,
) -> list[DueItem]:
    """The follow-up list: every rule of section 5, in the order of rule 8. ``moves`` are the
    vault's career moves from git (``moves.moves_for``), for rule 11; none by default.
    ``touches`` is ``last_touches(vault.interactions, today)`` when the caller has it."""
    if touches is None:
        touches = last_touches(vault.interactions, today)
    items = list(_items(vault, today, horizon, moves, touches, vault.contacts, vault.interactions, vault.asks))
    if not include_later:
        items = [i for i in items if i.status != DueStatus.LATER]
    items.sort(key=DueItem.sort_key)
    return items


def due_items_patched(
    last: list[DueItem],
    vault: Vault,
    today: dt.date,
    moves: Iterable[Move],
    touches: dict[str, Touch],
    contacts: Iterable[Contact],
    interactions: Iterable[Interaction],
    asks: Iterable[Ask],
    sources: Container[str],
) -> list[DueItem]:
    """``due_items(vault, today, include_later=True, moves=moves, touches=touches)`` from
    ``last``, that list for an earlier model of the vault with the same contacts, config, moves
    and today, when only the notes of ``contacts`` changed. ``interactions`` and ``asks`` are
    every note of the vault that names one of them (``with``), in the vault's order, and
    ``sources`` holds the paths of those interactions and of every note read again.

    An item is a function of its contact's touch and notes (rules 3, 10, 11), of its ask, or,
    for a follow-up, of its interaction and the touches of everyone in it: so the items of
    ``contacts`` and the follow-ups of ``sources`` are made again, every other item is the very
    one ``last`` holds, and the sort key orders them all (it is total: one item per contact,
    reason and source)."""
    redo = {c.id for c in contacts}
    kept = [
        item
        for item in last
        if item.contact not in redo and (item.reason is not Reason.FOLLOW_UP or item.source not in sources)
    ]
    theirs = [c for c in vault.contacts if c.id in redo]
    made = sorted(_items(vault, today, None, moves, touches, theirs, interactions, asks, redo), key=DueItem.sort_key)
    for item in made:
        bisect.insort(kept, item, key=DueItem.sort_key)
    return kept


def _items(
    vault: Vault,
    today: dt.date,
    horizon: Duration | None,
    moves: Iterable[Move],
    touches: dict[str, Touch],
    of_contacts: Iterable[Contact],
    interactions: Iterable[Interaction],
    asks: Iterable[Ask],
    moved: Container[str] | None = None,
) -> Iterator[DueItem]:
    """The items of rule 8 (any status) that ``of_contacts`` (keep in touch, birthday),
    ``interactions`` (follow-ups), ``asks`` (asks, thank-yous) and the moves of contacts in
    ``moved`` (every contact when None) give, in no particular order."""
    config = vault.config
    horizon_end = add_duration(today, horizon or config.horizon)
    contacts = vault.contacts_by_id

    def item(
        contact: Contact,
        reason: Reason,
        due: dt.date,
        detail: str | None,
        source: str,
        direction: Direction | None = None,
    ) -> DueItem:
        return DueItem(
            contact.id,
            contact.name,
            reason,
            due,
            status_of(due, today, horizon_end),
            (due - today).days,
            detail,
            source,
            direction,
        )

    for contact in of_contacts:
        touch = touches.get(contact.id)
        due = keep_in_touch_date(contact, config, touch, today)
        if due is not None:
            yield item(
                contact, Reason.KEEP_IN_TOUCH, due, _keep_in_touch_detail(contact, config, touch, due), contact.path
            )
        if contact.birthday is not None and not contact.archived:
            day = contact.birthday.next_on_or_after(today)
            if day <= horizon_end:
                years = day.year - contact.birthday.year if contact.birthday.year else 0
                age = f"turns {years}" if years > 0 else "birthday"
                yield item(contact, Reason.BIRTHDAY, day, age, contact.path)

    interactions = interactions if isinstance(interactions, Sequence) else list(interactions)
    for interaction in interactions:
        if interaction.follow_up is not None and interaction.with_ and is_follow_up_open(interaction, touches):
            assert interaction.follow_up is not None
            yield item(
                contacts[interaction.with_[0]],
                Reason.FOLLOW_UP,
                interaction.follow_up,
                interaction.next or interaction.title,
                interaction.path,
            )

    names = {c.id: c.name for c in vault.contacts}
    thanked = thank_you_dates(interactions, today)
    for ask in asks:
        if ask.status == AskStatus.OPEN and ask.with_ is not None:
            yield item(
                contacts[ask.with_], Reason.ASK, ask_due_date(ask), ask_detail(ask, names), ask.path, ask.direction
            )
        thank_you = thank_you_due(ask, thanked, today)
        if thank_you is not None and ask.with_ is not None:
            yield item(contacts[ask.with_], Reason.THANK_YOU, thank_you, thank_you_detail(ask), ask.path, ask.direction)

    for cid, move in latest_moves(moves, today).items():
        if moved is not None and cid not in moved:
            continue
        who = contacts.get(cid)
        touch = touches.get(cid)
        if who is None or who.archived or (touch is not None and touch.date >= move.date):
            continue  # gone from the vault, archived, or congratulated (any touch since counts)
        yield item(who, Reason.CONGRATULATE, add_duration(move.date, CONGRATULATE_AFTER), move.detail, who.path)


def _keep_in_touch_detail(contact: Contact, config: Config, touch: Touch | None, due: dt.date) -> str:
    cadence = cadence_of(contact, config)
    if touch is not None:
        kind = f" ({touch.interaction.kind})" if touch.interaction.kind else ""
        text = f"every {cadence}; last touch {touch.date.isoformat()}{kind}"
    elif contact.since is not None:
        text = f"every {cadence}; no touch since {contact.since.isoformat()}"
    else:
        text = f"every {cadence}; never contacted"
    if contact.snooze_until is not None and contact.snooze_until == due:
        text += f"; snoozed until {due.isoformat()}"
    return text


def planned_interactions(vault: Vault, today: dt.date) -> list[Interaction]:
    """Interactions dated after today: upcoming, never a touch."""
    return [i for i in vault.interactions if i.date > today]


def reciprocity_patched(
    last: dict[str, Reciprocity], contacts: Iterable[str], asks_of: Mapping[str, Iterable[Ask]]
) -> dict[str, Reciprocity]:
    """``reciprocity`` from ``last``, the answer for an earlier model, when only the asks of
    ``contacts`` changed: ``asks_of`` gives each contact's asks (the model's ``asks_by_contact``)."""
    out = dict(last)
    came = False  # a contact came: the dict is sorted by id again
    for cid in contacts:
        done = [a for a in asks_of.get(cid, ()) if a.status == AskStatus.DONE]
        given = sum(a.direction == Direction.IN for a in done)
        if done:
            came = came or cid not in out
            out[cid] = Reciprocity(given, len(done) - given)
        elif cid in out:
            del out[cid]
    return dict(sorted(out.items())) if came else out


def reciprocity(vault: Vault) -> dict[str, Reciprocity]:
    """Rule 9 for every contact with at least one finished favour either way."""
    given: dict[str, int] = {}
    received: dict[str, int] = {}
    for ask in vault.asks:
        if ask.status != AskStatus.DONE or ask.with_ is None:
            continue
        bucket = given if ask.direction == Direction.IN else received
        bucket[ask.with_] = bucket.get(ask.with_, 0) + 1
    return {cid: Reciprocity(given.get(cid, 0), received.get(cid, 0)) for cid in sorted(set(given) | set(received))}
