"""A document file → Markdown text: Word and HTML converted, mojibake repaired."""

from __future__ import annotations

import io
import re
from pathlib import Path

import ftfy

from exporter.errors import ExporterError
from exporter.files import read_regular_file
from exporter.importer.markup import html_to_markdown

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
        text = _RULED_TITLE.sub(r"## \g<title>", text)
    return _repaired(text)


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
