"""The pictures of an imported deck: local ones copied beside the data file, remote ones
made links, so that the deck the importer writes always builds."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from exporter.images import SUPPORTED_SUFFIXES
from exporter.model import Deck

_IMAGE = re.compile(
    r"!\[(?P<alt>[^\]\n]*+)\]\((?P<src><[^>\n]*+>|[^)\s]++)(?:\s++\"[^\"\n]*+\")?+\)"
)
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*+:", re.IGNORECASE)
IMAGES_FOLDER = "images"


@dataclass
class Pictures:
    """The files to copy into the data folder (source → name under `images/`) and a
    warning for each picture that could not come along."""

    copies: dict[Path, str] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)


def bring_pictures(deck: Deck, folder: Path) -> tuple[Deck, Pictures]:
    """`deck` with every picture its Markdown shows made buildable: a file beside the
    document (in `folder`) is to be copied to `images/`, anything else becomes a link
    or, when it is no file at all, its description."""
    pictures = Pictures()

    def fix(text: str) -> str:
        return _IMAGE.sub(lambda match: _picture(match, folder, pictures), text)

    return _map_markdown(deck, fix), pictures


def _picture(match: re.Match[str], folder: Path, pictures: Pictures) -> str:
    alt, target = match["alt"], match["src"].strip("<>")
    if _REMOTE.match(target):
        pictures.warnings.append(
            f"picture '{target}' is on the web, and builds read no network: made it a link"
        )
        return f"[{alt or target}]({target})"
    path = (folder / unquote(target.split("?", 1)[0].split("#", 1)[0])).resolve()
    if path.suffix.lower() not in SUPPORTED_SUFFIXES or not path.is_file():
        reason = (
            "is not a PNG, JPEG or GIF file" if path.is_file() else "is not beside the document"
        )
        pictures.warnings.append(f"picture '{target}' {reason}: kept its description")
        return alt
    if path not in pictures.copies:
        taken = set(pictures.copies.values())
        name, number = path.name, 2
        while name in taken:
            name = f"{path.stem}-{number}{path.suffix}"
            number += 1
        pictures.copies[path] = name
    return f"![{alt}]({PurePosixPath(IMAGES_FOLDER) / pictures.copies[path]})"


def _map_markdown(deck: Deck, fix: Callable[[str], str]) -> Deck:
    questions = tuple(
        replace(
            question,
            answer=fix(question.answer),
            key_points=tuple(fix(point) for point in question.key_points),
        )
        for question in deck.questions
    )
    themes = tuple(replace(theme, summary=fix(theme.summary)) for theme in deck.themes)
    return replace(deck, questions=questions, themes=themes)
