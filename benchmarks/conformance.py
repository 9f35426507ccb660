"""Count the CommonMark and GFM examples whose Word rendering keeps the structure the
HTML has: the handout's renderer side by side with pandoc's docx writer.

    python benchmarks/conformance.py PATH/TO/markdown_it_py-X.tar.gz

Needs the test and bench extras (`pip install -e '.[test,bench]'`) and the source
distribution of the markdown-it-py in use (`pip download --no-binary :all: --no-deps
markdown-it-py==X`). Each example is one answer of a deck built by `exporter build`,
and one document converted by pandoc (CommonMark with pipe tables and strikethrough,
raw HTML off). Both are read back with the tests' reader (tests/word_reading.py) and
compared with the structure of the example's HTML, as markdown-it renders it: list
markers (kind, depth, number), each block's text, quoting and heading level, table
cell alignment, and the text in monospace. Nesting depth is compared for the
handout only: pandoc does not indent nested quotes, so it is left out of the count
for both. Examples with raw HTML (which pandoc drops and the handout shows as text)
and examples the build refuses (pictures that are not files) are counted apart.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tarfile
import tempfile
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import docx
import pypandoc
import yaml
from docx.oxml.ns import qn
from markdown_it.utils import read_fixture_file

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "tests"))

from word_reading import (  # type: ignore[import-not-found]  # noqa: E402
    Cell,
    Conventions,
    Leaf,
    Marker,
    WordReader,
    html_code,
    html_records,
    word_code,
)

from exporter.markdown import render_markdown  # noqa: E402

PANDOC_FORMAT = "commonmark+pipe_tables+strikeout-raw_html"
PANDOC = Conventions(
    code_styles=("Source Code",),
    inline_code_styles=("Verbatim Char",),
    quote_styles=("Block Text",),
    heading_offset=0,
)
ASPECTS = ("markers", "text", "quoting", "headings", "tables", "monospace")


def examples(sdist: Path, folder: Path) -> list[tuple[str, str]]:
    """(name, Markdown) of every spec, table and strikethrough example."""
    with tarfile.open(sdist) as archive:
        archive.extractall(folder, filter="data")
    [tests] = folder.glob("markdown_it_py-*/tests")
    spec = json.loads((tests / "test_cmark_spec" / "commonmark.json").read_text("utf-8"))
    found = [(f"spec {e['example']}", e["markdown"]) for e in spec]
    for name in ("tables", "strikethrough"):
        fixtures = read_fixture_file(tests / "test_port" / "fixtures" / f"{name}.md")
        found += [(f"{name} {line}", text) for line, _, text, _ in fixtures]
    return found


def aspects(records: Sequence[Any], code: str) -> dict[str, object]:
    """What a reader sees of one rendering, aspect by aspect, nesting left out."""
    leaves = [record for record in records if isinstance(record, Leaf)]
    return {
        "markers": [record for record in records if isinstance(record, Marker)],
        "text": [(leaf.text, leaf.code, leaf.rule) for leaf in leaves],
        "quoting": [leaf.quoted for leaf in leaves],
        "headings": [leaf.heading for leaf in leaves],
        "tables": [record for record in records if isinstance(record, Cell)],
        "monospace": code,
    }


def handout_parts(texts: dict[str, str], folder: Path) -> tuple[dict[str, list[Any]], Any]:
    """Build one deck with every example as an answer; return each answer's body
    elements by example name (refused examples missing) and the document."""
    kept = list(texts)
    data = folder / "conformance.yaml"
    while True:
        questions = [
            {"id": f"e{n}", "question": f"{name}?", "answer": texts[name]}
            for n, name in enumerate(kept)
        ]
        deck = {"deck": {"id": "conformance", "title": "Conformance"}, "questions": questions}
        dumped = yaml.safe_dump(deck, allow_unicode=True, width=10**6, sort_keys=False)
        data.write_text(dumped, "utf-8")
        build = [sys.executable, "-m", "exporter", "build", str(data), "--out", str(folder)]
        result = subprocess.run(build, capture_output=True, text=True)
        if result.returncode == 0:
            break
        lines = data.read_text("utf-8").splitlines()
        refused = set()
        for problem in result.stderr.splitlines():
            line = int(problem.split(":")[1])
            owner = next(text for text in reversed(lines[:line]) if text.startswith("- id: e"))
            refused.add(kept[int(owner.removeprefix("- id: e"))])
        kept = [name for name in kept if name not in refused]
    document = docx.Document(str(folder / "conformance.docx"))
    styles = {style.style_id: style.name for style in document.styles}
    parts: dict[str, list[Any]] = {}
    current: list[Any] | None = None
    for element in document.element.body:
        style = element.find(f"{qn('w:pPr')}/{qn('w:pStyle')}")
        name = styles.get(style.get(qn("w:val"))) if style is not None else None
        if name == "Heading 2":
            current = parts.setdefault(element.xpath("string(.)").split(". ", 1)[1][:-1], [])
        elif name == "Heading 1":
            current = None
        elif current is not None:
            current.append(element)
    return parts, document


def pandoc_aspects(markdown: str, folder: Path) -> dict[str, object]:
    output = folder / "pandoc.docx"
    pypandoc.convert_text(markdown, "docx", format=PANDOC_FORMAT, outputfile=str(output))
    document = docx.Document(str(output))
    styles = {style.style_id: style.name for style in document.styles}
    numbering = document.part.numbering_part.element
    body = [child for child in document.element.body if child.tag != qn("w:sectPr")]
    records = WordReader(numbering, styles, PANDOC).records(body)
    return aspects(records, word_code(body, styles, PANDOC))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sdist", type=Path)
    arguments = parser.parse_args()
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        found = examples(arguments.sdist, folder)
        parts, document = handout_parts(dict(found), folder)
        styles = {style.style_id: style.name for style in document.styles}
        reader = WordReader(document.part.numbering_part.element, styles)
        faithful: Counter[str] = Counter()
        wrong: dict[str, Counter[str]] = {"handout": Counter(), "pandoc": Counter()}
        compared = with_html = refused = 0
        for name, markdown in found:
            if name not in parts:
                refused += 1
                continue
            if "<" in markdown:
                with_html += 1
                continue
            compared += 1
            html = render_markdown(markdown).html
            expected_records = html_records(html)
            expected = aspects(expected_records, html_code(html))
            ours_records = reader.records(parts[name])
            ours = aspects(ours_records, word_code(parts[name], styles))
            theirs = pandoc_aspects(markdown, folder)
            for writer, got in (("handout", ours), ("pandoc", theirs)):
                differing = [aspect for aspect in ASPECTS if got[aspect] != expected[aspect]]
                wrong[writer].update(differing)
                faithful[writer] += not differing
            faithful["handout, nesting too"] += ours_records == expected_records
    print(f"{len(found)} examples: {refused} refused by the build (pictures that are not")
    print(f"files), {with_html} with raw HTML; {compared} compared.\n")
    print("| | faithful | " + " | ".join(f"{a} differ" for a in ASPECTS) + " |")
    print("|---|---|" + "---|" * len(ASPECTS))
    for writer in ("handout", "pandoc"):
        counts = " | ".join(str(wrong[writer][aspect]) for aspect in ASPECTS)
        print(f"| {writer} | {faithful[writer]} | {counts} |")
    print(f"\nhandout, nesting depth compared too: {faithful['handout, nesting too']} faithful")


if __name__ == "__main__":
    main()
