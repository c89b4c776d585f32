"""The local engine: stage functions mapped over a process pool on this machine."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import IO, Any, TypeVar, cast

__all__ = [
    "FRESH_HELPER",
    "HELPER_COPY",
    "SERIAL_BELOW",
    "FreshHelper",
    "affordable_fresh",
    "affordable_workers",
    "default_jobs",
    "gc_paused",
    "map_ordered",
    "run_shared",
    "serve_requests",
]

T = TypeVar("T")
R = TypeVar("R")

# Below this many items a pool costs more to start than it saves (measured: ~0.15 s to start).
SERIAL_BELOW = 200


@contextmanager
def gc_paused() -> Iterator[None]:
    """Run the block with Python's cyclic garbage collector off (and back on after, if it was on).

    Loading and building make millions of small objects, none of them in reference cycles, and
    the collector, triggered by the count of new objects, walks all the live ones again and again:
    on the 10,000-file corpus it took 40% of loading and 60% of building (4.8 s -> 3.1 s and
    3.3 s -> 1.4 s without it), and more the larger the corpus. Memory is still freed by
    reference counting; only cycles wait until the block ends.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


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


# What a forked helper copies of this process's memory when it walks all of a graph (its writes to
# reference counts copy the pages): measured 0.70 at 100k articles (1.26 GiB against 1.80 GiB).
HELPER_COPY = 0.75


def affordable_workers(wanted: int, *, copy: float = HELPER_COPY) -> int:
    """How many of ``wanted`` processes (this one and forked helpers) fit in the memory left.

    Each helper may come to hold ``copy`` times this process's resident memory; helpers are
    dropped until they fit in 90% of the memory the kernel says is available (``MemAvailable``),
    down to this process alone, so that a big graph is written more slowly rather than killed
    for want of memory. Where ``/proc`` cannot tell (not Linux), ``wanted``.
    """
    memory = _memory()
    if memory is None:
        return wanted
    resident, available = memory
    helpers = int(0.9 * available // max(1.0, copy * resident))
    return max(1, min(wanted, 1 + helpers))


# What a helper started afresh (sharing nothing with this process) takes to write a shard of the
# exports from its payload: the interpreter with newsgraph, about 0.1 GiB, and a shard.
FRESH_HELPER = 512 * 2**20


def affordable_fresh(wanted: int, *, need: int = FRESH_HELPER) -> int:
    """How many of ``wanted`` helpers started afresh, ``need`` bytes each, fit in 90% of the
    memory available (0 when none does); ``wanted`` where ``/proc`` cannot tell."""
    import sys

    if not sys.executable:  # (an embedded interpreter: nothing to start)
        return 0
    memory = _memory()
    if memory is None:
        return wanted
    return max(0, min(wanted, int(0.9 * memory[1] // need)))


def _memory() -> tuple[int, int] | None:
    """This process's resident memory and the memory available, in bytes (``None``: unknown)."""
    try:
        resident = int(Path("/proc/self/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        available = next(
            int(line.split()[1]) * 1024
            for line in Path("/proc/meminfo").read_text().splitlines()
            if line.startswith("MemAvailable:")
        )
    except (OSError, ValueError, IndexError, StopIteration):
        return None
    return resident, available


def run_shared(
    items: Sequence[T],
    func: Callable[[T], R],
    on_result: Callable[[int, R], None],
    *,
    workers: int,
) -> None:
    """Run ``func`` over ``items`` in this process and ``workers - 1`` forked helper processes.

    The helpers are forked, so they share this process's memory (a graph is neither pickled nor
    copied, except the pages a helper writes to) and ``func`` may be any callable. Every process
    takes the next item from a shared counter, so items listed longest first balance well.
    ``on_result(index, result)`` is called here for every item, in the order they finish, between
    this process's own items; only the helpers' results are pickled.

    This process works too, rather than waiting on ``workers`` helpers: the helpers' copies of the
    pages they touch are what forked workers cost in memory (at 100k articles, about 1.2 GiB
    each against 1.8 GiB for the graph itself), and this saves one copy for the same speed.

    The first error, here or in a helper, stops handing out items and is raised here once the
    helpers are stopped; a helper that dies raises :class:`RuntimeError`. Needs ``os.fork``.
    """
    import multiprocessing
    import queue
    import threading
    from multiprocessing.connection import Connection, wait

    context = multiprocessing.get_context("fork")
    counter = context.Value("q", 0)
    results: queue.SimpleQueue[tuple[int, object]] = queue.SimpleQueue()
    helpers: list[multiprocessing.process.BaseProcess] = []
    finished = 0
    helpers_done = False

    def take() -> int:
        with counter.get_lock():
            index = int(counter.value)
            counter.value = index + 1
        return index

    def handle(index: int, result: object) -> None:
        nonlocal finished
        if index < 0:  # a helper's error
            raise result if isinstance(result, BaseException) else RuntimeError(str(result))
        finished += 1
        on_result(index, result)  # type: ignore[arg-type]

    def drain(block: bool) -> None:
        """Handle the helpers' results that came in; with ``block``, all of them."""
        nonlocal helpers_done
        while not helpers_done and (block or not results.empty()):
            index, result = results.get()
            if index == len(items):
                helpers_done = True
            else:
                handle(index, result)

    def receive(conns: list[Connection]) -> None:
        # A thread, so that helpers never wait on a full pipe while this process is busy.
        while conns:
            for ready in wait(conns):
                conn = cast("Connection", ready)
                try:
                    results.put(conn.recv())
                except EOFError:  # the helper is done (or died: counted below)
                    conns.remove(conn)
        results.put((len(items), None))  # all helpers done

    def helper(send: Connection) -> None:
        try:
            while (index := take()) < len(items):
                send.send((index, func(items[index])))
        except BaseException as exc:  # handed to the parent, which raises it
            try:
                send.send((-1, exc))
            except Exception:  # not picklable: its text, then
                send.send((-1, f"{type(exc).__name__}: {exc}"))
        finally:
            send.close()

    conns = []
    receiver = None
    try:
        for _ in range(workers - 1):
            receiving, sending = context.Pipe(duplex=False)
            forked = context.Process(target=helper, args=(sending,), daemon=True)
            forked.start()
            sending.close()  # the helper holds the only writing end: EOF when it exits
            helpers.append(forked)
            conns.append(receiving)
        receiver = threading.Thread(target=receive, args=(list(conns),), daemon=True)
        receiver.start()
        while (index := take()) < len(items):
            handle(index, func(items[index]))
            drain(block=False)
        drain(block=True)
        for process in helpers:
            process.join()
        if finished != len(items):
            codes = ", ".join(str(p.exitcode) for p in helpers)
            raise RuntimeError(
                f"a worker process died ({len(items) - finished} of {len(items)} items not "
                f"done; exit codes {codes}): out of memory?"
            )
    except BaseException:
        with counter.get_lock():
            counter.value = len(items)  # nothing more to take
        for process in helpers:
            if process.is_alive():
                process.terminate()
        for process in helpers:
            process.join()
        raise
    finally:
        if receiver is not None:
            receiver.join()  # (the helpers are gone: their pipes are at their ends)
        for conn in conns:
            conn.close()


# The program of a FreshHelper process: the parent's import path first (so that it imports the
# same newsgraph), then serve_requests(target).
_FRESH_CODE = (
    "import pickle, sys; sys.path[:] = pickle.load(sys.stdin.buffer); "
    "from newsgraph.engines.local import serve_requests; serve_requests(sys.argv[1])"
)


class FreshHelper:
    """A Python process started afresh, which shares no memory with this one, calling ``target``
    (``"module:function"``) on each request :meth:`send` pipes to it, in order.

    For a process whose memory is too big to fork helpers from (a forked helper copies every page
    it touches): what a fresh helper needs is pickled to it, and its results pickled back. Unlike
    ``multiprocessing``'s spawned workers, it does not run the caller's main script again, so a
    script without an ``if __name__ == "__main__":`` guard works too.

    Example:
        >>> helper = FreshHelper("operator:add")
        >>> helper.send(2, 3)
        >>> helper.receive()
        5
        >>> helper.close()
    """

    def __init__(self, target: str) -> None:
        import subprocess
        import sys

        self.target = target
        self._process = subprocess.Popen(
            [sys.executable, "-c", _FRESH_CODE, target],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        self._requests = cast(IO[bytes], self._process.stdin)
        self._replies = cast(IO[bytes], self._process.stdout)
        self._write(list(sys.path))

    def _write(self, value: object) -> None:
        import pickle

        try:
            pickle.dump(value, self._requests, protocol=pickle.HIGHEST_PROTOCOL)
            self._requests.flush()
        except (BrokenPipeError, ValueError):  # it is gone (or closed): receive() tells why
            raise RuntimeError(self._died()) from None

    def send(self, *args: Any, **kwargs: Any) -> None:
        """Ask for ``target(*args, **kwargs)``; blocks while the helper is busy with earlier
        requests and the pipe is full, which bounds what waits in memory."""
        self._write((args, kwargs))

    def receive(self) -> Any:
        """The result of the oldest request not yet received; raises what it raised."""
        import pickle

        try:
            ok, value = pickle.load(self._replies)
        except (EOFError, pickle.UnpicklingError, ValueError):
            raise RuntimeError(self._died()) from None
        if not ok:
            raise value
        return value

    def _died(self) -> str:
        import subprocess

        try:
            code: int | None = self._process.wait(timeout=5)  # its pipe closes as it exits
        except subprocess.TimeoutExpired:
            code = None
        return (
            f"a helper process ({self.target}) ended unexpectedly (exit code {code}): "
            "out of memory?"
        )

    def close(self) -> None:
        """Let the helper finish what it was sent and exit; wait for it."""
        if self._requests and not self._requests.closed:
            with suppress(BrokenPipeError):
                self._requests.close()
        self._process.wait()
        self._replies.close()

    def kill(self) -> None:
        """Stop the helper now."""
        self._process.kill()
        self.close()


def serve_requests(target: str) -> None:
    """The loop of a :class:`FreshHelper` process: each pickled request read from standard input
    is answered on standard output; whatever else is printed goes to standard error. Ctrl-C is
    left to the parent, which stops its helpers."""
    import importlib
    import pickle
    import signal
    import sys

    signal.signal(signal.SIGINT, signal.SIG_IGN)
    replies = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    module, _, name = target.partition(":")
    func = getattr(importlib.import_module(module), name)
    requests = sys.stdin.buffer
    while True:
        try:
            args, kwargs = pickle.load(requests)
        except EOFError:
            return
        try:
            reply = pickle.dumps((True, func(*args, **kwargs)), protocol=pickle.HIGHEST_PROTOCOL)
        except Exception as exc:
            try:
                reply = pickle.dumps((False, exc), protocol=pickle.HIGHEST_PROTOCOL)
            except Exception:  # not picklable: its text, then
                reply = pickle.dumps((False, RuntimeError(f"{type(exc).__name__}: {exc}")))
        replies.write(reply)
        replies.flush()
