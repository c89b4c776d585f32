"""The graph as the analysis reads it: compact tables of articles, providers, topics and links.

A :class:`GraphIndex` holds, per article, its title, excerpt, date, providers and topics (as
integer positions), and the related links as pairs of positions. Every network the analysis ranks
over is counted from these tables directly, which is much faster than walking the full
``MultiDiGraph`` with all its attributes.

It is made from a graph (:meth:`GraphIndex.from_graph`) or read straight from a finished build's
``graph.json`` (:meth:`GraphIndex.read`), keeping only the fields the analysis needs: on a
100,000-article build that takes a second or two (msgspec decodes only those fields), where
building the whole NetworkX graph takes tens of seconds. A build of the dask engine, which writes
``nodes.parquet`` and ``edges.parquet`` instead of ``graph.json``, is read from those tables.
"""

from __future__ import annotations

import os
import weakref
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import msgspec

from newsgraph import __version__
from newsgraph.errors import AnalysisError

if TYPE_CHECKING:
    import networkx as nx

    from newsgraph.analysis.focus import FocusMatcher

__all__ = ["INDEX_CACHE", "GraphIndex", "graph_json_path", "index_for"]


@dataclass(eq=False)
class GraphIndex:
    """Articles, providers, topics and related links of one graph, as positions in lists.

    Attributes:
        articles: Article node ids; an article's position in this list is its number.
        titles, excerpts: Per article ("" when missing).
        published: Per article, the publication date-time, or ``None``.
        stubs: Per article, whether it is known only from related lists.
        article_providers, article_topics: Per article, the numbers of its providers and topics.
        providers: Provider node ids. ``provider_labels``: the preferred name, else the domain.
        provider_names: Per provider, every name and its domain, case-folded (for filters).
        topics: Topic node ids. ``topic_labels``: the preferred spelling.
        related: (listing article, listed article) pairs, one per ``related_to`` edge.
        base_iri: Where the graph's RDF exports mint IRIs.
        source: The file the index was read from ("" when made from a graph in memory).

    Example:
        >>> from newsgraph import build
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> len(index.articles), index.provider_labels, index.topic_labels
        (3, ['The National Law Review', 'The Globe and Mail'], ['AI', 'Computer Vision'])
    """

    articles: list[str] = field(default_factory=list)
    titles: list[str] = field(default_factory=list)
    excerpts: list[str] = field(default_factory=list)
    published: list[datetime | None] = field(default_factory=list)
    stubs: list[bool] = field(default_factory=list)
    article_providers: list[tuple[int, ...]] = field(default_factory=list)
    article_topics: list[tuple[int, ...]] = field(default_factory=list)
    providers: list[str] = field(default_factory=list)
    provider_labels: list[str] = field(default_factory=list)
    provider_names: list[frozenset[str]] = field(default_factory=list)
    topics: list[str] = field(default_factory=list)
    topic_labels: list[str] = field(default_factory=list)
    related: list[tuple[int, int]] = field(default_factory=list)
    base_iri: str | None = None
    source: str = ""
    _matcher: FocusMatcher | None = field(default=None, repr=False)
    _positions: dict[str, int] | None = field(default=None, repr=False)

    @classmethod
    def from_graph(cls, graph: nx.MultiDiGraph) -> GraphIndex:
        """The index of a graph in memory (:func:`newsgraph.build`, :func:`newsgraph.read_json`)."""
        builder = _Builder()
        for node, data in graph.nodes(data=True):
            builder.node(node, data)
        builder.edges(graph.edges(keys=True))
        return builder.finish(graph.graph.get("base_iri"), "")

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> GraphIndex:
        """The index of a finished build: an export folder (its ``graph.json``, else the
        ``nodes.parquet`` and ``edges.parquet`` of ``--engine dask``), a graph.json or a
        nodes.parquet.

        Raises:
            AnalysisError: There is no graph there, or it is not a newsgraph graph.
        """
        file = graph_json_path(path)
        cached = _read_cached(file)
        if cached is not None:
            return cached
        index = cls._read_tables(file) if file.suffix == ".parquet" else cls._read_json(file)
        index.save(file)
        return index

    def save(self, graph_file: str | os.PathLike[str]) -> None:
        """Keep this index beside ``graph_file`` (the graph.json or nodes.parquet it was made
        from; :data:`INDEX_CACHE`), so that the next :meth:`read` takes a second, not a minute.

        The cache records the file's size and modification time and is used only while both are
        unchanged. Nothing is kept when the folder cannot be written to.
        """
        file = Path(graph_file)
        target = file.parent / INDEX_CACHE
        try:
            stat = file.stat()
            stored = _Stored(
                _INDEX_SCHEMA,
                __version__,
                file.name,
                stat.st_size,
                stat.st_mtime_ns,
                *(getattr(self, name) for name in _STORED_FIELDS),
            )
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(f"{target.name}.{os.getpid()}.tmp")
            temporary.write_bytes(msgspec.msgpack.encode(stored))
            temporary.replace(target)
        except OSError:
            return

    @classmethod
    def _read_json(cls, file: Path) -> GraphIndex:
        try:
            data = file.read_bytes()
        except OSError as exc:
            raise AnalysisError(f"{file}: cannot read the graph ({exc.strerror or exc})") from None
        try:
            document = msgspec.json.decode(data, type=_Document)
        except msgspec.DecodeError as exc:
            raise AnalysisError(
                f"{file}: not a newsgraph graph.json ({exc}); rebuild it with `newsgraph build`"
            ) from None
        builder = _Builder()
        for node in document.nodes:
            builder.node(node.id, node)
        try:
            builder.edges(
                (e.source, e.target, e.key or e.kind) for e in document.edges or document.links
            )
        except KeyError as exc:
            raise AnalysisError(
                f"{file}: an edge names the node {exc}, which is not in the graph; rebuild it"
            ) from None
        return builder.finish(document.graph.base_iri, str(file))

    @classmethod
    def _read_tables(cls, file: Path) -> GraphIndex:
        from newsgraph.errors import ExportError
        from newsgraph.export.tables import graph_attrs, read_columns

        try:
            nodes = read_columns(file, ["id", "attrs"])
            edges = read_columns(file.with_name("edges.parquet"), ["source", "target", "kind"])
            base_iri = graph_attrs(file).get("base_iri")
            # one JSON array of every node's attributes: msgspec decodes only the fields used
            fields = msgspec.json.decode("[" + ",".join(nodes["attrs"]) + "]", type=list[_Fields])
        except (ExportError, msgspec.DecodeError) as exc:
            raise AnalysisError(f"{file}: not a newsgraph graph ({exc}); rebuild it") from None
        builder = _Builder()
        for node, data in zip(nodes["id"], fields, strict=True):
            builder.node(node, data)
        try:
            builder.edges(zip(edges["source"], edges["target"], edges["kind"], strict=True))
        except KeyError as exc:
            raise AnalysisError(
                f"{file}: an edge names the node {exc}, which is not in the graph; rebuild it"
            ) from None
        return builder.finish(base_iri, str(file))

    @property
    def matcher(self) -> FocusMatcher:
        """The full-text index of titles and excerpts (built on first use)."""
        if self._matcher is None:
            from newsgraph.analysis.focus import FocusMatcher

            self._matcher = FocusMatcher(self, kept=self.source or None)
        return self._matcher

    def position(self, article: str) -> int:
        """The number of an article node id."""
        if self._positions is None:
            self._positions = {a: i for i, a in enumerate(self.articles)}
        return self._positions[article]

    def days(self) -> list[date | None]:
        """Per article, the day it was published (UTC date of ``published``), or ``None``."""
        return [p.date() if p is not None else None for p in self.published]

    def topic_number(self, label: str) -> int:
        """The number of the topic with this label (any spelling; case does not matter).

        Raises:
            AnalysisError: No such topic; the message suggests the nearest labels.
        """
        from newsgraph.identify import topic_key

        wanted = f"topic:{topic_key(label)}"
        for number, node in enumerate(self.topics):
            if node == wanted:
                return number
        import difflib

        close = difflib.get_close_matches(label, self.topic_labels, n=3, cutoff=0.5)
        hint = f"; did you mean {', '.join(repr(c) for c in close)}?" if close else ""
        raise AnalysisError(
            f"no topic {label!r} in the graph ({len(self.topics)} topics){hint} "
            "`newsgraph central --of topics --measure degree --top 0` lists them all"
        )


class _Fields(msgspec.Struct, gc=False):
    """The node attributes the analysis uses; msgspec skips the others unparsed."""

    kind: str = ""
    title: str | None = None
    excerpt: str | None = None
    published_at: str | None = None
    stub: bool = False
    label: str | None = None
    name: str | None = None
    names: list[str] = msgspec.field(default_factory=list)
    domain: str | None = None

    def get(self, name: str, default: Any = None) -> Any:
        return getattr(self, name, default)


class _Node(_Fields, kw_only=True, gc=False):
    """A graph.json node: its id and the attributes the analysis uses."""

    id: str


class _Edge(msgspec.Struct, gc=False):
    source: str
    target: str
    key: str | None = None
    kind: str | None = None


class _Attrs(msgspec.Struct):
    base_iri: str | None = None


class _Document(msgspec.Struct):
    nodes: list[_Node]
    edges: list[_Edge] = msgspec.field(default_factory=list)
    links: list[_Edge] = msgspec.field(default_factory=list)  # node-link JSON before NetworkX 3.4
    graph: _Attrs = msgspec.field(default_factory=_Attrs)


# Where GraphIndex.save keeps an index, relative to the folder of the graph it was made from.
INDEX_CACHE = Path(".newsgraph-cache", "index.msgpack")
_INDEX_SCHEMA = "newsgraph-analysis-index/1"
_STORED_FIELDS = (
    "articles",
    "titles",
    "excerpts",
    "published",
    "stubs",
    "article_providers",
    "article_topics",
    "providers",
    "provider_labels",
    "provider_names",
    "topics",
    "topic_labels",
    "related",
    "base_iri",
)


class _Stored(msgspec.Struct, array_like=True, gc=False):
    """A saved :class:`GraphIndex`, with the stamp of the graph file it was made from."""

    schema: str
    version: str
    file: str
    size: int
    mtime_ns: int
    articles: list[str]
    titles: list[str]
    excerpts: list[str]
    published: list[datetime | None]
    stubs: list[bool]
    article_providers: list[tuple[int, ...]]
    article_topics: list[tuple[int, ...]]
    providers: list[str]
    provider_labels: list[str]
    provider_names: list[frozenset[str]]
    topics: list[str]
    topic_labels: list[str]
    related: list[tuple[int, int]]
    base_iri: str | None


def _read_cached(file: Path) -> GraphIndex | None:
    """The index saved beside ``file`` if it was made from ``file`` as it is now; else None."""
    try:
        stat = file.stat()
        stored = msgspec.msgpack.decode((file.parent / INDEX_CACHE).read_bytes(), type=_Stored)
    except (OSError, msgspec.DecodeError, msgspec.ValidationError):
        return None
    if (stored.schema, stored.version, stored.file, stored.size, stored.mtime_ns) != (
        _INDEX_SCHEMA,
        __version__,
        file.name,
        stat.st_size,
        stat.st_mtime_ns,
    ):
        return None
    index = GraphIndex(**{name: getattr(stored, name) for name in _STORED_FIELDS})
    index.source = str(file)
    return index


class _Builder:
    def __init__(self) -> None:
        self.index = GraphIndex()
        self.numbers: dict[str, int] = {}
        self.providers: dict[str, list[int]] = {}
        self.topics: dict[str, list[int]] = {}

    def node(self, node: str, data: Any) -> None:
        kind = data.get("kind")
        index = self.index
        if kind == "article":
            self.numbers[node] = len(index.articles)
            index.articles.append(node)
            index.titles.append(data.get("title") or "")
            index.excerpts.append(data.get("excerpt") or "")
            published = data.get("published_at")
            if isinstance(published, str):
                try:
                    published = datetime.fromisoformat(published)
                except ValueError:
                    published = None
            # in UTC, as days() promises (and as the kept index stores date-times)
            index.published.append(
                published.astimezone(timezone.utc)
                if isinstance(published, datetime) and published.tzinfo is not None
                else published
                if isinstance(published, datetime)
                else None
            )
            index.stubs.append(bool(data.get("stub")))
        elif kind == "provider":
            self.numbers[node] = len(index.providers)
            index.providers.append(node)
            key = node.split(":", 1)[1]
            label = data.get("name") or data.get("domain") or key.removeprefix("name:")
            index.provider_labels.append(label)
            names = {n.casefold() for n in (data.get("names") or []) if isinstance(n, str)}
            names.add(label.casefold())
            names.add(key.casefold())
            index.provider_names.append(frozenset(names))
        elif kind == "topic":
            self.numbers[node] = len(index.topics)
            index.topics.append(node)
            index.topic_labels.append(data.get("label") or node.split(":", 1)[1])

    def edges(self, edges: Iterable[tuple[str, str, str | None]]) -> None:
        numbers, providers, topics = self.numbers, self.providers, self.topics
        related = self.index.related
        for source, target, kind in edges:
            if kind == "published_by":
                providers.setdefault(source, []).append(numbers[target])
            elif kind == "has_topic":
                topics.setdefault(source, []).append(numbers[target])
            elif kind == "related_to":
                related.append((numbers[source], numbers[target]))

    def finish(self, base_iri: str | None, source: str) -> GraphIndex:
        index = self.index
        index.article_providers = [tuple(sorted(self.providers.get(a, ()))) for a in index.articles]
        index.article_topics = [tuple(sorted(self.topics.get(a, ()))) for a in index.articles]
        index.related.sort()
        index.base_iri = base_iri
        index.source = source
        return index


def graph_json_path(path: str | os.PathLike[str]) -> Path:
    """The graph.json of an export folder, else its nodes.parquet (``--engine dask``); or the
    file itself.

    Raises:
        AnalysisError: There is no such file.
    """
    file = Path(path)
    if file.is_dir():
        tables = file / "nodes.parquet"
        file = file / "graph.json"
        if not file.is_file() and tables.is_file():
            file = tables
    if not file.is_file():
        folder = file.parent if file.suffix == ".json" else file
        raise AnalysisError(
            f"{file}: no graph.json; build one with `newsgraph build PATHS --out {folder}` "
            "or point --graph at an export folder"
        )
    return file


_INDEXES: weakref.WeakKeyDictionary[nx.MultiDiGraph, tuple[tuple[int, int], GraphIndex]] = (
    weakref.WeakKeyDictionary()
)


def index_for(graph: nx.MultiDiGraph | GraphIndex) -> GraphIndex:
    """The :class:`GraphIndex` of a graph, made once and reused while the graph is unchanged."""
    if isinstance(graph, GraphIndex):
        return graph
    from newsgraph.graph import edge_count

    size = (graph.number_of_nodes(), edge_count(graph))
    cached = _INDEXES.get(graph)
    if cached is not None and cached[0] == size:
        return cached[1]
    index = GraphIndex.from_graph(graph)
    _INDEXES[graph] = (size, index)
    return index


def articles_by_number(index: GraphIndex, numbers: Iterable[int]) -> list[str]:
    """Sorted article node ids of article numbers."""
    return sorted(index.articles[n] for n in numbers)
