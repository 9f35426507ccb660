"""Helpers shared by the tests: reading built outputs back with the real clients."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer

REPO = Path(__file__).resolve().parent.parent
SHIPPED_DECK = REPO / "data" / "anthropic-culture-fit.yaml"
SHIPPED_STATE = REPO / "data" / "anthropic-culture-fit.state.json"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@dataclass
class Imported:
    """A fresh Anki collection after importing one package, and the importer's log."""

    collection: Collection
    log: object

    def notes(self) -> dict[str, list[str]]:
        """Map each note's first field to all its fields."""
        col = self.collection
        return {
            note.fields[0]: list(note.fields)
            for note in (col.get_note(note_id) for note_id in col.find_notes(""))
        }


def import_apkg(apkg: Path, collection_path: Path) -> Imported:
    """Import `apkg` into the collection at `collection_path` with the desktop's defaults."""
    collection = Collection(str(collection_path))
    options = ImportAnkiPackageOptions()
    options.CopyFrom(collection._backend.get_import_anki_package_presets())
    request = ImportAnkiPackageRequest(package_path=str(apkg), options=options)
    log = collection.import_anki_package(request).log
    collection.models._clear_cache()
    return Imported(collection, log)


def answer_every_card(col: Collection) -> None:
    """Review every card due in every deck, answering Easy: a history to keep."""
    for deck in col.decks.all_names_and_ids():
        col.decks.select(deck.id)
        while queued := col.sched.get_queued_cards(fetch_limit=1).cards:
            card = col.get_card(queued[0].card.id)
            card.start_timer()
            states = col._backend.get_scheduling_states(card.id)
            answer = col.sched.build_answer(card=card, states=states, rating=CardAnswer.EASY)
            col.sched.answer_card(answer)


def copy_shipped(folder: Path) -> Path:
    """Copy the shipped deck and its state into `folder`: a build there leaves data/ alone."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in (SHIPPED_DECK, SHIPPED_STATE):
        shutil.copy(path, folder)
    return folder / SHIPPED_DECK.name


def write_data(folder: Path, text: str, name: str = "deck.yaml") -> Path:
    """Write a data file into `folder` and return its path."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def write_big_deck(folder: Path, answer: str) -> Path:
    """Write a deck `big` of 1,500 questions into `folder`; each `answer` is formatted
    with its number `n`."""
    questions = "".join(
        f"  - id: q{n}\n    question: Question {n}?\n    answer: {answer.format(n=n)}\n"
        for n in range(1500)
    )
    return write_data(folder, f"deck:\n  id: big\n  title: Big\nquestions:\n{questions}")


MINIMAL_DECK = """\
deck:
  id: demo
  title: Demo Deck
questions:
  - id: first
    question: What is first?
    answer: The *first* answer.
"""


# The Debian package of each program a test runs.
PACKAGES = {
    "soffice": "libreoffice-writer-nogui",
    "pdftotext": "poppler-utils",
    "fc-match": "fontconfig",
    "fc-list": "fontconfig",
}


def require_program(program: str) -> str:
    """The path of `program`; skip the test without it, except in CI, where it must be."""
    found = shutil.which(program)
    if found:
        return found
    reason = f"{program} not found: install the Debian package {PACKAGES[program]}"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (.ci/run installs them)")
    pytest.skip(reason)


def require_cjk_font() -> None:
    """Skip the test without a font for Chinese, Japanese and Korean, except in CI, where
    it must be: without one, LibreOffice prints empty boxes for those characters."""
    listed = subprocess.run(
        [require_program("fc-list"), ":lang=zh", "family"], capture_output=True, text=True
    )
    if listed.stdout.strip():
        return
    reason = "no font for Chinese, Japanese and Korean: install the Debian package fonts-wqy-zenhei"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (.ci/run installs it)")
    pytest.skip(reason)


def libreoffice_convert(documents: Sequence[Path], to: str, folder: Path) -> None:
    """Convert `documents` with LibreOffice (`to`: "pdf", "odt", "docx"…) into `folder`,
    with a profile of its own beside it."""
    subprocess.run(
        [
            require_program("soffice"),
            f"-env:UserInstallation={(folder.parent / 'lo-profile').as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(folder),
            *(str(path) for path in documents),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )


_HOLDER = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
col.set_config("exporter-test", 1)  # Anki writes its collection as it opens it
print("open", flush=True)
sys.stdin.readline()
col.close()
"""


@contextmanager
def held_open(path: Path) -> Iterator[None]:
    """The collection at `path` held open by a second process, as Anki desktop holds
    it while it runs."""
    holder = subprocess.Popen(
        [sys.executable, "-c", _HOLDER, str(path)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "open\n"
        yield
    finally:
        holder.communicate("\n", timeout=30)


@contextmanager
def opened_collection(path: Path) -> Iterator[Collection]:
    """The collection at `path`, closed at the end."""
    collection = Collection(str(path))
    try:
        yield collection
    finally:
        collection.close()
