"""SPARQL over the RDF exports: an embedded pyoxigraph store, read-only queries, result formats.

:func:`open_store` bulk-loads export folders or RDF files into a :class:`pyoxigraph.Store`, in
memory, or on disk for big builds (loaded once, then reused while the files are unchanged);
:func:`run_query` runs a SPARQL 1.1 query on it with every prefix of
:data:`newsgraph.vocab.PREFIXES` predeclared (a query's own ``PREFIX`` lines win), refuses
updates, and turns syntax errors into :class:`~newsgraph.errors.QueryError` messages that give
the line and column; :data:`RESULT_FORMATS` writes the results (an aligned table, SPARQL results
CSV, TSV, JSON or XML, Turtle or N-Triples)::

    >>> import newsgraph, tempfile
    >>> out = tempfile.mkdtemp()
    >>> _ = newsgraph.run_build(["seeds/"], out, formats=["ntriples"])
    >>> store = open_store([out])
    >>> result = run_query(store, "SELECT ?label { ?t skos:prefLabel ?label } ORDER BY ?label")
    >>> print(write_results(result, "table").decode(), end="")
    label
    ---------------
    AI
    Computer Vision
    (2 rows)
"""

from __future__ import annotations

import json
import os
import re
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

from pyoxigraph import (
    BlankNode,
    Literal,
    NamedNode,
    QueryBoolean,
    QueryResultsFormat,
    QuerySolutions,
    QueryTriples,
    RdfFormat,
    Store,
    serialize,
)
from pyoxigraph import __version__ as pyoxigraph_version

from newsgraph.errors import ExportError, QueryError
from newsgraph.export.rdf import RDF_FORMATS, rdf_files
from newsgraph.vocab import PREFIXES, XSD

__all__ = [
    "RESULT_FORMATS",
    "QueryResult",
    "ResultFormat",
    "format_term",
    "open_store",
    "query",
    "read_query",
    "result_kind",
    "run_query",
    "stored_triples",
    "write_results",
]

QueryResult: TypeAlias = "QuerySolutions | QueryBoolean | QueryTriples"
"""What :func:`run_query` returns: solutions (SELECT), a boolean (ASK) or triples (CONSTRUCT,
DESCRIBE). Solutions and triples are iterators: they can be written once."""

# -- data -----------------------------------------------------------------------------------------


def open_store(
    paths: Iterable[str | os.PathLike[str]] = ("exports",),
    *,
    store: str | os.PathLike[str] | None = None,
    on_load: Callable[[Path], None] | None = None,
) -> Store:
    """A store holding the RDF of ``paths`` (export folders or RDF files): in memory, or on disk.

    Args:
        paths: Export folders (their N-Triples, else ``graph.ttl``, plus ``graph.void.ttl`` and
            ``graph.summary.ttl``; see :func:`newsgraph.export.rdf.rdf_files`) or ``.ttl``,
            ``.nt`` and ``.jsonld`` files, all loaded into the default graph.
        store: A folder for an on-disk store (RocksDB), for data too big to load for each
            query: the first call loads ``paths`` into it, and later calls open it read-only
            at once while those files are unchanged (same paths, sizes and modification
            times); when they changed, it is loaded again. It must be a new or empty folder,
            or one this function made. Default: an in-memory store, loaded on every call.
        on_load: Called with ``store`` before the on-disk store is loaded (not when it is
            reused), e.g. to say that this will take a while.

    Returns:
        A :class:`pyoxigraph.Store` to give to :func:`run_query` (read-only when on disk).

    Raises:
        ExportError: A path is missing or is not RDF (the message names the file), or
            ``store`` is a folder that holds something else.
    """
    files = rdf_files(paths, description=True)
    if store is not None:
        return _on_disk(files, Path(store), on_load)
    memory = Store()
    _load(memory, files)
    return memory


def _load(store: Store, files: Iterable[Path]) -> None:
    for file in files:
        try:
            store.bulk_load(path=str(file), format=RDF_FORMATS[file.suffix.lower()])
        except (SyntaxError, OSError) as exc:
            raise ExportError(f"{file}: cannot be read as RDF: {exc}") from exc


# The description of an on-disk store, kept inside its folder (RocksDB leaves files it does not
# name alone): what it was loaded from, to tell whether it is still current.
STORE_STAMP = "newsgraph-store.json"
_STORE_SCHEMA = "newsgraph-store/1"


def _stamp(files: Iterable[Path]) -> dict[str, object]:
    listed = []
    for file in files:
        info = file.stat()
        listed.append([str(file.resolve()), info.st_size, info.st_mtime_ns])
    return {"schema": _STORE_SCHEMA, "pyoxigraph": pyoxigraph_version, "files": listed}


def _read_stamp(folder: Path) -> dict[str, object] | None:
    try:
        found = json.loads((folder / STORE_STAMP).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, dict) and found.get("schema") == _STORE_SCHEMA else None


def stored_triples(folder: str | os.PathLike[str]) -> int | None:
    """How many triples the on-disk store in ``folder`` holds, as counted when it was loaded
    (counting a big store again takes a scan); ``None`` if ``folder`` holds no such store."""
    found = _read_stamp(Path(folder))
    triples = found.get("triples") if found is not None else None
    return triples if isinstance(triples, int) else None


def _on_disk(files: list[Path], folder: Path, on_load: Callable[[Path], None] | None) -> Store:
    """The read-only store in ``folder``, loaded from ``files`` first unless it is current."""
    wanted = _stamp(files)
    found = _read_stamp(folder)
    if found is not None and {**found, "triples": None} == {**wanted, "triples": None}:
        try:
            return Store.read_only(str(folder))
        except OSError:
            pass  # damaged: loaded again below
    if found is None and folder.exists() and (not folder.is_dir() or any(folder.iterdir())):
        raise ExportError(
            f"{folder}: not a newsgraph SPARQL store (no {STORE_STAMP}); name a new or empty "
            "folder for --store, which newsgraph fills and reuses"
        )
    if on_load is not None:
        on_load(folder)
    # Loaded beside it and then put in its place, so that an interrupted load leaves no half
    # store behind a stamp.
    loading = folder.with_name(f".{folder.name}.loading-{os.getpid()}")
    shutil.rmtree(loading, ignore_errors=True)
    try:
        fresh = Store(str(loading))
        _load(fresh, files)
        fresh.optimize()
        wanted["triples"] = len(fresh)
        fresh.flush()
        del fresh  # closes it
        (loading / STORE_STAMP).write_text(json.dumps(wanted, indent=1) + "\n", encoding="utf-8")
        old = folder.with_name(f".{folder.name}.old-{os.getpid()}")
        if folder.exists():
            folder.rename(old)
        loading.rename(folder)
        shutil.rmtree(old, ignore_errors=True)
    except OSError as exc:
        raise ExportError(f"{folder}: cannot make the SPARQL store there ({exc})") from exc
    finally:
        shutil.rmtree(loading, ignore_errors=True)
    return Store.read_only(str(folder))


# -- queries --------------------------------------------------------------------------------------

# Strings, IRIs and comments, blanked out before looking for keywords in a query's text.
_NOT_CODE = re.compile(
    r'"""(?:[^"\\]|\\.|"(?!""))*"""'
    r"|'''(?:[^'\\]|\\.|'(?!''))*'''"
    r'|"(?:[^"\\\n]|\\.)*"'
    r"|'(?:[^'\\\n]|\\.)*'"
    r'|<[^<>"{}|^`\\\x00-\x20]*>'
    r"|#[^\n]*",
    re.DOTALL,
)
_FIRST_KEYWORD = re.compile(r"\s*(?:(?:PREFIX\s+[^\s:]*:|BASE)\s*)*([A-Za-z]+)", re.IGNORECASE)
_UPDATE_KEYWORDS = {"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD"}
_SERVICE = re.compile(r"(?<![\w?$:.\-])SERVICE(?![\w:\-])", re.IGNORECASE)


def _code(text: str) -> str:
    return _NOT_CODE.sub(" ", text)


def read_query(query_or_file: str) -> str:
    """The query text of ``query_or_file``: the contents of that file if it names one, else itself.

    Raises:
        QueryError: It names a ``.rq`` file that cannot be read.
    """
    if "\n" in query_or_file or "{" in query_or_file:
        return query_or_file
    path = Path(query_or_file)
    try:
        is_file = path.is_file()
    except OSError:  # e.g. a query too long to be a file name
        return query_or_file
    if not is_file and path.suffix.lower() not in (".rq", ".sparql"):
        return query_or_file
    try:
        return path.read_text(encoding="utf-8")
    except OSError as exc:
        raise QueryError(
            f"{path}: cannot read the query file ({exc.strerror}); check the path"
        ) from None
    except UnicodeDecodeError as exc:
        raise QueryError(f"{path}: the query file is not UTF-8 ({exc.reason})") from None


def run_query(
    store: Store,
    text: str,
    *,
    prefixes: Mapping[str, str] = PREFIXES,
    federated: bool = True,
) -> QueryResult:
    """Run a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT or DESCRIBE) on ``store``.

    Args:
        store: From :func:`open_store`.
        text: The query. ``prefixes`` are predeclared, so ``schema:headline`` needs no
            ``PREFIX`` line; a ``PREFIX`` the query declares itself wins.
        prefixes: The predeclared prefixes (default :data:`newsgraph.vocab.PREFIXES`).
        federated: Allow ``SERVICE`` (federated query: the store fetches other endpoints).

    Returns:
        Solutions, a boolean or triples (see :data:`QueryResult`).

    Raises:
        QueryError: The query is an update, uses ``SERVICE`` when not ``federated``, or has a
            syntax error (the message gives its line and column and shows the line).
    """
    code = _code(text)
    first = _FIRST_KEYWORD.match(code)
    if first and first[1].upper() in _UPDATE_KEYWORDS | {"WITH"}:
        raise QueryError(
            f"SPARQL Update ({first[1].upper()}) is not allowed: newsgraph only reads the exports; "
            "change the input files and run `newsgraph build` again"
        )
    if not federated and _SERVICE.search(code):
        raise QueryError(
            "SERVICE (federated query) is disabled here: it would make this server fetch other "
            "URLs; run the query with `newsgraph sparql` instead"
        )
    try:
        result: QueryResult = store.query(text, prefixes=dict(prefixes))
    except SyntaxError as exc:
        raise QueryError(_syntax_message(text, str(exc), prefixes)) from None
    except OSError as exc:
        raise QueryError(f"the query failed: {exc}") from exc
    return result


_POSITION = re.compile(r"error at (\d+):(\d+): (.*)", re.DOTALL)
_EXPECTED = re.compile(r"expected (?:one of )?(.*)", re.DOTALL)
# One alternative in pyoxigraph's "expected one of ..." list: a quoted token, a character class
# (dropped: they list every character a name may hold), or a keyword or message.
_ALTERNATIVE = re.compile(
    r"""\s*(?:("(?:\\.|[^"\\])*")|(\[(?:'(?:\\.|[^'\\])*'|[^\]'])*\])|([^,]+?))\s*(?:,|$)"""
)


def _syntax_message(text: str, raw: str, prefixes: Mapping[str, str]) -> str:
    """pyoxigraph's ``error at L:C: expected one of ...`` made readable, with the line shown."""
    match = _POSITION.match(raw)
    if match is None:
        return f"syntax error: {raw}"
    line_no, column, detail = int(match[1]), int(match[2]), match[3]
    lines = re.split(r"\r?\n", text)  # pyoxigraph counts lines at line feeds only
    line = lines[line_no - 1] if line_no <= len(lines) else ""
    at = line[column - 1 : column] if column <= len(line) else ""
    expected = _EXPECTED.match(detail)
    if expected is None:
        message = detail
    else:
        tokens: list[str] = []
        messages: list[str] = []
        for quoted, _class, word in _ALTERNATIVE.findall(expected[1]):
            item = (quoted or word).strip()
            if not item or item == "[_]":
                continue
            (messages if " " in item else tokens).append(item)
        unknown_prefix = "Prefix not found" in messages
        messages = [m for m in messages if m != "Prefix not found"]
        if unknown_prefix:
            name = re.search(r"([A-Za-z][\w.\-]*)?:[^\s:]*$", line[: column - 1])
            prefix = (name[1] or "") if name else ""
            messages.insert(
                0,
                f"unknown prefix {prefix}:; declare it (PREFIX {prefix}: <...>) or use a "
                f"predeclared one ({', '.join(prefixes)})",
            )
        found = f"found {at!r}" if at else "found the end of the line" if line else "found nothing"
        if line_no == len(lines) and column > len(line):
            found = "reached the end of the query"
        parts = messages or [found]
        if tokens and not messages:
            parts.append("expected " + ("" if len(tokens) == 1 else "one of ") + " ".join(tokens))
        message = "; ".join(parts)
    shown = line.replace("\t", " ")
    start = max(0, column - 70)
    caret = " " * (column - 1 - start) + "^"
    return (
        f"syntax error at line {line_no}, column {column}: {message}\n  {shown[start:]}\n  {caret}"
    )


# -- results --------------------------------------------------------------------------------------


def result_kind(result: QueryResult) -> str:
    """``"solutions"`` (SELECT), ``"boolean"`` (ASK) or ``"graph"`` (CONSTRUCT, DESCRIBE)."""
    if isinstance(result, QueryBoolean):
        return "boolean"
    if isinstance(result, QueryTriples):
        return "graph"
    return "solutions"


_NUMERIC = {
    XSD.integer.value,
    "http://www.w3.org/2001/XMLSchema#decimal",
    "http://www.w3.org/2001/XMLSchema#double",
}
_LOCAL_NAME = re.compile(r"[A-Za-z_][\w\-]*(?:\.[\w\-]+)*")


def format_term(term: object, prefixes: Mapping[str, str] = PREFIXES) -> str:
    """A term as the table shows it: a prefixed name, ``<IRI>``, ``_:id`` or the literal's text.

    >>> from pyoxigraph import Literal, NamedNode
    >>> format_term(NamedNode("http://schema.org/headline")), format_term(Literal("two\\nlines"))
    ('schema:headline', 'two\\\\nlines')
    >>> format_term(NamedNode("https://w3id.org/newsgraph/id/topic/ai")), format_term(None)
    ('<https://w3id.org/newsgraph/id/topic/ai>', '')
    """
    if term is None:
        return ""
    if isinstance(term, NamedNode):
        for prefix, namespace in prefixes.items():
            local = term.value[len(namespace) :]
            if term.value.startswith(namespace) and _LOCAL_NAME.fullmatch(local):
                return f"{prefix}:{local}"
        return f"<{term.value}>"
    if isinstance(term, BlankNode):
        return f"_:{term.value}"
    if isinstance(term, Literal):
        return term.value.replace("\\", "\\\\").replace("\n", "\\n").replace("\r", "\\r")
    return str(term)


def _width(text: str) -> int:
    """Columns ``text`` takes in a terminal: wide (CJK) characters two, combining marks none."""
    return sum(
        0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1
        for c in text
    )


def _table(result: QueryResult) -> bytes:
    if isinstance(result, QueryBoolean):
        return b"true\n" if bool(result) else b"false\n"
    if isinstance(result, QueryTriples):
        return _turtle(result) or b"(no triples)\n"
    names = [v.value for v in result.variables]
    rows: list[list[str]] = []
    numeric = [True] * len(names)
    for solution in result:
        row = []
        for i, name in enumerate(names):
            term = solution[name]
            row.append(format_term(term).replace("\t", " "))
            if term is not None and not (
                isinstance(term, Literal) and term.datatype.value in _NUMERIC
            ):
                numeric[i] = False
        rows.append(row)
    widths = [
        max([_width(name)] + [_width(row[i]) for row in rows]) for i, name in enumerate(names)
    ]

    def line(cells: list[str]) -> str:
        padded = [
            " " * (w - _width(cell)) + cell if num else cell + " " * (w - _width(cell))
            for cell, w, num in zip(cells, widths, numeric, strict=True)
        ]
        return "  ".join(padded).rstrip()

    out = [line(names), "  ".join("-" * w for w in widths)]
    out.extend(line(row) for row in rows)
    out.append(f"({len(rows)} row{'' if len(rows) == 1 else 's'})")
    return ("\n".join(out) + "\n").encode("utf-8")


def _turtle(result: QueryResult) -> bytes:
    assert isinstance(result, QueryTriples)
    return serialize(result, format=RdfFormat.TURTLE, prefixes=dict(PREFIXES)) or b""


def _results(fmt: QueryResultsFormat) -> Callable[[QueryResult], bytes]:
    def write(result: QueryResult) -> bytes:
        assert isinstance(result, QuerySolutions | QueryBoolean)
        return result.serialize(format=fmt) or b""

    return write


def _ntriples(result: QueryResult) -> bytes:
    assert isinstance(result, QueryTriples)
    return result.serialize(format=RdfFormat.N_TRIPLES) or b""


@dataclass(frozen=True, slots=True)
class ResultFormat:
    """A way to write query results: name, media type, the kinds of result it holds, writer."""

    name: str
    media_type: str
    kinds: frozenset[str]
    write: Callable[[QueryResult], bytes]
    aliases: tuple[str, ...] = ()
    """Other media types asked for in HTTP ``Accept`` headers that mean this format."""


_TABULAR = frozenset({"solutions", "boolean"})
_GRAPH = frozenset({"graph"})

RESULT_FORMATS: dict[str, ResultFormat] = {
    f.name: f
    for f in [
        ResultFormat("table", "text/plain; charset=utf-8", _TABULAR | _GRAPH, _table),
        ResultFormat("csv", "text/csv; charset=utf-8", _TABULAR, _results(QueryResultsFormat.CSV)),
        ResultFormat(
            "tsv",
            "text/tab-separated-values; charset=utf-8",
            _TABULAR,
            _results(QueryResultsFormat.TSV),
        ),
        ResultFormat(
            "json",
            "application/sparql-results+json",
            _TABULAR,
            _results(QueryResultsFormat.JSON),
            ("application/json",),
        ),
        ResultFormat(
            "xml",
            "application/sparql-results+xml",
            _TABULAR,
            _results(QueryResultsFormat.XML),
            ("application/xml", "text/xml"),
        ),
        ResultFormat(
            "turtle", "text/turtle", _GRAPH, _turtle, ("application/turtle", "application/x-turtle")
        ),
        ResultFormat("ntriples", "application/n-triples", _GRAPH, _ntriples, ("text/plain",)),
    ]
}
"""Result formats by name. ``table`` is for people: an aligned table of SELECT results (values
shown by :func:`format_term`), ``true``/``false`` for ASK, Turtle for CONSTRUCT and DESCRIBE."""


def write_results(result: QueryResult, fmt: str = "table") -> bytes:
    """``result`` written in the format named ``fmt`` (a key of :data:`RESULT_FORMATS`).

    Raises:
        QueryError: The format cannot hold this kind of result (CSV for a CONSTRUCT, Turtle for
            a SELECT), or the query fails while its results are read.
    """
    target = RESULT_FORMATS[fmt]
    kind = result_kind(result)
    if kind not in target.kinds:
        fitting = [f.name for f in RESULT_FORMATS.values() if kind in f.kinds]
        what = "a graph (CONSTRUCT, DESCRIBE)" if kind == "graph" else "SELECT or ASK results"
        raise QueryError(f"{fmt} cannot hold {what}; use one of {', '.join(fitting)}")
    try:
        return target.write(result)
    except (OSError, SyntaxError, ValueError) as exc:
        raise QueryError(f"the query failed while running: {exc}") from exc


def query(
    text: str,
    data: Iterable[str | os.PathLike[str]] = ("exports",),
    *,
    store: str | os.PathLike[str] | None = None,
) -> QueryResult:
    """Run a query (or a ``.rq`` file) on the exports in ``data``: the one-call form for scripts.

    Loads ``data`` with :func:`open_store` on every call, unless ``store`` names a folder for an
    on-disk store, which is loaded once and then reused; for many queries, open the store once
    and call :func:`run_query`.

    Example:
        >>> import newsgraph, tempfile
        >>> out = tempfile.mkdtemp()
        >>> _ = newsgraph.run_build(["seeds/"], out, formats=["turtle"])
        >>> rows = newsgraph.query("SELECT ?name { ?p schema:name ?name } ORDER BY ?name", [out])
        >>> [row["name"].value for row in rows]
        ['The Globe and Mail', 'The National Law Review']
    """
    return run_query(open_store(data, store=store), read_query(text))
