"""What reads as a question, in the languages interview guides are written in, and the
text of a question as it belongs on a card front."""

from __future__ import annotations

import re
import unicodedata

# The word "question" in the languages interview guides are written in, for labels.
QUESTION_WORDS = (
    r"question|pregunta|pergunta|вопрос|питання|frage|domanda|pertanyaan|問題|问题|質問|질문"
    r"|câu(?:\s++hỏi)?+|soru|প্রশ্ন|प्रश्न|سؤال|שאלה|问|問"
)
_LABEL = rf"(?:Q|P|{QUESTION_WORDS})"
# A numbered or labelled question: "1. …", "#1 …", "Q1. …", "Q: …", "Question 3 — …", "一、…";
# "1.2 Scope" numbers a section of an outline, not a question; "3-Way handshake" is a name;
# "1\. Access" is "1." escaped, as an HTML page's converter writes it.
_NUMBERED = re.compile(
    rf"^(?:(?:{_LABEL}\s*+)?\d++\s*+\\?+(?:[):、．）：]|[\-–—](?=\s)|\.(?!\d))|\#\d++\s"
    r"|[一二三四五六七八九十]++[、。]|Q\d++\s|(?:\d\ufe0f?+\u20e3)++)\s*+(?P<text>.+)$",
    re.IGNORECASE,
)
_BARE_NUMBER = re.compile(r"^\d{1,3}+[ \t]++(?P<text>\S.*)$")
_QUESTION_MARK_FIRST = re.compile(r"^[?？]\s++")  # "? How do I start?": a line's mark
_OUTLINE = re.compile(r"^\d++(?:\.\d++)++\.?+\s++(?P<text>.+)$")  # "2.1. Tell me…"
_LABELLED = re.compile(  # "Question 3:", "Question 1.1:"
    rf"^{_LABEL}\s*+(?:\d++(?:\.\d++)*+)?+\s*+[:：.)\-–—]\s*+(?P<text>.+)$", re.IGNORECASE
)
# The word "answer" in the languages interview guides are written in, for patterns.
ANSWER_WORDS = (
    "answer|ans|hint|solution|respuesta|resposta|réponse|antwort|risposta|jawaban|ответ|відповідь|答案|回答|답변"
    "|정답|trả\\s++lời|cevap|উত্তর|उत्तर|إجابة|תשובה|答"
)
# An emoji or a sign before a label ("✅ Respuesta modelo:"), not a Markdown mark.
SIGN_BEFORE_LABEL = r"[^\w\s*_`:：\-+>#|.(\[]"
# What kind of answer a label announces: "Sample Answer:", "My answer:".
_ANSWER_KIND = (
    r"(?:(?:best|sample|model|short|correct|suggested|example|possible|one|my|an)[ \t]++)"
)
# An answer's label at the start of a line: "**Answer:**", "A:", "Ответ (коротко):",
# "উত্তর পয়েন্ট:", "R//" and "**R:**" (respuesta), "Ans)", "A3:", "Ans ->", "**✅ Respuesta
# modelo:**" (an emoji before it).
ANSWER_LABEL = re.compile(
    r"^\s*+(?:R//|Ans\)|A\)|R:(?=[ \t]))[ \t]*+|"
    rf"^\s*+(?:{ANSWER_WORDS})[ \t]*+(?:->|=>|→)[ \t]*+\n?|"  # "Ans -> …"
    rf"^\s*+(?:\*\*|__|`)?+\s*+(?:{SIGN_BEFORE_LABEL}{{1,3}}+\s*+)?+"
    rf"(?:{_ANSWER_KIND}?+(?:{ANSWER_WORDS})"
    r"(?:(?:\s++[^\s:：*_`]{1,12}+){1,2}+(?=\s*+[:：]))?+"  # "Answer using STAR:"
    r"(?:\s*+\([^)\n]*+\))?+|A\d{0,3}+|R)\s*+"
    r"(?:(?:[:：]|\.(?=\*\*|__))\s*+(?:\*\*|__|`)?+|(?:\*\*|__|`)\s*+[:：])[ \t]*+\n?",
    re.IGNORECASE,
)
# The words a document names its own parts with ("Useful links", "See also"): never a
# question's topic, however much is said under it.
DOCUMENT_PARTS = frozenset(
    """
    introduction intro conclusion conclusions summary overview preface foreword about
    resources references reference links useful links further reading see also sources
    bibliography appendix notes note tips acknowledgements acknowledgments credits
    contributing contributors contribute license licence changelog todo disclaimer
    contact support feedback usage installation setup getting started prerequisites
    example examples exercise exercises solution solutions answer answers
    faq faqs frequently asked questions question interview general misc other q a
    introducción conclusión resumen recursos referencias enlaces notas
    introdução conclusão resumo recursos referências links notas
    einleitung fazit zusammenfassung quellen links hinweise
    введение заключение итоги ссылки литература источники примечания
    前言 简介 介绍 总结 小结 结语 参考 参考资料 参考文献 附录 致谢 说明 备注 相关链接
    はじめに まとめ 参考 参考文献 付録 소개 요약 정리 참고 참고자료 마무리
    """.split()
)
_QUESTION_END = 150  # characters, at most, of a question's words on its next lines
# What a heading ends with when it links back to the top of the page: not the question.
_BACK_TO_TOP = " \t↑⬆⇧🔝^"
_SOURCE_MARK = re.compile(r"(?<=[?？.!])\s*+\[[^\[\]]{1,12}\]$")
_DIFFICULTY = re.compile(
    r"(?<=[?？.!])\s*+[(\[]?+(?:easy|medium|hard|beginner|intermediate|advanced|basic"
    r"|expert|junior|middle|senior|简单|中等|困难|초급|중급|고급)[)\]]?+$",
    re.IGNORECASE,
)
# A blank to fill: "（）", "( )" after a word that is no method's name, "____".
_BARE_LABEL = re.compile(
    r"^(?:第\s*+\d++\s*+[题題问問]|(?:Q|question|pregunta|pergunta|вопрос|frage|domanda|"
    r"exercise|ejercicio|질문|問題|问题|题目|題目)\s*+(?:#|No\.?+|№)?+\s*+\d++"
    r"|(?-i:[A-Z][A-Z0-9]{0,11}+[-_]\d{1,4}+))\s*+[.:：)]?+$",  # "JAVA-001": an id
    re.IGNORECASE,
)
# The name of an answer where it starts: "Answer", "Sample answer", "解析", "参考答案".
ANSWER_TERMS = rf"{ANSWER_WORDS}|solution|soluci[oó]n|解答|解析|参考答案|正确答案"
ANSWER_NAME = (
    rf"{_ANSWER_KIND}?+(?:{ANSWER_TERMS})"
    r"(?:[ \t]++(?:modelo|sugerida|de[ \t]++ejemplo|exemplo|type|using[ \t]++STAR))?+"
)  # "Respuesta modelo", "Answer using STAR"
# A heading that only names the answer below it: "Answer", "Sample answer:", "Ответ",
_ANSWER_HEADING = re.compile(
    rf"^{ANSWER_NAME}(?:\s*+\([^)\n]*+\))?+\s*+[:：]?+$", re.IGNORECASE
)  # "Model Answer (60 seconds):" too
_SUB_LABEL = re.compile(
    r"^(?:题目|題目|问题|問題|题干|question|problem|pregunta|enunciado|pergunta|вопрос|задача"
    r"|문제|질문)\s*+[:：]?+$",
    re.IGNORECASE,
)
_QUIZ_STEM = re.compile(r"(?:（\s*+）|(?<![\w.])\(\s*+\)|_{3,}+)(?:\s*+[。.:：])?+$|_{4,}+")
_TRAILING_BREAKS = re.compile(r"(?:\s*+<br\s*+/?>)++\s*+$", re.IGNORECASE)
# Emphasis opens and closes next to a letter, as in CommonMark: "____" is a blank to fill.
# Emphasis: "**…**", "*…*" anywhere; "__…__", "_…_" only between words, as CommonMark
# reads them ("system_category" is a name, not emphasis).
_EMPHASIS = re.compile(
    r"(\*\*|\*|(?<![^\W_])__|(?<![^\W_])_(?!_))(?=[^\s*_])(.+?)(?<=[^\s*_])"
    r"(?:(?<=\*)\1|\1(?![^\W_]))"
)
_QUOTE_PAIRS = {"“": "”", '"': '"', "«": "»", "„": "“", "「": "」"}
# The first words of questions and of the imperatives that stand for them.
_ASKING_WORDS = frozenset(
    """
    what why how when where which who whom whose is are was were do does did can could
    would should will shall have has may might explain describe tell walk give define
    compare contrast list name discuss outline design implement write estimate imagine
    suppose share talk
    qué que cómo como por cuál cual cuáles cuales cuándo cuando dónde donde quién quien
    explica explique explicar describe describa descreva defina define menciona nombra
    qual quais quando onde quem porque
    was wie warum wieso weshalb welche welcher welches wann wo wer erkläre erklären
    beschreibe nenne
    qu quel quelle quels quelles comment pourquoi quand où qui expliquez décrivez
    что как почему зачем когда где какой какая какие кто объясните опишите расскажите
    """.split()
)
_ASKING_PREFIXES = (
    "什么",
    "为什么",
    "为何",
    "為何",
    "设计",
    "設計",
    "实现一个",
    "手写",
    "编写",
    "列举",
    "阐述",
    "为啥",
    "能否",
    "可否",
    "如何",
    "怎么",
    "怎样",
    "哪",
    "请",
    "谈谈",
    "说说",
    "介绍",
    "简述",
    "描述",
    "解释",
    "何",
    "なぜ",
    "どう",
    "どの",
    "何",
    "무엇",
    "왜",
    "어떻게",
)
# Polite requests that end a question in Korean, Japanese and Chinese ("…해주세요").
_ASKING_ENDINGS = (
    "세요",
    "니까",
    "お願いします",
    "하세요",
    "십시오",
    "나요",
    "까요",
    "ください",
    "ですか",
    "ますか",
    "吗",
    "呢",
)
# Words that ask wherever they stand in Chinese, Japanese and Korean, and the endings
# that name a comparison or a principle to explain ("…的区别", "…とは", "…차이점").
_ASKING_INSIDE = re.compile(
    r"什么|什麼|为什么|為什麼|如何|怎么|怎麼|怎样|哪些|哪个|是否|有何|何为|几[次个种点]|多少"
    r"|^(?:聊聊|讲讲|谈一谈|说一说|简单说说)"
    r"|(?:区别|區別|不同|差异|原理|原理分析|作用|用途|优缺点|优势|实现|思路|方案|流程|机制|场景"
    r"|方式|策略|特征|特点|とは|違い|차이|차이점|장단점)$"
)
# The imperatives that open a question and never a sentence of an answer.
_COMMANDS = frozenset(
    """
    explain describe tell walk define compare contrast discuss outline estimate cite
    cita citez
    explica explique explicar describa descreva defina menciona erkläre erklären
    beschreibe expliquez décrivez expliquer décrire объясните опишите расскажите
    """.split()
)
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)?")
_CONTRACTION = re.compile(r"['’].*")  # "what's": "what" asks


def card_front(text: str) -> str:
    """`text` as it belongs on a card front: no number or "Q:" label, no Markdown
    emphasis, no quotation marks around it."""
    text = _QUESTION_MARK_FIRST.sub("", text.strip())
    if _NUMBERED.match(numbered := _without_leading_decorations(text)):
        text = numbered  # "🔹 1. What is Linux?": the number after the emoji
    for pattern in (_NUMBERED, _LABELLED, _OUTLINE):
        match = pattern.match(text)
        if match:
            text = match["text"]
            break
    bare = _BARE_NUMBER.match(text)  # "1 Can you tell me…?": a number with no mark
    if bare and _opens_asking(bare["text"]):
        text = bare["text"]
    labelled = _LABELLED.match(_EMPHASIS.sub(r"\2", text))  # "1. **Question: Tell me…**"
    if labelled and labelled["text"].strip("*_ "):
        text = labelled["text"]
    text = _TRAILING_BREAKS.sub("", text)
    text = _EMPHASIS.sub(r"\2", text.strip()).strip().rstrip(_BACK_TO_TOP).strip()
    text = _SOURCE_MARK.sub("", text)  # "What is X? [src]": where it came from
    if not text.isascii():  # decorative emoji: "⭐", "▶", "👶"
        text = _without_decorations(text)
    text = _DIFFICULTY.sub("", " ".join(text.split()))  # "What is X? Medium": a badge
    return unquote(_without_stray_emphasis(text.strip())).strip()


def _without_leading_decorations(text: str) -> str:
    start = 0
    while start < len(text) and (is_decoration(text[start]) or text[start] in " \ufe0f"):
        start += 1
    return text[start:]


def _opens_asking(text: str) -> bool:
    """Tell whether `text` opens with a word that asks or tells to explain ("Can…",
    "Why…", "Tell…")."""
    words = _WORD.findall(text.lower())
    return bool(words) and _CONTRACTION.sub("", words[0]) in _ASKING_WORDS


def _without_stray_emphasis(text: str) -> str:
    """`text` without the emphasis marks left at its ends by a label taken off
    ("What?**"), keeping a lone star that is part of it ("*args 和 **kwargs")."""
    lead = len(text) - len(text.lstrip("*_"))
    trail = len(text) - len(text.rstrip("*_"))
    if (lead and trail) or lead >= 2:
        text = text.lstrip("*_ ")
    if (lead and trail) or trail >= 2:
        text = text.rstrip("*_ ")
    return text


def undecorated(text: str) -> str:
    """`text` without the emoji that decorate it ("✅ 1) Why…" → "1) Why…")."""
    return _without_decorations(_EMPHASIS.sub(r"\2", text.strip()).strip(" *_")).strip()


def _without_decorations(text: str) -> str:
    return "".join(character for character in text if not is_decoration(character))


def is_decoration(character: str) -> bool:
    """Tell whether `character` is an emoji or a pictograph that decorates a line ("⭐",
    "▶", "🔹"), not a sign that is part of a name ("®", "©", "™", "℃")."""
    return unicodedata.category(character) == "So" and not (
        character <= "\u00ff" or "\u2100" <= character <= "\u214f"
    )


def is_numbered(text: str) -> bool:
    """Tell whether `text` starts with a question number or label ("3.", "Q3:", "Q:")."""
    return bool(_NUMBERED.match(text.strip()) or _LABELLED.match(text.strip()))


def is_labelled(text: str) -> bool:
    """Tell whether `text` opens with a question's label ("Question 3: …", "Q2: …",
    "Pregunta 2 –"): a question by its label, whatever its words."""
    return bool(_LABELLED.match(text.strip()))


def reads_as_question(text: str) -> bool:
    """Tell whether `text` (a card front) asks something: it ends with a question mark
    (?, ？, ¿…), or starts with a word that asks or tells to explain."""
    text = text.strip().rstrip(".:!")
    if not text:
        return False
    if text.endswith(("?", "？", "?)", "？)")) or text.startswith("¿"):
        return True
    if fills_blank(text):
        return True
    if text.startswith(_ASKING_PREFIXES) or text.endswith(_ASKING_ENDINGS):
        return True
    if _ASKING_INSIDE.search(text):  # "int 和 Integer 有什么区别", "A 与 B 的区别"
        return True
    words = _WORD.findall(text.lower())
    if words[:2] == ["o", "que"]:  # "O que é…": Portuguese for "what is…"
        return True
    return len(words) > 1 and _opens_asking(text)  # "DO" alone names a section


def is_answer_heading(text: str) -> bool:
    """Tell whether the heading `text` only names the answer under it ("Answer:")."""
    return _ANSWER_HEADING.match(card_front(text)) is not None


def is_bare_label(text: str) -> bool:
    """Tell whether `text` (a card front) only numbers a question ("第 1 题", "Question 3"):
    the question itself is the paragraph under it."""
    return _BARE_LABEL.match(text) is not None


def is_sub_label(text: str) -> bool:
    """Tell whether `text` only says that the question comes next ("题目", "Problem")."""
    return _SUB_LABEL.match(text) is not None


def fills_blank(text: str) -> bool:
    """Tell whether `text` is a quiz's stem with a blank to fill: "…叙述正确的是（）",
    "…在内存的____存储区存放。"."""
    return _QUIZ_STEM.search(text) is not None


def commands(text: str) -> bool:
    """Tell whether `text` opens with an imperative that asks ("Explain…", "Describe…")."""
    words = _WORD.findall(card_front(text).lower())
    return bool(words) and words[0] in _COMMANDS


def asks_outright(text: str) -> bool:
    """Tell whether the heading `text` ends with a question mark (or opens with ¿): no
    section heading does, so it is a question whatever its level."""
    front = card_front(text).rstrip()
    return front.endswith(("?", "？")) or front.startswith("¿")


def unquote(text: str) -> str:
    """Drop the quotation marks that wrap a whole spoken text, and only those."""
    if len(text) < 2 or text[0] not in _QUOTE_PAIRS or text[-1] != _QUOTE_PAIRS[text[0]]:
        return text
    opening, closing = text[0], text[-1]
    inner = text[1:-1]
    if opening == closing:
        return inner if opening not in inner else text
    depth = 0
    for character in inner:
        depth += (character == opening) - (character == closing)
        if depth < 0:
            return text
    return inner.strip() if depth == 0 else text


def continues_question(question: str, context: str) -> bool:
    """Tell whether `context` is the rest of a sentence the question leaves open (it
    ends without a stop: 'an error with "Can't locate icon:'), on a line or two."""
    return (
        not question.rstrip().endswith((".", "?", "!", "。", "？", "！", ")"))
        and 0 < len(context) <= _QUESTION_END
        and "\n\n" not in context
        and context.count("\n") <= 1
        and not context.lstrip().startswith(("```", "~~~", "-", "*", "|", ">", "<"))
    )


def names_part(text: str) -> bool:
    """Tell whether a heading names a part of the document, alone or before what it holds
    ("Conclusion", "前言：岗位职位描述和职位要求")."""
    name = re.split(r"[:：]", text, maxsplit=1)[0]
    words = re.findall(r"\w+", name.lower())
    return bool(words) and set(words) <= DOCUMENT_PARTS
