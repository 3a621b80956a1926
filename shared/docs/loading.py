"""Documents read from a stage 1 snapshot and parsed, for the stages that need their text.
Blocking: run in a thread."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared.bus.snapshots import extract
from .model import ParsedDocument
from .parse_worker import BudgetedParser, OverBudget

# Seconds one document may take to parse; ordinary documents take milliseconds, a document over
# it is skipped with the reason (see parse_worker).
PARSE_BUDGET_SECONDS = 10.0


@dataclass(frozen=True)
class SourceDocument:
    parsed: ParsedDocument
    raw_text: str
    content_hash: str


def load_documents(archive: bytes, paths: list[str], encodings: dict[str, str | None], max_bytes: int,
                   parse_budget_seconds: float = PARSE_BUDGET_SECONDS,
                   ) -> tuple[dict[str, SourceDocument], dict[str, str]]:
    """(documents by path, unreadable documents by path with the reason): missing, too large,
    or not parsed within `parse_budget_seconds`."""
    contents = extract(archive, set(paths))
    documents: dict[str, SourceDocument] = {}
    problems: dict[str, str] = {}
    with BudgetedParser(parse_budget_seconds) as parser:
        for path in paths:
            data = contents.get(path)
            if data is None:
                problems[path] = "not in the repository snapshot; run stage 1 again"
            elif len(data) > max_bytes:
                problems[path] = f"{len(data)} bytes, more than the {max_bytes} a document may have"
            else:
                text = _decode(data, encodings.get(path))
                try:
                    parsed = parser.parse(path, text)
                except OverBudget as exc:
                    problems[path] = str(exc)
                    continue
                documents[path] = SourceDocument(parsed, text, hashlib.sha256(data).hexdigest())
    return documents, problems


def _decode(data: bytes, encoding: str | None) -> str:
    try:
        return data.decode(encoding or "utf-8-sig")
    except (LookupError, UnicodeDecodeError):
        return data.decode("utf-8", errors="replace")
