"""Tests of :mod:`newsgraph.load`: files -> front matter -> typed records and problems.

The broken-input folder ``tests/data/broken`` is documented by :data:`BROKEN` below (a README
there would itself be loaded as a broken file). Every file in the folder must have an entry.
"""

from __future__ import annotations

import hashlib
import json
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

import pytest
from click.testing import CliRunner

from newsgraph import InputError, load_articles, load_file
from newsgraph.cli import main
from newsgraph.engines import local
from newsgraph.model import FileResult, Image, Provider

BROKEN_REL = "tests/data/broken"  # as reports show it, from the repository root


class P(NamedTuple):
    """An expected problem: severity, exact field, and words the message must contain."""

    severity: str
    field: str
    words: tuple[str, ...]


def error(field: str, *words: str) -> P:
    return P("error", field, words)


def warning(field: str, *words: str) -> P:
    return P("warning", field, words)


class Expect(NamedTuple):
    """What loading one file of ``tests/data/broken`` gives."""

    loaded: bool
    problems: tuple[P, ...] = ()


# File -> expected outcome. Problems are listed in the order the loader reports them.
BROKEN: dict[str, Expect] = {
    # A full record: every known field, an offset date-time, one related item. No problems.
    "good_full.md": Expect(True),
    # Title, URL, date and `heat: -1`, as a .txt file (a default glob). No problems.
    "good_minimal.txt": Expect(True),
    # A quoted ISO date-time and a Markdown body, as a .markdown file. No problems.
    "good_with_body.markdown": Expect(True),
    # `title: Breaking: unquoted ...` on line 3: a colon inside an unquoted value.
    "invalid_yaml.md": Expect(
        False, (error("", "invalid YAML", "line 3", "fix the YAML syntax", "quote values"),)
    ),
    # Plain Markdown, no '---' block.
    "no_front_matter.md": Expect(False, (error("", "no YAML front matter", "'---'"),)),
    # The first bytes of a PNG (with NUL bytes), named .md.
    "binary.md": Expect(False, (error("", "binary file", "text files with front matter"),)),
    # "Le café à Montréal" saved as Latin-1: byte 0xe9 is not UTF-8.
    "latin1.md": Expect(False, (error("", "not UTF-8", "0xe9", "re-save it as UTF-8", "iconv"),)),
    # `title` given twice: the last value is used, with a warning (YAML alone would say nothing).
    "duplicate_keys.md": Expect(
        True, (warning("title", "appears more than once", "last value", "Remove the others"),)
    ),
    # A valid record saved as UTF-16 (with its byte-order mark).
    "utf16.md": Expect(False, (error("", "UTF-16", "re-save it as UTF-8", "iconv"),)),
    # Zero bytes.
    "empty.md": Expect(False, (error("", "is empty", "YAML front matter", "'---'"),)),
    # `topics: AI`: repaired to ["AI"].
    "topics_string.md": Expect(True, (warning("topics", "must be a list", "one topic", "'- AI'"),)),
    # `related:` with one mapping instead of a list: repaired to a list of one.
    "related_mapping.md": Expect(
        True, (warning("related", "must be a list", "list of one", "Start the item with '- '"),)
    ),
    # Excerpt, date, provider, but neither a title nor any URL: nothing to identify it by.
    "no_title_no_url.md": Expect(
        False, (error("title", "neither a title nor any URL", "add at least a webUrl"),)
    ),
    # `quality: high` and an image `width: wide`: both dropped, the record kept.
    "bad_width_quality.md": Expect(
        True,
        (
            warning("quality", "whole number", "'high'", "dropped"),
            warning("images[0].width", "whole number", "'wide'", "dropped"),
        ),
    ),
    # The closing '---' line is missing.
    "unclosed.md": Expect(False, (error("", "never closed", "add a line '---'"),)),
    # The front matter is a YAML list of one-key mappings.
    "front_matter_list.md": Expect(
        False, (error("", "must be a mapping", "got a list", "'key: value'"),)
    ),
    # `title: {en: ..., fr: ...}`: a title that is not text skips the file.
    "title_mapping.md": Expect(
        False, (error("title", "must be text", "got a mapping", "quoted string"),)
    ),
    # sourceUrl/ampUrl/cdnAmpUrl: the old names of webUrl/ampWebUrl/cdnAmpWebUrl. No problems.
    "old_url_keys.md": Expect(True),
    # author, readingMinutes, updated (a date), tags, seo; provider.country; images[0].alt.
    "unknown_keys.md": Expect(True),
    # `publishedDateTime: 2021-06-23T16:04:00` with no zone: read as UTC.
    "naive_datetime.md": Expect(
        True,
        (
            warning(
                "publishedDateTime",
                "'2021-06-23T16:04:00'",
                "no time zone",
                "read as UTC",
                "Add 'Z' or an offset",
            ),
        ),
    ),
}

LOADED = sorted(name for name, e in BROKEN.items() if e.loaded)
SKIPPED = sorted(name for name, e in BROKEN.items() if not e.loaded)
UTC = timezone.utc


def write(folder: Path, name: str, text: str) -> Path:
    """Write ``text`` as UTF-8 to ``folder/name`` (creating folders) and return the path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))
    return path


def record(title: str = "A title", url: str = "https://news.example.org/a", **fields: str) -> str:
    """A small front-matter file; ``fields`` are extra ``key: value`` lines, written as given."""
    lines = ["---", f"title: {title}", f"webUrl: {url}"]
    lines += [f"{key}: {value}" for key, value in fields.items()]
    return "\n".join([*lines, "---", ""])


def load_one(tmp_path: Path, text: str, name: str = "record.md") -> FileResult:
    return load_file(write(tmp_path, name, text))


def problem_tuples(result: FileResult) -> list[tuple[str, str]]:
    return [(p.severity, p.field) for p in result.problems]


# -- tests/data/broken: one file at a time -------------------------------------------------------


def test_table_documents_every_file_in_the_folder(broken_dir: Path) -> None:
    on_disk = sorted(p.name for p in broken_dir.iterdir() if not p.name.startswith("."))
    assert on_disk == sorted(BROKEN)


def test_binary_and_latin1_files_are_committed_as_bytes(broken_dir: Path) -> None:
    binary = (broken_dir / "binary.md").read_bytes()
    assert binary.startswith(b"\x89PNG\r\n\x1a\n")
    assert b"\x00" in binary
    latin1 = (broken_dir / "latin1.md").read_bytes()
    assert "é".encode("latin-1") in latin1
    with pytest.raises(UnicodeDecodeError):
        latin1.decode("utf-8")
    assert (broken_dir / "empty.md").read_bytes() == b""


@pytest.mark.parametrize(("name", "expect"), list(BROKEN.items()), ids=list(BROKEN))
def test_broken_file(in_repo_root: Path, broken_dir: Path, name: str, expect: Expect) -> None:
    path = broken_dir / name
    result = load_file(path)

    assert result.file == f"{BROKEN_REL}/{name}"
    assert result.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()
    assert result.loaded is expect.loaded
    assert problem_tuples(result) == [(p.severity, p.field) for p in expect.problems]
    for problem, wanted in zip(result.problems, expect.problems, strict=True):
        assert problem.file == result.file
        for word in wanted.words:
            assert word in problem.message, f"{word!r} not in {problem.message!r}"


def test_loaded_exactly_when_no_error(in_repo_root: Path, broken_dir: Path) -> None:
    """``error`` means skipped and ``warning`` means kept, in every file."""
    for result in load_articles([broken_dir]).files:
        errors = [p for p in result.problems if p.severity == "error"]
        if result.loaded:
            assert errors == [], result.file
        else:
            assert len(errors) == 1, result.file
            assert result.problems[-1] is errors[0]


def test_folder_loses_no_good_file(in_repo_root: Path, broken_dir: Path) -> None:
    result = load_articles([broken_dir])
    assert [f.file for f in result.files] == [f"{BROKEN_REL}/{n}" for n in sorted(BROKEN)]
    assert sorted(Path(f.file).name for f in result.files if f.loaded) == LOADED
    assert sorted(Path(a.source).name for a in result.articles) == LOADED
    good = [n for n in BROKEN if n.startswith("good_")]
    assert len(good) >= 2
    for name in good:
        (found,) = [f for f in result.files if f.file.endswith("/" + name)]
        assert found.loaded and found.problems == (), name


def test_good_full(broken_dir: Path) -> None:
    article = load_file(broken_dir / "good_full.md").article
    assert article is not None
    assert article.title == "Town council votes to pause facial recognition pilot"
    assert article.excerpt is not None and "mayor\u2019s office" in article.excerpt
    assert article.published_at == datetime(2022, 3, 15, 8, 30, tzinfo=UTC)
    assert article.published_at.utcoffset() == timedelta(hours=1)
    assert (
        article.web_url == "https://news.example.org/local/council-pauses-facial-recognition-pilot"
    )
    assert article.original_url is not None and article.original_url.endswith("?utm_source=feed")
    assert article.amp_web_url is not None and "/amp/" in article.amp_web_url
    assert article.cdn_amp_web_url is not None and ".cdn.ampproject.org" in article.cdn_amp_web_url
    assert (article.type, article.quality, article.heat, article.published) == (
        "article",
        57,
        12,
        True,
    )
    assert article.category == "news"
    assert article.provider == Provider(name="Example Daily News", domain="news.example.org")
    assert article.topics == ("Computer Vision", "AI Regulation")
    assert article.images == (
        Image(
            url="https://img.example.org/council-chamber.jpg",
            width=1024,
            height=683,
            title="The council chamber",
            is_cached=False,
        ),
    )
    (related,) = article.related
    assert related.rank == 1 and related.is_related_item
    assert related.title == "Camera pilot starts in the town centre"
    assert related.published_at == datetime(2022, 1, 10, 8, 0, tzinfo=UTC)
    assert related.quality == 40
    assert article.secured == "c2VjdXJlZC10b2tlbg==;aGFzaA=="
    assert article.body is None
    assert article.extra == {}


def test_good_minimal_heat_minus_one_is_none(broken_dir: Path) -> None:
    article = load_file(broken_dir / "good_minimal.txt").article
    assert article is not None
    assert article.heat is None
    assert article.published_at == datetime(2020, 5, 4, 12, 0, tzinfo=UTC)
    assert article.title == "A minimal record: a title, a URL and a date"


def test_good_with_body_keeps_the_markdown(broken_dir: Path) -> None:
    article = load_file(broken_dir / "good_with_body.markdown").article
    assert article is not None
    assert article.body == "# Notes\n\nThe body after the front matter is kept as Markdown."
    assert article.published_at == datetime(2023, 2, 1, 18, 45, tzinfo=UTC)
    assert article.topics == ("NLP",)


def test_topics_string_is_read_as_one_topic(broken_dir: Path) -> None:
    article = load_file(broken_dir / "topics_string.md").article
    assert article is not None
    assert article.topics == ("AI",)


def test_related_mapping_is_read_as_one_item(broken_dir: Path) -> None:
    article = load_file(broken_dir / "related_mapping.md").article
    assert article is not None
    (related,) = article.related
    assert related.rank == 1
    assert related.title == "Earlier test drive ends early"
    assert related.web_url == "https://auto.example.com/earlier-test-drive"
    assert related.related == ()


def test_bad_width_and_quality_are_dropped_not_the_record(broken_dir: Path) -> None:
    article = load_file(broken_dir / "bad_width_quality.md").article
    assert article is not None
    assert article.title == "Hospital trials an AI triage tool"
    assert article.quality is None
    assert article.images == (Image(url="https://health.example.com/triage.jpg", height=480),)


def test_naive_datetime_is_read_as_utc(broken_dir: Path) -> None:
    article = load_file(broken_dir / "naive_datetime.md").article
    assert article is not None
    assert article.published_at == datetime(2021, 6, 23, 16, 4, tzinfo=UTC)
    assert article.published_at.tzinfo is not None


@pytest.mark.parametrize(
    ("attribute", "url"),
    [
        ("web_url", "https://archive.example.com/2019/old-keys"),
        ("amp_web_url", "https://archive.example.com/amp/2019/old-keys"),
        (
            "cdn_amp_web_url",
            "https://archive-example-com.cdn.ampproject.org/c/s/archive.example.com/amp/2019/old-keys",
        ),
    ],
    ids=["sourceUrl->webUrl", "ampUrl->ampWebUrl", "cdnAmpUrl->cdnAmpWebUrl"],
)
def test_old_url_keys_are_aliases(broken_dir: Path, attribute: str, url: str) -> None:
    article = load_file(broken_dir / "old_url_keys.md").article
    assert article is not None
    assert getattr(article, attribute) == url
    assert article.extra == {}  # accepted as aliases, not kept as unknown keys


def test_unknown_keys_are_kept_in_extra(broken_dir: Path) -> None:
    article = load_file(broken_dir / "unknown_keys.md").article
    assert article is not None
    assert article.extra == {
        "author": "Jane Doe",
        "readingMinutes": 4,
        "updated": "2021-06-24",  # a YAML date, kept as JSON-compatible text
        "tags": ["one", "two"],
        "seo": {"canonical": True},
    }
    assert article.provider is not None
    assert article.provider.extra == {"country": "NZ"}
    assert article.images[0].extra == {"alt": "An image with an alt text"}
    json.dumps(article.extra)  # every export can carry it


# -- field rules, on small generated files ------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [("-1", None), ("'-1'", None), ("-1.0", None), ("0", 0), ("7", 7), ("-2", -2)],
    ids=["-1", "quoted -1", "-1.0", "0", "7", "-2"],
)
def test_heat(tmp_path: Path, value: str, expected: int | None) -> None:
    result = load_one(tmp_path, record(heat=value))
    assert result.problems == ()
    assert result.article is not None
    assert result.article.heat == expected


@pytest.mark.parametrize(
    ("value", "expected", "problems"),
    [
        ("2021-06-23T16:04:00Z", datetime(2021, 6, 23, 16, 4, tzinfo=UTC), []),
        ("'2021-06-23T16:04:00Z'", datetime(2021, 6, 23, 16, 4, tzinfo=UTC), []),
        ("2021-06-23T18:04:00+02:00", datetime(2021, 6, 23, 16, 4, tzinfo=UTC), []),
        (
            "2021-06-23T16:04:00",
            datetime(2021, 6, 23, 16, 4, tzinfo=UTC),
            [("warning", "publishedDateTime")],
        ),
        ("2021-06-23", datetime(2021, 6, 23, tzinfo=UTC), [("warning", "publishedDateTime")]),
        ("yesterday", None, [("warning", "publishedDateTime")]),
    ],
    ids=["yaml-Z", "quoted-Z", "offset", "naive", "date-only", "unparseable"],
)
def test_published_datetime_is_timezone_aware(
    tmp_path: Path, value: str, expected: datetime | None, problems: list[tuple[str, str]]
) -> None:
    result = load_one(tmp_path, record(publishedDateTime=value))
    assert result.article is not None
    assert result.article.published_at == expected
    if expected is not None:
        assert result.article.published_at is not None
        assert result.article.published_at.tzinfo is not None
    assert problem_tuples(result) == problems


def test_date_only_warning_shows_the_value_as_written(tmp_path: Path) -> None:
    """Regression: the message showed Python's ``datetime.date(2021, 6, 23)``."""
    (problem,) = load_one(tmp_path, record(publishedDateTime="2021-06-23")).problems
    assert "'2021-06-23' has no time zone" in problem.message
    assert "datetime." not in problem.message


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("---\ntitle: a\nexcerpt: one: two\n---\n", 3),
        ("---\n\n\ntitle: a\nexcerpt: one: two\n---\n", 5),
        ("---  \n  \n\ntitle: a\nexcerpt: one: two\n---\n", 5),
        ("\n\n---\n\ntitle: a\nexcerpt: one: two\n---\n", 6),
        ("---\r\n\r\ntitle: a\r\nexcerpt: one: two\r\n---\r\n", 4),
    ],
    ids=["plain", "blank-lines-after-open", "spaces-after-open", "blank-lines-around", "crlf"],
)
def test_invalid_yaml_names_the_file_line(tmp_path: Path, text: str, line: int) -> None:
    """Regression: blank lines after the opening '---' shifted the reported line."""
    result = load_one(tmp_path, text)
    assert not result.loaded
    (problem,) = result.problems
    assert (problem.severity, problem.field) == ("error", "")
    assert f"at line {line}, column 13" in problem.message


def test_yaml_aliases_that_expand_to_millions_are_refused_with_their_fix(tmp_path: Path) -> None:
    """A "billion laughs" front matter: nine levels of ten aliases would be 10^9 values."""
    lines = ["---", "title: a", "webUrl: https://example.com/a", "l0: &l0 [x, x, x, x, x, x, x, x]"]
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]" for i in range(1, 9)]
    result = load_one(tmp_path, "\n".join([*lines, "---", ""]))
    assert not result.loaded
    (problem,) = result.problems
    assert (problem.severity, problem.field) == ("error", "")
    assert "alias" in problem.message and "write the values out" in problem.message
    assert "quote values" not in problem.message


def test_alias_with_a_bad_url_names_the_key_in_the_file(tmp_path: Path) -> None:
    """Regression: a bad ``sourceUrl`` was reported as ``webUrl``, a key the file does not have."""
    text = "---\ntitle: a\nsourceUrl: not a url\nrelated:\n  - title: b\n    ampUrl: nope\n---\n"
    result = load_one(tmp_path, text)
    assert result.article is not None
    assert result.article.web_url is None
    assert problem_tuples(result) == [
        ("warning", "sourceUrl"),
        ("warning", "related[0].ampUrl"),
    ]
    assert "not an absolute http(s) URL" in result.problems[0].message


def test_alias_in_a_related_item(tmp_path: Path) -> None:
    text = "---\ntitle: a\nrelated:\n  - sourceUrl: https://b.example.com/x\n---\n"
    result = load_one(tmp_path, text)
    assert result.problems == ()
    assert result.article is not None
    assert result.article.related[0].web_url == "https://b.example.com/x"


def test_alias_and_new_key_that_differ(tmp_path: Path) -> None:
    text = record(url="https://a.example.com/new", sourceUrl="https://a.example.com/old")
    result = load_one(tmp_path, text)
    assert result.article is not None
    assert result.article.web_url == "https://a.example.com/new"
    assert result.article.extra == {"sourceUrl": "https://a.example.com/old"}
    assert problem_tuples(result) == [("warning", "sourceUrl")]
    assert "kept as an extra field" in result.problems[0].message


# -- the seed file ------------------------------------------------------------------------------


SEED_URL = (
    "https://www.theglobeandmail.com/politics/"
    "article-civil-liberties-group-urges-liberal-party-to-stop-using-facial/"
)
NLR_URL = (
    "https://www.natlawreview.com/article/"
    "city-baltimore-may-criminalize-use-facial-recognition-technologies-businesses"
)
SEED_SECURED = (
    "RS9aTZ7dHbR4fvvy0ocNLM3WqFtOy+zT2VDZJLsX449mhdFk8+pFcXxTBDmIi39SUjN4BQRHbYmztdok"
    "kovYS3jEvvvrIw4437uCfkhuyGYLwsMNkM8pW5NTf75qwXwJJZZ1tcdexthDnNd4HYpcdGww+8LEffzU"
    "bGUgsDVmX+K9n64OV8xho5xHg26SmpM9PtPfY6Yvrg6mZVTlZq7bK9hxVtpKilpWc/uLfaXE3Mjl0Si+"
    "xvZyygRgVkYaCcHxDe3Qe1ff9clRedejHEAryRaV5aV+k6jQz3nVqsYqgA9WX6BxdGFSJQ3A+D44E7Jv"
    "kAxG6VDSFwtRYlBv6YSCnn7t66F2MnqQNMWQ0VxFA4s=;X6qgXV22iu/m2L40P0/dOg=="
)
TGAM_RELATED_PATH = (
    "canada/british-columbia/"
    "article-bc-privacy-commissioner-considering-investigation-of-liberal-party-use/"
)


def test_seed_loads_every_field(in_repo_root: Path, seed_file: Path) -> None:
    result = load_file(seed_file)
    assert result.file == "seeds/000_ed631ec3a911a005.txt"
    assert result.problems == ()
    article = result.article
    assert article is not None

    assert article.title == (
        "Civil liberties group urges Liberal Party to stop using facial recognition technology"
    )
    assert article.excerpt == (
        "In a letter obtained by The Globe and Mail on Wednesday, the association calls on the "
        "Liberal Party of Canada to “cease and desist using it” to verify the identity of people "
        "voting in candidate nomina"
    )
    assert article.published_at == datetime(2021, 6, 23, 16, 4, tzinfo=UTC)
    assert article.published_at.utcoffset() == timedelta(0)
    assert article.web_url == SEED_URL
    assert article.original_url == SEED_URL
    assert article.amp_web_url is None and article.cdn_amp_web_url is None
    assert article.type == "article"
    assert article.quality == 32
    assert article.heat is None  # heat: -1
    assert article.published is False
    assert article.category == "news"
    assert article.provider == Provider(name="The Globe and Mail", domain="theglobeandmail.com")
    assert article.topics == ("Computer Vision", "AI")
    assert article.images == (
        Image(
            url=(
                "https://www.theglobeandmail.com/resizer/nj5_Fane0STgEM8VWaLc4E-1hek=/1200x0/"
                "filters:quality(80)/cloudfront-us-east-1.images.arcpublishing.com/tgam/"
                "EIFYUZQ6QZPW7FQV6YMGKIYNA4.jpg"
            ),
            width=1200,
            height=845,
            is_cached=True,
        ),
    )
    assert article.secured == SEED_SECURED
    assert article.body is None
    assert article.extra == {}
    assert article.rank is None and not article.is_related_item

    first, second = article.related
    assert [first.rank, second.rank] == [1, 2]
    assert all(r.is_related_item and r.related == () for r in article.related)
    assert all(r.source == result.file and r.type == "article" for r in article.related)

    assert first.title == (
        "City of Baltimore May Criminalize the Use of Facial Recognition Technologies by Businesses"
    )
    assert first.excerpt is not None and first.excerpt.startswith("The Baltimore City Council")
    assert first.published_at == datetime(2021, 6, 21, 15, 34, tzinfo=UTC)
    assert first.web_url == NLR_URL
    assert first.amp_web_url == NLR_URL + "?amp"
    assert first.cdn_amp_web_url == (
        "https://www-natlawreview-com.cdn.ampproject.org/c/s/"
        + NLR_URL.removeprefix("https://")
        + "?amp"
    )
    assert first.provider == Provider(name="The National Law Review", domain="natlawreview.com")
    assert first.quality == 49
    assert first.images == (
        Image(
            url="https://www.natlawreview.com/sites/all/themes/nationallaw/WBE_Seal_RGB.png",
            width=1426,
            height=808,
            is_cached=True,
        ),
    )

    assert second.title == (
        "B.C. privacy commissioner considering investigation of Liberal Party use of "
        "facial-recognition technology"
    )
    assert second.published_at == datetime(2021, 6, 24, 20, 22, tzinfo=UTC)
    assert second.web_url == "https://www.theglobeandmail.com/" + TGAM_RELATED_PATH
    assert second.amp_web_url == "https://www.theglobeandmail.com/amp/" + TGAM_RELATED_PATH
    assert second.cdn_amp_web_url == (
        "https://www-theglobeandmail-com.cdn.ampproject.org/c/s/www.theglobeandmail.com/amp/"
        + TGAM_RELATED_PATH
    )
    assert second.provider == Provider(name="The Globe and Mail", domain="theglobeandmail.com")
    assert second.quality == 27
    assert len(second.images) == 1
    assert (second.images[0].width, second.images[0].height, second.images[0].is_cached) == (
        760,
        481,
        True,
    )
    assert second.images[0].url.endswith("/tgam/OQSDFMKXJVNDVCJ4XQLDA2GQOQ.jpg")


# -- the real corpus ----------------------------------------------------------------------------


def test_real_corpus_loads_without_errors(corpus_dir: Path) -> None:
    result = load_articles([corpus_dir])
    assert len(result.files) == 75  # MANIFEST.tsv is not a default glob
    errors = [str(p) for p in result.problems if p.severity == "error"]
    assert errors == []
    assert [str(p) for p in result.problems] == []
    assert len(result.articles) == 75
    for article in result.articles:
        assert article.title and article.web_url, article.source
        assert article.published_at is not None and article.published_at.tzinfo is not None
        assert article.type == "article"
        for related in article.related:
            if related.published_at is not None:
                assert related.published_at.tzinfo is not None


# -- finding files ------------------------------------------------------------------------------


def names(result: Any) -> list[str]:
    return [Path(f.file).name for f in result.files]


def test_load_a_folder(broken_dir: Path) -> None:
    assert names(load_articles([broken_dir])) == sorted(BROKEN)


def test_load_a_glob_pattern(in_repo_root: Path) -> None:
    result = load_articles([f"{BROKEN_REL}/good_*"])
    assert names(result) == ["good_full.md", "good_minimal.txt", "good_with_body.markdown"]
    assert len(result.articles) == 3
    recursive = load_articles(["tests/data/**/naive_*.md"])
    assert names(recursive) == ["naive_datetime.md"]


def test_load_single_files(broken_dir: Path) -> None:
    result = load_articles([broken_dir / "old_url_keys.md", broken_dir / "empty.md"])
    assert names(result) == ["empty.md", "old_url_keys.md"]  # sorted by path
    assert [f.loaded for f in result.files] == [False, True]


def test_a_file_given_twice_is_loaded_once(broken_dir: Path) -> None:
    result = load_articles([broken_dir, broken_dir / "good_full.md", broken_dir / "good_full.md"])
    assert names(result) == sorted(BROKEN)


@pytest.mark.parametrize(
    ("globs", "expected"),
    [
        (["*.txt"], ["good_minimal.txt"]),
        (["*.markdown"], ["good_with_body.markdown"]),
        (["*.txt", "*.markdown"], ["good_minimal.txt", "good_with_body.markdown"]),
        (["good_*.md"], ["good_full.md"]),
        (["*.rst"], []),
    ],
    ids=["txt", "markdown", "two-patterns", "name-prefix", "none"],
)
def test_globs_filter_folders(broken_dir: Path, globs: list[str], expected: list[str]) -> None:
    assert names(load_articles([broken_dir], globs=globs)) == expected


def test_globs_do_not_filter_files_named_directly(broken_dir: Path) -> None:
    result = load_articles([broken_dir / "good_full.md"], globs=["*.txt"])
    assert names(result) == ["good_full.md"]


def test_hidden_files_and_folders_are_skipped(tmp_path: Path) -> None:
    write(tmp_path, "visible.md", record())
    write(tmp_path, ".hidden.md", "not front matter")
    write(tmp_path, ".git/HEAD.md", "not front matter")
    write(tmp_path, "sub/deeper.md", record(url="https://news.example.org/b"))
    write(tmp_path, "sub/.also-hidden.txt", "")
    write(tmp_path, "notes.rst", "not a default glob")
    result = load_articles([tmp_path])
    assert names(result) == ["deeper.md", "visible.md"]
    assert result.problems == []


def test_hidden_file_named_directly_is_loaded(tmp_path: Path) -> None:
    path = write(tmp_path, ".hidden.md", record())
    assert names(load_articles([path])) == [".hidden.md"]


@pytest.mark.parametrize(
    ("path", "words"),
    [
        ("tests/data/no-such-folder", ["no such file or folder", "check the path"]),
        ("tests/data/broken/*.nothing", ["matches no file", "check the pattern"]),
    ],
    ids=["missing-path", "empty-pattern"],
)
def test_nonexistent_path_raises_input_error(
    in_repo_root: Path, path: str, words: list[str]
) -> None:
    with pytest.raises(InputError) as info:
        load_articles([path])
    assert path in str(info.value)
    for word in words:
        assert word in str(info.value)


# -- the process pool ---------------------------------------------------------------------------


def generated_record(i: int) -> str:
    """Varied small files: good, repaired, dropped fields and skipped ones."""
    if i % 17 == 0:
        return ""
    if i % 13 == 0:
        return "---\ntitle: broken: yaml\n---\n"
    fields = {"publishedDateTime": "2021-06-23T16:04:00" if i % 5 == 0 else "2021-06-23T16:04:00Z"}
    fields["heat"] = "-1" if i % 3 == 0 else str(i)
    fields["topics"] = "AI" if i % 7 == 0 else "[AI, NLP]"
    if i % 11 == 0:
        fields["quality"] = "high"
    return record(f'"Generated record {i}"', f"https://gen.example.com/{i}", **fields)


def test_process_pool_gives_the_same_results(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    count = max(250, local.SERIAL_BELOW + 50)
    for i in range(count):
        write(tmp_path, f"rec_{i:04d}.md", generated_record(i))

    pools: list[int | None] = []

    class RecordingPool(ProcessPoolExecutor):
        def __init__(self, max_workers: int | None = None, **kwargs: Any) -> None:
            pools.append(max_workers)
            super().__init__(max_workers, **kwargs)

    monkeypatch.setattr(local, "ProcessPoolExecutor", RecordingPool)

    serial = load_articles([tmp_path], jobs=1)
    assert pools == []
    pooled = load_articles([tmp_path], jobs=2)
    assert pools == [2]  # the pool path was really taken

    assert len(pooled.files) == count
    assert pooled == serial
    assert [f.file for f in pooled.files] == sorted(f.file for f in pooled.files)
    assert 0 < len(pooled.articles) < count
    assert {p.severity for p in pooled.problems} == {"error", "warning"}


def test_batches_cross_processes_as_equal_records(in_repo_root: Path, broken_dir: Path) -> None:
    from newsgraph.load import decode_batch, load_batch

    named = [(str(p), f"{BROKEN_REL}/{p.name}") for p in sorted(broken_dir.iterdir())]
    decoded = decode_batch(load_batch(named))
    direct = [load_file(p, n) for p, n in named]
    assert [result for result, _ in decoded] == direct
    # date-times equal as instants is not enough: the offset the file wrote must survive too
    written = [r.article.published_at for r in direct if r.article and r.article.published_at]
    assert any(w.utcoffset() for w in written)  # the folder has a +01:00 one
    back = [r.article.published_at for r, _ in decoded if r.article and r.article.published_at]
    assert [w.isoformat() for w in back] == [w.isoformat() for w in written]
    for result, identities in decoded:
        article = result.article
        assert len(identities) == (1 + len(article.related) if article is not None else 0)


def test_a_batch_read_ahead_keeps_order_and_reports_unreadable_files(
    tmp_path: Path, broken_dir: Path
) -> None:
    from newsgraph.load import _READ_AHEAD, decode_batch, load_batch

    files = sorted(broken_dir.iterdir())
    named = [(str(p), f"copy-{i}") for i, p in enumerate(files * 3)]  # more than the threads
    named[5] = (str(tmp_path / "gone.md"), "gone.md")
    named[-1] = (str(tmp_path), "a-folder.md")
    assert len(named) > 2 * _READ_AHEAD
    decoded = [result for result, _ in decode_batch(load_batch(named))]
    assert decoded == [load_file(p, n) for p, n in named]
    assert [r.file for r in decoded] == [n for _, n in named]
    for unreadable in (decoded[5], decoded[-1]):
        assert unreadable.article is None
        assert "cannot be read" in unreadable.problems[0].message


def test_each_batch_names_the_files_its_worker_takes_next() -> None:
    from newsgraph.load import _BATCH, hinted_batches

    named = [(f"/corpus/{i}.md", f"{i}.md") for i in range(3 * _BATCH + 5)]  # 4 batches
    tasks = hinted_batches(named, lead=2)
    assert [list(batch) for batch, _ in tasks] == [
        named[i : i + _BATCH] for i in range(0, len(named), _BATCH)
    ]
    assert tasks[0][1] == [path for path, _ in named[2 * _BATCH : 3 * _BATCH]]
    assert tasks[1][1] == [path for path, _ in named[3 * _BATCH :]]
    assert tasks[2][1] == tasks[3][1] == []  # nothing after the last


@pytest.mark.skipif(not Path("/proc/self/fd").is_dir(), reason="needs /proc to name the files")
def test_files_read_soon_are_handed_to_the_kernel_and_missing_ones_passed_over(
    tmp_path: Path, broken_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from newsgraph import load

    if not hasattr(os, "posix_fadvise"):
        pytest.skip("no posix_fadvise here")
    advised: list[tuple[str, int]] = []

    def record(fd: int, offset: int, length: int, advice: int) -> None:
        advised.append((str(Path(f"/proc/self/fd/{fd}").readlink()), advice))

    monkeypatch.setattr(os, "posix_fadvise", record)
    files = [str(p) for p in sorted(broken_dir.iterdir())]
    named = [(path, Path(path).name) for path in files]
    plain = load.load_batch(named)
    gone = str(tmp_path / "gone.md")
    hinted = load.load_batch(named, ahead=[files[0], gone, files[-1]])
    load._advisers[os.getpid()].submit(lambda: None).result()  # one thread: the advice is given
    assert advised == [(files[0], os.POSIX_FADV_WILLNEED), (files[-1], os.POSIX_FADV_WILLNEED)]
    assert hinted == plain  # the same results: the hint only warms the page cache


def test_the_pool_loads_as_the_process_does_with_the_files_named_ahead(
    tmp_path: Path, broken_dir: Path
) -> None:
    from newsgraph.load import _BATCH, load_named

    files = sorted(broken_dir.iterdir())
    named = [(str(p), f"copy-{i}") for i, p in enumerate(files * (2 * _BATCH // len(files) + 1))]
    assert len(named) > 2 * _BATCH  # three batches: each worker is told of its next
    assert list(load_named(named, jobs=2)) == list(load_named(named, jobs=1))


def test_discover_names_are_the_files_as_strings(tmp_path: Path) -> None:
    from newsgraph.load import discover_files, discover_names

    (tmp_path / "sub").mkdir()
    for name in ("b.md", "a.md", "sub/c.md", "d.txt", ".e.md"):
        (tmp_path / name).write_text("x")
    assert discover_names([tmp_path]) == [str(p) for p in discover_files([tmp_path])]
    assert discover_names([tmp_path]) == [
        str(tmp_path / n) for n in ("a.md", "b.md", "d.txt", "sub/c.md")
    ]


def test_discover_resolves_linked_files_once_and_skips_linked_folders(tmp_path: Path) -> None:
    from newsgraph.load import discover_files

    data = tmp_path / "data"
    (data / "sub").mkdir(parents=True)
    (data / "a.md").write_text("x")
    (data / "sub" / "b.md").write_text("x")
    (data / ".hidden.md").write_text("x")
    (data / "c.txt").write_text("x")
    (data / "d.json").write_text("x")
    (data / "link.md").symlink_to(data / "a.md")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "e.md").write_text("x")
    (data / "linked").symlink_to(elsewhere, target_is_directory=True)
    found = discover_files([data, data / "sub" / "b.md"])
    assert found == [data / "a.md", data / "c.txt", data / "sub" / "b.md"]
    assert discover_files([data], ["sub/*.md"]) == [data / "sub" / "b.md"]


def test_small_inputs_load_in_process(broken_dir: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_pool(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("a pool was started for a small input")

    monkeypatch.setattr(local, "ProcessPoolExecutor", no_pool)
    assert len(load_articles([broken_dir], jobs=2).files) == len(BROKEN)


# -- the build command --------------------------------------------------------------------------


def runner() -> CliRunner:
    """A runner that keeps stderr apart (click >= 8.2 always does; 8.1 needs mix_stderr)."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def test_cli_build_on_broken_folder(in_repo_root: Path, broken_dir: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner().invoke(main, ["build", BROKEN_REL, "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert result.exception is None

    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    visible = [p for p in broken_dir.iterdir() if not p.name.startswith(".")]  # not .ruff.toml
    assert report["files_seen"] == report["files_loaded"] + report["files_skipped"] == len(visible)
    assert len(visible) == len(BROKEN)
    assert report["files_loaded"] == len(LOADED)
    assert report["files_skipped"] == len(SKIPPED)
    files = {f["file"]: f for f in report["files"]}
    assert sorted(files) == [f"{BROKEN_REL}/{name}" for name in sorted(BROKEN)]
    for name, expect in BROKEN.items():
        entry = files[f"{BROKEN_REL}/{name}"]
        assert entry["status"] == ("loaded" if expect.loaded else "skipped"), name
        assert entry["errors"] == sum(p.severity == "error" for p in expect.problems), name
        assert entry["warnings"] == sum(p.severity == "warning" for p in expect.problems), name

    expected_problems = [
        (f"{BROKEN_REL}/{name}", p.field, p.severity)
        for name in sorted(BROKEN)
        for p in BROKEN[name].problems
    ]
    assert [(p["file"], p["field"], p["severity"]) for p in report["problems"]] == (
        expected_problems
    )

    # The summary goes to stdout, the problems to stderr, each naming its file and field.
    assert f"{len(BROKEN)} files: {len(LOADED)} loaded, {len(SKIPPED)} skipped" in result.stdout
    assert len(expected_problems) <= 20, "the CLI lists only the first 20 problems"
    lines = result.stderr.splitlines()
    for file, field, severity in expected_problems:
        where = f"{file}: {field}: " if field else f"{file}: "
        assert any(line.startswith(f"{severity}: {where}") for line in lines), (file, field)
    for name in BROKEN:
        if not BROKEN[name].problems:
            assert name not in result.stderr
    assert "warning:" not in result.stdout and "error:" not in result.stdout


def test_cli_build_strict_fails(in_repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = runner().invoke(main, ["build", BROKEN_REL, "--out", str(out), "--strict"])
    assert result.exit_code == 1
    assert "--strict" in result.stderr
    assert str(out / "report.json") in result.stderr
    assert (out / "report.json").is_file()  # the report is still written


def test_cli_build_glob_option(in_repo_root: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", BROKEN_REL, "--out", str(out), "--glob", "*.txt", "--glob", "*.markdown"]
    result = runner().invoke(main, args)
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text(encoding="utf-8"))
    assert [f["file"] for f in report["files"]] == [
        f"{BROKEN_REL}/good_minimal.txt",
        f"{BROKEN_REL}/good_with_body.markdown",
    ]
    assert report["problems"] == []


def test_a_folder_that_cannot_be_listed_is_a_clear_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from newsgraph.load import discover_files

    (tmp_path / "locked").mkdir()
    real = os.scandir

    def scandir(path: Any) -> Any:
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    with pytest.raises(InputError, match=r"locked: cannot list this folder .* check its perm"):
        discover_files([tmp_path])


def test_a_file_name_that_is_not_utf8_is_loaded_and_reported_escaped(
    tmp_path: Path, seed_file: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from newsgraph.load import decode_batch, load_batch, name_files

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    try:  # the byte 0xE9 alone is not UTF-8 (é is C3 A9)
        with open(os.fsencode(corpus) + b"/caf\xe9.md", "wb") as handle:
            handle.write(seed_file.read_bytes())
    except OSError:
        pytest.skip("this file system takes UTF-8 file names only")
    monkeypatch.chdir(tmp_path)
    escaped = "corpus/caf\\xe9.md"
    build = ["build", "corpus", "-o", "out", "--incremental"]
    outcome = CliRunner().invoke(main, build)
    assert outcome.exit_code == 0, outcome.output
    (corpus / "other.md").write_bytes(seed_file.read_bytes())
    outcome = CliRunner().invoke(main, build)  # takes the file from the load cache
    assert outcome.exit_code == 0, outcome.output
    assert "1 unchanged" in outcome.output
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert [(f["file"], f["status"], f["warnings"]) for f in report["files"]] == [
        (escaped, "loaded", 1),
        ("corpus/other.md", "loaded", 0),
    ]
    outcome = CliRunner().invoke(main, build)  # stamps the path to find nothing changed
    assert outcome.exit_code == 0, outcome.output
    assert "nothing to do" in outcome.output
    assert report["problems"][0]["file"] == escaped
    assert "not UTF-8" in report["problems"][0]["message"]
    assert report["counts"]["nodes"]["article"] >= 1
    # as the workers hand it over: the name escaped, the path kept to open the file
    named = name_files([os.fsdecode(os.fsencode(corpus) + b"/caf\xe9.md")])
    assert named[0][1] == escaped
    ((result, _),) = decode_batch(load_batch(named))
    assert result.article is not None and result.file == escaped
