"""Model → Word handouts (.docx): title, contents, numbered questions, themes table.

python-docx lays out the document (template, styles, page, tables, properties);
paragraphs and runs are written as XML elements directly, because python-docx's
per-paragraph and per-run API costs tens of microseconds a call and large decks
have hundreds of thousands of runs. The body is serialised a question at a time
and streamed into the saved file: as a tree it would take six times its size.
"""

from __future__ import annotations

import copy
import gc
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from collections.abc import Set as AbstractSet
from datetime import UTC, datetime
from typing import Any

import docx
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.image.image import Image as DocxImage
from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Inches, Length, Mm
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from lxml import etree

from exporter.images import Media
from exporter.markdown import Block, CodeBlock, ListItem, RenderedMarkdown, Rule, Span, Table
from exporter.markdown import Paragraph as MarkdownParagraph
from exporter.model import Deck
from exporter.outputs import normalize_zip
from exporter.rendered import RenderedDeck

PAGE_SIZES = {"letter": (Inches(8.5), Inches(11)), "a4": (Mm(210), Mm(297))}
MARGIN = Inches(1)
# Word's Cambria and Calibri have metric-compatible free twins (Caladea, Carlito),
# so a page breaks at the same line in Word and in LibreOffice.
BODY_FONT, HEADING_FONT, CODE_FONT = "Cambria", "Calibri", "Courier New"
HEADING_STYLES = ("Title", "Subtitle", "TOC Heading", *(f"Heading {n}" for n in range(1, 10)))
_HEADING_STYLE_NAMES = {name.lower() for name in HEADING_STYLES}
THEME_COLUMN_SHARES = (0.3, 0.7)
PRACTICE_LINES = 6
HEADER_FILL = "E7E6E6"
EMU_PER_TWIP = 635

Element = Any  # an lxml element; lxml ships no type information
NewParagraph = Callable[[str | None], Element]
TableParent = DocumentObject | _Cell  # both have add_table(rows, cols)

_BODY, _P, _PPR, _PSTYLE = qn("w:body"), qn("w:p"), qn("w:pPr"), qn("w:pStyle")
_KEEP_NEXT = qn("w:keepNext")
_R, _RPR, _RSTYLE, _T = qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t")
_B, _I, _STRIKE, _BR, _TAB = qn("w:b"), qn("w:i"), qn("w:strike"), qn("w:br"), qn("w:tab")
_VAL, _HYPERLINK, _ANCHOR, _REL_ID = qn("w:val"), qn("w:hyperlink"), qn("w:anchor"), qn("r:id")
_TEMPLATE_EXTRAS = ("/thumbnail", "/stylesWithEffects", "/customXml")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAK_OR_TAB = re.compile(r"(\r\n|\r|\n|\t)")


def handout_docx(rendered: RenderedDeck, created: int, modified: int, page_size: str) -> bytes:
    """The handout: title, contents, numbered questions with their answers, themes."""
    return _make_docx(rendered, created, modified, page_size, practice=False)


def practice_docx(rendered: RenderedDeck, created: int, modified: int, page_size: str) -> bytes:
    """The practice sheet: the questions with ruled space instead of answers, themes."""
    return _make_docx(rendered, created, modified, page_size, practice=True)


def _make_docx(
    rendered: RenderedDeck, created: int, modified: int, page_size: str, practice: bool
) -> bytes:
    """Return a handout of the deck.

    `created` and `modified` (Unix seconds) become the document's dates; `page_size`
    is a key of PAGE_SIZES. A `practice` handout has ruled space instead of answers.
    """
    handout = _Handout(rendered.deck, rendered.texts, page_size, practice, rendered.media)
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
    body = handout.finish()
    # python-docx's package and parts refer to each other, so only the cyclic
    # collector frees them: do it now, before more memory is needed.
    del handout
    gc.collect()
    return normalize_zip(
        buffer.getvalue(), {"word/document.xml": lambda xml: _with_body(xml, body)}
    )


def _with_body(document_xml: bytes, body: list[bytes]) -> Iterable[bytes]:
    """The saved document.xml, whose body holds only its section properties, with
    the streamed `body` put before them."""
    end = document_xml.index(b"<w:sectPr")
    yield document_xml[:end]
    yield from body
    yield document_xml[end:]


def question_bookmark(number: int) -> str:
    """The bookmark name of question `number`, the target of its contents entry."""
    return f"question_{number}"


class _Handout:
    """One document being written; paragraphs are appended in reading order."""

    def __init__(
        self,
        deck: Deck,
        rendered: Mapping[str, RenderedMarkdown],
        page_size: str,
        practice: bool,
        media: Mapping[str, Media],
    ) -> None:
        self.deck = deck
        self.rendered = rendered
        self.practice = practice
        self.media = media
        self._pictures = 0
        self.document = docx.Document()
        _drop_template_extras(self.document)
        self._set_styles()
        self._namespaces = dict(self.document.element.nsmap)
        self._body: list[bytes] = []
        # A tree of its own, emptied at each flush: elements made inside python-docx's
        # document slow down as that document's history grows.
        self._chunk = etree.Element(_BODY, nsmap=self._namespaces)
        self._style_ids: dict[str, str] = {}
        self._link_ids: dict[str, str] = {}
        self._bookmarks = 0
        self.text_width = self._set_up_page(*PAGE_SIZES[page_size])

    # Document parts ---------------------------------------------------------

    def write_title(self) -> None:
        _text_run(self._paragraph("Title"), self.deck.title)
        subtitle = "Practice sheet" if self.practice else self.deck.subtitle
        if subtitle:
            _text_run(self._paragraph("Subtitle"), subtitle)
        if self.practice:
            _text_run(
                self._paragraph(None),
                "Answer each question aloud as in the interview, then note the points you"
                " want to make, or missed, on the lines below it.",
            )
        elif self.deck.description:
            self._add_body_blocks(self.rendered[self.deck.description].blocks)

    def write_contents(self) -> None:
        _text_run(self._paragraph("TOC Heading"), "Contents")
        for number, question in enumerate(self.deck.questions, start=1):
            entry = self._paragraph("Contents Entry")
            _add_internal_link(entry, question_bookmark(number), f"{number}. {question.question}")
        if self.deck.themes:
            _add_internal_link(self._paragraph("Contents Entry"), "themes", "Themes")

    def write_questions(self) -> None:
        _text_run(self._paragraph("Heading 1"), "Questions")
        for number, question in enumerate(self.deck.questions, start=1):
            self._question_heading(number, question.question)
            self._add_body_blocks(self.rendered[question.answer].blocks)
            if question.key_points:
                _text_run(self._paragraph("Label"), "Key points")
                for point in question.key_points:
                    self._add_key_point(self.rendered[point].blocks)
            self._flush()

    def write_practice_questions(self) -> None:
        _text_run(self._paragraph("Heading 1"), "Questions")
        for number, question in enumerate(self.deck.questions, start=1):
            self._question_heading(number, question.question)
            for line in range(PRACTICE_LINES):
                # A question and all its lines stay on one page.
                self._paragraph("Ruled Line", keep_with_next=line < PRACTICE_LINES - 1)
            self._flush()

    def write_themes(self) -> None:
        if not self.deck.themes:
            return
        heading = self._paragraph("Heading 1")
        self._bookmark(heading, "themes")
        _text_run(heading, "Themes")
        table = self._body_table(rows=1, columns=2)
        header = table.rows[0]
        _repeat_as_header(header)
        for cell, text in zip(header.cells, ("Theme", "What to say"), strict=True):
            _text_run(cell.paragraphs[0]._p, text, bold=True)
            _shade(cell, HEADER_FILL)
        for theme in self.deck.themes:
            title_cell, summary_cell = table.add_row().cells  # type: ignore[no-untyped-call]
            _text_run(title_cell.paragraphs[0]._p, theme.title, bold=True)
            self._add_blocks(
                self.rendered[theme.summary].blocks,
                self._cell_paragraphs(summary_cell),
                summary_cell,
            )
        _set_widths(table, [int(self.text_width * share) for share in THEME_COLUMN_SHARES])
        _pad_cells(table)
        self._place(table)

    def finish(self) -> list[bytes]:
        """The serialised body, to go before the section properties."""
        self._flush()
        return self._body

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

    # Styles and page ------------------------------------------------------------

    def _set_styles(self) -> None:
        """Name the fonts outright and add the handout's own styles."""
        styles = self.document.styles.element
        defaults = styles.find(qn("w:docDefaults"))
        _set_font_name(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), BODY_FONT)
        for style in styles.findall(qn("w:style")):
            # Built-in styles are stored under lowercase names ("heading 1").
            if (style.name_val or "").lower() in _HEADING_STYLE_NAMES:
                _set_font_name(style.get_or_add_rPr(), HEADING_FONT)
        for style in _CUSTOM_STYLES:
            styles.append(copy.deepcopy(style))

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
        _add_field(footer._p, "PAGE")
        footer.add_run(" of ")
        _add_field(footer._p, "NUMPAGES")
        return int(width - 2 * MARGIN)

    def _style_id(self, name: str) -> str:
        # Looking a style up by name scans every style: do it once per name.
        if name not in self._style_ids:
            self._style_ids[name] = self.document.styles[name].style_id
        return self._style_ids[name]

    # Paragraphs and runs ----------------------------------------------------------

    def _flush(self) -> None:
        """Serialise what was written since the last flush, and let go of its tree."""
        if len(self._chunk):
            xml = etree.tostring(self._chunk, encoding="UTF-8")
            # Only the children: the chunk's own tags carry the namespace declarations
            # that would otherwise be repeated on every paragraph.
            self._body.append(xml[xml.index(b">") + 1 : -len(b"</w:body>")])
            del self._chunk[:]

    def _paragraph(self, style: str | None, keep_with_next: bool = False) -> Element:
        """A new paragraph at the end of the body."""
        paragraph = etree.SubElement(self._chunk, _P)
        self._format(paragraph, style, keep_with_next)
        return paragraph

    def _body_table(self, rows: int, columns: int) -> DocxTable:
        """A table made by python-docx; `_place` moves it into the body when it is done."""
        table: DocxTable = self.document.add_table(rows=rows, cols=columns)
        table.style = self.document.styles["Table Grid"]
        return table

    def _place(self, table: DocxTable) -> None:
        self._chunk.append(table._tbl)

    def _format(self, paragraph: Element, style: str | None, keep_with_next: bool = False) -> None:
        """Give an empty paragraph its style, and keep-with-next, in schema order."""
        if not (style or keep_with_next):
            return
        properties = paragraph.makeelement(_PPR)
        paragraph.insert(0, properties)
        if style:
            etree.SubElement(properties, _PSTYLE).set(_VAL, self._style_id(style))
        if keep_with_next:
            etree.SubElement(properties, _KEEP_NEXT)

    def _cell_paragraphs(self, cell: _Cell) -> NewParagraph:
        """A paragraph source for a table cell: its empty first paragraph, then new ones."""
        used_first = False

        def new_paragraph(style: str | None) -> Element:
            nonlocal used_first
            if used_first:
                paragraph = etree.SubElement(cell._tc, _P)
            else:
                paragraph = cell.paragraphs[0]._p
                used_first = True
            self._format(paragraph, style)
            return paragraph

        return new_paragraph

    def _question_heading(self, number: int, question: str) -> None:
        heading = self._paragraph("Heading 2")
        self._bookmark(heading, question_bookmark(number))
        _text_run(heading, f"{number}. {question}")

    def _bookmark(self, paragraph: Element, name: str) -> None:
        """Put bookmark `name` at the end of `paragraph`: call before adding its text."""
        self._bookmarks += 1
        bookmark_id = str(self._bookmarks)
        start = etree.SubElement(paragraph, qn("w:bookmarkStart"))
        start.set(qn("w:id"), bookmark_id)
        start.set(qn("w:name"), name)
        etree.SubElement(paragraph, qn("w:bookmarkEnd")).set(qn("w:id"), bookmark_id)

    def _add_key_point(self, blocks: Iterable[Block]) -> None:
        first = True

        def new_paragraph(style: str | None) -> Element:
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
                item = block.list_item
                if item and item.ordered and not item.continues:
                    _set_number(paragraph, self._number_id(item, list_numbers))
                self._add_spans(paragraph, block.spans)
            elif isinstance(block, CodeBlock):
                _text_run(new_paragraph("Code Block"), block.text)
            elif isinstance(block, Rule):
                paragraph = new_paragraph(None)
                properties = etree.SubElement(paragraph, _PPR)
                _add_bottom_border(properties)
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

    def _number_id(self, item: ListItem, list_numbers: dict[int, int]) -> int:
        """Give each Markdown numbered list its own Word numbering, starting at its start."""
        if item.list_number not in list_numbers:
            numbering = self.document.part.numbering_part.element
            style_name = "List Number" + (f" {item.depth}" if 1 < item.depth <= 3 else "")
            style_num_id = self.document.styles[style_name].element.pPr.numPr.numId.val
            abstract_id = numbering.num_having_numId(style_num_id).abstractNumId.val
            num = numbering.add_num(abstract_id)
            num.add_lvlOverride(ilvl=0).add_startOverride(item.start)
            list_numbers[item.list_number] = num.numId
        return list_numbers[item.list_number]

    def _add_table(self, block: Table, parent: TableParent) -> None:
        if not block.rows:
            return
        columns = max(len(row) for row in block.rows)
        if isinstance(parent, _Cell):
            table = parent.add_table(rows=0, cols=columns)
            table.style = self.document.styles["Table Grid"]
        else:
            table = self._body_table(rows=0, columns=columns)
        for row_number, row in enumerate(block.rows):
            cells = table.add_row().cells  # type: ignore[no-untyped-call]
            for cell, spans in zip(cells, row, strict=False):
                header = row_number == 0
                self._add_spans(cell.paragraphs[0]._p, spans, bold=header)
                if header:
                    _shade(cell, HEADER_FILL)
        _repeat_as_header(table.rows[0])
        cell_width = parent.width if isinstance(parent, _Cell) else None
        available = int(cell_width or self.text_width)
        _set_widths(table, [available // columns] * columns)
        _pad_cells(table)
        if not isinstance(parent, _Cell):
            self._place(table)

    def _add_spans(self, paragraph: Element, spans: Iterable[Span], bold: bool = False) -> None:
        for span in spans:
            if span.image is not None:
                self._add_picture(paragraph, self.media[span.image], span.text)
                continue
            container = paragraph
            style = self._style_id("Inline Code") if span.code else None
            if span.link:
                container = etree.SubElement(paragraph, _HYPERLINK)
                container.set(_REL_ID, self._link_id(span.link))
                style = style or self._style_id("Hyperlink")
            _text_run(
                container,
                span.text,
                bold=bold or span.bold,
                italic=span.italic,
                strike=span.strike,
                style_id=style,
            )

    def _add_picture(self, paragraph: Element, media: Media, description: str) -> None:
        """An inline picture, at most as wide as the text, described by its alt text."""
        native_width = DocxImage.from_blob(media.data).width
        width = min(native_width, self.text_width)
        inline = self.document.part.new_pic_inline(io.BytesIO(media.data), width=width)
        # python-docx numbers pictures by searching the document, which holds none of
        # the streamed body: number them here so that each id is unique.
        self._pictures += 1
        inline.docPr.set("id", str(self._pictures))
        inline.docPr.set("descr", description)
        run = etree.SubElement(paragraph, _R)
        etree.SubElement(run, qn("w:drawing")).append(inline)

    def _link_id(self, url: str) -> str:
        # python-docx looks for an existing relationship among all of them: cache.
        if url not in self._link_ids:
            part = self.document.part
            self._link_ids[url] = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True)
        return self._link_ids[url]

    def _keywords(self) -> list[str]:
        tags = (tag for question in self.deck.questions for tag in question.tags)
        return list(dict.fromkeys([self.deck.id, *tags]))


def _drop_template_extras(document: DocumentObject) -> None:
    """Leave out the parts of python-docx's template that describe the template, not
    the handout: a thumbnail of an empty page, Word 2010's second copy of every style
    and a sample data store. They are also most of the work of saving."""
    for relationships in (document.part.rels, document.part.package.rels):
        for rel_id, relationship in list(relationships.items()):
            if relationship.reltype.endswith(_TEMPLATE_EXTRAS):
                relationships.pop(rel_id)


def _text_run(
    container: Element,
    text: str,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    style_id: str | None = None,
) -> None:
    """Append a run of `text` to a paragraph or hyperlink; line breaks and tabs become
    Word's own, and spaces at either end are kept."""
    run = etree.SubElement(container, _R)
    if style_id or bold or italic or strike:
        properties = etree.SubElement(run, _RPR)
        if style_id:
            etree.SubElement(properties, _RSTYLE).set(_VAL, style_id)
        if bold:
            etree.SubElement(properties, _B)
        if italic:
            etree.SubElement(properties, _I)
        if strike:
            etree.SubElement(properties, _STRIKE)
    for piece in (
        _BREAK_OR_TAB.split(text) if ("\n" in text or "\t" in text or "\r" in text) else (text,)
    ):
        if piece == "\t":
            etree.SubElement(run, _TAB)
        elif piece in ("\n", "\r", "\r\n"):
            etree.SubElement(run, _BR)
        elif piece:
            element = etree.SubElement(run, _T)
            element.text = piece
            if piece[0].isspace() or piece[-1].isspace():
                element.set(_XML_SPACE, "preserve")


def _set_number(paragraph: Element, number_id: int) -> None:
    """Number a paragraph whose properties so far are its style (and keep-with-next)."""
    numbering = etree.SubElement(paragraph.find(_PPR), qn("w:numPr"))
    etree.SubElement(numbering, qn("w:ilvl")).set(_VAL, "0")
    etree.SubElement(numbering, qn("w:numId")).set(_VAL, str(number_id))


def _utc(seconds: int) -> datetime:
    return datetime.fromtimestamp(seconds, UTC)


def _add_field(paragraph: Element, instruction: str) -> None:
    field = etree.SubElement(paragraph, qn("w:fldSimple"))
    field.set(qn("w:instr"), instruction)
    _text_run(field, "1")


def _add_internal_link(paragraph: Element, bookmark: str, text: str) -> None:
    """Append `text` as a link to `bookmark` in this document."""
    link = etree.SubElement(paragraph, _HYPERLINK)
    link.set(_ANCHOR, bookmark)
    link.set(qn("w:history"), "1")
    _text_run(link, text)


def _set_font_name(properties: Element, name: str) -> None:
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
    _insert_in_order(cell._tc.get_or_add_tcPr(), shading, _AFTER_SHD_IN_TCPR)


def _add_bottom_border(properties: Element, color: str = "auto") -> None:
    """Draw a line under a paragraph; `properties` is its w:pPr (or a style's).

    Word groups neighbouring paragraphs with the same borders and draws only the
    group's outer lines; the `between` line rules each paragraph of the group.
    """
    borders = OxmlElement("w:pBdr")
    for side in ("bottom", "between"):
        attributes = {"val": "single", "sz": "6", "space": "1", "color": color}
        line = OxmlElement(f"w:{side}", attrs={qn(f"w:{k}"): v for k, v in attributes.items()})
        borders.append(line)
    _insert_in_order(properties, borders, _AFTER_PBDR_IN_PPR)


def _insert_in_order(parent: Element, child: Element, successors: AbstractSet[str]) -> None:
    """Insert `child` before the first child of `parent` the schema puts after it."""
    for sibling in parent:
        if sibling.tag in successors:
            sibling.addprevious(child)
            return
    parent.append(child)


# The handout's own styles, written once here rather than built through python-docx's
# style API, which looks every name up among all the template's styles.
_CUSTOM_STYLES = parse_xml(
    f"""<w:styles {nsdecls("w")}>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="CodeBlock">
<w:name w:val="Code Block"/><w:basedOn w:val="Normal"/>
<w:pPr><w:spacing w:after="160" w:line="240" w:lineRule="auto"/><w:ind w:left="360"/></w:pPr>
<w:rPr><w:rFonts w:ascii="{CODE_FONT}" w:hAnsi="{CODE_FONT}" w:cs="{CODE_FONT}"/>
<w:sz w:val="19"/></w:rPr>
</w:style>
<w:style w:type="character" w:customStyle="1" w:styleId="InlineCode">
<w:name w:val="Inline Code"/>
<w:rPr><w:rFonts w:ascii="{CODE_FONT}" w:hAnsi="{CODE_FONT}" w:cs="{CODE_FONT}"/></w:rPr>
</w:style>
<w:style w:type="character" w:styleId="Hyperlink">
<w:name w:val="Hyperlink"/>
<w:rPr><w:color w:val="0563C1" w:themeColor="hyperlink"/><w:u w:val="single"/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="ContentsEntry">
<w:name w:val="Contents Entry"/><w:basedOn w:val="Normal"/>
<w:pPr><w:spacing w:after="60"/><w:ind w:left="360" w:hanging="360"/></w:pPr>
</w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="Label">
<w:name w:val="Label"/><w:basedOn w:val="Normal"/>
<w:pPr><w:keepNext/><w:spacing w:after="40"/></w:pPr><w:rPr><w:b/><w:smallCaps/></w:rPr>
</w:style>
<w:style w:type="paragraph" w:customStyle="1" w:styleId="RuledLine">
<w:name w:val="Ruled Line"/><w:basedOn w:val="Normal"/>
<w:pPr><w:pBdr>
<w:bottom w:val="single" w:sz="6" w:space="1" w:color="A6A6A6"/>
<w:between w:val="single" w:sz="6" w:space="1" w:color="A6A6A6"/>
</w:pBdr><w:spacing w:after="0" w:line="520" w:lineRule="exact"/></w:pPr>
</w:style>
</w:styles>""".replace("\n", "")
)

# Children of w:pPr and w:tcPr that the schema puts after w:pBdr and w:shd: Word
# rejects a document whose elements are out of order.
_AFTER_PBDR_IN_PPR = frozenset(
    qn(f"w:{tag}")
    for tag in (
        "shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct autoSpaceDE"
        " autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing"
        " mirrorIndents suppressOverlap jc textDirection textAlignment textboxTightWrap"
        " outlineLvl divId cnfStyle rPr sectPr pPrChange"
    ).split()
)
_AFTER_SHD_IN_TCPR = frozenset(
    qn(f"w:{tag}") for tag in "noWrap tcMar textDirection tcFitText vAlign hideMark".split()
)
