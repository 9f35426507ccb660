"""Data file → Deck: the schema (ids, tags, text fields), every mistake located."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from exporter.errors import DataError, Problem
from exporter.model import Deck, Question, Theme
from exporter.strict_yaml import Fields, YamlFile

DATA_SUFFIXES = (".yaml", ".yml")
MAX_ID_LENGTH = 64
# Tags the exporter gives notes itself (exporter::removed); the data may not use them.
RESERVED_TAG_PREFIX = "exporter::"

_SLUG = re.compile(r"[a-z0-9]++(?:-[a-z0-9]++)*+\Z")
_LEADING_BLANK_LINES = re.compile(r"\A(?:[ \t]*\n)+")
_TRAILING_BLANK_LINES = re.compile(r"(?:\n[ \t]*)+\Z")
_NOT_SLUG = re.compile(r"[^a-z0-9]+")
_LINE_BREAK = re.compile("[\n\u2028\u2029]")

_TOP_KEYS = ("deck", "questions", "themes")
_DECK_KEYS = ("id", "title", "subtitle", "description", "author")
_QUESTION_KEYS = ("id", "question", "context", "answer", "tags", "key_points")
_THEME_KEYS = ("id", "title", "summary")


def is_valid_id(value: str) -> bool:
    """Tell whether `value` can be a deck, question or theme id."""
    return len(value) <= MAX_ID_LENGTH and _SLUG.match(value) is not None


def find_data_files(paths: Iterable[Path]) -> list[Path]:
    """List the data files named by `paths`: files as given, folders by their *.yaml
    (or *.yml, in any case) files; each file once, however it is spelled."""
    files: dict[Path, Path] = {}  # by the file it is, whatever the spelling
    problems: list[Problem] = []
    for path in paths:
        try:
            found = _data_files_in(path)
        except OSError as error:
            problems.append(Problem(path, None, f"cannot read: {error.strerror}"))
            continue
        if path.is_dir() and not found:
            problems.append(Problem(path, None, "no data files (*.yaml) in this folder"))
        for file in found:
            problem = _not_a_data_file(file)
            if problem:
                problems.append(Problem(file, None, problem))
            else:
                files.setdefault(file.resolve(), file)
    if problems:
        raise DataError(problems)
    return list(files.values())


def _data_files_in(path: Path) -> list[Path]:
    """`path` itself, or the data files of the folder `path`."""
    if not path.is_dir():
        return [path]
    return sorted(child for child in path.iterdir() if child.suffix.lower() in DATA_SUFFIXES)


def _not_a_data_file(path: Path) -> str | None:
    """What keeps `path` from being read as a data file, if anything."""
    if path.is_file():
        return None
    if path.is_symlink():
        return "a link to a file that does not exist"
    if path.exists():
        return "not a regular file or folder"
    return "no such file or folder"


def load_decks(paths: Iterable[Path]) -> tuple[Deck, ...]:
    """Read and validate every deck named by `paths`; raise DataError listing all problems."""
    problems: list[Problem] = []
    decks: list[Deck] = []
    first_use: dict[str, tuple[Path, int]] = {}
    for path in find_data_files(paths):
        file = YamlFile(path)
        deck, id_line = _read_deck(file)
        problems += file.sorted_problems()
        if deck is None:
            continue
        if deck.id in first_use:
            other, other_line = first_use[deck.id]
            problems.append(
                Problem(
                    path, id_line, f"deck id '{deck.id}' is already used in {other}:{other_line}"
                )
            )
            continue
        first_use[deck.id] = (path, id_line)
        decks.append(deck)
    if problems:
        raise DataError(problems)
    return tuple(decks)


def load_deck(path: Path) -> Deck:
    """Read and validate the single deck in `path`."""
    return load_decks([path])[0]


def _read_deck(file: YamlFile) -> tuple[Deck | None, int]:
    """The deck of `file` and the line of its id; no deck when the file has problems."""
    top = file.root(_TOP_KEYS)
    if top is None:
        return None, 0
    deck_node = top.required("deck")
    seen_ids: dict[str, int] = {}
    questions = tuple(
        _question(file.mapping(node, _QUESTION_KEYS, f"question {number}"), seen_ids)
        for number, node in enumerate(top.sequence("questions", required=True), start=1)
    )
    themes = tuple(
        _theme(file.mapping(node, _THEME_KEYS, f"theme {number}"), seen_ids)
        for number, node in enumerate(top.sequence("themes"), start=1)
    )
    if deck_node is None:
        return None, 0
    fields = file.mapping(deck_node, _DECK_KEYS, "deck")
    deck = Deck(
        id=_id(fields, None),
        title=_title(fields),
        subtitle=fields.text("subtitle", required=False),
        description=fields.text("description", required=False, clean=strip_markdown),
        author=fields.text("author", required=False),
        questions=questions,
        themes=themes,
        source=file.path,
        lines=fields.lines(),
    )
    return (None if file.problems else deck), fields.line("id")


def _title(fields: Fields) -> str:
    """The deck's title, which names the deck in Anki: one line, and when it nests the
    deck inside others with `::` (`Interviews::Anthropic`), no part of it empty."""
    title = fields.text("title")
    if _LINE_BREAK.search(title):
        fields.problem(fields.line("title"), "the deck title must be one line")
    elif title and not all(part.strip() for part in title.split("::")):
        fields.problem(
            fields.line("title"),
            f"the deck title '{title}' has an empty part between '::' marks; in Anki, '::'"
            " puts a deck inside another (Parent::Child), and an empty name becomes 'blank'",
        )
    return title


def _question(fields: Fields, seen_ids: dict[str, int]) -> Question:
    return Question(
        id=_id(fields, seen_ids),
        question=fields.text("question"),
        answer=fields.text("answer", clean=strip_markdown),
        tags=_tags(fields),
        key_points=_key_points(fields),
        context=fields.text("context", required=False, clean=strip_markdown),
        lines=fields.lines(),
    )


def _theme(fields: Fields, seen_ids: dict[str, int]) -> Theme:
    return Theme(
        id=_id(fields, seen_ids),
        title=fields.text("title"),
        summary=fields.text("summary", clean=strip_markdown),
        lines=fields.lines(),
    )


def _id(fields: Fields, seen: dict[str, int] | None) -> str:
    """The id of `fields`, a problem when it is no slug or (with `seen`: the ids already
    used, by line) taken."""
    value = fields.text("id")
    if not value:
        return ""
    line = fields.line("id")
    if len(value) > MAX_ID_LENGTH:
        fields.problem(line, f"id is {len(value)} characters long; at most {MAX_ID_LENGTH}")
    elif not _SLUG.match(value):
        suggestion = _NOT_SLUG.sub("-", value.lower()).strip("-") or "my-id"
        fields.problem(
            line,
            f"id '{value}' is not a slug: use lowercase letters, digits and hyphens,"
            f" like '{suggestion}'",
        )
    elif seen is not None:
        if value in seen:
            fields.problem(line, f"duplicate id '{value}' (first used at line {seen[value]})")
        else:
            seen[value] = line
    return value


def _tags(fields: Fields) -> tuple[str, ...]:
    tags: list[str] = []
    for line, value in fields.strings("tags"):
        tag = value.strip()
        if not tag:
            fields.problem(line, "a tag is empty")
        elif any(character.isspace() for character in tag):
            fields.problem(line, f"tag '{tag}' contains a space; Anki tags cannot")
        elif tag.lower().startswith(RESERVED_TAG_PREFIX):
            fields.problem(
                line,
                f"tag '{tag}' is reserved: the exporter marks notes with {RESERVED_TAG_PREFIX}…",
            )
        elif tag not in tags:
            tags.append(tag)
    return tuple(tags)


def _key_points(fields: Fields) -> tuple[str, ...]:
    points = []
    for line, value in fields.strings("key_points"):
        point = strip_markdown(value)
        if point:
            points.append(point)
        else:
            fields.problem(line, "an item of 'key_points' is empty")
    return tuple(points)


def strip_markdown(text: str) -> str:
    """A Markdown text without the blank lines around it ("" when it is only space)."""
    # Spaces that open the first line or end the last are Markdown (a code block's
    # indent, its text), so keep them: only blank lines go.
    if not text.strip():
        return ""
    return _TRAILING_BLANK_LINES.sub("", _LEADING_BLANK_LINES.sub("", text))
