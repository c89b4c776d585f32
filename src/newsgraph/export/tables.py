"""``nodes.parquet`` and ``edges.parquet``: the graph as two Parquet tables, lossless.

What ``newsgraph build --engine dask`` writes in place of ``graph.json``: tables that DuckDB,
pandas, Polars or Spark filter without reading the rest, and that :func:`read_tables` turns back
into a graph equal to the one written.

``nodes.parquet``, one row a node, in the graph's node order:

======================  ========================  ===============================================
column                  type                      value
======================  ========================  ===============================================
``id``                  string                    the node id (``article:<canonical URL>``, ...)
``kind``                string                    ``article``, ``provider`` or ``topic``
``label``               string                    an article's title (else its URL), a provider's
                                                  name (else its domain), a topic's label
``url``                 string                    an article's canonical URL
``published_at``        timestamp (µs, UTC)       an article's publication time
``domain``              string                    a provider's domain; for an article, the domain
                                                  of its provider
``stub``                bool                      an article known only from related lists
``attrs``               string (JSON)             every attribute, as in ``graph.json``
======================  ========================  ===============================================

``edges.parquet``, one row an edge, in the graph's edge order: ``source``, ``target``, ``kind``
(the edge key: ``published_by``, ``has_topic``, ``related_to``), ``rank`` (int32, a related link's
rank) and ``attrs`` (JSON). The graph attributes (provenance, merges, the base IRI) are JSON in the
Parquet metadata of ``nodes.parquet``, under ``newsgraph.graph``.

Missing values are nulls; the typed columns are copies of attributes for tools to filter on, the
``attrs`` column is what :func:`read_tables` reads.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import msgspec
import networkx as nx
import pyarrow as pa
import pyarrow.parquet as pq

from newsgraph.errors import ExportError
from newsgraph.export.values import dumps, restore_datetimes

__all__ = [
    "EDGES_FILENAME",
    "NODES_FILENAME",
    "TABLES_SCHEMA",
    "EdgeRow",
    "NodeRow",
    "decode_attrs",
    "edge_rows",
    "graph_attrs",
    "node_rows",
    "read_columns",
    "read_tables",
    "tables_path",
    "write_tables",
]

NODES_FILENAME = "nodes.parquet"
EDGES_FILENAME = "edges.parquet"
TABLES_SCHEMA = "newsgraph-tables/1"
"""The ``newsgraph.schema`` metadata of both files; the version changes only if columns do."""

_GRAPH_KEY = b"newsgraph.graph"
_SCHEMA_KEY = b"newsgraph.schema"

NODE_COLUMNS = pa.schema(
    [
        ("id", pa.string()),
        ("kind", pa.string()),
        ("label", pa.string()),
        ("url", pa.string()),
        ("published_at", pa.timestamp("us", tz="UTC")),
        ("domain", pa.string()),
        ("stub", pa.bool_()),
        ("attrs", pa.string()),
    ]
)
EDGE_COLUMNS = pa.schema(
    [
        ("source", pa.string()),
        ("target", pa.string()),
        ("kind", pa.string()),
        ("rank", pa.int32()),
        ("attrs", pa.string()),
    ]
)

NodeRow = tuple[str, str]
"""A node as the tables (and the dask engine's N-Triples shards) carry it: id, attributes JSON."""
EdgeRow = tuple[str, str, str, str]
"""An edge: source, target, key (its kind), attributes JSON."""


def node_rows(graph: nx.MultiDiGraph) -> list[NodeRow]:
    """Every node of ``graph`` in order, its attributes as JSON (the text ``graph.json`` has)."""
    return [(node, dumps(attrs)) for node, attrs in graph.nodes(data=True)]


def edge_rows(graph: nx.MultiDiGraph) -> list[EdgeRow]:
    """Every edge of ``graph`` in order, its attributes as JSON."""
    return [(u, v, key, dumps(data)) for u, v, key, data in graph.edges(keys=True, data=True)]


def decode_attrs(text: str | bytes) -> dict[str, Any]:
    """Attributes written as JSON by :func:`node_rows` or :func:`edge_rows`, date-times restored."""
    try:
        attrs: dict[str, Any] = msgspec.json.decode(text)
    except msgspec.DecodeError:  # NaN and infinities, which only the json module writes and reads
        attrs = json.loads(text)
    restore_datetimes(attrs)
    return attrs


def _label(node: str, attrs: dict[str, Any]) -> str:
    kind = attrs.get("kind")
    key = node.split(":", 1)[-1]
    if kind == "article":
        return str(attrs.get("title") or attrs.get("url") or key)
    if kind == "provider":
        return str(attrs.get("name") or attrs.get("domain") or key.removeprefix("name:"))
    return str(attrs.get("label") or key)


def write_tables(
    graph: nx.MultiDiGraph,
    out_dir: str | os.PathLike[str],
    *,
    nodes: Sequence[NodeRow] | None = None,
    edges: Sequence[EdgeRow] | None = None,
) -> dict[str, Path]:
    """Write ``nodes.parquet`` and ``edges.parquet`` of ``graph`` into ``out_dir``.

    Args:
        graph: The graph.
        out_dir: The folder (created when missing).
        nodes, edges: :func:`node_rows` and :func:`edge_rows` of ``graph``, when the caller made
            them already (the dask engine sends the same rows to its workers).

    Returns:
        The two paths, as ``{"nodes": ..., "edges": ...}``.

    Example:
        >>> import newsgraph, tempfile
        >>> g = newsgraph.build(["seeds/"]).graph
        >>> folder = tempfile.mkdtemp()
        >>> sorted(p.name for p in write_tables(g, folder).values())
        ['edges.parquet', 'nodes.parquet']
        >>> h = read_tables(folder)
        >>> list(h.nodes(data=True)) == list(g.nodes(data=True)), h.graph == g.graph
        (True, True)
    """
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    nodes = node_rows(graph) if nodes is None else nodes
    edges = edge_rows(graph) if edges is None else edges
    domains: dict[str, str | None] = {}
    for source, target, key, _ in edges:
        if key == "published_by" and source not in domains:
            domains[source] = graph.nodes[target].get("domain")
    columns: dict[str, list[Any]] = {name: [] for name in NODE_COLUMNS.names}
    for (node, attrs), (_, text) in zip(graph.nodes(data=True), nodes, strict=True):
        kind = attrs.get("kind")
        columns["id"].append(node)
        columns["kind"].append(kind)
        columns["label"].append(_label(node, attrs))
        columns["url"].append(attrs.get("url") if kind == "article" else None)
        columns["published_at"].append(attrs.get("published_at") if kind == "article" else None)
        columns["domain"].append(attrs.get("domain") if kind == "provider" else domains.get(node))
        columns["stub"].append(attrs.get("stub") if kind == "article" else None)
        columns["attrs"].append(text)
    metadata = {_SCHEMA_KEY: TABLES_SCHEMA.encode(), _GRAPH_KEY: dumps(graph.graph).encode()}
    written = {"nodes": out / NODES_FILENAME, "edges": out / EDGES_FILENAME}
    try:
        node_table = pa.table(columns, schema=NODE_COLUMNS.with_metadata(metadata))
        pq.write_table(node_table, written["nodes"])
        del node_table, columns
        edge_table = pa.table(
            {
                "source": [e[0] for e in edges],
                "target": [e[1] for e in edges],
                "kind": [e[2] for e in edges],
                "rank": [data.get("rank") for _, _, data in graph.edges(data=True)],
                "attrs": [e[3] for e in edges],
            },
            schema=EDGE_COLUMNS.with_metadata({_SCHEMA_KEY: TABLES_SCHEMA.encode()}),
        )
        pq.write_table(edge_table, written["edges"])
    except (OSError, pa.ArrowException) as exc:
        raise ExportError(f"{out}: cannot write the Parquet tables ({exc})") from exc
    return written


def tables_path(path: str | os.PathLike[str]) -> Path | None:
    """The ``nodes.parquet`` of a folder, or ``path`` itself if it is one; ``None`` if absent."""
    given = Path(path)
    file = given / NODES_FILENAME if given.is_dir() else given
    return file if file.name == NODES_FILENAME and file.is_file() else None


def _read(file: Path, columns: Iterable[str]) -> Any:
    try:
        return pq.read_table(file, columns=list(columns))
    except (OSError, pa.ArrowException) as exc:
        raise ExportError(
            f"{file}: cannot be read as newsgraph's Parquet tables ({exc}); rebuild them with "
            "`newsgraph build --engine dask`"
        ) from exc


def read_columns(file: str | os.PathLike[str], columns: Sequence[str]) -> dict[str, list[Any]]:
    """Some columns of a table newsgraph wrote, as Python lists, by name.

    Raises:
        ExportError: The file is missing or is not Parquet with those columns.
    """
    table = _read(Path(file), columns)
    return {name: table.column(name).to_pylist() for name in columns}


def graph_attrs(nodes_file: str | os.PathLike[str]) -> dict[str, Any]:
    """The graph attributes stored in a ``nodes.parquet``.

    Raises:
        ExportError: The file is not a newsgraph nodes table.
    """
    try:
        metadata = pq.read_schema(nodes_file).metadata or {}
    except (OSError, pa.ArrowException) as exc:
        raise ExportError(f"{nodes_file}: cannot be read as a Parquet table ({exc})") from exc
    if _GRAPH_KEY not in metadata:
        raise ExportError(
            f"{nodes_file}: not a newsgraph nodes table (no {_GRAPH_KEY.decode()} metadata); "
            "rebuild it with `newsgraph build --engine dask`"
        )
    attrs: dict[str, Any] = json.loads(metadata[_GRAPH_KEY])
    return attrs


def read_tables(path: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read ``nodes.parquet`` and ``edges.parquet`` back into the graph they were written from.

    Args:
        path: The folder holding both, or its ``nodes.parquet``.

    Returns:
        A ``MultiDiGraph`` equal to the one written: same nodes, edges, attributes and order.

    Raises:
        ExportError: A table is missing or is not one newsgraph wrote.
    """
    nodes_file = tables_path(path)
    if nodes_file is None:
        raise ExportError(
            f"{path}: no {NODES_FILENAME}; write the tables with `newsgraph build --engine dask`"
        )
    edges_file = nodes_file.with_name(EDGES_FILENAME)
    if not edges_file.is_file():
        raise ExportError(f"{edges_file}: missing; {NODES_FILENAME} needs it beside it")
    graph = nx.MultiDiGraph()
    graph.graph.update(graph_attrs(nodes_file))
    table = _read(nodes_file, ["id", "attrs"])
    graph.add_nodes_from(
        zip(
            table.column("id").to_pylist(),
            map(decode_attrs, table.column("attrs").to_pylist()),
            strict=True,
        )
    )
    del table
    table = _read(edges_file, ["source", "target", "kind", "attrs"])
    # most edges carry only their kind: decode each such text once (networkx copies the dict)
    flat: dict[str, dict[str, Any]] = {}

    def edge_attrs(text: str) -> dict[str, Any]:
        attrs = flat.get(text)
        if attrs is None:
            attrs = decode_attrs(text)
            if "[" not in text and text.count("{") == 1:
                flat[text] = attrs
        return attrs

    graph.add_edges_from(
        zip(
            table.column("source").to_pylist(),
            table.column("target").to_pylist(),
            table.column("kind").to_pylist(),
            map(edge_attrs, table.column("attrs").to_pylist()),
            strict=True,
        )
    )
    return graph
