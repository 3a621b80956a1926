"""Flake watch: run a tier of the suite several times, each on a fresh clone with a new `.venv`, as
CI runs it, and report every test whose verdict changed between runs:

    .venv/bin/python -m tests.support.flake_watch --runs 3 [--tier "unit and not slow"] [--ref HEAD]

(`make test-repeat RUNS=3 TIER=…`). Each run is `make test` in its own clone of the committed `ref`
(uncommitted changes are not in it, as they are not in CI's), with the tier as a marker expression.
Prints each run's time, counts and test time per tier, then the tests whose verdicts differ; exits 1
if any run failed or any verdict changed. The clones are removed unless --keep; the logs and JUnit
reports stay (`--reports run-*.xml` reports on them again)."""
from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from tests.support.junit import cases

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class Run:
    number: int
    seconds: float
    exit_code: int
    verdicts: dict[str, str]  # test id -> passed / failed / error / skipped
    tier_seconds: dict[str, float] = field(default_factory=dict)  # test time (setup to teardown) per tier


def verdicts_of(junit: Path) -> dict[str, str]:
    """Each test case's verdict in a JUnit report; none if the run wrote no report."""
    return {case.test_id: case.verdict for case in cases(junit)} if junit.exists() else {}


def tier_seconds(junit: Path) -> dict[str, float]:
    """Each tier's test time in a JUnit report: the sum of its tests' times (on N workers the run
    takes about 1/N of the total)."""
    seconds: Counter[str] = Counter()
    for case in cases(junit) if junit.exists() else ():
        seconds[case.tier] += case.seconds
    return dict(seconds)


def changed(runs: list[Run]) -> dict[str, list[str]]:
    """Tests whose verdict is not the same in every run (a test missing from a run counts as 'absent')."""
    names = sorted(set().union(*(run.verdicts for run in runs)))
    table = {name: [run.verdicts.get(name, "absent") for run in runs] for name in names}
    return {name: seen for name, seen in table.items() if len(set(seen)) > 1}


def one_run(number: int, ref: str, tier: str, workdir: Path) -> Run:
    clone = workdir / f"run-{number}"
    subprocess.run(["git", "clone", "--quiet", "--no-hardlinks", str(ROOT), str(clone)], check=True)
    subprocess.run(["git", "-C", str(clone), "checkout", "--quiet", ref], check=True)
    junit = workdir / f"run-{number}.xml"
    args = f"--junitxml={junit} -q" + (f' -m "{tier}"' if tier else "")
    log = workdir / f"run-{number}.log"
    started = time.monotonic()
    with log.open("w") as out:
        done = subprocess.run(["make", "-C", str(clone), "test", f"PYTEST_ARGS={args}"],
                              stdout=out, stderr=subprocess.STDOUT)
    seconds = time.monotonic() - started
    print(f"run {number}: exit {done.returncode} in {seconds / 60:.1f} min — log {log}", flush=True)
    return Run(number, seconds, done.returncode, verdicts_of(junit), tier_seconds(junit))


def report(runs: list[Run]) -> int:
    for run in runs:
        counts = Counter(run.verdicts.values())
        summary = ", ".join(f"{counts[k]} {k}" for k in ("passed", "failed", "error", "skipped") if counts[k]) \
            or "no JUnit report (the run stopped before its tests: see its log)"
        tiers = ", ".join(f"{tier} {s / 60:.1f}" for tier, s in sorted(run.tier_seconds.items()))
        wall = f"{run.seconds / 60:.1f} min, exit {run.exit_code}" if run.seconds else "from its report"
        print(f"run {run.number}: {wall}: {summary}; test minutes per tier: {tiers}")
    # A run that wrote no report tells nothing of any test: it fails the watch, compares nothing.
    reported = [run for run in runs if run.verdicts]
    flipped = changed(reported) if reported else {}
    for name, seen in flipped.items():
        print(f"verdict changed: {name}: {' / '.join(seen)}")
    print(f"{len(flipped)} test(s) changed verdict over {len(reported)} runs with a report")
    return 1 if flipped or len(reported) < len(runs) or any(run.exit_code for run in runs) else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--tier", default="", help='a marker expression, e.g. "unit and not slow"; all if empty')
    parser.add_argument("--ref", default="HEAD", help="the commit to run (default: HEAD)")
    parser.add_argument("--keep", action="store_true", help="keep the clones")
    parser.add_argument("--reports", nargs="+", type=Path, help="report on these JUnit files instead of running")
    options = parser.parse_args(argv)
    if options.reports:
        return report([Run(n, 0.0, 0, verdicts_of(path), tier_seconds(path))
                       for n, path in enumerate(options.reports, 1)])
    ref = subprocess.run(["git", "-C", str(ROOT), "rev-parse", options.ref], check=True,
                         capture_output=True, text=True).stdout.strip()
    workdir = Path(tempfile.mkdtemp(prefix="flake-watch-"))
    print(f"{options.runs} run(s) of {options.tier or 'the whole suite'} at {ref[:10]} in {workdir}", flush=True)
    try:
        runs = [one_run(n, ref, options.tier, workdir) for n in range(1, options.runs + 1)]
        return report(runs)
    finally:
        if not options.keep:
            for clone in workdir.glob("run-*/"):
                shutil.rmtree(clone, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
