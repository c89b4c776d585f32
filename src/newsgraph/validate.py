"""Check RDF exports against newsgraph's SHACL shapes (``ontology/shapes.ttl``) with pySHACL.

The shapes say what the exporter writes on every article, provider, topic, related link, image,
source file and the dataset: required fields, datatypes, cardinalities, what links point at. They
are closed, so a property the exporter never writes on such a node is reported too::

    >>> import newsgraph, tempfile
    >>> out = tempfile.mkdtemp()
    >>> _ = newsgraph.run_build(["seeds/"], out, formats=["ntriples"])
    >>> report = validate_export(out)
    >>> report.conforms, report.violations, report.focus_nodes
    (True, [], 14)

The data is parsed by pyoxigraph (fast, and strict about syntax) and handed to pySHACL as an
``rdflib.Graph``; no inference is run: the shapes describe the triples as written.
"""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib.resources import files
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pyoxigraph import BlankNode, Literal, NamedNode

from newsgraph.errors import ExportError, NewsgraphError
from newsgraph.export.rdf import iter_triples, rdf_files
from newsgraph.vocab import PREFIXES

if TYPE_CHECKING:
    import rdflib

__all__ = ["ValidationReport", "Violation", "ontology_file", "validate_export"]

_SH = "http://www.w3.org/ns/shacl#"
_XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result.

    Attributes:
        focus: The node that fails, as ``<IRI>`` (or ``_:id`` for a blank node).
        path: The property, compact (``ng:rank``; ``^ng:relatedLink`` for an inverse path); empty
            when the node itself fails (a blank node where an IRI belongs).
        message: What is expected, from the shape's ``sh:message`` (else pySHACL's own).
        value: The offending value in Turtle syntax (``"49"``, ``"0"^^xsd:integer``, ``<IRI>``);
            empty when a value is missing rather than wrong.
        severity: ``Violation``, ``Warning`` or ``Info``.
        constraint: The SHACL constraint that failed: ``minCount``, ``datatype``, ``closed``, ...
    """

    focus: str
    path: str
    message: str
    value: str
    severity: str
    constraint: str


@dataclass(frozen=True)
class ValidationReport:
    """What :func:`validate_export` found.

    Attributes:
        conforms: True when there is no violation.
        violations: Every result, sorted by focus node, path and message.
        files: The RDF files that were validated.
        triples: How many triples they hold.
        focus_nodes: How many distinct nodes the shapes' targets selected.
        checked: Focus nodes by shape (``{"article": 229, "provider": 159, ...}``).
        shapes: The shapes file used.
        seconds: How long parsing and validation took.
    """

    conforms: bool
    violations: list[Violation]
    files: list[Path]
    triples: int
    focus_nodes: int
    checked: dict[str, int] = field(default_factory=dict)
    shapes: Path | None = None
    seconds: float = 0.0


def ontology_file(name: str) -> Path:
    """A file of newsgraph's ``ontology/`` folder: ``newsgraph.ttl``, ``shapes.ttl``, ...

    Found inside the installed package (``newsgraph/ontology/``, where a wheel puts it), else in
    the source checkout (``<repo>/ontology/``, for editable installs).

    Raises:
        NewsgraphError: The file is in neither place (a broken installation).

    Example:
        >>> ontology_file("shapes.ttl").name
        'shapes.ttl'
    """
    packaged = files("newsgraph").joinpath("ontology").joinpath(name)
    if packaged.is_file():
        return Path(str(packaged))
    source = Path(__file__).resolve().parents[2] / "ontology" / name
    if source.is_file():
        return source
    raise NewsgraphError(
        f"ontology/{name} is missing from the newsgraph installation; reinstall newsgraph"
    )


def _load(paths: Iterable[Path]) -> rdflib.Graph:
    """The triples of ``paths`` as an ``rdflib.Graph``: parsed by pyoxigraph, terms converted."""
    import rdflib

    graph = rdflib.Graph()
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace, override=True, replace=True)
    iris: dict[str, rdflib.URIRef] = {}

    def iri(value: str) -> rdflib.URIRef:
        node = iris.get(value)
        if node is None:
            node = iris[value] = rdflib.URIRef(value)
        return node

    def term(node: Any) -> rdflib.term.Node:
        if isinstance(node, NamedNode):
            return iri(node.value)
        if isinstance(node, BlankNode):
            return rdflib.BNode(node.value)
        if not isinstance(node, Literal):
            raise ExportError("RDF-star quoted triples are not part of newsgraph's data")
        if node.language:
            return rdflib.Literal(node.value, lang=node.language)
        datatype = node.datatype.value
        if datatype == _XSD_STRING:  # plain literals, as rdflib reads them from N-Triples
            return rdflib.Literal(node.value)
        return rdflib.Literal(node.value, datatype=iri(datatype))

    for triple in iter_triples(paths):
        graph.add((term(triple.subject), term(triple.predicate), term(triple.object)))
    return graph


def _focus_nodes(data: rdflib.Graph, shapes: rdflib.Graph) -> dict[str, set[rdflib.term.Node]]:
    """The nodes each labelled shape targets (SPARQL targets, which pick only failures, aside)."""
    from rdflib import RDF, RDFS, URIRef

    sh = {name: URIRef(_SH + name) for name in ("NodeShape", "targetClass", "targetSubjectsOf")}
    by_label: dict[str, set[rdflib.term.Node]] = {}
    for shape in shapes.subjects(RDF.type, sh["NodeShape"]):
        nodes: set[rdflib.term.Node] = set()
        for cls in shapes.objects(shape, sh["targetClass"]):
            nodes.update(data.subjects(RDF.type, cls))
        for predicate in shapes.objects(shape, sh["targetSubjectsOf"]):
            nodes.update(data.subjects(predicate, None))
        if nodes:
            label = str(shapes.value(shape, RDFS.label) or shape)
            by_label.setdefault(label, set()).update(nodes)
    return by_label


def _short(term: rdflib.term.Node | None, graph: rdflib.Graph) -> str:
    """A term as Turtle: compact IRIs where a prefix is bound, inverse paths as ``^p``."""
    import rdflib

    if term is None:
        return ""
    if isinstance(term, rdflib.BNode):
        inverse = graph.value(term, rdflib.URIRef(_SH + "inversePath"))
        if inverse is not None:
            return "^" + _short(inverse, graph)
        return f"_:{term}"
    if isinstance(term, rdflib.URIRef | rdflib.Literal):
        return str(term.n3(graph.namespace_manager))
    return str(term)


def _violations(results: rdflib.Graph, data: rdflib.Graph) -> list[Violation]:
    from rdflib import RDF, URIRef

    def sh(name: str) -> URIRef:
        return URIRef(_SH + name)

    for prefix, namespace in data.namespaces():
        results.bind(prefix, namespace, override=True, replace=True)
    found = []
    for result in results.subjects(RDF.type, sh("ValidationResult")):
        focus = results.value(result, sh("focusNode"))
        messages = sorted(str(m) for m in results.objects(result, sh("resultMessage")))
        component = str(results.value(result, sh("sourceConstraintComponent")) or "")
        severity = str(results.value(result, sh("resultSeverity")) or "")
        found.append(
            Violation(
                focus=focus.n3() if focus is not None else "",
                path=_short(results.value(result, sh("resultPath")), results),
                message="; ".join(messages),
                value=_short(results.value(result, sh("value")), results),
                severity=severity.removeprefix(_SH),
                constraint=_constraint_name(component),
            )
        )
    return sorted(found, key=lambda v: (v.focus, v.path, v.message, v.value))


def _constraint_name(component: str) -> str:
    """``sh:MinCountConstraintComponent`` as ``minCount``; SPARQL-based ones as ``sparql``."""
    name = component.removeprefix(_SH).removesuffix("ConstraintComponent")
    if name == "SPARQL":
        return "sparql"
    return name[:1].lower() + name[1:]


def validate_export(path: str | os.PathLike[str] = "exports") -> ValidationReport:
    """Validate an RDF export against ``ontology/shapes.ttl``.

    Args:
        path: An export folder (its ``*.nt`` files, else ``graph.ttl``, else ``graph.jsonld``) or
            one RDF file (``.ttl``, ``.nt``, ``.jsonld``).

    Returns:
        A :class:`ValidationReport`: whether the data conforms, every violation, how much was
        checked.

    Raises:
        ExportError: The path does not exist, holds no RDF export, or is not valid RDF.

    Example:
        >>> import newsgraph, pathlib, tempfile
        >>> from newsgraph.export.rdf import write_ntriples
        >>> path = pathlib.Path(tempfile.mkdtemp()) / "graph.nt"
        >>> write_ntriples(newsgraph.build(["seeds/"]).graph, path)
        >>> rank = "<https://w3id.org/newsgraph/ns#rank> "
        >>> _ = path.write_text(path.read_text().replace(rank + '"1"', rank + '"0"'))
        >>> [(v.path, v.value, v.constraint) for v in validate_export(path).violations]
        [('ng:rank', '"0"^^xsd:integer', 'minInclusive')]
    """
    import pyshacl
    import rdflib

    start = time.perf_counter()
    export_files = rdf_files([path])
    data = _load(export_files)
    shapes_file = ontology_file("shapes.ttl")
    shapes = rdflib.Graph().parse(shapes_file, format="turtle")
    checked = _focus_nodes(data, shapes)
    triples = len(data)
    conforms, results, _ = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,  # SPARQL targets (see shapes.ttl)
        inplace=True,  # the graph is ours: spare the copy
    )
    violations = _violations(results, data)
    return ValidationReport(
        conforms=bool(conforms),
        violations=violations,
        files=export_files,
        triples=triples,
        focus_nodes=len(set().union(*checked.values())),
        checked={label: len(nodes) for label, nodes in sorted(checked.items())},
        shapes=shapes_file,
        seconds=time.perf_counter() - start,
    )
