"""A deck with every Markdown text rendered once and the pictures it shows read."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass

from exporter.errors import Problem
from exporter.images import Media, collect_media
from exporter.markdown import Block, RenderedMarkdown, render_texts, with_image_names
from exporter.model import Deck


@dataclass(frozen=True)
class RenderedDeck:
    """`deck`, its Markdown texts rendered (keyed by the text) and its pictures (keyed
    by their targets as written in the data)."""

    deck: Deck
    texts: Mapping[str, RenderedMarkdown]
    media: Mapping[str, Media]

    @functools.cached_property
    def media_names(self) -> dict[str, str]:
        """The media name of each picture, by its target."""
        return {target: item.name for target, item in self.media.items()}

    def html(self, text: str) -> str:
        """The HTML of the Markdown `text`, its pictures referred to by media name."""
        return with_image_names(self.texts[text].html, self.media_names)

    def blocks(self, text: str) -> tuple[Block, ...]:
        """The Word-ready blocks of the Markdown `text`."""
        return self.texts[text].blocks


def render_deck(deck: Deck) -> tuple[RenderedDeck, list[Problem]]:
    """Render every Markdown text of `deck` once and read its pictures; return the
    rendered deck and the problems with pictures that cannot be used."""
    texts = render_texts(deck.markdown_texts())
    media, problems = collect_media(deck, texts)
    return RenderedDeck(deck, texts, media), problems
