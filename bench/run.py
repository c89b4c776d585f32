"""Scale benchmark: the whole `newsgraph build` and each stage, at several corpus sizes.

    python bench/run.py [--sizes 10000 100000 1000000] [--corpora DIR] [--naive]

For each size it generates the synthetic corpus if it is not there yet (bench/generate.py, seed
1), then, each in a fresh process:

- times the `newsgraph build` command as a user runs it (wall, peak RSS of the process tree);
- times every stage on its own (discover, load, identify + build, each export one after
  another, PageRank over topics and providers with `newsgraph.open`), with the peak RSS;
- with ``--naive``, runs bench/naive.py (the straightforward script) on the smallest size and
  prints the ratio.

Figures go to stdout as a table a size; copy them into bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def _peak_mib(who: int) -> float:
    return resource.getrusage(who).ru_maxrss / 1024  # Linux reports KiB


def stages(corpus: Path, out: Path) -> dict[str, float]:
    """Run in a child process: every stage timed on its own, and the peak RSS."""
    import newsgraph
    from newsgraph.export import EXPORTERS
    from newsgraph.graph import build_graph
    from newsgraph.load import LoadResult, discover_files, iter_load

    times: dict[str, float] = {}

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        times[name] = now - start
        return now

    start = time.perf_counter()
    files = discover_files([corpus])
    start = lap("discover", start)
    loaded = LoadResult(tuple(iter_load(files)))
    start = lap("load", start)
    graph = build_graph(loaded.articles)
    start = lap("identify + build", start)
    out.mkdir(parents=True, exist_ok=True)
    for name, exporter in EXPORTERS.items():
        exporter.writer(graph, out / exporter.filename)
        start = lap(f"export {name}", start)
    del graph, loaded
    analysis = newsgraph.open(out)
    start = lap("open graph.json for analysis", start)
    analysis.centrality(of="topics", measure="pagerank")
    start = lap("central topics pagerank", start)
    analysis.centrality(of="providers", measure="pagerank")
    lap("central providers pagerank", start)
    times["peak RSS MiB"] = _peak_mib(resource.RUSAGE_SELF)
    times["articles"] = float(sum(1 for _ in files))
    return times


def command(corpus: Path, out: Path) -> tuple[float, float]:
    """Wall time and peak RSS (MiB) of `newsgraph build`, its worker processes included."""
    start = time.perf_counter()
    child = subprocess.run(
        [sys.executable, "-c", _COMMAND, str(corpus), str(out)],
        check=True,
        capture_output=True,
        text=True,
    )
    wall = time.perf_counter() - start
    return wall, float(child.stdout.strip())


# Runs the command in a child so that RUSAGE_CHILDREN covers its own pool workers only.
_COMMAND = """
import resource, subprocess, sys
subprocess.run([sys.executable, "-m", "newsgraph", "build", sys.argv[1], "-o", sys.argv[2], "-q"],
               check=True)
print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)
"""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--naive", action="store_true", help="compare with bench/naive.py")
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stages(*args.child)))
        return
    print(
        f"Python {platform.python_version()}, {platform.machine()}, {os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB"
    )
    for size in args.sizes:
        corpus = args.corpora / f"newsgraph-bench-{size}"
        if not corpus.is_dir():
            subprocess.run(
                [sys.executable, HERE / "generate.py", corpus, "--articles", str(size)], check=True
            )
        with tempfile.TemporaryDirectory() as tmp:
            wall, rss = command(corpus, Path(tmp) / "command")
            print(f"\n{size:,} files: `newsgraph build` {wall:.1f} s wall, peak RSS {rss:,.0f} MiB")
            child = subprocess.run(
                [sys.executable, __file__, "--child", corpus, Path(tmp) / "stages"],
                check=True,
                capture_output=True,
                text=True,
            )
            figures = json.loads(child.stdout)
            for name, value in figures.items():
                if name not in ("peak RSS MiB", "articles"):
                    print(f"  {name:<32} {value:8.2f} s")
            print(f"  {'peak RSS, stages run':<32} {figures['peak RSS MiB']:8,.0f} MiB")
            print(f"  {'RSS per file':<32} {figures['peak RSS MiB'] * 1024 / size:8.1f} KiB")
            if args.naive and size == min(args.sizes):
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, HERE / "naive.py", corpus, Path(tmp) / "naive"],
                    check=True,
                    capture_output=True,
                )
                naive = time.perf_counter() - start
                print(f"  straightforward script {naive:.1f} s: newsgraph is {naive / wall:.1f}x")


if __name__ == "__main__":
    main()
