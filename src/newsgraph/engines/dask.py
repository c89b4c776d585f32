"""The Dask engine: the local engine's stage functions on a dask.distributed cluster.

``newsgraph build --engine dask [--scheduler ADDRESS] [--workers N]`` runs here:

1. **Load and identify on the workers.** Files are found on the client, cut into batches and
   :func:`newsgraph.load.load_batch` (the stage function the local engine maps over its process
   pool) is mapped over the batches with ``client.map``. Each task returns its results as
   JSON bytes (msgspec) that stay on its worker until the client gathers them, batch by batch, and
   decodes them in file order (:func:`newsgraph.load.decode_batch`). Only these compact bytes
   cross the network: shipping the parsed records back made a 2-worker cluster slower than one
   process (issue 6).
2. **Build on the client**, with :func:`newsgraph.build_graph` and
   :func:`newsgraph.pipeline.make_report` as the local engine does, so the graph and the report
   are the same. The client's memory bounds the corpus size.
3. **Write.** The node and edge rows (attributes as JSON, the text ``graph.json`` has) are cut
   into node ranges and scattered to the workers, which write one N-Triples shard a range in
   parallel (``graph-00000.nt``, ...; the dataset's own triples in the first); together the
   shards hold exactly the triples of the local engine's ``graph.nt``, in the same order. The
   client meanwhile writes ``nodes.parquet`` and ``edges.parquet``
   (:mod:`newsgraph.export.tables`) and the summary counts the example SPARQL queries read
   (``graph.summary.ttl``, the local engine's bytes), then ``report.json``.

Everything is written to a staging folder inside the output folder and moved into place when
complete, as the local engine does. Inputs and outputs must be on a filesystem that the client
and every worker see at the same path; the engine checks that before loading.
"""

from __future__ import annotations

import glob as globlib
import json
import math
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgraph.errors import ExportError, InputError, NewsgraphError
from newsgraph.model import DEFAULT_GLOBS
from newsgraph.pipeline import place_outputs
from newsgraph.vocab import DEFAULT_BASE_IRI

if TYPE_CHECKING:
    import networkx as nx
    from distributed import Client

    from newsgraph.export.tables import EdgeRow, NodeRow
    from newsgraph.load import Loaded
    from newsgraph.pipeline import BuildResult

__all__ = [
    "BATCH",
    "DEFAULT_WORKERS",
    "SHARD_NODES",
    "build",
    "connect",
    "require",
    "run_build",
    "shard_name",
    "write_shard",
]

DEFAULT_WORKERS = 2
"""Workers of the local cluster started when no scheduler address is given."""

BATCH = 128
"""Files a task loads: large enough to amortise the scheduling, small enough to balance."""

SHARD_NODES = 50_000
"""Nodes per N-Triples shard, at most (there are at least as many shards as worker threads)."""

CONNECT_TIMEOUT = 30
"""Seconds to wait for the scheduler to answer, and for at least one worker to join it."""

_SHARD_GLOB = "graph-[0-9][0-9][0-9][0-9][0-9].nt"
# What earlier builds in the output folder may have left that readers would take instead of, or
# together with, this build's outputs: graph.json (the analysis reads it first), graph.nt and
# old shards (SPARQL reads every *.nt), graph.void.ttl (it describes another build).
_SUPERSEDED = ("graph.json", "graph.nt", "graph.void.ttl")


def shard_name(number: int) -> str:
    """The file name of N-Triples shard ``number``: ``graph-00000.nt``, ``graph-00001.nt``..."""
    return f"graph-{number:05d}.nt"


@contextmanager
def connect(scheduler: str | None = None, workers: int | None = None) -> Iterator[Client]:
    """A dask.distributed client: of the scheduler at ``scheduler``, else of a local cluster.

    Args:
        scheduler: A scheduler address (``tcp://host:8786``); ``None`` starts a ``LocalCluster``
            of ``workers`` processes with one thread each, closed on exit.
        workers: Workers of the local cluster (default :data:`DEFAULT_WORKERS`).

    Raises:
        NewsgraphError: The scheduler does not answer, or no worker joins it.
    """
    from distributed import Client, LocalCluster

    if scheduler is None:
        try:
            # a dashboard (when bokeh is installed) on any free port: 8787 may be taken
            cluster = LocalCluster(
                n_workers=workers or DEFAULT_WORKERS,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
            )
        except (OSError, RuntimeError, TimeoutError) as exc:
            raise NewsgraphError(f"cannot start a local Dask cluster ({exc})") from exc
        with cluster, Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT)
    except (OSError, TimeoutError, ValueError) as exc:
        raise NewsgraphError(
            f"cannot reach the Dask scheduler at {scheduler} ({exc}); start one with "
            "`dask scheduler` and pass the address it prints, or leave out --scheduler to "
            "use a local cluster"
        ) from None
    with client:
        try:
            client.wait_for_workers(1, timeout=CONNECT_TIMEOUT)
        except TimeoutError:
            raise NewsgraphError(
                f"no worker joined the Dask scheduler at {scheduler} in {CONNECT_TIMEOUT} s; "
                f"start some with `dask worker {scheduler}`"
            ) from None
        yield client


def require() -> None:
    """Check that the dask extra is installed.

    Raises:
        NewsgraphError: dask, distributed or pyarrow is missing; the message says what to install.
    """
    import importlib.util

    missing = [n for n in ("dask", "distributed", "pyarrow") if importlib.util.find_spec(n) is None]
    if missing:
        raise NewsgraphError(
            f"the dask engine needs {', '.join(missing)}; install them with "
            "`pip install 'newsgraph[dask]'`"
        )


def _missing(paths: Sequence[str]) -> list[str]:
    """Those of ``paths`` that this process cannot see (run on every worker)."""
    return [path for path in paths if not Path(path).exists()]


def _check_shared(client: Client, paths: Sequence[str]) -> None:
    missing = {w: m for w, m in client.run(_missing, list(paths)).items() if m}
    if missing:
        worker, paths_missing = sorted(missing.items())[0]
        raise InputError(
            f"{len(missing)} Dask worker(s) cannot see {', '.join(paths_missing)} (e.g. worker "
            f"{worker}); inputs and outputs must be on a filesystem that the client and every "
            "worker see at the same path"
        )


def _load(
    client: Client, files: Sequence[str], progress: Callable[[int], None] | None
) -> list[Loaded]:
    """``load_batch`` mapped over batches of ``files`` on the workers; results in file order."""
    from distributed import as_completed

    from newsgraph.load import decode_batch, load_batch, name_files

    named = name_files(files)  # here, as the local engine names them, not in the workers
    batches = [named[i : i + BATCH] for i in range(0, len(named), BATCH)]
    # The results stay on the workers as futures until gathered: compact JSON bytes.
    futures = client.map(load_batch, batches, pure=False)
    numbers = {future.key: number for number, future in enumerate(futures)}
    arrived: dict[int, bytes] = {}
    results: list[Loaded] = []
    following = 0
    for future, data in _completed(as_completed(futures, with_results=True)):
        number = numbers[future.key]
        arrived[number] = data
        future.release()
        if progress is not None:
            progress(len(batches[number]))
        while following in arrived:  # decode in file order, as soon as the order allows
            results.extend(decode_batch(arrived.pop(following)))
            following += 1
    return results


def _completed(futures: Iterable[Any]) -> Iterator[Any]:
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    try:
        yield from futures
    except (KilledWorker, CancelledError) as exc:
        raise NewsgraphError(
            f"a Dask worker died while loading ({exc}); see the worker's log (out of memory?)"
        ) from None


def _assembled(results: list[Loaded], base_iri: str, seconds: float) -> BuildResult:
    from newsgraph.engines.local import gc_paused
    from newsgraph.pipeline import assemble

    with gc_paused():
        result = assemble(results, base_iri)
    result.seconds = seconds
    return result


def _discover(
    paths: Iterable[str | os.PathLike[str]],
    globs: Sequence[str],
    on_files: Callable[[int], None] | None,
) -> list[str]:
    """The files to load (:func:`newsgraph.pipeline.discover`), announced to ``on_files``."""
    from newsgraph.pipeline import discover

    files = discover(paths, globs)
    if on_files is not None:
        on_files(len(files))
    return files


@dataclass
class _Timer:
    seconds: dict[str, float]
    mark: float

    def lap(self, stage: str) -> None:
        now = time.perf_counter()
        self.seconds[stage] = round(now - self.mark, 3)
        self.mark = now


def _workers(client: Client) -> int:
    return max(1, int(sum(client.nthreads().values())))


def build(
    paths: Iterable[str | os.PathLike[str]],
    *,
    globs: Sequence[str] = DEFAULT_GLOBS,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
) -> BuildResult:
    """Load every file under ``paths`` on a Dask cluster and build the graph; nothing written.

    Takes the arguments of :func:`newsgraph.build` (``jobs`` aside), and ``scheduler`` and
    ``workers`` as :func:`connect` does. The graph and report equal those of
    :func:`newsgraph.build` on the same files.

    Raises:
        InputError: A path does not exist, no file was found, or a worker cannot see the files.
        NewsgraphError: The cluster cannot be reached, or a worker died.
    """
    require()
    start = time.perf_counter()
    files = _discover(paths, globs, on_files)
    with connect(scheduler, workers) as client:
        _check_shared(client, [str(files[0])])
        results = _load(client, files, progress)
    return _assembled(results, base_iri, time.perf_counter() - start)


def run_build(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] = "exports",
    *,
    globs: Sequence[str] = DEFAULT_GLOBS,
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
    shard_nodes: int = SHARD_NODES,
) -> BuildResult:
    """What ``newsgraph build --engine dask`` does: load on the cluster, build, write the outputs.

    Writes ``nodes.parquet``, ``edges.parquet``, the N-Triples shards ``graph-NNNNN.nt``, the
    summary counts ``graph.summary.ttl`` (:mod:`newsgraph.export.summary`) and ``report.json``
    into ``out_dir``, atomically (a staging folder inside it, moved into place
    when complete). ``graph.json``, ``graph.nt``, ``graph.void.ttl`` and shards that an earlier
    build left there are removed, since the commands that read the folder would take them instead
    of, or together with, these outputs.

    Args:
        paths, globs, progress, on_files, base_iri: As for :func:`newsgraph.run_build`.
        out_dir: The output folder; the workers write the shards into it, so it must be on a
            filesystem that they and the client share at the same path.
        scheduler, workers: As for :func:`connect`.
        shard_nodes: Nodes per N-Triples shard, at most.

    Returns:
        The :class:`~newsgraph.pipeline.BuildResult`; its report has an ``engine`` entry (the
        scheduler, the workers, the shards and each stage's seconds).

    Raises:
        InputError: A path does not exist, no file was found, or a worker cannot see the files
            or the output folder.
        ExportError: The outputs cannot be written.
        NewsgraphError: The cluster cannot be reached, or a worker died.
    """
    from newsgraph.export.summary import write_summary
    from newsgraph.export.tables import edge_rows, node_rows, write_tables
    from newsgraph.pipeline import REPORT_FILENAME

    require()
    start = time.perf_counter()
    timer = _Timer({}, start)
    files = _discover(paths, globs, on_files)
    out = Path(out_dir)
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".newsgraph-build-", dir=out)).resolve()
    except OSError as exc:
        raise ExportError(f"{out}: cannot write the outputs here ({exc})") from exc
    try:
        timer.lap("discover")
        with connect(scheduler, workers) as client:
            address = str(getattr(client.scheduler, "address", scheduler))
            threads = _workers(client)
            timer.lap("connect")
            _check_shared(client, [str(files[0]), str(staging)])
            results = _load(client, files, progress)
            timer.lap("load")
            result = _assembled(results, base_iri, 0.0)
            del results
            timer.lap("build")
            graph = result.graph
            nodes, edges = node_rows(graph), edge_rows(graph)
            ranges = _ranges(len(nodes), max(threads, math.ceil(len(nodes) / shard_nodes)))
            shards = _write_shards(client, graph, nodes, edges, ranges, staging)
            # the workers write the shards while the client writes the tables
            written = write_tables(graph, staging, nodes=nodes, edges=edges)
            del nodes, edges
            written["summary"] = staging / "graph.summary.ttl"
            write_summary(graph, written["summary"])
            triples = _wait(shards)
            timer.lap("write")
        for number in range(len(ranges)):
            written[f"ntriples-{number:05d}"] = staging / shard_name(number)
        for path in written.values():
            if not path.is_file():
                raise ExportError(
                    f"{path}: a Dask worker wrote {path.name} but the client cannot see it; "
                    "the output folder must be on a filesystem that the client and every "
                    "worker see at the same path"
                )
        report = result.report
        report["outputs"] = {name: path.name for name, path in written.items()}
        report["engine"] = {
            "name": "dask",
            "scheduler": address if scheduler is not None else "local cluster",
            "workers": threads,
            "shards": len(ranges),
            "triples": sum(triples),
            "seconds": timer.seconds,
        }
        with open(staging / REPORT_FILENAME, "w", encoding="utf-8") as handle:
            json.dump(report, handle, ensure_ascii=False, indent=2)
            handle.write("\n")
        written["report"] = staging / REPORT_FILENAME
        keep = {path.name for path in written.values()}
        result.outputs.update(place_outputs(written, out))
        _remove_superseded(out, keep)
    except OSError as exc:
        raise ExportError(
            f"{out}: cannot write the outputs ({exc}); the previous outputs were left as they were"
        ) from exc
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    result.seconds = time.perf_counter() - start
    return result


def _remove_superseded(out: Path, keep: set[str]) -> None:
    stale = [out / name for name in _SUPERSEDED]
    stale += [Path(p) for p in globlib.glob(str(out / _SHARD_GLOB))]  # noqa: PTH207
    for path in stale:
        if path.name not in keep and path.is_file():
            path.unlink()


def _ranges(count: int, parts: int) -> list[range]:
    """``range(count)`` cut into ``parts`` contiguous ranges of nearly equal size (at least one)."""
    parts = max(1, min(parts, count))
    bounds = [count * i // parts for i in range(parts + 1)]
    return [range(bounds[i], bounds[i + 1]) for i in range(parts)]


def _write_shards(
    client: Client,
    graph: nx.MultiDiGraph,
    nodes: Sequence[NodeRow],
    edges: Sequence[EdgeRow],
    ranges: Sequence[range],
    folder: Path,
) -> list[Any]:
    """Send each node range (its nodes and their out-edges) to a worker to write its shard."""
    out_edges: dict[str, list[EdgeRow]] = {}
    for edge in edges:
        out_edges.setdefault(edge[0], []).append(edge)
    base_iri = graph.graph.get("base_iri") or DEFAULT_BASE_IRI
    payloads = []
    for number, part in enumerate(ranges):
        rows = nodes[part.start : part.stop]
        payloads.append(
            (
                # the dataset's triples go in the first shard, which alone needs the graph's
                # attributes (the list of input files)
                {**graph.graph, "base_iri": base_iri} if number == 0 else {"base_iri": base_iri},
                rows,
                [edge for node, _ in rows for edge in out_edges.get(node, ())],
            )
        )
    # scattered straight to the workers (not through the scheduler, as task arguments would be)
    data = client.scatter(payloads, hash=False)
    paths = [str(folder / shard_name(number)) for number in range(len(ranges))]
    return list(
        client.map(
            write_shard, paths, data, [number == 0 for number in range(len(ranges))], pure=False
        )
    )


def _wait(futures: Sequence[Any]) -> list[int]:
    from concurrent.futures import CancelledError

    from distributed import KilledWorker

    try:
        return [int(future.result()) for future in futures]
    except (KilledWorker, CancelledError) as exc:
        raise NewsgraphError(
            f"a Dask worker died while writing the N-Triples ({exc}); see the worker's log"
        ) from None


def write_shard(
    path: str,
    payload: tuple[dict[str, Any], Sequence[NodeRow], Sequence[EdgeRow]],
    with_dataset: bool,
) -> int:
    """Write the N-Triples of one node range to ``path``; return how many triples it wrote.

    The task the workers run. ``payload`` is the graph attributes, the range's node rows and
    their out-edge rows (:func:`newsgraph.export.tables.node_rows`, ``edge_rows``), from which
    the worker makes the part of the graph that
    :func:`newsgraph.export.rdf.write_ntriples_shard` needs; the dataset's triples are written
    only ``with_dataset``.
    """
    import networkx as nx

    from newsgraph.export.rdf import write_ntriples_shard
    from newsgraph.export.tables import decode_attrs

    attrs, nodes, edges = payload
    part = nx.MultiDiGraph()
    part.graph.update(attrs)
    part.add_nodes_from((node, decode_attrs(text)) for node, text in nodes)
    # edge targets outside the range come in as bare nodes: they are only minted, not written
    part.add_edges_from((u, v, key, decode_attrs(text)) for u, v, key, text in edges)
    counts = write_ntriples_shard(
        part, [node for node, _ in nodes], path, dataset=with_dataset, base_iri=attrs["base_iri"]
    )
    return counts.triples
