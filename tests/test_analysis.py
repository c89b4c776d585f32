"""Analysis: foci (FTS5 queries and their errors), the three networks, centrality checked against
igraph, trends, communities, scores as RDF, ``newsgraph.open`` and the commands; and the real
everyday-ai corpus, checked by hand."""

from __future__ import annotations

import json
import random
from datetime import date, timedelta
from pathlib import Path

import networkx as nx
import pyoxigraph
import pytest
import rdflib
from click.testing import CliRunner
from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef

import newsgraph
from newsgraph.analysis import MEASURES
from newsgraph.analysis import centrality as centrality_module
from newsgraph.analysis.centrality import rank, scores
from newsgraph.analysis.focus import (
    Focus,
    check_query,
    focus_articles,
    get_focus,
    load_foci,
    shipped_foci_path,
)
from newsgraph.analysis.index import GraphIndex
from newsgraph.analysis.networks import Network, Selection
from newsgraph.analysis.rdf import ranking_triples
from newsgraph.analysis.trends import window_of
from newsgraph.cli import main
from newsgraph.errors import AnalysisError, FocusError
from newsgraph.vocab import NG, NG_NS

ROOT = Path(__file__).resolve().parents[1]
CORPUS_DIR = ROOT.parent / "shared" / "corpus" / "everyday-ai"  # read-only, never copied here
FR = "facial recognition regulation"


# -- a tiny corpus, written in tmp_path ---------------------------------------------------------

ARTICLES = [
    # name, date, provider domain, provider name, topics, title, excerpt, related (names)
    ("ban", "2020-06-10", "example.com", "Example News", ["AI", "Computer Vision"],
     "City bans facial recognition", "The council voted for an ordinance.", ["study", "chips"]),
    ("study", "2020-07-01", "science.org", "Science Daily", ["AI"],
     "Face-recognition study finds bias", "Researchers tested systems.", ["ban"]),
    ("chips", "2021-01-15", "example.com", "Example News", ["AI", "Hardware"],
     "New AI chips", "Faster inference for regulators too.", []),
    ("cars", "2021-03-02", "motor.net", "Motor Net", ["AI in Autos"],
     "Self-driving cars in court", "A lawsuit over autopilot.", ["ban"]),
    ("old", "2019-01-05", "science.org", "Science Daily", ["Computer Vision"],
     "Face detection explained", "How detectors work; no regulation here.", []),
]  # fmt: skip


def write_corpus(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    urls = {name: f"https://{domain}/{name}" for name, _, domain, *_ in ARTICLES}
    for name, day, domain, provider, topics, title, excerpt, related in ARTICLES:
        lines = [
            "---",
            f"title: {json.dumps(title)}",
            f"excerpt: {json.dumps(excerpt)}",
            f"publishedDateTime: {day}T12:00:00Z",
            f"webUrl: {urls[name]}",
            f"provider: {{name: {json.dumps(provider)}, domain: {domain}}}",
            "topics:",
            *[f"  - {topic}" for topic in topics],
        ]
        if related:
            lines.append("related:")
            for other in related:
                lines.append(f"  - title: {json.dumps(other)}")
                lines.append(f"    webUrl: {urls[other]}")
        lines.append("---")
        (folder / f"{name}.md").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A finished build of the tiny corpus: its export folder."""
    root = tmp_path_factory.mktemp("tiny")
    corpus = write_corpus(root / "corpus")
    newsgraph.run_build([corpus], root / "exports", formats=["json"])
    return root / "exports"


@pytest.fixture(scope="module")
def tiny_graph(tiny: Path) -> nx.MultiDiGraph:
    return newsgraph.read_json(tiny / "graph.json")


def ids(*names: str) -> list[str]:
    domains = {name: domain for name, _, domain, *_ in ARTICLES}
    return sorted(f"article:https://{domains[n]}/{n}" for n in names)


# -- foci --------------------------------------------------------------------------------------


def test_shipped_foci() -> None:
    foci = load_foci(shipped_foci_path())
    assert FR in foci and len(foci) >= 3
    assert all(f.query and f.description for f in foci.values())


def test_default_lookup_prefers_foci_toml_in_the_current_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert FR in load_foci()
    (tmp_path / "foci.toml").write_text('[focus.mine]\nquery = "chips"\n', encoding="utf-8")
    assert list(load_foci()) == ["mine"]


@pytest.mark.parametrize(
    "query,expected",
    [
        ('"facial recognition"', ["ban"]),
        ('"face recognition"', ["study"]),  # "Face-recognition": words split at punctuation
        ("regulat*", ["chips", "old"]),  # prefix; title and excerpt both searched
        ("regulat* NOT detectors", ["chips"]),
        ("(bans OR lawsuit) AND NOT_A_WORD", []),
        ("(bans OR lawsuit) AND (city OR court)", ["ban", "cars"]),
        ("title: court", ["cars"]),
        ("BANS", ["ban"]),  # case-insensitive terms
    ],
)
def test_queries_match_title_and_excerpt(
    tiny_graph: nx.MultiDiGraph, query: str, expected: list[str]
) -> None:
    assert focus_articles(tiny_graph, Focus("q", query)) == ids(*expected)


def test_filters_narrow_a_focus(tiny_graph: nx.MultiDiGraph) -> None:
    query = "recognition OR chips OR detection"
    assert focus_articles(tiny_graph, Focus("q", query)) == ids("ban", "study", "chips", "old")
    assert focus_articles(tiny_graph, Focus("q", query, topics=("hardware",))) == ids("chips")
    by_name = Focus("q", query, providers=("Science Daily",))
    by_domain = Focus("q", query, providers=("www.science.org",))
    assert focus_articles(tiny_graph, by_name) == focus_articles(tiny_graph, by_domain)
    assert focus_articles(tiny_graph, by_name) == ids("study", "old")
    dated = Focus("q", query, since=date(2020, 7, 1), until=date(2021, 1, 15))
    assert focus_articles(tiny_graph, dated) == ids("study", "chips")


@pytest.mark.parametrize(
    "query,message,caret",
    [
        ("bans AND", "ends too early", 8),
        ("(bans OR lawsuit", "ends too early", 16),
        ("NOT bans", "syntax error at 'NOT'; NOT needs a term", 0),
        ("bans AND AND lawsuit", "syntax error at 'AND'", 9),
        ("bans OR ()", "syntax error at ')'", 9),
        ("face-recognition", "'recognition' is read as a column filter", 5),
        ('"facial recognition', "a double quote is not closed", 0),
        ("bans and lawsuit", "'and' is an operator only in capitals (AND)", 5),
    ],
)
def test_malformed_queries_point_at_the_problem(query: str, message: str, caret: int) -> None:
    with pytest.raises(FocusError, match="malformed query") as raised:
        check_query(query)
    text = str(raised.value)
    assert message in text
    *_, line, pointer = text.splitlines()
    assert line.strip() == query.strip()
    assert pointer.index("^") - line.index(query[0]) == caret


def test_a_malformed_query_in_a_foci_file_names_the_file_and_focus(tmp_path: Path) -> None:
    path = tmp_path / "foci.toml"
    path.write_text('[focus."broken one"]\nquery = "ban OR"\n', encoding="utf-8")
    with pytest.raises(FocusError, match=r"foci\.toml: focus 'broken one': malformed query"):
        load_foci(path)


@pytest.mark.parametrize(
    "text,message",
    [
        ("[focus.a]\nquery = 'x'\nfilter = 1\n", "unknown field 'filter'"),
        ("[focus.a]\ndescription = 'no query'\n", "query must be a non-empty string"),
        ("[focus.a]\nquery = 'x'\nsince = 'June'\n", "since must be a date written YYYY-MM-DD"),
        ("[focus.a]\nquery = 'x'\nsince = 2021-01-01\nuntil = 2020-01-01\n", "swap them"),
        ("[focus.a]\nquery = 'x'\ntopics = [1]\n", "topics must be a list of strings"),
        ("[foci.a]\nquery = 'x'\n", "unexpected top-level key 'foci'"),
        ("[focus.a\n", "not valid TOML"),
        ("", "no foci found"),
    ],
)
def test_bad_foci_files(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "foci.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(FocusError, match=message):
        load_foci(path)


def test_missing_foci_file_and_unknown_focus(tmp_path: Path) -> None:
    with pytest.raises(FocusError, match="no such foci file"):
        load_foci(tmp_path / "nope.toml")
    foci = load_foci(shipped_foci_path())
    assert get_focus(foci, FR.upper()).name == FR
    with pytest.raises(FocusError, match=r"no focus called 'nope' in .*foci\.toml; the foci are"):
        get_focus(foci, "nope")


# -- index and networks ------------------------------------------------------------------------


def test_index_read_from_graph_json_equals_index_of_the_graph(
    tiny: Path, tiny_graph: nx.MultiDiGraph
) -> None:
    read, made = GraphIndex.read(tiny), GraphIndex.from_graph(tiny_graph)
    for field in ("articles", "titles", "excerpts", "published", "stubs", "article_providers"):
        assert getattr(read, field) == getattr(made, field), field
    assert read.article_topics == made.article_topics and read.related == made.related
    assert read.provider_labels == made.provider_labels and read.topic_labels == made.topic_labels
    assert read.base_iri == made.base_iri == newsgraph.vocab.DEFAULT_BASE_IRI


def test_missing_graph_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(AnalysisError, match=r"no graph\.json; build one with `newsgraph build"):
        newsgraph.open(tmp_path)


def test_cooccurrence_counts_shared_articles_and_adds_foci(tiny_graph: nx.MultiDiGraph) -> None:
    g = newsgraph.open(tiny_graph, foci={"bans": Focus("bans", "ban* OR ordinance OR lawsuit")})
    ranking = g.centrality(of="topics", measure=["degree", "weighted-degree"])
    rows = {row.label: row for row in ranking}
    assert rows["AI"].scores == {"degree": 3.0, "weighted-degree": 3.0}  # CV, Hardware, bans
    assert rows["AI"].figures == {"articles": 3, "providers": 2}
    assert rows["bans"].kind == "focus" and rows["bans"].figures == {"articles": 2, "providers": 2}
    network = nx.Graph(
        [(a, b, {"weight": w}) for a, b, w in _cooccurrence_by_projection(tiny_graph)]
    )
    network.add_node("topic:ai in autos")  # on an article of its own: in no pair
    counted = newsgraph.open(tiny_graph, foci={}).centrality(of="topics", measure="weighted-degree")
    assert {row.node: row.scores["weighted-degree"] for row in counted} == dict(
        network.degree(weight="weight")
    )


def _cooccurrence_by_projection(graph: nx.MultiDiGraph) -> list[tuple[str, str, int]]:
    """The slow, obvious way: NetworkX's weighted bipartite projection."""
    bipartite = nx.Graph((a, t) for a, t, kind in graph.edges(keys=True) if kind == "has_topic")
    topics = [n for n in bipartite if n.startswith("topic:")]
    projected = nx.bipartite.weighted_projected_graph(bipartite, topics)
    return [(a, b, w) for a, b, w in projected.edges(data="weight")]


def test_provider_links_network(tiny_graph: nx.MultiDiGraph) -> None:
    g = newsgraph.open(tiny_graph, foci={})
    rows = {row.label: row for row in g.centrality(of="providers", measure="degree")}
    # ban (example) lists study (science) and chips (example: a self link); study lists ban;
    # cars (motor) lists ban
    assert rows["Example News"].figures == {
        "articles": 2, "links_in": 2, "links_out": 1, "self_links": 1,
    }  # fmt: skip
    assert rows["Motor Net"].figures["links_out"] == 1
    assert rows["Example News"].scores["degree"] == 3.0  # in: science, motor; out: science


def test_subgraph_of_a_topic_and_dates(tiny_graph: nx.MultiDiGraph) -> None:
    g = newsgraph.open(tiny_graph, foci={})
    ranking = g.centrality(of="articles", measure="degree", topic="computer vision")
    assert ranking.network == "subgraph" and ranking.selection == "topic 'Computer Vision'"
    assert sorted(row.node for row in ranking) == ids("ban", "old")
    top = ranking[0]
    assert top.figures["provider"] == "Example News" and top.figures["published"] == "2020-06-10"
    later = g.centrality(of="articles", measure="degree", since="2020-07-01", until="2021-01-15")
    assert sorted(row.node for row in later) == ids("study", "chips")
    with pytest.raises(AnalysisError, match=r"no topic 'computer visoin'.*did you mean"):
        g.centrality(topic="computer visoin")
    with pytest.raises(AnalysisError, match="the links network has no topics"):
        g.centrality(of="topics", network="links")


# -- centrality against igraph -----------------------------------------------------------------


def _network(graph: nx.Graph) -> Network:
    for node in graph:
        graph.nodes[node].update(kind="topic", label=str(node), figures={})
    for _, _, data in graph.edges(data=True):
        data.setdefault("weight", 1)
        data["distance"] = 1 / data["weight"]
    return Network.from_graph("cooccurrence", graph, Selection((), "test"))


def _random_graph(seed: int, directed: bool, weighted: bool) -> nx.Graph:
    rng = random.Random(seed)
    graph = nx.gnp_random_graph(40, 0.12, seed=seed, directed=directed)
    for _, _, data in graph.edges(data=True):
        # powers of two: the distances 1/w add up exactly, so tied shortest paths are ties in
        # both libraries
        data["weight"] = rng.choice([1, 2, 4]) if weighted else 1
    graph.add_node(99)  # an isolated node: dangling for PageRank, unreachable for paths
    return graph


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_degree_pagerank_betweenness_agree_with_igraph(
    seed: int, directed: bool, weighted: bool
) -> None:
    ig = pytest.importorskip("igraph")
    graph = _random_graph(seed, directed, weighted)
    network = _network(graph)
    nodes = list(graph)
    other = ig.Graph(n=len(nodes), directed=directed)
    position = {n: i for i, n in enumerate(nodes)}
    other.add_edges([(position[a], position[b]) for a, b in graph.edges()])
    other.es["weight"] = [w for _, _, w in graph.edges(data="weight")]
    other.es["distance"] = [1 / w for _, _, w in graph.edges(data="weight")]
    n = len(nodes)
    scale = 1 / ((n - 1) * (n - 2)) * (1 if directed else 2)
    expected = {
        "degree": other.degree(),
        "weighted-degree": other.strength(weights="weight"),
        "pagerank": other.pagerank(weights="weight", damping=0.85, directed=directed),
        "betweenness": [
            b * scale
            for b in other.betweenness(directed=directed, weights="distance" if weighted else None)
        ],
    }
    for measure, values in expected.items():
        ours, _ = scores(network, measure)
        for node, value in zip(nodes, values, strict=True):
            assert ours[node] == pytest.approx(value, abs=1e-6), (measure, node)


@pytest.mark.parametrize("directed", [False, True], ids=["undirected", "directed"])
@pytest.mark.parametrize("weighted", [False, True], ids=["unweighted", "weighted"])
def test_closeness_and_eigenvector_agree_with_networkx(directed: bool, weighted: bool) -> None:
    graph = _random_graph(4, directed, weighted)
    network = _network(graph)
    ours, _ = scores(network, "closeness")
    theirs = nx.closeness_centrality(graph, distance="distance" if weighted else None)
    assert ours == pytest.approx(theirs, abs=1e-12)
    if not directed:
        component = graph.subgraph(max(nx.connected_components(graph), key=len)).copy()
        values, _ = scores(_network(component), "eigenvector")
        expected = nx.eigenvector_centrality_numpy(component, weight="weight")
        assert values == pytest.approx(expected, abs=1e-6)


def test_betweenness_is_sampled_with_a_fixed_seed_above_the_threshold(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    network = _network(_random_graph(5, False, False))
    exact, note = scores(network, "betweenness")
    assert note == "betweenness: exact (41 nodes)"
    monkeypatch.setattr(centrality_module, "EXACT_BETWEENNESS_NODES", 10)
    monkeypatch.setattr(centrality_module, "BETWEENNESS_SAMPLES", 20)
    first, note = scores(network, "betweenness")
    again, _ = scores(network, "betweenness")
    assert note == (
        "betweenness: estimated from 20 of 41 source nodes (seed 0; exact up to 10 nodes)"
    )
    assert first == again != exact
    ranking = rank(network, ["pagerank", "betweenness"], of="topics")
    assert ranking.notes == (note,)


def test_eigenvector_only_where_defined() -> None:
    connected = _network(nx.path_graph(5))
    values, _ = scores(connected, "eigenvector")
    assert values[2] == max(values.values())
    apart = _network(nx.Graph([(1, 2), (3, 4), (4, 5)]))
    with pytest.raises(AnalysisError, match=r"2 disconnected parts .* Use pagerank instead"):
        scores(apart, "eigenvector")
    directed = _network(nx.DiGraph([(1, 2), (2, 3)]))
    with pytest.raises(AnalysisError, match="not strongly connected"):
        scores(directed, "eigenvector")


def test_closeness_and_ties() -> None:
    network = _network(nx.star_graph(4))
    ranking = rank(network, ["closeness", "degree"], of="topics")
    assert [row.rank for row in ranking] == [1, 2, 2, 2, 2]
    assert ranking[0].node == 0 and ranking[0].scores["closeness"] == 1.0


def test_unknown_measure_lists_them() -> None:
    with pytest.raises(AnalysisError, match="unknown measure 'katz'; choose from degree"):
        scores(_network(nx.path_graph(3)), "katz")
    assert scores(_network(nx.path_graph(3)), "weighted_degree")[0][1] == 2.0
    assert set(MEASURES) == {
        "degree", "weighted-degree", "pagerank", "betweenness", "closeness", "eigenvector",
    }  # fmt: skip


# -- trends, communities, RDF ------------------------------------------------------------------


def test_windows() -> None:
    day = date(2021, 11, 30)
    assert [window_of(day, w) for w in ("month", "quarter", "year")] == [
        "2021-11",
        "2021-Q4",
        "2021",
    ]


def test_trend_ranks_per_window(tiny_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    g = newsgraph.open(tiny_graph, foci={})
    result = g.trend(of="topics", measure="degree", window="year", top=2)
    assert result.windows == ("2019", "2020", "2021") and result.articles == (1, 2, 2)
    assert [(s.label, s.ranks) for s in result.series] == [
        ("AI", (None, 1, 1)),
        ("Computer Vision", (1, 1, None)),  # 2020: AI and CV share one article, a tie
    ]
    records = result.records()
    assert records[0] == {
        "window": "2019", "start": "2019-01-01", "articles": 1, "label": "AI", "rank": None,
        "degree": None, "overall_rank": 1, "node": "topic:ai",
    }  # fmt: skip
    pytest.importorskip("matplotlib")
    path = result.plot(tmp_path / "trend.png")
    assert path.read_bytes().startswith(b"\x89PNG") and path.stat().st_size > 10_000


def test_communities_are_repeatable(tiny_graph: nx.MultiDiGraph) -> None:
    g = newsgraph.open(tiny_graph, foci={})
    first, again = g.communities(), g.communities()
    assert first == again
    assert [c.labels for c in first] == [("AI", "Computer Vision", "Hardware")]
    assert first.singletons == ("AI in Autos",)  # on an article of its own


def _ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ROOT / "ontology" / "newsgraph.ttl", format="turtle")


def test_scores_as_rdf_use_the_graph_iris_and_declared_terms(
    tiny_graph: nx.MultiDiGraph,
) -> None:
    g = newsgraph.open(tiny_graph, foci={"bans": Focus("bans", "ban* OR lawsuit")})
    ranking = g.centrality(of="topics", measure=["pagerank", "betweenness"])
    scores_graph = rdflib.Graph()
    for triple in ranking_triples(ranking, foci=g.foci):
        scores_graph.add(tuple(_rdflib(term) for term in triple))  # type: ignore[arg-type]
    graph = newsgraph.to_rdflib(tiny_graph)
    both = graph + scores_graph
    ontology = _ontology()
    declared = set(ontology.subjects(RDFS.isDefinedBy, URIRef(NG_NS.rstrip("#"))))
    used = {p for p in scores_graph.predicates() if str(p).startswith(NG_NS)}
    used |= {o for o in scores_graph.objects(None, RDF.type) if str(o).startswith(NG_NS)}
    assert used <= declared and URIRef(NG.CentralityScore.value) in used
    for subject, predicate, obj in scores_graph:
        if not str(predicate).startswith(NG_NS):
            continue
        assert (subject, RDF.type, URIRef(NG.CentralityScore.value)) in scores_graph
        range_ = ontology.value(predicate, RDFS.range)
        if isinstance(obj, Literal):
            assert (obj.datatype or XSD.string) == range_, predicate
        else:  # scoreOf: a node of the graph (or a focus), typed as the range's union says
            members = set(
                rdflib.collection.Collection(ontology, ontology.value(range_, OWL.unionOf))
            )
            assert set(both.objects(obj, RDF.type)) & members, obj
    answer = both.query(
        """SELECT ?label ?score WHERE {
             ?s ng:scoreOf ?topic ; ng:measure "pagerank" ; ng:score ?score ; ng:scoreRank 1 .
             ?topic skos:prefLabel ?label }""",
        initNs={"ng": NG_NS, "skos": "http://www.w3.org/2004/02/skos/core#"},
    )
    firsts = {(row.label, row.scores["pagerank"]) for row in ranking if row.rank == 1}
    assert firsts == {(str(label), float(score)) for label, score in answer}  # type: ignore[misc]
    assert len(firsts) == 2  # AI and the focus "bans", tied: both ng:scoreRank 1


def _rdflib(term: object) -> rdflib.term.Node:
    if isinstance(term, pyoxigraph.NamedNode):
        return URIRef(term.value)
    assert isinstance(term, pyoxigraph.Literal)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == str(XSD.string):  # rdflib tells "x" and "x"^^xsd:string apart
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


# -- the commands ------------------------------------------------------------------------------


def test_focus_commands(tiny: Path, tmp_path: Path) -> None:
    foci = tmp_path / "foci.toml"
    foci.write_text('[focus.bans]\nquery = "ban* OR lawsuit"\ntopics = ["AI"]\n', "utf-8")
    runner = CliRunner()
    listed = runner.invoke(main, ["focus", "list", "--foci", str(foci)])
    assert listed.exit_code == 0 and "bans" in listed.output and "topics: AI" in listed.output
    shown = runner.invoke(
        main, ["focus", "show", "bans", "--graph", str(tiny), "--foci", str(foci)]
    )
    assert shown.exit_code == 0, shown.output
    assert "2020-06-10  Example News  City bans facial recognition" in shown.output
    as_csv = runner.invoke(
        main, ["focus", "show", "bans", "--graph", str(tiny), "--foci", str(foci), "-f", "csv"]
    )
    assert as_csv.output.splitlines()[0] == "published,provider,title,stub,node"
    missing = runner.invoke(
        main, ["focus", "show", "nope", "--graph", str(tiny), "--foci", str(foci)]
    )
    assert missing.exit_code == 1 and "Error: no focus called 'nope'" in missing.output


def test_a_malformed_query_is_an_error_on_the_command_line(tiny: Path, tmp_path: Path) -> None:
    foci = tmp_path / "foci.toml"
    foci.write_text('[focus.bad]\nquery = "(ban OR"\n', "utf-8")
    result = CliRunner().invoke(main, ["central", "--graph", str(tiny), "--foci", str(foci)])
    assert result.exit_code == 1
    assert "focus 'bad': malformed query: the query ends too early" in result.output
    assert result.output.rstrip().endswith("(ban OR\n           ^")


def test_central_command(tiny: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["central", "--graph", str(tiny), "--foci", str(shipped_foci_path())]
    table = runner.invoke(main, [*args, "-m", "degree", "-m", "betweenness"])
    assert table.exit_code == 0, table.output
    assert table.output.startswith("topics by degree, betweenness on the cooccurrence network")
    assert "betweenness: exact" in table.output
    as_json = runner.invoke(main, [*args, "--of", "providers", "-f", "json", "--top", "1"])
    data = json.loads(as_json.output)
    assert data["network"] == "links" and len(data["rows"]) == 1 and data["total"] == 3
    assert set(data["rows"][0]) >= {"rank", "label", "pagerank", "articles", "links_in"}
    rdf = tmp_path / "scores.ttl"
    runner.invoke(main, [*args, "--of", "providers", "--rdf", str(rdf)])
    found = newsgraph.query("SELECT (COUNT(*) AS ?n) WHERE { ?s a ng:CentralityScore }", [rdf])
    assert [row["n"].value for row in found] == ["3"]  # type: ignore[index]
    eigen = runner.invoke(main, [*args, "--of", "providers", "-m", "eigenvector"])
    assert eigen.exit_code == 1 and "not strongly connected" in eigen.output
    both = runner.invoke(main, [*args, "--focus", FR, "--topic", "AI"])
    assert both.exit_code == 2


def test_trend_and_communities_commands(tiny: Path, tmp_path: Path) -> None:
    runner = CliRunner()
    args = ["--graph", str(tiny), "--foci", str(shipped_foci_path())]
    trend = runner.invoke(
        main, ["trend", *args, "--window", "year", "-m", "degree", "--no-chart", "-f", "csv"]
    )
    assert trend.exit_code == 0, trend.output
    assert (
        trend.output.splitlines()[0] == "window,start,articles,label,rank,degree,overall_rank,node"
    )
    pytest.importorskip("matplotlib")
    chart = tmp_path / "t.png"
    drawn = runner.invoke(main, ["trend", *args, "--topic", "AI", "--chart", str(chart)])
    assert drawn.exit_code == 0 and chart.is_file()
    found = runner.invoke(main, ["communities", *args, "--of", "providers"])
    assert found.exit_code == 0 and "Louvain communities of providers" in found.output


def test_to_pandas(tiny: Path) -> None:
    pytest.importorskip("pandas")
    g = newsgraph.open(tiny, foci={})
    frame = g.centrality(of="providers", measure="pagerank").to_pandas()
    assert list(frame.columns[:3]) == ["rank", "label", "pagerank"] and len(frame) == 3


# -- the real corpus ---------------------------------------------------------------------------

# The articles of the shipped "facial recognition regulation" focus, checked by hand against
# their titles and excerpts: every one is about facial (or face) recognition AND about rules
# around it: bans and moratoria (the June 2020 Amazon/IBM/Microsoft police-use bans, the EU
# Parliament's 2021 call for a ban), regulation and legislation (Congress, EU, "regulating facial
# recognition technology"), lawsuits and settlements (Clearview AI and the ACLU, 2022), lawmakers
# curbing its use (the 2019 USA Today/AP story), privacy concerns (the Ring/Rekognition story, the
# French privacy watchdog on Clearview). Left out, also by hand, 21 articles that mention facial
# recognition without any rule: research on bias (NIST study, Washington Post, Chicago Tribune,
# MIT Technology Review), technical pieces (face detection, Raspberry Pi), deepfakes fooling it,
# police trials (Orlando), IBM quitting the business, and four Amazon-pause stories whose title and
# excerpt say only "pause", "not letting police use" or "can't use" (CBS News, Forbes x2,
# Mashable, TheStreet): the keyword query cannot know those are the same ban.
FR_ARTICLE_LIST = """
abcnews.go.com/Business/wireStory/cities-states-balk-face-recognition-tech-67783126
apnews.com/press-release/business-wire/technology-law-enforcement-agencies-state-courts-american-civil-liberties-union-f97e15dc9281471c8944cc7c1ac67949
arstechnica.com/tech-policy/2020/06/amazon-bans-police-use-of-facial-recognition-software-for-a-year
asahi.com/ajw/articles/14456292
bbc.com/news/business-52989128
bbc.com/news/business-53015468
cnbc.com/2020/06/10/amazon-bans-police-use-of-facial-recognition-technology-for-one-year.html
cnbc.com/video/2020/06/11/amazon-bans-use-of-its-facial-recognition-technology-by-police-for-one-year.html
commondreams.org/news/2021/10/06/historic-moment-eu-approves-call-sweeping-ban-facial-recognition-surveillance
digitaltrends.com/digital-trends-live/digital-trends-live-episode-397
digitaltrends.com/news/amazon-bans-police-from-using-facial-recognition-tech-rekognition-for-1-year
egyptindependent.com/clearview-ai-agrees-to-restrict-us-sales-of-facial-recognition-mostly-to-law-enforcement
euobserver.com/democracy/153135
euronews.com/next/2022/05/10/facial-recognition-company-clearview-ai-permanently-banned-from-selling-data-to-private-co
fastcompany.com/90515631/aclu-says-amazons-one-year-moratorium-on-police-use-of-its-facial-recognition-tech-isnt-enough
fastcompany.com/90516450/ibm-microsoft-and-amazons-face-recognition-bans-dont-go-far-enough
forbes.com/sites/tomtaulli/2020/06/13/facial-recognition-bans-what-do-they-mean-for-ai-artificial-intelligence
geekwire.com/2020/amazon-bans-police-use-facial-recognition-software-one-year-amid-protests
geekwire.com/2020/amazons-facial-recognition-moratorium-victory-police-reformers-just-good-pr
govtech.com/security/settlement-clearview-ai-to-limit-sales-of-biometric-database
hotnewhiphop.com/police-banned-from-using-amazons-facial-recognition-technology-for-a-year-news.112270.html
ia.acs.org.au/article/2022/clearview-ai-banned-from-making-private-sales.html
ibtimes.com/french-watchdog-mulls-action-against-us-ai-company-clearview-3503093
india.com/viral/amid-protests-against-george-floyds-murder-amazon-bans-police-use-of-its-facial-recognition-technology-for-1-year-4055138
itpro.co.uk/security/biometrics/356023/amazon-halts-police-use-of-its-facial-recognition-tech
jurist.org/news/2022/05/clearview-ai-settles-lawsuit-over-facial-recognition-privacy
kshb.com/news/local-news/investigations/ring-partnerships-with-police-solving-crimes-or-invading-privacy
law360.com/articles/1281930/amazon-blocks-facial-recognition-tool-from-cops-for-1-year
loopinsight.com/2020/06/11/amazon-bans-police-use-of-facial-recognition-technology-for-one-year
msnbc.com/the-reidout/reidout-blog/clearview-ai-facial-recognition-abortion-rcna28310
mspoweruser.com/unlike-amazon-microsoft-never-sold-facial-recognition-technology-to-police-forces
myarklamiss.com/news/national-news/amazon-issues-a-12-month-ban-on-police-use-of-facial-recognition
nasdaq.com/articles/amazon-bans-police-use-of-facial-recognition-technology-for-a-year-2020-06-11
natlawreview.com/article/facial-recognition-clearview-aclu-settlement-charts-new-path-bipa-and-first
nbcnews.com/tech/security/amazon-issues-12-month-ban-police-use-facial-recognition-n1229601
neowin.net/news/amazon-bans-police-use-of-its-infamous-facial-recognition-software-for-a-year
news.com.au/technology/innovation/inventions/amazon-rekognition-announce-moratorium-on-facial-recognition-use-by-police/news-story/a3b6a329af715f494f6946ac6baef74a
nypost.com/2020/06/10/police-cant-use-amazons-facial-recognition-tech-for-a-year
nytimes.com/2020/06/09/technology/facial-recognition-software.html
pbs.org/newshour/nation/amazon-bans-police-use-of-face-recognition-technology-for-a-year
pcmag.com/news/amazon-hits-pause-on-offering-facial-recognition-tech-to-police
politico.eu/newsletter/ai-decoded/politico-ai-decoded-parliament-tests-facial-recognition-waters-experimenting-with-facial-recognition-rules-big-big-bucks-in-ai
popularmechanics.com/technology/security/a32837598/amazon-facial-recognition-rekognition-ban
providencejournal.com/news/20191221/is-facial-recognition-tech-too-young-to-trust-some-governments-think-so
qz.com/1867967/amazon-and-microsoft-pause-police-facial-recognition
reuters.com/article/us-amazon-com-facial-recognition-idUSKBN23H3EO
reuters.com/video/watch/idOVCHSMNKV
sfgate.com/cnet/article/Amazon-announces-one-year-pause-on-facial-15331241.php
siliconangle.com/2020/06/10/aws-bans-police-using-facial-recognition-technology-a-year
tech.co/news/facial-recognition-delay-amazon-2020-06
techcrunch.com/2020/06/10/amazon-rekognition-moratorium
techhq.com/2021/10/regulation-on-facial-recognition-needed
techrepublic.com/article/amazon-puts-one-year-moratorium-on-police-use-of-facial-recognition-software
thegrio.com/2020/06/11/amazon-facial-recognition-technology
theguardian.com/technology/2020/jun/10/amazon-rekognition-software-police-black-lives-matter
thenextweb.com/news/clearview-ai-just-cleared-final-hurdle-in-its-quest-to-undermine-us-democracy
theverge.com/2020/6/10/21287101/amazon-rekognition-facial-recognition-police-ban-one-year-ai-racial-bias
usatoday.com/story/tech/2019/12/17/face-recognition-ban-some-cities-states-and-lawmakers-push-one/2680483001
venturebeat.com/2020/06/13/rep-jimmy-gomez-on-the-future-of-facial-recognition-regulation-in-congress
venturebeat.com/2021/10/08/ai-weekly-eu-facial-recognition-ban-highlights-need-for-u-s-legislation
wandtv.com/news/instagram-filters-affected-by-clearview-ai-facial-recognition-database-lawsuit/article_ba80693c-d213-11ec-8dd0-0f11fd3a1f73.html
wandtv.com/news/instagram-filters-not-affected-by-clearview-ai-facial-recognition-database-lawsuit/article_ba80693c-d213-11ec-8dd0-0f11fd3a1f73.html
washingtonpost.com/technology/2020/06/10/amazon-rekognition-police
wrcbtv.com/story/42236693/amazon-issues-12month-ban-on-police-use-of-facial-recognition
zdnet.com/article/amazon-puts-one-year-moratorium-on-rekognition-facial-recognition-technology-for-police-use
"""
FR_ARTICLES = [url for url in FR_ARTICLE_LIST.splitlines() if url]


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> newsgraph.Analysis:
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus not available at {CORPUS_DIR}")
    out = tmp_path_factory.mktemp("corpus") / "exports"
    newsgraph.run_build([CORPUS_DIR], out, formats=["json"])
    return newsgraph.open(out, foci=shipped_foci_path())  # from graph.json, as `--graph` does


def test_corpus_facial_recognition_regulation_articles(corpus: newsgraph.Analysis) -> None:
    found = corpus.focus(FR)
    assert found.ids == sorted(f"article:https://{url}" for url in FR_ARTICLES)
    every = corpus.focus(Focus("any", '"facial recognition" OR "face recognition"'))
    assert len(every) - len(found) == 21
    newest = found[0]
    assert (newest.provider, newest.published.date().isoformat()) == (  # type: ignore[union-attr]
        "The National Law Review", "2022-05-12",
    )  # fmt: skip


@pytest.mark.parametrize(
    "of,measure,focus,network,top",
    [
        # all articles: topics on the co-occurrence network, with the shipped foci as topics
        ("topics", "pagerank", None, "cooccurrence",
         ["AI", "Computer Vision", "AI in medicine", FR, "AI in Healthcare"]),
        ("topics", "degree", None, "cooccurrence",
         ["AI", "Computer Vision", "deepfakes and synthetic media"]),
        # providers on the network of related links: PageRank favours the linked-to, degree the
        # records with long related lists (CBS News lists 65 articles of other providers)
        ("providers", "pagerank", None, "links",
         ["MIT Technology Review", "ABC News", "Forbes"]),
        ("providers", "degree", None, "links",
         ["CBS News", "中国日报网", "New York Times", "The National Law Review", "EUobserver"]),
        # within the focus: its subgraph of articles, providers and topics
        ("topics", "pagerank", FR, "subgraph", ["AI", "Computer Vision", "AWS AI"]),
        ("topics", "degree", FR, "subgraph", ["AI", "Computer Vision", "AWS AI"]),
        ("providers", "pagerank", FR, "subgraph", ["Fast Company", "GeekWire", "Reuters"]),
    ],
)  # fmt: skip
def test_corpus_top_topics_and_providers(
    corpus: newsgraph.Analysis,
    of: str,
    measure: str,
    focus: str | None,
    network: str,
    top: list[str],
) -> None:
    ranking = corpus.centrality(of=of, measure=measure, focus=focus, top=len(top))
    assert ranking.network == network
    assert ranking.labels() == top


def test_corpus_focus_providers_by_degree_are_tied(corpus: newsgraph.Analysis) -> None:
    ranking = corpus.centrality(of="providers", measure="degree", focus=FR)
    tied = [row.label for row in ranking if row.rank == 1]
    assert tied == [
        "BBC", "CNBC", "Digital Trends", "Fast Company", "GeekWire", "Reuters", "VentureBeat",
        "WAND",
    ]  # fmt: skip
    assert all(row.figures["articles"] == 2 for row in ranking if row.rank == 1)


def test_corpus_communities_and_trend(corpus: newsgraph.Analysis) -> None:
    found = corpus.communities()
    assert ("AI in medicine", "AI in Healthcare", "Machine Learning") in [c.labels for c in found]
    assert ("AI in Autos", "self-driving vehicles") in [c.labels for c in found]
    result = corpus.trend(of="topics", window="year", top=4)
    fr = next(s for s in result.series if s.label == FR)
    assert dict(zip(result.windows, fr.ranks, strict=True))["2022"] == 2


def test_the_index_is_kept_beside_the_graph_and_used_while_it_is_unchanged(
    seed_exports: Path, tmp_path: Path
) -> None:
    import os
    import shutil

    from newsgraph.analysis import index as index_module

    folder = tmp_path / "build"
    folder.mkdir()
    shutil.copy(seed_exports / "graph.json", folder / "graph.json")
    first = GraphIndex.read(folder)
    assert (folder / index_module.INDEX_CACHE).is_file()
    cached = index_module._read_cached(folder / "graph.json")
    assert cached is not None
    for name in index_module._STORED_FIELDS:
        assert getattr(cached, name) == getattr(first, name), name
    assert cached.source == first.source

    # a graph.json written again (another build) makes the kept index stale
    graph = json.loads((folder / "graph.json").read_text(encoding="utf-8"))
    graph["nodes"] = [n for n in graph["nodes"] if n["id"] != "topic:computer vision"]
    graph["edges"] = [e for e in graph["edges"] if e["target"] != "topic:computer vision"]
    (folder / "graph.json").write_text(json.dumps(graph), encoding="utf-8")
    os.utime(folder / "graph.json", ns=(1, 1))
    assert index_module._read_cached(folder / "graph.json") is None
    assert GraphIndex.read(folder).topic_labels == ["AI"]

    # a folder that cannot be written to still answers, without a kept index
    shutil.rmtree(folder / ".newsgraph-cache")
    folder.chmod(0o555)
    try:
        if not os.access(folder, os.W_OK):  # (root writes anywhere: nothing to check then)
            assert GraphIndex.read(folder).topic_labels == ["AI"]
            assert not (folder / ".newsgraph-cache").exists()
    finally:
        folder.chmod(0o755)


def test_the_index_keeps_date_times_in_utc_read_or_kept(broken_dir: Path, tmp_path: Path) -> None:
    from newsgraph.analysis import index as index_module

    out = tmp_path / "build"
    newsgraph.run_build([broken_dir], out, formats=["json"])
    graph = newsgraph.read_json(out / "graph.json")
    offsets = {d.utcoffset() for _, d in graph.nodes(data="published_at") if d is not None}
    assert len(offsets) > 1  # the folder has a +01:00 date-time besides UTC ones
    (out / index_module.INDEX_CACHE).unlink()
    fresh = GraphIndex.read(out)  # from graph.json
    kept = GraphIndex.read(out)  # from the index kept by the first read
    assert {p.utcoffset() for p in fresh.published if p is not None} == {timedelta(0)}
    assert kept.published == fresh.published
    assert [p.isoformat() for p in kept.published if p] == [
        p.isoformat() for p in fresh.published if p
    ]
    assert kept.days() == fresh.days()


def test_the_build_keeps_the_full_text_index_and_foci_use_it_while_it_is_current(
    tmp_path: Path,
) -> None:
    """The foci's full-text index is made by the build and opened, not filled again, by later
    analyses; a changed graph.json makes a new one; the answers are the same either way."""
    import os

    from newsgraph.analysis import focus as focus_module

    out = tmp_path / "build"
    newsgraph.run_build([ROOT / "seeds"], out, formats=["json"])
    assert (out / focus_module.FULLTEXT_CACHE).is_file()
    assert not list((out / ".newsgraph-cache").glob("*.tmp"))
    query = '"facial recognition" OR ordinance'
    fresh = focus_module.FocusMatcher(GraphIndex.read(out)).match(query)  # filled in memory
    assert fresh

    kept = (out / focus_module.FULLTEXT_CACHE).resolve()

    def backing(matcher: focus_module.FocusMatcher) -> str:
        """The file the matcher's full-text index is read from ("" in memory)."""
        return str(matcher._connection.execute("PRAGMA database_list").fetchone()[2])

    matcher = GraphIndex.read(out).matcher
    assert matcher.match(query) == fresh
    assert backing(matcher) == str(kept), "the kept index was not used"

    # graph.json written again: the kept index is stale, made again in memory, and kept anew
    os.utime(out / "graph.json", ns=(1, 1))
    matcher = GraphIndex.read(out).matcher
    assert matcher.match(query) == fresh
    assert backing(matcher) == ""
    matcher = GraphIndex.read(out).matcher
    assert matcher.match(query) == fresh
    assert backing(matcher) == str(kept), "the new one was not kept"

    # a broken kept file is ignored
    (out / focus_module.FULLTEXT_CACHE).write_bytes(b"not sqlite")
    assert GraphIndex.read(out).matcher.match(query) == fresh
