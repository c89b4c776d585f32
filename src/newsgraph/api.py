"""``newsgraph.open``: a finished build (or a graph in memory), opened for analysis.

One object holds the graph's index and the foci, and answers the questions of
:mod:`newsgraph.analysis` by name::

    g = newsgraph.open("exports/")
    g.focus("facial recognition regulation")          # the matching articles
    g.centrality(of="providers", measure="pagerank", focus="facial recognition regulation")
    g.trend("facial recognition regulation", window="year").plot("trend.png")
    g.communities()
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgraph.analysis.focus import Focus, focus_numbers, get_focus, load_foci, parse_day
from newsgraph.analysis.index import GraphIndex
from newsgraph.analysis.tables import Rows

if TYPE_CHECKING:
    import networkx as nx

    from newsgraph.analysis.centrality import Ranking
    from newsgraph.analysis.communities import Communities
    from newsgraph.analysis.networks import Selection
    from newsgraph.analysis.trends import Trend

__all__ = ["Analysis", "ArticleRow", "FocusArticles", "open", "parse_day"]


@dataclass(frozen=True)
class ArticleRow:
    """One article of a focus: id, date, provider, title, and whether it is a stub."""

    node: str
    published: datetime | None
    provider: str
    title: str
    stub: bool

    def as_dict(self) -> dict[str, Any]:
        """The row as a dict (the date as ISO 8601 text)."""
        return {
            "published": self.published.isoformat() if self.published else "",
            "provider": self.provider,
            "title": self.title,
            "stub": self.stub,
            "node": self.node,
        }


@dataclass(frozen=True)
class FocusArticles(Rows[ArticleRow]):
    """The articles matching a focus, newest first (undated last)."""

    focus: Focus
    rows: tuple[ArticleRow, ...]

    def _rows(self) -> tuple[ArticleRow, ...]:
        return self.rows

    @property
    def ids(self) -> list[str]:
        """The article node ids, sorted."""
        return sorted(row.node for row in self.rows)

    def records(self) -> list[dict[str, Any]]:
        """The rows as dicts."""
        return [row.as_dict() for row in self.rows]


class Analysis:
    """A graph opened for analysis: foci, centrality, trends, communities.

    Made by :func:`open`. ``index`` is the compact form of the graph the analysis counts from;
    ``graph`` the full ``MultiDiGraph`` (read from graph.json on first use when opened from a
    build); ``foci`` the foci by name.
    """

    def __init__(
        self,
        index: GraphIndex,
        foci: Mapping[str, Focus],
        graph: nx.MultiDiGraph | None = None,
    ) -> None:
        self.index = index
        self.foci = dict(foci)
        self._graph = graph

    def __repr__(self) -> str:
        where = f" from {self.index.source}" if self.index.source else ""
        return (
            f"<newsgraph.Analysis{where}: {len(self.index.articles)} articles, "
            f"{len(self.index.providers)} providers, {len(self.index.topics)} topics, "
            f"{len(self.foci)} foci>"
        )

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The full graph (read from the build's graph.json, or its Parquet tables, on first
        use)."""
        if self._graph is None:
            from newsgraph.views import read_graph

            self._graph = read_graph(self.index.source)
        return self._graph

    def get_focus(self, focus: str | Focus | FocusArticles) -> Focus:
        """A focus by name (see :attr:`foci`), or the focus given.

        Raises:
            FocusError: No focus of that name; the message lists the names.
        """
        if isinstance(focus, FocusArticles):
            return focus.focus
        if isinstance(focus, Focus):
            return focus
        return get_focus(self.foci, focus)

    def focus(self, focus: str | Focus) -> FocusArticles:
        """The articles matching a focus (by name, or a :class:`Focus`), newest first.

        Raises:
            FocusError: No such focus, or its query is malformed.
        """
        chosen = self.get_focus(focus)
        index = self.index
        rows = [
            ArticleRow(
                node=index.articles[n],
                published=index.published[n],
                provider="; ".join(index.provider_labels[p] for p in index.article_providers[n]),
                title=index.titles[n],
                stub=index.stubs[n],
            )
            for n in focus_numbers(index, chosen)
        ]
        rows.sort(key=lambda r: r.node)
        rows.sort(key=lambda r: r.published.timestamp() if r.published else float("-inf"))
        rows.reverse()
        return FocusArticles(chosen, tuple(rows))

    def select(
        self,
        focus: str | Focus | FocusArticles | None = None,
        *,
        topic: str | None = None,
        since: date | datetime | str | None = None,
        until: date | datetime | str | None = None,
    ) -> Selection:
        """The articles of a focus or a data topic (default: all), within a date range."""
        from newsgraph.analysis.networks import select

        return select(
            self.index,
            focus=self.get_focus(focus) if focus is not None else None,
            topic=topic,
            since=parse_day(since, "since"),
            until=parse_day(until, "until"),
        )

    def centrality(
        self,
        of: str = "topics",
        measure: str | Sequence[str] = "pagerank",
        *,
        focus: str | Focus | FocusArticles | None = None,
        topic: str | None = None,
        network: str | None = None,
        since: date | datetime | str | None = None,
        until: date | datetime | str | None = None,
        top: int | None = None,
    ) -> Ranking:
        """Rank topics, providers or articles by a centrality measure.

        Args:
            of: ``topics`` (foci included), ``providers`` or ``articles``.
            measure: One of :data:`newsgraph.analysis.MEASURES`, or several (the first ranks).
            focus: Count only a focus's articles (a name, a :class:`Focus`, or
                :meth:`focus`'s result).
            topic: Count only the articles of this data topic (instead of a focus).
            network: ``cooccurrence``, ``subgraph`` or ``links`` (default: the topic
                co-occurrence network for topics, the provider link network for providers; the
                focus subgraph with a focus or topic, and for articles).
            since, until: Count only the articles published on or between these days.
            top: Keep the best ``top`` rows (default: all).

        Returns:
            A :class:`~newsgraph.analysis.centrality.Ranking`: a sequence of rows with rank,
            label, scores and the figures that explain them; ``.to_pandas()`` gives a DataFrame.

        Raises:
            AnalysisError: An unknown name, a network that holds no such nodes, or a measure
                that is not defined on the network (the message says what to use instead).
            FocusError: No such focus, or a malformed query.

        Example:
            >>> import newsgraph
            >>> g = newsgraph.open(newsgraph.build(["seeds/"]).graph)
            >>> ranking = g.centrality(of="providers", measure="degree", focus="any AI")
            Traceback (most recent call last):
            ...
            newsgraph.errors.FocusError: no focus called 'any AI' in ...
            >>> ranking = g.centrality(of="providers", measure=["pagerank", "degree"])
            >>> [(row.rank, row.label, row.figures["articles"]) for row in ranking]
            [(1, 'The National Law Review', 1), (2, 'The Globe and Mail', 2)]
        """
        from newsgraph.analysis.centrality import rank
        from newsgraph.analysis.networks import build_network, default_network

        selection = self.select(focus, topic=topic, since=since, until=until)
        name = network or default_network(of, selection)
        built = build_network(self.index, name, selection, of=of, foci=self.foci)
        return rank(built, measure, of=of, top=top)

    def trend(
        self,
        focus: str | Focus | FocusArticles | None = None,
        *,
        topic: str | None = None,
        of: str = "topics",
        measure: str = "pagerank",
        window: str = "quarter",
        top: int = 5,
        network: str | None = None,
        since: date | datetime | str | None = None,
        until: date | datetime | str | None = None,
    ) -> Trend:
        """The ranks of the top ``of`` nodes per time window (see :mod:`~.analysis.trends`).

        ``.plot("trend.png")`` draws the chart, ``.records()`` gives CSV-ready rows.
        """
        from newsgraph.analysis.trends import trend

        selection = self.select(focus, topic=topic, since=since, until=until)
        return trend(
            self.index,
            selection,
            of=of,
            measure=measure,
            window=window,
            top=top,
            network=network,
            foci=self.foci,
        )

    def communities(
        self,
        focus: str | Focus | FocusArticles | None = None,
        *,
        topic: str | None = None,
        of: str = "topics",
        since: date | datetime | str | None = None,
        until: date | datetime | str | None = None,
        resolution: float = 1.0,
        seed: int | None = None,
    ) -> Communities:
        """Louvain communities of the topic or provider network (see :mod:`~.communities`)."""
        from newsgraph.analysis.centrality import SEED
        from newsgraph.analysis.communities import find_communities

        selection = self.select(focus, topic=topic, since=since, until=until)
        return find_communities(
            self.index,
            selection,
            of=of,
            foci=self.foci,
            resolution=resolution,
            seed=SEED if seed is None else seed,
        )

    def write_rdf(self, ranking: Ranking, path: str | os.PathLike[str]) -> Path:
        """Write a ranking's scores as Turtle under the graph's IRIs (see analysis/rdf.py)."""
        from newsgraph.analysis.rdf import write_ranking_rdf

        return write_ranking_rdf(ranking, path, base_iri=self.index.base_iri, foci=self.foci)


def open(
    source: str | os.PathLike[str] | nx.MultiDiGraph,
    *,
    foci: str | os.PathLike[str] | Mapping[str, Focus] | None = None,
) -> Analysis:
    """Open a finished build (or a graph in memory) for analysis.

    Args:
        source: An export folder (its graph.json, else the nodes.parquet and edges.parquet that
            ``newsgraph build --engine dask`` writes), a graph.json file, or a graph from
            :func:`newsgraph.build` / :func:`newsgraph.read_json`.
        foci: A foci TOML file, or foci by name (default: ``foci.toml`` in the current folder,
            else the set shipped with newsgraph).

    Returns:
        An :class:`Analysis`.

    Raises:
        AnalysisError: There is no graph.json there, or it cannot be read.
        FocusError: The foci file cannot be read, or a query in it is malformed.

    Example:
        >>> import newsgraph
        >>> g = newsgraph.open(newsgraph.build(["seeds/"]).graph)
        >>> "facial recognition regulation" in g.foci
        True
        >>> [row.title[:40] for row in g.focus("facial recognition regulation")]
        ['B.C. privacy commissioner considering in', 'City of Baltimore May Criminalize the Us']
    """
    if isinstance(source, (str, os.PathLike)):
        index = GraphIndex.read(source)
        graph = None
    else:
        index = GraphIndex.from_graph(source)
        graph = source
    chosen = foci if isinstance(foci, Mapping) else load_foci(foci)
    return Analysis(index, chosen, graph)
