"""The ``newsgraph`` command: thin click adapters over the library.

Each command parses its options, calls one library function and prints. Library errors
(:class:`newsgraph.NewsgraphError`) become ``Error: ...`` on stderr with exit code 1; usage errors
exit 2 (click's contract).
"""

from __future__ import annotations

import atexit
import functools
import gc
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click

from newsgraph import __version__
from newsgraph.errors import NewsgraphError
from newsgraph.export import EXPORTERS
from newsgraph.model import DEFAULT_GLOBS
from newsgraph.sparql import RESULT_FORMATS
from newsgraph.vocab import DEFAULT_BASE_IRI

F = TypeVar("F", bound=Callable[..., Any])

# How many problems the summary lists before pointing at report.json.
_SHOWN_PROBLEMS = 20


@contextmanager
def _errors() -> Iterator[None]:
    try:
        yield
    except NewsgraphError as exc:
        raise click.ClickException(str(exc)) from exc


def jobs_option(func: F) -> F:
    return click.option(
        "--jobs",
        "-j",
        type=click.IntRange(min=1),
        default=None,
        help="Worker processes for loading and for writing the formats (when memory is too short "
        "to fork helpers that share the graph, helpers started afresh write the RDF, GraphML "
        "and GEXF a range of nodes at a time) [default: one per core].",
    )(func)


def quiet_option(func: F) -> F:
    return click.option(
        "--quiet", "-q", is_flag=True, help="Print nothing but errors; problems stay in the report."
    )(func)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="newsgraph")
def main() -> None:
    """Turn folders of news front-matter files into one knowledge graph.

    Start with `newsgraph build`, then look in exports/.
    """
    _skip_last_collection()


@functools.cache
def _skip_last_collection() -> None:
    """Freeze every object at exit, so that Python's last collection does not walk them.

    A build leaves millions of objects; that walk took 0.5 s of a 12 s build at 10k files, and
    the memory goes back with the process anyway. (Registered once per process; in tests, which
    run the CLI in-process, it runs when the test process ends.)
    """
    atexit.register(gc.freeze)


def _check_base_iri(ctx: click.Context, param: click.Parameter, value: str) -> str:
    if not value.startswith(("http://", "https://", "urn:")) or not value.endswith(("/", "#")):
        raise click.BadParameter(
            f"{value!r} must be an absolute IRI ending in '/' or '#', "
            "e.g. https://example.org/news/"
        )
    return value


def _format_help() -> str:
    lines = [f"{e.name}: {e.filename}" for e in EXPORTERS.values()]
    return "Export format; repeat for several [default: all: " + ", ".join(lines) + "]."


@main.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option(
    "--out",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("exports"),
    show_default=True,
    help="Folder to write the exports and report.json into.",
)
@click.option(
    "--glob",
    "globs",
    multiple=True,
    metavar="PATTERN",
    help=f"File names to take from folders; repeatable [default: {' '.join(DEFAULT_GLOBS)}].",
)
@click.option(
    "--format",
    "-f",
    "formats",
    multiple=True,
    type=click.Choice(sorted(EXPORTERS), case_sensitive=False),
    help=_format_help(),
)
@click.option(
    "--base-iri",
    default=DEFAULT_BASE_IRI,
    show_default=True,
    callback=_check_base_iri,
    help="Base for the IRIs the RDF exports mint (end it with '/' or '#').",
)
@click.option("--strict", is_flag=True, help="Exit with code 1 if any file has any problem.")
@click.option(
    "--incremental",
    is_flag=True,
    help="Load only the files that changed since the last --incremental build into --out "
    "(a cache in OUT/.newsgraph-cache); the exports are the same as a full build's. When "
    "nothing changed (files, options, exports), nothing is done.",
)
@jobs_option
@click.option(
    "--engine",
    type=click.Choice(["local", "dask"], case_sensitive=False),
    default="local",
    show_default=True,
    help="local: a process pool on this machine, every format; dask: a dask.distributed "
    "cluster (needs newsgraph[dask]), writing nodes.parquet, edges.parquet and N-Triples shards "
    "graph-NNNNN.nt.",
)
@click.option(
    "--scheduler",
    metavar="ADDRESS",
    default=None,
    help="With --engine dask: the scheduler of a running cluster, e.g. tcp://host:8786 "
    "[default: start a local cluster].",
)
@click.option(
    "--workers",
    metavar="N",
    type=click.IntRange(min=1),
    default=None,
    help="With --engine dask and no --scheduler: worker processes of the local cluster "
    "[default: 2].",
)
@quiet_option
def build(
    paths: tuple[Path, ...],
    out: Path,
    globs: tuple[str, ...],
    formats: tuple[str, ...],
    base_iri: str,
    strict: bool,
    incremental: bool,
    jobs: int | None,
    engine: str,
    scheduler: str | None,
    workers: int | None,
    quiet: bool,
) -> None:
    """Build the knowledge graph from PATHS and write it to --out.

    PATHS are files, folders (searched recursively) and glob patterns [default: seeds/]. Files
    that cannot be used are skipped and reported, never fatal: report.json accounts for every file.
    With --engine dask the files are loaded on a Dask cluster (the inputs and --out on a
    filesystem every worker sees at the same path) and the graph is assembled here.

    Example: newsgraph build ../shared/corpus/everyday-ai --out exports/
    """
    engine = engine.lower()
    _check_engine_options(engine, scheduler, workers, formats, jobs, incremental)
    start = time.perf_counter()
    inputs = paths or [Path("seeds")]
    if incremental:
        from newsgraph.pipeline import REPORT_FILENAME, up_to_date

        with _errors():
            kept = up_to_date(
                inputs,
                out,
                formats=formats or None,
                globs=globs or DEFAULT_GLOBS,
                base_iri=base_iri,
            )
        if kept is not None:
            files = {name: out / file for name, file in kept.get("outputs", {}).items()}
            _finish(
                kept, {**files, "report": out / REPORT_FILENAME}, out, strict, quiet, start, True
            )
            return
    with _errors(), _progress(quiet) as (progress, on_files):
        common: dict[str, Any] = {
            "globs": globs or DEFAULT_GLOBS,
            "progress": progress,
            "on_files": on_files,
            "base_iri": base_iri,
        }
        if engine == "dask":
            from newsgraph.engines.dask import run_build as run_dask_build

            result = run_dask_build(inputs, out, scheduler=scheduler, workers=workers, **common)
        else:
            from newsgraph.pipeline import run_build

            result = run_build(
                inputs,
                out,
                formats=formats or None,
                jobs=jobs,
                incremental=incremental,
                **common,
            )
    _finish(result.report, result.outputs, out, strict, quiet, start, False)


def _finish(
    report: dict[str, Any],
    outputs: dict[str, Path],
    out: Path,
    strict: bool,
    quiet: bool,
    start: float,
    kept: bool,
) -> None:
    """Print what a build wrote (or, ``kept``, found up to date) and exit as its report says."""
    if not quiet:
        _print_problems(report["problems"], out)
        _print_summary(report, outputs, time.perf_counter() - start, kept=kept)
    if report["files_loaded"] == 0:
        raise click.ClickException(
            f"none of the {report['files_seen']} files could be loaded; "
            f"see the problems in {out / 'report.json'}"
        )
    if strict and report["problems"]:
        raise click.ClickException(
            f"{len(report['problems'])} problems (--strict); see {out / 'report.json'}"
        )


def _check_engine_options(
    engine: str,
    scheduler: str | None,
    workers: int | None,
    formats: tuple[str, ...],
    jobs: int | None,
    incremental: bool,
) -> None:
    if engine != "dask":
        if scheduler is not None or workers is not None:
            raise click.UsageError("--scheduler and --workers go with --engine dask")
        return
    if scheduler is not None and workers is not None:
        raise click.UsageError(
            "--workers sizes the local cluster; with --scheduler the cluster's own workers load"
        )
    if formats:
        raise click.UsageError(
            "--format chooses the local engine's formats; --engine dask writes nodes.parquet, "
            "edges.parquet and the N-Triples shards graph-NNNNN.nt"
        )
    if jobs is not None:
        raise click.UsageError("--jobs is for the local engine; with --engine dask use --workers")
    if incremental:
        raise click.UsageError("--incremental is for the local engine; --engine dask loads all")


@contextmanager
def _progress(
    quiet: bool,
) -> Iterator[tuple[Callable[[int], None] | None, Callable[[int], None] | None]]:
    """A progress bar on stderr, shown only on a terminal and for builds worth watching."""
    if quiet or not sys.stderr.isatty():
        yield None, None
        return
    bars: list[Any] = []

    def on_files(count: int) -> None:
        if count >= 1000:
            bar = click.progressbar(length=count, label="loading", file=sys.stderr)
            bars.append(bar.__enter__())

    def progress(step: int) -> None:
        if bars:
            bars[0].update(step)

    try:
        yield progress, on_files
    finally:
        for bar in bars:
            bar.__exit__(None, None, None)


def _print_problems(problems: list[dict[str, Any]], out: Path) -> None:
    for problem in problems[:_SHOWN_PROBLEMS]:
        where = f"{problem['file']}: {problem['field']}" if problem["field"] else problem["file"]
        click.echo(f"{problem['severity']}: {where}: {problem['message']}", err=True)
    if len(problems) > _SHOWN_PROBLEMS:
        more = len(problems) - _SHOWN_PROBLEMS
        click.echo(f"... and {more} more problems in {out / 'report.json'}", err=True)


def _print_summary(
    report: dict[str, Any], outputs: dict[str, Path], seconds: float, *, kept: bool = False
) -> None:
    counts, merges = report["counts"], report["merges"]
    errors = sum(p["severity"] == "error" for p in report["problems"])
    warnings = len(report["problems"]) - errors
    if kept:
        click.echo(
            f"{report['files_seen']} files unchanged since the last --incremental build "
            f"({report['files_loaded']} loaded, {report['files_skipped']} skipped, {errors} "
            f"errors, {warnings} warnings): nothing to do"
        )
    else:
        reused = f", {report['files_reused']} unchanged" if "files_reused" in report else ""
        click.echo(
            f"{report['files_seen']} files: {report['files_loaded']} loaded, "
            f"{report['files_skipped']} skipped ({errors} errors, {warnings} warnings){reused}"
        )
    click.echo("nodes: " + ", ".join(f"{n} {kind}" for kind, n in counts["nodes"].items()))
    click.echo("edges: " + ", ".join(f"{n} {kind}" for kind, n in counts["edges"].items()))
    click.echo(
        f"merged: {merges['duplicates_merged']} duplicate files, "
        f"{merges['stubs_completed']} related items completed by their own file, "
        f"{merges['self_links_dropped']} self-links dropped"
    )
    engine = report.get("engine")
    if engine:
        click.echo(
            f"engine: {engine['name']} ({engine['scheduler']}, {engine['workers']} workers, "
            f"{engine['shards']} N-Triples shards)"
        )
    listed = ", ".join(str(p) for p in outputs.values())
    if kept:
        click.echo(f"up to date: {listed} (checked in {seconds:.2f} s)")
    else:
        click.echo(f"wrote {listed} in {seconds:.2f} s")


@main.command("validate")
@click.argument("export", required=False, default=Path("exports"), type=click.Path(path_type=Path))
def validate_command(export: Path) -> None:
    """Check an RDF export against newsgraph's SHACL shapes (ontology/shapes.ttl).

    EXPORT is an export folder (its graph.nt, else graph.ttl, else graph.jsonld) or one RDF file
    (.ttl, .nt, .jsonld) [default: exports/]. Prints how many nodes were checked and, for each
    violation, the focus node, the property path, the value and the problem; exits with code 1
    if there is any.

    Example: newsgraph validate exports/graph.ttl
    """
    from newsgraph.validate import validate_export

    with _errors():
        report = validate_export(export)
    files = ", ".join(str(f) for f in report.files)
    click.echo(f"validated {files} ({report.triples} triples) in {report.seconds:.2f} s")
    kinds = ", ".join(f"{label}: {n}" for label, n in report.checked.items())
    click.echo(f"checked {report.focus_nodes} focus nodes ({kinds})")
    for number, violation in enumerate(report.violations, start=1):
        click.echo(f"\n{number}. {violation.severity} on {violation.focus}")
        click.echo(f"   path: {violation.path or '(the node itself)'}")
        if violation.value:
            click.echo(f"   value: {_shorten(violation.value)}")
        click.echo(f"   problem: {violation.message} ({violation.constraint})")
    if not report.conforms:
        count = len(report.violations)
        raise click.ClickException(f"{count} violation{'' if count == 1 else 's'}")
    click.echo("conforms: no violations")


def _loading_note(store: Path) -> None:
    """Say on stderr that ``--store`` is being loaded (minutes, for a big build)."""
    click.echo(f"loading the data into the on-disk store {store} (once) ...", err=True)


def _shorten(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


def data_option(func: F) -> F:
    return click.option(
        "--data",
        "data",
        multiple=True,
        metavar="PATH",
        type=click.Path(path_type=Path),
        help="Export folder or RDF file (.ttl, .nt, .jsonld) to load; repeatable "
        "[default: exports/].",
    )(func)


def store_option(func: F) -> F:
    return click.option(
        "--store",
        metavar="DIR",
        type=click.Path(file_okay=False, path_type=Path),
        help="Keep the data in an on-disk store in DIR (a new or empty folder the first time) "
        "and reuse it while the data files are unchanged: for big builds, loaded once instead "
        "of for every run (a million articles: 15 to 18 minutes once, then queries start at "
        "once).",
    )(func)


@main.command("sparql")
@click.argument("query", metavar="QUERY_OR_FILE")
@data_option
@store_option
@click.option(
    "--format",
    "-f",
    "fmt",
    type=click.Choice(list(RESULT_FORMATS), case_sensitive=False),
    default="table",
    show_default=True,
    help="table: aligned columns (Turtle for CONSTRUCT); csv, tsv, json, xml: SPARQL results "
    "for SELECT and ASK; turtle, ntriples: for CONSTRUCT and DESCRIBE.",
)
def sparql_command(query: str, data: tuple[Path, ...], store: Path | None, fmt: str) -> None:
    """Run a SPARQL query on the RDF exports and print its results.

    QUERY_OR_FILE is a SPARQL 1.1 query (SELECT, ASK, CONSTRUCT, DESCRIBE) or the path of a .rq
    file; ontology/queries/ has examples. The prefixes ng:, schema:, skos:, dcterms:, prov:,
    void:, rdf:, rdfs:, owl: and xsd: are predeclared. --data loads export folders (graph.nt,
    else graph.ttl, plus graph.void.ttl and the counts in graph.summary.ttl that the examples
    read) or RDF files into an in-memory store, or, with
    --store, into an on-disk store that later runs reuse. Updates are refused: the exports are
    rebuilt by `newsgraph build`, never edited.

    Example: newsgraph sparql "SELECT ?h WHERE { ?a schema:headline ?h } LIMIT 5" --data exports/
    """
    from newsgraph.sparql import open_store, read_query, run_query, write_results

    with _errors():
        text = read_query(query)
        opened = open_store(data or [Path("exports")], store=store, on_load=_loading_note)
        output = write_results(run_query(opened, text), fmt.lower())
    click.echo(output, nl=not output.endswith(b"\n"))


@main.command("serve")
@data_option
@store_option
@click.option(
    "--host",
    metavar="ADDRESS",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on; the default, loopback, lets only this machine query.",
)
@click.option(
    "--port",
    metavar="N",
    type=click.IntRange(0, 65535),
    default=7878,
    show_default=True,
    help="Port to listen on (0: any free port; the URL is printed).",
)
@click.option(
    "--timeout",
    metavar="SECONDS",
    type=click.FloatRange(min=0, min_open=True),
    default=30.0,
    show_default=True,
    help="Seconds a query may run; a slower one is stopped and answered 503.",
)
def serve_command(
    data: tuple[Path, ...], store: Path | None, host: str, port: int, timeout: float
) -> None:
    """Serve the RDF exports as a read-only SPARQL endpoint at http://HOST:PORT/sparql.

    A SPARQL 1.1 Protocol endpoint: GET ?query=..., or POST the query (application/sparql-query,
    or query= as a form); results as the Accept header asks (SPARQL results JSON, XML, CSV, TSV;
    Turtle, N-Triples), the service description on GET /sparql without a query. Updates and
    SERVICE are refused. Stop it with Ctrl-C.

    Example: newsgraph serve --data exports/ --port 7878
    """
    from newsgraph.serve import is_loopback, make_server
    from newsgraph.sparql import open_store, stored_triples

    with _errors():
        opened = open_store(data or [Path("exports")], store=store, on_load=_loading_note)
        triples = stored_triples(store) if store is not None else len(opened)
        try:
            server = make_server(opened, host, port, timeout=timeout)
        except OSError as exc:
            raise click.ClickException(
                f"cannot listen on {host}:{port} ({exc.strerror or exc}); "
                "choose another --port or --host"
            ) from exc
    if not is_loopback(host):
        click.echo(
            f"warning: {host} is reachable from other machines; anyone there can query", err=True
        )
    click.echo(f"SPARQL endpoint at {server.url} ({triples} triples); Ctrl-C stops it")
    sys.stdout.flush()
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped", err=True)
    finally:
        server.server_close()


# -- analysis: foci, centrality, trends, communities -------------------------------------------


def graph_option(func: F) -> F:
    return click.option(
        "--graph",
        "graph_path",
        metavar="PATH",
        type=click.Path(path_type=Path),
        default=Path("exports"),
        show_default=True,
        help="A finished build: an export folder (its graph.json, else the nodes.parquet of "
        "--engine dask), a graph.json or a nodes.parquet.",
    )(func)


def foci_option(func: F) -> F:
    return click.option(
        "--foci",
        "foci_path",
        metavar="FILE",
        type=click.Path(path_type=Path),
        default=None,
        help="Foci file (TOML) [default: ./foci.toml if there, else the foci shipped with "
        "newsgraph].",
    )(func)


def selection_options(func: F) -> F:
    day = click.DateTime(formats=["%Y-%m-%d"])
    for option in reversed(
        [
            click.option("--focus", metavar="NAME", help="Count only the articles of this focus."),
            click.option(
                "--topic",
                metavar="LABEL",
                help="Count only the articles with this data topic (instead of --focus).",
            ),
            click.option(
                "--since", type=day, metavar="DATE", help="Count only articles from this day on."
            ),
            click.option(
                "--until", type=day, metavar="DATE", help="Count only articles up to this day."
            ),
        ]
    ):
        func = option(func)
    return func


def table_format_option(func: F) -> F:
    from newsgraph.analysis.tables import TABLE_FORMATS

    return click.option(
        "--format",
        "-f",
        "fmt",
        type=click.Choice(TABLE_FORMATS, case_sensitive=False),
        default="table",
        show_default=True,
        help="table: aligned columns with a header; csv, json: every figure, full precision.",
    )(func)


def _echo(text: str) -> None:
    click.echo(text, nl=False)


def _open(graph_path: Path, foci_path: Path | None) -> Any:
    from newsgraph.api import open as open_graph

    return open_graph(graph_path, foci=foci_path)


def _day(value: Any) -> Any:
    return value.date() if value is not None else None


@main.group("focus")
def focus_group() -> None:
    """Foci: topics you define as keyword queries over titles and excerpts.

    Foci are read from --foci FILE, else ./foci.toml, else the set shipped with newsgraph
    (newsgraph focus list shows where). Each is a [focus."NAME"] table with a query in SQLite
    FTS5 syntax ("phrases", AND, OR, NOT, parentheses, prefix*) and optional topics, providers,
    since and until filters.

    Example: newsgraph focus show "facial recognition regulation" --graph exports/
    """


@focus_group.command("list")
@foci_option
@table_format_option
def focus_list(foci_path: Path | None, fmt: str) -> None:
    """List the foci: name, query, filters and description.

    Example: newsgraph focus list --foci my-foci.toml
    """
    from newsgraph.analysis.focus import load_foci
    from newsgraph.analysis.tables import format_foci

    with _errors():
        _echo(format_foci(load_foci(foci_path), fmt))


@focus_group.command("show")
@click.argument("name")
@graph_option
@foci_option
@table_format_option
def focus_show(name: str, graph_path: Path, foci_path: Path | None, fmt: str) -> None:
    """List the articles matching the focus NAME: date, provider, title, newest first.

    Articles known only from related lists (stubs) are marked.

    Example: newsgraph focus show "facial recognition regulation" --format csv > fr.csv
    """
    from newsgraph.analysis.tables import format_focus_articles

    with _errors():
        _echo(format_focus_articles(_open(graph_path, foci_path).focus(name), fmt))


def _kinds() -> list[str]:
    from newsgraph.analysis import KINDS

    return list(KINDS)


def _measures() -> list[str]:
    from newsgraph.analysis import MEASURES

    return list(MEASURES)


def _networks() -> list[str]:
    from newsgraph.analysis import NETWORKS

    return list(NETWORKS)


def _windows() -> list[str]:
    from newsgraph.analysis import WINDOWS

    return list(WINDOWS)


@main.command("central")
@graph_option
@foci_option
@selection_options
@click.option(
    "--of",
    type=click.Choice(_kinds()),
    default="topics",
    show_default=True,
    help="What to rank (topics include the foci).",
)
@click.option(
    "--measure",
    "-m",
    "measures",
    multiple=True,
    type=click.Choice(_measures(), case_sensitive=False),
    help="Centrality measure; repeat to show several, the first ranks [default: pagerank].",
)
@click.option(
    "--network",
    type=click.Choice(_networks()),
    default=None,
    help="cooccurrence (topics), subgraph (a focus's articles, providers, topics) or links "
    "(providers) [default: cooccurrence for topics and links for providers; subgraph with "
    "--focus/--topic and for articles].",
)
@click.option(
    "--top",
    metavar="N",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="Show the best N rows (0: all).",
)
@table_format_option
@click.option(
    "--rdf",
    "rdf_path",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Also write the scores as Turtle (ng:CentralityScore), to query next to the graph.",
)
def central_command(
    graph_path: Path,
    foci_path: Path | None,
    focus: str | None,
    topic: str | None,
    since: Any,
    until: Any,
    of: str,
    measures: tuple[str, ...],
    network: str | None,
    top: int,
    fmt: str,
    rdf_path: Path | None,
) -> None:
    """Rank topics, providers or articles by centrality, from a finished build.

    Networks: cooccurrence (topics linked by shared articles, foci added as topics), subgraph
    (the articles of a focus or topic with their providers, topics and related links) and links
    (provider A -> B when an A article lists a B article). Measures: degree, weighted-degree,
    pagerank, betweenness (sampled with a fixed seed above 1,000 nodes; the output says so),
    closeness, eigenvector (only on connected networks). Each row has the label and the
    figures that explain it (articles, providers, links).

    Example: newsgraph central --focus "facial recognition regulation" --of providers -m pagerank
    """
    if focus and topic:
        raise click.UsageError("give --focus or --topic, not both")
    with _errors():
        analysis = _open(graph_path, foci_path)
        ranking = analysis.centrality(
            of=of,
            measure=[m.lower() for m in measures] or ["pagerank"],
            focus=focus,
            topic=topic,
            network=network,
            since=_day(since),
            until=_day(until),
            top=top or None,
        )
        from newsgraph.analysis.tables import format_ranking

        _echo(format_ranking(ranking, fmt))
        if fmt.lower() != "table":  # the table prints them; keep CSV and JSON output clean
            for note in ranking.notes:
                click.echo(note, err=True)
        if rdf_path is not None:
            analysis.write_rdf(ranking, rdf_path)
            click.echo(
                f"wrote {len(ranking) * len(ranking.measures)} scores to {rdf_path}", err=True
            )


@main.command("trend")
@graph_option
@foci_option
@selection_options
@click.option(
    "--of",
    type=click.Choice(_kinds()),
    default="topics",
    show_default=True,
    help="What to rank in each window.",
)
@click.option(
    "--measure",
    "-m",
    type=click.Choice(_measures(), case_sensitive=False),
    default="pagerank",
    show_default=True,
    help="The centrality measure that ranks.",
)
@click.option(
    "--window",
    type=click.Choice(_windows()),
    default="quarter",
    show_default=True,
    help="Time window, by publication date.",
)
@click.option(
    "--network",
    type=click.Choice(_networks()),
    default=None,
    help="The network, as for `newsgraph central` [default: as there].",
)
@click.option(
    "--top",
    metavar="N",
    type=click.IntRange(min=1),
    default=5,
    show_default=True,
    help="Follow the N best over the whole period.",
)
@table_format_option
@click.option(
    "--chart",
    "chart",
    metavar="FILE",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("trend.png"),
    show_default=True,
    help="Where to draw the PNG line chart (needs matplotlib).",
)
@click.option("--no-chart", is_flag=True, help="Print the table or CSV only; draw no chart.")
def trend_command(
    graph_path: Path,
    foci_path: Path | None,
    focus: str | None,
    topic: str | None,
    since: Any,
    until: Any,
    of: str,
    measure: str,
    window: str,
    network: str | None,
    top: int,
    fmt: str,
    chart: Path,
    no_chart: bool,
) -> None:
    """Rank the top topics or providers of a focus window by window, and chart the ranks.

    The top N are the best by --measure over the whole period; in each month, quarter or year
    the same network is counted from that window's articles and every node ranked again. Prints
    the ranks (a column per window; CSV and JSON: a row per window and node) and draws a PNG
    line chart with a title, labelled axes and a legend.

    Example: newsgraph trend --focus "facial recognition regulation" --window year --chart fr.png
    """
    if focus and topic:
        raise click.UsageError("give --focus or --topic, not both")
    from newsgraph.analysis.tables import format_trend

    with _errors():
        result = _open(graph_path, foci_path).trend(
            focus,
            topic=topic,
            of=of,
            measure=measure.lower(),
            window=window,
            top=top,
            network=network,
            since=_day(since),
            until=_day(until),
        )
        _echo(format_trend(result, fmt))
        if not no_chart:
            click.echo(f"wrote {result.plot(chart)}", err=True)


@main.command("communities")
@graph_option
@foci_option
@selection_options
@click.option(
    "--of",
    type=click.Choice(["topics", "providers"]),
    default="topics",
    show_default=True,
    help="Group topics (co-occurrence network) or providers (related links).",
)
@click.option(
    "--resolution",
    type=click.FloatRange(min=0, min_open=True),
    default=1.0,
    show_default=True,
    help="Louvain resolution: above 1 gives more, smaller communities.",
)
@click.option(
    "--seed",
    type=int,
    default=0,
    show_default=True,
    help="Random seed (fixed: results repeat).",
)
@table_format_option
def communities_command(
    graph_path: Path,
    foci_path: Path | None,
    focus: str | None,
    topic: str | None,
    since: Any,
    until: Any,
    of: str,
    resolution: float,
    seed: int,
    fmt: str,
) -> None:
    """Find communities of topics or providers (NetworkX Louvain, fixed seed).

    Each community is listed with its size, the articles it covers, its most central members
    (PageRank) and its members.

    Example: newsgraph communities --focus "facial recognition regulation" --of providers
    """
    if focus and topic:
        raise click.UsageError("give --focus or --topic, not both")
    from newsgraph.analysis.tables import format_communities

    with _errors():
        found = _open(graph_path, foci_path).communities(
            focus,
            topic=topic,
            of=of,
            since=_day(since),
            until=_day(until),
            resolution=resolution,
            seed=seed,
        )
        _echo(format_communities(found, fmt))


# -- interactive HTML views --------------------------------------------------------------------


@main.command("viz")
@click.option("--focus", metavar="NAME", help="Draw the articles of this focus (see --foci).")
@foci_option
@click.option(
    "--around",
    metavar="URL|TOPIC|DOMAIN",
    help="Draw the neighbourhood of an article (its URL), a topic or a provider (its domain).",
)
@click.option(
    "--depth",
    type=click.IntRange(min=1),
    default=1,
    show_default=True,
    help="How many links --around follows, in either direction.",
)
@click.option(
    "--max-nodes",
    type=click.IntRange(min=1),
    default=1500,
    show_default=True,
    help="Keep at most this many nodes: the most central (for --around, the nearest first); "
    "the page says how many were left out.",
)
@click.option(
    "--size-by",
    type=click.Choice(["degree", "pagerank"], case_sensitive=False),
    default="degree",
    show_default=True,
    help="The centrality measure that sizes nodes and decides which are kept.",
)
@graph_option
@click.option(
    "--out",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="The page to write [default: view.html next to the graph].",
)
def viz_command(
    focus: str | None,
    foci_path: Path | None,
    around: str | None,
    depth: int,
    max_nodes: int,
    size_by: str,
    graph_path: Path,
    out: Path | None,
) -> None:
    """Write an interactive HTML page of the graph, a focus or a neighbourhood.

    Reads a finished build's graph.json, or the nodes.parquet and edges.parquet of --engine dask
    (--graph; nothing is rebuilt). The page works offline
    (everything inlined, no request made) and shows the data as text only. Nodes are coloured
    and shaped by kind and sized by centrality; hover a node for its full text, click it for
    details; filter by kind, topic, provider and dates; search by title. Without --focus or
    --around it draws the whole graph, as `newsgraph build` does in graph.html.

    Example: newsgraph viz --focus "facial recognition regulation" --out fr.html
    """
    if focus is not None and around is not None:
        raise click.UsageError("give --focus or --around, not both")
    if depth != 1 and around is None:
        raise click.UsageError("--depth goes with --around")
    from newsgraph.export.html import page_summary
    from newsgraph.views import graph_file, run_viz

    with _errors():
        target = out or graph_file(graph_path).with_name("view.html")
        view = run_viz(
            graph_path,
            target,
            focus=focus,
            foci=foci_path,
            around=around,
            depth=depth,
            max_nodes=max_nodes,
            size_by=size_by.lower(),
        )
    click.echo(f"wrote {target}: {page_summary(view)}")
