"""Exporters: one module per format, behind a registry.

``EXPORTERS`` maps a format name to an :class:`Exporter`: its default file name, its writer (and
reader, where the format can be read back losslessly), imported only when used. The CLI's
``--format`` choices, its help text and the round-trip tests are generated from it, so a format
added here is offered, documented and tested everywhere at once.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias

from newsgraph.errors import UnknownFormatError

if TYPE_CHECKING:  # networkx is imported by the format modules, when a format is used
    import networkx as nx

__all__ = [
    "EXPORTERS",
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
            "newsgraph.export.json:write_json",
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


# The graph the export workers write: set before they are forked, so it is shared, not pickled.
_FORKED_GRAPH: nx.MultiDiGraph | None = None


def _write_forked(name: str, path: Path) -> None:
    assert _FORKED_GRAPH is not None
    EXPORTERS[name].writer(_FORKED_GRAPH, path)


def write_exports(
    graph: nx.MultiDiGraph,
    out_dir: str | os.PathLike[str],
    formats: Iterable[str] | None = None,
    *,
    jobs: int | None = 1,
) -> dict[str, Path]:
    """Write ``graph`` in each format (default: all) into ``out_dir``; return the paths by format.

    With ``jobs`` other than 1 (``None``: one per core) the formats are written side by side by
    forked worker processes, which share the graph with this one instead of receiving a copy
    (where ``fork`` exists; elsewhere one after another). Each file is written by one process,
    so the bytes are the same either way.

    This writes in place; :func:`newsgraph.run_build` wraps it so that a failed build leaves the
    previous exports intact.
    """
    global _FORKED_GRAPH
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    chosen = [get_exporter(name) for name in (formats if formats is not None else EXPORTERS)]
    written = {e.name: out / e.filename for e in chosen}
    workers = min(len(chosen), (os.cpu_count() or 1) if jobs is None else jobs)
    if workers <= 1 or not hasattr(os, "fork"):
        for exporter in chosen:
            exporter.writer(graph, written[exporter.name])
        return written
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    _FORKED_GRAPH = graph
    try:
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(workers, mp_context=context) as pool:
            # the last registered formats (the view, with its layout) are the slowest: start them
            # first, so that the other worker writes the rest meanwhile
            futures = [
                pool.submit(_write_forked, e.name, written[e.name]) for e in reversed(chosen)
            ]
            for future in futures:
                future.result()  # re-raises a worker's error here
    finally:
        _FORKED_GRAPH = None
    return written


def write_json(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write node-link JSON (see :mod:`newsgraph.export.json`)."""
    EXPORTERS["json"].writer(graph, path)


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
