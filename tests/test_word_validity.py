"""Every .docx the build writes is valid Office Open XML (ECMA-376, Transitional), as a
real validator checks it: Word opens it without offering to repair it. And one link
rule holds in every output."""

from __future__ import annotations

import re
import shutil
import zipfile
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from docx.oxml.ns import qn
from openxml_audit import OpenXmlValidator
from support import FIXTURES, import_apkg

from exporter.cli import main

CONSTRUCTS = FIXTURES / "word"


def _problems(document: Path) -> list[tuple[str, str]]:
    result = OpenXmlValidator().validate(str(document))
    return [(error.description, error.path) for error in result.errors]


@pytest.fixture(scope="module")
def constructs_build(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The output folder of a build of the deck that uses every Markdown construct."""
    data = tmp_path_factory.mktemp("constructs") / "data"
    shutil.copytree(CONSTRUCTS, data)
    out = data.parent / "out"
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return out


def test_the_validator_finds_what_word_would_repair(shipped_build: Path, tmp_path: Path) -> None:
    # A paragraph with two sets of properties: what a rule inside a key point once wrote.
    broken = tmp_path / "broken.docx"
    shipped = shipped_build / "anthropic-culture-fit.docx"
    with zipfile.ZipFile(shipped) as source, zipfile.ZipFile(broken, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"<w:r>", b'<w:pPr><w:jc w:val="left"/></w:pPr><w:r>', 1)
            target.writestr(item, data)
    assert _problems(broken) == [("Unexpected element 'pPr' found", "/document[1]/body[1]/p[1]")]


@pytest.mark.parametrize(
    "name",
    [
        "anthropic-culture-fit.docx",
        "anthropic-culture-fit-practice.docx",
        "anthropic-culture-fit-cards.docx",
    ],
)
def test_the_shipped_handouts_are_valid(shipped_build: Path, name: str) -> None:
    assert _problems(shipped_build / name) == []


@pytest.mark.parametrize(
    "name", ["constructs.docx", "constructs-practice.docx", "constructs-cards.docx"]
)
def test_handouts_of_every_construct_are_valid(constructs_build: Path, name: str) -> None:
    assert _problems(constructs_build / name) == []


def test_only_web_and_mail_addresses_are_clickable_in_any_output(
    constructs_build: Path, runner: CliRunner, tmp_path: Path
) -> None:
    document = docx.Document(str(constructs_build / "constructs.docx"))
    targets = {rel.target_ref for rel in document.part.rels.values() if rel.is_external}
    assert targets == {"https://example.com"}
    # The picture inside a link is clickable.
    [picture_link] = [
        link
        for link in document.element.body.iter(qn("w:hyperlink"))
        if link.find(f".//{qn('w:drawing')}") is not None
    ]
    assert document.part.rels[picture_link.get(qn("r:id"))].target_ref == "https://example.com"

    imported = import_apkg(constructs_build / "constructs.apkg", tmp_path / "collection.anki2")
    fields = " ".join(" ".join(values) for values in imported.notes().values())
    imported.collection.close()
    assert set(re.findall(r'href="([^"]*)"', fields)) == {"https://example.com"}
    assert "</a>, relative, share," in fields  # the other links, shown as their text

    data = tmp_path / "data"
    shutil.copytree(CONSTRUCTS, data)
    result = runner.invoke(main, ["preview", str(data), "--out", str(tmp_path / "preview")])
    assert result.exit_code == 0, result.output
    [page] = (tmp_path / "preview").glob("*.html")
    assert set(re.findall(r'href="([^"]*)"', page.read_text("utf-8"))) == {"https://example.com"}
