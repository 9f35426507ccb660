"""How much room Markdown blocks take on a cue card, and how much of them fits in a box.

Word and LibreOffice lay the text out; this is an estimate made ahead of them, from
Calibri's own character widths (Carlito, its free twin, has the same), erring on the
large side so that what is said to fit does fit. Sizes are in points.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import lru_cache
from pathlib import Path
from typing import Any

from exporter.images import EMU_PER_INCH, Media
from exporter.markdown import Block, CodeBlock, ItemList, Paragraph, Quote, Rule, Span, Table

# Calibri's widths of the printable ASCII characters (see the file), regular and bold.
_WIDTHS = json.loads((Path(__file__).parent / "calibri-widths.json").read_text("utf-8"))
_REGULAR: tuple[int, ...] = tuple(_WIDTHS["regular"])
_BOLD: tuple[int, ...] = tuple(_WIDTHS["bold"])
WIDE = 1000  # a CJK character or an emoji: a full em
OTHER = 620  # any other character: wider than most letters
CODE = 600  # Courier New: every character
SLACK = 1.06  # widths are taken this much wider: kerning, hinting and justification vary
LINE = 1.22  # Calibri's line height, in ems, single-spaced
TALL_LINE = 1.45  # a line with characters of another font (Noto CJK's is 1.448)
CODE_LINE = 1.133  # Courier New's
PARAGRAPH_SPACE = 0.3  # the space after each paragraph, in ems
INDENT = 18.0  # points: each list or quotation level (360 twips)
CELL_PADDING = (10.8, 4.0)  # points a table cell adds to its text's width and height
NO_LIMIT = 1 << 62  # EMU: the size of a picture that may be as large as it is


@lru_cache(maxsize=4096)
def _char_width(char: str, bold: bool) -> int:
    code = ord(char)
    if 32 <= code < 127:
        return (_BOLD if bold else _REGULAR)[code - 32]
    if unicodedata.east_asian_width(char) in "WF":
        return WIDE
    base = unicodedata.normalize("NFKD", char)[:1]
    if base and base != char and 32 <= ord(base) < 127:
        return _char_width(base, bold)
    if unicodedata.category(char) in ("Mn", "Me", "Cf"):  # marks and joiners take no room
        return 0
    return OTHER


@lru_cache(maxsize=1 << 16)
def em_width(text: str, bold: bool = False, code: bool = False) -> float:
    """The width of `text` set in one line, in ems, on the large side."""
    if code:  # a full-width character takes a full em in a monospace font too
        return sum(WIDE if _is_wide(char) else CODE for char in text) * SLACK / 1000
    return sum(_char_width(char, bold) for char in text) * SLACK / 1000


def _is_wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


SPACE = em_width(" ")
CODE_SPACE = em_width(" ", code=True)
BREAK = -1.0  # in a sequence of word widths: a line break
BROKEN_FILL = 0.9  # how full a line of a word broken across lines is, at least


def wrapped_lines(words: Sequence[float], width: float, size: float, space: float = SPACE) -> int:
    """How many lines words of these widths (in ems; BREAK for a line break) take when
    wrapped at spaces `space` ems wide into lines `width` points wide at `size`; a word
    longer than a line breaks where it must."""
    lines, used, empty = 1, 0.0, True
    limit = width / size
    for length in words:
        if length == BREAK:
            lines, used, empty = lines + 1, 0.0, True
            continue
        needed = length if empty else used + space + length
        if needed <= limit:
            used, empty = needed, False
            continue
        if not empty:
            lines += 1
        while length > limit:  # a long address or a run of CJK: broken by character,
            lines += 1  # where a line may break, which fills lines less than full
            length -= limit * BROKEN_FILL
        used, empty = length, False
    return lines


def _tokens(text: str) -> list[str | None]:
    """The words of `text`, None for each line break."""
    tokens: list[str | None] = []
    for number, line in enumerate(text.split("\n")):
        if number:
            tokens.append(None)
        tokens += line.split()
    return tokens


@lru_cache(maxsize=1 << 14)
def span_words(spans: tuple[Span, ...], bold: bool = False) -> tuple[float, ...]:
    """The widths of the words of `spans`, in ems, BREAK for each line break; all bold
    when `bold`."""
    return tuple(
        BREAK if token is None else em_width(token, bold or span.bold, span.code)
        for span in spans
        if span.image is None
        for token in _tokens(span.text)
    )


def text_words(text: str) -> tuple[float, ...]:
    """The widths of the words of plain `text`, in ems."""
    return tuple(em_width(word) for word in text.split())


def line_height(text: str) -> float:
    """The height of a line of `text`, in ems: taller where a script Calibri lacks takes
    a font of its own (Chinese, Japanese, Korean, Indic, emoji), whose lines are taller."""
    return TALL_LINE if _FOREIGN.search(text) else LINE


# Past Cyrillic and Armenian, but for Vietnamese letters, punctuation and symbols (a class of
# what is not foreign: the class of what is compiles slowly, its ranges are so wide).
_FOREIGN = re.compile("[^\u0000-\u058f\u1e00-\u1eff\u2000-\u2bff]")


@dataclass(frozen=True)
class Box:
    """The room blocks are set in: `width` and `height` in points, at `size`; pictures
    by their targets, and the largest width and height the writer gives one. Code read
    wrapped is hard to read: it wraps only when told."""

    width: float
    height: float
    size: float
    media: Mapping[str, Media]
    code_wraps: bool = True  # False: a line of code wider than the box does not fit
    largest_picture: tuple[int, int] = (NO_LIMIT, NO_LIMIT)  # EMU

    # Made directly, not with dataclasses.replace: four times as fast, and fitting a
    # large deck makes hundreds of thousands.
    def with_height(self, height: float) -> Box:
        return Box(self.width, height, self.size, self.media, self.code_wraps, self.largest_picture)

    def narrower(self, by: float) -> Box:
        return Box(
            self.width - by,
            self.height,
            self.size,
            self.media,
            self.code_wraps,
            self.largest_picture,
        )

    @property
    def line(self) -> float:
        return self.size * LINE

    @property
    def space(self) -> float:
        return self.size * PARAGRAPH_SPACE


@dataclass(frozen=True)
class Fitted:
    """The blocks that fit, the height they take, and whether all of them fit."""

    blocks: tuple[Block, ...]
    height: float
    complete: bool


def fit_blocks(blocks: Sequence[Block], box: Box) -> Fitted:
    """As many of `blocks` as fit in `box`, in order; the last may be cut short."""
    kept: list[Block] = []
    used = 0.0
    for block in blocks:
        fitted = _FITTERS[type(block)](block, box.with_height(box.height - used))
        if fitted.blocks:
            kept.extend(fitted.blocks)
            used += fitted.height
        if not fitted.complete:
            return Fitted(tuple(kept), used, False)
    return Fitted(tuple(kept), used, True)


def blocks_height(blocks: Sequence[Block], box: Box) -> float:
    """The height `blocks` take at `box`'s width and size, however tall; infinite when
    they cannot be set there at all (code that would wrap)."""
    fitted = fit_blocks(blocks, box.with_height(float("inf")))
    return fitted.height if fitted.complete else float("inf")


def _paragraph(block: Paragraph, box: Box) -> Fitted:
    words, tall, images = _measured(block.spans, block.heading_level > 0)
    pictures = [_picture_height(box.media[image], box) for image in images if image in box.media]
    lines = wrapped_lines(words, box.width, box.size) if words else 0
    line = box.size * (TALL_LINE if tall else LINE)
    height = sum(pictures) + max(lines, 1 if not pictures else 0) * line + box.space
    if height <= box.height:
        return Fitted((block,), height, True)
    room = int((box.height - sum(pictures) - box.space) // line)
    if pictures or room < 1:
        return Fitted((), 0.0, False)
    kept = _first_words(block, words, room, box)
    return Fitted((kept,), room * line + box.space, False)


@lru_cache(maxsize=1 << 14)
def _measured(
    spans: tuple[Span, ...], bold: bool
) -> tuple[tuple[float, ...], bool, tuple[str, ...]]:
    """What of a paragraph's spans is the same at every size: its words' widths, whether
    its lines are tall, and its pictures."""
    text = "".join(span.text for span in spans)
    images = tuple(span.image for span in spans if span.image is not None)
    return span_words(spans, bold), line_height(text) == TALL_LINE, images


def _first_words(block: Paragraph, words: Sequence[float], lines: int, box: Box) -> Paragraph:
    """`block` cut after the most words that take at most `lines` lines."""
    low, high = 0, len(words)
    while low < high:  # the most words that fit: fewer words never take more lines
        middle = (low + high + 1) // 2
        if wrapped_lines(words[:middle], box.width, box.size) <= lines:
            low = middle
        else:
            high = middle - 1
    return replace(block, spans=_first_spans(block.spans, low))


def _first_spans(spans: Sequence[Span], count: int) -> tuple[Span, ...]:
    """The first `count` words and line breaks of `spans`, as span_words counts them."""
    kept: list[Span] = []
    for span in spans:
        if span.image is not None:
            continue
        tokens = _tokens(span.text)
        taken = tokens[:count]
        lines = [" ".join(word for word in line if word) for line in _lines(taken)]
        kept.append(replace(span, text="\n".join(lines)))
        count -= len(taken)
        if count <= 0:
            break
    return tuple(kept)


def _lines(tokens: Sequence[str | None]) -> list[list[str | None]]:
    lines: list[list[str | None]] = [[]]
    for token in tokens:
        if token is None:
            lines.append([])
        else:
            lines[-1].append(token)
    return lines


def _picture_height(media: Media, box: Box) -> float:
    """A picture's height in points, shrunk as the writer shrinks it."""
    return media.fitted(*box.largest_picture)[1] / EMU_PER_INCH * 72 + box.space


def _code(block: CodeBlock, box: Box) -> Fitted:
    lines = block.text.split("\n")
    box = box.narrower(INDENT)  # the Code Block style's own indent
    line = box.size * max(CODE_LINE, line_height(block.text))
    counts = [_code_lines(text, box) for text in lines]
    if not box.code_wraps and any(count > 1 for count in counts):
        return Fitted((), 0.0, False)
    height = sum(counts) * line + box.space
    if height <= box.height:
        return Fitted((block,), height, True)
    kept, used = [], box.space
    for text, count in zip(lines, counts, strict=True):
        if used + count * line > box.height:
            break
        kept.append(text)
        used += count * line
    if not kept:
        return Fitted((), 0.0, False)
    return Fitted((CodeBlock("\n".join(kept)),), used, False)


def _code_lines(text: str, box: Box) -> int:
    """The lines one line of code takes, wrapped at its spaces: each space of a run of
    them (code lines up its columns with them) takes its width."""
    words = [em_width(word, code=True) for word in text.expandtabs(4).split(" ")]
    return wrapped_lines(words, box.width, box.size, CODE_SPACE)


def _rule(block: Rule, box: Box) -> Fitted:
    height = box.space + box.line / 2
    return Fitted((block,), height, True) if height <= box.height else Fitted((), 0.0, False)


def _nested(
    inner: Sequence[Block], box: Box, rebuild: Callable[[tuple[Block, ...]], Block]
) -> Fitted:
    fitted = fit_blocks(inner, box.narrower(INDENT))
    if not fitted.blocks:
        return Fitted((), 0.0, False)
    return Fitted((rebuild(fitted.blocks),), fitted.height, fitted.complete)


def _quote(block: Quote, box: Box) -> Fitted:
    return _nested(block.blocks, box, Quote)


def _item_list(block: ItemList, box: Box) -> Fitted:
    items: list[tuple[Block, ...]] = []
    used = 0.0
    for item in block.items:
        fitted = fit_blocks(item, box.narrower(INDENT).with_height(box.height - used))
        # An empty item still takes its marker's line.
        height = max(fitted.height, box.line + box.space)
        if not fitted.complete or used + height > box.height:
            if fitted.blocks:
                items.append(fitted.blocks)
                used += fitted.height
            break
        items.append(fitted.blocks)
        used += height
    else:
        return Fitted((block,), used, True)
    if not items:
        return Fitted((), 0.0, False)
    return Fitted((replace(block, items=tuple(items)),), used, False)


def _table(block: Table, box: Box) -> Fitted:
    columns = max((len(row) for row in block.rows), default=1)
    cell_width = box.width / columns - CELL_PADDING[0]
    heights = [
        max(
            (
                wrapped_lines(span_words(cell, header), cell_width, box.size)
                * line_height("".join(span.text for span in cell))
                for cell in row
            ),
            default=LINE,
        )
        * box.size
        + CELL_PADDING[1]
        for header, row in zip((True, *[False] * len(block.rows)), block.rows, strict=False)
    ]
    used = box.space
    kept = 0
    for height in heights:
        if used + height > box.height:
            break
        used += height
        kept += 1
    if kept == len(block.rows):
        return Fitted((block,), used, True)
    if kept < 2:  # a header alone says nothing
        return Fitted((), 0.0, False)
    return Fitted((replace(block, rows=block.rows[:kept]),), used, False)


# Each fitter takes a block of the kind it is keyed by.
_FITTERS: Mapping[type[Block], Callable[[Any, Box], Fitted]] = {
    Paragraph: _paragraph,
    CodeBlock: _code,
    Rule: _rule,
    Quote: _quote,
    ItemList: _item_list,
    Table: _table,
}
