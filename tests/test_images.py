"""Images in answers: packaged for Anki under collision-free names, embedded in Word."""

from __future__ import annotations

import hashlib
import io
import re
from pathlib import Path

import docx
import pytest
from click.testing import CliRunner
from PIL import Image
from support import MINIMAL_DECK, import_apkg, write_data

from exporter.cli import main


def _image(path: Path, colour: str, size: tuple[int, int], kind: str = "PNG") -> bytes:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, kind)
    path.write_bytes(buffer.getvalue())
    return buffer.getvalue()


ANSWER = """|
      The plan:

      ![Architecture diagram](images/diagram.png)

      A photo ![Team photo](photo.jpg) and another diagram ![Old diagram](old/diagram.png).
"""


@pytest.fixture
def deck_with_images(tmp_path: Path) -> dict[str, bytes]:
    data = tmp_path / "data"
    images = {
        "images/diagram.png": _image(data / "images" / "diagram.png", "red", (2400, 600)),
        "old/diagram.png": _image(data / "old" / "diagram.png", "blue", (200, 100)),
        "photo.jpg": _image(data / "photo.jpg", "green", (300, 200), "JPEG"),
    }
    write_data(
        data,
        MINIMAL_DECK.replace("The *first* answer.", ANSWER)
        + "themes:\n  - id: t\n    title: T\n    summary: Again ![again](images/diagram.png)\n",
    )
    return images


def _build(runner: CliRunner, root: Path) -> None:
    result = runner.invoke(main, ["build", str(root / "data"), "--out", str(root / "out")])
    assert result.exit_code == 0, result.output


def _name(data: bytes, suffix: str) -> str:
    return hashlib.sha256(data).hexdigest()[:20] + suffix


def test_anki_gets_every_image_once_under_its_content_name(
    runner: CliRunner, tmp_path: Path, deck_with_images: dict[str, bytes]
) -> None:
    _build(runner, tmp_path)
    imported = import_apkg(tmp_path / "out" / "demo.apkg", tmp_path / "c.anki2")
    col = imported.collection
    media_folder = Path(col.media.dir())
    names = {target: _name(data, Path(target).suffix) for target, data in deck_with_images.items()}
    assert len(set(names.values())) == 3  # the two diagram.png stay apart
    for target, data in deck_with_images.items():
        assert (media_folder / names[target]).read_bytes() == data
    assert sorted(p.name for p in media_folder.iterdir()) == sorted(names.values())
    notes = imported.notes()
    answer = notes["What is first?"][1]
    assert re.findall(r'src="([^"]+)"', answer) == [
        names["images/diagram.png"],
        names["photo.jpg"],
        names["old/diagram.png"],
    ]
    assert 'alt="Architecture diagram"' in answer
    assert f'src="{names["images/diagram.png"]}"' in notes["T"][1]
    col.close()


def test_handout_embeds_each_picture_scaled_to_the_text_width(
    runner: CliRunner, tmp_path: Path, deck_with_images: dict[str, bytes]
) -> None:
    _build(runner, tmp_path)
    document = docx.Document(str(tmp_path / "out" / "demo.docx"))
    shapes = document.inline_shapes
    assert len(shapes) == 4
    descriptions = [shape._inline.docPr.get("descr") for shape in shapes]
    assert descriptions == ["Architecture diagram", "Team photo", "Old diagram", "again"]
    ids = [shape._inline.docPr.get("id") for shape in shapes]
    assert len(set(ids)) == len(ids)
    text_width = docx.shared.Inches(6.5)
    assert shapes[0].width == text_width  # 2400 px would be wider than the page
    assert shapes[0].height == text_width // 4
    assert shapes[2].width < text_width  # small pictures keep their size
    blobs = {
        part.blob for part in document.part.package.iter_parts() if "image" in part.content_type
    }
    assert blobs == set(deck_with_images.values())


def test_rebuild_is_identical_and_a_changed_image_updates_its_note(
    runner: CliRunner, tmp_path: Path, deck_with_images: dict[str, bytes]
) -> None:
    _build(runner, tmp_path)
    first = {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()}
    _build(runner, tmp_path)
    assert {p.name: p.read_bytes() for p in (tmp_path / "out").iterdir()} == first
    _image(tmp_path / "data" / "photo.jpg", "yellow", (300, 200), "JPEG")
    result = runner.invoke(main, ["build", str(tmp_path / "data"), "--out", str(tmp_path / "out")])
    assert result.stdout.startswith("demo: 1 updated, 1 unchanged → ")


@pytest.mark.parametrize(
    ("target", "write", "message"),
    [
        ("missing.png", None, "not found (looked for {folder}/missing.png)"),
        ("logo.svg", b"<svg/>", "is SVG, which Anki and Word do not show alike; convert it to PNG"),
        ("logo.bmp", b"BM", "is not a PNG, JPEG or GIF file"),
        ("broken.png", b"not a png", "cannot be read as an image; is the file damaged?"),
        (
            "https://example.com/x.png",
            None,
            "is not a file in the data folder; save it next to the data file",
        ),
    ],
)
def test_unusable_images_are_data_errors(
    runner: CliRunner, tmp_path: Path, target: str, write: bytes | None, message: str
) -> None:
    folder = tmp_path / "data"
    path = write_data(folder, MINIMAL_DECK.replace("The *first* answer.", f"'![x]({target})'"))
    if write is not None:
        (folder / target).write_bytes(write)
    result = runner.invoke(main, ["build", str(folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    expected = message.format(folder=folder.resolve())
    assert result.stderr == f"{path}:7: image '{target}' in 'answer' {expected}\n"
    assert not (tmp_path / "out").exists()
