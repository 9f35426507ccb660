"""Markdown: one parse gives safe HTML for Anki and styled blocks for Word."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from exporter.markdown import (
    CodeBlock,
    ItemList,
    Paragraph,
    Quote,
    Rule,
    Span,
    Table,
    is_link,
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


def test_only_absolute_web_and_mail_addresses_are_links_and_the_rest_is_text() -> None:
    rendered = render_markdown(
        "[a](https://example.com) [b](mailto:me@example.com) [c](javascript:alert(1))"
        " [d](data:text/html,x) [e](JAVASCRIPT:alert(1)) [f](//host/share/file.exe)"
        " [g](notes.docx) [h](/uri) [i](http:no-host) <irc://foo.bar> <https://x.org>"
    )
    assert rendered.html == (
        '<p><a href="https://example.com">a</a> <a href="mailto:me@example.com">b</a>'
        " c d e f g h i irc://foo.bar"
        ' <a href="https://x.org">https://x.org</a></p>'
    )
    paragraph = rendered.blocks[0]
    assert isinstance(paragraph, Paragraph)
    links = [span.link for span in paragraph.spans if span.link]
    assert links == ["https://example.com", "mailto:me@example.com", "https://x.org"]
    assert "".join(span.text for span in paragraph.spans) == (
        "a b c d e f g h i irc://foo.bar https://x.org"
    )


@pytest.mark.parametrize(
    ("url", "linked"),
    [
        ("https://example.com/a?b#c", True),
        ("HTTP://EXAMPLE.COM", True),
        ("mailto:me@example.com", True),
        ("http:example.com", False),
        ("https://", False),
        ("mailto:", False),
        ("//host/share/file.exe", False),
        ("file:///etc/passwd", False),
        ("notes.docx", False),
        ("/uri", False),
        ("#anchor", False),
        ("http://[::1", False),  # not a URL at all
    ],
)
def test_the_link_rule(url: str, linked: bool) -> None:
    assert is_link(url) is linked


def test_an_image_inside_a_link_keeps_the_link_and_its_alt_text_is_plain() -> None:
    paragraph = render_markdown("[![a *b* `c`](img.png)](https://example.com)").blocks[0]
    assert paragraph == Paragraph((Span("a b c", link="https://example.com", image="img.png"),))


def test_a_character_reference_for_a_line_break_is_a_space_as_in_html() -> None:
    rendered = render_markdown("foo&#10;bar&#9;baz `a&#10;b`")
    assert rendered.blocks == (Paragraph((Span("foo bar baz "), Span("a&#10;b", code=True))),)


def test_lists_keep_their_kind_start_nesting_and_any_first_block() -> None:
    text = "0. a\n   - x\n\n   more\n1.\n2. ```\n   code\n   ```\n\n- - foo\n"
    blocks = render_markdown(text).blocks
    assert blocks == (
        ItemList(
            ordered=True,
            start=0,
            items=(
                (
                    Paragraph((Span("a"),)),
                    ItemList(False, 1, ((Paragraph((Span("x"),)),),)),
                    Paragraph((Span("more"),)),
                ),
                (),
                (CodeBlock("code"),),
            ),
        ),
        ItemList(False, 1, ((ItemList(False, 1, ((Paragraph((Span("foo"),)),),)),),)),
    )


def test_quotes_nest_and_hold_any_block() -> None:
    blocks = render_markdown("> a\n>\n> > b\n> > - c\n>\n> ```\n> x\n> ```\n").blocks
    assert blocks == (
        Quote(
            (
                Paragraph((Span("a"),)),
                Quote((Paragraph((Span("b"),)), ItemList(False, 1, ((Paragraph((Span("c"),)),),)))),
                CodeBlock("x"),
            )
        ),
    )


def test_headings_code_rules_and_aligned_tables() -> None:
    text = "# Head\n\n```\nx = 1\n```\n\n---\n\n| A | B | C |\n|:-:|--:|---|\n| 1 | *2* |\n"
    blocks = render_markdown(text).blocks
    assert blocks == (
        Paragraph((Span("Head"),), heading_level=1),
        CodeBlock("x = 1"),
        Rule(),
        Table(
            (
                ((Span("A"),), (Span("B"),), (Span("C"),)),
                ((Span("1"),), (Span("2", italic=True),), ()),
            ),
            ("center", "right", None),
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
