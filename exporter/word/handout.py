"""The handout and the practice sheet: what each document says, in reading order."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

from exporter.markdown import ItemList
from exporter.model import Deck, Question
from exporter.rendered import RenderedDeck
from exporter.word.blocks import write_body_blocks, write_cell_blocks
from exporter.word.ooxml import (
    DocxWriter,
    add_internal_link,
    cell_paragraph,
    pad_cells,
    repeat_as_header,
    set_widths,
    shade,
    text_run,
)

THEME_COLUMN_SHARES = (0.3, 0.7)
PRACTICE_LINES = 6
PRACTICE_INTRO = (
    "Answer each question aloud as in the interview, then note the points you"
    " want to make, or missed, on the lines below it."
)


def handout_docx(rendered: RenderedDeck, created: int, modified: int, page_size: str) -> bytes:
    """The handout: title, contents, numbered questions with their answers, themes.

    `created` and `modified` (Unix seconds) become the document's dates; `page_size`
    is a key of template.PAGE_SIZES.
    """
    deck = rendered.deck
    writer = DocxWriter(page_size, header=deck.title)
    _write_title(writer, deck.title, deck.subtitle)
    if deck.description:
        write_body_blocks(writer, rendered.media, rendered.blocks(deck.description))
    _write_contents(writer, deck)
    _write_questions(writer, rendered, lambda question: _write_answer(writer, rendered, question))
    _write_themes(writer, rendered)
    return save_document(writer, deck, deck.title, created, modified)


def practice_docx(rendered: RenderedDeck, created: int, modified: int, page_size: str) -> bytes:
    """The practice sheet: the questions with ruled space instead of answers, themes.

    The parameters are handout_docx's.
    """
    deck = rendered.deck
    writer = DocxWriter(page_size, header=f"{deck.title} — practice")
    _write_title(writer, deck.title, "Practice sheet")
    text_run(writer.paragraph(None), PRACTICE_INTRO)
    _write_questions(writer, rendered, lambda _: _write_ruled_lines(writer))
    _write_themes(writer, rendered)
    return save_document(writer, deck, f"{deck.title} (practice)", created, modified)


def question_bookmark(number: int) -> str:
    """The bookmark name of question `number`, the target of its contents entry."""
    return f"question_{number}"


def _write_title(writer: DocxWriter, title: str, subtitle: str) -> None:
    text_run(writer.paragraph("Title"), title)
    if subtitle:
        text_run(writer.paragraph("Subtitle"), subtitle)


def _write_contents(writer: DocxWriter, deck: Deck) -> None:
    text_run(writer.paragraph("TOC Heading"), "Contents")
    for number, question in enumerate(deck.questions, start=1):
        entry = writer.paragraph("Contents Entry")
        add_internal_link(entry, question_bookmark(number), f"{number}. {question.question}")
    if deck.themes:
        add_internal_link(writer.paragraph("Contents Entry"), "themes", "Themes")


def _write_questions(
    writer: DocxWriter, rendered: RenderedDeck, write_below: Callable[[Question], None]
) -> None:
    """Write each question as a numbered heading, its context, and `write_below` under it."""
    text_run(writer.paragraph("Heading 1"), "Questions")
    for number, question in enumerate(rendered.deck.questions, start=1):
        heading = writer.paragraph("Heading 2")
        writer.bookmark(heading, question_bookmark(number))
        text_run(heading, f"{number}. {question.question}")
        if question.context:
            write_body_blocks(writer, rendered.media, rendered.blocks(question.context))
        write_below(question)
        writer.flush()


def _write_answer(writer: DocxWriter, rendered: RenderedDeck, question: Question) -> None:
    if question.context:  # where the question ends and its answer begins
        text_run(writer.paragraph("Label"), "Answer")
    write_body_blocks(writer, rendered.media, rendered.blocks(question.answer))
    if question.key_points:
        text_run(writer.paragraph("Label"), "Key points")
        points = ItemList(False, 1, tuple(rendered.blocks(point) for point in question.key_points))
        write_body_blocks(writer, rendered.media, (points,))


def _write_ruled_lines(writer: DocxWriter) -> None:
    for line in range(PRACTICE_LINES):
        # A question and all its lines stay on one page.
        writer.paragraph("Ruled Line", keep_with_next=line < PRACTICE_LINES - 1)


def _write_themes(writer: DocxWriter, rendered: RenderedDeck) -> None:
    deck = rendered.deck
    if not deck.themes:
        return
    heading = writer.paragraph("Heading 1")
    writer.bookmark(heading, "themes")
    text_run(heading, "Themes")
    table = writer.table(rows=1, columns=2)
    header = table.rows[0]
    repeat_as_header(header)
    for cell, text in zip(header.cells, ("Theme", "What to say"), strict=True):
        text_run(cell_paragraph(cell), text, bold=True)
        shade(cell)
    for theme in deck.themes:
        title_cell, summary_cell = table.add_row().cells  # type: ignore[no-untyped-call]
        text_run(cell_paragraph(title_cell), theme.title, bold=True)
        write_cell_blocks(writer, rendered.media, rendered.blocks(theme.summary), summary_cell)
    set_widths(table, [int(writer.text_width * share) for share in THEME_COLUMN_SHARES])
    pad_cells(table)
    writer.place(table)


def save_document(writer: DocxWriter, deck: Deck, title: str, created: int, modified: int) -> bytes:
    """Set the properties of `writer`'s document of `deck`, titled `title`, and return
    it saved."""
    tags = (tag for question in deck.questions for tag in question.tags)
    writer.set_properties(
        title=title,
        subject=deck.subtitle,
        keywords=", ".join(dict.fromkeys([deck.id, *tags])),
        author=deck.author,
        created=_utc(created),
        modified=_utc(modified),
    )
    return writer.save()


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)
