"""Dates, durations and birthdays: the small calendar algebra the follow-up rules stand on.

Pure functions only. Month and year steps clamp to the end of the month (Jan 31 + 1m = Feb 28,
or Feb 29 in a leap year), as ``dateutil.relativedelta`` does; written here because it is a
dozen lines and the rest of dateutil is not needed.
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from dataclasses import dataclass

UNITS = ("d", "w", "m", "y")
WORDS: dict[str, tuple[int, str]] = {
    "daily": (1, "d"),
    "weekly": (1, "w"),
    "biweekly": (2, "w"),
    "fortnightly": (2, "w"),
    "monthly": (1, "m"),
    "quarterly": (3, "m"),
    "yearly": (1, "y"),
    "annually": (1, "y"),
}
NEVER_WORDS = ("never", "none")
MAX_COUNT = 9999

_DURATION_RE = re.compile(r"^\s*(\d{1,4})\s*([dwmy])\s*$", re.IGNORECASE)
_DATE_RE = re.compile(
    r"^(\d{4})-(\d{2})-(\d{2})"
    r"(?:[Tt ]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?\s*(?:[Zz]|[+-]\d{1,2}(?::?\d{2})?)?)?$"  # an optional time
)
_YEARLESS_RE = re.compile(r"^--(\d{2})-(\d{2})$")


@dataclass(frozen=True, slots=True)
class Duration:
    """``count`` steps of ``unit`` (d, w, m, y); unit ``never`` means no cadence at all."""

    count: int
    unit: str

    @property
    def is_never(self) -> bool:
        return self.unit == "never"

    def __str__(self) -> str:
        return "never" if self.is_never else f"{self.count}{self.unit}"


NEVER = Duration(0, "never")


def local_today() -> dt.date:
    """Today's local date; one place, so that tests can pretend another day."""
    return dt.date.today()


class DateError(ValueError):
    """A value that is not a valid date or duration; its message tells the user how to fix it."""


def parse_duration(value: object, *, allow_never: bool = True) -> Duration:
    """``10d``, ``2w``, ``3m``, ``1y``, ``weekly``..., ``never``/``none`` (unless ``allow_never``
    is false, where a span is needed: then the error suggests only spans)."""
    if isinstance(value, Duration):
        return value
    if isinstance(value, bool) or not isinstance(value, str):
        if value is False and allow_never:  # YAML reads a bare `no`/`off` as false
            return NEVER
        raise DateError(f"expected a duration like 2w, 3m or monthly, got {_show(value)}")
    text = value.strip().lower()
    if text in NEVER_WORDS:
        if not allow_never:
            raise DateError(f"{_show(value)} is not allowed here: use a duration like 14d or 1m")
        return NEVER
    if text in WORDS:
        return Duration(*WORDS[text])
    match = _DURATION_RE.match(text)
    if not match:
        words = "weekly, biweekly, monthly, quarterly, yearly" + (", never" if allow_never else "")
        raise DateError(
            f"invalid duration {_show(value)}: use <N>d, <N>w, <N>m or <N>y (like 10d, 2w, 3m, 1y), or {words}"
        )
    return Duration(int(match.group(1)), match.group(2).lower())


def format_duration(duration: Duration) -> str:
    return str(duration)


def add_months(day: dt.date, months: int) -> dt.date:
    """``day`` moved by whole calendar months, clamped to the end of the target month."""
    year, month0 = divmod(day.month - 1 + months, 12)
    year += day.year
    if year < dt.MINYEAR:
        return dt.date.min
    if year > dt.MAXYEAR:
        return dt.date.max
    last = calendar.monthrange(year, month0 + 1)[1]
    return dt.date(year, month0 + 1, min(day.day, last))


def add_duration(day: dt.date, duration: Duration) -> dt.date:
    """``day`` + ``duration``; saturates at the calendar's ends instead of overflowing."""
    if duration.is_never:
        raise ValueError("cannot add a 'never' duration")
    try:
        if duration.unit == "d":
            return day + dt.timedelta(days=duration.count)
        if duration.unit == "w":
            return day + dt.timedelta(weeks=duration.count)
    except OverflowError:
        return dt.date.max
    months = duration.count * (12 if duration.unit == "y" else 1)
    return add_months(day, months)


def days_before(day: dt.date, days: int) -> dt.date:
    """``day`` moved back ``days`` days; saturates at the calendar's first day."""
    return dt.date.fromordinal(max(1, day.toordinal() - days))


def parse_date(value: object) -> dt.date:
    """A ``YYYY-MM-DD`` date from YAML (already a date) or from a string (quoted in YAML)."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        match = _DATE_RE.match(value.strip())
        if match:
            year, month, day = (int(g) for g in match.groups())
            try:
                return dt.date(year, month, day)
            except ValueError:
                raise DateError(f"impossible date {_show(value)}: {_why_impossible(year, month, day)}") from None
    raise DateError(f"expected a date as YYYY-MM-DD, got {_show(value)}")


def parse_date_or_duration(value: object) -> dt.date | Duration:
    """A follow-up: a date, or a duration counted from the note's own date."""
    if isinstance(value, (dt.date, Duration)):
        return parse_date(value) if isinstance(value, dt.date) else value
    if isinstance(value, str) and _DATE_RE.match(value.strip()):
        return parse_date(value)
    try:
        duration = parse_duration(value)
    except DateError:
        raise DateError(f"expected a date (YYYY-MM-DD) or a duration (like 2w), got {_show(value)}") from None
    if duration.is_never:
        raise DateError("a follow-up cannot be 'never'; remove the field instead")
    return duration


def _why_impossible(year: int, month: int, day: int) -> str:
    if not 1 <= month <= 12:
        return "the month must be 01 to 12"
    if year < 1:
        return "the year must be 0001 or later"
    last = calendar.monthrange(year, month)[1]
    return f"{calendar.month_name[month]} {year} has {last} days"


@dataclass(frozen=True, slots=True)
class Birthday:
    month: int
    day: int
    year: int | None = None

    def __str__(self) -> str:
        if self.year is None:
            return f"--{self.month:02d}-{self.day:02d}"
        return f"{self.year:04d}-{self.month:02d}-{self.day:02d}"

    def on_year(self, year: int) -> dt.date:
        """This birthday in ``year``; 29 February falls on 28 February in common years."""
        last = calendar.monthrange(year, self.month)[1]
        return dt.date(year, self.month, min(self.day, last))

    def next_on_or_after(self, today: dt.date) -> dt.date:
        this_year = self.on_year(today.year)
        if this_year >= today or today.year == dt.MAXYEAR:
            return this_year
        return self.on_year(today.year + 1)


def parse_birthday(value: object) -> Birthday:
    """``YYYY-MM-DD`` or ``--MM-DD`` when the year is unknown."""
    if isinstance(value, str):
        match = _YEARLESS_RE.match(value.strip())
        if match:
            month, day = int(match.group(1)), int(match.group(2))
            if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2000, month)[1]:
                raise DateError(f"impossible birthday {_show(value)}: no such day in the calendar")
            return Birthday(month, day)
    try:
        born = parse_date(value)
    except DateError as err:
        raise DateError(f"{err}; a birthday is YYYY-MM-DD, or --MM-DD when the year is unknown") from None
    return Birthday(born.month, born.day, born.year)


def _show(value: object) -> str:
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 60 else text[:57] + "..."
