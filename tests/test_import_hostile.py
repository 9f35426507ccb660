"""`exporter import` on hostile and awkward documents: no traceback, no hang, nothing
written that the build would refuse, nothing of the document silently lost."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from exporter.cli import main
from exporter.load import load_deck


def _import(runner: CliRunner, source: Path, output: Path) -> tuple[int, str, str]:
    result = runner.invoke(main, ["import", str(source), "-o", str(output), "--force"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stdout, result.stderr


@pytest.mark.parametrize(
    ("name", "text"),
    [
        ("tables.html", "<h2>What is X?</h2>" + "<table><tr><td>" * 150 + "a"),
        ("divs.html", "<h2>What is X?</h2>" + "<div>" * 500 + "<p>ans</p>" + "</div>" * 500),
        ("details.html", "<details><summary>What is X?</summary>" * 500 + "answer"),
        ("long.csv", "Question,Answer\nWhat?," + "a" * 200_000 + "\n"),
        ("nul.md", "# T\n\n## What?\n\nans ![d](x%00.png)\n"),
        ("long-name.md", "# T\n\n## What?\n\nans ![e](" + "a" * 5000 + ".png)\n"),
        ("form-feed.md", "# T\n\n## What is a deadlock?\n\nTwo threads\x0cwait.\n"),
        ("reserved.csv", "Question,Answer,Tags\nWhat?,a,exporter::x\n"),
        ("colons.md", "# A :: :: B\n\n## What?\n\nans\n"),
    ],
)
def test_hostile_documents_import_or_say_why(
    runner: CliRunner, tmp_path: Path, name: str, text: str
) -> None:
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    code, _, stderr = _import(runner, source, tmp_path / "deck.yaml")
    assert code in (0, 1)
    assert all(line.startswith(str(source)) for line in stderr.splitlines()), stderr
    if code == 0:
        load_deck(tmp_path / "deck.yaml")  # what is written builds
        assert runner.invoke(main, ["check", str(tmp_path / "deck.yaml")]).exit_code == 0


def test_text_about_tags_is_kept_wherever_it_is(runner: CliRunner, tmp_path: Path) -> None:
    page = tmp_path / "fe.html"
    page.write_text(
        "<h2>What is the difference between &lt;div&gt; and &lt;span&gt;?</h2>"
        "<p>A &lt;div&gt; is a block.</p>",
        encoding="utf-8",
    )
    sheet = tmp_path / "fe.csv"
    sheet.write_text("Question,Answer\nWhat is <div>?,<div> is a block; <span> is inline\n")
    notes = tmp_path / "fe.md"
    notes.write_text("## What is <div>?\n\nA <div> is a block; <b>bold</b> is bold.\n")
    for source in (page, sheet, notes):
        assert _import(runner, source, tmp_path / "deck.yaml")[0] == 0
        [question] = load_deck(tmp_path / "deck.yaml").questions
        assert question.question.startswith("What is")
        assert "<div>" in question.question
        assert "\\" not in question.question, source
        shown = question.answer.replace("\\<", "<").replace("\\>", ">")  # Markdown escapes
        assert "<div>" in shown, source
    assert "**bold**" in question.answer


def test_pictures_come_along_only_when_the_build_can_show_them(
    runner: CliRunner, tmp_path: Path
) -> None:
    first, second = tmp_path / "a", tmp_path / "b"
    first.mkdir()
    second.mkdir()
    Image.new("RGB", (8, 8), "red").save(first / "diagram.png")
    Image.new("RGB", (8, 8), "blue").save(second / "diagram.png")
    (second / "fake.png").write_text("not a picture")
    outside = tmp_path / "outside.png"
    Image.new("RGB", (8, 8), "green").save(outside)
    (first / "a.md").write_text("## What?\n\n![d](diagram.png)\n")
    (second / "b.md").write_text(
        "## What?\n\n![d](diagram.png) ![f](fake.png) ![o](../outside.png)\n"
    )
    data = tmp_path / "data"
    assert _import(runner, first / "a.md", data / "a.yaml")[0] == 0
    code, _, stderr = _import(runner, second / "b.md", data / "b.yaml")
    assert code == 0
    assert stderr.splitlines() == [
        f"{second / 'b.md'}: warning: picture 'fake.png' cannot be read as an image; is the"
        " file damaged?: kept its description",
        f"{second / 'b.md'}: warning: picture '../outside.png' is outside the data folder:"
        " kept its description",
    ]
    assert sorted(os.listdir(data / "images")) == ["diagram-2.png", "diagram.png"]
    assert load_deck(data / "b.yaml").questions[0].answer == "![d](images/diagram-2.png) f o"
    for deck in ("a.yaml", "b.yaml"):
        result = runner.invoke(main, ["build", str(data / deck), "--out", str(tmp_path / "out")])
        assert result.exit_code == 0, result.output


def test_an_answer_that_is_only_missing_pictures_keeps_their_names(
    runner: CliRunner, tmp_path: Path
) -> None:
    """CommonMark example 581: a picture with no description, which is not there."""
    source = tmp_path / "guide.md"
    source.write_text("## What does the diagram show?\n\n![](/url)\n")
    code, _, stderr = _import(runner, source, tmp_path / "data" / "d.yaml")
    assert code == 0, stderr
    warning = f"{source}: warning: picture '/url' is outside the data folder: kept its description"
    assert stderr == warning + "\n"
    assert load_deck(tmp_path / "data" / "d.yaml").questions[0].answer == "/url"


def test_a_picture_path_written_with_backslashes_comes_along(
    runner: CliRunner, tmp_path: Path
) -> None:
    """A guide written on Windows: "images\\diagram.png"."""
    (tmp_path / "images").mkdir()
    Image.new("RGB", (8, 8), "red").save(tmp_path / "images" / "diagram.png")
    source = tmp_path / "guide.md"
    source.write_text("## What does it show?\n\n![diagram](images\\diagram.png)\n")
    data = tmp_path / "data" / "d.yaml"
    code, _, stderr = _import(runner, source, data)
    assert (code, stderr) == (0, "")
    assert load_deck(data).questions[0].answer == "![diagram](images/diagram.png)"


def test_pictures_nested_in_descriptions_never_reach_the_build_unread(
    runner: CliRunner, tmp_path: Path
) -> None:
    """CommonMark examples 574 and 579 (a picture in a picture's description, a title in
    odd spacing), nested deeper than the importer undoes, beside one it brings along."""
    Image.new("RGB", (8, 8), "red").save(tmp_path / "pic.png")
    source = tmp_path / "guide.md"
    source.write_text(
        "## What is nested?\n\n![foo ![bar](/url)](/url2) and"
        ' ![t](pic.png  "title"   ) and ![a ![b ![c ![d](/1)](/2)](/3)](/4)\n'
    )
    data = tmp_path / "data" / "d.yaml"
    code, _, stderr = _import(runner, source, data)
    assert code == 0, stderr
    assert "picture '/1' left as text" in stderr
    answer = load_deck(data).questions[0].answer
    assert answer == "foo bar and ![t](images/pic.png) and a b c \\![d](/1)"
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output


def test_follow_up_questions_nested_in_details_are_cards_of_their_own(
    runner: CliRunner, tmp_path: Path
) -> None:
    source = tmp_path / "java.md"
    source.write_text(
        "## Java\n\n<details>\n<summary>JVM이란 무엇인가요?</summary>\n<br/>\n"
        "JVM은 자바 바이트코드를 실행합니다.\n\n"
        "<details>\n<summary>꼬리질문: JIT 컴파일러는 언제 쓰이나요?</summary>\n<br/>\n"
        "자주 실행되는 코드를 기계어로 바꿉니다.\n</details>\n\n"
        "<details>\n<summary>꼬리질문: GC는 어떻게 동작하나요?</summary>\n<br/>\n"
        "Mark and Sweep 방식입니다.\n</details>\n</details>\n",
        encoding="utf-8",
    )
    assert _import(runner, source, tmp_path / "deck.yaml")[0] == 0
    questions = load_deck(tmp_path / "deck.yaml").questions
    assert [(q.question, q.answer) for q in questions] == [
        ("JVM이란 무엇인가요?", "JVM은 자바 바이트코드를 실행합니다."),
        ("꼬리질문: JIT 컴파일러는 언제 쓰이나요?", "자주 실행되는 코드를 기계어로 바꿉니다."),
        ("꼬리질문: GC는 어떻게 동작하나요?", "Mark and Sweep 방식입니다."),
    ]


GUIDE = """# Guide

## Behavioral

### 1. Tell me about a conflict.

I listened first.

### 2. Why this team?

Its mission.

**What would you change first?**

The onboarding.
"""


def test_dry_run_tells_what_it_found_and_writes_nothing(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "guide.md"
    source.write_text(GUIDE, encoding="utf-8")
    result = runner.invoke(
        main, ["import", str(source), "-o", str(tmp_path / "d.yaml"), "--dry-run"]
    )
    assert result.exit_code == 0, result.output
    assert result.stdout == (
        f"{source}: 2 questions, found as level-3 headings; 1 categories, 0 themes\n"
        "  line 3: category 'Behavioral'\n"
        "  line 5: question 'Tell me about a conflict.'  [tags: behavioral]\n"
        "  line 9: question 'Why this team?'  [tags: behavioral]\n"
        f"would write {tmp_path / 'd.yaml'}; nothing written (dry run)\n"
    )
    assert sorted(path.name for path in tmp_path.iterdir()) == ["guide.md"]


@pytest.mark.parametrize(
    ("name", "text", "tag"),
    [
        (
            "faq.html",
            "<h1>FAQ</h1><h2>Billing</h2><p><b>Can I pay by card?</b></p><p>Yes.</p>",
            "billing",  # a heading's name, slugged
        ),
        ("faq.csv", "Question,Answer,Topic\nCan I pay by card?,Yes.,Billing\n", "Billing"),
    ],
)
def test_dry_run_numbers_no_line_of_a_converted_file(
    runner: CliRunner, tmp_path: Path, name: str, text: str, tag: str
) -> None:
    """The lines read from a page or a spreadsheet are not the file's: none is named."""
    source = tmp_path / name
    source.write_text(text, encoding="utf-8")
    result = runner.invoke(main, ["import", str(source), "--dry-run"])
    assert result.exit_code == 0, result.output
    listed = result.stdout.splitlines()[1:-1]
    assert listed[-1] == f"  question 'Can I pay by card?'  [tags: {tag}]"
    assert not [line for line in listed if line.startswith("  line")]


def test_a_few_sections_of_prose_are_no_deck_of_topics(runner: CliRunner, tmp_path: Path) -> None:
    """Four explained sections and nothing that asks: not notes enough to take each
    section for a card; the import says so instead."""
    source = tmp_path / "readme.md"
    sections = "".join(
        f"## {name}\n\nThis section explains {name.lower()} in a sentence long enough.\n\n"
        for name in ("Installation", "Usage", "Configuration", "Licence")
    )
    source.write_text(f"# Tool\n\n{sections}", encoding="utf-8")
    result = runner.invoke(main, ["import", str(source), "-o", str(tmp_path / "d.yaml")])
    assert result.exit_code == 1
    assert "no questions found" in result.stderr


def test_questions_option_steers_the_choice(runner: CliRunner, tmp_path: Path) -> None:
    source = tmp_path / "guide.md"
    source.write_text(GUIDE, encoding="utf-8")
    result = runner.invoke(
        main, ["import", str(source), "-o", str(tmp_path / "d.yaml"), "--questions", "bold"]
    )
    assert result.exit_code == 0, result.output
    assert [(q.question, q.answer) for q in load_deck(tmp_path / "d.yaml").questions] == [
        ("What would you change first?", "The onboarding.")
    ]
    result = runner.invoke(
        main, ["import", str(source), "-o", str(tmp_path / "e.yaml"), "--questions", "table"]
    )
    assert (result.exit_code, result.stderr) == (
        1,
        f"{source}: no questions found as table rows; the document has 1 level-1 headings,"
        " 1 level-2 headings, 2 level-3 headings, 1 bold paragraphs;"
        " say where the questions are with --questions"
        " details|table|labels|pairs|headings|list|bold|quotes|lines|chat\n",
    )


@pytest.mark.parametrize(
    ("text", "cards"),
    [
        (  # ";" parts the header, "," only the cells: the header says which
            "Question;Answer\nQ one, part?;A one, with; a semicolon\nQ two?;A two, and more\n",
            [("Q one, part?", "A one, with; a semicolon"), ("Q two?", "A two, and more")],
        ),
        (  # "," parts every row in two; ";" only some
            "Question,Answer\nWhy; really?,Because; see the notes.\nHow?,Slowly.\n",
            [("Why; really?", "Because; see the notes."), ("How?", "Slowly.")],
        ),
    ],
)
def test_a_spreadsheet_is_parted_by_the_mark_its_header_and_rows_agree_on(
    runner: CliRunner, tmp_path: Path, text: str, cards: list[tuple[str, str]]
) -> None:
    sheet = tmp_path / "faq.csv"
    sheet.write_text(text, encoding="utf-8")
    assert _import(runner, sheet, tmp_path / "deck.yaml")[0] == 0
    deck = load_deck(tmp_path / "deck.yaml")
    assert [(q.question, q.answer) for q in deck.questions] == cards
