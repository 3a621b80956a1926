"""Ask the course (issue 47): does the offline tutor find the section that answers a learner's
question, and decline the questions its sources do not answer?

Inputs: the 18 documentation trees of ../shared/corpora and the questions of bench/ask_questions/
(per book: 7 whose answer is in one known section — path and heading — and 3 the book does not
answer, each checked by searching the book; written from the books, never from the engine's
output). The halves are the order benchmark's (bench/order_books.py), fixed before any work on
the tutor: its rules and constants were tuned on the tuning half only.

Each book is indexed as a course's sources are (services/gateway/ask/index.py: every document
file cut into sections, kept in a real PostgreSQL) and each question answered as the endpoint
answers it offline (retrieve.py, extractive.py).

Value (the held-out half, the headline): hit@3 (the expected section among the passages quoted,
for answerable questions), unanswerable questions declined, and citation precision (of the
passages quoted for answerable questions, the share that are the expected section: a lower
bound, as a question may have more than one good section). Baseline: the same over the tuning
half. Also: answer latency p95 (retrieval and the answer, PostgreSQL included) on one index of
the two largest held-out books together, about 250 documents.
Targets (issue 47): hit@3 ≥ 0.8, declined ≥ 0.9, p95 < 500 ms."""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

import asyncpg

from services.gateway.ask.extractive import extractive_answer, passages
from services.gateway.ask.index import store
from services.gateway.ask.retrieve import retrieve
from services.gateway.ask.sections import SourceSection, cut
from services.gateway.projection.schema import ddl
from shared.docs.formats import format_of
from shared.docs.parsing import parse

from .common import Context, Row, percentile
from .order_books import HELD_OUT, SPLIT, TUNING

NAME = "ask"
QUESTIONS = Path(__file__).resolve().parent / "ask_questions"
SCHEMA = "ask_bench"
TARGET_HIT, TARGET_DECLINED, TARGET_P95_MS = 0.8, 0.9, 500.0


@dataclass(frozen=True)
class Outcome:
    book: str
    half: str
    answerable: bool
    hit: bool          # answerable: expected section among the passages; else: declined
    declined: bool
    cited: int
    cited_right: int
    ms: float


def _letters(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


def book_sections(root: Path) -> list[SourceSection]:
    sections: list[SourceSection] = []
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if format_of(relative) is None or any(part.startswith(".") for part in Path(relative).parts):
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        if len(text) > 2_000_000:
            continue
        sections += cut(parse(relative, text), text)
    return sections


async def index_book(conn: asyncpg.Connection, key: str, sections: list[SourceSection]):
    async with conn.transaction():
        return await store(conn, SCHEMA, key, sections, {}, time.monotonic())


async def ask_all(pool: asyncpg.Pool, info, book: str, half: str, questions: list[dict]) -> list[Outcome]:
    outcomes = []
    for q in questions:
        started = time.perf_counter()
        retrieval = await retrieve(pool, SCHEMA, info, q["question"])
        quoted = passages(retrieval) if retrieval.covered else []
        extractive_answer(quoted)
        ms = (time.perf_counter() - started) * 1000
        answerable = q.get("answerable", True)
        right = [p for p in quoted if answerable and p.path == q["path"]
                 and _letters(p.heading) == _letters(q["heading"])]
        outcomes.append(Outcome(book, half, answerable, bool(right) if answerable else not retrieval.covered,
                                not retrieval.covered, len(quoted), len(right), ms))
    return outcomes


def figures(outcomes: list[Outcome]) -> dict:
    answerable = [o for o in outcomes if o.answerable]
    unanswerable = [o for o in outcomes if not o.answerable]
    cited = sum(o.cited for o in answerable)

    def share(part: int, whole: int) -> float | None:
        return round(part / whole, 3) if whole else None
    return {"questions": len(outcomes), "hit_at_3": share(sum(o.hit for o in answerable), len(answerable)),
            "declined": share(sum(o.declined for o in unanswerable), len(unanswerable)),
            "answerable_declined": share(sum(o.declined for o in answerable), len(answerable)),
            "citation_precision": share(sum(o.cited_right for o in answerable), cited)}


def load_questions() -> dict[str, list[dict]]:
    return {path.stem: json.loads(path.read_text())["questions"] for path in sorted(QUESTIONS.glob("*.json"))}


async def measure(url: str, halves: tuple[str, ...] = (HELD_OUT, TUNING)) -> tuple[list[Outcome], list[float], dict]:
    questions = load_questions()
    books = [b for b in SPLIT if b.source == "corpora" and b.half in halves and b.name in questions
             and b.root.is_dir()]
    pool = await asyncpg.create_pool(url, min_size=1, max_size=4)
    try:
        async with pool.acquire() as conn:
            await conn.execute(ddl(SCHEMA))
        outcomes: list[Outcome] = []
        indexed = {}
        for book in books:
            sections = book_sections(book.root)
            async with pool.acquire() as conn:
                info = await index_book(conn, book.name, sections)
            indexed[book.name] = sections
            outcomes += await ask_all(pool, info, book.name, book.half, questions[book.name])
        # Latency on one course of about 250 documents: the two largest held-out books as one index.
        largest = sorted((b for b in books if b.half == HELD_OUT), key=lambda b: -len(indexed[b.name]))[:2]
        together = [s for b in largest for s in indexed[b.name]]
        async with pool.acquire() as conn:
            info = await index_book(conn, "+".join(b.name for b in largest), together)
        latencies: list[float] = []
        for b in largest:
            latencies += [o.ms for o in await ask_all(pool, info, b.name, b.half, questions[b.name])]
        course = {"books": [b.name for b in largest], "documents": len({s.path for s in together}),
                  "sections": len(together)}
        return outcomes, latencies, course
    finally:
        await pool.close()


async def run(ctx: Context) -> Row:
    started = time.perf_counter()
    outcomes, latencies, course = await measure(await ctx.database("ask"))
    held = figures([o for o in outcomes if o.half == HELD_OUT])
    tuning = figures([o for o in outcomes if o.half == TUNING])
    p95 = round(percentile(latencies, 0.95), 1) if latencies else None
    value = [held["hit_at_3"], held["declined"], held["citation_precision"], p95]
    baseline = [tuning["hit_at_3"], tuning["declined"], tuning["citation_precision"], None]

    def ratio(a, b):
        return round(a / b, 2) if a is not None and b else None
    meets = (held["hit_at_3"] or 0) >= TARGET_HIT and (held["declined"] or 0) >= TARGET_DECLINED \
        and p95 is not None and p95 < TARGET_P95_MS
    print(f"[bench] ask: held-out {held}; tuning {tuning}; p95 {p95} ms on {course}", flush=True)
    return Row(NAME, value, "held-out: hit@3 / unanswerable declined / citation precision / p95 ms",
               baseline, [ratio(a, b) for a, b in zip(value, baseline)],
               "hit@3 ≥ 0.8, declined ≥ 0.9, p95 < 500 ms", meets,
               f"{held['questions']} held-out, {tuning['questions']} tuning questions; latency on "
               f"{course['documents']} documents ({', '.join(course['books'])})",
               details={"held_out": held, "tuning": tuning, "latency_course": course, "p95_ms": p95,
                        "seconds": round(time.perf_counter() - started, 1)})
