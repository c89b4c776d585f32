"""HTML views: choosing what to draw, the layout, the page's safety in text, and the page itself in
a real browser (Debian's chromium through Playwright: offline, no errors, every node drawn, hover,
click, filters, search, and hostile titles that run nothing)."""

from __future__ import annotations

import base64
import hashlib
import json
import os
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

import newsgraph
from newsgraph.browser import CHROMIUM, launch_chromium
from newsgraph.cli import main
from newsgraph.errors import FocusError, InputError, ViewError
from newsgraph.export.html import header_lines, page_data, render_page, script_json, web_link
from newsgraph.export.html import write_view as write_page
from newsgraph.layout import force_layout
from newsgraph.model import Article, Provider
from newsgraph.views import DEFAULT_MAX_NODES, find_node, select_view

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
FR = "facial recognition regulation"

IMG_XSS = "<img src=x onerror=window.pwned=1;alert(1)>"
SCRIPT_XSS = "</script><script>window.pwned=2;alert(2)</script>"
SVG_XSS = "<svg onload=window.pwned=3>"
HOSTILE = (IMG_XSS, SCRIPT_XSS, SVG_XSS)


def hostile_graph() -> nx.MultiDiGraph:
    """Titles, excerpts, names, topics and URLs that would run script if shown as HTML."""
    listing = Article(
        "a.md",
        title=IMG_XSS,
        excerpt=SCRIPT_XSS + " \u2028 and \u2029 separators & <b>tags</b>",
        web_url="https://example.com/a",
        published_at=datetime(2021, 6, 23, 16, 4, tzinfo=timezone.utc),
        provider=Provider(SVG_XSS, "example.com"),
        topics=("<b>bold topic</b>", "AI"),
        related=(Article("a.md", title=SCRIPT_XSS, web_url="https://other.org/r", rank=1),),
    )
    plain = Article(
        "b.md",
        title="A plain title",
        web_url="https://example.org/b",
        published_at=datetime(2022, 1, 2, tzinfo=timezone.utc),
        provider=Provider("Plain News", "example.org"),
        topics=("AI",),
    )
    graph = newsgraph.build_graph(
        [listing, plain], built_at=datetime(2026, 1, 2, tzinfo=timezone.utc)
    )
    # a URL that is not http(s) must never become a link
    node = graph.nodes["article:https://example.org/b"]
    node["web_url"] = node["url"] = "javascript:window.pwned=4"
    return graph


def seed_graph() -> nx.MultiDiGraph:
    return newsgraph.build([ROOT / "seeds"]).graph


def random_graph(articles: int, seed: int = 1) -> nx.MultiDiGraph:
    """A newsgraph-shaped graph without the loading: articles, 40 providers, 30 topics, links."""
    import random

    rng = random.Random(seed)
    graph = nx.MultiDiGraph(inputs=[{"file": "synthetic/x.md"}])
    for p in range(40):
        graph.add_node(
            f"provider:p{p}.com", kind="provider", name=f"Provider {p}", domain=f"p{p}.com"
        )
    for t in range(30):
        graph.add_node(f"topic:t{t}", kind="topic", label=f"Topic {t}", labels=[f"Topic {t}"])
    for a in range(articles):
        node = f"article:https://p.com/{a}"
        when = datetime(2020, 1 + a % 12, 1 + a % 28, tzinfo=timezone.utc)
        graph.add_node(
            node, kind="article", title=f"Article {a} about things", url=node[8:], published_at=when
        )
        graph.add_edge(
            node,
            f"provider:p{int(rng.paretovariate(1.2)) % 40}.com",
            key="published_by",
            kind="published_by",
        )
        for t in {int(rng.paretovariate(1.0)) % 30 for _ in range(2)}:
            graph.add_edge(node, f"topic:t{t}", key="has_topic", kind="has_topic")
        if a and rng.random() < 0.3:
            graph.add_edge(
                node,
                f"article:https://p.com/{rng.randrange(a)}",
                key="related_to",
                kind="related_to",
                rank=1,
            )
    return graph


# -- what the page is made of --------------------------------------------------------------------


@given(st.text())
def test_script_json_cannot_end_the_script(text: str) -> None:
    encoded = script_json({"t": text})
    assert json.loads(encoded) == {"t": text}
    assert not set(encoded) & set("<>&\u2028\u2029")


@pytest.mark.parametrize(
    "url,link",
    [
        ("https://example.com/a?b=1", "https://example.com/a?b=1"),
        ("http://example.com", "http://example.com"),
        ("HTTPS://EXAMPLE.COM/", "HTTPS://EXAMPLE.COM/"),
        ("javascript:alert(1)", None),
        ("JavaScript:alert(1)", None),
        ("data:text/html,<script>alert(1)</script>", None),
        ("//example.com/a", None),
        ("https:///no-host", None),
        ("/relative/path", None),
        ("https://example.com/\nx", None),
        (None, None),
        (42, None),
    ],
)
def test_only_http_urls_become_links(url: object, link: str | None) -> None:
    assert web_link(url) == link


class _Elements(HTMLParser):
    """The page's elements and the text of its <script> and <style> elements."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.texts: list[tuple[str, dict[str, str | None], str]] = []
        self._open: tuple[str, dict[str, str | None]] | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag in ("script", "style"):
            self._open = (tag, dict(attrs))

    def handle_data(self, data: str) -> None:
        if self._open is not None:
            self.texts.append((*self._open, data))
            self._open = None


def parse_page(text: str) -> _Elements:
    parser = _Elements()
    parser.feed(text)
    return parser


def test_page_is_self_contained_and_locked_down() -> None:
    text = render_page(select_view(hostile_graph()))
    page = parse_page(text)
    for tag, attrs in page.tags:
        assert "src" not in attrs, f"<{tag} src=...> loads something"
        assert tag not in ("link", "img", "iframe", "object", "embed", "base"), tag
        assert not any(name.startswith("on") for name in attrs), f"<{tag}> has an event handler"
    assert re.findall(r"url\((?!\"?data:)", text) == [], "CSS loads something"
    assert "@import" not in text
    [policy] = [
        a["content"] for t, a in page.tags if a.get("http-equiv") == "Content-Security-Policy"
    ]
    assert policy is not None and "default-src 'none'" in policy
    assert "unsafe-inline" not in policy and "unsafe-eval" not in policy
    # every inline script and style is allowed by its hash, and only those
    inline = [
        (tag, body) for tag, attrs, body in page.texts if attrs.get("type") != "application/json"
    ]
    assert {tag for tag, _ in inline} == {"script", "style"}
    for _, body in inline:
        digest = base64.b64encode(hashlib.sha256(body.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy
    assert policy.count("'sha256-") == len(inline)


def test_hostile_text_only_travels_escaped() -> None:
    graph = hostile_graph()
    text = render_page(select_view(graph))
    for hostile in (*HOSTILE, "<b>bold topic</b>", "<b>tags</b>"):
        assert hostile not in text
    [data] = [
        body for _, attrs, body in parse_page(text).texts if attrs.get("id") == "newsgraph-data"
    ]
    nodes = json.loads(data)["nodes"]
    titles = {n["t"] for n in nodes}
    assert {IMG_XSS, SCRIPT_XSS, SVG_XSS} <= titles  # as text, unchanged
    assert "u" not in next(n for n in nodes if n["t"] == "A plain title")  # javascript: URL
    assert "javascript:window" not in data


def test_page_data_describes_every_node_and_edge() -> None:
    graph = seed_graph()
    data = page_data(select_view(graph))
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()
    article = next(n for n in data["nodes"] if n["k"] == "a" and "st" not in n)
    assert data["providers"][article["p"][0]] == "The Globe and Mail"
    assert [data["topics"][t] for t in article["tp"]] == ["AI", "Computer Vision"]
    assert article["u"].startswith("https://") and article["d"] == "2021-06-23T16:04Z"
    assert article["l"].endswith("\u2026") and len(article["l"]) <= 32
    provider = next(n for n in data["nodes"] if n["k"] == "p" and n["dom"] == "theglobeandmail.com")
    assert provider["n"] == 2 and provider["t"] == "The Globe and Mail"
    assert {data["edgeKinds"][e[2]] for e in data["edges"]} == {
        "published_by",
        "has_topic",
        "related_to",
    }


def test_page_is_the_same_every_time(tmp_path: Path) -> None:
    graph = seed_graph()
    newsgraph.EXPORTERS["html"].writer(graph, tmp_path / "a.html")
    newsgraph.EXPORTERS["html"].writer(graph, tmp_path / "b.html")
    assert (tmp_path / "a.html").read_bytes() == (tmp_path / "b.html").read_bytes()


def test_empty_and_one_node_graphs_have_pages() -> None:
    assert "0 nodes" in render_page(select_view(nx.MultiDiGraph()))
    graph = nx.MultiDiGraph()
    graph.add_node("topic:x", kind="topic", label="X")
    assert page_data(select_view(graph))["nodes"][0]["t"] == "X"


def test_write_failure_is_an_export_error(tmp_path: Path) -> None:
    with pytest.raises(newsgraph.ExportError, match="cannot write the page"):
        write_page(select_view(seed_graph()), tmp_path / "no" / "such" / "folder.html")


# -- choosing a view -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,node",
    [
        ("topic:ai", "topic:ai"),
        ("  computer VISION ", "topic:computer vision"),
        ("theglobeandmail.com", "provider:theglobeandmail.com"),
        ("https://www.theglobeandmail.com/some/page", "provider:theglobeandmail.com"),
        ("The Globe and Mail", "provider:theglobeandmail.com"),
        (
            "http://www.theglobeandmail.com/politics/article-civil-liberties-group-urges-liberal-"
            "party-to-stop-using-facial/?utm_source=x#top",
            "article:https://theglobeandmail.com/politics/article-civil-liberties-group-urges-"
            "liberal-party-to-stop-using-facial",
        ),
    ],
)
def test_around_finds_the_node(text: str, node: str) -> None:
    assert find_node(seed_graph(), text) == node


def test_around_something_unknown_says_what_would_do() -> None:
    with pytest.raises(ViewError, match=r"'nope' is not .*e\.g\. 'AI'.*theglobeandmail\.com"):
        find_node(seed_graph(), "nope")


def test_neighbourhood_depth() -> None:
    graph = seed_graph()
    one = select_view(graph, around="Computer Vision")
    assert set(one.graph) == {
        "topic:computer vision",
        *(
            n
            for n in graph
            if n.startswith("article:") and graph.has_edge(n, "topic:computer vision")
        ),
    }
    two = select_view(graph, around="Computer Vision", depth=2)
    assert set(one.graph) < set(two.graph)
    assert one.centre == "topic:computer vision" and "(depth 1)" in one.title


def test_cap_keeps_the_most_central_and_says_what_is_left_out() -> None:
    graph = random_graph(400)
    view = select_view(graph, max_nodes=100)
    assert view.graph.number_of_nodes() == 100
    assert view.left_out_nodes == graph.number_of_nodes() - 100
    assert sum(view.left_out.values()) == view.left_out_nodes
    degree = dict(graph.degree())
    assert min(degree[n] for n in view.graph) >= max(
        degree[n] for n in graph if n not in view.graph
    )
    text = header_lines(view)["left_out"]
    assert f"left out: {view.left_out_nodes:,} nodes" in text
    assert (
        "newsgraph viz --focus NAME" in text and "newsgraph viz --around URL|TOPIC|DOMAIN" in text
    )
    assert f"--max-nodes {graph.number_of_nodes()}." in text
    page = render_page(view)
    assert f"<code>--max-nodes {graph.number_of_nodes()}</code>" in page
    assert "<code>newsgraph viz --around URL|TOPIC|DOMAIN</code>" in page
    assert header_lines(select_view(graph))["left_out"] == "Nothing left out."


def test_neighbourhood_cap_keeps_the_nearest() -> None:
    graph = random_graph(400)
    view = select_view(graph, around="topic:t1", depth=2, max_nodes=50)
    assert "topic:t1" in view.graph and view.graph.number_of_nodes() == 50
    assert "the nearest, then the most central" in header_lines(view)["left_out"]


def test_pagerank_sizes_and_keeps_articles() -> None:
    graph = random_graph(400)
    view = select_view(graph, max_nodes=100, size_by="pagerank")
    assert view.size_by == "pagerank" and abs(sum(view.scores.values()) - 1) < 0.5
    kinds = {k for _, k in view.graph.nodes(data="kind")}
    assert kinds == {"article", "provider", "topic"}


@pytest.mark.parametrize(
    "options,message",
    [
        ({"around": "AI", "focus": object()}, "not both"),
        ({"max_nodes": 0}, "at least 1"),
        ({"around": "AI", "depth": 0}, "at least 1"),
        ({"size_by": "betweenness"}, "choose from degree, pagerank"),
    ],
)
def test_views_that_cannot_be_drawn(options: dict[str, Any], message: str) -> None:
    with pytest.raises(ViewError, match=message):
        select_view(seed_graph(), **options)


def test_focus_view() -> None:
    from newsgraph.analysis.focus import Focus

    graph = seed_graph()
    view = select_view(graph, focus=Focus("fr", '"facial recognition"'))
    articles = [n for n, k in view.graph.nodes(data="kind") if k == "article"]
    assert articles and all("acial" in graph.nodes[a]["title"] for a in articles)
    assert 'focus "fr"' in view.title
    with pytest.raises(ViewError, match="matches no article"):
        select_view(graph, focus=Focus("none", "zzzzqqq"))


# -- the layout ------------------------------------------------------------------------------------


def test_layout_is_repeatable_and_keeps_components_apart() -> None:
    graph = nx.Graph([(0, 1), (1, 2), (2, 0), (3, 4)])
    graph.add_node(5)
    first = force_layout(list(graph), graph.edges())
    assert first == force_layout(list(graph), list(graph.edges()))
    assert all(abs(v) < 1e6 for xy in first.values() for v in xy)

    def box(nodes: list[int]) -> tuple[float, float, float, float]:
        xs, ys = [first[n][0] for n in nodes], [first[n][1] for n in nodes]
        return min(xs), min(ys), max(xs), max(ys)

    boxes = [box([0, 1, 2]), box([3, 4]), box([5])]
    for i, a in enumerate(boxes):
        for b in boxes[i + 1 :]:
            assert a[2] < b[0] or b[2] < a[0] or a[3] < b[1] or b[3] < a[1], "components overlap"
    assert force_layout([], []) == {}


def test_layout_of_a_big_view_is_quick() -> None:
    graph = random_graph(1500)
    start = time.perf_counter()
    positions = force_layout(sorted(graph), graph.edges())
    assert len(positions) == graph.number_of_nodes()
    assert time.perf_counter() - start < 30  # about 2 s on the benchmark machine


# -- the command -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seed_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed-build")
    newsgraph.run_build([ROOT / "seeds"], out)
    return out


def test_build_writes_graph_html(seed_build: Path) -> None:
    text = (seed_build / "graph.html").read_text(encoding="utf-8")
    assert "newsgraph: the whole graph" in text and "7 nodes" in text


def test_viz_writes_the_view_next_to_the_graph(seed_build: Path) -> None:
    result = CliRunner().invoke(main, ["viz", "--graph", str(seed_build), "--around", "AI"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(f'wrote {seed_build / "view.html"}: around topic "AI"')
    page = (seed_build / "view.html").read_text(encoding="utf-8")
    assert '<h1 id="heading">newsgraph: around topic &quot;AI&quot; (depth 1)</h1>' in page


def test_viz_options(seed_build: Path, tmp_path: Path) -> None:
    out = tmp_path / "v.html"
    args = ["viz", "--graph", str(seed_build / "graph.json"), "--out", str(out), "--max-nodes", "3"]
    result = CliRunner().invoke(main, [*args, "--size-by", "pagerank"])
    assert result.exit_code == 0, result.output
    assert "3 nodes" in result.stdout and "4 left out" in result.stdout
    assert "size by pagerank" in out.read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "args,code,message",
    [
        (["--around", "nope"], 1, "Error: 'nope' is not an article URL, topic or provider"),
        (["--focus", "no such focus"], 1, "Error: no focus called 'no such focus'"),
        (["--focus", FR, "--around", "AI"], 2, "give --focus or --around, not both"),
        (["--depth", "2"], 2, "--depth goes with --around"),
        (["--max-nodes", "0"], 2, "0 is not in the range x>=1"),
    ],
)
def test_viz_errors(seed_build: Path, args: list[str], code: int, message: str) -> None:
    result = CliRunner().invoke(main, ["viz", "--graph", str(seed_build), *args])
    assert result.exit_code == code
    assert message in result.stderr


def test_viz_without_a_build(tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["viz", "--graph", str(tmp_path)])
    assert result.exit_code == 1
    assert "graph.json: no such file; run `newsgraph build` first" in result.stderr


def test_errors_are_newsgraph_errors() -> None:
    assert issubclass(ViewError, newsgraph.NewsgraphError)
    assert issubclass(FocusError, newsgraph.NewsgraphError)
    assert issubclass(InputError, newsgraph.NewsgraphError)


# -- in a real browser -----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not CHROMIUM.is_file():
        pytest.skip(f"no chromium at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        launched = launch_chromium(playwright)
        yield launched
        launched.close()


@dataclass
class Opened:
    """A page opened from disk with every request blocked and recorded."""

    page: Any
    url: str
    requests: list[str] = field(default_factory=list)  # every request but the page's own
    routed: list[str] = field(default_factory=list)  # those that got as far as the network
    refused: list[str] = field(default_factory=list)  # those the page's policy refused
    errors: list[str] = field(default_factory=list)
    dialogs: list[str] = field(default_factory=list)

    def js(self, expression: str, arg: Any = None) -> Any:
        return self.page.evaluate(expression, arg)

    def index_of(self, title: str) -> int:
        index: int = self.js("t => window.newsgraph.data.nodes.findIndex(n => n.t === t)", title)
        assert index >= 0, title
        return index

    def point(self, index: int) -> tuple[float, float]:
        point = self.js("i => window.newsgraph.pagePoint(i)", index)
        return point["x"], point["y"]


@pytest.fixture
def open_page(browser: Any) -> Iterator[Any]:
    contexts = []

    def opener(path: Path) -> Opened:
        context = browser.new_context(viewport={"width": 1280, "height": 800})
        contexts.append(context)
        page = context.new_page()
        opened = Opened(page, path.resolve().as_uri())

        def route(route: Any) -> None:
            if route.request.url == opened.url:
                route.continue_()
            else:
                opened.routed.append(route.request.url)
                route.abort()

        def failed(request: Any) -> None:
            if request.failure == "csp":
                opened.refused.append(request.url)

        page.route("**/*", route)
        page.on("request", lambda r: opened.requests.append(r.url) if r.url != opened.url else None)
        page.on("requestfailed", failed)
        page.on("console", lambda m: opened.errors.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: opened.errors.append(str(e)))
        page.on("dialog", lambda d: (opened.dialogs.append(d.message), d.dismiss()))
        page.goto(opened.url)
        page.wait_for_function("window.newsgraph && window.newsgraph.ready", timeout=60_000)
        return opened

    yield opener
    for context in contexts:
        context.close()


def assert_clean_and_complete(opened: Opened, graph: nx.MultiDiGraph) -> None:
    assert opened.requests == [] and opened.routed == [], "the page made requests"
    assert opened.errors == [], "the page logged errors"
    assert opened.dialogs == []
    drawn = opened.js("window.newsgraph.drawnNodes().length")
    assert drawn == opened.js("window.newsgraph.data.nodes.length") == graph.number_of_nodes()
    assert opened.js("window.newsgraph.drawnEdges().length") == graph.number_of_edges()
    summary = opened.page.inner_text("#summary")
    assert f"{graph.number_of_nodes():,} nodes" in summary


def test_seed_page_offline_and_complete(open_page: Any, seed_build: Path) -> None:
    opened = open_page(seed_build / "graph.html")
    assert_clean_and_complete(opened, seed_graph())
    assert opened.page.inner_text("#left-out") == "Nothing left out."
    assert opened.page.locator("#legend-nodes li").count() == 4  # article, stub, provider, topic


def test_hover_and_click_show_the_node(open_page: Any, seed_build: Path) -> None:
    graph = seed_graph()
    opened = open_page(seed_build / "graph.html")
    [article] = [n for n, d in graph.nodes(data=True) if d.get("stub") is False]
    title = graph.nodes[article]["title"]
    x, y = opened.point(opened.index_of(title))
    opened.page.mouse.move(x, y)
    opened.page.wait_for_selector("#tooltip:not([hidden])")
    assert opened.page.inner_text("#tooltip strong") == title
    assert "The Globe and Mail" in opened.page.inner_text("#tooltip span")
    opened.page.mouse.click(x, y)
    opened.page.wait_for_selector("#panel:not([hidden])")
    assert opened.page.inner_text("#panel h2") == title
    panel = opened.page.inner_text("#panel")
    assert "AI, Computer Vision" in panel and "2021-06-23" in panel
    link = opened.page.locator("#panel a")
    assert link.get_attribute("href").startswith("https://www.theglobeandmail.com/")
    assert link.get_attribute("rel") == "noopener noreferrer"
    opened.page.mouse.move(5, 5)
    opened.page.wait_for_selector("#tooltip", state="hidden")


def test_filters_hide_what_they_should(open_page: Any, tmp_path: Path) -> None:
    graph = random_graph(300)
    path = tmp_path / "random.html"
    write_page(select_view(graph), path)
    opened = open_page(path)

    def drawn() -> set[str]:
        script = "window.newsgraph.drawnNodes().map(i => window.newsgraph.data.nodes[i].t)"
        return set(opened.js(script))

    def text(node: str) -> str:
        data = graph.nodes[node]
        return str(data.get("title") or data.get("name") or data.get("label"))

    everything = drawn()
    assert everything == {text(n) for n in graph}
    providers = {text(n) for n, kind in graph.nodes(data="kind") if kind == "provider"}

    opened.page.uncheck("#kind-provider")
    assert drawn() == everything - providers
    status = f"Showing {len(everything) - len(providers)} of {len(everything)} nodes"
    assert opened.page.inner_text("#status") == status
    opened.page.click("#reset")
    assert drawn() == everything

    # a topic keeps its articles, with their providers and topics
    topic = opened.js("window.newsgraph.data.topics.indexOf('Topic 3')")
    opened.page.select_option("#topic-filter", value=str(topic))
    articles = {a for a, _ in graph.in_edges("topic:t3")}
    around = {v for a in articles for _, v in graph.out_edges(a) if not v.startswith("article:")}
    assert drawn() == {text(n) for n in articles | around}
    assert opened.js("window.newsgraph.drawnEdges().length") < graph.number_of_edges()
    opened.page.click("#reset")

    # dates: only the articles published in March 2020, with their providers and topics
    opened.page.fill("#date-from", "2020-03-01")
    opened.page.fill("#date-to", "2020-03-31")
    opened.page.dispatch_event("#date-to", "change")
    march = {
        n
        for n, d in graph.nodes(data=True)
        if d["kind"] == "article" and (d["published_at"].year, d["published_at"].month) == (2020, 3)
    }
    assert {t for t in drawn() if t.startswith("Article")} == {text(n) for n in march}


def test_search_finds_a_node(open_page: Any, seed_build: Path) -> None:
    opened = open_page(seed_build / "graph.html")
    opened.page.fill("#search", "globe and")
    opened.page.wait_for_selector("#search-results button")
    assert "The Globe and Mail" in opened.page.inner_text("#search-results")
    opened.page.press("#search", "Enter")
    opened.page.wait_for_selector("#panel:not([hidden])")
    assert opened.page.inner_text("#panel h2") == "The Globe and Mail"
    opened.page.fill("#search", "zzzz")
    assert opened.page.inner_text("#search-results") == "no node matches"


def test_hostile_titles_run_nothing(open_page: Any, tmp_path: Path) -> None:
    graph = hostile_graph()
    path = tmp_path / "hostile.html"
    newsgraph.EXPORTERS["html"].writer(graph, path)
    opened = open_page(path)
    assert_clean_and_complete(opened, graph)
    for title in (IMG_XSS, SCRIPT_XSS, SVG_XSS):
        x, y = opened.point(opened.index_of(title))
        opened.page.mouse.move(x, y)
        opened.page.wait_for_selector("#tooltip:not([hidden])")
        assert opened.page.inner_text("#tooltip strong") == title
        opened.page.mouse.click(x, y)
        opened.page.wait_for_selector("#panel:not([hidden])")
        assert opened.page.inner_text("#panel h2") == title
    opened.page.mouse.click(*opened.point(opened.index_of(IMG_XSS)))
    panel = opened.page.inner_text("#panel")
    assert SVG_XSS in panel and "<b>bold topic</b>" in panel and SCRIPT_XSS in panel
    opened.page.mouse.click(*opened.point(opened.index_of("A plain title")))
    assert "none (no http(s) URL)" in opened.page.inner_text("#panel")
    assert opened.page.locator("#panel a").count() == 0
    opened.page.fill("#search", "<img")
    opened.page.wait_for_selector("#search-results button")
    assert opened.page.locator("img, svg, #panel script, #search-results script").count() == 0
    assert opened.js("window.pwned === undefined")
    assert opened.dialogs == [] and opened.errors == [] and opened.requests == []


def test_the_policy_stops_injected_markup(open_page: Any, seed_build: Path) -> None:
    """The second wall: even markup that reached the DOM could neither run nor fetch."""
    opened = open_page(seed_build / "graph.html")
    injected = IMG_XSS + SVG_XSS + "<img src=https://example.com/tracker.png>"
    opened.js("html => document.body.insertAdjacentHTML('beforeend', html)", injected)
    opened.js(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.pwned = 5'; document.body.appendChild(s); }"
    )
    opened.page.wait_for_timeout(200)
    assert opened.js("window.pwned === undefined")
    assert opened.dialogs == [] and opened.routed == []
    assert (
        sorted(opened.requests)
        == sorted(opened.refused)
        == [
            (seed_build / "x").as_uri(),
            "https://example.com/tracker.png",
        ]
    )
    assert any("Content Security Policy" in error for error in opened.errors)


def test_a_capped_view_is_usable_quickly(open_page: Any, tmp_path: Path) -> None:
    graph = random_graph(2000)
    view = select_view(graph)
    assert view.graph.number_of_nodes() == DEFAULT_MAX_NODES
    path = tmp_path / "big.html"
    write_page(view, path)
    start = time.perf_counter()
    opened = open_page(path)
    assert time.perf_counter() - start < 10
    assert_clean_and_complete(opened, view.graph)
    assert "left out: " in opened.page.inner_text("#left-out")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_corpus_focus_page(open_page: Any, tmp_path: Path) -> None:
    from newsgraph.analysis.focus import get_focus, load_foci

    build = tmp_path / "build"
    newsgraph.run_build([CORPUS], build, formats=["json"])
    out = tmp_path / "fr.html"
    result = CliRunner().invoke(
        main, ["viz", "--graph", str(build), "--focus", FR, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    graph = newsgraph.read_json(build / "graph.json")
    view = select_view(graph, focus=get_focus(load_foci(), FR))
    opened = open_page(out)
    assert_clean_and_complete(opened, view.graph)
    assert f'focus "{FR}"' in opened.page.inner_text("#heading")


def _described_as_before(files: list[str]) -> str:
    """The view's corpus line as it was made before (os.path.commonpath over every file)."""
    try:
        common = os.path.commonpath(files)
    except ValueError:
        common = ""
    if len(files) == 1 or common in files:
        common = str(Path(common).parent)
    where = common or "."
    return f"{where} ({len(files)} file{'' if len(files) == 1 else 's'})"


# path components as the build records them (normalised: no empty, "." or ".." ones), with the
# characters that sort before "/" (so that a string's order is not its components' order)
_PART = st.text(alphabet="ab-.", min_size=1, max_size=3).filter(lambda p: p not in (".", ".."))


@given(
    st.lists(
        st.builds(
            lambda absolute, parts: ("/" if absolute else "") + "/".join(parts),
            st.booleans(),
            st.lists(_PART, min_size=1, max_size=4),
        ),
        min_size=1,
        max_size=8,
        unique=True,
    )
)
def test_corpus_line_names_the_files_common_folder(files: list[str]) -> None:
    """The view names the folder the inputs share from their folders (a million files took 10-15
    s through os.path.commonpath): the same line as from every file, for paths with dots and
    dashes (which sort before "/"), files inside other files' paths, mixed absolute and relative
    paths."""
    from newsgraph.views import _describe_inputs

    graph = nx.MultiDiGraph(inputs=[{"file": f} for f in files])
    assert _describe_inputs(graph) == _described_as_before(files)
