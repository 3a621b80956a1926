"""What an answer is made of: the passages retrieval found, each citable."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    """One section of a source document. `number` is its place in the answer's list (1-based):
    how an answer's sentences cite it ("[2]")."""
    number: int
    path: str          # repository-relative path of the document
    heading: str       # the section's heading, plain text ("" for text before the first heading)
    anchor: str        # the heading's slug, for a link into the reader
    start_line: int    # 1-based, inclusive: the section's lines in the document as stored
    end_line: int
    quote: str         # the section as the document writes it (markup and code kept), bounded
    text: str          # its plain prose and code, for checking what a sentence may claim
    score: float = 0.0


@dataclass(frozen=True)
class Sentence:
    text: str
    citations: tuple[int, ...]   # passage numbers


@dataclass(frozen=True)
class WrittenAnswer:
    """A model's answer after the support check: the sentences kept, how many were dropped."""
    sentences: tuple[Sentence, ...]
    removed: int
    usage: object | None = None   # shared.llm.provider.Usage of the calls made
    declined: bool = False        # the model said the passages do not cover the question

    @property
    def text(self) -> str:
        return " ".join(f"{s.text} " + "".join(f"[{n}]" for n in s.citations) for s in self.sentences).strip()
