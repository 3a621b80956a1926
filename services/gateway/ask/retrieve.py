"""The sections of a course's sources that answer a question, best first, and whether any does.

PostgreSQL finds the sections holding any of the question's words (its full-text vectors,
index.py); they are ranked here by BM25 (the usual ranking of full-text search: a word counts for
more the fewer sections hold it, a match counts less in a long section), a match in a heading
counting most and one in the document's title least.

Whether the sources answer at all: each of the question's words weighs by its rarity in the
sources (a word they never use weighs most). A question about something the sources never mention
has much of its weight in words they never use (a product, a feature, a language they do not
document): over MAX_UNKNOWN_SHARE of it, the question is declined rather than answered with the
nearest page; so is one whose best section holds less than MIN_COVERAGE of it."""
from __future__ import annotations

import math
from dataclasses import dataclass

import asyncpg

from ..projection.schema import checked
from .index import CONFIGURATION, IndexInfo

MAX_QUESTION_WORDS = 32
CANDIDATES = 200            # sections ranked, of those holding a word of the question
K1, B = 1.2, 0.75           # BM25's usual saturation and length normalisation
# How much a match counts by where it is (the vector's weight letters, index.py).
WEIGHTS = {"A": 3.0, "B": 1.0, "C": 1.0, "D": 1.0}
# Declined: a question with this share of its word weight in words the sources never use, or whose
# best section holds less than MIN_COVERAGE of it.
MAX_UNKNOWN_SHARE = 0.3
MIN_COVERAGE = 0.2
# Sections shown beside the best one: those scoring at least this share of its score.
RELATED_SHARE = 0.6
MAX_PASSAGES = 3
# A section of the module being read ranks as if it scored this much more.
MODULE_BOOST = 1.15


@dataclass(frozen=True)
class Found:
    ordinal: int
    path: str
    title: str
    heading: str
    anchor: str
    start_line: int
    end_line: int
    quote: str
    body: str
    code: str
    score: float
    coverage: float
    matched: tuple[str, ...]   # the question's words the section holds


@dataclass(frozen=True)
class Retrieval:
    words: tuple[str, ...]       # the question's words, as the index stems them
    found: tuple[Found, ...]     # best first, at most MAX_PASSAGES
    covered: bool                # whether the sources answer the question (not declined)
    unknown: float = 0.0         # the share of the question's word weight in words the sources never use


async def question_words(conn: asyncpg.Connection | asyncpg.Pool, question: str) -> tuple[str, ...]:
    rows = await conn.fetch(
        f"SELECT u.lexeme FROM unnest(to_tsvector('{CONFIGURATION}', $1)) u ORDER BY u.positions[1]",
        question[:4000])
    return tuple(r["lexeme"] for r in rows)[:MAX_QUESTION_WORDS]


async def retrieve(pool: asyncpg.Pool, schema: str, index: IndexInfo, question: str,
                   module_paths: frozenset[str] = frozenset(), limit: int = MAX_PASSAGES) -> Retrieval:
    s = checked(schema)
    async with pool.acquire() as conn:
        words = await question_words(conn, question)
        if not words:
            return Retrieval(words, (), False)
        rarity = {r["lexeme"]: r["sections"] for r in await conn.fetch(
            f"SELECT lexeme, sections FROM {s}.ask_terms WHERE source_key = $1 AND lexeme = ANY($2::text[])",
            index.key, list(words))}
        matches = await conn.fetch(
            f"""WITH hit AS (
                    SELECT x.ordinal, x.length, x.tsv FROM {s}.ask_sections x
                    WHERE x.source_key = $1 AND x.tsv @@ to_tsquery('simple',
                          (SELECT string_agg(quote_literal(w), ' | ') FROM unnest($2::text[]) w)))
                SELECT hit.ordinal, hit.length, u.lexeme, u.weights
                FROM hit, unnest(hit.tsv) u WHERE u.lexeme = ANY($2::text[])""",
            index.key, list(words))
        scored = _ranked(matches, words, rarity, index)
        unknown = unknown_share(words, rarity, index.sections)
        if not scored:
            return Retrieval(words, (), False, unknown)
        paths = {}
        if module_paths:
            paths = {r["ordinal"]: r["path"] for r in await conn.fetch(
                f"SELECT ordinal, path FROM {s}.ask_sections WHERE source_key = $1 AND ordinal = ANY($2::int[])",
                index.key, [ordinal for ordinal, *_ in scored[:CANDIDATES]])}
        ranked = sorted(scored[:CANDIDATES], key=lambda item: -item[1] * (
            MODULE_BOOST if paths.get(item[0]) in module_paths else 1.0))
        best = ranked[0][1]
        chosen = [item for item in ranked[:limit] if item[1] >= best * RELATED_SHARE] or ranked[:1]
        rows = {r["ordinal"]: r for r in await conn.fetch(
            f"""SELECT ordinal, path, title, heading, anchor, start_line, end_line, quote, body, code
                FROM {s}.ask_sections WHERE source_key = $1 AND ordinal = ANY($2::int[])""",
            index.key, [ordinal for ordinal, *_ in chosen])}
    found = tuple(Found(ordinal, rows[ordinal]["path"], rows[ordinal]["title"], rows[ordinal]["heading"],
                        rows[ordinal]["anchor"], rows[ordinal]["start_line"], rows[ordinal]["end_line"],
                        rows[ordinal]["quote"], rows[ordinal]["body"], rows[ordinal]["code"], score, coverage,
                        matched) for ordinal, score, coverage, matched in chosen)
    covered = found[0].coverage >= MIN_COVERAGE and unknown < MAX_UNKNOWN_SHARE
    return Retrieval(words, found, covered, unknown)


def unknown_share(words: tuple[str, ...], rarity: dict[str, int], sections: int) -> float:
    weight = {word: idf(rarity.get(word, 0), max(sections, 1)) for word in words}
    total = sum(weight.values())
    return sum(w for word, w in weight.items() if not rarity.get(word)) / total if total else 1.0


def idf(sections_holding: int, sections: int) -> float:
    return math.log(1 + (sections - sections_holding + 0.5) / (sections_holding + 0.5))


def _ranked(matches, words: tuple[str, ...], rarity: dict[str, int],
            index: IndexInfo) -> list[tuple[int, float, float, tuple[str, ...]]]:
    """(ordinal, score, coverage, matched words) of each section holding a word, best first."""
    total = max(index.sections, 1)
    weight = {word: idf(rarity.get(word, 0), total) for word in words}
    question_weight = sum(weight.values()) or 1.0
    average = index.average_length or 1.0
    by_section: dict[int, tuple[int, list[tuple[str, float]]]] = {}
    for row in matches:
        frequency = sum(WEIGHTS.get(letter, 1.0) for letter in (row["weights"] or ["D"]))
        entry = by_section.setdefault(row["ordinal"], (row["length"], []))
        entry[1].append((row["lexeme"], frequency))
    scored = []
    for ordinal, (length, terms) in by_section.items():
        norm = K1 * (1 - B + B * (length or 1) / average)
        score = sum(weight[word] * f * (K1 + 1) / (f + norm) for word, f in terms)
        matched = tuple(word for word, _ in terms)
        coverage = sum(weight[word] for word in set(matched)) / question_weight
        scored.append((ordinal, score, coverage, matched))
    scored.sort(key=lambda item: (-item[1], item[0]))
    return scored
