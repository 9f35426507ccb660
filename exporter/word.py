"""Model → Word handout (.docx): title, numbered questions with their answers, themes table."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from datetime import UTC, datetime

import docx
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Inches, Pt
from docx.table import _Cell
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from exporter.files import normalize_zip
from exporter.markdown import Block, CodeBlock, ListItem, RenderedMarkdown, Rule, Span, Table
from exporter.markdown import Paragraph as MarkdownParagraph
from exporter.model import Deck

CODE_FONT = "Courier New"
PAGE_WIDTH, PAGE_HEIGHT, MARGIN = Inches(8.5), Inches(11), Inches(1)
THEME_COLUMN_WIDTHS = (Inches(2), Inches(4.5))

NewParagraph = Callable[[str | None], Paragraph]
TableParent = DocumentObject | _Cell  # both have add_table(rows, cols)


def make_docx(
    deck: Deck, rendered: Mapping[str, RenderedMarkdown], created: int, modified: int
) -> bytes:
    """Return the handout of `deck`, with `rendered` holding the blocks of every Markdown text.

    `created` and `modified` (Unix seconds) become the document's dates.
    """
    handout = _Handout(deck, rendered)
    handout.write_title()
    handout.write_questions()
    handout.write_themes()
    handout.set_properties(_utc(created), _utc(modified))
    buffer = io.BytesIO()
    handout.document.save(buffer)
    return normalize_zip(buffer.getvalue())


class _Handout:
    """One document being written; paragraphs are appended in reading order."""

    def __init__(self, deck: Deck, rendered: Mapping[str, RenderedMarkdown]) -> None:
        self.deck = deck
        self.rendered = rendered
        self.document = docx.Document()
        self._add_styles()
        # Appending before a cached sectPr keeps writing linear; python-docx's own
        # add_paragraph searches the whole body on every call.
        self._section_properties = self.document.element.body.sectPr
        self._style_ids: dict[str, str] = {}
        self._set_up_page()

    # Document parts ---------------------------------------------------------

    def write_title(self) -> None:
        self._paragraph("Title").add_run(self.deck.title)
        if self.deck.subtitle:
            self._paragraph("Subtitle").add_run(self.deck.subtitle)
        if self.deck.description:
            self._add_body_blocks(self.rendered[self.deck.description].blocks)

    def write_questions(self) -> None:
        self._paragraph("Heading 1").add_run("Questions")
        for number, question in enumerate(self.deck.questions, start=1):
            self._paragraph("Heading 2").add_run(f"{number}. {question.question}")
            self._add_body_blocks(self.rendered[question.answer].blocks)
            if question.key_points:
                label = self._paragraph(None)
                label.paragraph_format.keep_with_next = True
                label.add_run("Key points").bold = True
                for point in question.key_points:
                    self._add_key_point(self.rendered[point].blocks)

    def write_themes(self) -> None:
        if not self.deck.themes:
            return
        self._paragraph("Heading 1").add_run("Themes")
        table = self.document.add_table(rows=1, cols=2)
        table.style = self.document.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        header = table.rows[0]
        header_row_properties = header._tr.get_or_add_trPr()
        repeat = OxmlElement("w:tblHeader")
        header_row_properties.append(repeat)
        for cell, text in zip(header.cells, ("Theme", "What to say"), strict=True):
            cell.paragraphs[0].add_run(text).bold = True
        for theme in self.deck.themes:
            title_cell, summary_cell = table.add_row().cells
            title_cell.paragraphs[0].add_run(theme.title).bold = True
            self._add_blocks(
                self.rendered[theme.summary].blocks, _cell_paragraphs(summary_cell), summary_cell
            )
        for column, width in zip(table.columns, THEME_COLUMN_WIDTHS, strict=True):
            column.width = width
            for cell in column.cells:
                cell.width = width

    def set_properties(self, created: datetime, modified: datetime) -> None:
        properties = self.document.core_properties
        properties.title = self.deck.title
        properties.subject = self.deck.subtitle
        properties.keywords = ", ".join(self._keywords())
        properties.author = ""
        properties.last_modified_by = ""
        properties.comments = ""
        properties.revision = 1
        properties.created = created
        properties.modified = modified

    # Building blocks ----------------------------------------------------------

    def _add_styles(self) -> None:
        styles = self.document.styles
        code = styles.add_style("Code Block", WD_STYLE_TYPE.PARAGRAPH)
        code.base_style = styles["Normal"]
        code.font.name = CODE_FONT
        code.font.size = Pt(9.5)
        code.paragraph_format.space_after = Pt(8)
        code.paragraph_format.left_indent = Inches(0.25)
        inline_code = styles.add_style("Inline Code", WD_STYLE_TYPE.CHARACTER)
        inline_code.font.name = CODE_FONT
        hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        hyperlink.font.underline = True
        hyperlink.font.color.theme_color = 10  # MSO_THEME_COLOR.HYPERLINK

    def _set_up_page(self) -> None:
        section = self.document.sections[0]
        section.page_width, section.page_height = PAGE_WIDTH, PAGE_HEIGHT
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = MARGIN
        section.header.paragraphs[0].text = self.deck.title
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _add_field(footer, "PAGE")
        footer.add_run(" of ")
        _add_field(footer, "NUMPAGES")

    def _style_id(self, name: str) -> str:
        # Looking a style up by name scans every style: do it once per name.
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    def _paragraph(self, style: str | None) -> Paragraph:
        element = OxmlElement("w:p")
        self._section_properties.addprevious(element)
        paragraph = Paragraph(element, self.document._body)
        if style:
            element.style = self._style_id(style)
        return paragraph

    def _add_key_point(self, blocks: Iterable[Block]) -> None:
        first = True

        def new_paragraph(style: str | None) -> Paragraph:
            nonlocal first
            paragraph = self._paragraph("List Bullet" if first else "List Continue")
            first = False
            return paragraph

        self._add_blocks(blocks, new_paragraph, self.document)

    def _add_body_blocks(self, blocks: Iterable[Block]) -> None:
        self._add_blocks(blocks, self._paragraph, self.document)

    def _add_blocks(
        self, blocks: Iterable[Block], new_paragraph: NewParagraph, table_parent: TableParent
    ) -> None:
        list_numbers: dict[int, int] = {}
        for block in blocks:
            if isinstance(block, MarkdownParagraph):
                paragraph = new_paragraph(self._block_style(block))
                if block.list_item and block.list_item.ordered and not block.list_item.continues:
                    self._number(paragraph, block.list_item, list_numbers)
                self._add_spans(paragraph, block.spans)
            elif isinstance(block, CodeBlock):
                new_paragraph("Code Block").add_run(block.text)
            elif isinstance(block, Rule):
                _add_bottom_border(new_paragraph(None))
            elif isinstance(block, Table):
                self._add_table(block, table_parent)

    def _block_style(self, block: MarkdownParagraph) -> str | None:
        if block.heading_level:
            return f"Heading {min(block.heading_level + 2, 9)}"
        item = block.list_item
        if item:
            kind = "Continue" if item.continues else "Number" if item.ordered else "Bullet"
            depth = min(item.depth, 3)
            return f"List {kind}" + (f" {depth}" if depth > 1 else "")
        if block.quote_depth:
            return "Quote"
        return None

    def _number(self, paragraph: Paragraph, item: ListItem, list_numbers: dict[int, int]) -> None:
        """Give each Markdown numbered list its own Word numbering, starting at its start."""
        if item.list_number not in list_numbers:
            numbering = self.document.part.numbering_part.element
            style_name = "List Number" + (f" {item.depth}" if 1 < item.depth <= 3 else "")
            style_num_id = self.document.styles[style_name].element.pPr.numPr.numId.val
            abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
            num = numbering.add_num(abstract_id)
            num.add_lvlOverride(ilvl=0).add_startOverride(item.start)
            list_numbers[item.list_number] = num.numId
        properties = paragraph._p.get_or_add_pPr().get_or_add_numPr()
        properties.get_or_add_ilvl().val = 0
        properties.get_or_add_numId().val = list_numbers[item.list_number]

    def _add_table(self, block: Table, parent: TableParent) -> None:
        if not block.rows:
            return
        columns = max(len(row) for row in block.rows)
        table = parent.add_table(rows=0, cols=columns)
        table.style = self.document.styles["Table Grid"]
        for row_number, row in enumerate(block.rows):
            cells = table.add_row().cells
            for cell, spans in zip(cells, row, strict=False):
                paragraph = cell.paragraphs[0]
                self._add_spans(paragraph, spans)
                if row_number == 0:
                    for run in paragraph.runs:
                        run.bold = True

    def _add_spans(self, paragraph: Paragraph, spans: Iterable[Span]) -> None:
        for span in spans:
            container = paragraph._p
            if span.link:
                relationship_id = paragraph.part.relate_to(
                    span.link, RELATIONSHIP_TYPE.HYPERLINK, is_external=True
                )
                hyperlink = OxmlElement("w:hyperlink", attrs={qn("r:id"): relationship_id})
                container.append(hyperlink)
                container = hyperlink
            element = OxmlElement("w:r")
            container.append(element)
            run = Run(element, paragraph)
            run.text = span.text
            if span.bold:
                run.bold = True
            if span.italic:
                run.italic = True
            if span.strike:
                run.font.strike = True
            if span.code:
                element.style = self._style_id("Inline Code")
            elif span.link:
                element.style = self._style_id("Hyperlink")

    def _keywords(self) -> list[str]:
        tags = (tag for question in self.deck.questions for tag in question.tags)
        return list(dict.fromkeys([self.deck.id, *tags]))


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _cell_paragraphs(cell: _Cell) -> NewParagraph:
    """A paragraph source for a table cell: its empty first paragraph, then new ones."""
    used_first = False

    def new_paragraph(style: str | None) -> Paragraph:
        nonlocal used_first
        paragraph: Paragraph = cell.add_paragraph() if used_first else cell.paragraphs[0]
        used_first = True
        if style:
            paragraph.style = style
        return paragraph

    return new_paragraph


def _add_field(paragraph: Paragraph, instruction: str) -> None:
    field = OxmlElement("w:fldSimple", attrs={qn("w:instr"): instruction})
    run = OxmlElement("w:r")
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


def _add_bottom_border(paragraph: Paragraph) -> None:
    borders = OxmlElement("w:pBdr")
    bottom = OxmlElement(
        "w:bottom",
        attrs={qn("w:val"): "single", qn("w:sz"): "6", qn("w:space"): "1", qn("w:color"): "auto"},
    )
    borders.append(bottom)
    paragraph._p.get_or_add_pPr().append(borders)
