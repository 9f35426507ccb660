"""Fixtures: a built copy of the shipped deck, and a clean working folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import copy_shipped

from exporter.cli import main


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def in_tmp(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Run the test inside an empty folder, as a user runs `exporter` in their project."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of `exporter build` on the shipped deck."""
    root = tmp_path_factory.mktemp("shipped")
    out = root / "out"
    data = copy_shipped(root / "data")
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
