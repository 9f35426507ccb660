"""Cue cards to print double-sided and cut: a grid of questions on one page, their
answers on the next, each back page mirrored so that its card lands behind its front.

Every page is one table of fixed, exactly sized cells, the cut lines its borders. A
card's text is set as large as it fits (see fit.py); what cannot fit even at the
smallest size is cut short with a pointer to the handout, and reported.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Literal

from docx.oxml.ns import qn
from lxml import etree

from exporter.errors import Problem
from exporter.markdown import Block, ItemList, Paragraph, Span
from exporter.model import Question, Theme
from exporter.rendered import RenderedDeck
from exporter.word.blocks import write_blocks
from exporter.word.fit import (
    PARAGRAPH_SPACE,
    Box,
    blocks_height,
    fit_blocks,
    line_height,
    text_words,
    wrapped_lines,
)
from exporter.word.handout import question_bookmark, save_document
from exporter.word.ooxml import EMU_PER_TWIP, DocxWriter, Element, Layout, text_run
from exporter.word.template import HEADING_FONT, PAGE_SIZES, Margins

Duplex = Literal["long-edge", "short-edge"]
# Cards per page → (columns, rows); every grid fills a portrait page.
GRIDS = {4: (2, 2), 6: (2, 3), 8: (2, 4)}
EDGE = 720  # twips from the paper's edge to the grid: inside what any printer reaches
LEAD = 40  # twips: the tiny paragraph before each grid that carries its page break
PADDING = (288, 216)  # twips inside a card's cut lines: left and right, top and bottom
CUT_LINE = "BFBFBF"
LABEL_COLOUR = "7F7F7F"
LABEL_SIZE = 8.0  # points: a card's number and tags
FRONT_SIZES = (9.0, 24.0)  # points: the smallest and largest size of a card's text
BACK_SIZES = (8.0, 20.0)
SIZE_STEP = 0.5  # Word sets sizes in half points
TAG_LINES = 2  # at most, under the question
TWIPS_PER_POINT = 20
PICTURE_SHARE = 0.6  # of a card's height, at most
ALIGNMENT_NUMBER = 40.0  # points


@functools.cache
def _w(name: str) -> str:
    """The qualified name of Word's `name`: qn's lookup costs, and cards have many."""
    return qn(f"w:{name}")


@dataclass(frozen=True)
class CardOptions:
    """How cards are laid out: how many on a page, and how the printer turns the paper."""

    per_page: int = 4
    duplex: Duplex = "long-edge"


DEFAULT_CARDS = CardOptions()


@dataclass(frozen=True)
class Face:
    """One side of a card: its small label on top, its blocks set at `size` points,
    and small text under them (the tags)."""

    label: str
    blocks: tuple[Block, ...]
    size: float
    footer: str = ""


@dataclass(frozen=True)
class Card:
    """A card's two faces, and the warnings for what had to be cut short on them."""

    front: Face
    back: Face
    cut: tuple[Problem, ...] = ()


@dataclass(frozen=True)
class CardsDocument:
    """The cards `.docx`, and the texts that had to be cut short, as warnings."""

    data: bytes
    problems: tuple[Problem, ...]


@dataclass(frozen=True)
class Grid:
    """The cards' places on a page, in twips."""

    columns: int
    rows: int
    width: int  # of a card
    height: int

    @property
    def inner(self) -> tuple[float, float]:
        """The width and height inside a card's padding, in points."""
        return (
            (self.width - 2 * PADDING[0]) / TWIPS_PER_POINT,
            (self.height - 2 * PADDING[1]) / TWIPS_PER_POINT,
        )


def card_grid(page_size: str, per_page: int) -> Grid:
    """The grid of `per_page` cards on a page of `page_size`."""
    columns, rows = GRIDS[per_page]
    width, height = (int(length) // EMU_PER_TWIP for length in PAGE_SIZES[page_size])
    return Grid(columns, rows, (width - 2 * EDGE) // columns, (height - 2 * EDGE) // rows)


def cards_docx(
    rendered: RenderedDeck,
    created: int,
    modified: int,
    page_size: str,
    options: CardOptions = DEFAULT_CARDS,
    handout_pages: Mapping[str, int] | None = None,
) -> CardsDocument:
    """The cue cards of every question, then every theme, after an alignment sheet.

    `handout_pages` gives the handout's page of each bookmark, when known, for the
    pointer on a card cut short. The other parameters are handout_docx's.
    """
    deck = rendered.deck
    grid = card_grid(page_size, options.per_page)
    cards = [
        _question_card(rendered, grid, number, question, handout_pages)
        for number, question in enumerate(deck.questions, start=1)
    ]
    cards += [
        _theme_card(rendered, grid, number, theme, handout_pages)
        for number, theme in enumerate(deck.themes, start=1)
    ]
    # Cut lines meet the paper's edges at the same distance on every side, and the
    # lead paragraph above each grid is taken out of the top margin, so that the grid
    # lies where its mirror image does.
    margins = Margins(
        (EDGE - LEAD) * EMU_PER_TWIP, (EDGE - 2 * LEAD) * EMU_PER_TWIP, EDGE * EMU_PER_TWIP
    )
    writer = DocxWriter(page_size, None, margins, body_font=HEADING_FONT)
    # Pictures are shrunk to a card, leaving room for its labels and some words.
    writer.text_width, writer.text_height = _largest_picture(grid)
    per_page = grid.columns * grid.rows
    sheets = [(_alignment_sheet(grid, options.duplex), True)]
    sheets += [(cards[first : first + per_page], False) for first in range(0, len(cards), per_page)]
    for number, (on_sheet, backs_cut) in enumerate(sheets):
        backs: list[Face | None] = [None] * per_page
        for place, card in enumerate(on_sheet):
            backs[_behind(place, grid, options.duplex)] = card.back
        _lead(writer, page_break=number > 0)
        _page(writer, rendered, grid, [card.front for card in on_sheet], front=True)
        _lead(writer, page_break=True)
        _page(writer, rendered, grid, backs, front=False, cut_lines=backs_cut)
        writer.flush()
    _lead(writer, page_break=False)  # a document ends with a paragraph, not a table
    data = save_document(writer, deck, f"{deck.title} (cue cards)", created, modified)
    return CardsDocument(data, tuple(problem for card in cards for problem in card.cut))


def _largest_picture(grid: Grid) -> tuple[int, int]:
    """The largest width and height of a picture on a card, in EMU."""
    width, height = grid.inner
    return (
        round(width * TWIPS_PER_POINT) * EMU_PER_TWIP,
        round(height * PICTURE_SHARE * TWIPS_PER_POINT) * EMU_PER_TWIP,
    )


def _behind(place: int, grid: Grid, duplex: Duplex) -> int:
    """The place on the back page that lies behind `place` on the front."""
    row, column = divmod(place, grid.columns)
    if duplex == "long-edge":  # the sheet turns over left to right
        column = grid.columns - 1 - column
    else:  # it turns over top to bottom
        row = grid.rows - 1 - row
    return row * grid.columns + column


def _question_card(
    rendered: RenderedDeck,
    grid: Grid,
    number: int,
    question: Question,
    handout_pages: Mapping[str, int] | None,
) -> Card:
    where = _see_handout(question_bookmark(number), f"question {number}", handout_pages)
    front_blocks = (
        Paragraph((Span(question.question, bold=True),)),
        *(rendered.blocks(question.context) if question.context else ()),
    )
    tags = " · ".join(question.tags)
    front, front_cut = _face(rendered, grid, str(number), front_blocks, FRONT_SIZES, where, tags)
    if question.key_points:
        points = ItemList(False, 1, tuple(rendered.blocks(point) for point in question.key_points))
        back, back_cut = _face(rendered, grid, str(number), (points,), BACK_SIZES, where)
        field, what = (
            "key_points",
            "the key points of '{}' are too long for a cue card; shorten them",
        )
    else:
        answer = rendered.blocks(question.answer)
        back, back_cut = _face(rendered, grid, str(number), answer, BACK_SIZES, where)
        field, what = "answer", "the answer of '{}' is too long for a cue card; add key_points"
    cut = []
    if front_cut:
        front_field = "context" if question.context else "question"
        too_long = f"the {front_field} of '{{}}' is too long for a cue card; shorten it"
        cut.append(_too_long(rendered, question.lines.get(front_field), too_long, question.id))
    if back_cut:
        cut.append(_too_long(rendered, question.lines.get(field), what, question.id))
    return Card(front, back, tuple(cut))


def _theme_card(
    rendered: RenderedDeck,
    grid: Grid,
    number: int,
    theme: Theme,
    handout_pages: Mapping[str, int] | None,
) -> Card:
    where = _see_handout("themes", "its themes", handout_pages)
    label = f"Theme {number}"
    title = (Paragraph((Span(theme.title, bold=True),)),)
    front, front_cut = _face(rendered, grid, label, title, FRONT_SIZES, where)
    back, back_cut = _face(rendered, grid, label, rendered.blocks(theme.summary), BACK_SIZES, where)
    cut = [
        _too_long(
            rendered,
            theme.lines.get(field),
            f"the {field} of theme '{{}}' is too long for a cue card; shorten it",
            theme.id,
        )
        for field, was_cut in (("title", front_cut), ("summary", back_cut))
        if was_cut
    ]
    return Card(front, back, tuple(cut))


def _see_handout(bookmark: str, what: str, handout_pages: Mapping[str, int] | None) -> str:
    """The pointer that ends a card cut short."""
    if handout_pages is not None and bookmark in handout_pages:
        return f"… see handout p. {handout_pages[bookmark]}"
    return f"… see the handout, {what}"


def _too_long(rendered: RenderedDeck, line: int | None, message: str, item_id: str) -> Problem:
    """The warning that an item's text was cut short: `message` names it where it has {}."""
    source = rendered.deck.source
    assert source is not None, "a deck built is read from a file"
    return Problem(source, line, message.format(item_id), severity="warning")


def _face(
    rendered: RenderedDeck,
    grid: Grid,
    label: str,
    blocks: Sequence[Block],
    sizes: tuple[float, float],
    pointer: str,
    footer: str = "",
) -> tuple[Face, bool]:
    """The face showing `blocks` as large as they fit; True with it when they had to be
    cut short, ending with `pointer`."""
    width, height = grid.inner
    height -= _label_height(label, width) + _label_height(footer, width, TAG_LINES)
    footer = _first_lines(footer, width, TAG_LINES)
    for code_wraps in (False, True):  # code is set unwrapped, when it can be
        box = Box(width, height, sizes[0], rendered.media, code_wraps, _largest_picture(grid))
        size = _largest_fitting(blocks, box, sizes)
        if size is not None:
            return Face(label, tuple(blocks), size, footer), False
    marker = Paragraph((Span(pointer, italic=True),))
    room = height - blocks_height((marker,), box)
    kept = fit_blocks(blocks, box.with_height(room)).blocks
    return Face(label, (*kept, marker), box.size, footer), True


def _largest_fitting(blocks: Sequence[Block], box: Box, sizes: tuple[float, float]) -> float | None:
    """The largest size (a whole step) between `sizes` at which `blocks` fit in `box`."""
    smallest, largest = sizes

    def height_at(size: float) -> float:
        return blocks_height(blocks, replace(box, size=size))

    tallest = height_at(largest)
    if tallest <= box.height:
        return largest
    # Text takes room as the square of its size (longer lines, and more of them): start
    # there, then step to the largest size that fits.
    guess = largest * math.sqrt(box.height / tallest) if math.isfinite(tallest) else smallest
    size = min(largest, max(smallest, math.floor(guess / SIZE_STEP) * SIZE_STEP))
    if height_at(size) <= box.height:
        while size + SIZE_STEP < largest and height_at(size + SIZE_STEP) <= box.height:
            size += SIZE_STEP
        return size
    while size > smallest:
        size -= SIZE_STEP
        if height_at(size) <= box.height:
            return size
    return None


def _label_height(text: str, width: float, most_lines: int = 1) -> float:
    if not text:
        return 0.0
    lines = min(most_lines, wrapped_lines(text_words(text), width, LABEL_SIZE))
    return (lines * line_height(text) + PARAGRAPH_SPACE) * LABEL_SIZE


def _first_lines(text: str, width: float, lines: int) -> str:
    """`text` cut at a word, with an ellipsis, to fit in `lines` lines."""
    words = text.split()
    if wrapped_lines(text_words(text), width, LABEL_SIZE) <= lines:
        return text
    while words and wrapped_lines(text_words(" ".join([*words, "…"])), width, LABEL_SIZE) > lines:
        words.pop()
    return " ".join([*words, "…"])


def _alignment_sheet(grid: Grid, duplex: Duplex) -> list[Card]:
    """The cards of the sheet that checks the printer: a number on each, and the same
    number behind it."""
    flip = "long" if duplex == "long-edge" else "short"
    other = "--duplex short-edge" if duplex == "long-edge" else "--duplex long-edge"
    how = (
        f"Print double-sided, flipping on the {flip} edge. Hold this sheet up to the light:"
        " each number on the back lies behind the same number here. If not, change the"
        f" printer's flip setting, or build with {other}."
    )
    label = "Alignment sheet"
    return [
        Card(
            Face(label, _number(place + 1), ALIGNMENT_NUMBER, how),
            Face(f"{label}, back", _number(place + 1), ALIGNMENT_NUMBER),
        )
        for place in range(grid.columns * grid.rows)
    ]


def _number(number: int) -> tuple[Block, ...]:
    return (Paragraph((Span(str(number), bold=True),)),)


def _page(
    writer: DocxWriter,
    rendered: RenderedDeck,
    grid: Grid,
    faces: Sequence[Face | None],
    front: bool,
    cut_lines: bool = True,
) -> None:
    """One page: a table of exactly sized cells, bordered by the cut lines (on fronts;
    on backs only for the alignment sheet: a line off by the printer's shift would show)."""
    table = etree.SubElement(writer.body, _w("tbl"))
    properties = etree.SubElement(table, _w("tblPr"))
    _twips(etree.SubElement(properties, _w("tblW")), grid.width * grid.columns)
    if cut_lines:
        borders = etree.SubElement(properties, _w("tblBorders"))
        for side in ("top", "left", "bottom", "right", "insideH", "insideV"):
            _attributes(
                etree.SubElement(borders, _w(side)),
                val="dashed",
                sz="4",
                space="0",
                color=CUT_LINE,
            )
    etree.SubElement(properties, _w("tblLayout")).set(_w("type"), "fixed")
    margins = etree.SubElement(properties, _w("tblCellMar"))
    for side in ("top", "left", "bottom", "right"):
        _twips(etree.SubElement(margins, _w(side)), 0)
    columns = etree.SubElement(table, _w("tblGrid"))
    for _ in range(grid.columns):
        etree.SubElement(columns, _w("gridCol")).set(_w("w"), str(grid.width))
    for row in range(grid.rows):
        row_element = etree.SubElement(table, _w("tr"))
        row_properties = etree.SubElement(row_element, _w("trPr"))
        etree.SubElement(row_properties, _w("cantSplit"))
        height = etree.SubElement(row_properties, _w("trHeight"))
        _attributes(height, val=str(grid.height), hRule="exact")
        for column in range(grid.columns):
            place = row * grid.columns + column
            face = faces[place] if place < len(faces) else None
            _cell(writer, rendered, grid, row_element, face, centred=front)


def _cell(
    writer: DocxWriter,
    rendered: RenderedDeck,
    grid: Grid,
    row: Element,
    face: Face | None,
    centred: bool,
) -> None:
    cell = etree.SubElement(row, _w("tc"))
    cell.append(copy.deepcopy(_cell_properties(grid.width, centred)))
    if face is None:
        etree.SubElement(cell, _w("p"))
        return
    _label(writer, cell, face.label)
    inner_width = int(grid.inner[0] * TWIPS_PER_POINT) * EMU_PER_TWIP
    size = round(face.size * 2)
    write_blocks(writer, rendered.media, face.blocks, cell, inner_width, size, _space(face.size))
    if face.footer:
        _label(writer, cell, face.footer)
    if cell[-1].tag != _w("p"):  # a cell ends with a paragraph, even after a table
        _small_paragraph(cell)


@functools.cache
def _cell_properties(width: int, centred: bool) -> Element:
    """A card's cell properties: its width, its padding, its text centred or at the top."""
    properties = etree.Element(_w("tcPr"))
    _twips(etree.SubElement(properties, _w("tcW")), width)
    padding = etree.SubElement(properties, _w("tcMar"))
    for side, twips in (
        ("top", PADDING[1]),
        ("left", PADDING[0]),
        ("bottom", PADDING[1]),
        ("right", PADDING[0]),
    ):
        _twips(etree.SubElement(padding, _w(side)), twips)
    etree.SubElement(properties, _w("vAlign")).set(_w("val"), "center" if centred else "top")
    return properties


def _space(size: float) -> tuple[int, int]:
    """The space before and after a paragraph of text `size` points large, in twips."""
    return 0, round(size * PARAGRAPH_SPACE * TWIPS_PER_POINT)


def _label(writer: DocxWriter, cell: Element, text: str) -> None:
    size = round(LABEL_SIZE * 2)
    layout = _label_layout()
    paragraph = writer.paragraph(None, container=cell, layout=layout)
    text_run(paragraph, text, size=size, colour=LABEL_COLOUR)


@functools.cache
def _label_layout() -> Layout:
    return Layout(size=round(LABEL_SIZE * 2), space=_space(LABEL_SIZE))


def _lead(writer: DocxWriter, page_break: bool) -> None:
    """The 2-point paragraph that opens a page (and ends the document)."""
    _small_paragraph(writer.body, page_break)


def _small_paragraph(container: Element, page_break: bool = False) -> None:
    paragraph = etree.SubElement(container, _w("p"))
    properties = etree.SubElement(paragraph, _w("pPr"))
    if page_break:
        etree.SubElement(properties, _w("pageBreakBefore"))
    spacing = etree.SubElement(properties, _w("spacing"))
    _attributes(spacing, before="0", after="0", line=str(LEAD), lineRule="exact")
    mark = etree.SubElement(properties, _w("rPr"))
    for name in ("sz", "szCs"):  # one point: the paragraph takes no more than its line
        etree.SubElement(mark, _w(name)).set(_w("val"), "2")


def _twips(element: Element, twips: int) -> None:
    _attributes(element, w=str(twips), type="dxa")


def _attributes(element: Element, **values: str) -> None:
    for name, value in values.items():
        element.set(_w(name), value)
