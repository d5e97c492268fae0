"""Follow-ups, open asks with a due date, thank-yous and birthdays as an iCalendar file.

Used by ``netnotes export ics`` and by the dashboard's ``followups.ics``. UIDs are derived from
the note that caused each event, so a calendar app that subscribes to the file updates events
instead of duplicating them; DTSTAMP is ``today`` so the same vault and day give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable

import icalendar

from .followup import Reason, due_items
from .model import Vault
from .moves import Move

PRODID = "-//netnotes//netnotes follow-ups//EN"


def _uid(*parts: str) -> str:
    digest = hashlib.sha256("\0".join(parts).encode("utf-8")).hexdigest()[:24]
    return f"{digest}@netnotes"


def build_calendar(vault: Vault, today: dt.date, moves: Iterable[Move] = ()) -> bytes:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("x-wr-calname", f"{vault.config.title}: follow-ups")
    stamp = dt.datetime(today.year, today.month, today.day, tzinfo=dt.UTC)

    def event(uid: str, day: dt.date, summary: str, description: str | None, category: str) -> icalendar.Event:
        ev = icalendar.Event()
        ev.add("uid", uid)
        ev.add("dtstamp", stamp)
        ev.add("dtstart", day)
        if day < dt.date.max:  # an all-day event without DTEND lasts the one day (RFC 5545)
            ev.add("dtend", day + dt.timedelta(days=1))
        ev.add("summary", summary)
        if description:
            ev.add("description", description)
        ev.add("categories", [category])
        ev.add("transp", "TRANSPARENT")
        return ev

    asks_by_path = {a.path: a for a in vault.asks}
    for item in due_items(vault, today, include_later=True, moves=moves):
        if item.reason == Reason.FOLLOW_UP:
            cal.add_component(
                event(_uid("follow-up", item.source), item.due, f"Follow up: {item.name}", item.detail, "follow-up")
            )
        elif item.reason == Reason.ASK and asks_by_path[item.source].due is not None:
            cal.add_component(
                event(_uid("ask", item.source), item.due, f"Ask: {item.name} ({item.detail})", item.detail, "ask")
            )
        elif item.reason == Reason.THANK_YOU:
            cal.add_component(
                event(_uid("thank-you", item.source), item.due, f"Thank {item.name}", item.detail, "thank-you")
            )
        elif item.reason == Reason.CONGRATULATE:  # one per move: its note and due day name it
            uid = _uid("congratulate", item.source, item.due.isoformat())
            cal.add_component(event(uid, item.due, f"Congratulate: {item.name}", item.detail, "congratulate"))
    for contact in vault.contacts:
        bday = contact.birthday
        if bday is None or contact.archived:
            continue
        first = bday.next_on_or_after(today) if bday.year is None else bday.on_year(max(bday.year, 1900))
        ev = event(_uid("birthday", contact.path), first, f"Birthday: {contact.name}", None, "birthday")
        rule: dict[str, object] = {"freq": "yearly"}
        if bday.month == 2 and bday.day == 29:  # on the last day of February in common years
            rule.update({"bymonth": 2, "bymonthday": -1})
        ev.add("rrule", rule)
        cal.add_component(ev)
    return cal.to_ical()
