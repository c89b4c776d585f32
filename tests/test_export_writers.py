"""The streaming graph.json, GraphML and GEXF writers against the way they used to be written.

The old way (a node-link document through ``json.dump``; NetworkX's writers on a flattened copy of
the graph) is kept here as the reference. The new files must hold the same bytes (GEXF: but for
``<meta>``, which names newsgraph as the creator), read back through NetworkX and
``read_json`` into the same graphs, parse as XML, and not depend on the hash seed.
"""

from __future__ import annotations

import json
import math
import pickle
import re
import shutil
import subprocess
import sys
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

import newsgraph
from newsgraph.analysis.index import GraphIndex
from newsgraph.export.flatten import flat_copy
from newsgraph.export.gexf import write_gexf
from newsgraph.export.graphml import write_graphml
from newsgraph.export.json import read_json, write_json
from newsgraph.export.values import json_default

WHEN = datetime(2026, 1, 2, 3, 4, 5, tzinfo=timezone.utc)
Writer = Callable[[nx.MultiDiGraph, Path], None]


# The old way, verbatim.


def _label(attrs: Mapping[str, Any]) -> dict[str, Any]:
    label = attrs.get("label") or attrs.get("title") or attrs.get("name") or attrs.get("url")
    return {"label": label} if label else {}


def old_json(graph: nx.MultiDiGraph, path: Path) -> None:
    data = nx.node_link_data(graph, edges="edges")
    with open(path, "w", encoding="utf-8") as handle:
        json.dump(data, handle, ensure_ascii=False, default=json_default, separators=(",", ":"))
        handle.write("\n")


def old_graphml(graph: nx.MultiDiGraph, path: Path) -> None:
    nx.write_graphml_lxml(flat_copy(graph), path, encoding="utf-8", named_key_ids=True)


def old_gexf(graph: nx.MultiDiGraph, path: Path) -> None:
    nx.write_gexf(flat_copy(graph, node_extra=_label), path, encoding="utf-8", version="1.2draft")


PAIRS: dict[str, tuple[Writer, Writer]] = {
    "json": (write_json, old_json),
    "graphml": (write_graphml, old_graphml),
    "gexf": (write_gexf, old_gexf),
}


# Graphs.


def hostile_graph() -> nx.MultiDiGraph:
    """Every kind of value and text the writers must carry as the old way did."""
    nasty = "ctl \x00\x01\x08\x0b\x0c\x0e\x1f tab\tnl\ncr\r <&>\"' \ufffe\uffff \x7f\x85\u2028 😀"
    g = nx.MultiDiGraph(
        name='hostile <"graph">',
        newsgraph_version="0.1.0",
        built_at=WHEN.isoformat(),
        inputs=[{"file": "a.md", "note": nasty}],
        empty=[],
        nothing=None,
        flag=True,
    )
    utc = datetime(2021, 6, 23, 16, 4, tzinfo=timezone.utc)
    odd = datetime(2021, 6, 23, 16, 4, 5, 123456, tzinfo=timezone(timedelta(hours=5, seconds=15)))
    g.add_node(
        "article:https://example.com/a?b=1&c=<2>",
        kind="article",
        title=nasty,
        excerpt="Unicode: 中国日报网 아크로팬 \u2013 \u201ccurly\u201d \u02c8ipa",
        published_at=utc,
        quality=32,
        heat=-1,
        width=1023,
        score=1.5,
        big=2**70,
        tiny=1e-7,
        huge=1e16,
        published=True,
        stub=False,
        topics=["AI", nasty],
        images=[{"url": "https://example.com/i.jpg", "width": 255, "extra": {"alt": nasty}}],
        empty_list=[],
        empty_map={},
        missing=None,
        extra={"nested": [1, 2.5, None, True, {"deep": [odd, "x"]}]},
        alternatives={"published_at": [odd, utc], "title": ["Other"]},
        mixed=7,
    )
    g.add_node(
        "article:\x01bad\tid\n",
        kind="article",
        title="",
        mixed="seven",
        naive=odd.replace(tzinfo=None),
    )
    g.add_node("provider:example.com", kind="provider", name="Example & Co", names=["Example"])
    g.add_node("topic:ai", kind="topic", label="AI", labels=["AI"])
    g.add_node("topic:empty label", kind="topic", label="", url="https://t.example/")
    g.add_node("bare")  # no attributes at all
    g.add_node("only none", missing=None)
    g.add_node("numbers", nan=math.nan, inf=math.inf, ninf=-math.inf, neg=-0.0)
    a, b = "article:https://example.com/a?b=1&c=<2>", "article:\x01bad\tid\n"
    g.add_edge(a, "topic:ai", key="has_topic", kind="has_topic")
    g.add_edge(a, "provider:example.com", key="published_by", kind="published_by")
    g.add_edge(a, b, key="related_to", kind="related_to", rank=1, sources=[{"file": "a.md"}])
    g.add_edge(a, b, key='odd "key" & <more>', kind="related_to", rank="first", when=utc)
    g.add_edge(b, a, key="related_to", kind="related_to", rank=3, sources=[])
    g.add_edge("bare", "bare")  # an integer key, no attributes
    g.add_edge("bare", "numbers", weightless=None)
    return g


def many_nodes_graph(count: int = 4500) -> nx.MultiDiGraph:
    """More nodes and edges than one write holds, so the chunks and batches join up."""
    inputs = [{"file": f"{i}.md", "sha256": f"{i:064x}"} for i in range(25_000)]  # in pieces
    g = nx.MultiDiGraph(name="many", built_at=WHEN.isoformat(), inputs=inputs)
    for i in range(count):
        g.add_node(
            f"n{i}",
            kind="article",
            title=f"Title {i} & co" if i % 7 == 0 else f"Title {i}",
            published_at=WHEN + timedelta(minutes=i),
            quality=i * 37 % 1000,
            score=i / 7 if i % 1000 == 0 else None,  # a float now and then: that batch row by row
            topics=[f"t{i % 5}"],
        )
    for i in range(count - 1):
        g.add_edge(f"n{i}", f"n{i + 1}", key="related_to", kind="related_to", rank=i % 40)
    return g


def empty_graph() -> nx.MultiDiGraph:
    return nx.MultiDiGraph()


def nodes_only_graph() -> nx.MultiDiGraph:
    g = nx.MultiDiGraph()
    g.add_nodes_from(["b", "a"])
    return g


GRAPHS: dict[str, Callable[[], nx.MultiDiGraph]] = {
    "hostile": hostile_graph,
    "many": many_nodes_graph,
    "empty": empty_graph,
    "nodes-only": nodes_only_graph,
}


# Comparisons.


def without_meta(data: bytes) -> bytes:
    return re.sub(rb"  <meta .*?</meta>\n", b"", data, count=1, flags=re.S)


def write_both(name: str, graph: nx.MultiDiGraph, folder: Path) -> tuple[bytes, bytes]:
    new, old = PAIRS[name]
    new(graph, folder / f"new.{name}")
    old(graph, folder / f"old.{name}")
    return (folder / f"new.{name}").read_bytes(), (folder / f"old.{name}").read_bytes()


def assert_same_graph(expected: nx.MultiDiGraph, actual: nx.MultiDiGraph) -> None:
    def same(a: Any, b: Any) -> bool:  # NaN is not equal to itself
        return a == b or (isinstance(a, float) and isinstance(b, float) and a != a and b != b)

    assert actual.graph.keys() == expected.graph.keys()
    assert all(same(v, actual.graph[k]) for k, v in expected.graph.items())
    assert list(actual.nodes) == list(expected.nodes)
    for node, attrs in expected.nodes(data=True):
        assert list(actual.nodes[node]) == list(attrs), node
        assert all(same(v, actual.nodes[node][k]) for k, v in attrs.items()), node
    assert list(actual.edges(keys=True)) == list(expected.edges(keys=True))
    for u, v, k, attrs in expected.edges(keys=True, data=True):
        assert actual.edges[u, v, k] == attrs


def read_xml(name: str, path: Path) -> nx.MultiDiGraph:
    if name == "graphml":
        return nx.read_graphml(path, force_multigraph=True)  # type: ignore[no-any-return]
    return nx.MultiDiGraph(nx.read_gexf(path))


def assert_same_file(name: str, graph: nx.MultiDiGraph, folder: Path) -> None:
    """The new file holds what the old way wrote and reads back the same."""
    new, old = write_both(name, graph, folder)
    if name == "gexf":
        assert without_meta(new) == without_meta(old)
    else:
        assert new == old
    if name == "json":
        assert_same_graph(read_json(folder / "old.json"), read_json(folder / "new.json"))
        return
    etree.parse(str(folder / f"new.{name}"))  # well-formed XML (lxml raises otherwise)
    try:
        expected = read_xml(name, folder / f"old.{name}")
    except (ValueError, TypeError, nx.NetworkXError) as exc:  # e.g. one name with two types
        with pytest.raises(type(exc)):
            read_xml(name, folder / f"new.{name}")
        return
    assert_same_graph(expected, read_xml(name, folder / f"new.{name}"))


@pytest.mark.parametrize("name", sorted(PAIRS))
@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_same_as_the_old_way(name: str, graph: str, tmp_path: Path) -> None:
    assert_same_file(name, GRAPHS[graph](), tmp_path)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_seed_build_same_as_the_old_way(
    name: str, seed_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    assert_same_file(name, seed_graph, tmp_path)


@pytest.mark.parametrize("name", sorted(PAIRS))
def test_corpus_build_same_as_the_old_way(
    name: str, corpus_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    assert_same_file(name, corpus_graph, tmp_path)


def test_json_round_trips_hostile_graph(tmp_path: Path) -> None:
    graph = hostile_graph()
    write_json(graph, tmp_path / "graph.json")
    back = read_json(tmp_path / "graph.json")
    # read_json restores published_at (and its alternatives); other date-times stay ISO text
    expected = json.loads(json.dumps(nx.node_link_data(graph, edges="edges"), default=json_default))
    expected = nx.node_link_graph(expected, directed=True, multigraph=True, edges="edges")
    for _, attrs in expected.nodes(data=True):
        newsgraph.export.values.restore_datetimes(attrs)
    assert_same_graph(expected, back)
    assert back.nodes["article:https://example.com/a?b=1&c=<2>"]["published_at"] == datetime(
        2021, 6, 23, 16, 4, tzinfo=timezone.utc
    )


def test_json_index_reads_as_before(seed_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    """analysis.index decodes graph.json with msgspec: same index as from the graph itself."""
    write_json(seed_graph, tmp_path / "graph.json")
    read, made = GraphIndex.read(tmp_path / "graph.json"), GraphIndex.from_graph(seed_graph)
    for field in ("articles", "titles", "published", "stubs", "article_providers", "topics"):
        assert getattr(read, field) == getattr(made, field), field
    assert (read.related, read.provider_labels, read.base_iri) == (
        made.related,
        made.provider_labels,
        made.base_iri,
    )


def test_gexf_meta_names_newsgraph(tmp_path: Path) -> None:
    write_gexf(hostile_graph(), tmp_path / "graph.gexf")
    meta = etree.parse(str(tmp_path / "graph.gexf")).getroot()[0]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", meta.get("lastmodifieddate", ""))
    assert meta[0].text == f"newsgraph {newsgraph.__version__}"


def test_graphml_keys_declared_as_networkx_does(tmp_path: Path) -> None:
    write_graphml(hostile_graph(), tmp_path / "graph.graphml")
    ns = {"g": "http://graphml.graphdrawing.org/xmlns"}
    keys = [
        (k.get("id"), k.get("for"), k.get("attr.type"))
        for k in etree.parse(str(tmp_path / "graph.graphml")).getroot().findall("g:key", ns)
    ]
    assert ("mixed", "node", "long") in keys and ("mixed", "node", "string") in keys
    assert ("big", "node", "long") in keys and ("score", "node", "double") in keys
    assert ("flag", "graph", "boolean") in keys and ("published_at", "node", "string") in keys


def test_illegal_characters_replaced_everywhere(tmp_path: Path) -> None:
    """Also where the old way failed: edge keys, attribute names, unpaired surrogates."""
    g = nx.MultiDiGraph()
    g.add_node("a\ud800", **{"na\x01me": "x\udfff", "title": "t"})
    g.add_edge("a\ud800", "a\ud800", key="k\x02")
    for name, (new, _) in PAIRS.items():
        if name == "json":
            continue  # JSON cannot carry unpaired surrogates in UTF-8 either way
        new(g, tmp_path / f"graph.{name}")
        text = (tmp_path / f"graph.{name}").read_text(encoding="utf-8")
        etree.parse(str(tmp_path / f"graph.{name}"))
        assert "a\ufffd" in text and "x\ufffd" in text and "k\ufffd" in text


@pytest.mark.parametrize(
    ("name", "attrs"),
    [
        ("gexf", {"start": "2021"}),  # GEXF structure: NetworkX's writer
        ("gexf", {"viz": {"size": 3}}),
        ("graphml", {}),  # a graph id: NetworkX's writer
    ],
)
def test_reserved_names_go_through_networkx(
    name: str, attrs: dict[str, Any], tmp_path: Path
) -> None:
    g = nx.MultiDiGraph(id="g1") if name == "graphml" else nx.MultiDiGraph()
    g.add_node("a", title="A", **attrs)
    g.add_edge("a", "a", key="self", kind="self")
    new, old = PAIRS[name]
    try:
        old(g, tmp_path / "old")
    except (AttributeError, TypeError) as exc:  # flattened values NetworkX cannot read
        with pytest.raises(type(exc)):
            new(g, tmp_path / "new")
        return
    new(g, tmp_path / "new")
    assert without_meta((tmp_path / "new").read_bytes()) == without_meta(
        (tmp_path / "old").read_bytes()
    )


def write_in_shards(name: str, graph: nx.MultiDiGraph, path: Path, size: int = 1) -> bool:
    """Write ``graph`` as a process without it would: a shard of ``size`` nodes at a time, each
    from its pickled payload, the parts joined in order. False when it must go whole."""
    from newsgraph.export import shards
    from newsgraph.export.rdf import shard_ranges

    found = shards.begin(name, graph, path)
    if found is None:
        return False
    nodes = list(graph)
    ranges = shard_ranges(len(nodes), size)
    edges = path.with_name("edges")
    with open(path, "ab") as node_file, open(edges, "ab") as edge_file:
        for number, ((start, stop), first) in enumerate(
            zip(ranges, shards.edge_counts(graph, ranges), strict=True)
        ):
            parts = {
                name: path.with_name(f"n{number}"),
                name + shards.EDGES: edges.with_name(f"e{number}"),
            }
            payload = shards.shard_payload(
                graph, nodes[start:stop], sections={name: (found.context, first)}, count=False
            )
            shards.write_shard_payload(payload, parts)
            node_file.write(parts[name].read_bytes())
            edge_file.write(parts[name + shards.EDGES].read_bytes())
    shards.finish(path, found, edges)
    return True


@pytest.mark.parametrize("size", [1, 3])
@pytest.mark.parametrize("name", ["graphml", "gexf"])
@pytest.mark.parametrize("graph", sorted(GRAPHS))
def test_written_in_shards_the_same_bytes(name: str, graph: str, size: int, tmp_path: Path) -> None:
    """As the exports are written at a million files: GraphML and GEXF cut into ranges of nodes,
    each written from its pickled payload by a process without the graph, then joined."""
    g = GRAPHS[graph]()
    PAIRS[name][0](g, tmp_path / "whole")
    (tmp_path / "shards").mkdir()
    assert write_in_shards(name, g, tmp_path / "shards" / "file", size)
    assert (tmp_path / "shards" / "file").read_bytes() == (tmp_path / "whole").read_bytes()


@pytest.mark.parametrize("name", ["graphml", "gexf"])
def test_corpus_written_in_shards_the_same_bytes(
    name: str, corpus_graph: nx.MultiDiGraph, tmp_path: Path
) -> None:
    PAIRS[name][0](corpus_graph, tmp_path / "whole")
    (tmp_path / "shards").mkdir()
    assert write_in_shards(name, corpus_graph, tmp_path / "shards" / "file", 7)
    assert (tmp_path / "shards" / "file").read_bytes() == (tmp_path / "whole").read_bytes()


@pytest.mark.parametrize(
    ("name", "graph"), [("gexf", {"mode": "dynamic"}), ("graphml", {"id": "g"})]
)
def test_graphs_networkx_must_write_are_not_cut(
    name: str, graph: dict[str, Any], tmp_path: Path
) -> None:
    g = nx.MultiDiGraph(**graph)
    g.add_node("a", title="A")
    assert not write_in_shards(name, g, tmp_path / "file")
    assert not (tmp_path / "file").exists()


_DETERMINISM = """
import pickle, sys
from newsgraph.export.gexf import write_gexf
from newsgraph.export.graphml import write_graphml
from newsgraph.export.json import write_json
graph = pickle.loads(open(sys.argv[1], "rb").read())
for write, name in ((write_json, "json"), (write_graphml, "graphml"), (write_gexf, "gexf")):
    write(graph, sys.argv[2] + "." + name)
"""


def test_same_bytes_whatever_the_hash_seed(seed_graph: nx.MultiDiGraph, tmp_path: Path) -> None:
    graph = nx.compose(seed_graph, hostile_graph())
    (tmp_path / "graph.pickle").write_bytes(pickle.dumps(graph))
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"seed{seed}"
        subprocess.run(
            [sys.executable, "-c", _DETERMINISM, str(tmp_path / "graph.pickle"), str(out)],
            check=True,
            env={"PYTHONHASHSEED": seed, "PATH": "/usr/bin:/bin"},
        )
        outputs.append([Path(f"{out}.{name}").read_bytes() for name in ("json", "graphml", "gexf")])
    assert outputs[0] == outputs[1]


@pytest.mark.skipif(shutil.which("xmllint") is None, reason="xmllint (libxml2-utils) not here")
@pytest.mark.parametrize("name", ["graphml", "gexf"])
def test_xmllint_accepts(name: str, tmp_path: Path) -> None:
    PAIRS[name][0](hostile_graph(), tmp_path / f"graph.{name}")
    subprocess.run(["xmllint", "--noout", str(tmp_path / f"graph.{name}")], check=True)


# Random text and values: still the same bytes as the old way.

_text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=12)
_values = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=False),
    _text,
    st.datetimes(timezones=st.just(timezone.utc)),
    st.lists(st.one_of(_text, st.integers(), st.floats(allow_nan=False)), max_size=3),
    st.dictionaries(_text, _text, max_size=2),
)
_names = st.sampled_from(["title", "name", "url", "kind", "rank", "x", "y", "label"])


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    nodes=st.lists(st.tuples(_text, st.dictionaries(_names, _values, max_size=4)), max_size=5),
    edges=st.lists(
        st.tuples(
            st.integers(0, 4), st.integers(0, 4), st.dictionaries(_names, _values, max_size=2)
        ),
        max_size=6,
    ),
)
def test_random_graphs_same_as_the_old_way(
    nodes: list[tuple[str, dict[str, Any]]],
    edges: list[tuple[int, int, dict[str, Any]]],
    tmp_path: Path,
) -> None:
    g = nx.MultiDiGraph(name="random", built_at=WHEN.isoformat())
    ids: list[str] = []
    for node, attrs in nodes:
        flat = flat_copy(nx.MultiDiGraph([(node, node)])).nodes
        if any(i in flat for i in ids) or node in ids:
            continue  # ids the old way merged once made XML-legal
        ids.append(node)
        g.add_node(node, **attrs)
    for u, v, attrs in edges:
        if u < len(ids) and v < len(ids):
            g.add_edge(ids[u], ids[v], **{k: x for k, x in attrs.items() if k != "label"})
    for name in PAIRS:
        new, old = write_both(name, g, tmp_path)
        assert (without_meta(new) if name == "gexf" else new) == (
            without_meta(old) if name == "gexf" else old
        ), name
