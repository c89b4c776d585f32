"""The graph built from the seed and the real corpus: counts checked by hand, merges, provenance."""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given
from hypothesis import strategies as st

import newsgraph
from newsgraph.model import Article, Provider

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
SEED = ROOT / "seeds" / "000_ed631ec3a911a005.txt"

needs_corpus = pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")


@pytest.fixture(scope="module")
def seed_graph() -> nx.MultiDiGraph:
    return newsgraph.build([SEED]).graph


@pytest.fixture(scope="module")
def corpus_build() -> newsgraph.BuildResult:
    if not CORPUS.is_dir():
        pytest.skip("../shared/corpus is not here")
    return newsgraph.build([CORPUS])


def article(graph: nx.MultiDiGraph, url: str) -> dict:
    return graph.nodes[f"article:{url}"]


def test_seed_counts(seed_graph: nx.MultiDiGraph) -> None:
    assert newsgraph.count_kinds(seed_graph) == {
        "nodes": {"article": 3, "provider": 2, "topic": 2},
        "edges": {"published_by": 3, "has_topic": 2, "related_to": 2},
    }


def test_seed_article_carries_every_field(seed_graph: nx.MultiDiGraph) -> None:
    node = article(
        seed_graph,
        "https://theglobeandmail.com/politics/article-civil-liberties-group-urges-liberal-party-to-stop-using-facial",
    )
    assert node["title"].startswith("Civil liberties group urges Liberal Party")
    assert node["published_at"] == datetime(2021, 6, 23, 16, 4, tzinfo=timezone.utc)
    assert node["quality"] == 32
    assert "heat" not in node  # heat: -1 means no value
    assert node["published"] is False
    assert node["category"] == "news"
    assert node["type"] == "article"
    assert node["topics"] == ["Computer Vision", "AI"]
    assert node["images"][0] == {
        "url": node["images"][0]["url"],
        "width": 1200,
        "height": 845,
        "is_cached": True,
    }
    assert node["secured"].startswith("RS9aTZ7dHbR4")
    assert node["provider_name"] == "The Globe and Mail"
    assert node["stub"] is False
    assert node["sources"] == [{"file": "seeds/000_ed631ec3a911a005.txt", "role": "record"}] or (
        node["sources"][0]["role"] == "record"
    )


def test_seed_related_items_are_stubs_with_rank(seed_graph: nx.MultiDiGraph) -> None:
    related = sorted(
        (data["rank"], target)
        for _, target, key, data in seed_graph.edges(keys=True, data=True)
        if key == "related_to"
    )
    assert [rank for rank, _ in related] == [1, 2]
    natlaw = seed_graph.nodes[related[0][1]]
    assert natlaw["stub"] is True
    assert natlaw["provider_name"] == "The National Law Review"
    # the AMP and AMP-cache URLs are the same article as the webUrl
    assert natlaw["urls"] == [
        "https://natlawreview.com/article/city-baltimore-may-criminalize-use-facial-recognition-technologies-businesses"
    ]
    assert natlaw["cdn_amp_web_url"].startswith("https://www-natlawreview-com.cdn.ampproject.org/")


def test_seed_provenance(seed_graph: nx.MultiDiGraph) -> None:
    attrs = seed_graph.graph
    assert attrs["newsgraph_version"] == newsgraph.__version__
    assert datetime.fromisoformat(attrs["built_at"]).tzinfo is not None
    [source] = attrs["inputs"]
    assert source["file"].endswith("000_ed631ec3a911a005.txt")
    assert len(source["sha256"]) == 64


@needs_corpus
def test_corpus_counts(corpus_build: newsgraph.BuildResult) -> None:
    # Checked by hand: 75 files, 2 of them duplicates of others -> 73 full articles; 165 related
    # items name 156 further articles (5 related items are articles that also have their own file,
    # one reuters.com item is listed twice by the same file and by another). Every article names
    # its provider. 134 topic mentions less the 4 of the two duplicate files = 130 has_topic edges.
    # 165 related items less the reuters.com repeat within one file = 164 related_to edges.
    assert newsgraph.count_kinds(corpus_build.graph) == {
        "nodes": {"article": 229, "provider": 159, "topic": 13},
        "edges": {"published_by": 229, "has_topic": 130, "related_to": 164},
    }
    report = corpus_build.report
    assert report["files_seen"] == report["files_loaded"] == 75
    assert report["files_skipped"] == 0
    assert [p for p in report["problems"] if p["severity"] == "error"] == []
    assert report["merges"]["duplicates_merged"] == 2
    assert report["merges"]["stubs_completed"] == 5
    assert report["merges"]["self_links_dropped"] == 0


@needs_corpus
def test_corpus_duplicate_files_merge(corpus_build: newsgraph.BuildResult) -> None:
    g = corpus_build.graph
    infoq = article(g, "https://infoq.com/news/2019/12/google-cloud-automl")
    assert [Path(s["file"]).name[:10] for s in infoq["sources"]] == ["2019-12-24", "2019-12-25"]
    assert {s["role"] for s in infoq["sources"]} == {"record"}
    # the second file's differing values are kept, not dropped
    assert set(infoq["alternatives"]) >= {"published_at"}
    medium = article(
        g,
        "https://medium.com/trueface-ai/computer-vision-and-the-ccpa-what-you-need-to-know-928477de0601",
    )
    assert len(medium["sources"]) == 2
    assert "?source=topic_page" in medium["alternatives"]["web_url"][0]


@needs_corpus
def test_corpus_amp_variants_merge(corpus_build: newsgraph.BuildResult) -> None:
    g = corpus_build.graph
    # The Washington Post article: webUrl without, ampWebUrl with a trailing slash; listed as a
    # related item of another file with both. One node, completed by its own file.
    wapo = article(
        g,
        "https://washingtonpost.com/technology/2019/12/19/federal-study-confirms-racial-bias-many-facial-recognition-systems-casts-doubt-their-expanding-use",
    )
    assert [s["role"] for s in wapo["sources"]] == ["record", "related"]
    assert wapo["stub"] is False
    assert g.in_degree(f"article:{wapo['url']}") >= 1
    # medicalxpress: .amp and .html URLs of one record are one article
    xpress = [
        n
        for n, d in g.nodes(data=True)
        if d["kind"] == "article" and "2019-12-artificial-intelligence-tracks-leukemia" in n
    ]
    assert len(xpress) == 1


@needs_corpus
def test_corpus_washington_post_is_one_provider(corpus_build: newsgraph.BuildResult) -> None:
    g = corpus_build.graph
    wapo = g.nodes["provider:washingtonpost.com"]
    assert set(wapo["names"]) == {"The Washington Post", "Washington Post"}
    assert [n for n in g if n.startswith("provider:") and "washingtonpost" in n] == [
        "provider:washingtonpost.com"
    ]
    # a domain given as a URL path is reduced to its host, and a real name is preferred
    cbs = g.nodes["provider:cbsnews.com"]
    assert cbs["name"] == "CBS News"
    assert (
        "cbsnews.com/news/u-s-probing-autopilot-problems-on-765000-tesla-vehicles/"
        in cbs["domains"]
    )


@needs_corpus
def test_corpus_original_url_mismatch_stays_separate(corpus_build: newsgraph.BuildResult) -> None:
    g = corpus_build.graph
    aclu = article(
        g,
        "https://aclu.org/blog/privacy-technology/surveillance-technologies/amazons-face-recognition-falsely-matched-28",
    )
    assert aclu["original_url"] == "https://futurism.com/police-body-camera-facial-recognition"
    assert "article:https://futurism.com/police-body-camera-facial-recognition" not in g
    cbs = article(
        g, "https://cbsnews.com/news/u-s-probing-autopilot-problems-on-765000-tesla-vehicles"
    )
    assert "msn.com" in cbs["original_url"]
    assert not any("msn.com" in n for n in g)


@needs_corpus
def test_corpus_repeated_related_item_keeps_both_ranks(corpus_build: newsgraph.BuildResult) -> None:
    g = corpus_build.graph
    [data] = [
        d
        for u, v, k, d in g.edges(keys=True, data=True)
        if k == "related_to" and "reuters.com/article/us-amazon-com-facial" in v and "nytimes" in u
    ]
    assert data["rank"] == 4
    assert [s["rank"] for s in data["sources"]] == [4, 6]


def test_stub_completed_by_full_record_keeps_richest_values() -> None:
    full = Article(
        "b.md",
        title="Full title",
        excerpt="Full excerpt",
        web_url="https://x.com/story",
        provider=Provider("X", "x.com"),
        topics=("AI",),
    )
    listing = Article(
        "a.md",
        title="Listing",
        web_url="https://y.com/l",
        related=(
            Article("a.md", title="Stub title", amp_web_url="https://x.com/amp/story", rank=1),
        ),
    )
    g = newsgraph.build_graph([listing, full])
    node = g.nodes["article:https://x.com/story"]
    assert node["title"] == "Full title"
    assert node["alternatives"] == {"title": ["Stub title"]}
    assert node["stub"] is False
    assert g.graph["merges"]["stubs_completed"] == 1
    assert g.has_edge("article:https://y.com/l", "article:https://x.com/story", key="related_to")


def test_record_with_title_but_no_url_gets_a_stable_key() -> None:
    a = Article("a.md", title="Only a title", provider=Provider("X", "x.com"))
    g1 = newsgraph.build_graph([a])
    g2 = newsgraph.build_graph(
        [Article("b.md", title="only  a TITLE", provider=Provider("X", "x.com"))]
    )
    [n1] = [n for n, k in g1.nodes(data="kind") if k == "article"]
    [n2] = [n for n, k in g2.nodes(data="kind") if k == "article"]
    assert n1 == n2
    assert n1.startswith("article:urn:newsgraph:title:")


def test_build_time_honours_source_date_epoch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    g = newsgraph.build_graph([Article("a.md", web_url="https://x.com/a")])
    assert g.graph["built_at"] == "2023-11-14T22:13:20+00:00"


@needs_corpus
def test_records_handed_over_give_the_same_graph_and_report(
    corpus_build: newsgraph.BuildResult, monkeypatch: pytest.MonkeyPatch
) -> None:
    """keep_records=False (run_build's way, to spare memory): the same graph and report; every
    file is still listed with its status and problems, without its article."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    kept = newsgraph.build([CORPUS])
    released = newsgraph.build([CORPUS], keep_records=False)
    assert nx.utils.graphs_equal(kept.graph, released.graph)
    assert list(kept.graph.nodes(data=True)) == list(released.graph.nodes(data=True))
    assert list(kept.graph.edges(keys=True, data=True)) == list(
        released.graph.edges(keys=True, data=True)
    )
    assert kept.report == released.report
    assert released.loaded.articles == []
    assert [f.file for f in kept.loaded.files] == [f.file for f in released.loaded.files]
    for before, after in zip(kept.loaded.files, released.loaded.files, strict=True):
        assert after.loaded == before.loaded
        assert after.released == before.loaded and after.article is None
        assert after.problems == before.problems and after.sha256 == before.sha256
    assert kept.loaded.problems == released.loaded.problems


def _layout(graph: nx.MultiDiGraph) -> list:
    """Everything NetworkX holds of ``graph``, in its order: nodes, successors and predecessors
    with their keys and attributes."""
    return [
        list(graph.nodes(data=True)),
        [(n, [(v, list(k.items())) for v, k in graph.succ[n].items()]) for n in graph],
        [(n, [(u, list(k.items())) for u, k in graph.pred[n].items()]) for n in graph],
    ]


def _through_the_api(nodes: list, edges: list) -> nx.MultiDiGraph:
    graph = nx.MultiDiGraph()
    graph.add_nodes_from(nodes)
    for source, target, key, data in edges:
        graph.add_edge(source, target, key, **data)
    return graph


def test_fill_graph_lays_out_what_the_networkx_api_would() -> None:
    """fill_graph writes NetworkX's dictionaries directly: the same graph, in the same order, as
    add_nodes_from and add_edge, also in the cases build_graph never makes (a pair given twice
    with two keys, a key given twice, an end not a node, a self-loop, a node given twice)."""
    from newsgraph.graph import fill_graph

    nodes = [("b", {"kind": "x", "n": 1}), ("a", {}), ("c", {"kind": "y"}), ("b", {"m": 2})]
    edges = [
        ("b", "a", "k1", {"w": 1}),
        ("b", "c", "k1", {}),
        ("b", "a", "k2", {"w": 2}),
        ("a", "z", "k1", {"new": True}),  # z is not among the nodes
        ("c", "c", "self", {}),
        ("b", "a", "k1", {"w": 3}),  # the same key again: its attributes win
    ]
    filled = nx.MultiDiGraph()
    fill_graph(filled, [(n, dict(d)) for n, d in nodes], [(*e[:3], dict(e[3])) for e in edges])
    expected = _through_the_api(nodes, edges)
    assert _layout(filled) == _layout(expected)
    assert filled._succ["b"]["a"] is filled._pred["a"]["b"]  # one key dictionary, as in NetworkX
    assert filled.number_of_edges() == expected.number_of_edges() == 5
    filled.add_edge("z", "b", "late")  # and the graph goes on working as any other
    assert filled.has_edge("z", "b", "late") and filled.in_degree("b") == 1


def test_fill_graph_takes_only_an_empty_multidigraph() -> None:
    from newsgraph.graph import fill_graph

    with pytest.raises(ValueError, match="takes an empty"):
        fill_graph(nx.MultiDiGraph([("a", "b")]), [], [])
    with pytest.raises(ValueError, match="takes an empty"):
        fill_graph(nx.DiGraph(), [], [])


@needs_corpus
def test_corpus_graph_is_laid_out_as_the_networkx_api_would(
    corpus_build: newsgraph.BuildResult,
) -> None:
    """build_graph fills NetworkX's dictionaries directly; the API, given the same nodes and
    edges in the same order, makes the same graph in the same order."""
    graph = corpus_build.graph
    nodes = [(n, dict(d)) for n, d in graph.nodes(data=True)]
    edges = [(u, v, k, dict(d)) for u, v, k, d in graph.edges(keys=True, data=True)]
    assert _layout(graph) == _layout(_through_the_api(nodes, edges))


_TEXT = st.text(st.characters(exclude_categories=("Cs",)))  # (no lone surrogates: not UTF-8)
_ITEMS = st.lists(st.dictionaries(_TEXT, _TEXT | st.integers() | st.none(), max_size=4))


@given(
    files=_ITEMS,
    problems=_ITEMS,
    other=st.dictionaries(_TEXT, st.recursive(_TEXT | st.integers(), st.lists), max_size=3),
    chunk=st.integers(1, 4),
)
def test_the_report_is_written_as_json_dump_writes_it(
    tmp_path_factory: pytest.TempPathFactory,
    files: list[dict[str, object]],
    problems: list[dict[str, object]],
    other: dict[str, object],
    chunk: int,
) -> None:
    import json
    from unittest import mock

    from newsgraph import pipeline

    data = {**other, "files": files, "problems": problems}
    path = tmp_path_factory.mktemp("report") / "report.json"
    with mock.patch.object(pipeline, "_JSON_CHUNK", chunk):  # several chunks, and their joins
        pipeline._write_json(data, path, lists=("files", "problems"))
    assert path.read_bytes() == (json.dumps(data, ensure_ascii=False, indent=2) + "\n").encode()


def test_edge_count_is_number_of_edges(corpus_graph: nx.MultiDiGraph) -> None:
    from newsgraph.graph import edge_count

    edges = [("a", "b"), ("a", "b"), ("b", "a"), ("b", "b"), ("c", "a")]
    for kind in (nx.MultiDiGraph, nx.DiGraph, nx.MultiGraph, nx.Graph):
        graph = kind(edges)
        graph.add_node("alone")
        assert edge_count(graph) == graph.number_of_edges(), kind
        assert edge_count(graph.subgraph(["a", "b", "alone"])) == (
            graph.subgraph(["a", "b", "alone"]).number_of_edges()
        ), kind
        assert edge_count(kind()) == 0
    assert edge_count(corpus_graph) == corpus_graph.number_of_edges() > 0
    some = list(corpus_graph)[::3]
    assert edge_count(corpus_graph.subgraph(some)) == corpus_graph.subgraph(some).number_of_edges()


def test_gexf_of_nodes_without_edges_has_an_empty_edges_element(tmp_path: Path) -> None:
    from newsgraph.export import write_gexf

    graph = nx.MultiDiGraph()
    graph.add_node("article:a", kind="article")
    write_gexf(graph, tmp_path / "g.gexf")
    text = (tmp_path / "g.gexf").read_text()
    assert "<nodes>" in text and "<edges />" in text and "<edges>" not in text
    graph.add_edge("article:a", "article:a", key="related_to", kind="related_to")
    write_gexf(graph, tmp_path / "g.gexf")
    assert "<edges>" in (tmp_path / "g.gexf").read_text()
