"""The straightforward script a researcher would write instead of newsgraph, for comparison.

    python bench/naive.py CORPUS OUT

Idiomatic for each library and honest about it: python-frontmatter reads each file, a NetworkX
``MultiDiGraph`` gets one node per article (keyed by its webUrl as written), provider and topic
and one edge per relation, rdflib gets one triple at a time and writes Turtle with
``serialize(format="turtle")``, and pyvis draws the graph with ``Network.from_nx``. No identity
rules, no validation, no report: it does less than newsgraph, which only makes it faster.
Prints the wall time of each stage.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import frontmatter
import networkx as nx
import rdflib
from rdflib.namespace import RDF, SKOS, XSD

SCHEMA = rdflib.Namespace("http://schema.org/")
EX = rdflib.Namespace("https://example.org/news/")


def stage(name: str, start: float) -> float:
    now = time.perf_counter()
    print(f"  {name:<28} {now - start:8.2f} s", flush=True)
    return now


def main() -> None:
    corpus, out = Path(sys.argv[1]), Path(sys.argv[2]).resolve()
    out.mkdir(parents=True, exist_ok=True)
    begin = start = time.perf_counter()
    posts = [frontmatter.load(str(path)) for path in sorted(corpus.rglob("*.md"))]
    start = stage(f"load {len(posts)} files", start)

    graph = nx.MultiDiGraph()
    for post in posts:
        meta = post.metadata
        url = meta.get("webUrl")
        graph.add_node(url, kind="article", title=meta.get("title"))
        provider = (meta.get("provider") or {}).get("domain")
        graph.add_node(provider, kind="provider")
        graph.add_edge(url, provider, kind="published_by")
        for topic in meta.get("topics") or []:
            graph.add_node(topic, kind="topic")
            graph.add_edge(url, topic, kind="has_topic")
        for rank, item in enumerate(meta.get("related") or [], start=1):
            graph.add_node(item.get("webUrl"), kind="article", title=item.get("title"))
            graph.add_edge(url, item.get("webUrl"), kind="related_to", rank=rank)
    start = stage("networkx graph", start)

    rdf = rdflib.Graph()
    rdf.bind("schema", SCHEMA)
    for node, data in graph.nodes(data=True):
        subject = rdflib.URIRef(EX[str(abs(hash(node)))])
        if data["kind"] == "article":
            rdf.add((subject, RDF.type, SCHEMA.NewsArticle))
            rdf.add((subject, SCHEMA.url, rdflib.Literal(node, datatype=XSD.anyURI)))
            if data.get("title"):
                rdf.add((subject, SCHEMA.headline, rdflib.Literal(data["title"])))
        elif data["kind"] == "topic":
            rdf.add((subject, RDF.type, SKOS.Concept))
            rdf.add((subject, SKOS.prefLabel, rdflib.Literal(node)))
        else:
            rdf.add((subject, RDF.type, SCHEMA.Organization))
            rdf.add((subject, SCHEMA.name, rdflib.Literal(node)))
    for source, target, data in graph.edges(data=True):
        predicate = {"published_by": SCHEMA.publisher, "has_topic": SCHEMA.about}.get(
            data["kind"], SCHEMA.relatedLink
        )
        rdf.add((EX[str(abs(hash(source)))], predicate, EX[str(abs(hash(target)))]))
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
