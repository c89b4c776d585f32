"""newsgraph sparql: loading, queries, errors, result formats, and the example queries in
ontology/queries/ (their answers on the real corpus, and the same answers from Debian's roqet)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import subprocess
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from xml.etree import ElementTree

import pyoxigraph
import pytest
from click.testing import CliRunner

import newsgraph
from newsgraph.cli import main
from newsgraph.errors import ExportError, QueryError
from newsgraph.export.rdf import rdf_files
from newsgraph.sparql import (
    RESULT_FORMATS,
    STORE_STAMP,
    open_store,
    read_query,
    result_kind,
    run_query,
    stored_triples,
    write_results,
)

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
SEED = ROOT / "seeds"
QUERIES = ROOT / "ontology" / "queries"
EXAMPLES = sorted(QUERIES.glob("*.rq"))
FROM_SCRATCH = sorted(QUERIES.glob("from-scratch/*.rq"))
ROQET = shutil.which("roqet")

TOPICS = "SELECT ?label WHERE { ?t skos:prefLabel ?label } ORDER BY ?label"


@pytest.fixture(scope="module")
def seed_store(seed_exports: Path) -> pyoxigraph.Store:
    return open_store([seed_exports])


@pytest.fixture(scope="module")
def corpus_store(corpus_exports: Path) -> pyoxigraph.Store:
    return open_store([corpus_exports])


def triples(path: Path) -> set[str]:
    fmt = {".ttl": pyoxigraph.RdfFormat.TURTLE, ".nt": pyoxigraph.RdfFormat.N_TRIPLES}[path.suffix]
    return {str(q.triple) for q in pyoxigraph.parse(path=str(path), format=fmt)}


def store_triples(store: pyoxigraph.Store) -> set[str]:
    return {str(q.triple) for q in store}


def nt_triples(exports: Path) -> set[str]:
    """graph.nt's triples as a store holds them (it writes date-times in canonical form)."""
    return store_triples(open_store([exports / "graph.nt"]))


def csv_rows(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8"))))


# -- loading --------------------------------------------------------------------------------------


def test_an_export_folder_gives_graph_nt_and_its_descriptions(seed_exports: Path) -> None:
    nt, void = seed_exports / "graph.nt", seed_exports / "graph.void.ttl"
    summary = seed_exports / "graph.summary.ttl"
    assert rdf_files([seed_exports], description=True) == [nt, void, summary]
    # the store holds each triple once (the dataset's title, version and date are in both files)
    assert len(open_store([seed_exports])) == len(triples(nt) | triples(void) | triples(summary))


def test_a_folder_without_graph_nt_gives_graph_ttl(seed_exports: Path, tmp_path: Path) -> None:
    shutil.copy(seed_exports / "graph.ttl", tmp_path)
    assert rdf_files([tmp_path]) == [tmp_path / "graph.ttl"]
    assert store_triples(open_store([tmp_path])) == nt_triples(seed_exports)


@pytest.mark.parametrize("name", ["graph.ttl", "graph.nt", "graph.jsonld"])
def test_every_rdf_export_loads_the_same_triples(seed_exports: Path, name: str) -> None:
    assert store_triples(open_store([seed_exports / name])) == nt_triples(seed_exports)


def test_data_paths_add_up(seed_exports: Path) -> None:
    names = ["graph.ttl", "graph.void.ttl", "graph.summary.ttl"]
    both = open_store([seed_exports / name for name in names])
    assert store_triples(both) == store_triples(open_store([seed_exports]))


@pytest.mark.parametrize(
    "make,message",
    [
        (lambda d: d / "missing", "no such file or folder"),
        (lambda d: d, "no RDF export here"),
        (lambda d: (d / "notes.txt", (d / "notes.txt").write_text("x"))[0], "not an RDF file"),
        (
            lambda d: (d / "graph.ttl", (d / "graph.ttl").write_text("not { turtle"))[0],
            "graph.ttl: cannot be read as RDF",
        ),
    ],
    ids=["missing", "empty-folder", "not-rdf", "broken-turtle"],
)
def test_data_errors_name_the_path(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(ExportError, match=message):
        open_store([path])


# -- queries --------------------------------------------------------------------------------------


def test_prefixes_are_predeclared(seed_store: pyoxigraph.Store) -> None:
    labels = [row["label"].value for row in run_query(seed_store, TOPICS)]
    assert labels == ["AI", "Computer Vision"]


def test_a_prefix_the_query_declares_wins(seed_store: pyoxigraph.Store) -> None:
    query = "PREFIX skos: <http://example.org/not-skos#>\n" + TOPICS
    assert list(run_query(seed_store, query)) == []


@pytest.mark.parametrize(
    "query,line,column,says",
    [
        ("SELECT *\nWHERE {\n  ?s foo:bar ?o }", 3, 13, "unknown prefix foo:"),
        ("SELECT * WHERE { ?s ?p ?o ", 1, 27, 'reached the end of the query; expected one of ","'),
        ("# topics\nSELECT ?x (COUNT(*) AS ?n)\nWHERE { ?x ?p ?o }", 3, 19, "variable that is"),
        ("SELECT * WHERE {\n\t?s ?p ?o .\n\t?s <not an iri> ?o }", 3, 17, "IRI parsing failed"),
    ],
    ids=["unknown-prefix", "unclosed", "aggregate-without-group-by", "bad-iri"],
)
def test_syntax_errors_give_the_line_and_column(
    seed_store: pyoxigraph.Store, query: str, line: int, column: int, says: str
) -> None:
    with pytest.raises(QueryError) as error:
        run_query(seed_store, query)
    message = str(error.value)
    assert message.startswith(f"syntax error at line {line}, column {column}: ")
    assert says in message
    _, shown, caret = message.splitlines()
    assert shown == "  " + query.splitlines()[line - 1].replace("\t", " ")  # the line,
    assert caret == "  " + " " * (column - 1) + "^"  # with a caret under the column


@pytest.mark.parametrize(
    "update",
    [
        "INSERT DATA { <https://a.example/s> <https://a.example/p> 1 }",
        "DELETE WHERE { ?s ?p ?o }",
        "PREFIX schema: <http://schema.org/>\n# remove every headline\n"
        "DELETE { ?a schema:headline ?h } WHERE { ?a schema:headline ?h }",
        "WITH <https://a.example/g> DELETE { ?s ?p ?o } WHERE { ?s ?p ?o }",
        "LOAD <https://a.example/data.ttl>",
        "CLEAR ALL",
        "drop all",
    ],
    ids=[
        "insert-data",
        "delete-where",
        "after-prefix-and-comment",
        "with",
        "load",
        "clear",
        "drop",
    ],
)
def test_updates_are_refused(seed_store: pyoxigraph.Store, update: str) -> None:
    before = len(seed_store)
    with pytest.raises(QueryError, match=r"SPARQL Update \(\w+\) is not allowed"):
        run_query(seed_store, update)
    assert len(seed_store) == before


def test_update_words_in_strings_comments_and_iris_are_fine(seed_store: pyoxigraph.Store) -> None:
    query = '# INSERT nothing\nSELECT ("DELETE" AS ?x) (<https://a.example/LOAD> AS ?y) {}'
    assert [row["x"].value for row in run_query(seed_store, query)] == ["DELETE"]


def test_service_is_refused_unless_federated(seed_store: pyoxigraph.Store) -> None:
    query = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    with pytest.raises(QueryError, match=r"SERVICE \(federated query\) is disabled"):
        run_query(seed_store, query, federated=False)
    fine = "SELECT ?service WHERE { ?service a schema:NewsArticle } LIMIT 1"
    assert len(list(run_query(seed_store, fine, federated=False))) == 1


def test_read_query_takes_text_or_a_file(tmp_path: Path) -> None:
    path = tmp_path / "q.rq"
    path.write_text(TOPICS, encoding="utf-8")
    assert read_query(str(path)) == TOPICS
    assert read_query(TOPICS) == TOPICS
    with pytest.raises(QueryError, match=r"missing\.rq: cannot read the query file"):
        read_query(str(tmp_path / "missing.rq"))


# -- results --------------------------------------------------------------------------------------


def test_table_is_aligned_with_compact_values(seed_store: pyoxigraph.Store) -> None:
    query = """
        SELECT ?topic ?type (COUNT(?a) AS ?articles) WHERE {
          ?a schema:about ?t . ?t skos:prefLabel ?topic ; a ?type
        } GROUP BY ?topic ?type ORDER BY ?topic
    """
    assert write_results(run_query(seed_store, query)).decode() == (
        "topic            type          articles\n"
        "---------------  ------------  --------\n"
        "AI               skos:Concept         1\n"
        "Computer Vision  skos:Concept         1\n"
        "(2 rows)\n"
    )


def test_table_of_ask_and_construct(seed_store: pyoxigraph.Store) -> None:
    assert write_results(run_query(seed_store, "ASK { ?a a schema:NewsArticle }")) == b"true\n"
    turtle = write_results(run_query(seed_store, "CONSTRUCT WHERE { ?t skos:prefLabel ?l }"))
    assert b"@prefix skos: <http://www.w3.org/2004/02/skos/core#> ." in turtle
    assert b'skos:prefLabel "Computer Vision"' in turtle


def test_sparql_results_formats(seed_store: pyoxigraph.Store) -> None:
    def run(fmt: str) -> bytes:
        return write_results(run_query(seed_store, TOPICS), fmt)

    assert [r["label"] for r in csv_rows(run("csv"))] == ["AI", "Computer Vision"]
    assert run("tsv").decode().splitlines() == ["?label", '"AI"', '"Computer Vision"']
    bindings = json.loads(run("json"))["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["AI", "Computer Vision"]
    literals = ElementTree.fromstring(run("xml")).iter(
        "{http://www.w3.org/2005/sparql-results#}literal"
    )
    assert [e.text for e in literals] == ["AI", "Computer Vision"]
    assert json.loads(write_results(run_query(seed_store, "ASK {}"), "json"))["boolean"] is True


def test_graph_formats(seed_store: pyoxigraph.Store) -> None:
    construct = "CONSTRUCT WHERE { ?t skos:prefLabel ?l }"
    nt = write_results(run_query(seed_store, construct), "ntriples")
    ttl = write_results(run_query(seed_store, construct), "turtle")
    parse = pyoxigraph.parse
    assert {str(q) for q in parse(nt, format=pyoxigraph.RdfFormat.N_TRIPLES)} == {
        str(q) for q in parse(ttl, format=pyoxigraph.RdfFormat.TURTLE)
    }
    assert len(nt.splitlines()) == 2


@pytest.mark.parametrize(
    "query,fmt,message",
    [
        ("CONSTRUCT WHERE { ?s ?p ?o }", "csv", "csv cannot hold a graph"),
        ("SELECT * { ?s ?p ?o }", "turtle", "turtle cannot hold SELECT or ASK results"),
    ],
    ids=["csv-of-a-graph", "turtle-of-solutions"],
)
def test_a_format_that_cannot_hold_the_result(
    seed_store: pyoxigraph.Store, query: str, fmt: str, message: str
) -> None:
    with pytest.raises(QueryError, match=message):
        write_results(run_query(seed_store, query), fmt)


def test_every_result_format_is_offered_by_the_cli() -> None:
    option = next(p for p in main.commands["sparql"].params if p.name == "fmt")
    assert list(option.type.choices) == list(RESULT_FORMATS)  # type: ignore[attr-defined]


# -- the on-disk store ----------------------------------------------------------------------------


def test_an_on_disk_store_holds_what_memory_does_and_is_reused(
    seed_exports: Path, tmp_path: Path
) -> None:
    data = tmp_path / "exports"
    shutil.copytree(seed_exports, data)
    folder = tmp_path / "store"
    loads: list[Path] = []
    disk = open_store([data], store=folder, on_load=loads.append)
    assert loads == [folder]
    assert store_triples(disk) == store_triples(open_store([data]))
    assert stored_triples(folder) == len(disk) == len(open_store([data]))
    with pytest.raises(RuntimeError, match="read-write"):  # read-only: never edited
        disk.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode("https://a.example/x"),) * 3))
    del disk
    # graph.nt made different but with the same size and modification time: still reused
    nt = data / "graph.nt"
    info = nt.stat()
    nt.write_bytes(nt.read_bytes().replace(b"Computer Vision", b"Computer Visiom"))
    os.utime(nt, ns=(info.st_atime_ns, info.st_mtime_ns))
    again = open_store([data], store=folder, on_load=loads.append)
    assert loads == [folder]
    assert [r["label"].value for r in run_query(again, TOPICS)] == ["AI", "Computer Vision"]
    del again
    # a changed file (here: touched) is loaded again, in place
    os.utime(nt)
    fresh = open_store([data], store=folder, on_load=loads.append)
    assert loads == [folder, folder]
    assert [r["label"].value for r in run_query(fresh, TOPICS)] == ["AI", "Computer Visiom"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["exports", "store"]  # nothing left over


def test_other_data_loads_the_store_again(seed_exports: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    open_store([seed_exports / "graph.ttl"], store=folder)
    both = open_store([seed_exports], store=folder)  # graph.nt and graph.void.ttl
    assert store_triples(both) == store_triples(open_store([seed_exports]))


def test_a_damaged_store_is_loaded_again(seed_exports: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    open_store([seed_exports], store=folder)  # (let go at once: closed)
    for file in folder.iterdir():
        if file.name != STORE_STAMP:
            file.unlink()
    again = open_store([seed_exports], store=folder)
    assert store_triples(again) == store_triples(open_store([seed_exports]))


def test_a_folder_holding_something_else_is_refused_untouched(
    seed_exports: Path, tmp_path: Path
) -> None:
    (tmp_path / "notes.txt").write_text("mine")
    with pytest.raises(ExportError, match=r"not a newsgraph SPARQL store .*new or empty folder"):
        open_store([seed_exports], store=tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert len(open_store([seed_exports], store=empty)) > 0


def test_cli_store_is_loaded_once(seed_exports: Path, tmp_path: Path) -> None:
    command = ["sparql", TOPICS, "--data", str(seed_exports), "--store", str(tmp_path / "s")]
    first, second = CliRunner().invoke(main, command), CliRunner().invoke(main, command)
    assert first.exit_code == second.exit_code == 0, first.output + second.output
    assert first.stdout == second.stdout
    assert first.stdout.splitlines()[2:] == ["AI", "Computer Vision", "(2 rows)"]
    assert "loading the data into the on-disk store" in first.stderr
    assert second.stderr == ""
    refused = CliRunner().invoke(main, [*command[:-1], str(seed_exports)])
    assert refused.exit_code == 1
    assert "not a newsgraph SPARQL store" in refused.stderr


def test_python_query_takes_a_store(seed_exports: Path, tmp_path: Path) -> None:
    rows = newsgraph.query(TOPICS, [seed_exports], store=tmp_path / "s")
    assert [r["label"].value for r in rows] == ["AI", "Computer Vision"]
    assert stored_triples(tmp_path / "s") is not None
    assert stored_triples(tmp_path) is None


# -- the command ----------------------------------------------------------------------------------


def test_cli_prints_a_table(seed_exports: Path) -> None:
    result = CliRunner().invoke(main, ["sparql", TOPICS, "--data", str(seed_exports)])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines()[2:] == ["AI", "Computer Vision", "(2 rows)"]


def test_cli_runs_a_query_file_as_csv(seed_exports: Path) -> None:
    query = str(QUERIES / "topics-by-article-count.rq")
    result = CliRunner().invoke(main, ["sparql", query, "--data", str(seed_exports), "-f", "csv"])
    assert result.exit_code == 0, result.output
    assert csv_rows(result.stdout_bytes) == [
        {"topic": "AI", "articles": "1"},
        {"topic": "Computer Vision", "articles": "1"},
    ]


def test_cli_reads_exports_by_default(
    seed_exports: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(seed_exports, tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["sparql", "ASK { ?a a schema:NewsArticle }"])
    assert (result.exit_code, result.stdout) == (0, "true\n")


@pytest.mark.parametrize(
    "query,message",
    [
        ("SELECT *\nWHERE { ?s nope:x ?o }", "Error: syntax error at line 2, column 18: unknown"),
        ("INSERT DATA { <https://a.example/s> <https://a.example/p> 1 }", "Error: SPARQL Update"),
        ("missing.rq", "Error: missing.rq: cannot read the query file"),
    ],
    ids=["syntax", "update", "missing-file"],
)
def test_cli_errors_exit_1(seed_exports: Path, query: str, message: str) -> None:
    result = CliRunner().invoke(main, ["sparql", query, "--data", str(seed_exports)])
    assert result.exit_code == 1
    assert result.stderr.startswith(message)


def test_cli_missing_exports(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["sparql", "ASK {}"])
    assert result.exit_code == 1
    assert "Error: exports: no such file or folder" in result.stderr


def test_cli_unknown_format_is_a_usage_error(seed_exports: Path) -> None:
    result = CliRunner().invoke(main, ["sparql", "ASK {}", "-f", "yaml"])
    assert result.exit_code == 2


def test_python_api(seed_exports: Path) -> None:
    rows = newsgraph.query(TOPICS, [seed_exports])
    assert [row["label"].value for row in rows] == ["AI", "Computer Vision"]
    store = newsgraph.open_store([seed_exports])
    assert newsgraph.write_results(newsgraph.run_query(store, "ASK {}"), "json").endswith(b"}")


# -- example queries ------------------------------------------------------------------------------


def test_there_are_example_queries_with_a_header() -> None:
    assert len(EXAMPLES) >= 8
    for path in EXAMPLES:
        header = path.read_text(encoding="utf-8").splitlines()[0]
        assert header.startswith("# ") and header.endswith("?"), f"{path.name}: {header}"


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_runs_on_the_seed(seed_store: pyoxigraph.Store, path: Path) -> None:
    result = run_query(seed_store, read_query(str(path)))
    assert write_results(result, "table")


def rows(store: pyoxigraph.Store, name: str) -> list[tuple[str, ...]]:
    result = run_query(store, read_query(str(QUERIES / name)))
    return [tuple(row.values()) for row in csv_rows(write_results(result, "csv"))]


def test_corpus_topics_by_article_count(corpus_store: pyoxigraph.Store) -> None:
    # By hand: 75 corpus files list "  - AI" and 19 "  - Computer Vision"; two pairs of files
    # are the same article (merged), one of them a Computer Vision pair: 73 and 18.
    assert rows(corpus_store, "topics-by-article-count.rq") == [
        ("AI", "73"),
        ("Computer Vision", "18"),
        ("AI in Autos", "7"),
        ("AI in Healthcare", "6"),
        ("AWS AI", "5"),
        ("Facebook AI", "5"),
        ("Natural Language Processing", "4"),
        ("AI Hardware", "3"),
        ("AI in Robotics", "2"),
        ("Google AI", "2"),
        ("Machine Learning", "2"),
        ("Microsoft AI", "2"),
        ("TensorFlow", "1"),
    ]


def test_corpus_providers_covering_computer_vision(corpus_store: pyoxigraph.Store) -> None:
    found = rows(corpus_store, "providers-covering-topic.rq")
    assert len(found) == 18  # the 18 Computer Vision articles, each from a different provider
    assert {n for _, _, n in found} == {"1"}
    assert ("MIT Technology Review", "technologyreview.com", "1") in found
    assert ("아크로팬", "acrofan.com", "1") in found


def test_corpus_facial_recognition_by_month(corpus_store: pyoxigraph.Store) -> None:
    # Checked independently of the graph: reading every file's YAML and its related items,
    # one article per canonical webUrl, matching title or excerpt, gives the same counts.
    assert dict(rows(corpus_store, "facial-recognition-by-month.rq")) == {
        "2019-06": "1",  # 2019-06-28-police-body-camera-maker-decides-against-...
        "2019-09": "1",  # 2019-09-30-face-recognition-on-a-raspberry-pi-...
        "2019-12": "6",
        "2020-06": "52",  # Amazon's moratorium: two files with long related lists
        "2021-03": "2",
        "2021-10": "6",
        "2022-05": "13",
    }


def test_corpus_most_linked_articles(corpus_store: pyoxigraph.Store) -> None:
    # By hand: the MIT Technology Review study (URL .../614986/...) is listed as related in the
    # Washington Post, Providence Journal and Chicago Tribune files.
    found = rows(corpus_store, "most-linked-articles.rq")
    assert [(headline, provider, stub, n) for headline, provider, stub, n, _ in found] == [
        (
            "A US government study confirms most face recognition systems are racist",
            "MIT Technology Review",
            "false",
            "3",
        ),
        ("Why some cities and states balk at face recognition tech", "ABC News", "false", "2"),
    ]


def test_corpus_most_linked_providers(corpus_store: pyoxigraph.Store) -> None:
    found = rows(corpus_store, "most-linked-providers.rq")
    assert found[:2] == [("Forbes", "forbes.com", "6", "6"), ("Reuters", "reuters.com", "6", "6")]
    assert ("ABC News", "go.com", "3", "2") in found  # two articles, one of them linked twice
    assert len(found) == 28
    assert all(int(links) >= 2 for _, _, links, _ in found)


def test_corpus_topic_co_occurrence(corpus_store: pyoxigraph.Store) -> None:
    found = rows(corpus_store, "topic-co-occurrence.rq")
    assert found[0] == ("AI", "Computer Vision", "18")  # every Computer Vision article is also AI
    assert ("AWS AI", "Computer Vision", "2") in found
    assert len(found) == 16
    assert all(a < b for a, b, _ in found)


def test_corpus_cross_provider_related(corpus_store: pyoxigraph.Store) -> None:
    # By hand: the CBS News Autopilot file lists 37 related items, none from CBS News.
    found = rows(corpus_store, "cross-provider-related.rq")
    assert found[0] == (
        "U.S. probing Autopilot problems on 765,000 Tesla vehicles",
        "CBS News",
        "37",
        "37",
    )
    assert len(found) == 18
    assert all(int(other) <= int(total) for _, _, total, other in found)


def test_corpus_stubs(corpus_store: pyoxigraph.Store) -> None:
    found = rows(corpus_store, "stubs.rq")
    stubs = run_query(corpus_store, "SELECT (COUNT(*) AS ?n) { ?a ng:isStub true }")
    assert len(found) == int(next(iter(stubs))["n"].value) == 156
    assert ("IBM Exits Facial Recognition Business", "Cheddar") in {r[:2] for r in found}
    assert {r[3] for r in found} == {"1"}  # on this corpus no stub is listed twice


def test_corpus_article_neighbourhood(corpus_store: pyoxigraph.Store) -> None:
    result = run_query(corpus_store, read_query(str(QUERIES / "article-neighbourhood.rq")))
    graph = {(t.subject.value, t.predicate.value, t.object.value) for t in result}
    assert len(graph) == 40  # 39 of the graph, and its ng:listedByCount from the summary
    article = newsgraph.vocab.DEFAULT_BASE_IRI + (
        "article/technologyreview.com/f/614986/ai-face-recognition-racist-us-government-nist-study"
    )
    listing = {s for s, p, o in graph if p.endswith("#relatedTo") and o == article}
    assert len(listing) == 3
    labels = {o for _, p, o in graph if p.endswith("core#prefLabel")}
    assert labels == {"AI", "Computer Vision"}


# -- the same answers from roqet (Debian's rasqal-utils) -------------------------------------------

_DATETIME = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d(\.\d+)?)?(Z|[+-]\d\d:\d\d)")


def _normal(value: str) -> str:
    """One lexical form per value: roqet writes a UTC date-time as -00:00, pyoxigraph as Z."""
    if _DATETIME.fullmatch(value):
        return (
            datetime.fromisoformat(value.replace("Z", "+00:00"))
            .astimezone(timezone.utc)
            .isoformat()
        )
    return value


def _csv_multiset(data: bytes) -> tuple[list[str], Counter[tuple[str, ...]]]:
    table = list(csv.reader(io.StringIO(data.decode("utf-8")))) or [[]]
    return table[0], Counter(tuple(_normal(v) for v in row) for row in table[1:])


def _graph_set(data: bytes, fmt: pyoxigraph.RdfFormat) -> set[tuple[str, str, str]]:
    return {
        (
            str(t.subject),
            str(t.predicate),
            _normal(t.object.value) + str(getattr(t.object, "datatype", "")),
        )
        for t in (q.triple for q in pyoxigraph.parse(data, format=fmt))
    }


@pytest.mark.skipif(ROQET is None, reason="roqet (Debian package rasqal-utils) is not installed")
@pytest.mark.parametrize("dataset", ["seed", "corpus"])
@pytest.mark.parametrize(
    "path",
    EXAMPLES + FROM_SCRATCH,
    ids=[p.stem for p in EXAMPLES] + [f"from-scratch-{p.stem}" for p in FROM_SCRATCH],
)
def test_roqet_gives_the_same_answers(
    request: pytest.FixtureRequest, dataset: str, path: Path
) -> None:
    exports: Path = request.getfixturevalue(f"{dataset}_exports")
    data = [exports / "graph.ttl", exports / "graph.summary.ttl"]
    result = run_query(open_store(data), read_query(str(path)))
    graph = result_kind(result) == "graph"
    # roqet 0.9.33 refuses "-r ntriples" for graph results (it checks the name against its
    # bindings formats); Turtle it accepts for both.
    command = [ROQET or "roqet", "-q", "-W", "0", "-i", "sparql"]
    command += [option for file in data for option in ("-D", str(file))]
    command += ["-r", "turtle" if graph else "csv", str(path)]
    done = subprocess.run(command, capture_output=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr.decode()
    if graph:
        ours = _graph_set(write_results(result, "ntriples"), pyoxigraph.RdfFormat.N_TRIPLES)
        theirs = _graph_set(done.stdout, pyoxigraph.RdfFormat.TURTLE)
    else:
        (columns, ours), (their_columns, theirs) = (  # type: ignore[assignment]
            _csv_multiset(write_results(result, "csv")),
            _csv_multiset(done.stdout),
        )
        assert their_columns in (columns, [])  # roqet writes no header line for no results
    assert ours == theirs
    if dataset == "corpus":
        assert ours, "the example should find something in the corpus"


# -- the README's examples ------------------------------------------------------------------------

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_syntax_error_example(seed_exports: Path) -> None:
    example = re.search(r"```text\n\$ newsgraph sparql '(.*?)'\n(Error: .*?)```", README, re.DOTALL)
    assert example, "the README shows a syntax error"
    result = CliRunner().invoke(main, ["sparql", example[1], "--data", str(seed_exports)])
    assert result.exit_code == 1
    assert result.stderr == example[2]


def test_readme_query_example(corpus_exports: Path) -> None:
    example = re.search(
        r'\nnewsgraph sparql "(.*?)"\n```\n\n```text\n(.*?)\.\.\.\n```', README, re.DOTALL
    )
    assert example, "the README shows a query and its first rows"
    result = CliRunner().invoke(main, ["sparql", example[1], "--data", str(corpus_exports)])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith(example[2])
