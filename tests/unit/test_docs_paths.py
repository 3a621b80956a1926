"""The documentation names only paths that exist, and quotes benchmark figures from one place.

Documents checked: README.md, docs/*.md, bench/README.md, deploy/README.md.

Which strings are repository paths (fenced code blocks are skipped: they quote commands, other
repositories' files and course excerpts, not this repository):
- A link target — `[text](target)`, `![alt](target)`, `<img src="target">` — always, relative to
  the document's own folder, unless it is a URL (it has a scheme: `https:`, `mailto:`) or only an
  anchor (`#…`); a `#fragment` after a path is dropped.
- A backticked token, relative to the repository root, when it has no space, its first segment is
  one of the repository's top-level folders (ROOT_FOLDERS) and it holds no placeholder (`<course>`,
  `{n}`, `*`, `…`, `$VAR`); `path::test_name` is checked as `path`. Anything else in backticks —
  bare file names (`handlers.py`), partial paths (`projection/bulk_fold.py`), API routes
  (`/api/…`), environment variables, subjects (`course.<id>.>`), runtime files (`.data/…`) — is
  not checked. FOREIGN lists the few tokens that name another repository's files, MADE_LATER the
  few that name what a command or the reader makes (a partial benchmark run's results, deploy/'s
  `.env`, the schema of the example event docs/adding-an-event.md adds).

Figures: the one table of benchmark figures is bench/README.md's generated block, a copy of
bench/results/latest.md that `make bench` writes (bench/readme.py); no document quotes a ratio
figure (a number followed by "×") anywhere else, so no prose can disagree with the latest run."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bench import readme as bench_readme

ROOT = Path(__file__).resolve().parents[2]
DOCUMENTS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"), ROOT / "bench" / "README.md",
                    ROOT / "deploy" / "README.md"])
ROOT_FOLDERS = ("services", "shared", "ops", "tests", "docs", "bench", "deploy", "examples")
FOREIGN = {
    "docs/extensions/index.md",  # Python-Markdown's page, the source of a course excerpt in docs/course.md
}
MADE_LATER = {
    "bench/results/partial/", "bench/results/partial/profiles/",  # written by a subset run of `make bench`
    "deploy/.env",  # the operator's own settings for the compose file
    "shared/events/schemas/ModuleReviewed.v1.schema.json",  # the walkthrough's new event, once added
}
README_MAX_LINES = 200

FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
LINK = re.compile(r"!?\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\)|<img\b[^>]*\bsrc=\"([^\"]+)\"")
CODE_SPAN = re.compile(r"(`+)(.+?)\1")
PLACEHOLDER = re.compile(r"[<>{}*…$\[\]]")
SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")
RATIO_FIGURE = re.compile(r"\d\s?×")


def prose_lines(text: str) -> list[tuple[int, str]]:
    """The document's lines outside fenced code blocks, numbered from 1."""
    lines, fence = [], ""
    for number, line in enumerate(text.splitlines(), 1):
        opening = FENCE.match(line)
        if fence:
            if opening and opening.group(1)[0] == fence[0] and len(opening.group(1)) >= len(fence) \
                    and line.strip() == opening.group(1):
                fence = ""
        elif opening:
            fence = opening.group(1)
        else:
            lines.append((number, line))
    return lines


def linked_paths(document: Path) -> list[tuple[int, str, Path]]:
    found = []
    for number, line in prose_lines(document.read_text()):
        for match in LINK.finditer(CODE_SPAN.sub("", line)):
            target = match.group(1) or match.group(2)
            if SCHEME.match(target) or target.startswith("#"):
                continue
            found.append((number, target, document.parent / target.split("#", 1)[0]))
    return found


def named_paths(document: Path) -> list[tuple[int, str, Path]]:
    found = []
    for number, line in prose_lines(document.read_text()):
        for match in CODE_SPAN.finditer(line):
            token = match.group(2).strip().split("::", 1)[0]
            if (" " in token or PLACEHOLDER.search(token) or token in FOREIGN
                    or token.split("/", 1)[0] not in ROOT_FOLDERS or "/" not in token):
                continue
            found.append((number, token, ROOT / token))
    return found


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_every_path_a_document_names_exists(document):
    missing = [f"{document.relative_to(ROOT)}:{number}: {name}"
               for number, name, path in linked_paths(document) + named_paths(document) if not path.exists() and name not in MADE_LATER]
    assert not missing, "paths named in the documentation that do not exist (fix the doc, or the " \
                        "rule in this module's docstring if it is not a path):\n" + "\n".join(missing)


def test_the_rules_find_paths_and_skip_what_is_not_one(tmp_path):
    document = tmp_path / "doc.md"
    document.write_text("See [a](other.md#part), [b](https://x.org), [c](#here), `shared/x.py::test_y`,\n"
                        "`services/<stage>/main.py`, `handlers.py`, `/api/projects/`, `NATS_URL`.\n"
                        "```bash\n[d](inside-a-fence.md) `tests/in/a/fence.py`\n```\n")
    assert [name for _, name, _ in linked_paths(document)] == ["other.md#part"]
    assert [name for _, name, _ in named_paths(document)] == ["shared/x.py"]


def test_the_bench_readme_table_is_the_latest_run():
    text = bench_readme.README.read_text()
    assert bench_readme.latest_block(text) == bench_readme.LATEST.read_text(), \
        "bench/README.md's table differs from bench/results/latest.md: make bench writes both; " \
        "to copy it by hand run `.venv/bin/python -c 'from bench import readme; " \
        "readme.write_latest(readme.LATEST.read_text())'`"


def test_the_bench_writer_replaces_only_its_block(tmp_path):
    page = tmp_path / "README.md"
    page.write_text(f"# B\n\n{bench_readme.BEGIN}| old |\n{bench_readme.END}\n\nafter\n")
    bench_readme.write_latest("| new |\n", page)
    assert page.read_text() == f"# B\n\n{bench_readme.BEGIN}| new |\n{bench_readme.END}\n\nafter\n"
    page.write_text("# no block\n")
    with pytest.raises(ValueError, match="no generated block"):
        bench_readme.write_latest("| new |\n", page)


@pytest.mark.parametrize("document", DOCUMENTS, ids=lambda d: str(d.relative_to(ROOT)))
def test_no_prose_quotes_a_ratio_figure(document):
    text = document.read_text()
    if document == bench_readme.README:
        block = bench_readme.latest_block(text)
        text = text.replace(block, "")
    quoted = [f"{document.relative_to(ROOT)}:{number}: {line.strip()}"
              for number, line in enumerate(text.splitlines(), 1) if RATIO_FIGURE.search(line)]
    assert not quoted, "benchmark ratios belong in bench/README.md's generated table only " \
                       "(point to it instead):\n" + "\n".join(quoted)


def test_the_readme_is_a_landing_page_linking_every_doc():
    text = (ROOT / "README.md").read_text()
    assert len(text.splitlines()) <= README_MAX_LINES, "README.md is the landing page: move detail to docs/"
    linked = {path.resolve() for _, _, path in linked_paths(ROOT / "README.md")}
    unlinked = [str(d.relative_to(ROOT)) for d in (ROOT / "docs").glob("*.md") if d.resolve() not in linked]
    assert not unlinked, f"README.md's 'Where to go next' does not link {unlinked}"
