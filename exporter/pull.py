"""`exporter pull`: edits made in Anki come back into the data files.

Every field of every note is compared three ways: *base*, what the exporter last
emitted (the deck's state keeps it); *theirs*, the field as Anki holds it; *ours*, the
field as the data renders now. Changed only in Anki: pulled into the data. Changed
only in the data, or nowhere: nothing to pull (the next build carries the data).
Changed in both, differently: a conflict, and the data is kept unless told otherwise.
"""

from __future__ import annotations

import contextlib
import difflib
import functools
import hashlib
import html
import os
import re
import stat
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Literal, TypeVar
from urllib.parse import quote

from bs4 import BeautifulSoup, Tag

from exporter.anki.notes import THEME_TYPE, NoteContent, note_contents
from exporter.anki.reading import AnkiNotes, AnkiSource, anki_notes
from exporter.anki.state import MAX_SECONDS, REMOVED_TAG, BuildState, StampedNote
from exporter.anki.state_files import decks_locked, state_files, state_to_json
from exporter.build import gc_paused, render_decks, source_of
from exporter.data_edit import FieldEdit, edit_data
from exporter.errors import DataError, ExporterError, Problem
from exporter.files import read_regular_file
from exporter.html_markdown import Converted, html_to_markdown, html_to_text
from exporter.images import read_picture
from exporter.importer import MAX_ITEM_ID_WORDS, slugify, unique_id
from exporter.load import RESERVED_TAG_PREFIX, load_decks
from exporter.markdown import render_markdown
from exporter.model import Deck, Question, Theme
from exporter.outputs import remove_leftovers, stage, write_atomically
from exporter.rendered import RenderedDeck

if TYPE_CHECKING:
    from anki.notes import Note

Prefer = Literal["anki", "data"]
# Tags Anki gives notes itself, marks of study rather than content.
ANKI_OWN_TAGS = frozenset({"marked", "leech"})
# How the question note's first field holds its context (see anki.notes).
_CONTEXT = re.compile(r'(?s)<div class="context">(.*)</div>\s*\Z')
_TAG = re.compile(r"<[^>]*>")
Verdict = Literal["same", "pull", "conflict", "older"]
Value = TypeVar("Value")


@dataclass(frozen=True)
class DeckPull:
    """What a pull found for one deck, and the data file and state it makes."""

    deck_id: str
    source: str
    path: Path
    before: str
    after: str
    pulled: tuple[str, ...] = ()  # a located line for each key pulled
    conflicts: tuple[Problem, ...] = ()
    notices: tuple[Problem, ...] = ()
    added: tuple[str, ...] = ()  # notes added in Anki: appended, or waiting for --add-new
    appended: bool = False
    pictures: Mapping[Path, bytes] = field(default_factory=dict)
    state_after: Callable[[RenderedDeck], BuildState] | None = field(
        default=None, compare=False, repr=False
    )

    def diff(self) -> str:
        """The change to the data file, as a unified diff."""
        lines = difflib.unified_diff(
            self.before.splitlines(keepends=True),
            self.after.splitlines(keepends=True),
            f"{self.path}",
            f"{self.path} (pulled)",
        )
        return "".join(lines)

    def summary(self, dry_run: bool = False) -> str:
        """One line: `<deck-id> ← <source>: 2 pulled, 1 in conflict, 1 added in Anki…`."""
        counts = f"{len(self.pulled)} pulled, {len(self.conflicts)} in conflict"
        if self.added:
            waiting = "appended" if self.appended else "waiting (--add-new appends them)"
            counts += f", {len(self.added)} added in Anki {waiting}"
        if dry_run:
            return f"{self.deck_id} ← {self.source} (dry run, nothing written): {counts}"
        return f"{self.deck_id} ← {self.source}: {counts}"


def pull(
    paths: Iterable[Path],
    source: AnkiSource,
    prefer: Prefer | None = None,
    add_new: bool = False,
    dry_run: bool = False,
    tell: Callable[[str], None] = print,
) -> list[DeckPull]:
    """Compare every deck of `paths` with the notes of `source` and, unless `dry_run`,
    write what Anki changed into the data files and their states."""
    paths = list(paths)
    with gc_paused():
        decks = render_decks(load_decks(paths), lambda step, deck: None)

    def waiting(deck_id: str) -> None:
        tell(f"{deck_id}: waiting for a build of this deck to finish")

    with decks_locked([item.deck.id for item in decks], waiting), anki_notes(source) as anki:
        try:
            pulls = [_pull_deck(item, anki, prefer, add_new) for item in decks]
            if not dry_run:
                _write(pulls)
        finally:
            _markdown_of.cache_clear()
    return pulls


@dataclass
class _Found:
    """What the comparison of one deck finds, gathered as it goes."""

    edits: list[FieldEdit] = field(default_factory=list)
    pulled: list[Problem] = field(default_factory=list)
    conflicts: list[Problem] = field(default_factory=list)
    notices: list[Problem] = field(default_factory=list)
    pulled_fields: dict[str, set[int]] = field(default_factory=dict)  # by GUID


def _pull_deck(
    item: RenderedDeck, anki: AnkiNotes, prefer: Prefer | None, add_new: bool
) -> DeckPull:
    deck = item.deck
    path = source_of(deck)
    before = read_regular_file(path).decode("utf-8")
    ours = note_contents(item)
    items: dict[str, Question | Theme] = {question.id: question for question in deck.questions}
    items.update({theme.id: theme for theme in deck.themes})
    previous = state_files(path, deck.id).read_previous(
        deck.id, deck.title, (note.guid for note in ours)
    )
    base = {note.content.guid: note for note in previous.notes} if previous else {}
    theirs = anki.by_guid([note.guid for note in ours])
    found = _Found()
    pictures = _Pictures(item, anki.media, path.parent)
    for note in ours:
        if note.guid in theirs:
            item_of_note = items[note.item_id]
            mine = base.get(note.guid)
            _compare_note(
                deck, item_of_note, note, mine, theirs[note.guid], prefer, pictures, found
            )
    known = {*(note.guid for note in ours), *base, *(previous.forgotten if previous else ())}
    added = [
        note
        for note in anki.in_deck(deck.title)
        if note.guid not in known and REMOVED_TAG not in note.tags
    ]
    # The pictures of notes only listed are not copied: they go to a register of their own.
    listing = pictures if add_new else _Pictures(item, anki.media, path.parent)
    new_items, listed = _added_items(deck, added, listing, found)
    appended = add_new and bool(new_items)
    after = before
    if found.edits or appended:
        after = edit_data(before, found.edits, new_items if appended else ())
    return DeckPull(
        deck.id,
        anki.name,
        path,
        before,
        after,
        tuple(str(pulled) for pulled in sorted(found.pulled, key=_by_line)),
        tuple(found.conflicts),
        tuple(found.notices),
        listed,
        appended,
        pictures.copied,
        _state_after(previous, theirs, pictures, found) if previous else None,
    )


def _compare_note(
    deck: Deck,
    item: Question | Theme,
    ours: NoteContent,
    base: StampedNote | None,
    theirs: Note,
    prefer: Prefer | None,
    pictures: _Pictures,
    found: _Found,
) -> None:
    """Compare the fields and tags of one note three ways; record the edits to make."""
    what = f"{ours.kind} '{item.id}'"
    if len(theirs.fields) != len(ours.fields):
        message = f"{what}: its note in Anki has another note type; not pulled"
        found.notices.append(Problem(source_of(deck), _line(item, ()), message, "warning"))
        return
    older = base is not None and theirs.mod < base.mod
    for index, (mine, their_field) in enumerate(zip(ours.fields, theirs.fields, strict=True)):
        base_field = base.content.fields[index] if base else None
        keys = _KEYS[ours.kind][index]
        line = _line(item, keys)
        verdict = _verdict(base_field, their_field, mine, older, _same)
        if verdict == "same" and their_field not in (base_field, mine):
            _tell_unheld(deck, line, f"{what}: Anki's {keys[0]}", their_field, found)
        told = _Told(deck, line, f"{what}: {keys[0]}", their_field, base)
        if not _to_pull(verdict, told, prefer, found):
            continue
        edits = _field_edits(deck, item, index, base_field or mine, their_field, pictures, found)
        if not edits:  # not pullable (told), or the data already says it
            continue
        found.edits += edits
        found.pulled_fields.setdefault(ours.guid, set()).add(index)
        changed = ", ".join(dict.fromkeys(edit.key for edit in edits))
        found.pulled.append(Problem(source_of(deck), line, f"{what}: {changed} pulled from Anki"))
    if isinstance(item, Question):
        _compare_tags(deck, item, ours, base, theirs, prefer, found)


# The data keys each Anki field holds, by note kind.
_KEYS: Mapping[str, tuple[tuple[str, ...], ...]] = {
    "question": (("question", "context"), ("answer",), ("key_points",)),
    "theme": (("title",), ("summary",)),
}


def _verdict(
    base: Value | None,
    theirs: Value,
    ours: Value,
    older: bool,
    same: Callable[[Value, Value], bool],
) -> Verdict:
    """What to do with one field, or one note's tags: nothing, pull it, or report it."""
    if theirs in (ours, base):
        return "same"
    if ours == base:  # only Anki can have changed it
        if same(theirs, base):
            return "same"
        # Anki's note predates the data's last build: the difference is the data's edit.
        return "older" if older else "pull"
    if same(theirs, ours) or (base is not None and same(theirs, base)):
        return "same"
    return "conflict"  # changed on both sides, or nothing recorded to tell which


@dataclass(frozen=True)
class _Told:
    """How to tell the user about one field (or tag list) that is not pulled."""

    deck: Deck
    line: int | None
    what: str  # "question 'id': answer"
    anki_field: str  # Anki's field (HTML), or its tags (`plain`)
    base: StampedNote | None
    plain: bool = False

    @property
    def anki_text(self) -> str:
        """Anki's text, as the message shows it: a field as Markdown."""
        text = self.anki_field if self.plain else _markdown_of(self.anki_field).markdown
        return text.strip() or "(empty)"


def _to_pull(verdict: Verdict, told: _Told, prefer: Prefer | None, found: _Found) -> bool:
    """Tell whether to pull; report a conflict kept in the data's favour, or a field Anki
    has not received yet."""
    if verdict == "pull" or (verdict == "conflict" and prefer == "anki"):
        return True
    if verdict == "older":
        when = datetime.fromtimestamp(told.base.mod if told.base else 0, UTC)
        message = (
            f"{told.what} in Anki is older than the data's build of"
            f" {when:%Y-%m-%d %H:%M} UTC (exporter push sends it); kept the data"
            f" (Anki's text: {told.anki_text})"
        )
        found.notices.append(Problem(source_of(told.deck), told.line, message, "warning"))
    elif verdict == "conflict":
        changed = "changed in Anki and in the data"
        if told.base is None:
            changed = "differs in Anki, and no build state tells which side changed it"
        message = f"{told.what} {changed}; kept the data (Anki's text: {told.anki_text})"
        kept = found.notices if prefer == "data" else found.conflicts
        kept.append(
            Problem(source_of(told.deck), told.line, message, "warning" if prefer else "error")
        )
    return False


def _same(first: str, second: str, targets: Mapping[str, str] | None = None) -> bool:
    """Tell whether two fields say the same in Markdown (`<b>` and `<strong>` do); with
    `targets`, pictures are told apart by their files in the data, not their names."""
    if _visible_text(first) != _visible_text(second):
        return False  # Markdown holds all the text: quicker told than converted
    if targets is None:
        return _markdown_of(first).markdown == _markdown_of(second).markdown
    return html_to_markdown(first, targets).markdown == html_to_markdown(second, targets).markdown


def _visible_text(field_html: str) -> str:
    """The words a field shows, without its markup."""
    return " ".join(html.unescape(_TAG.sub(" ", field_html)).split())


@functools.cache  # emptied after each pull
def _markdown_of(field_html: str) -> Converted:
    return html_to_markdown(field_html)


def _converted(field_html: str, targets: Mapping[str, str]) -> Converted:
    """The field as Markdown, its pictures shown by their files in the data."""
    if "<img" in field_html:
        return html_to_markdown(field_html, targets)
    return _markdown_of(field_html)


def _tell_unheld(deck: Deck, line: int | None, what: str, field_html: str, found: _Found) -> None:
    """Warn of a field edited in Anki in ways only Markdown cannot hold (an underline):
    there is nothing to pull, and the user should hear why."""
    dropped = _markdown_of(field_html).dropped
    if dropped:
        message = f"{what} has {', '.join(dropped)}, which Markdown cannot hold; nothing to pull"
        found.notices.append(Problem(source_of(deck), line, message, "warning"))


def _field_edits(
    deck: Deck,
    item: Question | Theme,
    index: int,
    base_field: str,
    their_field: str,
    pictures: _Pictures,
    found: _Found,
) -> list[FieldEdit] | None:
    """The edits that make the data say what Anki's field `index` says; None, with a
    notice, when it cannot (an empty answer, a picture Anki does not have)."""
    kind = "question" if isinstance(item, Question) else "theme"
    what = f"{kind} '{item.id}'"
    keys = _KEYS[kind][index]
    line = _line(item, keys)
    targets = pictures.targets(their_field)
    if isinstance(targets, str):
        found.notices.append(
            Problem(source_of(deck), line, f"{what}: {targets}; not pulled", "warning")
        )
        return None
    section: Literal["questions", "themes"] = "questions" if kind == "question" else "themes"
    values: dict[str, str | tuple[str, ...]] = {}
    dropped: list[str] = []
    if isinstance(item, Question) and index == 0:
        their_question, their_context = _split_context(their_field)
        _, base_context = _split_context(base_field)
        text = html_to_text(their_question)
        context = _markdown(their_context, base_context, item.context, targets)
        values = {"question": _one_line(text.markdown), "context": context.markdown}
        dropped += [*text.dropped, *context.dropped]
    elif isinstance(item, Question) and index == 2:
        points = _key_points(their_field, base_field, item.key_points, targets)
        values = {"key_points": tuple(point.markdown for point in points if point.markdown)}
        dropped += [word for point in points for word in point.dropped]
    elif isinstance(item, Theme) and index == 0:
        title = html_to_text(their_field)
        values = {"title": _one_line(title.markdown)}
        dropped += title.dropped
    else:
        mine = item.answer if isinstance(item, Question) else item.summary
        converted = _markdown(their_field, base_field, mine, targets)
        values = {keys[0]: converted.markdown}
        dropped += converted.dropped
    for key in ("question", "answer", "title", "summary"):
        if key in values and not values[key]:
            found.notices.append(
                Problem(
                    source_of(deck),
                    line,
                    f"{what}: its {key} is empty in Anki; not pulled",
                    "warning",
                )
            )
            return None
    if dropped:
        words = ", ".join(sorted(set(dropped)))
        found.notices.append(
            Problem(
                source_of(deck),
                line,
                f"{what}: Anki's {keys[0]} has {words}, which Markdown cannot hold; pulled"
                " as the nearest Markdown",
                "warning",
            )
        )
    current = _values(item)
    return [
        FieldEdit(section, item.id, key, value)
        for key, value in values.items()
        if value != current[key]
    ]


def _values(item: Question | Theme) -> dict[str, str | tuple[str, ...]]:
    if isinstance(item, Theme):
        return {"title": item.title, "summary": item.summary}
    return {
        "question": item.question,
        "context": item.context,
        "answer": item.answer,
        "key_points": item.key_points,
        "tags": item.tags,
    }


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _split_context(question_field: str) -> tuple[str, str]:
    """A question note's first field as (the question's HTML, its context's HTML)."""
    match = _CONTEXT.search(question_field)
    if match is None:
        return question_field, ""
    return question_field[: match.start()], match.group(1)


def _markdown(their_html: str, base_html: str, mine: str, targets: Mapping[str, str]) -> Converted:
    """Anki's field as Markdown, written as the data wrote it wherever Anki did not
    change it: the lines Anki changed come from Anki, the others stay the user's."""
    converted = _converted(their_html, targets)
    if not mine or not base_html:
        return converted
    base = _converted(base_html, targets).markdown.split("\n")
    text = _carried_over(base, mine.split("\n"), converted.markdown.split("\n"))
    if text is None or render_markdown(text).html != render_markdown(converted.markdown).html:
        return converted
    return replace(converted, markdown=text)


def _carried_over(base: list[str], mine: list[str], theirs: list[str]) -> str | None:
    """`theirs`'s changes to `base` made to `mine`, a version of `base` in other words
    (the user's own Markdown of what the exporter wrote as `base`); None when a change of
    theirs falls on lines written otherwise in `mine`.

    Unlike a three-way merge, a change next to lines written otherwise is no conflict:
    Anki's edits only ever add to one version of the text.
    """
    # Where each line boundary of `base` falls in `mine`, where the two agree around it.
    place: dict[int, int] = {}
    same_lines: set[int] = set()
    for tag, start, end, mine_start, mine_end in difflib.SequenceMatcher(
        None, base, mine, autojunk=False
    ).get_opcodes():
        place[start], place[end] = mine_start, mine_end
        if tag == "equal":
            place.update({start + offset: mine_start + offset for offset in range(end - start)})
            same_lines.update(range(start, end))
    merged: list[str] = []
    for tag, start, end, their_start, their_end in difflib.SequenceMatcher(
        None, base, theirs, autojunk=False
    ).get_opcodes():
        if start not in place or end not in place:
            return None
        if tag == "equal":
            merged += mine[place[start] : place[end]]
        elif all(line in same_lines for line in range(start, end)):
            merged += theirs[their_start:their_end]
        else:
            return None
    return "\n".join(merged).strip("\n")


def _key_points(
    their_field: str, base_field: str, mine: Sequence[str], targets: Mapping[str, str]
) -> list[Converted]:
    """Anki's key points as Markdown, each unchanged one as the data wrote it."""
    theirs = _list_items(their_field)
    base = _list_items(base_field)
    kept = dict(zip(base, mine, strict=False)) if len(base) == len(mine) else {}
    points = []
    for position, point in enumerate(theirs):
        if point in kept:
            points.append(Converted(kept[point], ()))
            continue
        same_place = position < len(base) and position < len(mine)
        points.append(
            _markdown(
                point,
                base[position] if same_place else "",
                mine[position] if same_place else "",
                targets,
            )
        )
    return points


def _list_items(field_html: str) -> list[str]:
    """The items of the bulleted list that makes up a key points field; a field that is
    something else is one item."""
    soup = BeautifulSoup(field_html, "html.parser")
    top = [node for node in soup.contents if isinstance(node, Tag) or str(node).strip()]
    if len(top) == 1 and isinstance(top[0], Tag) and top[0].name == "ul":
        items = top[0].find_all("li", recursive=False)
        return [item.decode_contents() for item in items if isinstance(item, Tag)]
    return [field_html] if field_html.strip() else []


def _compare_tags(
    deck: Deck,
    item: Question,
    ours: NoteContent,
    base: StampedNote | None,
    theirs: Note,
    prefer: Prefer | None,
    found: _Found,
) -> None:
    """Compare a question's own tags three ways, ignoring case as Anki does."""
    their_tags = _user_tags(theirs.tags, deck.id)
    mine = _user_tags(ours.tags, deck.id)
    base_tags = frozenset(_user_tags(base.content.tags, deck.id)) if base else None
    older = base is not None and theirs.mod < base.mod
    verdict = _verdict(base_tags, frozenset(their_tags), frozenset(mine), older, _equal)
    line = _line(item, ("tags",))
    shown = " ".join(their_tags.values()) or "(none)"
    if not _to_pull(
        verdict,
        _Told(deck, line, f"question '{item.id}': tags", shown, base, plain=True),
        prefer,
        found,
    ):
        return
    tags = [tag for tag in item.tags if tag.casefold() in their_tags]
    tags += [tag for key, tag in their_tags.items() if key not in mine]
    found.edits.append(FieldEdit("questions", item.id, "tags", tuple(tags)))
    message = f"question '{item.id}': tags pulled from Anki"
    found.pulled.append(Problem(source_of(deck), line, message))


def _equal(first: object, second: object) -> bool:
    return first == second


def _user_tags(tags: Iterable[str], deck_id: str) -> dict[str, str]:
    """The tags the user gave a note, by their folded case: not the deck's own tag, the
    exporter's, nor Anki's marks of study."""
    own = {deck_id.casefold(), *ANKI_OWN_TAGS}
    return {
        tag.casefold(): tag
        for tag in tags
        if tag.casefold() not in own and not tag.casefold().startswith(RESERVED_TAG_PREFIX)
    }


class _Pictures:
    """The pictures of pulled fields: the deck's own by their media names, and the ones
    added in Anki, copied from Anki's media folder into the data folder."""

    def __init__(self, item: RenderedDeck, media: Path, folder: Path) -> None:
        self.targets_by_name = _targets_by_name(item)
        self.media = media
        self.folder = folder
        self.copied: dict[Path, bytes] = {}

    def targets(self, field_html: str) -> dict[str, str] | str:
        """The target in the data of every picture the field shows, by its name in Anki;
        what is wrong when one cannot be used."""
        soup = BeautifulSoup(field_html, "html.parser")
        for image in soup.find_all("img"):
            name = str(image.get("src") or "")
            if name and name not in self.targets_by_name:
                problem = self._copy(name)
                if problem:
                    return f"its picture '{name}' {problem}"
        return self.targets_by_name

    def _copy(self, name: str) -> str | None:
        if Path(name).name != name or name.startswith("."):
            return "is not a file of Anki's media folder"
        picture = read_picture(self.media, quote(name))
        if isinstance(picture, str):
            return picture.replace("the data folder", "Anki's media folder")
        path = self.folder / name
        if path.exists() and path.read_bytes() != picture.data:
            digest = hashlib.sha256(picture.data).hexdigest()[:8]
            path = self.folder / f"{path.stem}-{digest}{path.suffix}"
        if not path.exists():
            self.copied[path] = picture.data
        self.targets_by_name[name] = quote(path.name)
        return None


def _added_items(
    deck: Deck, notes: Sequence[Note], pictures: _Pictures, found: _Found
) -> tuple[tuple[Question | Theme, ...], tuple[str, ...]]:
    """The notes added in Anki to the deck, as questions and themes of the data, with ids
    made from their text; and a line naming each."""
    taken = dict.fromkeys([*(q.id for q in deck.questions), *(t.id for t in deck.themes)], 1)
    items: list[Question | Theme] = []
    for note in notes:
        first = note.fields[0] if note.fields else ""
        targets = pictures.targets("".join(note.fields))
        question_html, context_html = _split_context(first)
        text = _one_line(html_to_text(question_html).markdown)
        answer = (
            html_to_markdown(note.fields[1], {} if isinstance(targets, str) else targets).markdown
            if len(note.fields) > 1
            else ""
        )
        if isinstance(targets, str) or not text or not answer:
            reason = targets if isinstance(targets, str) else "it has no text on one side"
            found.notices.append(
                Problem(
                    source_of(deck),
                    None,
                    f"note {note.id} added in Anki: {reason}; not pulled",
                    "warning",
                )
            )
            continue
        item_id = unique_id(slugify(text, MAX_ITEM_ID_WORDS), taken)
        if _type_name(note) == THEME_TYPE.name:
            items.append(Theme(item_id, text, answer))
            continue
        points = _key_points(note.fields[2], "", (), targets) if len(note.fields) > 2 else []
        items.append(
            Question(
                item_id,
                text,
                answer,
                tuple(_user_tags(note.tags, deck.id).values()),
                tuple(point.markdown for point in points if point.markdown),
                html_to_markdown(context_html, targets).markdown,
            )
        )
    listed = tuple(
        f"theme '{item.id}': {item.title}"
        if isinstance(item, Theme)
        else f"question '{item.id}': {item.question}"
        for item in items
    )
    return tuple(items), listed


def _type_name(note: Note) -> str:
    note_type = note.note_type()
    return str(note_type["name"]) if note_type else ""


def _by_line(problem: Problem) -> int:
    return problem.line or 0


def _line(item: Question | Theme, keys: Sequence[str]) -> int | None:
    """The line of the first of `keys` the item has, else of its id."""
    for key in (*keys, "id"):
        if key in item.lines:
            return item.lines[key]
    return None


def _state_after(
    previous: BuildState, anki: Mapping[str, Note], pictures: _Pictures, found: _Found
) -> Callable[[RenderedDeck], BuildState]:
    """How the state reads once the data is written: every field (and tag list) the data
    now says as Anki does is recorded as emitted, at Anki's time when later, so that the
    next build finds it unchanged; any other keeps its record, so that the next build
    carries the data's text to Anki."""

    def settle(written: RenderedDeck) -> BuildState:
        targets = {**pictures.targets_by_name, **_targets_by_name(written)}
        emitted = {note.guid: note for note in note_contents(written)}
        notes = []
        for note in previous.notes:
            content = note.content
            now, theirs = emitted.get(content.guid), anki.get(content.guid)
            if now is None or theirs is None or len(theirs.fields) != len(content.fields):
                notes.append(note)
                continue
            pulled = found.pulled_fields.get(content.guid, set())
            fields = tuple(
                new if index in pulled or (new != old and _same(new, their_field, targets)) else old
                for index, (old, new, their_field) in enumerate(
                    zip(content.fields, now.fields, theirs.fields, strict=True)
                )
            )
            deck_id = written.deck.id
            agreed = _user_tags(now.tags, deck_id).keys() == _user_tags(theirs.tags, deck_id).keys()
            tags = now.tags if agreed else content.tags
            if (fields, tags) == (content.fields, content.tags):
                notes.append(note)
                continue
            # Anki's time, when later: a data edit made after this pull must be newer still.
            mod = max(note.mod, min(theirs.mod, MAX_SECONDS))
            notes.append(replace(note, content=replace(content, fields=fields, tags=tags), mod=mod))
        return replace(previous, notes=tuple(notes))

    return settle


def _targets_by_name(rendered: RenderedDeck) -> dict[str, str]:
    """The target in the data of each picture of the deck, by its name in Anki."""
    return {media.name: target for target, media in rendered.media.items()}


def _write(pulls: Sequence[DeckPull]) -> None:
    """Write every changed data file, the pictures it now shows and its state: each data
    file is checked as `exporter check` would before any replaces its original."""
    staged: list[tuple[DeckPull, Path, BuildState | None]] = []
    written: list[Path] = []
    try:
        for each in pulls:
            if each.after == each.before:
                continue
            remove_leftovers(each.path)
            for picture, data in each.pictures.items():
                with picture.open("xb") as file:
                    written.append(picture)
                    file.write(data)
            staged_file = stage(each.path, each.after.encode("utf-8"))
            written.append(staged_file)
            staged.append((each, staged_file, _checked(each, staged_file)))
        for each, staged_file, _ in staged:
            if read_regular_file(each.path) != each.before.encode("utf-8"):
                raise ExporterError(
                    f"{each.path}: changed while pulling; nothing written, pull again"
                )
            os.chmod(staged_file, stat.S_IMODE(each.path.stat().st_mode))
    except BaseException:
        for path in written:
            path.unlink(missing_ok=True)
        raise
    for each, staged_file, state in staged:
        os.replace(staged_file, each.path)
        if state is not None:
            files = state_files(each.path, each.deck_id)
            write_atomically(files.beside, state_to_json(state))
            if files.cached is not None:
                with contextlib.suppress(OSError):
                    write_atomically(files.cached, state_to_json(state))


def _checked(each: DeckPull, staged_file: Path) -> BuildState | None:
    """Read the staged data file as a build would; return the state it makes."""
    try:
        decks = render_decks(load_decks([staged_file]), lambda step, deck: None)
    except DataError as error:
        problems = [replace(problem, path=each.path) for problem in error.problems]
        raise DataError(problems) from None
    return each.state_after(decks[0]) if each.state_after else None
