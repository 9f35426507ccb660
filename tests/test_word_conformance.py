"""The CommonMark specification's examples and the GFM table and strikethrough examples,
each as an answer, a key point and a theme summary of one deck, through the real build.

For every example the build either succeeds or refuses it with a `file:line:` message,
and the Word handout shows what Anki shows: the same text, block by block, with the
same list kinds, starts and depths, the same quoting and nesting, code in monospace and
tables aligned alike. The examples are read from markdown-it-py's source distribution,
the version the build uses (downloaded once, or named by MARKDOWN_IT_PY_SDIST).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path

import docx
import pytest
import yaml
from click.testing import CliRunner
from docx.oxml.ns import qn
from lxml import etree
from markdown_it.utils import read_fixture_file
from openxml_audit import OpenXmlValidator
from support import import_apkg
from word_reading import Record, WordReader, html_code, html_records, word_code

from exporter.cli import main


@dataclass(frozen=True)
class Example:
    name: str
    markdown: str
    html: str  # what the specification expects


@pytest.fixture(scope="session")
def examples(markdown_it_tests: Path) -> list[Example]:
    tests = markdown_it_tests
    spec = json.loads((tests / "test_cmark_spec" / "commonmark.json").read_text("utf-8"))
    found = [Example(f"spec {e['example']}", e["markdown"], e["html"]) for e in spec]
    for name in ("tables", "strikethrough"):
        fixtures = read_fixture_file(tests / "test_port" / "fixtures" / f"{name}.md")
        found += [Example(f"{name} {line}", text, html) for line, _, text, html in fixtures]
    return found


def _deck(examples: dict[int, Example]) -> str:
    questions = [
        {
            "id": f"e{n}",
            "question": f"Example {n}?",
            "answer": e.markdown,
            "key_points": [e.markdown],
        }
        for n, e in examples.items()
    ]
    themes = [
        {"id": f"t{n}", "title": f"Theme {n}", "summary": e.markdown} for n, e in examples.items()
    ]
    deck = {"deck": {"id": "spec", "title": "Spec"}, "questions": questions, "themes": themes}
    return yaml.safe_dump(deck, allow_unicode=True, width=10**6, sort_keys=False)


@dataclass
class Built:
    """The conformance deck, built: which examples it refused, the handout, the fields."""

    refused: dict[int, str]
    docx: Path
    fields: dict[str, list[str]]


@pytest.fixture(scope="session")
def built(examples: list[Example], tmp_path_factory: pytest.TempPathFactory) -> Built:
    """Build a deck of every example; an example the build refuses is left out, once
    its refusal is seen to be a clean one-line message at its own line."""
    folder = tmp_path_factory.mktemp("conformance")
    data = folder / "spec.yaml"
    refused: dict[int, str] = {}
    runner = CliRunner()
    while True:
        kept = {n: e for n, e in enumerate(examples) if n not in refused}
        data.write_text(_deck(kept), encoding="utf-8")
        result = runner.invoke(main, ["build", str(data), "--out", str(folder / "out")])
        if result.exit_code == 0:
            break
        assert result.exit_code == 1, result.output
        lines = data.read_text("utf-8").splitlines()
        problems = [line for line in result.output.splitlines() if line.startswith(str(data))]
        assert problems, result.output
        for problem in problems:
            match = re.match(rf"{re.escape(str(data))}:(\d+): \S", problem)
            assert match, problem
            above = reversed(lines[: int(match.group(1))])
            owner = next(m for line in above if (m := re.fullmatch(r"- id: [et](\d+)", line)))
            refused[int(owner.group(1))] = problem
    apkg = import_apkg(folder / "out" / "spec.apkg", folder / "collection.anki2")
    fields = apkg.notes()
    apkg.collection.close()
    return Built(refused, folder / "out" / "spec.docx", fields)


def test_the_build_refuses_only_examples_it_must(built: Built, examples: list[Example]) -> None:
    # Pictures whose files are not in the data folder: every other example builds.
    for number, problem in built.refused.items():
        assert "image" in problem, (examples[number].name, problem)
    assert len(built.refused) < 30


def _word_parts(built: Built) -> tuple[list[list[etree._Element]], list[list[etree._Element]]]:
    """The body elements of each answer and of each question's key points."""
    document = docx.Document(str(built.docx))
    styles = {style.style_id: style.name for style in document.styles}
    answers: list[list[etree._Element]] = []
    points: list[list[etree._Element]] = []
    current: list[etree._Element] | None = None
    for element in document.element.body:
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = styles.get(style.get(qn("w:val"))) if style is not None else None
        if name == "Heading 2":
            answers.append([])
            points.append([])
            current = answers[-1]
        elif name == "Heading 1":
            current = None
        elif name == "Label":
            current = points[-1]
        elif current is not None:
            current.append(element)
    return answers, points


def test_word_shows_what_anki_shows_for_every_example(
    built: Built, examples: list[Example]
) -> None:
    document = docx.Document(str(built.docx))
    styles = {style.style_id: style.name for style in document.styles}
    reader = WordReader(document.part.numbering_part.element, styles)
    answers, points = _word_parts(built)
    themes = document.element.body.findall(qn("w:tbl"))[-1]  # the last thing written
    summaries = [row.findall(qn("w:tc"))[1] for row in themes.findall(qn("w:tr"))[1:]]
    kept = [n for n in range(len(examples)) if n not in built.refused]
    assert len(answers) == len(points) == len(summaries) == len(kept)
    wrong: list[str] = []
    shown = 0
    for position, number in enumerate(kept):
        name = examples[number].name
        answer, key_points = built.fields[f"Example {number}?"][1:3]
        summary = built.fields[f"Theme {number}"][1]
        for where, html, elements in (
            ("answer", answer, answers[position]),
            ("key point", key_points, points[position]),
            ("summary", summary, list(summaries[position])),
        ):
            expected: list[Record] = html_records(html)
            shown += bool(expected)
            got = reader.records(elements)
            if got != expected:
                wrong.append(f"{name} as {where}: Word {got} ≠ Anki {expected}")
            if word_code(elements, styles) != html_code(html):
                wrong.append(f"{name} as {where}: monospace text differs")
    assert not wrong, f"{len(wrong)} differ:\n" + "\n".join(wrong[:20])
    assert shown > 3 * 600  # nearly every example shows something, in each of its places


def test_anki_shows_the_structure_the_specification_expects(
    built: Built, examples: list[Example]
) -> None:
    # Raw HTML is shown as text and links that are not web or mail addresses lose their
    # link, on purpose: compare the examples with neither.
    wrong = []
    for number, example in enumerate(examples):
        if number in built.refused or "<" in example.markdown:
            continue
        answer = built.fields[f"Example {number}?"][1]
        if html_records(answer) != html_records(example.html):
            wrong.append(example.name)
    assert not wrong, wrong


def test_the_conformance_handout_is_valid_office_open_xml(built: Built) -> None:
    result = OpenXmlValidator().validate(str(built.docx))
    assert result.is_valid, [(e.description, e.path) for e in result.errors[:10]]
