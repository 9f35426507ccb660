"""Reading printed cue cards back: where each character of a cards PDF lies, and which
card's box it lies in, measured from the paper as a person with a ruler would."""

from __future__ import annotations

import unicodedata
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pdfplumber

from exporter.markdown import Block, CodeBlock, ItemList, Paragraph, Quote, Table
from exporter.model import Deck
from exporter.rendered import RenderedDeck

EDGE = 36.0  # points from the paper's edge to the cut lines, on every side
ROWS = {4: 2, 6: 3, 8: 4}  # two columns on every page
TOLERANCE = 0.6  # points: how far a drawn line may lie from where it belongs


@dataclass(frozen=True)
class Box:
    left: float
    top: float
    right: float
    bottom: float

    def holds(self, char: dict[str, float]) -> bool:
        return (
            char["x0"] >= self.left - TOLERANCE
            and char["x1"] <= self.right + TOLERANCE
            and char["top"] >= self.top - TOLERANCE
            and char["bottom"] <= self.bottom + TOLERANCE
        )


def boxes(width: float, height: float, per_page: int) -> list[Box]:
    """The cards' boxes on a page, left to right, top to bottom."""
    rows = ROWS[per_page]
    card_width, card_height = (width - 2 * EDGE) / 2, (height - 2 * EDGE) / rows
    return [
        Box(
            EDGE + column * card_width,
            EDGE + row * card_height,
            EDGE + (column + 1) * card_width,
            EDGE + (row + 1) * card_height,
        )
        for row in range(rows)
        for column in range(2)
    ]


def behind(place: int, per_page: int, duplex: str) -> int:
    """The place on the back page behind `place` on the front: a sheet turned over its
    long edge swaps left and right; over its short edge, top and bottom."""
    row, column = divmod(place, 2)
    if duplex == "long-edge":
        return row * 2 + (1 - column)
    return (ROWS[per_page] - 1 - row) * 2 + column


@dataclass(frozen=True)
class Face:
    """What a face of a card shows: its label (first line), and its text."""

    label: str
    text: str


PrintedCard = tuple[Face, Face]  # front, back


def expected_cards(rendered: RenderedDeck) -> list[PrintedCard]:
    """The cards of `rendered`'s deck as the issue describes them, from the data."""
    deck: Deck = rendered.deck
    cards = []
    for number, question in enumerate(deck.questions, start=1):
        front = " ".join(
            [question.question, blocks_text(rendered.blocks(question.context))]
            if question.context
            else [question.question]
        )
        back = (
            " ".join(blocks_text(rendered.blocks(point)) for point in question.key_points)
            if question.key_points
            else blocks_text(rendered.blocks(question.answer))
        )
        cards.append((Face(str(number), front), Face(str(number), back)))
    for number, theme in enumerate(deck.themes, start=1):
        label = f"Theme {number}"
        summary = blocks_text(rendered.blocks(theme.summary))
        cards.append((Face(label, theme.title), Face(label, summary)))
    return cards


def blocks_text(blocks: Iterable[Block]) -> str:
    """The words Markdown blocks show."""
    words: list[str] = []
    for block in blocks:
        if isinstance(block, Paragraph):
            words.append("".join(span.text for span in block.spans if span.image is None))
        elif isinstance(block, CodeBlock):
            words.append(block.text)
        elif isinstance(block, Table):
            words += ["".join(span.text for span in cell) for row in block.rows for cell in row]
        elif isinstance(block, Quote):
            words.append(blocks_text(block.blocks))
        elif isinstance(block, ItemList):
            words += [blocks_text(item) for item in block.items]
    return " ".join(words)


@dataclass(frozen=True)
class PrintedFace:
    """The characters found inside one card's box, in reading order."""

    lines: tuple[str, ...]

    @property
    def label(self) -> str:
        return self.lines[0] if self.lines else ""

    def shows(self, text: str) -> bool:
        """Whether every character of `text` is printed here."""
        return not Counter(_visible(text)) - Counter(_visible(" ".join(self.lines)))


@dataclass(frozen=True)
class PrintedPage:
    faces: tuple[PrintedFace, ...]  # one per box
    stray: tuple[str, ...]  # characters in no box: across a cut line, or off the grid
    lines: tuple[tuple[float, float, float, float], ...]  # drawn (x0, top, x1, bottom)


def read_pages(pdf: Path, per_page: int) -> list[PrintedPage]:
    """Every page of a cards PDF, its characters sorted into the cards' boxes."""
    pages = []
    with pdfplumber.open(pdf) as document:
        for page in document.pages:
            grid = boxes(float(page.width), float(page.height), per_page)
            inside: list[list[dict[str, float]]] = [[] for _ in grid]
            stray = []
            for char in page.chars:
                if not char["text"].strip():
                    continue
                places = [place for place, box in enumerate(grid) if box.holds(char)]
                if places:
                    inside[places[0]].append(char)
                else:
                    stray.append(char["text"])
            drawn = tuple(
                (float(edge["x0"]), float(edge["top"]), float(edge["x1"]), float(edge["bottom"]))
                for edge in page.edges
            )
            pages.append(PrintedPage(tuple(_face(chars) for chars in inside), tuple(stray), drawn))
    return pages


def _face(chars: Sequence[dict[str, float]]) -> PrintedFace:
    lines: list[list[dict[str, float]]] = []
    for char in sorted(chars, key=lambda char: (round(char["bottom"]), char["x0"])):
        if lines and abs(lines[-1][0]["bottom"] - char["bottom"]) < 1.5:
            lines[-1].append(char)
        else:
            lines.append([char])
    return PrintedFace(
        tuple(
            "".join(char["text"] for char in sorted(line, key=lambda c: c["x0"])) for line in lines
        )
    )


def _visible(text: str) -> str:
    return "".join(unicodedata.normalize("NFKC", text).split())


def check_cards(pdf: Path, rendered: RenderedDeck, per_page: int, duplex: str) -> list[str]:
    """Every way the printed cards of `rendered` fail the promise: each question inside
    its card's box on a front page, its back inside the box behind it on the next page,
    whole or cut short with a pointer to the handout; nothing across a cut line."""
    pages = read_pages(pdf, per_page)
    cards = expected_cards(rendered)
    sheets = -(-len(cards) // per_page)
    failures = []
    if len(pages) != 2 * (sheets + 1):
        failures.append(f"{len(pages)} pages for {len(cards)} cards, {per_page} a page")
    for number, page in enumerate(pages):
        if page.stray:
            failures.append(f"page {number + 1}: text outside the cards: {''.join(page.stray)!r}")
    for index, card in enumerate(cards):
        sheet, place = divmod(index, per_page)
        if 2 * sheet + 3 >= len(pages):
            break
        front = pages[2 * sheet + 2].faces[place]
        back = pages[2 * sheet + 3].faces[behind(place, per_page, duplex)]
        for side, printed, face in (("front", front, card[0]), ("back", back, card[1])):
            if printed.label != face.label.replace(" ", ""):
                failures.append(f"card {index + 1} {side}: labelled {printed.label!r}")
            elif not printed.shows(face.text) and not printed.shows("…seehandout"):
                failures.append(
                    f"card {index + 1} {side}: text missing, not pointed to the handout"
                )
    return failures
