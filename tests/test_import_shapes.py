"""`exporter import` on the shapes real Q&A documents take, one short fixture each.

Every fixture in tests/fixtures/shapes/ is an invented document that reproduces one shape
seen in public interview-question files (details blocks, bold questions, numbered headings
with sub-headings, questions in other languages, category headings, "Q:" labels, list items,
tables and CSV, a guide in an unclosed fence, page noise, inline HTML, an HTML page, a Word
file, a chat-written guide). The expectations below were written by reading each document
as a careful person would, not by running the importer.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import CliRunner
from support import FIXTURES, import_apkg

from exporter.cli import main
from exporter.load import load_deck
from exporter.model import Deck

SHAPES = FIXTURES / "shapes"
WORD = "14-word.docx"  # written by the test with python-docx: no binary file in the repository


@dataclass(frozen=True)
class Card:
    """A question as it must be imported: its front, its answer (exact, or its exact start
    with passages and patterns it must hold), its tags and key points."""

    front: str
    answer: str | None = None
    starts: str | None = None
    holds: tuple[str, ...] = ()
    patterns: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    key_points: tuple[str, ...] = ()


@dataclass(frozen=True)
class Expected:
    """What a document must import to. `warnings` are (the start of the line warned about,
    message), or (None, message) for a document without line numbers; None: not checked."""

    cards: tuple[Card, ...]
    title: str | None = None
    subtitle: str | None = None
    themes: tuple[tuple[str, str], ...] = ()
    warnings: tuple[tuple[str | None, str], ...] | None = ()
    forbidden: tuple[str, ...] = ()


BEFORE_FIRST = "skipped the text before the first question"
CHAT_REMARK = "skipped a chat assistant's remark"

DOCUMENTS: dict[str, Expected] = {
    # 1. <details><summary>…</summary><br><b> answer </b></details>, devops-exercises style.
    "01-details.md": Expected(
        title="Git",
        cards=(
            Card(
                "How do you see which branch you are on?",
                "Run `git branch`: the current branch is marked with `*`.",
            ),
            Card(
                "What is the difference between git merge and git rebase?",
                "`git merge` joins two histories with a merge commit.\n\n"
                "`git rebase` replays your commits on top of another branch, so the history"
                " stays linear.",
            ),
            Card(
                "Explain what git stash is for",
                "It shelves uncommitted changes so that you can switch to another task:\n\n"
                "```\ngit stash\ngit switch main\ngit stash pop\n```",
            ),
            Card(
                "True or False? Deleting a branch deletes its commits",
                "False",
                tags=("branches",),
            ),
            Card(
                "How do you rename the current branch?",
                "- Locally: `git branch -m new-name`\n"
                "- On the remote: push the new name, then delete the old one",
                tags=("branches",),
            ),
        ),
        warnings=(
            ("## Exercises", "skipped the section 'Exercises'"),
            (
                "<summary>What does <code>git reflog</code> show?",
                "question 'What does git reflog show?' has no answer; left out",
            ),
        ),
        forbidden=(
            "<summary",
            "</summary>",
            "<details",
            "</details>",
            "<b>",
            "</b>",
            "<br>",
            "<code>",
            "First Commit",
            "first_commit",
            "Branch Out",
            "Instructions",
        ),
    ),
    # 2. Whole-bold questions with a difficulty emoji, <br/> between questions.
    "02-bold-emoji.md": Expected(
        title="Machine learning interview questions",
        cards=(
            Card(
                "What is supervised learning?",
                "Learning from examples that come with their labels: the features X and the"
                " target y.",
                tags=("supervised-learning",),
            ),
            Card(
                "What is overfitting? How can you reduce it?",
                "The model fits the noise of the training set and does worse on new data.\n\n"
                "**Variance** is the name of this error. Ways to reduce it:\n\n"
                "- more training data\n- *regularization* (L1 or L2)\n- early stopping",
                tags=("supervised-learning",),
            ),
            Card(
                "Why is accuracy a poor metric for imbalanced classes?",
                'With 99% negatives, a model that always says "no" is 99% accurate and'
                " useless.\nLook at precision and recall instead.",
                tags=("evaluation",),
            ),
            Card(
                "What is k-fold cross-validation?",
                "Split the data into k folds, train on k-1 of them and validate on the last"
                " one, k times, then average the scores.",
                tags=("evaluation",),
            ),
        ),
        warnings=(("* The answers are written", BEFORE_FIRST),),
        forbidden=("<br", "👶", "⭐", "🚀", "Legend", "double check"),
    ),
    # 3. "## 1. Question" headings; answers with "### Example" sub-headings and code.
    "03-numbered-subheadings.md": Expected(
        title="Python OOP Interview Questions",
        cards=(
            Card(
                "What is encapsulation?",
                "Encapsulation keeps an object's data and the methods that change it together,"
                " behind a small interface.\n\n### Example\n\n```python\nclass Account:\n"
                "    def __init__(self):\n        self._balance = 0\n\n"
                "    def deposit(self, amount):\n        self._balance += amount\n```\n\n"
                "Callers use `deposit()` and never touch `_balance`.",
            ),
            Card(
                "What is polymorphism?",
                "Different classes answer the same call in their own way.\n\n### Example\n\n"
                "```python\nfor shape in (Circle(1), Square(2)):\n    print(shape.area())\n```",
            ),
            Card(
                "How does the method resolution order work?",
                "### Example\n\n```python\nclass A:\n    pass\n\n\nclass B(A):\n    pass\n\n\n"
                "print(B.__mro__)\n```\n\n"
                "Python looks for a method in `B`, then `A`, then `object`.",
            ),
            Card(
                "Composition vs inheritance",
                "### Composition\n\n"
                "A class holds other objects and delegates to them: a *has-a* relationship.\n\n"
                "### Inheritance\n\nA class extends a parent class: an *is-a* relationship.",
            ),
        ),
        forbidden=("### Answer", "---"),
    ),
    # 4. No ASCII "?": Chinese ？, Spanish ¿…?, Japanese and Korean polite requests,
    # English imperatives among questions.
    "04-no-ascii-mark-zh.md": Expected(
        cards=(
            Card(
                "简述一下盒模型的组成？",
                "- 由内容（content）、内边距（padding）、边框（border）和外边距（margin）组成\n"
                "- `box-sizing: border-box` 时，宽度包含内边距和边框",
                tags=("css",),
            ),
            Card(
                "什么是BFC？它有什么作用？",
                "- BFC 是块级格式化上下文，是一个独立的渲染区域\n- 可以清除浮动，防止外边距重叠",
                tags=("css",),
            ),
            Card(
                "请说说 flex 布局的常用属性",
                "- 容器：`justify-content`、`align-items`、`flex-wrap`\n"
                "- 项目：`flex-grow`、`flex-shrink`、`flex-basis`",
                tags=("css",),
            ),
            Card(
                "position 有哪些取值?",
                "- `static`、`relative`、`absolute`、`fixed`、`sticky`",
                tags=("css",),
            ),
        ),
        forbidden=("**", "---"),
    ),
    "04-no-ascii-mark-es.md": Expected(
        title="Preguntas de entrevista de JavaScript",
        cards=(
            Card(
                "¿Qué es el hoisting en JS?",
                "Es el comportamiento por el que las declaraciones se mueven al inicio de su"
                " ámbito.",
            ),
            Card(
                "¿Cuál es la diferencia entre let y var?",
                "`let` tiene ámbito de bloque; `var` tiene ámbito de función.\n\nEjemplo:\n\n"
                "```js\nif (true) { let x = 1; }\n```",
            ),
            Card(
                "Explica qué es el event loop.",
                "Es el mecanismo que ejecuta las tareas pendientes cuando la pila de llamadas"
                " queda vacía.",
            ),
            Card(
                "Que es una promesa en JS?",
                "Un objeto que representa el resultado futuro de una operación asíncrona.",
            ),
        ),
        forbidden=("**",),
    ),
    "04-no-ascii-mark-ja.md": Expected(
        title="エンジニア面接でよく聞かれる質問と回答例",
        cards=(
            Card(
                "自己紹介をお願いします",
                "最初に聞かれることが多い質問です。一分程度で簡潔にまとめましょう。\n\n"
                "- **回答例**：\n"
                "  「私は五年間、物流システムのバックエンド開発を担当してきました。」",
            ),
            Card(
                "当社を志望した理由を教えてください",
                "会社の事業と自分の経験を結びつけて話すことが大切です。",
            ),
            Card(
                "チームで意見が対立したとき、どう対応しますか？",
                "まず相手の考えを最後まで聞き、データをもとに判断します。",
            ),
            Card(
                "最近学んだ技術について説明してください",
                "学んだきっかけと、実際にどう使ったかを話しましょう。",
            ),
        ),
        warnings=(
            (
                "## 面接で成功するためのポイント",
                "skipped the section '面接で成功するためのポイント'",
            ),
        ),
        forbidden=(
            "<script",
            "adsbygoogle",
            "<ins",
            "layout: post",
            "career",
            "事前準備を徹底する",
            "結論から話す",
            "ニュース",
        ),
    ),
    "04-no-ascii-mark-ko.md": Expected(
        title="자바 백엔드 기술 면접 질문",
        cards=(
            Card(
                "JVM의 역할을 설명해주세요.",
                "JVM은 바이트코드를 운영체제에 맞는 기계어로 바꾸어 실행하고, 메모리를 관리합니다.",
                tags=("기술-면접",),
            ),
            Card(
                "가비지 컬렉션은 언제 일어나나요?",
                "힙 영역이 부족해지면 더 이상 참조되지 않는 객체를 정리합니다.",
                tags=("기술-면접",),
            ),
            Card(
                "String과 StringBuilder의 차이점을 말씀해 주세요.",
                "`String`은 불변이고, `StringBuilder`는 내용을 바꿀 수 있습니다.",
                tags=("기술-면접",),
            ),
            Card(
                "오버로딩과 오버라이딩의 차이는 무엇인가요?",
                "- 오버로딩: 같은 이름, 다른 매개변수\n"
                "- 오버라이딩: 부모 클래스의 메서드를 자식 클래스가 다시 정의",
                tags=("기술-면접",),
            ),
        ),
    ),
    "04-no-ascii-mark-en.md": Expected(
        title="System Design Interview",
        cards=(
            Card(
                "What is a load balancer?",
                "A server that spreads incoming requests over several backends and stops sending"
                " to the ones that fail their health checks.",
            ),
            Card(
                "Explain consistent hashing.",
                "Keys and servers are placed on the same ring; a key belongs to the next server"
                " clockwise, so adding a server moves only the keys of one arc.",
            ),
            Card(
                "Walk me through what happens when you type a URL into the browser.",
                "1. DNS resolves the name to an address.\n"
                "2. The browser opens a TCP connection and a TLS session.\n"
                "3. It sends the HTTP request and renders the response.",
            ),
            Card(
                "How would you cache a slow API?",
                "Put a cache in front of it keyed by the request, with a short expiry, and serve"
                " stale entries while one request refreshes them.",
            ),
            Card(
                "Sketch a URL shortener.",
                "A table maps short codes to long URLs; codes come from a counter encoded in"
                " base 62, and reads go through a cache.",
            ),
        ),
    ),
    # 5. Category headings become tags; a tips section of numbered statements is no card.
    "05-categories-tips.md": Expected(
        title="Software Engineer Interview Prep",
        cards=(
            Card(
                "Tell me about a time you helped a struggling teammate.",
                "I paired with a new hire for a week on our deployment scripts; by Friday she"
                " shipped her first change alone.",
                tags=("behavioral", "teamwork"),
            ),
            Card(
                "How do you handle disagreements in code review?",
                "I ask for the reasoning first, then we agree on a test that settles the question.",
                tags=("behavioral", "teamwork"),
            ),
            Card(
                "Describe a project you led from start to finish.",
                "I led the move of our billing jobs to a queue: I wrote the plan, split it into"
                " four milestones and ran a weekly demo.",
                tags=("behavioral", "leadership"),
            ),
            Card(
                "What is a race condition?",
                "Two threads touch shared data at the same time, and the result depends on"
                " which one runs first.",
                tags=("technical",),
            ),
        ),
        warnings=(("## Tips", "skipped the section 'Tips'"),),
        forbidden=(
            "Prepare three stories",
            "two minutes",
            "Ask a question at the end",
            "TEAMWORK",
            "LEADERSHIP",
        ),
    ),
    # 6. A chat answer saved as plain text: "Q:"/"A:" lines, "Question:"/"Answer:" labels.
    "06-chat-labels.txt": Expected(
        cards=(
            Card(
                "What is a data lake?",
                "A store that keeps raw data in its original format until someone needs it.",
            ),
            Card(
                "Why would you partition a table?",
                "So that queries read only the partitions they need, for example one day of"
                " events.",
            ),
            Card(
                "How do you make a pipeline idempotent?",
                "Write each run's output to a location keyed by the run date, and overwrite it"
                " on retry instead of appending.",
            ),
            Card(
                "Explain the difference between ETL and ELT.",
                # Two lines of plain text: a line break, however Markdown spells it.
                starts="ETL transforms the data before loading it into the warehouse.",
                holds=("ELT loads the raw data first and transforms it inside the warehouse.",),
                patterns=(r"\A[^\n]*warehouse\.(?:  |\\)?\nELT loads[^\n]*\Z",),
            ),
        ),
        warnings=(("Sure! Here are", CHAT_REMARK),),
        forbidden=("Q:", "A:", "Question:", "Answer:", "Sure!", "practise with"),
    ),
    # 7. Questions as list items: "1. ### Question" and "1. Question?".
    "07-list-headings.md": Expected(
        title="Node.js Interview Questions",
        cards=(
            Card(
                "What is Node.js?",
                "A JavaScript runtime built on the V8 engine that runs JavaScript outside the"
                " browser.",
                tags=("node-js",),
            ),
            Card(
                "What are the kinds of streams?",
                "There are four kinds of streams:\n- Readable\n- Writable\n- Duplex\n- Transform",
                tags=("node-js",),
            ),
            Card(
                "Explain the event loop?",
                "The event loop runs callbacks from its queues whenever the call stack is empty,"
                " so that one thread can serve many connections.\n\n"
                '```js\nsetTimeout(() => console.log("later"), 0);\nconsole.log("now");\n```',
                tags=("node-js",),
            ),
        ),
        forbidden=("Back to Top", "⬆", "#table-of-contents", "###"),
    ),
    "07-list-plain.md": Expected(
        title="Express interview questions",
        cards=(
            Card(
                "What is middleware in Express?",
                "A function that receives the request and the response, and either ends the"
                " cycle or calls `next()`.",
            ),
            Card(
                "How do you handle errors in Express?",
                "Register an error handler with four arguments, `(err, req, res, next)`, after"
                " all the routes.",
            ),
            Card(
                "Explain what app.use() does.",
                "It mounts a middleware for every request whose path starts with the given"
                " prefix.\nWithout a prefix it runs for every request.",
            ),
            Card(
                "Why should async handlers call next(err) instead of throwing?",
                "Express 4 does not catch rejected promises, so the error would never reach the"
                " error handler.",
            ),
        ),
    ),
    # 8. A question table with a further column, and a CSV file with tags and key points.
    "08-table.md": Expected(
        title="Kubernetes FAQ",
        cards=(
            Card(
                "What is a Pod?",
                "The smallest deployable unit: one or more containers that share a network"
                " namespace.\n\n**Notes:** Asked in almost every screen",
            ),
            Card(
                "How does a Service find its Pods?",
                "Through a label selector; the endpoints controller keeps the list up to date.",
            ),
            Card(
                "Explain what a readiness probe does.",
                "It tells the Service when a container may receive traffic.\n\n"
                "A failing probe takes the Pod out of the endpoints.\n\n"
                "**Notes:** Do not confuse it with the liveness probe",
            ),
        ),
        warnings=(("## Probe defaults", "skipped the section 'Probe defaults'"),),
        forbidden=("<br>", "periodSeconds", "timeoutSeconds", "| Question", "**How"),
    ),
    "08-table.csv": Expected(
        cards=(
            Card(
                "What is a primary key?",
                "A column, or set of columns, that identifies each row uniquely.",
                tags=("databases", "sql"),
                key_points=("Unique", "Never null"),
            ),
            Card(
                "Why normalise a schema?",
                "To remove duplicated data, so that an update happens in one place only.",
                tags=("databases", "design"),
                key_points=("Less duplication", "One place to update"),
            ),
            Card(
                "How would you speed up a slow query?",
                # A line break inside the quoted cell, however Markdown spells it.
                starts="Read the query plan first:",
                holds=("look for full scans, then add an index on the filtered columns.",),
                patterns=(r"\ARead the query plan first:(?:  |\\)?\nlook for full scans",),
                tags=("sql", "performance"),
                key_points=("Read the plan", "Index the filter"),
            ),
            Card(
                "Explain ACID.",
                "Atomicity, consistency, isolation, durability.",
                tags=("databases",),
            ),
        ),
        forbidden=("<br>", '"'),
    ),
    # 9. A guide pasted from a chat window inside a ```markdown fence never closed.
    "09-unclosed-fence.md": Expected(
        title="Frontend Interview Guide",
        cards=(
            Card(
                "What is the virtual DOM?",
                "A copy of the page's structure kept in memory. The framework compares the new"
                " copy with the old one and changes only what differs in the real DOM.",
            ),
            Card(
                "Why do list items need keys?",
                "Keys tell the framework which item is which, so that it keeps the state of"
                " each item when the list is reordered.",
            ),
            Card(
                "How do you avoid unnecessary re-renders?",
                "I memoise expensive components, keep state close to where it is used and pass"
                " stable callbacks.",
            ),
        ),
        warnings=(("Here is the interview guide", BEFORE_FIRST),),
        forbidden=("```", "ready to paste", "Answer:", '"'),
    ),
    # 10. Page noise around the questions: none of it on a card.
    "10-noise.md": Expected(
        title="Docker Interview Questions",
        cards=(
            Card(
                "What is a container?",
                "A process isolated with namespaces and limited with cgroups, started from an"
                " image.",
            ),
            Card(
                "What is the difference between an image and a container?",
                "An image is a read-only template; a container is a running instance of it with"
                " its own writable layer.",
            ),
            Card(
                "How do you make a Docker image smaller?",
                "- Start from a slim base image.\n"
                "- Combine `RUN` steps and clean the package cache in the same step.\n"
                "- Copy only what the application needs.",
            ),
            Card(
                "What does a multi-stage build do?",
                "It compiles in one stage and copies only the result into a small final stage:"
                "\n\n```dockerfile\nFROM golang:1.22 AS build\nRUN go build -o /app .\n\n"
                "FROM gcr.io/distroless/base\nCOPY --from=build /app /app\n```",
            ),
        ),
        warnings=(),  # noise is not text left out: nothing to warn of
        forbidden=(
            "Back to Top",
            "⬆",
            "#table-of-contents",
            "shields.io",
            "License",
            "PRs Welcome",
            "adsbygoogle",
            "<script",
            "<ins",
            "<a id",
            "</a>",
            "<div",
            "</div>",
            "layout: post",
            "title:",
            "Table of Contents",
            "(#q",
            "---",
        ),
    ),
    # 11. Inline HTML in answers becomes the Markdown that shows the same.
    "11-inline-html.md": Expected(
        title="Web Security Interview Questions",
        cards=(
            Card(
                "What is XSS?",
                # <br> at a line's end: a line break, however Markdown spells it.
                starts="**Cross-site scripting** lets an attacker run script in another user's"
                " browser.",
                holds=("Escape output with `textContent` instead of `innerHTML`.",),
                patterns=(r"browser\.(?:  |\\)\nEscape output",),
            ),
            Card(
                "How does a CSRF token work?",
                "The server puts a random token in each form and checks it on submit. A forged"
                " request from another site cannot read the token.",
            ),
            Card(
                "Which cookie flags protect a session?",
                "- `HttpOnly`: scripts cannot read the cookie\n"
                "- `Secure`: sent over HTTPS only\n"
                "- `SameSite`: not sent with cross-site requests",
            ),
            Card(
                "What is a Content Security Policy?",
                "A response header that lists where scripts may come from: *anything else is"
                " blocked*.\n\nStart in **report-only** mode.",
            ),
        ),
        forbidden=(
            "<b>",
            "</b>",
            "<br",
            "<code>",
            "</code>",
            "<p>",
            "</p>",
            "<ul>",
            "<li>",
            "</li>",
            "<i>",
            "<strong>",
        ),
    ),
    # 12. A saved FAQ page: <h2> categories, <h3> questions, <p> answers, site chrome.
    "12-faq-page.html": Expected(
        title="Frequently Asked Interview Questions",
        cards=(
            Card(
                "What is the difference between TCP and UDP?",
                "TCP delivers bytes in order and resends lost packets; UDP sends independent"
                " datagrams with no delivery guarantee.",
                tags=("networking",),
            ),
            Card(
                "What happens during a TLS handshake?",
                "The client and the server agree on a cipher suite, the server proves its"
                " identity with a certificate, and both derive the session keys.",
                tags=("networking",),
            ),
            Card(
                "What is the difference between a process and a thread?",
                "A process has its own address space.\n\nThe threads of one process share that"
                " address space: they can share data, but need locks.",
                tags=("operating-systems",),
            ),
            Card(
                "Explain what a deadlock is.",
                "Two threads each hold a lock that the other needs, so neither can go on. Avoid"
                " it by always taking locks in the **same order**.",
                tags=("operating-systems",),
            ),
        ),
        warnings=(),  # navigation and footer are site chrome, not text left out
        forbidden=(
            "Home",
            "Sign in",
            "Jobs",
            "©",
            "All rights reserved",
            "Privacy",
            "Terms",
            "font-family",
            "dataLayer",
            "CareerDesk",
            "<p>",
            "<h3>",
            "<strong>",
        ),
    ),
    # The chat-written guide the importer was first made for.
    "13-chat-guide.md": Expected(
        title="Culture Fit Q&A for Northwind",
        subtitle="Platform Team",
        cards=(
            Card(
                "Why do you want to join Northwind?",
                "I like that the platform team treats reliability as a product. I want to build"
                " tools that other engineers trust on their worst day.",
                key_points=("Reliability as a product", "Tools other engineers *trust*"),
            ),
            Card(
                "Why does on-call matter to you?",
                "On-call is where design choices meet reality. Carrying the pager keeps me"
                " honest about the systems I build.",
            ),
            Card(
                "Why should we pick you over other candidates?",
                "I have run the kind of migration you are planning, and I know where it hurts:"
                " the backfill and the rollback plan.",
                key_points=("Relevant migration experience", "Knows the failure modes"),
            ),
        ),
        themes=(
            ("Reliability", "Treat every incident as a lesson, not a blame."),
            ("Ownership", "Follow the work into production."),
            ("Clarity", "Say the trade-off out loud."),
        ),
        warnings=(("Absolutely!", CHAT_REMARK),),
        forbidden=("Answer:", "Key Points", "“", "”", "🔹", "🎯", "Absolutely", "---"),
    ),
    # Exercise prompts numbered in bold ("**1)** The number of…"), statements, not questions.
    "15-exercise-prompts.md": Expected(
        title="Data science take-home questions",
        cards=(
            Card(
                "The number of open orders.",
                "```sql\nSELECT count(*) FROM Orders WHERE status = 'open';\n```",
                tags=("sql",),
            ),
            Card(
                "The customers with more than three orders. A customer counts once.",
                "```sql\nSELECT customer_id FROM Orders GROUP BY customer_id HAVING count(*) > 3;"
                "\n```",
                tags=("sql",),
            ),
            Card(
                "Reverse. Reverse a string without slicing.",
                '```python\ndef reverse(text):\n    return "".join(reversed(text))\n```',
                tags=("coding",),
            ),
            Card(
                "Mean. Compute the mean of a list of numbers.",
                "```python\ndef mean(numbers):\n    return sum(numbers) / len(numbers)\n```",
                tags=("coding",),
            ),
        ),
        warnings=(
            ("Given a table", "skipped the text under 'SQL'"),
            (
                "**3) Median**",
                "question 'Median. Compute the median of a list of numbers.' has no answer;"
                " left out",
            ),
        ),
        forbidden=("**", "<br", "TODO"),
    ),
    # A chat answer: numbered questions, the answer on the next line, the assistant's
    # words before and after.
    "16-chat-numbered.txt": Expected(
        cards=(
            Card(
                "What is an SLO?",
                "A target for a service level indicator over a window, such as 99.9% of"
                " requests served in under 300 ms over 28 days.",
            ),
            Card(
                "What is an error budget?",
                "The amount of unreliability the SLO allows. When it is spent, the team slows"
                " releases and works on reliability.",
            ),
            Card(
                "How do you write a good postmortem?",
                "Describe the impact, the timeline and the causes without blame, then list"
                " actions with owners.",
            ),
        ),
        warnings=(("Sure! Here are", CHAT_REMARK), ("These are just", CHAT_REMARK)),
        forbidden=("Sure!", "These are just", "good luck", "1.", "2.", "3."),
    ),
    # Sections titled by an emoji line after a rule, "Q1." restarting in each, "⸻" rules.
    "17-emoji-sections.md": Expected(
        cards=(
            Card(
                "what’s the difference between an image and a container?",
                starts="- \tanswer: image = blueprint (read-only layers).",
                holds=("why: shows you know the lifecycle.",),
                tags=("docker-container-basics",),
            ),
            Card(
                "how do volumes differ from bind mounts?",
                starts="- \tanswer: volumes are managed by docker",
                holds=("how: volumes for databases, bind mounts for local development.",),
                tags=("docker-container-basics",),
            ),
            Card(
                "what are configmaps vs secrets?",
                "- \tanswer: configmaps hold plain settings; secrets hold tokens and passwords.",
                tags=("kubernetes-k8s",),
            ),
        ),
        warnings=(("✅ must-know", "skipped the section 'must-know for interviews'"),),
        forbidden=("🔹", "✅", "⸻", "must-know", "Q1", "Q2"),
    ),
    # "* question" with "** answer" lines under it, as wiki and Jira notes nest bullets.
    "18-wiki-bullets.md": Expected(
        title="SRE interview: networking",
        cards=(
            Card("How many usable addresses in a /29", "- 6", tags=("ip-addressing",)),
            Card(
                "What is RFC 1918",
                "- Private address space\n- 10/8, 172.16/12 and 192.168/16",
                tags=("ip-addressing",),
            ),
            Card(
                "What are the common load-balancing methods?",
                "- Round robin\n- Least connections",
                tags=("load-balancing",),
            ),
        ),
        warnings=(
            ("1. What is anycast?", "question 'What is anycast?' has no answer; left out"),
            ("2. What is ECMP?", "question 'What is ECMP?' has no answer; left out"),
            ("## References", "skipped the section 'References'"),
        ),
        forbidden=("**", "example.org"),
    ),
    # A blog post: front matter, plain-paragraph questions (some imperatives with bold
    # words), one-bullet answers, an answer still to be written.
    "19-imperative-paragraphs.md": Expected(
        title="Statistics",
        cards=(
            Card(
                "Explain the significance of the p-value in hypothesis testing.",
                "- The probability of results at least as extreme as those observed, if the"
                " null hypothesis holds.",
            ),
            Card(
                "How would you use linear regression to forecast demand?",
                "- Fit demand against price and season, check the residuals, then predict from"
                " the fitted line.",
            ),
            Card(
                "Describe a situation where the median is better than the mean.",
                "- Skewed data such as incomes: a few very large values pull the mean up.",
            ),
        ),
        warnings=(
            (
                "What is a confidence interval?",
                "question 'What is a confidence interval?' has no answer; left out",
            ),
        ),
        forbidden=("layout:", "TBD", "Statistics interview prep"),
    ),
    # A saved help page: its buttons and link tooltips are no part of what it says.
    "20-faq-buttons.html": Expected(
        title="Frequently asked questions",
        cards=(
            Card(
                "How do I reset my password?",
                "Use the [reset page](https://example.org/reset) and follow the link in the"
                " e-mail.",
            ),
            Card("Can I change my username?", "Yes, once a month, from the account settings."),
        ),
        warnings=None,
        forbidden=("Home", "Print this page", "Reset your password now", "btn", "index.php"),
    ),
    # A Word file: "Heading 2" categories, bold questions, paragraphs, a list and a table.
    WORD: Expected(
        title="Product Manager Interview Questions",
        cards=(
            Card(
                "How do you decide what to build next?",
                "I start from the problem that costs our users the most, then weigh it against"
                " effort and strategy.\n\n"
                "- Talk to five customers\n- Check the usage data\n- Write a one-page brief",
                tags=("strategy",),
            ),
            Card(
                "How do you measure the success of a feature?",
                # A table whose first row is its header; only the spacing is the writer's.
                starts="I pick one metric that the feature should move, and a guardrail that it"
                " must not harm.\n\n|",
                patterns=(
                    r"harm\.\n\n\| *Metric *\| *Target *\|\n\| *:?-{3,}:? *\| *:?-{3,}:? *\|\n"
                    r"\| *Activation *\| *40% *\|\n\| *Churn *\| *below 3% *\|\Z",
                ),
                tags=("strategy",),
            ),
            Card(
                "Tell me about a launch that went wrong.",
                "A pricing page shipped with the old prices in one region. We rolled back within"
                " an hour and added a check to the release list.",
                tags=("execution",),
            ),
            Card(
                "Why do you want to be a product manager?",
                "Because I enjoy deciding what not to build as much as building it.",
                tags=("execution",),
            ),
        ),
        forbidden=("**", "<p>", "<table>", "<li>", "<strong>"),
    ),
}


def _write_word(path: Path) -> Path:
    """The Word fixture, as someone writes it in Word: styles, bold runs, a list, a table."""
    import docx

    document = docx.Document()
    document.add_heading("Product Manager Interview Questions", level=1)

    def question(text: str) -> None:
        document.add_paragraph().add_run(text).bold = True

    document.add_heading("Strategy", level=2)
    question("How do you decide what to build next?")
    document.add_paragraph(
        "I start from the problem that costs our users the most, then weigh it against"
        " effort and strategy."
    )
    for item in ("Talk to five customers", "Check the usage data", "Write a one-page brief"):
        document.add_paragraph(item, style="List Bullet")
    question("How do you measure the success of a feature?")
    document.add_paragraph(
        "I pick one metric that the feature should move, and a guardrail that it must not harm."
    )
    table = document.add_table(rows=3, cols=2)
    table.style = "Table Grid"
    rows = (("Metric", "Target"), ("Activation", "40%"), ("Churn", "below 3%"))
    for row, cells in zip(table.rows, rows, strict=True):
        for cell, text in zip(row.cells, cells, strict=True):
            cell.text = text
    document.add_heading("Execution", level=2)
    question("Tell me about a launch that went wrong.")
    document.add_paragraph(
        "A pricing page shipped with the old prices in one region. We rolled back within an"
        " hour and added a check to the release list."
    )
    question("Why do you want to be a product manager?")
    document.add_paragraph("Because I enjoy deciding what not to build as much as building it.")
    document.save(str(path))
    return path


def _document(name: str, folder: Path) -> Path:
    if name == WORD:
        return _write_word(folder / name)
    return SHAPES / name


def _import(runner: CliRunner, source: Path, output: Path) -> tuple[str, str]:
    result = runner.invoke(main, ["import", str(source), "-o", str(output), "--force"])
    assert result.exit_code == 0, f"import failed:\n{result.stderr}{result.stdout}"
    return result.stdout, result.stderr


def _line_of(source: Path, start: str) -> int:
    """The number of the first line of `source` that starts with `start`."""
    lines = source.read_text(encoding="utf-8").split("\n")
    numbers = [number for number, line in enumerate(lines, 1) if line.startswith(start)]
    assert numbers, f"no line of {source.name} starts with {start!r}"
    return numbers[0]


def _expected_warnings(source: Path, expected: Expected) -> list[str]:
    assert expected.warnings is not None
    return [
        f"{source}: warning: {message}"
        if start is None
        else f"{source}:{_line_of(source, start)}: warning: {message}"
        for start, message in expected.warnings
    ]


def _answer_problems(card: Card, answer: str) -> list[str]:
    problems = []
    if card.answer is not None and answer != card.answer:
        problems.append(f"answer\n      got: {answer!r}\n expected: {card.answer!r}")
    if card.starts is not None and not answer.startswith(card.starts):
        problems.append(f"answer start\n      got: {answer!r}\n expected: {card.starts!r}…")
    problems += [
        f"answer lacks {passage!r}: {answer!r}" for passage in card.holds if passage not in answer
    ]
    problems += [
        f"answer does not match {pattern!r}: {answer!r}"
        for pattern in card.patterns
        if not re.search(pattern, answer)
    ]
    return problems


def _card_texts(deck: Deck) -> list[str]:
    texts = []
    for question in deck.questions:
        texts += [question.question, question.answer, *question.key_points]
    for theme in deck.themes:
        texts += [theme.title, theme.summary]
    return texts


def _problems(deck: Deck, expected: Expected) -> list[str]:
    """Every way `deck` differs from `expected`, so that one run shows them all."""
    problems = []
    fronts = [question.question for question in deck.questions]
    wanted = [card.front for card in expected.cards]
    if fronts != wanted:
        problems.append(f"fronts\n      got: {fronts}\n expected: {wanted}")
    by_front = {question.question: question for question in deck.questions}
    for card in expected.cards:
        question = by_front.get(card.front)
        if question is None:
            continue
        found = [f"[{card.front}] {p}" for p in _answer_problems(card, question.answer)]
        if question.tags != card.tags:
            found.append(f"[{card.front}] tags {question.tags} != {card.tags}")
        if question.key_points != card.key_points:
            found.append(f"[{card.front}] key points {question.key_points} != {card.key_points}")
        problems += found
    themes = tuple((theme.title, theme.summary) for theme in deck.themes)
    if themes != expected.themes:
        problems.append(f"themes {themes} != {expected.themes}")
    if expected.title is not None and deck.title != expected.title:
        problems.append(f"title {deck.title!r} != {expected.title!r}")
    if expected.subtitle is not None and deck.subtitle != expected.subtitle:
        problems.append(f"subtitle {deck.subtitle!r} != {expected.subtitle!r}")
    for text in _card_texts(deck):
        problems += [
            f"noise {noise!r} on a card: {text!r}" for noise in expected.forbidden if noise in text
        ]
    return problems


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_shape_imports_as_a_reader_expects(runner: CliRunner, tmp_path: Path, name: str) -> None:
    expected = DOCUMENTS[name]
    source = _document(name, tmp_path)
    output = tmp_path / "deck.yaml"
    stdout, stderr = _import(runner, source, output)
    problems = _problems(load_deck(output), expected)
    if expected.warnings is not None:
        wanted = _expected_warnings(source, expected)
        if stderr.splitlines() != wanted:
            problems.append(f"warnings\n      got: {stderr.splitlines()}\n expected: {wanted}")
    counts = f"{len(expected.cards)} questions, {len(expected.themes)} themes"
    if stdout != f"wrote {output}: {counts}\n":
        problems.append(f"stdout {stdout!r}, expected {counts}")
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("name", list(DOCUMENTS))
def test_imported_shape_builds_and_anki_imports_every_note(
    runner: CliRunner, tmp_path: Path, name: str
) -> None:
    expected = DOCUMENTS[name]
    data = tmp_path / "data" / "deck.yaml"
    _import(runner, _document(name, tmp_path), data)
    result = runner.invoke(main, ["build", str(data), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    deck = load_deck(data)
    imported = import_apkg(tmp_path / "out" / f"{deck.id}.apkg", tmp_path / "c.anki2")
    try:
        log = imported.log
        for problem in ("duplicate", "conflicting", "missing_notetype", "empty_first_field"):
            assert len(getattr(log, problem)) == 0, problem
        new = len(log.new)  # type: ignore[attr-defined]
        notes = len(expected.cards) + len(expected.themes)
        assert (new, len(imported.notes())) == (notes, notes)
    finally:
        imported.collection.close()
