"""Model → Word handout (.docx): title, numbered questions with their answers, themes table."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime

import docx
from docx.document import Document as DocumentObject
from docx.enum.dml import MSO_THEME_COLOR
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.shared import Emu, Inches, Length, Mm, Pt
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from docx.text.paragraph import Paragraph
from docx.text.run import Run

from exporter.files import normalize_zip
from exporter.markdown import Block, CodeBlock, ListItem, RenderedMarkdown, Rule, Span, Table
from exporter.markdown import Paragraph as MarkdownParagraph
from exporter.model import Deck

PAGE_SIZES = {"letter": (Inches(8.5), Inches(11)), "a4": (Mm(210), Mm(297))}
MARGIN = Inches(1)
# Word's Cambria and Calibri have metric-compatible free twins (Caladea, Carlito),
# so a page breaks at the same line in Word and in LibreOffice.
BODY_FONT, HEADING_FONT, CODE_FONT = "Cambria", "Calibri", "Courier New"
HEADING_STYLES = ("Title", "Subtitle", "TOC Heading", *(f"Heading {n}" for n in range(1, 10)))
THEME_COLUMN_SHARES = (0.3, 0.7)
PRACTICE_LINES = 6
HEADER_FILL = "E7E6E6"

EMU_PER_TWIP = 635

NewParagraph = Callable[[str | None], Paragraph]
TableParent = DocumentObject | _Cell  # both have add_table(rows, cols)


def make_docx(
    deck: Deck,
    rendered: Mapping[str, RenderedMarkdown],
    created: int,
    modified: int,
    page_size: str = "letter",
    practice: bool = False,
) -> bytes:
    """Return the handout of `deck`; `rendered` holds the blocks of every Markdown text.

    `created` and `modified` (Unix seconds) become the document's dates; `page_size`
    is a key of PAGE_SIZES. A `practice` handout has ruled space instead of answers.
    """
    handout = _Handout(deck, rendered, page_size, practice)
    handout.write_title()
    if practice:
        handout.write_practice_questions()
    else:
        handout.write_contents()
        handout.write_questions()
    handout.write_themes()
    handout.set_properties(_utc(created), _utc(modified))
    buffer = io.BytesIO()
    handout.document.save(buffer)
    return normalize_zip(buffer.getvalue())


def question_bookmark(number: int) -> str:
    """The bookmark name of question `number`, the target of its contents entry."""
    return f"question_{number}"


class _Handout:
    """One document being written; paragraphs are appended in reading order."""

    def __init__(
        self, deck: Deck, rendered: Mapping[str, RenderedMarkdown], page_size: str, practice: bool
    ) -> None:
        self.deck = deck
        self.rendered = rendered
        self.practice = practice
        self.document = docx.Document()
        self._set_fonts()
        self._add_styles()
        # Appending before a cached sectPr keeps writing linear; python-docx's own
        # add_paragraph searches the whole body on every call.
        self._section_properties = self.document.element.body.sectPr
        self._style_ids: dict[str, str] = {}
        self._bookmarks = 0
        self.text_width = self._set_up_page(*PAGE_SIZES[page_size])

    # Document parts ---------------------------------------------------------

    def write_title(self) -> None:
        self._paragraph("Title").add_run(self.deck.title)
        subtitle = "Practice sheet" if self.practice else self.deck.subtitle
        if subtitle:
            self._paragraph("Subtitle").add_run(subtitle)
        if self.practice:
            self._paragraph(None).add_run(
                "Answer each question aloud as in the interview, then note the points you"
                " want to make, or missed, on the lines below it."
            )
        elif self.deck.description:
            self._add_body_blocks(self.rendered[self.deck.description].blocks)

    def write_contents(self) -> None:
        self._paragraph("TOC Heading").add_run("Contents")
        for number, question in enumerate(self.deck.questions, start=1):
            entry = self._paragraph("Contents Entry")
            _add_internal_link(entry, question_bookmark(number), f"{number}. {question.question}")
        if self.deck.themes:
            _add_internal_link(self._paragraph("Contents Entry"), "themes", "Themes")

    def write_questions(self) -> None:
        self._paragraph("Heading 1").add_run("Questions")
        for number, question in enumerate(self.deck.questions, start=1):
            self._question_heading(number, question.question)
            self._add_body_blocks(self.rendered[question.answer].blocks)
            if question.key_points:
                label = self._paragraph("Label")
                label.add_run("Key points")
                for point in question.key_points:
                    self._add_key_point(self.rendered[point].blocks)

    def write_practice_questions(self) -> None:
        self._paragraph("Heading 1").add_run("Questions")
        for number, question in enumerate(self.deck.questions, start=1):
            self._question_heading(number, question.question)
            for line in range(PRACTICE_LINES):
                ruled = self._paragraph("Ruled Line")
                if line < PRACTICE_LINES - 1:  # a question and its lines stay on one page
                    ruled.paragraph_format.keep_with_next = True

    def write_themes(self) -> None:
        if not self.deck.themes:
            return
        heading = self._paragraph("Heading 1")
        self._bookmark(heading, "themes")
        heading.add_run("Themes")
        table = self.document.add_table(rows=1, cols=2)
        table.style = self.document.styles["Table Grid"]
        header = table.rows[0]
        _repeat_as_header(header)
        for cell, text in zip(header.cells, ("Theme", "What to say"), strict=True):
            cell.paragraphs[0].add_run(text).bold = True
            _shade(cell, HEADER_FILL)
        for theme in self.deck.themes:
            title_cell, summary_cell = table.add_row().cells
            title_cell.paragraphs[0].add_run(theme.title).bold = True
            self._add_blocks(
                self.rendered[theme.summary].blocks, _cell_paragraphs(summary_cell), summary_cell
            )
        _set_widths(table, [int(self.text_width * share) for share in THEME_COLUMN_SHARES])
        _pad_cells(table)

    def set_properties(self, created: datetime, modified: datetime) -> None:
        properties = self.document.core_properties
        properties.title = self.deck.title + (" (practice)" if self.practice else "")
        properties.subject = self.deck.subtitle
        properties.keywords = ", ".join(self._keywords())
        properties.author = self.deck.author
        properties.last_modified_by = ""
        properties.comments = ""
        properties.category = ""
        properties.revision = 1
        properties.created = created
        properties.modified = modified

    # Building blocks ----------------------------------------------------------

    def _set_fonts(self) -> None:
        styles = self.document.styles
        defaults = styles.element.find(qn("w:docDefaults"))
        _set_font_name(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_FONT)
        for name in HEADING_STYLES:
            _set_font_name(styles[name].element.get_or_add_rPr(), HEADING_FONT)

    def _add_styles(self) -> None:
        styles = self.document.styles
        code = styles.add_style("Code Block", WD_STYLE_TYPE.PARAGRAPH)
        code.base_style = styles["Normal"]
        code.font.name = CODE_FONT
        code.font.size = Pt(9.5)
        code.paragraph_format.space_after = Pt(8)
        code.paragraph_format.left_indent = Inches(0.25)
        code.paragraph_format.line_spacing = 1.0
        inline_code = styles.add_style("Inline Code", WD_STYLE_TYPE.CHARACTER)
        inline_code.font.name = CODE_FONT
        hyperlink = styles.add_style("Hyperlink", WD_STYLE_TYPE.CHARACTER)
        hyperlink.font.underline = True
        hyperlink.font.color.theme_color = MSO_THEME_COLOR.HYPERLINK
        entry = styles.add_style("Contents Entry", WD_STYLE_TYPE.PARAGRAPH)
        entry.base_style = styles["Normal"]
        entry.paragraph_format.space_after = Pt(3)
        entry.paragraph_format.left_indent = Inches(0.25)
        entry.paragraph_format.first_line_indent = Inches(-0.25)
        label = styles.add_style("Label", WD_STYLE_TYPE.PARAGRAPH)
        label.base_style = styles["Normal"]
        label.font.bold = True
        label.font.small_caps = True
        label.paragraph_format.space_after = Pt(2)
        label.paragraph_format.keep_with_next = True
        ruled = styles.add_style("Ruled Line", WD_STYLE_TYPE.PARAGRAPH)
        ruled.base_style = styles["Normal"]
        ruled.paragraph_format.space_after = Pt(0)
        ruled.paragraph_format.line_spacing = Pt(26)
        ruled.paragraph_format.line_spacing_rule = WD_LINE_SPACING.EXACTLY
        _add_bottom_border(ruled.element.get_or_add_pPr(), color="A6A6A6")

    def _set_up_page(self, width: Length, height: Length) -> int:
        """Set the page and its header and footer; return the text width in EMU."""
        section = self.document.sections[0]
        section.page_width, section.page_height = width, height
        section.left_margin = section.right_margin = MARGIN
        section.top_margin = section.bottom_margin = MARGIN
        title = self.deck.title + (" — practice" if self.practice else "")
        section.header.paragraphs[0].text = title
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _add_field(footer, "PAGE")
        footer.add_run(" of ")
        _add_field(footer, "NUMPAGES")
        return int(width - 2 * MARGIN)

    def _question_heading(self, number: int, question: str) -> None:
        heading = self._paragraph("Heading 2")
        self._bookmark(heading, question_bookmark(number))
        heading.add_run(f"{number}. {question}")

    def _bookmark(self, paragraph: Paragraph, name: str) -> None:
        """Put bookmark `name` at the start of `paragraph`, before its text is added."""
        self._bookmarks += 1
        bookmark_id = str(self._bookmarks)
        start = OxmlElement("w:bookmarkStart", attrs={qn("w:id"): bookmark_id, qn("w:name"): name})
        paragraph._p.append(start)
        start.addnext(OxmlElement("w:bookmarkEnd", attrs={qn("w:id"): bookmark_id}))

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
                _add_bottom_border(new_paragraph(None)._p.get_or_add_pPr())
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
                    _shade(cell, HEADER_FILL)
                    for run in paragraph.runs:
                        run.bold = True
        _repeat_as_header(table.rows[0])
        cell_width = parent.width if isinstance(parent, _Cell) else None
        available = int(cell_width or self.text_width)
        _set_widths(table, [available // columns] * columns)
        _pad_cells(table)

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


def _add_internal_link(paragraph: Paragraph, bookmark: str, text: str) -> None:
    """Append `text` as a link to `bookmark` in this document."""
    link = OxmlElement("w:hyperlink", attrs={qn("w:anchor"): bookmark, qn("w:history"): "1"})
    element = OxmlElement("w:r")
    link.append(element)
    paragraph._p.append(link)
    Run(element, paragraph).text = text


def _set_font_name(properties: BaseOxmlElement, name: str) -> None:
    """Name a font outright: theme fonts would win over an explicit name."""
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.insert(0, fonts)
    for theme_attribute in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
        fonts.attrib.pop(qn(f"w:{theme_attribute}"), None)
    for attribute in ("ascii", "hAnsi", "cs", "eastAsia"):
        fonts.set(qn(f"w:{attribute}"), name)


def _set_widths(table: DocxTable, widths: Sequence[int]) -> None:
    """Fix the column widths (EMU) in all three places Word and LibreOffice read them."""
    table.autofit = False
    table_width = table._tbl.tblPr.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(widths) // EMU_PER_TWIP))
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Emu(width)
    for row in table.rows:
        for cell, width in zip(row.cells, widths, strict=True):
            cell.width = Emu(width)


def _pad_cells(table: DocxTable) -> None:
    """Give every cell some air above and below its text (in twips)."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 40), ("left", 108), ("bottom", 40), ("right", 108)):
        margins.append(OxmlElement(f"w:{side}", attrs={qn("w:w"): str(twips), qn("w:type"): "dxa"}))
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption")


def _repeat_as_header(row: _Row) -> None:
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def _shade(cell: _Cell, fill: str) -> None:
    shading = OxmlElement("w:shd", attrs={qn("w:val"): "clear", qn("w:fill"): fill})
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *_AFTER_SHD_IN_TCPR)


def _add_bottom_border(properties: BaseOxmlElement, color: str = "auto") -> None:
    """Draw a line under a paragraph; `properties` is its w:pPr (or a style's).

    Word groups neighbouring paragraphs with the same borders and draws only the
    group's outer lines; the `between` line rules each paragraph of the group.
    """
    borders = OxmlElement("w:pBdr")
    for side in ("bottom", "between"):
        attributes = {"val": "single", "sz": "6", "space": "1", "color": color}
        line = OxmlElement(f"w:{side}", attrs={qn(f"w:{k}"): v for k, v in attributes.items()})
        borders.append(line)
    properties.insert_element_before(borders, *_AFTER_PBDR_IN_PPR)


# Children of w:pPr and w:tcPr that the schema puts after w:pBdr and w:shd: Word
# rejects a document whose elements are out of order.
_AFTER_PBDR_IN_PPR = tuple(
    f"w:{tag}"
    for tag in [
        "shd",
        "tabs",
        "suppressAutoHyphens",
        "kinsoku",
        "wordWrap",
        "overflowPunct",
        "topLinePunct",
        "autoSpaceDE",
        "autoSpaceDN",
        "bidi",
        "adjustRightInd",
        "snapToGrid",
        "spacing",
        "ind",
        "contextualSpacing",
        "mirrorIndents",
        "suppressOverlap",
        "jc",
        "textDirection",
        "textAlignment",
        "textboxTightWrap",
        "outlineLvl",
        "divId",
        "cnfStyle",
        "rPr",
        "sectPr",
        "pPrChange",
    ]
)
_AFTER_SHD_IN_TCPR = tuple(
    f"w:{tag}" for tag in ["noWrap", "tcMar", "textDirection", "tcFitText", "vAlign", "hideMark"]
)
