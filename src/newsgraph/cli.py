"""The ``newsgraph`` command: thin click adapters over the library.

Each command parses its options, calls one library function and prints. Library errors
(:class:`newsgraph.NewsgraphError`) become ``Error: ...`` on stderr with exit code 1; usage errors
exit 2 (click's contract).
"""

from __future__ import annotations

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
        help="Worker processes for loading [default: one per core].",
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
@jobs_option
@quiet_option
def build(
    paths: tuple[Path, ...],
    out: Path,
    globs: tuple[str, ...],
    formats: tuple[str, ...],
    base_iri: str,
    strict: bool,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Build the knowledge graph from PATHS and write it to --out.

    PATHS are files, folders (searched recursively) and glob patterns [default: seeds/]. Files
    that cannot be used are skipped and reported, never fatal: report.json accounts for every file.

    Example: newsgraph build ../shared/corpus/everyday-ai --out exports/
    """
    from newsgraph.pipeline import run_build

    start = time.perf_counter()
    with _errors(), _progress(quiet) as (progress, on_files):
        result = run_build(
            paths or [Path("seeds")],
            out,
            formats=formats or None,
            globs=globs or DEFAULT_GLOBS,
            jobs=jobs,
            progress=progress,
            on_files=on_files,
            base_iri=base_iri,
        )
    report = result.report
    if not quiet:
        _print_problems(report["problems"], out)
        _print_summary(report, result.outputs, time.perf_counter() - start)
    if report["files_loaded"] == 0:
        raise click.ClickException(
            f"none of the {report['files_seen']} files could be loaded; "
            f"see the problems in {out / 'report.json'}"
        )
    if strict and report["problems"]:
        raise click.ClickException(
            f"{len(report['problems'])} problems (--strict); see {out / 'report.json'}"
        )


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


def _print_summary(report: dict[str, Any], outputs: dict[str, Path], seconds: float) -> None:
    counts, merges = report["counts"], report["merges"]
    errors = sum(p["severity"] == "error" for p in report["problems"])
    warnings = len(report["problems"]) - errors
    click.echo(
        f"{report['files_seen']} files: {report['files_loaded']} loaded, "
        f"{report['files_skipped']} skipped ({errors} errors, {warnings} warnings)"
    )
    click.echo("nodes: " + ", ".join(f"{n} {kind}" for kind, n in counts["nodes"].items()))
    click.echo("edges: " + ", ".join(f"{n} {kind}" for kind, n in counts["edges"].items()))
    click.echo(
        f"merged: {merges['duplicates_merged']} duplicate files, "
        f"{merges['stubs_completed']} related items completed by their own file, "
        f"{merges['self_links_dropped']} self-links dropped"
    )
    click.echo(f"wrote {', '.join(str(p) for p in outputs.values())} in {seconds:.2f} s")
