"""Meetings from a calendar file (``.ics``, RFC 5545), recurring events expanded.

Each past occurrence (its start date, in the event's own time zone, on or before today) with at
least one attendee whose email is a contact's becomes a ``meeting`` with those contacts, titled
by its ``SUMMARY``. Skipped and counted: cancelled events (``STATUS:CANCELLED``, also one
cancelled occurrence of a series), events with more than 20 attendees, events the user declined,
and events with no contact among their attendees. An occurrence is known by its ``UID`` and its
date (the original date, for an occurrence moved elsewhere), kept in the note's ``source``.

icalendar reads the file and recurring-ical-events expands ``RRULE``, ``RDATE``, ``EXDATE`` and
moved or cancelled occurrences (``RECURRENCE-ID``); Google's ``X-WR-TIMEZONE`` applies to times
written in UTC. A line that is not an iCalendar content line is reported with its number and
left out, and the rest is read; so is an event whose start cannot be read.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import icalendar
import recurring_ical_events
from icalendar.parser import Contentline

from ..model import Vault
from ..text import flatten
from .files import ImportFileError, read_text
from .history import Found, HistorySummary, bring_in, note_stem, short_id, source_key
from .people import Row

MAX_ATTENDEES = 20
# Recurrences more often than daily are no meetings with people, and expanding a
# FREQ=SECONDLY rule over years would take hours.
TOO_FREQUENT = frozenset({"SECONDLY", "MINUTELY", "HOURLY"})
_CONTENT_LINE_RE = re.compile(r'[A-Za-z0-9-]+(?:;[A-Za-z0-9-]+=(?:"[^"]*"|[^";:,]*)(?:,(?:"[^"]*"|[^";:,]*))*)*:')


# ---------------------------------------------------------------------------------------------
# The file, line by line


@dataclass(frozen=True, slots=True)
class CalendarFile:
    """The calendar's text without its broken lines, and where each event starts."""

    text: str
    broken: tuple[Row, ...]
    event_lines: tuple[int, ...]  # the line of each BEGIN:VEVENT, in order


def content_lines(text: str) -> Iterator[tuple[int, str]]:
    """The logical lines of an iCalendar text (folded lines joined) with the line each starts on."""
    start, parts = 0, list[str]()
    for number, line in enumerate(re.split(r"\r\n|\n|\r", text), 1):
        if line[:1] in (" ", "\t") and parts:
            parts.append(line[1:])
            continue
        if parts:
            yield start, "".join(parts)
        start, parts = number, [line]
    if parts:
        yield start, "".join(parts)


def clean_calendar(text: str) -> CalendarFile:
    """Leave out every line that is not ``NAME;PARAM=VALUE:value``, reporting it with its line."""
    kept: list[str] = []
    broken: list[Row] = []
    events: list[int] = []
    for number, line in content_lines(text):
        if not line.strip():
            continue
        if not _CONTENT_LINE_RE.match(line):
            try:
                Contentline(line).parts()
            except (ValueError, KeyError, IndexError):
                shown = flatten(line) or ""
                shown = shown if len(shown) <= 60 else shown[:57] + "..."
                broken.append(Row(f"line {number}", None, f"not an iCalendar line ('{shown}'); left out"))
                continue
        if line.upper().startswith("BEGIN:VEVENT"):
            events.append(number)
        kept.append(line)
    return CalendarFile("\r\n".join(kept) + "\r\n", tuple(broken), tuple(events))


def _first(err: Exception) -> str:
    return (str(err).split("\n", 1)[0] or type(err).__name__)[:120]


# ---------------------------------------------------------------------------------------------
# People in an event


def email_of(address: Any) -> str:
    """``MAILTO:Jane@Example.com`` -> ``jane@example.com``."""
    text = str(address).strip()
    if text[:7].casefold() == "mailto:":
        text = text[7:]
    return text.strip().casefold()


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return list(value) if isinstance(value, list) else [value]


def attendees(event: Any) -> list[tuple[str, str]]:
    """(email, PARTSTAT upper-cased) of each ``ATTENDEE``, in order, each email once."""
    out: dict[str, str] = {}
    for attendee in _as_list(event.get("ATTENDEE")):
        email = email_of(attendee)
        if email:
            params = getattr(attendee, "params", {})
            out.setdefault(email, str(params.get("PARTSTAT", "")).upper())
    return list(out.items())


def organizer(event: Any) -> str | None:
    value = event.get("ORGANIZER")
    return email_of(value) or None if value is not None else None


def the_user(events: Iterable[Any], me: str | None) -> str | None:
    """``--me``, else the organizer of most events (ties: the first in alphabetical order)."""
    if me is not None:
        return email_of(me)
    counts = Counter(o for o in (organizer(e) for e in events) if o)
    if not counts:
        return None
    return min(counts, key=lambda email: (-counts[email], email))


class EmailMatcher:
    """Contacts by email, compared case-insensitively; an email two contacts share matches neither."""

    def __init__(self, vault: Vault) -> None:
        owners: dict[str, set[str]] = {}
        for c in vault.contacts:
            for email in c.emails:
                owners.setdefault(email_of(email), set()).add(c.id)
        self.by_email = {email: next(iter(ids)) for email, ids in owners.items() if len(ids) == 1}

    def contacts(self, emails: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(i for i in (self.by_email.get(e) for e in emails) if i is not None))


# ---------------------------------------------------------------------------------------------
# Occurrences -> meetings


def local_date(value: Any) -> dt.date:
    """The date of a start as written: a date, or a date-time in its own time zone (or floating)."""
    return value.date() if isinstance(value, dt.datetime) else value


def _events_to_expand(calendar: Any, lines: dict[int, int], summary: HistorySummary) -> list[Any]:
    """The calendar's events that can be expanded; the others are reported with their line."""
    usable = []
    for index, event in enumerate(calendar.walk("VEVENT")):
        where = f"line {lines[index]}" if index in lines else "an event"
        errors = [f"{name or 'a line'}: {why}" for name, why in getattr(event, "errors", [])]
        start = event.get("DTSTART")
        if errors or start is None or not isinstance(getattr(start, "dt", None), dt.date):
            why = "; ".join(errors) if errors else "no DTSTART"
            title = flatten(str(event.get("SUMMARY", ""))) or None
            summary.rows.append(Row(where, title, f"event not read ({why[:200]})"))
            continue
        rule = event.get("RRULE")
        freq = rule.get("FREQ") if rule is not None and hasattr(rule, "get") else None
        if freq and str(freq[0] if isinstance(freq, list) else freq).upper() in TOO_FREQUENT:
            summary.skip("series recurring more often than daily")
            continue
        usable.append(event)
    return usable


def read_calendar(text: str) -> tuple[list[Any], CalendarFile]:
    """The calendars in ``text``, its broken lines left out."""
    cleaned = clean_calendar(text)
    if not cleaned.event_lines and "BEGIN:VCALENDAR" not in cleaned.text.upper():
        raise ImportFileError("not an iCalendar file: no BEGIN:VCALENDAR line")
    try:
        calendars = icalendar.Calendar.from_ical(cleaned.text, multiple=True)
    except (ValueError, KeyError, IndexError, TypeError) as err:
        raise ImportFileError(f"not a readable iCalendar file ({_first(err)})") from None
    if not calendars:  # icalendar's word for a BEGIN whose END never comes
        raise ImportFileError("not a readable iCalendar file (a BEGIN line has no matching END line)")
    return list(calendars), cleaned


def meetings(
    calendar: Any,
    vault_emails: EmailMatcher,
    me: str | None,
    today: dt.date,
    since: dt.date | None,
    lines: dict[int, int],
    summary: HistorySummary,
) -> Iterator[Found]:
    """The meetings of one calendar, in the order of their occurrences."""
    events = _events_to_expand(calendar, lines, summary)
    user = the_user(events, me)
    usable = {id(e) for e in events}
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VEVENT" or id(c) in usable]
    query = recurring_ical_events.of(calendar, skip_bad_series=True)  # a series it cannot expand is left out
    # A date-time anywhere on Earth is on its local date within a day of UTC's; the margin keeps
    # every occurrence dated today in its own zone.
    end = today + dt.timedelta(days=2)
    start = since - dt.timedelta(days=2) if since is not None else dt.date(1900, 1, 1)
    for occurrence in query.between(start, end):
        found = _meeting(occurrence, vault_emails, user, today, since, summary)
        if found is not None:
            yield found


def _meeting(
    occurrence: Any,
    vault_emails: EmailMatcher,
    user: str | None,
    today: dt.date,
    since: dt.date | None,
    summary: HistorySummary,
) -> Found | None:
    day = local_date(occurrence["DTSTART"].dt)
    if day > today or (since is not None and day < since):
        return None
    if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
        summary.skip("cancelled events")
        return None
    people = attendees(occurrence)
    if len(people) > MAX_ATTENDEES:
        summary.skip(f"events with more than {MAX_ATTENDEES} attendees")
        return None
    if user is not None and dict(people).get(user) == "DECLINED":
        summary.skip("declined events")
        return None
    emails = [e for e, _ in people]
    host = organizer(occurrence)
    if host:
        emails.append(host)  # the organizer takes part, whether listed as an attendee or not
    ids = vault_emails.contacts(e for e in emails if e != user)
    if not ids:
        summary.skip("events with no contact")
        return None
    recurrence = occurrence.get("RECURRENCE-ID")
    key_day = local_date(recurrence.dt) if recurrence is not None else day
    uid = str(occurrence.get("UID", "")).strip()
    if not uid:  # no UID: the event is known by its title and start instead
        uid = "no-uid-" + short_id(f"{occurrence.get('SUMMARY', '')}|{occurrence['DTSTART'].to_ical()!r}")
    return Found(
        source=source_key("ics", key_day, uid),
        date=day,
        with_=tuple(ids),
        kind="meeting",
        title=flatten(str(occurrence.get("SUMMARY", ""))) or None,
        stem=note_stem(day, "meeting", ids[0], f"{uid} {key_day.isoformat()}"),
    )


def import_ics(
    root: Path,
    vault: Vault,
    path: Path,
    today: dt.date,
    me: str | None = None,
    since: dt.date | None = None,
    dry_run: bool = False,
) -> HistorySummary:
    """Import the past meetings with contacts of the calendar file ``path`` (see the module's doc)."""
    calendars, cleaned = read_calendar(read_text(path))
    summary = HistorySummary("meeting", "meeting", "line", dry_run=dry_run, rows=list(cleaned.broken))
    matcher = EmailMatcher(vault)
    found: list[Found] = []
    first_event = 0
    for calendar in calendars:
        count = len(calendar.walk("VEVENT"))
        lines = {
            i: cleaned.event_lines[first_event + i] for i in range(count) if first_event + i < len(cleaned.event_lines)
        }
        first_event += count
        found += meetings(calendar, matcher, me, today, since, lines, summary)
    found.sort(key=lambda f: (f.date, f.source))
    return bring_in(root, vault, found, summary)
