"""ontology/: the vocabulary declares exactly the terms of ``newsgraph.vocab.NG``, says what the
exporters really write (domains, ranges, datatypes), and ships with the JSON-LD context."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path

import pyoxigraph
import pytest
import rdflib
from rdflib import OWL, RDF, RDFS, XSD, Literal, URIRef
from rdflib.namespace import DCTERMS

import newsgraph
from newsgraph.export.rdf import JSONLD_CONTEXT, graph_triples
from newsgraph.validate import ontology_file
from newsgraph.vocab import NG, NG_NS, PREFIXES

ROOT = Path(__file__).resolve().parents[1]
ONTOLOGY = ROOT / "ontology"
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
ONTOLOGY_IRI = URIRef(NG_NS.rstrip("#"))


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(ONTOLOGY / "newsgraph.ttl", format="turtle")


def ng_terms(graph: rdflib.Graph) -> Iterator[URIRef]:
    """Every ng: IRI a graph mentions, in any position."""
    for triple in graph:
        for term in triple:
            if isinstance(term, URIRef) and str(term).startswith(NG_NS):
                yield term


@pytest.fixture(scope="module", params=["seed", "corpus"])
def export(request: pytest.FixtureRequest) -> rdflib.Graph:
    """The RDF of the seed build and of the real corpus build (skipped when it is absent)."""
    if request.param == "corpus":
        if not CORPUS.is_dir():
            pytest.skip(f"corpus not available at {CORPUS}")
        paths = [CORPUS]
    else:
        paths = [ROOT / "seeds"]
    return newsgraph.to_rdflib(newsgraph.build(paths).graph)


def test_ontology_parses_with_pyoxigraph_and_rdflib(ontology: rdflib.Graph) -> None:
    path = ONTOLOGY / "newsgraph.ttl"
    triples = list(pyoxigraph.parse(path=str(path), format=pyoxigraph.RdfFormat.TURTLE))
    assert len(triples) == len(ontology) > 200


def test_ontology_header(ontology: rdflib.Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    for predicate in (OWL.versionInfo, RDFS.label, RDFS.comment, DCTERMS.license):
        assert ontology.value(ONTOLOGY_IRI, predicate) is not None, predicate


@pytest.mark.parametrize("name", sorted(NG.terms))
def test_every_vocab_term_is_declared(ontology: rdflib.Graph, name: str) -> None:
    term = URIRef(NG.terms[name].value)
    kinds = set(ontology.objects(term, RDF.type))
    expected = {OWL.Class} if name[0].isupper() else {OWL.ObjectProperty, OWL.DatatypeProperty}
    assert kinds & expected, kinds
    for predicate in (RDFS.label, RDFS.comment):
        value = ontology.value(term, predicate)
        assert isinstance(value, Literal) and value.language == "en" and len(value) > 3
    assert ontology.value(term, RDFS.isDefinedBy) == ONTOLOGY_IRI
    if not name[0].isupper():
        assert ontology.value(term, RDFS.domain) is not None, "every property has a domain"
        assert ontology.value(term, RDFS.range) is not None, "every property has a range"


def test_every_declared_term_is_in_vocab(ontology: rdflib.Graph) -> None:
    vocab = {term.value for term in NG.terms.values()}
    assert {str(t) for t in ng_terms(ontology)} <= vocab


def test_shapes_use_only_declared_terms(ontology: rdflib.Graph) -> None:
    shapes = rdflib.Graph().parse(ONTOLOGY / "shapes.ttl", format="turtle")
    declared = {str(t) for t in ng_terms(ontology)}
    assert {str(t) for t in ng_terms(shapes)} <= declared


@pytest.mark.parametrize("name", ["newsgraph.ttl", "shapes.ttl"])
def test_prefixes_are_the_exporters(name: str) -> None:
    """Turtle fails to parse on an unbound prefix; here: the shared ones mean the same."""
    text = (ONTOLOGY / name).read_text(encoding="utf-8")
    assert "https://schema.org" not in text
    bound = dict(line.split()[1:3] for line in text.splitlines() if line.startswith("@prefix"))
    for prefix, namespace in PREFIXES.items():
        assert bound.get(f"{prefix}:", f"<{namespace}>") == f"<{namespace}>", prefix


def test_alignments(ontology: rdflib.Graph) -> None:
    schema = rdflib.Namespace("http://schema.org/")
    ng = rdflib.Namespace(NG_NS)
    assert (ng.Provider, RDFS.subClassOf, schema.Organization) in ontology
    assert (ng.relatedTo, RDFS.subPropertyOf, DCTERMS.relation) in ontology
    for name in ("webUrl", "ampWebUrl", "cdnAmpWebUrl", "identityUrl"):
        assert (ng[name], RDFS.subPropertyOf, schema.url) in ontology
    assert (ng.originalUrl, RDFS.subPropertyOf, schema.url) not in ontology, "not an identity"


def _classes(ontology: rdflib.Graph, term: URIRef, predicate: URIRef) -> set[rdflib.term.Node]:
    """The classes of a domain or range: the class itself, or the members of its owl:unionOf."""
    value = ontology.value(term, predicate)
    union = ontology.value(value, OWL.unionOf)
    if union is not None:
        return set(rdflib.collection.Collection(ontology, union))
    return {value}


def test_every_ng_term_in_an_export_is_declared(
    ontology: rdflib.Graph, export: rdflib.Graph
) -> None:
    declared = set(ontology.subjects(RDFS.isDefinedBy, ONTOLOGY_IRI))
    used = set(export.predicates()) | set(export.objects(None, RDF.type))
    assert {t for t in used if str(t).startswith(NG_NS)} - declared == set()


def test_domains_and_ranges_match_the_export(ontology: rdflib.Graph, export: rdflib.Graph) -> None:
    """Every ng: triple written has a subject in the property's domain and an object in its range
    (the literal's datatype, xsd:string for plain literals; the object's type for links)."""
    problems = set()
    for subject, predicate, obj in export:
        if not str(predicate).startswith(NG_NS):
            continue
        domain = _classes(ontology, predicate, RDFS.domain)
        if not domain & set(export.objects(subject, RDF.type)):
            problems.add(f"{predicate}: subject not in {domain}")
        (range_,) = _classes(ontology, predicate, RDFS.range)
        if isinstance(obj, Literal):
            if (obj.datatype or XSD.string) != range_:
                problems.add(f"{predicate}: {obj.datatype} is not {range_}")
        elif range_ not in set(export.objects(obj, RDF.type)):
            problems.add(f"{predicate}: object not a {range_}")
    assert not problems


def test_every_class_is_used(export: rdflib.Graph) -> None:
    classes = {str(t) for t in export.objects(None, RDF.type)}
    unused = {name for name, term in NG.terms.items() if name[0].isupper()} - {
        name for name, term in NG.terms.items() if term.value in classes
    }
    # scores are written by `newsgraph central --rdf`, not by the graph exports; test_analysis.py
    # checks their terms the same way; the summary's classes, in graph.summary.ttl, are checked
    # by test_summary.py
    assert unused - {"CentralityScore", "TopicPair", "TopicCoverage"} == set()


def test_context_file_is_the_jsonld_context() -> None:
    context = json.loads((ONTOLOGY / "context.jsonld").read_text(encoding="utf-8"))
    assert context == {"@context": JSONLD_CONTEXT}


def test_readme_names_every_term() -> None:
    readme = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    missing = [name for name in NG.terms if f"ng:{name}" not in readme]
    assert not missing


def test_readme_example_is_what_the_seed_build_writes() -> None:
    readme = (ONTOLOGY / "README.md").read_text(encoding="utf-8")
    (block,) = re.findall(r"```turtle\n(.*?)```", readme, flags=re.DOTALL)
    example = {q.triple for q in pyoxigraph.parse(block, format=pyoxigraph.RdfFormat.TURTLE)}
    written = set(graph_triples(newsgraph.build([ROOT / "seeds"]).graph))
    secured = NG.secured.value
    shortened = {t for t in example if t.predicate.value == secured}
    assert len(shortened) == 1 and len(example) > 40
    assert example - shortened <= written


@pytest.mark.parametrize("name", ["newsgraph.ttl", "shapes.ttl", "context.jsonld"])
def test_ontology_files_are_found_at_runtime(name: str) -> None:
    assert ontology_file(name).read_bytes() == (ONTOLOGY / name).read_bytes()


def test_missing_ontology_file_is_a_clear_error() -> None:
    with pytest.raises(newsgraph.NewsgraphError, match=r"ontology/nope\.ttl is missing"):
        ontology_file("nope.ttl")
