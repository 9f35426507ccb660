"""A Markdown document → its top-level blocks, each with its source lines and plain text.

One markdown-it parse; `<details>` blocks are grouped with their body, and what a reader
never sees as content (tables of contents, "back to top" links, anchors, wrappers,
badges) is marked as noise, a chat assistant's words around a guide as remarks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.token import Token

from exporter.importer.questions import is_decoration

_PARSER = MarkdownIt("commonmark", {"html": True}).enable("table")
_DETAILS_OPEN = re.compile(r"<details\b", re.IGNORECASE)
_DETAILS_CLOSE = re.compile(r"</details\s*+>", re.IGNORECASE)
_SUMMARY = re.compile(r"<summary\b[^>]*+>(?P<text>.*?)</summary\s*+>", re.IGNORECASE | re.DOTALL)
_TAG = re.compile(r"<[^>]*+>")
_BREAK = re.compile(r"<br\s*+/?>", re.IGNORECASE)
_TAG_NAME = re.compile(r"<(?P<close>/?)(?P<name>[A-Za-z][A-Za-z0-9]*+)")
_VOID_TAGS = frozenset({"br", "img", "hr", "wbr", "li", "p", "td", "th", "tr", "dt", "dd"})
# What ends the question in a summary: a line break, in HTML or in the source.
_SUMMARY_LINE = re.compile(r"<br\s*+/?>|\n", re.IGNORECASE)
# HTML that only wraps or anchors: <div align=…>, </div>, <a id=…></a>, <p align=…>.
_WRAPPER = re.compile(
    r"\A\s*+(?:</?(?:div|center|p|span)\b[^>]*+>|<a\s++(?:id|name)=[^>]*+>\s*+</a>|<br\s*/?>\s*)++\Z",
    re.IGNORECASE,
)
_BACK_TO_TOP = re.compile(
    r"\b(?:back|return|go)\s++to\s++(?:the\s++)?(?:top|contents|index)\b|⬆|↑|↥", re.IGNORECASE
)
# A web page's link to the rest of an article, pasted as a line of its own.
_READ_MORE = re.compile(
    r"^(?:(?:read|show|see|view|learn)\s++more|continue\s++reading)\W*+$", re.IGNORECASE
)
_BADGE_HOSTS = ("shields.io", "badge", "travis-ci", "github.com/sponsors", "buymeacoffee")
# What a chat assistant says around the guide it writes: "Sure! Here are 25 questions
# …:", "These are just a few examples…", "I hope this helps!".
_CHAT_REMARK = re.compile(
    r"^(?:(?:sure|certainly|of\s++course|absolutely|great(?:\s++question)?+|perfect|awesome"
    r"|alright|okay)\b[!,.]\s*+"
    r"(?:here|below|let|i(?:'|’)ll|i\s++will|these|the\s++following)\b"
    r"|here\s++(?:are|is)\s++(?:\S++\s++){0,8}?(?:questions|answers)\b.*:$"
    r"|th[eo]se\s++(?:are|were)\s++(?:just\s++|only\s++)?(?:some|a\s++few)\b"
    r"|th[eo]se\s++(?:questions|answers)(?:\s++and\s++answers)?+"
    r"\s++(?:cover|should|will|can|are\s++designed|provide|give)\b"
    r"|th[eo]se\s++are\s++the\s++(?:types|kinds|sorts)\s++of\s++questions\b"
    r"|(?:i\s++)?hope\s++(?:this|these|that)\s++help"
    r"|good\s++luck\b|best\s++of\s++luck\b|let\s++me\s++know\b|feel\s++free\s++to\b)",
    re.IGNORECASE | re.DOTALL,
)


@dataclass(frozen=True)
class Item:
    """One item of a list: its source lines [start, end) and the plain text of its first
    line (a heading's text when the item starts with one)."""

    start: int
    end: int
    text: str
    heading: bool = False


@dataclass(frozen=True)
class Unit:
    """A top-level block: its `kind` (heading (level 0: a chat window's title),
    paragraph, bullet_list, ordered_list, table, fence, code_block, html, details, hr,
    blockquote, noise, remark: a chat assistant's words around a guide), its source lines
    [start, end), and what the importer reads from it."""

    kind: str
    start: int
    end: int
    level: int = 0  # a heading's level
    text: str = ""  # a heading's or paragraph's plain text, a summary's text
    bold: bool = False  # a paragraph that is all bold
    items: tuple[Item, ...] = ()
    rows: tuple[tuple[str, ...], ...] = ()  # a table's cells, as Markdown, header first
    markup: bool = False  # a paragraph with HTML a renderer shows as formatting


def read_units(text: str) -> list[Unit]:
    """The top-level blocks of the Markdown `text`, in order."""
    tokens = _PARSER.parse(text)
    lines = text.split("\n")
    units: list[Unit] = []
    index = 0
    while index < len(tokens):
        token = tokens[index]
        index += 1
        if token.level != 0 or token.nesting < 0 or token.map is None:
            continue
        start, end = token.map
        kind = token.type.removesuffix("_open")
        if kind == "heading":
            units.append(Unit(kind, start, end, int(token.tag[1:]), plain(tokens[index])))
        elif kind == "paragraph":
            units.append(_paragraph(tokens[index], start, end))
        elif kind in ("bullet_list", "ordered_list"):
            units.append(_list(kind, tokens, index, start, end))
        elif kind == "table":
            units.append(Unit(kind, start, end, rows=_rows(tokens, index)))
        elif kind == "blockquote":
            units.append(Unit(kind, start, end, text=_quoted_line(tokens, index)))
        elif kind == "html_block":
            if _DETAILS_OPEN.search(token.content):
                unit, index = _details(tokens, index - 1, lines)
                units += _follow_ups(unit, lines)
            elif _WRAPPER.match(token.content) or _navigation(_html_text(token.content)):
                units.append(Unit("noise", start, end))  # wrappers, anchors, badges
            else:
                units.append(Unit("html", start, end, text=_html_text(token.content)))
        else:
            units.append(Unit(kind, start, end))
    return _emoji_titles(units, lines)


def _emoji_titles(units: list[Unit], lines: Sequence[str]) -> list[Unit]:
    """`units` with each short line that an emoji opens ("🔹 docker basics"), first in
    the document or after a rule, made a heading above all others: a chat window's
    section title."""
    titled = []
    for index, unit in enumerate(units):
        previous = units[index - 1].kind if index else "hr"
        first = lines[unit.start].strip()
        if (
            unit.kind == "paragraph"
            and previous in ("hr", "noise")
            and unit.end - unit.start == 1
            and first
            and is_decoration(first[0])
            and len(unit.text) <= 60
            and not unit.text.endswith((".", "?", "？", "!", ":"))
        ):
            unit = replace(unit, kind="heading", level=0)
        titled.append(unit)
    return titled


def _paragraph(inline: Token, start: int, end: int) -> Unit:
    children = inline.children or []
    text = plain(inline)
    if _is_noise(children, text):
        return Unit("noise", start, end)
    if _CHAT_REMARK.match(text) and not has_markup(children):
        return Unit("remark", start, end, text=text)
    visible = [
        child
        for child in children
        if child.type != "softbreak" and not (child.type == "text" and not child.content.strip())
    ]
    bold = (
        len(visible) >= 3
        and visible[0].type == "strong_open"
        and visible[-1].type == "strong_close"
        and end - start == 1
        and not any(child.type == "strong_open" for child in visible[1:-1])
    )
    return Unit("paragraph", start, end, text=text, bold=bold, markup=has_markup(children))


def _navigation(text: str) -> bool:
    """Tell whether an HTML block shows nothing, or only a link back to the top."""
    return not text.strip() or (_BACK_TO_TOP.search(text) is not None and len(text) < 40)


def _is_noise(children: Sequence[Token], text: str) -> bool:
    """A paragraph of navigation or badges: links to anchors, "back to top", images
    linking to badge services."""
    if (_BACK_TO_TOP.search(text) and len(text) < 40) or _READ_MORE.match(text.strip()):
        return True
    if _only_anchor_links_in(children):  # a table of contents written as paragraphs
        return True
    if text and not any(character.isalnum() for character in text):
        return True  # a separator drawn with symbols: ⸻, ~~~, • • •
    sources = [str(child.attrGet("src") or "") for child in children if child.type == "image"]
    if not sources:  # only tags, such as an <a id=…></a> anchor: nothing to read
        return not text.strip()
    badges = all(any(host in source for host in _BADGE_HOSTS) for source in sources)
    return badges and not text.strip(" |·-")


def _list(kind: str, tokens: Sequence[Token], index: int, start: int, end: int) -> Unit:
    items: list[Item] = []
    anchors = 0
    for position in range(index, len(tokens)):
        token = tokens[position]
        if token.level == 0 and token.nesting < 0 and token.type == f"{kind}_close":
            break
        if token.type == "list_item_open" and token.level == 1 and token.map:
            first = tokens[position + 1]
            heading = first.type == "heading_open"
            inline = tokens[position + 2] if heading or first.type == "paragraph_open" else None
            text = plain(inline, first_line=True) if inline else ""
            if inline and _only_anchor_links(inline):
                anchors += 1
            items.append(Item(token.map[0], token.map[1], text, heading))
    if items and anchors == len(items):  # a table of contents
        return Unit("noise", start, end)
    return Unit(kind, start, end, items=tuple(items))


def _quoted_line(tokens: Sequence[Token], index: int) -> str:
    """The text of the block quote whose tokens start at `index` when it is one paragraph
    or one heading and nothing more (a question set off as a quote: "> #### Explain…"),
    else ""."""
    kinds = [token.type for token in tokens[index : index + 4]]
    if kinds not in (
        ["paragraph_open", "inline", "paragraph_close", "blockquote_close"],
        ["heading_open", "inline", "heading_close", "blockquote_close"],
    ):
        return ""
    return plain(tokens[index + 1])


def _rows(tokens: Sequence[Token], index: int) -> tuple[tuple[str, ...], ...]:
    """The cells of the table whose tokens start at `index`, as Markdown."""
    rows: list[tuple[str, ...]] = []
    row: list[str] = []
    for token in tokens[index:]:
        if token.type == "table_close":
            break
        if token.type == "inline":
            row.append(token.content)
        elif token.type == "tr_close":
            rows.append(tuple(row))
            row = []
    return tuple(rows)


def _only_anchor_links(inline: Token) -> bool:
    return _only_anchor_links_in(inline.children or [])


def _only_anchor_links_in(children: Sequence[Token]) -> bool:
    """Tell whether the inline `children` are links to anchors of the page and nothing else."""
    links = [child for child in children if child.type == "link_open"]
    if not links or not all(str(link.attrGet("href") or "").startswith("#") for link in links):
        return False
    depth, outside = 0, ""
    for child in children:
        depth += (child.type == "link_open") - (child.type == "link_close")
        if depth == 0 and child.type == "text":
            outside += child.content
    return not outside.strip(" -–—|·•,.\u00a0")


def _details(tokens: Sequence[Token], index: int, lines: Sequence[str]) -> tuple[Unit, int]:
    """A `<details>` block from the html token at `index` to the line that closes it
    (often inside a paragraph: `</b></details>`); the index of the token after it."""
    first = tokens[index]
    assert first.map is not None
    start = first.map[0]
    depth, end = 0, len(lines)
    opened = next(n for n in range(start, len(lines)) if _DETAILS_OPEN.search(lines[n]))
    for number in range(opened, len(lines)):  # a block may open with a wrapper: <section>
        depth += len(_DETAILS_OPEN.findall(lines[number]))
        depth -= len(_DETAILS_CLOSE.findall(lines[number]))
        if depth <= 0:
            end = max(number + 1, first.map[1])
            break
    position = index + 1
    while position < len(tokens):
        token = tokens[position]
        if token.level == 0 and token.nesting >= 0 and token.map is not None:
            after = "\n".join(lines[end : token.map[1]])
            if token.map[0] >= end or _DETAILS_OPEN.search(after):
                break  # "</details>" then "<details>" on the next line: the next fold's
            end = max(end, token.map[1])
        position += 1
    closing = all(
        not line.strip() or _DETAILS_CLOSE.fullmatch(line.strip()) for line in lines[start:opened]
    )
    start = opened if closing else start  # the block opened with the fold before's close
    summary = _SUMMARY.search("\n".join(lines[start:end]))
    # The question is the summary's first line; what follows a <br> starts the answer.
    question = (
        _html_text(_SUMMARY_LINE.split(summary["text"].lstrip(), maxsplit=1)[0]) if summary else ""
    )
    return Unit("details", start, end, text=question), position


def _follow_ups(unit: Unit, lines: Sequence[str]) -> list[Unit]:
    """A `<details>` block, and the `<details>` nested in it, each a question of its own
    (a follow-up question); the outer one's answer is what comes before the first."""
    nested: list[tuple[int, int]] = []
    depth, opened = 0, None
    for number in range(unit.start, unit.end):
        opens = len(_DETAILS_OPEN.findall(lines[number]))
        if depth <= 1 < depth + opens:
            opened = number  # a second level begins
        depth += opens - len(_DETAILS_CLOSE.findall(lines[number]))
        if depth <= 1 and opened is not None:
            nested.append((opened, number + 1))
            opened = None
    if not nested:
        return [unit]
    found = [replace(unit, end=nested[0][0])]
    for start, end in nested:
        summary = _SUMMARY.search("\n".join(lines[start:end]))
        question = (
            _html_text(_SUMMARY_LINE.split(summary["text"].lstrip(), maxsplit=1)[0])
            if summary
            else ""
        )
        found.append(Unit("details", start, end, text=question))
    return found


def _html_text(fragment: str) -> str:
    text = html.unescape(_TAG.sub("", _BREAK.sub(" ", fragment)))
    return " ".join(text.split())


def has_markup(children: Sequence[Token]) -> bool:
    """Tell whether inline HTML among `children` formats the text: a line break, a
    picture, or a tag closed later (`<b>…</b>`). A lone `<div>` in a sentence about
    HTML is the author's text, shown as written."""
    return any(_markup(children, index) for index in range(len(children)))


def _markup(children: Sequence[Token], index: int) -> bool:
    child = children[index]
    if child.type != "html_inline":
        return False
    name = _TAG_NAME.match(child.content)
    if name is None:
        return False
    tag = name["name"].lower()
    if tag == "a" or child.content.rstrip().endswith("/>"):
        return True  # an anchor, a self-closed tag: markup, never the author's words
    if tag in _VOID_TAGS or name["close"]:
        return tag in _VOID_TAGS or any(_opens(other, tag) for other in children[:index])
    return any(_closes(other, tag) for other in children[index + 1 :])


def _opens(child: Token, tag: str) -> bool:
    match = _TAG_NAME.match(child.content) if child.type == "html_inline" else None
    return match is not None and not match["close"] and match["name"].lower() == tag


def _closes(child: Token, tag: str) -> bool:
    match = _TAG_NAME.match(child.content) if child.type == "html_inline" else None
    return match is not None and bool(match["close"]) and match["name"].lower() == tag


def line_text(line: str) -> str:
    """The text a reader sees of one line of Markdown: its inline markup and HTML
    formatting gone, as `plain` gives it."""
    return plain(_PARSER.parseInline(line.strip())[0])


def plain(inline: Token | None, first_line: bool = False) -> str:
    """The text of an inline token (or its `first_line`) without Markdown markup or
    decorative emoji."""
    if inline is None:
        return ""
    pieces = []
    children = inline.children or []
    for position, child in enumerate(children):
        if first_line and child.type in ("softbreak", "hardbreak"):
            break
        if child.type == "text":
            pieces.append(child.content)
        elif child.type == "code_inline":
            pieces.append(f"`{child.content}`")
        elif child.type in ("softbreak", "hardbreak") or (
            child.type == "html_inline" and child.content.lower().startswith("<br")
        ):
            pieces.append(" ")
        elif child.type == "html_inline" and not _markup(children, position):
            pieces.append(child.content)  # `<div>` in "What is <div>?" is text
    text = "".join(pieces)
    if not text.isascii():  # decorative emoji and their joiners
        text = "".join(
            character
            for character in text
            if not is_decoration(character) and character not in "\ufe0f\u200d"
        )
    return " ".join(text.split())
