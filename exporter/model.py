"""The validated content of a deck: immutable, and free of any file format."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

# The line of each field in its data file, for messages; not part of the content.
Lines = Mapping[str, int]


def _no_lines() -> Lines:
    return {}


@dataclass(frozen=True)
class Question:
    """One interview question; `context`, `answer` and `key_points` are Markdown.

    `context` is what the question shows with it, on the front of the card: the code
    it asks about, the options to choose from.
    """

    id: str
    question: str
    answer: str
    tags: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()
    context: str = ""
    lines: Lines = field(default_factory=_no_lines, compare=False, repr=False)


@dataclass(frozen=True)
class Theme:
    """A short theme to weave into answers; `summary` is Markdown."""

    id: str
    title: str
    summary: str
    lines: Lines = field(default_factory=_no_lines, compare=False, repr=False)


@dataclass(frozen=True)
class Deck:
    """A deck as read from one data file; `description` is Markdown."""

    id: str
    title: str
    questions: tuple[Question, ...]
    themes: tuple[Theme, ...] = ()
    subtitle: str = ""
    description: str = ""
    author: str = ""
    source: Path | None = None
    lines: Lines = field(default_factory=_no_lines, compare=False, repr=False)

    def markdown_fields(self) -> Iterator[tuple[str, str, int]]:
        """Yield every Markdown text of the deck as (field name, text, line of the field;
        0 when unknown)."""
        if self.description:
            yield "description", self.description, self.lines.get("description", 0)
        for question in self.questions:
            if question.context:
                yield "context", question.context, question.lines.get("context", 0)
            yield "answer", question.answer, question.lines.get("answer", 0)
            for point in question.key_points:
                yield "key_points", point, question.lines.get("key_points", 0)
        for theme in self.themes:
            yield "summary", theme.summary, theme.lines.get("summary", 0)

    def markdown_texts(self) -> Iterator[str]:
        """Yield every Markdown text of the deck, each once per occurrence."""
        for _, text, _ in self.markdown_fields():
            yield text
