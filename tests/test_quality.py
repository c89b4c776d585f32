"""Lint, format and type checks run with the tests, so one command checks everything."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

CHECKS = {
    "ruff-lint": [sys.executable, "-m", "ruff", "check", "src", "tests", "bench"],
    "ruff-format": [sys.executable, "-m", "ruff", "format", "--check", "src", "tests", "bench"],
    "mypy": [sys.executable, "-m", "mypy"],
}


@pytest.mark.parametrize("name", sorted(CHECKS))
def test_check_passes(name: str) -> None:
    command = CHECKS[name]
    if name.startswith("ruff") and shutil.which("ruff") is None:
        pytest.importorskip("ruff")
    result = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
