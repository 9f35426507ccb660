"""Cue cards as a person prints them: LibreOffice makes the PDF, and every character is
found on the paper by its position (pdfplumber), in the box of the card it belongs to."""

from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

import docx
import pdfplumber
import pytest
from card_pages import EDGE, ROWS, TOLERANCE, behind, boxes, check_cards, read_pages
from click.testing import CliRunner
from support import (
    FIXTURES,
    SHIPPED_DECK,
    copy_shipped,
    libreoffice_convert,
    require_cjk_font,
    require_program,
)

from exporter.cli import main
from exporter.load import load_deck
from exporter.rendered import RenderedDeck, render_deck

CARDS = FIXTURES / "cards"
LAYOUTS = [
    (size, per_page, duplex)
    for size in ("letter", "a4")
    for per_page in (4, 6, 8)
    for duplex in ("long-edge", "short-edge")
]
DECKS = {
    "shipped": SHIPPED_DECK,
    "hostile": CARDS / "hostile.yaml",
    "constructs": FIXTURES / "word" / "constructs.yaml",
}


def _layout_name(size: str, per_page: int, duplex: str) -> str:
    return f"{size}-{per_page}-{duplex}"


def _copy_decks(folder: Path) -> dict[str, Path]:
    """The decks in a folder of their own each, with the files they need."""
    copies = {}
    for name, path in DECKS.items():
        shutil.copytree(path.parent, folder / name, ignore=shutil.ignore_patterns("*.state.json"))
        copies[name] = folder / name / path.name
    return copies


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Path]:
    """The cards PDF of each deck in every layout, made by LibreOffice in one run."""
    require_program("soffice")
    root = tmp_path_factory.mktemp("cards")
    decks = _copy_decks(root / "data")
    documents = root / "documents"
    documents.mkdir()
    for size, per_page, duplex in LAYOUTS:
        layout = _layout_name(size, per_page, duplex)
        for name, path in decks.items():
            out = root / "out" / layout / name
            args = ["build", str(path), "--out", str(out), "--no-practice", "--page-size", size]
            args += ["--cards-per-page", str(per_page), "--duplex", duplex]
            result = CliRunner().invoke(main, args)
            assert result.exit_code == 0, result.output
            [cards] = out.glob("*-cards.docx")
            shutil.copy(cards, documents / f"{layout}-{name}.docx")
    libreoffice_convert(sorted(documents.iterdir()), "pdf", root / "pdf")
    return {
        (layout, name): root / "pdf" / f"{layout}-{name}.pdf"
        for layout in (_layout_name(*each) for each in LAYOUTS)
        for name in DECKS
    }


def _rendered(name: str) -> RenderedDeck:
    rendered, problems = render_deck(load_deck(DECKS[name]))
    assert problems == []
    return rendered


@pytest.mark.parametrize(("size", "per_page", "duplex"), LAYOUTS)
@pytest.mark.parametrize("name", list(DECKS))
def test_every_card_prints_in_its_box_and_its_back_behind_it(
    printed: dict[tuple[str, str], Path], name: str, size: str, per_page: int, duplex: str
) -> None:
    pdf = printed[(_layout_name(size, per_page, duplex), name)]
    assert check_cards(pdf, _rendered(name), per_page, duplex) == []


@pytest.mark.parametrize(("size", "per_page", "duplex"), LAYOUTS)
def test_cut_lines_are_drawn_on_fronts_only(
    printed: dict[tuple[str, str], Path], size: str, per_page: int, duplex: str
) -> None:
    pages = read_pages(printed[(_layout_name(size, per_page, duplex), "shipped")], per_page)
    with pdfplumber.open(printed[(_layout_name(size, per_page, duplex), "shipped")]) as pdf:
        width, height = float(pdf.pages[0].width), float(pdf.pages[0].height)
    columns = [EDGE, width / 2, width - EDGE]
    rows = [EDGE + row * (height - 2 * EDGE) / ROWS[per_page] for row in range(ROWS[per_page] + 1)]
    for number, page in enumerate(pages):
        # The alignment sheet has them on both sides, so that they can be seen to meet.
        if number % 2 and number > 1:
            assert page.lines == (), f"page {number + 1}"
            continue
        vertical = _positions(x0 for x0, _, x1, _ in page.lines if abs(x0 - x1) < 0.1)
        horizontal = _positions(top for _, top, _, bottom in page.lines if abs(top - bottom) < 0.1)
        assert vertical == pytest.approx(columns, abs=TOLERANCE), f"page {number + 1}"
        assert horizontal == pytest.approx(rows, abs=TOLERANCE), f"page {number + 1}"


def _positions(values: Iterable[float]) -> list[float]:
    """`values` sorted, those within a tolerance of each other counted once."""
    positions: list[float] = []
    for value in sorted(values):
        if not positions or value - positions[-1] > TOLERANCE:
            positions.append(value)
    return positions


def test_text_is_set_as_large_as_fits(printed: dict[tuple[str, str], Path]) -> None:
    """Long answers are set smaller than short ones, and fill their cards."""
    per_page = 4
    with pdfplumber.open(
        printed[(_layout_name("letter", per_page, "long-edge"), "shipped")]
    ) as pdf:
        width, height = float(pdf.pages[0].width), float(pdf.pages[0].height)
        grid = boxes(width, height, per_page)
        backs = []
        for index in range(12):  # seven questions, then five themes
            sheet, place = divmod(index, per_page)
            box = grid[behind(place, per_page, "long-edge")]
            page = pdf.pages[2 * sheet + 3]
            text = [char for char in page.chars if box.holds(char) and char["size"] > 8.5]
            backs.append(
                (max(char["size"] for char in text), max(char["bottom"] for char in text), box)
            )
    for size, bottom, box in backs[:7]:  # the answers are long: smaller, and down the card
        assert 11 <= size < 20
        assert bottom - box.top > 0.75 * (box.bottom - box.top)
    for size, _, _ in backs[7:]:  # the themes' summaries are short: the largest size
        assert size == pytest.approx(20)


def test_the_shipped_cards_need_no_handout(printed: dict[tuple[str, str], Path]) -> None:
    for size, per_page, duplex in LAYOUTS:
        pages = read_pages(printed[(_layout_name(size, per_page, duplex), "shipped")], per_page)
        text = " ".join(line for page in pages for face in page.faces for line in face.lines)
        assert "seehandout" not in text


def test_cards_too_long_are_cut_with_a_located_warning(runner: CliRunner, tmp_path: Path) -> None:
    decks = _copy_decks(tmp_path / "data")
    result = runner.invoke(main, ["build", str(decks["hostile"]), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    source = decks["hostile"]
    expected = [
        (
            "long-answer",
            "answer:",
            "the answer of 'long-answer' is too long for a cue card; add key_points",
        ),
        (
            "long-points",
            "- Point 1 ",
            "the key points of 'long-points' are too long for a cue card; shorten them",
        ),
        (
            "long-question",
            "question:",
            "the question of 'long-question' is too long for a cue card; shorten it",
        ),
        (
            "long-title",
            "title:",
            "the title of theme 'long-title' is too long for a cue card; shorten it",
        ),
        (
            "long-theme",
            "summary:",
            "the summary of theme 'long-theme' is too long for a cue card; shorten it",
        ),
    ]
    for item_id, key, message in expected:
        line = _line_of(source, item_id, key)
        assert f"{source}:{line}: {message}\n" in result.stderr
    # Without a PDF of the handout no page is known: the card names the question.
    cards = docx.Document(str(tmp_path / "out" / "hostile-cards.docx"))
    text = "\n".join(
        cell.text for table in cards.tables for row in table.rows for cell in row.cells
    )
    assert "… see the handout, question 2" in text
    assert "… see the handout, question 3" in text
    assert "… see the handout, its themes" in text


def _line_of(source: Path, item_id: str, key: str) -> int:
    """The line of `key` in the item `item_id` of the data file `source`."""
    lines = source.read_text().splitlines()
    start = lines.index(f"  - id: {item_id}")
    return next(
        number
        for number, text in enumerate(lines[start:], start=start + 1)
        if text.strip().startswith(key)
    )


def test_no_cards(runner: CliRunner, tmp_path: Path) -> None:
    data = copy_shipped(tmp_path / "data")
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out"), "--no-cards"])
    assert result.exit_code == 0, result.output
    assert not list((tmp_path / "out").glob("*cards*"))


@pytest.mark.parametrize("option", [["--cards-per-page", "5"], ["--duplex", "sideways"]])
def test_layouts_that_do_not_exist_are_refused(
    runner: CliRunner, tmp_path: Path, option: list[str]
) -> None:
    data = copy_shipped(tmp_path / "data")
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out"), *option])
    assert result.exit_code == 2
    assert "Invalid value" in result.output
    assert not (tmp_path / "out").exists()


def test_chinese_japanese_and_korean_cards(tmp_path: Path) -> None:
    """One character of these is a full em wide, and lines break between any two."""
    require_program("soffice")
    require_cjk_font()
    data = tmp_path / "data"
    shutil.copytree(CARDS, data, ignore=shutil.ignore_patterns("hostile.yaml"))
    out = tmp_path / "out"
    for per_page in (4, 8):
        args = ["build", str(data), "--out", str(out / str(per_page)), "--no-practice"]
        result = CliRunner().invoke(main, [*args, "--cards-per-page", str(per_page)])
        assert result.exit_code == 0, result.output
        assert result.stderr == ""  # nothing cut short
    documents = []
    for per_page in (4, 8):  # one name each: LibreOffice writes its PDFs into one folder
        documents.append(out / f"cjk-{per_page}.docx")
        shutil.copy(out / str(per_page) / "cjk-cards.docx", documents[-1])
    libreoffice_convert(documents, "pdf", tmp_path / "pdf")
    rendered, _ = render_deck(load_deck(data / "cjk.yaml"))
    for per_page in (4, 8):
        pdf = tmp_path / "pdf" / f"cjk-{per_page}.pdf"
        assert check_cards(pdf, rendered, per_page, "long-edge") == []
