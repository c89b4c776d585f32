"""The RDF vocabulary: namespaces and our own terms, mirroring ``ontology/newsgraph.ttl``.

Terms are :class:`pyoxigraph.NamedNode` constants. Each namespace lists its terms, so a misspelt
term is an ``AttributeError`` when the module loads, not a silently wrong IRI in every export::

    >>> NG.relatedTo
    <NamedNode value=https://w3id.org/newsgraph/ns#relatedTo>
    >>> NG.relatedto
    Traceback (most recent call last):
    ...
    AttributeError: 'relatedto' is not a term of https://w3id.org/newsgraph/ns# (terms: ...)
"""

from __future__ import annotations

from pyoxigraph import NamedNode

__all__ = [
    "DCTERMS",
    "DEFAULT_BASE_IRI",
    "NG",
    "NG_NS",
    "OWL",
    "PREFIXES",
    "PROV",
    "RDF",
    "RDFS",
    "SCHEMA",
    "SKOS",
    "VOID",
    "XSD",
    "Namespace",
]

NG_NS = "https://w3id.org/newsgraph/ns#"
"""Our terms. Stable: a term once published keeps its IRI and meaning."""

DEFAULT_BASE_IRI = "https://w3id.org/newsgraph/id/"
"""Where instance IRIs are minted unless ``--base-iri`` says otherwise."""


class Namespace:
    """A closed set of terms under one IRI prefix; unknown names raise ``AttributeError``."""

    def __init__(self, iri: str, terms: str) -> None:
        self._iri = iri
        self._terms = {name: NamedNode(iri + name) for name in terms.split()}

    @property
    def iri(self) -> str:
        return self._iri

    @property
    def terms(self) -> dict[str, NamedNode]:
        return dict(self._terms)

    def term(self, name: str) -> NamedNode:
        """A term by name, for names that are Python keywords (``VOID.term("class")``)."""
        return self.__getattr__(name)

    def __getattr__(self, name: str) -> NamedNode:
        try:
            return self._terms[name]
        except KeyError:
            raise AttributeError(
                f"{name!r} is not a term of {self._iri} (terms: {', '.join(sorted(self._terms))})"
            ) from None

    def __repr__(self) -> str:
        return f"Namespace({self._iri!r})"


NG = Namespace(
    NG_NS,
    """
    Provider RelatedLink
    relatedTo relatedLink linkTarget rank listedIn
    webUrl originalUrl ampWebUrl cdnAmpWebUrl identityUrl
    recordType category quality heat aggregatorPublished secured isStub
    providerName providerDomain topicsAsWritten
    domain domainAsWritten
    isCached position
    sources alternatives extra
    newsgraphVersion baseIri merges sha256 sourceFile
    CentralityScore scoreOf measure network selection score scoreRank scoreMethod
    TopicPair TopicCoverage topic firstTopic secondTopic provider
    articleCount inboundLinkCount linkedArticleCount listedByCount relatedCount
    otherProviderRelatedCount
    """,
)
SCHEMA = Namespace(
    "http://schema.org/",
    """
    NewsArticle Organization ImageObject
    headline description datePublished articleBody url publisher about image
    name alternateName contentUrl width height caption
    """,
)
SKOS = Namespace(
    "http://www.w3.org/2004/02/skos/core#",
    "Concept ConceptScheme prefLabel altLabel inScheme hasTopConcept",
)
DCTERMS = Namespace(
    "http://purl.org/dc/terms/",
    "identifier title created source relation hasVersion license description",
)
PROV = Namespace(
    "http://www.w3.org/ns/prov#",
    "Entity Activity SoftwareAgent wasDerivedFrom wasGeneratedBy used wasAssociatedWith "
    "startedAtTime endedAtTime generatedAtTime",
)
VOID = Namespace(
    "http://rdfs.org/ns/void#",
    "Dataset triples entities classes properties distinctSubjects classPartition class "
    "vocabulary dataDump uriSpace feature",
)
RDF = Namespace("http://www.w3.org/1999/02/22-rdf-syntax-ns#", "type JSON Property")
RDFS = Namespace(
    "http://www.w3.org/2000/01/rdf-schema#",
    "Class label comment domain range subClassOf subPropertyOf seeAlso isDefinedBy",
)
OWL = Namespace(
    "http://www.w3.org/2002/07/owl#",
    "Ontology Class ObjectProperty DatatypeProperty equivalentClass equivalentProperty versionInfo",
)
XSD = Namespace(
    "http://www.w3.org/2001/XMLSchema#",
    "string integer boolean dateTime anyURI positiveInteger nonNegativeInteger double",
)

PREFIXES: dict[str, str] = {
    "ng": NG.iri,
    "schema": SCHEMA.iri,
    "skos": SKOS.iri,
    "dcterms": DCTERMS.iri,
    "prov": PROV.iri,
    "void": VOID.iri,
    "rdf": RDF.iri,
    "rdfs": RDFS.iri,
    "owl": OWL.iri,
    "xsd": XSD.iri,
}
"""Every prefix newsgraph writes, bound explicitly (schema.org as ``http://schema.org/``)."""
