"""Chat-style Markdown Q&A document → canonical YAML data file."""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import ftfy
import yaml
from markdown_it import MarkdownIt
from markdown_it.token import Token

from exporter.errors import ExporterError
from exporter.load import is_valid_id, load_deck
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
    r"^(?:Q(?:uestion)?\s*)?\d+\s*[.):\-–—]\s*(?P<text>.+)$", re.IGNORECASE
)
_LABELLED_QUESTION = re.compile(r"^Q(?:uestion)?\s*[:.\-–—]\s*(?P<text>.+)$", re.IGNORECASE)
_QUESTION_PARAGRAPH = re.compile(
    r"^\s*(?:\*\*|__)\s*Q(?:uestion)?\s*\d*\s*[:.]?\s*(?:\*\*|__)\s*[:.]?\s*(?P<text>.+)$",
    re.IGNORECASE,
)
_ANSWER_LABEL = re.compile(
    r"^\s*(?:\*\*|__)?\s*(?:Answer(?:\s*\([^)\n]*\))?|A)\s*(?:\*\*|__)?\s*:"
    r"\s*(?:\*\*|__)?[ \t]*\n?",
    re.IGNORECASE,
)
_KEY_POINTS_LABEL = re.compile(
    r"^(?:key\s+(?:points|takeaways)|talking\s+points|points\s+to\s+(?:hit|make))\s*:?$",
    re.IGNORECASE,
)
_THEME_ITEM = re.compile(
    r"^(?:\*\*|__)(?P<title>.+?)(?:\*\*|__)\s*(?:→|->|—|–|:|-)\s*(?P<summary>.+)$"
    r"|^(?:\*\*|__)(?P<title2>.+?):(?:\*\*|__)\s*(?P<summary2>.+)$",
    re.DOTALL,
)
_TITLE_WITH_SUBTITLE = re.compile(r"^(?P<title>.+?)\s*\((?P<subtitle>[^()]+)\)$")
_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“"}
_STOP_WORDS = frozenset(
    "a about an and are as at be do does for from how i in is it its me of on or our s that"
    " the their them this to was what when where which who why will with would you your".split()
)
MAX_DECK_ID_WORDS = 6
MAX_ITEM_ID_WORDS = 4

HEADER = """\
# {title}: interview questions with model answers.
# This file is the one source of the Anki deck and the printable Word handouts.
#
# To edit: change any question, answer or theme below and save the file.
#   - Keep each `id` as it is. The id is what lets Anki update a card in place,
#     with its review history, instead of adding a new one. A new question needs
#     a new id of its own: lowercase letters, digits and hyphens.
#   - `answer`, `key_points` and theme `summary` are Markdown: *italic*, **bold**,
#     `code`, lists, [links](https://example.com). Write multi-line text
#     after `|` and indent it.
#   - `tags` become Anki tags (no spaces); `key_points` is an optional list of
#     short points shown under the answer.
#
# To regenerate: run `exporter build`, then import out/{deck_id}.apkg
# into Anki and print out/{deck_id}.docx. `exporter check` only
# validates this file.
"""


@dataclass
class ImportedQuestion:
    """A question found in the document, with the line of its heading."""

    line: int
    question: str
    answer: str = ""
    key_points: list[str] = field(default_factory=list)


@dataclass
class ImportedDeck:
    """Everything the importer understood, and what it left out."""

    title: str = ""
    subtitle: str = ""
    questions: list[ImportedQuestion] = field(default_factory=list)
    themes: list[tuple[str, str]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def read_document(path: Path, encoding: str = "utf-8") -> str:
    """Read `path` as `encoding` and repair mojibake (UTF-8 once read as Windows-1252)."""
    try:
        data = path.read_bytes()
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


def parse_document(text: str) -> ImportedDeck:
    """Find the title, questions, answers, key points and themes in a Markdown document."""
    lines = text.splitlines()
    deck = ImportedDeck()
    section: ImportedQuestion | str = "preamble"
    content: list[_Block] = []

    def close() -> None:
        if isinstance(section, ImportedQuestion):
            _fill_question(section, content, lines)
        elif section == "themes":
            _read_themes(content, lines, deck)
        elif section == "preamble":
            text_blocks = [block for block in content if block.kind != "hr"]
            if text_blocks:
                line = text_blocks[0].start + 1
                deck.warnings.append(f"{line}: skipped the text before the first question")
        content.clear()

    for block in _top_level_blocks(text):
        if block.kind == "heading":
            close()
            asked = _question_from_heading(block.text)
            if "theme" in block.text.lower():
                section = "themes"
            elif asked:
                section = ImportedQuestion(block.start + 1, asked)
                deck.questions.append(section)
            elif block.level == 1 and not deck.title and not deck.questions:
                deck.title, deck.subtitle = _split_title(block.text)
                section = "preamble"
            else:
                deck.warnings.append(f"{block.start + 1}: skipped the section '{block.text}'")
                section = "skipped"
            continue
        labelled = (
            _QUESTION_PARAGRAPH.match(lines[block.start]) if block.kind == "paragraph" else None
        )
        if labelled:
            close()
            section = ImportedQuestion(block.start + 1, _clean_question(labelled["text"]))
            deck.questions.append(section)
            if block.start + 1 < block.end:  # the answer starts in the same paragraph
                content.append(_Block("paragraph", block.start + 1, block.end))
            continue
        content.append(block)
    close()

    for question in deck.questions:
        if not question.answer:
            deck.warnings.append(
                f"{question.line}: question '{question.question}' has no answer; left out"
            )
    deck.questions = [question for question in deck.questions if question.answer]
    deck.warnings.sort(key=lambda warning: int(warning.split(":", 1)[0]))
    return deck


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


def _fill_question(
    question: ImportedQuestion, blocks: Sequence[_Block], lines: Sequence[str]
) -> None:
    """Take the answer and key points of `question` from the source lines of its blocks."""
    answer_blocks: list[_Block] = []
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
            question.key_points.extend(item for _, item in _list_items(following, lines))
            index += 2
            continue
        answer_blocks.append(block)
        index += 1
    while answer_blocks and answer_blocks[-1].kind == "hr":
        answer_blocks.pop()
    answer = _ANSWER_LABEL.sub("", _source(lines, answer_blocks), count=1)
    question.answer = _unquote(answer.strip())


def _read_themes(blocks: Sequence[_Block], lines: Sequence[str], deck: ImportedDeck) -> None:
    for block in blocks:
        if block.kind not in ("bullet_list", "ordered_list"):
            if block.kind != "hr":
                deck.warnings.append(f"{block.start + 1}: skipped text in the themes section")
            continue
        for line, item in _list_items(block, lines):
            match = _THEME_ITEM.match(item)
            if match is None:
                deck.warnings.append(f"{line}: skipped a theme without a **bold title**: '{item}'")
                continue
            title = match["title"] or match["title2"]
            summary = match["summary"] or match["summary2"]
            deck.themes.append((title.strip().rstrip(":"), _unquote(summary.strip())))


def _list_items(block: _Block, lines: Sequence[str]) -> list[tuple[int, str]]:
    """The line and Markdown of each item of a list, without its marker or indentation."""
    items = []
    for start, end in block.items:
        raw = lines[start:end]
        marker = re.match(r"^\s*(?:[-*+]|\d+[.)])\s+", raw[0])
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
    text = re.sub(r"(\*\*|__|\*|_)(.+?)\1", r"\2", text.strip())
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
    words = re.findall(r"[a-z0-9]+", ascii_text.lower())
    significant = [word for word in words if word not in _STOP_WORDS] or words
    return "-".join(significant[:max_words]) or "item"


def _unique(slug: str, taken: set[str]) -> str:
    candidate, number = slug, 2
    while candidate in taken:
        candidate = f"{slug}-{number}"
        number += 1
    taken.add(candidate)
    return candidate


def to_yaml(deck: ImportedDeck, deck_id: str, source_name: str) -> str:
    """Canonical, hand-editable YAML for `deck`, with the standard comment header."""
    title = deck.title or Path(source_name).stem.replace("-", " ").replace("_", " ").title()
    counts = f"{len(deck.questions)} interview questions with model answers"
    if deck.themes:
        counts += f", and {len(deck.themes)} themes to weave into any answer"
    out = [HEADER.format(title=title, deck_id=deck_id), "deck:"]
    out.append(f"  id: {deck_id}")
    out.append(f"  title: {_scalar(title)}")
    if deck.subtitle:
        out.append(f"  subtitle: {_scalar(deck.subtitle)}")
    out.append(f"  description: {_scalar(f'{counts}. Imported from {source_name}.')}")
    taken: set[str] = set()
    out += ["", "questions:"]
    for question in deck.questions:
        out.append(f"  - id: {_unique(slugify(question.question, MAX_ITEM_ID_WORDS), taken)}")
        out.append(f"    question: {_scalar(question.question)}")
        out.append(f"    answer: {_block(question.answer, 6, always=True)}")
        if question.key_points:
            out.append("    key_points:")
            out += [f"      - {_block(point, 8)}" for point in question.key_points]
        out.append("")
    if deck.themes:
        out.append("themes:")
        for title_text, summary in deck.themes:
            out.append(f"  - id: {_unique(slugify(title_text, MAX_ITEM_ID_WORDS), taken)}")
            out.append(f"    title: {_scalar(title_text)}")
            out.append(f"    summary: {_block(summary, 6)}")
            out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _scalar(value: str) -> str:
    """`value` as a one-line YAML scalar: plain when YAML reads it back as the same text."""
    try:
        if "\n" not in value and yaml.safe_load(f"k: {value}") == {"k": value}:
            return value
    except yaml.YAMLError:
        pass
    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML double-quoted one


def _block(value: str, indent: int, always: bool = False) -> str:
    """`value` as a literal block (`|`) when it is long or multi-line, or `always`, and
    reads back the same; else as a one-line scalar."""
    if not always and "\n" not in value and len(value) <= 70:
        return _scalar(value)
    pad = " " * indent
    block = "|\n" + "\n".join(pad + line if line else "" for line in value.split("\n"))
    try:
        if yaml.safe_load(f"k: {block}\n") == {"k": value + "\n"}:
            return block
    except yaml.YAMLError:
        pass
    return _scalar(value)


def default_deck_id(deck: ImportedDeck, source: Path) -> str:
    """A deck id from the document's title, or from its file name."""
    return slugify(deck.title or source.stem, MAX_DECK_ID_WORDS)


def warn_lines(source: Path, warnings: Iterable[str]) -> list[str]:
    """The warnings as `source:line: warning: …` lines."""
    return [f"{source}:{warning.replace(': ', ': warning: ', 1)}" for warning in warnings]


@dataclass(frozen=True)
class ImportResult:
    """The data file written by an import, and what the importer left out."""

    path: Path
    questions: int
    themes: int
    warnings: tuple[str, ...]


def import_document(
    source: Path,
    output: Path | None = None,
    deck_id: str | None = None,
    encoding: str = "utf-8",
    force: bool = False,
) -> ImportResult:
    """Write the data file for the Markdown document `source` (default: data/<deck-id>.yaml)."""
    deck = parse_document(read_document(source, encoding))
    if not deck.questions:
        raise ExporterError(
            f"{source}: no questions found; expected headings like '### 1. Why…?' or"
            " '### Q: Why…?', or paragraphs like '**Question:** Why…?', each with an answer"
        )
    deck_id = deck_id or default_deck_id(deck, source)
    if not is_valid_id(deck_id):
        raise ExporterError(
            f"--deck-id {deck_id!r} is not a slug: use lowercase letters, digits and hyphens"
        )
    path = output or Path("data") / f"{deck_id}.yaml"
    if path.exists() and not force:
        raise ExporterError(f"{path}: already exists; pass --force to overwrite it")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        # Checked as `exporter check` would before it replaces anything.
        write_atomically(path, to_yaml(deck, deck_id, source.name).encode(), check=load_deck)
    except OSError as error:
        raise ExporterError(f"{path}: cannot write: {error.strerror}") from None
    warnings = tuple(warn_lines(source, deck.warnings))
    return ImportResult(path, len(deck.questions), len(deck.themes), warnings)
