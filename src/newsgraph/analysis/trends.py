"""Centrality over time: the ranks of the top topics or providers, window by window.

The selected articles (a focus, a topic, or all) are split by publication date into windows
(month ``2020-06``, quarter ``2020-Q2``, year ``2020``; articles without a date are left out).
The top nodes are the best ``top`` by the measure over the whole period; in each window the same
network is counted over that window's articles and every node ranked again, so a line shows how a
node's place changed. A node with no article in a window has no rank there.

:meth:`Trend.plot` draws the chart (matplotlib, an optional dependency: ``pip install
newsgraph[analysis]``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from newsgraph.analysis import WINDOWS
from newsgraph.analysis.centrality import measure_name, rank
from newsgraph.analysis.focus import Focus
from newsgraph.analysis.index import GraphIndex
from newsgraph.analysis.networks import Selection, build_network, default_network
from newsgraph.analysis.tables import Records
from newsgraph.errors import AnalysisError

if TYPE_CHECKING:
    pass

__all__ = ["Series", "Trend", "trend", "window_end", "window_of", "window_start"]


def window_of(day: date | datetime, window: str) -> str:
    """The label of the window a day falls in.

    Example:
        >>> [window_of(date(2020, 6, 10), w) for w in ("month", "quarter", "year")]
        ['2020-06', '2020-Q2', '2020']
    """
    if window == "month":
        return f"{day.year}-{day.month:02d}"
    if window == "quarter":
        return f"{day.year}-Q{(day.month - 1) // 3 + 1}"
    if window == "year":
        return str(day.year)
    raise AnalysisError(f"unknown window {window!r}; choose from {', '.join(WINDOWS)}")


def window_start(label: str) -> date:
    """The first day of a window, from its label (``2020-Q2`` -> 2020-04-01)."""
    if "-Q" in label:
        year, quarter = label.split("-Q")
        return date(int(year), 3 * (int(quarter) - 1) + 1, 1)
    if "-" in label:
        year, month = label.split("-")
        return date(int(year), int(month), 1)
    return date(int(label), 1, 1)


def window_end(label: str) -> date:
    """The first day after a window (``2020-Q2`` -> 2020-07-01)."""
    start = window_start(label)
    if "-Q" in label:
        months = 3
    elif "-" in label:
        months = 1
    else:
        months = 12
    month = start.month - 1 + months
    return date(start.year + month // 12, month % 12 + 1, 1)


@dataclass(frozen=True)
class Series:
    """One top node over time: its label and, per window, its rank and score (or ``None``)."""

    node: str
    label: str
    overall_rank: int
    ranks: tuple[int | None, ...]
    scores: tuple[float | None, ...]


@dataclass(frozen=True)
class Trend(Records):
    """Ranks per window of the top nodes: a table, CSV rows, a chart.

    Attributes:
        windows: Window labels in time order (only windows with articles).
        articles: Per window, how many selected articles were published in it.
        series: The top nodes, best overall first.
        measure, of, network, window: What was ranked, on which network, by which window.
        selection: Which articles, in words.
        undated: How many selected articles have no date (and are in no window).
    """

    windows: tuple[str, ...]
    articles: tuple[int, ...]
    series: tuple[Series, ...]
    measure: str
    of: str
    network: str
    window: str
    selection: str
    undated: int = 0

    def records(self) -> list[dict[str, Any]]:
        """One row per window and top node: window, start, articles, label, rank, score, node."""
        rows = []
        for position, window in enumerate(self.windows):
            for series in self.series:
                rows.append(
                    {
                        "window": window,
                        "start": window_start(window).isoformat(),
                        "articles": self.articles[position],
                        "label": series.label,
                        "rank": series.ranks[position],
                        self.measure: series.scores[position],
                        "overall_rank": series.overall_rank,
                        "node": series.node,
                    }
                )
        return rows

    def table(self) -> list[dict[str, Any]]:
        """One row per top node: its label, overall rank, then its rank in each window."""
        return [
            {
                "label": s.label,
                "overall": s.overall_rank,
                **dict(zip(self.windows, s.ranks, strict=True)),
            }
            for s in self.series
        ]

    def title(self) -> str:
        """The chart's title."""
        return (
            f"Top {self.of} of {self.selection} by {self.measure} "
            f"({self.network} network), rank per {self.window}"
        )

    def plot(self, path: str | os.PathLike[str], *, dpi: int = 150) -> Path:
        """Draw the ranks over time as a PNG line chart: title, labelled axes, legend.

        The upper panel has one line per top node (rank 1 at the top, a gap where the node has
        no article; lines are shifted a little so that tied ranks stay visible); the lower panel
        the number of articles per window.

        Raises:
            AnalysisError: matplotlib is not installed, or there is nothing to draw.
        """
        try:
            import matplotlib

            matplotlib.use("Agg")
            import matplotlib.pyplot as plt
        except ImportError:
            raise AnalysisError(
                "the chart needs matplotlib: pip install 'newsgraph[analysis]' "
                "(the table and CSV do not)"
            ) from None
        if not self.windows or not self.series:
            raise AnalysisError(f"nothing to draw: no dated articles in {self.selection}")
        # every window from the first to the last, so that a line breaks where a window has no
        # article instead of bridging the gap
        windows = [self.windows[0]]
        while windows[-1] != self.windows[-1]:
            windows.append(window_of(window_end(windows[-1]), self.window))
        at = {w: i for i, w in enumerate(self.windows)}
        articles = [self.articles[at[w]] if w in at else 0 for w in windows]
        starts = [window_start(w) for w in windows]
        ends = [window_end(w) for w in windows]
        middles = [a + (b - a) / 2 for a, b in zip(starts, ends, strict=True)]
        figure, (top, bottom) = plt.subplots(
            2,
            1,
            figsize=(10, 6.2),
            sharex=True,
            gridspec_kw={"height_ratios": [4, 1.2]},
            layout="constrained",
        )
        markers = "os^Dv<>ph*"
        count = len(self.series)
        for number, series in enumerate(self.series):
            # tied ranks would hide one line behind another: shift each a little
            shift = (number - (count - 1) / 2) * min(0.08, 0.4 / max(count, 1))
            top.plot(
                middles,
                [
                    float("nan")
                    if w not in at or series.ranks[at[w]] is None
                    else series.ranks[at[w]] + shift  # type: ignore[operator]
                    for w in windows
                ],
                marker=markers[number % len(markers)],
                linewidth=1.8,
                markersize=6,
                label=f"{series.overall_rank}. {_shorten(series.label)}"
                + (" (focus)" if series.node.startswith("focus:") else ""),
            )
        worst = max((r for s in self.series for r in s.ranks if r is not None), default=1)
        top.set_ylim(worst + 0.5, 0.5)
        top.set_yticks(range(1, worst + 1))
        top.set_ylabel(f"rank by {self.measure} (1 = most central)")
        top.set_title(self.title(), fontsize=11)
        top.grid(True, alpha=0.3)
        top.legend(
            title=f"{self.of} (overall rank)",
            loc="upper left",
            bbox_to_anchor=(1.01, 1.0),
            fontsize=8,
            title_fontsize=9,
        )
        widths = [(b - a) * 0.8 for a, b in zip(starts, ends, strict=True)]
        bottom.bar(middles, articles, width=widths, color="0.6")
        bottom.set_ylabel("articles")
        bottom.set_xlabel(f"{self.window} of publication")
        bottom.grid(True, axis="y", alpha=0.3)
        if len(windows) <= 24:
            bottom.set_xticks(middles, labels=windows)
            if self.window != "year":
                bottom.tick_params(axis="x", labelrotation=45)
        out = Path(path)
        figure.savefig(out, dpi=dpi)
        plt.close(figure)
        return out


def _shorten(label: str, limit: int = 40) -> str:
    return label if len(label) <= limit else label[: limit - 1] + "…"


def trend(
    index: GraphIndex,
    selection: Selection,
    *,
    of: str = "topics",
    measure: str = "pagerank",
    window: str = "quarter",
    top: int = 5,
    network: str | None = None,
    foci: Mapping[str, Focus] | None = None,
) -> Trend:
    """Rank the top ``of`` nodes of a selection in each time window.

    Args:
        index: The graph's index.
        selection: The articles (:func:`newsgraph.analysis.networks.select`).
        of: ``topics`` or ``providers`` (or ``articles``).
        measure: The measure that ranks (see :data:`newsgraph.analysis.MEASURES`).
        window: ``month``, ``quarter`` or ``year``.
        top: How many nodes to follow: the best over the whole period.
        network: The network (default: as for a ranking of the selection,
            :func:`~newsgraph.analysis.networks.default_network`).
        foci: Foci to add as topic nodes to a co-occurrence network.

    Raises:
        AnalysisError: Unknown window or measure, or no dated article in the selection.

    Example:
        >>> from newsgraph import build
        >>> from newsgraph.analysis.networks import select
        >>> index = GraphIndex.from_graph(build(["seeds/"]).graph)
        >>> result = trend(index, select(index), of="providers", measure="degree", window="year")
        >>> result.windows, [(s.label, s.ranks) for s in result.series]
        (('2021',), [('The Globe and Mail', (1,)), ('The National Law Review', (1,))])
    """
    if window not in WINDOWS:
        raise AnalysisError(f"unknown window {window!r}; choose from {', '.join(WINDOWS)}")
    measure = measure_name(measure)
    name = network or default_network(of, selection)
    overall = rank(build_network(index, name, selection, of=of, foci=foci), measure, of=of, top=top)
    by_window: dict[str, list[int]] = {}
    undated = 0
    for article in selection.articles:
        published = index.published[article]
        if published is None:
            undated += 1
            continue
        by_window.setdefault(window_of(published, window), []).append(article)
    if not by_window:
        raise AnalysisError(
            f"no dated article to follow over time ({selection.description}: "
            f"{len(selection.articles)} articles)"
        )
    windows = sorted(by_window, key=window_start)
    ranks: dict[str, list[int | None]] = {row.node: [] for row in overall}
    values: dict[str, list[float | None]] = {row.node: [] for row in overall}
    for label in windows:
        part = replace(
            selection,
            articles=tuple(by_window[label]),
            description=f"{selection.description} in {label}",
        )
        ranking = rank(build_network(index, name, part, of=of, foci=foci), measure, of=of)
        found = {row.node: row for row in ranking}
        for node in ranks:
            row = found.get(node)
            ranks[node].append(row.rank if row else None)
            values[node].append(row.scores[measure] if row else None)
    return Trend(
        windows=tuple(windows),
        articles=tuple(len(by_window[w]) for w in windows),
        series=tuple(
            Series(row.node, row.label, row.rank, tuple(ranks[row.node]), tuple(values[row.node]))
            for row in overall
        ),
        measure=measure,
        of=of,
        network=name,
        window=window,
        selection=selection.description,
        undated=undated,
    )
