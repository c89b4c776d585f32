"""Third-party tools read the RDF exports: Raptor's rapper parses them cleanly and counts the same
triples as pyoxigraph and rdflib, on the seed build and on the corpus build.

That Turtle and N-Triples are byte-identical across builds with different PYTHONHASHSEED (and a
fixed SOURCE_DATE_EPOCH) is checked for every output file by
tests/test_cli.py::test_outputs_are_byte_identical_whatever_the_hash_seed.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pyoxigraph
import pytest
import rdflib

import newsgraph

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"
SEED = ROOT / "seeds"
RAPPER = shutil.which("rapper")

FORMATS = {
    "graph.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE, "turtle"),
    "graph.nt": ("ntriples", pyoxigraph.RdfFormat.N_TRIPLES, "nt"),
    "graph.void.ttl": ("turtle", pyoxigraph.RdfFormat.TURTLE, "turtle"),
}


@pytest.fixture(scope="module", params=["seed", "corpus"])
def exports(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    if request.param == "corpus" and not CORPUS.is_dir():
        pytest.skip(f"corpus not available at {CORPUS}")
    out = tmp_path_factory.mktemp(f"{request.param}-exports")
    newsgraph.run_build([SEED if request.param == "seed" else CORPUS], out)
    return out


@pytest.mark.skipif(RAPPER is None, reason="rapper (Debian package raptor2-utils) is not installed")
@pytest.mark.parametrize("name", sorted(FORMATS))
def test_rapper_counts_what_pyoxigraph_and_rdflib_count(exports: Path, name: str) -> None:
    rapper_syntax, oxigraph_format, rdflib_format = FORMATS[name]
    path = exports / name
    done = subprocess.run(
        [RAPPER or "rapper", "-i", rapper_syntax, "-c", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "Error" not in done.stderr and "Warning" not in done.stderr, done.stderr
    counted = re.search(r"Parsing returned (\d+) triples", done.stderr)
    assert counted, done.stderr
    by_oxigraph = sum(1 for _ in pyoxigraph.parse(path=str(path), format=oxigraph_format))
    by_rdflib = len(rdflib.Graph().parse(str(path), format=rdflib_format))
    assert int(counted[1]) == by_oxigraph == by_rdflib > 0
