"""Markdown: one parse gives safe HTML for Anki and styled blocks for Word."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from exporter.markdown import (
    CodeBlock,
    ListItem,
    Paragraph,
    Rule,
    Span,
    Table,
    render_markdown,
    render_texts,
)


def test_emphasis_becomes_tags_and_formatted_spans() -> None:
    rendered = render_markdown("Read *Core Views* and **RSP** with `code`.")
    assert rendered.html == (
        "<p>Read <em>Core Views</em> and <strong>RSP</strong> with <code>code</code>.</p>"
    )
    assert rendered.blocks == (
        Paragraph(
            (
                Span("Read "),
                Span("Core Views", italic=True),
                Span(" and "),
                Span("RSP", bold=True),
                Span(" with "),
                Span("code", code=True),
                Span("."),
            )
        ),
    )


def test_raw_html_is_text_never_markup() -> None:
    rendered = render_markdown('<script>alert("x")</script> <img src=x onerror=alert(1)>')
    assert "<script" not in rendered.html
    assert "<img" not in rendered.html
    assert "&lt;script&gt;" in rendered.html
    assert rendered.blocks[0].spans[0].text.startswith("<script>")  # type: ignore[union-attr]


def test_only_safe_link_schemes_become_links() -> None:
    rendered = render_markdown(
        "[a](https://example.com) [b](mailto:me@example.com) [c](javascript:alert(1))"
        " [d](data:text/html,x) [e](JAVASCRIPT:alert(1))"
    )
    assert rendered.html.count("<a ") == 2
    assert 'href="javascript' not in rendered.html.lower()
    assert 'href="data' not in rendered.html
    links = [span.link for span in rendered.blocks[0].spans if span.link]  # type: ignore[union-attr]
    assert links == ["https://example.com", "mailto:me@example.com"]


def test_lists_know_their_depth_kind_and_start() -> None:
    blocks = render_markdown("- a\n  1. x\n  2. y\n\n  more\n- b\n\n3. c\n").blocks
    items = [block.list_item for block in blocks if isinstance(block, Paragraph)]
    assert items == [
        ListItem(1, ordered=False, start=1, depth=1, continues=False),
        ListItem(2, ordered=True, start=1, depth=2, continues=False),
        ListItem(2, ordered=True, start=1, depth=2, continues=False),
        ListItem(1, ordered=False, start=1, depth=1, continues=True),
        ListItem(1, ordered=False, start=1, depth=1, continues=False),
        ListItem(3, ordered=True, start=3, depth=1, continues=False),
    ]


def test_quotes_headings_code_rules_and_tables() -> None:
    text = "# Head\n\n> quoted\n\n```\nx = 1\n```\n\n---\n\n| A | B |\n|---|---|\n| 1 | *2* |\n"
    blocks = render_markdown(text).blocks
    assert blocks == (
        Paragraph((Span("Head"),), heading_level=1),
        Paragraph((Span("quoted"),), quote_depth=1),
        CodeBlock("x = 1"),
        Rule(),
        Table(
            (
                ((Span("A"),), (Span("B"),)),
                ((Span("1"),), (Span("2", italic=True),)),
            )
        ),
    )


def test_line_breaks_and_strikethrough() -> None:
    blocks = render_markdown("one\ntwo  \nthree ~~old~~").blocks
    assert blocks == (Paragraph((Span("one two\nthree "), Span("old", strike=True))),)


def test_each_distinct_text_is_rendered_once() -> None:
    rendered = render_texts(["*a*", "b", "*a*"])
    assert list(rendered) == ["*a*", "b"]
    assert rendered["*a*"].html == "<p><em>a</em></p>"


@given(before=st.text(), after=st.text())
def test_typed_markup_never_reaches_the_html(before: str, after: str) -> None:
    html = render_markdown(f"{before}<script>x</script><img src=x onerror=y>{after}").html
    assert "<script" not in html
    assert "<img" not in html
