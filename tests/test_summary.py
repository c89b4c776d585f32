"""graph.summary.ttl: the counts the build makes for SPARQL are the counts SPARQL makes itself.

Each example query that reads the summary (ontology/queries/) has a twin in
ontology/queries/from-scratch/ that counts from the graph alone; both must give the same rows on
the seed, the real corpus, a synthetic corpus and a hand-made graph with the awkward cases (an
article with two providers, articles without one, topics shared by many articles).
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from collections import Counter
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
import rdflib
from rdflib import RDF, RDFS, XSD, Literal

import newsgraph
from newsgraph.export import write_exports
from newsgraph.export.rdf import rdf_files, read_rdf, write_ntriples
from newsgraph.export.summary import summary_statements, write_summary
from newsgraph.graph import HAS_TOPIC, PUBLISHED_BY, RELATED_TO
from newsgraph.sparql import open_store, read_query, run_query, write_results
from newsgraph.vocab import DEFAULT_BASE_IRI, NG_NS

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "ontology" / "queries"
TWINS = sorted((QUERIES / "from-scratch").glob("*.rq"))
SUMMARY = "graph.summary.ttl"


def rows(store: pyoxigraph.Store, query: Path) -> Counter[tuple[str, ...]]:
    table = list(
        csv.reader(
            io.StringIO(
                write_results(run_query(store, read_query(str(query))), "csv").decode("utf-8")
            )
        )
    )
    return Counter(tuple(row) for row in table[1:])


def assert_twins_agree(exports: Path, *, nonempty: bool = True) -> None:
    store = open_store([exports])
    for twin in TWINS:
        summarised, counted = rows(store, QUERIES / twin.name), rows(store, twin)
        assert summarised == counted, twin.name
        if nonempty:
            assert counted, f"{twin.name} should find something"


def test_every_from_scratch_query_has_a_summary_twin() -> None:
    assert len(TWINS) == 7
    for twin in TWINS:
        text = (QUERIES / twin.name).read_text(encoding="utf-8")
        assert "graph.summary.ttl" in text and "ng:relatedTo ?" not in text.split("WHERE")[1]


def test_seed_twins_agree(seed_exports: Path) -> None:
    assert (seed_exports / SUMMARY).is_file()
    assert_twins_agree(seed_exports, nonempty=False)


def test_corpus_twins_agree(corpus_exports: Path) -> None:
    assert_twins_agree(corpus_exports)


@pytest.fixture(scope="module")
def synthetic_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """1,500 synthetic files (bench/generate.py): Zipf providers and topics, links inside and
    outside the corpus, many stubs."""
    root = tmp_path_factory.mktemp("summary")
    corpus = root / "corpus"
    command = [sys.executable, str(ROOT / "bench" / "generate.py"), str(corpus)]
    subprocess.run([*command, "--articles", "1500", "--seed", "3"], check=True)
    newsgraph.run_build([corpus], root / "exports", formats=["ntriples", "summary"])
    return root / "exports"


def test_synthetic_twins_agree(synthetic_exports: Path) -> None:
    assert_twins_agree(synthetic_exports)


def awkward_graph() -> nx.MultiDiGraph:
    """Articles a-e: a has two providers and two topics; b and c share p; d has no provider and
    lists a; e lists a, b, c and d; a lists b (its provider p is also a's) and e."""
    graph = nx.MultiDiGraph(base_iri=DEFAULT_BASE_IRI)
    for name in "pq":
        graph.add_node(f"provider:{name}.com", kind="provider", name=name.upper())
    for name in ("ai", "law"):
        graph.add_node(f"topic:{name}", kind="topic", label=name)
    for name in "abcde":
        graph.add_node(f"article:https://x.com/{name}", kind="article", title=name, stub=False)

    def article(name: str) -> str:
        return f"article:https://x.com/{name}"

    for name, provider in [("a", "p"), ("a", "q"), ("b", "p"), ("c", "p"), ("e", "q")]:
        graph.add_edge(article(name), f"provider:{provider}.com", key=PUBLISHED_BY)
    for name, topics in [("a", ["ai", "law"]), ("b", ["law", "ai"]), ("c", ["ai"])]:
        for topic in topics:
            graph.add_edge(article(name), f"topic:{topic}", key=HAS_TOPIC)
    links = [("d", "a"), ("e", "a"), ("e", "b"), ("e", "c"), ("e", "d"), ("a", "b"), ("a", "e")]
    for source, target in links:
        graph.add_edge(
            article(source), article(target), key=RELATED_TO, sources=[{"file": "f", "rank": 1}]
        )
    return graph


def test_awkward_graph_twins_agree(tmp_path: Path) -> None:
    graph = awkward_graph()
    write_ntriples(graph, tmp_path / "graph.nt")
    write_summary(graph, tmp_path / SUMMARY)
    assert_twins_agree(tmp_path, nonempty=False)
    store = open_store([tmp_path])
    count = "SELECT ?a ?n WHERE { ?a ng:otherProviderRelatedCount ?n }"
    found = {
        str(r["a"].value).rsplit("/", 1)[1]: int(r["n"].value) for r in run_query(store, count)
    }
    # a (p, q) -> b (p): p = p and q != p, so b counts; a -> e (q): p != q. e (q) -> a (p, q),
    # b (p), c (p); d has no provider: not counted. d has no provider: no count of its own.
    assert found == {"a": 2, "e": 3}


def test_counts_left_out_when_zero() -> None:
    statements = list(summary_statements(awkward_graph()))
    assert all(int(o) > 0 for _, p, o, datatype in statements if datatype is not None)
    counted = {s.rsplit("/", 1)[1] for s, p, _, _ in statements if p.ttl == "ng:relatedCount"}
    assert counted == {"a", "d", "e"}  # b and c list nothing


def test_summary_is_loaded_with_the_graph_but_is_not_the_graph(corpus_exports: Path) -> None:
    assert corpus_exports / SUMMARY in rdf_files([corpus_exports], description=True)
    assert corpus_exports / SUMMARY not in rdf_files([corpus_exports])
    graph = read_rdf(corpus_exports)  # the graph alone reads back as it was
    assert (
        graph.number_of_nodes()
        == newsgraph.read_json(corpus_exports / "graph.json").number_of_nodes()
    )


def test_summary_terms_are_declared_with_their_domains_and_ranges(corpus_exports: Path) -> None:
    ontology = rdflib.Graph().parse(ROOT / "ontology" / "newsgraph.ttl", format="turtle")
    data = rdflib.Graph().parse(corpus_exports / "graph.nt", format="nt")
    data.parse(corpus_exports / SUMMARY, format="turtle")
    problems = set()
    seen = set()
    for subject, predicate, obj in rdflib.Graph().parse(corpus_exports / SUMMARY):
        if predicate == RDF.type:
            continue
        seen.add(predicate)
        assert str(predicate).startswith(NG_NS)
        domain = ontology.value(predicate, RDFS.domain)
        union = ontology.value(domain, rdflib.OWL.unionOf)
        classes = set(rdflib.collection.Collection(ontology, union)) if union else {domain}
        if not classes & set(data.objects(subject, RDF.type)):
            problems.add(f"{predicate}: subject {subject} not in {classes}")
        range_ = ontology.value(predicate, RDFS.range)
        if isinstance(obj, Literal):
            if obj.datatype != range_ or obj.datatype != XSD.integer:
                problems.add(f"{predicate}: {obj.datatype} is not {range_}")
        elif range_ not in set(data.objects(obj, RDF.type)):
            problems.add(f"{predicate}: {obj} not a {range_}")
    assert not problems
    assert len(seen) == 10  # every summary property occurs in the corpus


def test_summary_is_written_by_default_and_the_same_for_any_jobs(
    corpus_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    one = write_exports(corpus_graph, tmp_path / "one", ["summary", "ntriples"], jobs=1)
    two = write_exports(corpus_graph, tmp_path / "two", ["summary", "json"], jobs=2)
    assert one["summary"].read_bytes() == two["summary"].read_bytes()
    assert "summary" in newsgraph.export.EXPORTERS


def test_a_rebuild_of_the_rdf_removes_an_earlier_summary(seed_file: Path, tmp_path: Path) -> None:
    """Its counts describe the earlier graph: SPARQL would load them with the new one."""
    out = tmp_path / "exports"
    newsgraph.run_build([seed_file], out, formats=["ntriples", "summary", "void"])
    newsgraph.run_build([seed_file], out, formats=["html"])  # no RDF: the RDF files stay
    assert (out / SUMMARY).is_file() and (out / "graph.void.ttl").is_file()
    newsgraph.run_build([seed_file], out, formats=["ntriples"])
    assert not (out / SUMMARY).exists() and not (out / "graph.void.ttl").exists()
    assert rdf_files([out], description=True) == [out / "graph.nt"]
