"""The handouts as a person sees them: converted to PDF by LibreOffice, read back as text."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FIXTURES, SHIPPED_DECK, copy_shipped, libreoffice_convert, require_program

from exporter.cli import main
from exporter.load import load_deck
from exporter.markdown import Paragraph, render_markdown

BOTTOM_MARGIN = 72  # points: the handouts' one-inch margins
RULED_SPACE = 6 * 26  # points: six ruled lines of 26 pt under each practice question
_WORD = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'
MAX_PAGES = {"letter": 3, "a4": 3, "letter-practice": 4, "a4-practice": 4}


@dataclass(frozen=True)
class Line:
    """One line of text on a PDF page, with its top and bottom in points, and its words
    with their left and right edges."""

    top: float
    bottom: float
    text: str
    words: tuple[tuple[float, float, str], ...] = ()


@dataclass(frozen=True)
class Page:
    height: float
    lines: tuple[Line, ...]


def _pages(pdf: Path) -> list[Page]:
    """The pages of `pdf` as lines of words, read with pdftotext -bbox."""
    result = subprocess.run(
        [require_program("pdftotext"), "-bbox", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    pages = []
    for match in re.finditer(
        r'<page width="[\d.]+" height="([\d.]+)">(.*?)</page>', result.stdout, re.S
    ):
        words = sorted(
            (float(y_min), float(x_min), float(y_max), html.unescape(text), float(x_max))
            for x_min, y_min, x_max, y_max, text in re.findall(_WORD, match.group(2))
        )
        lines: list[list[tuple[float, float, float, str, float]]] = []
        for word in words:
            if lines and abs(lines[-1][0][0] - word[0]) < 2:
                lines[-1].append(word)
            else:
                lines.append([word])
        pages.append(
            Page(
                float(match.group(1)),
                tuple(
                    Line(
                        line[0][0],
                        max(w[2] for w in line),
                        " ".join(w[3] for w in sorted(line, key=lambda w: w[1])),
                        tuple((w[1], w[4], w[3]) for w in sorted(line, key=lambda w: w[1])),
                    )
                    for line in lines
                ),
            )
        )
    return pages


def _markdown_text(markdown: str) -> str:
    """The words of `markdown` as markdown-it reads it, markup gone."""
    words = []
    for block in render_markdown(markdown).blocks:
        assert isinstance(block, Paragraph), block
        words.extend("".join(span.text for span in block.spans).split())
    return " ".join(words)


# Module-scoped, so it cannot take the function-scoped `runner` fixture.
@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """PDFs of both handouts on Letter and A4, made by LibreOffice in one run."""
    require_program("soffice")
    require_program("pdftotext")
    root = tmp_path_factory.mktemp("print")
    documents = root / "documents"
    documents.mkdir()
    data = copy_shipped(root / "data")
    for size in ("letter", "a4"):
        out = root / size
        args = ["build", str(data), "--out", str(out), "--page-size", size]
        result = CliRunner().invoke(main, args)
        assert result.exit_code == 0, result.output
        shutil.copy(out / "anthropic-culture-fit.docx", documents / f"{size}.docx")
        shutil.copy(
            out / "anthropic-culture-fit-practice.docx", documents / f"{size}-practice.docx"
        )
    libreoffice_convert(sorted(documents.iterdir()), "pdf", root / "pdf")
    return {path.stem: path for path in (root / "pdf").iterdir()}


def _plain_text(pdf: Path) -> str:
    result = subprocess.run(
        [require_program("pdftotext"), str(pdf), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


def _layout_pages(pdf: Path) -> list[str]:
    result = subprocess.run(
        [require_program("pdftotext"), "-layout", str(pdf), "-"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.split("\f")[:-1]


def _headings(pages: list[Page]) -> dict[str, tuple[int, int]]:
    """Where each question heading ends: (page index, line index), its last occurrence."""
    deck = load_deck(SHIPPED_DECK)
    found = {}
    for number, question in enumerate(deck.questions, start=1):
        heading = f"{number}. {question.question}"
        for page_index, page in enumerate(pages):
            texts = [line.text for line in page.lines]
            for start in range(len(texts)):
                for end in range(start + 1, min(start + 4, len(texts)) + 1):
                    if " ".join(texts[start:end]) == heading:
                        found[heading] = (page_index, end - 1)
        assert heading in found, heading
    return found


@pytest.mark.parametrize("name", ["letter", "a4", "letter-practice", "a4-practice"])
def test_every_question_and_theme_is_printed(printed: dict[str, Path], name: str) -> None:
    deck = load_deck(SHIPPED_DECK)
    text = _plain_text(printed[name])
    for number, question in enumerate(deck.questions, start=1):
        assert f"{number}. {question.question}" in text
        answer_start = _markdown_text(question.answer)[:60]
        assert (answer_start in text) == (not name.endswith("practice")), answer_start
    for theme in deck.themes:
        assert theme.title in text
        assert theme.summary in text


@pytest.mark.parametrize("name", ["letter", "a4", "letter-practice", "a4-practice"])
def test_footer_counts_pages_and_the_deck_fits_in_a_few(
    printed: dict[str, Path], name: str
) -> None:
    pages = _layout_pages(printed[name])
    assert 1 <= len(pages) <= MAX_PAGES[name]
    for number, page in enumerate(pages, start=1):
        lines = [line.strip() for line in page.splitlines() if line.strip()]
        assert lines[-1] == f"Page {number} of {len(pages)}"
        header = "Culture Fit Q&A for Anthropic" + (" — practice" if "practice" in name else "")
        assert lines[0] == header


@pytest.mark.parametrize("name", ["letter", "a4"])
def test_no_page_ends_with_a_question_heading(printed: dict[str, Path], name: str) -> None:
    pages = _pages(printed[name])
    for heading, (page_index, line_index) in _headings(pages).items():
        following = pages[page_index].lines[line_index + 1 :]
        body = [line for line in following if not line.text.startswith("Page ")]
        assert body, f"{heading!r} ends page {page_index + 1}"


@pytest.mark.parametrize("name", ["letter-practice", "a4-practice"])
def test_practice_questions_keep_their_ruled_space(printed: dict[str, Path], name: str) -> None:
    pages = _pages(printed[name])
    for heading, (page_index, line_index) in _headings(pages).items():
        page = pages[page_index]
        space_below = page.height - BOTTOM_MARGIN - page.lines[line_index].bottom
        assert space_below >= RULED_SPACE, f"{heading!r} has {space_below:.0f} pt below it"


@pytest.mark.parametrize(("font", "twin"), [("Cambria", "Caladea"), ("Calibri", "Carlito")])
def test_fonts_print_with_their_metric_compatible_twins(font: str, twin: str) -> None:
    result = subprocess.run(
        [require_program("fc-match"), "--format=%{family}", font],
        capture_output=True,
        text=True,
        check=True,
    )
    assert twin in result.stdout


def test_quotes_lists_and_aligned_tables_print_as_written(tmp_path: Path) -> None:
    require_program("pdftotext")
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "word", data)
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    libreoffice_convert([tmp_path / "out" / "constructs.docx"], "pdf", tmp_path / "pdf")
    lines = [line for page in _pages(tmp_path / "pdf" / "constructs.pdf") for line in page.lines]
    texts = [line.text for line in lines]
    printed_in_order = [
        "A heading inside an answer",
        "First level of quoting",
        "Second level of quoting",
        "• a list item quoted twice",
        "code inside a quote",
        "0. Item zero",
        "1. Item one",
        "◦ Nested bullet",
        "▪ Nested deeper",
        "1. Numbered at depth four",
        "2.",
        "3. code that opens an item",
        "4.",
        "▪ two markers, one line",
        "Left aligned Centred Right aligned",
        "l c r",
        "Quoted list 5. five",
        "6. six",
    ]
    positions = [texts.index(text) for text in printed_in_order]
    assert positions == sorted(positions)

    def left(text: str) -> float:
        return lines[texts.index(text)].words[0][0]

    # Each level of quoting and of lists indents further.
    assert left("A heading inside an answer") < left("First level of quoting")
    assert left("First level of quoting") < left("Second level of quoting")
    assert left("◦ Nested bullet") < left("▪ Nested deeper") < left("1. Numbered at depth four")
    # Each cell is aligned as its column is: left edges, centres, right edges line up.
    header, row = (
        lines[texts.index(t)].words for t in ("Left aligned Centred Right aligned", "l c r")
    )
    assert abs(header[0][0] - row[0][0]) < 1
    assert abs((header[2][0] + header[2][1]) / 2 - (row[1][0] + row[1][1]) / 2) < 1
    assert abs(header[4][1] - row[2][1]) < 1
