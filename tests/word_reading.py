"""The structure a reader sees, read the same way from HTML (an Anki field) and from a
built .docx: list markers with their kind, level and number, text blocks with their
nesting and quoting, code in monospace, table cells with their alignment."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass

import lxml.html
from docx.oxml.ns import qn
from lxml import etree

from exporter.word.blocks import CODE_INDENT, QUOTE_INDENT
from exporter.word.ooxml import LIST_INDENT

assert QUOTE_INDENT == LIST_INDENT  # a nesting level is one indent step, whatever it is


@dataclass(frozen=True)
class Marker:
    """A list item's bullet or number as shown: `depth` counts the lists around it."""

    ordered: bool
    depth: int
    number: int | None  # None for a bullet


@dataclass(frozen=True)
class Leaf:
    """A block of text: `nesting` counts the quotations and lists around it."""

    text: str
    nesting: int
    quoted: bool
    heading: int = 0
    code: bool = False
    rule: bool = False


@dataclass(frozen=True)
class Cell:
    """A table cell's text and alignment."""

    text: str
    align: str | None


Record = Marker | Leaf | Cell

_BREAK = "\u2028"  # stands for a line break while whitespace is collapsed
_BLOCKS = {"p", "pre", "ul", "ol", "blockquote", "hr", "table", *(f"h{n}" for n in range(1, 7))}


def shown(text: str) -> str:
    """Text as a reader sees it: runs of spaces one space, line breaks kept."""
    text = re.sub(r"[ \t\r\n]+", " ", text)
    return re.sub(f" ?{_BREAK} ?", "\n", text).strip(" ")


# HTML


def html_records(html: str) -> list[Record]:
    """The records of an HTML fragment as markdown-it writes it."""
    root = lxml.html.fragment_fromstring(html or "<div></div>", create_parent="div")
    return list(_html_blocks(root, 0, 0))


def _html_blocks(elements: Iterable[etree._Element], quotes: int, lists: int) -> Iterator[Record]:
    for child in elements:
        tag = child.tag
        nesting = quotes + lists
        if tag == "blockquote":
            yield from _html_blocks(child, quotes + 1, lists)
        elif tag in ("ul", "ol"):
            number = int(child.get("start", "1"))
            for item in child:
                yield Marker(tag == "ol", lists + 1, number if tag == "ol" else None)
                number += 1
                yield from _html_item(item, quotes, lists + 1)
        elif tag in ("p", "h1", "h2", "h3", "h4", "h5", "h6"):
            heading = int(tag[1]) if tag != "p" else 0
            text = shown(_html_text(child))
            if text or heading:  # an empty paragraph shows nothing
                yield Leaf(text, nesting, quotes > 0, heading=heading)
        elif tag == "pre":
            yield Leaf(child.text_content().removesuffix("\n"), nesting, quotes > 0, code=True)
        elif tag == "hr":
            yield Leaf("", nesting, quotes > 0, rule=True)
        elif tag == "table":
            for cell in child.iter("th", "td"):
                align = re.fullmatch(r"text-align:(\w+)", cell.get("style", ""))
                yield Cell(shown(_html_text(cell)), align and align.group(1))


def _html_item(item: etree._Element, quotes: int, lists: int) -> Iterator[Record]:
    """The records of a list item: a tight list's paragraphs are bare text among its blocks."""
    inline = [item.text or ""]
    for child in item:
        if child.tag in _BLOCKS:
            yield from _bare_text(inline, quotes, lists)
            yield from _html_blocks([child], quotes, lists)
            inline = []
        else:
            inline.append(_BREAK if child.tag == "br" else _html_text(child))
        inline.append(child.tail or "")
    yield from _bare_text(inline, quotes, lists)


def _bare_text(parts: list[str], quotes: int, lists: int) -> Iterator[Record]:
    text = shown("".join(parts))
    if text.strip():
        yield Leaf(text, quotes + lists, quotes > 0)


def _html_text(element: etree._Element) -> str:
    parts = [element.text or ""]
    for child in element:
        parts.append(_BREAK if child.tag == "br" else _html_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def html_code(html: str) -> str:
    """The text shown in monospace, in reading order."""
    root = lxml.html.fragment_fromstring(html or "<div></div>", create_parent="div")
    return re.sub(r"\s+", "", "".join(code.text_content() for code in root.iter("code")))


# Word


@dataclass(frozen=True)
class Conventions:
    """How a writer names what Word has no element for: the handout's by default."""

    code_styles: tuple[str, ...] = ("Code Block",)
    inline_code_styles: tuple[str, ...] = ("Inline Code",)
    quote_styles: tuple[str, ...] = ()  # the handout draws a line instead
    heading_offset: int = 2  # the handout's own headings take levels 1 and 2


class WordReader:
    """Reads the records of a built .docx's paragraphs and tables."""

    def __init__(
        self,
        numbering: etree._Element,
        styles: dict[str, str],
        conventions: Conventions = Conventions(),
    ) -> None:
        self.styles = styles  # style id → name
        self.conventions = conventions
        levels = {
            each.get(qn("w:abstractNumId")): {
                int(level.get(qn("w:ilvl"))): level for level in each.iterfind(qn("w:lvl"))
            }
            for each in numbering.iterfind(qn("w:abstractNum"))
        }
        self.formats: dict[str, dict[int, str]] = {}
        self.starts: dict[tuple[str, int], int] = {}
        for num in numbering.iterfind(qn("w:num")):
            number_id = num.get(qn("w:numId"))
            abstract = levels[num.find(qn("w:abstractNumId")).get(qn("w:val"))]
            self.formats[number_id] = {}
            for level, definition in abstract.items():
                self.formats[number_id][level] = definition.find(qn("w:numFmt")).get(qn("w:val"))
                start = definition.find(qn("w:start"))
                if start is not None:
                    self.starts[number_id, level] = int(start.get(qn("w:val")))
            for override in num.iterfind(qn("w:lvlOverride")):
                start = override.find(qn("w:startOverride"))
                if start is not None:
                    level = int(override.get(qn("w:ilvl")))
                    self.starts[number_id, level] = int(start.get(qn("w:val")))
        self.counters: dict[tuple[str, int], int] = {}

    def records(self, elements: Sequence[etree._Element]) -> list[Record]:
        """The records of body or cell children, in order."""
        found: list[Record] = []
        for element in elements:
            if element.tag == qn("w:p"):
                found.extend(self._paragraph(element))
            elif element.tag == qn("w:tbl"):
                for cell in element.iter(qn("w:tc")):
                    paragraphs = cell.findall(qn("w:p"))
                    jc = paragraphs[0].find(f"{qn('w:pPr')}/{qn('w:jc')}")
                    text = "\n".join(word_text(p) for p in paragraphs)
                    found.append(Cell(shown(text), None if jc is None else jc.get(qn("w:val"))))
        return found

    def _paragraph(self, paragraph: etree._Element) -> Iterator[Record]:
        properties = paragraph.find(qn("w:pPr"))
        style = ""
        number = indent = None
        quoted = rule = False
        if properties is not None:
            style_element = properties.find(qn("w:pStyle"))
            if style_element is not None:
                style = self.styles[style_element.get(qn("w:val"))]
            number = properties.find(qn("w:numPr"))
            indent = properties.find(qn("w:ind"))
            borders = properties.find(qn("w:pBdr"))
            quoted = borders is not None and borders.find(qn("w:left")) is not None
            rule = borders is not None and borders.find(qn("w:bottom")) is not None
        quoted = quoted or style in self.conventions.quote_styles
        rule = rule or paragraph.find(f".//{qn('w:pict')}") is not None  # a drawn line
        code = style in self.conventions.code_styles
        text = word_text(paragraph)
        if number is not None:
            yield self._marker(number)
        left = 0 if indent is None else int(indent.get(qn("w:left")))
        if code and indent is not None and number is None:
            left -= CODE_INDENT
        heading = 0
        if style.startswith("Heading "):
            heading = int(style.split()[1]) - self.conventions.heading_offset
        if text or rule or code or heading:  # an empty paragraph shows nothing
            shown_text = text.replace(_BREAK, "\n") if code else shown(text)
            yield Leaf(shown_text, left // LIST_INDENT, quoted, heading, code, rule)

    def _marker(self, number: etree._Element) -> Marker:
        number_id = number.find(qn("w:numId")).get(qn("w:val"))
        level = int(number.find(qn("w:ilvl")).get(qn("w:val")))
        ordered = self.formats[number_id][level] != "bullet"
        key = (number_id, level)
        self.counters[key] = (
            self.counters[key] + 1 if key in self.counters else self.starts.get(key, 1)
        )
        return Marker(ordered, level + 1, self.counters[key] if ordered else None)


def word_text(paragraph: etree._Element) -> str:
    """The text a paragraph shows, line breaks as _BREAK."""
    parts = []
    for element in paragraph.iter(qn("w:t"), qn("w:br"), qn("w:tab")):
        if element.tag == qn("w:t"):
            parts.append(element.text or "")
        else:
            parts.append(_BREAK if element.tag == qn("w:br") else "\t")
    return "".join(parts)


def word_code(
    elements: Sequence[etree._Element],
    styles: dict[str, str],
    conventions: Conventions = Conventions(),
) -> str:
    """The text shown in monospace (code blocks, inline code), in reading order."""
    parts = []
    for element in elements:
        for paragraph in element.iter(qn("w:p")):
            style = paragraph.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
            if style is not None and styles[style.get(qn("w:val"))] in conventions.code_styles:
                parts.append(word_text(paragraph).replace(_BREAK, ""))
                continue
            for run in paragraph.iter(qn("w:r")):
                run_style = run.find(f"{qn('w:rPr')}/{qn('w:rStyle')}")
                if (
                    run_style is not None
                    and styles[run_style.get(qn("w:val"))] in conventions.inline_code_styles
                ):
                    parts.append(word_text(run))
    return re.sub(r"\s+", "", "".join(parts))
