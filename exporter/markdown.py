"""Markdown → HTML (for Anki) and → blocks of styled spans (for Word), from one parse."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from markdown_it import MarkdownIt
from markdown_it.common.utils import escapeHtml
from markdown_it.token import Token

SAFE_LINK_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.IGNORECASE)


@dataclass(frozen=True)
class Span:
    """A run of text with one formatting; `link` is the target of a hyperlink."""

    text: str
    bold: bool = False
    italic: bool = False
    strike: bool = False
    code: bool = False
    link: str | None = None
    image: str | None = None  # the target of an inline image; `text` is its alt text


@dataclass(frozen=True)
class ListItem:
    """Where a paragraph sits in a list.

    `list_number` counts the lists of one text so that each numbered list can
    restart at its own `start`; `continues` marks a later paragraph of an item,
    which is indented but carries no bullet or number.
    """

    list_number: int
    ordered: bool
    start: int
    depth: int
    continues: bool


@dataclass(frozen=True)
class Paragraph:
    """A paragraph or heading (`heading_level` > 0), maybe quoted or in a list."""

    spans: tuple[Span, ...]
    heading_level: int = 0
    quote_depth: int = 0
    list_item: ListItem | None = None


@dataclass(frozen=True)
class CodeBlock:
    """Preformatted text, shown in a monospace font."""

    text: str


@dataclass(frozen=True)
class Table:
    """A table whose first row is the header; each cell is a tuple of spans."""

    rows: tuple[tuple[tuple[Span, ...], ...], ...]


@dataclass(frozen=True)
class Rule:
    """A thematic break (`---`)."""


Block = Paragraph | CodeBlock | Table | Rule


@dataclass(frozen=True)
class RenderedMarkdown:
    """One Markdown text rendered for both outputs."""

    html: str
    blocks: tuple[Block, ...]
    images: tuple[str, ...] = ()  # the targets of its images, as written


def is_safe_link(url: str) -> bool:
    """Tell whether a link target may appear in the outputs: no scheme, or a safe one."""
    scheme = _SCHEME.match(url)
    return scheme is None or scheme.group(1).lower() in SAFE_LINK_SCHEMES


def _make_parser() -> MarkdownIt:
    # Raw HTML off: whatever the user types is shown as text, never run by Anki.
    parser = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])
    parser.validateLink = is_safe_link  # type: ignore[method-assign]
    return parser


_PARSER = _make_parser()


def render_markdown(text: str) -> RenderedMarkdown:
    """Parse `text` once and render it as HTML and as Word-ready blocks."""
    env: dict[str, object] = {}
    tokens = _PARSER.parse(text, env)
    html = _PARSER.renderer.render(tokens, _PARSER.options, env).rstrip("\n")
    images = tuple(
        str(child.attrGet("src") or "")
        for token in tokens
        for child in token.children or []
        if child.type == "image"
    )
    return RenderedMarkdown(html, _BlockCollector().collect(tokens), images)


def with_image_names(html: str, names: Mapping[str, str]) -> str:
    """`html` with each image target (as the parser gave it) replaced by its name."""
    for target, name in names.items():
        html = html.replace(f'src="{escapeHtml(target)}"', f'src="{escapeHtml(name)}"')
    return html


def render_texts(texts: Iterable[str]) -> dict[str, RenderedMarkdown]:
    """Render each distinct text of `texts` once; the result is keyed by the text."""
    rendered: dict[str, RenderedMarkdown] = {}
    for text in texts:
        if text not in rendered:
            rendered[text] = render_markdown(text)
    return rendered


class _BlockCollector:
    """Turns markdown-it's flat token stream into blocks, tracking lists and quotes."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self.lists: list[tuple[int, bool, int]] = []  # (list number, ordered, start)
        self.list_count = 0
        self.item_started = False
        self.quote_depth = 0
        self.heading_level = 0
        self.table_rows: list[tuple[tuple[Span, ...], ...]] | None = None
        self.table_row: list[tuple[Span, ...]] = []

    def collect(self, tokens: Sequence[Token]) -> tuple[Block, ...]:
        for token in tokens:
            self._take(token)
        return tuple(self.blocks)

    def _take(self, token: Token) -> None:
        kind = token.type
        if kind in ("bullet_list_open", "ordered_list_open"):
            self.list_count += 1
            start = int(token.attrGet("start") or 1)
            self.lists.append((self.list_count, kind == "ordered_list_open", start))
        elif kind in ("bullet_list_close", "ordered_list_close"):
            self.lists.pop()
        elif kind == "list_item_open":
            self.item_started = True
        elif kind == "blockquote_open":
            self.quote_depth += 1
        elif kind == "blockquote_close":
            self.quote_depth -= 1
        elif kind == "heading_open":
            self.heading_level = int(token.tag[1:])
        elif kind == "heading_close":
            self.heading_level = 0
        elif kind == "table_open":
            self.table_rows = []
        elif kind == "tr_close" and self.table_rows is not None:
            self.table_rows.append(tuple(self.table_row))
            self.table_row = []
        elif kind == "table_close" and self.table_rows is not None:
            self.blocks.append(Table(tuple(self.table_rows)))
            self.table_rows = None
        elif kind == "inline" and self.table_rows is not None:
            self.table_row.append(inline_spans(token.children or []))
        elif kind == "inline":
            spans = inline_spans(token.children or [])
            paragraph = Paragraph(spans, self.heading_level, self.quote_depth, self._list_item())
            self.blocks.append(paragraph)
        elif kind in ("fence", "code_block"):
            self.item_started = False
            self.blocks.append(CodeBlock(token.content.rstrip("\n")))
        elif kind == "hr":
            self.blocks.append(Rule())

    def _list_item(self) -> ListItem | None:
        if not self.lists:
            return None
        number, ordered, start = self.lists[-1]
        item = ListItem(number, ordered, start, len(self.lists), continues=not self.item_started)
        self.item_started = False
        return item


def inline_spans(children: Sequence[Token]) -> tuple[Span, ...]:
    """Turn the inline tokens of one paragraph into spans, merging equal neighbours."""
    spans: list[Span] = []
    bold = italic = strike = 0
    link: str | None = None

    def add(text: str, code: bool = False) -> None:
        span = Span(text, bold > 0, italic > 0, strike > 0, code, link)
        if spans and _formatting(spans[-1]) == _formatting(span):
            spans[-1] = replace(spans[-1], text=spans[-1].text + text)
        else:
            spans.append(span)

    for child in children:
        kind = child.type
        if kind == "text":
            add(child.content)
        elif kind == "code_inline":
            add(child.content, code=True)
        elif kind == "softbreak":
            add(" ")
        elif kind == "hardbreak":
            add("\n")
        elif kind == "image":
            spans.append(Span(child.content, image=str(child.attrGet("src") or "")))
        elif kind in ("strong_open", "strong_close"):
            bold += 1 if kind.endswith("open") else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind.endswith("open") else -1
        elif kind in ("s_open", "s_close"):
            strike += 1 if kind.endswith("open") else -1
        elif kind == "link_open":
            link = str(child.attrGet("href") or "") or None
        elif kind == "link_close":
            link = None
    return tuple(spans)


def _formatting(span: Span) -> tuple[bool, bool, bool, bool, str | None, str | None]:
    return span.bold, span.italic, span.strike, span.code, span.link, span.image
