"""A document file → Markdown text: Word and HTML converted, mojibake repaired."""

from __future__ import annotations

import io
import re
from pathlib import Path

import ftfy
from markdown_it import MarkdownIt

from exporter.errors import ExporterError
from exporter.files import read_regular_file
from exporter.importer.markup import html_to_markdown
from exporter.importer.source import outside_code_spans

# UTF-8 read as Windows-1252 loses the last byte of ” (0x9D has no cp1252 character):
# what is left, â€, is beyond ftfy's repair.
_LOST_CLOSING_QUOTE = "â€"
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # typographic quotes are content
    unescape_html=False,  # &lt; in Markdown means a literal <
    fix_character_width=False,
    fix_latin_ligatures=False,
)


TABLE_SUFFIXES = (".csv", ".tsv")
# The controls a data file cannot hold (all but tab and line feed), and DEL and C1.
_SERVER_CODE = re.compile(r"<\?.*?\?>|<%.*?%>", re.DOTALL)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_HTML_SUFFIXES = (".html", ".htm", ".xhtml")
# A plain-text section title set in a rule: "#------ Docker", "===== Git =====".
_RULED_TITLE = re.compile(
    r"^[ \t]*+#?+[ \t]*+[-=*~_#]{3,}+[ \t]*+(?P<title>[^\W\d_][^\n]*?)[ \t]*+[-=*~_#]*+[ \t]*+$",
    re.MULTILINE,
)
CONVERTED_SUFFIXES = (*_HTML_SUFFIXES, ".docx")
_PARSER = MarkdownIt("commonmark")
# A tag a text file can only mean as text ("<meta name=…>", "<html>"): not one of the
# tags that format Markdown ("<details>", "<br>", "<b>"), which a text file may hold too.
_TAG_START = re.compile(
    r"<(?=/?+(?!(?:details|summary|br|b|i|u|s|em|strong|code|pre|kbd|mark|sup|sub|img|a|p"
    r"|ul|ol|li|dl|dt|dd|table|thead|tbody|tr|td|th|hr|blockquote|h[1-6]|span|div|font"
    r"|center)\b)[A-Za-z!?])",
    re.IGNORECASE,
)
# A line of a program: one that ends a statement or opens or closes a block, an
# assignment, a call, a comment or a keyword that starts a declaration.
_CODE_LINE = re.compile(
    r"[;{}]\s*+$|^\s*+[}\])]|\w\([^)]*+\)\s*+[;{:]?+\s*+$|\s[=!<>+\-*/]?=\s|=>|->"
    r"|^\s*+(?://|/\*|#include|<[a-z]+[ >/]|\$ |>>> )"
    r"|^\s*+(?:def|class|function|return|import|from|public|private|static|const|let|var"
    r"|if|for|while|SELECT|print|echo|sudo|git|npm|pip|docker|kubectl)\b"
)


def read_document(path: Path, encoding: str = "utf-8") -> str:
    """The text of the document `path`: Markdown (or plain text) as it is, a Word file or
    an HTML page as the Markdown of what it shows, a CSV or TSV file as it is; mojibake
    (UTF-8 once read as Windows-1252) repaired. `encoding` is that of text files."""
    try:
        data = read_regular_file(path)
    except OSError as error:
        raise ExporterError(f"{path}: cannot read: {error.strerror}") from None
    suffix = path.suffix.lower()
    if suffix == ".docx":
        return _repaired(html_to_markdown(_docx_html(path, data), page=True))
    try:
        text = data.decode(encoding)
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise ExporterError(
            f"{path}:{line}: not valid {encoding} (byte 0x{data[error.start]:02X});"
            " give the file's encoding with --encoding, e.g. --encoding windows-1252"
        ) from None
    except LookupError:
        raise ExporterError(f"unknown encoding {encoding!r}") from None
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    if suffix in _HTML_SUFFIXES:  # a saved page may still hold its server's code
        return _repaired(html_to_markdown(_SERVER_CODE.sub("", text), page=True))
    if suffix == ".txt":
        text = _tags_as_text(_indentation_as_layout(_RULED_TITLE.sub(r"## \g<title>", text)))
    return _repaired(text)


def _indentation_as_layout(text: str) -> str:
    """A text file with its indented passages of prose brought to the margin: in a text
    file indentation lays out an answer under its question, where Markdown would read a
    code block. A passage that reads as code stays a code block, its own indentation kept
    under the block's four spaces."""
    lines = text.split("\n")
    for token in _PARSER.parse(text):
        if token.type == "code_block" and token.level == 0 and token.map:
            start, end = token.map
            passages = _passages(range(start, end), lines)
            code = {n for passage in passages if _reads_as_code(passage, lines) for n in passage}
            margin = min((_indentation(lines[number]) for number in code), default=0)
            for number in range(start, end):
                laid = lines[number].expandtabs(4)
                if number in code:  # one margin for all: a blank line inside keeps its code
                    lines[number] = "    " + laid[margin:]
                else:
                    lines[number] = laid.lstrip()
    return "\n".join(lines)


def _tags_as_text(text: str) -> str:
    """A text file with each tag in its prose that only HTML pages use ("<meta name=…>")
    escaped, so that Markdown shows it as written. Code keeps its text as it is."""
    lines = text.split("\n")
    code: set[int] = set()
    for token in _PARSER.parse(text):
        if token.type in ("code_block", "fence") and token.map:
            code.update(range(*token.map))
    for number, line in enumerate(lines):
        if number not in code and "<" in line:
            lines[number] = outside_code_spans(line, lambda text: _TAG_START.sub(r"\\<", text))
    return "\n".join(lines)


def _reads_as_code(passage: list[int], lines: list[str]) -> bool:
    """Tell whether most lines of a passage are lines of a program."""
    return 2 * sum(bool(_CODE_LINE.search(lines[number])) for number in passage) >= len(passage)


def _indentation(line: str) -> int:
    """How many columns a line is indented, a tab taken to the next multiple of four."""
    laid = line.expandtabs(4)
    return len(laid) - len(laid.lstrip())


def _passages(numbers: range, lines: list[str]) -> list[list[int]]:
    """The runs of filled lines among `numbers`, blank lines between them."""
    passages: list[list[int]] = [[]]
    for number in numbers:
        if lines[number].strip():
            passages[-1].append(number)
        elif passages[-1]:
            passages.append([])
    return [passage for passage in passages if passage]


def _repaired(text: str) -> str:
    text = ftfy.fix_text(text, _FTFY).replace(_LOST_CLOSING_QUOTE, "”")
    return _CONTROL.sub(" ", text)  # a page break in a pasted text is no part of it


def _docx_html(path: Path, data: bytes) -> str:
    """A Word document's HTML, by mammoth: headings, bold, lists, tables, pictures."""
    import mammoth

    try:
        return str(mammoth.convert_to_html(io.BytesIO(data)).value)
    except Exception as error:  # mammoth raises whatever a damaged zip or XML raises
        raise ExporterError(f"{path}: cannot read as a Word document ({error})") from None
