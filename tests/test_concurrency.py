"""Real processes: two builds of one deck at once, and builds killed at random moments.

Afterwards every output is a whole file, old or new; no temporary file outlives the
next build; and the next build, imported, leaves Anki with the data's text.
"""

from __future__ import annotations

import random
import select
import signal
import sqlite3
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import docx
from support import REPO, import_apkg, write_data

from exporter.anki.state_files import decks_locked, read_state

QUESTIONS = 1500
WAIT = 120  # seconds; a bound for a slow machine, not a measurement


def _deck(first_answer: str) -> str:
    lines = ["deck:\n  id: big\n  title: Big Deck\nquestions:\n"]
    for number in range(QUESTIONS):
        answer = first_answer if number == 0 else f"Answer {number} with *some* words."
        lines.append(f"  - id: q{number}\n    question: Question {number}?\n")
        lines.append(f"    answer: '{answer}'\n")
    return "".join(lines)


def _start_build(data: Path, out: Path) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "exporter", "build", str(data), "--out", str(out)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )


def _build(data: Path, out: Path) -> None:
    process = _start_build(data, out)
    _, stderr = process.communicate(timeout=WAIT)
    assert process.returncode == 0, stderr


def _assert_whole(out: Path, data: Path, staged_may_remain: bool = False) -> None:
    """Every output is a complete file; the state reads. Files staged for a swap remain
    only after a kill no program can answer (SIGKILL): the next build removes them."""
    for path in out.iterdir():
        if path.name.startswith("."):
            assert staged_may_remain, path
            assert path.suffix == ".tmp", path
            continue
        with zipfile.ZipFile(path) as archive:
            assert archive.testzip() is None, path
            if path.suffix == ".apkg":
                database = out.parent / "check.anki2"
                database.write_bytes(archive.read("collection.anki2"))
                with sqlite3.connect(database) as connection:
                    assert connection.execute("select count() from notes").fetchone()[0] > 0
        if path.suffix == ".docx":
            docx.Document(str(path))
    assert read_state(data.with_name("deck.state.json"), "big") is not None


def _first_answer(collection_path: Path, apkg: Path) -> str:
    imported = import_apkg(apkg, collection_path)
    try:
        col = imported.collection
        [note_id] = col.find_notes('"Question:Question 0?"')
        return str(col.get_note(note_id).fields[1])
    finally:
        imported.collection.close()


def test_two_builds_at_once_take_turns_and_lose_no_edit(tmp_path: Path) -> None:
    out = tmp_path / "out"
    collection = tmp_path / "collection.anki2"
    data = write_data(tmp_path / "data", _deck("Version 0."))
    for round_number in range(1, 4):
        write_data(tmp_path / "data", _deck(f"Version {round_number}a."))
        first = _start_build(data, out)
        time.sleep(random.uniform(0, 0.3))
        write_data(tmp_path / "data", _deck(f"Version {round_number}b."))
        second = _start_build(data, out)
        for process in (first, second):
            _, stderr = process.communicate(timeout=WAIT)
            assert process.returncode == 0, stderr
        _assert_whole(out, data)
        _first_answer(collection, out / "big.apkg")  # the user imports what is there
        _build(data, out)
        assert _first_answer(collection, out / "big.apkg") == f"<p>Version {round_number}b.</p>"


def test_builds_killed_at_any_moment_leave_whole_files_and_lose_nothing(tmp_path: Path) -> None:
    out = tmp_path / "out"
    collection = tmp_path / "collection.anki2"
    data = write_data(tmp_path / "data", _deck("Version 0."))
    started = time.monotonic()
    _build(data, out)
    duration = time.monotonic() - started
    _first_answer(collection, out / "big.apkg")
    chance = random.Random(20261127)
    kills = [signal.SIGINT, signal.SIGTERM, signal.SIGKILL] * 3
    for trial, kill in enumerate(kills, start=1):
        write_data(tmp_path / "data", _deck(f"Trial {trial}."))
        process = _start_build(data, out)
        time.sleep(chance.uniform(0.05, duration))
        process.send_signal(kill)
        _, stderr = process.communicate(timeout=WAIT)
        assert "Traceback" not in stderr, stderr
        _assert_whole(out, data, staged_may_remain=kill == signal.SIGKILL)
        _build(data, out)
        leftovers = [p.name for p in (*out.iterdir(), *data.parent.iterdir()) if p.suffix == ".tmp"]
        assert leftovers == []
        assert _first_answer(collection, out / "big.apkg") == f"<p>Trial {trial}.</p>"


def test_a_build_waits_while_another_holds_the_deck(tmp_path: Path) -> None:
    out = tmp_path / "out"
    data = write_data(tmp_path / "data", _deck("Version 0."))
    state = data.with_name("deck.state.json")
    with decks_locked(["big"], on_wait=lambda deck_id: None):  # another build, mid-write
        process = _start_build(data, out)
        assert process.stderr is not None
        ready, _, _ = select.select([process.stderr], [], [], WAIT)
        assert ready, "the build neither waited nor said so"
        assert process.stderr.readline() == (
            "big: waiting for another build of this deck to finish\n"
        )
        time.sleep(0.5)
        assert process.poll() is None  # still waiting
        assert not out.exists()
        assert not state.exists()
    stdout, stderr = process.communicate(timeout=WAIT)
    assert (process.returncode, stderr) == (0, "")
    assert stdout.startswith("big: 1500 new → ")
