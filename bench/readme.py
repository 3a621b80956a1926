"""bench/README.md's latest table is generated: the block between BEGIN and END is a copy of
results/latest.md, rewritten by every run that writes results/latest.md (a whole run), so the
figures the README shows are always the latest run's and cannot drift from it by hand."""
from __future__ import annotations

from pathlib import Path

HERE = Path(__file__).resolve().parent
README = HERE / "README.md"
LATEST = HERE / "results" / "latest.md"
BEGIN = "<!-- BEGIN latest.md: written by `make bench` from bench/results/latest.md; do not edit -->\n"
END = "<!-- END latest.md -->"


def _bounds(text: str, readme: Path) -> tuple[int, int]:
    start, end = text.find(BEGIN), text.find(END)
    if start < 0 or end < start:
        raise ValueError(f"{readme} has no generated block for the latest table: put the two lines "
                         f"{BEGIN.strip()!r} and {END!r} where the table goes")
    return start + len(BEGIN), end


def latest_block(text: str, readme: Path = README) -> str:
    """The generated block of a README's text: exactly what latest.md held when it was written."""
    start, end = _bounds(text, readme)
    return text[start:end]


def with_latest(text: str, table: str, readme: Path = README) -> str:
    """The README's text with its generated block replaced by `table` (latest.md's text)."""
    start, end = _bounds(text, readme)
    return text[:start] + table + text[end:]


def write_latest(table: str, readme: Path = README) -> None:
    readme.write_text(with_latest(readme.read_text(), table, readme))
