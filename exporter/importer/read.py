"""A document file → Markdown text: mojibake repaired."""

from __future__ import annotations

from pathlib import Path

import ftfy

from exporter.errors import ExporterError
from exporter.files import read_regular_file

# UTF-8 read as Windows-1252 loses the last byte of ” (0x9D has no cp1252 character):
# what is left, â€, is beyond ftfy's repair.
_LOST_CLOSING_QUOTE = "â€"
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # typographic quotes are content
    unescape_html=False,  # &lt; in Markdown means a literal <
    fix_character_width=False,
    fix_latin_ligatures=False,
)


def read_document(path: Path, encoding: str = "utf-8") -> str:
    """Read `path` as `encoding` and repair mojibake (UTF-8 once read as Windows-1252)."""
    try:
        data = read_regular_file(path)
    except OSError as error:
        raise ExporterError(f"{path}: cannot read: {error.strerror}") from None
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
    text = ftfy.fix_text(text.removeprefix("\ufeff"), _FTFY)
    return text.replace(_LOST_CLOSING_QUOTE, "”")
