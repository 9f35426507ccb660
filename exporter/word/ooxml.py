"""The low-level .docx writer: a body streamed as XML, tables, pictures, properties, saving.

python-docx lays out the document (template, styles, page, tables, properties);
paragraphs and runs are written as XML elements directly, because python-docx's
per-paragraph and per-run API costs tens of microseconds a call and large decks
have hundreds of thousands of runs. The body is serialised a question at a time
and streamed into the saved file: as a tree it would take six times its size.
"""

from __future__ import annotations

import gc
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from docx.opc.constants import RELATIONSHIP_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.oxml.table import CT_Tbl
from docx.shared import Emu
from docx.table import Table as DocxTable
from docx.table import _Cell, _Row
from lxml import etree

from exporter.images import Media
from exporter.outputs import normalize_zip
from exporter.word.template import (
    BODY_FONT,
    HANDOUT_MARGINS,
    Margins,
    new_document,
    set_up_page,
)
from exporter.word.template import Element as Element  # re-exported: blocks and handout use it

HEADER_FILL = "E7E6E6"
# Word's limit for a document property such as its title or keywords.
MAX_PROPERTY_LENGTH = 255
EMU_PER_TWIP = 635
# Lists: each level indents its text this much further (twips), its marker in the gap.
LIST_INDENT = 360
BULLETS = "•◦▪"


@dataclass(frozen=True)
class Layout:
    """A paragraph's formatting beyond its style (indents in twips).

    `number` is the (numbering id, level) of its bullet or number; `indent` its left
    indent and the hanging part its marker takes; `left_rule` the line of a quotation,
    `rule_below` a thematic break's; `align` its alignment (Word's `jc` values);
    `size` the size of its text in half points, and `space` the space around it (before
    and after, in twips; lines single-spaced), when the styles' are not wanted.
    """

    number: tuple[int, int] | None = None
    indent: tuple[int, int] | None = None
    left_rule: bool = False
    rule_below: bool = False
    align: str | None = None
    size: int | None = None
    space: tuple[int, int] | None = None


_NO_LAYOUT = Layout()


_BODY, _P, _PPR, _PSTYLE = qn("w:body"), qn("w:p"), qn("w:pPr"), qn("w:pStyle")
_KEEP_NEXT = qn("w:keepNext")
_R, _RPR, _RSTYLE, _T = qn("w:r"), qn("w:rPr"), qn("w:rStyle"), qn("w:t")
_B, _I, _STRIKE, _BR, _TAB = qn("w:b"), qn("w:i"), qn("w:strike"), qn("w:br"), qn("w:tab")
_SZ, _SZ_CS, _COLOR = qn("w:sz"), qn("w:szCs"), qn("w:color")
_NUM_PR, _ILVL, _NUM_ID = qn("w:numPr"), qn("w:ilvl"), qn("w:numId")
_SPACING, _BEFORE, _AFTER = qn("w:spacing"), qn("w:before"), qn("w:after")
_LINE, _LINE_RULE = qn("w:line"), qn("w:lineRule")
_IND, _LEFT, _HANGING = qn("w:ind"), qn("w:left"), qn("w:hanging")
_VAL, _HYPERLINK, _ANCHOR, _REL_ID = qn("w:val"), qn("w:hyperlink"), qn("w:anchor"), qn("r:id")
_XML_SPACE = "{http://www.w3.org/XML/1998/namespace}space"
_BREAK_OR_TAB = re.compile(r"(\r\n|\r|\n|\t)")


class DocxWriter:
    """One document being written; paragraphs are appended in reading order.

    `text_width` is the width between the margins, in EMU.
    """

    def __init__(
        self,
        page_size: str,
        header: str | None,
        margins: Margins = HANDOUT_MARGINS,
        body_font: str = BODY_FONT,
    ) -> None:
        """Start a document on `page_size` (a key of template.PAGE_SIZES) headed by
        `header` (None: no header or footer), its text set in `body_font`."""
        self._document = new_document(body_font)
        self._body: list[bytes] = []
        # A tree of its own, emptied at each flush: elements made inside python-docx's
        # document slow down as that document's history grows.
        self._chunk = etree.Element(_BODY, nsmap=dict(self._document.element.nsmap))
        self._style_ids: dict[str, str] = {}
        self._link_ids: dict[str, str] = {}
        self._bookmarks = 0
        self._pictures = 0
        self._bullets: int | None = None  # the one numbering all bulleted lists share
        self._abstract_numbers: dict[bool, int] = {}  # by ordered
        self._last_number_id = 0
        self.text_width, self.text_height = set_up_page(self._document, page_size, header, margins)

    @property
    def body(self) -> Element:
        """The element the body's paragraphs and tables are appended to."""
        return self._chunk

    def paragraph(
        self,
        style: str | None,
        keep_with_next: bool = False,
        container: Element | None = None,
        layout: Layout = _NO_LAYOUT,
    ) -> Element:
        """A new paragraph at the end of `container` (by default the body)."""
        paragraph = etree.SubElement(self._chunk if container is None else container, _P)
        _format(paragraph, style and self.style_id(style), keep_with_next, layout)
        return paragraph

    def flush(self) -> None:
        """Serialise what was written since the last flush, and let go of its tree."""
        if len(self._chunk):
            xml = etree.tostring(self._chunk, encoding="UTF-8")
            # Only the children: the chunk's own tags carry the namespace declarations
            # that would otherwise be repeated on every paragraph.
            self._body.append(xml[xml.index(b">") + 1 : -len(b"</w:body>")])
            del self._chunk[:]

    def style_id(self, name: str) -> str:
        """The id of the style called `name`."""
        # Looking a style up by name scans every style: do it once per name.
        if name not in self._style_ids:
            self._style_ids[name] = self._document.styles[name].style_id
        return self._style_ids[name]

    def bookmark(self, paragraph: Element, name: str) -> None:
        """Put bookmark `name` at the end of `paragraph`: call before adding its text."""
        self._bookmarks += 1
        bookmark_id = str(self._bookmarks)
        start = etree.SubElement(paragraph, qn("w:bookmarkStart"))
        start.set(qn("w:id"), bookmark_id)
        start.set(qn("w:name"), name)
        etree.SubElement(paragraph, qn("w:bookmarkEnd")).set(qn("w:id"), bookmark_id)

    def hyperlink(self, paragraph: Element, url: str) -> Element:
        """Append a link to `url` to `paragraph` and return it, for its runs."""
        link = etree.SubElement(paragraph, _HYPERLINK)
        # python-docx looks for an existing relationship among all of them: cache.
        if url not in self._link_ids:
            part = self._document.part
            self._link_ids[url] = part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, True)
        link.set(_REL_ID, self._link_ids[url])
        return link

    def picture(self, paragraph: Element, media: Media, description: str) -> None:
        """Append an inline picture, at most as wide as the text, described by its alt text."""
        width, height = media.fitted(self.text_width, self.text_height)
        inline = self._document.part.new_pic_inline(io.BytesIO(media.data), width, height)
        # python-docx numbers pictures by searching the document, which holds none of
        # the streamed body: number them here so that each id is unique.
        self._pictures += 1
        inline.docPr.set("id", str(self._pictures))
        inline.docPr.set("descr", description)
        run = etree.SubElement(paragraph, _R)
        etree.SubElement(run, qn("w:drawing")).append(inline)

    def list_numbering(self, ordered: bool, level: int, start: int) -> int:
        """The numbering id for a list at `level` (0–8): bulleted lists share one;
        each numbered list has its own, counting from `start`."""
        if not ordered and self._bullets is not None:
            return self._bullets
        numbering = self._document.part.numbering_part.element
        if not self._last_number_id:
            self._last_number_id = max(int(num.numId) for num in numbering.num_lst)
        if ordered not in self._abstract_numbers:
            self._abstract_numbers[ordered] = _add_abstract_number(numbering, ordered)
        # Written here, not with python-docx's add_num, which searches every
        # numbering for a free id: a deck of many numbered lists would take quadratic time.
        self._last_number_id += 1
        start_override = (
            f'<w:lvlOverride w:ilvl="{level}"><w:startOverride w:val="{start}"/></w:lvlOverride>'
            if ordered
            else ""
        )
        numbering.append(
            parse_xml(
                f'<w:num {nsdecls("w")} w:numId="{self._last_number_id}">'
                f'<w:abstractNumId w:val="{self._abstract_numbers[ordered]}"/>'
                f"{start_override}</w:num>"
            )
        )
        if not ordered:
            self._bullets = self._last_number_id
        return self._last_number_id

    def table(self, rows: int, columns: int, width: int | None = None) -> DocxTable:
        """A grid table made by python-docx, `width` EMU wide (by default the text's),
        to be appended with `place` when it is done."""
        # A tree of its own, like the body's paragraphs: moving a big table out of
        # python-docx's document into the body costs time quadratic in its size.
        element = CT_Tbl.new_tbl(rows, columns, Emu(width or self.text_width))
        table = DocxTable(element, self._document._body)
        table.style = self._document.styles["Table Grid"]
        return table

    def place(self, table: DocxTable, container: Element | None = None) -> None:
        """Append a finished table to the end of `container` (by default the body)."""
        # python-docx parses every cell it makes as a document of its own; a table of
        # many cells serialises in quadratic time unless it is read back as one tree.
        element = etree.fromstring(etree.tostring(table._tbl))
        (self._chunk if container is None else container).append(element)

    def set_properties(
        self,
        title: str,
        subject: str,
        keywords: str,
        author: str,
        created: datetime,
        modified: datetime,
    ) -> None:
        """Set the core properties; the others python-docx's template has are emptied."""
        properties = self._document.core_properties
        properties.title = _clipped(title)
        properties.subject = _clipped(subject)
        properties.keywords = _clipped(keywords, ", ")
        properties.author = _clipped(author)
        properties.last_modified_by = ""
        properties.comments = ""
        properties.category = ""
        properties.revision = 1
        properties.created = created
        properties.modified = modified

    def save(self) -> bytes:
        """The finished document as a normalised .docx; the writer is spent after it."""
        buffer = io.BytesIO()
        self._document.save(buffer)
        self.flush()
        body = self._body
        # python-docx's package and parts refer to each other, so only the cyclic
        # collector frees them: do it now, before more memory is needed.
        del self._document
        gc.collect()
        return normalize_zip(
            buffer.getvalue(), {"word/document.xml": lambda xml: _with_body(xml, body)}
        )


def _format(paragraph: Element, style_id: str | None, keep_with_next: bool, layout: Layout) -> None:
    """Give an empty paragraph its style, keep-with-next and layout, in the schema's
    order: Word asks to repair a document whose elements are out of order."""
    if not (style_id or keep_with_next) and (layout is _NO_LAYOUT or layout == _NO_LAYOUT):
        return
    properties = paragraph.makeelement(_PPR)
    paragraph.insert(0, properties)
    if style_id:
        etree.SubElement(properties, _PSTYLE).set(_VAL, style_id)
    if keep_with_next:
        etree.SubElement(properties, _KEEP_NEXT)
    if layout.number:
        numbering = etree.SubElement(properties, _NUM_PR)
        number_id, level = layout.number
        etree.SubElement(numbering, _ILVL).set(_VAL, str(level))
        etree.SubElement(numbering, _NUM_ID).set(_VAL, str(number_id))
    if layout.left_rule or layout.rule_below:
        borders = etree.SubElement(properties, qn("w:pBdr"))
        if layout.left_rule:
            _border(borders, "left", space=8, size=12)
        if layout.rule_below:
            # Word draws one line under a group of neighbouring paragraphs with the
            # same borders; the `between` line rules each of them.
            _border(borders, "bottom", space=1, size=6)
            _border(borders, "between", space=1, size=6)
    if layout.space:
        before, after = layout.space
        spacing = etree.SubElement(properties, _SPACING)
        spacing.set(_BEFORE, str(before))
        spacing.set(_AFTER, str(after))
        spacing.set(_LINE, "240")  # single-spaced
        spacing.set(_LINE_RULE, "auto")
    if layout.indent:
        left, hanging = layout.indent
        indent = etree.SubElement(properties, _IND)
        indent.set(_LEFT, str(left))
        indent.set(_HANGING, str(hanging))
    if layout.align:
        etree.SubElement(properties, qn("w:jc")).set(_VAL, layout.align)
    if layout.size:  # the paragraph mark's: the size of its bullet, or of its empty line
        _set_size(etree.SubElement(properties, _RPR), layout.size)


def _border(borders: Element, side: str, space: int, size: int) -> None:
    line = etree.SubElement(borders, qn(f"w:{side}"))
    for name, value in (("val", "single"), ("sz", size), ("space", space), ("color", "auto")):
        line.set(qn(f"w:{name}"), str(value))


def _add_abstract_number(numbering: Element, ordered: bool) -> int:
    """Add the nine-level definition of numbered (1. 2. …) or bulleted lists; return its id."""
    ids = [int(each.get(qn("w:abstractNumId"))) for each in numbering.iterfind(qn("w:abstractNum"))]
    abstract_id = max(ids, default=-1) + 1
    levels = "".join(
        f'<w:lvl w:ilvl="{level}"><w:start w:val="1"/>'
        + (
            f'<w:numFmt w:val="decimal"/><w:lvlText w:val="%{level + 1}."/>'
            if ordered
            else f'<w:numFmt w:val="bullet"/><w:lvlText w:val="{BULLETS[level % len(BULLETS)]}"/>'
        )
        + f'<w:lvlJc w:val="left"/><w:pPr><w:ind w:left="{LIST_INDENT * (level + 1)}"'
        f' w:hanging="{LIST_INDENT}"/></w:pPr></w:lvl>'
        for level in range(9)
    )
    definition = parse_xml(
        f'<w:abstractNum {nsdecls("w")} w:abstractNumId="{abstract_id}">'
        f'<w:multiLevelType w:val="multilevel"/>{levels}</w:abstractNum>'
    )
    # The schema puts every definition before the first numbering that uses one.
    first_number = numbering.find(qn("w:num"))
    if first_number is None:
        numbering.append(definition)
    else:
        first_number.addprevious(definition)
    return abstract_id


def _with_body(document_xml: bytes, body: list[bytes]) -> Iterable[bytes]:
    """The saved document.xml, whose body holds only its section properties, with
    the streamed `body` put before them."""
    end = document_xml.index(b"<w:sectPr")
    yield document_xml[:end]
    yield from body
    yield document_xml[end:]


def text_run(
    container: Element,
    text: str,
    bold: bool = False,
    italic: bool = False,
    strike: bool = False,
    style_id: str | None = None,
    size: int | None = None,
    colour: str | None = None,
) -> None:
    """Append a run of `text` to a paragraph or hyperlink, `size` half points large and
    in `colour` (hex RGB) when given; line breaks and tabs become Word's own, and spaces
    at either end are kept."""
    run = etree.SubElement(container, _R)
    if style_id or bold or italic or strike or size or colour:
        properties = etree.SubElement(run, _RPR)
        if style_id:
            etree.SubElement(properties, _RSTYLE).set(_VAL, style_id)
        if bold:
            etree.SubElement(properties, _B)
        if italic:
            etree.SubElement(properties, _I)
        if strike:
            etree.SubElement(properties, _STRIKE)
        if colour:
            etree.SubElement(properties, _COLOR).set(_VAL, colour)
        if size:
            _set_size(properties, size)
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


def _set_size(run_properties: Element, half_points: int) -> None:
    value = str(half_points)
    etree.SubElement(run_properties, _SZ).set(_VAL, value)
    etree.SubElement(run_properties, _SZ_CS).set(_VAL, value)


def add_internal_link(paragraph: Element, bookmark: str, text: str) -> None:
    """Append `text` as a link to `bookmark` in this document."""
    link = etree.SubElement(paragraph, _HYPERLINK)
    link.set(_ANCHOR, bookmark)
    link.set(qn("w:history"), "1")
    text_run(link, text)


def set_alignment(paragraph: Element, align: str) -> None:
    """Align a paragraph that has no properties yet (Word's `jc` values)."""
    _format(paragraph, None, False, Layout(align=align))


def cell_paragraph(cell: _Cell) -> Element:
    """The first paragraph of `cell`; python-docx makes every cell with one, empty."""
    return cell.paragraphs[0]._p


def set_widths(table: DocxTable, widths: Sequence[int], indent: int = 0) -> None:
    """Fix the column widths (EMU) in all three places Word and LibreOffice read them,
    and indent the table by `indent` EMU."""
    table.autofit = False
    properties = table._tbl.tblPr
    table_width = properties.find(qn("w:tblW"))
    table_width.set(qn("w:type"), "dxa")
    table_width.set(qn("w:w"), str(sum(widths) // EMU_PER_TWIP))
    if indent:
        attributes = {qn("w:w"): str(indent // EMU_PER_TWIP), qn("w:type"): "dxa"}
        properties.insert_element_before(
            OxmlElement("w:tblInd", attrs=attributes), *_AFTER_TBLIND_IN_TBLPR
        )
    # On the XML: python-docx's rows and cells walk the whole table for each one.
    for column, width in zip(table._tbl.tblGrid.gridCol_lst, widths, strict=True):
        column.w = Emu(width)
    for row in table._tbl.tr_lst:
        for cell, width in zip(row.tc_lst, widths, strict=True):
            cell.width = Emu(width)


def pad_cells(table: DocxTable) -> None:
    """Give every cell some air above and below its text (in twips)."""
    margins = OxmlElement("w:tblCellMar")
    for side, twips in (("top", 40), ("left", 108), ("bottom", 40), ("right", 108)):
        margins.append(OxmlElement(f"w:{side}", attrs={qn("w:w"): str(twips), qn("w:type"): "dxa"}))
    table._tbl.tblPr.insert_element_before(margins, "w:tblLook", "w:tblCaption")


def repeat_as_header(row: _Row) -> None:
    """Repeat `row` at the top of every page the table runs onto."""
    row._tr.get_or_add_trPr().append(OxmlElement("w:tblHeader"))


def shade(cell: _Cell, fill: str = HEADER_FILL) -> None:
    """Fill a cell's background with the colour `fill` (hex RGB)."""
    shading = OxmlElement("w:shd", attrs={qn("w:val"): "clear", qn("w:fill"): fill})
    cell._tc.get_or_add_tcPr().insert_element_before(shading, *_AFTER_SHD_IN_TCPR)


# Children that the schema puts after w:tblInd and w:shd: Word rejects a document whose
# elements are out of order.
_AFTER_TBLIND_IN_TBLPR = tuple(
    f"w:{tag}"
    for tag in "tblBorders shd tblLayout tblCellMar tblLook tblCaption tblDescription".split()
)
_AFTER_SHD_IN_TCPR = tuple(
    f"w:{tag}" for tag in "noWrap tcMar textDirection tcFitText vAlign hideMark".split()
)


def _clipped(text: str, separator: str = " ") -> str:
    """`text` cut to the length a document property may have, at a `separator`, with an
    ellipsis: the property describes the document, the full text is in it."""
    if len(text) <= MAX_PROPERTY_LENGTH:
        return text
    cut = text[: MAX_PROPERTY_LENGTH - 1]
    if separator in cut:
        cut = cut.rsplit(separator, 1)[0]
    return cut + "…"
