"""Foci: topics the researcher defines, as named keyword queries over titles and excerpts.

A focus is a boolean keyword query in `SQLite FTS5 <https://sqlite.org/fts5.html#full_text_query_syntax>`_
syntax (``"quoted phrases"``, ``AND``, ``OR``, ``NOT``, parentheses, ``prefix*``, ``title:`` and
``excerpt:`` column filters, ``NEAR(a b, 5)``), matched against each article's title and excerpt,
and optionally narrowed by the data's own topics, by providers and by a date range. Foci are saved
by name in a TOML file that researchers can share::

    [focus."facial recognition regulation"]
    description = "Facial recognition and the rules, bans and lawsuits around it"
    query = '("facial recognition" OR "face recognition") AND (regulat* OR ban OR law OR privacy)'
    topics = ["AI"]                # optional: any of these data topics
    providers = ["wired.com"]      # optional: any of these providers (domain or name)
    since = 2019-01-01             # optional, inclusive
    until = 2021-12-31             # optional, inclusive

Matching is done by SQLite's FTS5 engine (it ships with Python): the titles and excerpts are put in
an in-memory FTS5 table with the ``unicode61`` tokenizer (case- and accent-insensitive, words split
at punctuation, so ``"facial recognition"`` also matches "facial-recognition"; no stemming, so
write ``regulat*`` for regulate, regulation, regulators). The query text is handed to FTS5 as it
is; a malformed query is reported as a :class:`~newsgraph.errors.FocusError` pointing at the place.
"""

from __future__ import annotations

import os
import re
import sqlite3
import sys
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any, Final

from newsgraph.errors import AnalysisError, FocusError, NewsgraphError

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

if TYPE_CHECKING:
    import networkx as nx

    from newsgraph.analysis.index import GraphIndex

__all__ = [
    "DEFAULT_FOCI_FILE",
    "FULLTEXT_CACHE",
    "Focus",
    "FocusError",
    "FocusMatcher",
    "check_query",
    "focus_articles",
    "focus_numbers",
    "get_focus",
    "load_foci",
    "parse_day",
    "parse_foci",
    "shipped_foci_path",
]

DEFAULT_FOCI_FILE: Final = "foci.toml"
_TABLE_KEY: Final = "focus"
_FIELDS: Final = frozenset({"description", "query", "topics", "providers", "since", "until"})
_COLUMNS: Final = ("title", "excerpt")


@dataclass(frozen=True)
class Focus:
    """A researcher-defined topic: a keyword query plus optional filters, saved under a name.

    Attributes:
        name: The focus's name, as written in the foci file.
        query: An FTS5 query over title and excerpt.
        description: What the focus is meant to catch, for people reading the file.
        topics: Keep only articles with any of these data topics (labels; case does not matter).
        providers: Keep only articles of any of these providers (domain or name).
        since: Keep only articles published on or after this day.
        until: Keep only articles published on or before this day.
        source: The file the focus was read from (empty when made in code).

    Example:
        >>> f = Focus("robots", '"robot arm" OR cobot*', topics=("AI",))
        >>> f.name, f.query, f.topics
        ('robots', '"robot arm" OR cobot*', ('AI',))
    """

    name: str
    query: str
    description: str = ""
    topics: tuple[str, ...] = ()
    providers: tuple[str, ...] = ()
    since: date | None = None
    until: date | None = None
    source: str = field(default="", compare=False)

    def __post_init__(self) -> None:
        if self.since and self.until and self.since > self.until:
            raise FocusError(
                f"{self._where()}since ({self.since}) is after until ({self.until}); swap them"
            )

    def _where(self) -> str:
        prefix = f"{self.source}: " if self.source else ""
        return f"{prefix}focus {self.name!r}: "

    def filters(self) -> list[str]:
        """The narrowing filters, as short phrases (``topics: AI``), for listings."""
        parts = []
        if self.topics:
            parts.append("topics: " + ", ".join(self.topics))
        if self.providers:
            parts.append("providers: " + ", ".join(self.providers))
        if self.since or self.until:
            parts.append(f"dates: {self.since or '...'} to {self.until or '...'}")
        return parts


def shipped_foci_path() -> Path:
    """The foci file shipped with newsgraph (used when there is no ``foci.toml`` here)."""
    return Path(str(resources.files("newsgraph.analysis").joinpath("foci.toml")))


def _default_path() -> Path:
    local = Path(DEFAULT_FOCI_FILE)
    return local if local.is_file() else shipped_foci_path()


def load_foci(path: str | os.PathLike[str] | None = None) -> dict[str, Focus]:
    """Read the foci saved in a TOML file, by name, in file order.

    Every query is checked by FTS5 when it is read, so a malformed one is reported at once.

    Args:
        path: The foci file; ``None`` looks for ``foci.toml`` in the current folder, else uses
            the set shipped with newsgraph.

    Returns:
        The foci by name.

    Raises:
        FocusError: The file cannot be read or is not valid TOML; a focus lacks a query or has
            a field of the wrong type; a query is malformed (the message points at the place).

    Example:
        >>> foci = load_foci(shipped_foci_path())
        >>> "facial recognition regulation" in foci
        True
    """
    file = Path(path) if path is not None else _default_path()
    try:
        text = file.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise FocusError(f"{file}: no such foci file; check the path given to --foci") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise FocusError(f"{file}: cannot read the foci file ({exc})") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise FocusError(f"{file}: not valid TOML: {exc}") from None
    return parse_foci(data, source=str(file))


def parse_foci(data: Mapping[str, Any], *, source: str = "") -> dict[str, Focus]:
    """Foci from parsed TOML (``{"focus": {name: {"query": ...}}}``); see :func:`load_foci`."""
    where = f"{source}: " if source else ""
    table = data.get(_TABLE_KEY)
    unknown = sorted(set(data) - {_TABLE_KEY})
    if unknown:
        raise FocusError(
            f"{where}unexpected top-level key {unknown[0]!r}; "
            f'write each focus as a [focus."NAME"] table'
        )
    if not isinstance(table, Mapping) or not table:
        raise FocusError(f'{where}no foci found; write each focus as a [focus."NAME"] table')
    foci = {}
    for name, entry in table.items():
        focus = _parse_focus(name, entry, source)
        check_query(focus.query, where=focus._where())
        foci[name] = focus
    return foci


def _parse_focus(name: str, entry: Any, source: str) -> Focus:
    where = (f"{source}: " if source else "") + f"focus {name!r}: "
    if not isinstance(entry, Mapping):
        raise FocusError(f"{where}must be a table with a query = '...' line")
    extra = sorted(set(entry) - _FIELDS)
    if extra:
        valid = ", ".join(sorted(_FIELDS))
        raise FocusError(f"{where}unknown field {extra[0]!r}; the fields are {valid}")
    query = entry.get("query")
    if not isinstance(query, str) or not query.strip():
        raise FocusError(f"{where}query must be a non-empty string of keywords")
    description = entry.get("description", "")
    if not isinstance(description, str):
        raise FocusError(f"{where}description must be a string")
    return Focus(
        name=name,
        query=query.strip(),
        description=description,
        topics=_strings(entry.get("topics", []), "topics", where),
        providers=_strings(entry.get("providers", []), "providers", where),
        since=parse_day(entry.get("since"), "since", error=FocusError, where=where),
        until=parse_day(entry.get("until"), "until", error=FocusError, where=where),
        source=source,
    )


def _strings(value: Any, name: str, where: str) -> tuple[str, ...]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise FocusError(f'{where}{name} must be a list of strings, e.g. {name} = ["a", "b"]')
    return tuple(v.strip() for v in value)


def parse_day(
    value: date | datetime | str | None,
    name: str = "date",
    *,
    error: type[NewsgraphError] = AnalysisError,
    where: str = "",
) -> date | None:
    """A day from a ``date``, a ``datetime`` or ``YYYY-MM-DD`` text (``None`` stays ``None``).

    Raises:
        error: (by default :class:`AnalysisError`) the value is not a date; the message names
            ``name``, prefixed by ``where``.
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise error(f"{where}{name} must be a date written YYYY-MM-DD (got {value!r})")


def get_focus(foci: Mapping[str, Focus], name: str) -> Focus:
    """The focus called ``name`` (exactly, else ignoring case).

    Raises:
        FocusError: No such focus; the message lists the names there are.
    """
    if name in foci:
        return foci[name]
    folded = {n.casefold(): f for n, f in foci.items()}
    if name.casefold() in folded:
        return folded[name.casefold()]
    sources = {f.source for f in foci.values() if f.source}
    where = f" in {', '.join(sorted(sources))}" if sources else ""
    names = ", ".join(repr(n) for n in foci)
    raise FocusError(f"no focus called {name!r}{where}; the foci are {names}")


# --- the query engine -----------------------------------------------------------------------

_NEAR = re.compile(r'^fts5: syntax error near "(.*)"$', re.DOTALL)
_COLUMN = re.compile(r"^no such column: (.*)$", re.DOTALL)
_LOWER_OPERATOR = re.compile(r'(?<![\w"*])(and|or|not)(?![\w"*])')
_QUOTED = re.compile(r'"[^"]*"')


# Where a full-text index is kept, beside the analysis index (relative to the graph's folder).
FULLTEXT_CACHE = Path(".newsgraph-cache", "fulltext.sqlite")
_FULLTEXT_SCHEMA = "newsgraph-fulltext/1"


def _stamp(graph_file: Path) -> tuple[str, str, str, int, int]:
    """What a kept full-text index must have been made from: this file as it is now."""
    from newsgraph import __version__

    stat = graph_file.stat()
    return (_FULLTEXT_SCHEMA, __version__, graph_file.name, stat.st_size, stat.st_mtime_ns)


def _open_kept(graph_file: Path) -> sqlite3.Connection | None:
    """The full-text index kept beside ``graph_file``, read-only, if made from it as it is now."""
    path = graph_file.parent / FULLTEXT_CACHE
    if not path.is_file():
        return None
    try:
        connection = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        row = connection.execute(
            "SELECT schema, version, file, size, mtime_ns FROM stamp"
        ).fetchone()
        if row is not None and tuple(row) == _stamp(graph_file):
            return connection
    except (sqlite3.Error, OSError):
        pass
    connection.close()
    return None


def _keep(connection: sqlite3.Connection, graph_file: Path) -> None:
    """Keep a copy of the full-text index beside ``graph_file``; nothing when it cannot be."""
    path = graph_file.parent / FULLTEXT_CACHE
    temporary = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        stamp = _stamp(graph_file)
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.unlink(missing_ok=True)
        copy = sqlite3.connect(temporary)
        try:
            connection.backup(copy)
            with copy:
                copy.execute("CREATE TABLE stamp (schema, version, file, size, mtime_ns)")
                copy.execute("INSERT INTO stamp VALUES (?, ?, ?, ?, ?)", stamp)
        finally:
            copy.close()
        temporary.replace(path)
    except (OSError, sqlite3.Error):
        temporary.unlink(missing_ok=True)


def _connect() -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    try:
        connection.execute(
            f"CREATE VIRTUAL TABLE docs USING fts5({', '.join(_COLUMNS)}, "
            "tokenize = 'unicode61 remove_diacritics 2')"
        )
    except sqlite3.OperationalError as exc:  # pragma: no cover - FTS5 is in every CPython build
        raise FocusError(
            f"this Python's SQLite has no FTS5 ({exc}); use a standard CPython"
        ) from exc
    return connection


def _run(connection: sqlite3.Connection, query: str) -> list[int]:
    rows = connection.execute("SELECT rowid FROM docs WHERE docs MATCH ? ORDER BY rowid", (query,))
    return [row[0] for row in rows]


def _pointer(query: str, start: int, length: int = 1) -> str:
    """The query with a caret line under ``query[start:start + length]``."""
    line_start = query.rfind("\n", 0, start) + 1
    line_end = query.find("\n", start)
    line = query[line_start : line_end if line_end >= 0 else len(query)]
    column = start - line_start
    return f"\n    {line}\n    {' ' * column}{'^' * max(1, length)}"


def _explain(query: str, error: sqlite3.OperationalError, connection: sqlite3.Connection) -> str:
    message = str(error)
    near = _NEAR.match(message)
    if near and near.group(1) == "":
        return (
            "the query ends too early: an AND, OR or NOT with nothing after it, or an unclosed "
            "parenthesis" + _pointer(query, len(query))
        )
    if near:
        token = near.group(1)
        # FTS5 names the token but not its place: the first occurrence whose prefix already
        # fails the same way is where the parser stopped.
        place = query.find(token)
        for match in re.finditer(re.escape(token), query):
            try:
                _run(connection, query[: match.end()])
            except sqlite3.OperationalError as prefix_error:
                if str(prefix_error) == message:
                    place = match.start()
                    break
        hint = ""
        if token in {"AND", "OR", "NOT"}:
            hint = (
                f"; {token} needs a term or a parenthesised group on both sides "
                "(NOT is binary: write `a NOT b`, not `NOT b`)"
            )
        elif token in {"(", ")"}:
            hint = "; check that the parentheses pair up and are not empty"
        else:
            hint = (
                '; write words, "quoted phrases" and prefix* terms joined by AND, OR, NOT; '
                "put words with punctuation in double quotes"
            )
        return f"syntax error at {token!r}{hint}" + _pointer(query, max(place, 0), len(token))
    column = _COLUMN.match(message)
    if column:
        name = column.group(1)
        place = query.find(name)
        return (
            f"{name!r} is read as a column filter, but the only columns are title and excerpt; "
            'put words with - or : in double quotes ("face-recognition")'
            + (_pointer(query, place, len(name)) if place >= 0 else "")
        )
    if "unterminated string" in message:
        return "a double quote is not closed" + _pointer(query, query.rfind('"'))
    return f"{message}{_pointer(query, 0, len(query))}"


def check_query(query: str, *, where: str = "") -> None:
    """Check a focus query with FTS5 without matching anything.

    Raises:
        FocusError: The query is malformed; the message names the problem and points at it.

    Example:
        >>> check_query('"face recognition" AND (ban OR law)')
        >>> check_query("face AND (ban OR")
        Traceback (most recent call last):
        ...
        newsgraph.errors.FocusError: malformed query: the query ends too early: ...
    """
    lower = _LOWER_OPERATOR.search(_QUOTED.sub(lambda m: " " * len(m.group()), query))
    if lower:
        word = lower.group(1)
        raise FocusError(
            f"{where}malformed query: {word!r} is an operator only in capitals ({word.upper()}); "
            f'write {word.upper()}, or "{word}" to search for the word'
            + _pointer(query, lower.start(1), len(word))
        )
    connection = _connect()
    try:
        _run(connection, query)
    except sqlite3.OperationalError as exc:
        raise FocusError(f"{where}malformed query: {_explain(query, exc, connection)}") from None
    finally:
        connection.close()


class FocusMatcher:
    """A full-text index of the article titles and excerpts of a graph, for matching many foci.

    Example:
        >>> from newsgraph import build
        >>> from newsgraph.analysis.index import GraphIndex
        >>> matcher = FocusMatcher(GraphIndex.from_graph(build(["seeds/"]).graph))
        >>> len(matcher.match('"face recognition" OR "facial recognition"'))
        3
        >>> matcher.match("ordinance")
        [0]
    """

    def __init__(self, index: GraphIndex, *, kept: str | os.PathLike[str] | None = None) -> None:
        """Index ``index``'s titles and excerpts; with ``kept`` (the graph file the index was made
        from), use the full-text index kept beside it (:data:`FULLTEXT_CACHE`) while it was made
        from that file as it is now, else make it and keep it there for the next time.

        Filling the index is most of the cost of a focus or of the topic network: 39 s of 59 s
        for ``central --of topics`` at 1.7 million articles; opening a kept one is immediate.
        """
        self.index = index
        self._cache: dict[Focus, list[int]] = {}
        graph_file = Path(kept) if kept is not None else None
        connection = _open_kept(graph_file) if graph_file is not None else None
        if connection is None:
            connection = _connect()
            rows = zip(range(len(index.articles)), index.titles, index.excerpts, strict=True)
            with connection:
                connection.executemany(
                    "INSERT INTO docs (rowid, title, excerpt) VALUES (?, ?, ?)", rows
                )
            if graph_file is not None:
                _keep(connection, graph_file)
        self._connection = connection

    def match(self, query: str, *, where: str = "") -> list[int]:
        """The numbers of the articles whose title or excerpt match an FTS5 query, in order.

        Raises:
            FocusError: The query is malformed.
        """
        check_query(query, where=where)
        return _run(self._connection, query)

    def articles(self, focus: Focus) -> list[int]:
        """The numbers of the articles that match ``focus``: its query and its filters."""
        cached = self._cache.get(focus)
        if cached is None:
            numbers = self.match(focus.query, where=focus._where())
            cached = self._cache[focus] = [n for n in numbers if self._passes(n, focus)]
        return list(cached)

    def _passes(self, number: int, focus: Focus) -> bool:
        index = self.index
        if focus.since or focus.until:
            published = index.published[number]
            if published is None:
                return False
            day = published.date()
            if (focus.since and day < focus.since) or (focus.until and day > focus.until):
                return False
        if focus.topics:
            from newsgraph.identify import topic_key

            wanted = {f"topic:{topic_key(t)}" for t in focus.topics}
            if not any(index.topics[t] in wanted for t in index.article_topics[number]):
                return False
        if focus.providers:
            wanted = {p.casefold().strip().removeprefix("www.") for p in focus.providers}
            wanted |= {p.casefold().strip() for p in focus.providers}
            names = index.provider_names
            if not any(wanted & names[p] for p in index.article_providers[number]):
                return False
        return True


def focus_numbers(graph: nx.MultiDiGraph | GraphIndex, focus: Focus) -> list[int]:
    """Like :func:`focus_articles`, as article numbers of the graph's :class:`GraphIndex`."""
    from newsgraph.analysis.index import index_for

    return index_for(graph).matcher.articles(focus)


def focus_articles(graph: nx.MultiDiGraph | GraphIndex, focus: Focus) -> list[str]:
    """The sorted ids of the article nodes of ``graph`` that match ``focus``.

    An article matches when its title or excerpt matches the focus's query and it passes every
    filter the focus sets (any of its topics, any of its providers, published within its dates;
    with a date filter, articles without a date are left out). Stubs (articles known only from
    related lists) are matched on the title and excerpt the lists give them.

    Args:
        graph: A newsgraph graph (:func:`newsgraph.build`, :func:`newsgraph.read_json`), or the
            :class:`~newsgraph.analysis.index.GraphIndex` of one.
        focus: The focus, e.g. from :func:`load_foci`.

    Returns:
        Sorted article node ids.

    Raises:
        FocusError: The focus's query is malformed.

    Example:
        >>> from newsgraph import build
        >>> graph = build(["seeds/"]).graph
        >>> focus = Focus("party", '"facial recognition" AND party', topics=("computer vision",))
        >>> focus_articles(graph, focus)
        ['article:https://theglobeandmail.com/politics/article-civil-liberties-group-urges-liberal-party-to-stop-using-facial']
    """
    from newsgraph.analysis.index import index_for

    index = index_for(graph)
    return sorted(index.articles[n] for n in index.matcher.articles(focus))
