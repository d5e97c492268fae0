"""Spreading work over the machine's cores when there is enough of it to be worth it.

One policy for every fan-out (reading notes, rendering bodies, rendering pages): below a
caller's threshold, or with one core, the work runs here; above it, the items go to one
worker process per core in batches of at least ``MIN_BATCH``, about ``BATCHES_PER_JOB`` per
worker so that uneven items even out. What the workers all need (``shared``) goes to each
once, not with every batch; forked workers inherit it without pickling. Workers leave Ctrl-C to
the main process, which stops the work and cancels what is still queued.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Sequence
from itertools import repeat
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
