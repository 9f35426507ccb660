"""`exporter build --watch` and the progress of long builds."""

from __future__ import annotations

import contextlib
import io
import os
import pty
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from support import MINIMAL_DECK, write_data

from exporter import cli
from exporter.build import build

WAIT = 60  # seconds; a generous bound for a slow machine, not a measurement


class Lines:
    """Lines a process writes to one stream, collected by a thread as they come."""

    def __init__(self, stream: io.TextIOBase) -> None:
        self.queue: queue.Queue[str] = queue.Queue()
        self.stream = stream
        self.thread = threading.Thread(target=self._read, args=(stream,), daemon=True)
        self.thread.start()

    def close(self) -> None:
        """Once the process has ended: read to the end, then close the stream."""
        self.thread.join(timeout=WAIT)
        self.stream.close()

    def _read(self, stream: io.TextIOBase) -> None:
        for line in stream:
            self.queue.put(line.rstrip("\n"))

    def next(self, timeout: float = WAIT) -> str:
        return self.queue.get(timeout=timeout)


@contextlib.contextmanager
def _watching(
    folder: Path, *arguments: str
) -> Iterator[tuple[subprocess.Popen[str], Lines, Lines]]:
    """`exporter build ARGUMENTS --watch` running in `folder` and its two streams,
    stopped with Ctrl-C on leaving."""
    process = subprocess.Popen(
        [sys.executable, "-m", "exporter", "build", *arguments, "--watch"],
        cwd=folder,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    assert process.stdout is not None
    assert process.stderr is not None
    stdout, stderr = Lines(process.stdout), Lines(process.stderr)
    try:
        yield process, stdout, stderr
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=WAIT)
        stdout.close()
        stderr.close()


def _save_until_built(path: Path, text: str, out: Lines) -> str:
    """The first line `out` shows after saving `text` to `path`; the watcher starts
    just after its message, so this saves again until it sees one."""
    for _ in range(WAIT):
        path.write_text(text, encoding="utf-8")
        try:
            return out.next(timeout=1)
        except queue.Empty:
            continue
    raise AssertionError("no rebuild after a save")


def test_watch_rebuilds_on_save_and_keeps_watching_after_a_data_error(tmp_path: Path) -> None:
    data = write_data(tmp_path / "data", MINIMAL_DECK)
    with _watching(tmp_path, "data", "--out", "out") as (process, stdout, stderr):
        assert stdout.next().startswith("demo: 1 new → out/demo.apkg")
        assert stderr.next() == "watching data (Ctrl-C to stop)"
        edited = MINIMAL_DECK.replace("The *first* answer.", "An edited answer.")
        assert _save_until_built(data, edited, stdout).startswith("demo: 1 updated → out/demo.apkg")
        broken = edited.replace("title: Demo Deck", "title: [oops")
        assert _save_until_built(data, broken, stderr).startswith("data/deck.yaml:")
        assert process.poll() is None  # still watching
        fixed = edited.replace("An edited answer.", "Edited again.")
        assert _save_until_built(data, fixed, stdout).startswith("demo: 1 updated → out/demo.apkg")
    assert process.returncode == 0


def test_watch_follows_every_path_it_is_given(tmp_path: Path) -> None:
    write_data(tmp_path / "data", MINIMAL_DECK, "a.yaml")
    other = MINIMAL_DECK.replace("id: demo", "id: other")
    write_data(tmp_path / "other", other, "b.yaml")
    edited = other.replace("The *first*", "An edited")
    with _watching(tmp_path, "data/a.yaml", "other") as (process, stdout, stderr):
        assert stdout.next().startswith("demo: 1 new")
        assert stdout.next().startswith("other: 1 new")
        assert stderr.next() == "watching data, other (Ctrl-C to stop)"
        line = _save_until_built(tmp_path / "other" / "b.yaml", edited, stdout)
        assert line.startswith("demo: 1 unchanged")
        assert stdout.next().startswith("other: 1 updated")
    assert process.returncode == 0


def test_build_reports_progress_for_every_step(tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK + "  - id: second\n    question: Q?\n    answer: A.\n")
    seen: list[tuple[str, int, int]] = []
    build([data], tmp_path / "out", progress=lambda *step: seen.append(step))
    assert seen == [
        ("Rendering", 2, 10),
        ("Anki deck", 4, 10),
        ("Handout", 6, 10),
        ("Practice handout", 8, 10),
        ("Cue cards", 10, 10),
    ]


def _questions(count: int) -> str:
    return "deck:\n  id: demo\n  title: Demo\nquestions:\n" + "".join(
        f"  - id: q{n}\n    question: Question {n}?\n    answer: Answer {n}.\n"
        for n in range(count)
    )


def _stderr_of_build(folder: Path, questions: int, terminal: bool) -> str:
    """What `exporter build` writes on stderr, when stderr is a terminal or a pipe."""
    data = write_data(folder, _questions(questions))
    if not terminal:
        result = subprocess.run(
            [sys.executable, "-m", "exporter", "build", str(data), "--out", str(folder / "out")],
            capture_output=True,
            timeout=WAIT * 5,
            check=True,
        )
        return result.stderr.decode()
    controller, terminal_end = pty.openpty()
    with subprocess.Popen(
        [sys.executable, "-m", "exporter", "build", str(data), "--out", str(folder / "out")],
        stdout=subprocess.DEVNULL,
        stderr=terminal_end,
    ) as process:
        os.close(terminal_end)
        received = bytearray()
        while True:
            try:
                chunk = os.read(controller, 65536)
            except OSError:  # the terminal closes with the process
                break
            if not chunk:
                break
            received += chunk
        assert process.wait(timeout=WAIT * 5) == 0
    os.close(controller)
    return received.decode(errors="replace")


@pytest.mark.parametrize(
    ("questions", "terminal", "shown"),
    [
        (cli.PROGRESS_FROM_QUESTIONS, True, True),
        (cli.PROGRESS_FROM_QUESTIONS, False, False),
        (cli.PROGRESS_FROM_QUESTIONS - 1, True, False),
    ],
    ids=["large-on-a-terminal", "large-into-a-pipe", "small-on-a-terminal"],
)
def test_progress_bar_only_for_large_builds_on_a_terminal(
    tmp_path: Path, questions: int, terminal: bool, shown: bool
) -> None:
    stderr = _stderr_of_build(tmp_path, questions, terminal)
    assert ("Practice handout" in stderr) == shown
    assert ("100%" in stderr) == shown
    if not shown:
        assert stderr == ""
