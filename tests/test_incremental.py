"""`newsgraph build --incremental`: only changed files are loaded; exports equal a full build's."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgraph.cache import LoadCache
from newsgraph.cli import main
from newsgraph.pipeline import CACHE_PATH, run_build

# read-only; the tests copy it to a temporary folder to change it, never into the repository
CORPUS_DIR = Path(__file__).resolve().parents[2] / "shared" / "corpus" / "everyday-ai"

FORMATS = ["json", "turtle", "graphml"]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    if not CORPUS_DIR.is_dir():
        pytest.skip("../shared/corpus is not here")
    folder = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, folder)
    return folder


@pytest.fixture(autouse=True)
def fixed_time(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")


def outputs(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.name.startswith("graph.")}


def test_unchanged_files_come_from_the_cache(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_build([corpus], out, formats=FORMATS, incremental=True)
    assert first.report["files_reused"] == 0
    assert (out / CACHE_PATH).is_file()
    again = run_build([corpus], out, formats=FORMATS, incremental=True)
    assert again.report["files_reused"] == again.report["files_seen"] == 75

    full = run_build([corpus], tmp_path / "full", formats=FORMATS)
    assert "files_reused" not in full.report
    assert outputs(out) == outputs(tmp_path / "full")


def test_added_changed_and_removed_files_give_a_full_builds_exports(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_build([corpus], out, formats=FORMATS, incremental=True)
    files = sorted(corpus.iterdir())
    # change one (same size is not enough to hide it: the time changes too), remove one, add one
    files[0].write_text("---\ntitle: Changed record\nwebUrl: https://example.com/changed\n---\n")
    files[1].unlink()
    shutil.copy(files[2], corpus / "zz-new-copy.md")
    os.utime(corpus / "zz-new-copy.md", ns=(1, 1))

    result = run_build([corpus], out, formats=FORMATS, incremental=True)
    assert result.report["files_seen"] == 75
    assert result.report["files_reused"] == 73  # all but the changed and the new file
    full = run_build([corpus], tmp_path / "full", formats=FORMATS)
    assert outputs(out) == outputs(tmp_path / "full")
    assert result.report["files"] == full.report["files"]
    assert any("Changed" in (t or "") for _, t in result.graph.nodes(data="title"))


def test_a_broken_or_foreign_cache_is_ignored(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    (out / CACHE_PATH).parent.mkdir(parents=True)
    (out / CACHE_PATH).write_bytes(b"\x00 not a cache")
    result = run_build([corpus], out, formats=["json"], incremental=True)
    assert result.report["files_reused"] == 0
    assert len(LoadCache.read(out / CACHE_PATH)) == 75

    data = (out / CACHE_PATH).read_bytes()
    (out / CACHE_PATH).write_bytes(
        data.replace(b"newsgraph-load-cache/1", b"newsgraph-load-cache/0")
    )
    assert len(LoadCache.read(out / CACHE_PATH)) == 0
    assert run_build([corpus], out, formats=["json"], incremental=True).report["files_reused"] == 0


def test_broken_files_are_cached_with_their_problems(tmp_path: Path, broken_dir: Path) -> None:
    out = tmp_path / "out"
    first = run_build([broken_dir], out, formats=["json"], incremental=True)
    second = run_build([broken_dir], out, formats=["json"], incremental=True)
    assert second.report["files_reused"] == second.report["files_seen"]
    assert second.report["problems"] == first.report["problems"]
    assert second.report["files"] == first.report["files"]


def test_cli_flag(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(corpus), "-o", str(out), "-f", "json", "--incremental"]
    assert CliRunner().invoke(main, args).exit_code == 0
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "75 unchanged" in result.output


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / CACHE_PATH).mkdir(parents=True)  # a folder where the cache file should go
    result = run_build([corpus], out, formats=["json"], incremental=True)
    assert result.report["files_loaded"] == 75
    again = run_build([corpus], out, formats=["json"], incremental=True)
    assert again.report["files_reused"] == 0  # nothing was kept, everything loaded again
