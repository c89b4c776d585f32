"""RDF exports: IRIs, terms, round trips through every RDF format on the real corpus."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest

import newsgraph
from newsgraph.export.rdf import Minter, graph_triples, read_rdf, write_jsonld, write_ntriples
from newsgraph.vocab import DEFAULT_BASE_IRI, NG

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
SEED = ROOT / "seeds"


@pytest.fixture(scope="module")
def seed_graph() -> nx.MultiDiGraph:
    return newsgraph.build([SEED]).graph


def triples(path: Path, fmt: pyoxigraph.RdfFormat) -> set[str]:
    return {str(q.triple) for q in pyoxigraph.parse(path=str(path), format=fmt)}


def test_minted_iris() -> None:
    mint = Minter()
    assert mint.node("article:https://x.com/a/b?q=1%20x").value == (
        DEFAULT_BASE_IRI + "article/x.com/a/b%3Fq=1%2520x"
    )
    assert mint.node("provider:theglobeandmail.com").value == (
        DEFAULT_BASE_IRI + "provider/theglobeandmail.com"
    )
    assert mint.node("topic:computer vision").value == DEFAULT_BASE_IRI + "topic/computer%20vision"
    assert Minter("https://example.org/news/").node("topic:ai").value == (
        "https://example.org/news/topic/ai"
    )


def test_seed_article_as_rdf(seed_graph: nx.MultiDiGraph) -> None:
    store = pyoxigraph.Store()
    store.bulk_extend(
        pyoxigraph.Quad(t.subject, t.predicate, t.object) for t in graph_triples(seed_graph)
    )
    rows = list(
        store.query(
            """
            PREFIX schema: <http://schema.org/>
            PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
            PREFIX ng: <https://w3id.org/newsgraph/ns#>
            SELECT ?headline ?date ?publisher ?topic ?rank WHERE {
              ?a a schema:NewsArticle ; schema:headline ?headline ; schema:datePublished ?date ;
                 schema:publisher/schema:name ?publisher ; schema:about/skos:prefLabel ?topic ;
                 ng:relatedLink/ng:rank ?rank .
            } ORDER BY ?topic ?rank
            """
        )
    )
    assert [(r["topic"].value, int(r["rank"].value)) for r in rows] == [
        ("AI", 1),
        ("AI", 2),
        ("Computer Vision", 1),
        ("Computer Vision", 2),
    ]
    assert rows[0]["publisher"].value == "The Globe and Mail"
    assert rows[0]["date"].datatype.value == "http://www.w3.org/2001/XMLSchema#dateTime"


def test_jsonld_holds_the_same_triples_as_ntriples(
    seed_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    write_ntriples(seed_graph, tmp_path / "graph.nt")
    write_jsonld(seed_graph, tmp_path / "graph.jsonld")
    assert triples(tmp_path / "graph.jsonld", pyoxigraph.RdfFormat.JSON_LD) == triples(
        tmp_path / "graph.nt", pyoxigraph.RdfFormat.N_TRIPLES
    )


def test_to_rdflib(seed_graph: nx.MultiDiGraph) -> None:
    g = newsgraph.to_rdflib(seed_graph)
    assert len(g) == sum(1 for _ in graph_triples(seed_graph))
    assert dict(g.namespaces())["ng"].toPython() == NG.iri


def test_read_rdf_of_an_export_folder(tmp_path: Path) -> None:
    result = newsgraph.run_build([SEED], tmp_path, formats=["ntriples"])
    back = read_rdf(tmp_path)
    assert list(back.nodes(data=True)) == list(result.graph.nodes(data=True))


@pytest.mark.parametrize(
    "content,message",
    [("not turtle at all {", "cannot be read as RDF"), (None, "no such file or folder")],
    ids=["syntax-error", "missing-file"],
)
def test_read_rdf_errors(tmp_path: Path, content: str | None, message: str) -> None:
    path = tmp_path / "graph.ttl"
    if content is not None:
        path.write_text(content)
    with pytest.raises(newsgraph.ExportError, match=message):
        read_rdf(path)


def test_base_iri_round_trips(tmp_path: Path) -> None:
    result = newsgraph.run_build(
        [SEED], tmp_path, formats=["turtle"], base_iri="https://example.org/news/"
    )
    text = (tmp_path / "graph.ttl").read_text(encoding="utf-8")
    assert "<https://example.org/news/provider/theglobeandmail.com>" in text
    assert DEFAULT_BASE_IRI not in text
    assert read_rdf(tmp_path / "graph.ttl").graph == result.graph.graph


@pytest.mark.skipif(not CORPUS.is_dir(), reason="../shared/corpus is not here")
@pytest.mark.parametrize("fmt", ["turtle", "ntriples", "jsonld"])
def test_corpus_round_trip(fmt: str, tmp_path: Path) -> None:
    graph = newsgraph.build([CORPUS]).graph
    exporter = newsgraph.EXPORTERS[fmt]
    exporter.writer(graph, tmp_path / exporter.filename)
    back = read_rdf(tmp_path / exporter.filename)
    assert back.graph == graph.graph
    assert list(back.nodes(data=True)) == list(graph.nodes(data=True))
    assert list(back.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))
