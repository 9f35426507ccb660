"""Markdown blocks → Word: one renderer for answers, key points, theme summaries and the
description, a small function per block kind, dispatched from a table.

Word has no quotations or nested lists as such: a quoted paragraph is indented with a
line on its left, a list item is a numbered or bulleted paragraph at its list's level,
and whatever a quotation or an item holds is indented with it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import Any

from docx.oxml.ns import qn
from docx.table import _Cell

from exporter.images import Media
from exporter.markdown import Block, CodeBlock, ItemList, Paragraph, Quote, Rule, Span, Table
from exporter.word.ooxml import (
    EMU_PER_TWIP,
    LIST_INDENT,
    DocxWriter,
    Element,
    Layout,
    cell_paragraph,
    pad_cells,
    repeat_as_header,
    set_alignment,
    set_widths,
    shade,
    text_run,
)

QUOTE_INDENT = 360  # twips, each quotation level
CODE_INDENT = 360  # twips, the Code Block style's own


@dataclass(frozen=True)
class _Place:
    """How deep in quotations and lists a block is."""

    quotes: int = 0
    lists: int = 0

    @property
    def indent(self) -> int:
        """The left indent of text here, in twips."""
        return self.quotes * QUOTE_INDENT + self.lists * LIST_INDENT


@dataclass
class _Text:
    """One Markdown text being written into `container` (the body or a table cell),
    `width` EMU wide. `marker` is the bullet or number (numbering id, level) that the
    next paragraph carries: the one of the list item being opened. `size` and `space`
    replace the styles' sizes and spacing, when given."""

    writer: DocxWriter
    media: Mapping[str, Media]
    container: Element
    width: int
    marker: tuple[int, int] | None = None
    size: int | None = None  # half points, for text of one size throughout (a cue card)
    space: tuple[int, int] | None = None  # twips before and after each paragraph, then


def write_body_blocks(
    writer: DocxWriter, media: Mapping[str, Media], blocks: Iterable[Block]
) -> None:
    """Append `blocks` to the body; `media` are the deck's pictures by target."""
    _write(blocks, _Text(writer, media, writer.body, writer.text_width), _Place())


def write_blocks(
    writer: DocxWriter,
    media: Mapping[str, Media],
    blocks: Iterable[Block],
    container: Element,
    width: int,
    size: int | None = None,
    space: tuple[int, int] | None = None,
) -> None:
    """Append `blocks` to `container` (a table cell's element), `width` EMU wide; all
    text `size` half points large and `space` twips apart, when given."""
    text = _Text(writer, media, container, width, size=size, space=space)
    _write(blocks, text, _Place())


def write_cell_blocks(
    writer: DocxWriter, media: Mapping[str, Media], blocks: Iterable[Block], cell: _Cell
) -> None:
    """Write `blocks` into the empty table `cell`, in order, tables nested in it."""
    tc = cell._tc
    tc.remove(cell_paragraph(cell))
    write_blocks(writer, media, blocks, tc, int(cell.width or writer.text_width))
    if tc[-1].tag != qn("w:p"):  # a cell ends with a paragraph, even after a table
        writer.paragraph(None, container=tc)


def _write(blocks: Iterable[Block], text: _Text, place: _Place) -> None:
    for block in blocks:
        _RENDERERS[type(block)](block, text, place)


def _new_paragraph(
    text: _Text, place: _Place, style: str | None = None, rule: bool = False
) -> Element:
    """A paragraph at the end of the text, indented for `place`; it carries the
    pending list marker, if any."""
    marker, text.marker = text.marker, None
    indent = None
    if place.quotes or place.lists:
        extra = CODE_INDENT if style == "Code Block" and not marker else 0
        indent = (place.indent + extra, LIST_INDENT if marker else 0)
    layout = Layout(marker, indent, place.quotes > 0, rule, size=text.size, space=text.space)
    style = style or ("List Paragraph" if place.lists else None)
    return text.writer.paragraph(style, container=text.container, layout=layout)


def _settle(text: _Text, place: _Place) -> None:
    """Give a pending marker a paragraph of its own: its item opens with something
    that cannot carry it (a list, a table), or holds nothing."""
    if text.marker:
        _new_paragraph(text, place)


def _paragraph(block: Paragraph, text: _Text, place: _Place) -> None:
    # The document's own headings take levels 1 and 2: an answer's never outrank them.
    style = f"Heading {min(block.heading_level + 2, 9)}" if block.heading_level else None
    _spans(_new_paragraph(text, place, style), block.spans, text)


def _code_block(block: CodeBlock, text: _Text, place: _Place) -> None:
    text_run(_new_paragraph(text, place, "Code Block"), block.text, size=text.size)


def _rule(block: Rule, text: _Text, place: _Place) -> None:
    _new_paragraph(text, place, rule=True)


def _quote(block: Quote, text: _Text, place: _Place) -> None:
    _write(block.blocks, text, replace(place, quotes=place.quotes + 1))


def _item_list(block: ItemList, text: _Text, place: _Place) -> None:
    _settle(text, place)
    inner = replace(place, lists=place.lists + 1)
    level = min(inner.lists, 9) - 1
    number_id = text.writer.list_numbering(block.ordered, level, block.start)
    for item in block.items:
        text.marker = (number_id, level)
        _write(item, text, inner)
        _settle(text, inner)


def _table(block: Table, text: _Text, place: _Place) -> None:
    _settle(text, place)
    if not block.rows:
        return
    columns = max(len(row) for row in block.rows)
    indent = place.indent * EMU_PER_TWIP
    table = text.writer.table(rows=0, columns=columns, width=text.width - indent)
    alignments = [*block.alignments, *[None] * columns]
    for row_number, row in enumerate(block.rows):
        # python-docx's Row.cells walks the whole table: a big table would take quadratic time.
        cells = [_Cell(tc, table) for tc in table.add_row()._tr.tc_lst]  # type: ignore[no-untyped-call]
        for cell, spans, align in zip(cells, row, alignments, strict=False):
            header = row_number == 0
            paragraph = cell_paragraph(cell)
            if align:
                set_alignment(paragraph, align)
            _spans(paragraph, spans, text, bold=header)
            if header:
                shade(cell)
    repeat_as_header(table.rows[0])
    set_widths(table, [(text.width - indent) // columns] * columns, indent)
    pad_cells(table)
    text.writer.place(table, text.container)


# Each renderer takes a block of the kind it is keyed by.
_RENDERERS: Mapping[type[Block], Callable[[Any, _Text, _Place], None]] = {
    Paragraph: _paragraph,
    CodeBlock: _code_block,
    Rule: _rule,
    Quote: _quote,
    ItemList: _item_list,
    Table: _table,
}


def _spans(paragraph: Element, spans: Iterable[Span], text: _Text, bold: bool = False) -> None:
    writer = text.writer
    for span in spans:
        container = writer.hyperlink(paragraph, span.link) if span.link else paragraph
        if span.image is not None:
            writer.picture(container, text.media[span.image], span.text)
            continue
        style = writer.style_id("Inline Code") if span.code else None
        if span.link:
            style = style or writer.style_id("Hyperlink")
        text_run(
            container,
            span.text,
            bold=bold or span.bold,
            italic=span.italic,
            strike=span.strike,
            style_id=style,
            size=text.size,
        )
