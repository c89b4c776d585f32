"""``graph.void.ttl``: a VoID and PROV-O description of the RDF dataset.

It says what the dataset holds (triples, entities per class, properties, vocabularies), where its
dumps are (relative to the base IRI), which files it was derived from (``prov:used``), and what
made it and when (a ``prov:Activity`` associated with the newsgraph ``prov:SoftwareAgent``).
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Iterator

import networkx as nx
from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, serialize

from newsgraph.export.rdf import Minter, _iri, graph_triples
from newsgraph.vocab import DCTERMS, DEFAULT_BASE_IRI, NG, PREFIXES, PROV, RDF, RDFS, VOID, XSD

__all__ = ["DUMPS", "void_triples", "write_void"]

DUMPS = ("graph.ttl", "graph.nt", "graph.jsonld")
_VOCABULARIES = ("schema", "skos", "dcterms", "prov", "void", "ng")


def _integer(value: int) -> Literal:
    return Literal(str(value), datatype=XSD.integer)


def void_triples(graph: nx.MultiDiGraph) -> Iterator[Triple]:
    """The description of the RDF that :func:`~newsgraph.export.rdf.graph_triples` makes."""
    triples = 0
    subjects: set[str] = set()
    properties: set[str] = set()
    classes: Counter[str] = Counter()
    for triple in graph_triples(graph):
        triples += 1
        subjects.add(str(triple.subject))
        properties.add(triple.predicate.value)
        if triple.predicate == RDF.type:
            classes[_iri(triple.object)] += 1
    mint = Minter(graph.graph.get("base_iri") or DEFAULT_BASE_IRI)
    dataset = mint.dataset
    build = NamedNode(dataset.value + "#build")
    agent = NamedNode(dataset.value + "#newsgraph")
    attrs = graph.graph
    yield Triple(dataset, RDF.type, VOID.Dataset)
    yield Triple(dataset, RDF.type, PROV.Entity)
    if "name" in attrs:
        yield Triple(dataset, DCTERMS.title, Literal(attrs["name"]))
    yield Triple(dataset, VOID.triples, _integer(triples))
    yield Triple(dataset, VOID.entities, _integer(graph.number_of_nodes()))
    yield Triple(dataset, VOID.distinctSubjects, _integer(len(subjects)))
    yield Triple(dataset, VOID.properties, _integer(len(properties)))
    yield Triple(dataset, VOID.classes, _integer(len(classes)))
    yield Triple(dataset, VOID.uriSpace, Literal(mint.base))
    for prefix in _VOCABULARIES:
        yield Triple(dataset, VOID.vocabulary, NamedNode(PREFIXES[prefix]))
    for dump in DUMPS:
        yield Triple(dataset, VOID.dataDump, NamedNode(mint.base + dump))
    partitions = [NamedNode(f"{dataset.value}#class-{i}") for i in range(1, len(classes) + 1)]
    for partition in partitions:
        yield Triple(dataset, VOID.classPartition, partition)
    yield Triple(dataset, PROV.wasGeneratedBy, build)
    if "built_at" in attrs:
        yield Triple(dataset, DCTERMS.created, Literal(attrs["built_at"], datatype=XSD.dateTime))
    if "newsgraph_version" in attrs:
        yield Triple(dataset, NG.newsgraphVersion, Literal(attrs["newsgraph_version"]))
    for partition, cls in zip(partitions, sorted(classes), strict=True):
        yield Triple(partition, VOID.term("class"), NamedNode(cls))
        yield Triple(partition, VOID.entities, _integer(classes[cls]))
    if "built_at" in attrs:
        yield Triple(build, PROV.endedAtTime, Literal(attrs["built_at"], datatype=XSD.dateTime))
    yield Triple(build, RDF.type, PROV.Activity)
    yield Triple(build, PROV.wasAssociatedWith, agent)
    for entry in attrs.get("inputs", []):
        yield Triple(build, PROV.used, mint.file(entry["file"]))
    yield Triple(agent, RDF.type, PROV.SoftwareAgent)
    yield Triple(agent, RDFS.label, Literal("newsgraph"))
    if "newsgraph_version" in attrs:
        yield Triple(agent, DCTERMS.hasVersion, Literal(attrs["newsgraph_version"]))


def write_void(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write the VoID + PROV description of ``graph``'s RDF as Turtle."""
    with open(path, "wb") as handle:
        serialize(void_triples(graph), handle, format=RdfFormat.TURTLE, prefixes=PREFIXES)
