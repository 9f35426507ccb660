"""Data that `exporter check` calls valid builds, whatever its size or its pictures' headers;
what would lose work is refused or announced before it happens."""

from __future__ import annotations

import importlib
import os
import pkgutil
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from PIL import Image
from support import MINIMAL_DECK, REPO, write_data

import exporter
from exporter.cli import main


def _build(runner: CliRunner, data: Path, out: Path) -> tuple[int, str, str]:
    result = runner.invoke(main, ["build", str(data), "--out", str(out)])
    return result.exit_code, result.stdout, result.stderr


def _core_properties(path: Path) -> dict[str, str]:
    properties = docx.Document(str(path)).core_properties
    return {
        "title": properties.title,
        "subject": properties.subject,
        "author": properties.author,
        "keywords": properties.keywords,
    }


def test_long_titles_and_many_tags_build(runner: CliRunner, tmp_path: Path) -> None:
    title = "A very long deck title " * 11  # 253 characters, 264 with " (practice)"
    author = "An Author With A Long Name " * 10
    tags = ", ".join(f"topic-number-{n}" for n in range(29))
    text = (
        f"deck:\n  id: demo\n  title: {title.strip()}\n  subtitle: {'sub ' * 70}\n"
        f"  author: {author.strip()}\nquestions:\n  - id: first\n    question: Q?\n"
        f"    answer: A.\n    tags: [{tags}]\n"
    )
    data = write_data(tmp_path, text)
    code, _, stderr = _build(runner, data, tmp_path / "out")
    assert (code, stderr) == (0, "")
    for name in ("demo.docx", "demo-practice.docx", "demo-cards.docx"):
        properties = _core_properties(tmp_path / "out" / name)
        assert all(len(value) <= 255 for value in properties.values()), properties
        assert properties["keywords"].startswith("demo, topic-number-0, topic-number-1,")
        assert properties["keywords"].endswith("…")


def _pictures(folder: Path) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    image = Image.new("RGB", (60, 30), "teal")
    zero = folder / "zero-dpi.jpg"
    image.save(zero, "JPEG")
    jpeg = bytearray(zero.read_bytes())
    at = jpeg.index(b"JFIF\x00")
    jpeg[at + 7 : at + 12] = b"\x01\x00\x00\x00\x00"  # units: dots per inch; density 0 × 0
    zero.write_bytes(bytes(jpeg))
    tiny = folder / "tiny-density.png"
    image.save(tiny, "PNG", dpi=(0.3, 0.3))  # pHYs under 20 pixels per metre
    return {"zero": zero, "tiny": tiny}


def test_pictures_with_a_density_of_zero_build(runner: CliRunner, tmp_path: Path) -> None:
    pictures = _pictures(tmp_path / "data")
    answer = " ".join(f"![{name}]({path.name})" for name, path in pictures.items())
    text = MINIMAL_DECK.replace("The *first* answer.", f"'{answer}'")
    data = write_data(tmp_path / "data", text)
    code, _, stderr = _build(runner, data, tmp_path / "out")
    assert (code, stderr) == (0, "")
    handout = docx.Document(str(tmp_path / "out" / "demo.docx"))
    shapes = handout.inline_shapes
    assert len(shapes) == 2
    # Read as 72 dots per inch, like a picture that states no density: 60 × 30 points.
    assert [(shape.width.pt, shape.height.pt) for shape in shapes] == [(60, 30), (60, 30)]


@pytest.mark.parametrize(
    ("target", "message"),
    [
        ("a%00.png", "is not a file name"),
        ("pipe.png", "cannot be read: not a regular file"),
    ],
    ids=["null-byte", "fifo"],
)
@pytest.mark.parametrize("command", ["build", "check", "preview"])
def test_pictures_that_are_not_files_are_refused_at_once(
    tmp_path: Path, target: str, message: str, command: str
) -> None:
    folder = tmp_path / "data"
    data = write_data(folder, MINIMAL_DECK.replace("The *first* answer.", f"'![x]({target})'"))
    os.mkfifo(folder / "pipe.png")
    arguments = [command, str(data)] + ([] if command == "check" else ["--out", str(tmp_path)])
    result = subprocess.run(
        [sys.executable, "-m", "exporter", *arguments],
        capture_output=True,
        text=True,
        timeout=60,  # a FIFO read blocks for ever
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        1,
        f"{data}:7: image '{target}' in 'answer' {message}\n",
    )


def test_check_reports_what_build_would_refuse(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK.replace("The *first* answer.", "'![x](gone.png)'"))
    result = runner.invoke(main, ["check", str(data)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{data}:7: image 'gone.png' in 'answer' not found (looked for {tmp_path}/gone.png)\n"
    )


@pytest.mark.parametrize("suffix", ["practice", "cards"])
def test_decks_whose_outputs_would_collide_are_refused(
    runner: CliRunner, tmp_path: Path, suffix: str
) -> None:
    first = write_data(tmp_path / "data", MINIMAL_DECK.replace("id: demo", "id: x"), "a.yaml")
    second = write_data(
        tmp_path / "data", MINIMAL_DECK.replace("id: demo", f"id: x-{suffix}"), "b.yaml"
    )
    for command in (["build", str(tmp_path / "data"), "--out", str(tmp_path / "out")], ["check"]):
        if command == ["check"]:
            command = ["check", str(tmp_path / "data")]
        result = runner.invoke(main, command)
        out = tmp_path / "out" if command[0] == "build" else Path("out")
        assert (result.exit_code, result.stderr) == (
            1,
            f"{second}:2: deck 'x-{suffix}' would write {out}/x-{suffix}.docx, which deck 'x'"
            f" ({first}) writes too; give one of them another id or file name\n",
        )
    assert not (tmp_path / "out").exists()


def test_a_changed_deck_id_is_announced(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK)
    assert _build(runner, data, tmp_path / "out")[0] == 0
    write_data(tmp_path, MINIMAL_DECK.replace("id: demo", "id: renamed"))
    code, _, stderr = _build(runner, data, tmp_path / "out")
    assert code == 0
    assert stderr.splitlines() == [  # the old deck's notes are not this deck's to remove
        "renamed: warning: deck id changed from 'demo' to 'renamed': Anki knows every card by"
        " the deck id, so importing adds every note again as a new card, without its review"
        " history; change the id back to keep them",
    ]


def test_a_question_moved_to_another_deck_is_announced(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    second_question = "  - id: second\n    question: Second?\n    answer: Two.\n"
    write_data(folder, MINIMAL_DECK + second_question, "a.yaml")
    other = MINIMAL_DECK.replace("id: demo", "id: other").replace("id: first", "id: own")
    write_data(folder, other, "b.yaml")
    assert _build(runner, folder, tmp_path / "out")[0] == 0
    write_data(folder, MINIMAL_DECK, "a.yaml")
    write_data(folder, other + second_question, "b.yaml")
    code, _, stderr = _build(runner, folder, tmp_path / "out")
    assert code == 0
    assert stderr.splitlines()[-1] == (
        "other: warning: question 'second' moved here from deck 'demo': Anki adds it as a new"
        " card, without the review history of the old one (which stays in 'demo', tagged"
        " exporter::removed)"
    )


def test_a_hand_edited_state_is_a_clear_error(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK)
    assert _build(runner, data, tmp_path / "out")[0] == 0
    state = tmp_path / "deck.state.json"
    state.write_text(state.read_text().replace('"created": ', '"created": 1e400, "was": '))
    code, _, stderr = _build(runner, data, tmp_path / "out")
    assert code == 1
    assert stderr.startswith(f"{state}: cannot read the build state (")
    assert stderr.endswith(
        "delete it to start afresh (the next import then refreshes every note)\n"
    )


def test_ctrl_c_while_the_command_starts_prints_no_traceback_of_ours(tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK)
    for delay in [n / 200 for n in range(30)]:  # 0 to 150 ms, through the imports
        process = subprocess.Popen(
            [sys.executable, "-m", "exporter", "build", str(data), "--out", str(tmp_path / "o")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            cwd=REPO,
        )
        try:
            process.wait(timeout=delay)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGINT)
        _, stderr = process.communicate(timeout=60)
        # Python's own start-up (importing `site`) is not ours to guard.
        assert "exporter" not in stderr.partition("Traceback")[2], stderr


def test_an_error_ctrl_c_caused_is_reported_as_ctrl_c(capsys: pytest.CaptureFixture[str]) -> None:
    # Ctrl-C while a class is made reaches the program as the RuntimeError it caused.
    class Named:
        def __set_name__(self, owner: type, name: str) -> None:
            raise KeyboardInterrupt

    with pytest.raises(RuntimeError) as raised:

        class Owner:
            field = Named()

    run_module = importlib.import_module("exporter.__main__")
    run_module._aborted(RuntimeError, raised.value, None)
    run_module._aborted(ValueError, ValueError("not Ctrl-C"), None)
    stderr = capsys.readouterr().err
    assert stderr.startswith("Aborted!\nValueError: not Ctrl-C"), stderr


def test_every_data_file_in_a_folder_is_read_or_named(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "data"
    write_data(folder, MINIMAL_DECK.replace("id: demo", "id: upper"), "Deck.YAML")
    (folder / "gone.yaml").symlink_to(folder / "missing.yaml")
    os.mkfifo(folder / "pipe.yml")
    result = runner.invoke(main, ["check", str(folder)])
    assert (result.exit_code, result.stderr) == (
        1,
        f"{folder}/gone.yaml: a link to a file that does not exist\n"
        f"{folder}/pipe.yml: not a regular file or folder\n",
    )
    (folder / "gone.yaml").unlink()
    (folder / "pipe.yml").unlink()
    result = runner.invoke(main, ["check", str(folder)])
    assert result.stdout == f"{folder}/Deck.YAML: deck 'upper' is valid: 1 questions, 0 themes\n"


def test_a_file_named_twice_is_read_once(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = write_data(tmp_path / "data", MINIMAL_DECK)
    monkeypatch.chdir(tmp_path)
    result = runner.invoke(main, ["check", "data/deck.yaml", str(data), "data/../data"])
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "data/deck.yaml: deck 'demo' is valid: 1 questions, 0 themes\n"


def test_a_device_given_as_path_is_named_for_what_it_is(runner: CliRunner) -> None:
    result = runner.invoke(main, ["check", "/dev/null"])
    assert (result.exit_code, result.stderr) == (1, "/dev/null: not a regular file or folder\n")


def test_a_file_name_with_a_line_break_stays_on_one_line(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK.replace("id: demo", "id: Demo"), "two\nlines.yaml")
    result = runner.invoke(main, ["check", str(data)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{tmp_path}/two\\nlines.yaml:2: id 'Demo' is not a slug: use lowercase letters,"
        " digits and hyphens, like 'demo'\n"
    )


def _regular_expressions() -> list[tuple[str, re.Pattern[str]]]:
    """Every regular expression the exporter keeps in a module: what it applies to text."""
    found = []
    for module in pkgutil.walk_packages(exporter.__path__, "exporter."):
        if module.name == "exporter.__main__":
            continue
        for name, value in vars(importlib.import_module(module.name)).items():
            if isinstance(value, re.Pattern) and isinstance(value.pattern, str):
                found.append((f"{module.name}.{name}", value))
    return found


PREFIXES = ["", "**", "**Q", "__Question", "Q1", "#", "- ", "1.", "**Answer", "Key", "[", "!["]


@pytest.mark.parametrize(("name", "pattern"), _regular_expressions(), ids=lambda x: str(x))
def test_every_regular_expression_takes_linear_time(name: str, pattern: re.Pattern[str]) -> None:
    # A long run of one character after a prefix, failing at its end: the shape that
    # makes adjacent quantifiers backtrack (this one took 21 s in the importer).
    for prefix in PREFIXES:
        for character in " \t\n*_Q1:.-#a?()[]":
            text = prefix + character * 3000 + "\x00"
            started = time.perf_counter()
            pattern.search(text)
            elapsed = time.perf_counter() - started
            assert elapsed < 0.25, (name, prefix, character, elapsed)


def test_outputs_written_beside_the_data_keep_its_state(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK)
    for expected in ("demo: 1 new", "demo: 1 unchanged"):
        code, stdout, _ = _build(runner, data, tmp_path)  # --out the data folder itself
        assert (code, stdout.split(" → ")[0]) == (0, expected)
    assert (tmp_path / "deck.state.json").is_file()


def test_a_data_file_reached_through_a_link_has_one_state(
    runner: CliRunner, tmp_path: Path
) -> None:
    real = write_data(tmp_path / "sync", MINIMAL_DECK)
    (tmp_path / "data").mkdir()
    link = tmp_path / "data" / "deck.yaml"
    link.symlink_to(real)
    assert _build(runner, link, tmp_path / "out")[1].startswith("demo: 1 new")
    assert _build(runner, real, tmp_path / "out")[1].startswith("demo: 1 unchanged")
    assert sorted(p.name for p in real.parent.iterdir()) == ["deck.state.json", "deck.yaml"]
    assert [p.name for p in link.parent.iterdir()] == ["deck.yaml"]


def test_a_state_that_is_not_a_file_is_named_not_read(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK)
    os.mkfifo(tmp_path / "deck.state.json")
    result = subprocess.run(
        [sys.executable, "-m", "exporter", "check", str(data)],
        capture_output=True,
        text=True,
        timeout=60,  # reading a FIFO blocks for ever
        check=False,
    )
    assert (result.returncode, result.stderr) == (
        1,
        f"{tmp_path}/deck.state.json: cannot read the build state (not a regular file); delete"
        " it to start afresh (the next import then refreshes every note)\n",
    )


def test_names_too_long_for_the_file_system_are_one_line_errors(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = write_data(tmp_path, MINIMAL_DECK)
    long_name = tmp_path / ("x" * 300)
    result = runner.invoke(main, ["build", str(data), "--out", str(long_name)])
    assert (result.exit_code, result.stderr) == (
        1,
        f"{long_name}: cannot use it: File name too long\n",
    )
    result = runner.invoke(main, ["check", f"{long_name}.yaml"])
    assert (result.exit_code, result.stderr) == (
        1,
        f"{long_name}.yaml: cannot read: File name too long\n",
    )


def test_pictures_of_extreme_density_or_shape_fit_the_page(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = tmp_path / "data"
    folder.mkdir()
    Image.new("RGB", (10, 10), "red").save(folder / "dense.png", dpi=(1e8, 1e8))
    Image.new("RGB", (1, 3000), "blue").save(folder / "tall.png")
    answer = "'![d](dense.png) ![t](tall.png)'"
    data = write_data(folder, MINIMAL_DECK.replace("The *first* answer.", answer))
    code, _, stderr = _build(runner, data, tmp_path / "out")
    assert (code, stderr) == (0, "")
    shapes = docx.Document(str(tmp_path / "out" / "demo.docx")).inline_shapes
    assert (shapes[0].width.pt, shapes[0].height.pt) == (10, 10)
    assert shapes[1].height.inches <= 9  # Letter, 1-inch margins
    assert shapes[1].width > 0
