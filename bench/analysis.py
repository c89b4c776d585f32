"""Analysis figures: the time of `newsgraph central` and `newsgraph trend` on a build.

    python bench/analysis.py CORPUS_OR_EXPORT [--foci FILE] [--focus NAME] [--runs N]

Reads an export folder's graph.json (or builds the graph of CORPUS), then times, each the best of
``--runs``: opening the build (graph.json to the analysis index), the first focus match (which
builds the FTS5 index of titles and excerpts), `central` over topics and providers by PageRank and
by degree, over all articles and over a focus, betweenness and closeness of the providers (once),
and `trend` of a focus per quarter (with and without the chart). Last, the whole commands as a
researcher runs them (`newsgraph central ...`, `newsgraph trend ...` in a fresh process, reading
graph.json each time).

The default focus is one that matches the synthetic corpus of bench/generate.py (its excerpts
are made of words such as "police", "privacy" and "law").
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import networkx as nx

import newsgraph

BENCH_FOCI = """\
[focus."policing and privacy"]
description = "synthetic: police or detection, with privacy or law"
query = '(police OR detection) AND (privacy OR law*)'
"""


def best(label: str, func: Callable[[], Any], runs: int) -> Any:
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = func()
        times.append(time.perf_counter() - start)
    print(f"  {label:<58} {min(times):8.2f} s")
    return result


def wall(label: str, argv: list[str]) -> None:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    print(f"  {label:<58} {time.perf_counter() - start:8.2f} s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--foci", type=Path, help="foci file [default: a synthetic-corpus focus]")
    parser.add_argument("--focus", default="policing and privacy")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="newsgraph-bench-"))
    foci = args.foci
    if foci is None:
        foci = work / "foci.toml"
        foci.write_text(BENCH_FOCI, encoding="utf-8")
    print(
        f"newsgraph {newsgraph.__version__}, NetworkX {nx.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores; {args.corpus}"
    )
    if (args.corpus / "graph.json").is_file() or args.corpus.suffix == ".json":
        source: Any = args.corpus
    else:
        start = time.perf_counter()
        source = newsgraph.build([args.corpus]).graph
        print(f"  {'build the graph':<58} {time.perf_counter() - start:8.2f} s")
    g = best("open (graph.json -> analysis index)", lambda: newsgraph.open(source, foci=foci), 1)
    index = g.index
    print(
        f"  ({len(index.articles)} articles, {len(index.providers)} providers, "
        f"{len(index.topics)} topics, {len(index.related)} related links)"
    )
    matched = best("first focus match (builds the FTS5 index)", lambda: g.focus(args.focus), 1)
    print(f"  ({len(matched)} articles in focus {args.focus!r})")
    for of in ("topics", "providers"):
        for measure in ("pagerank", "degree"):
            best(
                f"central --of {of} --measure {measure}",
                lambda of=of, measure=measure: g.centrality(of=of, measure=measure, top=10),
                args.runs,
            )
    for of in ("topics", "providers"):
        for measure in ("pagerank", "degree"):
            best(
                f"central --focus --of {of} --measure {measure}",
                lambda of=of, measure=measure: g.centrality(
                    of=of, measure=measure, focus=args.focus, top=10
                ),
                args.runs,
            )
    for measure in ("betweenness", "closeness"):
        ranking = best(
            f"central --of providers --measure {measure}",
            lambda measure=measure: g.centrality(of="providers", measure=measure, top=10),
            1,
        )
        if ranking.notes:
            print(f"  ({ranking.notes[0]})")
    result = best(
        "trend --focus --of topics --window quarter (table)",
        lambda: g.trend(args.focus, of="topics", window="quarter"),
        args.runs,
    )
    print(f"  ({len(result.windows)} quarters)")
    best(
        "trend --focus --of providers --window quarter (table)",
        lambda: g.trend(args.focus, of="providers", window="quarter"),
        args.runs,
    )
    best("  the chart (PNG)", lambda: result.plot(work / "trend.png"), args.runs)
    if isinstance(source, Path):
        command = [sys.executable, "-m", "newsgraph"]
        common = ["--graph", str(source), "--foci", str(foci)]
        print("whole commands, each a fresh process reading graph.json:")
        wall(
            "newsgraph central --of topics -m pagerank",
            [*command, "central", *common, "--of", "topics", "-m", "pagerank"],
        )
        wall(
            "newsgraph central --of providers -m pagerank",
            [*command, "central", *common, "--of", "providers", "-m", "pagerank"],
        )
        wall(
            "newsgraph trend --focus ... --window quarter",
            [
                *command,
                "trend",
                *common,
                "--focus",
                args.focus,
                "--chart",
                str(work / "cli-trend.png"),
            ],
        )


if __name__ == "__main__":
    main()
