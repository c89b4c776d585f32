"""Analysis results as text: aligned tables for the terminal, CSV and JSON for other tools.

Every ``format_*`` function takes a result and a format name (:data:`TABLE_FORMATS`) and returns
the text to print. Tables carry a header saying what was ranked on which network and notes on how
(e.g. sampled betweenness); CSV and JSON carry the same rows with full precision.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Final, TypeVar, overload

from newsgraph.errors import AnalysisError

if TYPE_CHECKING:
    import pandas as pd

    from newsgraph.analysis.centrality import Ranking
    from newsgraph.analysis.communities import Communities
    from newsgraph.analysis.focus import Focus
    from newsgraph.analysis.trends import Trend
    from newsgraph.api import FocusArticles

__all__ = [
    "TABLE_FORMATS",
    "Records",
    "Rows",
    "format_communities",
    "format_foci",
    "format_focus_articles",
    "format_ranking",
    "format_trend",
    "text_table",
]

TABLE_FORMATS: Final = ("table", "csv", "json")

R = TypeVar("R")


class Records:
    """A result that gives its rows as flat dicts, and so as a ``pandas.DataFrame`` too."""

    def records(self) -> list[dict[str, Any]]:
        """The rows as flat dicts."""
        raise NotImplementedError

    def to_pandas(self) -> pd.DataFrame:
        """:meth:`records` as a ``pandas.DataFrame`` (needs pandas)."""
        try:
            import pandas as pd
        except ImportError:
            raise AnalysisError(
                "to_pandas needs pandas: pip install pandas (or use .records())"
            ) from None
        return pd.DataFrame.from_records(self.records())


class Rows(Sequence[R], Records):
    """A result that is a sequence of rows (those :meth:`_rows` returns)."""

    def _rows(self) -> tuple[R, ...]:
        raise NotImplementedError

    @overload
    def __getitem__(self, item: int) -> R: ...

    @overload
    def __getitem__(self, item: slice) -> Sequence[R]: ...

    def __getitem__(self, item: int | slice) -> R | Sequence[R]:
        return self._rows()[item]

    def __len__(self) -> int:
        return len(self._rows())

    def __iter__(self) -> Iterator[R]:
        return iter(self._rows())


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 1e15:
            return str(int(value))
        return f"{value:.4g}"
    return str(value)


def _shorten(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def text_table(rows: Sequence[Mapping[str, Any]], *, widest: int = 60) -> str:
    """Rows as aligned columns under a header line; numbers right-aligned.

    Example:
        >>> print(text_table([{"rank": 1, "label": "AI", "pagerank": 0.38801}]))
        rank  label  pagerank
        ----  -----  --------
           1  AI        0.388
    """
    if not rows:
        return "(no rows)"
    columns = list(rows[0])
    cells = [[_shorten(_cell(row.get(c)), widest) for c in columns] for row in rows]
    numeric = [
        all(isinstance(row.get(c), (int, float)) or row.get(c) is None for row in rows)
        for c in columns
    ]
    widths = [max(len(c), *(len(line[i]) for line in cells)) for i, c in enumerate(columns)]

    def line(values: Sequence[str]) -> str:
        parts = [
            v.rjust(w) if num else v.ljust(w)
            for v, w, num in zip(values, widths, numeric, strict=True)
        ]
        return "  ".join(parts).rstrip()

    out = [line(columns), line(["-" * w for w in widths])]
    out.extend(line(values) for values in cells)
    return "\n".join(out)


def _csv(rows: Sequence[Mapping[str, Any]]) -> str:
    buffer = io.StringIO()
    if rows:
        writer = csv.DictWriter(buffer, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows([{k: "" if v is None else v for k, v in row.items()} for row in rows])
    return buffer.getvalue()


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, indent=2) + "\n"


def _check(fmt: str) -> str:
    fmt = fmt.lower()
    if fmt not in TABLE_FORMATS:
        raise AnalysisError(f"unknown format {fmt!r}; choose from {', '.join(TABLE_FORMATS)}")
    return fmt


def format_ranking(ranking: Ranking, fmt: str = "table") -> str:
    """A centrality ranking as a table (with header and notes), CSV or JSON."""
    fmt = _check(fmt)
    records = ranking.records()
    if fmt == "csv":
        return _csv(records)
    if fmt == "json":
        return _json(
            {
                "of": ranking.of,
                "measures": list(ranking.measures),
                "network": ranking.network,
                "network_description": ranking.network_description,
                "selection": ranking.selection,
                "nodes": ranking.nodes,
                "edges": ranking.edges,
                "total": ranking.total,
                "notes": list(ranking.notes),
                "rows": records,
            }
        )
    shown = [{k: v for k, v in r.items() if k not in ("kind", "node")} for r in records]
    for record, row in zip(shown, ranking.rows, strict=True):
        if row.kind == "focus":
            record["label"] = f"{row.label} (focus)"
    lines = [ranking.header(), f"network: {ranking.network_description}", ""]
    lines.append(text_table(shown))
    lines.append("")
    lines.extend(ranking.notes)
    lines.append(f"{len(ranking.rows)} of {ranking.total} {ranking.of}")
    return "\n".join(lines) + "\n"


def format_trend(trend: Trend, fmt: str = "table") -> str:
    """A trend: a table of ranks (a column per window), or CSV/JSON rows (per window and node)."""
    fmt = _check(fmt)
    if fmt == "csv":
        return _csv(trend.records())
    if fmt == "json":
        return _json(
            {
                "of": trend.of,
                "measure": trend.measure,
                "network": trend.network,
                "window": trend.window,
                "selection": trend.selection,
                "windows": list(trend.windows),
                "articles": list(trend.articles),
                "undated": trend.undated,
                "rows": trend.records(),
            }
        )
    counts: dict[str, Any] = {"label": "(articles)", "overall": None}
    counts.update(dict(zip(trend.windows, trend.articles, strict=True)))
    lines = [
        f"rank of the top {trend.of} by {trend.measure} on the {trend.network} network of "
        f"{trend.selection}, per {trend.window}",
        "",
        text_table([*trend.table(), counts], widest=40),
    ]
    if trend.undated:
        lines.append(f"\n{trend.undated} articles without a date are in no {trend.window}")
    return "\n".join(lines) + "\n"


def format_communities(found: Communities, fmt: str = "table", *, members: int = 8) -> str:
    """Communities: per community its size, articles, most central labels and members."""
    fmt = _check(fmt)
    if fmt == "csv":
        return _csv(found.records())
    if fmt == "json":
        return _json(
            {
                "of": found.of,
                "network": found.network,
                "selection": found.selection,
                "modularity": found.modularity,
                "resolution": found.resolution,
                "seed": found.seed,
                "communities": [
                    {
                        "community": c.number,
                        "size": c.size,
                        "articles": c.articles,
                        "central": list(c.central()),
                        "members": list(c.labels),
                        "nodes": list(c.nodes),
                    }
                    for c in found
                ],
                "singletons": list(found.singletons),
            }
        )
    lines = [
        f"Louvain communities of {found.of} on the {found.network} network of "
        f"{found.selection} (resolution {found.resolution:g}, seed {found.seed}): "
        f"{len(found)} communities, modularity {found.modularity:.3f}",
    ]
    for c in found:
        lines.append("")
        lines.append(f"{c.number}. {c.size} {found.of}, {c.articles} articles")
        lines.append(f"   most central: {', '.join(c.central())}")
        rest = c.labels[:members]
        more = f" ... and {c.size - members} more" if c.size > members else ""
        lines.append(f"   members: {', '.join(rest)}{more}")
    if found.singletons:
        lines.append("")
        shown = ", ".join(found.singletons[:members])
        more = (
            f" ... and {len(found.singletons) - members} more"
            if len(found.singletons) > members
            else ""
        )
        lines.append(f"{len(found.singletons)} {found.of} linked to no other: {shown}{more}")
    return "\n".join(lines) + "\n"


def format_focus_articles(articles: FocusArticles, fmt: str = "table") -> str:
    """The articles of a focus: date, provider, title (and whether a stub)."""
    fmt = _check(fmt)
    records = articles.records()
    if fmt == "csv":
        return _csv(records)
    if fmt == "json":
        return _json({"focus": articles.focus.name, "query": articles.focus.query, "rows": records})
    focus = articles.focus
    rows = [
        {
            "published": r["published"][:10],
            "provider": r["provider"],
            "title": r["title"] + (" (stub)" if r["stub"] else ""),
        }
        for r in records
    ]
    lines = [f"focus {focus.name!r}: {' '.join(focus.query.split())}"]
    lines.extend(f"  {part}" for part in focus.filters())
    lines += ["", text_table(rows, widest=90), "", f"{len(rows)} articles"]
    stubs = sum(r["stub"] for r in records)
    if stubs:
        lines[-1] += f" ({stubs} known only from related lists: stubs)"
    return "\n".join(lines) + "\n"


def format_foci(foci: Mapping[str, Focus], fmt: str = "table") -> str:
    """The foci: name, query, filters and description."""
    fmt = _check(fmt)
    records = [
        {
            "name": f.name,
            "query": " ".join(f.query.split()),
            "filters": "; ".join(f.filters()),
            "description": " ".join(f.description.split()),
            "source": f.source,
        }
        for f in foci.values()
    ]
    if fmt == "csv":
        return _csv(records)
    if fmt == "json":
        return _json(records)
    sources = sorted({f.source for f in foci.values() if f.source})
    lines = [f"{len(foci)} foci in {', '.join(sources) or '(code)'}"]
    for record in records:
        lines.append("")
        lines.append(record["name"])
        if record["description"]:
            lines.append(f"  {record['description']}")
        lines.append(f"  query: {record['query']}")
        if record["filters"]:
            lines.append(f"  filters: {record['filters']}")
    return "\n".join(lines) + "\n"
