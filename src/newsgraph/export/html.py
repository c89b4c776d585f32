"""``graph.html``: an interactive page of the graph that works offline and shows data as text.

The page draws a :class:`~newsgraph.views.View` with vis-network, the JavaScript library pyvis
wraps (the copy pyvis ships, so it is the version pyvis users know). pyvis' own page is not used:
even with ``cdn_resources="in_line"`` its template loads Bootstrap from a CDN, its
``add_node``/``from_nx`` path is quadratic, and its physics on thousands of nodes does not
settle for minutes. Instead:

- **Offline.** vis-network's JavaScript and CSS and the page's own are inlined; a
  Content-Security-Policy (``default-src 'none'``, scripts allowed only by their SHA-256 hash)
  forbids every request, so the page makes none, from disk or anywhere.
- **Safe.** The data travels as JSON in a ``<script type="application/json">`` block, with
  ``<``, ``>``, ``&``, U+2028 and U+2029 escaped (so no text can close the block), and the
  page's script shows it with ``textContent`` only, never as HTML. The header, written here,
  goes through :func:`html.escape`. Only ``http``/``https`` URLs become links. The CSP is a
  second wall: an injected inline script or event handler would not run.
- **Fast.** Positions come from :func:`newsgraph.layout.force_layout`, computed here with a fixed
  seed; vis-network's physics is off, so the page is usable as soon as it is drawn.

The page: node colour and shape by kind, size by centrality, short labels (the full text on
hover), edges styled by kind, a legend, a header saying what is shown and what was left out, a
side panel per node, filters by kind, topic, provider and date, and a search box. Its script
exposes ``window.newsgraph`` (the network, the data, ``drawnNodes()``, ``ready``) for tests.
"""

from __future__ import annotations

import base64
import functools
import hashlib
import html
import importlib.util
import json
import os
import re
from collections import Counter
from collections.abc import Mapping
from datetime import datetime, timezone
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final
from urllib.parse import urlsplit

from newsgraph import __version__
from newsgraph.errors import ExportError
from newsgraph.graph import ARTICLE, EDGE_KINDS, NODE_KINDS, PROVIDER, TOPIC

if TYPE_CHECKING:
    import networkx as nx

    from newsgraph.views import View

__all__ = [
    "EDGE_STYLES",
    "NODE_STYLES",
    "VIS_NETWORK_VERSION",
    "header_lines",
    "page_data",
    "page_summary",
    "render_page",
    "script_json",
    "web_link",
    "write_html",
    "write_view",
]

VIS_NETWORK_VERSION: Final = "9.1.2"
"""The vis-network build inlined into the pages, taken from the pyvis package."""

# Okabe-Ito colours: distinguishable with the common colour-vision deficiencies.
NODE_STYLES: Final[dict[str, dict[str, Any]]] = {
    ARTICLE: {"color": "#0072B2", "shape": "dot", "name": "article", "font": 12},
    "stub": {"color": "#8EC1E6", "shape": "dot", "name": "article known only from related lists"},
    PROVIDER: {"color": "#E69F00", "shape": "square", "name": "provider", "font": 14},
    TOPIC: {"color": "#009E73", "shape": "diamond", "name": "topic", "font": 24},
}
"""How each kind of node is drawn (vis-network shapes; ``stub``: a stub article)."""

EDGE_STYLES: Final[dict[str, dict[str, Any]]] = {
    "published_by": {"color": "rgba(213,143,0,0.55)", "dashes": False, "arrows": False},
    "has_topic": {"color": "rgba(0,158,115,0.55)", "dashes": True, "arrows": False},
    "related_to": {"color": "rgba(80,80,80,0.7)", "dashes": False, "arrows": True},
}
"""How each kind of edge is drawn: published_by solid, has_topic dashed (solid in views of more
than 10,000 edges, where dashes would make every redraw take a second), related_to arrows."""

_PIXELS_BETWEEN_NEIGHBOURS: Final = 80.0  # the median distance to the nearest node, on the page
_SMALL_PAGE: Final = (800.0, 520.0)  # the least width and height a layout is spread over, pixels
_MAX_DASHED_EDGES: Final = 10_000  # above this, has_topic edges are drawn solid
_LABEL_LENGTH: Final = 32
_EXCERPT_LENGTH: Final = 320
_MAX_NAMES: Final = 12
# The commands the header suggests (its own text, never data), set as code.
_COMMAND: Final = re.compile(r"(?:newsgraph viz )?--[a-z-]+ (?:[A-Z|]+|\d+)")
_SCRIPT_ESCAPES: Final = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(data: Any) -> str:
    """``data`` as JSON that is safe inside an HTML ``<script>`` element.

    ``<``, ``>`` and ``&`` (so nothing can close the element or open a comment) and the line
    separators U+2028 and U+2029 are written as ``\\u`` escapes; they only occur inside strings,
    so the JSON means the same.

    Example:
        >>> script_json({"title": "</script><script>alert(1)</script>"})
        '{"title":"\\\\u003c/script\\\\u003e\\\\u003cscript\\\\u003ealert(1)\\\\u003c/script\\\\u003e"}'
    """
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _SCRIPT_ESCAPES[m.group()], text)


def web_link(url: object) -> str | None:
    """``url`` if it is an absolute http(s) URL with a host, else ``None`` (never a link).

    Example:
        >>> web_link("https://example.com/a"), web_link("javascript:alert(1)")
        ('https://example.com/a', None)
    """
    if not isinstance(url, str):
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return None
    return None if any(c in url for c in "\n\r\t") else url


def _short(text: str, limit: int = _LABEL_LENGTH) -> str:
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,;:-") + "\u2026"


def _when(value: object) -> str | None:
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value.isoformat()
        return value.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%MZ")
    return value if isinstance(value, str) and value else None


def _plural(count: int, noun: str) -> str:
    return f"{count:,} {noun}{'' if count == 1 else 's'}"


def _by_kind(counts: Mapping[str, int], kinds: tuple[str, ...]) -> str:
    def one(kind: str) -> str:
        count = counts.get(kind, 0)
        return _plural(count, kind) if kind in NODE_KINDS else f"{count:,} {kind}"

    return ", ".join(one(kind) for kind in kinds)


def header_lines(view: View) -> dict[str, str]:
    """The header's text (plain; escaped where it is written): heading, summary and left-out."""
    from newsgraph.graph import count_kinds

    counts = count_kinds(view.graph)
    nodes, edges = view.graph.number_of_nodes(), view.graph.number_of_edges()
    summary = (
        f"{view.corpus}"
        + (f", built {view.built_at}" if view.built_at else "")
        + f" \u00b7 {_plural(nodes, 'node')} ({_by_kind(counts['nodes'], NODE_KINDS)})"
        + f" \u00b7 {_plural(edges, 'edge')} ({_by_kind(counts['edges'], EDGE_KINDS)})"
        + f" \u00b7 size by {view.size_by}"
    )
    if view.left_out_nodes:
        order = "the nearest, then the most central" if view.centre else "the most central"
        left_out = (
            f"Showing {order} {nodes:,} of {view.selected_nodes:,} nodes (by {view.size_by}, "
            f"--max-nodes {view.max_nodes:,}); left out: {_plural(view.left_out_nodes, 'node')} "
            f"({_by_kind(view.left_out, NODE_KINDS)}) and "
            f"{_plural(view.selected_edges - edges, 'edge')}. To see them, draw a part of the "
            "graph with newsgraph viz --focus NAME or newsgraph viz --around URL|TOPIC|DOMAIN, "
            f"or all of it with --max-nodes {view.selected_nodes}."
        )
    else:
        left_out = "Nothing left out."
    return {"heading": f"newsgraph: {view.title}", "summary": summary, "left_out": left_out}


def _positions(view: View) -> dict[str, tuple[float, float]]:
    import numpy as np

    from newsgraph.layout import force_layout, median_spacing

    nodes = sorted(view.graph)
    raw = force_layout(nodes, ((u, v) for u, v in view.graph.edges()))
    if len(raw) < 2:
        return dict.fromkeys(nodes, (0.0, 0.0))
    points = np.array([raw[n] for n in nodes])
    scale = _PIXELS_BETWEEN_NEIGHBOURS / max(median_spacing(points), 1e-6)
    # A small graph spreads over the page instead (vis-network does not zoom in past 1:1)
    width, height = np.ptp(points, axis=0)
    scale = max(scale, min(_SMALL_PAGE[0] / max(width, 1e-6), _SMALL_PAGE[1] / max(height, 1e-6)))
    return {n: (round(raw[n][0] * scale, 1), round(raw[n][1] * scale, 1)) for n in nodes}


def page_data(view: View) -> dict[str, Any]:
    """What the page's script draws: styles, the topic and provider tables, nodes and edges.

    Nodes are listed least central first (so the most central are drawn on top); each is a
    mapping with ``k`` (kind: ``a``, ``p``, ``t``), ``x``, ``y``, ``s`` (size), ``f`` (font size),
    ``l`` (short label), ``t`` (full text) and per kind: for articles ``p`` and ``tp`` (indexes into
    ``providers`` and ``topics``), ``d`` (published, UTC), ``u`` (http(s) link), ``e`` (excerpt),
    ``st`` (1 for a stub); for providers ``pi``, ``names``, ``dom``, ``n`` (articles in the graph);
    for topics ``ti``, ``names`` (spellings), ``n``. Edges are ``[from, to, kind]`` indexes.
    """
    graph = view.graph
    positions = _positions(view)
    top = max(view.scores.values(), default=0.0) or 1.0
    order = sorted(graph, key=lambda n: (view.scores.get(n, 0.0), n))
    number = {node: i for i, node in enumerate(order)}
    referenced = sorted({m for ms in view.memberships.values() for m in ms})
    tables: dict[str, list[str]] = {PROVIDER: [], TOPIC: []}
    slot: dict[str, int] = {}
    labels = {n: view.labels.get(n, n) for n in referenced}
    for node in sorted(referenced, key=lambda n: (labels[n].casefold(), n)):
        kind = PROVIDER if node.startswith(f"{PROVIDER}:") else TOPIC
        slot[node] = len(tables[kind])
        tables[kind].append(labels[node])
    for node, kind in graph.nodes(data="kind"):
        if kind in (PROVIDER, TOPIC) and node not in slot:
            slot[node] = len(tables[kind])
            tables[kind].append(_text(graph.nodes[node], node))
    nodes = []
    for node in order:
        attrs = graph.nodes[node]
        kind = attrs.get("kind", ARTICLE)
        style = NODE_STYLES.get(kind, NODE_STYLES[ARTICLE])
        size = 6 + 26 * (view.scores.get(node, 0.0) / top) ** 0.5
        text = _text(attrs, node)
        x, y = positions[node]
        entry: dict[str, Any] = {
            "k": kind[0],
            "x": x,
            "y": y,
            "s": round(size, 1),
            "f": round(max(style.get("font", 12), 10 + size * 0.35), 1),
            "l": _short(text),
            "t": text,
        }
        if kind == ARTICLE:
            _article_entry(entry, attrs, view.memberships.get(node, ()), slot)
        elif kind in (PROVIDER, TOPIC):
            entry["pi" if kind == PROVIDER else "ti"] = slot[node]
            names = attrs.get("names") or attrs.get("labels") or []
            entry["names"] = [str(n) for n in names[:_MAX_NAMES]]
            if kind == PROVIDER and isinstance(attrs.get("domain"), str):
                entry["dom"] = attrs["domain"]
            entry["n"] = view.article_counts.get(node, 0)
        nodes.append(entry)
    kinds = list(EDGE_STYLES)
    edges = sorted(
        (number[u], number[v], kinds.index(k) if k in kinds else 0)
        for u, v, k in graph.edges(keys=True)
    )
    styles = [dict(EDGE_STYLES[k]) for k in kinds]
    if len(edges) > _MAX_DASHED_EDGES:  # dashes cost a browser most of its drawing time
        for style in styles:
            style["dashes"] = False
    return {
        "nodeStyles": NODE_STYLES,
        "edgeKinds": kinds,
        "edgeStyles": styles,
        "providers": tables[PROVIDER],
        "topics": tables[TOPIC],
        "nodes": nodes,
        "edges": [list(e) for e in edges],
        "centre": number.get(view.centre) if view.centre else None,
    }


def _text(attrs: Mapping[str, Any], node: str) -> str:
    for name in ("title", "name", "label", "url", "domain"):
        value = attrs.get(name)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    return node.split(":", 1)[-1]


def _article_entry(
    entry: dict[str, Any], attrs: Mapping[str, Any], members: tuple[str, ...], slot: dict[str, int]
) -> None:
    providers = [slot[m] for m in members if m.startswith(f"{PROVIDER}:") and m in slot]
    topics = [slot[m] for m in members if m.startswith(f"{TOPIC}:") and m in slot]
    if providers:
        entry["p"] = providers
    elif isinstance(attrs.get("provider_name"), str):
        entry["pn"] = attrs["provider_name"]
    if topics:
        entry["tp"] = sorted(topics)
    when = _when(attrs.get("published_at"))
    if when:
        entry["d"] = when
    link = web_link(attrs.get("web_url")) or web_link(attrs.get("url"))
    if link:
        entry["u"] = link
    excerpt = attrs.get("excerpt")
    if isinstance(excerpt, str) and excerpt.strip():
        entry["e"] = _short(excerpt, _EXCERPT_LENGTH)
    if attrs.get("stub"):
        entry["st"] = 1


@functools.lru_cache(maxsize=1)
def _vis_network() -> tuple[str, str]:
    """vis-network's JavaScript and CSS, from the installed pyvis package (not imported)."""
    spec = importlib.util.find_spec("pyvis")  # finding it does not run pyvis (nor IPython)
    locations = list(spec.submodule_search_locations or []) if spec else []
    for location in locations:
        for folder in ("templates/lib", "lib"):
            base = Path(location) / folder / f"vis-{VIS_NETWORK_VERSION}"
            if (base / "vis-network.min.js").is_file():
                js = (base / "vis-network.min.js").read_text(encoding="utf-8")
                css = (base / "vis-network.css").read_text(encoding="utf-8")
                return _inlinable(js, "script", base), _inlinable(css, "style", base)
    raise ExportError(
        f"cannot find vis-network {VIS_NETWORK_VERSION} in the pyvis package; "
        'install or repair it with: pip install "pyvis>=0.3.2"'
    )


def _inlinable(text: str, element: str, where: Path) -> str:
    lowered = text.lower()
    if f"</{element}" in lowered or "<!--" in lowered:
        raise ExportError(f"{where}: cannot be inlined safely (it contains </{element} or <!--)")
    return text


@functools.lru_cache(maxsize=1)
def _page_assets() -> tuple[str, str, str]:
    folder = resources.files("newsgraph.export").joinpath("html_page")
    return tuple(  # type: ignore[return-value]
        folder.joinpath(name).read_text(encoding="utf-8")
        for name in ("page.html", "page.css", "page.js")
    )


def _digest(text: str) -> str:
    """The CSP source that allows an inline element with exactly this text."""
    digest = hashlib.sha256(text.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode()}'"


def render_page(view: View) -> str:
    """The HTML page of ``view``, complete in one string."""
    template, page_css, page_js = _page_assets()
    vis_js, vis_css = _vis_network()
    scripts = (vis_js, page_js)
    styles = (vis_css, page_css)
    policy = "; ".join(
        [
            "default-src 'none'",
            "script-src " + " ".join(_digest(s) for s in scripts),
            "style-src " + " ".join(_digest(s) for s in styles),
            "img-src data:",
            "base-uri 'none'",
            "form-action 'none'",
        ]
    )
    text = header_lines(view)
    values = {
        "policy": html.escape(policy),
        "version": html.escape(__version__),
        "title": html.escape(text["heading"]),
        "heading": html.escape(text["heading"]),
        "summary": html.escape(text["summary"]),
        "left_out": _COMMAND.sub(r"<code>\g<0></code>", html.escape(text["left_out"])),
        "left_out_class": "left-out" if view.left_out_nodes else "left-out none",
        "vis_css": vis_css,
        "page_css": page_css,
        "data": script_json(page_data(view)),
        "vis_js": vis_js,
        "page_js": page_js,
    }
    return re.sub(r"@@(\w+)@@", lambda m: values[m.group(1)], template)


def write_view(view: View, path: str | os.PathLike[str]) -> None:
    """Write the page of ``view`` to ``path`` (UTF-8), replacing it only once complete.

    Raises:
        ExportError: The page cannot be written (the message says why).
    """
    target = Path(path)
    temporary = target.with_name(target.name + ".part")
    try:
        temporary.write_text(render_page(view), encoding="utf-8")
        temporary.replace(target)
    except OSError as exc:
        temporary.unlink(missing_ok=True)
        raise ExportError(f"{target}: cannot write the page ({exc.strerror or exc})") from exc


def write_html(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write the page of the whole graph, its most central nodes above the default cap."""
    from newsgraph.views import select_view

    write_view(select_view(graph), path)


def page_summary(view: View) -> str:
    """One line for the terminal: what the page shows."""
    counts = Counter(kind for _, kind in view.graph.nodes(data="kind"))
    shown = _by_kind(counts, NODE_KINDS)
    left = f"; {view.left_out_nodes:,} left out" if view.left_out_nodes else ""
    return f"{view.title}: {view.graph.number_of_nodes():,} nodes ({shown}){left}"
