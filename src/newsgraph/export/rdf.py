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

How it is written, and why
--------------------------
The triples are made once, node by node, as plain tuples of strings ("statements": subject IRI,
predicate, object IRI or lexical form, datatype), and every format is rendered from that one pass:
N-Triples, Turtle and JSON-LD side by side, and the VoID counts (:class:`RdfCounts`) on the way.
Making a ``pyoxigraph.Triple`` costs about 2.3 us when its object is a literal (the binding tries
the other term types first), more than rendering the line as text, so no term objects are made on
this path; :func:`graph_triples` turns the same statements into pyoxigraph triples for code that
wants them. The renderers write exactly the bytes pyoxigraph's serialisers write for the same
triples (its string escapes, its Turtle layout: `` ;`` and `` ,`` runs, ``a``, bare integers and
booleans, prefixed names found by pyoxigraph itself), which tests/test_rdf_parallel.py checks
against pyoxigraph on real and hostile data. pyoxigraph's own JSON-LD serialiser writes full
IRIs in expanded form, not the shape of graph.jsonld (an inline ``@context``, compact IRIs, a node
object a subject), so JSON-LD is rendered here too, as ``json.dumps`` would write those objects.

The nodes are cut into shards of :data:`SHARD_NODES` (whatever the number of workers), so that
:func:`newsgraph.export.write_exports` can write the shards in parallel as part files and join
them in order: a shard's part is exactly the run of bytes a single pass writes for its nodes, so
the files are byte-identical for any number of workers, and across ``PYTHONHASHSEED``. Memory
stays flat: a shard renders a few hundred nodes at a time and nothing holds every triple (the
largest thing held is the dataset's JSON-LD object, whose ``prov:wasDerivedFrom`` lists every
input file). Engines that hold the graph in pieces use the same shard functions:
:func:`node_triples` and :func:`dataset_triples` (pyoxigraph triples), :func:`write_ntriples_shard`
and :func:`write_rdf_shard` (files and :class:`RdfCounts`, which add up for
:func:`newsgraph.export.void.write_void`).

Measured (best of 3, 2-core machine) on the 10,000-file benchmark graph (18,447 nodes, 739k
triples): written one by one as before, through pyoxigraph terms, Turtle took 6.1 s, N-Triples
5.3 s, JSON-LD 7.4 s (a dict a triple) and VoID 4.5 s (all the triples made again to count them):
23 s. Now each alone takes 1.3 s (Turtle, N-Triples) or 1.4 s (JSON-LD), VoID alone 0.6 s, and
the four together 2.7 s in one pass, 1.8 s wall with 2 workers
(:func:`newsgraph.export.write_exports`); the 100,000-file graph (179k nodes, 7.2M triples)
takes 16 s wall with 2 workers, which grows linearly.
"""

from __future__ import annotations

import dataclasses
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from operator import itemgetter
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any, TypeAlias, cast
from urllib.parse import quote

from pyoxigraph import Literal, NamedNode, RdfFormat, Triple, parse, serialize

from newsgraph.engines.local import gc_paused
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
    "DESCRIPTIONS",
    "JSONLD_CONTEXT",
    "RDF_FORMATS",
    "RDF_PART_FORMATS",
    "SHARD_NODES",
    "Minter",
    "PartJoiner",
    "RdfCounts",
    "append_file",
    "count_triples",
    "dataset_triples",
    "graph_triples",
    "iter_triples",
    "join_rdf_parts",
    "node_triples",
    "rdf_files",
    "read_rdf",
    "shard_ranges",
    "to_rdflib",
    "write_all",
    "write_jsonld",
    "write_ntriples",
    "write_ntriples_shard",
    "write_rdf",
    "write_rdf_shard",
    "write_turtle",
    "write_turtle_statements",
]

_SAFE = "/:@!$&'()*+,;=~"  # kept as they are in minted IRI paths; everything else is %-encoded
_PLAIN_PATH = re.compile(r"[A-Za-z0-9_.~/:@!$&'()*+,;=-]*")  # nothing to encode


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

JSONLD_CONTEXT: dict[str, str] = dict(PREFIXES)
"""The ``@context`` of graph.jsonld (also in ``ontology/context.jsonld``): the prefixes."""

SHARD_NODES = 2048
"""Nodes a shard: the unit of parallel RDF writing (fixed, so output never depends on workers)."""

DESCRIPTIONS = ("graph.void.ttl", "graph.summary.ttl")
"""Files of an export folder that describe its graph, loaded beside it for SPARQL: the VoID
description (:mod:`newsgraph.export.void`) and the summary counts
(:mod:`newsgraph.export.summary`)."""

RDF_PART_FORMATS = ("ntriples", "turtle", "jsonld")
"""The RDF formats written in shards (by exporter name); VoID is made from their counts."""

_BATCH_NODES = 256  # nodes rendered between two writes: bounds a shard's memory


class Minter:
    """Mints the IRIs of a graph's nodes under a base IRI (see the module docstring)."""

    def __init__(self, base_iri: str = DEFAULT_BASE_IRI) -> None:
        self.base = base_iri
        self.dataset = NamedNode(base_iri + "dataset")
        self.scheme = NamedNode(base_iri + "topics")

    def iri(self, node_id: str) -> str:
        """The IRI of node ``node_id`` as a string (what :meth:`node` wraps)."""
        kind, _, key = node_id.partition(":")
        if kind == ARTICLE:
            key = key.removeprefix("https://")
        path = f"{kind}/{key}"
        if _PLAIN_PATH.fullmatch(path) is None:  # (quote's own test for this is slower)
            path = f"{quote(kind, safe=_SAFE)}/{quote(key, safe=_SAFE)}"
        return self.base + path

    def node(self, node_id: str) -> NamedNode:
        return NamedNode(self.iri(node_id))

    def file_iri(self, path: str) -> str:
        """The IRI of an input file as a string (what :meth:`file` wraps)."""
        return f"{self.base}file/{quote(path.lstrip('/'), safe=_SAFE)}"

    def file(self, path: str) -> NamedNode:
        return NamedNode(self.file_iri(path))


# -- statements: triples as plain tuples, made once and rendered into every format ---------------

_NAMESPACES = tuple(PREFIXES.values())
_ORACLE_SUBJECT = NamedNode("urn:newsgraph:s")
_ORACLE_PREDICATE = NamedNode("urn:newsgraph:p")


def _turtle_names(iris: Sequence[str]) -> list[str]:
    """How pyoxigraph's Turtle serialiser writes each IRI as an object (it decides prefixed names:
    asking it keeps our renderer exact for any IRI)."""
    triples = [Triple(_ORACLE_SUBJECT, _ORACLE_PREDICATE, NamedNode(iri)) for iri in iris]
    text = (serialize(triples, format=RdfFormat.TURTLE, prefixes=PREFIXES) or b"").decode()
    body = text.splitlines()[-1]
    head = f"<{_ORACLE_SUBJECT.value}> <{_ORACLE_PREDICATE.value}> "
    if not (body.startswith(head) and body.endswith(" .")):
        raise ExportError(f"unexpected Turtle from pyoxigraph: {body!r}")
    names = body[len(head) : -2].split(" , ")
    if len(names) != len(iris):
        raise ExportError(f"unexpected Turtle from pyoxigraph: {body!r}")
    return names


@lru_cache(maxsize=1 << 14)
def _turtle_name(iri: str) -> str:
    return _turtle_names([iri])[0]


def _ttl_iri(iri: str) -> str:
    """An IRI as pyoxigraph's Turtle writes it: a prefixed name where a prefix fits, else <iri>."""
    if iri.startswith(_NAMESPACES):
        return _turtle_name(iri)
    return "<" + iri + ">"


@lru_cache(maxsize=1)
def _turtle_header() -> str:
    """The ``@prefix`` lines, in the order pyoxigraph writes them."""
    triple = Triple(_ORACLE_SUBJECT, _ORACLE_PREDICATE, _ORACLE_SUBJECT)
    text = (serialize([triple], format=RdfFormat.TURTLE, prefixes=PREFIXES) or b"").decode()
    return "".join(line + "\n" for line in text.splitlines() if line.startswith("@prefix "))


_json_string: Callable[[str], str] = json.encoder.encode_basestring  # C; as json.dumps writes str
# What pyoxigraph escapes in a quoted literal (checked for every code point by the tests). JSON's
# encoder escapes the common ones (" \ \b \t \n \f \r) the same way, at C speed.
_ESCAPES: dict[int, str] = {
    **{c: f"\\u{c:04X}" for c in [*range(0x20), 0x7F, 0xFFFE, 0xFFFF]},
    0x08: "\\b",
    0x09: "\\t",
    0x0A: "\\n",
    0x0C: "\\f",
    0x0D: "\\r",
    0x22: '\\"',
    0x5C: "\\\\",
}


def _rdf_quoted(text: str) -> str:
    """``"text"`` with the escapes pyoxigraph writes in N-Triples and Turtle."""
    return '"' + text.translate(_ESCAPES) + '"'


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


def _compact(iri: str) -> str:
    for prefix, namespace in PREFIXES.items():
        if iri.startswith(namespace) and iri != namespace:
            return f"{prefix}:{iri[len(namespace) :]}"
    return iri


@lru_cache(maxsize=1 << 12)
def _jsonld_type(iri: str) -> str:
    return _json_string(_compact(iri))


class _Term:
    """A vocabulary IRI used as a predicate or datatype, rendered once for every format."""

    __slots__ = ("iri", "jsonld", "node", "nt", "ttl")

    def __init__(self, iri: str) -> None:
        self.iri = iri
        self.node = NamedNode(iri)
        self.nt = f"<{iri}>"
        self.ttl = "a" if iri == RDF.type.value else _ttl_iri(iri)
        self.jsonld = '"@type"' if iri == RDF.type.value else _json_string(_compact(iri))


_TERMS: dict[str, _Term] = {}


def _term(node: NamedNode) -> _Term:
    """The one :class:`_Term` of ``node`` (renderers compare predicates by identity)."""
    term = _TERMS.get(node.value)
    if term is None:
        term = _TERMS[node.value] = _Term(node.value)
    return term


_TURTLE_INTEGER = re.compile("[+-]?[0-9]+")


def _turtle_integer(value: str) -> bool:
    return (value.isdigit() and value.isascii()) or _TURTLE_INTEGER.fullmatch(value) is not None


def _turtle_boolean(value: str) -> bool:
    return value in ("true", "false")


class _Datatype:
    """A literal's datatype, rendered once for every format (xsd:string is the plain one)."""

    __slots__ = ("inline", "jsonld", "nt", "plain", "term", "ttl")

    def __init__(self, node: NamedNode, inline: Callable[[str], bool] | None = None) -> None:
        self.term = _term(node)
        self.plain = node == XSD.string
        self.nt = "" if self.plain else "^^" + self.term.nt
        self.ttl = "" if self.plain else "^^" + _ttl_iri(node.value)
        self.jsonld = _jsonld_type(node.value)
        self.inline = inline  # Turtle writes the lexical form bare when this says it may


_STRING = _Datatype(XSD.string)
_INTEGER = _Datatype(XSD.integer, _turtle_integer)
_BOOLEAN = _Datatype(XSD.boolean, _turtle_boolean)
_DATETIME = _Datatype(XSD.dateTime)
_ANYURI = _Datatype(XSD.anyURI)
_JSON = _Datatype(RDF.JSON)

# (subject IRI, predicate, object IRI or lexical form, datatype; None: the object is an IRI)
Statement: TypeAlias = "tuple[str, _Term, str, _Datatype | None]"

_TYPE = _term(RDF.type)
_predicate = itemgetter(1)


def _bool_lexical(value: Any) -> str:
    return "true" if value else "false"


def _datetime_lexical(value: Any) -> str:
    return value.isoformat() if isinstance(value, datetime) else str(value)


_LEXICAL: dict[str, tuple[_Datatype, Callable[[Any], str]]] = {
    "string": (_STRING, str),
    "integer": (_INTEGER, str),
    "boolean": (_BOOLEAN, _bool_lexical),
    "datetime": (_DATETIME, _datetime_lexical),
    "uri": (_ANYURI, str),
    "json": (_JSON, dumps),
    "alternates": (_STRING, str),
}
_SINGLE, _MANY, _ALTERNATES = 0, 1, 2
_Spec: TypeAlias = "tuple[str, _Term, int, _Datatype, Callable[[Any], str]]"


def _specs(fields: list[_Field]) -> list[_Spec]:
    specs: list[_Spec] = []
    for f in fields:
        kind = f.kind.removeprefix("many-")
        mode = (
            _ALTERNATES
            if f.kind == "alternates"
            else _MANY
            if f.kind.startswith("many-")
            else _SINGLE
        )
        datatype, lexical = _LEXICAL[kind]
        specs.append((f.attr, _term(f.predicate), mode, datatype, lexical))
    return specs


_SPECS = {kind: _specs(fields) for kind, fields in _FIELDS.items()}
_IMAGE_SPECS = _specs(_IMAGE_FIELDS)
_TYPE_IRIS = {kind: [t.value for t in types] for kind, types in _TYPES.items()}
_EDGE_TERMS = {key: _term(p) for key, p in _EDGE_PREDICATES.items()}
_IDENTIFIER = _term(DCTERMS.identifier)
_IN_SCHEME = _term(SKOS.inScheme)
_RELATED_TO = _term(NG.relatedTo)
_RELATED_LINK = _term(NG.relatedLink)
_LINK_TARGET = _term(NG.linkTarget)
_RANK = _term(NG.rank)
_LISTED_IN = _term(NG.listedIn)
_IMAGE = _term(SCHEMA.image)
_POSITION = _term(NG.position)
_RELATED_LINK_CLASS = NG.RelatedLink.value
_IMAGE_CLASS = SCHEMA.ImageObject.value


class _Maker:
    """Makes the statements of a graph's nodes, in the order :func:`graph_triples` gives them.

    Provider and topic IRIs, which every article points at, are minted once and kept.
    """

    def __init__(self, graph: nx.MultiDiGraph, base_iri: str | None = None) -> None:
        self.graph = graph
        self.mint = Minter(base_iri or graph.graph.get("base_iri") or DEFAULT_BASE_IRI)
        self.scheme = self.mint.scheme.value
        self._kept: dict[str, str] = {}
        self.classes: Counter[str] = Counter()  # rdf:type triples made, by class
        # the adjacency dicts under graph.succ (its views cost a Python call an item)
        self._succ: Mapping[str, Mapping[str, Mapping[str, Any]]] = getattr(
            graph, "_succ", graph.succ
        )

    def iri(self, node_id: str) -> str:
        iri = self._kept.get(node_id)
        if iri is None:
            iri = self.mint.iri(node_id)
            if not node_id.startswith("article:"):
                self._kept[node_id] = iri
        return iri

    def node(self, node_id: str, out: list[Statement]) -> int:
        """Append the statements of ``node_id`` (facts, out-edges, related links, images) to
        ``out``; return how many subjects they have that no other node's statements have."""
        attrs = self.graph.nodes[node_id]
        append = out.append
        kind = attrs["kind"]
        subject = self.iri(node_id)
        classes = self.classes
        for rdf_type in _TYPE_IRIS[kind]:
            append((subject, _TYPE, rdf_type, None))
            classes[rdf_type] += 1
        append((subject, _IDENTIFIER, node_id, _STRING))
        for attr, predicate, mode, datatype, lexical in _SPECS[kind]:
            value = attrs.get(attr)
            if value is None:
                continue
            if mode == _SINGLE:
                append((subject, predicate, lexical(value), datatype))
            elif mode == _MANY:
                for item in value:
                    append((subject, predicate, lexical(item), datatype))
            else:  # [preferred, *others]: the preferred one has its own field
                for other in value[1:]:
                    append((subject, predicate, lexical(other), datatype))
        if kind == TOPIC:
            append((subject, _IN_SCHEME, self.scheme, None))
        links: list[tuple[str, str, Mapping[str, Any]]] = []
        for target, keyed in self._succ[node_id].items():
            obj = self.iri(target)
            for key, data in keyed.items():
                if key == RELATED_TO:
                    append((subject, _RELATED_TO, obj, None))
                    for source in data["sources"]:
                        link = f"{subject}#related-{len(links) + 1}"
                        links.append((link, obj, source))
                        append((subject, _RELATED_LINK, link, None))
                else:
                    append((subject, _EDGE_TERMS[key], obj, None))
        for link, obj, source in links:
            append((link, _TYPE, _RELATED_LINK_CLASS, None))
            append((link, _LINK_TARGET, obj, None))
            append((link, _RANK, str(source["rank"]), _INTEGER))
            append((link, _LISTED_IN, source["file"], _STRING))
        images = attrs.get("images") or ()
        for position, image in enumerate(images, start=1):
            node = f"{subject}#image-{position}"
            append((subject, _IMAGE, node, None))
            append((node, _TYPE, _IMAGE_CLASS, None))
            append((node, _POSITION, str(position), _INTEGER))
            for attr, predicate, _, datatype, lexical in _IMAGE_SPECS:
                value = image.get(attr)
                if value is not None:  # image fields are all single-valued
                    append((node, predicate, lexical(value), datatype))
        if links:
            classes[_RELATED_LINK_CLASS] += len(links)
        if images:
            classes[_IMAGE_CLASS] += len(images)
        subjects = 1 + len(links) + len(images)
        if kind == ARTICLE and not node_id.startswith("article:https://"):
            subjects -= self._shared_subjects(node_id, len(links), len(images))
        return subjects

    def _shared_subjects(self, node_id: str, links: int, images: int) -> int:
        """Subjects shared with ``article:https://<key>``, whose IRI is the same as ours (the
        minter drops ``https://``); graphs from :func:`newsgraph.build_graph` have none."""
        twin = "article:https://" + node_id.partition(":")[2]
        if twin not in self.graph:
            return 0
        twin_links = sum(
            len(data["sources"])
            for keyed in self._succ[twin].values()
            for key, data in keyed.items()
            if key == RELATED_TO
        )
        twin_images = len(self.graph.nodes[twin].get("images") or ())
        return 1 + min(links, twin_links) + min(images, twin_images)

    def dataset(self, chunk: int = 4096) -> Iterator[tuple[list[Statement], int]]:
        """The dataset-level statements (the dataset, its input files, the topic scheme), in
        chunks, each with the number of distinct subjects it adds."""
        attrs = self.graph.graph
        mint = self.mint
        dataset = mint.dataset.value
        out: list[Statement] = [
            (dataset, _TYPE, VOID.Dataset.value, None),
            (dataset, _TYPE, PROV.Entity.value, None),
            (dataset, _term(NG.baseIri), mint.base, _ANYURI),
        ]
        if "name" in attrs:
            out.append((dataset, _term(DCTERMS.title), str(attrs["name"]), _STRING))
        if "newsgraph_version" in attrs:
            version = str(attrs["newsgraph_version"])
            out.append((dataset, _term(NG.newsgraphVersion), version, _STRING))
        if "built_at" in attrs:
            out.append((dataset, _term(DCTERMS.created), str(attrs["built_at"]), _DATETIME))
        if "merges" in attrs:
            out.append((dataset, _term(NG.merges), dumps(attrs["merges"]), _JSON))
        files = attrs.get("inputs", [])
        self.classes.update({VOID.Dataset.value: 1, PROV.Entity.value: 1 + len(files)})
        self.classes[SKOS.ConceptScheme.value] += 1
        derived = _term(PROV.wasDerivedFrom)
        for start in range(0, len(files), chunk):
            out.extend(
                (dataset, derived, mint.file_iri(entry["file"]), None)
                for entry in files[start : start + chunk]
            )
            yield out, 0
            out = []
        source_file, sha256 = _term(NG.sourceFile), _term(NG.sha256)
        entity = PROV.Entity.value
        paths: set[str] = set()
        for start in range(0, len(files), chunk):
            before = len(paths)
            for entry in files[start : start + chunk]:
                path = entry["file"]
                paths.add(path.lstrip("/"))
                node = mint.file_iri(path)
                out.append((node, _TYPE, entity, None))
                out.append((node, source_file, str(path), _STRING))
                if "sha256" in entry:
                    out.append((node, sha256, str(entry["sha256"]), _STRING))
            yield out, len(paths) - before
            out = []
        scheme = self.scheme
        out.append((scheme, _TYPE, SKOS.ConceptScheme.value, None))
        out.append((scheme, _term(DCTERMS.title), "Topics", _STRING))
        yield out, 2  # the dataset and the scheme


def _to_triples(statements: Iterable[Statement]) -> Iterator[Triple]:
    subject_iri: str | None = None
    subject = _ORACLE_SUBJECT
    for s, p, o, datatype in statements:
        if s != subject_iri:
            subject_iri, subject = s, NamedNode(s)
        if datatype is None:
            yield Triple(subject, p.node, NamedNode(o))
        elif datatype.plain:
            yield Triple(subject, p.node, Literal(o))
        else:
            yield Triple(subject, p.node, Literal(o, datatype=datatype.term.node))


# -- renderers: statements to text, exactly as pyoxigraph would write the same triples -----------


class _Renderer:
    """Renders statements into any of N-Triples, Turtle and JSON-LD at once, each literal quoted
    once for all three; keeps the Turtle and JSON-LD state (the open subject) between batches.

    N-Triples: a line a triple. Turtle, as pyoxigraph lays it out: a subject's triples joined by
    `` ;``, a predicate's objects by `` ,``, `` .`` when the subject changes. JSON-LD: one node
    object a run of triples with the same subject: ``@id``, ``@type`` (compact IRIs), then each
    predicate (compact) with its values in order of appearance, the bytes ``json.dumps`` writes
    for those objects with ``separators=(",", ":")``.
    """

    def __init__(self, formats: Iterable[str], *, first: bool) -> None:
        formats = set(formats)
        self.nt: list[str] | None = [] if "ntriples" in formats else None
        self.ttl: list[str] | None = [] if "turtle" in formats else None
        self.jsonld: list[str] | None = [] if "jsonld" in formats else None
        self.subject: str | None = None  # the open subject (Turtle and JSON-LD)
        self.predicate: _Term | None = None  # the open predicate (Turtle)
        self.block: dict[str, list[str]] = {}  # the open node object (JSON-LD)
        self.first = first  # no ",\n" before the first JSON-LD object of the file

    def render(self, statements: list[Statement]) -> None:
        nt, ttl, jsonld = self.nt, self.ttl, self.jsonld
        current, predicate, block = self.subject, self.predicate, self.block
        obj = value = ""
        for s, p, o, datatype in statements:
            if datatype is None:
                if nt is not None:
                    nt.append(f"<{s}> {p.nt} <{o}> .\n")
                if ttl is not None:
                    obj = "<" + o + ">" if not o.startswith(_NAMESPACES) else _turtle_name(o)
                if jsonld is not None:
                    value = _jsonld_type(o) if p is _TYPE else '{"@id":' + _json_string(o) + "}"
            else:
                value = _json_string(o)
                # The N-Triples/Turtle string is JSON's but for the characters JSON writes
                # differently (other controls, as lower-case \u00xx) or not at all (DEL, U+FFFE,
                # U+FFFF). ("\u" may also be an escaped backslash before a "u": no matter, then
                # _rdf_quoted gives the same string.)
                if "\\u" in value or "\x7f" in o or "\ufffe" in o or "\uffff" in o:
                    quoted = _rdf_quoted(o)
                else:
                    quoted = value
                if nt is not None:
                    nt.append(f"<{s}> {p.nt} {quoted}{datatype.nt} .\n")
                if ttl is not None:
                    inline = datatype.inline is not None and datatype.inline(o)
                    obj = o if inline else quoted + datatype.ttl
                if jsonld is not None and not datatype.plain:
                    value = '{"@value":' + value + ',"@type":' + datatype.jsonld + "}"
            if s == current:
                if ttl is not None:
                    if p is predicate:
                        ttl.append(" , " + obj)
                    else:
                        ttl.append(" ;\n\t" + p.ttl + " " + obj)
                        predicate = p
            else:
                if ttl is not None:
                    if current is not None:
                        ttl.append(" .\n")
                    ttl.append(_ttl_iri(s) + " " + p.ttl + " " + obj)
                    predicate = p
                if jsonld is not None:
                    self._flush(current, block, jsonld)
                    block = {}
                current = s
            if jsonld is not None:
                values = block.get(p.jsonld)
                if values is None:
                    block[p.jsonld] = [value]
                else:
                    values.append(value)
        self.subject, self.predicate, self.block = current, predicate, block

    def _flush(self, subject: str | None, block: dict[str, list[str]], out: list[str]) -> None:
        if subject is None:
            return
        out.append(
            "".join(
                [
                    "" if self.first else ",\n",
                    '{"@id":',
                    _json_string(subject),
                    *[f",{key}:[{','.join(values)}]" for key, values in block.items()],
                    "}",
                ]
            )
        )
        self.first = False

    def finish(self) -> None:
        """Close the open subject (at the end of a part)."""
        if self.ttl is not None and self.subject is not None:
            self.ttl.append(" .\n")
        if self.jsonld is not None:
            self._flush(self.subject, self.block, self.jsonld)
        self.subject, self.predicate, self.block = None, None, {}

    def drain(self, handles: Mapping[str, IO[bytes]]) -> None:
        """Write what is rendered to ``handles`` (by format name) and forget it."""
        for name, out in (("ntriples", self.nt), ("turtle", self.ttl), ("jsonld", self.jsonld)):
            if out:
                # encoded piece by piece: most pieces are ASCII (a memcpy), and one wide
                # character would make a joined str 2 or 4 bytes a character (2x faster)
                handles[name].write(b"".join(map(str.encode, out)))
                out.clear()


def _jsonld_header() -> str:
    return '{"@context":' + dumps(JSONLD_CONTEXT) + ',"@graph":[\n'


_JSONLD_FOOTER = "\n]}\n"


# -- counts, shards, writers -----------------------------------------------------------------------


@dataclass
class RdfCounts:
    """What VoID says about the RDF: counted while the triples are written, merged over shards.

    ``subjects`` counts distinct subject IRIs, without a set of them: each node's subjects (its
    IRI, its related links, its images) are its own, but for article ids that differ only by
    ``https://`` (which the IRIs leave out; :func:`newsgraph.build_graph` makes none), whose
    shared subjects count once when both are in the graph the shard is given. ``properties``
    holds the distinct predicate IRIs, ``classes`` the ``rdf:type`` triples by class IRI.
    """

    triples: int = 0
    subjects: int = 0
    properties: set[str] = dataclasses.field(default_factory=set)
    classes: Counter[str] = dataclasses.field(default_factory=Counter)

    def add(self, statements: list[Statement], subjects: int) -> None:
        self.triples += len(statements)
        self.subjects += subjects
        self.properties.update(p.iri for p in set(map(_predicate, statements)))

    def __add__(self, other: RdfCounts) -> RdfCounts:
        return RdfCounts(
            self.triples + other.triples,
            self.subjects + other.subjects,
            self.properties | other.properties,
            self.classes + other.classes,
        )


def shard_ranges(count: int, size: int | None = None) -> list[tuple[int, int]]:
    """``(start, stop)`` slices cutting ``count`` nodes into shards of ``size`` (default:
    :data:`SHARD_NODES`; the last one shorter); the node order is the graph's."""
    size = size or SHARD_NODES
    return [(start, min(start + size, count)) for start in range(0, count, size)]


def _statement_batches(
    maker: _Maker, nodes: Iterable[str] | None, dataset: bool
) -> Iterator[tuple[list[Statement], int]]:
    if dataset:
        yield from maker.dataset()
    if nodes is None:
        return
    batch: list[Statement] = []
    subjects = 0
    count = 0
    for node in nodes:
        subjects += maker.node(node, batch)
        count += 1
        if count == _BATCH_NODES:
            yield batch, subjects
            batch, subjects, count = [], 0, 0
    if batch:
        yield batch, subjects


def _write_statements(
    graph: nx.MultiDiGraph,
    base_iri: str | None,
    nodes: Iterable[str] | None,
    handles: Mapping[str, IO[bytes]],
    *,
    dataset: bool,
) -> RdfCounts:
    """Render the statements of ``nodes`` (and the dataset's, first, with ``dataset``) into the
    open ``handles`` by format name; the bytes are a part of the file, without header or footer.
    """
    unknown = set(handles) - set(RDF_PART_FORMATS)
    if unknown:
        raise ExportError(f"not RDF part formats: {', '.join(sorted(unknown))}")
    maker = _Maker(graph, base_iri)
    renderer = _Renderer(handles, first=dataset)
    counts = RdfCounts()
    with gc_paused():  # statements hold no cycles
        for statements, subjects in _statement_batches(maker, nodes, dataset):
            counts.add(statements, subjects)
            if handles:
                renderer.render(statements)
                renderer.drain(handles)
        renderer.finish()
        renderer.drain(handles)
    counts.classes = maker.classes
    return counts


def _open(path: str | os.PathLike[str], buffering: int = -1, mode: str = "wb") -> IO[bytes]:
    return cast("IO[bytes]", open(path, mode, buffering=buffering))


def write_turtle_statements(
    statements: Iterable[Statement], path: str | os.PathLike[str], chunk: int = 4096
) -> None:
    """Write ``statements`` (grouped by subject) to ``path`` as Turtle with the exports' prefixes,
    the bytes pyoxigraph would write: for the small descriptive files (VoID, the summary)."""
    renderer = _Renderer(["turtle"], first=True)
    with _open(path) as handle:
        handles = {"turtle": handle}
        handle.write(_turtle_header().encode())
        batch: list[Statement] = []
        for statement in statements:
            batch.append(statement)
            if len(batch) == chunk:
                renderer.render(batch)
                renderer.drain(handles)
                batch = []
        renderer.render(batch)
        renderer.finish()
        renderer.drain(handles)


def write_rdf_shard(
    graph: nx.MultiDiGraph,
    nodes: Iterable[str] | None,
    outputs: Mapping[str, str | os.PathLike[str]],
    *,
    dataset: bool = False,
    base_iri: str | None = None,
) -> RdfCounts:
    """Write one shard of the RDF: the triples of ``nodes`` in each format of ``outputs``.

    The part files hold no header or footer: :func:`join_rdf_parts` joins the parts of every
    shard, in shard order, into the file a single pass writes (byte for byte). An N-Triples part
    is a complete N-Triples file by itself.

    Args:
        graph: The graph (it needs the shard's nodes with their attributes and out-edges; edge
            targets are minted from their ids alone).
        nodes: The shard's node ids (``None``: none, for a dataset-only part).
        outputs: Part file path by format name, among :data:`RDF_PART_FORMATS`.
        dataset: Write the dataset-level triples first (in exactly one shard: the first).
        base_iri: As for :func:`graph_triples`.

    Returns:
        The shard's :class:`RdfCounts` (add them up for :func:`newsgraph.export.void.write_void`).
    """
    handles: dict[str, IO[bytes]] = {}
    try:
        for name, path in outputs.items():
            handles[name] = _open(path)
        return _write_statements(graph, base_iri, nodes, handles, dataset=dataset)
    finally:
        for handle in handles.values():
            handle.close()


def write_ntriples_shard(
    graph: nx.MultiDiGraph,
    nodes: Iterable[str] | None,
    path: str | os.PathLike[str],
    *,
    dataset: bool = False,
    base_iri: str | None = None,
) -> RdfCounts:
    """Write the triples of the shard ``nodes`` (their facts and out-edges) to an N-Triples file.

    For engines that write the RDF in pieces (one file a shard, as ``rdf_files`` reads them):
    over a partition of all nodes, plus one file written with ``dataset=True`` (or one shard
    given ``dataset=True``), the files hold exactly the triples of :func:`graph_triples`, and
    concatenated in shard order (dataset first) they are byte for byte :func:`write_ntriples`'s
    file. See :func:`write_rdf_shard` for the arguments; returns the shard's :class:`RdfCounts`.
    """
    return write_rdf_shard(graph, nodes, {"ntriples": path}, dataset=dataset, base_iri=base_iri)


_HEADERS: dict[str, Callable[[], str]] = {
    "ntriples": str,
    "turtle": _turtle_header,
    "jsonld": _jsonld_header,
}
_FOOTERS = {"ntriples": "", "turtle": "", "jsonld": _JSONLD_FOOTER}


def join_rdf_parts(
    name: str, parts: Iterable[str | os.PathLike[str]], path: str | os.PathLike[str]
) -> None:
    """Join the part files of format ``name`` (from :func:`write_rdf_shard`, in shard order, the
    dataset's first) into ``path``, adding the format's header and footer; copies in the kernel.
    """
    with open(path, "wb", buffering=0) as out:
        write_all(out, _HEADERS[name]().encode())
        for part in parts:
            append_file(part, out)
        write_all(out, _FOOTERS[name].encode())


class PartJoiner:
    """Joins shards' part files into the RDF files while later shards are still being written.

    A shard's parts are appended (copied in the kernel) and deleted as soon as every shard before
    it is in, so the copying overlaps the writing and only parts that came early wait on disk.

    Args:
        outputs: The RDF file path by format name (among :data:`RDF_PART_FORMATS`); each is
            created with its header at once.
        folder: Where the shards write their parts (see :meth:`parts`).
        shards: How many shards there are (numbered from 0, the dataset's).
        plain: More files by part name, which the parts are appended to, with no header or
            footer (the other formats :mod:`newsgraph.export.shards` writes in shards).
    """

    def __init__(
        self,
        outputs: Mapping[str, str | os.PathLike[str]],
        folder: str | os.PathLike[str],
        shards: int,
        plain: Mapping[str, str | os.PathLike[str]] | None = None,
    ) -> None:
        self.folder = Path(folder)
        self.shards = shards
        self.counts = RdfCounts()
        self._next = 0
        self._waiting: dict[int, RdfCounts] = {}
        self._files: dict[str, IO[bytes]] = {}
        self._rdf = list(outputs)
        try:
            for name, path in outputs.items():
                self._files[name] = _open(path, buffering=0)
                write_all(self._files[name], _HEADERS[name]().encode())
            for name, path in (plain or {}).items():
                self._files[name] = _open(path, buffering=0, mode="ab")
        except BaseException:
            self.abort()
            raise

    def parts(self, shard: int) -> dict[str, Path]:
        """The part files shard number ``shard`` writes, by format name."""
        return {name: self.folder / f"{name}.{shard:06d}" for name in self._files}

    def add(self, shard: int, counts: RdfCounts) -> None:
        """Shard ``shard`` has written its parts (and counted ``counts``): join what can be."""
        self._waiting[shard] = counts
        while self._next in self._waiting:
            for name, part in self.parts(self._next).items():
                append_file(part, self._files[name])
                part.unlink()
            self.counts += self._waiting.pop(self._next)
            self._next += 1

    def close(self) -> RdfCounts:
        """Finish the files (footers); return the counts of all shards."""
        if self._next != self.shards:
            raise ExportError(f"RDF shard {self._next} of {self.shards} was never written")
        for name in self._rdf:
            write_all(self._files[name], _FOOTERS[name].encode())
        self.abort()
        return self.counts

    def abort(self) -> None:
        """Close the files as they are (after a failure)."""
        for out in self._files.values():
            out.close()


def write_all(out: IO[bytes], data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[out.write(view) or 0 :]


def append_file(part: str | os.PathLike[str], out: IO[bytes]) -> None:
    """Append file ``part`` to the unbuffered ``out``: in the kernel where it can."""
    with open(part, "rb", buffering=0) as source:
        size = os.fstat(source.fileno()).st_size
        done = 0
        copy_range = getattr(os, "copy_file_range", None)
        if copy_range is not None:
            try:
                while done < size:
                    sent = copy_range(source.fileno(), out.fileno(), size - done)
                    if sent == 0:
                        break
                    done += sent
            except OSError:
                pass  # not between these two files: the rest through Python
        while done < size:
            block = source.read(min(1 << 20, size - done))
            if not block:
                raise ExportError(f"{part}: shorter than it was ({done} of {size} bytes)")
            write_all(out, block)
            done += len(block)


def write_rdf(
    graph: nx.MultiDiGraph,
    outputs: Mapping[str, str | os.PathLike[str]],
    *,
    base_iri: str | None = None,
) -> RdfCounts:
    """Write ``graph`` in each RDF format of ``outputs`` (path by format name among
    :data:`RDF_PART_FORMATS`) in one pass over the triples; return their :class:`RdfCounts`.

    Shard by shard, the same bytes as :func:`newsgraph.export.write_exports` joins from parallel
    workers.
    """
    nodes = list(graph)
    handles: dict[str, IO[bytes]] = {}
    counts = RdfCounts()
    try:
        for name, path in outputs.items():
            handles[name] = _open(path)
            handles[name].write(_HEADERS[name]().encode())
        counts += _write_statements(graph, base_iri, None, handles, dataset=True)
        for start, stop in shard_ranges(len(nodes)):
            shard = nodes[start:stop]
            counts += _write_statements(graph, base_iri, shard, handles, dataset=False)
        for name, handle in handles.items():
            handle.write(_FOOTERS[name].encode())
    finally:
        for handle in handles.values():
            handle.close()
    return counts


def count_triples(graph: nx.MultiDiGraph, base_iri: str | None = None) -> RdfCounts:
    """The :class:`RdfCounts` of ``graph``'s RDF, without writing it."""
    return _write_statements(graph, base_iri, graph, {}, dataset=True)


def graph_triples(graph: nx.MultiDiGraph, base_iri: str | None = None) -> Iterator[Triple]:
    """Every triple of ``graph`` in a fixed order: the dataset, then node by node.

    Args:
        graph: A graph from :func:`newsgraph.build_graph` (or read back from any export).
        base_iri: Where to mint instance IRIs (default: the graph's ``base_iri``, else
            :data:`newsgraph.vocab.DEFAULT_BASE_IRI`).
    """
    yield from dataset_triples(graph, base_iri)
    yield from node_triples(graph, graph, base_iri)


def dataset_triples(graph: nx.MultiDiGraph, base_iri: str | None = None) -> Iterator[Triple]:
    """The dataset-level triples of ``graph``: the dataset, its input files, the topic scheme."""
    for statements, _ in _Maker(graph, base_iri).dataset():
        yield from _to_triples(statements)


def node_triples(
    graph: nx.MultiDiGraph, nodes: Iterable[str], base_iri: str | None = None
) -> Iterator[Triple]:
    """The triples of the shard ``nodes``: each node's facts, out-edges, related links, images.

    Over a partition of all nodes, with :func:`dataset_triples`, these are exactly the triples of
    :func:`graph_triples` (in its order when the shards are taken in the graph's node order).
    The graph needs only the shard's nodes with their attributes and out-edges (edge targets are
    minted from their ids), so a worker holding part of a graph can make its part of the RDF.
    """
    maker = _Maker(graph, base_iri)
    for statements, _ in _statement_batches(maker, nodes, dataset=False):
        yield from _to_triples(statements)


def write_turtle(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as Turtle, every prefix bound."""
    write_rdf(graph, {"turtle": path})


def write_ntriples(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as N-Triples (one triple a line: easy to split, stream and concatenate)."""
    write_rdf(graph, {"ntriples": path})


def write_jsonld(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph`` as JSON-LD 1.1: one node object a subject, compact IRIs, inline ``@context``.

    The context is :data:`JSONLD_CONTEXT` (the prefixes), also shipped as
    ``ontology/context.jsonld``.
    """
    write_rdf(graph, {"jsonld": path})


def _iri(term: Any) -> str:
    """The IRI (or blank node id) of a subject or object; newsgraph writes no quoted triples."""
    if isinstance(term, Triple):
        raise ExportError("RDF-star quoted triples are not part of newsgraph's data")
    return str(term.value)


# -- reading ---------------------------------------------------------------------------------------

RDF_FORMATS = {".ttl": RdfFormat.TURTLE, ".nt": RdfFormat.N_TRIPLES, ".jsonld": RdfFormat.JSON_LD}
"""The RDF files newsgraph reads, by suffix."""


def rdf_files(paths: Iterable[str | os.PathLike[str]], *, description: bool = False) -> list[Path]:
    """The RDF files to read for ``paths``: export folders or RDF files.

    A file is taken as it is if its suffix is one of :data:`RDF_FORMATS`. An export folder gives
    its N-Triples (``*.nt``: ``graph.nt``, or the shards of a distributed build), else its
    ``graph.ttl``, else its ``graph.jsonld``; with ``description``, also the files that describe
    the graph (:data:`DESCRIPTIONS`: ``graph.void.ttl`` and ``graph.summary.ttl``).

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
            if description:
                files.extend(path / name for name in DESCRIPTIONS if (path / name).is_file())
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
    renderer = _Renderer(["ntriples"], first=True)
    for statements, _ in _statement_batches(_Maker(graph), graph, dataset=True):
        renderer.render(statements)
    out.parse(data="".join(renderer.nt or []), format="nt")
    return out
