"""`newsgraph build --incremental`: only changed files are loaded; exports equal a full build's."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsgraph.cache import LoadCache
from newsgraph.cli import main
from newsgraph.errors import InputError
from newsgraph.pipeline import BUILD_STAMP_PATH, CACHE_PATH, run_build, up_to_date

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
    (corpus / "zz-new.md").write_text("---\ntitle: New\nwebUrl: https://example.com/new\n---\n")
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.output
    assert "76 files: 76 loaded" in result.output
    assert "75 unchanged" in result.output


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """Each file's modification time and inode: a file written again gets other ones."""
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in folder.rglob("*")
        if p.is_file()
    }


def test_nothing_changed_nothing_done(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(corpus), "-o", str(out), "-f", "json", "-f", "turtle", "--incremental"]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    before = stamps(out)
    assert (out / BUILD_STAMP_PATH).is_file()

    again = CliRunner().invoke(main, args)
    assert again.exit_code == 0, again.output
    assert "75 files unchanged since the last --incremental build" in again.output
    assert "nothing to do" in again.output
    assert f"up to date: {out / 'graph.json'}, {out / 'graph.ttl'}" in again.output
    assert stamps(out) == before  # not one file written, the caches included
    # the formats given in another order or twice are the same build
    reordered = ["build", str(corpus), "-o", str(out), "-f", "turtle", "-f", "json", "-f", "json"]
    assert "nothing to do" in CliRunner().invoke(main, [*reordered, "--incremental"]).output

    report = up_to_date([corpus], out, formats=["turtle", "json"])
    assert report is not None
    assert report == json.loads((out / "report.json").read_text())


def _touch_an_input(corpus: Path, out: Path) -> None:
    os.utime(sorted(corpus.iterdir())[0], ns=(1, 1))


def _add_an_input(corpus: Path, out: Path) -> None:
    shutil.copy(sorted(corpus.iterdir())[0], corpus / "zz-copy.md")


def _remove_an_input(corpus: Path, out: Path) -> None:
    sorted(corpus.iterdir())[0].unlink()


def _change_an_output(corpus: Path, out: Path) -> None:
    with (out / "graph.ttl").open("a") as handle:
        handle.write("# edited\n")


def _remove_an_output(corpus: Path, out: Path) -> None:
    (out / "graph.json").unlink()


def _remove_an_index(corpus: Path, out: Path) -> None:
    (out / ".newsgraph-cache" / "index.msgpack").unlink()


def _build_in_full(corpus: Path, out: Path) -> None:
    run_build([corpus], out, formats=["json"])


def _stamp_of_other_code(corpus: Path, out: Path) -> None:
    kept = json.loads((out / BUILD_STAMP_PATH).read_text())
    kept["code"] = "0" * 64
    (out / BUILD_STAMP_PATH).write_text(json.dumps(kept))


@pytest.mark.parametrize(
    "change",
    [
        _touch_an_input,
        _add_an_input,
        _remove_an_input,
        _change_an_output,
        _remove_an_output,
        _remove_an_index,
        _build_in_full,
        _stamp_of_other_code,
    ],
)
def test_a_change_means_a_build(
    change: Callable[[Path, Path], None], corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    run_build([corpus], out, formats=FORMATS, incremental=True)
    assert up_to_date([corpus], out, formats=FORMATS) is not None
    change(corpus, out)
    assert up_to_date([corpus], out, formats=FORMATS) is None
    run_build([corpus], out, formats=FORMATS, incremental=True)
    assert up_to_date([corpus], out, formats=FORMATS) is not None
    run_build([corpus], tmp_path / "full", formats=FORMATS)
    assert outputs(out) == outputs(tmp_path / "full")


def test_other_settings_mean_a_build(
    corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "out"
    run_build([corpus], out, formats=FORMATS, incremental=True)
    assert up_to_date([corpus], out, formats=FORMATS) is not None
    assert up_to_date([corpus], out, formats=["json"]) is None
    assert up_to_date([corpus], out) is None  # every format
    assert up_to_date([corpus], out, formats=FORMATS, base_iri="https://example.org/") is None
    one = sorted(corpus.iterdir())[0].name
    assert up_to_date([corpus], out, formats=FORMATS, globs=[one]) is None  # other files
    assert up_to_date([corpus], out, formats=FORMATS, globs=["*.md", "*.markdown"]) is not None
    with pytest.raises(InputError, match="no files named"):
        up_to_date([corpus], out, formats=FORMATS, globs=["*.markdown"])
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000001")  # another build time
    assert up_to_date([corpus], out, formats=FORMATS) is None
    monkeypatch.delenv("SOURCE_DATE_EPOCH")
    assert up_to_date([corpus], out, formats=FORMATS) is None


def test_no_stamp_without_incremental(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run_build([corpus], out, formats=["json"])
    assert not (out / BUILD_STAMP_PATH).exists()
    assert up_to_date([corpus], out, formats=["json"]) is None


def test_kept_problems_still_fail_strict(tmp_path: Path, broken_dir: Path) -> None:
    out = tmp_path / "out"
    args = ["build", str(broken_dir), "-o", str(out), "-f", "json", "--incremental", "--strict"]
    first = CliRunner().invoke(main, args)
    again = CliRunner().invoke(main, args)
    assert "nothing to do" in again.output
    assert first.exit_code == again.exit_code == 1
    assert first.output.splitlines()[0] == again.output.splitlines()[0]  # the same first problem
    assert "problems (--strict)" in again.output


def test_a_cache_that_cannot_be_written_does_not_fail_the_build(
    corpus: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    (out / CACHE_PATH).mkdir(parents=True)  # a folder where the cache file should go
    result = run_build([corpus], out, formats=["json"], incremental=True)
    assert result.report["files_loaded"] == 75
    again = run_build([corpus], out, formats=["json"], incremental=True)
    assert again.report["files_reused"] == 0  # nothing was kept, everything loaded again
