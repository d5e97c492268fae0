"""Canonical digests of what a template receives, so a build can tell which pages changed.

A page's HTML is a function of its render context (frozen model values, ``Markup``, dates,
enums, tuples, lists and dicts), the theme and the link tables. ``Digester`` turns such a value
into the SHA-256 of an unambiguous encoding: its pickle (protocol 5, by the C pickler, which
names every object's class, so ``Markup`` and ``str`` differ as they do to autoescaping), in
which each frozen dataclass stands as its class and the digest of its fields, in order. Two
values with one digest are equal. The pickle is only hashed, never loaded.

A dataclass is digested once per build however many pages show it (a contact on its tag and
company pages), by identity, with the object pinned so that its identity cannot be reused. It
stands in the values that hold it as the first 128 bits of its SHA-256 (``DATACLASS_HEX``), the
width at which ``site/depends.py`` keeps each note's state, so a note whose state a build already
knows (``Digester.known``: an unchanged note of a patched model) is not digested again.
The pickle is made in *fast mode*, without the pickle memo, so the bytes do not depend on which
equal strings happen to be shared (a vault loaded from the note cache shares strings that a
freshly parsed one does not). Only the types above may appear, with sets and frozensets (a
set's order may differ from one process to the next: then its page is rendered again, never
wrongly taken as unchanged): any other object, such as a function, makes the value
``Undigestible``, and its page is simply rendered every time.

Given ``inputs`` (a function from a dataclass to the names of the notes it was made from, as
``site/depends.py`` gives), a digest also says which notes its value holds: ``digest_inputs``
gathers the names of every dataclass in the value, nested ones too, kept with each
dataclass's digest so that a dataclass met again (by a later page) brings its names along.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import hashlib
import io
import operator
import pickle
from collections.abc import Callable
from typing import Any

from markupsafe import Markup


class Undigestible(Exception):
    """A value the digest cannot describe fully; the page that holds it is always rendered."""


class _Digested:
    """Stands, in a pickle, for a dataclass by its digest (it is never made)."""


Fields = Callable[[Any], tuple[Any, ...]]
Inputs = Callable[[object], tuple[str, ...]]
Name = str | bytes  # a name ``inputs`` gives, or one already hashed (``depends.hashed``)
NONE: frozenset[Name] = frozenset()
# id -> (the object, pinned so its id is not reused; its digest; the names gathered with it)
Memo = dict[int, tuple[object, str, frozenset[Name]]]
# types whose values pickle as exactly what they are: their class by name and their value
_PLAIN: dict[type, bool] = {
    Markup: True,
    dt.date: True,
    dt.datetime: True,
    dt.timezone: True,
    dt.timedelta: True,
    _Digested: True,
}
_FIELDS: dict[type, Fields | None] = {}
DATACLASS_HEX = 32  # hex digits of a dataclass's digest: 128 bits, as a note's state
Known = Callable[[object], tuple[str, frozenset[Name]] | None]  # a digest and its names


def _fields(kind: type) -> Fields | None:
    """The fields of a dataclass ``kind`` as a tuple, in order; None for any other type."""
    if kind in _FIELDS:
        return _FIELDS[kind]
    getter: Fields | None = None
    if dataclasses.is_dataclass(kind):
        names = tuple(f.name for f in dataclasses.fields(kind))
        several = operator.attrgetter(*names) if len(names) > 1 else None  # a tuple, made in C
        getter = several or (lambda value: tuple(getattr(value, name) for name in names))
    _FIELDS[kind] = getter
    return getter


def _plain(kind: type) -> bool:
    known = _PLAIN.get(kind)
    if known is None:
        known = _PLAIN[kind] = issubclass(kind, enum.Enum) or dataclasses.is_dataclass(kind)
    return known


class Digester:
    """Digests of values; one per build (its memo keeps the dataclasses it has seen alive)."""

    def __init__(self, inputs: Inputs | None = None, kept: Memo | None = None) -> None:
        # The digest a dataclass is already known to have, with the names digesting it would
        # gather (None: not known), asked before it is digested (``depends.known_states``)
        self.known: Known | None = None
        self._memo: Memo = {}
        self._kept: Memo = kept or {}  # from an earlier build; what this one meets is memoised again
        self._inputs = inputs
        self._gathered: list[set[Name]] = []  # the names gathered for each dataclass being digested
        # One pickler per level of nesting (a page's pickle asks for its dataclasses' digests
        # while it is being made), each reused: making a pickler costs more than most values.
        self._picklers: list[tuple[io.BytesIO, _Pickler]] = []
        self._depth = 0

    def digest(self, *values: object) -> str:
        """The hex SHA-256 of ``values``; raises ``Undigestible`` for a value of an unknown type."""
        return hashlib.sha256(self._pickled(values)).hexdigest()

    def digest_inputs(self, *values: object) -> tuple[str, frozenset[Name]]:
        """The digest of ``values`` and the names ``inputs`` gives for the dataclasses in them."""
        self._gathered.append(set())
        try:
            digest = self.digest(*values)
        finally:
            names = self._gathered.pop()
        return digest, frozenset(names)

    def _pickled(self, value: object) -> bytes:
        depth = self._depth
        if depth == len(self._picklers):
            buffer = io.BytesIO()
            self._picklers.append((buffer, _Pickler(buffer, self)))
        buffer, pickler = self._picklers[depth]
        self._depth = depth + 1
        try:
            pickler.dump(value)  # clears the pickler's own state first; fast mode has no memo
            return buffer.getvalue()
        except (pickle.PicklingError, TypeError, ValueError, RecursionError, AttributeError) as err:
            del self._picklers[depth:]  # made afresh: nothing of a failed pickle is carried on
            raise Undigestible(type(err).__name__) from None  # ValueError: a cycle, which fast mode refuses
        finally:
            self._depth = depth
            if depth < len(self._picklers):
                buffer.seek(0)
                buffer.truncate()

    def of(self, value: object) -> str:
        """The digest of the dataclass ``value`` alone (as it stands in a larger value's)."""
        fields = _fields(type(value))
        if fields is None:
            raise Undigestible(type(value).__qualname__)
        return self.dataclass(value, fields)

    def forget(self) -> None:
        """Let go of every value digested so far (the memo pins them); later digests are the
        same, only made again."""
        self._memo.clear()
        self._kept = {}

    def memo_of(self, kinds: tuple[type, ...]) -> Memo:
        """The digests of objects of exactly ``kinds`` met by this digester (with the objects,
        pinned; only those, so what a long-running process keeps never grows): what a
        later ``Digester`` may start from when those are frozen values of immutable fields,
        which the very same object cannot have changed (``netnotes serve`` keeps the model's)."""
        return {k: seen for k, seen in self._memo.items() if type(seen[0]) in kinds}

    def dataclass(self, value: object, fields: Fields) -> str:
        seen = self._memo.get(id(value))
        gathered = self._gathered
        if seen is not None and seen[0] is value:
            if gathered and seen[2]:
                gathered[-1].update(seen[2])
            return seen[1]
        seen = self._kept.get(id(value))
        if seen is not None and seen[0] is value:
            self._memo[id(value)] = seen
            if gathered and seen[2]:
                gathered[-1].update(seen[2])
            return seen[1]
        known = self.known(value) if self.known is not None else None
        if known is not None:
            digest, names = known[0], known[1] if self._inputs is not None else NONE
            if gathered and names:
                gathered[-1].update(names)
        elif self._inputs is None:
            names = NONE
            digest = self._own(value, fields)
        else:
            gathered.append(set(self._inputs(value)))
            try:
                digest = self._own(value, fields)
            finally:
                mine = gathered.pop()
            names = frozenset(mine) if mine else NONE
            if gathered and names:
                gathered[-1].update(names)
        self._memo[id(value)] = (value, digest, names)
        return digest

    def _own(self, value: object, fields: Fields) -> str:
        return hashlib.sha256(self._pickled((type(value), fields(value)))).hexdigest()[:DATACLASS_HEX]


class _Pickler(pickle.Pickler):
    """The C pickler asks this for every object that is not a str, bytes, int, float, bool,
    None, tuple, list, dict, set or frozenset of exactly that type."""

    def __init__(self, file: io.BytesIO, digester: Digester) -> None:
        super().__init__(file, protocol=5)
        self.fast = True  # no memo: equal values give equal bytes whatever they share
        self.digester = digester

    def reducer_override(self, obj: Any) -> Any:
        kind = type(obj)
        fields = _fields(kind)
        if fields is not None:
            return (_Digested, (self.digester.dataclass(obj, fields),))
        if kind is Markup:  # as its pickle would be, without the generic reduction
            return (Markup, (str(obj),))
        if isinstance(obj, type):  # a class, by its name: the class of a plain value
            kind = obj
        elif isinstance(obj, enum.Enum):  # as its pickle would be, without Enum's Python reduction
            return (kind, (obj._value_,))
        if not _plain(kind):
            raise Undigestible(f"{kind.__module__}.{kind.__qualname__}")
        return NotImplemented  # the usual pickle of a plain value
