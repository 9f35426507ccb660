"""The document python-docx lays out before the body: page, header, footer, fonts, styles."""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

import docx
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Emu, Inches, Mm
from lxml import etree

Element = Any  # an lxml element; lxml ships no type information

PAGE_SIZES = {"letter": (Inches(8.5), Inches(11)), "a4": (Mm(210), Mm(297))}
MARGIN = Inches(1)
# Word's Cambria and Calibri have metric-compatible free twins (Caladea, Carlito),
# so a page breaks at the same line in Word and in LibreOffice.
BODY_FONT, HEADING_FONT, CODE_FONT = "Cambria", "Calibri", "Courier New"
HEADING_STYLES = ("Title", "Subtitle", "TOC Heading", *(f"Heading {n}" for n in range(1, 10)))
_HEADING_STYLE_NAMES = {name.lower() for name in HEADING_STYLES}
_TEMPLATE_EXTRAS = ("/thumbnail", "/stylesWithEffects", "/customXml")


def new_document(body_font: str = BODY_FONT) -> DocumentObject:
    """A python-docx document of the default template, trimmed and restyled, its text
    set in `body_font`."""
    document = docx.Document()
    _drop_template_extras(document)
    _set_styles(document, body_font)
    return document


class Margins(NamedTuple):
    """A page's margins, in EMU."""

    top: int
    bottom: int
    side: int


HANDOUT_MARGINS = Margins(MARGIN, MARGIN, MARGIN)


def set_up_page(
    document: DocumentObject,
    page_size: str,
    header: str | None,
    margins: Margins = HANDOUT_MARGINS,
) -> tuple[int, int]:
    """Set the page (a key of PAGE_SIZES) and its margins, and, unless `header` is None,
    its header and its "Page n of m" footer; return the width and height between the
    margins, in EMU."""
    width, height = PAGE_SIZES[page_size]
    section = document.sections[0]
    section.page_width, section.page_height = width, height
    section.left_margin = section.right_margin = Emu(margins.side)
    section.top_margin, section.bottom_margin = Emu(margins.top), Emu(margins.bottom)
    if header is not None:
        section.header.paragraphs[0].text = header
        footer = section.footer.paragraphs[0]
        footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
        footer.add_run("Page ")
        _add_field(footer._p, "PAGE")
        footer.add_run(" of ")
        _add_field(footer._p, "NUMPAGES")
    # From the size asked for: Word stores it rounded to twips.
    return int(width - 2 * margins.side), int(height - margins.top - margins.bottom)


def _add_field(paragraph: Element, instruction: str) -> None:
    field = etree.SubElement(paragraph, qn("w:fldSimple"))
    field.set(qn("w:instr"), instruction)
    # A placeholder until Word or LibreOffice works the number out.
    etree.SubElement(etree.SubElement(field, qn("w:r")), qn("w:t")).text = "1"


def _drop_template_extras(document: DocumentObject) -> None:
    """Leave out the parts of python-docx's template that describe the template, not
    the handout: a thumbnail of an empty page, Word 2010's second copy of every style
    and a sample data store. They are also most of the work of saving."""
    for relationships in (document.part.rels, document.part.package.rels):
        for rel_id, relationship in list(relationships.items()):
            if relationship.reltype.endswith(_TEMPLATE_EXTRAS):
                relationships.pop(rel_id)


def _set_styles(document: DocumentObject, body_font: str) -> None:
    """Name the fonts outright and add the handout's own styles."""
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    _set_font_name(defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")), body_font)
    for style in styles.findall(qn("w:style")):
        # Built-in styles are stored under lowercase names ("heading 1").
        if (style.name_val or "").lower() in _HEADING_STYLE_NAMES:
            _set_font_name(style.get_or_add_rPr(), HEADING_FONT)
    for style in _CUSTOM_STYLES:
        styles.append(copy.deepcopy(style))


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
