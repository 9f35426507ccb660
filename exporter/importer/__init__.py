"""Any Q&A document → Deck (and a located warning per part left out) → data file.

read.py turns the file into Markdown text, blocks.py into top-level blocks,
segment.py finds the questions, answers.py their answers, key points and themes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from slugify import slugify as transliterated

from exporter.dump import dump
from exporter.errors import DataError, ExporterError, Problem
from exporter.importer.answers import body_of, is_placeholder, themes_of
from exporter.importer.blocks import Unit, read_units
from exporter.importer.candidates import KINDS, choose, counts
from exporter.importer.chat import chat_turns
from exporter.importer.markup import html_to_markdown
from exporter.importer.pictures import IMAGES_FOLDER, bring_pictures
from exporter.importer.questions import card_front
from exporter.importer.read import CONVERTED_SUFFIXES, TABLE_SUFFIXES, read_document
from exporter.importer.segment import Segmentation, one_question, split
from exporter.importer.source import readable
from exporter.importer.tables import (
    columns_of,
    headerless,
    markdown_table,
    mended,
    names_columns,
    read_delimited,
    separated_lines,
)
from exporter.load import RESERVED_TAG_PREFIX, is_valid_id, load_deck
from exporter.model import Deck, Question, Theme
from exporter.outputs import write_atomically

__all__ = [
    "KINDS",
    "STEERS",
    "ImportResult",
    "ParsedDocument",
    "import_document",
    "parse_document",
    "read_document",
    "slugify",
    "unique_id",
]

# A title drawn between lines of "=====" in a text file: the lines are not its words.
_TITLE_RULES = re.compile(r"^[\s=\-_*~#]{3,}+|[\s=\-_*~#]{3,}+$")
_TITLE_WITH_SUBTITLE = re.compile(r"^(?P<title>.+?)\s*+\((?P<subtitle>[^()]++)\)$")
# "Source: https://…" on the last line of an answer.
_CREDIT = re.compile(
    r"\n[ \t]*+(?:\*\*|__)?+(?:sources?|credits?|references?|from)(?:\*\*|__)?+[ \t]*+:"
    r"(?:\*\*|__)?+[ \t]*+<?https?://\S++[ \t]*+\Z",
    re.IGNORECASE,
)
_TAG_WORD = re.compile(r"[^\W_]+")
_STOP_WORDS = frozenset(
    "a about an and are as at be do does for from how i in is it its me of on or our s that"
    " the their them this to was what when where which who why will with would you your"
    # French, Spanish, Portuguese and German: the words every question of theirs opens with
    " qu est ce que qui quoi quel quelle quels quelles le la les un une des de du d l en et"
    " es el los las del y por para como cual cuales o um uma os as do da dos das e em no na"
    " der die das ein eine ist sind was wie warum und zu von mit".split()
)
MAX_DECK_ID_WORDS = 6
MAX_ITEM_ID_WORDS = 4


@dataclass(frozen=True)
class ParsedDocument:
    """The deck found in a document, a warning for each part of it left out, and how
    the document was split."""

    deck: Deck
    warnings: tuple[Problem, ...]
    segmentation: Segmentation


def _spreadsheet(rows: list[list[str]], source: Path, mark: str = ",") -> tuple[str, list[str]]:
    """A CSV or TSV file's `rows` as a Markdown table, and a warning for each column left
    out. Without a header row, the column that asks holds the questions and the longest
    one beside it the answers."""
    columns = columns_of(rows[0], rows[1:]) if rows else None
    left_out = []
    unnamed = headerless(rows) if columns is None else None
    if unnamed is not None and names_columns(rows, unnamed[1]):
        # A header in words of its own ("Concept,Explanation"): its two columns named.
        question, answer = unnamed
        named = (rows[0][question].strip(), rows[0][answer].strip())
        rows = [_named(rows[0], question, answer), *rows[1:]]
        columns = columns_of(rows[0], rows[1:])
        left_out.append(
            f"took the column '{named[0]}' as the questions and '{named[1]}' as the answers"
        )
    elif unnamed is not None:
        question, answer = unnamed
        width = Counter(len(row) for row in rows).most_common(1)[0][0]  # most rows' width
        rows = [_named([""] * width, question, answer), *rows]
        columns = columns_of(rows[0], rows[1:])
        left_out.append(
            f"no header row: the questions are column {question + 1}, the answers column"
            f" {answer + 1}" + (f"; left out {width - 2} other columns" if width > 2 else "")
        )
    if columns is None:
        header = ", ".join(repr(name) for name in rows[0]) if rows else "nothing"
        raise ExporterError(
            f"{source}:1: the header row names no question column and answer column"
            f" (it has {header}); call them Question and Answer"
        )
    left_out += [
        f"left out the column '{rows[0][index].strip()}': it holds codes, not text for a card"
        for index in columns.codes
    ]
    return markdown_table(mended(rows, columns.question, columns.answer, mark)), left_out


def _named(header: Sequence[str], question: int, answer: int) -> list[str]:
    """`header` with its question and answer columns named so."""
    return [
        "Question" if n == question else "Answer" if n == answer else name
        for n, name in enumerate(header)
    ]


def parse_document(text: str, source: Path, steer: str | None = None) -> ParsedDocument:
    """Find the title, questions, answers, key points and themes in the `text` of the
    document `source` (Markdown, or CSV/TSV by its name), and warn, by line, of every
    part left out. `steer` names the kind of block that holds the questions (one of
    KINDS) instead of choosing the one that explains the document best."""
    left_out: list[str] = []  # a spreadsheet's columns left out, and why
    suffix = source.suffix.lower()
    separated = separated_lines(text) if suffix == ".txt" else None
    if suffix in TABLE_SUFFIXES:
        rows, mark = read_delimited(text, tab=suffix == ".tsv")
        text, left_out = _spreadsheet(rows, source, mark)
    elif separated is not None:  # "question<tab>answer" a line, as Anki exports notes
        text, left_out = _spreadsheet(separated, source)
    text = readable(text)
    units = read_units(text)
    mostly_html = _mostly_html(units, text)
    if mostly_html:  # a page written in HTML: read what it shows, as Markdown
        text = html_to_markdown(text)
        units = read_units(text)
    # Lines of a Word file, an HTML page or a spreadsheet are lines of its Markdown, not
    # of the file: not worth a number.
    converted = (*CONVERTED_SUFFIXES, *TABLE_SUFFIXES)
    located = suffix not in converted and not mostly_html and separated is None
    lines = text.split("\n")
    chat = chat_turns(units, lines) if steer in (None, "chat") else None
    single = one_question(units, lines) if steer is None else None
    if chat is not None:  # a saved chat: the user's turns, the assistant's replies
        found = chat
    elif single is not None:  # a page that asks one question and answers it
        found = single
    else:
        kind, level, topics = choose(units, lines, None if steer == "chat" else steer)
        found = split(units, lines, kind, level, tag_of, steer is not None, topics)
    found.mostly_html = mostly_html
    warnings: list[Problem] = []

    def warn(line: int, message: str) -> None:
        warnings.append(Problem(source, line if located else None, message, "warning"))

    for message in left_out:
        warn(1, message)
    for line, message in found.skipped:
        warn(line, message)

    questions = []
    for question in found.questions:
        body = body_of(question, lines)
        if body.answer and not is_placeholder(body.answer):
            row = question.row
            tags = tuple(dict.fromkeys((*question.tags, *(row.tags if row else ()))))
            reserved = [tag for tag in tags if tag.lower().startswith(RESERVED_TAG_PREFIX)]
            if reserved:
                warn(
                    question.line,
                    f"left out the tag '{reserved[0]}': exporter:: tags are the exporter's own",
                )
                tags = tuple(tag for tag in tags if tag not in reserved)
            own_id = row.id if row and is_valid_id(row.id) else ""
            questions.append(
                Question(
                    own_id,
                    f"{question.question} {body.question_end}".strip(),
                    body.answer,
                    tags,
                    body.key_points,
                    body.context,
                )
            )
        else:
            warn(question.line, f"question '{question.question}' has no answer; left out")
    last_line = len(text.rstrip().split("\n"))
    questions = _without_document_credit(questions, lambda message: warn(last_line, message))
    themes = themes_of(found.themes, lines, warn)
    title, subtitle = _split_title(_TITLE_RULES.sub("", found.title)) if found.title else ("", "")
    # A title names an Anki deck: '::' nests decks, so no part of it may be empty.
    title = "::".join(part.strip() for part in title.split("::") if part.strip())
    deck = _deck(title, subtitle, questions, themes, source)
    if not deck.questions:  # what the document holds, for the error that says so
        found.counts = counts(units, lines)
    ordered = tuple(sorted(warnings, key=lambda warning: warning.line or 0))
    return ParsedDocument(deck, ordered, found)


_DETAILS_FIRST = re.compile(r"\s*+<details\b", re.IGNORECASE)


def _mostly_html(units: list[Unit], text: str) -> bool:
    """Tell whether most of the document's lines are raw HTML (`<details>` blocks inside
    a page's `<section>` or `<div>` are part of its HTML)."""
    lines = text.split("\n")
    html_lines = sum(
        unit.end - unit.start
        for unit in units
        if unit.kind in ("html", "noise")
        or (unit.kind == "details" and not _DETAILS_FIRST.match(lines[unit.start]))
        or (unit.kind == "code_block" and _tags_only(lines[unit.start : unit.end]))
    )
    shown = sum(1 for line in lines if line.strip())
    return shown > 0 and html_lines > shown / 2


def _tags_only(lines: Sequence[str]) -> bool:
    """Tell whether every filled line opens with a tag: HTML indented past a blank line,
    which Markdown takes for code and a site's own renderer for the page it is."""
    filled = [line.strip() for line in lines if line.strip()]
    return bool(filled) and all(line.startswith("<") for line in filled)


def _deck(
    title: str, subtitle: str, questions: list[Question], themes: list[Theme], source: Path
) -> Deck:
    """The deck of the document `source`: its id and (when it has no title) its title from
    the file name, and an id for every question, then every theme."""
    taken: dict[str, int] = {}
    counts = f"{len(questions)} interview questions with model answers"
    if themes:
        counts += f", and {len(themes)} themes to weave into any answer"
    return Deck(
        id=slugify(title or source.stem, MAX_DECK_ID_WORDS),
        title=title or source.stem.replace("-", " ").replace("_", " ").title(),
        subtitle=subtitle,
        description=f"{counts}. Imported from {source.name}.",
        questions=tuple(
            replace(
                question,
                id=unique_id(question.id or slugify(question.question, MAX_ITEM_ID_WORDS), taken),
            )
            for question in questions
        ),
        themes=tuple(
            replace(theme, id=unique_id(slugify(theme.title, MAX_ITEM_ID_WORDS), taken))
            for theme in themes
        ),
    )


def _without_document_credit(
    questions: list[Question], warn: Callable[[str], None]
) -> list[Question]:
    """The questions without the credit line that ends the document ("Source: https://…")
    when it ends the last answer only: it names where the whole document comes from."""
    if not questions:
        return questions
    credited = [question for question in questions if _CREDIT.search(question.answer)]
    last = questions[-1]
    if credited != [last] or not _CREDIT.sub("", last.answer).strip():
        return questions
    warn("left out the source line at the end of the document: it credits the whole of it")
    return [*questions[:-1], replace(last, answer=_CREDIT.sub("", last.answer).rstrip())]


def _split_title(heading: str) -> tuple[str, str]:
    match = _TITLE_WITH_SUBTITLE.match(heading)
    if match:
        return match["title"], match["subtitle"]
    return heading, ""


def tag_of(category: str) -> str:
    """The Anki tag of a category heading: its words, in any script, lowercase, joined by
    hyphens, without its number ("### 1. TEAMWORK" → teamwork)."""
    words = _TAG_WORD.findall(card_front(category).lower())
    return "-".join(words[:MAX_ITEM_ID_WORDS]) or "category"


def slugify(text: str, max_words: int) -> str:
    """A short id from `text`: its first significant words, in ASCII letters, lowercase,
    hyphenated."""
    # Any script, spelled in ASCII ("后端面试" → hou-duan-mian-shi); "Anthropic’s" → anthropic s.
    words = transliterated(re.sub(r"['’]", " ", text), separator=" ").split()
    significant = [word for word in words if word not in _STOP_WORDS] or words
    return "-".join(significant[:max_words]) or "item"


def unique_id(slug: str, taken: dict[str, int]) -> str:
    """`slug`, or `slug-2`, `slug-3`… when it is taken; `taken` counts each slug's uses."""
    candidate = slug
    while candidate in taken:
        taken[slug] = taken.get(slug, 1) + 1
        candidate = f"{slug}-{taken[slug]}"
    taken[candidate] = 1
    return candidate


@dataclass(frozen=True)
class ImportResult:
    """What an import found and wrote (nothing, for a dry run), and what it left out."""

    path: Path
    questions: int
    themes: int
    warnings: tuple[Problem, ...]
    found: tuple[str, ...] = ()  # a dry run's account of the questions and categories


def import_document(
    source: Path,
    output: Path | None = None,
    deck_id: str | None = None,
    encoding: str = "utf-8",
    force: bool = False,
    steer: str | None = None,
    dry_run: bool = False,
) -> ImportResult:
    """Write the data file for the document `source` (default: data/<deck-id>.yaml), and
    copy its pictures beside it; `steer` names the kind of block holding the questions.
    A `dry_run` writes nothing and tells what it found."""
    parsed = parse_document(read_document(source, encoding), source, steer)
    if not parsed.deck.questions:
        raise ExporterError(_nothing_found(source, parsed, steer))
    deck = replace(parsed.deck, id=deck_id) if deck_id else parsed.deck
    if not is_valid_id(deck.id):
        raise ExporterError(
            f"--deck-id {deck.id!r} is not a slug: use lowercase letters, digits and hyphens"
        )
    path = output or Path("data") / f"{deck.id}.yaml"
    deck, pictures = bring_pictures(deck, source.parent, path.parent / IMAGES_FOLDER)
    warnings = (
        *parsed.warnings,
        *(Problem(source, None, message, "warning") for message in pictures.warnings),
    )
    if dry_run:
        found = _account(parsed.segmentation, deck, source.suffix.lower())
        return ImportResult(path, len(deck.questions), len(deck.themes), warnings, found)
    if path.exists() and not force:
        raise ExporterError(f"{path}: already exists; pass --force to overwrite it")
    written: list[Path] = []
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        for name, data in pictures.files.items():
            picture = path.parent / IMAGES_FOLDER / name
            if not picture.exists():
                picture.parent.mkdir(exist_ok=True)
                write_atomically(picture, data)
                written.append(picture)
        # Checked as `exporter check` would before it replaces anything.
        write_atomically(path, dump(deck).encode(), check=load_deck)
    except (OSError, DataError) as error:
        for picture in written:
            picture.unlink(missing_ok=True)
        if isinstance(error, DataError):  # named by the file it would have been
            raise DataError([replace(problem, path=path) for problem in error.problems]) from None
        raise ExporterError(f"{path}: cannot write: {error.strerror}") from None
    return ImportResult(path, len(deck.questions), len(deck.themes), warnings)


# What `--questions` may name: a kind of block, or a chat's turns.
STEERS = (*KINDS, "chat")
_KIND_NAMES = {
    "details": "<details> blocks",
    "table": "table rows",
    "labels": "'Q:' labels",
    "pairs": "'question → answer' lines",
    "list": "list items",
    "bold": "bold paragraphs",
    "quotes": "block quotes",
    "lines": "paragraphs that ask or open a topic",
    "chat": "turns of a chat",
}


def _account(found: Segmentation, deck: Deck, suffix: str) -> tuple[str, ...]:
    """What a dry run tells: how the questions were found, each question and category by
    line (in order only in a spreadsheet, a Word file or an HTML page: the lines read
    are not the file's)."""
    kind = f"level-{found.level} headings" if found.kind == "headings" else _KIND_NAMES[found.kind]
    if found.topics:
        kind += " (topics: none of them asks)"
    lines = [
        f"{len(deck.questions)} questions, found as {kind};"
        f" {len(found.categories)} categories, {len(deck.themes)} themes"
    ]
    entries = [(line, f"category '{name}'") for line, name in found.categories]
    kept = iter(deck.questions)  # in the order found, less those left out
    card = next(kept, None)
    for question in found.questions:
        # A card's front may run on past the question's line ("…for Dev &" / "Testing?")
        if card is not None and card.question.startswith(question.question):
            tags = f"  [tags: {', '.join(card.tags)}]" if card.tags else ""
            entries.append((question.line, f"question '{card.question}'{tags}"))
            card = next(kept, None)
    if suffix in (*CONVERTED_SUFFIXES, *TABLE_SUFFIXES) or found.mostly_html:
        lines += [f"  {entry}" for _, entry in sorted(entries)]
    else:
        lines += [f"  line {line}: {entry}" for line, entry in sorted(entries)]
    return tuple(lines)


def _nothing_found(source: Path, parsed: ParsedDocument, steer: str | None) -> str:
    """The error for a document with no questions: what it holds, and how to steer."""
    counts = parsed.segmentation.counts
    held = ", ".join(f"{count} {name}" for name, count in counts.items() if count)
    asked = f" as {_KIND_NAMES.get(steer, steer)}" if steer else ""
    return (
        f"{source}: no questions found{asked}; the document has"
        f" {held or 'no headings, lists, tables or <details> blocks to hold them'};"
        f" say where the questions are with --questions {'|'.join(STEERS)}"
    )
