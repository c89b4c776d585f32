"""Time `newsgraph build` on a real corpus (default: ../shared/corpus/everyday-ai).

Prints, for in-process runs, the time of each stage (discover, load, build, export) as the median
of several runs, and the wall time of the whole `newsgraph build` command as a user runs it
(interpreter start and imports included). Usage:

    python bench/build_corpus.py [CORPUS] [--runs N]
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from newsgraph import __version__
from newsgraph.export import write_exports
from newsgraph.graph import build_graph
from newsgraph.load import LoadResult, discover_files, iter_load

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"


def stage_times(corpus: Path, out: Path) -> dict[str, float]:
    times: dict[str, float] = {}
    start = time.perf_counter()
    files = discover_files([corpus])
    times["discover"] = time.perf_counter() - start
    start = time.perf_counter()
    loaded = LoadResult(tuple(iter_load(files)))
    times["load"] = time.perf_counter() - start
    start = time.perf_counter()
    graph = build_graph(loaded.articles)
    times["build"] = time.perf_counter() - start
    start = time.perf_counter()
    write_exports(graph, out, jobs=None)  # as `newsgraph build` does: formats side by side
    times["export"] = time.perf_counter() - start
    times["total"] = sum(times.values())
    return times


def command_time(corpus: Path, out: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "newsgraph", "build", str(corpus), "-o", str(out), "-q"],
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    if not args.corpus.is_dir():
        sys.exit(f"{args.corpus}: no such folder")
    files = len(discover_files([args.corpus]))
    print(
        f"newsgraph {__version__}, Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores; corpus {args.corpus.name}: {files} files; {args.runs} runs"
    )
    with tempfile.TemporaryDirectory() as tmp:
        runs = [stage_times(args.corpus, Path(tmp) / f"s{i}") for i in range(args.runs)]
        for stage in runs[0]:
            values = [r[stage] for r in runs]
            print(
                f"  {stage:<9} median {statistics.median(values):7.3f} s   min {min(values):7.3f} s"
            )
        walls = [command_time(args.corpus, Path(tmp) / f"c{i}") for i in range(args.runs)]
        print(
            f"  `newsgraph build` command, wall: median {statistics.median(walls):.3f} s, "
            f"max {max(walls):.3f} s"
        )


if __name__ == "__main__":
    main()
