"""The validated content of a deck: immutable, and free of any file format."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Question:
    """One interview question; `answer` and `key_points` are Markdown."""

    id: str
    question: str
    answer: str
    tags: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Theme:
    """A short theme to weave into answers; `summary` is Markdown."""

    id: str
    title: str
    summary: str


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

    def markdown_texts(self) -> Iterator[str]:
        """Yield every Markdown text of the deck, each once per occurrence."""
        if self.description:
            yield self.description
        for question in self.questions:
            yield question.answer
            yield from question.key_points
        for theme in self.themes:
            yield theme.summary
