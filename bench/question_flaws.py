"""question-flaws — how many of the offline engine's assessment questions break an item-writing rule
(issue 19): the documentation of the eleven books committed under tests/fixtures/ordered_books
(tests/support/committed_docs.py, about 250 real documents), one course per package, goes through
stage 2's offline analysis, stage 3's planner and stage 4's module writer in this process; every
question of every first pathway is judged by services/modules/engine/question_flaws.py (identical
options, all/none of the above, too few options, answer longest by far, option of another kind,
trivially false, a heading naming no concept as the subject, answer given away by the prompt).

Baseline: none — the rate is an absolute figure (the engine before issue 19 had 26 % flawed on the
installed packages' Markdown, the corpus of the time). Target: under 10 % of the questions flawed.
Deterministic: no timing, the figure only changes when the engines, the checker or the books do."""
from __future__ import annotations

from services.modules.engine.question_flaws import FlawCount
from tests.support.committed_docs import committed_docs
from tests.support.offline_course import by_package, offline_course

from .common import Context, Row

NAME = "question-flaws"
TARGET_RATE = 0.10
QUICK_PACKAGES = 12  # --quick: the first packages by name


async def run(ctx: Context) -> Row:
    packages = by_package(committed_docs())
    names = sorted(packages)[:QUICK_PACKAGES] if ctx.quick else sorted(packages)
    total, per_package = FlawCount(), {}
    for name in names:
        count = FlawCount()
        for content in offline_course(packages[name]).contents:
            count.add(content.assessment)
        total.checked += count.checked
        total.flawed += count.flawed
        for rule, n in count.by_rule.items():
            total.by_rule[rule] = total.by_rule.get(rule, 0) + n
        per_package[name] = count.as_payload()
    rate = round(100 * total.rate, 1)
    print(f"[bench] question-flaws: {total.flawed} of {total.checked} questions flawed ({rate} %) "
          f"over {len(names)} packages' docs", flush=True)
    return Row(NAME, rate, "% of questions flawed", None, None, f"< {100 * TARGET_RATE:g} %",
               total.checked > 0 and total.rate < TARGET_RATE, f"{total.flawed} of {total.checked} questions",
               details={"packages": len(names), "by_rule": total.as_payload()["by_rule"], "per_package": per_package})
