"""The big formats written a range of nodes (a shard) at a time, by processes that do not hold
the graph.

A forked helper shares the graph's memory but copies each page it reads (reading an object
writes its reference count): at a million files that copy does not fit beside the graph. A
helper started afresh (:class:`~newsgraph.engines.local.FreshHelper`) shares nothing: it is sent
a shard's nodes with their attributes and out-edges, pickled (:func:`shard_payload`, about a
sixth of the cost of writing them), and writes the shard's part of each format
(:func:`write_shard_payload`). The RDF formats are cut into shards by
:func:`newsgraph.export.rdf.write_rdf_shard`; GraphML and GEXF here, as the text before the
nodes (:func:`begin`), each shard's node elements, the text between (:attr:`Sections.middle`),
each shard's edge elements and the text after (:attr:`Sections.tail`). Joined in shard order,
the parts are the bytes one process writes.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import networkx as nx

    from newsgraph.export.flatten import Shapes
    from newsgraph.export.rdf import RdfCounts

__all__ = [
    "EDGES",
    "SHARDED_FORMATS",
    "Sections",
    "begin",
    "edge_counts",
    "finish",
    "out_edges",
    "shard_payload",
    "write_shard",
    "write_shard_payload",
]

SHARDED_FORMATS = ("graphml", "gexf")
"""Formats besides RDF's (:data:`~newsgraph.export.rdf.RDF_PART_FORMATS`) written in shards."""

EDGES = ".edges"
"""Added to a format's name for the part holding a shard's edge elements."""

_MODULES = {"graphml": "newsgraph.export.graphml", "gexf": "newsgraph.export.gexf"}


@dataclass(frozen=True)
class Sections:
    """How a format written in shards is put together. After the head (written by :func:`begin`):
    every shard's node elements, ``middle``, every shard's edge elements, ``tail``. ``context``
    is what writing a shard needs, the same for all shards (picklable)."""

    middle: str
    tail: str
    context: Any


def _module(name: str) -> Any:
    return importlib.import_module(_MODULES[name])


def begin(
    name: str,
    graph: nx.MultiDiGraph,
    path: str | os.PathLike[str],
    shapes: Shapes | None = None,
) -> Sections | None:
    """Write the head of format ``name`` (one of :data:`SHARDED_FORMATS`) for ``graph`` to
    ``path``; its :class:`Sections`. ``None``, with nothing written, when this graph cannot be
    written in shards (an attribute NetworkX's writer gives a meaning: the format's whole writer
    sends it through NetworkX). ``shapes``: the graph's
    :func:`~newsgraph.export.flatten.attribute_shapes`, found once for both formats."""
    sections: Sections | None = _module(name).begin(graph, path, shapes)
    return sections


def edge_counts(graph: nx.MultiDiGraph, ranges: Iterable[tuple[int, int]]) -> list[int]:
    """How many edges come before each range of ``graph``'s nodes (GEXF counts edges through the
    file), for ranges that follow one another from the first node."""
    succ = getattr(graph, "_succ", graph.succ)
    nodes = list(graph)
    before, total = [], 0
    for start, stop in ranges:
        before.append(total)
        total += sum(len(keyed) for node in nodes[start:stop] for keyed in succ[node].values())
    return before


def out_edges(graph: Any, nodes: Iterable[Any]) -> Iterator[tuple[Any, Any, Any, Any]]:
    """``(source, target, key, attributes)`` of the out-edges of ``nodes``, in the order
    ``graph.edges(keys=True, data=True)`` gives them."""
    succ = getattr(graph, "_succ", None)
    if succ is None:
        succ = graph.succ
    for node in nodes:
        for target, keyed in succ[node].items():
            for key, attrs in keyed.items():
                yield node, target, key, attrs


class _ShardGraph:
    """What writing one shard reads of a graph, without the rest of it: the shard's nodes (and
    any ``https://`` twin, whose links the RDF's subject count reads) with their attributes and
    out-edges, and the graph attributes the shard needs."""

    __slots__ = ("_succ", "graph", "nodes")

    def __init__(
        self,
        graph: dict[str, Any],
        nodes: dict[str, dict[str, Any]],
        succ: dict[str, dict[str, dict[str, dict[str, Any]]]],
    ) -> None:
        self.graph, self.nodes, self._succ = graph, nodes, succ

    @property
    def succ(self) -> dict[str, dict[str, dict[str, dict[str, Any]]]]:
        return self._succ

    def __contains__(self, node: object) -> bool:
        return node in self.nodes


def _write_text(path: str | os.PathLike[str], write: Any, *args: Any) -> None:
    handle: TextIO
    with open(path, "w", encoding="utf-8", newline="") as handle:
        write(*args, handle)


def write_shard(
    graph: nx.MultiDiGraph,
    nodes: Sequence[str],
    outputs: Mapping[str, str | os.PathLike[str]],
    *,
    dataset: bool = False,
    sections: Mapping[str, tuple[Any, int]] | None = None,
    count: bool = True,
) -> RdfCounts:
    """Write shard ``nodes`` of ``graph``: its part of each RDF format named in ``outputs`` (see
    :func:`~newsgraph.export.rdf.write_rdf_shard`, with ``dataset``), and for each format in
    ``sections`` (name: its :attr:`Sections.context` and the number of edges before this
    shard) its node elements to ``outputs[name]`` and edge elements to
    ``outputs[name + EDGES]``. Returns the shard's RDF counts (made even with no RDF output,
    for VoID, unless not ``count``).
    """
    from newsgraph.export.rdf import RDF_PART_FORMATS, RdfCounts, write_rdf_shard

    rdf = {name: path for name, path in outputs.items() if name in RDF_PART_FORMATS}
    counts = RdfCounts()
    if rdf or count:
        counts = write_rdf_shard(graph, nodes, rdf, dataset=dataset)
    for name, (context, first_edge) in (sections or {}).items():
        module = _module(name)
        _write_text(outputs[name], module.write_nodes, graph, nodes, context)
        _write_text(outputs[name + EDGES], module.write_edges, graph, nodes, context, first_edge)
    return counts


def shard_payload(
    graph: nx.MultiDiGraph,
    nodes: Sequence[str],
    *,
    dataset: bool = False,
    sections: Mapping[str, tuple[Any, int]] | None = None,
    count: bool = True,
) -> bytes:
    """What :func:`write_shard_payload` needs to write :func:`write_shard`'s parts for shard
    ``nodes`` of ``graph`` in a process that does not hold the graph, pickled: the nodes'
    attributes and out-edges (and those of an ``https://`` twin), the graph's base IRI (all the
    graph attributes with ``dataset``), and the other arguments."""
    import pickle

    from newsgraph.graph import ARTICLE

    succ: Mapping[str, dict[str, dict[str, dict[str, Any]]]] = getattr(graph, "_succ", graph.succ)
    attrs: dict[str, dict[str, Any]] = {}
    edges: dict[str, dict[str, dict[str, dict[str, Any]]]] = {}
    for node in nodes:
        data = attrs[node] = graph.nodes[node]
        edges[node] = succ[node]
        if data.get("kind") == ARTICLE and not str(node).startswith("article:https://"):
            twin = "article:https://" + str(node).partition(":")[2]
            if twin in graph:
                attrs[twin], edges[twin] = graph.nodes[twin], succ[twin]
    base = {"base_iri": graph.graph["base_iri"]} if "base_iri" in graph.graph else {}
    whole = graph.graph if dataset else base
    request = (whole, list(nodes), attrs, edges, dataset, dict(sections or {}), count)
    return pickle.dumps(request, protocol=pickle.HIGHEST_PROTOCOL)


def write_shard_payload(payload: bytes, outputs: Mapping[str, str | os.PathLike[str]]) -> RdfCounts:
    """:func:`write_shard` for a :func:`shard_payload`: the same parts, the same counts.

    Example:
        >>> import tempfile
        >>> from newsgraph import build
        >>> graph = build(["seeds/"]).graph
        >>> nodes = list(graph)
        >>> with tempfile.TemporaryDirectory() as tmp:
        ...     a, b = Path(tmp, "a"), Path(tmp, "b")
        ...     here = write_shard(graph, nodes, {"turtle": a})
        ...     there = write_shard_payload(shard_payload(graph, nodes), {"turtle": b})
        ...     same = a.read_bytes() == b.read_bytes()
        >>> same and here == there
        True
    """
    import pickle

    from newsgraph.engines.local import gc_paused

    with gc_paused():  # (the collector's walks would take 5 times as long as the unpickling)
        whole, nodes, attrs, edges, dataset, sections, count = pickle.loads(payload)
    graph = _ShardGraph(whole, attrs, edges)
    return write_shard(graph, nodes, outputs, dataset=dataset, sections=sections, count=count)


def finish(path: str | os.PathLike[str], sections: Sections, edges: str | os.PathLike[str]) -> None:
    """Complete ``path`` (its head and node elements written): ``middle``, the edge elements
    joined in file ``edges`` (deleted after), ``tail``."""
    from newsgraph.export.rdf import append_file, write_all

    with open(path, "ab", buffering=0) as out:
        write_all(out, sections.middle.encode())
        append_file(edges, out)
        write_all(out, sections.tail.encode())
    Path(edges).unlink()
