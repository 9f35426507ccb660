"""`exporter preview`: the cards as Anki shows them, checked in Anki and in a real browser."""

from __future__ import annotations

import html
import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image
from support import MINIMAL_DECK, SHIPPED_DECK, copy_shipped, import_apkg, write_data

from exporter.anki.notes import NOTE_TYPES
from exporter.anki.preview import render_card
from exporter.cli import main
from exporter.load import load_deck

HOSTILE = """|
      <script>document.title = "pwned"; document.body.innerHTML = "pwned"</script>
      <img src=x onerror="document.title='pwned'">
      [click](javascript:document.title='pwned') and ![pixel](pixel.png)
"""


def _chromium() -> str:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    reason = "chromium not found: install the Debian package chromium"
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (.ci/run installs it)")
    pytest.skip(reason)


def _browse(url: str, profile: Path, *arguments: str) -> subprocess.CompletedProcess[str]:
    """Load `url` in headless Chromium, sealed off from the network."""
    command = [
        _chromium(),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        f"--user-data-dir={profile}",
        "--hide-scrollbars",
        "--window-size=900,700",
        *arguments,
        url,
    ]
    return subprocess.run(command, capture_output=True, text=True, timeout=120, check=True)


def test_cards_render_exactly_as_anki_renders_them(runner: CliRunner, tmp_path: Path) -> None:
    data = copy_shipped(tmp_path / "data")
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    imported = import_apkg(tmp_path / "anthropic-culture-fit.apkg", tmp_path / "c.anki2")
    col = imported.collection
    types_by_id = {note_type.id: note_type for note_type in NOTE_TYPES.values()}
    card_ids = col.find_cards("")
    assert len(card_ids) == 12
    for card_id in card_ids:
        card = col.get_card(card_id)
        note = card.note()
        note_type = types_by_id[note.note_type()["id"]]  # type: ignore[index]
        front, back = render_card(note_type, dict(zip(note_type.fields, note.fields, strict=True)))
        rendered = card.render_output()
        assert (front, back) == (rendered.question_text, rendered.answer_text)
    col.close()


@pytest.fixture
def preview_page(runner: CliRunner, tmp_path: Path) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    Image.new("RGB", (40, 20), "purple").save(data / "pixel.png")
    write_data(data, MINIMAL_DECK.replace("The *first* answer.", HOSTILE))
    write_data(data, SHIPPED_DECK.read_text(encoding="utf-8"), "shipped.yaml")
    result = runner.invoke(main, ["preview", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"wrote {tmp_path / 'out' / 'demo.html'}",
        f"wrote {tmp_path / 'out' / 'anthropic-culture-fit.html'}",
    ]
    return tmp_path / "out"


def test_preview_lists_every_card_with_its_deck_and_tags(preview_page: Path) -> None:
    page = (preview_page / "anthropic-culture-fit.html").read_text(encoding="utf-8")
    deck = load_deck(SHIPPED_DECK)
    assert page.count('<article class="preview-card">') == 12
    positions = [page.index(html.escape(q.question, quote=False)) for q in deck.questions]
    assert positions == sorted(positions)  # data order
    assert "Deck: Culture Fit Q&amp;A for Anthropic::Themes" in page
    assert "Tags: motivation mission anthropic-culture-fit" in page


def test_in_a_browser_every_question_shows_and_no_data_script_runs(
    preview_page: Path, tmp_path: Path
) -> None:
    deck = load_deck(SHIPPED_DECK)
    page = (preview_page / "anthropic-culture-fit.html").as_uri()
    shipped = _browse(page, tmp_path / "p1", "--dump-dom").stdout
    for question in deck.questions:
        assert html.escape(question.question, quote=False) in shipped
    hostile = _browse((preview_page / "demo.html").as_uri(), tmp_path / "p2", "--dump-dom").stdout
    assert "<title>Demo Deck: card preview</title>" in hostile
    assert hostile.count('<article class="preview-card">') == 1  # body not replaced
    assert '<img src="x"' not in hostile
    assert 'href="javascript' not in hostile
    assert hostile.count("<script>") == 1  # the page's own light/dark switch
    assert "&lt;script&gt;document.title" in hostile
    assert re.search(r'<img src="data:image/png;base64,[^"]+" alt="pixel">', hostile)


def test_night_mode_changes_the_colours(preview_page: Path, tmp_path: Path) -> None:
    page = (preview_page / "anthropic-culture-fit.html").as_uri()
    colours = []
    for mode, fragment in (("light", ""), ("night", "#night")):
        shot = tmp_path / f"{mode}.png"
        _browse(page + fragment, tmp_path / mode, f"--screenshot={shot}")
        with Image.open(shot) as image:
            colours.append(image.convert("RGB").getpixel((5, 5)))
    light, night = colours
    assert sum(light) > 600  # near white
    assert sum(night) < 150  # near black
    dom = _browse(page + "#night", tmp_path / "d", "--dump-dom").stdout
    assert re.search(r'<body class="nightMode night_mode">', dom)
