"""The .docx handout, read back with python-docx."""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.document import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.table import _Cell
from lxml.etree import QName
from support import MINIMAL_DECK, SHIPPED_DECK, write_data
from word_reading import Leaf, Marker, WordReader

from exporter.cli import main
from exporter.load import load_deck
from exporter.markdown import Paragraph, render_markdown


@pytest.fixture(scope="module")
def handout(shipped_build: Path) -> Document:
    return docx.Document(str(shipped_build / "anthropic-culture-fit.docx"))


def _build_handout(runner: CliRunner, tmp_path: Path, text: str) -> Document:
    data = write_data(tmp_path, text)
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    return docx.Document(str(tmp_path / "out" / "demo.docx"))


def _plain_paragraphs(markdown: str) -> list[str]:
    """The text of each paragraph of `markdown` as markdown-it reads it, markup gone."""
    texts = []
    for block in render_markdown(markdown).blocks:
        assert isinstance(block, Paragraph), block
        texts.append("".join(span.text for span in block.spans))
    return texts


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
    paragraphs = handout.paragraphs
    for number, question in enumerate(deck.questions, start=1):
        [index] = [
            i
            for i, p in enumerate(paragraphs)
            if p.style.name == "Heading 2" and p.text == f"{number}. {question.question}"
        ]
        answer = _plain_paragraphs(question.answer)
        following = paragraphs[index + 1 : index + 1 + len(answer)]
        assert [p.text for p in following] == answer


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
    widths = [2808, 6552]  # twips: 30% and 70% of the 6.5 inch text width
    assert [column.width.twips for column in table.columns] == widths
    for row in table.rows:
        assert [cell.width.twips for cell in row.cells] == widths
    assert table._tbl.tblPr.find(qn("w:tblW")).get(qn("w:type")) == "dxa"
    assert table._tbl.tblPr.find(qn("w:tblLayout")).get(qn("w:type")) == "fixed"
    assert table.rows[0]._tr.trPr.find(qn("w:tblHeader")) is not None


def test_header_footer_and_page(handout: Document) -> None:
    section = handout.sections[0]
    assert section.header.paragraphs[0].text == "Culture Fit Q&A for Anthropic"
    [footer] = section.footer.paragraphs
    assert footer.style.name == "Footer"
    assert footer.alignment == WD_ALIGN_PARAGRAPH.CENTER
    # "Page 2 of 5": text runs and Word fields, in order, each field with a placeholder.
    parts = [
        (
            QName(child).localname,
            child.get(qn("w:instr")),
            "".join(text.text for text in child.iter(qn("w:t"))),
        )
        for child in footer._p
        if child.tag != qn("w:pPr")
    ]
    assert parts == [
        ("r", None, "Page "),
        ("fldSimple", "PAGE", "1"),
        ("r", None, " of "),
        ("fldSimple", "NUMPAGES", "1"),
    ]
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


def test_rich_markdown_uses_real_word_structures(runner: CliRunner, tmp_path: Path) -> None:
    document = _build_handout(
        runner,
        tmp_path,
        MINIMAL_DECK.replace("The *first* answer.", MARKDOWN_ANSWER)
        + "    key_points:\n      - Point *A*\n",
    )
    styles = {p.text: p.style.name for p in document.paragraphs if p.style is not None}
    reader = WordReader(
        document.part.numbering_part.element, {s.style_id: s.name for s in document.styles}
    )
    records = reader.records(list(document.element.body))
    markers = [r for r in records if isinstance(r, Marker)]
    assert markers == [
        Marker(ordered=False, depth=1, number=None),
        Marker(ordered=False, depth=1, number=None),
        Marker(ordered=True, depth=1, number=1),
        Marker(ordered=True, depth=1, number=2),
        Marker(ordered=True, depth=1, number=3),  # `3)` starts a list of its own
        Marker(ordered=False, depth=1, number=None),  # the key point
    ]
    assert Leaf("quoted line", nesting=1, quoted=True) in records
    assert styles["def safe():\n    return True"] == "Code Block"
    assert styles["Point A"] == "List Paragraph"
    # The handout's own label style keeps "Key points" on the page of its first point.
    assert styles["Key points"] == "Label"
    assert document.styles["Label"].paragraph_format.keep_with_next

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


def _summary_cell(runner: CliRunner, tmp_path: Path, summary: str) -> _Cell:
    """The cell of the handout's themes table that shows the Markdown `summary`."""
    indented = "".join(f"      {line}\n" for line in summary.splitlines())
    document = _build_handout(
        runner,
        tmp_path,
        MINIMAL_DECK + f"themes:\n  - id: rich\n    title: Rich\n    summary: |\n{indented}",
    )
    [themes] = document.tables
    return themes.rows[1].cells[1]


def test_rich_theme_summary_stays_inside_its_table_cell(runner: CliRunner, tmp_path: Path) -> None:
    cell = _summary_cell(runner, tmp_path, "Say:\n\n- one\n\n| A | B |\n|---|---|\n| 1 | 2 |")
    assert [p.text for p in cell.paragraphs][:2] == ["Say:", "one"]
    assert cell.paragraphs[1]._p.pPr.numPr is not None
    [nested] = cell.tables
    assert [[c.text for c in row.cells] for row in nested.rows] == [["A", "B"], ["1", "2"]]


def test_a_theme_summary_keeps_its_order_when_it_opens_with_a_table(
    runner: CliRunner, tmp_path: Path
) -> None:
    cell = _summary_cell(runner, tmp_path, "| A | B |\n|---|---|\n| 1 | 2 |\n\nAfter the table.")
    children = [child.tag for child in cell._tc if child.tag != qn("w:tcPr")]
    assert children == [qn("w:tbl"), qn("w:p")]
    assert cell.paragraphs[-1].text == "After the table."


def test_contents_links_to_every_question(handout: Document) -> None:
    deck = load_deck(SHIPPED_DECK)
    entries = [p for p in handout.paragraphs if p.style.name == "Contents Entry"]
    links = [
        (link.get(qn("w:anchor")), "".join(t.text for t in link.iter(qn("w:t"))))
        for p in entries
        for link in p._p.findall(qn("w:hyperlink"))
    ]
    expected = [(f"question_{n}", f"{n}. {q.question}") for n, q in enumerate(deck.questions, 1)]
    assert links == [*expected, ("themes", "Themes")]
    bookmarks = {b.get(qn("w:name")) for b in handout.element.body.iter(qn("w:bookmarkStart"))}
    assert bookmarks == {anchor for anchor, _ in links}
    for paragraph in handout.paragraphs:
        for start in paragraph._p.findall(qn("w:bookmarkStart")):
            if start.get(qn("w:name")).startswith("question_"):
                assert paragraph.style.name == "Heading 2"


def test_fonts_are_named_outright_with_free_metric_twins(handout: Document) -> None:
    defaults = handout.styles.element.find(qn("w:docDefaults"))
    fonts = defaults.find(f"{qn('w:rPrDefault')}/{qn('w:rPr')}/{qn('w:rFonts')}")
    assert fonts.get(qn("w:ascii")) == fonts.get(qn("w:hAnsi")) == "Cambria"
    assert fonts.get(qn("w:asciiTheme")) is None
    for name in ("Title", "Heading 1", "Heading 2"):
        assert handout.styles[name].font.name == "Calibri"


def test_a4_page_size(runner: CliRunner, tmp_path: Path) -> None:
    data = write_data(tmp_path, MINIMAL_DECK)
    result = runner.invoke(
        main, ["build", str(data), "--out", str(tmp_path / "out"), "--page-size", "A4"]
    )
    assert result.exit_code == 0, result.output
    for name in ("demo.docx", "demo-practice.docx"):
        section = docx.Document(str(tmp_path / "out" / name)).sections[0]
        assert (section.page_width.twips, section.page_height.twips) == (11906, 16838)


def test_author_from_the_data(runner: CliRunner, tmp_path: Path) -> None:
    document = _build_handout(
        runner, tmp_path, MINIMAL_DECK.replace("  title:", "  author: Ada L.\n  title:")
    )
    assert document.core_properties.author == "Ada L."


def test_practice_handout_has_questions_with_ruled_lines_and_no_answers(
    shipped_build: Path,
) -> None:
    deck = load_deck(SHIPPED_DECK)
    practice = docx.Document(str(shipped_build / "anthropic-culture-fit-practice.docx"))
    assert _styled(practice, "Subtitle") == ["Practice sheet"]
    headings = _styled(practice, "Heading 2")
    assert headings == [f"{n}. {q.question}" for n, q in enumerate(deck.questions, start=1)]
    text = "\n".join(p.text for p in practice.paragraphs)
    for question in deck.questions:
        assert _plain_paragraphs(question.answer)[0][:40] not in text
    ruled = [p for p in practice.paragraphs if p.style.name == "Ruled Line"]
    assert len(ruled) == 6 * len(deck.questions)
    assert [p.paragraph_format.keep_with_next for p in ruled[:6]] == [True] * 5 + [
        None
    ]  # one block
    [themes] = practice.tables
    assert [row.cells[0].text for row in themes.rows[1:]] == [t.title for t in deck.themes]
    assert practice.core_properties.title == "Culture Fit Q&A for Anthropic (practice)"
    header = practice.sections[0].header.paragraphs[0]
    assert header.text == "Culture Fit Q&A for Anthropic — practice"


def test_context_stands_under_its_question_in_both_documents(
    runner: CliRunner, tmp_path: Path
) -> None:
    context = "    context: |\n      ```js\n      typeof null\n      ```\n\n      - A: `object`\n"
    data = write_data(tmp_path, MINIMAL_DECK.replace("    answer:", context + "    answer:"))
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    handout = docx.Document(str(tmp_path / "out" / "demo.docx"))
    practice = docx.Document(str(tmp_path / "out" / "demo-practice.docx"))
    for document, below in ((handout, ["Answer", "The first answer."]), (practice, [""])):
        texts = [p.text for p in document.paragraphs]
        [start] = [n for n, p in enumerate(document.paragraphs) if p.style.name == "Heading 2"]
        assert texts[start + 1 : start + 3] == ["typeof null", "A: object"]
        assert texts[start + 3 : start + 3 + len(below)] == below
        styles = [p.style.name for p in document.paragraphs[start + 1 : start + 3]]
        assert styles == ["Code Block", "List Paragraph"]


def test_no_leftovers_of_the_template(shipped_build: Path) -> None:
    for name in ("anthropic-culture-fit.docx", "anthropic-culture-fit-practice.docx"):
        with zipfile.ZipFile(shipped_build / name) as package:
            names = package.namelist()
            content_types = package.read("[Content_Types].xml").decode()
        assert not [n for n in names if "thumbnail" in n or "stylesWithEffects" in n]
        assert not [n for n in names if n.startswith("customXml/")]
        assert "thumbnail" not in content_types
