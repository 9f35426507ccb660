"""Fixtures: a built copy of the shipped deck, and a clean working folder per test."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import SHIPPED_DECK

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
    out = tmp_path_factory.mktemp("shipped") / "out"
    result = CliRunner().invoke(main, ["build", str(SHIPPED_DECK), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out
