"""`netnotes import ics` (issue 13 item 2): a calendar's past meetings with contacts.

The calendars are written here as calendar apps export them: a VTIMEZONE, a weekly 1:1 with an
occurrence moved and one cancelled, an all-hands with 200 attendees, meetings across the date
line, Google's UTC times with X-WR-TIMEZONE, all-day and floating events, a broken line.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path
from typing import Any

import pytest
from conftest import LoadClean, MakeVault, RunCli
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import netnotes.importers.ics as ics_module
from netnotes import parallel
from netnotes.importers import ImportFileError, import_ics
from netnotes.importers.history import HistorySummary
from netnotes.loader import load_vault
from netnotes.model import Vault

TODAY = dt.date(2024, 6, 1)
CONTACTS = {
    "netnotes.yaml": "title: test\n",
    "contacts/jane-doe.md": "---\nname: Jane Doe\nemail: Jane@Example.com\n---\n",
    "contacts/kai-tane.md": "---\nname: Kai Tane\nemail: [kai@nz.example, kai.tane@work.example]\n---\n",
    "contacts/lee.md": "---\nname: Lee Park\nemail: lee@example.org\n---\n",
}
NEW_YORK = """\
BEGIN:VTIMEZONE
TZID:America/New_York
BEGIN:STANDARD
DTSTART:19701101T020000
RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU
TZOFFSETFROM:-0400
TZOFFSETTO:-0500
TZNAME:EST
END:STANDARD
BEGIN:DAYLIGHT
DTSTART:19700308T020000
RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU
TZOFFSETFROM:-0500
TZOFFSETTO:-0400
TZNAME:EDT
END:DAYLIGHT
END:VTIMEZONE
"""

# A weekly 1:1 at 23:30 New York time, five times from 4 March 2024: the 11 March one moved to
# the 12th at 10:00, the 18 March one removed (EXDATE), the 25 March one cancelled (an override
# with STATUS:CANCELLED); 1 April is left.
WEEKLY = """\
BEGIN:VEVENT
UID:1on1-jane@example.com
DTSTAMP:20240301T120000Z
DTSTART;TZID=America/New_York:20240304T233000
DTEND;TZID=America/New_York:20240305T000000
RRULE:FREQ=WEEKLY;COUNT=5
EXDATE;TZID=America/New_York:20240318T233000
SUMMARY:Jane / Sam 1:1
ORGANIZER;CN=Sam Example:mailto:sam@me.example
ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:MAILTO:jane@example.com
ATTENDEE;CN=Sam Example;PARTSTAT=ACCEPTED:mailto:sam@me.example
END:VEVENT
BEGIN:VEVENT
UID:1on1-jane@example.com
DTSTAMP:20240301T120000Z
RECURRENCE-ID;TZID=America/New_York:20240311T233000
DTSTART;TZID=America/New_York:20240312T100000
DTEND;TZID=America/New_York:20240312T103000
SUMMARY:Jane / Sam 1:1 (moved)
ORGANIZER;CN=Sam Example:mailto:sam@me.example
ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:jane@example.com
ATTENDEE;CN=Sam Example;PARTSTAT=ACCEPTED:mailto:sam@me.example
END:VEVENT
BEGIN:VEVENT
UID:1on1-jane@example.com
DTSTAMP:20240301T120000Z
RECURRENCE-ID;TZID=America/New_York:20240325T233000
DTSTART;TZID=America/New_York:20240325T233000
DTEND;TZID=America/New_York:20240326T000000
STATUS:CANCELLED
SUMMARY:Jane / Sam 1:1
ORGANIZER;CN=Sam Example:mailto:sam@me.example
ATTENDEE;CN=Jane Doe;PARTSTAT=ACCEPTED:mailto:jane@example.com
END:VEVENT
"""


def calendar(*events: str, extra: str = "") -> str:
    return (
        "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:-//Example Corp//Calendar//EN\n"
        + extra
        + NEW_YORK
        + "".join(events)
        + "END:VCALENDAR\n"
    )


def event(uid: str, start: str, summary: str, *lines: str, organizer: str = "sam@me.example") -> str:
    body = "".join(f"{line}\n" for line in lines)
    return (
        f"BEGIN:VEVENT\nUID:{uid}\nDTSTAMP:20240101T000000Z\n{start}\nSUMMARY:{summary}\n"
        f"ORGANIZER:mailto:{organizer}\n{body}END:VEVENT\n"
    )


def ics_file(tmp_path: Path, text: str, name: str = "calendar.ics") -> Path:
    path = tmp_path / name
    path.write_bytes(text.replace("\n", "\r\n").encode("utf-8"))  # as RFC 5545 says: CRLF lines
    return path


def meetings(vault: Vault) -> list[tuple[str, tuple[str, ...], str | None, str]]:
    """(date, with, title, source) of every interaction, by date."""
    out = []
    for i in sorted(vault.interactions, key=lambda i: (i.date, i.path)):
        assert i.kind == "meeting"
        out.append((i.date.isoformat(), i.with_, i.title, dict(i.custom)["source"]))
    return out


def run(root: Path, path: Path, today: dt.date = TODAY, **options: Any) -> HistorySummary:
    return import_ics(root, load_vault(root).vault, path, today, **options)


# ---------------------------------------------------------------------------------------------
# Recurring events and time zones


def test_a_weekly_one_to_one_with_a_moved_a_removed_and_a_cancelled_occurrence(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    summary = run(root, ics_file(tmp_path, calendar(WEEKLY)))
    # 23:30 in New York is that day (UTC is already the next one); the moved occurrence is dated
    # where it moved and keyed by the day it was moved from.
    assert meetings(load_clean(root)) == [
        ("2024-03-04", ("jane-doe",), "Jane / Sam 1:1", "ics 2024-03-04 1on1-jane@example.com"),
        ("2024-03-12", ("jane-doe",), "Jane / Sam 1:1 (moved)", "ics 2024-03-11 1on1-jane@example.com"),
        ("2024-04-01", ("jane-doe",), "Jane / Sam 1:1", "ics 2024-04-01 1on1-jane@example.com"),
    ]
    assert summary.skipped == {"cancelled events": 1}
    assert summary.tally() == "wrote 3 meetings, 0 already imported; skipped 1 cancelled event"
    assert (root / "interactions/2024/2024-03-04-meeting-jane-doe-605ebb31.md").read_text() == (
        "---\ndate: 2024-03-04\nwith: jane-doe\nkind: meeting\ntitle: Jane / Sam 1:1\n"
        "source: ics 2024-03-04 1on1-jane@example.com\n---\n"
    )


def test_meetings_are_dated_in_their_own_time_zone_across_the_date_line(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    text = calendar(
        # 08:30 on the 16th in Auckland is still the 15th in UTC and in New York
        event(
            "akl",
            "DTSTART;TZID=Pacific/Auckland:20240316T083000",
            "Coffee in Auckland",
            "ATTENDEE:mailto:kai@nz.example",
        ),
        # 17:00 on the 15th in Honolulu is already the 16th in UTC
        event(
            "hnl",
            "DTSTART;TZID=Pacific/Honolulu:20240315T170000",
            "Call from Hawaii",
            "ATTENDEE:mailto:lee@example.org",
        ),
        # a UTC time is dated in UTC
        event("utc", "DTSTART:20240320T233000Z", "Late sync", "ATTENDEE:mailto:lee@example.org"),
        # floating and all-day events are dated as written
        event("float", "DTSTART:20240321T233000", "Floating", "ATTENDEE:mailto:jane@example.com"),
        event(
            "allday",
            "DTSTART;VALUE=DATE:20240322",
            "Offsite",
            "DTEND;VALUE=DATE:20240323",
            "ATTENDEE:mailto:jane@example.com",
        ),
    )
    run(root, ics_file(tmp_path, text))
    assert [(d, w) for d, w, _, _ in meetings(load_clean(root))] == [
        ("2024-03-15", ("lee",)),
        ("2024-03-16", ("kai-tane",)),
        ("2024-03-20", ("lee",)),
        ("2024-03-21", ("jane-doe",)),
        ("2024-03-22", ("jane-doe",)),
    ]


def test_google_calendar_utc_times_are_dated_in_the_calendars_time_zone(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    # Google writes a 23:30 New York meeting as 03:30 UTC the next day, with X-WR-TIMEZONE.
    text = calendar(
        event("g1", "DTSTART:20240316T033000Z", "Dinner", "ATTENDEE:mailto:jane@example.com"),
        extra="X-WR-TIMEZONE:America/New_York\n",
    )
    run(root, ics_file(tmp_path, text))
    assert [d for d, _, _, _ in meetings(load_clean(root))] == ["2024-03-15"]


# ---------------------------------------------------------------------------------------------
# What is skipped, and counted


def test_an_all_hands_with_200_attendees_is_skipped_and_counted(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    crowd = [f"ATTENDEE;PARTSTAT=ACCEPTED:mailto:person{n}@corp.example" for n in range(198)]
    text = calendar(
        event("all-hands", "DTSTART;TZID=America/New_York:20240401T090000", "All hands", *crowd,
              "ATTENDEE:mailto:jane@example.com", "ATTENDEE:mailto:kai@nz.example"),
        event("small", "DTSTART;TZID=America/New_York:20240402T090000", "Small", *crowd[:18],
              "ATTENDEE:mailto:jane@example.com", "ATTENDEE:mailto:sam@me.example"),
    )  # fmt: skip
    summary = run(root, ics_file(tmp_path, text))
    assert [p.name[:24] for p in summary.written] == ["2024-04-02-meeting-jane-"]  # 20 attendees are fine
    assert summary.skipped == {"events with more than 20 attendees": 1}


def test_events_the_user_declined_are_skipped_the_user_being_the_usual_organizer_or_me(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    text = calendar(
        event("a", "DTSTART:20240401T090000", "Mine", "ATTENDEE:mailto:jane@example.com"),
        event("b", "DTSTART:20240402T090000", "Mine too", "ATTENDEE:mailto:lee@example.org"),
        event(
            "c",
            "DTSTART:20240403T090000",
            "Jane's party",
            "ATTENDEE;PARTSTAT=DECLINED:mailto:SAM@me.example",
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:kai@nz.example",
            organizer="jane@example.com",
        ),
    )
    summary = run(root, ics_file(tmp_path, text), dry_run=True)
    assert [p.name[:10] for p in summary.written] == ["2024-04-01", "2024-04-02"]
    assert summary.skipped == {"declined events": 1}
    # Named by --me, someone else is the user: Sam's decline is not theirs.
    summary = run(root, ics_file(tmp_path, text), dry_run=True, me="mailto:Kai@NZ.example")
    assert [p.name[:10] for p in summary.written] == ["2024-04-01", "2024-04-02", "2024-04-03"]


def test_events_with_no_contact_future_events_and_events_before_since_are_not_imported(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    text = calendar(
        event("dentist", "DTSTART:20240401T090000", "Dentist", "ATTENDEE:mailto:reception@dentist.example"),
        event("old", "DTSTART:20230101T090000", "Old", "ATTENDEE:mailto:jane@example.com"),
        event("ok", "DTSTART:20240601T233000", "Tonight", "ATTENDEE:mailto:JANE@EXAMPLE.COM"),
        event("later", "DTSTART:20240602T000000", "Tomorrow", "ATTENDEE:mailto:jane@example.com"),
    )
    summary = run(root, ics_file(tmp_path, text), since=dt.date(2024, 1, 1))
    assert [d for d, _, _, _ in meetings(load_clean(root))] == ["2024-06-01"]
    assert summary.skipped == {"events with no contact": 1}
    assert summary.tally() == "wrote 1 meeting, 0 already imported; skipped 1 event with no contact"


def test_a_series_recurring_every_second_is_skipped_at_once(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    text = calendar(
        event("spam", "DTSTART:20000101T000000", "Tick", "RRULE:FREQ=SECONDLY", "ATTENDEE:mailto:jane@example.com")
    )
    summary = run(root, ics_file(tmp_path, text))
    assert (summary.written, summary.skipped) == ([], {"series recurring more often than daily": 1})


# ---------------------------------------------------------------------------------------------
# Importing again, dry runs, broken files


def test_importing_the_calendar_again_adds_nothing(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    path = ics_file(tmp_path, calendar(WEEKLY))
    run(root, path)
    before = {p: p.read_bytes() for p in root.rglob("*.md")}
    summary = run(root, path)
    assert (summary.written, summary.unchanged) == ([], 3)
    assert {p: p.read_bytes() for p in root.rglob("*.md")} == before
    # A later export (a month on) adds only the new occurrence.
    later = calendar(WEEKLY.replace("COUNT=5", "COUNT=9"))
    summary = run(root, ics_file(tmp_path, later, "later.ics"), today=dt.date(2024, 4, 9))
    assert ([p.name[:10] for p in summary.written], summary.unchanged) == (["2024-04-08"], 3)


def test_a_dry_run_writes_nothing_and_names_the_same_files(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    path = ics_file(tmp_path, calendar(WEEKLY))
    planned = run(root, path, dry_run=True)
    assert list(root.rglob("interactions/**/*.md")) == []
    assert planned.tally().endswith("; dry run, nothing written")
    assert planned.written == run(root, path).written


def test_a_broken_line_is_reported_with_its_line_and_the_rest_imported(
    make_vault: MakeVault, load_clean: LoadClean, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    text = calendar(
        event("a", "DTSTART:20240401T090000", "Fine", "THIS LINE IS BROKEN", "ATTENDEE:mailto:jane@example.com"),
        event("b", "DTSTART:20240402T25000", "Bad start", "ATTENDEE:mailto:jane@example.com"),
        event("c", "DTSTART:20240403T090000", "Also fine", "ATTENDEE:mailto:lee@example.org"),
    )
    summary = run(root, ics_file(tmp_path, text))
    lines = text.splitlines()
    broken, bad_event = lines.index("THIS LINE IS BROKEN") + 1, lines.index("UID:b")
    assert summary.row_lines() == [
        f"skipped: line {broken}: not an iCalendar line ('THIS LINE IS BROKEN'); left out",
        f"skipped: line {bad_event}: event not read (DTSTART: Expected datetime, date, or time. Got: '20240402T25000')",
    ]
    assert [t for _, _, t, _ in meetings(load_clean(root))] == ["Fine", "Also fine"]
    assert "skipped 2 unreadable lines" in summary.tally()


def test_a_file_that_is_not_a_calendar_is_refused(make_vault: MakeVault, run_cli: RunCli, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    path = tmp_path / "notes.ics"
    path.write_text("Name,Email\nJane,jane@example.com\n")
    result = run_cli("--vault", root, "import", "ics", path)
    assert (result.exit_code, result.stderr) == (2, "Error: not an iCalendar file: no BEGIN:VCALENDAR line\n")
    with pytest.raises(ImportFileError, match="not an iCalendar file"):
        run(root, ics_file(tmp_path, "BEGIN:VEVENT\nUID:x\nEND:VEVENT\n"))


def test_an_event_cut_short_is_reported_and_the_events_before_it_imported(
    make_vault: MakeVault, tmp_path: Path
) -> None:
    root = make_vault(CONTACTS)
    whole = event("a", "DTSTART:20240401T090000", "Fine", "ATTENDEE:mailto:jane@example.com")
    text = calendar(whole).replace("END:VCALENDAR\n", "BEGIN:VEVENT\nUID:cut\nDTSTART:20240402T090000\n")
    summary = run(root, ics_file(tmp_path, text))
    cut = text.splitlines().index("UID:cut")
    assert summary.row_lines() == [f"skipped: line {cut}: an event with no END:VEVENT; left out"]
    assert len(summary.written) == 1


def test_the_command_prints_the_meetings_written_and_a_summary(
    make_vault: MakeVault, run_cli: RunCli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(CONTACTS)
    monkeypatch.chdir(root)
    path = ics_file(tmp_path, calendar(WEEKLY))
    result = run_cli("import", "ics", path, "--today", "2024-03-31", "--dry-run")
    assert result.exit_code == 0
    assert result.stdout.splitlines() == [
        "interactions/2024/2024-03-04-meeting-jane-doe-605ebb31.md",
        "interactions/2024/2024-03-12-meeting-jane-doe-36f99138.md",
    ]
    assert (
        result.stderr
        == "would write 2 meetings, 0 already imported; skipped 1 cancelled event; dry run, nothing written\n"
    )
    result = run_cli("import", "ics", path, "--today", "2024-03-31", "--since", "2024-03-10", "--me", "sam@me.example")
    assert (result.exit_code, result.stdout) == (0, "interactions/2024/2024-03-12-meeting-jane-doe-36f99138.md\n")


def test_events_read_by_worker_processes_give_the_same_meetings(
    make_vault: MakeVault, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_vault(CONTACTS)
    akl = event("akl", "DTSTART;TZID=Pacific/Auckland:20240316T083000", "Coffee", "ATTENDEE:mailto:kai@nz.example")
    path = ics_file(tmp_path, calendar(WEEKLY, akl, "NOT A LINE\n"))
    here = run(root, path, dry_run=True)
    monkeypatch.setattr(ics_module, "PARALLEL_THRESHOLD", 1)
    monkeypatch.setattr(parallel, "MIN_BATCH", 1)
    monkeypatch.setattr(os, "cpu_count", lambda: 2)
    there = run(root, path, dry_run=True)
    assert (there.written, there.skipped, there.rows) == (here.written, here.skipped, here.rows)
    assert len(here.written) == 4 and here.skipped == {"cancelled events": 1}


def test_a_series_whose_interval_never_moves_on_is_reported_not_expanded(make_vault: MakeVault, tmp_path: Path) -> None:
    root = make_vault(CONTACTS)
    text = calendar(
        event(
            "stuck",
            "DTSTART:20240101T090000",
            "Stuck",
            "RRULE:FREQ=DAILY;INTERVAL=0",
            "ATTENDEE:mailto:jane@example.com",
        )
    )
    summary = run(root, ics_file(tmp_path, text))
    line = text.splitlines().index("UID:stuck")
    assert summary.row_lines() == [f"skipped: line {line}: event not read (RRULE: an INTERVAL below 1 never moves on)"]


ICS_LINES = [
    "BEGIN:VCALENDAR", "END:VCALENDAR", "BEGIN:VEVENT", "END:VEVENT", "BEGIN:VALARM", "END:VALARM", "UID:x",
    "DTSTART:20240101T090000", "DTSTART;TZID=Nowhere/City:20240101T090000", "DTSTART;VALUE=DATE:20240230",
    "RRULE:FREQ=WEEKLY;COUNT=3", "RRULE:FREQ=MONTHLY;BYDAY=;COUNT=2", "EXDATE:20240108T090000",
    "RECURRENCE-ID:20240108T090000", "STATUS:CANCELLED", "SUMMARY:a\\, b", "ORGANIZER:mailto:sam@me.example",
    "ATTENDEE;PARTSTAT=DECLINED:mailto:sam@me.example", "ATTENDEE;CN=\"x:y\":MAILTO:Jane@Example.com", " folded",
]  # fmt: skip


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.sampled_from(ICS_LINES) | st.text(max_size=30), max_size=30))
def test_any_calendar_text_is_imported_or_refused_never_a_crash(
    make_vault: MakeVault, tmp_path: Path, lines: list[str]
) -> None:
    root = make_vault(CONTACTS)
    path = tmp_path / "fuzz.ics"
    path.write_text("\n".join(lines), encoding="utf-8", errors="surrogatepass")
    try:
        summary = run(root, path, dry_run=True)
    except ImportFileError:
        return
    assert all(line.startswith(("skipped: ", "not changed: ")) for line in summary.row_lines())
