"""A read-only SPARQL 1.1 Protocol endpoint over the exports, on the standard library's HTTP server.

``GET /sparql?query=...`` and ``POST /sparql`` (``application/sparql-query`` or a form with
``query=``) answer in the format the ``Accept`` header asks for: SPARQL results JSON, XML, CSV or
TSV for SELECT and ASK, Turtle or N-Triples for CONSTRUCT and DESCRIBE (see
:data:`newsgraph.sparql.RESULT_FORMATS`). ``GET /sparql`` without a query gives the SPARQL 1.1
Service Description. SPARQL Update, in any form, is refused with 403; so is ``SERVICE``, which
would make the server fetch other URLs.

Why not oxigraph's own server (``oxigraph serve-read-only``, on PyPI as ``oxigraph``): measured on
the corpus with ``--timeout-s 1``, a slow query answered ``200 OK`` and then a truncated body (a
CSV header and nothing else, as if there were no results) after 15 s, an ``ORDER BY`` over a cross
product was not stopped at all within 60 s, federated ``SERVICE`` queries are on, and it needs the
data loaded into an on-disk store first.

How a query is run: the parent process loads the store once and forks a child for each connection
(:class:`socketserver.ForkingMixIn`, so the store is shared copy-on-write and never locked). The
child reads the request and forks a grandchild that runs the query and writes the serialised
results into a pipe. pyoxigraph cannot cancel a running query, so when the timeout passes the
child kills the grandchild and answers 503; the grandchild also has a CPU-time limit, so a query
never outlives its server by more than the timeout. Requests are bounded: a query of at most
1 MiB, 30 s to send it, at most 32 connections handled at once.
"""

from __future__ import annotations

import http.server
import ipaddress
import math
import os
import select
import signal
import socket
import socketserver
import time
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from pyoxigraph import Literal, NamedNode, RdfFormat, Store, Triple, serialize

from newsgraph import __version__
from newsgraph.errors import QueryError
from newsgraph.sparql import RESULT_FORMATS, ResultFormat, result_kind, run_query, write_results
from newsgraph.vocab import DCTERMS, RDF, RDFS, VOID, XSD

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DEFAULT_TIMEOUT",
    "ENDPOINT_PATH",
    "MAX_QUERY_BYTES",
    "SparqlServer",
    "is_loopback",
    "make_server",
    "negotiate",
    "service_description",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 7878
DEFAULT_TIMEOUT = 30.0
"""Seconds a query may run before it is stopped and answered 503."""
ENDPOINT_PATH = "/sparql"
MAX_QUERY_BYTES = 1 << 20
"""The largest request body (a query or a form) the server reads; larger ones get 413."""

_SD = "http://www.w3.org/ns/sparql-service-description#"
_FORMATS = "http://www.w3.org/ns/formats/"
_RESULT_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
    "turtle": "Turtle",
    "ntriples": "N-Triples",
}
_SERVED = [RESULT_FORMATS[name] for name in _RESULT_FORMAT_IRIS]
_TEXT = "text/plain; charset=utf-8"
_SD_PREFIXES = {
    "sd": _SD,
    "formats": _FORMATS,
    "dcterms": DCTERMS.iri,
    "rdfs": RDFS.iri,
    "void": VOID.iri,
}


def is_loopback(host: str) -> bool:
    """Whether ``host`` is this machine only (``localhost``, ``127.0.0.0/8``, ``::1``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def negotiate(accept: str, kind: str) -> ResultFormat | None:
    """The format to answer with for an ``Accept`` header and a kind of result, or None (406).

    ``kind`` is ``solutions``, ``boolean`` or ``graph`` (:func:`newsgraph.sparql.result_kind`);
    without an ``Accept`` header (or with ``*/*``) SELECT and ASK get JSON, graphs Turtle.

    >>> negotiate("text/csv", "solutions").name, negotiate("", "graph").name
    ('csv', 'turtle')
    >>> negotiate("application/n-triples;q=0.5, text/turtle;q=0.9", "graph").name
    'turtle'
    >>> negotiate("text/turtle", "solutions") is None
    True
    """
    candidates = [f for f in _SERVED if kind in f.kinds]
    ranges: list[tuple[float, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        media, *params = (p.strip() for p in part.split(";"))
        quality = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media and quality > 0:
            ranges.append((-quality, index, media.lower()))
    if not ranges:
        return candidates[0]
    for _, _, media in sorted(ranges):
        for fmt in candidates:
            types = (fmt.media_type.split(";")[0], *fmt.aliases)
            if (
                media == "*/*"
                or media in types
                or any(media == t.split("/")[0] + "/*" for t in types)
            ):
                return fmt
    return None


def service_description(store: Store, endpoint: str) -> list[Triple]:
    """The SPARQL 1.1 Service Description of the endpoint at ``endpoint`` serving ``store``."""
    sd = {name: NamedNode(_SD + name) for name in ["Service", "Dataset", "Graph"]}
    service = NamedNode(endpoint)
    dataset = NamedNode(endpoint + "#dataset")
    graph = NamedNode(endpoint + "#default-graph")

    def p(name: str) -> NamedNode:
        return NamedNode(_SD + name)

    triples = [
        Triple(service, RDF.type, sd["Service"]),
        Triple(service, DCTERMS.title, Literal("newsgraph SPARQL endpoint (read-only)")),
        Triple(service, p("endpoint"), service),
        Triple(service, p("supportedLanguage"), p("SPARQL11Query")),
    ]
    triples += [
        Triple(service, p("resultFormat"), NamedNode(_FORMATS + _RESULT_FORMAT_IRIS[f.name]))
        for f in _SERVED
    ]
    triples += [
        Triple(
            service,
            p("defaultEntailmentRegime"),
            NamedNode("http://www.w3.org/ns/entailment/Simple"),
        ),
        Triple(service, p("defaultDataset"), dataset),
        Triple(dataset, RDF.type, sd["Dataset"]),
        Triple(dataset, p("defaultGraph"), graph),
    ]
    # the VoID description of the exports (graph.void.ttl), where it was loaded
    triples += [
        Triple(dataset, RDFS.seeAlso, quad.subject)
        for quad in store.quads_for_pattern(None, RDF.type, VOID.Dataset)
    ]
    triples += [
        Triple(graph, RDF.type, sd["Graph"]),
        Triple(graph, VOID.triples, Literal(str(len(store)), datatype=XSD.integer)),
    ]
    return triples


class _Handler(http.server.BaseHTTPRequestHandler):
    server: SparqlServer
    server_version = f"newsgraph/{__version__}"
    timeout = 30  # seconds a client may take to send its request

    # -- methods ----------------------------------------------------------------------------------

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        if not self._at_endpoint(url.path):
            return
        params = parse_qs(url.query, keep_blank_values=True)
        if "update" in params:
            self._refuse_update()
        elif "query" in params:
            self._query(params)
        else:
            self._describe()

    def do_POST(self) -> None:
        url = urlsplit(self.path)
        if not self._at_endpoint(url.path):
            return
        media = self.headers.get("Content-Type", "").split(";")[0].strip().lower()
        if media == "application/sparql-update":
            self._refuse_update()
            return
        body = self._body()
        if body is None:
            return
        params = parse_qs(url.query, keep_blank_values=True)
        if media == "application/sparql-query":
            params["query"] = [body.decode("utf-8", errors="replace")]
            self._query(params)
        elif media == "application/x-www-form-urlencoded":
            form = parse_qs(body.decode("utf-8", errors="replace"), keep_blank_values=True)
            if "update" in form:
                self._refuse_update()
            elif "query" in form:
                self._query({**params, **form})
            else:
                self._send(400, _TEXT, "the form has no query= field; send query=<SPARQL query>")
        else:
            self._send(
                415,
                _TEXT,
                f"cannot read a {media or 'body without Content-Type'}; POST a query as "
                "application/sparql-query or as query= in application/x-www-form-urlencoded",
            )

    def _read_only(self) -> None:
        self._send(
            405,
            _TEXT,
            f"this endpoint is read-only: {self.command} is not allowed; use GET or POST",
            {"Allow": "GET, POST"},
        )

    do_PUT = do_DELETE = do_PATCH = _read_only

    # -- answers ----------------------------------------------------------------------------------

    def _at_endpoint(self, path: str) -> bool:
        if path.rstrip("/") == ENDPOINT_PATH:
            return True
        self._send(404, _TEXT, f"nothing at {path}; the SPARQL endpoint is {ENDPOINT_PATH}")
        return False

    def _body(self) -> bytes | None:
        length = self.headers.get("Content-Length")
        if length is None or not length.isdigit():
            self._send(411, _TEXT, "send a Content-Length header with the query")
            return None
        if int(length) > MAX_QUERY_BYTES:
            self._send(413, _TEXT, f"the request body is over {MAX_QUERY_BYTES} bytes")
            return None
        return self.rfile.read(int(length))

    def _refuse_update(self) -> None:
        self._send(
            403,
            _TEXT,
            "SPARQL Update is not allowed: this endpoint is read-only; change the input files "
            "and run `newsgraph build` again",
        )

    def _query(self, params: dict[str, list[str]]) -> None:
        if "default-graph-uri" in params or "named-graph-uri" in params:
            self._send(
                400,
                _TEXT,
                "this endpoint has one default graph and no named graphs; "
                "drop default-graph-uri and named-graph-uri",
            )
            return
        if len(params["query"]) != 1:
            self._send(400, _TEXT, "give exactly one query= parameter")
            return
        accept = self.headers.get("Accept", "")
        status, media, body = self.server.run(params["query"][0], accept)
        self._send(status, media, body)

    def _describe(self) -> None:
        host = self.headers.get("Host")
        try:  # the endpoint's IRI as the client calls it (it may be behind another name)
            triples = service_description(self.server.store, f"http://{host}{ENDPOINT_PATH}")
        except ValueError:  # no Host header, or one that makes no IRI
            triples = service_description(self.server.store, self.server.url)
        fmt = negotiate(self.headers.get("Accept", ""), "graph") or RESULT_FORMATS["turtle"]
        if fmt.name == "turtle":
            body = serialize(triples, format=RdfFormat.TURTLE, prefixes=_SD_PREFIXES)
        else:
            body = serialize(triples, format=RdfFormat.N_TRIPLES)
        self._send(200, fmt.media_type, body or b"")

    def _send(
        self, status: int, media: str, body: bytes | str, headers: dict[str, str] | None = None
    ) -> None:
        data = body.encode("utf-8") + b"\n" if isinstance(body, str) else body
        try:
            self.send_response(status)
            self.send_header("Content-Type", media)
            self.send_header("Content-Length", str(len(data)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.end_headers()
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client went away; nothing to tell it


@dataclass(frozen=True)
class _Answer:
    status: int
    media: str
    body: bytes


class SparqlServer(socketserver.ForkingMixIn, http.server.HTTPServer):
    """The endpoint: an HTTP server over one loaded store, a forked child per connection.

    Use :func:`make_server`; ``serve_forever()`` serves until interrupted.
    """

    max_children = 32

    def __init__(self, store: Store, host: str, port: int, timeout: float) -> None:
        self.store = store
        self.query_timeout = timeout
        self.address_family = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)[0][0]
        super().__init__((host, port), _Handler)

    def server_bind(self) -> None:
        # HTTPServer.server_bind looks up the host's name (socket.getfqdn), which can hang for
        # seconds without DNS; the address is all the endpoint needs.
        socketserver.TCPServer.server_bind(self)
        host, port = self.server_address[:2]
        self.server_name, self.server_port = str(host), int(port)

    @property
    def url(self) -> str:
        """The endpoint's URL, e.g. ``http://127.0.0.1:7878/sparql``."""
        host = self.server_name
        host = f"[{host}]" if ":" in host else host
        return f"http://{host}:{self.server_port}{ENDPOINT_PATH}"

    def run(self, query: str, accept: str) -> tuple[int, str, bytes]:
        """Run ``query`` in a forked process, killed after the timeout: (status, type, body)."""
        read_end, write_end = os.pipe()
        pid = os.fork()
        if pid == 0:  # the query process: answer into the pipe, then exit without cleanup
            try:
                os.close(read_end)
                _limit_cpu(math.ceil(self.query_timeout) + 1)
                answer = _evaluate(self.store, query, accept)
                header = f"{answer.status} {answer.media}\n".encode()
                with os.fdopen(write_end, "wb") as pipe:
                    pipe.write(header + answer.body)
            finally:
                os._exit(0)
        os.close(write_end)
        deadline = time.monotonic() + self.query_timeout
        chunks: list[bytes] = []
        try:
            while True:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    os.kill(pid, signal.SIGKILL)
                    return (
                        503,
                        _TEXT,
                        (
                            f"the query ran longer than the {self.query_timeout:g} s timeout and "
                            "was stopped; make it more selective (fewer unconnected patterns, a "
                            "LIMIT) or restart the server with a longer --timeout\n"
                        ).encode(),
                    )
                ready, _, _ = select.select([read_end], [], [], remaining)
                if ready:
                    chunk = os.read(read_end, 1 << 16)
                    if not chunk:
                        break
                    chunks.append(chunk)
        finally:
            os.close(read_end)
            os.waitpid(pid, 0)
        head, _, body = b"".join(chunks).partition(b"\n")
        status, _, media = head.decode().partition(" ")
        if not status.isdigit():
            return 500, _TEXT, b"the query process failed without an answer\n"
        return int(status), media, body


def _limit_cpu(seconds: int) -> None:
    """A backstop for the timeout: the kernel stops this process after ``seconds`` of CPU."""
    import resource  # Unix only, like fork()

    _, hard = resource.getrlimit(resource.RLIMIT_CPU)
    if hard == resource.RLIM_INFINITY or hard > seconds:
        resource.setrlimit(resource.RLIMIT_CPU, (seconds, seconds + 1))


def _evaluate(store: Store, query: str, accept: str) -> _Answer:
    try:
        result = run_query(store, query, federated=False)
        kind = result_kind(result)
        fmt = negotiate(accept, kind)
        if fmt is None:
            offered = ", ".join(f.media_type for f in _SERVED if kind in f.kinds)
            message = f"cannot answer in {accept}; this query's results can be: {offered}\n"
            return _Answer(406, _TEXT, message.encode())
        return _Answer(200, fmt.media_type, write_results(result, fmt.name))
    except QueryError as exc:
        return _Answer(400, _TEXT, f"{exc}\n".encode())
    except Exception as exc:  # anything else is the server's fault: say what it was
        return _Answer(500, _TEXT, f"the query failed: {type(exc).__name__}: {exc}\n".encode())


def make_server(
    store: Store,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    *,
    timeout: float = DEFAULT_TIMEOUT,
) -> SparqlServer:
    """A read-only SPARQL endpoint for ``store``, bound and ready to ``serve_forever()``.

    Args:
        store: From :func:`newsgraph.sparql.open_store`.
        host: The address to listen on; loopback by default, so only this machine can query.
        port: The port; 0 picks a free one (see :attr:`SparqlServer.url`).
        timeout: Seconds a query may run before it is stopped and answered 503.

    Raises:
        OSError: The address cannot be bound (in use, or not this machine's).
    """
    if not hasattr(os, "fork"):
        raise QueryError("newsgraph serve needs a system with fork() (Linux, macOS)")
    return SparqlServer(store, host, port, timeout)
