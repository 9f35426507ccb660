"""PDF copies of the handouts, made by the real LibreOffice and read back with poppler."""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from datetime import UTC, datetime
from pathlib import Path

import docx
import pdfplumber
import pikepdf
import pytest
from click.testing import CliRunner
from support import FIXTURES, SHIPPED_DECK, copy_shipped, libreoffice_convert, require_program

from exporter import pdf as pdf_module
from exporter.cli import main
from exporter.errors import ExporterError
from exporter.load import load_deck
from exporter.pdf import (
    LIBREOFFICE_PACKAGE,
    WordDocument,
    docx_to_pdf,
    find_soffice,
    pdf_destinations,
)

MODIFIED = 1_700_000_000  # 2023-11-14 22:13:20 UTC
HANDOUTS = ("anthropic-culture-fit.docx", "anthropic-culture-fit-practice.docx")


@pytest.fixture(scope="module")
def handouts(tmp_path_factory: pytest.TempPathFactory) -> list[tuple[str, bytes]]:
    """The shipped deck's two handouts, as built."""
    root = tmp_path_factory.mktemp("pdf")
    data = copy_shipped(root / "data")
    out = root / "out"
    result = CliRunner().invoke(main, ["build", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output
    return [(name, (out / name).read_bytes()) for name in HANDOUTS]


@pytest.fixture(scope="module")
def pdfs(handouts: list[tuple[str, bytes]]) -> list[bytes]:
    """Both handouts converted in one LibreOffice run."""
    require_program("soffice")
    return docx_to_pdf([WordDocument(name, data, MODIFIED) for name, data in handouts])


def _poppler(program: str, pdf: bytes, folder: Path, *options: str) -> str:
    """What poppler's `program` prints for `pdf`; it must print no complaint."""
    path = folder / "document.pdf"
    path.write_bytes(pdf)
    binary = Path(require_program("pdftotext")).with_name(program)
    result = subprocess.run(
        [str(binary), *options, str(path), *(["-"] if program == "pdftotext" else [])],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stderr == ""
    return result.stdout


def _questions() -> list[str]:
    deck = load_deck(SHIPPED_DECK)
    return [f"{number}. {q.question}" for number, q in enumerate(deck.questions, start=1)]


def _assert_sound(pdf: bytes) -> None:
    """qpdf finds nothing wrong in `pdf`'s structure."""
    with pikepdf.open(io.BytesIO(pdf)) as document:
        assert document.check_pdf_syntax() == []


def test_handout_converts_with_every_question(pdfs: list[bytes], tmp_path: Path) -> None:
    assert len(pdfs) == len(HANDOUTS)
    for pdf in pdfs:
        assert pdf.startswith(b"%PDF-")
        _assert_sound(pdf)
        info = _poppler("pdfinfo", pdf, tmp_path)
        [pages] = re.findall(r"^Pages:\s+(\d+)$", info, re.M)
        with pikepdf.open(io.BytesIO(pdf)) as document:
            assert len(document.pages) == int(pages) >= 2
        text = " ".join(_poppler("pdftotext", pdf, tmp_path).split())
        for question in _questions():
            assert question in text


def test_conversion_is_reproducible_and_dated(
    handouts: list[tuple[str, bytes]], pdfs: list[bytes], tmp_path: Path
) -> None:
    handout = handouts[:1]
    assert docx_to_pdf([WordDocument(*handout[0], MODIFIED)]) == pdfs[:1]

    later = MODIFIED + 86_400 * 400 + 3_661
    [redated] = docx_to_pdf([WordDocument(*handout[0], later)])
    assert redated != pdfs[0]
    _assert_sound(redated)
    for pdf, modified in ((pdfs[0], MODIFIED), (redated, later)):
        expected = datetime.fromtimestamp(modified, UTC)
        with pikepdf.open(io.BytesIO(pdf)) as document:
            dates = [str(document.docinfo[key]) for key in ("/CreationDate", "/ModDate")]
        assert dates == [expected.strftime("D:%Y%m%d%H%M%SZ")] * 2
        info = _poppler("pdfinfo", pdf, tmp_path)
        stamp = expected.strftime("%a %b %d %H:%M:%S %Y UTC")
        assert f"CreationDate:    {stamp}" in info
        assert f"ModDate:         {stamp}" in info
    identifiers = []
    for pdf in (pdfs[0], redated):
        with pikepdf.open(io.BytesIO(pdf)) as document:
            identifiers.append(bytes(document.trailer.ID[0]))
    assert identifiers[0] != identifiers[1]


def test_bookmarks_are_destinations_on_their_pages(pdfs: list[bytes], tmp_path: Path) -> None:
    for pdf in pdfs:
        destinations = pdf_destinations(pdf)
        pages = [
            " ".join(page.split()) for page in _poppler("pdftotext", pdf, tmp_path).split("\f")
        ]
        questions = _questions()
        assert {f"question_{n}" for n in range(1, len(questions) + 1)} <= destinations.keys()
        for number, question in enumerate(questions, start=1):
            # The heading is the last place the question is printed: the contents come first.
            last_page = max(index for index, text in enumerate(pages, start=1) if question in text)
            assert destinations[f"question_{number}"] == last_page, question


def test_missing_libreoffice_names_the_package(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(pdf_module, "INSTALLED_SOFFICE", ())
    for attempt in (find_soffice, lambda: docx_to_pdf([WordDocument("a.docx", b"", MODIFIED)])):
        with pytest.raises(ExporterError) as raised:
            attempt()
        message = str(raised.value)
        assert "\n" not in message
        assert LIBREOFFICE_PACKAGE in message
        assert "LibreOffice" in message


def test_corrupt_docx_is_one_line_error_and_leaves_nothing(
    handouts: list[tuple[str, bytes]], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    require_program("soffice")
    temp = tmp_path / "temp"
    temp.mkdir()
    monkeypatch.setenv("TMPDIR", str(temp))
    monkeypatch.setattr(tempfile, "tempdir", str(temp))
    with pytest.raises(ExporterError) as raised:
        docx_to_pdf(
            [
                WordDocument(*handouts[0], MODIFIED),
                WordDocument("broken.docx", b"not a docx", MODIFIED),
            ]
        )
    message = str(raised.value)
    assert "\n" not in message
    assert "broken.docx" in message
    assert HANDOUTS[0] not in message
    assert list(temp.iterdir()) == []


# `exporter build --pdf`: a PDF beside every document, in the same swap as the others.

DOCUMENTS = (
    "anthropic-culture-fit",
    "anthropic-culture-fit-practice",
    "anthropic-culture-fit-cards",
)


def _text_pages(pdf: Path) -> list[str]:
    with pdfplumber.open(pdf) as document:
        return [" ".join((page.extract_text() or "").split()) for page in document.pages]


def test_build_writes_a_pdf_of_every_document_as_libreoffice_prints_it(
    runner: CliRunner, tmp_path: Path
) -> None:
    require_program("soffice")
    data = copy_shipped(tmp_path / "data")
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(data), "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    for name in DOCUMENTS:
        assert f"{out / name}.pdf" in result.stdout
    # The same documents, printed by LibreOffice by hand.
    libreoffice_convert([out / f"{name}.docx" for name in DOCUMENTS], "pdf", tmp_path / "by-hand")
    for name in DOCUMENTS:
        assert _text_pages(out / f"{name}.pdf") == _text_pages(tmp_path / "by-hand" / f"{name}.pdf")
        # Dated when the data last changed, as the .docx is: not when it was built.
        modified = docx.Document(str(out / f"{name}.docx")).core_properties.modified
        assert modified is not None
        with pikepdf.open(out / f"{name}.pdf") as document:
            dates = {str(document.docinfo[key]) for key in ("/CreationDate", "/ModDate")}
        assert dates == {modified.strftime("D:%Y%m%d%H%M%SZ")}

    before = {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in out.iterdir()}
    again = runner.invoke(main, ["build", str(data), "--out", str(out), "--pdf"])
    assert again.exit_code == 0, again.output
    assert "12 unchanged" in again.stdout
    after = {path.name: (path.read_bytes(), path.stat().st_mtime_ns) for path in out.iterdir()}
    assert after == before


def test_a_card_cut_short_points_to_its_page_of_the_handout_pdf(
    runner: CliRunner, tmp_path: Path
) -> None:
    require_program("soffice")
    data = tmp_path / "data"
    shutil.copytree(FIXTURES / "cards", data, ignore=shutil.ignore_patterns("cjk.yaml"))
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(data), "--out", str(out), "--pdf"])
    assert result.exit_code == 0, result.output
    handout = _text_pages(out / "hostile.pdf")
    cards = " ".join(_text_pages(out / "hostile-cards.pdf"))
    # Where each long answer begins: its heading is kept on the same page.
    for start in ("Part 1: the answer walks", "Point 1 of the review", "Sentence 1 of a summary"):
        [page] = [number for number, text in enumerate(handout, start=1) if start in text]
        assert f"… see handout p. {page}" in cards
    assert "see the handout" not in cards


def test_pdf_without_libreoffice_says_what_to_install_and_writes_nothing(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy_shipped(tmp_path / "data")
    state = data.with_name("anthropic-culture-fit.state.json")
    state_before = state.read_bytes()
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    monkeypatch.setattr(pdf_module, "INSTALLED_SOFFICE", ())
    out = tmp_path / "out"
    result = runner.invoke(main, ["build", str(data), "--out", str(out), "--pdf"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert LIBREOFFICE_PACKAGE in line
    assert not out.exists()
    assert state.read_bytes() == state_before
    # Without --pdf, nothing needs it.
    result = runner.invoke(main, ["build", str(data), "--out", str(out)])
    assert result.exit_code == 0, result.output


def test_a_failing_libreoffice_leaves_every_output_as_it_was(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = copy_shipped(tmp_path / "data")
    out = tmp_path / "out"
    assert runner.invoke(main, ["build", str(data), "--out", str(out)]).exit_code == 0
    before = {path.name: path.read_bytes() for path in [*out.iterdir(), *data.parent.iterdir()]}
    text = data.read_text(encoding="utf-8")
    data.write_text(text.replace("Why do you want to work", "Why would you work"), encoding="utf-8")
    # A LibreOffice that fails as a broken installation does.
    broken = tmp_path / "bin" / "soffice"
    broken.parent.mkdir()
    broken.write_text("#!/bin/sh\necho 'Error: cannot start the office' >&2\nexit 81\n")
    broken.chmod(0o755)
    monkeypatch.setenv("PATH", f"{broken.parent}{os.pathsep}{os.environ['PATH']}")
    result = runner.invoke(main, ["build", str(data), "--out", str(out), "--pdf"])
    assert result.exit_code == 1
    [line] = result.stderr.splitlines()
    assert "LibreOffice" in line
    assert "exit status 81" in line
    after = {path.name: path.read_bytes() for path in [*out.iterdir(), *data.parent.iterdir()]}
    assert after == {**before, data.name: after[data.name]}  # the state too
