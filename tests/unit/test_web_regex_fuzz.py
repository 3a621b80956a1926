"""The web UI's regular expressions on adversarial text (tests/node/regex_fuzz.mjs): the reader, the
Markdown renderer, search and the forms run them on course content, documents and what a user
types, so none may backtrack for long. The fuzz finds the patterns in the code of
services/gateway/web itself with a JavaScript parser (acorn), so a new one is fuzzed without being
listed anywhere; a RegExp built from run-time values cannot be fuzzed and is refused."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.node_checks import NODE_DIR, missing_node, run_node

# Seconds, not the 0.3 s of the unit tier: every pattern gets thousands of inputs. Marked here rather
# than measured into tests/slow_tests.txt, which a run's report regenerates.
pytestmark = pytest.mark.slow

WEB = Path(__file__).resolve().parents[2] / "services" / "gateway" / "web"
LIMIT_MS = 100  # what any one exec, test or full pass over an input of up to 100 KB may take


def node_missing() -> str | None:
    reason = missing_node()
    if reason is None and not (NODE_DIR / "node_modules" / "acorn" / "package.json").is_file():
        reason = f"acorn not installed in {NODE_DIR}: run `make node` (npm ci --prefix tests/node)"
    return reason


def fuzz(root: Path, **options: Any) -> dict[str, Any]:
    if reason := node_missing():
        pytest.skip(reason)
    run = run_node("regex_fuzz.mjs", {"root": str(root), "limit_ms": LIMIT_MS, **options})
    assert run.status == 0 and run.verdict is not None, run.stderr
    assert not run.verdict["errors"], run.verdict["errors"]
    return run.verdict


def slow_lines(verdict: dict[str, Any]) -> list[str]:
    return [f"{s['file']}:{s['line']} /{s['source']}/{s['flags']}: {s['op']} took {s['ms']} ms"
            f"{'' if s['finished'] else ' and had not finished'} on {s['length']} characters: {s['input']}"
            for s in verdict["slow"]]


def test_no_regular_expression_of_the_web_ui_backtracks_on_adversarial_text():
    verdict = fuzz(WEB)
    assert sorted(verdict["files"]) == sorted(p.relative_to(WEB).as_posix() for p in WEB.rglob("*.js"))
    assert verdict["patterns"] and verdict["inputs"] > 10 * len(verdict["patterns"])
    built = [f"{d['file']}:{d['line']}: {d['code']}" for d in verdict["dynamic"]]
    assert not built, ("a RegExp built from run-time values cannot be fuzzed; build it from a literal "
                       "or scan the text in plain code:\n" + "\n".join(built))
    slow = slow_lines(verdict)
    assert not slow, f"over {LIMIT_MS} ms (rewrite the pattern or scan in plain code):\n" + "\n".join(slow)


SAMPLE = r"""// Patterns the fuzz must judge, each on its own line.
export const LINEAR = /^[a-z]+(?:-[a-z]+)*$/;
export const QUADRATIC = /\s*\(task [^)]*\)/g;
export const EXPONENTIAL = new RegExp("^(a|a)*$");
export const BUILT = (name) => new RegExp(`^${name}$`);
export const GIVEN_AS_TEXT = (text) => text.match("\\s*\\s*x");
"""


def test_the_fuzz_finds_slow_patterns_in_every_file_and_refuses_ones_built_at_run_time(tmp_path):
    # Guards the check itself: a fuzz that found no pattern, or no slow one, would pass the test above.
    (tmp_path / "views").mkdir()
    (tmp_path / "views" / "sample.js").write_text(SAMPLE, encoding="utf-8")
    (tmp_path / "plain.js").write_text("export const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;\n", encoding="utf-8")
    verdict = fuzz(tmp_path, hang_seconds=2)
    lines = SAMPLE.splitlines()
    line_of = {name: n for n, text in enumerate(lines, 1) for name in ("LINEAR", "QUADRATIC", "EXPONENTIAL", "BUILT",
                                                                       "GIVEN_AS_TEXT") if f" {name} " in text}
    assert sorted(verdict["files"]) == ["plain.js", "views/sample.js"]
    assert sorted((p["file"], p["line"]) for p in verdict["patterns"]) == [
        ("plain.js", 1), ("views/sample.js", line_of["LINEAR"]), ("views/sample.js", line_of["QUADRATIC"]),
        ("views/sample.js", line_of["EXPONENTIAL"]), ("views/sample.js", line_of["GIVEN_AS_TEXT"])]
    assert [(d["file"], d["line"]) for d in verdict["dynamic"]] == [("views/sample.js", line_of["BUILT"])]
    slow = {(s["file"], s["line"]) for s in verdict["slow"]}
    assert slow == {("views/sample.js", line_of[name]) for name in ("QUADRATIC", "EXPONENTIAL", "GIVEN_AS_TEXT")}, \
        slow_lines(verdict)
    assert all(s["ms"] > LIMIT_MS and s["input"] for s in verdict["slow"])
