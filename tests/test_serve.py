"""newsgraph serve: the SPARQL 1.1 Protocol endpoint, queried with SPARQLWrapper and plain urllib.

Every server runs in a subprocess on 127.0.0.1 with a port the system picks (``--port 0``); every
request has a client timeout, and each test makes a fixed, small number of requests.
"""

from __future__ import annotations

import json
import re
import select
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyoxigraph
import pytest
from click.testing import CliRunner
from SPARQLWrapper import CSV, JSON, POST, POSTDIRECTLY, TSV, TURTLE, URLENCODED, XML, SPARQLWrapper

import newsgraph
from newsgraph import serve
from newsgraph.cli import main

ROOT = Path(__file__).resolve().parents[1]
SEED = ROOT / "seeds"
CLIENT_TIMEOUT = 30  # seconds; no request in these tests may take longer
TOPICS = """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT ?label WHERE { ?t skos:prefLabel ?label } ORDER BY ?label"""
PROVIDERS = "SELECT ?name (COUNT(?a) AS ?articles) WHERE { ?a schema:publisher/schema:name ?name }"
PROVIDERS += " GROUP BY ?name ORDER BY ?name"
# Four unconnected patterns over ~170 triples: 8.7e8 rows to count, minutes of work.
SLOW = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


@pytest.fixture(scope="module")
def exports(seed_exports: Path) -> Path:
    return seed_exports


@contextmanager
def running_server(data: Path, log: Path, *options: str) -> Iterator[tuple[str, int]]:
    """``newsgraph serve`` in a subprocess: yields its URL and process id, stops it after."""
    command = [sys.executable, "-m", "newsgraph", "serve", "--data", str(data), "--port", "0"]
    with open(log, "wb") as stderr:
        process = subprocess.Popen([*command, *options], stdout=subprocess.PIPE, stderr=stderr)
    try:
        assert process.stdout is not None
        ready, _, _ = select.select([process.stdout], [], [], 60)
        assert ready, f"the server printed nothing in 60 s: {log.read_text()}"
        line = process.stdout.readline().decode()
        match = re.search(r"http://\S+", line)
        assert match, f"no URL in {line!r}: {log.read_text()}"
        yield match[0], process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)
        if process.stdout is not None:
            process.stdout.close()


@pytest.fixture(scope="module")
def endpoint(exports: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running_server(exports, log, "--timeout", "30") as (url, _):
        yield url


def fetch(
    url: str,
    *,
    query: str | None = None,
    data: bytes | None = None,
    headers: dict[str, str] | None = None,
    method: str | None = None,
) -> tuple[int, dict[str, str], bytes]:
    """One bounded HTTP request: (status, headers, body), errors included."""
    if query is not None:
        url += "?" + urllib.parse.urlencode({"query": query})
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=CLIENT_TIMEOUT) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as error:
        with error:
            return error.code, dict(error.headers), error.read()


def cli(query: str, exports: Path, fmt: str) -> bytes:
    result = CliRunner().invoke(main, ["sparql", query, "--data", str(exports), "-f", fmt])
    assert result.exit_code == 0, result.output
    return result.stdout_bytes


def bindings(results: dict[str, Any]) -> Counter[str]:
    return Counter(json.dumps(b, sort_keys=True) for b in results["results"]["bindings"])


# -- where it listens -----------------------------------------------------------------------------


def test_listens_on_loopback_only(endpoint: str) -> None:
    host = urllib.parse.urlsplit(endpoint).hostname
    assert host == "127.0.0.1" and serve.is_loopback(host)
    assert urllib.parse.urlsplit(endpoint).path == "/sparql"


@pytest.mark.parametrize(
    "host,loopback",
    [
        *[("127.0.0.1", True), ("127.0.0.2", True), ("::1", True), ("localhost", True)],
        *[("0.0.0.0", False), ("::", False), ("192.168.1.10", False), ("example.org", False)],
    ],
)
def test_is_loopback(host: str, loopback: bool) -> None:
    assert serve.is_loopback(host) is loopback


def test_cli_defaults_are_the_library_defaults() -> None:
    params = {p.name: p.default for p in main.commands["serve"].params}
    assert params["host"] == serve.DEFAULT_HOST
    assert params["port"] == serve.DEFAULT_PORT
    assert params["timeout"] == serve.DEFAULT_TIMEOUT


def test_cli_warns_when_listening_beyond_loopback(
    exports: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    class Stub:  # binds nothing: the warning is what is under test
        url = "http://0.0.0.0:7878/sparql"

        def serve_forever(self) -> None:
            raise KeyboardInterrupt

        def server_close(self) -> None:
            pass

    monkeypatch.setattr(serve, "make_server", lambda *args, **kwargs: Stub())
    result = CliRunner().invoke(main, ["serve", "--data", str(exports), "--host", "0.0.0.0"])
    assert result.exit_code == 0, result.output
    assert "warning: 0.0.0.0 is reachable from other machines" in result.stderr
    assert "SPARQL endpoint at http://0.0.0.0:7878/sparql" in result.stdout


def test_a_port_in_use_is_an_error(exports: Path, endpoint: str) -> None:
    port = str(urllib.parse.urlsplit(endpoint).port)
    result = CliRunner().invoke(main, ["serve", "--data", str(exports), "--port", port])
    assert result.exit_code == 1
    assert f"Error: cannot listen on 127.0.0.1:{port}" in result.stderr


# -- answers --------------------------------------------------------------------------------------


def test_service_description(endpoint: str, exports: Path) -> None:
    status, headers, body = fetch(endpoint)
    assert status == 200 and headers["Content-Type"] == "text/turtle"
    store = pyoxigraph.Store()
    store.load(body, format=pyoxigraph.RdfFormat.TURTLE)
    sd = "http://www.w3.org/ns/sparql-service-description#"
    rows = store.query(
        f"""PREFIX sd: <{sd}>
        SELECT ?endpoint ?triples (COUNT(DISTINCT ?format) AS ?formats) WHERE {{
          ?service a sd:Service ; sd:endpoint ?endpoint ; sd:supportedLanguage sd:SPARQL11Query ;
                   sd:resultFormat ?format ;
                   sd:defaultDataset/sd:defaultGraph/void:triples ?triples .
        }} GROUP BY ?endpoint ?triples""",
        prefixes={"void": "http://rdfs.org/ns/void#"},
    )
    (row,) = list(rows)
    assert row["endpoint"].value == endpoint
    assert int(row["triples"].value) == len(newsgraph.open_store([exports]))
    assert int(row["formats"].value) == 6
    status, headers, body = fetch(endpoint, headers={"Accept": "application/n-triples"})
    assert headers["Content-Type"] == "application/n-triples" and body.count(b"\n") == len(store)


@pytest.mark.parametrize("query", [TOPICS, PROVIDERS], ids=["topics", "providers"])
def test_get_gives_what_newsgraph_sparql_gives(endpoint: str, exports: Path, query: str) -> None:
    status, headers, body = fetch(endpoint, query=query)  # no Accept: JSON
    assert (status, headers["Content-Type"]) == (200, "application/sparql-results+json")
    assert json.loads(body) == json.loads(cli(query, exports, "json"))
    for accept, fmt in [("text/csv", "csv"), ("text/tab-separated-values", "tsv")]:
        status, headers, body = fetch(endpoint, query=query, headers={"Accept": accept})
        assert status == 200 and headers["Content-Type"].startswith(accept)
        assert body == cli(query, exports, fmt)


def test_an_on_disk_store_is_served(exports: Path, tmp_path: Path) -> None:
    store = tmp_path / "store"
    for run in range(2):  # loaded, then reused
        with running_server(exports, tmp_path / "serve.log", "--store", str(store)) as (url, _):
            answers = [fetch(url, query=q, headers={"Accept": "text/csv"}) for q in (TOPICS,) * 3]
            assert {(status, body) for status, _, body in answers} == {
                (200, cli(TOPICS, exports, "csv"))
            }
            body = fetch(url, query=PROVIDERS)[2]
            assert json.loads(body) == json.loads(cli(PROVIDERS, exports, "json"))
        loaded = "loading the data into the on-disk store" in (tmp_path / "serve.log").read_text()
        assert loaded == (run == 0)  # the second run reused it


@pytest.mark.parametrize(
    "method,request_method",
    [("GET", None), (POST, URLENCODED), (POST, POSTDIRECTLY)],
    ids=["get", "post-form", "post-query"],
)
def test_sparqlwrapper(
    endpoint: str, exports: Path, method: str, request_method: str | None
) -> None:
    def ask(query: str, fmt: str) -> Any:
        client = SPARQLWrapper(endpoint)
        client.setTimeout(CLIENT_TIMEOUT)
        client.setMethod(method)
        if request_method:
            client.setRequestMethod(request_method)
        client.setQuery(query)
        client.setReturnFormat(fmt)
        return client.query().convert()

    expected = json.loads(cli(PROVIDERS, exports, "json"))
    assert bindings(ask(PROVIDERS, JSON)) == bindings(expected)
    assert ask(PROVIDERS, CSV) == cli(PROVIDERS, exports, "csv")
    assert ask(PROVIDERS, TSV) == cli(PROVIDERS, exports, "tsv")
    literals = ask(TOPICS, XML).getElementsByTagName("literal")
    assert [e.firstChild.data for e in literals] == ["AI", "Computer Vision"]
    assert ask("ASK { ?a a schema:NewsArticle }", JSON)["boolean"] is True
    construct = "CONSTRUCT WHERE { ?t skos:prefLabel ?label }"
    graph = pyoxigraph.parse(ask(construct, TURTLE), format=pyoxigraph.RdfFormat.TURTLE)
    assert {str(q) for q in graph} == {
        str(q)
        for q in pyoxigraph.parse(
            cli(construct, exports, "ntriples"), format=pyoxigraph.RdfFormat.N_TRIPLES
        )
    }


@pytest.mark.parametrize(
    "accept,media",
    [
        ("text/turtle", "text/turtle"),
        ("application/n-triples", "application/n-triples"),
        ("text/html, */*;q=0.1", "text/turtle"),
    ],
)
def test_graphs_are_negotiated(endpoint: str, accept: str, media: str) -> None:
    query = "CONSTRUCT WHERE { ?t skos:prefLabel ?label }"
    status, headers, body = fetch(endpoint, query=query, headers={"Accept": accept})
    assert (status, headers["Content-Type"]) == (200, media)
    fmt = pyoxigraph.RdfFormat.from_media_type(media)
    assert fmt is not None and len(list(pyoxigraph.parse(body, format=fmt))) == 2


def test_post_query_forms(endpoint: str, exports: Path) -> None:
    form = urllib.parse.urlencode({"query": TOPICS}).encode()
    direct = fetch(
        endpoint, data=TOPICS.encode(), headers={"Content-Type": "application/sparql-query"}
    )
    encoded = fetch(
        endpoint, data=form, headers={"Content-Type": "application/x-www-form-urlencoded"}
    )
    assert direct[0] == encoded[0] == 200
    assert (
        json.loads(direct[2]) == json.loads(encoded[2]) == json.loads(cli(TOPICS, exports, "json"))
    )


# -- refusals -------------------------------------------------------------------------------------

INSERT = "INSERT DATA { <https://a.example/s> <https://a.example/p> 1 }"


@pytest.mark.parametrize(
    "kind",
    ["post-update", "form-update", "get-update", "query-is-update", "sparqlwrapper", "put"],
)
def test_writes_are_refused(endpoint: str, kind: str) -> None:
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    before = fetch(endpoint, query=count)[2]
    if kind == "sparqlwrapper":  # sends INSERT as update= in a form, as a client would
        client = SPARQLWrapper(endpoint)
        client.setTimeout(CLIENT_TIMEOUT)
        client.setMethod(POST)
        client.setQuery(INSERT)
        with pytest.raises(urllib.error.HTTPError) as error:
            client.query()
        status, body = error.value.code, error.value.read()
        error.value.close()
    else:
        status, _, body = {
            "post-update": lambda: fetch(
                endpoint,
                data=INSERT.encode(),
                headers={"Content-Type": "application/sparql-update"},
            ),
            "form-update": lambda: fetch(
                endpoint,
                data=urllib.parse.urlencode({"update": INSERT}).encode(),
                headers={"Content-Type": "application/x-www-form-urlencoded"},
            ),
            "get-update": lambda: fetch(
                endpoint + "?" + urllib.parse.urlencode({"update": INSERT})
            ),
            "query-is-update": lambda: fetch(endpoint, query=INSERT),
            "put": lambda: fetch(endpoint, data=b"<a:s> <a:p> <a:o> .", method="PUT"),
        }[kind]()
    expected = {"query-is-update": 400, "put": 405}.get(kind, 403)
    assert status == expected
    assert b"read-only" in body or b"SPARQL Update (INSERT) is not allowed" in body
    assert fetch(endpoint, query=count)[2] == before  # nothing changed


@pytest.mark.parametrize(
    "request_kwargs,status,says",
    [
        ({"query": "SELECT * WHERE {\n  ?s nope:x ?o }"}, 400, b"syntax error at line 2, column"),
        (
            {"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"},
            400,
            b"SERVICE (federated query) is disabled",
        ),
        ({"query": TOPICS, "headers": {"Accept": "text/turtle"}}, 406, b"cannot answer in"),
        ({"data": b"query", "headers": {"Content-Type": "text/plain"}}, 415, b"cannot read a"),
        (
            {
                "data": b"x" * (serve.MAX_QUERY_BYTES + 1),
                "headers": {"Content-Type": "application/sparql-query"},
            },
            413,
            b"over",
        ),
    ],
    ids=["syntax", "service", "not-acceptable", "content-type", "too-large"],
)
def test_bad_requests_say_what_is_wrong(
    endpoint: str, request_kwargs: dict[str, Any], status: int, says: bytes
) -> None:
    got, headers, body = fetch(endpoint, **request_kwargs)
    assert got == status
    assert headers["Content-Type"].startswith("text/plain")
    assert says in body


def test_other_paths_and_dataset_parameters(endpoint: str) -> None:
    base = endpoint.removesuffix("/sparql")
    assert fetch(base + "/query")[0] == 404
    query = urllib.parse.urlencode({"query": TOPICS, "default-graph-uri": "https://a.example/g"})
    status, _, body = fetch(endpoint + "?" + query)
    assert status == 400 and b"one default graph" in body


# -- time -----------------------------------------------------------------------------------------


def _children(pid: int) -> list[int]:
    """The processes whose parent is ``pid`` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry.name))
    return found


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="needs Linux /proc")
def test_a_slow_query_is_stopped_at_the_timeout(exports: Path, tmp_path: Path) -> None:
    with running_server(exports, tmp_path / "serve.log", "--timeout", "1") as (url, pid):
        slow: dict[str, Any] = {}

        def run_slow() -> None:
            start = time.monotonic()
            slow["answer"] = fetch(url, query=SLOW)
            slow["seconds"] = time.monotonic() - start

        thread = threading.Thread(target=run_slow)
        thread.start()
        time.sleep(0.3)
        quick = fetch(url, query=TOPICS)  # answered while the slow query runs
        assert quick[0] == 200 and thread.is_alive()
        thread.join(timeout=CLIENT_TIMEOUT)
        status, _, body = slow["answer"]
        assert status == 503
        assert b"ran longer than the 1 s timeout and was stopped" in body
        assert 1 <= slow["seconds"] < 5
        deadline = time.monotonic() + 5
        while _children(pid) and time.monotonic() < deadline:  # the query process is gone
            time.sleep(0.1)
        assert _children(pid) == []
        assert fetch(url, query=TOPICS)[0] == 200  # and the server goes on


def test_the_library_server_runs_and_stops_queries(exports: Path) -> None:
    server = serve.make_server(newsgraph.open_store([exports]), "127.0.0.1", 0, timeout=0.5)
    try:
        assert server.url.startswith("http://127.0.0.1:") and server.url.endswith("/sparql")
        status, media, body = server.run("ASK {}", "application/sparql-results+json")
        assert (status, media, json.loads(body)) == (
            200,
            "application/sparql-results+json",
            {"head": {}, "boolean": True},
        )
        status, _, body = server.run(SLOW, "")
        assert status == 503
    finally:
        server.server_close()
