"""``graph.summary.ttl``: counts the build makes once, so that SPARQL looks them up.

The questions researchers ask most (how many articles a topic has, which topics go together,
which providers cover a topic, whose articles are listed as related most, how many articles list
an article) are aggregates over every article and every related link. A SPARQL engine makes them
again for each query: on a million-article store pyoxigraph took 3 to 190 s a query. The build
has the graph in memory and counts them in one pass instead (45 s for the 1M benchmark build's
1.7 million articles: 2.6 million triples), and writes them as triples beside the graph; the
example queries in ``ontology/queries/`` read them (1M store: 50 s -> 3.5 s, the median of
their medians; bench/RESULTS.md).

What is written (terms declared in ``ontology/newsgraph.ttl``; a count that would be 0 is left
out):

- a topic (``skos:Concept``): ``ng:articleCount``, the articles tagged with it (``schema:about``);
- a pair of topics both tagged on at least one article: an ``ng:TopicPair``
  ``<topic IRI>#co-<other topic's key>`` with both topics as ``ng:topic``, again as
  ``ng:firstTopic`` and ``ng:secondTopic`` in the order of their labels, and ``ng:articleCount``;
- a topic and a provider publishing articles about it: an ``ng:TopicCoverage``
  ``<topic IRI>#by-<provider's key>`` with ``ng:topic``, ``ng:provider`` and ``ng:articleCount``;
- a provider: ``ng:inboundLinkCount`` (``ng:relatedTo`` links pointing at its articles) and
  ``ng:linkedArticleCount`` (its articles listed at least once);
- an article: ``ng:listedByCount`` (articles that list it), ``ng:relatedCount`` (articles it lists)
  and ``ng:otherProviderRelatedCount`` (of those, the ones another provider published).

Every count is the one the equivalent SPARQL aggregate gives on ``graph.nt``
(``tests/test_summary.py`` checks each against it). The file is Turtle, not N-Triples, so that
export folders' ``*.nt`` stay the graph alone (:func:`newsgraph.export.rdf.rdf_files`, SHACL
validation and :func:`~newsgraph.export.rdf.read_rdf` read only the graph); ``newsgraph sparql``
and ``newsgraph serve`` load it with the VoID description.
"""

from __future__ import annotations

import os
from collections import Counter
from collections.abc import Callable, Iterator, Mapping
from itertools import combinations
from typing import Any

import networkx as nx

from newsgraph.export.rdf import (
    _INTEGER,
    _TYPE,
    Minter,
    Statement,
    _term,
    write_turtle_statements,
)
from newsgraph.graph import ARTICLE, HAS_TOPIC, PROVIDER, PUBLISHED_BY, RELATED_TO, TOPIC
from newsgraph.vocab import DEFAULT_BASE_IRI, NG

__all__ = ["summary_statements", "write_summary"]

_ARTICLE_COUNT = _term(NG.articleCount)
_TOPIC = _term(NG.topic)
_PROVIDER = _term(NG.provider)
_FIRST_TOPIC = _term(NG.firstTopic)
_SECOND_TOPIC = _term(NG.secondTopic)
_INBOUND = _term(NG.inboundLinkCount)
_LINKED_ARTICLES = _term(NG.linkedArticleCount)
_LISTED_BY = _term(NG.listedByCount)
_RELATED = _term(NG.relatedCount)
_OTHER_PROVIDER = _term(NG.otherProviderRelatedCount)
_PAIR_CLASS = NG.TopicPair.value
_COVERAGE_CLASS = NG.TopicCoverage.value

Adjacency = Mapping[str, Mapping[str, Mapping[str, Any]]]


def _keyed(adjacency: Adjacency, key: str) -> list[str]:
    """The neighbours joined to a node by an edge of kind ``key``."""
    return [other for other, keyed in adjacency.items() if key in keyed]


def summary_statements(graph: nx.MultiDiGraph) -> Iterator[Statement]:
    """The summary's statements, grouped by subject, in a fixed order: articles, topics, topic
    pairs, coverage, providers (each in graph order; pairs and coverage sorted by IRI). The
    articles' counts are made and written in one pass, keeping only each article's publisher and
    per-provider and per-topic counters (the 1M build's peak memory did not change)."""
    mint = Minter(graph.graph.get("base_iri") or DEFAULT_BASE_IRI)
    succ: Adjacency = getattr(graph, "_succ", graph.succ)  # (views cost a call an item)
    pred: Adjacency = getattr(graph, "_pred", graph.pred)
    kinds = graph.nodes.data("kind")
    topics = [n for n, kind in kinds if kind == TOPIC]
    providers = [n for n, kind in kinds if kind == PROVIDER]
    iri = {node: mint.iri(node) for node in topics + providers}  # minted once: shared by many

    # publishers by article; an article normally has one (a str), a tuple if it has more
    publishers: dict[str, Any] = {}
    for provider in providers:
        for article in _keyed(pred[provider], PUBLISHED_BY):
            known = publishers.get(article)
            if known is None:
                publishers[article] = provider
            else:
                publishers[article] = (*(known if isinstance(known, tuple) else (known,)), provider)

    def other_provider(mine: Any, theirs: Any) -> bool:
        """Whether some publisher of one article differs from some publisher of the other."""
        if theirs is None:
            return False
        if isinstance(mine, str) and isinstance(theirs, str):
            return mine != theirs
        mine = mine if isinstance(mine, tuple) else (mine,)
        theirs = theirs if isinstance(theirs, tuple) else (theirs,)
        return any(p != q for p in mine for q in theirs)

    pairs: Counter[tuple[str, str]] = Counter()
    coverage: Counter[tuple[str, str]] = Counter()
    inbound: Counter[str] = Counter()  # by provider: links to its articles
    linked: Counter[str] = Counter()  # by provider: its articles listed at least once
    for node, kind in kinds:  # the articles' counts are written as they are made
        if kind != ARTICLE:
            continue
        mine = publishers.get(node)
        related = other = 0
        tags: list[str] = []
        for target, keyed in succ[node].items():
            if RELATED_TO in keyed:
                related += 1
                if mine is not None and other_provider(mine, publishers.get(target)):
                    other += 1
            if HAS_TOPIC in keyed:
                tags.append(target)
        listing = sum(1 for keyed in pred[node].values() if RELATED_TO in keyed)
        ours = () if mine is None else mine if isinstance(mine, tuple) else (mine,)
        if listing or related:
            subject = mint.iri(node)
            if listing:
                yield (subject, _LISTED_BY, str(listing), _INTEGER)
                for provider in ours:
                    inbound[provider] += listing
                    linked[provider] += 1
            if related:
                yield (subject, _RELATED, str(related), _INTEGER)
            if other:
                yield (subject, _OTHER_PROVIDER, str(other), _INTEGER)
        if tags:
            tags.sort(key=iri.__getitem__)
            pairs.update(combinations(tags, 2))
            for provider in ours:
                coverage.update((topic, provider) for topic in tags)

    base = mint.iri(TOPIC + ":")  # <base>topic/: a topic's key follows it
    provider_base = mint.iri(PROVIDER + ":")
    for topic in topics:
        tagged = sum(1 for keyed in pred[topic].values() if HAS_TOPIC in keyed)
        if tagged:
            yield (iri[topic], _ARTICLE_COUNT, str(tagged), _INTEGER)
    labels = {topic: graph.nodes[topic].get("label") for topic in topics}

    def in_label_order(node: str, first: str, second: str) -> Iterator[Statement]:
        """The pair's topics again, as ng:firstTopic and ng:secondTopic in the order of their
        labels (skos:prefLabel), when both have one and they differ: one row a pair for the
        co-occurrence query instead of four to filter (1M store: 3.3-5.0 s -> 1.85-2.1 s)."""
        one, other = labels[first], labels[second]
        if one is None or other is None or str(one) == str(other):
            return
        if str(other) < str(one):
            first, second = second, first
        yield (node, _FIRST_TOPIC, iri[first], None)
        yield (node, _SECOND_TOPIC, iri[second], None)

    yield from _counted(pairs, iri, _PAIR_CLASS, _TOPIC, "co-", base, in_label_order)
    yield from _counted(coverage, iri, _COVERAGE_CLASS, _PROVIDER, "by-", provider_base)
    for provider in providers:
        if inbound[provider]:
            subject = iri[provider]
            yield (subject, _INBOUND, str(inbound[provider]), _INTEGER)
            yield (subject, _LINKED_ARTICLES, str(linked[provider]), _INTEGER)


def _counted(
    counts: Counter[tuple[str, str]],
    iri: Mapping[str, str],
    cls: str,
    second: Any,
    fragment: str,
    second_base: str,
    more: Callable[[str, str, str], Iterator[Statement]] | None = None,
) -> Iterator[Statement]:
    """A node for each counted pair (two topics; a topic and a provider), in IRI order: the
    topic's IRI with ``#<fragment><the second's key>``, its class, ``ng:topic`` the topic,
    ``second`` (the property) the second, the count, and what ``more`` adds (given the node
    and the pair)."""
    for (first, other), count in sorted(counts.items(), key=lambda item: _iris(iri, item[0])):
        node = f"{iri[first]}#{fragment}{iri[other].removeprefix(second_base)}"
        yield (node, _TYPE, cls, None)
        yield (node, _TOPIC, iri[first], None)
        yield (node, second, iri[other], None)
        yield (node, _ARTICLE_COUNT, str(count), _INTEGER)
        if more is not None:
            yield from more(node, first, other)


def _iris(iri: Mapping[str, str], nodes: tuple[str, str]) -> tuple[str, str]:
    return iri[nodes[0]], iri[nodes[1]]


def write_summary(graph: nx.MultiDiGraph, path: str | os.PathLike[str]) -> None:
    """Write ``graph``'s summary counts (see the module's description) as Turtle."""
    write_turtle_statements(summary_statements(graph), path)
