"""A chat saved as a document ("#### You:" / "#### ChatGPT:", "**User:** …" /
"**Assistant:** …"): each of the user's turns is a question, the assistant's reply to
it the answer."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import replace

from exporter.importer.blocks import Unit
from exporter.importer.questions import card_front
from exporter.importer.segment import Found, Segmentation

_USER = (
    r"you|user|human|me|prompt|user\s++(?:question|prompt|message)|you\s++said|question"
    r"|usuario|usuário|utilisateur|benutzer|пользователь|вы|我|用户|提问|問|ユーザー|사용자"
)
_ASSISTANT = (
    r"chatgpt|gpt[\w.-]*+|assistant|claude|gemini|copilot|bard|bing|ai|bot|model|response"
    r"|(?:chatgpt|claude|gemini|assistant)\s++said|assistant\s++(?:answer|response|reply)"
    r"|answer|asistente|assistente|assistant\s++ia|ассистент|助手|回答|アシスタント|어시스턴트"
)
_ROLE = re.compile(
    rf"^(?:(?P<user>{_USER})|(?P<assistant>{_ASSISTANT}))(?:\s*+\([^)\n]{{0,40}}+\))?+$",
    re.IGNORECASE,
)
# A turn's label in a paragraph: "**User:** How do I…?", "ChatGPT said:".
_LABEL = re.compile(
    r"^\s*+(?:\*\*|__)?+\s*+(?P<name>[^\s*_:：][^*_:：\n]{0,30}?)\s*+(?:\*\*|__)?+\s*+[:：]"
    r"\s*+(?:\*\*|__)?+\s*+(?P<rest>.*)$"
)
_ASKS = re.compile(r"[?？](?:\s|$)")  # a turn that asks something
_WHOLE_BOLD = re.compile(r"^\s*+(?:\*\*|__)(?P<name>[^*_\n]{1,30}+)(?:\*\*|__)\s*+$")


def role_of(unit: Unit, source: str) -> tuple[str, str] | None:
    """Who speaks from `unit` (its lines `source`) on, "user" or "assistant", when it is
    a turn's label, and the words after the label ("You said:" and the question on the
    next line); None for any other block."""
    first, _, below = source.partition("\n")
    if unit.kind == "heading":
        name, rest = unit.text, ""
    elif unit.kind == "paragraph":
        label = _LABEL.match(first) or _WHOLE_BOLD.match(first)
        if label is None:
            return None
        name, rest = label["name"], f"{label.groupdict().get('rest') or ''}\n{below}"
    else:
        return None
    role = _ROLE.match(_spoken(name))
    if role is None:
        return None
    return ("user" if role["user"] else "assistant"), rest.strip()


def _spoken(name: str) -> str:
    """A turn's label as the name of who speaks: "**ChatGPT:**" → "ChatGPT"."""
    return card_front(name).rstrip(" :：").strip()


def _name(unit: Unit, first: str) -> str:
    """The role a turn's label names, in lower case, without a note in brackets."""
    label = _LABEL.match(first) or _WHOLE_BOLD.match(first)
    name = unit.text if unit.kind == "heading" or label is None else label["name"]
    return re.sub(r"\s*+\([^)]*+\)$", "", _spoken(name)).lower()


def is_turn_label(unit: Unit, source: str) -> bool:
    """Tell whether `unit` (its lines `source`) opens a turn ("#### ChatGPT:")."""
    return role_of(unit, source) is not None


def chat_turns(units: Sequence[Unit], lines: Sequence[str]) -> Segmentation | None:
    """The document split at its turns when it is a chat: at least one turn answered by
    the next, and a role named in words no Q&A guide uses for its labels ("You",
    "ChatGPT"); None otherwise. The user asks and the assistant answers, unless the
    assistant is the one asking (a mock interview)."""
    units = _turns_apart(units, lines)
    turns = [
        (index, role_of(unit, "\n".join(lines[unit.start : unit.end])))
        for index, unit in enumerate(units)
    ]
    labels = [(index, role) for index, role in turns if role is not None]
    labels = sorted(labels + _named_user(units, labels))
    named = {_name(units[index], lines[units[index].start]) for index, _ in labels}
    if not named - {"question", "answer", "response"}:
        return None  # "Question:" / "Answer:": labels of a Q&A guide, not a chat
    found = Segmentation("chat")
    first = labels[0][0] if labels else 0
    found.title = next(
        (unit.text for unit in units[:first] if unit.kind == "heading" and unit.level == 1), ""
    )
    asker = _asker(units, labels)
    for position, (index, (role, rest)) in enumerate(labels):
        following = labels[position + 1] if position + 1 < len(labels) else None
        if role != asker:
            continue
        if following is None or following[1][0] == asker:
            said = index if rest or index + 1 >= len(units) else index + 1
            found.skipped.append((units[said].start + 1, "skipped a turn with no reply"))
            continue
        reply = following[0]
        after = next((i for i, (r, _) in labels[position + 2 :] if r == asker), len(units))
        asked = [unit for unit in units[index + 1 : reply] if unit.kind not in ("noise", "hr")]
        question = " ".join(rest.split())
        if not question and asked and asked[0].kind == "paragraph":
            question = " ".join(asked.pop(0).text.split())
        if question:
            # The reply's label stays: it marks where the answer starts after the code
            # or text sent with the question.
            found.questions.append(
                Found(
                    units[index].start + 1,
                    question,
                    None,
                    (*asked, *units[reply:after]),
                    chat=True,
                )
            )
    return found if found.questions else None


def _turns_apart(units: Sequence[Unit], lines: Sequence[str]) -> list[Unit]:
    """`units` with each paragraph whose lines open turns ("**USER**: …" on the line
    after "**ASSISTANT**: …", no blank line between) cut into a paragraph a turn."""
    apart: list[Unit] = []
    for unit in units:
        starts = [
            number
            for number in range(unit.start + 1, unit.end)
            if unit.kind == "paragraph" and role_of(unit, lines[number]) is not None
        ]
        if not starts:
            apart.append(unit)
            continue
        for begin, end in zip([unit.start, *starts], [*starts, unit.end], strict=True):
            text = " ".join(line.strip() for line in lines[begin:end])
            apart.append(replace(unit, start=begin, end=end, text=text))
    return apart


def _asker(units: Sequence[Unit], labels: Sequence[tuple[int, tuple[str, str]]]) -> str:
    """Who asks in the chat: the user, unless the assistant's turns mostly ask and the
    user's do not (a mock interview: the assistant asks, the user answers)."""
    asking: dict[str, list[bool]] = {"user": [], "assistant": []}
    for index, (role, rest) in labels:
        said = rest or next(
            (unit.text for unit in units[index + 1 : index + 2] if unit.kind == "paragraph"), ""
        )
        asking[role].append(bool(_ASKS.search(said)))
    user, assistant = (sum(asked) / max(len(asked), 1) for asked in asking.values())
    return "assistant" if assistant >= 0.5 and user < 0.25 else "user"


def _named_user(
    units: Sequence[Unit], labels: Sequence[tuple[int, tuple[str, str]]]
) -> list[tuple[int, tuple[str, str]]]:
    """The user's turns of a chat that names the user by a name of their own ("##
    kekyo" between the "## ChatGPT" headings): the one other name its headings of that
    level hold, when no turn is labelled as the user's."""
    if any(role == "user" for _, (role, _) in labels):
        return []
    labelled = {index for index, _ in labels}
    levels = {units[index].level for index in labelled if units[index].kind == "heading"}
    others = [
        index
        for index, unit in enumerate(units)
        if unit.kind == "heading" and unit.level in levels and index not in labelled
    ]
    names = {units[index].text.strip().lower() for index in others}
    return [(index, ("user", "")) for index in others] if len(names) == 1 else []


def without_turn_label(answer: str) -> str:
    """`answer` without the label of the turn it opens with ("#### ChatGPT:",
    "**Assistant:** Sure…", "**USER**: …")."""
    first, _, rest = answer.partition("\n")
    heading = re.match(r"^ {0,3}#{1,6}[ \t]++(?P<name>.+)$", first)
    if heading:
        return rest.lstrip("\n") if _ROLE.match(_spoken(heading["name"])) else answer
    label = _LABEL.match(first) or _WHOLE_BOLD.match(first)
    if label is None or _ROLE.match(_spoken(label["name"])) is None:
        return answer
    words = label.groupdict().get("rest") or ""
    return f"{words}\n{rest}".strip("\n") if words else rest.lstrip("\n")
