"""``newsgraph build --engine dask``: the same graph, triples and report as the local engine.

One ``LocalCluster`` of 2 worker processes serves the module (its address is passed as
``--scheduler``, as a user passes a real cluster's); the real corpus (when ../shared is there) and
a 10,000-file synthetic corpus are built by both engines and compared: the N-Triples shards hold
exactly the lines of the local ``graph.nt``, ``read_tables`` gives back a graph equal to the local
one, ``report.json`` has the same content, and ``central``, ``communities``, ``sparql``, ``viz``
and ``newsgraph.open`` answer the same from either build.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from click.testing import CliRunner

import newsgraph
from newsgraph.analysis.index import GraphIndex
from newsgraph.cli import main

pytest.importorskip("distributed")
pytest.importorskip("pyarrow")

from newsgraph.engines import dask as engine
from newsgraph.export.tables import read_tables

REPO_ROOT = Path(__file__).resolve().parents[1]
DATA_DIR = REPO_ROOT / "tests" / "data"
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "everyday-ai"
GENERATE = ["--articles", "10000", "--seed", "1"]
EPOCH = "1700000000"  # SOURCE_DATE_EPOCH: both engines record the same build time
DATASET = "<https://w3id.org/newsgraph/id/dataset>"


@pytest.fixture(scope="module")
def scheduler() -> Iterator[str]:
    """The address of a LocalCluster of 2 worker processes, for the whole module."""
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0"
    ) as cluster:
        yield str(cluster.scheduler_address)


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """10,000 synthetic files from bench/generate.py (deterministic)."""
    out = tmp_path_factory.mktemp("synthetic") / "corpus"
    subprocess.run(
        [sys.executable, str(REPO_ROOT / "bench" / "generate.py"), str(out), *GENERATE],
        check=True,
        capture_output=True,
    )
    return out


@dataclass
class Builds:
    """The same corpus built by both engines."""

    local: Path
    dask: Path
    graph: nx.MultiDiGraph  # the local engine's
    result: newsgraph.BuildResult  # the dask engine's


def _build_both(corpus: Path, root: Path, scheduler: str, **options: Any) -> Builds:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("SOURCE_DATE_EPOCH", EPOCH)
        local = newsgraph.run_build(
            [corpus], root / "local", formats=["json", "ntriples", "summary"]
        )
        result = engine.run_build([corpus], root / "dask", scheduler=scheduler, **options)
    return Builds(root / "local", root / "dask", local.graph, result)


@pytest.fixture(scope="module", params=["everyday-ai", "synthetic-10k"])
def builds(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    scheduler: str,
) -> Builds:
    if request.param == "everyday-ai":
        if not CORPUS_DIR.is_dir():
            pytest.skip(f"corpus not available at {CORPUS_DIR}")
        # 401 nodes in shards of at most 100: five shards
        return _build_both(
            CORPUS_DIR, tmp_path_factory.mktemp("everyday"), scheduler, shard_nodes=100
        )
    synthetic = request.getfixturevalue("synthetic")
    return _build_both(synthetic, tmp_path_factory.mktemp("synthetic-builds"), scheduler)


def shards(folder: Path) -> list[Path]:
    return sorted(folder.glob("graph-*.nt"))


def assert_equal_graphs(expected: nx.MultiDiGraph, actual: nx.MultiDiGraph) -> None:
    assert actual.graph == expected.graph
    assert list(actual.nodes(data=True)) == list(expected.nodes(data=True))
    assert list(actual.edges(keys=True, data=True)) == list(expected.edges(keys=True, data=True))


def comparable(report: dict[str, Any]) -> dict[str, Any]:
    """A report without the fields that name the engine's own outputs and timing."""
    return {k: v for k, v in report.items() if k not in ("outputs", "engine")}


# -- the engine against the local one ---------------------------------------------------------


def test_shards_hold_exactly_the_triples_of_graph_nt(builds: Builds) -> None:
    local = (builds.local / "graph.nt").read_bytes().splitlines()
    parts = [path.read_bytes().splitlines() for path in shards(builds.dask)]
    assert len(parts) == builds.result.report["engine"]["shards"] >= 2
    lines = [line for part in parts for line in part]
    assert set(lines) == set(local)
    assert len(lines) == len(local) == builds.result.report["engine"]["triples"]  # no repeats
    # the dataset's triples are in the first shard only, and the shards in order are graph.nt
    assert [any(line.startswith(DATASET.encode()) for line in part) for part in parts] == [True] + [
        False
    ] * (len(parts) - 1)
    assert lines == local


def test_read_tables_gives_the_local_graph(builds: Builds) -> None:
    assert_equal_graphs(builds.graph, read_tables(builds.dask))
    assert_equal_graphs(builds.graph, builds.result.graph)


def test_report_has_the_same_content(builds: Builds) -> None:
    local = json.loads((builds.local / "report.json").read_text(encoding="utf-8"))
    dask = json.loads((builds.dask / "report.json").read_text(encoding="utf-8"))
    assert comparable(dask) == comparable(local)
    assert dask["counts"] == newsgraph.count_kinds(builds.graph)
    engine_info = dask["engine"]
    assert engine_info["name"] == "dask" and engine_info["workers"] == 2
    assert set(engine_info["seconds"]) == {"discover", "connect", "load", "build", "write"}
    assert sorted(dask["outputs"].values()) == sorted(
        ["nodes.parquet", "edges.parquet", "graph.summary.ttl"]
        + [p.name for p in shards(builds.dask)]
    )
    assert sorted(p.name for p in builds.dask.iterdir()) == sorted(
        [*dask["outputs"].values(), "report.json"]
    )


def test_node_table_has_typed_columns_to_filter_on(builds: Builds) -> None:
    import pyarrow.parquet as pq

    table = pq.read_table(builds.dask / "nodes.parquet")
    assert str(table.schema.field("published_at").type) == "timestamp[us, tz=UTC]"
    rows = {row["id"]: row for row in table.to_pylist()}
    assert list(rows) == list(builds.graph)
    for node, attrs in builds.graph.nodes(data=True):
        row = rows[node]
        assert row["kind"] == attrs["kind"]
        if attrs["kind"] == "article":
            assert row["url"] == attrs.get("url")
            assert row["label"] == attrs.get("title", attrs.get("url"))
            assert row["published_at"] == attrs.get("published_at")
            providers = [t for t in builds.graph.successors(node) if t.startswith("provider:")]
            if providers:
                assert row["domain"] == builds.graph.nodes[providers[0]].get("domain")
        elif attrs["kind"] == "topic":
            assert row["label"] == attrs["label"]
    edges = pq.read_table(builds.dask / "edges.parquet").to_pylist()
    assert [(e["source"], e["target"], e["kind"]) for e in edges] == list(
        builds.graph.edges(keys=True)
    )
    assert [e["rank"] for e in edges] == [d.get("rank") for *_, d in builds.graph.edges(data=True)]


def test_open_reads_the_tables(builds: Builds) -> None:
    dask, local = GraphIndex.read(builds.dask), GraphIndex.read(builds.local)
    assert dask.source.endswith("nodes.parquet")
    for field in fields(GraphIndex):
        if field.name not in ("source", "_matcher", "_positions"):
            assert getattr(dask, field.name) == getattr(local, field.name), field.name
    analysis = newsgraph.open(builds.dask)
    assert analysis.index.source == dask.source


# -- the commands on a dask build ----------------------------------------------------------


def invoke(*args: str) -> Any:
    result = CliRunner().invoke(main, list(args))
    assert result.exit_code == 0, result.output
    return result


@pytest.mark.parametrize(
    "args",
    [
        ["central", "-m", "pagerank", "-m", "degree", "--top", "8"],
        ["central", "--focus", "facial recognition regulation", "--of", "providers"],
        ["communities", "--of", "topics"],
        ["trend", "--of", "topics", "--window", "year", "--no-chart"],
    ],
    ids=["central-topics", "central-focus", "communities", "trend"],
)
def test_analysis_commands_answer_the_same(builds: Builds, args: list[str]) -> None:
    dask = invoke(*args, "--graph", str(builds.dask))
    local = invoke(*args, "--graph", str(builds.local))
    assert dask.stdout == local.stdout


QUERIES = [
    "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }",
    str(REPO_ROOT / "ontology" / "queries" / "topics-by-article-count.rq"),
    str(REPO_ROOT / "ontology" / "queries" / "most-linked-providers.rq"),
    str(REPO_ROOT / "ontology" / "queries" / "stubs.rq"),
]


def test_sparql_reads_the_shards(builds: Builds) -> None:
    from newsgraph.sparql import open_store, read_query, run_query, write_results

    dask, local = open_store([builds.dask]), open_store([builds.local])
    assert len(dask) == len(local) > builds.result.report["engine"]["triples"]  # + the summary
    for query in QUERIES:
        text = read_query(query)
        answer = write_results(run_query(dask, text), "csv")
        assert answer == write_results(run_query(local, text), "csv"), query
        assert len(answer.splitlines()) > 1


def test_summary_is_the_local_engines(builds: Builds) -> None:
    name = "graph.summary.ttl"
    assert (builds.dask / name).read_bytes() == (builds.local / name).read_bytes()
    assert builds.result.report["outputs"]["summary"] == name


def test_viz_draws_the_dask_build(builds: Builds, tmp_path: Path) -> None:
    result = invoke(
        "viz", "--around", "AI", "--max-nodes", "60", "--graph", str(builds.dask),
        "--out", str(tmp_path / "dask.html"),
    )  # fmt: skip
    assert "wrote" in result.stdout
    view = newsgraph.select_view(builds.graph, around="AI", max_nodes=60)
    newsgraph.write_view(view, tmp_path / "local.html")
    assert (tmp_path / "dask.html").read_bytes() == (tmp_path / "local.html").read_bytes()


# -- the command line ----------------------------------------------------------------------


def test_cli_build_with_scheduler(scheduler: str, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out).mkdir()
    # outputs of an earlier build that the readers would take instead of, or with, these
    for stale in ("graph.json", "graph.nt", "graph.void.ttl", "graph-00007.nt"):
        (out / stale).write_text("stale\n", encoding="utf-8")
    (out / "keep.txt").write_text("not ours\n", encoding="utf-8")
    result = invoke(
        "build", str(REPO_ROOT / "seeds"), "--engine", "dask", "--scheduler", scheduler,
        "--out", str(out),
    )  # fmt: skip
    assert "1 files: 1 loaded, 0 skipped" in result.stdout
    assert "nodes: 3 article, 2 provider, 2 topic" in result.stdout
    assert f"engine: dask ({scheduler}, 2 workers, 2 N-Triples shards)" in result.stdout
    assert sorted(p.name for p in out.iterdir()) == [
        "edges.parquet", "graph-00000.nt", "graph-00001.nt", "graph.summary.ttl", "keep.txt",
        "nodes.parquet", "report.json",
    ]  # fmt: skip
    assert newsgraph.count_kinds(read_tables(out))["nodes"] == {
        "article": 3,
        "provider": 2,
        "topic": 2,
    }
    graph = newsgraph.open(out).graph
    assert newsgraph.count_kinds(graph) == json.loads((out / "report.json").read_bytes())["counts"]
    query = "SELECT ?h WHERE { ?a schema:headline ?h } ORDER BY ?h"
    result = invoke("sparql", query, "--data", str(out), "--format", "csv")
    assert result.stdout.splitlines()[1:] == sorted(
        d["title"] for _, d in graph.nodes(data=True) if "title" in d
    )
    result = invoke("central", "--graph", str(out), "-m", "degree", "--format", "csv")
    assert result.stdout.splitlines()[1].startswith("1,AI,")
    result = invoke("viz", "--graph", str(out))  # the page goes next to the graph
    assert f"wrote {out / 'view.html'}" in result.stdout
    result = invoke("validate", str(out))  # the shards against the SHACL shapes
    assert "conforms: no violations" in result.stdout


def test_cli_build_starts_a_local_cluster(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    result = invoke(
        "build", str(REPO_ROOT / "seeds"), "--engine", "dask", "--workers", "1",
        "--out", str(tmp_path / "dask"),
    )  # fmt: skip
    assert "engine: dask (local cluster, 1 workers, 1 N-Triples shards)" in result.stdout
    invoke("build", str(REPO_ROOT / "seeds"), "--out", str(tmp_path / "local"))
    assert (tmp_path / "dask" / "graph-00000.nt").read_bytes() == (
        tmp_path / "local" / "graph.nt"
    ).read_bytes()
    # a local build over the dask one removes what the readers would take with its own outputs
    invoke("build", str(REPO_ROOT / "seeds"), "--out", str(tmp_path / "dask"), "-f", "ntriples")
    assert sorted(p.name for p in (tmp_path / "dask").iterdir()) == ["graph.nt", "report.json"]


def test_bad_input_is_handled_as_the_local_engine_does(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)  # (else the two builds' seconds can differ)
    args = ["build", str(DATA_DIR / "broken"), "--strict"]
    dask = CliRunner().invoke(
        main, [*args, "--engine", "dask", "--scheduler", scheduler, "-o", str(tmp_path / "d")]
    )
    local = CliRunner().invoke(main, [*args, "-o", str(tmp_path / "l")])
    assert dask.exit_code == local.exit_code == 1
    assert dask.stderr == local.stderr.replace(str(tmp_path / "l"), str(tmp_path / "d"))
    reports = [json.loads((tmp_path / d / "report.json").read_text()) for d in ("d", "l")]
    assert reports[0]["problems"] and comparable(reports[0]) == comparable(reports[1])


@pytest.mark.parametrize(
    "args,message",
    [
        (["--scheduler", "tcp://127.0.0.1:8786"], "--scheduler and --workers go with --engine"),
        (["--workers", "2"], "--scheduler and --workers go with --engine dask"),
        (["--engine", "dask", "--format", "json"], "--format chooses the local engine's"),
        (["--engine", "dask", "-j", "2"], "--jobs is for the local engine"),
        (["--engine", "dask", "--incremental"], "--incremental is for the local engine"),
        (
            ["--engine", "dask", "--scheduler", "tcp://127.0.0.1:8786", "--workers", "2"],
            "--workers sizes the local cluster",
        ),
    ],
)
def test_engine_options_that_do_not_go_together(args: list[str], message: str) -> None:
    result = CliRunner().invoke(main, ["build", str(REPO_ROOT / "seeds"), *args])
    assert result.exit_code == 2
    assert message in result.stderr


def test_unreachable_scheduler_is_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(engine, "CONNECT_TIMEOUT", 1)
    result = CliRunner().invoke(
        main,
        ["build", str(REPO_ROOT / "seeds"), "--engine", "dask", "--scheduler",
         "tcp://127.0.0.1:9", "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 1
    assert "Error: cannot reach the Dask scheduler at tcp://127.0.0.1:9" in result.stderr
    assert not (tmp_path / "out" / "report.json").exists()


def test_workers_that_cannot_see_the_inputs_are_an_error(
    scheduler: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine, "_missing", lambda paths: list(paths)[:1])
    with pytest.raises(newsgraph.InputError, match="filesystem that the client and every worker"):
        engine.run_build([REPO_ROOT / "seeds"], tmp_path / "out", scheduler=scheduler)
    assert not list((tmp_path / "out").iterdir())  # the staging folder is gone


def test_help_imports_neither_dask_nor_pyarrow() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from newsgraph.cli import main;"
        "CliRunner().invoke(main, ['build', '--help']);"
        "print(sorted({'dask', 'distributed', 'pyarrow'} & set(sys.modules)))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "[]", result.stderr


def test_build_in_memory_equals_the_local_build(
    scheduler: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    seen: list[int] = []
    result = engine.build([DATA_DIR / "broken"], scheduler=scheduler, progress=seen.append)
    local = newsgraph.build([DATA_DIR / "broken"])
    assert_equal_graphs(local.graph, result.graph)
    assert result.report == local.report
    assert sum(seen) == local.report["files_seen"]
    assert result.outputs == {}


def test_missing_extra_says_what_to_install(monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util

    find_spec = importlib.util.find_spec
    monkeypatch.setattr(
        importlib.util, "find_spec", lambda name: None if name == "pyarrow" else find_spec(name)
    )
    with pytest.raises(newsgraph.NewsgraphError, match=r"pip install 'newsgraph\[dask\]'"):
        engine.run_build([REPO_ROOT / "seeds"], "never-written")
    assert not Path("never-written").exists()
