"""Images in the Markdown: files inside the data folder, checked, named by their content."""

from __future__ import annotations

import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import PurePath
from urllib.parse import unquote

from docx.image.image import Image

from exporter.errors import Problem
from exporter.files import read_regular_file
from exporter.markdown import RenderedMarkdown
from exporter.model import Deck

# The formats Anki's clients and Word all show the same way.
SUPPORTED_SUFFIXES = {".png": ".png", ".jpg": ".jpg", ".jpeg": ".jpg", ".gif": ".gif"}
EMU_PER_INCH = 914_400
DEFAULT_DPI = 72
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.IGNORECASE)


@dataclass(frozen=True)
class Media:
    """One image file, named by its content so that two different files never share a
    name in Anki's media folder and the same picture is stored once."""

    name: str
    data: bytes
    width: int  # the picture's own size, in EMU (914,400 an inch)
    height: int

    def fitted(self, widest: int, tallest: int) -> tuple[int, int]:
        """The picture's size (EMU) shrunk, keeping its shape, to at most `widest` wide,
        then, if still too tall, to at most `tallest` high."""
        width = min(self.width, widest)
        height = round(self.height * (width / self.width))  # python-docx's own scaling
        if height > tallest:  # a tall, narrow picture: as high as there is room
            height = tallest
            width = max(1, round(self.width * (height / self.height)))
        return width, height


def collect_media(
    deck: Deck, rendered: Mapping[str, RenderedMarkdown]
) -> tuple[dict[str, Media], list[Problem]]:
    """Read every image the deck's Markdown refers to; return them by target, and the
    problems with the ones that cannot be used."""
    media: dict[str, Media] = {}
    problems: list[Problem] = []
    if deck.source is None:
        return media, problems
    folder = deck.source.parent.resolve()
    for field, text, line in deck.markdown_fields():
        for target in rendered[text].images:
            if target in media:
                continue
            found = read_picture(folder, target)
            if isinstance(found, Media):
                media[target] = found
            else:
                message = f"image '{target}' in '{field}' {found}"
                problems.append(Problem(deck.source, line or None, message))
    return media, problems


def read_picture(folder: PurePath, target: str) -> Media | str:
    """The image at `target` relative to `folder`, or what is wrong with it."""
    if _SCHEME.match(target):
        return "is not a file in the data folder; save it next to the data file"
    relative = PurePath(unquote(target.split("?", 1)[0].split("#", 1)[0]))
    if "\x00" in str(relative):
        return "is not a file name"
    try:
        path = (folder / relative).resolve()  # type: ignore[attr-defined]
    except (OSError, RuntimeError):  # a link that leads back to itself, a name too long
        return "cannot be read: not a file that can be found"
    if relative.is_absolute() or not path.is_relative_to(folder):
        return "is outside the data folder"
    suffix = path.suffix.lower()
    if suffix == ".svg":
        return "is SVG, which Anki and Word do not show alike; convert it to PNG"
    if suffix not in SUPPORTED_SUFFIXES:
        return "is not a PNG, JPEG or GIF file"
    try:
        data = read_regular_file(path)
    except FileNotFoundError:
        return f"not found (looked for {path})"
    except OSError as error:
        return f"cannot be read: {error.strerror}"
    try:
        image = Image.from_blob(data)
    except Exception:  # python-docx raises several kinds for damaged or foreign files
        return "cannot be read as an image; is the file damaged?"
    if image.px_width < 1 or image.px_height < 1:
        return "cannot be read as an image; is the file damaged?"
    name = hashlib.sha256(data).hexdigest()[:20] + SUPPORTED_SUFFIXES[suffix]
    width = _emu(image.px_width, image.horz_dpi)
    return Media(name, data, width, _emu(image.px_height, image.vert_dpi))


def _emu(pixels: int, dpi: int) -> int:
    # A header may claim 0 dots per inch (or a PNG under 20 per metre), or so many that
    # the picture would have no size: read those as the 72 that files with no density get.
    size = int(pixels / (dpi if dpi >= 1 else DEFAULT_DPI) * EMU_PER_INCH)  # as python-docx
    return size if size >= 1 else int(pixels / DEFAULT_DPI * EMU_PER_INCH)
