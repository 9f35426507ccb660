"""The .docx handout, read back with python-docx."""

from __future__ import annotations

from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document
from docx.oxml.ns import qn
from support import MINIMAL_DECK, SHIPPED_DECK, write_data

from exporter.cli import main
from exporter.load import load_deck


@pytest.fixture(scope="module")
def handout(shipped_build: Path) -> Document:
    return docx.Document(str(shipped_build / "anthropic-culture-fit.docx"))


def _build_handout(tmp_path: Path, text: str) -> Document:
    data = write_data(tmp_path, text)
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return docx.Document(str(tmp_path / "out" / "demo.docx"))


def _styled(document: Document, style: str) -> list[str]:
    return [p.text for p in document.paragraphs if p.style is not None and p.style.name == style]


def test_title_subtitle_and_description(handout: Document) -> None:
    assert _styled(handout, "Title") == ["Culture Fit Q&A for Anthropic"]
    assert _styled(handout, "Subtitle") == ["with AI Safety Emphasis"]
    assert handout.paragraphs[2].text.startswith("Seven questions Anthropic might ask")


def test_every_question_is_a_numbered_heading_followed_by_its_answer(handout: Document) -> None:
    deck = load_deck(SHIPPED_DECK)
    headings = _styled(handout, "Heading 2")
    assert headings == [f"{n}. {q.question}" for n, q in enumerate(deck.questions, start=1)]
    texts = [p.text for p in handout.paragraphs]
    for number, question in enumerate(deck.questions, start=1):
        answer_paragraph = texts[texts.index(f"{number}. {question.question}") + 1]
        assert answer_paragraph == question.answer.replace("*", "")


def test_markdown_emphasis_becomes_italic_runs(handout: Document) -> None:
    italic = [run.text for p in handout.paragraphs for run in p.runs if run.italic]
    assert italic == [
        "Core Views on AI Safety",  # in the description
        "Responsible Scaling Policy",
        "Long-Term Benefit Trust",
        "Core Views on AI Safety",
    ]
    assert "*" not in "\n".join(p.text for p in handout.paragraphs)


def test_themes_table(handout: Document) -> None:
    deck = load_deck(SHIPPED_DECK)
    assert _styled(handout, "Heading 1") == ["Questions", "Themes"]
    [table] = handout.tables
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[0] == ["Theme", "What to say"]
    assert rows[1:] == [[theme.title, theme.summary] for theme in deck.themes]
    assert [column.width for column in table.columns] == [
        docx.shared.Inches(2),
        docx.shared.Inches(4.5),
    ]


def test_header_footer_and_page(handout: Document) -> None:
    section = handout.sections[0]
    assert section.header.paragraphs[0].text == "Culture Fit Q&A for Anthropic"
    footer = section.footer.paragraphs[0]._p
    fields = [field.get(qn("w:instr")) for field in footer.iter(qn("w:fldSimple"))]
    assert fields == ["PAGE", "NUMPAGES"]
    assert "Page " in footer.xml
    assert " of " in footer.xml
    assert (section.page_width, section.page_height) == (
        docx.shared.Inches(8.5),
        docx.shared.Inches(11),
    )


def test_document_properties(handout: Document) -> None:
    properties = handout.core_properties
    assert properties.title == "Culture Fit Q&A for Anthropic"
    assert properties.subject == "with AI Safety Emphasis"
    assert properties.keywords.startswith("anthropic-culture-fit, motivation, mission, safety")
    assert properties.author == ""


def test_headings_keep_with_their_answer(handout: Document) -> None:
    heading = handout.styles["Heading 2"]
    assert heading.paragraph_format.keep_with_next


MARKDOWN_ANSWER = """\
|
      Intro with a [link](https://example.com/rsp) and `inline code`.

      - bullet one
      - bullet **two**

      1. step one
      2. step two

      3) restart at three

      > quoted line

      ```
      def safe():
          return True
      ```

      | Risk | Response |
      |------|----------|
      | misuse | escalate |
"""


def test_rich_markdown_uses_real_word_structures(tmp_path: Path) -> None:
    document = _build_handout(
        tmp_path,
        MINIMAL_DECK.replace("The *first* answer.", MARKDOWN_ANSWER)
        + "    key_points:\n      - Point *A*\n",
    )
    styles = {p.text: p.style.name for p in document.paragraphs if p.style is not None}
    assert styles["bullet one"] == styles["bullet two"] == "List Bullet"
    assert styles["step one"] == styles["restart at three"] == "List Number"
    assert styles["quoted line"] == "Quote"
    assert styles["def safe():\n    return True"] == "Code Block"
    assert styles["Point A"] == "List Bullet"

    intro = next(p for p in document.paragraphs if p.text.startswith("Intro"))
    [hyperlink] = intro._p.findall(qn("w:hyperlink"))
    target = intro.part.rels[hyperlink.get(qn("r:id"))].target_ref
    assert target == "https://example.com/rsp"
    code = [run for run in intro.runs if run.text == "inline code"]
    assert code[0].style.name == "Inline Code"

    numbers = [
        p._p.pPr.numPr.numId.val
        for p in document.paragraphs
        if p.text in ("step one", "step two", "restart at three")
    ]
    assert numbers[0] == numbers[1] != numbers[2]  # the third list restarts its numbering
    numbering = document.part.numbering_part.element
    restart = numbering.num_having_numId(numbers[2])
    assert restart.xpath("./w:lvlOverride/w:startOverride/@w:val") == ["3"]

    [table] = document.tables
    assert [[c.text for c in row.cells] for row in table.rows] == [
        ["Risk", "Response"],
        ["misuse", "escalate"],
    ]


def test_rich_theme_summary_stays_inside_its_table_cell(tmp_path: Path) -> None:
    summary = "|\n      Say:\n\n      - one\n\n      | A | B |\n      |---|---|\n      | 1 | 2 |\n"
    document = _build_handout(
        tmp_path,
        MINIMAL_DECK + f"themes:\n  - id: rich\n    title: Rich\n    summary: {summary}",
    )
    [themes] = document.tables
    cell = themes.rows[1].cells[1]
    assert [p.text for p in cell.paragraphs][:2] == ["Say:", "one"]
    assert cell.paragraphs[1].style.name == "List Bullet"
    [nested] = cell.tables
    assert [[c.text for c in row.cells] for row in nested.rows] == [["A", "B"], ["1", "2"]]
