"""The local engine's shared-memory runner: this process and forked helpers share the work."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from newsgraph.engines import local
from newsgraph.engines.local import run_shared

needs_fork = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


def _collect(items: list[int], func, workers: int = 2) -> dict[int, object]:  # type: ignore[no-untyped-def]
    got: dict[int, object] = {}

    def on_result(index: int, result: object) -> None:
        assert index not in got, f"item {index} reported twice"
        got[index] = result

    run_shared(items, func, on_result, workers=workers)
    return got


@needs_fork
def test_every_item_once_shared_between_this_process_and_a_helper() -> None:
    here = os.getpid()
    shared = [1, 2, 3]  # made before the fork: the helper reads it without pickling

    def work(item: int) -> tuple[int, int, int]:
        time.sleep(0.02)  # so that both processes get items
        return item * 10 + sum(shared), os.getpid(), item

    got = _collect(list(range(40)), work)
    assert sorted(got) == list(range(40))
    assert all(value == i * 10 + 6 and item == i for i, (value, _, item) in got.items())  # type: ignore[misc]
    pids = {pid for _, pid, _ in got.values()}  # type: ignore[misc]
    assert here in pids and len(pids) == 2, "this process and one helper both worked"


@needs_fork
def test_one_worker_runs_everything_here() -> None:
    got = _collect(list(range(5)), lambda item: os.getpid(), workers=1)
    assert set(got.values()) == {os.getpid()}


def _raise_value_error() -> None:
    raise ValueError("bad item")


def _raise_unpicklable() -> None:
    local = type("Local", (Exception,), {})  # a class no pickle can find by name
    raise local("cannot travel")


def _die() -> None:
    os._exit(3)  # as if killed for lack of memory


@needs_fork
@pytest.mark.parametrize(
    ("fail", "error", "match"),
    [
        (_raise_value_error, ValueError, "bad item"),  # raised here as it was raised there
        (_raise_unpicklable, RuntimeError, "Local: cannot travel"),  # its text, then
        (_die, RuntimeError, r"worker process died .* exit codes 3"),  # an error, not a hang
    ],
)
def test_a_helper_that_fails_makes_an_error_here(
    fail: Callable[[], None], error: type[BaseException], match: str
) -> None:
    here = os.getpid()

    def work(item: int) -> int:
        time.sleep(0.01)
        if os.getpid() != here:
            fail()
        return item

    with pytest.raises(error, match=match):
        _collect(list(range(50)), work)


@needs_fork
def test_an_error_here_stops_the_helpers() -> None:
    here = os.getpid()

    def work(item: int) -> int:
        if os.getpid() == here:
            raise KeyError("here")
        time.sleep(0.01)
        return item

    start = time.perf_counter()
    with pytest.raises(KeyError, match="here"):
        _collect(list(range(10_000)), work)
    assert time.perf_counter() - start < 30, "the helper was not left to do 10,000 items"


@needs_fork
def test_results_keep_flowing_while_this_process_is_busy() -> None:
    """Many large results from a helper while this process works on one long item: no deadlock
    on a full pipe."""
    here = os.getpid()

    def work(item: int) -> bytes:
        if os.getpid() == here and item == 0:
            time.sleep(1.0)
        return bytes(64 * 1024)

    got = _collect(list(range(200)), work)
    assert len(got) == 200


GIB = 1 << 30


@pytest.mark.parametrize(
    ("resident", "available", "wanted", "expected"),
    [
        (1 * GIB, 20 * GIB, 2, 2),  # plenty
        (1 * GIB, 20 * GIB, 64, 25),  # 0.9 * 20 / 0.75 = 24 helpers (and this process)
        (10 * GIB, 5 * GIB, 2, 1),  # a helper's copy would not fit: this process alone
        (4 * GIB, 7 * GIB, 8, 3),  # two helpers' copies fit (0.9 * 7 // 3 = 2)
    ],
)
def test_helpers_are_left_out_when_memory_is_short(
    monkeypatch: pytest.MonkeyPatch, resident: int, available: int, wanted: int, expected: int
) -> None:
    monkeypatch.setattr(local, "_memory", lambda: (resident, available))
    assert local.affordable_workers(wanted) == min(expected, wanted)


def test_without_proc_every_worker_wanted(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(local, "_memory", lambda: None)
    assert local.affordable_workers(5) == 5


def test_this_machine_reports_its_memory() -> None:
    memory = local._memory()
    if not Path("/proc/meminfo").exists():
        pytest.skip("no /proc")
    assert memory is not None and memory[0] > 0 and memory[1] > 0


def test_exports_written_here_alone_when_memory_is_short(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """No helper is forked then, and the files are the same."""
    from newsgraph import build
    from newsgraph.export import write_exports

    graph = build([Path(__file__).resolve().parents[1] / "seeds"]).graph
    roomy = write_exports(graph, tmp_path / "roomy", ["turtle", "json"], jobs=2)
    monkeypatch.setattr(local, "_memory", lambda: (10 * GIB, 1 * GIB))
    monkeypatch.setattr(local, "run_shared", lambda *a, **k: pytest.fail("a helper was forked"))
    tight = write_exports(graph, tmp_path / "tight", ["turtle", "json"], jobs=2)
    for name, path in roomy.items():
        assert path.read_bytes() == tight[name].read_bytes()
