"""The straightforward script a researcher would write instead of newsgraph, for comparison.

    python bench/naive.py CORPUS OUT

Idiomatic for each library and honest about it, and like newsgraph it keeps every field of the
input: python-frontmatter reads each file; a NetworkX ``MultiDiGraph`` gets one node per article
(keyed by its webUrl as written, else its originalUrl) with the record's fields as attributes,
one per provider and topic, and one edge per relation (related items with their rank); rdflib
gets one triple at a time (every field as a schema.org or example-namespace property, images and
related-list positions as blank nodes) and writes Turtle with ``serialize(format="turtle")``; and
pyvis draws the whole graph with ``Network.from_nx``. No identity rules, no validation, no report
and only one RDF format: it does less than newsgraph, which only makes it faster.

Prints the wall time of each stage.
"""

from __future__ import annotations

import os
import sys
import time
from datetime import date, datetime
from pathlib import Path
from typing import Any

import frontmatter
import networkx as nx
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, SKOS, XSD

SCHEMA = rdflib.Namespace("http://schema.org/")
EX = rdflib.Namespace("https://example.org/news/")

# The record fields that become article properties, and the property each one gets.
PROPERTIES = {
    "title": SCHEMA.headline,
    "excerpt": SCHEMA.description,
    "publishedDateTime": SCHEMA.datePublished,
    "webUrl": SCHEMA.url,
    "originalUrl": SCHEMA.isBasedOn,
    "ampWebUrl": EX.ampUrl,
    "cdnAmpWebUrl": EX.cdnAmpUrl,
    "type": SCHEMA.additionalType,
    "quality": EX.quality,
    "heat": EX.heat,
    "secured": EX.secured,
    "category": EX.category,
    "published": EX.published,
}


def stage(name: str, start: float) -> float:
    now = time.perf_counter()
    print(f"  {name:<28} {now - start:8.2f} s", flush=True)
    return now


def plain(value: Any) -> Any:
    """A value pyvis can write as JSON (it cannot write dates)."""
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def fields(meta: dict[str, Any]) -> dict[str, Any]:
    skip = ("provider", "topics", "related")
    return {k: plain(v) for k, v in meta.items() if k not in skip}


def add_article(graph: nx.MultiDiGraph, meta: dict[str, Any]) -> str:
    url = meta.get("webUrl") or meta.get("originalUrl")
    graph.add_node(url, kind="article", **fields(meta))
    provider = meta.get("provider") or {}
    if provider.get("domain"):
        graph.add_node(provider["domain"], kind="provider", name=provider.get("name"))
        graph.add_edge(url, provider["domain"], kind="published_by")
    for topic in meta.get("topics") or []:
        graph.add_node(topic, kind="topic")
        graph.add_edge(url, topic, kind="has_topic")
    return url


def literal(value: Any) -> Literal:
    if isinstance(value, str) and value.startswith(("http://", "https://")):
        return Literal(value, datatype=XSD.anyURI)
    return Literal(value)


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    begin = start = time.perf_counter()
    posts = [frontmatter.load(str(path)) for path in sorted(corpus.rglob("*.md"))]
    start = stage(f"load {len(posts)} files", start)

    graph = nx.MultiDiGraph()
    for post in posts:
        url = add_article(graph, post.metadata)
        for rank, item in enumerate(post.metadata.get("related") or [], start=1):
            graph.add_edge(url, add_article(graph, item), kind="related_to", rank=rank)
    start = stage("networkx graph", start)

    rdf = rdflib.Graph()
    rdf.bind("schema", SCHEMA)
    rdf.bind("ex", EX)
    ids = {node: URIRef(EX[f"n{i}"]) for i, node in enumerate(graph.nodes)}
    for node, data in graph.nodes(data=True):
        subject = ids[node]
        if data["kind"] == "article":
            rdf.add((subject, RDF.type, SCHEMA.NewsArticle))
            for name, value in data.items():
                if name in PROPERTIES and value is not None:
                    rdf.add((subject, PROPERTIES[name], literal(value)))
            for image in data.get("images") or []:
                picture = BNode()
                rdf.add((subject, SCHEMA.image, picture))
                for name, value in image.items():
                    rdf.add((picture, SCHEMA[name], literal(value)))
        elif data["kind"] == "topic":
            rdf.add((subject, RDF.type, SKOS.Concept))
            rdf.add((subject, SKOS.prefLabel, Literal(node)))
        else:
            rdf.add((subject, RDF.type, SCHEMA.Organization))
            rdf.add((subject, SCHEMA.url, Literal(node)))
            if data.get("name"):
                rdf.add((subject, SCHEMA.name, Literal(data["name"])))
    for source, target, data in graph.edges(data=True):
        if data["kind"] == "related_to":
            item = BNode()
            rdf.add((ids[source], SCHEMA.relatedLink, item))
            rdf.add((item, SCHEMA.position, Literal(data["rank"])))
            rdf.add((item, SCHEMA.item, ids[target]))
        else:
            predicate = SCHEMA.publisher if data["kind"] == "published_by" else SCHEMA.about
            rdf.add((ids[source], predicate, ids[target]))
    start = stage(f"rdflib graph ({len(rdf)} triples)", start)
    rdf.serialize(destination=str(out / "graph.ttl"), format="turtle")
    start = stage("rdflib turtle", start)

    from pyvis.network import Network

    net = Network(directed=True)
    net.from_nx(nx.DiGraph(graph))
    os.chdir(out)  # pyvis writes its lib/ folder of scripts into the working folder
    net.write_html("graph.html")
    stage("pyvis from_nx + html", start)
    print(f"  {'total':<28} {time.perf_counter() - begin:8.2f} s")


if __name__ == "__main__":
    main()
