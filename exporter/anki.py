"""Model → Anki package (.apkg): fixed note types and deck ids, GUIDs from ids, never content."""

from __future__ import annotations

import hashlib
import html
import itertools
import sqlite3
from collections.abc import Mapping

import genanki

from exporter.files import zip_bytes
from exporter.markdown import RenderedMarkdown
from exporter.model import Deck

# Anki matches note types by id and by field names: both are frozen once users import.
QUESTION_MODEL_ID = 1_771_304_126
THEME_MODEL_ID = 1_455_270_853
QUESTION_FIELDS = ("Question", "Answer", "Key Points")
THEME_FIELDS = ("Theme", "Summary")

CSS = """\
.card {
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif;
  font-size: 20px;
  line-height: 1.5;
  text-align: left;
  max-width: 42em;
  margin: 0 auto;
  padding: 0 0.75em;
}
.prompt { font-size: 1.15em; font-weight: 600; }
.kind, .key-points .label {
  font-size: 0.7em;
  letter-spacing: 0.06em;
  text-transform: uppercase;
  opacity: 0.65;
}
hr#answer { border: 0; border-top: 1px solid currentColor; opacity: 0.25; margin: 1em 0; }
.answer p, .key-points li p { margin: 0 0 0.75em; }
.key-points { margin-top: 1.25em; }
.key-points ul { margin: 0.25em 0 0; padding-left: 1.25em; }
a { color: inherit; }
code, pre {
  font-family: ui-monospace, "SF Mono", Menlo, Consolas, "Liberation Mono", monospace;
  font-size: 0.88em;
  background: rgba(127, 127, 127, 0.15);
  border-radius: 4px;
}
code { padding: 0.1em 0.3em; }
pre { padding: 0.6em 0.8em; white-space: pre-wrap; }
pre code { padding: 0; background: none; }
blockquote {
  margin: 0 0 0.75em;
  padding-left: 0.8em;
  border-left: 3px solid rgba(127, 127, 127, 0.5);
}
table { border-collapse: collapse; margin: 0 0 0.75em; }
th, td { border: 1px solid rgba(127, 127, 127, 0.4); padding: 0.3em 0.6em; vertical-align: top; }
@media (max-width: 480px) { .card { font-size: 18px; padding: 0 0.25em; } }
"""

QUESTION_MODEL = genanki.Model(
    QUESTION_MODEL_ID,
    "exporter: Interview Question",
    fields=[{"name": name} for name in QUESTION_FIELDS],
    templates=[
        {
            "name": "Question → Answer",
            "qfmt": '<div class="prompt">{{Question}}</div>',
            "afmt": (
                "{{FrontSide}}\n"
                '<hr id="answer">\n'
                '<div class="answer">{{Answer}}</div>\n'
                "{{#Key Points}}"
                '<div class="key-points"><div class="label">Key points</div>{{Key Points}}</div>'
                "{{/Key Points}}"
            ),
        }
    ],
    css=CSS,
)

THEME_MODEL = genanki.Model(
    THEME_MODEL_ID,
    "exporter: Theme",
    fields=[{"name": name} for name in THEME_FIELDS],
    templates=[
        {
            "name": "Theme → Summary",
            "qfmt": '<div class="kind">Theme</div><div class="prompt">{{Theme}}</div>',
            "afmt": '{{FrontSide}}\n<hr id="answer">\n<div class="answer">{{Summary}}</div>',
        }
    ],
    css=CSS,
)


def stable_id(*parts: str) -> int:
    """Return a fixed id in Anki's usual range (2**30 to 2**31) derived from `parts`."""
    digest = hashlib.sha256("\x1f".join(parts).encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:8], "big") % (1 << 30)


def themes_deck_name(deck: Deck) -> str:
    """Name of the Anki subdeck that holds the deck's themes."""
    return f"{deck.title}::Themes"


def make_apkg(deck: Deck, rendered: Mapping[str, RenderedMarkdown], timestamp: float) -> bytes:
    """Return the .apkg of `deck`, with `rendered` holding the HTML of every Markdown text."""
    question_deck = genanki.Deck(
        stable_id("deck", deck.id),
        deck.title,
        description=rendered[deck.description].html if deck.description else "",
    )
    for position, question in enumerate(deck.questions, start=1):
        key_points = "".join(f"<li>{rendered[point].html}</li>" for point in question.key_points)
        question_deck.add_note(
            genanki.Note(
                model=QUESTION_MODEL,
                fields=[
                    html.escape(question.question, quote=False),
                    rendered[question.answer].html,
                    f"<ul>{key_points}</ul>" if key_points else "",
                ],
                guid=genanki.guid_for(deck.id, question.id),
                tags=[*question.tags, deck.id],
                due=position,  # new cards come up in the order of the data file
            )
        )
    decks = [question_deck]
    if deck.themes:
        theme_deck = genanki.Deck(stable_id("deck", deck.id, "themes"), themes_deck_name(deck))
        for position, theme in enumerate(deck.themes, start=1):
            theme_deck.add_note(
                genanki.Note(
                    model=THEME_MODEL,
                    fields=[html.escape(theme.title, quote=False), rendered[theme.summary].html],
                    guid=genanki.guid_for(deck.id, theme.id),
                    tags=[deck.id],
                    due=position,
                )
            )
        decks.append(theme_deck)

    # An in-memory database: genanki's own write_to_file leaves a temp file behind.
    connection = sqlite3.connect(":memory:")
    try:
        id_numbers = itertools.count(int(timestamp * 1000))
        genanki.Package(decks).write_to_db(connection.cursor(), timestamp, id_numbers)
        connection.commit()
        database = connection.serialize()
    finally:
        connection.close()
    return zip_bytes([("collection.anki2", database), ("media", b"{}")])
