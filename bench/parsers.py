"""parsers — the worst case of every parser of untrusted text, per MB (issue 15): each document
format, front matter, the lexicon, the site renderer, SUMMARY.md link reading and the glob matcher
are fed generated pathological inputs (long runs of one character or pair, the same as lines of
their own, nested brackets and quotes, `a@` repeats, many stars), all of them at 30 KB, then each
parser's four slowest per character and its two whose cost per character grew the most from
7.5 KB to 30 KB again at 1 MB (100 KB with --quick); the slowest at full size is reported in
seconds per MB.

Baseline: the same parser on ordinary documentation text of the same size, in the same run. The
ratio worst / ordinary says whether hostile input costs more than a real document of its size;
a backtracking pattern would make it grow with the size (the reported cases took 10 s to hours).
Target: every parser's worst case within 20× its ordinary input."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Callable

from services.repo_clone.navigation import summary_navigation
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


def _document(extension: str) -> Callable[[str], object]:
    return lambda text: parse(f"docs/page{extension}", text)


def _summary(folder: Path) -> Callable[[str], object]:
    def read(text: str):
        (folder / "SUMMARY.md").write_text(text, encoding="utf-8")
        return summary_navigation(folder, {"SUMMARY.md"})
    return read


def _globs(text: str):
    """Paths made of the text (split into names of at most 255 characters) matched against patterns
    with many stars."""
    names = [text[i:i + 255].replace("/", "_") for i in range(0, len(text), 255)]
    for pattern in ("*a*a*a*a*a*a*a*a*a*a*b", "**/*[ab]*?*[!c]*.md", "docs/**"):
        glob = compile_glob(pattern)
        for name in names:
            glob.matches(name)


def parsers(work: Path) -> dict[str, Callable[[str], object]]:
    return {"markdown": _document(".md"), "mdx": _document(".mdx"), "rst": _document(".rst"),
            "asciidoc": _document(".adoc"), "notebook": _document(".ipynb"), "html": _document(".html"),
            "plain text": _document(".txt"), "front matter": split_front_matter,
            "lexicon": lambda text: (tokens(text), sentences(text)), "markdown render": render_markdown,
            "SUMMARY.md links": _summary(work), "glob matcher": _globs}


def seconds(function: Callable[[str], object], text: str) -> float:
    started = time.perf_counter()
    function(text)
    return time.perf_counter() - started


async def run(ctx: Context) -> Row:
    size = ctx.size(MB, 100_000)
    screen = min(size, SCREEN_CHARS)
    ordinary = (ORDINARY * (size // len(ORDINARY) + 1))[:size]
    hostile, screening, small = pathological(size), pathological(screen), pathological(min(size, GROWTH_CHARS))
    results = {}
    with tempfile.TemporaryDirectory() as work:
        for name, function in parsers(Path(work)).items():
            baseline = min(seconds(function, ordinary) for _ in range(2)) * MB / size
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
                             "worst_input": worst, "ratio": round(timings[worst] / max(baseline, FLOOR), 2)}
            print(f"[bench] parsers: {name}: worst {timings[worst]:.3f} s/MB ({worst}), "
                  f"ordinary {baseline:.3f} s/MB", flush=True)
    plot(results, size)
    worst_parser = max(results, key=lambda name: results[name]["ratio"])
    top = results[worst_parser]
    return Row(NAME, top["worst_s_per_mb"], "s/MB, worst input of the worst parser", top["ordinary_s_per_mb"],
               top["ratio"], f"≤ {TARGET_RATIO:g}× ordinary", all(r["ratio"] <= TARGET_RATIO for r in results.values()),
               f"worst: {worst_parser} on {top['worst_input']}", details={"size_chars": size, "parsers": results})


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
