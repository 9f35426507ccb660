"""Fixtures: a built copy of the shipped deck, a clean working folder per test, and
markdown-it-py's test suite with the CommonMark specification's examples."""

from __future__ import annotations

import os
import subprocess
import sys
import tarfile
import tempfile
from importlib.metadata import version
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


@pytest.fixture(scope="session")
def markdown_it_tests(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The tests folder of the source distribution of the markdown-it-py the build uses
    (the CommonMark examples, the GFM table and strikethrough fixtures): the archive
    MARKDOWN_IT_PY_SDIST names, or one downloaded from PyPI."""
    folder = tmp_path_factory.mktemp("markdown-it-py")
    named = os.environ.get("MARKDOWN_IT_PY_SDIST")
    archives = [Path(named)] if named else []
    if not archives:
        wanted = f"markdown-it-py=={version('markdown-it-py')}"
        download = [sys.executable, "-m", "pip", "download", "--no-binary", ":all:"]
        download += ["--no-deps", "--quiet", "--dest", str(folder), wanted]
        result = subprocess.run(download, capture_output=True, text=True, timeout=300)
        archives = list(folder.glob("markdown_it_py-*.tar.gz"))
        if result.returncode or not archives:
            reason = f"cannot download the sdist of {wanted}: {result.stderr.strip()[-300:]}"
            if os.environ.get("CI"):
                pytest.fail(reason)
            pytest.skip(reason)
    with tarfile.open(archives[0]) as sdist:
        sdist.extractall(folder, filter="data")
    [tests] = folder.glob("markdown_it_py-*/tests")
    return tests


@pytest.fixture
def data(tmp_path: Path) -> Path:
    """A copy of the shipped deck and its state: what a test builds leaves data/ alone."""
    return copy_shipped(tmp_path / "data")
