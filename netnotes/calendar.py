"""Follow-ups, open asks with a due date, thank-yous and birthdays as an iCalendar file.

Used by ``netnotes export ics`` and by the dashboard's ``followups.ics``. UIDs are derived from
the note that caused each event, so a calendar app that subscribes to the file updates events
instead of duplicating them; DTSTAMP is ``today`` so the same vault and day give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from .followup import DueItem, Reason, due_items
from .model import Vault
from .moves import Move

if TYPE_CHECKING:
    import icalendar

PRODID = "-//netnotes//netnotes follow-ups//EN"


def _uid(*parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"{digest}@netnotes"


# How a birthday repeats: every year on its day, or on the last day of February in common years.
Repeats = Literal["yearly", "yearly-feb-29"]
# One event as plain values: (uid, day, summary, description, category, repeats). Plain tuples,
# so that a build can tell cheaply whether the calendar changed.
Event = tuple[str, dt.date, str, str | None, str, Repeats | None]


def build_calendar(vault: Vault, today: dt.date, moves: Iterable[Move] = ()) -> bytes:
    return calendar_bytes(vault.config.title, today, calendar_events(vault, today, moves))


def calendar_events(
    vault: Vault, today: dt.date, moves: Iterable[Move] = (), items: Iterable[DueItem] | None = None
) -> list[Event]:
    """The calendar's events, in its order; ``items`` are ``due_items(vault, today,
    include_later=True, moves=moves)`` when the caller has them already."""
    events: list[Event] = []
    asks_by_path = {a.path: a for a in vault.asks}
    for item in due_items(vault, today, include_later=True, moves=moves) if items is None else items:
        if item.reason == Reason.FOLLOW_UP:
            events.append(
                (_uid("follow-up", item.source), item.due, f"Follow up: {item.name}", item.detail, "follow-up", None)
            )
        elif item.reason == Reason.ASK and asks_by_path[item.source].due is not None:
            summary = f"Ask: {item.name} ({item.detail})"
            events.append((_uid("ask", item.source), item.due, summary, item.detail, "ask", None))
        elif item.reason == Reason.THANK_YOU:
            events.append(
                (_uid("thank-you", item.source), item.due, f"Thank {item.name}", item.detail, "thank-you", None)
            )
        elif item.reason == Reason.CONGRATULATE:  # one per move: its note and due day name it
            uid = _uid("congratulate", item.source, item.due.isoformat())
            events.append((uid, item.due, f"Congratulate: {item.name}", item.detail, "congratulate", None))
    for contact in vault.contacts:
        bday = contact.birthday
        if bday is None or contact.archived:
            continue
        first = bday.next_on_or_after(today) if bday.year is None else bday.on_year(max(bday.year, 1900))
        repeats: Repeats = "yearly-feb-29" if bday.month == 2 and bday.day == 29 else "yearly"
        events.append((_uid("birthday", contact.path), first, f"Birthday: {contact.name}", None, "birthday", repeats))
    return events


def calendar_bytes(title: str, today: dt.date, events: Iterable[Event], blocks: Iterable[bytes] | None = None) -> bytes:
    """The iCalendar file of ``events``, stamped ``today``. ``blocks``: each event's VEVENT as
    ``event_block`` makes it, when the caller kept them (the dashboard's calendar keeps those of
    unchanged events between builds: icalendar takes 0.1 ms an event, and a large network has
    thousands). The file is the calendar's own lines, then its events', as icalendar writes a
    calendar whole."""
    head = calendar_component(title).to_ical()
    if not head.endswith(_END):
        raise ValueError("icalendar ended a calendar otherwise than with END:VCALENDAR")  # a bug
    made = blocks if blocks is not None else (event_block(event, today) for event in events)
    return head[: -len(_END)] + b"".join(made) + _END


_END = b"END:VCALENDAR\r\n"


def event_block(event: Event, today: dt.date) -> bytes:
    """One event as its VEVENT lines in the calendar stamped ``today``."""
    return event_component(event, today).to_ical()


def calendar_component(title: str) -> icalendar.Calendar:
    """The calendar's own properties, without its events."""
    import icalendar  # here: a build whose events did not change keeps the file it has

    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    # TEXT, as calendar apps read it: a line break or a comma in the vault's title is escaped
    # (icalendar writes an unknown X- property as it is, and refuses a line break in it)
    cal.add("x-wr-calname", icalendar.vText(f"{title}: follow-ups"))
    return cal


def event_component(event: Event, today: dt.date) -> icalendar.Event:
    """One event of the calendar stamped ``today``."""
    import icalendar

    uid, day, summary, description, category, repeats = event
    ev = icalendar.Event()
    ev.add("uid", uid)
    ev.add("dtstamp", dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC))
    ev.add("dtstart", day)
    if day < dt.date.max:  # an all-day event without DTEND lasts the one day (RFC 5545)
        ev.add("dtend", day + dt.timedelta(days=1))
    ev.add("summary", summary)
    if description:
        ev.add("description", description)
    ev.add("categories", [category])
    ev.add("transp", "TRANSPARENT")
    if repeats is not None:
        rule: dict[str, object] = {"freq": "yearly"}
        if repeats == "yearly-feb-29":  # on the last day of February in common years
            rule.update({"bymonth": 2, "bymonthday": -1})
        ev.add("rrule", rule)
    return ev
