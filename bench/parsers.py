"""parsers — the worst case of every parser of untrusted text, per MB (issue 15): each document
format, front matter, the lexicon, the site renderer, the Markdown navigation readers (SUMMARY.md,
docsify sidebars, a README that is a list of links) and the glob matcher are fed generated
pathological inputs (long runs of one character or pair, the same as lines of their own, nested
brackets and quotes, `a@` repeats, many stars), all of them at 30 KB, then each parser's four
slowest per character and its two whose cost per character grew the most from 7.5 KB to 30 KB
again at 1 MB (100 KB with --quick); the slowest at full size is reported in seconds per MB.

Baseline: the same parser, in the same run, on what it ordinarily reads (PARSERS says what, for
each): real files of its kind, each read as a file of its own, until as many characters as the
pathological input's — documentation pages of its format from tests/fixtures and
../shared/corpora, the navigation readers the real SUMMARY.md, docsify sidebars and link-list
pages of ../shared/corpora; a written sample page where no real file of the kind is at hand (HTML,
the sample rendered by the site renderer; the glob matcher). The ratio worst / ordinary says
whether hostile input costs more than a real file; a backtracking pattern would make it grow with
the size (the reported cases took 10 s to hours). A parser whose real files are missing (no
../shared/corpora beside the checkout) is not measured, and the row says so.
Target: every parser's worst case within 20× its ordinary input."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Callable

from services.repo_clone.navigation import link_list, summary_navigation
from services.repo_clone.navigation.docsify import sidebar_entries
from services.doc_analyser.engine.lexicon import sentences, tokens
from shared.docs.front_matter import split_front_matter
from shared.docs.parsing import parse
from services.modules.export.markdown_render import render_markdown
from shared.repos.globs import compile_glob

from .common import Context, Row, figure, save

NAME = "parsers"
TARGET_RATIO = 20.0
MB = 1_000_000
FLOOR = 0.01  # s/MB: a parser that reads only the top of a document (front matter) has no cost to compare
SCREEN_CHARS = 30_000  # every pathological input is tried at this size first…
FINALISTS = 4  # …and each parser's slowest (per character) again at full size,
GROWTH_CHARS = SCREEN_CHARS // 4  # with those whose cost per character grows most from this size
GROWING = 2

ORDINARY = """## Installing the client

Run `pip install fluxmq` and read the [configuration guide](config.md#options) first. The
client keeps **one** connection per broker, and *retries* with back-off; see <https://example.org>.

| Option | Default | Meaning |
| --- | :-: | --- |
| `timeout` | 30 | seconds before a request fails |

- partitions are ordered
- consumers commit offsets, e.g. every 5 s

```python
client = Client("nats://localhost:4222")
```

"""

UNITS = list("#*_`~[](){}<>|!:=-+.'\"\\/@ \t\n") + [
    "a@", "[](", "[x](y '", "`a", "**a", "<a ", "{#", ":doc:`", "<<", "link:", "> ", " \t", "# ",
    "[a]", "(", "![", "*a*", "\n ", "- ", "```\n", "~~~", "|-", "<!--", "{{", ":a:", "..", "_a_", "[](a)"]
PREFIXES = ["", "# a", "= a", "---\ntitle:", "[", "`", ".. ", "{", "| a |\n"]


def pathological(size: int) -> dict[str, str]:
    """Name → text of about `size` characters."""
    found = {}
    for unit in UNITS:
        for prefix in PREFIXES:
            found[f"{prefix!r}+{unit!r}*n"] = prefix + unit * (size // len(unit)) + "b"
        # Each unit as a line of its own: a parser's cost per line, paid on lines of two characters.
        found[f"({unit!r}+'\\n')*n"] = (unit + "\n") * (size // (len(unit) + 1))
    for opener, closer in [("[", "]"), ("(", ")"), ("{", "}"), ("<", ">"), ("'", "'"), ('"', '"'),
                           ("<div>", "</div>"), ("[a](", ")"), ("> ", "")]:
        depth = size // (2 * len(opener) + len(closer))
        found[f"nested {opener}…{closer}"] = opener * depth + "a" + closer * depth
    return found


ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT.parent / "shared" / "corpora"


def _files(*patterns: str) -> list[Path]:
    """Real files: each pattern from the repository's root, or from ../shared/corpora when it
    starts with `corpora/`, in a stable order."""
    found = []
    for pattern in patterns:
        base, pattern = (CORPORA, pattern.removeprefix("corpora/")) if pattern.startswith("corpora/") else (ROOT, pattern)
        found += sorted(path for path in base.glob(pattern) if path.is_file()) if base.is_dir() else []
    return found


def _texts(paths: list[Path]) -> list[str]:
    return [path.read_text(encoding="utf-8", errors="replace") for path in paths]


def _sample(render: Callable[[str], str] = lambda text: text) -> Callable[[int], list[str]]:
    """The written sample page, repeated to the size, as one text."""
    return lambda size: [render((ORDINARY * (size // len(ORDINARY) + 1))[:size])]


def _real(*patterns: str) -> Callable[[int], list[str]]:
    return lambda size: _texts(_files(*patterns))


def _document(extension: str) -> Callable[[str], object]:
    return lambda text: parse(f"docs/page{extension}", text)


def _navigation(name: str, read: Callable[[Path, set[str], str], object], work: Path,
                sources: list[tuple[str, str]]) -> Callable[[str], object]:
    """A navigation reader given the text as its file `name`, among the documents its real files
    link to: those of each source's tree, relative to the folder the source's links start from
    (`sources`: the file, that folder, both under ../shared/corpora)."""
    docs = {name}
    for _, folder in sources:
        under = CORPORA / folder
        docs |= {path.relative_to(under).as_posix() for path in under.rglob("*") if path.is_file()} if under.is_dir() else set()

    def reader(text: str):
        (work / name).write_text(text, encoding="utf-8")
        return read(work, docs, name)
    return reader


MARKDOWN_PAGES = ("tests/fixtures/ordered_books/*/docs/**/*.md", "tests/fixtures/docs/**/*.md")
SUMMARIES = [("crystal-book/docs/SUMMARY.md", "crystal-book/docs"), ("mermaid/docs/SUMMARY.md", "mermaid/docs")]
SIDEBARS = [("mermaid/docs/_sidebar.md", "mermaid/docs"), ("undici/docs/docsify/sidebar.md", "undici")]
LINK_LISTS = [("pinia/packages/docs/api/pinia/index.md", "pinia/packages/docs/api/pinia"),
              ("pinia/packages/docs/cookbook/index.md", "pinia/packages/docs/cookbook"),
              ("crystal-book/docs/tutorials/basics/README.md", "crystal-book/docs/tutorials/basics")]


def _corpora(sources: list[tuple[str, str]]) -> Callable[[int], list[str]]:
    return _real(*(f"corpora/{file}" for file, _ in sources))


def parsers(work: Path) -> dict[str, tuple[Callable[[str], object], Callable[[int], list[str]]]]:
    """Name → (the parser, what it ordinarily reads for a size: a text per real file)."""
    return {
        "markdown": (_document(".md"), _real(*MARKDOWN_PAGES)),
        "mdx": (_document(".mdx"), _real("tests/fixtures/**/*.mdx", "corpora/**/*.mdx")),
        "rst": (_document(".rst"), _real("tests/fixtures/**/*.rst")),
        "asciidoc": (_document(".adoc"), _real("tests/fixtures/**/*.adoc", "corpora/**/*.adoc")),
        "notebook": (_document(".ipynb"), _real("tests/fixtures/**/*.ipynb", "corpora/**/*.ipynb")),
        "html": (_document(".html"), _sample(render_markdown)),
        "plain text": (_document(".txt"), _real(*MARKDOWN_PAGES)),
        "front matter": (split_front_matter, _real(*MARKDOWN_PAGES, "corpora/**/*.md")),
        "lexicon": (lambda text: (tokens(text), sentences(text)), _real(*MARKDOWN_PAGES)),
        "markdown render": (render_markdown, _real(*MARKDOWN_PAGES)),
        "SUMMARY.md links": (_navigation("SUMMARY.md", lambda root, docs, name: summary_navigation(root, {name}),
                                         work, SUMMARIES), _corpora(SUMMARIES)),
        "docsify sidebar": (_navigation("_sidebar.md", lambda root, docs, name: sidebar_entries(root, docs, "", name),
                                        work, SIDEBARS), _corpora(SIDEBARS)),
        "link-list README": (_navigation("README.md", lambda root, docs, name: link_list.read(root, docs),
                                         work, LINK_LISTS), _corpora(LINK_LISTS)),
        "glob matcher": (_globs, _sample()),
    }


def _globs(text: str):
    """Paths made of the text (split into names of at most 255 characters) matched against patterns
    with many stars."""
    names = [text[i:i + 255].replace("/", "_") for i in range(0, len(text), 255)]
    for pattern in ("*a*a*a*a*a*a*a*a*a*a*b", "**/*[ab]*?*[!c]*.md", "docs/**"):
        glob = compile_glob(pattern)
        for name in names:
            glob.matches(name)


def ordinary_seconds_per_mb(function: Callable[[str], object], texts: list[str], size: int) -> float:
    """Each real file read on its own, in order (again from the first if need be), until `size`
    characters are read."""
    elapsed, chars = 0.0, 0
    while chars < size:
        for text in texts:
            elapsed += seconds(function, text)
            chars += len(text)
            if chars >= size:
                break
    return elapsed * MB / chars


def seconds(function: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    function(text)
    return time.perf_counter() - started


async def run(ctx: Context) -> Row:
    size = ctx.size(MB, 100_000)
    screen = min(size, SCREEN_CHARS)
    hostile, screening, small = pathological(size), pathological(screen), pathological(min(size, GROWTH_CHARS))
    results, unmeasured = {}, []
    with tempfile.TemporaryDirectory() as work:
        for name, (function, ordinary) in parsers(Path(work).resolve()).items():
            texts = [text for text in ordinary(size) if text]
            if not texts:
                unmeasured.append(name)
                continue
            baseline = min(ordinary_seconds_per_mb(function, texts, size) for _ in range(2))
            # Every input at the screening size finds the parser's worst few; only those are timed
            # at full size (500-odd inputs of 1 MB for each of twelve parsers took over 20 minutes).
            # A cost per character that grows with the size (a backtracking pattern, a search that
            # re-reads the whole text each time) can still be small at 30 KB: the inputs whose cost
            # per character grew most since a quarter of that size are timed at full size too.
            screened = {label: seconds(function, text) / len(text) for label, text in screening.items()}
            growth = {label: screened[label] * len(text) / max(seconds(function, text), 1e-9)
                      for label, text in small.items()}
            finalists = sorted(screened, key=screened.get, reverse=True)[:FINALISTS]
            finalists += [label for label in sorted(growth, key=growth.get, reverse=True)
                          if label not in finalists][:GROWING]
            timings = {label: seconds(function, hostile[label]) * MB / len(hostile[label]) for label in finalists}
            worst = max(timings, key=timings.get)
            results[name] = {"ordinary_s_per_mb": round(baseline, 4), "worst_s_per_mb": round(timings[worst], 4),
                             "worst_input": worst, "ratio": round(timings[worst] / max(baseline, FLOOR), 2),
                             "ordinary_files": len(texts)}
            print(f"[bench] parsers: {name}: worst {timings[worst]:.3f} s/MB ({worst}), "
                  f"ordinary {baseline:.3f} s/MB", flush=True)
    plot(results, size)
    worst_parser = max(results, key=lambda name: results[name]["ratio"])
    top = results[worst_parser]
    missing = f"; not measured, no real files of their kind (../shared/corpora?): {', '.join(unmeasured)}" \
        if unmeasured else ""
    return Row(NAME, top["worst_s_per_mb"], "s/MB, worst input of the worst parser", top["ordinary_s_per_mb"],
               top["ratio"], f"≤ {TARGET_RATIO:g}× ordinary",
               all(r["ratio"] <= TARGET_RATIO for r in results.values()) and not unmeasured,
               f"worst: {worst_parser} on {top['worst_input']}{missing}",
               details={"size_chars": size, "parsers": results, "unmeasured": unmeasured})


def plot(results: dict[str, dict], size: int) -> None:
    try:
        import matplotlib  # noqa: F401 — the plot is optional; the numbers are in the row
    except ImportError:
        return
    fig, ax = figure(f"parsers: seconds per MB, worst pathological input vs ordinary text ({size:,} chars)")
    names = list(results)
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], [results[n]["ordinary_s_per_mb"] for n in names], width=0.4, label="ordinary")
    ax.bar([x + 0.2 for x in xs], [results[n]["worst_s_per_mb"] for n in names], width=0.4, label="worst")
    ax.set_xticks(list(xs), names, rotation=45, ha="right", fontsize=8)
    ax.set_ylabel("seconds per MB")
    ax.legend(fontsize=8)
    save(fig, NAME)
