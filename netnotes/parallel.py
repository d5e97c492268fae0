"""Spreading work over the machine's cores when there is enough of it to be worth it.

One policy for every fan-out (reading notes, rendering bodies, rendering pages): below a
caller's threshold, or with one core, the work runs here; above it, the items go to one
worker process per core in batches of at least ``MIN_BATCH``, about ``BATCHES_PER_JOB`` per
worker so that uneven items even out. What the workers all need (``shared``) goes to each
once, not with every batch; forked workers inherit it without pickling. Workers leave Ctrl-C to
the main process, which stops the work and cancels what is still queued.

``Aside`` is the other shape of the same idea: one piece of work whose answer is a few bytes
next to what it costs (a ``stat`` of every note file), run by a forked child on the second core
while this process does something else that it needs anyway (unpickling the model).
"""

from __future__ import annotations

import contextlib
import mmap
import os
import signal
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
    """``work()`` run by a forked child process while this one goes on; ``result()`` is the
    bytes it returned (at most ``size``), or None when it failed. They come back through memory
    the two processes share (an anonymous shared map made before the fork), not a pipe, so the
    child never waits on its parent to read. Used as a context manager, which reaps the child
    (killed if it is still at work: the caller was interrupted)."""

    __slots__ = ("_memory", "_pid")

    def __init__(self, pid: int, memory: mmap.mmap) -> None:
        self._pid: int | None = pid
        self._memory = memory

    @classmethod
    def start(cls, work: Callable[[], bytes], size: int, jobs: int | None = None) -> Aside | None:
        """The child at work; None where it would not help or cannot be: one core (or ``jobs``
        of 1), another thread in this process (a fork copies only the calling thread, with
        whatever locks the others held), or no fork at all."""
        count = jobs if jobs is not None else (os.cpu_count() or 1)
        if count <= 1 or not _can_fork():
            return None
        memory = mmap.mmap(-1, size + _LENGTH)  # shared and anonymous: the child writes, we read
        try:
            pid = os.fork()
        except OSError:
            memory.close()
            return None
        if pid == 0:  # the child: never returns into the caller's code, whatever happens
            code = 1
            try:
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
                data = work()
                if len(data) <= size:
                    memory[_LENGTH : _LENGTH + len(data)] = data
                    memory[:_LENGTH] = len(data).to_bytes(_LENGTH, "little")
                    code = 0
            finally:
                os._exit(code)  # no clean-up of the parent's: its files, buffers and atexit are its own
        return cls(pid, memory)

    def result(self) -> bytes | None:
        """What ``work()`` returned, once the child is done; None when it failed or was killed."""
        if self._pid is None:
            return None
        _, status = os.waitpid(self._pid, 0)
        self._pid = None
        if not os.WIFEXITED(status) or os.WEXITSTATUS(status) != 0:
            return None
        length = int.from_bytes(self._memory[:_LENGTH], "little")
        return self._memory[_LENGTH : _LENGTH + length]

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
        self._memory.close()


_LENGTH = 8  # bytes before the answer in the shared map: its length
