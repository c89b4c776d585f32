"""newsgraph as a user runs it: exit codes, messages, outputs, determinism, atomic writes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

import newsgraph
from newsgraph.cli import main
from newsgraph.export import EXPORTERS

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "everyday-ai"


@pytest.fixture
def in_repo(monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(ROOT)
    return ROOT


def test_version() -> None:
    result = CliRunner().invoke(main, ["--version"])
    assert result.exit_code == 0
    assert newsgraph.__version__ in result.output


def test_build_defaults_to_seeds(in_repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 files: 1 loaded, 0 skipped" in result.stdout
    assert "nodes: 3 article, 2 provider, 2 topic" in result.stdout
    assert "edges: 3 published_by, 2 has_topic, 2 related_to" in result.stdout
    names = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert names == sorted([e.filename for e in EXPORTERS.values()] + ["report.json"])
    # and, beside graph.json, the analysis index (a cache, not an export)
    assert [p.name for p in tmp_path.iterdir() if p.is_dir()] == [".newsgraph-cache"]
    assert (tmp_path / ".newsgraph-cache" / "index.msgpack").is_file()
    report = json.loads((tmp_path / "report.json").read_text())
    assert report["files"][0]["file"] == "seeds/000_ed631ec3a911a005.txt"


def test_build_one_format(in_repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "-f", "json", "-o", str(tmp_path), "--quiet"])
    assert result.exit_code == 0
    assert result.output == ""
    files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
    assert files == ["graph.json", "report.json"]


def test_unknown_format_is_a_usage_error(in_repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "-f", "nope", "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "'nope' is not one of" in result.stderr


def test_missing_path_is_an_error(in_repo: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(main, ["build", "no/such/folder", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert result.stderr.strip() == "Error: no/such/folder: no such file or folder; check the path"


def test_folder_without_matching_files(tmp_path: Path) -> None:
    (tmp_path / "notes.rst").write_text("nothing")
    result = CliRunner().invoke(main, ["build", str(tmp_path), "-o", str(tmp_path / "out")])
    assert result.exit_code == 1
    assert "no files named *.md or *.markdown or *.txt" in result.stderr


def test_glob_option(tmp_path: Path) -> None:
    seed = (ROOT / "seeds" / "000_ed631ec3a911a005.txt").read_text(encoding="utf-8")
    (tmp_path / "a.yaml").write_text(seed, encoding="utf-8")
    (tmp_path / "b.md").write_text(seed, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(tmp_path), "--glob", "*.yaml", "-o", str(out)])
    assert result.exit_code == 0, result.output
    report = json.loads((out / "report.json").read_text())
    assert [Path(f["file"]).name for f in report["files"]] == ["a.yaml"]


def test_failed_build_leaves_previous_outputs_intact(
    in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(main, ["build", "-o", str(tmp_path)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}

    def broken_writer(graph: object, path: object) -> None:
        raise OSError("disk full")

    import newsgraph.export.gexf

    monkeypatch.setattr(newsgraph.export.gexf, "write_gexf", broken_writer)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # would change every file if any were replaced
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "cannot write the exports (disk full)" in result.stderr
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # no file replaced, no staging folder left behind


def test_folder_in_the_way_of_an_output_leaves_previous_outputs_intact(
    in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(main, ["build", "-o", str(tmp_path)]).exit_code == 0
    (tmp_path / "report.json").unlink()
    (tmp_path / "report.json").mkdir()  # the last file a build moves into place
    (tmp_path / "report.json" / "mine.txt").write_text("keep me")
    before = {p.name: (p.stat().st_ino, p.read_bytes()) for p in tmp_path.glob("graph.*")}
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")  # would change every file if any were replaced
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "report.json: a folder is in the way of an output file" in result.stderr
    after = {p.name: (p.stat().st_ino, p.read_bytes()) for p in tmp_path.glob("graph.*")}
    assert after == before  # not one replaced, not even by the same bytes
    assert (tmp_path / "report.json" / "mine.txt").read_text() == "keep me"
    assert [p.name for p in tmp_path.glob(".newsgraph-*") if p.name != ".newsgraph-cache"] == []


def test_failed_move_puts_the_previous_outputs_back(
    in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(main, ["build", "-o", str(tmp_path)]).exit_code == 0
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    real_rename = Path.rename

    def failing_rename(self: Path, target: Path) -> Path:  # the new report's move fails
        if self.name == "report.json" and self.parent.name.startswith(".newsgraph-build-"):
            raise OSError("no space left")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1")
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "no space left" in result.stderr
    after = {p.name: p.read_bytes() for p in tmp_path.iterdir() if p.is_file()}
    assert after == before  # the new files taken out again, the previous ones back
    assert [p.name for p in tmp_path.glob(".newsgraph-*") if p.name != ".newsgraph-cache"] == []


def test_previous_output_that_cannot_be_put_back_is_kept_and_named(
    in_repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert CliRunner().invoke(main, ["build", "-o", str(tmp_path)]).exit_code == 0
    report = (tmp_path / "report.json").read_bytes()
    real_rename = Path.rename

    def failing_rename(self: Path, target: Path) -> Path:  # the new report, then the old one
        if self.name == "report.json" and self.parent != tmp_path:
            raise OSError("no space left")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", failing_rename)
    result = CliRunner().invoke(main, ["build", "-o", str(tmp_path)])
    assert result.exit_code == 1
    assert "nor put back the previous report.json: they are in" in result.stderr
    assert "move them back by hand" in result.stderr
    [kept] = tmp_path.glob(".newsgraph-previous-*/report.json")
    assert kept.read_bytes() == report
    assert sorted(p.name for p in tmp_path.glob("graph.*")) == sorted(
        e.filename for e in EXPORTERS.values()
    )  # the other previous files are back


def _build_in_subprocess(out: Path, hashseed: str, epoch: str | None) -> dict[str, bytes]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONHASHSEED"] = hashseed
    if epoch is not None:
        env["SOURCE_DATE_EPOCH"] = epoch
    inputs = [str(CORPUS)] if CORPUS.is_dir() else ["seeds"]
    subprocess.run(
        [sys.executable, "-m", "newsgraph", "build", *inputs, "-o", str(out), "-q"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    return {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.is_file()}


def test_outputs_are_byte_identical_whatever_the_hash_seed(tmp_path: Path) -> None:
    first = _build_in_subprocess(tmp_path / "a", "1", "1700000000")
    second = _build_in_subprocess(tmp_path / "b", "4242", "1700000000")
    assert first.keys() == {e.filename for e in EXPORTERS.values()} | {"report.json"}
    assert first == second


def test_outputs_differ_only_in_build_time(tmp_path: Path) -> None:
    first = _build_in_subprocess(tmp_path / "a", "1", "1700000000")
    second = _build_in_subprocess(tmp_path / "b", "2", "1800000000")
    for name, data in first.items():  # (graph.gexf gives the day the graph was built)
        assert data.replace(b"2023-11-14T22:13:20", b"T").replace(b"2023-11-14", b"D") == second[
            name
        ].replace(b"2027-01-15T08:00:00", b"T").replace(b"2027-01-15", b"D"), name


def test_python_dash_m() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "newsgraph", "--help"], capture_output=True, text=True, check=True
    )
    assert "build" in result.stdout


def test_capped_and_focused_views_do_not_depend_on_the_hash_seed(tmp_path: Path) -> None:
    if not CORPUS.is_dir():
        pytest.skip("the corpus is not here")
    first = _build_in_subprocess(tmp_path / "a", "1", "1700000000")
    assert "graph.json" in first
    pages = []
    for seed in ("1", "4242"):
        for args in (["--max-nodes", "60"], ["--around", "Computer Vision", "--max-nodes", "30"]):
            page = tmp_path / f"view-{seed}-{len(args)}.html"
            subprocess.run(
                [sys.executable, "-m", "newsgraph", "viz", "--graph", str(tmp_path / "a"),
                 "--out", str(page), *args],
                cwd=ROOT,
                env={**os.environ, "PYTHONHASHSEED": seed},
                check=True,
                capture_output=True,
            )  # fmt: skip
            pages.append(page.read_bytes())
    assert pages[:2] == pages[2:]
