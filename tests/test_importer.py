"""`exporter import`: chat-style Markdown documents → data files that build cleanly."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FIXTURES, SHIPPED_DECK, import_apkg

from exporter.cli import main
from exporter.dump import HEADER
from exporter.errors import Problem
from exporter.importer import STEERS, parse_document, slugify
from exporter.load import load_deck
from exporter.model import Deck

GUIDE = Path("guide.md")


def _import(runner: CliRunner, source: Path, output: Path, *options: str) -> tuple[str, str]:
    result = runner.invoke(main, ["import", str(source), "-o", str(output), *options])
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_the_seed_imports_as_the_shipped_deck(runner: CliRunner, tmp_path: Path) -> None:
    source = FIXTURES / "chat-seed.md"
    output = tmp_path / "deck.yaml"
    stdout, stderr = _import(runner, source, output, "--deck-id", "anthropic-culture-fit")
    assert stdout == f"wrote {output}: 7 questions, 5 themes\n"
    assert stderr == f"{source}:1: warning: skipped the text before the first question\n"
    imported, shipped = load_deck(output), load_deck(SHIPPED_DECK)
    assert [(q.question, q.answer) for q in imported.questions] == [
        (q.question, q.answer) for q in shipped.questions
    ]
    assert [(t.title, t.summary) for t in imported.themes] == [
        (t.title, t.summary) for t in shipped.themes
    ]
    assert (imported.id, imported.title, imported.subtitle) == (
        shipped.id,
        shipped.title,
        shipped.subtitle,
    )


def test_written_file_is_canonical_and_pleasant_to_edit(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "deck.yaml"
    _import(runner, FIXTURES / "chat-seed.md", output, "--deck-id", "anthropic-culture-fit")
    text = output.read_text(encoding="utf-8")
    header = HEADER.format(title="Culture Fit Q&A for Anthropic", deck_id="anthropic-culture-fit")
    assert text.startswith(header + "\ndeck:\n")
    assert SHIPPED_DECK.read_text(encoding="utf-8").startswith(header)
    assert text.count("    answer: |\n") == 7
    ids = [q.id for q in load_deck(output).questions] + [t.id for t in load_deck(output).themes]
    assert ids[:3] == [
        "want-work-anthropic",
        "think-balance-between-building",
        "anthropic-culture-resonates",
    ]
    assert len(set(ids)) == len(ids)
    assert runner.invoke(main, ["check", str(output)]).exit_code == 0


Q_HEADINGS_RATE_LIMITER = """\
I'd start from the contract: a fixed number of requests per client per window. \
The core is a token bucket:

```python
def allow(bucket, now):
    bucket.refill(now)
    return bucket.take()
```

Then I'd compare the options:

| Approach | Memory | Precision |
|----------|--------|-----------|
| Fixed window | low | coarse |
| Token bucket | low | smooth |

Finally I'd put it behind a feature flag."""

DOCUMENTS = {
    "q-headings.md": (
        {
            "deck": {
                "id": "backend-engineer-interview-prep",
                "title": "Backend Engineer Interview Prep",
            },
            "questions": [
                {
                    "id": "design-rate-limiter",
                    "question": "How would you design a rate limiter?",
                    "answer": Q_HEADINGS_RATE_LIMITER,
                },
                {
                    "id": "tell-time-disagreed-teammate",
                    "question": "Tell me about a time you disagreed with a teammate.",
                    "answer": "I raised it early, wrote down both options with their costs, and"
                    " we agreed to try mine for a sprint with a clear rollback.",
                },
            ],
            "themes": [
                {"id": "clarity", "title": "Clarity", "summary": "Say the trade-off out loud."},
                {
                    "id": "ownership",
                    "title": "Ownership",
                    "summary": "Follow the work into production.",
                },
            ],
        },
        ["3: warning: skipped the text before the first question"],
    ),
    "question-labels.md": (
        {
            "deck": {
                "id": "product-manager-behavioural-questions",
                "title": "Product Manager Behavioural Questions",
            },
            "questions": [
                {
                    "id": "want-role",
                    "question": "Why do you want this role?",
                    "answer": "Because I love turning messy customer problems into simple"
                    " products.",
                    "key_points": ["Customer obsession", "Show a *specific* product you improved"],
                },
                {
                    "id": "prioritise",
                    "question": "How do you prioritise?",
                    "answer": "I score each idea on impact and effort, then I check the top of"
                    " the list against the strategy.",
                    "key_points": ["Impact vs. effort", "Tie back to\nthe strategy"],
                },
            ],
            "themes": [
                {
                    "id": "customer-first",
                    "title": "Customer first",
                    "summary": "Start from the user’s pain.",
                },
                {
                    "id": "data-informed",
                    "title": "Data-informed",
                    "summary": "Numbers guide, judgement decides.",
                },
            ],
        },
        [],
    ),
    "messy.md": (
        {
            "deck": {
                "id": "data-science-interview",
                "title": "Data Science Interview",
                "subtitle": "Round 2",
            },
            "questions": [
                {
                    "id": "overfitting",
                    "question": "What is overfitting?",
                    "answer": "When a model learns the noise in its training data instead of"
                    " the signal.",
                },
                {
                    "id": "want-join-team",
                    "question": "Why do you want to join our team?",
                    "answer": "I like the problems you work on — and the people.",
                },
            ],
        },
        [
            "1: warning: skipped the text before the first question",
            "10: warning: question 'How do you handle missing data?' has no answer; left out",
            "17: warning: skipped the section 'Tips for the day'",
            "21: warning: skipped the section 'Resources'",
        ],
    ),
}


def _as_data(deck: Deck) -> dict[str, object]:
    """The deck as the data file's mapping, leaving out the generated description."""
    data: dict[str, object] = {"deck": {"id": deck.id, "title": deck.title}}
    if deck.subtitle:
        data["deck"]["subtitle"] = deck.subtitle  # type: ignore[index]
    data["questions"] = [
        {"id": q.id, "question": q.question, "answer": q.answer}
        | ({"key_points": list(q.key_points)} if q.key_points else {})
        for q in deck.questions
    ]
    if deck.themes:
        data["themes"] = [{"id": t.id, "title": t.title, "summary": t.summary} for t in deck.themes]
    return data


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_document_imports_to_exact_data_and_warnings(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    expected, warnings = DOCUMENTS[name]
    source = FIXTURES / name
    output = tmp_path / "deck.yaml"
    stdout, stderr = _import(runner, source, output)
    assert _as_data(load_deck(output)) == expected
    assert stderr.splitlines() == [f"{source}:{warning}" for warning in warnings]
    questions, themes = len(expected["questions"]), len(expected.get("themes", []))
    assert stdout == f"wrote {output}: {questions} questions, {themes} themes\n"


@pytest.mark.parametrize("name", [*DOCUMENTS, "chat-seed.md"])
def test_imported_deck_builds_and_anki_imports_it_cleanly(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    data = tmp_path / "data" / "deck.yaml"
    _import(runner, FIXTURES / name, data)
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    deck = load_deck(data)
    imported = import_apkg(tmp_path / "out" / f"{deck.id}.apkg", tmp_path / "c.anki2")
    log = imported.log
    assert len(log.new) == len(deck.questions) + len(deck.themes)  # type: ignore[attr-defined]
    for problem in ("duplicate", "conflicting", "missing_notetype", "empty_first_field"):
        assert len(getattr(log, problem)) == 0, problem
    imported.collection.close()


def test_default_output_is_data_deck_id_yaml(runner: CliRunner, in_tmp: Path) -> None:
    result = runner.invoke(main, ["import", str(FIXTURES / "messy.md")])
    assert result.exit_code == 0, result.output
    assert result.stdout == "wrote data/data-science-interview.yaml: 2 questions, 0 themes\n"
    assert runner.invoke(main, ["build"]).exit_code == 0


def test_existing_file_is_kept_without_force(runner: CliRunner, tmp_path: Path) -> None:
    output = tmp_path / "deck.yaml"
    output.write_text("mine\n")
    result = runner.invoke(main, ["import", str(FIXTURES / "messy.md"), "-o", str(output)])
    assert (result.exit_code, result.stderr) == (
        1,
        f"{output}: already exists; pass --force to overwrite it\n",
    )
    assert output.read_text() == "mine\n"
    _import(runner, FIXTURES / "messy.md", output, "--force")
    assert load_deck(output).id == "data-science-interview"


def test_document_without_questions_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "notes.md"
    source.write_text("# Notes\n\nNothing to ask.\n")
    output = tmp_path / "deck.yaml"
    result = runner.invoke(main, ["import", str(source), "-o", str(output)])
    assert result.exit_code == 1
    assert result.stderr == (
        f"{source}: no questions found; the document has 1 level-1 headings; say where the"
        " questions are with --questions"
        " details|table|labels|pairs|headings|list|bold|quotes|lines|chat\n"
    )
    assert list(tmp_path.iterdir()) == [source]


def test_every_place_the_error_names_is_one_the_option_takes(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "notes.md"
    source.write_text("# Notes\n\nNothing to ask.\n")
    for steer in STEERS:
        result = runner.invoke(main, ["import", str(source), "--questions", steer, "--dry-run"])
        assert (result.exit_code, result.stderr.count("no questions found")) == (1, 1), steer


def test_non_utf8_input_needs_an_explicit_encoding(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "guide.md"
    source.write_bytes("# Guide\n\n### 1. Why?\n\nCaf\u00e9 answer.\n".encode("cp1252"))
    output = tmp_path / "deck.yaml"
    result = runner.invoke(main, ["import", str(source), "-o", str(output)])
    assert (result.exit_code, result.stderr) == (
        1,
        f"{source}:5: not valid utf-8 (byte 0xE9); give the file's encoding with --encoding,"
        " e.g. --encoding windows-1252\n",
    )
    assert not output.exists()
    _import(runner, source, output, "--encoding", "windows-1252")
    assert load_deck(output).questions[0].answer == "Café answer."


def test_bad_deck_id_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(
        main,
        [
            "import",
            str(FIXTURES / "messy.md"),
            "-o",
            str(tmp_path / "d.yaml"),
            "--deck-id",
            "My Deck",
        ],
    )
    assert result.exit_code == 1
    assert result.stderr == (
        "--deck-id 'My Deck' is not a slug: use lowercase letters, digits and hyphens\n"
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“Spoken.”", "Spoken."),
        ('"Spoken."', "Spoken."),
        ("“I said “yes” to it.”", "I said “yes” to it."),
        ("“Yes” and “no”", "“Yes” and “no”"),
        ('"Yes" and "no"', '"Yes" and "no"'),
        ("No quotes", "No quotes"),
        ("“Unclosed", "“Unclosed"),
    ],
)
def test_only_quotes_around_the_whole_answer_are_removed(text: str, expected: str) -> None:
    [question] = parse_document(f"### 1. Why?\n\n{text}\n", GUIDE).deck.questions
    assert question.answer == expected


def test_warnings_are_located_problems_in_line_order() -> None:
    text = (
        "Intro text.\n\n## Themes\n\nNot a list.\n\n- plain item\n\n"
        "### 1. Unanswered?\n\n### 2. Answered?\n\nYes.\n\n## Resources\n"
    )
    warnings = parse_document(text, GUIDE).warnings
    assert all(warning.severity == "warning" for warning in warnings)
    assert [str(warning) for warning in warnings] == [
        "guide.md:1: warning: skipped the text before the first question",
        "guide.md:5: warning: skipped text in the themes section",
        "guide.md:7: warning: skipped a theme without a **bold title**: 'plain item'",
        "guide.md:9: warning: question 'Unanswered?' has no answer; left out",
        "guide.md:15: warning: skipped the section 'Resources'",
    ]
    assert warnings[0] == Problem(GUIDE, 1, "skipped the text before the first question", "warning")


def test_questions_choose_their_ids_before_themes_wherever_these_are() -> None:
    text = (
        "# Guide\n\n## Themes\n\n- **Ownership** → Follow the work.\n\n"
        "### 1. Ownership?\n\nMine.\n\n### 2. Ownership?\n\nStill mine.\n"
    )
    deck = parse_document(text, GUIDE).deck
    assert [q.id for q in deck.questions] == ["ownership", "ownership-2"]
    assert [t.id for t in deck.themes] == ["ownership-3"]
    assert (deck.id, deck.title) == ("guide", "Guide")
    assert deck.description == (
        "2 interview questions with model answers, and 1 themes to weave into any answer."
        " Imported from guide.md."
    )


def test_slugs_are_short_and_significant() -> None:
    assert slugify("Why do you want to work at Anthropic?", 4) == "want-work-anthropic"
    assert slugify("What’s your perspective on interpretability?", 4) == (
        "perspective-interpretability"
    )
    assert slugify("Über café", 4) == "uber-cafe"
    assert slugify("???", 4) == "item"


@pytest.mark.parametrize(
    "heading",
    [
        "### **1. Why here?**",
        "### 1) Why here?",
        "### Q1. Why here?",
        "## Question 1: Why here?",
        '### Q: "Why here?"',
        "### “Why here?”",
        "#### *Why here?*",
        "**Question:** “Why here?”",
        "**Q1:** Why here?",
    ],
)
def test_question_heading_shapes(heading: str) -> None:
    parsed = parse_document(f"# Deck\n\n{heading}\n\n**Answer:** Because.\n", GUIDE)
    assert [(q.question, q.answer) for q in parsed.deck.questions] == [("Why here?", "Because.")]
    assert parsed.warnings == ()


@pytest.mark.parametrize(
    ("answer", "expected"),
    [
        ("**Answer:** Because.", "Because."),
        ("**Answer**: Because.", "Because."),
        ("**Answer (STAR format):**\nBecause.", "Because."),
        ("Answer: Because.", "Because."),
        ("**A:** “Because.”", "Because."),
        ("A common answer: because.", "A common answer: because."),
        ("Answers vary: because.", "Answers vary: because."),
    ],
)
def test_answer_labels_are_removed_and_only_labels(answer: str, expected: str) -> None:
    [question] = parse_document(f"### 1. Why?\n\n{answer}\n", GUIDE).deck.questions
    assert question.answer == expected
