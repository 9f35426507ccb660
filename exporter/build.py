"""The build: load every deck, render its Markdown once, write its deck and handout."""

from __future__ import annotations

import os
import time
from collections.abc import Iterable
from pathlib import Path

from exporter.anki import make_apkg
from exporter.errors import ExporterError
from exporter.files import write_atomically
from exporter.load import load_decks
from exporter.markdown import render_texts
from exporter.word import make_docx


def build_time() -> float:
    """Return `SOURCE_DATE_EPOCH` when set (reproducible builds), else the clock."""
    value = os.environ.get("SOURCE_DATE_EPOCH")
    if value is None:
        return time.time()
    try:
        return float(int(value))
    except ValueError:
        raise ExporterError(f"SOURCE_DATE_EPOCH must be whole seconds, not {value!r}") from None


def build(paths: Iterable[Path], out_dir: Path) -> list[Path]:
    """Build `<deck-id>.apkg` and `<deck-id>.docx` in `out_dir` for every deck; return the paths.

    Everything is rendered in memory before the first file is written, so a data
    error leaves `out_dir` as it was.
    """
    decks = load_decks(paths)
    timestamp = build_time()
    outputs: list[tuple[Path, bytes]] = []
    for deck in decks:
        rendered = render_texts(deck.markdown_texts())
        outputs.append((out_dir / f"{deck.id}.apkg", make_apkg(deck, rendered, timestamp)))
        outputs.append((out_dir / f"{deck.id}.docx", make_docx(deck, rendered, timestamp)))
    _prepare(out_dir)
    for path, data in outputs:
        try:
            write_atomically(path, data)
        except OSError as error:
            raise ExporterError(f"{path}: cannot write: {error.strerror}") from None
    return [path for path, _ in outputs]


def _prepare(out_dir: Path) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise ExporterError(f"{out_dir}: exists and is not a folder; choose another --out")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ExporterError(
            f"{out_dir}: cannot create the output folder: {error.strerror}"
        ) from None
