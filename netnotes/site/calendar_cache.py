"""The dashboard calendar's events as iCalendar text, kept between builds.

``followups.ics`` is made again whenever one of its events changes: after nearly every new note
(its contact's follow-up moves). icalendar takes about 0.1 ms an event, so at 10,000 contacts,
with some 9,000 events, that was a second of every such build. Each event's VEVENT lines
(``calendar.event_block``) are kept here, in the vault's ``.netnotes/cache/`` beside the render
cache (``cache_file``: read whole, grown in place), and a build writes only the events it has
not written before. An event is found by a MAC (keyed BLAKE2b under the user's secret, as the
render cache's keys are) of its values, the day the calendar is stamped with, and the code and
icalendar that write it, so a crafted file matches nothing and changed code finds nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable, Sequence
from pathlib import Path

from .. import versions
from ..calendar import Event, calendar_bytes, event_block
from .cache_file import CacheFile, Wording

FILE = "calendar-events.json"  # in the vault's .netnotes/cache/, beside the search words
WORDING = Wording(
    "the calendar cache",
    unread="building without it",
    corrupt="every event is written afresh",
    unsaved="the next build writes every event again",
)
Warn = Callable[[str], None]


class EventBlocks:
    """The events' VEVENT text by key, and the file it is kept in (None: none this build)."""

    def __init__(self, file: CacheFile | None, secret: bytes, blocks: dict[str, str]) -> None:
        self.file = file
        self.secret = secret[:64]
        self.blocks = blocks
        self.written = 0  # events written afresh by the last ``calendar`` (tests count them)

    @classmethod
    def open(cls, folder: Path | None, secret: bytes, warn: Warn) -> EventBlocks:
        """The events kept in ``folder`` (None, or no ``secret``: none, and none saved)."""
        if folder is None or not secret:
            return cls(None, b"", {})
        file, blocks = CacheFile.read(folder / FILE, WORDING, warn)
        return cls(file if file.usable else None, secret, blocks)

    def key(self, event: Event, today: dt.date) -> str:
        text = f"{_code_salt()}\0{today.isoformat()}\0{event!r}"
        return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), key=self.secret, digest_size=32).hexdigest()

    def calendar(self, title: str, today: dt.date, events: Sequence[Event], warn: Warn) -> bytes:
        """``calendar.calendar_bytes`` of ``events``, the events kept taken as they are; the
        file then keeps this calendar's events (and, as ``cache_file`` bounds it, a few more)."""
        if not self.secret:  # no cache this build: every event written
            self.written = len(events)
            return calendar_bytes(title, today, events)
        used: dict[str, str] = {}
        blocks: list[bytes] = []
        self.written = 0
        for event in events:
            key = self.key(event, today)
            text = self.blocks.get(key)
            if text is None:
                text = event_block(event, today).decode("utf-8")
                self.written += 1
            used[key] = text
            blocks.append(text.encode("utf-8"))
        self.blocks = used
        if self.file is not None:
            self.file.save(used, warn)
        return calendar_bytes(title, today, events, blocks)


@functools.cache
def _code_salt() -> str:
    """What an event's text depends on besides its values: the calendar module's code, and the
    versions of netnotes and icalendar."""
    try:
        code = hashlib.sha256(Path(event_block.__code__.co_filename).read_bytes()).hexdigest()
    except OSError:
        code = "?"
    return "\n".join([code, *versions("icalendar")])
