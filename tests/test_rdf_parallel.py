"""The RDF writers: one pass over the triples for every format, in shards, in parallel.

Our own renderers write N-Triples, Turtle and JSON-LD from plain statements instead of pyoxigraph
terms (for speed), so these tests hold them to the bytes pyoxigraph writes for the same triples
(escapes checked for every code point), and to the JSON-LD shape newsgraph has always written;
the outputs must not depend on the number of workers or on where the shards are cut; the shard
functions the Dask engine uses must give exactly the triples of the whole graph.
"""

from __future__ import annotations

import json
from collections import Counter
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import networkx as nx
import pyoxigraph
import pytest

import newsgraph
from newsgraph.export import rdf as rdf_module
from newsgraph.export import write_exports
from newsgraph.export.rdf import (
    JSONLD_CONTEXT,
    RdfCounts,
    count_triples,
    dataset_triples,
    graph_triples,
    join_rdf_parts,
    node_triples,
    read_rdf,
    shard_ranges,
    write_jsonld,
    write_ntriples,
    write_ntriples_shard,
    write_rdf_shard,
    write_turtle,
)
from newsgraph.export.values import dumps
from newsgraph.export.void import void_triples, write_void
from newsgraph.model import Article, Image, Provider
from newsgraph.vocab import PREFIXES, RDF

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
RDF_NAMES = ["turtle", "ntriples", "jsonld", "void"]
HOSTILE = "\x00\x01\x07\b\t\n\x0b\f\r\x1b\x1f \"'\\ \\u0041 \x7f \x80 é 中 \u2028 \ufffe\uffff 😀"


def hostile_graph(base_iri: str | None = None, *, odd: bool = True) -> nx.MultiDiGraph:
    """Text with every character that needs an escape somewhere, IRIs that need percent-encoding;
    and, ``odd``, numbers that Turtle may or may not write bare and an article whose IRI is
    another's (which cannot be read back)."""
    when = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
    listing = Article(
        "dir/a b.md",
        title=HOSTILE,
        excerpt="plain",
        body='line 1\nline 2\r\n\ttabbed "quoted" back\\slash' * 50,
        published_at=datetime(2021, 6, 23, 16, 4, tzinfo=timezone.utc),
        web_url="https://example.com/a?b=2&a=1#frag",
        quality=-3,
        heat=0,
        published=False,
        provider=Provider('Ex "ample"', "example.com", (Image("https://e.com/l.png", 10),)),
        topics=("AI", "Computer Vision", "ünïcödé topic", HOSTILE),
        images=(
            Image("https://example.com/i.jpg", 1200, 845, HOSTILE, True, {"alt": HOSTILE}),
            Image("https://example.com/j.jpg"),
        ),
        related=(
            Article("dir/a b.md", title="Related", web_url="https://other.org/r", rank=1),
            Article("dir/a b.md", title="Again", web_url="https://other.org/r", rank=3),
            Article("dir/a b.md", title="Other", web_url="https://other.org/%7Ex y", rank=2),
        ),
        extra={"unknownKey": {"nested": [1, 2.5, None, True, HOSTILE]}},
    )
    other = Article("/abs/b.md", title="B", web_url="https://other.org/r", heat=5)
    graph = newsgraph.build_graph([listing, other], built_at=when)
    if base_iri is not None:
        graph.graph["base_iri"] = base_iri
    if not odd:
        return graph
    key = "article:https://example.com/a?a=1&b=2"
    graph.nodes[key]["quality"] = "+0012"  # integer-typed but not a Python int: still bare
    graph.nodes[key]["heat"] = "3.5"  # not a Turtle integer: quoted, with its datatype
    # the minter drops https://, so this article has the IRI of the one above
    graph.add_node("article:example.com/a?a=1&b=2", **{**graph.nodes[key], "images": []})
    return graph


def graphs(request: pytest.FixtureRequest) -> nx.MultiDiGraph:
    name = request.param
    if name == "hostile":
        return hostile_graph()
    if name == "hostile-under-a-prefix":  # instance IRIs that Turtle writes as prefixed names
        return hostile_graph("http://schema.org/news/")
    graph: nx.MultiDiGraph = request.getfixturevalue(f"{name}_graph")
    return graph


graph = pytest.fixture(params=["seed", "corpus", "hostile", "hostile-under-a-prefix"])(graphs)


def by_pyoxigraph(triples: Any, fmt: pyoxigraph.RdfFormat) -> bytes:
    prefixes = PREFIXES if fmt == pyoxigraph.RdfFormat.TURTLE else None
    return pyoxigraph.serialize(list(triples), format=fmt, prefixes=prefixes) or b""


def jsonld_reference(triples: Any) -> bytes:
    """graph.jsonld as newsgraph has always written it: a node object a run of one subject."""

    def compact(iri: str) -> str:
        for prefix, namespace in PREFIXES.items():
            if iri.startswith(namespace) and iri != namespace:
                return f"{prefix}:{iri[len(namespace) :]}"
        return iri

    objects: list[dict[str, Any]] = []
    for triple in triples:
        if not objects or objects[-1]["@id"] != triple.subject.value:
            objects.append({"@id": triple.subject.value})
        node, obj = objects[-1], triple.object
        if triple.predicate == RDF.type:
            node.setdefault("@type", []).append(compact(obj.value))
        elif isinstance(obj, pyoxigraph.NamedNode):
            node.setdefault(compact(triple.predicate.value), []).append({"@id": obj.value})
        elif obj.datatype.value == "http://www.w3.org/2001/XMLSchema#string":
            node.setdefault(compact(triple.predicate.value), []).append(obj.value)
        else:
            value = {"@value": obj.value, "@type": compact(obj.datatype.value)}
            node.setdefault(compact(triple.predicate.value), []).append(value)
    text = '{"@context":' + dumps(JSONLD_CONTEXT) + ',"@graph":[\n'
    text += ",\n".join(dumps(node) for node in objects) + "\n]}\n"
    return text.encode()


# -- the renderers write what pyoxigraph writes -------------------------------------------------


def test_literal_escapes_match_pyoxigraph_for_every_code_point() -> None:
    every = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c <= 0xDFFF)
    s, p = pyoxigraph.NamedNode("urn:s"), rdf_module._term(pyoxigraph.NamedNode("urn:p"))
    for text in [every, *every[:0x100], "\uffff", "\ufffe", "\\u0000", "\\u", "a\\", ""]:
        renderer = rdf_module._Renderer(["ntriples", "turtle", "jsonld"], first=True)
        renderer.render([(s.value, p, text, rdf_module._STRING)])
        renderer.finish()
        triple = pyoxigraph.Triple(s, p.node, pyoxigraph.Literal(text))
        for out, fmt in [
            (renderer.nt, pyoxigraph.RdfFormat.N_TRIPLES),
            (renderer.ttl, pyoxigraph.RdfFormat.TURTLE),
        ]:
            header = rdf_module._turtle_header() if fmt == pyoxigraph.RdfFormat.TURTLE else ""
            expected = by_pyoxigraph([triple], fmt).decode()
            assert header + "".join(out or []) == expected, (fmt, repr(text[:20]))
        node = {"@id": s.value, "urn:p": [text]}
        jsonld = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        assert "".join(renderer.jsonld or []) == jsonld


@pytest.mark.parametrize(
    "write,fmt",
    [(write_ntriples, pyoxigraph.RdfFormat.N_TRIPLES), (write_turtle, pyoxigraph.RdfFormat.TURTLE)],
    ids=["ntriples", "turtle"],
)
def test_ntriples_and_turtle_are_pyoxigraphs_bytes(
    graph: nx.MultiDiGraph, write: Any, fmt: pyoxigraph.RdfFormat, tmp_path: Path
) -> None:
    write(graph, tmp_path / "out")
    assert (tmp_path / "out").read_bytes() == by_pyoxigraph(graph_triples(graph), fmt)


def test_jsonld_keeps_its_shape(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    write_jsonld(graph, tmp_path / "graph.jsonld")
    written = (tmp_path / "graph.jsonld").read_bytes()
    assert written == jsonld_reference(graph_triples(graph))
    json.loads(written)  # and it is JSON


def test_void_counts_what_the_triples_hold(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    triples = list(graph_triples(graph))
    counts = count_triples(graph)
    assert counts.triples == len(triples)
    assert counts.subjects == len({t.subject for t in triples})
    assert counts.properties == {t.predicate.value for t in triples}
    assert counts.classes == Counter(t.object.value for t in triples if t.predicate == RDF.type)
    write_void(graph, tmp_path / "graph.void.ttl")
    expected = by_pyoxigraph(void_triples(graph, counts), pyoxigraph.RdfFormat.TURTLE)
    assert (tmp_path / "graph.void.ttl").read_bytes() == expected


def test_the_hostile_graph_reads_back(tmp_path: Path) -> None:
    graph = hostile_graph(odd=False)
    writers = {"g.ttl": write_turtle, "g.nt": write_ntriples, "g.jsonld": write_jsonld}
    for name, write in writers.items():
        write(graph, tmp_path / name)
        back = read_rdf(tmp_path / name)
        assert back.graph == graph.graph
        assert list(back.nodes(data=True)) == list(graph.nodes(data=True))
        assert list(back.edges(keys=True, data=True)) == list(graph.edges(keys=True, data=True))


# -- shards: the same bytes however the work is cut ---------------------------------------------


def test_shards_partition_the_triples(graph: nx.MultiDiGraph) -> None:
    nodes = list(graph)
    pieces = [list(dataset_triples(graph))]
    pieces += [list(node_triples(graph, nodes[a:b])) for a, b in shard_ranges(len(nodes), 3)]
    assert [t for piece in pieces for t in piece] == list(graph_triples(graph))


def test_ntriples_shards_join_into_graph_nt(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    nodes = list(graph)
    ranges = shard_ranges(len(nodes), 2)
    paths = [tmp_path / f"shard-{n}.nt" for n in range(len(ranges))]
    total = RdfCounts()
    for n, (start, stop) in enumerate(ranges):  # the dataset's triples with the first shard
        total += write_ntriples_shard(graph, nodes[start:stop], paths[n], dataset=n == 0)
    write_ntriples(graph, tmp_path / "graph.nt")
    assert b"".join(p.read_bytes() for p in paths) == (tmp_path / "graph.nt").read_bytes()
    assert total == count_triples(graph)
    # each shard is an N-Triples file by itself
    assert sum(1 for p in paths for _ in pyoxigraph.parse(path=str(p))) == total.triples


def test_parts_join_into_each_file(graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    names = ["ntriples", "turtle", "jsonld"]
    nodes = list(graph)
    ranges = [(0, 0), *shard_ranges(len(nodes), 1)]  # a node a shard, the dataset alone first
    for n, (start, stop) in enumerate(ranges):
        outputs = {name: tmp_path / f"{name}.{n}" for name in names}
        write_rdf_shard(graph, nodes[start:stop], outputs, dataset=n == 0)
    whole = {"ntriples": write_ntriples, "turtle": write_turtle, "jsonld": write_jsonld}
    for name in names:
        join_rdf_parts(
            name, [tmp_path / f"{name}.{n}" for n in range(len(ranges))], tmp_path / name
        )
        whole[name](graph, tmp_path / f"whole-{name}")
        assert (tmp_path / name).read_bytes() == (tmp_path / f"whole-{name}").read_bytes(), name


@pytest.mark.parametrize("formats", [RDF_NAMES, None, ["void"], ["jsonld", "json"]])
def test_workers_write_the_same_bytes(
    corpus_graph: nx.MultiDiGraph,
    formats: list[str] | None,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(rdf_module, "SHARD_NODES", 7)  # many shards, as at scale
    one = write_exports(corpus_graph, tmp_path / "one", formats, jobs=1)
    two = write_exports(corpus_graph, tmp_path / "two", formats, jobs=2)
    assert one.keys() == two.keys()
    for name, path in one.items():
        assert path.read_bytes() == two[name].read_bytes(), name
    left = {p.name for p in (tmp_path / "two").iterdir()} - {".newsgraph-cache"}  # (json's index)
    assert sorted(left) == sorted(p.name for p in two.values()), "part files left behind"
    if "ntriples" in one:  # and cut differently, still the same
        monkeypatch.setattr(rdf_module, "SHARD_NODES", 1000)
        three = write_exports(corpus_graph, tmp_path / "three", ["ntriples"], jobs=2)
        assert three["ntriples"].read_bytes() == one["ntriples"].read_bytes()


def test_fresh_helpers_write_the_same_bytes(
    graph: nx.MultiDiGraph, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Shards written from their pickled nodes by a helper started afresh (as at a million
    files): a node a shard, so that twin articles (one IRI for two nodes, whose shared subjects
    VoID counts once) fall in different shards; every format, VoID's counts included."""
    from newsgraph.engines import local

    monkeypatch.setattr(rdf_module, "SHARD_NODES", 1)
    one = write_exports(graph, tmp_path / "one", None, jobs=1)
    monkeypatch.setattr(local, "_memory", lambda: (64 << 30, 4 << 30))  # no forked helper fits
    monkeypatch.setattr(local, "run_shared", lambda *a, **k: pytest.fail("a helper was forked"))
    started: list[str] = []

    class Counted(local.FreshHelper):
        def __init__(self, target: str) -> None:
            started.append(target)
            super().__init__(target)

    monkeypatch.setattr(local, "FreshHelper", Counted)
    fresh = write_exports(graph, tmp_path / "fresh", None, jobs=2)
    assert started == ["newsgraph.export.shards:write_shard_payload"]
    for name, path in one.items():
        assert path.read_bytes() == fresh[name].read_bytes(), name


def test_a_failing_shard_fails_the_export(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    graph = hostile_graph()
    graph.add_node("zzz:odd", kind="unknown-kind")
    monkeypatch.setattr(rdf_module, "SHARD_NODES", 2)
    with pytest.raises(KeyError, match="unknown-kind"):
        write_exports(graph, tmp_path, ["turtle", "json"], jobs=2)
    assert not any(p.name.startswith(".rdf-parts-") for p in tmp_path.iterdir())


def test_a_shard_renders_a_few_nodes_at_a_time(seed_graph: nx.MultiDiGraph) -> None:
    """Nothing holds every triple: statements come in batches of a bounded number of nodes."""
    maker = rdf_module._Maker(seed_graph)
    nodes = list(seed_graph) * 300
    sizes = [len(b) for b, _ in rdf_module._statement_batches(maker, nodes, dataset=False)]
    assert len(sizes) > 1
    assert max(sizes) <= rdf_module._BATCH_NODES * max(
        len(b) for n in seed_graph for b, _ in rdf_module._statement_batches(maker, [n], False)
    )


@pytest.mark.parametrize(
    "lexical",
    ["0", "-3", "+0012", "", "+", "-", "1.0", "1e3", " 1", "1\n", "\u0661\u0662", "\u00b2", "0x1"],
)
def test_turtle_writes_bare_only_what_pyoxigraph_does(lexical: str) -> None:
    s, p = "urn:s", rdf_module._term(pyoxigraph.NamedNode("urn:p"))
    for datatype in (rdf_module._INTEGER, rdf_module._BOOLEAN):
        renderer = rdf_module._Renderer(["turtle"], first=True)
        renderer.render([(s, p, lexical, datatype)])
        renderer.finish()
        literal = pyoxigraph.Literal(lexical, datatype=datatype.term.node)
        triple = pyoxigraph.Triple(pyoxigraph.NamedNode(s), p.node, literal)
        expected = by_pyoxigraph([triple], pyoxigraph.RdfFormat.TURTLE).decode()
        assert rdf_module._turtle_header() + "".join(renderer.ttl or []) == expected
