"""Fixtures: a built copy of the shipped deck, and a clean working folder per test."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import copy_shipped

from exporter.cli import main


def pytest_configure(config: pytest.Config) -> None:
    """Builds remember decks in the user's cache folder: never the real one in tests."""
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="exporter-test-cache-")


@pytest.fixture(autouse=True)
def own_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A cache folder of the test's own, so that no test sees what another one built."""
    folder = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    return folder


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
