"""The date algebra under the follow-up rules: durations, month-end clamping, birthdays.

Contract: docs section 2 ("Durations", "Dates") and section 3 (`birthday`).
"""

from __future__ import annotations

import calendar
import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from netnotes.dates import (
    NEVER,
    Birthday,
    DateError,
    Duration,
    add_duration,
    add_months,
    format_duration,
    parse_birthday,
    parse_date,
    parse_date_or_duration,
    parse_duration,
)

D = dt.date


# --- parsing durations -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10d", Duration(10, "d")),
        ("2w", Duration(2, "w")),
        ("3m", Duration(3, "m")),
        ("1y", Duration(1, "y")),
        ("  14d ", Duration(14, "d")),
        ("6M", Duration(6, "m")),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)
def test_parse_duration_number_and_unit(text: str, expected: Duration) -> None:
    assert parse_duration(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("weekly", Duration(1, "w")),
        ("biweekly", Duration(2, "w")),
        ("monthly", Duration(1, "m")),
        ("quarterly", Duration(3, "m")),
        ("yearly", Duration(1, "y")),
        ("Monthly", Duration(1, "m")),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_parse_duration_words(word: str, expected: Duration) -> None:
    assert parse_duration(word) == expected


@pytest.mark.parametrize("word", ["never", "none", "Never", " none "])
def test_never_and_none_mean_no_cadence(word: str) -> None:
    duration = parse_duration(word)
    assert duration == NEVER
    assert duration.is_never
    assert str(duration) == "never"


def test_yaml_false_reads_as_never() -> None:
    # YAML 1.1 reads a bare `no` or `off` as false.
    assert parse_duration(False) == NEVER


@pytest.mark.parametrize(
    "bad",
    ["2mo", "-1d", "0.5m", "", "   ", "m", "3", "3x", "1 month", "10000d", "d3", "2w3d"],
    ids=repr,
)
def test_parse_duration_rejects(bad: str) -> None:
    with pytest.raises(DateError) as err:
        parse_duration(bad)
    assert "duration" in str(err.value)


@pytest.mark.parametrize("bad", [3, 0.5, True, None, ["2w"]], ids=repr)
def test_parse_duration_rejects_non_text(bad: object) -> None:
    with pytest.raises(DateError):
        parse_duration(bad)


def test_never_cannot_be_added() -> None:
    with pytest.raises(ValueError):
        add_duration(D(2026, 1, 1), NEVER)


# --- adding durations: month-end clamping --------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "duration", "expected"),
    [
        (D(2025, 1, 31), "1m", D(2025, 2, 28)),
        (D(2024, 1, 31), "1m", D(2024, 2, 29)),
        (D(2025, 8, 31), "1m", D(2025, 9, 30)),
        (D(2024, 2, 29), "1y", D(2025, 2, 28)),
        (D(2024, 2, 29), "4y", D(2028, 2, 29)),
        (D(2025, 3, 31), "1m", D(2025, 4, 30)),
        (D(2025, 11, 30), "3m", D(2026, 2, 28)),
        (D(2025, 12, 15), "1m", D(2026, 1, 15)),
        (D(2025, 1, 31), "13m", D(2026, 2, 28)),
        (D(2025, 1, 1), "10d", D(2025, 1, 11)),
        (D(2025, 12, 25), "2w", D(2026, 1, 8)),
        (D(2024, 2, 28), "1d", D(2024, 2, 29)),
        (D(2026, 3, 10), "0d", D(2026, 3, 10)),
        (D(2026, 3, 10), "quarterly", D(2026, 6, 10)),
    ],
    ids=lambda v: v.isoformat() if isinstance(v, D) else v,
)
def test_add_duration(start: dt.date, duration: str, expected: dt.date) -> None:
    assert add_duration(start, parse_duration(duration)) == expected


def test_month_clamp_does_not_carry_over() -> None:
    # Jan 31 + 1m + 1m is Mar 28 (the clamp is sticky), but Jan 31 + 2m is Mar 31.
    once = add_duration(D(2025, 1, 31), Duration(1, "m"))
    assert add_duration(once, Duration(1, "m")) == D(2025, 3, 28)
    assert add_duration(D(2025, 1, 31), Duration(2, "m")) == D(2025, 3, 31)


def test_adding_saturates_at_the_end_of_the_calendar() -> None:
    assert add_duration(D(9999, 12, 1), Duration(9999, "y")) == dt.date.max
    assert add_duration(D(9999, 12, 1), Duration(9999, "d")) == dt.date.max
    assert add_duration(D(9999, 12, 1), Duration(9999, "w")) == dt.date.max


# --- parsing dates -------------------------------------------------------------------------------


def test_parse_date_accepts_dates_and_quoted_strings() -> None:
    assert parse_date(D(2026, 11, 2)) == D(2026, 11, 2)
    assert parse_date("2026-11-02") == D(2026, 11, 2)
    assert parse_date(" 2026-11-02 ") == D(2026, 11, 2)
    assert parse_date(dt.datetime(2026, 11, 2, 9, 30)) == D(2026, 11, 2)


@pytest.mark.parametrize(
    ("bad", "why"),
    [
        ("2026-02-30", "February 2026 has 28 days"),
        ("2025-02-29", "February 2025 has 28 days"),
        ("2026-04-31", "April 2026 has 30 days"),
        ("2026-13-01", "month must be 01 to 12"),
        ("2026-00-10", "month must be 01 to 12"),
    ],
    ids=lambda v: v if v.startswith("20") else None,
)
def test_impossible_dates_are_errors_not_crashes(bad: str, why: str) -> None:
    with pytest.raises(DateError) as err:
        parse_date(bad)
    assert "impossible date" in str(err.value)
    assert why in str(err.value)


@pytest.mark.parametrize(
    "bad", ["", "tomorrow", "2026/11/02", "02-11-2026", "2026-1-2", 20261102, None, True], ids=repr
)
def test_parse_date_rejects_non_dates(bad: object) -> None:
    with pytest.raises(DateError) as err:
        parse_date(bad)
    assert "YYYY-MM-DD" in str(err.value)


def test_leap_day_is_a_date_in_leap_years_only() -> None:
    assert parse_date("2024-02-29") == D(2024, 2, 29)
    assert parse_date("2000-02-29") == D(2000, 2, 29)
    with pytest.raises(DateError):
        parse_date("1900-02-29")


def test_follow_up_is_a_date_or_a_duration() -> None:
    assert parse_date_or_duration("2026-04-01") == D(2026, 4, 1)
    assert parse_date_or_duration(D(2026, 4, 1)) == D(2026, 4, 1)
    assert parse_date_or_duration("2w") == Duration(2, "w")
    assert parse_date_or_duration("monthly") == Duration(1, "m")
    with pytest.raises(DateError):
        parse_date_or_duration("never")
    with pytest.raises(DateError):
        parse_date_or_duration("2026-02-30")
    with pytest.raises(DateError):
        parse_date_or_duration("soon")


# --- birthdays -----------------------------------------------------------------------------------


def test_birthday_with_year() -> None:
    birthday = parse_birthday("1990-05-17")
    assert birthday == Birthday(5, 17, 1990)
    assert str(birthday) == "1990-05-17"
    assert parse_birthday(D(1990, 5, 17)) == birthday  # YAML already read it as a date


def test_birthday_without_year() -> None:
    birthday = parse_birthday("--05-17")
    assert birthday == Birthday(5, 17, None)
    assert str(birthday) == "--05-17"


@pytest.mark.parametrize(
    "bad", ["--02-30", "--13-01", "--00-10", "--04-31", "2023-02-29", "--5-17", "05-17", "1990"], ids=repr
)
def test_impossible_birthdays(bad: str) -> None:
    with pytest.raises(DateError) as err:
        parse_birthday(bad)
    assert "birthday" in str(err.value) or "--MM-DD" in str(err.value)


def test_yearless_leap_day_birthday_is_possible() -> None:
    assert parse_birthday("--02-29") == Birthday(2, 29)


@pytest.mark.parametrize("text", ["--02-29", "2000-02-29"])
def test_leap_day_birthday_on_28_february_in_common_years(text: str) -> None:
    birthday = parse_birthday(text)
    assert birthday.on_year(2025) == D(2025, 2, 28)
    assert birthday.on_year(2100) == D(2100, 2, 28)
    assert birthday.on_year(2024) == D(2024, 2, 29)
    assert birthday.on_year(2000) == D(2000, 2, 29)


@pytest.mark.parametrize(
    ("birthday", "today", "expected"),
    [
        (Birthday(5, 17, 1990), D(2026, 3, 10), D(2026, 5, 17)),
        (Birthday(5, 17, 1990), D(2026, 5, 17), D(2026, 5, 17)),  # today counts
        (Birthday(5, 17, 1990), D(2026, 5, 18), D(2027, 5, 17)),
        (Birthday(1, 1), D(2026, 12, 31), D(2027, 1, 1)),
        (Birthday(2, 29), D(2025, 2, 1), D(2025, 2, 28)),
        (Birthday(2, 29), D(2025, 2, 28), D(2025, 2, 28)),
        (Birthday(2, 29), D(2025, 3, 1), D(2026, 2, 28)),
        (Birthday(2, 29), D(2027, 3, 1), D(2028, 2, 29)),
        (Birthday(2, 29), D(2024, 2, 29), D(2024, 2, 29)),
        (Birthday(2, 29), D(2024, 2, 28), D(2024, 2, 29)),
    ],
    ids=lambda v: str(v) if isinstance(v, (Birthday, D)) else None,
)
def test_next_birthday_on_or_after(birthday: Birthday, today: dt.date, expected: dt.date) -> None:
    assert birthday.next_on_or_after(today) == expected


# --- properties ----------------------------------------------------------------------------------

dates = st.dates(min_value=D(1900, 1, 1), max_value=D(2200, 12, 31))
month_counts = st.integers(min_value=0, max_value=9999)
durations = st.one_of(
    st.builds(Duration, st.integers(min_value=0, max_value=9999), st.sampled_from(["d", "w", "m", "y"])),
    st.just(NEVER),
)


@given(start=dates, n=month_counts)
def test_adding_months_never_skips_a_month(start: dt.date, n: int) -> None:
    result = add_duration(start, Duration(n, "m"))
    assert result.month == (start.month - 1 + n) % 12 + 1
    assert result.year == start.year + (start.month - 1 + n) // 12


@given(start=dates, n=month_counts)
def test_adding_months_gives_a_valid_day_no_later_than_the_start_day(start: dt.date, n: int) -> None:
    result = add_months(start, n)
    assert isinstance(result, dt.date)
    assert 1 <= result.day <= calendar.monthrange(result.year, result.month)[1]
    assert result.day <= start.day
    # Clamped only when the target month is too short.
    assert result.day == min(start.day, calendar.monthrange(result.year, result.month)[1])


@given(a=dates, b=dates, n=month_counts)
def test_adding_months_is_monotonic_in_the_date(a: dt.date, b: dt.date, n: int) -> None:
    a, b = min(a, b), max(a, b)
    assert add_months(a, n) <= add_months(b, n)


@given(start=dates, n=month_counts, m=month_counts)
def test_adding_months_is_monotonic_in_the_count(start: dt.date, n: int, m: int) -> None:
    n, m = min(n, m), max(n, m)
    assert add_months(start, n) <= add_months(start, m)


@given(start=dates, n=st.integers(min_value=0, max_value=800))
def test_a_year_is_twelve_months(start: dt.date, n: int) -> None:
    assert add_duration(start, Duration(n, "y")) == add_duration(start, Duration(12 * n, "m"))


@given(duration=durations)
def test_parse_of_format_is_identity(duration: Duration) -> None:
    assert parse_duration(format_duration(duration)) == duration
    assert parse_duration(str(duration)) == duration


@given(start=dates, n=st.integers(min_value=0, max_value=9999))
def test_adding_weeks_is_adding_seven_days(start: dt.date, n: int) -> None:
    assert add_duration(start, Duration(n, "w")) == add_duration(start, Duration(7 * n, "d"))
    assert add_duration(start, Duration(n, "w")) == start + dt.timedelta(days=7 * n)


@given(start=dates, n=st.integers(min_value=0, max_value=9999))
def test_adding_days_is_timedelta(start: dt.date, n: int) -> None:
    assert add_duration(start, Duration(n, "d")) == start + dt.timedelta(days=n)


@given(day=st.dates(min_value=D(1, 1, 1), max_value=D(9999, 12, 31)))
def test_parse_date_of_isoformat_is_identity(day: dt.date) -> None:
    assert parse_date(day.isoformat()) == day


@given(
    month=st.integers(1, 12), day=st.integers(1, 31), year=st.one_of(st.none(), st.integers(1900, 2100)), today=dates
)
def test_next_birthday_is_the_first_occurrence_on_or_after_today(
    month: int, day: int, year: int | None, today: dt.date
) -> None:
    if day > calendar.monthrange(2000, month)[1]:
        with pytest.raises(DateError):
            parse_birthday(f"--{month:02d}-{day:02d}")
        return
    birthday = parse_birthday(f"--{month:02d}-{day:02d}")
    birthday = Birthday(birthday.month, birthday.day, year)
    nxt = birthday.next_on_or_after(today)
    assert today <= nxt < D(today.year + 2, 1, 1)
    assert nxt.month == month
    # The day moves only for 29 February in a common year.
    assert nxt.day == day or (month, day, nxt.day) == (2, 29, 28) and not calendar.isleap(nxt.year)
    # Nothing earlier qualifies: the occurrence a year before is before today.
    assert birthday.on_year(nxt.year - 1) < today
