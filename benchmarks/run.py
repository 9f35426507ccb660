"""Time `exporter` as whole processes against baselines measured in the same run.

    python benchmarks/run.py                  # 1k, 10k and 50k questions
    python benchmarks/run.py --sizes 1000 --repeat 5

Synthetic decks are generated from a fixed seed: each question has a ~80-word
Markdown answer with emphasis, a list and a code span, and three tags. Every
measurement is a fresh process; the table gives the median wall time and the
peak memory (max RSS) of each, and the ratios the project's targets are about.
pandoc (from the optional pypandoc-binary package) converts the same content
to .docx as the reference for the handout.
"""

from __future__ import annotations

import argparse
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
WORDS = (
    "safety model policy review signal noise system scale trust mission research team"
    " evaluation capability alignment risk deploy monitor feedback interpret measure"
).split()
# The straightforward python-docx loop is quadratic: past this size it takes minutes.
RAW_DOCX_MAX = 10_000
# pandoc needs about 2.4 GB for 10,000 entries and runs out of memory well before 50,000.
PANDOC_MAX = 10_000
# A push and a pull of 50,000 notes add minutes and nothing the 10,000 do not show.
PULL_MAX = 10_000
# LibreOffice prints about 140 pages a second: 10,000 questions are 11,000 pages.
PDF_MAX = 1_000

RAW_GENANKI = """
import sys, genanki, yaml
data = yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)
model = genanki.Model(1607392319, "QA", fields=[{"name": "Q"}, {"name": "A"}],
    templates=[{"name": "c", "qfmt": "{{Q}}", "afmt": "{{FrontSide}}<hr>{{A}}"}])
deck = genanki.Deck(2059400110, "Raw")
for q in data["questions"]:
    deck.add_note(genanki.Note(model=model, fields=[q["question"], q["answer"]], guid=q["id"]))
genanki.Package(deck).write_to_file(sys.argv[2])
"""

RAW_DOCX = """
import sys, docx, yaml
data = yaml.load(open(sys.argv[1]), Loader=yaml.CSafeLoader)
document = docx.Document()
for q in data["questions"]:
    document.add_heading(q["question"], 2)
    document.add_paragraph(q["answer"])
document.save(sys.argv[2])
"""

# Edits one note in a hundred as Anki's editor saves it: what `exporter pull` brings back.
EDIT_IN_ANKI = """
import sys
from anki.collection import Collection
col = Collection(sys.argv[1])
for note_id in col.find_notes("")[::100]:
    note = col.get_note(note_id)
    note["Answer"] = note["Answer"].replace("<p>", "<p><b>Edited</b> ", 1)
    col.update_note(note)
col.close()
"""

PANDOC = """
import sys, pypandoc
pypandoc.convert_file(sys.argv[1], "docx", outputfile=sys.argv[2])
"""


@dataclass
class Measurement:
    name: str
    size: int | None
    seconds: float
    peak_mb: float


def generate(size: int, folder: Path) -> tuple[Path, Path]:
    """Write a synthetic deck of `size` questions as data YAML and as Markdown."""
    rng = random.Random(size)
    yaml_lines = [f"deck:\n  id: bench-{size}\n  title: Benchmark {size}\nquestions:\n"]
    markdown = [f"# Benchmark {size}\n"]
    for number in range(size):
        words = [rng.choice(WORDS) for _ in range(80)]
        words[5] = f"*{words[5]}*"
        words[20] = f"**{words[20]}**"
        words[40] = f"`{words[40]}`"
        answer = " ".join(words[:60]) + "\n\n- " + " ".join(words[60:70]) + "\n- "
        answer += " ".join(words[70:])
        question = f"Question {number}: why does {rng.choice(WORDS)} matter?"
        indented = answer.replace("\n", "\n      ").replace("\n      \n", "\n\n")
        yaml_lines.append(
            f'  - id: q{number}\n    question: "{question}"\n    tags: [a, b, c]\n'
            f"    answer: |\n      {indented}\n"
        )
        markdown.append(f"## {question}\n\n{answer}\n")
    data = folder / f"deck-{size}.yaml"
    data.write_text("".join(yaml_lines), encoding="utf-8")
    source = folder / f"deck-{size}.md"
    source.write_text("\n".join(markdown), encoding="utf-8")
    return data, source


def run(command: list[str], cwd: Path) -> tuple[float, float]:
    """Run `command` once; return its wall time and peak RSS in MB."""
    env = {key: value for key, value in os.environ.items() if key != "PYTHONDONTWRITEBYTECODE"}
    start = time.perf_counter()
    process = subprocess.Popen(
        command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    stderr = process.stderr.read().decode() if process.stderr else ""
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{stderr}")
    return elapsed, usage.ru_maxrss / 1024


def measure(
    name: str, size: int | None, command: list[str], cwd: Path, repeat: int, warm: bool = True
) -> Measurement:
    if warm:
        run(command, cwd)  # warm: bytecode caches, disk cache
    samples = [run(command, cwd) for _ in range(repeat)]
    seconds = statistics.median(sample[0] for sample in samples)
    peak = max(sample[1] for sample in samples)
    print(f"  {name:<28} {size or '':>7} {seconds:8.3f} s {peak:8.0f} MB", file=sys.stderr)
    return Measurement(name, size, seconds, peak)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (median)")
    arguments = parser.parse_args()
    python = sys.executable
    script = Path(python).parent / "exporter"  # the console script users run
    exporter = [str(script)] if script.exists() else [python, "-m", "exporter"]
    have_pandoc = shutil.which("pandoc") is not None or _importable("pypandoc")
    have_anki = _importable("anki")
    results: list[Measurement] = []
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        scripts = (("genanki", RAW_GENANKI), ("docx", RAW_DOCX), ("pandoc", PANDOC))
        for name, code in (*scripts, ("edit", EDIT_IN_ANKI)):
            (work / f"raw_{name}.py").write_text(code)
        repeat = arguments.repeat
        results.append(
            measure("python -c 'import click'", None, [python, "-c", "import click"], work, repeat)
        )
        results.append(measure("exporter --help", None, [*exporter, "--help"], work, repeat))
        results.append(measure("exporter --version", None, [*exporter, "--version"], work, repeat))
        # Every library a build needs; a build should cost little more than importing them.
        floor = "import click, yaml, genanki, docx, markdown_it, msgspec, filelock, platformdirs"
        results.append(measure("import floor", None, [python, "-c", floor], work, repeat))
        # A copy: the build writes the deck's state beside its data file.
        shutil.copytree(REPO / "data", work / "data-shipped")
        shipped = [
            *exporter,
            "build",
            str(work / "data-shipped"),
            "--out",
            str(work / "out-shipped"),
        ]
        results.append(measure("exporter build (shipped)", None, shipped, work, repeat))
        for size in arguments.sizes:
            data, source = generate(size, work)
            times = 1 if size >= 50_000 else repeat
            out = work / f"out-{size}"
            command = [*exporter, "build", str(data), "--out", str(out)]
            results.append(measure("exporter build", size, command, work, times))
            no_cards = [*command, "--no-cards"]
            results.append(measure("exporter build --no-cards", size, no_cards, work, times))
            if shutil.which("soffice") and size <= PDF_MAX:
                pdf = [*command, "--pdf"]
                results.append(measure("exporter build --pdf", size, pdf, work, 1))
            imported = work / f"imported-{size}.yaml"
            command = [*exporter, "import", str(source), "-o", str(imported), "--force"]
            results.append(measure("exporter import (.md)", size, command, work, times))
            if have_anki and size <= PULL_MAX:
                results += _push_and_pull(exporter, python, data, size, work, times)
            raw = [python, str(work / "raw_genanki.py"), str(data), str(work / "raw.apkg")]
            results.append(measure("raw genanki", size, raw, work, times))
            if size <= RAW_DOCX_MAX:
                raw = [python, str(work / "raw_docx.py"), str(data), str(work / "raw.docx")]
                results.append(measure("raw python-docx", size, raw, work, 1))
            if have_pandoc and size <= PANDOC_MAX:
                raw = [python, str(work / "raw_pandoc.py"), str(source), str(work / "pandoc.docx")]
                results.append(measure("pandoc md→docx", size, raw, work, 1))
    print(report(results))


def _push_and_pull(
    exporter: list[str], python: str, data: Path, size: int, work: Path, times: int
) -> list[Measurement]:
    """Push the deck into a new collection, edit one note in a hundred there, and time
    the pull that finds them (a dry run: every run finds the same edits)."""
    collection = work / f"collection-{size}" / "collection.anki2"
    collection.parent.mkdir()
    run(
        [
            python,
            "-c",
            f"from anki.collection import Collection; Collection({str(collection)!r}).close()",
        ],
        work,
    )
    out = ["--out", str(work / f"out-push-{size}"), "--no-practice"]
    push = [*exporter, "push", str(data), "--collection", str(collection), *out]
    pushed = measure("exporter push (new collection)", size, push, work, 1, warm=False)
    run([python, str(work / "raw_edit.py"), str(collection)], work)
    pull = [*exporter, "pull", str(data), "--collection", str(collection), "--dry-run"]
    return [pushed, measure("exporter pull (1% edited)", size, pull, work, times)]


def _importable(module: str) -> bool:
    try:
        __import__(module)
    except ImportError:
        return False
    return True


def report(results: list[Measurement]) -> str:
    """One Markdown table of every measurement, then the ratios the targets are about."""
    found = {(result.name, result.size): result for result in results}
    machine = f"{platform.machine()}, {os.cpu_count()} cores"
    lines = [
        f"Machine: {machine}, Python {platform.python_version()}",
        "",
        "| measurement | questions | median time | peak memory |",
        "|---|---:|---:|---:|",
    ]
    for result in results:
        size = f"{result.size:,}" if result.size else ""
        lines.append(
            f"| {result.name} | {size} | {result.seconds:.3f} s | {result.peak_mb:.0f} MB |"
        )

    def ratio(
        label: str, a: tuple[str, int | None], b: tuple[str, int | None], target: str
    ) -> None:
        if a in found and b in found:
            value = found[a].seconds / found[b].seconds
            lines.append(f"| {label} | {value:.2f} | {target} |")

    lines += ["", "| ratio | value | target |", "|---|---:|---:|"]
    ratio(
        "build (shipped) / import floor",
        ("exporter build (shipped)", None),
        ("import floor", None),
        "≤ 1.3",
    )
    ratio(
        "--help / import click",
        ("exporter --help", None),
        ("python -c 'import click'", None),
        "≤ 1.2",
    )
    ratio(
        "--version / import click",
        ("exporter --version", None),
        ("python -c 'import click'", None),
        "≤ 1.2",
    )
    ratio(
        "build 10k (no cards) / pandoc 10k",
        ("exporter build --no-cards", 10_000),
        ("pandoc md→docx", 10_000),
        "≤ 0.5",
    )
    ratio(
        "build 10k / build 10k without cards",
        ("exporter build", 10_000),
        ("exporter build --no-cards", 10_000),
        "≤ 1.6",
    )
    ratio(  # a pull renders the data as a build does, and writes no document
        "pull 10k (1% edited) / build 10k (no cards)",
        ("exporter pull (1% edited)", 10_000),
        ("exporter build --no-cards", 10_000),
        "≤ 2",
    )
    ratio("build 50k / build 10k", ("exporter build", 50_000), ("exporter build", 10_000), "≤ 5.5")
    if ("exporter build", 50_000) in found:
        peak = found[("exporter build", 50_000)].peak_mb
        lines.append(f"| build 50k peak memory | {peak:.0f} MB | < 1024 MB |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
