"""The .apkg, imported into a fresh collection by the real Anki backend."""

from __future__ import annotations

import html
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import genanki
import pytest
from click.testing import CliRunner
from support import MINIMAL_DECK, SHIPPED_DECK, Imported, import_apkg, write_data

from exporter.anki.notes import QUESTION_TYPE, THEME_TYPE
from exporter.cli import main
from exporter.load import load_deck
from exporter.markdown import render_markdown

TITLE = "Culture Fit Q&A for Anthropic"
QUESTION_MODEL_ID, THEME_MODEL_ID = QUESTION_TYPE.id, THEME_TYPE.id


@pytest.fixture
def shipped(shipped_build: Path, tmp_path: Path) -> Iterator[Imported]:
    imported = import_apkg(shipped_build / "anthropic-culture-fit.apkg", tmp_path / "c.anki2")
    yield imported
    imported.collection.close()


def _build(runner: CliRunner, data: Path, out: Path) -> Path:
    result = runner.invoke(main, ["build", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_imports_all_twelve_notes_cleanly(shipped: Imported) -> None:
    log = shipped.log
    assert (len(log.new), len(log.updated)) == (12, 0)  # type: ignore[attr-defined]
    for problem in (
        "duplicate",
        "conflicting",
        "first_field_match",
        "missing_notetype",
        "missing_deck",
        "empty_first_field",
    ):
        assert len(getattr(log, problem)) == 0, problem
    assert shipped.collection.note_count() == 12


def test_question_fields_equal_the_data(shipped: Imported) -> None:
    deck = load_deck(SHIPPED_DECK)
    notes = shipped.notes()
    for question in deck.questions:
        fields = notes[html.escape(question.question, quote=False)]
        assert fields == [
            html.escape(question.question, quote=False),
            render_markdown(question.answer).html,
            "",
        ]
    first = notes["Why do you want to work at Anthropic?"]
    assert first[1].startswith("<p>I’m inspired by Anthropic’s mission")
    assert "<em>Responsible Scaling Policy</em>" in first[1]
    assert first[1].endswith("beneficial to society.</p>")


def test_theme_fields_equal_the_data(shipped: Imported) -> None:
    notes = shipped.notes()
    assert notes["Mission alignment"] == [
        "Mission alignment",
        "<p>AI safety as a first-class discipline.</p>",
    ]
    assert notes["Interpretability &amp; Transparency"][1] == (
        "<p>Debugging AI like software systems.</p>"
    )
    assert notes["Cultural alignment"][1] == "<p>Low ego, high trust, mission &gt; politics.</p>"


def test_decks_note_types_and_tags(shipped: Imported) -> None:
    col = shipped.collection
    assert len(col.find_cards(f'"deck:{TITLE}" -"deck:{TITLE}::*"')) == 7
    assert len(col.find_cards(f'"deck:{TITLE}::Themes"')) == 5
    question_model = col.models.get(QUESTION_MODEL_ID)
    theme_model = col.models.get(THEME_MODEL_ID)
    assert question_model is not None
    assert theme_model is not None
    assert len(col.models.nids(QUESTION_MODEL_ID)) == 7
    assert len(col.models.nids(THEME_MODEL_ID)) == 5
    assert len(col.find_notes("tag:anthropic-culture-fit")) == 12
    note = col.get_note(col.find_notes('"Question:Why do you want to work at Anthropic?"')[0])
    assert sorted(note.tags) == ["anthropic-culture-fit", "mission", "motivation"]
    assert note.guid == genanki.guid_for("anthropic-culture-fit", "why-anthropic")


def test_note_type_schemas_are_frozen(shipped: Imported) -> None:
    # Changing a field name or count strands every imported note as "conflicting":
    # it must come with a new model id, deliberately.
    assert QUESTION_TYPE.fields == ("Question", "Answer", "Key Points")
    assert THEME_TYPE.fields == ("Theme", "Summary")
    assert (QUESTION_TYPE.id, THEME_TYPE.id) == (1_771_304_126, 1_455_270_853)
    col = shipped.collection
    question_model = col.models.get(QUESTION_TYPE.id)
    theme_model = col.models.get(THEME_TYPE.id)
    assert question_model is not None
    assert theme_model is not None
    assert col.models.field_names(question_model) == list(QUESTION_TYPE.fields)
    assert col.models.field_names(theme_model) == list(THEME_TYPE.fields)


def test_new_cards_come_in_data_order(shipped: Imported) -> None:
    col = shipped.collection
    deck = load_deck(SHIPPED_DECK)
    card_ids = col.find_cards(f'"deck:{TITLE}" -"deck:{TITLE}::*"', order="c.due")
    assert [col.get_card(cid).note().fields[0] for cid in card_ids] == [
        html.escape(q.question, quote=False) for q in deck.questions
    ]
    queued = [card.note().fields[0] for card in _new_queue(shipped)]
    assert queued[:2] == [deck.questions[0].question, deck.questions[1].question]


def _new_queue(imported: Imported) -> list:  # type: ignore[type-arg]
    col = imported.collection
    col.decks.select(col.decks.id_for_name(TITLE))
    queued = col.sched.get_queued_cards(fetch_limit=20).cards
    return [col.get_card(entry.card.id) for entry in queued]


def test_cards_render_with_the_templates(shipped: Imported) -> None:
    col = shipped.collection
    card = col.get_card(col.find_cards('"Question:Why do you want to work at Anthropic?"')[0])
    assert "Why do you want to work at Anthropic?" in card.question()
    answer = card.answer()
    assert '<hr id="answer">' in answer
    assert "<em>Responsible Scaling Policy</em>" in answer
    assert "Key points" not in answer  # the block is hidden when the field is empty


def test_script_and_markup_in_the_data_are_stored_escaped(
    runner: CliRunner, tmp_path: Path
) -> None:
    data = write_data(
        tmp_path,
        MINIMAL_DECK.replace("What is first?", "'<b>Bold?</b> & <i>'").replace(
            "The *first* answer.",
            "|\n      <script>alert('x')</script>\n      <img src=x onerror=alert(1)>",
        )
        + "    key_points:\n      - '<style>body{display:none}</style>'\n",
    )
    out = _build(runner, data, tmp_path / "out")
    imported = import_apkg(out / "demo.apkg", tmp_path / "c.anki2")
    [fields] = imported.notes().values()
    assert fields[0] == "&lt;b&gt;Bold?&lt;/b&gt; &amp; &lt;i&gt;"
    assert fields[1] == (
        "<p>&lt;script&gt;alert('x')&lt;/script&gt;\n&lt;img src=x onerror=alert(1)&gt;</p>"
    )
    assert fields[2] == "<ul><li><p>&lt;style&gt;body{display:none}&lt;/style&gt;</p></li></ul>"
    for field in fields:
        for tag in ("<script", "<img", "<style"):
            assert tag not in field
    imported.collection.close()


def test_key_points_show_under_the_answer(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(
        tmp_path, MINIMAL_DECK + "    key_points:\n      - Be *specific*\n      - Cite the RSP\n"
    )
    out = _build(runner, data, tmp_path / "out")
    imported = import_apkg(out / "demo.apkg", tmp_path / "c.anki2")
    [fields] = imported.notes().values()
    assert fields[2] == "<ul><li><p>Be <em>specific</em></p></li><li><p>Cite the RSP</p></li></ul>"
    col = imported.collection
    answer = col.get_card(col.find_cards("")[0]).answer()
    assert "Key points" in answer
    assert "Cite the RSP" in answer
    assert "Themes" not in [name.name for name in col.decks.all_names_and_ids()]
    col.close()


def test_context_shows_on_the_front_under_the_question(runner: CliRunner, tmp_path: Path) -> None:
    context = "    context: |\n      ```js\n      typeof null\n      ```\n\n      - A: `object`\n"
    data = write_data(tmp_path, MINIMAL_DECK.replace("    answer:", context + "    answer:"))
    out = _build(runner, data, tmp_path / "out")
    imported = import_apkg(out / "demo.apkg", tmp_path / "c.anki2")
    [fields] = imported.notes().values()
    assert fields[0] == (
        'What is first?<div class="context"><pre><code class="language-js">typeof null\n'
        "</code></pre>\n<ul>\n<li>A: <code>object</code></li>\n</ul></div>"
    )
    col = imported.collection
    card = col.get_card(col.find_cards("")[0])
    question, answer = card.question(), card.answer()
    assert "typeof null" in question
    assert "The <em>first</em> answer." not in question
    assert "typeof null" in answer
    assert "The <em>first</em> answer." in answer
    col.close()


def test_package_holds_only_the_collection_and_an_empty_media_list(shipped_build: Path) -> None:
    with zipfile.ZipFile(shipped_build / "anthropic-culture-fit.apkg") as package:
        assert package.namelist() == ["collection.anki2", "media"]
        assert package.read("media") == b"{}"
        database = package.read("collection.anki2")
    assert database.startswith(b"SQLite format 3\x00")


def test_database_reads_as_plain_sqlite(shipped_build: Path, tmp_path: Path) -> None:
    with zipfile.ZipFile(shipped_build / "anthropic-culture-fit.apkg") as package:
        (tmp_path / "c.anki2").write_bytes(package.read("collection.anki2"))
    connection = sqlite3.connect(tmp_path / "c.anki2")
    (notes,) = connection.execute("select count(*) from notes").fetchone()
    (cards,) = connection.execute("select count(*) from cards").fetchone()
    connection.close()
    assert (notes, cards) == (12, 12)
