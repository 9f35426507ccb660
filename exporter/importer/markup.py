"""HTML → Markdown, with markdownify: what a renderer shows, as the Markdown that shows it."""

from __future__ import annotations

import html
from typing import Any

from markdownify import MarkdownConverter


class _Converter(MarkdownConverter):
    """HTML → Markdown that leaves the Markdown already in the text alone and keeps
    `<details>` blocks, which the importer reads as questions."""

    def convert_details(self, el: Any, text: str, parent_tags: set[str]) -> str:
        summary = el.find("summary")
        question = " ".join(summary.get_text(" ").split()) if summary is not None else ""
        opening = f"<details><summary>{html.escape(question)}</summary>"
        return f"\n\n{opening}\n\n{text.strip()}\n\n</details>\n\n"

    def convert_summary(self, el: Any, text: str, parent_tags: set[str]) -> str:
        return ""  # written by convert_details


def html_to_markdown(fragment: str) -> str:
    """The Markdown a renderer's view of the HTML `fragment` amounts to."""
    converter = _Converter(
        heading_style="ATX",
        bullets="-",
        escape_asterisks=False,
        escape_underscores=False,
        escape_misc=False,
        code_language="",
    )
    return str(converter.convert(fragment)).strip()
