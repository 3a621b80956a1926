"""A module's sources fitted to a token budget by relevance, not by cutting each to an equal share:
every source first gets its most relevant excerpt that fits, then the most relevant excerpts of
all take what room is left, and sections that share nothing with the module come last, only whole
(a fragment of something beside the point is noise, its tokens better left to the answer). The
chosen excerpts keep their order in their source, and a note stands where text was left out, so
the model knows the document goes on there.

The cost of a choice is counted as the prompt will be measured (shared/llm/prompt_size.py): each
piece of text with its separator, so the whole never estimates above the sum of its parts."""
from __future__ import annotations

import bisect
from typing import Sequence

from shared.llm.prompt_size import estimate_tokens

from ..models import ModuleSpec
from .excerpts import Excerpt, as_data, attribute, excerpts_of, rendered
from .relevance import module_terms, relevance
from .sources import SourceDoc

SOURCE_BREAK = "\n\n"   # before each source, after the module's own part of the prompt
NAMES_IN_A_NOTE = 5
NAME_CHARS = 60
# Excerpts of about a sixth of the budget: small enough to choose among, big enough to read.
MIN_EXCERPT_TOKENS, MAX_EXCERPT_TOKENS, EXCERPTS_PER_BUDGET = 150, 1500, 6


def fitted_sources(spec: ModuleSpec, concepts: Sequence[str], sources: Sequence[SourceDoc],
                   budget: int) -> str:
    """The sources as `SOURCE_BREAK` + <source> blocks, estimated at no more than `budget` tokens
    (`""` when not even one excerpt fits)."""
    size = min(MAX_EXCERPT_TOKENS, max(MIN_EXCERPT_TOKENS, budget // EXCERPTS_PER_BUDGET))
    blocks = [_Block(doc, excerpts_of(doc, size)) for doc in sources]
    everything = [excerpt for block in blocks for excerpt in block.excerpts]
    terms = module_terms(spec, concepts, [doc.display_title for doc in sources])
    scores = iter(relevance(everything, terms))
    for block in blocks:
        block.scores = [next(scores) for _ in block.excerpts]
    _choose(blocks, budget)
    return "".join(SOURCE_BREAK + block.text() for block in blocks if block.kept)


def _choose(blocks: list["_Block"], budget: int) -> None:
    left = budget
    for block in blocks:      # each source its best excerpt that fits, in reading order
        for at in sorted(range(len(block.excerpts)), key=lambda i: -block.scores[i]):
            if block.cost_of(at) <= left:
                left -= block.keep(at)
                break
    ranked = sorted(((-score, b, at) for b, block in enumerate(blocks)
                     for at, score in enumerate(block.scores) if score > 0))
    for _, b, at in ranked:
        block = blocks[b]
        if at not in block.chosen and block.cost_of(at) <= left:
            left -= block.keep(at)
    # Room to spare: sections that share nothing with the module, in reading order, as context —
    # only whole, because a fragment of something beside the point is noise.
    for block in blocks:
        for section in block.unrelated_sections():
            left -= block.keep_all(section, left)


class _Block:
    """One source: its excerpts, which are kept, and what the text it renders to costs."""

    def __init__(self, doc: SourceDoc, excerpts: list[Excerpt]) -> None:
        self.doc, self.excerpts = doc, excerpts
        self.scores: list[float] = []
        self.kept: list[int] = []     # sorted
        self.chosen: set[int] = set()
        self._frame = estimate_tokens(SOURCE_BREAK + self._opening() + "\n") + estimate_tokens("</source>")
        self._costs = [estimate_tokens(rendered(excerpt) + "\n") for excerpt in excerpts]
        # Each section's first excerpt: a note names the sections (or parts) of a gap from these.
        self._first: dict[int, int] = {}
        for at, excerpt in enumerate(excerpts):
            self._first.setdefault(excerpt.section, at)

    def cost_of(self, at: int) -> int:
        """What keeping excerpt `at` adds: its text, and the notes of the gap it splits in two."""
        if not self.kept:
            return self._frame + self._costs[at] + self._note_cost(0, at) + self._note_cost(at + 1, len(self.excerpts))
        start, end = self._gap_around(at)
        return (self._costs[at] - self._note_cost(start, end) + self._note_cost(start, at)
                + self._note_cost(at + 1, end))

    def keep(self, at: int) -> int:
        cost = self.cost_of(at)
        bisect.insort(self.kept, at)
        self.chosen.add(at)
        return cost

    def unrelated_sections(self) -> list[list[int]]:
        """The excerpts not kept, by section, of the sections none of whose left-out excerpts
        has anything to do with the module."""
        sections: dict[int, list[int]] = {}
        for at, excerpt in enumerate(self.excerpts):
            if at not in self.chosen:
                sections.setdefault(excerpt.section, []).append(at)
        return [ats for ats in sections.values() if all(self.scores[at] <= 0 for at in ats)]

    def keep_all(self, ats: list[int], left: int) -> int:
        """Keeps all of `ats` if together they cost no more than `left` (what they cost), else none (0)."""
        # Cheap refusal first: their own text, less the notes they may replace, is the least they cost.
        replaced = sum(self._note_cost(*gap) for gap in {self._gap_around(at) for at in ats}) if self.kept else 0
        least = sum(self._costs[at] for at in ats) - replaced + (0 if self.kept else self._frame)
        if least > left:
            return 0
        spent = 0
        for at in ats:
            spent += self.keep(at)
        if spent <= left:
            return spent
        for at in ats:
            self.kept.remove(at)
            self.chosen.discard(at)
        return 0

    def text(self) -> str:
        lines, start = [self._opening()], 0
        for at in self.kept:
            if start < at:
                lines.append(self._note(start, at))
            lines.append(rendered(self.excerpts[at]))
            start = at + 1
        if start < len(self.excerpts):
            lines.append(self._note(start, len(self.excerpts)))
        return "\n".join(lines + ["</source>"])

    def _opening(self) -> str:
        return f'<source path="{attribute(self.doc.path)}" title="{attribute(self.doc.display_title)}">'

    def _gap_around(self, at: int) -> tuple[int, int]:
        place = bisect.bisect_left(self.kept, at)
        start = self.kept[place - 1] + 1 if place else 0
        end = self.kept[place] if place < len(self.kept) else len(self.excerpts)
        return start, end

    def _note_cost(self, start: int, end: int) -> int:
        return estimate_tokens(self._note(start, end) + "\n") if start < end else 0

    def _note(self, start: int, end: int) -> str:
        """e.g. "[… 3 sections left out here: Usage (part 2 of 3), Deployment, FAQ]"."""
        first, last = self.excerpts[start].section, self.excerpts[end - 1].section
        named = range(first, min(last, first + NAMES_IN_A_NOTE - 1) + 1)
        names = [self._name(section, start, end) for section in named]
        count = last - first + 1
        more = f", and {count - len(names)} more" if count > len(names) else ""
        return as_data(f"[… {count} section{'' if count == 1 else 's'} left out here: {', '.join(names)}{more}]")

    def _name(self, section: int, start: int, end: int) -> str:
        at = self._first[section]
        excerpt = self.excerpts[at]
        title = " ".join(excerpt.title.split())
        title = title if len(title) <= NAME_CHARS else title[:NAME_CHARS - 1] + "…"
        left_from, left_to = max(start, at) - at + 1, min(end, at + excerpt.parts) - at
        if (left_from, left_to) == (1, excerpt.parts):
            return title
        parts = f"part {left_from}" if left_from == left_to else f"parts {left_from}–{left_to}"
        return f"{title} ({parts} of {excerpt.parts})"
