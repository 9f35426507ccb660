"""`exporter import` on the shapes real Q&A documents take, one short fixture each.

Every fixture in tests/fixtures/shapes/ is an invented document that reproduces one shape
seen in public interview-question files (details blocks, bold questions, numbered headings
with sub-headings, questions in other languages, category headings, "Q:" labels, list items,
tables and CSV, a guide in an unclosed fence, page noise, inline HTML, an HTML page, a Word
file, a chat-written guide, and more). What each must import to is in expected.yaml beside
them, written by reading each document as a careful person would, not by running the
importer.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from support import FIXTURES, import_apkg, libreoffice_convert

from exporter.cli import main
from exporter.load import load_deck
from exporter.model import Deck

SHAPES = FIXTURES / "shapes"
WORD = "14-word.docx"  # written by the test with python-docx: no binary file in the repository


@dataclass(frozen=True)
class Card:
    """A question as it must be imported: its front, its answer (exact, or its exact start
    with passages and patterns it must hold), its tags and key points, and the context
    shown with it (its code, its options)."""

    front: str
    answer: str | None = None
    starts: str | None = None
    holds: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    context: str = ""


@dataclass(frozen=True)
class Expected:
    """What a document must import to. `warnings` are (the start of the line warned about,
    message), or (None, message) for a document without line numbers; None: not checked."""

    cards: tuple[Card, ...]
    title: str | None = None
    subtitle: str | None = None
    themes: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str | None, str], ...] | None = ()
    forbidden: tuple[str, ...] = ()


def _expected(path: Path) -> dict[str, Expected]:
    """The expectations of every document, from the YAML file that lists them."""
    entries = yaml.safe_load(path.read_text(encoding="utf-8"))
    return {name: _entry(entry) for name, entry in entries.items()}


def _entry(entry: dict[str, Any]) -> Expected:
    cards = tuple(
        Card(
            card["front"],
            card.get("answer"),
            card.get("starts"),
            tuple(card.get("holds", ())),
            tuple(card.get("patterns", ())),
            tuple(card.get("tags", ())),
            tuple(card.get("key_points", ())),
            card.get("context", ""),
        )
        for card in entry["cards"]
    )
    warnings = entry.get("warnings", [])
    return Expected(
        cards,
        entry.get("title"),
        entry.get("subtitle"),
        tuple((title, summary) for title, summary in entry.get("themes", ())),
        None if warnings is None else tuple((line, message) for line, message in warnings),
        tuple(entry.get("forbidden", ())),
    )


DOCUMENTS = _expected(SHAPES / "expected.yaml")


def _write_word(path: Path) -> Path:
    """The Word fixture, as someone writes it in Word: styles, bold runs, a list, a table."""
    import docx

    path.parent.mkdir(parents=True, exist_ok=True)
    document = docx.Document()
    document.add_heading("Product Manager Interview Questions", level=1)

    def question(text: str) -> None:
        document.add_paragraph().add_run(text).bold = True

    document.add_heading("Strategy", level=2)
    question("How do you decide what to build next?")
    document.add_paragraph(
        "I start from the problem that costs our users the most, then weigh it against"
        " effort and strategy."
    )
    for item in ("Talk to five customers", "Check the usage data", "Write a one-page brief"):
        document.add_paragraph(item, style="List Bullet")
    question("How do you measure the success of a feature?")
    document.add_paragraph(
        "I pick one metric that the feature should move, and a guardrail that it must not harm."
    )
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    rows = (("Metric", "Target"), ("Activation", "40%"), ("Churn", "below 3%"))
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_heading("Execution", level=2)
    question("Tell me about a launch that went wrong.")
    document.add_paragraph(
        "A pricing page shipped with the old prices in one region. We rolled back within an"
        " hour and added a check to the release list."
    )
    question("Why do you want to be a product manager?")
    document.add_paragraph("Because I enjoy deciding what not to build as much as building it.")
    document.save(str(path))
    return path


def _document(name: str, folder: Path) -> Path:
    if name == WORD:
        return _write_word(folder / name)
    return SHAPES / name


def _import(runner: CliRunner, source: Path, output: Path) -> tuple[str, str]:
    result = runner.invoke(main, ["import", str(source), "-o", str(output), "--force"])
    assert result.exit_code == 0, f"import failed:\n{result.stderr}{result.stdout}"
    return result.stdout, result.stderr


def _line_of(source: Path, start: str) -> int:
    """The number of the first line of `source` that starts with `start`."""
    lines = source.read_text(encoding="utf-8").split("\n")
    numbers = [number for number, line in enumerate(lines, 1) if line.startswith(start)]
    assert numbers, f"no line of {source.name} starts with {start!r}"
    return numbers[0]


def _expected_warnings(source: Path, expected: Expected) -> list[str]:
    assert expected.warnings is not None
    return [
        f"{source}: warning: {message}"
        if start is None
        else f"{source}:{_line_of(source, start)}: warning: {message}"
        for start, message in expected.warnings
    ]


def _answer_problems(card: Card, answer: str) -> list[str]:
    problems = []
    if card.answer is not None and answer != card.answer:
        problems.append(f"answer\n      got: {answer!r}\n expected: {card.answer!r}")
    if card.starts is not None and not answer.startswith(card.starts):
        problems.append(f"answer start\n      got: {answer!r}\n expected: {card.starts!r}…")
    problems += [
        f"answer lacks {passage!r}: {answer!r}" for passage in card.holds if passage not in answer
    ]
    problems += [
        f"answer does not match {pattern!r}: {answer!r}"
        for pattern in card.patterns
        if not re.search(pattern, answer)
    ]
    return problems


def _card_texts(deck: Deck) -> list[str]:
    texts = []
    for question in deck.questions:
        texts += [question.question, question.context, question.answer, *question.key_points]
    for theme in deck.themes:
        texts += [theme.title, theme.summary]
    return texts


def _problems(deck: Deck, expected: Expected) -> list[str]:
    """Every way `deck` differs from `expected`, so that one run shows them all."""
    problems = []
    fronts = [question.question for question in deck.questions]
    wanted = [card.front for card in expected.cards]
    if fronts != wanted:
        problems.append(f"fronts\n      got: {fronts}\n expected: {wanted}")
    by_front = {question.question: question for question in deck.questions}
    # In order when the fronts are as wanted: two questions may ask the same ("What's the
    # output?"), their code differs.
    pairs = (
        zip(expected.cards, deck.questions, strict=True)
        if fronts == wanted
        else ((card, by_front.get(card.front)) for card in expected.cards)
    )
    for card, question in pairs:
        if question is None:
            continue
        found = [f"[{card.front}] {p}" for p in _answer_problems(card, question.answer)]
        if question.tags != card.tags:
            found.append(f"[{card.front}] tags {question.tags} != {card.tags}")
        if question.key_points != card.key_points:
            found.append(f"[{card.front}] key points {question.key_points} != {card.key_points}")
        if question.context != card.context:
            found.append(f"[{card.front}] context {question.context!r} != {card.context!r}")
        problems += found
    themes = tuple((theme.title, theme.summary) for theme in deck.themes)
    if themes != expected.themes:
        problems.append(f"themes {themes} != {expected.themes}")
    if expected.title is not None and deck.title != expected.title:
        problems.append(f"title {deck.title!r} != {expected.title!r}")
    if expected.subtitle is not None and deck.subtitle != expected.subtitle:
        problems.append(f"subtitle {deck.subtitle!r} != {expected.subtitle!r}")
    for text in _card_texts(deck):
        problems += [
            f"noise {noise!r} on a card: {text!r}" for noise in expected.forbidden if noise in text
        ]
    return problems


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_shape_imports_as_a_reader_expects(runner: CliRunner, tmp_path: Path, name: str) -> None:
    expected = DOCUMENTS[name]
    source = _document(name, tmp_path)
    output = tmp_path / "deck.yaml"
    stdout, stderr = _import(runner, source, output)
    problems = _problems(load_deck(output), expected)
    if expected.warnings is not None:
        wanted = _expected_warnings(source, expected)
        if stderr.splitlines() != wanted:
            problems.append(f"warnings\n      got: {stderr.splitlines()}\n expected: {wanted}")
    counts = f"{len(expected.cards)} questions, {len(expected.themes)} themes"
    if stdout != f"wrote {output}: {counts}\n":
        problems.append(f"stdout {stdout!r}, expected {counts}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_imported_shape_builds_and_anki_imports_every_note(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    expected = DOCUMENTS[name]
    data = tmp_path / "data" / "deck.yaml"
    _import(runner, _document(name, tmp_path), data)
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    deck = load_deck(data)
    imported = import_apkg(tmp_path / "out" / f"{deck.id}.apkg", tmp_path / "c.anki2")
    try:
        log = imported.log
        for problem in ("duplicate", "conflicting", "missing_notetype", "empty_first_field"):
            assert len(getattr(log, problem)) == 0, problem
        new = len(log.new)  # type: ignore[attr-defined]
        notes = len(expected.cards) + len(expected.themes)
        assert (new, len(imported.notes())) == (notes, notes)
    finally:
        imported.collection.close()


def test_word_file_saved_by_libreoffice_imports_as_from_word(
    runner: CliRunner, tmp_path: Path
) -> None:
    """The Word fixture opened in LibreOffice and saved again, first as .odt, then as
    .docx: LibreOffice writes its own styles, numbering and tables."""
    written = _write_word(tmp_path / "word" / "notes.docx")
    libreoffice_convert([written], "odt", tmp_path / "odt")
    libreoffice_convert([tmp_path / "odt" / "notes.odt"], "docx", tmp_path / "resaved")
    resaved = tmp_path / "resaved" / "notes.docx"
    with zipfile.ZipFile(resaved) as package:
        assert b"LibreOffice" in package.read("docProps/app.xml")  # its writer, not ours
    output = tmp_path / "deck.yaml"
    _import(runner, resaved, output)
    problems = _problems(load_deck(output), DOCUMENTS[WORD])
    assert not problems, "\n".join(problems)
