"""The local engine: stage functions mapped over a process pool on this machine."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from typing import TypeVar

__all__ = ["SERIAL_BELOW", "default_jobs", "map_ordered"]

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more to start than it saves (measured: ~0.15 s to start).
SERIAL_BELOW = 200


def default_jobs() -> int:
    """One worker per core this process may use."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def map_ordered(
    func: Callable[[T], R],
    items: Sequence[T],
    *,
    jobs: int | None = None,
    chunksize: int | None = None,
) -> Iterator[R]:
    """Yield ``func(item)`` for each item, in order, using ``jobs`` worker processes.

    ``func`` must be a module-level function (it is pickled by reference). ``jobs=1`` runs in
    this process, which also keeps tracebacks and debuggers simple, and so do small inputs,
    unless ``chunksize`` is given (then each item is taken to be a batch of work already).
    """
    jobs = default_jobs() if jobs is None else max(1, jobs)
    if jobs == 1 or len(items) <= 1 or (chunksize is None and len(items) < SERIAL_BELOW):
        yield from map(func, items)
        return
    if chunksize is None:
        chunksize = max(1, min(256, len(items) // (jobs * 8)))
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        yield from pool.map(func, items, chunksize=chunksize)
