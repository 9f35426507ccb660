"""Questions in tables: a Markdown table, or a CSV or TSV file, with a question column
and an answer column; further columns go into the answer under their header."""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from exporter.importer.questions import card_front, reads_as_question

_QUESTION_NAMES = frozenset(
    "question questions q prompt pregunta preguntas pergunta perguntas frage fragen вопрос"
    " питання 问题 題目 질문 質問 question? domanda domande intrebare întrebare intrebari"
    " întrebări pytanie vraag soru pertanyaan câu-hỏi otázka kysymys spørgsmål fråga".split()
)
_ANSWER_NAMES = frozenset(
    "answer answers a response responses reply respuesta respuestas resposta respostas antwort"
    " ответ відповідь 答案 回答 解答 답변 답 réponse reponse risposta risposte raspuns răspuns"
    " odpowiedź antwoord cevap jawaban trả-lời odpověď vastaus svar interview-answer"
    " sample-answer model-answer"
    " suggested-answer example-answer".split()
)
_ID_NAMES = frozenset({"id", "slug", "key"})
_ID_NAME = re.compile(r"(?:^|[-_])id$")  # "faq_id", "question-id": a row's own code
_TAG_NAMES = frozenset(
    "tags tag category categories topic topics keywords keyword group section subject categorie"
    " difficulty level catégorie catégories categoria categoría categorias categorías"
    " kategorie thema тема категория 分类 类别 分類 카테고리 주제 nhóm chủ-đề danh-mục".split()
)
# Values a spreadsheet keeps for itself: numbers and codes ("5", "Pas_Client").
_CODE = re.compile(r"[\w.:/-]{1,24}+")
_KEY_POINT_NAMES = frozenset({"key-points", "key-point", "keypoints", "points", "talking-points"})
MAX_CELL = 2**31 - 1
_UNESCAPE = re.compile(r"\\([\\<|])")
_NOT_NAME = re.compile(r"[^\w?]+")
_LIST_SEPARATORS = re.compile(r"[\s,;]+")
# A mark between a question and its answer: a few signs, a letter among them at most
# ("|", "&#t#&", "@@"); Markdown's own ("**", "---") and a link's "//" set nothing apart.
_MARK = re.compile(r"\||(?:[&#|@%$^~=+*\\/_-]\w?)+[&#|@%$^~=+*\\/_-]")
_NOT_MARKS = frozenset("** __ -- --- *** ___ // == ==> ## ### ####".split())
_ANKI_HEADER = re.compile(r"^#[a-z ]+:")  # "#separator:tab", "#html:true"
_SEPARATED = 0.75  # share of a text file's lines that hold the mark
_FEW_ROWS = 5
_NAME_LENGTH = 30  # characters, at most, of a column's name
_POINT_SEPARATORS = re.compile(r"\n|<br\s*+/?>|;", re.IGNORECASE)


def _is(name: str, names: frozenset[str]) -> bool:
    """Tell whether a column `name` is one of `names`, or contains one of the longer ones
    ("IdealAnswer", "Sample answer")."""
    return name in names or any(len(known) > 4 and known in name for known in names)


def name_of(header: str) -> str:
    """A column header as a comparable name: lowercase, words joined by hyphens."""
    return _NOT_NAME.sub("-", header.replace("*", "").strip().lower()).strip("-")


@dataclass(frozen=True)
class Columns:
    """Which columns of a table hold what; `extra` are kept in the answer."""

    question: int
    answer: int
    id: int | None = None
    tags: tuple[int, ...] = ()
    key_points: int | None = None
    extra: tuple[int, ...] = ()
    codes: tuple[int, ...] = ()  # left out


def columns_of(header: Sequence[str], body: Sequence[Sequence[str]] = ()) -> Columns | None:
    """The columns of a table with this `header` (and rows `body`), or None when it has
    no question column and answer column. Further columns that only hold codes in the
    `body` are left out: a spreadsheet's own bookkeeping, not text for a card."""
    names = [name_of(cell) for cell in header]
    question = next((i for i, name in enumerate(names) if _is(name, _QUESTION_NAMES)), None)
    answer = next((i for i, name in enumerate(names) if _is(name, _ANSWER_NAMES)), None)
    if question is None and answer is not None:
        question = _asking_column(names, body, answer)
    if question is None or answer is None:
        return None

    def find(options: frozenset[str]) -> int | None:
        return next((i for i, name in enumerate(names) if name in options), None)

    ids, points = find(_ID_NAMES), find(_KEY_POINT_NAMES)
    if ids is None:
        ids = next((i for i, name in enumerate(names) if _ID_NAME.search(name)), None)
    tags = tuple(i for i, name in enumerate(names) if name in _TAG_NAMES)
    known = {question, answer, ids, points, *tags}
    extra = tuple(i for i, name in enumerate(names) if i not in known and name)
    codes = tuple(i for i in extra if body and _only_codes(body, i))
    kept = tuple(i for i in extra if i not in codes)
    return Columns(question, answer, ids, tags, points, kept, codes)


def _asking_column(names: Sequence[str], body: Sequence[Sequence[str]], answer: int) -> int | None:
    """Beside an answer column, the column whose cells ask (`name,desc,answer`, its
    `desc` "如何安装sws"): in a third of the rows at least, more than any other."""
    asking = {
        index: sum(reads_as_question(card_front(cell(row, index))) for row in body)
        for index, name in enumerate(names)
        if index != answer and name
    }
    best = max(asking, key=lambda index: asking[index], default=None)
    if best is None or asking[best] * 3 < len(body) or not asking[best]:
        return None
    return best


def headerless(rows: Sequence[Sequence[str]]) -> tuple[int, int] | None:
    """The question and answer columns of a spreadsheet without a header row: the column
    whose cells ask in half the rows at least, and the longest column beside it that
    does not (where none asks, two columns of names and what explains them); None
    otherwise."""
    width = max((len(row) for row in rows), default=0)
    asking = {
        index: sum(reads_as_question(card_front(cell(row, index))) for row in rows)
        for index in range(width)
    }
    question = max(asking, key=lambda index: asking[index], default=None)
    if question is None or 2 * asking[question] < len(rows):
        return _term_and_text(rows, width)
    beside = [index for index in (question + 1, question - 1) if 0 <= index < width]
    answer = max(beside, key=lambda index: sum(len(cell(row, index)) for row in rows), default=None)
    if answer is None or 2 * asking[answer] >= len(rows):
        return None
    return question, answer


def mended(
    rows: Sequence[Sequence[str]], question: int, answer: int, mark: str = ","
) -> list[list[str]]:
    """`rows` with the cells a row has beyond the header's put back where a comma nobody
    quoted split them off: into the question up to the cell that ends asking ("Quên tên
    đăng nhập, làm sao lấy lại?"), the others into the answer ("sim, aceitamos PIX"); an
    empty question filled from the cell before it when that one asks."""
    joiner = " " if mark == "\t" else mark  # the mark the cells were split at
    width = len(rows[0]) if rows else 0
    whole: list[list[str]] = [list(rows[0])] if rows else []
    for row in rows[1:]:
        row = list(row)
        extra = len(row) - width
        if extra > 0 and question + 1 == answer and not _asks_at_end(row[question]):
            asked = next(
                (n for n in range(question + 1, answer + extra) if _asks_at_end(row[n])), None
            )
            if asked is not None:
                row[question : asked + 1] = [joiner.join(row[question : asked + 1])]
                extra = len(row) - width
        if extra > 0 and answer < width:
            row[answer : answer + extra + 1] = [joiner.join(row[answer : answer + extra + 1])]
        if 0 < question < len(row) and not row[question].strip():
            subject = row[question - 1]  # a subject line that holds the whole question
            row[question] = subject if _asks_at_end(subject) else ""
        whole.append(row)
    return whole


def _asks_at_end(text: str) -> bool:
    return text.rstrip().endswith(("?", "？"))


def names_columns(rows: Sequence[Sequence[str]], answer: int) -> bool:
    """Tell whether the first of `rows` names the columns rather than holding a question:
    its cell in the `answer` column is a short name, not text like the cells below."""
    if len(rows) < 2:
        return False
    first = cell(rows[0], answer).strip()
    below = sorted(len(cell(row, answer)) for row in rows[1:])
    typical = below[len(below) // 2]
    return 0 < len(first) <= _NAME_LENGTH and 3 * len(first) < typical and first[-1:].isalnum()


def _term_and_text(rows: Sequence[Sequence[str]], width: int) -> tuple[int, int] | None:
    """The two columns of a sheet of topics and what explains them ("参加費用", and two
    sentences): the two columns most rows fill, short names in the first, text at least
    twice as long in the second."""
    filled = [
        index
        for index in range(width)
        if 2 * sum(bool(cell(row, index).strip()) for row in rows) >= len(rows)
    ]
    if len(filled) != 2:
        return None
    names, texts = (sum(len(cell(row, index)) for row in rows) for index in filled)
    return (filled[0], filled[1]) if 0 < 2 * names <= texts else None


def _only_codes(body: Sequence[Sequence[str]], index: int) -> bool:
    values = [cell(row, index) for row in body]
    return all(_CODE.fullmatch(value) for value in values if value) and (
        all(value.replace(".", "").isdigit() for value in values if value)
        or len(set(values)) <= max(3, len(values) // 4)
    )


@dataclass(frozen=True)
class Row:
    """One question of a table: its answer (further columns under their header), and the
    id, tags and key points its own columns give."""

    question: str
    answer: str
    id: str = ""
    tags: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()


def row_of(row: Sequence[str], header: Sequence[str], columns: Columns) -> Row:
    """The question of `row` in a table of this `header` and `columns`."""
    parts = [cell(row, columns.answer)]
    for index in columns.extra:
        value = cell(row, index)
        if value:
            parts.append(f"**{header[index].strip().strip('*').strip()}:** {value}")
    tags = tuple(
        tag for index in columns.tags for tag in _LIST_SEPARATORS.split(cell(row, index)) if tag
    )
    points = tuple(
        point.strip() for point in _POINT_SEPARATORS.split(cell(row, columns.key_points))
    )
    return Row(
        # A card front is one line of text, not Markdown.
        _UNESCAPE.sub(r"\1", " ".join(cell(row, columns.question).split())),
        "\n\n".join(part for part in parts if part),
        cell(row, columns.id),
        tags,
        tuple(point for point in points if point),
    )


def cell(row: Sequence[str], index: int | None) -> str:
    """The text of column `index` of `row`, "" when it has none."""
    if index is None or index >= len(row):
        return ""
    return row[index].strip()


_SAMPLE = 16384  # characters of a spreadsheet read to tell the mark that parts its cells


def read_delimited(text: str, tab: bool) -> tuple[list[list[str]], str]:
    """The rows of a CSV (or, with `tab`, TSV) text, and the mark that parted them; a
    spreadsheet's `;` is recognised."""
    csv.field_size_limit(MAX_CELL)  # a long answer is no reason to stop
    delimiter = "\t" if tab else _delimiter(text)
    rows = [row for row in csv.reader(io.StringIO(text), delimiter=delimiter) if any(row)]
    return rows, delimiter


def _delimiter(text: str) -> str:
    """The mark that parts the cells: of `,`, `;` and tab, the one that parts the first
    row (the header), then gives the most rows the same number of cells (two at least),
    then the most cells; `,` when none does."""
    lines = text[:_SAMPLE].split("\n")
    if len(text) > _SAMPLE and len(lines) > 1:
        lines.pop()  # cut short by the sample
    best = (False, 0.0, 0, ",")
    for mark in (",", ";", "\t"):
        rows = [row for row in csv.reader(lines, delimiter=mark) if any(row)]
        widths = Counter(len(row) for row in rows)
        if not widths:
            continue
        width, count = widths.most_common(1)[0]
        score = (len(rows[0]) >= 2, count / len(rows), width)  # the header's parts first
        if width >= 2 and score > best[:3]:
            best = (*score, mark)
    return best[3]


def separated_lines(text: str) -> list[list[str]] | None:
    """A text file written a question and its answer a line, with one mark between them
    (a tab, as Anki exports notes, or a token such as "&#t#&"): a header row, then a
    row per question; a line without the mark goes on the answer above it. None for any
    other text."""
    filled = [line for line in text.split("\n") if line.strip() and not _ANKI_HEADER.match(line)]
    tokens = Counter(token for line in filled for token in set(_tokens(line)))
    mark = next(
        (
            token
            for token, count in tokens.most_common(3)
            if count >= _SEPARATED * len(filled) and count >= _FEW_ROWS
        ),
        None,
    )
    if mark is None:
        return None
    rows: list[list[str]] = []
    for line in filled:
        question, found, answer = line.partition(mark)
        if found and question.strip() and not (rows and _goes_on(question.strip())):
            rows.append([question.strip(), "\n".join(answer.strip().split(mark))])
        elif rows:
            rows[-1][1] += "\n" + "\n".join(line.strip().split(mark))
    asking = sum(reads_as_question(card_front(question)) for question, _ in rows)
    return [["Question", "Answer"], *rows] if 3 * asking >= len(rows) else None


def _goes_on(text: str) -> bool:
    """Tell whether the text before a line's mark goes on with the answer above: it says
    something ("…重新选座下单。", "Note:", "…快乐！") rather than asks."""
    return text.endswith((".", "。", ":", "：", "!", "！")) and not reads_as_question(
        card_front(text)
    )


def _tokens(line: str) -> list[str]:
    """The marks in `line` that may set a question apart from its answer."""
    found = ["\t"] if "\t" in line else []
    return found + [token for token in _MARK.findall(line) if token not in _NOT_MARKS]


def markdown_table(rows: Sequence[Sequence[str]]) -> str:
    """`rows` (the header first) as a Markdown table, one line a row: a spreadsheet's
    questions then read like a table in a document. Line breaks in a cell become <br>."""
    if not rows:
        return ""
    width = max(len(row) for row in rows)

    def line(row: Sequence[str]) -> str:
        cells = [_cell_markdown(cell(row, index)) for index in range(width)]
        return "| " + " | ".join(cells) + " |"

    return "\n".join([line(rows[0]), "|" + " --- |" * width, *map(line, rows[1:])]) + "\n"


def _cell_markdown(text: str) -> str:
    # A spreadsheet's "<div>" is text: escaped, so that only the line breaks are HTML.
    escaped = text.replace("\\", "\\\\").replace("<", "\\<").replace("|", "\\|")
    return escaped.replace("\r\n", "\n").replace("\n", "<br>")
