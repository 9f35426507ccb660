"""Markdown blocks → Word: one small function per block kind, dispatched from a table."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from docx.table import _Cell

from exporter.images import Media
from exporter.markdown import Block, CodeBlock, ListItem, Paragraph, Rule, Span, Table
from exporter.word.ooxml import (
    DocxWriter,
    Element,
    NewParagraph,
    add_rule,
    cell_paragraph,
    pad_cells,
    repeat_as_header,
    set_number,
    set_widths,
    shade,
    text_run,
)


@dataclass(frozen=True)
class _Text:
    """One Markdown text being written: where its paragraphs and tables go, and the
    Word numbering given to each of its numbered lists (by Markdown list number)."""

    writer: DocxWriter
    media: Mapping[str, Media]
    new_paragraph: NewParagraph
    cell: _Cell | None  # the cell its tables nest in; None: they go in the body
    table_width: int  # EMU
    list_numbers: dict[int, int] = field(default_factory=dict)


def write_body_blocks(
    writer: DocxWriter, media: Mapping[str, Media], blocks: Iterable[Block]
) -> None:
    """Append `blocks` to the body; `media` are the deck's pictures by target."""
    _write(blocks, _Text(writer, media, writer.paragraph, None, writer.text_width))


def write_cell_blocks(
    writer: DocxWriter, media: Mapping[str, Media], blocks: Iterable[Block], cell: _Cell
) -> None:
    """Write `blocks` into the empty table `cell`, tables nested in it."""
    width = int(cell.width or writer.text_width)
    _write(blocks, _Text(writer, media, writer.cell_paragraphs(cell), cell, width))


def write_key_point(
    writer: DocxWriter, media: Mapping[str, Media], blocks: Iterable[Block]
) -> None:
    """Append one key point: a bullet, its later paragraphs indented under it."""
    first = True

    def new_paragraph(style: str | None) -> Element:
        nonlocal first
        paragraph = writer.paragraph("List Bullet" if first else "List Continue")
        first = False
        return paragraph

    _write(blocks, _Text(writer, media, new_paragraph, None, writer.text_width))


def _write(blocks: Iterable[Block], text: _Text) -> None:
    for block in blocks:
        _RENDERERS[type(block)](block, text)


def _paragraph(block: Paragraph, text: _Text) -> None:
    paragraph = text.new_paragraph(_paragraph_style(block))
    item = block.list_item
    if item and item.ordered and not item.continues:
        set_number(paragraph, _number_id(item, text))
    _spans(paragraph, block.spans, text)


def _code_block(block: CodeBlock, text: _Text) -> None:
    text_run(text.new_paragraph("Code Block"), block.text)


def _rule(block: Rule, text: _Text) -> None:
    add_rule(text.new_paragraph(None))


def _table(block: Table, text: _Text) -> None:
    if not block.rows:
        return
    columns = max(len(row) for row in block.rows)
    table = text.writer.table(rows=0, columns=columns, cell=text.cell)
    for row_number, row in enumerate(block.rows):
        # python-docx's Row.cells walks the whole table: a big table would take quadratic time.
        cells = [_Cell(tc, table) for tc in table.add_row()._tr.tc_lst]  # type: ignore[no-untyped-call]
        for cell, spans in zip(cells, row, strict=False):
            header = row_number == 0
            _spans(cell_paragraph(cell), spans, text, bold=header)
            if header:
                shade(cell)
    repeat_as_header(table.rows[0])
    set_widths(table, [text.table_width // columns] * columns)
    pad_cells(table)
    if text.cell is None:
        text.writer.place(table)


# Each renderer takes a block of the kind it is keyed by.
_RENDERERS: Mapping[type[Block], Callable[[Any, _Text], None]] = {
    Paragraph: _paragraph,
    CodeBlock: _code_block,
    Rule: _rule,
    Table: _table,
}


def _paragraph_style(block: Paragraph) -> str | None:
    if block.heading_level:
        # The document's own headings take levels 1 and 2.
        return f"Heading {min(block.heading_level + 2, 9)}"
    item = block.list_item
    if item:
        kind = "Continue" if item.continues else "Number" if item.ordered else "Bullet"
        depth = min(item.depth, 3)
        return f"List {kind}" + (f" {depth}" if depth > 1 else "")
    if block.quote_depth:
        return "Quote"
    return None


def _number_id(item: ListItem, text: _Text) -> int:
    """Give each Markdown numbered list its own Word numbering, starting at its start."""
    if item.list_number not in text.list_numbers:
        style = "List Number" + (f" {item.depth}" if 1 < item.depth <= 3 else "")
        text.list_numbers[item.list_number] = text.writer.numbering(style, item.start)
    return text.list_numbers[item.list_number]


def _spans(paragraph: Element, spans: Iterable[Span], text: _Text, bold: bool = False) -> None:
    writer = text.writer
    for span in spans:
        if span.image is not None:
            writer.picture(paragraph, text.media[span.image], span.text)
            continue
        container = paragraph
        style = writer.style_id("Inline Code") if span.code else None
        if span.link:
            container = writer.hyperlink(paragraph, span.link)
            style = style or writer.style_id("Hyperlink")
        text_run(
            container,
            span.text,
            bold=bold or span.bold,
            italic=span.italic,
            strike=span.strike,
            style_id=style,
        )
