"""The graph as RDF: triples out (Turtle, N-Triples, JSON-LD) and back in (:func:`read_rdf`).

Terms are schema.org, SKOS, Dublin Core terms, PROV-O and VoID where they fit, and our own
``ng:`` terms (:mod:`newsgraph.vocab`, ``ontology/newsgraph.ttl``) where they do not. Instance
IRIs are minted from the graph's keys under its base IRI (``graph.graph["base_iri"]``)::

    <base>article/<canonical URL without https://, percent-encoded>
    <base>provider/<domain>        <base>topic/<folded label>     <base>topics (the scheme)
    <base>dataset                  <base>file/<path>
    <article IRI>#related-<n>      (an ng:RelatedLink: target, rank, the file that lists it)
    <subject IRI>#image-<n>        (a schema:ImageObject)

Every node carries its graph id as ``dcterms:identifier``. Values that are structures rather than
facts (``sources``, ``alternatives``, ``extra``, the topics as spelt) are ``rdf:JSON`` literals, so
the RDF holds everything the graph holds and :func:`read_rdf` gives back an equal graph.

Serialisation streams through pyoxigraph (Rust): triples are made in a fixed order, so the same
graph gives byte-identical Turtle and N-Triples.
"""

from __future__ import annotations

import json
import os
from collections import defaultdict
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from newsgraph.errors import ExportError
from newsgraph.export.values import dumps, restore_datetimes
from newsgraph.graph import (
    ARTICLE,
    HAS_TOPIC,
    NODE_KINDS,
    PROVIDER,
    PUBLISHED_BY,
    RELATED_TO,
    TOPIC,
)
from newsgraph.vocab import (
    DCTERMS,
    DEFAULT_BASE_IRI,
    NG,
    PREFIXES,
    PROV,
    RDF,
    SCHEMA,
    SKOS,
    VOID,
    XSD,
)

if TYPE_CHECKING:
    import networkx as nx
    import rdflib

__all__ = [
    "JSONLD_CONTEXT",
    "RDF_FORMATS",
    "Minter",
    "graph_triples",
    "iter_triples",
    "rdf_files",
    "read_rdf",
    "to_rdflib",
    "write_jsonld",
    "write_ntriples",
    "write_turtle",
]

_SAFE = "/:@!$&'()*+,;=~"  # kept as they are in minted IRI paths; everything else is %-encoded


@dataclass(frozen=True)
class _Field:
    """One node attribute and the RDF property that carries it."""

    attr: str
    predicate: NamedNode
    kind: str  # string, integer, boolean, datetime, uri, json; "many-" prefix: one triple a value


_ARTICLE_FIELDS = [
    _Field("url", SCHEMA.url, "uri"),
    _Field("urls", NG.identityUrl, "many-uri"),
    _Field("title", SCHEMA.headline, "string"),
    _Field("excerpt", SCHEMA.description, "string"),
    _Field("published_at", SCHEMA.datePublished, "datetime"),
    _Field("web_url", NG.webUrl, "uri"),
    _Field("original_url", NG.originalUrl, "uri"),
    _Field("amp_web_url", NG.ampWebUrl, "uri"),
    _Field("cdn_amp_web_url", NG.cdnAmpWebUrl, "uri"),
    _Field("type", NG.recordType, "string"),
    _Field("quality", NG.quality, "integer"),
    _Field("heat", NG.heat, "integer"),
    _Field("published", NG.aggregatorPublished, "boolean"),
    _Field("category", NG.category, "string"),
    _Field("secured", NG.secured, "string"),
    _Field("body", SCHEMA.articleBody, "string"),
    _Field("topics", NG.topicsAsWritten, "json"),
    _Field("provider_name", NG.providerName, "string"),
    _Field("provider_domain", NG.providerDomain, "string"),
    _Field("stub", NG.isStub, "boolean"),
    _Field("sources", NG.sources, "json"),
    _Field("alternatives", NG.alternatives, "json"),
    _Field("extra", NG.extra, "json"),
]
_PROVIDER_FIELDS = [
    _Field("domain", NG.domain, "string"),
    _Field("name", SCHEMA.name, "string"),
    _Field("names", SCHEMA.alternateName, "alternates"),
    _Field("domains", NG.domainAsWritten, "many-string"),
    _Field("alternatives", NG.alternatives, "json"),
    _Field("extra", NG.extra, "json"),
]
_TOPIC_FIELDS = [
    _Field("label", SKOS.prefLabel, "string"),
    _Field("labels", SKOS.altLabel, "alternates"),
]
_IMAGE_FIELDS = [
    _Field("url", SCHEMA.contentUrl, "uri"),
    _Field("width", SCHEMA.width, "integer"),
    _Field("height", SCHEMA.height, "integer"),
    _Field("title", SCHEMA.caption, "string"),
    _Field("is_cached", NG.isCached, "boolean"),
    _Field("extra", NG.extra, "json"),
]
# "alternates" lists hold [preferred, *others]; the preferred value is this other attribute.
_PREFERRED = {"names": "name", "labels": "label"}
_FIELDS = {ARTICLE: _ARTICLE_FIELDS, PROVIDER: _PROVIDER_FIELDS, TOPIC: _TOPIC_FIELDS}
_TYPES = {
    ARTICLE: [SCHEMA.NewsArticle],
    PROVIDER: [NG.Provider, SCHEMA.Organization],
    TOPIC: [SKOS.Concept],
}
_EDGE_PREDICATES = {PUBLISHED_BY: SCHEMA.publisher, HAS_TOPIC: SCHEMA.about}
_DATATYPES = {
    "string": None,
    "integer": XSD.integer,
    "boolean": XSD.boolean,
    "datetime": XSD.dateTime,
    "uri": XSD.anyURI,
    "json": RDF.JSON,
}

JSONLD_CONTEXT: dict[str, str] = dict(PREFIXES)
"""The ``@context`` of graph.jsonld (also in ``ontology/context.jsonld``): the prefixes."""


class Minter:
    """Mints the IRIs of a graph's nodes under a base IRI (see the module docstring)."""

    def __init__(self, base_iri: str = DEFAULT_BASE_IRI) -> None:
        self.base = base_iri
        self.dataset = NamedNode(base_iri + "dataset")
        self.scheme = NamedNode(base_iri + "topics")

    def node(self, node_id: str) -> NamedNode:
        kind, _, key = node_id.partition(":")
        if kind == ARTICLE:
            key = key.removeprefix("https://")
        return NamedNode(f"{self.base}{kind}/{quote(key, safe=_SAFE)}")

    def file(self, path: str) -> NamedNode:
        return NamedNode(f"{self.base}file/{quote(path.lstrip('/'), safe=_SAFE)}")


def _literal(value: Any, kind: str) -> Literal:
    kind = kind.removeprefix("many-")
    if kind == "json":
        return Literal(dumps(value), datatype=RDF.JSON)
    if kind == "boolean":
        return Literal("true" if value else "false", datatype=XSD.boolean)
    if kind == "datetime":
        text = value.isoformat() if isinstance(value, datetime) else str(value)
        return Literal(text, datatype=XSD.dateTime)
    datatype = _DATATYPES[kind]
    return Literal(str(value), datatype=datatype) if datatype else Literal(str(value))


def _value(literal: Literal, kind: str) -> Any:
    kind = kind.removeprefix("many-")
    text = literal.value
    if kind == "json":
        return json.loads(text)
    if kind == "integer":
        return int(text)
    if kind == "boolean":
        return text in ("true", "1")
    if kind == "datetime":
        return datetime.fromisoformat(text)
    return text


def _field_triples(
    subject: NamedNode, fields: list[_Field], attrs: Mapping[str, Any]
) -> Iterator[Triple]:
    for field in fields:
        value = attrs.get(field.attr)
        if value is None:
            continue
        if field.kind == "alternates":  # [preferred, *others]: the preferred one has its own field
            for other in value[1:]:
                yield Triple(subject, field.predicate, Literal(other))
        elif field.kind.startswith("many-"):
            for item in value:
                yield Triple(subject, field.predicate, _literal(item, field.kind))
        else:
            yield Triple(subject, field.predicate, _literal(value, field.kind))


def _image_triples(subject: NamedNode, images: list[dict[str, Any]]) -> Iterator[Triple]:
    for position, image in enumerate(images, start=1):
        node = NamedNode(f"{subject.value}#image-{position}")
        yield Triple(subject, SCHEMA.image, node)
        yield Triple(node, RDF.type, SCHEMA.ImageObject)
        yield Triple(node, NG.position, Literal(str(position), datatype=XSD.integer))
        yield from _field_triples(node, _IMAGE_FIELDS, image)


def graph_triples(graph: nx.MultiDiGraph, base_iri: str | None = None) -> Iterator[Triple]:
    """Every triple of ``graph`` in a fixed order: the dataset, then node by node.

    Args:
        graph: A graph from :func:`newsgraph.build_graph` (or read back from any export).
        base_iri: Where to mint instance IRIs (default: the graph's ``base_iri``, else
            :data:`newsgraph.vocab.DEFAULT_BASE_IRI`).
    """
    mint = Minter(base_iri or graph.graph.get("base_iri") or DEFAULT_BASE_IRI)
    yield from _dataset_triples(graph, mint)
    for node, attrs in graph.nodes(data=True):
        kind = attrs["kind"]
        subject = mint.node(node)
        for rdf_type in _TYPES[kind]:
            yield Triple(subject, RDF.type, rdf_type)
        yield Triple(subject, DCTERMS.identifier, Literal(node))
        yield from _field_triples(subject, _FIELDS[kind], attrs)
        if kind == TOPIC:
            yield Triple(subject, SKOS.inScheme, mint.scheme)
        links: list[tuple[NamedNode, NamedNode, dict[str, Any]]] = []
        for _, target, key, data in graph.out_edges(node, keys=True, data=True):
            obj = mint.node(target)
            if key == RELATED_TO:
                yield Triple(subject, NG.relatedTo, obj)
                for source in data["sources"]:
                    link = NamedNode(f"{subject.value}#related-{len(links) + 1}")
                    links.append((link, obj, source))
                    yield Triple(subject, NG.relatedLink, link)
            else:
                yield Triple(subject, _EDGE_PREDICATES[key], obj)
        for link, obj, source in links:
            yield Triple(link, RDF.type, NG.RelatedLink)
            yield Triple(link, NG.linkTarget, obj)
            yield Triple(link, NG.rank, Literal(str(source["rank"]), datatype=XSD.integer))
            yield Triple(link, NG.listedIn, Literal(source["file"]))
        if attrs.get("images"):
            yield from _image_triples(subject, attrs["images"])


def _dataset_triples(graph: nx.MultiDiGraph, mint: Minter) -> Iterator[Triple]:
    attrs = graph.graph
    dataset = mint.dataset
    yield Triple(dataset, RDF.type, VOID.Dataset)
    yield Triple(dataset, RDF.type, PROV.Entity)
    yield Triple(dataset, NG.baseIri, Literal(mint.base, datatype=XSD.anyURI))
    if "name" in attrs:
        yield Triple(dataset, DCTERMS.title, Literal(attrs["name"]))
    if "newsgraph_version" in attrs:
        yield Triple(dataset, NG.newsgraphVersion, Literal(attrs["newsgraph_version"]))
    if "built_at" in attrs:
        yield Triple(dataset, DCTERMS.created, Literal(attrs["built_at"], datatype=XSD.dateTime))
    if "merges" in attrs:
        yield Triple(dataset, NG.merges, _literal(attrs["merges"], "json"))
    files = attrs.get("inputs", [])
    for entry in files:
        yield Triple(dataset, PROV.wasDerivedFrom, mint.file(entry["file"]))
    for entry in files:
        node = mint.file(entry["file"])
        yield Triple(node, RDF.type, PROV.Entity)
        yield Triple(node, NG.sourceFile, Literal(entry["file"]))
        if "sha256" in entry:
            yield Triple(node, NG.sha256, Literal(entry["sha256"]))
    yield Triple(mint.scheme, RDF.type, SKOS.ConceptScheme)
    yield Triple(mint.scheme, DCTERMS.title, Literal("Topics"))


def _serialize(triples: Iterable[Triple], path: str | os.PathLike[str], fmt: RdfFormat) -> None:
    with open(path, "wb") as handle:
        serialize(
            triples, handle, format=fmt, prefixes=PREFIXES if fmt is RdfFormat.TURTLE else None
        )


def write_turtle(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as Turtle, every prefix bound."""
    _serialize(graph_triples(graph), path, RdfFormat.TURTLE)


def write_ntriples(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as N-Triples (one triple a line: easy to split, stream and concatenate)."""
    _serialize(graph_triples(graph), path, RdfFormat.N_TRIPLES)


def _iri(term: Any) -> str:
    """The IRI (or blank node id) of a subject or object; newsgraph writes no quoted triples."""
    if isinstance(term, Triple):
        raise ExportError("RDF-star quoted triples are not part of newsgraph's data")
    return str(term.value)


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


def _jsonld_value(term: Any) -> Any:
    if isinstance(term, NamedNode):
        return {"@id": term.value}
    datatype = term.datatype.value
    if datatype == "http://www.w3.org/2001/XMLSchema#string":
        return term.value
    return {"@value": term.value, "@type": _compact(datatype)}


def write_jsonld(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as JSON-LD 1.1: one node object a subject, compact IRIs, inline ``@context``.

    The context is :data:`JSONLD_CONTEXT` (the prefixes), also shipped as
    ``ontology/context.jsonld``.
    """
    with open(path, "w", encoding="utf-8") as handle:
        handle.write('{"@context":' + dumps(JSONLD_CONTEXT) + ',"@graph":[\n')
        first = True
        subject: str | None = None
        node: dict[str, Any] = {}

        def flush() -> None:
            nonlocal first
            if node:
                handle.write(("" if first else ",\n") + dumps(node))
                first = False

        for triple in graph_triples(graph):
            iri = _iri(triple.subject)
            if iri != subject:
                flush()
                subject = iri
                node = {"@id": subject}
            predicate = triple.predicate.value
            if predicate == RDF.type.value:
                node.setdefault("@type", []).append(_compact(_iri(triple.object)))
            else:
                node.setdefault(_compact(predicate), []).append(_jsonld_value(triple.object))
        flush()
        handle.write("\n]}\n")


# -- reading ---------------------------------------------------------------------------------------

RDF_FORMATS = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES, ".jsonld": RdfFormat.JSON_LD}
"""The RDF files newsgraph reads, by suffix."""


def rdf_files(paths: Iterable[str | os.PathLike[str]], *, description: bool = False) -> list[Path]:
    """The RDF files to read for ``paths``: export folders or RDF files.

    A file is taken as it is if its suffix is one of :data:`RDF_FORMATS`. An export folder gives
    its N-Triples (``*.nt``: ``graph.nt``, or the shards of a distributed build), else its
    ``graph.ttl``, else its ``graph.jsonld``; with ``description``, also its ``graph.void.ttl``.

    Raises:
        ExportError: A path does not exist, a folder holds no graph, or a file is not RDF.
    """
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            found = sorted(path.glob("*.nt"))
            for name in ("graph.ttl", "graph.jsonld"):
                if not found and (path / name).is_file():
                    found = [path / name]
            if not found:
                raise ExportError(
                    f"{path}: no RDF export here (graph.nt, graph.ttl or graph.jsonld); write "
                    f"one with `newsgraph build --out {path}` or name the RDF files"
                )
            files.extend(found)
            if description and (path / "graph.void.ttl").is_file():
                files.append(path / "graph.void.ttl")
        elif path.is_file():
            if path.suffix.lower() not in RDF_FORMATS:
                raise ExportError(
                    f"{path}: not an RDF file newsgraph reads; use {', '.join(RDF_FORMATS)} "
                    "files or an export folder"
                )
            files.append(path)
        else:
            raise ExportError(
                f"{path}: no such file or folder; build the exports first (`newsgraph build`) "
                "or check the path"
            )
    return files


def iter_triples(files: Iterable[Path]) -> Iterator[Triple]:
    """Every triple of ``files``, parsed by pyoxigraph (streaming).

    Raises:
        ExportError: A file cannot be read or is not valid RDF (the message names it).
    """
    for file in files:
        try:
            for quad in parse(path=str(file), format=RDF_FORMATS[file.suffix.lower()]):
                yield quad.triple
        except (SyntaxError, OSError) as exc:
            raise ExportError(f"{file}: cannot be read as RDF: {exc}") from exc


def read_rdf(*paths: str | os.PathLike[str]) -> nx.MultiDiGraph:
    """Read RDF written by newsgraph back into the graph it was made from.

    Args:
        paths: RDF files (``.ttl``, ``.nt``, ``.jsonld``) or export folders (whose ``*.nt`` files,
            else ``graph.ttl``, are read).

    Returns:
        A ``MultiDiGraph`` equal to the one written: same nodes, edges, attributes and order.

    Raises:
        ExportError: A file is missing or is not RDF.

    Example:
        >>> import newsgraph, tempfile, pathlib
        >>> g = newsgraph.build(["seeds/"]).graph
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "graph.ttl"
        >>> write_turtle(g, path)
        >>> h = read_rdf(path)
        >>> sorted(h.nodes(data=True)) == sorted(g.nodes(data=True)), h.graph == g.graph
        (True, True)
    """
    by_subject: dict[str, list[tuple[str, Any]]] = defaultdict(list)
    for triple in iter_triples(rdf_files(paths)):
        by_subject[_iri(triple.subject)].append((triple.predicate.value, triple.object))
    return _graph_from(by_subject)


def _field_values(
    facts: list[tuple[str, Any]], fields: list[_Field], attrs: dict[str, Any]
) -> None:
    by_predicate = {f.predicate.value: f for f in fields}
    many: dict[str, list[Any]] = defaultdict(list)
    for predicate, obj in facts:
        field = by_predicate.get(predicate)
        if field is None:
            continue
        if field.kind == "alternates" or field.kind.startswith("many-"):
            many[field.attr].append(_value(obj, field.kind))
        else:
            attrs[field.attr] = _value(obj, field.kind)
    for field in fields:
        if field.attr in many:
            values = sorted(many[field.attr])
            attrs[field.attr] = values
    for field in fields:
        if field.kind == "alternates":
            preferred = attrs.get(_PREFERRED[field.attr])
            if preferred is not None:
                attrs[field.attr] = [preferred, *attrs.get(field.attr, [])]


def _ordered(attrs: dict[str, Any], fields: list[_Field], head: dict[str, Any]) -> dict[str, Any]:
    """Attributes in the order the graph builder writes them (dict order is part of the output)."""
    ordered = dict(head)
    for field in fields:
        if field.attr in attrs:
            ordered[field.attr] = attrs[field.attr]
    ordered.update({k: v for k, v in attrs.items() if k not in ordered})
    return ordered


def _graph_from(by_subject: dict[str, list[tuple[str, Any]]]) -> nx.MultiDiGraph:
    rdf_type, identifier = RDF.type.value, DCTERMS.identifier.value
    kinds = {t.value: kind for kind, types in _TYPES.items() for t in types[:1]}
    nodes: dict[str, tuple[str, dict[str, Any]]] = {}
    iri_to_node: dict[str, str] = {}
    dataset: list[tuple[str, Any]] = []
    for subject, facts in by_subject.items():
        types = {obj.value for predicate, obj in facts if predicate == rdf_type}
        kind = next((kinds[t] for t in types if t in kinds), None)
        if kind is None:
            if VOID.Dataset.value in types:
                dataset = facts
            continue
        node_id = next(obj.value for predicate, obj in facts if predicate == identifier)
        iri_to_node[subject] = node_id
        attrs: dict[str, Any] = {}
        _field_values(facts, _FIELDS[kind], attrs)
        images = [obj.value for predicate, obj in facts if predicate == SCHEMA.image.value]
        if images:
            attrs["images"] = [_image(by_subject[iri]) for iri in _by_position(images, by_subject)]
        if kind == ARTICLE:
            restore_datetimes(attrs)
        nodes[node_id] = (kind, attrs)

    import networkx as nx

    graph = nx.MultiDiGraph()
    graph.graph.update(_graph_attrs(dataset, by_subject))
    order = {kind: i for i, kind in enumerate(NODE_KINDS)}
    fields_head = {ARTICLE: ["url"], PROVIDER: ["domain"], TOPIC: ["label"]}
    for node_id in sorted(nodes, key=lambda n: (order[nodes[n][0]], n)):
        kind, attrs = nodes[node_id]
        head = {"kind": kind}
        head.update({k: attrs[k] for k in fields_head[kind] if k in attrs})
        graph.add_node(node_id, **_ordered(attrs, _FIELDS[kind], head))

    edges: dict[tuple[str, str, str], dict[str, Any]] = {}
    publisher, about = SCHEMA.publisher.value, SCHEMA.about.value
    for subject, facts in by_subject.items():
        source = iri_to_node.get(subject)
        if source is None:
            continue
        for predicate, obj in facts:
            if predicate in (publisher, about):
                kind = PUBLISHED_BY if predicate == publisher else HAS_TOPIC
                edges[(source, kind, iri_to_node[obj.value])] = {"kind": kind}
            elif predicate == NG.relatedLink.value:
                link = dict(by_subject[obj.value])
                target = iri_to_node[link[NG.linkTarget.value].value]
                rank = int(link[NG.rank.value].value)
                edge = edges.setdefault(
                    (source, RELATED_TO, target), {"kind": RELATED_TO, "rank": rank, "sources": []}
                )
                edge["rank"] = min(edge["rank"], rank)
                edge["sources"].append({"file": link[NG.listedIn.value].value, "rank": rank})
    for source, kind, target in sorted(edges):
        data = edges[(source, kind, target)]
        if "sources" in data:
            data["sources"].sort(key=lambda s: (s["file"], s["rank"]))
        graph.add_edge(source, target, key=kind, **data)
    return graph


def _by_position(iris: list[str], by_subject: dict[str, list[tuple[str, Any]]]) -> list[str]:
    def position(iri: str) -> int:
        return next(int(o.value) for p, o in by_subject[iri] if p == NG.position.value)

    return sorted(iris, key=position)


def _image(facts: list[tuple[str, Any]]) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    _field_values(facts, _IMAGE_FIELDS, attrs)
    return _ordered(attrs, _IMAGE_FIELDS, {})


def _graph_attrs(
    facts: list[tuple[str, Any]], by_subject: dict[str, list[tuple[str, Any]]]
) -> dict[str, Any]:
    attrs: dict[str, Any] = {}
    inputs = []
    for predicate, obj in facts:
        if predicate == DCTERMS.title.value:
            attrs["name"] = obj.value
        elif predicate == NG.newsgraphVersion.value:
            attrs["newsgraph_version"] = obj.value
        elif predicate == DCTERMS.created.value:
            attrs["built_at"] = obj.value
        elif predicate == NG.baseIri.value:
            attrs["base_iri"] = obj.value
        elif predicate == NG.merges.value:
            attrs["merges"] = json.loads(obj.value)
        elif predicate == PROV.wasDerivedFrom.value:
            entry: dict[str, str] = {}
            for p, o in by_subject[obj.value]:
                if p == NG.sourceFile.value:
                    entry["file"] = o.value
                elif p == NG.sha256.value:
                    entry["sha256"] = o.value
            inputs.append(entry)
    if inputs:
        attrs["inputs"] = sorted(inputs, key=lambda e: e["file"])
    return attrs


def to_rdflib(graph: nx.MultiDiGraph) -> rdflib.Graph:
    """The graph as an ``rdflib.Graph``, for code that speaks rdflib (prefixes bound).

    Example:
        >>> import newsgraph
        >>> g = to_rdflib(newsgraph.build(["seeds/"]).graph)
        >>> len(g) > 50, g.namespace_manager.store.namespace("schema")
        (True, rdflib.term.URIRef('http://schema.org/'))
    """
    import rdflib

    out = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        out.bind(prefix, namespace, override=True, replace=True)
    data = serialize(graph_triples(graph), format=RdfFormat.N_TRIPLES) or b""
    out.parse(data=data.decode("utf-8"), format="nt")
    return out
