"""Typed access to a note's front-matter fields, turning every bad value into a problem.

A ``FieldReader`` wraps one note. Each accessor returns the typed value, or ``None`` when the
field is absent or its value is bad, in which case a problem pointing at the value is recorded.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Iterable
from typing import Any

from .dates import Birthday, DateError, Duration, parse_birthday, parse_date, parse_date_or_duration, parse_duration
from .notes import Field
from .problems import Problem, problem


def describe(value: Any) -> str:
    if value is None:
        return "nothing"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, dt.date):
        return "a date"
    return "text"


def as_text(value: Any) -> str | None:
    """Scalars read as text (a YAML number or date in a text field is what the user typed)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, dt.date):
        return value.isoformat()
    return None


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Optimal-string-alignment distance (a swap of two letters counts once), capped at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    prev2: list[int] = []
    prev = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        cur = [i] + [0] * len(b)
        for j, cb in enumerate(b, 1):
            cost = 0 if ca == cb else 1
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + cost)
            if i > 1 and j > 1 and ca == b[j - 2] and a[i - 2] == cb:
                cur[j] = min(cur[j], prev2[j - 2] + 1)
        prev2, prev = prev, cur
    return min(prev[-1], limit)


def near_miss(key: str, known: Iterable[str]) -> str | None:
    """The known key ``key`` is probably a typo of: the same but for case (``Name``), or within
    2 edits (1 for keys shorter than 6 letters); the closest, then the first alphabetically."""
    return _near_miss(key, tuple(known))


@functools.lru_cache(maxsize=4096)  # the same custom key in thousands of notes (an import's `source`)
def _near_miss(key: str, known: tuple[str, ...]) -> str | None:
    folded = key.casefold()
    allowed = 1 if len(folded) < 6 else 2
    close = []
    for candidate in known:
        d = edit_distance(folded, candidate)
        if d == 0 and folded != key:
            return candidate
        if 0 < d <= allowed:
            close.append((d, candidate))
    return min(close)[1] if close else None


class FieldReader:
    def __init__(self, path: str, fields: dict[str, Field], problems: list[Problem]) -> None:
        self.path = path
        self.fields = fields
        self.problems = problems

    def report(self, f: Field | tuple[int, int], code: str, message: str) -> None:
        line, column = (f.line, f.column) if isinstance(f, Field) else f
        self.problems.append(problem(self.path, line, column, code, message))

    def get(self, key: str) -> Field | None:
        f = self.fields.get(key)
        return None if f is None or f.value is None else f

    def text(self, key: str, required: bool = False) -> str | None:
        f = self.get(key)
        if f is None:
            if required:
                self.missing(key)
            return None
        value = as_text(f.value)
        if value is None:
            self.report(f, "NN109", f"'{key}' should be text, got {describe(f.value)}")
            return None
        value = value.strip()
        if not value and required:
            self.missing(key)
            return None
        return value or None

    def texts(self, key: str) -> tuple[str, ...]:
        """Text or a list of text (for `email`, `tags`, `aliases`...)."""
        f = self.get(key)
        if f is None:
            return ()
        items = f.value if isinstance(f.value, list) else [f.value]
        out: list[str] = []
        for i, item in enumerate(items):
            value = as_text(item)
            if value is None:
                where = f.items[i] if isinstance(f.value, list) and i < len(f.items) else f
                self.report(where, "NN109", f"'{key}' should be text or a list of text, got {describe(item)}")
                continue
            if value.strip():
                out.append(value.strip())
        return tuple(dict.fromkeys(out))

    def boolean(self, key: str) -> bool:
        f = self.get(key)
        if f is None:
            return False
        if not isinstance(f.value, bool):
            self.report(f, "NN109", f"'{key}' should be true or false, got {describe(f.value)}")
            return False
        return f.value

    def date(self, key: str, required: bool = False) -> dt.date | None:
        f = self.get(key)
        if f is None:
            if required:
                self.missing(key)
            return None
        try:
            return parse_date(f.value)
        except DateError as err:
            self.report(f, "NN110", f"'{key}': {err}")
            return None

    def duration(self, key: str) -> Duration | None:
        f = self.get(key)
        if f is None:
            return None
        try:
            return parse_duration(f.value)
        except DateError as err:
            self.report(f, "NN111", f"'{key}': {err}")
            return None

    def cadence(self, key: str, label: str | None = None) -> Duration | None:
        """A keep-in-touch cadence: a duration, where zero is kept but warned about (NN213)."""
        value = self.duration(key)
        if value is not None and value.count == 0 and not value.is_never:
            what = label or f"'{key}'"
            self.report(
                self.fields[key],
                "NN213",
                f"{what} is {value}: a cadence of zero makes a contact due again the moment"
                " a touch is logged; use a duration like 3w, or never",
            )
        return value

    def date_or_duration(self, key: str) -> dt.date | Duration | None:
        f = self.get(key)
        if f is None:
            return None
        try:
            return parse_date_or_duration(f.value)
        except DateError as err:
            code = "NN110" if isinstance(f.value, (dt.date, str)) and str(f.value)[:4].isdigit() else "NN111"
            self.report(f, code, f"'{key}': {err}")
            return None

    def birthday(self, key: str) -> Birthday | None:
        f = self.get(key)
        if f is None:
            return None
        try:
            return parse_birthday(f.value)
        except DateError as err:
            self.report(f, "NN110", f"'{key}': {err}")
            return None

    def choice(self, key: str, choices: Iterable[str], code: str, default: str | None = None) -> str | None:
        """A word from ``choices``; otherwise ``code`` (an error drops it, a warning keeps it)."""
        value = self.text(key)
        if value is None:
            return default
        allowed = tuple(choices)
        if value not in allowed:
            f = self.fields[key]
            hint = near_miss(value, allowed)
            tip = f" (did you mean '{hint}'?)" if hint else f"; use one of: {', '.join(allowed)}"
            self.report(f, code, f"unknown {key} '{value}'{tip}")
            return default if code.startswith("NN1") else value
        return value

    def missing(self, key: str) -> None:
        f = self.fields.get(key)
        where = (f.key_line, f.key_column) if f else (1, 1)
        what = "is empty" if f else "is missing"
        self.report(where, "NN108", f"required field '{key}' {what}")

    def custom(self, known: Iterable[str]) -> tuple[tuple[str, Any], ...]:
        """Keys outside ``known``: kept as custom fields; near-misses of a known key warned about."""
        known = tuple(known)
        out = []
        for key, f in self.fields.items():
            if key in known:
                continue
            hint = near_miss(key, known)
            if hint:
                self.report(
                    (f.key_line, f.key_column),
                    "NN201",
                    f"unknown key '{key}' (did you mean '{hint}'?); kept as a custom field",
                )
            out.append((key, f.value))
        return tuple(out)
