"""``graph.void.ttl``: a VoID and PROV-O description of the RDF dataset.

It says what the dataset holds (triples, entities per class, properties, vocabularies), where its
dumps are (relative to the base IRI), which files it was derived from (``prov:used``), and what
made it and when (a ``prov:Activity`` associated with the newsgraph ``prov:SoftwareAgent``).

The counts come from :class:`~newsgraph.export.rdf.RdfCounts`: gathered while the RDF files are
written (:func:`newsgraph.export.write_exports` passes them in), else by one counting pass over
the statements (:func:`~newsgraph.export.rdf.count_triples`), never by making the triples again
(that took 4.5 s on the 10,000-file benchmark graph; counting alone takes 0.6 s, and rendering
the description milliseconds).
It is rendered by the same Turtle writer as ``graph.ttl``: the bytes pyoxigraph would write.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import networkx as nx
from pyoxigraph import Triple

from newsgraph.export.rdf import (
    _DATETIME,
    _INTEGER,
    _STRING,
    _TYPE,
    Minter,
    RdfCounts,
    Statement,
    _term,
    _to_triples,
    count_triples,
    write_turtle_statements,
)
from newsgraph.vocab import DCTERMS, DEFAULT_BASE_IRI, NG, PREFIXES, PROV, RDFS, VOID

__all__ = ["DUMPS", "void_triples", "write_void"]

DUMPS = ("graph.ttl", "graph.nt", "graph.jsonld")
_VOCABULARIES = ("schema", "skos", "dcterms", "prov", "void", "ng")


def _void_statements(graph: nx.MultiDiGraph, counts: RdfCounts) -> Iterator[Statement]:
    mint = Minter(graph.graph.get("base_iri") or DEFAULT_BASE_IRI)
    dataset = mint.dataset.value
    build = dataset + "#build"
    agent = dataset + "#newsgraph"
    attrs = graph.graph
    classes = counts.classes
    title, created, version = (
        _term(DCTERMS.title),
        _term(DCTERMS.created),
        _term(NG.newsgraphVersion),
    )
    yield (dataset, _TYPE, VOID.Dataset.value, None)
    yield (dataset, _TYPE, PROV.Entity.value, None)
    if "name" in attrs:
        yield (dataset, title, str(attrs["name"]), _STRING)
    yield (dataset, _term(VOID.triples), str(counts.triples), _INTEGER)
    yield (dataset, _term(VOID.entities), str(graph.number_of_nodes()), _INTEGER)
    yield (dataset, _term(VOID.distinctSubjects), str(counts.subjects), _INTEGER)
    yield (dataset, _term(VOID.properties), str(len(counts.properties)), _INTEGER)
    yield (dataset, _term(VOID.classes), str(len(classes)), _INTEGER)
    yield (dataset, _term(VOID.uriSpace), mint.base, _STRING)
    for prefix in _VOCABULARIES:
        yield (dataset, _term(VOID.vocabulary), PREFIXES[prefix], None)
    for dump in DUMPS:
        yield (dataset, _term(VOID.dataDump), mint.base + dump, None)
    partitions = [f"{dataset}#class-{i}" for i in range(1, len(classes) + 1)]
    for partition in partitions:
        yield (dataset, _term(VOID.classPartition), partition, None)
    yield (dataset, _term(PROV.wasGeneratedBy), build, None)
    if "built_at" in attrs:
        yield (dataset, created, str(attrs["built_at"]), _DATETIME)
    if "newsgraph_version" in attrs:
        yield (dataset, version, str(attrs["newsgraph_version"]), _STRING)
    for partition, cls in zip(partitions, sorted(classes), strict=True):
        yield (partition, _term(VOID.term("class")), cls, None)
        yield (partition, _term(VOID.entities), str(classes[cls]), _INTEGER)
    if "built_at" in attrs:
        yield (build, _term(PROV.endedAtTime), str(attrs["built_at"]), _DATETIME)
    yield (build, _TYPE, PROV.Activity.value, None)
    yield (build, _term(PROV.wasAssociatedWith), agent, None)
    used = _term(PROV.used)
    for entry in attrs.get("inputs", []):
        yield (build, used, mint.file_iri(entry["file"]), None)
    yield (agent, _TYPE, PROV.SoftwareAgent.value, None)
    yield (agent, _term(RDFS.label), "newsgraph", _STRING)
    if "newsgraph_version" in attrs:
        yield (agent, _term(DCTERMS.hasVersion), str(attrs["newsgraph_version"]), _STRING)


def void_triples(graph: nx.MultiDiGraph, counts: RdfCounts | None = None) -> Iterator[Triple]:
    """The description of the RDF that :func:`~newsgraph.export.rdf.graph_triples` makes.

    Args:
        graph: The graph.
        counts: Its RDF's counts, when known (from writing it); else they are counted.
    """
    yield from _to_triples(_void_statements(graph, counts or count_triples(graph)))


def write_void(
    graph: nx.MultiDiGraph, path: str | os.PathLike[str], *, counts: RdfCounts | None = None
) -> None:
    """Write the VoID + PROV description of ``graph``'s RDF as Turtle.

    Args:
        graph: The graph.
        path: Where to write.
        counts: The counts of its RDF, when known (the sum of the shards' counts from
            :func:`~newsgraph.export.rdf.write_rdf_shard`); else they are counted here.
    """
    write_turtle_statements(_void_statements(graph, counts or count_triples(graph)), path)
