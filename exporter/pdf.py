"""PDF copies of the Word handouts, made by LibreOffice headless and made reproducible."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from exporter.errors import ExporterError

LIBREOFFICE_PACKAGE = "libreoffice-writer-nogui"  # Debian package named in the message
# Where the installers put it, when it is not on PATH: macOS, Windows.
INSTALLED_SOFFICE = (
    Path("/Applications/LibreOffice.app/Contents/MacOS/soffice"),
    Path(os.environ.get("PROGRAMFILES", r"C:\Program Files")) / "LibreOffice/program/soffice.exe",
)
TIMEOUT = 600  # seconds for one LibreOffice run, all documents together

# Forced so that a damaged .docx fails instead of being imported as plain text.
_INPUT_FILTER = "MS Word 2007 XML"
_EXPORT_OPTIONS = {
    # One named destination per Word bookmark, so that links can point into the PDF.
    "ExportBookmarksToPDFDestination": {"type": "boolean", "value": "true"},
}


def find_soffice() -> str:
    """The path of LibreOffice's soffice program; ExporterError naming what to install when
    there is none."""
    for name in ("soffice", "libreoffice"):
        found = shutil.which(name)
        if found:
            return found
    for path in INSTALLED_SOFFICE:
        if path.is_file() and os.access(path, os.X_OK):
            return str(path)
    raise ExporterError(
        "--pdf needs LibreOffice, which was not found: install it (Debian/Ubuntu: apt install "
        f"{LIBREOFFICE_PACKAGE}; macOS: brew install --cask libreoffice; Windows and others: "
        "https://www.libreoffice.org) and run again"
    )


@dataclass(frozen=True)
class WordDocument:
    """A .docx to convert: its file name (for messages), its bytes, and the time (Unix
    seconds) its PDF is dated."""

    name: str
    data: bytes
    modified: int


def docx_to_pdf(documents: Sequence[WordDocument]) -> list[bytes]:
    """Each document as PDF bytes, in order, from one LibreOffice run. A PDF's /ID is
    made from its content: the same documents give the same bytes."""
    if not documents:
        return []
    soffice = find_soffice()
    with tempfile.TemporaryDirectory(prefix="exporter-pdf-") as temp:
        folder = Path(temp)
        # Numbered names: the user's names may clash once their folders are dropped, and
        # LibreOffice writes no file name into the PDF.
        inputs = [folder / "in" / f"{index}.docx" for index in range(len(documents))]
        inputs[0].parent.mkdir()
        for path, document in zip(inputs, documents, strict=True):
            path.write_bytes(document.data)
        output = folder / "out"
        stderr = _run_soffice(soffice, folder / "profile", inputs, output)
        pdfs = []
        for path, document in zip(inputs, documents, strict=True):
            pdf = output / f"{path.stem}.pdf"
            if not pdf.is_file():
                message = f"LibreOffice could not convert {document.name} to PDF"
                raise ExporterError(_one_line(message, stderr))
            pdfs.append(_reproducible(pdf.read_bytes(), document.modified, document.name))
    return pdfs


def pdf_destinations(pdf: bytes) -> dict[str, int]:
    """The named destinations of `pdf` (LibreOffice writes one per Word bookmark when asked),
    as Word bookmark name -> 1-based page number."""
    import pikepdf

    with pikepdf.open(io.BytesIO(pdf)) as document:
        pages = {page.obj.objgen: number for number, page in enumerate(document.pages, start=1)}
        root = document.Root
        named: dict[str, pikepdf.Object] = {}
        if pikepdf.Name.Dests in root:  # the PDF 1.1 form: a dictionary
            named.update((str(key), value) for key, value in root.Dests.items())
        if pikepdf.Name.Names in root and pikepdf.Name.Dests in root.Names:
            named.update(pikepdf.NameTree(root.Names.Dests).items())
        found = {}
        for key, destination in named.items():
            array = destination.D if isinstance(destination, pikepdf.Dictionary) else destination
            if isinstance(array, pikepdf.Array) and len(array) and array[0].objgen in pages:
                found[_bookmark_name(key)] = pages[array[0].objgen]
        return found


def _bookmark_name(name: str) -> str:
    # LibreOffice writes each character of a bookmark name outside [A-Za-z0-9-] as bare hex
    # digits, without PDF's "#": Word's names are letters, digits and "_", so only "_"
    # ("5F") is undone.
    return name.removeprefix("/").replace("5F", "_")


def _run_soffice(soffice: str, profile: Path, inputs: list[Path], output: Path) -> str:
    """Run one LibreOffice conversion of `inputs` into `output`; its stderr."""
    command = [
        soffice,
        # A profile of its own: a LibreOffice the user has open would take the job and
        # drop it.
        f"-env:UserInstallation={profile.as_uri()}",
        "--headless",
        "--norestore",
        "--nologo",
        "--nodefault",
        "--nolockcheck",
        f"--infilter={_INPUT_FILTER}",
        "--convert-to",
        f"pdf:writer_pdf_Export:{json.dumps(_EXPORT_OPTIONS, separators=(',', ':'))}",
        "--outdir",
        str(output),
        *(str(path) for path in inputs),
    ]
    env = dict(os.environ)
    env.update(SAL_USE_VCLPLUGIN="svp")  # needs no display
    # LibreOffice's own scratch files go where the caller's temporary folder removes them.
    scratch = profile.parent / "tmp"
    scratch.mkdir()
    env.update(TMPDIR=str(scratch), TMP=str(scratch), TEMP=str(scratch))
    try:
        process = subprocess.Popen(
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            env=env,
            cwd=output.parent,
            start_new_session=True,
        )
    except OSError as error:
        raise ExporterError(_one_line(f"cannot run LibreOffice ({soffice})", str(error))) from None
    try:
        _, stderr = process.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        _kill(process)
        raise ExporterError(
            f"LibreOffice did not finish converting to PDF within {TIMEOUT} seconds"
        ) from None
    finally:
        if process.poll() is None:
            _kill(process)
    text = stderr.decode("utf-8", "replace")
    if process.returncode:
        raise ExporterError(
            _one_line(
                f"LibreOffice failed converting to PDF (exit status {process.returncode})", text
            )
        )
    return text


def _kill(process: subprocess.Popen[bytes]) -> None:
    # soffice starts soffice.bin as its child: end the whole session it leads.
    if sys.platform != "win32":
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
    process.kill()
    process.communicate()


def _one_line(message: str, stderr: str) -> str:
    """`message`, with LibreOffice's most telling line of `stderr` after it, as one line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    # Every run warns that it found no Java: that says nothing about the failure.
    lines = [line for line in lines if "javaldx" not in line] or lines
    errors = [line for line in lines if line.lower().startswith("error")]
    detail = (errors or lines or [""])[0]
    return f"{message}: {detail}" if detail else message


def _reproducible(pdf: bytes, modified: int, name: str) -> bytes:
    """`pdf` with its dates set to `modified` and its /ID made from its content."""
    import pikepdf  # only --pdf pays for it

    stamp = pikepdf.String(time.strftime("D:%Y%m%d%H%M%SZ", time.gmtime(modified)))
    try:
        with pikepdf.open(io.BytesIO(pdf)) as document:
            document.docinfo[pikepdf.Name.CreationDate] = stamp
            document.docinfo[pikepdf.Name.ModDate] = stamp
            # LibreOffice's identifier and its checksum of the file it wrote come from its
            # clock: made anew from the content.
            for key in (pikepdf.Name.ID, pikepdf.Name.DocChecksum):
                if key in document.trailer:
                    del document.trailer[key]
            output = io.BytesIO()
            document.save(output, deterministic_id=True)
    except pikepdf.PdfError as error:
        message = _one_line(f"cannot read the PDF LibreOffice made of {name}", str(error))
        raise ExporterError(message) from None
    return output.getvalue()
