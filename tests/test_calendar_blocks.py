"""The follow-up calendar assembled from its events' VEVENT blocks, each written on its own
(``calendar.event_block``, which the dashboard keeps between builds), is byte for byte the file
icalendar writes for the whole calendar at once; and a build keeps the blocks it wrote."""

from __future__ import annotations

import datetime as dt
import tempfile
from pathlib import Path

from conftest import MakeVault
from hypothesis import given, settings
from hypothesis import strategies as st
from site_html import build

from netnotes.calendar import Event, calendar_bytes, calendar_component, event_block, event_component
from netnotes.site.calendar_cache import FILE, EventBlocks


def whole(title: str, today: dt.date, events: list[Event]) -> bytes:
    """The calendar as icalendar writes it in one piece, its events added as components."""
    cal = calendar_component(title)
    for event in events:
        cal.add_component(event_component(event, today))
    return cal.to_ical()


TEXT = st.text(st.characters(exclude_categories=["Cs"]), max_size=120)
EVENTS = st.lists(
    st.tuples(
        st.text("0123456789abcdef", min_size=1, max_size=24).map(lambda s: f"{s}@netnotes"),
        st.dates(dt.date(1900, 1, 1), dt.date(2100, 12, 31)),
        TEXT,
        st.none() | TEXT,
        st.sampled_from(["follow-up", "ask", "thank-you", "congratulate", "birthday"]),
        st.sampled_from([None, "yearly", "yearly-feb-29"]),
    ),
    max_size=6,
)


@settings(max_examples=60, deadline=None)
@given(title=TEXT, today=st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31)), events=EVENTS)
def test_a_calendar_of_blocks_is_the_calendar_written_whole(title: str, today: dt.date, events: list[Event]) -> None:
    expected = whole(title, today, events)
    assert calendar_bytes(title, today, events) == expected
    assert calendar_bytes(title, today, events, [event_block(e, today) for e in events]) == expected
    with tempfile.TemporaryDirectory() as folder:  # kept as text in the cache file, and read back
        EventBlocks.open(Path(folder), b"k" * 32, _unheard).calendar(title, today, events, _unheard)
        again = EventBlocks.open(Path(folder), b"k" * 32, _unheard)
        assert again.calendar(title, today, events, _unheard) == expected and again.written == 0


def _unheard(_: str) -> None:
    raise AssertionError("no warning expected")


def test_the_blocks_kept_make_the_same_calendar_and_only_new_events_are_written(tmp_path: Path) -> None:
    today = dt.date(2026, 11, 25)
    events: list[Event] = [
        ("a@netnotes", dt.date(2026, 12, 1), "Follow up: Zoë Ølsen, again; soon", "send the paper", "follow-up", None),
        ("b@netnotes", dt.date(1990, 2, 28), "Birthday: Sam Lee", None, "birthday", "yearly-feb-29"),
    ]
    blocks = EventBlocks.open(tmp_path, b"k" * 32, lambda w: None)
    assert blocks.calendar("Net", today, events, lambda w: None) == whole("Net", today, events)
    assert blocks.written == 2 and (tmp_path / FILE).is_file()
    later = EventBlocks.open(tmp_path, b"k" * 32, lambda w: None)  # the next build
    thanks: Event = ("c@netnotes", dt.date(2026, 12, 3), "Thank Ana", "for the intro", "thank-you", None)
    moved: list[Event] = [events[0], thanks]
    assert later.calendar("Net", today, moved, lambda w: None) == whole("Net", today, moved)
    assert later.written == 1  # the new event only
    stranger = EventBlocks.open(tmp_path, b"x" * 32, lambda w: None)  # another user's key finds nothing
    stranger.calendar("Net", today, moved, lambda w: None)
    assert stranger.written == 2


def test_a_forged_block_is_never_found(tmp_path: Path) -> None:
    """Blocks are found by a MAC of their event under the user's secret: text put in the file
    under any other key is never used."""
    today = dt.date(2026, 11, 25)
    events: list[Event] = [("a@netnotes", dt.date(2026, 12, 1), "Follow up: Ana", None, "follow-up", None)]
    (tmp_path / FILE).write_text('{"forged": "BEGIN:VEVENT\\r\\nSUMMARY:pwned\\r\\nEND:VEVENT\\r\\n"}')
    blocks = EventBlocks.open(tmp_path, b"k" * 32, lambda w: None)
    assert blocks.calendar("Net", today, events, lambda w: None) == whole("Net", today, events)


def test_a_build_keeps_the_calendar_events_it_wrote(make_vault: MakeVault) -> None:
    vault = make_vault(
        {
            "contacts/ana-ruiz.md": "---\nname: Ana Ruiz\nbirthday: 1990-12-01\n---\n",
            "interactions/2026-11-01-coffee.md": "---\ndate: 2026-11-01\nwith: ana-ruiz\nfollow_up: 2w\n---\n",
        }
    )
    out, _ = build(vault)
    assert (vault / ".netnotes" / "cache" / FILE).is_file()
    assert b"SUMMARY:Birthday: Ana Ruiz" in (out / "followups.ics").read_bytes()
