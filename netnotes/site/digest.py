"""Canonical digests of what a template receives, so a build can tell which pages changed.

A page's HTML is a function of its render context (frozen model values, ``Markup``, dates,
lists and dicts), the theme and the link tables. ``Digester`` turns such a value into a
SHA-256 digest of an unambiguous encoding: every value is tagged with its type (``Markup``
and ``str`` differ, as they do to autoescaping), strings carry their length, dicts keep their
order (templates iterate them in order) and sets are sorted. A frozen dataclass is digested
once per build however many pages show it (a contact on its tag and company pages), by
identity, with the object pinned so that its identity cannot be reused. A value of any other
type cannot be digested (``Undigestible``): its page is simply rendered every time.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
from collections.abc import Callable
from typing import Any

from markupsafe import Markup


class Undigestible(Exception):
    """A value the digest cannot describe fully; the page that holds it is always rendered."""


Encoder = Callable[["Digester", Any, list[str]], None]


class Digester:
    """Digests of values; one per build (its memo keeps the values it has seen alive)."""

    def __init__(self) -> None:
        self._memo: dict[int, tuple[object, str]] = {}

    def digest(self, *values: object) -> str:
        """The hex SHA-256 of ``values``; raises ``Undigestible`` for a value of an unknown type."""
        out: list[str] = []
        for value in values:
            self._encode(value, out)
        return hashlib.sha256("".join(out).encode("utf-8", "surrogatepass")).hexdigest()

    def _encode(self, value: object, out: list[str]) -> None:
        kind = type(value)
        encoder = _ENCODERS.get(kind)
        if encoder is not None:
            encoder(self, value, out)
        elif dataclasses.is_dataclass(kind):
            out.append(self._dataclass(value))
        elif isinstance(value, enum.Enum):
            out.append(f"e{kind.__module__}.{kind.__qualname__}:")
            self._encode(value.value, out)
        else:
            raise Undigestible(f"{kind.__module__}.{kind.__qualname__}")

    def _dataclass(self, value: Any) -> str:
        seen = self._memo.get(id(value))
        if seen is not None and seen[0] is value:
            return seen[1]
        kind = type(value)
        out = [f"<{kind.__module__}.{kind.__qualname__}"]
        for name in _field_names(kind):
            field = getattr(value, name)
            if type(field) is str:  # most fields: inline, as a call each costs more than the rest
                out.append(f"|{name}=s{len(field)}:")
                out.append(field)
            elif field is None:
                out.append(f"|{name}=N")
            else:
                out.append(f"|{name}=")
                self._encode(field, out)
        encoded = f"<{hashlib.sha256(''.join(out).encode('utf-8', 'surrogatepass')).hexdigest()}>"
        self._memo[id(value)] = (value, encoded)
        return encoded


_FIELDS: dict[type, tuple[str, ...]] = {}


def _field_names(kind: type) -> tuple[str, ...]:
    names = _FIELDS.get(kind)
    if names is None:
        names = _FIELDS[kind] = tuple(f.name for f in dataclasses.fields(kind))
    return names


def _text(tag: str) -> Encoder:
    def encode(digester: Digester, value: str, out: list[str]) -> None:
        out.append(f"{tag}{len(value)}:")
        out.append(value)

    return encode


def _scalar(tag: str) -> Encoder:
    def encode(digester: Digester, value: object, out: list[str]) -> None:
        out.append(f"{tag}{value!r};")

    return encode


def _sequence(tag: str) -> Encoder:
    def encode(digester: Digester, value: tuple[Any, ...] | list[Any], out: list[str]) -> None:
        out.append(f"{tag}{len(value)}:")
        for item in value:
            digester._encode(item, out)

    return encode


def _mapping(digester: Digester, value: dict[Any, Any], out: list[str]) -> None:
    out.append(f"{{{len(value)}:")
    for k, v in value.items():
        digester._encode(k, out)
        digester._encode(v, out)


def _set(digester: Digester, value: set[Any] | frozenset[Any], out: list[str]) -> None:
    items = []
    for item in value:
        encoded: list[str] = []
        digester._encode(item, encoded)
        items.append("".join(encoded))
    out.append(f"S{len(items)}:")
    out.extend(sorted(items))


def _date(tag: str) -> Encoder:
    def encode(digester: Digester, value: dt.date, out: list[str]) -> None:
        out.append(f"{tag}{value.isoformat()};")

    return encode


def _bytes(digester: Digester, value: bytes, out: list[str]) -> None:
    out.append(f"y{hashlib.sha256(value).hexdigest()}")


def _none(digester: Digester, value: None, out: list[str]) -> None:
    out.append("N")


_ENCODERS: dict[type, Encoder] = {
    str: _text("s"),
    Markup: _text("m"),  # shown as it is, where a str is escaped: never the same value
    bool: _scalar("b"),
    int: _scalar("i"),
    float: _scalar("f"),
    bytes: _bytes,
    type(None): _none,
    tuple: _sequence("("),
    list: _sequence("["),
    dict: _mapping,
    set: _set,
    frozenset: _set,
    dt.date: _date("d"),
    dt.datetime: _date("D"),  # isoformat carries the offset of an aware time
}
