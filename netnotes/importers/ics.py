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

Reading 20,000 events is most of the work, so the file is first cut into its events (each
series with its moved occurrences), keeping of each only the properties used here, and the
events are read and expanded on every core, each worker with the calendar's time zones.
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
from ..parallel import parallel_map
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


# What an event keeps: the properties that expansion and the rules here read.
EVENT_PROPERTIES = frozenset(
    {
        "UID",
        "DTSTART",
        "DTEND",
        "DURATION",
        "RRULE",
        "RDATE",
        "EXDATE",
        "EXRULE",
        "RECURRENCE-ID",
        "STATUS",
        "SUMMARY",
        "ORGANIZER",
        "ATTENDEE",
    }
)


@dataclass(frozen=True, slots=True)
class EventText:
    """One ``VEVENT`` as lines of text: the properties it keeps, ``BEGIN`` and ``END`` included."""

    line: int  # of its BEGIN:VEVENT
    uid: str
    organizer: str | None
    lines: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class CalendarText:
    """One ``VCALENDAR``: its own lines (properties, time zones) and its events."""

    header: tuple[str, ...]  # from BEGIN:VCALENDAR, without END:VCALENDAR
    events: tuple[EventText, ...]


@dataclass(frozen=True, slots=True)
class CalendarFile:
    calendars: tuple[CalendarText, ...]
    broken: tuple[Row, ...]  # lines left out, and why


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


def _value(line: str) -> str:
    """What follows the name and parameters of a content line (a quoted parameter may hold ':')."""
    match = _CONTENT_LINE_RE.match(line)
    return line[match.end() :] if match else line.split(":", 1)[-1]


def split_calendar(text: str) -> CalendarFile:
    """Cut ``text`` into calendars and their events, leaving out (and reporting with its line)
    every line that is not ``NAME;PARAM=VALUE:value``, an ``END`` closing nothing open, and an
    event never closed; components inside an event (alarms) are left out whole."""
    broken: list[Row] = []
    calendars: list[CalendarText] = []
    header: list[str] | None = None
    events: list[EventText] = []
    event: list[str] | None = None
    event_line, uid, host = 0, "", None
    nested = 0  # depth inside a component within the event

    def left_out(number: int, line: str, why: str) -> None:
        shown = flatten(line) or ""
        shown = shown if len(shown) <= 60 else shown[:57] + "..."
        broken.append(Row(f"line {number}", None, f"{why} ('{shown}'); left out"))

    for number, line in content_lines(text):
        if not line.strip():
            continue
        if not _CONTENT_LINE_RE.match(line):
            try:
                Contentline(line).parts()
            except (ValueError, KeyError, IndexError):
                left_out(number, line, "not an iCalendar line")
                continue
        name = re.split("[;:]", line, maxsplit=1)[0].upper()
        value = _value(line).strip().upper() if name in ("BEGIN", "END") else ""
        if event is not None:
            if nested:
                nested += {"BEGIN": 1, "END": -1}.get(name, 0)
            elif name == "BEGIN":
                nested = 1
            elif name == "END" and value == "VEVENT":
                event.append(line)
                events.append(EventText(event_line, uid, host, tuple(event)))
                event = None
            elif name == "END":
                left_out(number, line, "an END that closes nothing open")
            elif name in EVENT_PROPERTIES:
                event.append(line)
                if name == "UID":
                    uid = _value(line).strip()
                elif name == "ORGANIZER":
                    host = email_of(_value(line)) or None
            continue
        if name == "BEGIN" and value == "VCALENDAR" and header is None:
            header, events = [line], []
        elif header is None:
            left_out(number, line, "outside BEGIN:VCALENDAR and END:VCALENDAR")
        elif name == "BEGIN" and value == "VEVENT":
            event, event_line, uid, host, nested = [line], number, "", None, 0
        elif name == "END" and value == "VCALENDAR":
            calendars.append(CalendarText(tuple(header), tuple(events)))
            header = None
        else:
            header.append(line)
    if event is not None:
        broken.append(Row(f"line {event_line}", None, "an event with no END:VEVENT; left out"))
    if header is not None:  # no END:VCALENDAR: what came before it is still read
        calendars.append(CalendarText(tuple(header), tuple(events)))
    return CalendarFile(tuple(calendars), tuple(broken))


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


def the_user(calendars: Iterable[CalendarText], me: str | None) -> str | None:
    """``--me``, else the organizer of most events (ties: the first in alphabetical order)."""
    if me is not None:
        return email_of(me)
    counts = Counter(e.organizer for c in calendars for e in c.events if e.organizer)
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


# ---------------------------------------------------------------------------------------------
# Occurrences -> meetings


def local_date(value: Any) -> dt.date:
    """The date of a start as written: a date, or a date-time in its own time zone (or floating)."""
    return value.date() if isinstance(value, dt.datetime) else value


@dataclass(frozen=True, slots=True)
class _Job:
    """What every worker needs: the calendar's own lines, contacts by email and the rules' inputs."""

    header: tuple[str, ...]
    by_email: dict[str, str]
    user: str | None
    today: dt.date
    since: dt.date | None


@dataclass(slots=True)
class _Part:
    """What a worker found in its share of the events."""

    found: list[Found]
    skipped: dict[str, int]
    rows: list[Row]


def _read_events(job: _Job, series: list[list[EventText]]) -> list[_Part]:
    """Read, expand and sort out ``series`` (each a list of events sharing a UID)."""
    events = [e for group in series for e in group]
    text = "\r\n".join((*job.header, *(line for e in events for line in e.lines), "END:VCALENDAR")) + "\r\n"
    part = _Part([], {}, [])
    summary = HistorySummary("meeting", rows=part.rows, skipped=part.skipped)
    try:
        calendar = icalendar.Calendar.from_ical(text)
    except (ValueError, KeyError, IndexError, TypeError) as err:  # the calendar's own lines are broken
        part.rows.append(Row("line 1", None, f"events not read: {_first(err)}"))
        return [part]
    usable = _events_to_expand(calendar, [e.line for e in events], summary)
    calendar.subcomponents = [c for c in calendar.subcomponents if c.name != "VEVENT" or id(c) in usable]
    query = recurring_ical_events.of(calendar, skip_bad_series=True)  # a series it cannot expand is left out
    # A date-time anywhere on Earth is on its local date within a day of UTC's; the margin keeps
    # every occurrence dated today in its own zone.
    end = job.today + dt.timedelta(days=2)
    start = job.since - dt.timedelta(days=2) if job.since is not None else dt.date(1900, 1, 1)
    for occurrence in query.between(start, end):
        found = _meeting(occurrence, job, summary)
        if found is not None:
            part.found.append(found)
    return [part]


def _events_to_expand(calendar: Any, lines: list[int], summary: HistorySummary) -> set[int]:
    """The ``id`` of each event of the calendar that can be expanded; the others are reported."""
    usable: set[int] = set()
    for index, event in enumerate(calendar.walk("VEVENT")):
        where = f"line {lines[index]}" if index < len(lines) else "an event"
        errors = [f"{name or 'a line'}: {why}" for name, why in getattr(event, "errors", [])]
        start = event.get("DTSTART")
        if errors or start is None or not isinstance(getattr(start, "dt", None), dt.date):
            why = "; ".join(errors) if errors else "no DTSTART"
            title = flatten(str(event.get("SUMMARY", ""))) or None
            summary.rows.append(Row(where, title, f"event not read ({why[:200]})"))
            continue
        rules = [r for r in _as_list(event.get("RRULE")) if hasattr(r, "get")]
        if any(_number(r, "INTERVAL", 1) < 1 for r in rules):  # dateutil would loop for ever
            title = flatten(str(event.get("SUMMARY", ""))) or None
            summary.rows.append(Row(where, title, "event not read (RRULE: an INTERVAL below 1 never moves on)"))
            continue
        if any(str(next(iter(_as_list(r.get("FREQ"))), "")).upper() in TOO_FREQUENT for r in rules):
            summary.skip("series recurring more often than daily")
            continue
        usable.add(id(event))
    return usable


def _number(rule: Any, part: str, default: int) -> int:
    """An integer part of an RRULE (``INTERVAL``), or ``default`` when it has none or no number."""
    values = _as_list(rule.get(part))
    try:
        return int(values[0]) if values else default
    except (TypeError, ValueError):
        return default


def _meeting(occurrence: Any, job: _Job, summary: HistorySummary) -> Found | None:
    day = local_date(occurrence["DTSTART"].dt)
    if day > job.today or (job.since is not None and day < job.since):
        return None
    if str(occurrence.get("STATUS", "")).upper() == "CANCELLED":
        summary.skip("cancelled events")
        return None
    people = attendees(occurrence)
    if len(people) > MAX_ATTENDEES:
        summary.skip(f"events with more than {MAX_ATTENDEES} attendees")
        return None
    if job.user is not None and dict(people).get(job.user) == "DECLINED":
        summary.skip("declined events")
        return None
    emails = [e for e, _ in people]
    host = organizer(occurrence)
    if host:
        emails.append(host)  # the organizer takes part, whether listed as an attendee or not
    ids = list(dict.fromkeys(i for i in (job.by_email.get(e) for e in emails if e != job.user) if i is not None))
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


PARALLEL_THRESHOLD = 2000  # series: fewer are read faster here than by starting workers


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
    text = read_text(path)
    cut = split_calendar(text)
    if not cut.calendars:
        raise ImportFileError("not an iCalendar file: no BEGIN:VCALENDAR line")
    summary = HistorySummary("meeting", "meeting", "line", dry_run=dry_run, rows=list(cut.broken))
    by_email = EmailMatcher(vault).by_email
    user = the_user(cut.calendars, me)
    found: list[Found] = []
    for calendar in cut.calendars:
        series: dict[str, list[EventText]] = {}
        for event in calendar.events:  # a series and its moved occurrences are read together
            series.setdefault(event.uid or f"line {event.line}", []).append(event)
        job = _Job(calendar.header, by_email, user, today, since)
        for part in parallel_map(_read_events, list(series.values()), job, threshold=PARALLEL_THRESHOLD, fork=True):
            found += part.found
            summary.rows += part.rows
            for what, count in part.skipped.items():
                summary.skip(what, count)
    summary.rows.sort(key=lambda row: int(row.where.split()[-1]) if row.where.split()[-1].isdigit() else 0)
    found.sort(key=lambda f: (f.date, f.source))
    return bring_in(root, vault, found, summary)
