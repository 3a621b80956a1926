"""A real documentation tree with Mermaid diagrams: a slice of the Mermaid project's own docs
(tests/fixtures/mermaid-docs, MIT), an overview, and one page whose diagram does not parse."""
from __future__ import annotations

from pathlib import Path

from tests.support.gitrepos import make_repo

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "mermaid-docs"
RENDERERS = Path(__file__).resolve().parents[2] / "renderers" / "node_modules" / "mermaid"
BROKEN_LINE = "A -->> !!broken"
BROKEN = ("# Broken diagram\n\nA broken diagram is a diagram whose source does not parse.\n\n"
          f"```mermaid\ngraph TD\n  {BROKEN_LINE}\n```\n\nThe reader sees its source instead.\n")


def make_mermaid_repo(repo: Path) -> Path:
    files = {str(p.relative_to(FIXTURE)): p.read_text() for p in FIXTURE.rglob("*") if p.is_file()}
    files["README.md"] = "# Mermaid diagrams\n\nDiagrams drawn from text: pie charts, Gantt charts and flowcharts.\n"
    files["docs/broken.md"] = BROKEN
    make_repo(repo, files)
    return repo
