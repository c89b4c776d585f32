"""Exporters: one module per format, behind a registry.

``EXPORTERS`` maps a format name to an :class:`Exporter`: its default file name, its writer (and
reader, where the format can be read back losslessly), imported only when used. The CLI's
``--format`` choices, its help text and the round-trip tests are generated from it, so a format
added here is offered, documented and tested everywhere at once.
"""

from __future__ import annotations

import gc
import importlib
import os
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from newsgraph.errors import UnknownFormatError

if TYPE_CHECKING:  # networkx is imported by the format modules, when a format is used
    import networkx as nx

    from newsgraph.export.rdf import RdfCounts

__all__ = [
    "EXPORTERS",
    "FRESH_FROM_NODES",
    "Exporter",
    "get_exporter",
    "read_json",
    "write_exports",
    "write_gexf",
    "write_graphml",
    "write_json",
]

Writer: TypeAlias = "Callable[[nx.MultiDiGraph, str | os.PathLike[str]], None]"
Reader: TypeAlias = "Callable[[str | os.PathLike[str]], nx.MultiDiGraph]"


def _resolve(target: str) -> Any:
    module, _, name = target.partition(":")
    return getattr(importlib.import_module(module), name)


@dataclass(frozen=True, slots=True)
class Exporter:
    """A format newsgraph writes: name, default file name, writer and optional reader."""

    name: str
    filename: str
    description: str
    writer_target: str
    reader_target: str | None = None

    @property
    def writer(self) -> Writer:
        """The write function (imported on first use)."""
        writer: Writer = _resolve(self.writer_target)
        return writer

    @property
    def reader(self) -> Reader | None:
        """The read function, for formats that read back to an equal graph; else ``None``."""
        if self.reader_target is None:
            return None
        reader: Reader = _resolve(self.reader_target)
        return reader


EXPORTERS: dict[str, Exporter] = {
    e.name: e
    for e in [
        Exporter(
            "json",
            "graph.json",
            "NetworkX node-link JSON; lossless (read_json gives an equal graph)",
            "newsgraph.export.json:write_build_json",
            "newsgraph.export.json:read_json",
        ),
        Exporter(
            "graphml",
            "graph.graphml",
            "GraphML for Gephi, Cytoscape, igraph; lists and date-times flattened to strings",
            "newsgraph.export.graphml:write_graphml",
        ),
        Exporter(
            "turtle",
            "graph.ttl",
            "RDF Turtle (schema.org, SKOS, ng: terms); lossless (read_rdf gives an equal graph)",
            "newsgraph.export.rdf:write_turtle",
            "newsgraph.export.rdf:read_rdf",
        ),
        Exporter(
            "ntriples",
            "graph.nt",
            "RDF N-Triples, one triple a line; lossless (read_rdf)",
            "newsgraph.export.rdf:write_ntriples",
            "newsgraph.export.rdf:read_rdf",
        ),
        Exporter(
            "jsonld",
            "graph.jsonld",
            "RDF JSON-LD 1.1 with the prefixes as @context; lossless (read_rdf)",
            "newsgraph.export.rdf:write_jsonld",
            "newsgraph.export.rdf:read_rdf",
        ),
        Exporter(
            "void",
            "graph.void.ttl",
            "VoID + PROV description of the RDF: counts, vocabularies, dumps, source files",
            "newsgraph.export.void:write_void",
        ),
        Exporter(
            "summary",
            "graph.summary.ttl",
            "counts SPARQL looks up instead of aggregating: articles per topic, topic pairs, "
            "topics per provider, links to providers and to articles",
            "newsgraph.export.summary:write_summary",
        ),
        Exporter(
            "gexf",
            "graph.gexf",
            "GEXF 1.2 for Gephi; lists and date-times flattened to strings",
            "newsgraph.export.gexf:write_gexf",
        ),
        Exporter(
            "html",
            "graph.html",
            "an interactive page (vis-network, inlined: works offline) of the most central nodes",
            "newsgraph.export.html:write_html",
        ),
    ]
}


def get_exporter(name: str) -> Exporter:
    """The exporter named ``name``.

    Raises:
        UnknownFormatError: No such format; the message lists the valid names.
    """
    try:
        return EXPORTERS[name.lower()]
    except KeyError:
        valid = ", ".join(sorted(EXPORTERS))
        raise UnknownFormatError(f"unknown export format {name!r}; choose from {valid}") from None


_RDF_PARTS = ("ntriples", "turtle", "jsonld")  # written in shards and joined (RDF_PART_FORMATS)
_VOID = "void"  # made from the shards' counts

# Estimated cost of each task in microseconds a node (measured on the 10,000-file benchmark
# graph), only to start the longest tasks first: a format written whole, or an RDF shard (making
# its statements, "", plus rendering each RDF format it writes).
_COST_PER_NODE = {"html": 155.0, "gexf": 78.0, "graphml": 53.0, "json": 23.0, "summary": 8.0}
_RDF_COST_PER_NODE = {"": 40.0, "ntriples": 30.0, "turtle": 35.0, "jsonld": 40.0}
_DEFAULT_COST_PER_NODE = 100.0

FRESH_FROM_NODES = 50_000
"""From this many nodes on, the RDF, GraphML and GEXF are written shard by shard by helpers
started afresh (fed each shard's nodes) rather than by forked helpers sharing the graph, which
copy the pages they read. Measured with 2 workers (`newsgraph build`, 2 runs each): at 10,000
files (18k nodes) forked 5.4-5.6 s, fresh 5.6-5.9 s; at 100,000 files (175k nodes) forked
49-51 s and 2.6 GiB, fresh 43-46 s and 1.7 GiB; at 1M forked helpers do not fit at all."""


@dataclass(frozen=True, slots=True)
class _Task:
    """A piece of :func:`write_exports`' work: a format written whole, or an RDF shard."""

    cost: float
    format: str | None = None  # the format; None: an RDF shard
    shard: int = 0  # the shard's number (0: the dataset's) and node range
    start: int = 0
    stop: int = 0


def _tasks(
    graph: nx.MultiDiGraph, others: list[Exporter], parts: list[str], rdf: bool
) -> list[_Task]:
    """The tasks, longest first."""
    from newsgraph.export.rdf import shard_ranges

    count = graph.number_of_nodes()
    tasks = [
        _Task(_COST_PER_NODE.get(e.name, _DEFAULT_COST_PER_NODE) * count, e.name) for e in others
    ]
    if rdf:
        per_node = _RDF_COST_PER_NODE[""] + sum(_RDF_COST_PER_NODE[name] for name in parts)
        files = len(graph.graph.get("inputs", ()))
        tasks.append(_Task(per_node * files / 10, None, 0))  # the dataset's: ~10 files a node
        for number, (start, stop) in enumerate(shard_ranges(count), start=1):
            tasks.append(_Task(per_node * (stop - start), None, number, start, stop))
    # Longest first; the shards in their order (from the dataset's), each as long as the longest,
    # so that they finish about in order and their parts are joined while the rest is written.
    longest_shard = max((t.cost for t in tasks if t.format is None), default=0.0)
    return sorted(tasks, key=lambda t: -(t.cost if t.format is not None else longest_shard))


def write_exports(
    graph: nx.MultiDiGraph,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] | None = None,
    *,
    jobs: int | None = 1,
) -> dict[str, Path]:
    """Write ``graph`` in each format (default: all) into ``out_dir``; return the paths by format.

    The RDF formats (N-Triples, Turtle, JSON-LD) are written in one pass over the triples, shard
    by shard (:data:`~newsgraph.export.rdf.SHARD_NODES` nodes each), and the VoID description
    from the counts gathered on the way. With ``jobs`` other than 1 (``None``: one per core),
    this process and ``jobs - 1`` forked helpers, which share the graph with it instead of
    receiving a copy (:func:`newsgraph.engines.local.run_shared`), write each other format whole
    and each RDF shard as part files, longest tasks first; this process appends the parts to the
    RDF files in shard order as they come in (where ``fork`` does not exist, everything is
    written here, one after another). For graphs of :data:`FRESH_FROM_NODES` nodes or more, and
    whenever the memory available would not hold a forked helper's copy of the pages it touches
    (:func:`~newsgraph.engines.local.affordable_workers`), the RDF, GraphML and GEXF are
    written shard by shard by helpers started afresh instead, fed each shard's nodes, and the
    other formats here (:func:`_write_beside_fresh_helpers`); where not even those fit,
    everything is written here. The bytes are the same for any ``jobs``.

    Measured on the 10,000-file benchmark graph (18,447 nodes, 739k triples; 2 cores, best of
    3): the four RDF outputs took 20.1 s in one process and 11.5 s with 2 workers when each
    format made every triple again as a pyoxigraph term; now 2.7 s and 1.8 s. Every format:
    24.4 s and 13.5 s before, now 7.0 s and 4.5 s (the view, 2.8 s, is the longest task).

    Python's cyclic garbage collector is paused meanwhile: the writers make millions of objects
    (the analysis index, the view, the summary's counts) and no cycles, and its walks over them
    hold the interpreter lock, so that the thread feeding the fresh helpers fell behind (at 1M,
    a core stood idle for much of 17 s while the index was built; the index alone took 1.8 s
    instead of 0.9 s at 100k).

    This writes in place; :func:`newsgraph.run_build` wraps it so that a failed build leaves the
    previous exports intact.
    """
    from newsgraph.engines.local import gc_paused

    with gc_paused():
        return _write_exports(graph, out_dir, formats, jobs=jobs)


def _write_exports(
    graph: nx.MultiDiGraph,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] | None,
    *,
    jobs: int | None,
) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [get_exporter(name) for name in (formats if formats is not None else EXPORTERS)]
    chosen = list({e.name: e for e in chosen}.values())
    written = {e.name: out / e.filename for e in chosen}
    parts = [name for name in _RDF_PARTS if name in written]
    rdf = bool(parts) or _VOID in written
    others = [e for e in chosen if e.name not in _RDF_PARTS and e.name != _VOID]
    tasks = _tasks(graph, others, parts, rdf)
    from newsgraph.engines.local import affordable_fresh, affordable_workers, run_shared

    wanted = min(len(tasks), (os.cpu_count() or 1) if jobs is None else jobs)
    workers = affordable_workers(wanted) if wanted > 1 else wanted  # fewer when memory is short
    shards = sum(1 for t in tasks if t.format is None)
    big = graph.number_of_nodes() >= FRESH_FROM_NODES
    if (big or workers < wanted) and wanted > 1 and shards > 1 and hasattr(os, "fork"):
        fresh = affordable_fresh(wanted - 1)
        if fresh:
            _write_beside_fresh_helpers(graph, out, written, parts, others, tasks, fresh)
            return written
    if workers <= 1 or not hasattr(os, "fork"):
        _write_here(graph, written, parts, rdf, others)
        return written
    from newsgraph.export.rdf import PartJoiner, write_rdf_shard

    folder = Path(tempfile.mkdtemp(prefix=".rdf-parts-", dir=out))
    joiner: PartJoiner | None = None
    nodes = list(graph)
    # the helpers' collections then leave the shared graph's pages alone (unless the caller
    # froze objects of its own: those stay as they are)
    freeze = gc.get_freeze_count() == 0
    try:
        joiner = PartJoiner({name: written[name] for name in parts}, folder, shards)

        def run(task: _Task) -> RdfCounts | None:
            if task.format is not None:
                EXPORTERS[task.format].writer(graph, written[task.format])
                return None
            assert joiner is not None
            return write_rdf_shard(
                graph,
                nodes[task.start : task.stop],
                joiner.parts(task.shard),
                dataset=task.shard == 0,
            )

        def done(index: int, counts: RdfCounts | None) -> None:
            if counts is not None:
                assert joiner is not None
                joiner.add(tasks[index].shard, counts)  # while the rest are written

        if freeze:
            gc.freeze()
        run_shared(tasks, run, done, workers=workers)
        if rdf:
            counts = joiner.close()
            if _VOID in written:
                from newsgraph.export.void import write_void

                write_void(graph, written[_VOID], counts=counts)
    finally:
        if joiner is not None:
            joiner.abort()
        if freeze:
            gc.unfreeze()
        shutil.rmtree(folder, ignore_errors=True)
    return written


def _write_here(
    graph: nx.MultiDiGraph,
    written: dict[str, Path],
    parts: list[str],
    rdf: bool,
    others: list[Exporter],
) -> None:
    """Everything in this process, the RDF formats in one pass."""
    if rdf:
        from newsgraph.export.rdf import count_triples, write_rdf
        from newsgraph.export.void import write_void

        outputs = {name: written[name] for name in parts}
        counts = write_rdf(graph, outputs) if outputs else count_triples(graph)
        if _VOID in written:
            write_void(graph, written[_VOID], counts=counts)
    for exporter in others:
        exporter.writer(graph, written[exporter.name])


def _write_beside_fresh_helpers(
    graph: nx.MultiDiGraph,
    out: Path,
    written: dict[str, Path],
    parts: list[str],
    others: list[Exporter],
    tasks: list[_Task],
    helpers: int,
) -> None:
    """For big graphs, or when memory is too short for forked helpers (a forked helper walking
    the graph copies the pages it touches: at 1M articles, 10 GiB beside a 15 GiB graph): the
    RDF, GraphML and GEXF are written shard by shard (:mod:`newsgraph.export.shards`) by
    ``helpers`` processes started afresh (:class:`~newsgraph.engines.local.FreshHelper`), which
    share nothing with this one and so copy none of it, and the other formats here. For each
    helper a thread here pickles the next shard's nodes
    (:func:`~newsgraph.export.shards.shard_payload`) and pipes it over while the helper writes
    the one before, and another takes the results in; this process takes the shards still left
    once its own formats are written. The bytes are the same as :func:`_write_here`'s.
    """
    import queue
    import threading

    from newsgraph.engines.local import FreshHelper
    from newsgraph.export import shards as sharding
    from newsgraph.export.rdf import PartJoiner

    shards = sorted((t for t in tasks if t.format is None), key=lambda t: t.shard)
    left = iter(shards)
    nodes = list(graph)
    lock = threading.Lock()
    failed: list[BaseException] = []
    stopped = False

    def take() -> _Task | None:
        with lock:
            return None if stopped else next(left, None)

    def fail(exc: BaseException) -> None:
        nonlocal stopped
        with lock:
            failed.append(exc)
            stopped = True

    folder = Path(tempfile.mkdtemp(prefix=".rdf-parts-", dir=out))
    started: list[FreshHelper] = []
    threads: list[threading.Thread] = []
    joiner: PartJoiner | None = None
    try:
        # GraphML and GEXF in shards too, where their heads say they can be (else whole, here)
        sections: dict[str, sharding.Sections] = {}
        shapes = None
        for exporter in others:
            if exporter.name in sharding.SHARDED_FORMATS:
                if shapes is None:  # one pass over the attributes for both formats
                    from newsgraph.export.flatten import attribute_shapes

                    shapes = attribute_shapes(graph)
                found = sharding.begin(exporter.name, graph, written[exporter.name], shapes)
                if found is not None:
                    sections[exporter.name] = found
        whole = [e for e in others if e.name not in sections]
        edges = {name: folder / f"{name}{sharding.EDGES}" for name in sections}
        plain = {
            **{name: written[name] for name in sections},
            **{f"{n}{sharding.EDGES}": p for n, p in edges.items()},
        }
        joiner = PartJoiner({name: written[name] for name in parts}, folder, len(shards), plain)
        first_edges = sharding.edge_counts(graph, [(t.start, t.stop) for t in shards])

        def shard_sections(task: _Task) -> dict[str, tuple[Any, int]]:
            return {
                name: (found.context, first_edges[task.shard]) for name, found in sections.items()
            }

        def done(task: _Task, counts: RdfCounts) -> None:
            assert joiner is not None
            with lock:
                joiner.add(task.shard, counts)

        def feed(helper: FreshHelper, sent: queue.SimpleQueue[_Task | None]) -> None:
            assert joiner is not None
            try:
                while (task := take()) is not None:
                    payload = sharding.shard_payload(
                        graph,
                        nodes[task.start : task.stop],
                        dataset=task.shard == 0,
                        sections=shard_sections(task),
                    )
                    sent.put(task)
                    helper.send(payload, joiner.parts(task.shard))
                    del payload
            except BaseException as exc:
                fail(exc)
            finally:
                sent.put(None)

        def receive(helper: FreshHelper, sent: queue.SimpleQueue[_Task | None]) -> None:
            try:
                while (task := sent.get()) is not None:
                    done(task, helper.receive())
            except BaseException as exc:
                fail(exc)
                helper.kill()  # (its feeder may be blocked on a full pipe)

        for _ in range(helpers):
            helper = FreshHelper("newsgraph.export.shards:write_shard_payload")
            started.append(helper)
            sent: queue.SimpleQueue[_Task | None] = queue.SimpleQueue()
            for target in (feed, receive):
                thread = threading.Thread(target=target, args=(helper, sent), daemon=True)
                thread.start()
                threads.append(thread)
        try:
            for exporter in whole:
                if failed:
                    break
                exporter.writer(graph, written[exporter.name])
            while (task := take()) is not None:
                counts = sharding.write_shard(
                    graph,
                    nodes[task.start : task.stop],
                    joiner.parts(task.shard),
                    dataset=task.shard == 0,
                    sections=shard_sections(task),
                )
                done(task, counts)
        except BaseException as exc:
            fail(exc)
            raise
        finally:
            for thread in threads:
                thread.join()
        if failed:
            raise failed[0]
        counts = joiner.close()
        for name, found in sections.items():
            sharding.finish(written[name], found, edges[name])
        if _VOID in written:
            from newsgraph.export.void import write_void

            write_void(graph, written[_VOID], counts=counts)
    finally:
        for helper in started:
            if failed:
                helper.kill()
            else:
                helper.close()
        if joiner is not None:
            joiner.abort()
        shutil.rmtree(folder, ignore_errors=True)


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write node-link JSON (see :mod:`newsgraph.export.json`)."""
    writer: Writer = _resolve("newsgraph.export.json:write_json")
    writer(graph, path)


def read_json(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read a graph written by :func:`write_json`, equal to the one written."""
    reader = EXPORTERS["json"].reader
    assert reader is not None
    return reader(path)


def write_graphml(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write GraphML (see :mod:`newsgraph.export.graphml`)."""
    EXPORTERS["graphml"].writer(graph, path)


def write_gexf(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write GEXF (see :mod:`newsgraph.export.gexf`)."""
    EXPORTERS["gexf"].writer(graph, path)
