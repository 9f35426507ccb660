"""html_to_markdown on real Anki field HTML: fields as Anki's editors (desktop, AnkiDroid,
AnkiMobile) and users pasting from the web left them, taken from a public CrowdAnki deck
export (see fixtures/anki-fields/SOURCES.md).

For every field: it converts without raising and quickly; no visible word is lost; no
visible character is added; a second pull of what the first one wrote changes nothing;
and what Markdown cannot say (colours, font sizes, underline, sub- and superscript, tags
it does not know…) is named in `dropped`. Fields that fail a check for a known converter
bug are listed below with the bug, so the suite stays green while the gap stays visible.
"""

from __future__ import annotations

import difflib
import json
import re
import time
import warnings
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from bs4 import BeautifulSoup, Comment, MarkupResemblesLocatorWarning

from exporter.html_markdown import Converted, html_to_markdown
from exporter.markdown import render_markdown

_FIELDS_FILE = Path(__file__).parent / "fixtures" / "anki-fields" / "fields.json"

# Known failures, by index in fields.json, each with the converter bug: none so far.

_STRAY_BACKSLASH: set[int] = set()
_BRACKET_ACROSS_DIVS: set[int] = set()
_HEADING_IN_HEADING: set[int] = set()
_KNOWN_ADDED = _STRAY_BACKSLASH | _HEADING_IN_HEADING
_KNOWN_CHURN = _STRAY_BACKSLASH | _BRACKET_ACROSS_DIVS

_SLOW = 0.5  # seconds for one field


@cache
def _fields() -> tuple[str, ...]:
    return tuple(json.loads(_FIELDS_FILE.read_text("utf-8")))


@cache
def _converted() -> tuple[tuple[Converted, float], ...]:
    results = []
    for html in _fields():
        start = time.perf_counter()
        converted = html_to_markdown(html)
        results.append((converted, time.perf_counter() - start))
    return tuple(results)


def _soup(html: str) -> BeautifulSoup:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", MarkupResemblesLocatorWarning)
        return BeautifulSoup(html, "html.parser")


def _visible(html: str) -> str:
    """The text a reader sees, white space (and &nbsp;, which the converter writes as
    a space) normalised to single spaces. Images show no text here: their alt text is
    an attribute on both sides."""
    soup = _soup(html)
    for tag in soup.find_all(["script", "style", "head", "template", "noscript"]):
        tag.decompose()
    for comment in soup.find_all(string=lambda text: isinstance(text, Comment)):
        comment.extract()
    return " ".join(soup.get_text(" ").replace("\xa0", " ").split())


def _rendered(index: int) -> str:
    return render_markdown(_converted()[index][0].markdown).html


def _report(failures: list[str], known: set[int], found: set[int]) -> str:
    lines = [f"{len(found)} of {len(_fields())} fields fail ({len(known)} known)"]
    lines += [f"unexpected: {sorted(found - known)}", f"now passing: {sorted(known - found)}"]
    return "\n".join(lines + failures[:10])


def test_the_fixture_holds_real_varied_fields() -> None:
    fields = _fields()
    assert len(fields) == len(set(fields)) >= 15
    for needle in ("<div>", "<br>", "{{c1::", "<img ", "<table", "<ul>", "<sup", "style="):
        assert any(needle in field for field in fields), needle


def test_every_field_converts_quickly() -> None:
    slow = [
        f"{index}: {seconds:.2f} s"
        for index, (_, seconds) in enumerate(_converted())
        if seconds > _SLOW
    ]
    assert not slow, f"{len(slow)} of {len(_fields())} fields take > {_SLOW} s: {slow}"


def _missing_words(source: str, shown: str) -> list[str]:
    """The words of `source` not found, in order, in `shown`."""
    missing = []
    position = 0
    for word in source.split():
        found = shown.find(word, position)
        if found < 0:
            missing.append(word)
        else:
            position = found + len(word)
    return missing


def test_no_visible_word_is_lost() -> None:
    failures = []
    for index, html in enumerate(_fields()):
        missing = _missing_words(_visible(html), _visible(_rendered(index)))
        if missing:
            failures.append(f"{index}: lost {missing[:8]} of {html[:200]!r}")
    assert not failures, f"{len(failures)} of {len(_fields())} fields:\n" + "\n".join(failures)


def test_no_visible_character_is_added() -> None:
    """Stronger than the words check: the shown characters, white space aside, are the
    very same (a stray backslash or a literal `**` would show here)."""
    failures, found = [], set()
    for index, html in enumerate(_fields()):
        before = "".join(_visible(html).split())
        after = "".join(_visible(_rendered(index)).split())
        if before != after:
            found.add(index)
            matcher = difflib.SequenceMatcher(None, before, after, autojunk=False)
            changes = [
                (before[i1:i2], after[j1:j2])
                for op, i1, i2, j1, j2 in matcher.get_opcodes()
                if op != "equal"
            ]
            failures.append(f"{index}: {changes[:5]} in {html[:200]!r}")
    assert found == _KNOWN_ADDED, _report(failures, _KNOWN_ADDED, found)


def test_a_second_pull_changes_nothing() -> None:
    failures, found = [], set()
    for index, (converted, _) in enumerate(_converted()):
        again = html_to_markdown(_rendered(index)).markdown
        if again != converted.markdown:
            found.add(index)
            diff = difflib.unified_diff(
                converted.markdown.split("\n"), again.split("\n"), lineterm="", n=0
            )
            failures.append(f"{index}: " + " | ".join(list(diff)[2:8]))
    assert found == _KNOWN_CHURN, _report(failures, _KNOWN_CHURN, found)


_PLAIN_COLOURS = frozenset(
    "inherit initial unset transparent none currentcolor windowtext black #000 #000000"
    " rgb(0,0,0) white #fff #ffffff rgb(255,255,255) rgba(0,0,0,0)".split()
)
# The word the converter must name for each tag that has no Markdown form.
_TAG_WORDS = dict(
    pair.split(":")
    for pair in (
        "u:underline, ins:underline, sup:superscript, sub:subscript, mark:highlight,"
        " small:font sizes, big:font sizes, center:alignment, script:scripts, style:styles"
    ).split(", ")
)
_MARKDOWN_TAGS = frozenset(
    "html body div span p br b strong i em s strike del code kbd samp tt pre ul ol li"
    " blockquote hr table thead tbody tfoot tr th td h1 h2 h3 h4 h5 h6 a img font section"
    " article main header footer nav aside figure figcaption dl dt dd details summary"
    " form fieldset address o:p wbr meta link head".split()
)


def _is_link(href: str) -> bool:
    parts = urlsplit(href.strip())
    scheme = parts.scheme.lower()
    return (
        bool(parts.netloc)
        if scheme in ("http", "https")
        else bool(scheme == "mailto" and parts.path)
    )


# Style declarations with no Markdown form: (what the value is, the word for it).
_STYLE_WORDS = (
    (r"(?:^|;)\s*(?:background-)?colou?r\s*:([^;]*)", "colours"),
    (r"(?:^|;)\s*background\s*:([^;]*)", "colours"),
    (r"font-size\s*:()", "font sizes"),
    (r"font-family\s*:()", "fonts"),
    (r"text-decoration[-a-z]*\s*:[^;]*underline()", "underline"),
    (r"vertical-align\s*:\s*super()", "superscript"),
    (r"vertical-align\s*:\s*sub()", "subscript"),
)


def _expected_dropped(html: str) -> set[str]:
    """What `html` has that Markdown cannot say, found apart from the converter."""
    expected = set()
    for tag in _soup(html).find_all(True):
        if tag.name in _TAG_WORDS:
            expected.add(_TAG_WORDS[tag.name])
        elif tag.name not in _MARKDOWN_TAGS:
            expected.add(tag.name)  # <hl>, <ruby>, <rt>…
        if tag.name == "font":
            for attribute, word in (
                ("color", "colours"),
                ("size", "font sizes"),
                ("face", "fonts"),
            ):
                if tag.get(attribute):
                    expected.add(word)
        href = tag.get("href")
        if tag.name == "a" and isinstance(href, str) and not _is_link(href):
            expected.add("links")
        style = str(tag.get("style") or "").lower()
        for pattern, word in _STYLE_WORDS:
            for value in re.findall(pattern, style):
                if "".join(value.split()) not in _PLAIN_COLOURS:
                    expected.add(word)
    return expected


def test_what_markdown_cannot_say_is_named() -> None:
    failures = []
    for index, html in enumerate(_fields()):
        dropped = set(_converted()[index][0].dropped)
        unnamed = _expected_dropped(html) - dropped
        if unnamed:
            failures.append(f"{index}: {sorted(unnamed)} not in {sorted(dropped)}: {html[:200]!r}")
    assert not failures, f"{len(failures)} of {len(_fields())} fields:\n" + "\n".join(failures)
    # The fixture does exercise this check.
    assert sum(bool(_expected_dropped(html)) for html in _fields()) >= 3
