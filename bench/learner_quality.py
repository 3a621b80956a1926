"""learner-quality — what a learner meets in the course the offline engines write (issue 44), per
book, on the books of the order benchmark split once into a tuning and a held-out half
(bench/order_books.py: the split, its rule and its date; never changed): each book goes through
stage 1's scan, stage 2's offline analysis (its includes read from the book's own folder, as stage 1
packs them), stage 3's planner and stage 4's module writer in this process
(tests/support/offline_course.py), and every module of the first pathway is read:

- pointers: sentences quoted alone (in an introduction, key points, the conclusion and summary, a
  question's prompt, options and explanation) that point at something beside them on their page
  ("like this:", "the table below": shared/docs/pointers.py), which the learner cannot see — a
  paragraph introducing the list, table or code right after it is with what it points at;
- leaks: include directives left as text anywhere in a module outside code (`{!…!}`, `--8<--`,
  `{* … *}`, `{{#include`, `include::`, `<<< @/`, `literalinclude`, raw-loader imports; a page
  about includes shows them in code blocks);
- location questions: questions that ask where a line or command is ("Which line of code belongs to
  the example …", "Which command does … run for “…”") instead of what it does;
- kinds: how many forms of question a course has (definition, fill-in, what-is, true/false,
  command, code line, other), the fewest over the half's books;
- flawed: the share of questions breaking an item-writing rule (services/modules/engine/question_flaws.py);
- objectives: the share of the modules' learning objectives that parse as a verb and its object by
  the part-of-speech tagger and lexicon of services/doc_analyser/engine/grammar.py (stage 2 keeps
  only such objectives: this checks that they survive to the learner, and the payload gives the
  fewest objectives of a module, so that a gate emptying the lists would show).

Value (the headline, held-out half): [pointers, leaks, location questions, fewest kinds, % flawed,
% objectives verb + object]. Baseline: the same figures over the tuning half. Target (issue 44): no
pointer quoted alone, no leak, no location question, at least three kinds per course, under 10 %
flawed, at least 95 % of objectives verb + object. Deterministic: no timing."""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from services.doc_analyser.engine.grammar import is_verb_and_object
from services.modules.engine.question_flaws import FlawCount
from services.modules.engine.sources import sentences
from shared import linear_regex
from shared.course_content import ModuleContent, Question
from shared.docs.pointers import points_beside
from tests.support.offline_course import course_of_checkout

from .common import Context, Row
from .order_books import HELD_OUT, TUNING, OrderBook, present

NAME = "learner-quality"
FEWEST_KINDS = 3
TARGET_FLAWED = 0.10
TARGET_VERB_OBJECT = 0.95
QUICK_BOOKS = 4  # --quick: the first books of each half

_LEAK = linear_regex.compile(
    r"\{!>?\s*[^\s!{}]+[^{}\n]*!\}|--8<--|\{\*\s*[^\s*{}]+\.\w+[^{}\n]*\*\}|\{\{#(?:rustdoc_)?include|\binclude::"
    r"|<<<\s*@/|\bliteralinclude\b|!!raw-loader!")
# Kinds of question by the form of their prompt (services/modules/engine/questions.py writes these).
_KINDS = (("location", linear_regex.compile(r"^Which line of code belongs to the example|^Which command does .* run for “")),
          ("definition", linear_regex.compile(r"^Which term does ")),
          ("fill-in", linear_regex.compile(r"^Fill in the blank")),
          ("true/false", linear_regex.compile(r"^True or false")),
          ("command", linear_regex.compile(r"^Which (?:install )?command ")),
          ("what-is", linear_regex.compile(r"^What (?:is|are|does) ")))


def kind_of(question: Question) -> str:
    return next((kind for kind, form in _KINDS if form.search(question.prompt)), "other")


_DOCUMENT_LIST_ITEM = linear_regex.compile(r"^- `[^`]+`: .*$", linear_regex.MULTILINE)


def quoted_alone(content: ModuleContent) -> list[str]:
    """The texts of a module that quote sentences without their surroundings (not the list of its
    documents by title, nor options that are code, nor a paragraph introducing what follows it)."""
    texts = [_DOCUMENT_LIST_ITEM.sub("", without_shown(content.introduction)),
             *map(without_shown, (content.conclusion, content.summary)), *content.key_points]
    for q in content.assessment:
        texts += [q.prompt, q.explanation, *([] if q.options_are_code else q.options)]
    return texts


_SHOWN_NEXT = linear_regex.compile(r"^(?:[-*+] |\d+[.)] |\||```|~~~|    )")


def without_shown(text: str) -> str:
    """`text` without the paragraphs that introduce what comes right after them in it (a list, a
    table, code): those point at something the learner sees."""
    paragraphs = text.split("\n\n")
    return "\n\n".join(p for p, following in zip(paragraphs, [*paragraphs[1:], ""])
                       if not (p.rstrip().endswith(":") and _SHOWN_NEXT.search(following.lstrip("\n"))))


_FENCED = linear_regex.compile(r"(?m)^ {0,3}(?:```|~~~)[^\n]*\n(?:[^\n]*\n)*? {0,3}(?:```|~~~)[ \t]*$")
_CODE_SPAN = linear_regex.compile(r"`[^`\n]+`")


def prose_of(content: ModuleContent) -> list[str]:
    """Everything a module shows outside code (a directive shown as code is an example of it)."""
    texts = [content.introduction, content.conclusion, content.summary, *content.key_points,
             *(s.body_markdown for s in content.sections)]
    for q in content.assessment:
        texts += [q.prompt, q.explanation, *([] if q.options_are_code else q.options)]
    return [_CODE_SPAN.sub("", _FENCED.sub("", text)) for text in texts]


@dataclass
class BookQuality:
    book: OrderBook
    pointers: list[str] = field(default_factory=list)
    leaks: int = 0
    kinds: Counter = field(default_factory=Counter)
    flaws: FlawCount = field(default_factory=FlawCount)
    objectives: int = 0
    not_verb_object: list[str] = field(default_factory=list)
    fewest_objectives: int | None = None

    def add(self, content: ModuleContent) -> None:
        self.objectives += len(content.learning_objectives)
        self.not_verb_object += [o for o in content.learning_objectives if not is_verb_and_object(o)]
        self.fewest_objectives = min(len(content.learning_objectives), self.fewest_objectives
                                     if self.fewest_objectives is not None else len(content.learning_objectives))
        for text in quoted_alone(content):
            self.pointers += [s for s in sentences(text) if points_beside(s)]
        self.leaks += sum(len(_LEAK.findall(text)) for text in prose_of(content))
        self.kinds.update(kind_of(q) for q in content.assessment)
        self.flaws.add(content.assessment)

    def as_payload(self) -> dict:
        return {"half": self.book.half, "format": self.book.format, "pointers": len(self.pointers),
                "pointer_examples": self.pointers[:3], "leaks": self.leaks,
                "questions_by_kind": dict(self.kinds), "flawed": self.flaws.as_payload(),
                "objectives": self.objectives, "fewest_objectives_of_a_module": self.fewest_objectives,
                "not_verb_object": self.not_verb_object[:5]}


def measure(book: OrderBook) -> BookQuality:
    quality = BookQuality(book)
    for content in course_of_checkout(book.root).contents:
        quality.add(content)
    return quality


def figures(results: list[BookQuality]) -> list:
    """[pointers, leaks, location questions, fewest kinds, % flawed, % objectives verb + object]
    over `results`."""
    if not results:
        return [None] * 6
    flaws = FlawCount()
    for r in results:
        flaws.checked += r.flaws.checked
        flaws.flawed += r.flaws.flawed
    return [sum(len(r.pointers) for r in results), sum(r.leaks for r in results),
            sum(r.kinds["location"] for r in results),
            min(len([k for k in r.kinds if k != "location"]) for r in results), round(100 * flaws.rate, 1),
            _share(sum(r.objectives - len(r.not_verb_object) for r in results), sum(r.objectives for r in results))]


def _share(part: int, whole: int) -> float | None:
    return round(100 * part / whole, 1) if whole else None


def meets(figures_: list) -> bool:
    pointers, leaks, location, kinds, flawed, verb_object = figures_
    return (pointers == 0 and leaks == 0 and location == 0 and kinds is not None and kinds >= FEWEST_KINDS
            and flawed is not None and flawed < 100 * TARGET_FLAWED
            and verb_object is not None and verb_object >= 100 * TARGET_VERB_OBJECT)


async def run(ctx: Context) -> Row:
    books, missing = present()
    halves = {half: [b for b in books if b.half == half] for half in (TUNING, HELD_OUT)}
    if ctx.quick:
        halves = {half: found[:QUICK_BOOKS] for half, found in halves.items()}
    results = {half: [measure(book) for book in found] for half, found in halves.items()}
    held_out, tuning = figures(results[HELD_OUT]), figures(results[TUNING])
    for half, found in results.items():
        for r in found:
            print(f"[bench] learner-quality {half} {r.book.name}: {len(r.pointers)} pointers, {r.leaks} leaks, "
                  f"kinds {dict(r.kinds)}, {r.flaws.flawed} of {r.flaws.checked} flawed, "
                  f"{r.objectives - len(r.not_verb_object)} of {r.objectives} objectives verb + object", flush=True)
    unit = ("pointers quoted alone, directive leaks, location questions, fewest question kinds, % flawed, "
            "% objectives verb + object")
    note = None if not missing else f"missing here: {', '.join(b.name for b in missing)}"
    return Row(NAME, held_out, unit, tuning, None,
               f"0, 0, 0, ≥ {FEWEST_KINDS}, < {100 * TARGET_FLAWED:g} %, ≥ {100 * TARGET_VERB_OBJECT:g} % (held-out)",
               meets(held_out), note,
               details={"held_out": held_out, "tuning": tuning,
                        "books": {r.book.name: r.as_payload() for found in results.values() for r in found}})
