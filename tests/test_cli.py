"""The command line: what it prints, its exit codes, and what it never touches."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import MINIMAL_DECK, REPO, SHIPPED_DECK, copy_shipped, write_data

from exporter import __version__
from exporter.cli import main


def _tree_digest(folder: Path) -> dict[str, str]:
    return {
        str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_build_writes_both_files_for_every_deck_in_data(runner: CliRunner, in_tmp: Path) -> None:
    shutil.copytree(REPO / "data", in_tmp / "data")
    write_data(in_tmp / "data", MINIMAL_DECK, "demo.yaml")
    before = _tree_digest(in_tmp / "data")
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "anthropic-culture-fit: 12 unchanged → out/anthropic-culture-fit.apkg,"
        " out/anthropic-culture-fit.docx, out/anthropic-culture-fit-practice.docx,"
        " out/anthropic-culture-fit-cards.docx",
        "demo: 1 new → out/demo.apkg, out/demo.docx, out/demo-practice.docx, out/demo-cards.docx",
    ]
    assert sorted(p.name for p in (in_tmp / "out").iterdir()) == [
        "anthropic-culture-fit-cards.docx",
        "anthropic-culture-fit-practice.docx",
        "anthropic-culture-fit.apkg",
        "anthropic-culture-fit.docx",
        "demo-cards.docx",
        "demo-practice.docx",
        "demo.apkg",
        "demo.docx",
    ]
    # The only file a build writes in data/: the state of a deck built for the first time.
    after = _tree_digest(in_tmp / "data")
    assert after.pop("demo.state.json")
    assert after == before


def test_build_with_out_creates_the_folder(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "nested" / "out"
    result = runner.invoke(main, ["build", str(copy_shipped(tmp_path)), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert {p.name for p in out.iterdir()} == {
        "anthropic-culture-fit.apkg",
        "anthropic-culture-fit.docx",
        "anthropic-culture-fit-practice.docx",
        "anthropic-culture-fit-cards.docx",
    }


def test_no_practice_skips_the_practice_handout(runner: CliRunner, tmp_path: Path) -> None:
    data = copy_shipped(tmp_path / "data")
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path), "--no-practice"])
    assert result.exit_code == 0, result.output
    assert result.stdout.endswith(
        "anthropic-culture-fit.docx, {tmp_path}/anthropic-culture-fit-cards.docx\n".replace(
            "{tmp_path}", str(tmp_path)
        )
    )
    assert not (tmp_path / "anthropic-culture-fit-practice.docx").exists()


def test_page_size_must_be_letter_or_a4(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["build", str(SHIPPED_DECK), "--page-size", "legal"])
    assert result.exit_code == 2
    assert "'legal' is not one of 'letter', 'a4'" in result.stderr


def test_data_error_exits_1_with_one_line_per_problem_and_writes_nothing(
    runner: CliRunner, in_tmp: Path
) -> None:
    write_data(in_tmp / "data", MINIMAL_DECK.replace("The *first* answer.", "no"), "a.yaml")
    write_data(in_tmp / "data", MINIMAL_DECK.replace("id: demo", "id: other"), "b.yaml")
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr.splitlines() == [
        "data/a.yaml:7: 'answer' must be text, not a yes/no value (no); put it in quotes"
        ' ("no") if you mean the text'
    ]
    assert "Traceback" not in result.output
    assert not (in_tmp / "out").exists()


def test_failed_build_keeps_the_previous_outputs(runner: CliRunner, in_tmp: Path) -> None:
    data = write_data(in_tmp / "data", MINIMAL_DECK)
    assert runner.invoke(main, ["build"]).exit_code == 0
    before = _tree_digest(in_tmp / "out")
    data.write_text(MINIMAL_DECK.replace("title: Demo Deck", "title: [broken"), encoding="utf-8")
    assert runner.invoke(main, ["build"]).exit_code == 1
    assert _tree_digest(in_tmp / "out") == before
    assert [p.name for p in (in_tmp / "out").iterdir() if p.name.startswith(".")] == []


def test_out_that_is_a_file_is_a_clear_error(runner: CliRunner, in_tmp: Path) -> None:
    write_data(in_tmp / "data", MINIMAL_DECK)
    (in_tmp / "out").write_text("not a folder")
    result = runner.invoke(main, ["build"])
    assert result.exit_code == 1
    assert result.stderr == "out: exists and is not a folder; choose another --out\n"


def test_missing_default_data_folder(runner: CliRunner, in_tmp: Path) -> None:
    result = runner.invoke(main, ["build"])
    assert (result.exit_code, result.stderr) == (1, "data: no such file or folder\n")


def test_check_validates_without_writing(runner: CliRunner, in_tmp: Path) -> None:
    write_data(in_tmp / "data", MINIMAL_DECK)
    result = runner.invoke(main, ["check"])
    assert result.exit_code == 0, result.output
    assert result.stdout == "data/deck.yaml: deck 'demo' is valid: 1 questions, 0 themes\n"
    assert sorted(p.name for p in in_tmp.iterdir()) == ["data"]


def test_check_reports_problems(runner: CliRunner, in_tmp: Path) -> None:
    write_data(in_tmp / "data", MINIMAL_DECK.replace("    answer:", "    anwser:"))
    result = runner.invoke(main, ["check", "data/deck.yaml"])
    assert result.exit_code == 1
    assert result.stderr.splitlines() == [
        "data/deck.yaml:5: question 1 has no 'answer'",
        "data/deck.yaml:7: unknown key 'anwser' in question 1 (did you mean 'answer'?)",
    ]


def test_usage_error_exits_2(runner: CliRunner) -> None:
    assert runner.invoke(main, ["build", "--no-such-option"]).exit_code == 2
    assert runner.invoke(main, ["no-such-command"]).exit_code == 2


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert (result.exit_code, result.stdout) == (0, f"exporter, version {__version__}\n")


@pytest.mark.parametrize("command", [[], ["build"], ["check"], ["import"], ["preview"]])
def test_every_command_has_help_with_an_example(runner: CliRunner, command: list[str]) -> None:
    result = runner.invoke(main, [*command, "--help"])
    assert result.exit_code == 0
    assert "Example:\n    exporter " in result.stdout
    assert result.stdout.startswith("Usage: exporter")


def test_python_dash_m_runs_the_cli(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "exporter", "check", str(SHIPPED_DECK)],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "deck 'anthropic-culture-fit' is valid: 7 questions, 5 themes" in result.stdout


def test_help_does_not_import_the_heavy_libraries() -> None:
    code = (
        "import sys; from click.testing import CliRunner; from exporter.cli import main;"
        " CliRunner().invoke(main, ['--help']);"
        " print(sorted({'genanki', 'docx', 'markdown_it'} & set(sys.modules)))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout == "[]\n"


def test_builds_from_the_committed_state_are_byte_identical(
    runner: CliRunner, tmp_path: Path
) -> None:
    outputs = []
    for name in ("first-clone", "second-clone"):  # another day, another machine
        data = copy_shipped(tmp_path / name / "data")
        result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / name / "out")])
        assert result.exit_code == 0, result.output
        assert result.stdout.startswith("anthropic-culture-fit: 12 unchanged → ")
        outputs.append(_tree_digest(tmp_path / name))
    assert outputs[0] == outputs[1]


def test_first_builds_with_source_date_epoch_are_byte_identical(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(time, "time", lambda: 1_800_000_000.0)
    outputs = []
    for name in ("first", "second"):
        data = write_data(tmp_path / name / "data", MINIMAL_DECK)
        result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / name / "out")])
        assert result.exit_code == 0, result.output
        outputs.append(_tree_digest(tmp_path / name))
    assert outputs[0] == outputs[1]
    state = json.loads((tmp_path / "first" / "data" / "deck.state.json").read_text())
    assert state["created"] == 1_700_000_000  # the deck's creation: the epoch
    assert {note["mod"] for note in state["notes"]} == {1_800_000_000}  # changes: the clock


@pytest.mark.parametrize("epoch", ["yesterday", "0", "-5", "1e9", "253402300800"])
def test_bad_source_date_epoch_is_a_clear_error(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, epoch: str
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    result = runner.invoke(main, ["build", str(copy_shipped(tmp_path)), "--out", str(tmp_path)])
    assert (result.exit_code, result.stderr) == (
        1,
        f"SOURCE_DATE_EPOCH must be whole seconds, not {epoch!r}\n",
    )
