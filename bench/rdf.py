"""RDF figures: triples/s writing Turtle and N-Triples, and the latency of every example query.

    python bench/rdf.py CORPUS_OR_EXPORT [--runs N] [--store DIR]

Builds the graph of CORPUS (e.g. a synthetic corpus from bench/generate.py), or reads it from an
export folder's graph.json, writes graph.ttl
and graph.nt (timed), loads graph.nt into a pyoxigraph store (in memory, or on disk under
``--store``) and runs each query of ontology/queries/*.rq ``--runs`` times, printing the median
and the worst latency and the number of result rows.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph

import newsgraph
from newsgraph.export.rdf import write_ntriples, write_turtle
from newsgraph.sparql import run_query

ROOT = Path(__file__).resolve().parents[1]
QUERIES = ROOT / "ontology" / "queries"


def timed(label: str, func: object, *args: object) -> float:
    start = time.perf_counter()
    func(*args)  # type: ignore[operator]
    seconds = time.perf_counter() - start
    print(f"  {label:<34} {seconds:8.2f} s")
    return seconds


def count_lines(path: Path) -> int:
    with path.open("rb") as handle:
        return sum(1 for _ in handle)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--store", type=Path, help="build an on-disk store here")
    args = parser.parse_args()
    print(
        f"newsgraph {newsgraph.__version__}, pyoxigraph {pyoxigraph.__version__}, Python "
        f"{platform.python_version()}, {os.cpu_count()} cores; corpus {args.corpus}"
    )
    start = time.perf_counter()
    if (args.corpus / "graph.json").is_file():
        graph = newsgraph.read_json(args.corpus / "graph.json")
        print(f"  {'read graph.json':<34} {time.perf_counter() - start:8.2f} s")
    else:
        graph = newsgraph.build([args.corpus]).graph
        print(f"  {'build graph':<34} {time.perf_counter() - start:8.2f} s")
    counts = newsgraph.count_kinds(graph)
    print(f"  nodes {counts['nodes']}, edges {counts['edges']}")
    with tempfile.TemporaryDirectory() as tmp:
        ttl, nt = Path(tmp) / "graph.ttl", Path(tmp) / "graph.nt"
        ttl_seconds = timed("write graph.ttl", write_turtle, graph, ttl)
        nt_seconds = timed("write graph.nt", write_ntriples, graph, nt)
        triples = count_lines(nt)
        print(f"  triples: {triples:,}")
        print(f"  Turtle:      {triples / ttl_seconds:12,.0f} triples/s ({ttl.stat().st_size:,} B)")
        print(f"  N-Triples:   {triples / nt_seconds:12,.0f} triples/s ({nt.stat().st_size:,} B)")
        del graph
        store = pyoxigraph.Store(str(args.store)) if args.store else pyoxigraph.Store()
        start = time.perf_counter()
        store.bulk_load(path=str(nt), format=pyoxigraph.RdfFormat.N_TRIPLES)
        where = f"on disk at {args.store}" if args.store else "in memory"
        print(f"  {'load store (' + where + ')':<34} {time.perf_counter() - start:8.2f} s")
    files = sorted(QUERIES.glob("*.rq"))
    if not files:
        sys.exit("no example queries in ontology/queries/")
    print(f"  example queries, {args.runs} runs each: median / worst, rows")
    for file in files:
        text = file.read_text(encoding="utf-8")
        times, rows = [], 0
        for _ in range(args.runs):
            start = time.perf_counter()
            result = run_query(store, text)
            # consume every row (results are lazy); an ASK answer is one row
            rows = 1 if isinstance(result, pyoxigraph.QueryBoolean) else sum(1 for _ in result)
            times.append(time.perf_counter() - start)
        print(
            f"    {file.name:<40} {statistics.median(times):7.3f} s {max(times):7.3f} s {rows:>8}"
        )


if __name__ == "__main__":
    main()
