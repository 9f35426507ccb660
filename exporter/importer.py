"""Markdown Q&A document → Deck (and a located warning per part left out) → data file."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import ftfy
from markdown_it import MarkdownIt
from markdown_it.token import Token

from exporter.dump import dump
from exporter.errors import ExporterError, Problem
from exporter.files import read_regular_file
from exporter.load import is_valid_id, load_deck
from exporter.model import Deck, Question, Theme
from exporter.outputs import write_atomically

# UTF-8 read as Windows-1252 loses the last byte of ” (0x9D has no cp1252 character):
# what is left, â€, is beyond ftfy's repair.
_LOST_CLOSING_QUOTE = "â€"
_FTFY = ftfy.TextFixerConfig(
    uncurl_quotes=False,  # typographic quotes are content
    unescape_html=False,  # &lt; in Markdown means a literal <
    fix_character_width=False,
    fix_latin_ligatures=False,
)

_NUMBERED_QUESTION = re.compile(
    r"^(?:Q(?:uestion)?+\s*+)?\d++\s*+[.):\-–—]\s*+(?P<text>.+)$", re.IGNORECASE
)
_LABELLED_QUESTION = re.compile(r"^Q(?:uestion)?+\s*+[:.\-–—]\s*+(?P<text>.+)$", re.IGNORECASE)
_QUESTION_PARAGRAPH = re.compile(
    r"^\s*+(?:\*\*|__)\s*+Q(?:uestion)?+\s*+\d*+\s*+[:.]?+\s*+(?:\*\*|__)\s*+[:.]?+\s*+(?P<text>.+)$",
    re.IGNORECASE,
)
_ANSWER_LABEL = re.compile(
    r"^\s*+(?:\*\*|__)?+\s*+(?:Answer(?:\s*+\([^)\n]*+\))?+|A)\s*+(?:\*\*|__)?+\s*+:"
    r"\s*+(?:\*\*|__)?+[ \t]*+\n?",
    re.IGNORECASE,
)
_KEY_POINTS_LABEL = re.compile(
    r"^(?:key\s++(?:points|takeaways)|talking\s++points|points\s++to\s++(?:hit|make))\s*+:?$",
    re.IGNORECASE,
)
_THEME_ITEM = re.compile(
    r"^(?:\*\*|__)(?P<title>.+?)(?:\*\*|__)\s*(?:→|->|—|–|:|-)\s*(?P<summary>.+)$"
    r"|^(?:\*\*|__)(?P<title2>.+?):(?:\*\*|__)\s*(?P<summary2>.+)$",
    re.DOTALL,
)
_TITLE_WITH_SUBTITLE = re.compile(r"^(?P<title>.+?)\s*+\((?P<subtitle>[^()]++)\)$")
_LIST_MARKER = re.compile(r"^\s*+(?:[-*+]|\d++[.)])\s+")
_EMPHASIS = re.compile(r"(\*\*|__|\*|_)(.+?)\1")
_WORD = re.compile(r"[a-z0-9]+")
_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“"}
_STOP_WORDS = frozenset(
    "a about an and are as at be do does for from how i in is it its me of on or our s that"
    " the their them this to was what when where which who why will with would you your".split()
)
MAX_DECK_ID_WORDS = 6
MAX_ITEM_ID_WORDS = 4


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


@dataclass(frozen=True)
class _Block:
    """A top-level Markdown block: its kind, source lines [start, end) and, for
    headings, level and plain text; for lists, the line ranges of its items."""

    kind: str
    start: int
    end: int
    level: int = 0
    text: str = ""
    items: tuple[tuple[int, int], ...] = ()


@dataclass(frozen=True)
class ParsedDocument:
    """The deck found in a document, and a warning for each part of it left out."""

    deck: Deck
    warnings: tuple[Problem, ...]


def parse_document(text: str, source: Path) -> ParsedDocument:
    """Find the title, questions, answers, key points and themes in the Markdown `text`
    of the document `source`, and warn, by line, of every part left out."""
    lines = text.splitlines()
    title = subtitle = ""
    asked = 0  # questions found so far, answered or not
    questions: list[Question] = []
    themes: list[Theme] = []
    warnings: list[Problem] = []
    section: tuple[int, str] | str = "preamble"  # or a question's line and text
    content: list[_Block] = []

    def warn(line: int, message: str) -> None:
        warnings.append(Problem(source, line, message, "warning"))

    def close() -> None:
        if isinstance(section, tuple):
            answer, key_points = _answer_and_key_points(content, lines)
            if answer:
                questions.append(Question("", section[1], answer, key_points=key_points))
            else:
                warn(section[0], f"question '{section[1]}' has no answer; left out")
        elif section == "themes":
            themes.extend(_read_themes(content, lines, warn))
        elif section == "preamble":
            text_blocks = [block for block in content if block.kind != "hr"]
            if text_blocks:
                warn(text_blocks[0].start + 1, "skipped the text before the first question")
        content.clear()

    for block in _top_level_blocks(text):
        labelled = (
            _QUESTION_PARAGRAPH.match(lines[block.start]) if block.kind == "paragraph" else None
        )
        if block.kind == "heading":
            close()
            question = _question_from_heading(block.text)
            if "theme" in block.text.lower():
                section = "themes"
            elif question:
                section, asked = (block.start + 1, question), asked + 1
            elif block.level == 1 and not title and not asked:
                (title, subtitle), section = _split_title(block.text), "preamble"
            else:
                warn(block.start + 1, f"skipped the section '{block.text}'")
                section = "skipped"
        elif labelled:
            close()
            section, asked = (block.start + 1, _clean_question(labelled["text"])), asked + 1
            if block.start + 1 < block.end:  # the answer starts in the same paragraph
                content.append(_Block("paragraph", block.start + 1, block.end))
        else:
            content.append(block)
    close()
    deck = _deck(title, subtitle, questions, themes, source)
    return ParsedDocument(deck, tuple(sorted(warnings, key=lambda warning: warning.line or 0)))


def _deck(
    title: str, subtitle: str, questions: list[Question], themes: list[Theme], source: Path
) -> Deck:
    """The deck of the document `source`: its id and (when it has no title) its title from
    the file name, and an id for every question, then every theme."""
    taken: set[str] = set()
    counts = f"{len(questions)} interview questions with model answers"
    if themes:
        counts += f", and {len(themes)} themes to weave into any answer"
    return Deck(
        id=slugify(title or source.stem, MAX_DECK_ID_WORDS),
        title=title or source.stem.replace("-", " ").replace("_", " ").title(),
        subtitle=subtitle,
        description=f"{counts}. Imported from {source.name}.",
        questions=tuple(
            replace(question, id=_unique(slugify(question.question, MAX_ITEM_ID_WORDS), taken))
            for question in questions
        ),
        themes=tuple(
            replace(theme, id=_unique(slugify(theme.title, MAX_ITEM_ID_WORDS), taken))
            for theme in themes
        ),
    )


def _top_level_blocks(text: str) -> list[_Block]:
    tokens = MarkdownIt("commonmark").enable("table").parse(text)
    blocks: list[_Block] = []
    for index, token in enumerate(tokens):
        if token.level != 0 or token.nesting < 0 or token.map is None:
            continue
        start, end = token.map
        kind = token.type.removesuffix("_open")
        if kind == "heading":
            blocks.append(_Block(kind, start, end, int(token.tag[1:]), _plain(tokens[index + 1])))
        elif kind in ("bullet_list", "ordered_list"):
            items = tuple(
                (item.map[0], item.map[1])
                for item in tokens[index + 1 :]
                if item.type == "list_item_open"
                and item.level == 1
                and item.map
                and start <= item.map[0] < end
            )
            blocks.append(_Block(kind, start, end, items=items))
        else:
            blocks.append(_Block(kind, start, end))
    return blocks


def _answer_and_key_points(
    blocks: Sequence[_Block], lines: Sequence[str]
) -> tuple[str, tuple[str, ...]]:
    """The answer and key points of a question, from the source lines of its blocks."""
    answer_blocks: list[_Block] = []
    key_points: list[str] = []
    index = 0
    while index < len(blocks):
        block = blocks[index]
        following = blocks[index + 1] if index + 1 < len(blocks) else None
        label = _source(lines, [block]).strip().strip("*_").strip()
        if (
            block.kind == "paragraph"
            and _KEY_POINTS_LABEL.match(label)
            and following is not None
            and following.kind == "bullet_list"
        ):
            key_points.extend(item for _, item in _list_items(following, lines))
            index += 2
            continue
        answer_blocks.append(block)
        index += 1
    while answer_blocks and answer_blocks[-1].kind == "hr":
        answer_blocks.pop()
    answer = _ANSWER_LABEL.sub("", _source(lines, answer_blocks), count=1)
    return _unquote(answer.strip()), tuple(key_points)


def _read_themes(
    blocks: Sequence[_Block], lines: Sequence[str], warn: Callable[[int, str], None]
) -> list[Theme]:
    """The themes in the lists of a themes section; `warn` of anything else."""
    themes = []
    for block in blocks:
        if block.kind not in ("bullet_list", "ordered_list"):
            if block.kind != "hr":
                warn(block.start + 1, "skipped text in the themes section")
            continue
        for line, item in _list_items(block, lines):
            match = _THEME_ITEM.match(item)
            if match is None:
                warn(line, f"skipped a theme without a **bold title**: '{item}'")
                continue
            title = match["title"] or match["title2"]
            summary = match["summary"] or match["summary2"]
            themes.append(Theme("", title.strip().rstrip(":"), _unquote(summary.strip())))
    return themes


def _list_items(block: _Block, lines: Sequence[str]) -> list[tuple[int, str]]:
    """The line and Markdown of each item of a list, without its marker or indentation."""
    items = []
    for start, end in block.items:
        raw = lines[start:end]
        marker = _LIST_MARKER.match(raw[0])
        indent = len(marker.group()) if marker else 0
        rest = [line[indent:] if line[:indent].isspace() else line.strip() for line in raw[1:]]
        items.append((start + 1, "\n".join([raw[0][indent:], *rest]).strip()))
    return items


def _source(lines: Sequence[str], blocks: Sequence[_Block]) -> str:
    """The source lines from the first block's start to the last block's end."""
    if not blocks:
        return ""
    return "\n".join(lines[blocks[0].start : blocks[-1].end])


def _plain(inline: Token) -> str:
    """The text of an inline token without Markdown markup or decorative emoji."""
    text = "".join(
        child.content for child in inline.children or [] if child.type in ("text", "code_inline")
    )
    kept = "".join(
        character
        for character in text
        if unicodedata.category(character) != "So" and character not in "\ufe0f\u200d"
    )
    return " ".join(kept.split())


def _question_from_heading(heading: str) -> str:
    for pattern in (_NUMBERED_QUESTION, _LABELLED_QUESTION):
        match = pattern.match(heading)
        if match:
            return _clean_question(match["text"])
    question = _clean_question(heading)
    return question if question.endswith("?") else ""


def _clean_question(text: str) -> str:
    """A question without Markdown emphasis or the quotation marks around it."""
    text = _EMPHASIS.sub(r"\2", text.strip())
    return _unquote(text.strip())


def _unquote(text: str) -> str:
    """Drop the quotation marks that wrap a whole spoken text, and only those."""
    if len(text) < 2 or text[0] not in _QUOTE_PAIRS or text[-1] != _QUOTE_PAIRS[text[0]]:
        return text
    opening, closing = text[0], text[-1]
    inner = text[1:-1]
    if opening == closing:
        return inner if opening not in inner else text
    depth = 0
    for character in inner:
        depth += (character == opening) - (character == closing)
        if depth < 0:
            return text
    return inner.strip() if depth == 0 else text


def _split_title(heading: str) -> tuple[str, str]:
    match = _TITLE_WITH_SUBTITLE.match(heading)
    if match:
        return match["title"], match["subtitle"]
    return heading, ""


def slugify(text: str, max_words: int) -> str:
    """A short id from `text`: its first significant words, lowercase, hyphenated."""
    text = text.replace("’", "'")  # so that "Anthropic’s" splits like "Anthropic's"
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    words = _WORD.findall(ascii_text.lower())
    significant = [word for word in words if word not in _STOP_WORDS] or words
    return "-".join(significant[:max_words]) or "item"


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


@dataclass(frozen=True)
class ImportResult:
    """The data file written by an import, and what the importer left out."""

    path: Path
    questions: int
    themes: int
    warnings: tuple[Problem, ...]


def import_document(
    source: Path,
    output: Path | None = None,
    deck_id: str | None = None,
    encoding: str = "utf-8",
    force: bool = False,
) -> ImportResult:
    """Write the data file for the Markdown document `source` (default: data/<deck-id>.yaml)."""
    parsed = parse_document(read_document(source, encoding), source)
    if not parsed.deck.questions:
        raise ExporterError(
            f"{source}: no questions found; expected headings like '### 1. Why…?' or"
            " '### Q: Why…?', or paragraphs like '**Question:** Why…?', each with an answer"
        )
    deck = replace(parsed.deck, id=deck_id) if deck_id else parsed.deck
    if not is_valid_id(deck.id):
        raise ExporterError(
            f"--deck-id {deck.id!r} is not a slug: use lowercase letters, digits and hyphens"
        )
    path = output or Path("data") / f"{deck.id}.yaml"
    if path.exists() and not force:
        raise ExporterError(f"{path}: already exists; pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Checked as `exporter check` would before it replaces anything.
        write_atomically(path, dump(deck).encode(), check=load_deck)
    except OSError as error:
        raise ExporterError(f"{path}: cannot write: {error.strerror}") from None
    return ImportResult(path, len(deck.questions), len(deck.themes), parsed.warnings)
