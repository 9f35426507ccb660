"""Every CommonMark example, as the answer to a question, imports into a data file that
`exporter check` accepts: the importer never writes what the build would reject."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from exporter.cli import main
from exporter.errors import ExporterError
from exporter.importer import import_document


@pytest.fixture(scope="module")
def examples(markdown_it_tests: Path) -> list[dict[str, str]]:
    spec = markdown_it_tests / "test_cmark_spec" / "commonmark.json"
    examples: list[dict[str, str]] = json.loads(spec.read_text("utf-8"))
    return examples


def test_every_commonmark_example_imports_into_a_deck_that_checks(
    runner: CliRunner, tmp_path: Path, examples: list[dict[str, str]]
) -> None:
    data = tmp_path / "data"
    imported, refused = [], []
    for example in examples:
        number = example["example"]
        source = tmp_path / f"example-{number}.md"
        source.write_text(
            f"# Spec\n\n## What does example {number} show?\n\n{example['markdown']}\n",
            encoding="utf-8",
        )
        try:
            import_document(source, output=data / f"e{number}.yaml", deck_id=f"spec-{number}")
        except ExporterError as error:  # an example that leaves no answer: said, not written
            refused.append((number, str(error), (data / f"e{number}.yaml").exists()))
            continue
        imported.append(number)
    assert all("no questions found" in error and not written for _, error, written in refused)
    assert len(imported) > 550  # most examples are answers a reader would keep
    result = runner.invoke(main, ["check", str(data)])
    assert result.exit_code == 0, result.output
