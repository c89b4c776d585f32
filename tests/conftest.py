"""Shared fixtures: where the repository, its test data and the borrowed corpus are.

Paths in reports are shown relative to the working folder, so tests that check them run from the
repository root (``in_repo_root``). Keep fixtures here generic; test-specific helpers belong in
their test module.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pytest

if TYPE_CHECKING:
    import networkx as nx

REPO_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = REPO_ROOT / "tests" / "data"
SEED_FILE = REPO_ROOT / "seeds" / "000_ed631ec3a911a005.txt"
# Public data lent to the project, read-only and never copied into the repository.
CORPUS_DIR = REPO_ROOT.parent / "shared" / "corpus" / "everyday-ai"


@pytest.fixture
def repo_root() -> Path:
    """The repository root (absolute)."""
    return REPO_ROOT


@pytest.fixture
def in_repo_root(monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test with the repository root as the working folder; returns the root."""
    monkeypatch.chdir(REPO_ROOT)
    return REPO_ROOT


@pytest.fixture
def broken_dir() -> Path:
    """``tests/data/broken``: hand-written bad (and a few good) input files."""
    return DATA_DIR / "broken"


@pytest.fixture
def seed_file() -> Path:
    """The one seed record shipped with the repository."""
    return SEED_FILE


@pytest.fixture
def corpus_dir() -> Path:
    """The real everyday-ai corpus in ``../shared/corpus``; skips the test when it is absent."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus not available at {CORPUS_DIR}")
    return CORPUS_DIR


@pytest.fixture(scope="session")
def seed_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every export of the seed, built once for the test run (treat it as read-only)."""
    import newsgraph

    out = tmp_path_factory.mktemp("seed-exports")
    newsgraph.run_build([REPO_ROOT / "seeds"], out)
    return out


@pytest.fixture(scope="session")
def corpus_exports(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every export of the real corpus, built once (read-only); skips when it is absent."""
    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus not available at {CORPUS_DIR}")
    import newsgraph

    out = tmp_path_factory.mktemp("corpus-exports")
    newsgraph.run_build([CORPUS_DIR], out)
    return out


@pytest.fixture(scope="module")
def seed_graph() -> nx.MultiDiGraph:
    """The graph of ``seeds/`` (one per test module, which may change it)."""
    import newsgraph

    return newsgraph.build([REPO_ROOT / "seeds"]).graph


@pytest.fixture(scope="module")
def corpus_graph() -> nx.MultiDiGraph:
    """The graph of the real corpus (one per test module); skips the test when it is absent."""
    import newsgraph

    if not CORPUS_DIR.is_dir():
        pytest.skip(f"corpus not available at {CORPUS_DIR}")
    return newsgraph.build([CORPUS_DIR]).graph
