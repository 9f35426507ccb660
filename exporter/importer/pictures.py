"""The pictures of an imported deck: local ones copied beside the data file, remote ones
made links, so that the deck the importer writes always builds."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path, PurePosixPath

from exporter.images import Media, read_picture
from exporter.markdown import render_markdown
from exporter.model import Deck

# A picture: its description (which may hold one bracketed part, as "![a [b]](…)"), its
# target, and a title in any of CommonMark's three quotes.
_IMAGE = re.compile(
    r"!\[(?P<alt>(?:[^\[\]\n]|\[[^\[\]\n]*+\])*+)\]\((?P<src><[^>\n]*+>|[^)\s]++)"
    r"(?:\s++(?:\"[^\"\n]*+\"|'[^'\n]*+'|\([^()\n]*+\)))?+\s*+\)"
)
# What is left of a picture the pattern did not see: shown as a link to it, never as a
# picture the build would look for.
_PICTURE_MARK = re.compile(r"!(?=\[(?![^\]\n]*+\]\(images/))")
_WEB = re.compile(r"^https?://", re.IGNORECASE)
IMAGES_FOLDER = "images"


@dataclass
class Pictures:
    """The files to write into `images/` beside the data file (name → content) and a
    warning for each picture that could not come along."""

    files: dict[str, bytes] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    targets: set[str] = field(default_factory=set)  # the references written, images/…
    missing: list[str] = field(default_factory=list)  # pictures not found, in order


def bring_pictures(deck: Deck, source_folder: Path, images: Path) -> tuple[Deck, Pictures]:
    """`deck` with every picture its Markdown shows made buildable: a picture file
    beside the document (in `source_folder`) is to be written into the folder `images`
    (never over another picture there), one on the web becomes a link, anything else
    its description."""
    pictures = Pictures()
    folder = source_folder.resolve()

    def fix(text: str) -> str:
        pictures.missing.clear()
        text = brought(text)
        if pictures.missing:  # a picture without a description leaves its line empty
            text = _SPACES_ONLY.sub("", text)
        if text.strip() or not pictures.missing:
            return text
        return " ".join(pictures.missing)  # only pictures, none found: their names, not nothing

    def brought(text: str) -> str:
        for _ in range(3):  # a picture inside a picture's description: inner one first
            fixed = _IMAGE.sub(lambda match: _picture(match, folder, images, pictures), text)
            if fixed == text:
                break
            text = fixed
        if "![" not in text:
            return text
        unseen = [t for t in render_markdown(text).images if t not in pictures.targets]
        if unseen:  # nested past what the passes undo: shown as text, never looked for
            pictures.warnings += [f"picture '{target}' left as text" for target in unseen]
            text = _PICTURE_MARK.sub(lambda _: "\\!", text)
        return text

    return _map_markdown(deck, fix), pictures


_SPACES_ONLY = re.compile(r"^[ \t]++$", re.MULTILINE)


def _picture(match: re.Match[str], folder: Path, images: Path, pictures: Pictures) -> str:
    alt, target = match["alt"], match["src"].strip("<>")
    if target in pictures.targets:
        return match.group()  # brought along already, by an earlier pass
    if _WEB.match(target):
        pictures.warnings.append(
            f"picture '{target}' is on the web, and builds read no network: made it a link"
        )
        return f"[{alt or target}]({target})"
    path = target.replace("\\", "/")  # "images\\a.png", written on Windows
    found = read_picture(folder, path)
    if not isinstance(found, Media):
        pictures.warnings.append(f"picture '{target}' {found}: kept its description")
        pictures.missing.append(target)
        return alt
    name = _name_for(
        Path(path.split("?", 1)[0].split("#", 1)[0]).name, found.data, images, pictures
    )
    written = str(PurePosixPath(IMAGES_FOLDER) / name)
    pictures.targets.add(written)
    return f"![{alt}]({written})"


def _name_for(name: str, data: bytes, images: Path, pictures: Pictures) -> str:
    """`name`, or `name-2`… when another picture already has it, here or in `images`."""
    stem, suffix = Path(name).stem, Path(name).suffix
    candidate, number = name, 2
    while True:
        taken = pictures.files.get(candidate)
        there = images / candidate
        on_disk = there.read_bytes() if taken is None and there.is_file() else None
        if taken in (None, data) and on_disk in (None, data):
            pictures.files[candidate] = data
            return candidate
        candidate = f"{stem}-{number}{suffix}"
        number += 1


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
