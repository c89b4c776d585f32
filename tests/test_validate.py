"""`newsgraph validate`: the SHACL shapes pass on what the exporters write (seed, a tiny corpus
with every field, the real corpus) and name the node, the property and the problem on broken
exports."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner
from pyoxigraph import DefaultGraph, RdfFormat, Store

import newsgraph
from newsgraph.cli import main
from newsgraph.errors import ExportError
from newsgraph.validate import ValidationReport, Violation, validate_export

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
RDF_FORMATS = ["turtle", "ntriples", "jsonld"]
ID = "https://w3id.org/newsgraph/id/"
LISTING = (
    f"{ID}article/theglobeandmail.com/politics/"
    "article-civil-liberties-group-urges-liberal-party-to-stop-using-facial"
)
STUB = (
    f"{ID}article/natlawreview.com/article/"
    "city-baltimore-may-criminalize-use-facial-recognition-technologies-businesses"
)
PREFIXES = """
PREFIX ng: <https://w3id.org/newsgraph/ns#>
PREFIX schema: <http://schema.org/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""

EVERY_FIELD = """\
---
title: Listing article
excerpt: An excerpt
publishedDateTime: 2021-06-23T16:04:00Z
webUrl: https://www.example.com/a/
ampWebUrl: https://www.example.com/amp/a/
cdnAmpWebUrl: https://www-example-com.cdn.ampproject.org/c/s/www.example.com/amp/a/
originalUrl: https://www.example.com/original/
type: article
category: news
quality: 32
heat: 7
published: true
secured: "opaque=="
provider:
  name: Example News
  domain: https://www.example.com/news/
  images:
    - url: https://example.com/logo.png
      width: 10
  motto: kept as extra
topics: [AI, Computer Vision]
images:
  - url: https://example.com/i.jpg
    width: 1200
    height: 845
    title: A caption
    isCached: true
    alt: kept as extra
related:
  - title: Related one
    webUrl: https://other.org/r
    provider: {name: Other, domain: other.org}
  - title: Related by title only
    provider: {name: Name Only Provider}
unknownKey: {nested: [1, 2.5, null, true]}
---
Body text.
"""
DUPLICATE = """\
---
title: The same article, another title
webUrl: https://example.com/a
quality: 40
topics: [ai]
provider: {name: Example, domain: example.com}
---
"""


@pytest.fixture(scope="module")
def seed_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("seed")
    newsgraph.run_build([ROOT / "seeds"], out, formats=RDF_FORMATS)
    return out


@pytest.fixture(scope="module")
def every_field_export(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny corpus that makes the exporter write every property it knows."""
    folder = tmp_path_factory.mktemp("every-field")
    (folder / "a.md").write_text(EVERY_FIELD, encoding="utf-8")
    (folder / "b.md").write_text(DUPLICATE, encoding="utf-8")
    out = folder / "out"
    newsgraph.run_build([folder], out, formats=RDF_FORMATS)
    return out


@pytest.fixture(scope="module")
def corpus_export(corpus_exports: Path) -> Path:
    return corpus_exports


@pytest.mark.parametrize("filename", ["graph.ttl", "graph.nt", "graph.jsonld"])
def test_seed_exports_conform(seed_export: Path, filename: str) -> None:
    report = validate_export(seed_export / filename)
    assert report.conforms and report.violations == []
    assert report.checked == {
        "article": 3,
        "dataset": 1,
        "image": 3,
        "provider": 2,
        "related link": 2,
        "source file": 1,
        "topic": 2,
    }
    assert report.focus_nodes == 14
    assert report.files == [seed_export / filename]


def test_a_folder_is_validated_through_its_ntriples(seed_export: Path) -> None:
    report = newsgraph.validate_export(seed_export)
    assert isinstance(report, ValidationReport)
    assert report.files == [seed_export / "graph.nt"]
    assert report.conforms and report.triples > 100


def test_every_field_conforms(every_field_export: Path) -> None:
    text = (every_field_export / "graph.nt").read_text(encoding="utf-8")
    for predicate in (
        "ns#extra",
        "ns#alternatives",
        "ns#heat",
        "ns#aggregatorPublished",
        "ns#originalUrl",
        "articleBody",
        "caption",
        "alternateName",
        "urn:newsgraph:title:",
    ):
        assert predicate in text, f"the tiny corpus no longer exercises {predicate}"
    for filename in ("graph.ttl", "graph.nt", "graph.jsonld"):
        report = validate_export(every_field_export / filename)
        assert report.conforms, report.violations


def test_cli_conforms_on_the_seed(seed_export: Path) -> None:
    result = CliRunner().invoke(main, ["validate", str(seed_export)])
    assert result.exit_code == 0, result.output
    assert "checked 14 focus nodes (article: 3, dataset: 1, image: 3" in result.stdout
    assert result.stdout.rstrip().endswith("conforms: no violations")
    assert result.stderr == ""


def test_cli_defaults_to_exports(
    seed_export: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(seed_export, tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    result = CliRunner().invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    assert "validated exports/graph.nt" in result.stdout


def test_cli_conforms_on_the_corpus(corpus_export: Path) -> None:
    for target in (corpus_export, corpus_export / "graph.ttl"):
        result = CliRunner().invoke(main, ["validate", str(target)])
        assert result.exit_code == 0, result.output
        assert "conforms: no violations" in result.stdout


def broken(seed_export: Path, tmp_path: Path, update: str) -> Path:
    """A copy of the seed's graph.ttl changed by a SPARQL update."""
    store = Store()
    store.load(path=str(seed_export / "graph.ttl"), format=RdfFormat.TURTLE)
    before = len(store)
    store.update(PREFIXES + update)
    assert len(store) != before or "INSERT" in update, "the update changed nothing"
    path = tmp_path / "graph.ttl"
    store.dump(path, format=RdfFormat.TURTLE, from_graph=DefaultGraph())
    return path


def replace(subject: str, predicate: str, value: str) -> str:
    """A SPARQL update that gives ``subject`` this ``value`` of ``predicate`` instead of its own."""
    return (
        f"DELETE {{ <{subject}> {predicate} ?old }} INSERT {{ <{subject}> {predicate} {value} }} "
        f"WHERE {{ <{subject}> {predicate} ?old }}"
    )


# (update, focus node, path, value, constraint, words of the message)
BROKEN = {
    "quality-as-string": (
        replace(STUB, "ng:quality", '"49"'),
        STUB,
        "ng:quality",
        '"49"',
        "datatype",
        "a whole number (xsd:integer)",
    ),
    "topic-without-label": (
        f"DELETE WHERE {{ <{ID}topic/ai> skos:prefLabel ?label }}",
        f"{ID}topic/ai",
        "skos:prefLabel",
        "",
        "minCount",
        "a topic has exactly one skos:prefLabel",
    ),
    "rank-0": (
        "DELETE { ?link ng:rank 1 } INSERT { ?link ng:rank 0 } WHERE { ?link ng:rank 1 }",
        LISTING + "#related-1",
        "ng:rank",
        '"0"^^xsd:integer',
        "minInclusive",
        "of at least 1",
    ),
    "two-headlines": (
        f'INSERT DATA {{ <{STUB}> schema:headline "Another headline" }}',
        STUB,
        "schema:headline",
        "",
        "maxCount",
        "at most one schema:headline",
    ),
    "date-as-string": (
        replace(STUB, "schema:datePublished", '"21 June 2021"'),
        STUB,
        "schema:datePublished",
        '"21 June 2021"',
        "datatype",
        "xsd:dateTime",
    ),
    "publisher-is-a-topic": (
        replace(STUB, "schema:publisher", f"<{ID}topic/ai>"),
        STUB,
        "schema:publisher",
        f"<{ID}topic/ai>",
        "class",
        "points at an ng:Provider",
    ),
    "misspelt-property": (
        f"INSERT DATA {{ <{STUB}> ng:qualty 3 }}",
        STUB,
        "ng:qualty",
        '"3"^^xsd:integer',
        "closed",
        "is this one misspelt or misplaced?",
    ),
    "link-without-owner": (
        f"DELETE DATA {{ <{LISTING}> ng:relatedLink <{LISTING}#related-2> }}",
        LISTING + "#related-2",
        "^ng:relatedLink",
        "",
        "minCount",
        "belongs to exactly one article",
    ),
    "related-without-link": (
        f"DELETE DATA {{ <{LISTING}> ng:relatedLink <{LISTING}#related-1> }}",
        LISTING,
        "ng:relatedTo",
        f"<{STUB}>",
        "sparql",
        "no ng:relatedLink of the article has this ng:relatedTo article",
    ),
    "self-link": (
        f"INSERT DATA {{ <{LISTING}> ng:relatedTo <{LISTING}> }}",
        LISTING,
        "ng:relatedTo",
        f"<{LISTING}>",
        "sparql",
        "an article is not related to itself",
    ),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_broken_export_is_reported(case: str, seed_export: Path, tmp_path: Path) -> None:
    update, focus, path, value, constraint, words = BROKEN[case]
    report = validate_export(broken(seed_export, tmp_path, update))
    assert not report.conforms
    matching = [
        v
        for v in report.violations
        if (v.focus, v.path, v.constraint) == (f"<{focus}>", path, constraint)
    ]
    assert matching, report.violations
    violation = matching[0]
    assert isinstance(violation, Violation)
    assert words in violation.message
    assert violation.value == value
    assert violation.severity == "Violation"


def test_cli_names_focus_path_value_and_problem(seed_export: Path, tmp_path: Path) -> None:
    path = broken(
        seed_export, tmp_path, BROKEN["rank-0"][0] + " ; " + BROKEN["quality-as-string"][0]
    )
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr == "Error: 2 violations\n"
    assert "checked 14 focus nodes" in result.stdout
    assert (
        f"Violation on <{LISTING}#related-1>\n"
        "   path: ng:rank\n"
        '   value: "0"^^xsd:integer\n'
        "   problem: a related link has exactly one ng:rank, a whole number (xsd:integer) of at"
        " least 1 (minInclusive)\n"
    ) in result.stdout
    assert f"Violation on <{STUB}>\n   path: ng:quality\n" in result.stdout


def test_one_violation_is_singular(seed_export: Path, tmp_path: Path) -> None:
    path = broken(seed_export, tmp_path, BROKEN["topic-without-label"][0])
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr == "Error: 1 violation\n"
    assert f"on <{ID}topic/ai>\n   path: skos:prefLabel\n   problem: a topic" in result.stdout


@pytest.mark.parametrize(
    "name,content,message",
    [
        ("missing", None, "no such file or folder"),
        ("notes.txt", "text", "not an RDF file newsgraph reads; use .ttl, .nt, .jsonld files"),
        ("bad.ttl", "<a> <b> .", "cannot be read as RDF"),
        ("empty-folder", "", "no RDF export here (graph.nt, graph.ttl or graph.jsonld)"),
    ],
)
def test_unusable_input_is_a_clear_error(
    tmp_path: Path, name: str, content: str | None, message: str
) -> None:
    path = tmp_path / name
    if content == "":
        path.mkdir()
    elif content is not None:
        path.write_text(content, encoding="utf-8")
    with pytest.raises(ExportError, match=re.escape(str(path))):
        validate_export(path)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"Error: {path}: ")
    assert message in result.stderr
