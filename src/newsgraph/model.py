"""Typed records that flow between the stages: what `load` produces and `build` consumes.

Every field of the input format has a home here. Keys that newsgraph does not know are kept in
``extra`` (as JSON-compatible values), so nothing in a file is dropped on the way to the graph.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Literal

__all__ = ["DEFAULT_GLOBS", "Article", "FileResult", "Image", "Problem", "Provider", "Severity"]

Severity = Literal["error", "warning"]

# The names a folder's news records have (``--glob`` changes them).
DEFAULT_GLOBS: tuple[str, ...] = ("*.md", "*.markdown", "*.txt")


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong with one input file.

    ``severity`` is ``"error"`` when the file was skipped and ``"warning"`` when the record was kept
    without the field named in ``field`` (or with a repaired value, as the message says).
    """

    file: str
    field: str
    severity: Severity
    message: str

    def __str__(self) -> str:
        where = f"{self.file}: {self.field}" if self.field else self.file
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class Image:
    """An image attached to an article or a provider (``images`` entries)."""

    url: str
    width: int | None = None
    height: int | None = None
    title: str | None = None
    is_cached: bool | None = None
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Provider:
    """The publisher as one record names it (``provider: {name, domain, images}``)."""

    name: str | None = None
    domain: str | None = None
    images: tuple[Image, ...] = ()
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class Article:
    """One article: a whole file, or one item of a file's ``related`` list.

    Related items are articles too, with ``rank`` set to their 1-based position in the list and
    no ``related`` list of their own. ``source`` is the file the values were read from; ``body`` is
    the Markdown after the front matter (``None`` when there is none, as in most news records).
    """

    source: str
    title: str | None = None
    excerpt: str | None = None
    published_at: datetime | None = None
    web_url: str | None = None
    original_url: str | None = None
    amp_web_url: str | None = None
    cdn_amp_web_url: str | None = None
    type: str | None = None
    quality: int | None = None
    heat: int | None = None
    published: bool | None = None
    category: str | None = None
    provider: Provider | None = None
    topics: tuple[str, ...] = ()
    images: tuple[Image, ...] = ()
    related: tuple[Article, ...] = ()
    secured: str | None = None
    body: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    rank: int | None = None

    @property
    def is_related_item(self) -> bool:
        """True for an item of another article's ``related`` list."""
        return self.rank is not None


@dataclass(frozen=True, slots=True)
class FileResult:
    """What loading one file gave: the article (``None`` when skipped) and its problems.

    ``released`` is true when the file loaded but its article was let go once it was built into
    the graph (``newsgraph.build(keep_records=False)``, as ``run_build`` does, to spare memory).
    """

    file: str
    sha256: str
    article: Article | None
    problems: tuple[Problem, ...] = ()
    released: bool = False

    @property
    def loaded(self) -> bool:
        return self.article is not None or self.released
