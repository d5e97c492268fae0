"""A value made the first time it is asked for, then kept.

A build where nothing changed compares keys and never needs the model a snapshot holds, nor
what the pages were made of: at 100,000 notes, unpickling and decoding those were most of the
time such a build took. So they are made on first use (``snapshot.Snapshot.vault``,
``site.manifest.Manifest.inputs``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

T = TypeVar("T")


class Later(Generic[T]):
    """``make()``, called the first time ``get`` is (and only then), kept from then on."""

    __slots__ = ("_make", "_value")

    def __init__(self, make: Callable[[], T]) -> None:
        self._make: Callable[[], T] | None = make
        self._value: T | None = None

    @classmethod
    def now(cls, value: T) -> Later[T]:
        """A value already made."""
        later = cls(lambda: value)
        later.get()
        return later

    @property
    def made(self) -> bool:
        """Whether ``get`` would return at once."""
        return self._make is None

    def get(self) -> T:
        if self._make is not None:
            self._value = self._make()
            self._make = None  # and what it held (a file's bytes) goes with it
        return self._value  # type: ignore[return-value]  # made: None only when T admits it
