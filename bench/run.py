"""Scale benchmark: the whole `newsgraph build` and each stage, at several corpus sizes.

    python bench/run.py [--sizes 10000 100000 1000000] [--corpora DIR] [--naive]
                        [--stages] [--incremental] [--dask] [--sparql] [--keep DIR]
    python bench/run.py --queries EXPORTS STORE

For each size it generates the synthetic corpus if it is not there yet (bench/generate.py, seed
1, into CORPORA/newsgraph-bench-N), then, each in a fresh process:

- times the `newsgraph build` command as a user runs it: wall time, and peak memory of the
  process tree (its export workers are forked and share the graph's pages, so the sum of their
  RSS counts those pages once per process: the peak of the summed PSS, which shares each page
  out between the processes using it, is the real figure; the main process's peak RSS is shown
  beside it);
- with ``--stages``, times every stage on its own in one process: discover, load + identify,
  build, each export one after another, then the analysis (opening the build, PageRank over
  topics and over providers) and the whole `newsgraph central` command in a fresh process;
- with ``--naive``, runs bench/naive.py (the straightforward script) on the same files, in the
  same run, at the smallest size, and prints the ratio;
- with ``--incremental``, copies the corpus, builds it with ``--incremental``, adds 1% new files
  (bench/generate.py, seed 2, in a sub-folder) and times the incremental build, then a full
  build of the same files, and checks that their exports are byte-identical; then times
  ``--incremental`` once more, with nothing changed;
- with ``--dask``, times ``newsgraph build --engine dask`` (a local cluster of 2 workers);
- with ``--sparql``, runs every example query as a user would on an on-disk store
  (``newsgraph sparql --store``, each run a fresh process): the first run loads the store; then
  each query's median of 3 runs (fewer once its runs have taken 240 s).

``--queries EXPORTS STORE`` does only the last, on a build and an on-disk store made earlier
(``newsgraph sparql --store STORE --data EXPORTS`` fills STORE if it does not hold EXPORTS):
to time changed queries again without a new build, which takes half an hour at 1M.

Figures go to stdout; copy them into bench/RESULTS.md with the commit they were measured at. The
first line gives the host's speed as a fixed Python workload takes it (``yardstick``): the same
VM has run the same code 2.5 times faster on one day than on another.
"""

from __future__ import annotations

import argparse
import filecmp
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SOURCE_DATE_EPOCH = "1700000000"  # fixed, so that exports can be compared byte for byte


def _tree(pid: int) -> list[int]:
    """``pid`` and all its descendants."""
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text()
        except OSError:
            continue
        todo.extend(int(c) for c in children.split())
    return found


def _pss(pid: int) -> int:
    """The PSS summed over ``pid`` and its descendants, in KiB, from /proc."""
    pss = 0
    for member in _tree(pid):
        try:
            for line in Path(f"/proc/{member}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    pss += int(line.split()[1])
        except OSError:
            continue
    return pss


def measure(args: list[str | os.PathLike[str]], **kwargs: object) -> dict[str, float]:
    """Run a command; its wall time and peak memory (GiB).

    The main process's peak RSS is the kernel's own (``wait4``'s ``ru_maxrss``). The summed PSS
    is sampled from ``smaps_rollup``, which walks the page tables holding the process's memory
    map lock: 0.8 s for a 14 GiB process, during which the process cannot map or unmap memory.
    Sampled every 0.1 s, that stalled a 1M build most of the time; the pause after each sample
    is therefore 19 times the sample's own time (at most 10 s), which keeps the sampler to 5% of
    the wall time, at the cost of a coarser peak for big processes.
    """
    peak = [0]
    env = {**os.environ, "SOURCE_DATE_EPOCH": SOURCE_DATE_EPOCH}
    start = time.perf_counter()
    process = subprocess.Popen(args, env=env, **kwargs)  # type: ignore[call-overload]
    done = threading.Event()

    def sample() -> None:
        while not done.is_set():
            began = time.perf_counter()
            peak[0] = max(peak[0], _pss(process.pid))
            done.wait(max(0.1, min(10.0, 19 * (time.perf_counter() - began))))

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} exited with {process.returncode}")
    return {"wall": wall, "pss_gib": peak[0] / 2**20, "rss_gib": usage.ru_maxrss / 2**20}


def newsgraph(*args: str | os.PathLike[str]) -> list[str | os.PathLike[str]]:
    return [sys.executable, "-m", "newsgraph", *args]


def stages(corpus: Path, out: Path) -> dict[str, float]:
    """Run in a child process: every stage timed on its own."""
    import resource

    import newsgraph as ng
    from newsgraph.engines.local import gc_paused
    from newsgraph.export import EXPORTERS
    from newsgraph.graph import build_graph
    from newsgraph.load import LoadResult, discover_files, iter_load_identified

    times: dict[str, float] = {}

    def lap(name: str, start: float) -> float:
        now = time.perf_counter()
        times[name] = now - start
        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
        print(f"{name}: {now - start:.2f} s (peak RSS {peak:.2f} GiB)", file=sys.stderr, flush=True)
        return now

    start = time.perf_counter()
    files = discover_files([corpus])
    start = lap("discover", start)
    with gc_paused():  # as newsgraph.build does
        results = list(iter_load_identified(files))
        start = lap("load + identify (2 processes)", start)
        loaded = LoadResult(tuple(r for r, _ in results))
        found = [f for r, f in results if r.article is not None]
        del results
        graph = build_graph(loaded.articles, identities=found)
        start = lap("build graph", start)
        del loaded, found
    out.mkdir(parents=True, exist_ok=True)
    for name, exporter in EXPORTERS.items():
        exporter.writer(graph, out / exporter.filename)
        start = lap(f"export {name} (alone, 1 process)", start)
    times["articles"] = sum(1 for _, k in graph.nodes(data="kind") if k == "article")
    del graph
    analysis = ng.open(out)
    start = lap("open the build for analysis", start)
    analysis.centrality(of="topics", measure="pagerank")
    start = lap("central topics pagerank", start)
    analysis.centrality(of="providers", measure="pagerank")
    lap("central providers pagerank", start)
    times["peak RSS GiB"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20
    return times


def identical(left: Path, right: Path) -> bool:
    names = sorted(p.name for p in left.glob("graph.*"))
    if names != sorted(p.name for p in right.glob("graph.*")):
        return False
    return all(filecmp.cmp(left / n, right / n, shallow=False) for n in names)


def queries(out: Path, store: Path) -> None:
    """The example queries as a user runs them on an on-disk store: ``newsgraph sparql --store``,
    each run a fresh process (start-up and opening the store included)."""
    ask = newsgraph("sparql", "ASK {}", "--data", out, "--store", store)
    first = measure(ask, stdout=subprocess.DEVNULL)
    print(
        f"  on-disk store (sparql --store): loaded once in {first['wall']:.1f} s, "
        f"peak {first['pss_gib']:.2f} GiB"
    )
    medians = []
    for file in sorted((ROOT / "ontology" / "queries").glob("*.rq")):
        graph = "CONSTRUCT" in file.read_text(encoding="utf-8")
        fmt = "ntriples" if graph else "tsv"  # rows: lines, less the TSV header
        command = newsgraph("sparql", file, "--data", out, "--store", store, "-f", fmt)
        times, rows = [], 0
        while len(times) < 3 and sum(times) < 240:  # a slow query: fewer runs
            with tempfile.TemporaryFile() as answer:
                times.append(measure(command, stdout=answer)["wall"])
                answer.seek(0)
                rows = sum(1 for line in answer if line.strip()) - (0 if graph else 1)
        medians.append(statistics.median(times))
        print(
            f"    {file.name:<34} median {medians[-1]:7.3f} s  worst {max(times):7.3f} s "
            f"{rows:>9,} rows, {len(times)} runs"
        )
    middle = statistics.median(medians)
    print(f"  slowest median {max(medians):.3f} s; median of medians {middle:.3f} s")


def yardstick() -> float:
    """Seconds for a fixed pure-Python workload (best of 3): the speed of the host under this VM,
    which has varied 2.5x between days with the same code, printed beside every run so figures
    from different days can be compared (0.27 s on 2026-11-27, with a build running). Lower is
    faster."""
    record = {"title": "Facial recognition é", "topics": ["AI", "Privacy"], "rank": 3, "ok": True}
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        counts: dict[str, int] = {}
        for number in range(60_000):
            text = json.dumps({**record, "rank": number})
            for topic in json.loads(text)["topics"]:
                counts[topic] = counts.get(topic, 0) + len(text)
        best = min(best, time.perf_counter() - start)
    return best


def corpus_of(size: int, corpora: Path) -> Path:
    corpus = corpora / f"newsgraph-bench-{size}"
    if not corpus.is_dir():
        subprocess.run(
            [sys.executable, HERE / "generate.py", corpus, "--articles", str(size)], check=True
        )
    return corpus


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--corpora", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--naive", action="store_true", help="compare with bench/naive.py")
    parser.add_argument("--stages", action="store_true", help="time every stage on its own")
    parser.add_argument("--incremental", action="store_true", help="add 1%% and rebuild")
    parser.add_argument("--dask", action="store_true", help="time --engine dask too")
    parser.add_argument("--sparql", action="store_true", help="example queries, on-disk store")
    parser.add_argument("--keep", type=Path, help="keep the outputs here (default: deleted)")
    parser.add_argument(
        "--queries",
        nargs=2,
        type=Path,
        metavar=("EXPORTS", "STORE"),
        help="only time the example queries on this build's on-disk store",
    )
    parser.add_argument("--child", nargs=2, type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(stages(*args.child)))
        return
    commit = subprocess.run(
        ["git", "-C", ROOT, "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    print(
        f"commit {commit}; Python {platform.python_version()}, {platform.machine()}, "
        f"{os.cpu_count()} cores, "
        f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB; "
        f"host yardstick {yardstick():.2f} s (bench/run.py's fixed Python workload)"
    )
    if args.queries:
        queries(*args.queries)
        return
    for size in args.sizes:
        corpus = corpus_of(size, args.corpora)
        work = Path(tempfile.mkdtemp(prefix=f"newsgraph-run-{size}-", dir=args.corpora))
        try:
            run_size(size, corpus, work, args)
        finally:
            if args.keep:
                shutil.copytree(work, args.keep / work.name, dirs_exist_ok=True)
            shutil.rmtree(work, ignore_errors=True)


def run_size(size: int, corpus: Path, work: Path, args: argparse.Namespace) -> None:
    out = work / "exports"
    figures = measure(newsgraph("build", corpus, "-o", out, "-q"))
    print(
        f"\n{size:,} files: `newsgraph build` {figures['wall']:.1f} s wall; peak memory "
        f"{figures['pss_gib']:.2f} GiB (PSS summed over its processes), main process RSS "
        f"{figures['rss_gib']:.2f} GiB"
    )
    report = json.loads((out / "report.json").read_text())
    articles = report["counts"]["nodes"]["article"]
    print(
        f"  {articles:,} articles after identity; {figures['pss_gib'] * 2**20 / articles:.1f} KiB "
        f"per article; {sum(p.stat().st_size for p in out.glob('graph.*')) / 2**30:.2f} GiB of "
        "exports"
    )
    central = [
        measure(newsgraph("central", "--of", of, "--graph", out), stdout=subprocess.DEVNULL)
        for of in ("topics", "providers")
    ]
    print(
        "  `newsgraph central` (fresh process, PageRank): "
        f"topics {central[0]['wall']:.1f} s, providers {central[1]['wall']:.1f} s"
    )
    if args.stages:
        child = subprocess.run(
            [sys.executable, __file__, "--child", corpus, work / "stages"],
            check=True,
            capture_output=True,
            text=True,
        )
        shutil.rmtree(work / "stages", ignore_errors=True)
        for name, value in json.loads(child.stdout).items():
            if name not in ("peak RSS GiB", "articles"):
                print(f"  {name:<38} {value:8.2f} s")
    if args.naive and size == min(args.sizes):
        naive = measure(
            [sys.executable, HERE / "naive.py", corpus, work / "naive"], stdout=subprocess.DEVNULL
        )
        ratio = naive["wall"] / figures["wall"]
        print(
            f"  straightforward script (bench/naive.py) {naive['wall']:.1f} s, "
            f"{naive['pss_gib']:.2f} GiB: newsgraph is {ratio:.1f}x faster"
        )
        shutil.rmtree(work / "naive", ignore_errors=True)
    if args.sparql:
        queries(out, work / "store")
        shutil.rmtree(work / "store", ignore_errors=True)
    if args.dask:
        dask = measure(newsgraph("build", corpus, "-o", work / "dask", "-q", "--engine", "dask"))
        print(
            f"  --engine dask (LocalCluster, 2 workers): {dask['wall']:.1f} s wall, "
            f"{dask['pss_gib']:.2f} GiB (local engine: {figures['wall']:.1f} s)"
        )
        shutil.rmtree(work / "dask", ignore_errors=True)
    if args.incremental:
        incremental(size, corpus, work, figures["wall"])


def incremental(size: int, corpus: Path, work: Path, full_wall: float) -> None:
    copy = work / "corpus"
    shutil.copytree(corpus, copy, symlinks=True)
    inc, full = work / "incremental", work / "full"
    measure(newsgraph("build", copy, "-o", inc, "-q", "--incremental"))
    subprocess.run(
        [
            sys.executable,
            HERE / "generate.py",
            copy / "added",
            "--articles",
            str(size // 100),
            "--seed",
            "2",
        ],
        check=True,
        capture_output=True,
    )
    again = measure(newsgraph("build", copy, "-o", inc, "-q", "--incremental"))
    whole = measure(newsgraph("build", copy, "-o", full, "-q"))
    same = identical(inc, full)
    print(
        f"  --incremental after adding {size // 100:,} files (1%): {again['wall']:.1f} s, "
        f"{again['wall'] / whole['wall']:.0%} of the full build of the same files "
        f"({whole['wall']:.1f} s); exports identical: {same}"
    )
    unchanged = measure(newsgraph("build", copy, "-o", inc, "-q", "--incremental"))
    print(f"  --incremental again, nothing changed: {unchanged['wall']:.2f} s")


if __name__ == "__main__":
    main()
