"""Every exporter in the registry writes a file that reads back: losslessly where the format allows,
and through a third-party reader otherwise. Adding a format without a test here fails."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path

import networkx as nx
import pytest

import newsgraph
from newsgraph.export import EXPORTERS, get_exporter
from newsgraph.model import Article, Image, Provider

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)


def read_graphml_networkx(path: Path) -> nx.MultiDiGraph:
    return nx.read_graphml(path, force_multigraph=True)


def read_gexf_networkx(path: Path) -> nx.MultiDiGraph:
    return nx.MultiDiGraph(nx.read_gexf(path))


# Formats that cannot hold our values as they are: read by another tool, attributes flattened.
THIRD_PARTY_READERS: dict[str, Callable[[Path], nx.MultiDiGraph]] = {
    "graphml": read_graphml_networkx,
    "gexf": read_gexf_networkx,
}


def tricky_graph() -> nx.MultiDiGraph:
    """A graph with every kind of value an export must carry, including hostile text."""
    listing = Article(
        "a.md",
        title='Quotes "double", <b>tags</b> & ampersands \x01 control',
        excerpt="Unicode: 中国日报网 아크로팬 \u2013 \u201ccurly\u201d",
        published_at=datetime(2021, 6, 23, 16, 4, tzinfo=timezone.utc),
        web_url="https://example.com/a?b=2&a=1",
        quality=32,
        heat=7,
        published=True,
        provider=Provider("Example", "example.com", (Image("https://example.com/logo.png", 10),)),
        topics=("AI", "Computer Vision"),
        images=(Image("https://example.com/i.jpg", 1200, 845, "t", True, {"alt": "x"}),),
        related=(
            Article("a.md", title="Related", web_url="https://other.org/r", rank=1),
            Article("a.md", title="Related again", web_url="https://other.org/r", rank=3),
        ),
        secured="opaque==",
        extra={"unknownKey": {"nested": [1, 2.5, None, True]}},
    )
    duplicate = Article(
        "b.md",
        title="Other title",
        published_at=datetime(2021, 6, 24, 9, 0, tzinfo=timezone.utc),
        web_url="https://www.example.com/a/?a=1&b=2&utm_source=x",
    )
    return newsgraph.build_graph([listing, duplicate], built_at=WHEN)


def assert_equal_graphs(expected: nx.MultiDiGraph, actual: nx.MultiDiGraph) -> None:
    assert actual.graph == expected.graph
    assert list(actual.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(actual.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))


def check_void(path: Path, graph: nx.MultiDiGraph) -> None:
    """The dataset description parses and counts what the RDF export holds."""
    import pyoxigraph

    from newsgraph.export.rdf import graph_triples

    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    [row] = store.query(
        "PREFIX void: <http://rdfs.org/ns/void#> "
        "SELECT ?triples ?entities WHERE { ?d void:triples ?triples ; void:entities ?entities }"
    )
    assert int(row["triples"].value) == sum(1 for _ in graph_triples(graph))
    assert int(row["entities"].value) == graph.number_of_nodes()


def check_html(path: Path, graph: nx.MultiDiGraph) -> None:
    """The page carries every node and edge, its text unchanged, as JSON that cannot end the
    script element holding it (tests/test_html.py opens such pages in a browser)."""
    text = path.read_text(encoding="utf-8")
    start = text.index('<script type="application/json" id="newsgraph-data">')
    data = json.loads(text[text.index(">", start) + 1 : text.index("</script>", start)])
    assert len(data["nodes"]) == graph.number_of_nodes()
    assert len(data["edges"]) == graph.number_of_edges()
    title = graph.nodes["article:https://example.com/a?a=1&b=2"]["title"]
    assert " ".join(title.split()) in {n["t"] for n in data["nodes"]}
    assert "<b>tags</b>" not in text


def check_summary(path: Path, graph: nx.MultiDiGraph) -> None:
    """The counts parse; each topic's is its articles (tests/test_summary.py checks them all
    against SPARQL's own counts)."""
    import pyoxigraph

    store = pyoxigraph.Store()
    store.load(path=str(path), format=pyoxigraph.RdfFormat.TURTLE)
    counts = store.query(
        "PREFIX ng: <https://w3id.org/newsgraph/ns#> "
        "SELECT ?topic ?n WHERE { ?topic ng:articleCount ?n FILTER(CONTAINS(STR(?topic), "
        "'/topic/') && !CONTAINS(STR(?topic), '#')) }"
    )
    found = {row["topic"].value.rsplit("/", 1)[1]: int(row["n"].value) for row in counts}
    topics = [n for n, kind in graph.nodes(data="kind") if kind == "topic"]
    assert found and len(found) == len(topics)
    assert sum(found.values()) == sum(1 for *_, k in graph.edges(keys=True) if k == "has_topic")


# Descriptions of the data rather than the data: checked by a function of (path, graph).
DESCRIPTIONS: dict[str, Callable[[Path, nx.MultiDiGraph], None]] = {
    "void": check_void,
    "summary": check_summary,
    "html": check_html,
}


def test_every_format_has_a_round_trip() -> None:
    for exporter in EXPORTERS.values():
        assert (
            exporter.reader is not None
            or exporter.name in THIRD_PARTY_READERS
            or exporter.name in DESCRIPTIONS
        ), f"format {exporter.name!r} has neither a reader nor a third-party reader in this test"


@pytest.mark.parametrize("name", sorted(EXPORTERS))
def test_round_trip(name: str, tmp_path: Path) -> None:
    graph = tricky_graph()
    exporter = EXPORTERS[name]
    path = tmp_path / exporter.filename
    exporter.writer(graph, path)
    assert path.stat().st_size > 0
    if exporter.reader is not None:
        assert_equal_graphs(graph, exporter.reader(path))
        return
    if name in DESCRIPTIONS:
        DESCRIPTIONS[name](path, graph)
        return
    back = THIRD_PARTY_READERS[name](path)
    assert set(back.nodes) == set(graph.nodes)
    assert sorted(d["kind"] for _, _, d in back.edges(data=True)) == sorted(
        d["kind"] for _, _, d in graph.edges(data=True)
    )
    node = back.nodes["article:https://example.com/a?a=1&b=2"]
    assert json.loads(node["topics"]) == ["AI", "Computer Vision"]
    assert node["published_at"] == "2021-06-23T16:04:00+00:00"
    assert node["quality"] == 32
    assert "\ufffd control" in node["title"]  # an XML-illegal character, replaced


def test_json_is_readable_by_plain_json(tmp_path: Path) -> None:
    path = tmp_path / "graph.json"
    newsgraph.write_json(tricky_graph(), path)
    data = json.loads(path.read_text(encoding="utf-8"))
    assert data["directed"] is True and data["multigraph"] is True
    assert {e["key"] for e in data["edges"]} == {"published_by", "has_topic", "related_to"}


def test_graphml_reads_in_igraph(tmp_path: Path) -> None:
    igraph = pytest.importorskip("igraph")
    graph = tricky_graph()
    path = tmp_path / "graph.graphml"
    newsgraph.write_graphml(graph, path)
    g = igraph.Graph.Read_GraphML(str(path))
    assert g.vcount() == graph.number_of_nodes()
    assert g.ecount() == graph.number_of_edges()
    assert sorted(g.vs["kind"]) == sorted(k for _, k in graph.nodes(data="kind"))


def test_gexf_labels_are_readable(tmp_path: Path) -> None:
    path = tmp_path / "graph.gexf"
    newsgraph.write_gexf(tricky_graph(), path)
    back = nx.read_gexf(path)
    assert back.nodes["provider:example.com"]["label"] == "Example"
    assert back.nodes["topic:ai"]["label"] == "AI"


def test_unknown_format_lists_the_valid_ones() -> None:
    with pytest.raises(
        newsgraph.UnknownFormatError, match="choose from gexf, graphml, html, json, "
    ):
        get_exporter("turtle-ish")


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
def test_corpus_json_round_trip(tmp_path: Path) -> None:
    graph = newsgraph.build([CORPUS]).graph
    newsgraph.write_json(graph, tmp_path / "graph.json")
    assert_equal_graphs(graph, newsgraph.read_json(tmp_path / "graph.json"))


def _summary_noting_the_collector(graph: nx.MultiDiGraph, path: Path) -> None:
    """The summary writer, noting whether the cyclic collector was on while it ran."""
    import gc

    from newsgraph.export.summary import write_summary

    _COLLECTOR_SEEN.append(gc.isenabled())
    write_summary(graph, path)


_COLLECTOR_SEEN: list[bool] = []


@pytest.mark.parametrize("jobs", [1, 2])
def test_exports_are_written_with_the_collector_paused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: int
) -> None:
    """The writers make millions of objects and no cycles: the collector is off while they run
    (its walks held the interpreter lock for seconds at 1M) and on again after."""
    import dataclasses
    import gc

    from newsgraph.export import write_exports

    graph = newsgraph.build([Path(__file__).parents[1] / "seeds"]).graph
    noting = dataclasses.replace(
        EXPORTERS["summary"], writer_target=f"{__name__}:_summary_noting_the_collector"
    )
    monkeypatch.setitem(EXPORTERS, "summary", noting)
    _COLLECTOR_SEEN.clear()
    assert gc.isenabled()
    written = write_exports(graph, tmp_path, ["summary", "turtle"], jobs=jobs)
    assert gc.isenabled()
    if jobs == 1:  # (a forked helper's note stays in the helper)
        assert _COLLECTOR_SEEN == [False]
    assert written["summary"].read_text(encoding="utf-8").startswith("@prefix")
