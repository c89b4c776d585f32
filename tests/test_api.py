"""The public API: every name in ``newsgraph.__all__`` resolves, and importing stays light."""

from __future__ import annotations

import subprocess
import sys

import pytest

import newsgraph


@pytest.mark.parametrize("name", sorted(newsgraph.__all__))
def test_public_name_resolves(name: str) -> None:
    assert getattr(newsgraph, name) is not None


def test_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        _ = newsgraph.nope  # type: ignore[attr-defined]


def test_help_does_not_import_networkx() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from newsgraph.cli import main;"
        "CliRunner().invoke(main, ['--help']); print('networkx' in sys.modules)"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr


@pytest.mark.parametrize("as_given", [str, lambda p: p], ids=["str", "Path"])
def test_build_takes_one_path_as_well_as_a_list(seed_file: object, as_given: object) -> None:
    """A single path is one path (a str used to be walked character by character, from /)."""
    folder = as_given(seed_file.parent)  # type: ignore[attr-defined, operator]
    result = newsgraph.build(folder)
    assert result.report["files_loaded"] == newsgraph.build([folder]).report["files_loaded"] >= 1
