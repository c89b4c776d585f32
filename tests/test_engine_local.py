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
    """No helper is forked then, nor started afresh when even that does not fit, and the files
    are the same."""
    from newsgraph import build
    from newsgraph.export import write_exports

    graph = build([Path(__file__).resolve().parents[1] / "seeds"]).graph
    roomy = write_exports(graph, tmp_path / "roomy", ["turtle", "json"], jobs=2)
    monkeypatch.setattr(local, "_memory", lambda: (10 * GIB, GIB // 4))
    monkeypatch.setattr(local, "run_shared", lambda *a, **k: pytest.fail("a helper was forked"))
    monkeypatch.setattr(local, "FreshHelper", lambda *a, **k: pytest.fail("a helper was started"))
    tight = write_exports(graph, tmp_path / "tight", ["turtle", "json"], jobs=2)
    for name, path in roomy.items():
        assert path.read_bytes() == tight[name].read_bytes()


@pytest.mark.parametrize(
    ("available", "wanted", "expected"),
    [(20 * GIB, 3, 3), (GIB, 3, 1), (GIB // 4, 2, 0)],  # 0.9 GiB holds one of 0.5 GiB
)
def test_fresh_helpers_need_their_own_memory(
    monkeypatch: pytest.MonkeyPatch, available: int, wanted: int, expected: int
) -> None:
    monkeypatch.setattr(local, "_memory", lambda: (10 * GIB, available))
    assert local.affordable_fresh(wanted) == expected


class _Counted(local.FreshHelper):
    started = 0

    def __init__(self, target: str) -> None:
        super().__init__(target)
        type(self).started += 1


@needs_fork
@pytest.mark.parametrize("formats", [None, ["ntriples", "json"], ["void"], ["gexf", "turtle"]])
def test_short_of_memory_shards_go_to_fresh_helpers(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, formats: list[str] | None
) -> None:
    """A graph too big to fork helpers from: the RDF, GraphML and GEXF shards are written by a
    helper started afresh (fed each shard's nodes) and by this process, the rest here; the same
    bytes."""
    from newsgraph import build
    from newsgraph.export import rdf, write_exports

    graph = build([Path(__file__).resolve().parents[1] / "seeds"]).graph
    monkeypatch.setattr(rdf, "SHARD_NODES", 1)  # a shard a node: many shards, both write some
    alone = write_exports(graph, tmp_path / "alone", formats, jobs=1)
    monkeypatch.setattr(local, "_memory", lambda: (10 * GIB, 4 * GIB))
    monkeypatch.setattr(local, "run_shared", lambda *a, **k: pytest.fail("a helper was forked"))
    monkeypatch.setattr(local, "FreshHelper", _Counted)
    _Counted.started = 0
    fresh = write_exports(graph, tmp_path / "fresh", formats, jobs=2)
    assert _Counted.started == 1
    assert alone.keys() == fresh.keys()
    for name, path in alone.items():
        assert path.read_bytes() == fresh[name].read_bytes(), name
    left = {p.name for p in (tmp_path / "fresh").iterdir()} - {".newsgraph-cache"}
    assert sorted(left) == sorted(p.name for p in fresh.values()), "part files left behind"


@needs_fork
def test_a_shard_failing_in_a_fresh_helper_fails_the_export(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    import networkx as nx

    from newsgraph.export import rdf, write_exports

    graph = nx.MultiDiGraph(base_iri="https://example.org/id/")
    graph.add_node("zzz:odd", kind="unknown-kind")  # first: the helper's first shard, likely
    for n in range(6):
        graph.add_node(f"topic:t{n}", kind="topic", label=f"t{n}", labels=[f"t{n}"])
    monkeypatch.setattr(rdf, "SHARD_NODES", 1)
    monkeypatch.setattr(local, "_memory", lambda: (10 * GIB, 4 * GIB))
    with pytest.raises(KeyError, match="unknown-kind"):
        write_exports(graph, tmp_path, ["turtle", "json"], jobs=2)
    assert not any(p.name.startswith(".rdf-parts-") for p in tmp_path.iterdir())


def test_a_fresh_helper_that_dies_is_reported() -> None:
    helper = local.FreshHelper("os:_exit")
    helper.send(3)
    with pytest.raises(RuntimeError, match=r"ended unexpectedly \(exit code 3\)"):
        helper.receive()
    helper.close()


def test_a_fresh_helper_does_not_run_the_callers_script_again(tmp_path: Path) -> None:
    """What ``multiprocessing``'s spawned workers do, which fails in a script without a
    ``__main__`` guard: a fresh helper only imports its target."""
    import subprocess
    import sys

    script = tmp_path / "script.py"
    script.write_text(
        "from newsgraph.engines.local import FreshHelper\n"
        "print('script ran')\n"
        "helper = FreshHelper('operator:mul')\n"
        "helper.send(6, 7)\n"
        "print(helper.receive())\n"
        "helper.close()\n"
    )
    done = subprocess.run(
        [sys.executable, script], capture_output=True, text=True, timeout=60, check=True
    )
    assert done.stdout.split() == ["script", "ran", "42"]


@needs_fork
def test_big_graphs_go_to_fresh_helpers_with_memory_to_spare(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """From FRESH_FROM_NODES nodes on (faster and a gigabyte smaller at 100k files), even where
    forked helpers would fit."""
    from newsgraph import build, export
    from newsgraph.export import write_exports

    graph = build([Path(__file__).resolve().parents[1] / "seeds"]).graph
    monkeypatch.setattr(local, "_memory", lambda: (GIB, 20 * GIB))
    monkeypatch.setattr(local, "FreshHelper", _Counted)
    _Counted.started = 0
    write_exports(graph, tmp_path / "small", ["turtle", "gexf"], jobs=2)
    assert _Counted.started == 0  # forked, as before
    monkeypatch.setattr(export, "FRESH_FROM_NODES", len(graph))
    monkeypatch.setattr(local, "run_shared", lambda *a, **k: pytest.fail("a helper was forked"))
    write_exports(graph, tmp_path / "big", ["turtle", "gexf"], jobs=2)
    assert _Counted.started == 1


def test_no_fresh_helpers_without_an_interpreter_to_start(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setattr(sys, "executable", "")  # an embedded Python
    assert local.affordable_fresh(2) == 0
