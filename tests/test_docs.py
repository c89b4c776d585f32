"""Docs move with the code: README examples run; every command, option and format is documented."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import click
import pytest

import newsgraph
from newsgraph.cli import main
from newsgraph.export import EXPORTERS

ROOT = Path(__file__).resolve().parents[1]
README = (ROOT / "README.md").read_text(encoding="utf-8")


def python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, flags=re.DOTALL)


def commands() -> list[tuple[str, click.Command]]:
    found: list[tuple[str, click.Command]] = []
    assert isinstance(main, click.Group)
    for name, command in sorted(main.commands.items()):
        found.append((name, command))
    return found


@pytest.mark.parametrize("block", python_blocks(README), ids=lambda b: b.splitlines()[0][:40])
def test_readme_python_examples_run(
    block: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    shutil.copytree(ROOT / "seeds", tmp_path / "seeds")
    monkeypatch.chdir(tmp_path)
    exec(compile(block, "README.md", "exec"), {})
    assert (tmp_path / "exports" / "report.json").is_file()


@pytest.mark.parametrize("name,command", commands(), ids=[n for n, _ in commands()])
def test_every_command_and_option_is_documented(name: str, command: click.Command) -> None:
    assert f"newsgraph {name}" in README
    assert command.help and "Example:" in command.help, "the help text ends with an example"
    for param in command.params:
        for opt in param.opts:
            if opt.startswith("--"):
                assert opt in README, f"{name} {opt} is not in the README"


def test_every_format_is_documented() -> None:
    for exporter in EXPORTERS.values():
        assert f"`{exporter.filename}`" in README


def test_changelog_names_this_version() -> None:
    changelog = (ROOT / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {newsgraph.__version__}" in changelog
