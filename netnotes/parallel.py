"""Spreading work over the machine's cores when there is enough of it to be worth it.

One policy for every fan-out (reading notes, rendering bodies, rendering pages): below a
caller's threshold, or with one core, the work runs here; above it, the items go to one
worker process per core in batches of at least ``MIN_BATCH``, about ``BATCHES_PER_JOB`` per
worker so that uneven items even out. What the workers all need (``shared``) goes to each
once, not with every batch; forked workers inherit it without pickling. Workers leave Ctrl-C to
the main process, which stops the work and cancels what is still queued.

``Aside`` is the other shape of the same idea: one piece of work whose answer is a few bytes
next to what it costs (a ``stat`` of every note file), run by a small script in a fresh
interpreter on the second core while this process does something else that it needs anyway
(unpickling the model).
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
from collections.abc import Callable, Sequence
from itertools import repeat
from types import TracebackType
from typing import Any, TypeVar

Item = TypeVar("Item")
Shared = TypeVar("Shared")
Result = TypeVar("Result")

MIN_BATCH = 200  # items; fewer and sending a batch costs more than working on it
BATCHES_PER_JOB = 8


def parallel_map(
    work: Callable[[Shared, list[Item]], list[Result]],
    items: Sequence[Item],
    shared: Shared,
    *,
    threshold: int,
    jobs: int | None = None,
    fork: bool = False,
) -> list[Result]:
    """``work(shared, batch)`` over batches of ``items``, the results in the items' order.

    ``work`` must be a module-level function (workers find it by name). ``threshold`` is how
    many items make starting workers pay; ``jobs`` the number of processes (None: one per
    core). ``fork`` makes the workers forks of this process, so ``shared`` may be what cannot
    or should not be pickled; it is only safe in a process with no other thread (`netnotes
    serve` has several), so there, or where the system cannot fork, the work runs here.
    """
    count = jobs if jobs is not None else (os.cpu_count() or 1)
    if count <= 1 or len(items) < threshold or (fork and not _can_fork()):
        return work(shared, list(items))
    # Imported here: most runs stay below every threshold and need no pool (start-up time).
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    size = max(MIN_BATCH, len(items) // (count * BATCHES_PER_JOB))
    batches = [list(items[i : i + size]) for i in range(0, len(items), size)]
    context = multiprocessing.get_context("fork") if fork else None
    with ProcessPoolExecutor(
        max_workers=count, mp_context=context, initializer=_start_worker, initargs=(shared,)
    ) as pool:
        try:
            return [result for batch in pool.map(_run, repeat(work), batches) for result in batch]
        except BaseException:
            pool.shutdown(wait=True, cancel_futures=True)
            raise


def _can_fork() -> bool:
    import multiprocessing

    return threading.active_count() == 1 and "fork" in multiprocessing.get_all_start_methods()


_shared: Any = None  # in a worker process: what parallel_map's caller gave every batch


def _start_worker(shared: object) -> None:
    global _shared
    _shared = shared
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle


def _run(work: Callable[[Any, list[Any]], list[Any]], batch: list[Any]) -> list[Any]:
    return work(_shared, batch)


class Aside:
    """A small self-contained Python script run by a fresh interpreter (``python -I -S``: no
    site, no user paths, nothing of netnotes) on another core while this process goes on: it
    reads ``given`` on its standard input, and what it writes on its standard output is
    ``result()``, or None when it failed. Spawned, not forked: after a fork every page of this
    process's memory that it then writes is copied or faulted in again (about 0.15 s in a
    build after one edit at 100,000 notes, where the whole aside saved 0.3 s), and a spawned
    interpreter starts in about 7 ms. Used as a context manager, which reaps the child (killed
    if the caller gave up on it)."""

    __slots__ = ("_answer", "_pid")

    def __init__(self, pid: int, answer: int) -> None:
        self._pid: int | None = pid
        self._answer = answer  # the read end of the child's standard output

    @classmethod
    def start(cls, script: str, given: bytes, jobs: int | None = None) -> Aside | None:
        """The child at work; None where it would not help or cannot be: one core (or ``jobs``
        of 1), no interpreter to start (none, or a frozen application), or the system would
        not start one."""
        count = jobs if jobs is not None else (os.cpu_count() or 1)
        if count <= 1 or not sys.executable or getattr(sys, "frozen", False) or not hasattr(os, "posix_spawn"):
            return None  # a frozen application's executable is the application, not Python
        ask, asked = os.pipe()
        answer, answered = os.pipe()
        actions = [
            (os.POSIX_SPAWN_DUP2, ask, 0),
            (os.POSIX_SPAWN_DUP2, answered, 1),
            (os.POSIX_SPAWN_OPEN, 2, os.devnull, os.O_WRONLY, 0),  # a failure is a None, not a traceback
        ]
        try:
            pid = os.posix_spawn(
                sys.executable, [sys.executable, "-I", "-S", "-c", script], os.environ, file_actions=actions
            )
        except OSError:
            for fd in (ask, asked, answer, answered):
                os.close(fd)
            return None
        os.close(ask)
        os.close(answered)
        aside = cls(pid, answer)
        try:
            with open(asked, "wb") as told:
                told.write(given)
        except BrokenPipeError:  # the child is gone already: its result says so
            pass
        except BaseException:
            aside.__exit__(None, None, None)
            raise
        return aside

    def result(self) -> bytes | None:
        """What the script wrote, once it is done; None when it failed or was killed."""
        if self._pid is None:
            return None
        with open(self._answer, "rb", closefd=False) as answer:
            found = answer.read()
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        return found if os.waitstatus_to_exitcode(status) == 0 else None

    def __enter__(self) -> Aside:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        if self._pid is not None:  # not asked for its result: the caller gave up on it
            with contextlib.suppress(OSError):  # already reaped (someone's waitpid(-1))
                os.kill(self._pid, signal.SIGKILL)
                os.waitpid(self._pid, 0)
            self._pid = None
        with contextlib.suppress(OSError):
            os.close(self._answer)
