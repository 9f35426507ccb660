"""Anki field HTML → the project's Markdown, for `exporter pull`.

A field holds what `render_markdown` made of the data, or that HTML as Anki's editor
left it (`<b>`, `<div>` lines, `&nbsp;`, styled spans, pasted web pages). The first
converts back to Markdown that renders to the very same HTML; the second to the nearest
Markdown, naming in `dropped` what Markdown cannot say (colours, underline, …).
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from html import escape
from html.entities import html5
from types import MappingProxyType
from typing import Any, TypeGuard

from bs4 import BeautifulSoup, MarkupResemblesLocatorWarning
from bs4.element import Comment, NavigableString, Tag
from markdown_it.common.utils import isMdAsciiPunct, isPunctChar, isWhiteSpace
from markdownify import MarkdownConverter

from exporter.markdown import is_link, render_markdown
from exporter.strict_yaml import UNSTORABLE

_NO_TARGETS: Mapping[str, str] = MappingProxyType({})
_BETWEEN_BLOCKS = re.compile(r">\s+<")


@dataclass(frozen=True)
class Converted:
    markdown: str
    dropped: tuple[str, ...]  # sorted, distinct words naming what was left out; () if nothing


def html_to_markdown(html: str, image_targets: Mapping[str, str] = _NO_TARGETS) -> Converted:
    """Markdown whose rendering is `html`, or the nearest Markdown when html has no
    Markdown form. An <img src=S> becomes ![alt](image_targets.get(S, S))."""
    had_nul = _BRACKET in html  # no data file holds one, and the writer uses it
    html = html.replace(_BRACKET, "")
    try:
        return _storable(_markdown(html, image_targets), had_nul)
    except RecursionError:  # the walk is recursive: a field nested thousands deep
        lines = _soup(html).get_text("\n").split("\n")
        paragraphs = "".join(f"<p>{escape(line.strip())}</p>" for line in lines if line.strip())
        text = _markdown(paragraphs, image_targets)
        return _storable(Converted(text.markdown, ("deep nesting",)), had_nul)


def _storable(converted: Converted, had_nul: bool = False) -> Converted:
    """`converted` without the characters a data file cannot hold (NUL, other controls)."""
    if not had_nul and not UNSTORABLE.search(converted.markdown):
        return converted
    dropped = tuple(sorted({*converted.dropped, "control characters"}))
    return Converted(UNSTORABLE.sub("", converted.markdown), dropped)


def _markdown(html: str, image_targets: Mapping[str, str]) -> Converted:
    writer = _MarkdownWriter(image_targets)
    markdown = writer.convert(html)
    if writer.exact and writer.marks and render_markdown(markdown).html != html:
        # Emphasis in emphasis can read otherwise: try other marks, then leaving a
        # literal * beside a mark unescaped, as the author may have (`***a*b*`).
        for style, escapes in (("stars", 1), ("underscores", 1), ("mixed", 0), ("stars", 0)):
            other = _MarkdownWriter(image_targets, style, bool(escapes))
            if render_markdown(written := other.convert(html)).html == html:
                return Converted(written, tuple(sorted(other.dropped)))
        # Emphasis nested three deep may have no Markdown that writes it so; a field
        # whose blocks an editor joined without line breaks only reads back joined.
        nested = ("<em>" in html and "<strong>" in html) or html.count("<em>") > 1
        rendered = render_markdown(markdown).html
        if nested and _BETWEEN_BLOCKS.sub("><", rendered) != _BETWEEN_BLOCKS.sub("><", html):
            writer.dropped.add("emphasis nested this way")
    return Converted(markdown, tuple(sorted(writer.dropped)))


def html_to_text(html: str) -> Converted:
    """Plain text for plain-text fields (a question, a theme title): tags removed, entities
    decoded, <br> and block ends as newlines; any formatting is named in `dropped`."""
    dropped: set[str] = set()
    try:
        walked = "".join(_walk_text(_soup(html), dropped))
    except RecursionError:  # a field nested thousands deep: its text alone
        walked, dropped = _soup(html).get_text("\0"), {"deep nesting"}
    # A block's edge (\0) starts a new line unless a <br> already did.
    joined = re.sub(r"[\0\n]*\0[\0\n]*", lambda m: "\n" * max(1, m[0].count("\n")), walked)
    text = "\n".join(line.strip(" \t") for line in joined.split("\n"))
    return _storable(Converted(re.sub(r"\n{3,}", "\n\n", text).strip("\n"), tuple(sorted(dropped))))


# Markdown's blocks, set apart by blank lines; and the tags that only start a new line.
_BLOCKS = frozenset("p h1 h2 h3 h4 h5 h6 pre ul ol blockquote hr table".split())
_LINES = frozenset(
    "[document] html body div section article main header footer nav aside figure"
    " figcaption center address dl dt dd details summary li form fieldset".split()
)
_EMPHASIS = ("em", "strong", "i", "b")
_HEADINGS = frozenset("h1 h2 h3 h4 h5 h6".split())
_INLINE_ONLY = _HEADINGS | {"td", "th"}
_BLOCK_PARENTS = _BLOCKS | _LINES | {"td", "th"}
_OWN_WALK = frozenset("ul ol table pre hr".split())
_SKIPPED = {"script": "scripts", "style": "styles", "head": "", "template": "", "noscript": ""}
_SILENT = frozenset(
    "[document] html body div span p section article main header footer nav aside figure"
    " figcaption font o:p wbr meta link thead tbody tfoot tr th td br a img b strong i em"
    " s strike del code kbd samp tt pre ul ol li blockquote hr table h1 h2 h3 h4 h5 h6"
    " dl dt dd details summary form fieldset address".split()
)
_TAG_WORDS = {
    "u": "underline",
    "ins": "underline",
    "sup": "superscript",
    "sub": "subscript",
    "mark": "highlight",
    "small": "font sizes",
    "big": "font sizes",
    "center": "alignment",
}
# What the renderer writes: HTML made of these alone is converted byte for byte.
_RENDERED = {
    "p": (),
    "em": (),
    "strong": (),
    "s": (),
    "code": ("class",),
    "pre": (),
    "a": ("href", "title"),
    "img": ("src", "alt", "title"),
    "br": (),
    "h1": (),
    "h2": (),
    "h3": (),
    "h4": (),
    "h5": (),
    "h6": (),
    "ul": (),
    "ol": ("start",),
    "li": (),
    "blockquote": (),
    "hr": (),
    "table": (),
    "thead": (),
    "tbody": (),
    "tr": (),
    "th": ("style",),
    "td": ("style",),
}
_PLAIN_COLOURS = frozenset(
    "inherit initial unset transparent none currentcolor windowtext black #000 #000000"
    " rgb(0,0,0) white #fff #ffffff rgb(255,255,255) rgba(0,0,0,0)".split()
)
_ALIGNMENTS = {"left": ":---", "center": ":---:", "right": "---:"}
_NBSP_ENTITY = re.compile(r"&(?:nbsp|#160|#x0*a0);", re.IGNORECASE)
_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|([A-Za-z][A-Za-z0-9]{1,31}));")
_AUTOLINK = re.compile(
    r"<(?:[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>]*|[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[^\s<>]*)(?:>|$)"
)
_URI = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^\s<>\\%]*")
_EMAIL = re.compile(r"[A-Za-z0-9.!#$%&'*+/=?^_`{|}~\-]+@[A-Za-z0-9.\-]+")
_HARD_BREAK = re.compile(r"(?<!\\)(?:\\\\)*\\\n")
_BRACKET = "\0"  # a "[" written before it is known whether to escape it (see _brackets)


def _soup(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        # Short fields ("index.html", "https://…") look like file names to BeautifulSoup.
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        # Every tag keeps its whitespace-only text as it is: "a  b" must not become "a b".
        return BeautifulSoup(
            _NBSP_ENTITY.sub(" ", html), "html.parser", preserve_whitespace_tags={"[document]"}
        )


def _looks_rendered(html: str, soup: BeautifulSoup) -> bool:
    """Whether `html` holds only what the renderer writes (Anki's editor writes &nbsp;)."""
    if _NBSP_ENTITY.search(html):
        return False
    for tag in soup.find_all(True):
        allowed = _RENDERED.get(tag.name)
        if allowed is None or any(name not in allowed for name in tag.attrs):
            return False
    return True


def _style_words(tag: Tag) -> tuple[set[str], set[str]]:
    """(the formatting of `tag` that Markdown has: bold, italic, strike; the words naming
    the formatting it has not)."""
    kept: set[str] = set()
    lost: set[str] = set()
    if tag.name == "font":
        lost |= {word for name, word in _FONT_WORDS.items() if tag.get(name)}
    for declaration in str(tag.get("style") or "").split(";"):
        name, _, value = declaration.partition(":")
        name, value = name.strip().lower(), "".join(value.lower().split())
        if name in ("color", "background", "background-color") and value not in _PLAIN_COLOURS:
            lost.add("colours")
        elif name == "font-size":
            lost.add("font sizes")
        elif name == "font-family":
            lost.add("fonts")
        elif name == "font-weight" and (value == "bold" or (value[:1] in "6789" and value)):
            kept.add("bold")
        elif name == "font-style" and value in ("italic", "oblique"):
            kept.add("italic")
        elif name.startswith("text-decoration") and "line-through" in value:
            kept.add("strike")
        elif name.startswith("text-decoration") and "underline" in value:
            lost.add("underline")
        elif name == "vertical-align" and value in ("super", "sub"):
            lost.add("superscript" if value == "super" else "subscript")
        elif name == "text-align" and value in ("center", "right") and tag.name not in "thtd":
            lost.add("alignment")
    return kept, lost


_FONT_WORDS = {"color": "colours", "size": "font sizes", "face": "fonts"}


def _is_bold_off(tag: Tag) -> bool:
    """Google Docs wraps a whole copy in `<b style="font-weight:normal">`."""
    style = "".join(str(tag.get("style") or "").lower().split())
    return "font-weight:normal" in style or "font-weight:400" in style


def _ends_in_hard_break(row: str) -> bool:
    return (len(row) - len(row.rstrip("\\"))) % 2 == 1


def _is_space(char: str) -> bool:
    return isWhiteSpace(ord(char))


def _is_punct(char: str) -> bool:
    return isMdAsciiPunct(ord(char)) or isPunctChar(char)


def _entity(char: str) -> str:
    return f"&#x{ord(char):X};"


def _backslashed(text: str, specials: str) -> str:
    """`text` with a backslash before each of `specials` and before each backslash that a
    punctuation character follows."""
    out = []
    for index, char in enumerate(text):
        after = text[index + 1 : index + 2]
        if char in specials or (char == "\\" and (after in "\n" or isMdAsciiPunct(ord(after)))):
            out.append("\\")
        out.append(char)
    return _ENTITY.sub(_entity_escaped, "".join(out))


def _entity_escaped(match: re.Match[str]) -> str:
    name = match.group(1)
    return match.group() if name and name + ";" not in html5 else "\\" + match.group()


def _destination(url: str) -> str:
    """`url` as a link destination that reads back as `url`."""
    depth = 0
    for char in url:
        depth += {"(": 1, ")": -1}.get(char, 0)
        if depth < 0:
            break
    if not url or depth or any(ord(char) <= 0x20 or char in "<>" for char in url):
        return "<" + _backslashed(url, "<>") + ">"
    return _backslashed(url, "")


def _title(title: str | None) -> str:
    return f' "{_backslashed(title, chr(34))}"' if title else ""


class _MarkdownWriter(MarkdownConverter):
    """markdownify's converter, with its own walk of the tree: markdownify collapses runs
    of spaces, trims text at block edges, joins blocks with its own blank lines and
    escapes characters wherever they stand; HTML the renderer wrote must come back to the
    very Markdown characters that write it, so the walk (process_tag, process_text) and
    the escaping are this module's, and each tag is still written by a convert_* method.
    """

    def __init__(
        self, image_targets: Mapping[str, str], emphasis: str = "mixed", edges: bool = True
    ) -> None:
        super().__init__()
        self.escape_edges = edges  # escape a run of * _ ~ at the edge of a text
        self.image_targets = image_targets
        self.emphasis = emphasis  # "mixed", "stars" or "underscores" where they fit
        self.dropped: set[str] = set()
        self.exact = True  # HTML as the renderer wrote it, not as an editor left it
        self.marks: dict[int, str] = {}  # the emphasis mark written for each element
        self.holds_blocks: dict[int, bool] = {}

    def convert(self, html: str) -> str:
        soup = _soup(html)
        self.exact = _looks_rendered(html, soup)
        self._hoist_breaks(soup)
        self._mark_emphasis(soup)
        return "\n\n".join(self._blocks(soup, set())).strip("\n")

    # The walk ----------------------------------------------------------------------

    def process_tag(self, node: Tag, parent_tags: set[str] | None = None) -> str:
        parent_tags = set() if parent_tags is None else parent_tags
        name = node.name
        if name in _SKIPPED:
            if _SKIPPED[name]:
                self.dropped.add(_SKIPPED[name])
            return ""
        self._note(node)
        inner = parent_tags | {name}
        if name in _OWN_WALK:
            text = ""  # its convert_* method walks what it holds
        elif name in _BLOCKS or name in _LINES or self._holds_blocks(node):
            text = "\n\n".join(self._blocks(node, inner))
        else:
            text = "".join(self.process_element(child, inner) for child in node.children)
        heading = re.fullmatch(r"h([1-6])", name)
        if heading:
            return self.convert_hN(int(heading[1]), node, text, parent_tags)
        convert = getattr(self, "convert_" + re.sub(r"[\[\]:-]", "_", name), None)
        return str(convert(node, text, parent_tags)) if convert else text

    def process_element(self, node: Any, parent_tags: set[str] | None = None) -> str:
        if isinstance(node, Comment) or not isinstance(node, NavigableString | Tag):
            return ""
        if isinstance(node, NavigableString):
            return self.process_text(node, parent_tags)
        return self.process_tag(node, parent_tags)

    def process_text(self, el: NavigableString, parent_tags: set[str] | None = None) -> str:
        if type(el) is not NavigableString:
            return ""  # a comment, a doctype, a CDATA section
        text = str(el)
        if _previous(el, "br"):
            text = text.removeprefix("\n")  # the renderer writes "<br />\n"
        if not self.exact:
            text = re.sub(r"[ \t\r\n]*\n[ \t\r\n]*", "\n", text)
        return self._escaped(text, el, parent_tags or set())

    def _hoist_breaks(self, soup: BeautifulSoup) -> None:
        """Move each <br> that ends an inline tag (or starts one, in editor HTML) out of
        it, with the white space beside it: `<b>x<br></b>` is `**x**` and a break, not
        `**x\\` and a stray `**`. A <br> the renderer wrote (at the start of emphasis, or
        before its line feed and more at the end of one) stays."""
        breaks = soup.find_all("br")
        edges = [(br, "next_siblings") for br in reversed(breaks)]
        edges += [] if self.exact else [(br, "previous_siblings") for br in breaks]
        for br, side in edges:
            while (parent := br.parent) is not None and parent.name not in _BLOCK_PARENTS:
                beside = list(getattr(br, side))
                if (
                    self._holds_blocks(parent)
                    or any(isinstance(n, Tag) or (_is_text(n) and n.strip()) for n in beside)
                    or (self.exact and beside)
                ):
                    break
                if side == "next_siblings":
                    parent.insert_after(br, *beside)
                else:
                    parent.insert_before(*reversed(beside), br)

    def _holds_blocks(self, node: Tag) -> bool:
        if id(node) not in self.holds_blocks:
            self.holds_blocks[id(node)] = any(
                isinstance(inner, Tag) and inner.name in _BLOCKS | _LINES
                for inner in node.descendants
            )
        return self.holds_blocks[id(node)]

    def _note(self, node: Tag) -> None:
        """Add to `dropped` what `node` is or has that Markdown cannot say."""
        name = node.name
        if name in _TAG_WORDS:
            self.dropped.add(_TAG_WORDS[name])
        elif name not in _SILENT:
            self.dropped.add(name)
        self.dropped |= _style_words(node)[1]

    def _pieces(self, node: Tag, parent_tags: set[str]) -> Iterator[tuple[str, str]]:
        """What `node` holds, flattened: ("text", inline Markdown), ("br", ""), ("edge", "")
        where a line-starting tag (a <div>) opens or closes, ("block", Markdown)."""
        for child in node.children:
            if isinstance(child, NavigableString):
                yield "text", self.process_element(child, parent_tags)
            elif not isinstance(child, Tag):
                continue
            elif child.name == "br":
                yield "br", ""
            elif child.name in _BLOCKS and not (
                child.name in _HEADINGS and parent_tags & _HEADINGS
            ):
                yield "block", self.process_tag(child, parent_tags)
            elif child.name in _SKIPPED:
                self.process_tag(child, parent_tags)
            elif child.name in _LINES or child.name in _HEADINGS or self._holds_blocks(child):
                # A heading in a heading is a line of it: "## L", not "## #### L".
                self._note(child)
                yield "edge", ""
                yield from self._pieces(child, parent_tags | {child.name})
                yield "edge", ""
            else:
                yield "text", self.process_tag(child, parent_tags)

    def _blocks(self, node: Tag, parent_tags: set[str]) -> list[str]:
        """The Markdown blocks of what `node` holds. Lines (a <div> each, or ended by a
        <br>) make one paragraph, joined by hard breaks; an empty line ends it, unless
        the renderer wrote it (two hard breaks in a row)."""
        blocks: list[str] = []
        lines: list[str] = []
        line: list[str] = []

        after_block = [node.name != "p"]

        def end_line(broken: bool, before_block: bool = True) -> None:
            # The renderer's line feeds beside blocks are layout; elsewhere they are text.
            text = "".join(line)
            if not self.exact:
                text = text.strip("\n")
            elif text.strip("\n"):
                text = text.rstrip("\n") if before_block else text
                text = text.lstrip("\n") if after_block[0] else text
            else:
                text = ""
            line.clear()
            after_block[0] = False
            if text.strip("\n" if self.exact else " \t\n\r") or (broken and self.exact):
                lines.append(text)
            elif broken:
                end_paragraph()

        def end_paragraph() -> None:
            if lines:
                markdown = "\\\n".join(lines)
                if node.name in _INLINE_ONLY:  # one line, whatever its blocks: see convert_hN
                    blocks.append(self._paragraph(markdown, unblock=False))
                else:
                    blocks.append(self._paragraph(_brackets(markdown)))
                lines.clear()

        for kind, markdown in self._pieces(node, parent_tags):
            if kind == "text":
                line.append(markdown)
            elif kind == "br":
                end_line(True, before_block=False)
            elif kind == "edge":
                end_line(False)
            else:
                end_line(False)
                end_paragraph()
                after_block[0] = True
                if markdown:
                    blocks.append(markdown)
        end_line(False, before_block=node.name not in ("li", "p"))
        end_paragraph()
        return blocks

    # Inline text -------------------------------------------------------------------

    def _escaped(self, text: str, el: NavigableString, parent_tags: set[str]) -> str:
        """`text` with a backslash before each character that Markdown would read as
        markup where it stands, and only there."""
        if parent_tags & {"pre", "code", "kbd", "samp", "tt"}:
            return text
        out: list[str] = []
        index = 0
        length = len(text)
        while index < length:
            char = text[index]
            end = index + 1
            escape = False
            if char in "*_~":
                while end < length and text[end] == char:
                    end += 1
                escape = self._is_delimiter(text, index, end, el)
            elif char == "`":
                escape = True
            elif char == "\\":
                after = text[end : end + 1]
                escape = not after or after == "\n" or isMdAsciiPunct(ord(after))
            elif char in "[]":
                # Outside a link a "[" waits for its paragraph: see _brackets.
                escape = "a" in parent_tags
            elif char == "!":
                following = el.next_sibling
                escape = end == length and isinstance(following, Tag) and following.name == "a"
            elif char == "<":
                escape = _AUTOLINK.match(text, index) is not None
            elif char == "&":
                match = _ENTITY.match(text, index)
                escape = match is not None and _entity_escaped(match) != match.group()
            elif char == "|":
                escape = bool(parent_tags & {"td", "th"})
            run = text[index:end] if char != "[" or escape else _BRACKET
            out.append("".join("\\" + c for c in run) if escape else run)
            index = end
        return "".join(out)

    def _is_delimiter(self, text: str, start: int, end: int, el: NavigableString) -> bool:
        """Whether the run text[start:end] of *, _ or ~ could open or close emphasis (or
        strikethrough); a run at the edge of the text, beside unknown Markdown, could."""
        if start == 0 or end == len(text):
            return self.escape_edges or text[start] == "~"
        marker = text[start]
        if marker == "~" and end - start < 2:
            return False
        before, after = text[start - 1], text[end]
        left = not _is_space(after) and (
            not _is_punct(after) or _is_space(before) or _is_punct(before)
        )
        right = not _is_space(before) and (
            not _is_punct(before) or _is_space(after) or _is_punct(after)
        )
        if marker == "_":
            return (left and (not right or _is_punct(before))) or (
                right and (not left or _is_punct(after))
            )
        return left or right

    def _edges(self, text: str, start: bool = True, end: bool = True) -> str:
        """`text` whose first and last whitespace Markdown would trim: kept as character
        references in HTML the renderer wrote, trimmed in HTML an editor left."""
        if not self.exact:
            return (
                text.strip(" \t")
                if start and end
                else text.lstrip(" \t")
                if start
                else (text.rstrip(" \t") if end else text)
            )
        if start and text and text[0].isspace():
            text = _entity(text[0]) + text[1:]
        if end and text and text[-1].isspace():
            head = text[:-1]  # a lone backslash before it must stay one: "\\&#x20;"
            text = head + "\\" * _ends_in_hard_break(head) + _entity(text[-1])
        return text

    def _paragraph(self, markdown: str, unblock: bool = True) -> str:
        """A paragraph's inline Markdown, each line made safe from being read as the
        start of a block (a heading, a list, a quote, a rule, a fence, a table row…)."""
        while _ends_in_hard_break(markdown.removesuffix("\n")) and markdown.endswith("\n"):
            markdown = markdown[:-2]  # a trailing <br> shows nothing
        # Line feeds in a row, or at an end, are character references in the Markdown.
        markdown = re.sub(r"\n(\n+)", lambda m: "\n" + _entity("\n") * len(m[1]), markdown)
        if markdown.startswith("\n"):
            markdown = _entity("\n") + markdown[1:]
        if markdown.endswith("\n") and not _ends_in_hard_break(markdown[:-1]):
            markdown = markdown[:-1] + _entity("\n")
        if re.match(r"\[(?:\\.|[^\]\\])*\]:", markdown):
            markdown = "\\" + markdown  # not a link reference definition
        rows = markdown.split("\n")
        out = []
        for number, row in enumerate(rows):
            last = number == len(rows) - 1
            if _ends_in_hard_break(row) and not self.exact:
                row = row[:-1].rstrip(" \t") + "\\"
            row = self._edges(row, True, last or not _ends_in_hard_break(row))
            out.append(_unblocked(row, number == 0) if unblock else row)
        return "\n".join(out)

    # Inline tags -------------------------------------------------------------------

    def _wrapped(self, text: str, mark: str, el: Tag) -> str:
        """`text` between marks; an editor's `<b>word </b>` is `**word** `."""
        if not text:
            return ""
        if self.exact:
            return mark + self._edges(text) + mark
        if not text.strip():
            return text
        lead = text[: len(text) - len(text.lstrip(" \t"))]
        trail = text[len(text.rstrip(" \t")) :]
        return lead + mark + text.strip(" \t") + mark + trail

    def _mark_emphasis(self, soup: BeautifulSoup) -> None:
        """Choose each emphasis's mark, parents and left neighbours first: `*` or `**`;
        `_` or `__` where stars would run into the stars beside them (`<em>a</em><em>b</em>`
        is `*a*_b_`, `<strong><em>a</em></strong>` is `**_a_**`), unless inside a word."""
        for el in soup.find_all(_EMPHASIS):
            star, line = ("*", "_") if el.name in ("em", "i") else ("**", "__")
            before, after = _beside(el, "previous_sibling"), _beside(el, "next_sibling")
            # Maybe through <s> or <a>; one that holds blocks writes no marks (_pieces).
            holder = next(
                (p for p in el.parents if p.name in _EMPHASIS and not self._holds_blocks(p)), None
            )
            parent = holder.name if holder else ""
            outer = self.marks.get(id(holder), "")[:1]
            direct = holder is el.parent
            kind = ("em", "i") if el.name in ("em", "i") else ("strong", "b")
            if before is not None:  # marks side by side must differ
                clash = self.marks.get(id(before), "*")[0] == "*"
            elif parent in kind and (kind[0] == "em" or not direct or not _alone(el)):
                clash = outer == "*"  # its stars would close the outer emphasis
            elif el.name in ("em", "i") and parent in _EMPHASIS and direct and _at_edge(el):
                # `***a***` reads as <em><strong>, `***a*b**` may too
                clash = outer == "*" and (_alone(el) or _fits_underscore(el.parent or el))
            elif parent in _EMPHASIS and direct and _at_edge(el) and not _alone(el):
                # `*a**:***`: after punctuation its stars may close the outer ones
                clash = outer == "*"
            else:
                clash = after is not None and not _fits_underscore(after)
            # An emphasis of its kind inside a word inside it takes the stars.
            inner = el.find_all(list(kind), recursive=False)
            clash = clash or any(not _fits_underscore(child) for child in inner)
            if self.emphasis != "mixed":
                clash = self.emphasis == "underscores"
            self.marks[id(el)] = line if clash and _fits_underscore(el) else star

    def convert_em(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrapped(text, self.marks.get(id(el), "*"), el)

    convert_i = convert_em

    def convert_strong(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        if el.name == "b" and _is_bold_off(el):
            return text
        return self._wrapped(text, self.marks.get(id(el), "**"), el)

    convert_b = convert_strong

    def convert_s(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return self._wrapped(text, "~~", el)

    convert_del = convert_strike = convert_s

    def convert_span(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        kept = _style_words(el)[0]
        for word, mark in (("italic", "*"), ("bold", "**"), ("strike", "~~")):
            if word in kept:
                text = self._wrapped(text, mark, el)
        return text

    convert_font = convert_span

    def convert_code(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        for br in el.find_all("br"):
            br.replace_with(" ")  # a code span holds no line break
            self.dropped.add("line breaks")
        code = el.get_text()
        if not self.exact:
            code = code.replace("\n", " ")
        if not code:
            return ""
        fence = "`" * (max(map(len, re.findall("`+", code)), default=0) + 1)
        if code[0] == "`" or code[-1] == "`" or (code[0] == code[-1] == " " and code.strip(" ")):
            code = f" {code} "
        if parent_tags & {"td", "th"}:
            code = code.replace("|", "\\|")
        return fence + code + fence

    convert_kbd = convert_samp = convert_tt = convert_code

    def convert_br(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "\\\n"

    def convert_a(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        href = el.get("href")
        if not isinstance(href, str):
            return text
        if not is_link(href):
            self.dropped.add("links")
            return text
        title = el.get("title")
        shown = el.get_text()
        if not title and len(el.contents) == 1 and isinstance(el.contents[0], NavigableString):
            if shown == href and _URI.fullmatch(href):
                return f"<{href}>"
            if href == "mailto:" + shown and _EMAIL.fullmatch(shown):
                return f"<{shown}>"
        return f"[{text}]({_destination(href)}{_title(_text(title))})"

    def convert_img(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        src = _text(el.get("src")) or ""
        if not src:
            self.dropped.add("images")
            return _backslashed(_text(el.get("alt")) or "", "*_`[]<~|")
        alt = _backslashed(_text(el.get("alt")) or "", "*_`[]<~!" + "|" * bool(parent_tags))
        target = self.image_targets.get(src, src)
        return f"![{alt}]({_destination(target)}{_title(_text(el.get('title')))})"

    # Blocks ------------------------------------------------------------------------

    def convert_p(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        # An empty paragraph is what a link to nothing, which the renderer unlinks, shows.
        return text if text or not self.exact else f"[{el.get_text()}]()"

    def convert_hN(self, n: int, el: Tag, text: str, parent_tags: set[str]) -> str:
        text = _brackets(text.strip("\n"))
        if "\n" in text and n <= 2:
            return self._paragraph(text) + ("\n===" if n == 1 else "\n---")
        text = _HARD_BREAK.sub(" ", text).replace("\n", " ")
        text = re.sub(r"(^|[ \t])(#+[ \t]*)$", r"\1\\\2", text)
        text = self._edges(text)
        return "#" * min(n, 6) + (" " + text if text else "")

    def convert_pre(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        for br in el.find_all("br"):
            br.replace_with("\n")
        code = el.get_text()
        # Code that does not end in a line feed is a fence left open at the very end.
        unclosed = self.exact and code and not code.endswith("\n")
        if code and not code.endswith("\n") and not self.exact:
            code += "\n"
        language = ""
        holder = el.find("code")
        for name in holder.get("class") or () if isinstance(holder, Tag) else ():
            if name.startswith("language-") and not language:
                language = name.removeprefix("language-")
        mark = "`"
        if "`" in language:
            mark = "~"
        longest = max(map(len, re.findall(re.escape(mark) + "+", code)), default=0)
        fence = mark * max(3, longest + 1)
        return f"{fence}{_backslashed(language, '')}\n{code}{'' if unclosed else fence}"

    def convert_hr(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "___" if "li" in parent_tags else "---"

    def convert_blockquote(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return "\n".join(f"> {line}" if line else ">" for line in text.split("\n"))

    def convert_li(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return text  # written by convert_list, which knows the markers

    def convert_list(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        items = el.find_all("li", recursive=False)
        # Items of text with no <p> are tight; blank lines between their blocks
        # would make them loose. Other items take blank lines, loose or not.
        tight = any(_holds_inline(item, self.exact) for item in items)
        before = _previous_block(el)
        alternate = (
            before is not None
            and before.name == el.name
            and not self.marks.get(id(before), "").endswith(")")
        )
        start = _number(el.get("start"))
        last = start + len(items) - 1
        holder = el.parent.parent if el.parent and el.parent.name == "li" else None
        if _opens(el) and holder is not None:
            bullet = "*" if self.marks.get(id(holder)) == "-" else "-"  # "- - -" is a rule
        else:
            before = _previous_block(el)
            bullet = "*" if before is not None and self.marks.get(id(before)) == "-" else "-"
        if el.name == "ul":
            self.marks[id(el)] = bullet
        written = []
        for number, item in enumerate(items, start):
            if el.name == "ol":
                marker = f"{number if last < 10**9 else start}{')' if alternate else '.'}"
                self.marks[id(el)] = marker
            else:
                marker = bullet
            blocks = self._blocks(item, parent_tags | {el.name, "li"})
            body = ("\n" if tight else "\n\n").join(blocks)
            indent = " " * (len(marker) + 1)
            lines = body.split("\n")
            first = f"{marker} {lines[0]}" if lines[0] else marker
            written.append(
                "\n".join([first] + [indent + line if line else "" for line in lines[1:]])
            )
        return ("\n" if tight else "\n\n").join(written)

    convert_ul = convert_ol = convert_list

    def convert_table(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        rows = [row for row in el.find_all("tr") if row.find_parent("table") is el]
        if not rows:
            return text
        cells = [row.find_all(["th", "td"], recursive=False) for row in rows]
        width = max(1, len(cells[0]))
        delimiters = []
        for cell in cells[0] + [None] * (width - len(cells[0])):
            style = "".join(str(cell.get("style") or "").split()) if cell else ""
            align = style.removeprefix("text-align:") if style.startswith("text-align:") else ""
            delimiters.append(_ALIGNMENTS.get(align, "---"))
        written = []
        for row in cells:
            texts = [self._cell(cell, parent_tags) for cell in row[:width]]
            texts += [""] * (width - len(texts))
            written.append("| " + " | ".join(texts) + " |")
        written.insert(1, "| " + " | ".join(delimiters) + " |")
        return "\n".join(written)

    def _cell(self, cell: Tag, parent_tags: set[str]) -> str:
        blocks = self._blocks(cell, parent_tags | {"table", cell.name})
        text = _brackets(" ".join(blocks))
        if len(blocks) > 1 or _HARD_BREAK.search(text):
            self.dropped.add("line breaks")  # a GFM cell holds one line
        text = _HARD_BREAK.sub(" ", text).replace("\n", " ")
        return self._edges(text)

    def convert_td(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return text

    convert_th = convert_thead = convert_tbody = convert_tr = convert_td

    def convert__document_(self, el: Tag, text: str, parent_tags: set[str]) -> str:
        return text


def _is_text(node: Any) -> TypeGuard[NavigableString]:
    return type(node) is NavigableString  # not a comment, a doctype, a CDATA section


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _opens(el: Tag) -> bool:
    """Whether nothing but white space stands before `el` in its parent."""
    sibling = el.previous_sibling
    while sibling is not None:
        if isinstance(sibling, Tag) or str(sibling).strip():
            return False
        sibling = sibling.previous_sibling
    return True


def _holds_inline(item: Tag, exact: bool) -> bool:
    """Whether `item` holds text or inline tags outside any block (the renderer's line
    feeds between blocks are not text; its `<li> </li>` is)."""
    for child in item.children:
        if isinstance(child, Tag) and child.name not in _BLOCKS | _LINES:
            return True
        if _is_text(child) and child.strip("\n" if exact else None):
            return True
    return False


def _number(value: Any) -> int:
    return int(value) if isinstance(value, str) and value.isdigit() else 1


def _previous(el: Any, name: str) -> bool:
    sibling = el.previous_sibling
    return isinstance(sibling, Tag) and sibling.name == name


def _previous_block(el: Tag) -> Tag | None:
    """The tag before `el`, past white space: two lists side by side need different
    markers, or Markdown reads them as one."""
    sibling = el.previous_sibling
    while sibling is not None and not isinstance(sibling, Tag) and not str(sibling).strip():
        sibling = sibling.previous_sibling
    return sibling if isinstance(sibling, Tag) else None


def _at_edge(el: Tag) -> bool:
    siblings = [c for c in el.parent.children if not isinstance(c, Comment)] if el.parent else []
    return siblings[0] is el or siblings[-1] is el


def _alone(el: Tag) -> bool:
    siblings = el.parent.children if el.parent else ()
    return [child for child in siblings if not isinstance(child, Comment)] == [el]


def _beside(el: Tag, side: str) -> Tag | None:
    """The emphasis right beside `el` on `side`, with no text between."""
    sibling = getattr(el, side)
    return sibling if isinstance(sibling, Tag) and sibling.name in _EMPHASIS else None


def _fits_underscore(el: Tag) -> bool:
    """Whether `_` can open and close around `el`: not inside a word."""
    before, after = el.previous_sibling, el.next_sibling
    for text, index in ((before, -1), (after, 0)):
        if isinstance(text, NavigableString) and text:
            char = str(text)[index]
            if not (_is_space(char) or _is_punct(char)):
                return False
    return True


def _brackets(markdown: str) -> str:
    """A paragraph's `markdown` with each undecided "[" escaped where a "](" after it
    (a link, an image, text) could close it: only "](" makes a link, as no reference is
    ever defined (see _paragraph)."""
    end = markdown.rfind("](") + 1
    return markdown[:end].replace(_BRACKET, "\\[") + markdown[end:].replace(_BRACKET, "[")


_THEMATIC = re.compile(r"(?:(?:\*[ \t]*){3,}|(?:-[ \t]*){3,}|(?:_[ \t]*){3,})")
_LIST_ITEM = re.compile(r"(?:[-+*]|[0-9]{1,9}[.)])(?:[ \t]|$)")
_SETEXT = re.compile(r"(?:=+|-+)[ \t]*")
_TABLE_DELIMITER = re.compile(r"[|:\- \t]*-[|:\- \t]*")


def _unblocked(row: str, first: bool) -> str:
    """`row`, a line of a paragraph, with a backslash where it would start a block."""
    if not row:
        return row
    starts = (
        (row[0] in "#>" and re.match(r"#{1,6}(?:[ \t]|$)|>", row))
        or (_LIST_ITEM.match(row) and (first or row[0] in "-+*" or re.match(r"1[.)]", row)))
        or _THEMATIC.fullmatch(row)
        or (not first and _SETEXT.fullmatch(row))
        or row.startswith("~~~")
        or (("|" in row or ":" in row) and _TABLE_DELIMITER.fullmatch(row))
    )
    if not starts:
        return row
    digits = len(row) - len(row.lstrip("0123456789"))
    return row[:digits] + "\\" + row[digits:]


def _walk_text(node: Tag, dropped: set[str]) -> Iterator[str]:
    """The text of `node` for a plain-text field; what it had beyond text is named in
    `dropped`."""
    for child in node.children:
        if isinstance(child, Comment) or not isinstance(child, NavigableString | Tag):
            continue
        if isinstance(child, NavigableString):
            if type(child) is NavigableString:
                yield re.sub(r"[ \t\r\n]+", " ", str(child))
            continue
        name = child.name
        if name in _SKIPPED:
            if _SKIPPED[name]:
                dropped.add(_SKIPPED[name])
            continue
        dropped |= _plain_text_losses(child)
        block = name in _BLOCKS or name in _LINES or name in ("tr", "td", "th")
        if block:
            yield "\0"
        if name == "br":
            yield "\n"
        elif name == "img":
            yield _text(child.get("alt")) or ""
        else:
            yield from _walk_text(child, dropped)
        if block:
            yield "\0"


_TEXT_WORDS = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "s": "strikethrough",
    "del": "strikethrough",
    "strike": "strikethrough",
    "code": "code",
    "kbd": "code",
    "samp": "code",
    "tt": "code",
    "pre": "code",
    "img": "images",
    "ul": "lists",
    "ol": "lists",
    "blockquote": "quotes",
    "table": "tables",
    "hr": "rules",
    "h1": "headings",
    "h2": "headings",
    "h3": "headings",
    "h4": "headings",
    "h5": "headings",
    "h6": "headings",
}


def _plain_text_losses(tag: Tag) -> set[str]:
    kept, lost = _style_words(tag)
    lost |= {"strikethrough" if word == "strike" else word for word in kept}
    name = tag.name
    if name == "a" and tag.get("href"):
        lost.add("links")
    elif name == "b" and _is_bold_off(tag):
        pass
    elif name in _TEXT_WORDS:
        lost.add(_TEXT_WORDS[name])
    elif name in _TAG_WORDS:
        lost.add(_TAG_WORDS[name])
    elif name not in _SILENT:
        lost.add(name)
    return lost
