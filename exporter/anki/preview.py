"""Cards → one HTML page with each card's front and back, from the deck's real templates."""

from __future__ import annotations

import base64
import hashlib
import html
import mimetypes
import re
from collections.abc import Mapping, Sequence

from exporter.anki.notes import CSS, NOTE_TYPES, NoteContent, NoteType, themes_deck_name
from exporter.images import Media
from exporter.rendered import RenderedDeck

_SECTION = re.compile(r"\{\{#([^}]+)\}\}(.*?)\{\{/\1\}\}", re.DOTALL)
_FIELD = re.compile(r"\{\{([^#/}][^}]*)\}\}")

PAGE_CSS = """\
body { margin: 0; font-family: system-ui, sans-serif; background: #f4f4f5; color: #1d1d1f; }
body.nightMode { background: #1c1c1e; color: #e5e5ea; }
header { padding: 1em 1.5em; display: flex; gap: 1em; align-items: baseline; flex-wrap: wrap; }
header h1 { font-size: 1.3em; margin: 0; }
header button { font: inherit; padding: 0.3em 0.8em; }
main { padding: 0 1.5em 2em; display: grid; gap: 1.5em; }
.preview-card { border-radius: 8px; padding: 0.8em 1em; background: #ffffff; }
.nightMode .preview-card { background: #2c2c2e; }
.meta { font-size: 0.8em; opacity: 0.7; margin: 0 0 0.6em; }
.sides { display: grid; grid-template-columns: repeat(auto-fit, minmax(18em, 1fr)); gap: 1em; }
.side h2 { font-size: 0.75em; text-transform: uppercase; letter-spacing: 0.06em; opacity: 0.6; }
.card img { max-width: 100%; height: auto; }
"""

# The page's only script: the light/dark switch. The page's Content-Security-Policy
# allows this exact script and nothing else, so no text from the data can ever run.
TOGGLE_SCRIPT = """\
const button = document.getElementById("night-toggle");
function setNight(on) {
  document.body.classList.toggle("nightMode", on);
  document.body.classList.toggle("night_mode", on);
  button.textContent = on ? "Light mode" : "Night mode";
}
button.addEventListener("click", () => setNight(!document.body.classList.contains("nightMode")));
setNight(location.hash === "#night");
"""


def render_card(note_type: NoteType, fields: Mapping[str, str]) -> tuple[str, str]:
    """The front and back of a card, as Anki renders the note type's template."""
    front = _fill(note_type.front, fields, "")
    return front, _fill(note_type.back, fields, front)


def _fill(template: str, fields: Mapping[str, str], front_side: str) -> str:
    # The templates use three of Anki's constructs: {{Field}}, {{FrontSide}} and
    # {{#Field}}…{{/Field}}, shown only when the field is not empty.
    def section(match: re.Match[str]) -> str:
        return match.group(2) if fields.get(match.group(1), "").strip() else ""

    def field(match: re.Match[str]) -> str:
        name = match.group(1).strip()
        return front_side if name == "FrontSide" else fields.get(name, "")

    return _FIELD.sub(field, _SECTION.sub(section, template))


def make_preview(rendered: RenderedDeck, notes: Sequence[NoteContent]) -> str:
    """An HTML page showing every card of the deck (`notes`, in data order), with its
    pictures inline."""
    deck = rendered.deck
    sources = {item.name: _data_uri(item) for item in rendered.media.values()}
    cards = []
    for note in notes:
        note_type = NOTE_TYPES[note.kind]
        front, back = render_card(note_type, dict(zip(note_type.fields, note.fields, strict=True)))
        deck_name = deck.title if note.kind == "question" else themes_deck_name(deck)
        cards.append(
            '<article class="preview-card">'
            f'<p class="meta">Deck: {html.escape(deck_name)} · Tags: '
            f"{html.escape(' '.join(note.tags))}</p>"
            '<div class="sides">'
            f"{_side('Front', front, sources)}{_side('Back', back, sources)}"
            "</div></article>"
        )
    script_hash = base64.b64encode(hashlib.sha256(TOGGLE_SCRIPT.encode()).digest()).decode()
    policy = (
        f"default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        f"script-src 'sha256-{script_hash}'"
    )
    title = html.escape(deck.title)
    count = f"{len(notes)} card" + ("" if len(notes) == 1 else "s")
    return (
        "<!doctype html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{title}: card preview</title>"
        f"<style>{PAGE_CSS}</style><style>{CSS}</style></head>\n"
        f"<body><header><h1>{title}</h1><span>{count}</span>"
        '<button id="night-toggle" type="button">Night mode</button></header>\n'
        "<main>\n" + "\n".join(cards) + "\n</main>\n"
        f"<script>{TOGGLE_SCRIPT}</script></body></html>\n"
    )


def _data_uri(item: Media) -> str:
    kind = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    return f"data:{kind};base64,{base64.b64encode(item.data).decode()}"


def _side(label: str, card: str, sources: Mapping[str, str]) -> str:
    """One side of a card, its images inline so that the page stands on its own."""
    for name, source in sources.items():
        card = card.replace(f'src="{name}"', f'src="{source}"')
    return f'<div class="side"><h2>{label}</h2><div class="card">{card}</div></div>'
