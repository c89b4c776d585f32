"""The one place where the order of the stages is written down: load -> identify/build -> export.

:func:`build` runs the stages in memory; :func:`run_build` also writes every export and
``report.json`` into a folder, atomically: files are written to a temporary folder inside it and
moved into place only when all of them are complete, so a failed build leaves earlier outputs
intact.
"""

from __future__ import annotations

import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, TypeVar

import msgspec
import networkx as nx

from newsgraph import __version__
from newsgraph.analysis.focus import FULLTEXT_CACHE
from newsgraph.analysis.index import INDEX_CACHE
from newsgraph.cache import BuildStamp, LoadCache, Settings, inputs_digest, stamp
from newsgraph.engines.local import gc_paused
from newsgraph.errors import ExportError, InputError
from newsgraph.export import EXPORTERS, get_exporter, write_exports
from newsgraph.graph import build_graph, count_kinds
from newsgraph.identify import Identity
from newsgraph.load import DEFAULT_GLOBS, Loaded, LoadResult, discover_names, load_named, name_files
from newsgraph.model import Article
from newsgraph.vocab import DEFAULT_BASE_IRI

__all__ = [
    "BUILD_STAMP_PATH",
    "CACHE_PATH",
    "REPORT_FILENAME",
    "REPORT_SCHEMA",
    "BuildResult",
    "assemble",
    "build",
    "discover",
    "make_report",
    "place_outputs",
    "run_build",
    "up_to_date",
]

REPORT_FILENAME = "report.json"
# Where ``run_build(incremental=True)`` keeps its load cache, inside the output folder.
CACHE_PATH = Path(".newsgraph-cache", "load.json")
# Where it stamps what it read and wrote, for :func:`up_to_date`.
BUILD_STAMP_PATH = Path(".newsgraph-cache", "build.json")
REPORT_SCHEMA = "newsgraph-report/1"

T = TypeVar("T")


@dataclass
class BuildResult:
    """A finished build: the graph, what loading every file gave, the report and written files."""

    graph: nx.MultiDiGraph
    loaded: LoadResult
    report: dict[str, Any]
    outputs: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    inputs_digest: str | None = None
    """With a load cache: :func:`newsgraph.cache.inputs_digest` of the files as they were before
    they were read; else ``None``."""

    @property
    def problem_count(self) -> int:
        return len(self.report["problems"])


def make_report(loaded: LoadResult, graph: nx.MultiDiGraph) -> dict[str, Any]:
    """The content of ``report.json`` (schema documented in the README, ``schema`` field versioned).

    Every file found is listed under ``files`` with its status; ``files_seen`` equals
    ``files_loaded + files_skipped``.
    """
    files = []
    for result in loaded.files:
        errors = sum(p.severity == "error" for p in result.problems)
        files.append(
            {
                "file": result.file,
                "status": "loaded" if result.loaded else "skipped",
                "sha256": result.sha256,
                "errors": errors,
                "warnings": len(result.problems) - errors,
            }
        )
    merges = dict(graph.graph.get("merges", {}))
    loaded_count = sum(1 for f in loaded.files if f.loaded)
    return {
        "schema": REPORT_SCHEMA,
        "newsgraph_version": __version__,
        "built_at": graph.graph.get("built_at"),
        "files_seen": len(loaded.files),
        "files_loaded": loaded_count,
        "files_skipped": len(loaded.files) - loaded_count,
        "problems": [
            {"file": p.file, "field": p.field, "severity": p.severity, "message": p.message}
            for p in loaded.problems
        ],
        "merges": merges,
        "counts": count_kinds(graph),
        "files": files,
    }


def build(
    paths: Iterable[str | os.PathLike[str]],
    *,
    globs: Sequence[str] = DEFAULT_GLOBS,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
    cache: str | os.PathLike[str] | None = None,
    keep_records: bool = True,
) -> BuildResult:
    """Load every file under ``paths`` and build the graph, writing no export.

    Args:
        paths: Files, folders (recursive) and glob patterns (a list; a single one is taken too).
        globs: File-name patterns to take from folders.
        jobs: Worker processes for loading (default: one per core).
        progress: Called with 1 after each file is loaded.
        on_files: Called once with the number of files found, before loading starts.
        base_iri: Where the RDF exports mint instance IRIs.
        cache: A load cache file (:mod:`newsgraph.cache`): files unchanged since it was written
            are taken from it instead of being loaded, and it is rewritten for the next build.
            The report then counts them in ``files_reused``.
        keep_records: False lets each record go as soon as the graph holds it: the graph is
            built in the memory the records took (at 100k files, the main process then peaks
            at 1.6 GiB instead of 1.8 GiB). ``result.loaded`` still lists every file with its
            problems, but with ``article`` None and ``released`` true. :func:`run_build` does
            so.

    Returns:
        A :class:`BuildResult` with the graph and the report.

    Raises:
        InputError: A path does not exist, a pattern matches nothing, or no file was found.

    Example:
        >>> result = build(["seeds/"])
        >>> result.report["files_loaded"], result.report["counts"]["edges"]
        (1, {'published_by': 3, 'has_topic': 2, 'related_to': 2})
    """
    start = time.perf_counter()
    files = discover(paths, globs)
    if on_files is not None:
        on_files(len(files))
    named = name_files(files)
    reused = digest = None
    with gc_paused():  # (millions of objects, no cycles: see gc_paused)
        if cache is None:
            results = list(load_named(named, jobs=jobs, progress=progress))
        else:
            results, reused, digest = _load_cached(named, Path(cache), jobs=jobs, progress=progress)
        result = assemble(results, base_iri, keep_records=keep_records)
    if reused is not None:
        result.report["files_reused"] = reused
        result.inputs_digest = digest
    result.seconds = time.perf_counter() - start
    return result


def discover(paths: Iterable[str | os.PathLike[str]], globs: Sequence[str]) -> list[str]:
    """The files under ``paths`` (:func:`newsgraph.load.discover_names`); at least one. A single
    path is taken as one (not, as a string is iterable, as one path a character: that walked
    the filesystem from its root).

    Raises:
        InputError: A path does not exist, a pattern matches nothing, or no file was found.
    """
    if isinstance(paths, str | os.PathLike):
        paths = [paths]
    names = [os.fspath(p) for p in paths]
    files = discover_names(names, globs)
    if not files:
        raise InputError(
            f"{', '.join(names)}: no files named {' or '.join(globs)}; "
            "check the path or pass --glob"
        )
    return files


def assemble(
    results: list[Loaded], base_iri: str = DEFAULT_BASE_IRI, *, keep_records: bool = True
) -> BuildResult:
    """The graph and report of loaded files, in file order: the step every engine ends with.

    With ``keep_records=False``, ``results`` is emptied and each record is let go as soon as the
    graph holds it (:func:`build`).
    """
    files = tuple(result for result, _ in results)
    inputs = [{"file": f.file, "sha256": f.sha256} for f in files if f.loaded]
    articles = [f.article for f in files if f.article is not None]
    identities = [found for result, found in results if result.article is not None]
    records: Iterable[Article] = articles
    found: Iterable[list[Identity]] = identities
    if not keep_records:
        files = tuple(
            replace(f, article=None, released=True) if f.article is not None else f for f in files
        )
        results.clear()
        records, found = _handed_over(articles), _handed_over(identities)
    graph = build_graph(records, identities=found, inputs=inputs, base_iri=base_iri)
    loaded = LoadResult(files)
    return BuildResult(graph, loaded, make_report(loaded, graph))


def _handed_over(items: list[T]) -> Iterator[T]:
    """The items of ``items``, which is emptied as they are taken: the taker holds the only
    references (so that it can let each go)."""
    items.reverse()
    while items:
        yield items.pop()


def _load_cached(
    named: list[tuple[str, str]],
    cache: Path,
    *,
    jobs: int | None,
    progress: Callable[[int], None] | None,
) -> tuple[list[Loaded], int, str | None]:
    """Load the files that changed since ``cache`` was written; take the others from it.

    Returns the results, how many came from the cache, and the :func:`inputs_digest` of the
    files as they were before any was read."""
    store = LoadCache.read(cache)
    stamps = [stamp(path) for path, _ in named]
    results: list[Loaded | None] = [
        store.lookup(path, name, now) for (path, name), now in zip(named, stamps, strict=True)
    ]
    missing = [i for i, found in enumerate(results) if found is None]
    if progress is not None:
        progress(len(named) - len(missing))
    fresh = load_named([named[i] for i in missing], jobs=jobs, progress=progress)
    for i, found in zip(missing, fresh, strict=True):
        results[i] = found
    done = [r for r in results if r is not None]
    LoadCache.write(cache, [path for path, _ in named], stamps, done)
    return done, len(named) - len(missing), inputs_digest(named, stamps)


def _settings(formats: Sequence[str] | None, base_iri: str) -> Settings:
    """What decides a build's exports besides its input files and newsgraph's code."""
    return {
        "formats": sorted(set(formats if formats is not None else EXPORTERS)),
        "base_iri": base_iri,
        "SOURCE_DATE_EPOCH": os.environ.get("SOURCE_DATE_EPOCH"),  # (the build time: build_time)
    }


def up_to_date(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] = "exports",
    *,
    formats: Iterable[str] | None = None,
    globs: Sequence[str] = DEFAULT_GLOBS,
    base_iri: str = DEFAULT_BASE_IRI,
) -> dict[str, Any] | None:
    """The report of the exports in ``out_dir`` if ``run_build(paths, out_dir, incremental=True)``
    would write them again as they are; else ``None``.

    That is so when the last build into ``out_dir`` was incremental and since then no input file
    was added, removed or changed (by path, size and modification time, as the load cache
    decides), the same formats, base IRI and ``SOURCE_DATE_EPOCH`` are asked for, newsgraph's
    code is the same, and every file that build wrote is still there, untouched (same size,
    modification time and inode). Only the files' stamps are read, not the files: a no-op
    ``newsgraph build --incremental`` takes the time of finding and stamping the files. (Without
    ``SOURCE_DATE_EPOCH`` the kept exports keep the build time of the build that wrote them.)

    Raises:
        InputError: As :func:`build`, when the paths give no file.
    """
    out = Path(out_dir)
    names = [get_exporter(f).name for f in formats] if formats is not None else None
    kept = BuildStamp.read(out / BUILD_STAMP_PATH)
    if (  # the outputs first: finding and stamping the inputs takes longer
        kept is None
        or REPORT_FILENAME not in kept.written
        or not kept.holds(out, _settings(names, base_iri))
    ):
        return None
    named = name_files(discover(paths, globs))
    if inputs_digest(named, [stamp(path) for path, _ in named]) != kept.inputs:
        return None
    try:
        report: dict[str, Any] = msgspec.json.decode((out / REPORT_FILENAME).read_bytes())
    except (OSError, msgspec.DecodeError):
        return None
    return report


# What `build --engine dask` writes: readers would take it for, or together with, this build's
# outputs (SPARQL reads every *.nt of a folder).
_DASK_OUTPUTS = ("graph-[0-9][0-9][0-9][0-9][0-9].nt", "nodes.parquet", "edges.parquet")


def _remove_superseded(out: Path, keep: set[str]) -> None:
    """Remove what readers would take for, or with, the outputs ``keep`` names: the Dask
    engine's outputs, and when this build wrote RDF, descriptions of an earlier graph
    (``graph.void.ttl``, ``graph.summary.ttl``: SPARQL would load its counts with this one)."""
    from newsgraph.export.rdf import DESCRIPTIONS

    patterns = list(_DASK_OUTPUTS)
    if keep & {"graph.nt", "graph.ttl", "graph.jsonld"}:
        patterns += DESCRIPTIONS
    for pattern in patterns:
        for stale in out.glob(pattern):
            if stale.name not in keep:
                stale.unlink(missing_ok=True)


def place_outputs(written: dict[str, Path], out: Path) -> dict[str, Path]:
    """Move the files ``written`` (by format) into ``out``; return where each went.

    The files they replace are first renamed into a folder of their own and deleted once every
    new file is in place: renaming is instant, where renaming over a big file makes the
    filesystem free its blocks then and there (4.7 s for a 100k build's 4.3 GB here), so readers
    see old and new exports side by side for a moment only. If a move fails, the files already
    moved are taken out again and the previous ones put back; a folder in the way of an output is
    refused before anything is moved.
    """
    targets = {name: out / path.name for name, path in written.items()}
    for target in targets.values():
        if target.is_dir() and not target.is_symlink():
            raise ExportError(
                f"{target}: a folder is in the way of an output file; move or rename it (the "
                "previous exports were left as they were)"
            )
    previous = Path(tempfile.mkdtemp(prefix=".newsgraph-previous-", dir=out))
    saved: list[tuple[Path, Path]] = []  # (target, where its previous file went)
    placed: list[Path] = []
    try:
        for name, path in written.items():
            target = targets[name]
            if target.is_symlink() or target.exists():
                keep = previous / path.name
                target.rename(keep)
                saved.append((target, keep))
            path.rename(target)
            placed.append(target)
    except OSError as exc:
        for target in placed:
            target.unlink(missing_ok=True)
        lost = []
        for target, keep in saved:
            try:
                keep.rename(target)
            except OSError:
                lost.append(target.name)
        if lost:
            raise ExportError(
                f"{out}: cannot write the exports ({exc}), nor put back the previous "
                f"{', '.join(lost)}: they are in {previous}; move them back by hand"
            ) from exc
        shutil.rmtree(previous, ignore_errors=True)
        raise
    shutil.rmtree(previous, ignore_errors=True)
    return targets


# Items of a long list of the report that msgspec encodes at a time (see _write_json).
_JSON_CHUNK = 10_000


def _write_json(data: dict[str, Any], path: Path, lists: Sequence[str] = ()) -> None:
    """Write ``data`` as ``json.dump(data, indent=2, ensure_ascii=False)`` does, and a newline.

    The same bytes; but the values named in ``lists``, lists of mappings of text and integers
    (the report's ``files``, one for each input file, and ``problems``), are encoded by msgspec,
    :data:`_JSON_CHUNK` items at a time, and indented to their depth. json's encoder is pure
    Python when it indents: a million files' report took 4.0 s alone (4.7 s at the end of a
    build, one core idle), chunked msgspec 0.8 s; encoded whole, the text would be held twice
    (0.5 GiB at a million files) beside the graph.
    """

    def dumps(value: Any) -> bytes:
        return json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ").encode()

    with open(path, "wb") as handle:
        handle.write(b"{")
        for number, (key, value) in enumerate(data.items()):
            handle.write(b",\n  " if number else b"\n  ")
            handle.write(dumps(key) + b": ")
            if key not in lists or not value:
                handle.write(dumps(value))
                continue
            for start in range(0, len(value), _JSON_CHUNK):
                chunk = value[start : start + _JSON_CHUNK]
                text = msgspec.json.format(msgspec.json.encode(chunk), indent=2)
                # "[\n  {...},\n  {...}\n]": the items, two spaces deeper
                handle.write(b"[\n  " if start == 0 else b",\n  ")
                handle.write(text[2:-2].replace(b"\n", b"\n  "))
            handle.write(b"\n  ]")
        handle.write(b"\n}\n" if data else b"}\n")


def run_build(
    paths: Iterable[str | os.PathLike[str]],
    out_dir: str | os.PathLike[str] = "exports",
    *,
    formats: Iterable[str] | None = None,
    globs: Sequence[str] = DEFAULT_GLOBS,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
    on_files: Callable[[int], None] | None = None,
    base_iri: str = DEFAULT_BASE_IRI,
    incremental: bool = False,
) -> BuildResult:
    """Build the graph from ``paths`` and write every export plus ``report.json`` to ``out_dir``.

    Takes the arguments of :func:`build`, and:

    Args:
        out_dir: The folder to write into (created when missing).
        jobs: Also the number of workers that write the formats side by side.
        formats: Export format names from ``EXPORTERS`` (default: all).
        incremental: Keep a load cache in ``out_dir`` (:data:`CACHE_PATH`) and load only the
            files that changed since the last incremental build; the exports are the same as a
            full build's. Also stamps what was read and written (:data:`BUILD_STAMP_PATH`), for
            :func:`up_to_date`.

    Returns:
        The :class:`BuildResult`, with ``outputs`` naming each file written.

    Example:
        >>> import tempfile
        >>> out = tempfile.mkdtemp()
        >>> result = run_build(["seeds/"], out)
        >>> sorted(p.name for p in result.outputs.values())  # doctest: +NORMALIZE_WHITESPACE
        ['graph.gexf', 'graph.graphml', 'graph.html', 'graph.json', 'graph.jsonld', 'graph.nt',
         'graph.summary.ttl', 'graph.ttl', 'graph.void.ttl', 'report.json']
    """
    names = [get_exporter(f).name for f in formats] if formats is not None else None
    out = Path(out_dir)
    freeze = gc.get_freeze_count() == 0  # (else the caller froze objects: leave them be)
    with gc_paused():
        result = build(
            paths,
            globs=globs,
            jobs=jobs,
            progress=progress,
            on_files=on_files,
            base_iri=base_iri,
            cache=out / CACHE_PATH if incremental else None,
            keep_records=False,  # (only the report is needed of them)
        )
        if freeze:
            # The millions of objects made while the collector was off live until the exports
            # are written: frozen, the collector does not walk them when it is back on (2.5 s
            # at 100k files), nor do the export helpers' collections touch their pages.
            gc.freeze()
    staging = None
    try:
        out.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".newsgraph-build-", dir=out))
        written = write_exports(result.graph, staging, names, jobs=jobs)
        result.report["outputs"] = {name: path.name for name, path in written.items()}
        _write_json(result.report, staging / REPORT_FILENAME, lists=("files", "problems"))
        written["report"] = staging / REPORT_FILENAME
        result.outputs.update(place_outputs(written, out))
        _remove_superseded(out, keep={p.name for p in result.outputs.values()})
        indexes = []
        for kept in (INDEX_CACHE, FULLTEXT_CACHE):  # the analysis indexes made with graph.json
            if (staging / kept).is_file():
                (out / kept).parent.mkdir(exist_ok=True)
                (staging / kept).replace(out / kept)
                indexes.append(out / kept)
        if incremental and result.inputs_digest is not None:
            BuildStamp.of(
                out,
                _settings(names, base_iri),
                result.inputs_digest,
                [*result.outputs.values(), *indexes],
            ).save(out / BUILD_STAMP_PATH)
        else:  # (a stamp left by an incremental build no longer tells what is here)
            (out / BUILD_STAMP_PATH).unlink(missing_ok=True)
    except OSError as exc:
        raise ExportError(
            f"{out}: cannot write the exports ({exc}); the previous exports were left as they were"
        ) from exc
    finally:
        if staging is not None:
            shutil.rmtree(staging, ignore_errors=True)
        if freeze:
            gc.unfreeze()
    return result
