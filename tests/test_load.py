"""Loading and validation: the shipped deck word for word, and every mistake with file:line."""

from __future__ import annotations

import re
import tempfile
import unicodedata
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st
from support import MINIMAL_DECK, SHIPPED_DECK, write_data

from exporter.errors import DataError
from exporter.load import load_deck, load_decks
from exporter.model import Deck, Question

# The seed document (tests/fixtures/chat-seed.md) as a reader sees it through its
# mojibake: each question, and how its answer starts and ends. That the whole deck is
# the seed word for word, through the real importer, is tested in test_importer.py.
SEED_QUESTIONS = [
    (
        "Why do you want to work at Anthropic?",
        "I’m inspired by Anthropic’s mission to build AI systems",
        "the guardrails that ensure those models are beneficial to society.",
    ),
    (
        "How do you think about the balance between building powerful AI and ensuring it’s safe?",
        "I see it as a portfolio problem, much like Anthropic describes in *Core Views on AI",
        "refining safety methods in parallel with capability growth.",
    ),
    (
        "What about Anthropic’s culture resonates with you?",
        "I appreciate the emphasis on a low-ego, high-trust culture",
        "That resonates strongly with me.",
    ),
    (
        "How do you stay grounded in AI safety while working on engineering challenges day-to-day?",
        "I believe every technical decision can embed safety considerations—from designing",
        "where safeguards scale alongside capability.",
    ),
    (
        "How do you think Anthropic’s governance structures (like the Long-Term Benefit Trust)"
        " affect its engineering culture?",
        "The LTBT shows that long-term mission fidelity is structurally protected",
        "important to me when choosing where to commit my skills.",
    ),
    (
        "What’s your perspective on interpretability research (e.g., feature mapping,"
        " “AI microscope”) and its role in software engineering?",
        "Interpretability tools feel like debugging tools for AI.",
        "scalable and actionable in production environments.",
    ),
    (
        "If you encountered evidence that a model you were working on could be misused in a"
        " harmful way, how would you handle it?",
        "I would escalate the concern transparently, document the evidence",
        "protects both users and the company’s mission.",
    ),
]
SEED_THEMES = [
    ("Mission alignment", "AI safety as a first-class discipline."),
    ("Engineering rigor", "Testing, evaluation, adversarial red-teaming."),
    ("Cultural alignment", "Low ego, high trust, mission > politics."),
    ("Governance awareness", "LTBT & RSP show safety isn’t just technical, it’s organizational."),
    ("Interpretability & Transparency", "Debugging AI like software systems."),
]


def test_shipped_deck_has_its_title_questions_and_themes() -> None:
    deck = load_deck(SHIPPED_DECK)
    assert (deck.id, deck.title, deck.subtitle) == (
        "anthropic-culture-fit",
        "Culture Fit Q&A for Anthropic",
        "with AI Safety Emphasis",
    )
    assert len(deck.questions) == 7
    assert [theme.title for theme in deck.themes] == [title for title, _ in SEED_THEMES]
    for keyword in ("Core Views on", "Long-Term Benefit Trust", "Responsible Scaling"):
        assert keyword in deck.description


def test_shipped_questions_and_answers_are_the_seeds() -> None:
    deck = load_deck(SHIPPED_DECK)
    assert [q.question for q in deck.questions] == [question for question, _, _ in SEED_QUESTIONS]
    for q, (_, start, end) in zip(deck.questions, SEED_QUESTIONS, strict=True):
        assert q.answer.startswith(start), q.id
        assert q.answer.endswith(end), q.id
    assert "*Responsible Scaling Policy*" in deck.questions[0].answer
    assert "company’s DNA—not treated" in deck.questions[0].answer
    assert "‘step through’" in deck.questions[5].answer


def test_shipped_themes_are_the_seeds() -> None:
    deck = load_deck(SHIPPED_DECK)
    assert [(theme.title, theme.summary) for theme in deck.themes] == SEED_THEMES


def test_shipped_deck_has_no_mojibake_emoji_or_wrapping_quotes() -> None:
    deck = load_deck(SHIPPED_DECK)
    texts = [deck.title, deck.subtitle, deck.description]
    texts += [text for q in deck.questions for text in (q.question, q.answer)]
    texts += [text for t in deck.themes for text in (t.title, t.summary)]
    for text in texts:
        assert not re.search("[âÃð\u0080-\u009f]|\U0001f539|✅", text), text
        assert not text.startswith(("“", '"')), text
        assert not text.endswith(("”", '"')), text
    assert "Got it" not in SHIPPED_DECK.read_text(encoding="utf-8")


def test_ids_are_unique_slugs() -> None:
    deck = load_deck(SHIPPED_DECK)
    ids = [q.id for q in deck.questions] + [t.id for t in deck.themes]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", i) for i in ids)


def test_minimal_deck_loads_into_frozen_dataclasses(tmp_path: Path) -> None:
    path = write_data(tmp_path, MINIMAL_DECK)
    deck = load_deck(path)
    assert deck == Deck(
        id="demo",
        title="Demo Deck",
        questions=(Question("first", "What is first?", "The *first* answer."),),
        source=path,
    )
    with pytest.raises(AttributeError):
        deck.title = "changed"  # type: ignore[misc]


def test_optional_fields_tags_and_key_points(tmp_path: Path) -> None:
    path = write_data(
        tmp_path,
        MINIMAL_DECK
        + "    tags: [one, two::sub, one]\n"
        + "    key_points:\n      - Point *one*\n      - |\n        Point two\n",
    )
    question = load_deck(path).questions[0]
    assert question.tags == ("one", "two::sub")
    assert question.key_points == ("Point *one*", "Point two")


def test_block_scalar_answer_keeps_markdown_and_drops_edge_blank_lines(tmp_path: Path) -> None:
    text = MINIMAL_DECK.replace(
        "answer: The *first* answer.", "answer: |\n\n      - a\n      - b\n\n          code\n\n"
    )
    answer = load_deck(write_data(tmp_path, text)).questions[0].answer
    assert answer == "- a\n- b\n\n    code"


def test_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_bytes(b"\xef\xbb\xbf" + MINIMAL_DECK.encode())
    assert load_deck(path).id == "demo"


def test_folder_loads_every_yaml_file_in_name_order(tmp_path: Path) -> None:
    write_data(tmp_path, MINIMAL_DECK.replace("id: demo", "id: zeta"), "b.yaml")
    write_data(tmp_path, MINIMAL_DECK.replace("id: demo", "id: alpha"), "a.yml")
    (tmp_path / "notes.txt").write_text("not data")
    assert [deck.id for deck in load_decks([tmp_path])] == ["alpha", "zeta"]


def _replace(old: str, new: str) -> str:
    assert old in MINIMAL_DECK
    return MINIMAL_DECK.replace(old, new)


def test_file_that_is_not_utf8_names_the_line(tmp_path: Path) -> None:
    path = tmp_path / "deck.yaml"
    path.write_bytes(MINIMAL_DECK.replace("The *first*", "Caf\xe9").encode("latin-1"))
    with pytest.raises(DataError) as caught:
        load_decks([path])
    assert str(caught.value) == f"{path}:7: not valid UTF-8 (byte 0xE9); save the file as UTF-8"


def test_problems_of_all_files_are_reported_together(tmp_path: Path) -> None:
    first = write_data(tmp_path, _replace("id: first", "id: Bad"), "a.yaml")
    second = write_data(tmp_path, _replace("title: Demo Deck", "title:"), "b.yaml")
    with pytest.raises(DataError) as caught:
        load_decks([tmp_path])
    assert str(caught.value).splitlines() == [
        f"{first}:5: id 'Bad' is not a slug: use lowercase letters, digits and hyphens, like 'bad'",
        f"{second}:3: 'title' is empty",
    ]


def test_same_deck_id_in_two_files_is_an_error(tmp_path: Path) -> None:
    first = write_data(tmp_path, MINIMAL_DECK, "a.yaml")
    second = write_data(tmp_path, MINIMAL_DECK, "b.yaml")
    with pytest.raises(DataError) as caught:
        load_decks([tmp_path])
    assert str(caught.value) == f"{second}:2: deck id 'demo' is already used in {first}:2"


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda p: p / "missing.yaml", "no such file or folder"),
        (lambda p: p, "no data files (*.yaml) in this folder"),
    ],
)
def test_paths_without_data_are_errors(tmp_path: Path, make: object, message: str) -> None:
    path = make(tmp_path)  # type: ignore[operator]
    with pytest.raises(DataError) as caught:
        load_decks([path])
    assert str(caught.value) == f"{path}: {message}"


@settings(max_examples=150, deadline=None)
@given(answer=st.text())
def test_any_answer_text_loads_as_yaml_reads_it_in_nfc_or_is_reported(answer: str) -> None:
    data = yaml.safe_load(MINIMAL_DECK)
    data["questions"][0]["answer"] = answer
    with tempfile.TemporaryDirectory() as folder:
        text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        path = write_data(Path(folder), text)
        # PyYAML's own reading is the reference (its dumper does not round-trip U+0085).
        expected = yaml.safe_load(text)["questions"][0]["answer"]
        try:
            loaded = load_deck(path).questions[0].answer
        except DataError as error:
            [problem] = error.problems
            assert problem.line == 7
            assert problem.message.startswith("'answer' ")
        else:
            # Blank lines around the text go; the spaces of its first and last lines stay.
            stripped = re.sub(r"(?:\n[ \t]*)+\Z", "", re.sub(r"\A(?:[ \t]*\n)+", "", expected))
            assert loaded == unicodedata.normalize("NFC", stripped)


def test_a_code_block_keeps_the_spaces_that_end_it(tmp_path: Path) -> None:
    text = _replace("The *first* answer.", '"\\n  \\n    code  \\n\\n"')
    assert load_deck(write_data(tmp_path, text)).questions[0].answer == "    code  "


def test_text_is_normalised_to_nfc_as_anki_stores_it(tmp_path: Path) -> None:
    text = _replace("What is first?", "Cafe\u0301 \U0002f800?")
    assert load_deck(write_data(tmp_path, text)).questions[0].question == "Caf\u00e9 \u4e3d?"
