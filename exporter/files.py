"""Output files: reproducible zip archives, each replaced atomically."""

from __future__ import annotations

import io
import os
import tempfile
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path

# The earliest time a zip entry can carry: no build's clock leaks into the archive.
ZIP_ENTRY_TIME = (1980, 1, 1, 0, 0, 0)


def zip_bytes(entries: Iterable[tuple[str, bytes | Iterable[bytes]]]) -> bytes:
    """Return a deflated zip of `entries`, in that order, with fixed metadata.

    An entry's data is bytes, or pieces of bytes written one after the other.
    """
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, ZIP_ENTRY_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w") as entry:
                for piece in (data,) if isinstance(data, bytes) else data:
                    entry.write(piece)
    return buffer.getvalue()


def normalize_zip(
    data: bytes, rewrite: Mapping[str, Callable[[bytes], Iterable[bytes]]] | None = None
) -> bytes:
    """Rewrite the zip archive `data` with the fixed metadata of `zip_bytes`.

    `rewrite` maps an entry's name to a function giving its new content, in pieces,
    from its old content.
    """
    rewrite = rewrite or {}
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # One entry in memory at a time: a large handout's XML is tens of MB.
        return zip_bytes(
            (info.filename, rewrite.get(info.filename, _same)(archive.read(info)))
            for info in archive.infolist()
        )


def _same(data: bytes) -> Iterable[bytes]:
    return (data,)


def stage(path: Path, data: bytes) -> Path:
    """Write `data` to a new hidden file beside `path`, flushed to disk; return its path.

    `os.replace(staged, path)` then swaps it in at once. On any failure the
    staged file is removed.
    """
    descriptor, temp_name = tempfile.mkstemp(
        dir=path.parent, prefix=f".{path.name}.", suffix=".tmp"
    )
    staged = Path(temp_name)
    try:
        with os.fdopen(descriptor, "wb") as temp:
            temp.write(data)
            temp.flush()
            os.fsync(temp.fileno())
        os.chmod(staged, 0o644)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
    return staged


def write_atomically(
    path: Path, data: bytes, check: Callable[[Path], object] | None = None
) -> None:
    """Replace `path` with `data` so that readers see the old file or the new one, never half.

    `check`, when given, is called on the staged file before it replaces `path`;
    an exception from it leaves `path` untouched.
    """
    staged = stage(path, data)
    try:
        if check is not None:
            check(staged)
        os.replace(staged, path)
    except BaseException:
        staged.unlink(missing_ok=True)
        raise
