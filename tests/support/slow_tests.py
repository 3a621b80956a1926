"""Which tests are `slow`: measured, not guessed. Reads a JUnit report of a run (pytest's
--junitxml, from `make test PYTEST_ARGS=--junitxml=…` or one tier) and rewrites tests/slow_tests.txt,
the list tests/conftest.py marks `slow`:

    .venv/bin/python -m tests.support.slow_tests report.xml [report.xml …]

A test function is slow when one of its runs (any parameter) took longer than its tier's limit:
a unit test over UNIT_LIMIT seconds (`make check` runs the rest in well under a minute), any other
over OTHER_LIMIT. Tests in the list that the reports did not run are kept; measured ones are
replaced by what was measured."""
from __future__ import annotations

import re
import sys
from pathlib import Path

from tests.support.junit import Case, cases

LIST = Path(__file__).resolve().parents[1] / "slow_tests.txt"
UNIT_LIMIT = 0.3
OTHER_LIMIT = 30.0
HEADER = ("# Test functions marked `slow` (tests/conftest.py), written by tests/support/slow_tests.py from a\n"
          f"# run's JUnit report: unit tests over {UNIT_LIMIT:g} s, others over {OTHER_LIMIT:g} s. "
          "Regenerate, do not edit by hand.\n")


def function_id(case: Case) -> str:
    """'tests.unit.test_x' + 'test_y[param]' -> 'tests/unit/test_x.py::test_y'."""
    module, _, cls = case.classname.partition(".Test")
    path = module.replace(".", "/") + ".py"
    function = re.sub(r"\[.*\]$", "", case.name, flags=re.S)
    return f"{path}::{'Test' + cls + '::' if cls else ''}{function}"


def is_slow(case: Case) -> bool:
    return case.seconds > (UNIT_LIMIT if case.tier == "unit" else OTHER_LIMIT)


def measured(report: Path) -> dict[str, bool]:
    """Each test function the report ran: whether one of its runs was over its tier's limit."""
    slow: dict[str, bool] = {}
    for case in cases(report):
        test = function_id(case)
        slow[test] = slow.get(test, False) or is_slow(case)
    return slow


def read_list(path: Path = LIST) -> set[str]:
    if not path.exists():
        return set()
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def main(argv: list[str]) -> int:
    verdicts: dict[str, bool] = {}
    for report in argv:
        for test, slow_here in measured(Path(report)).items():
            verdicts[test] = verdicts.get(test, False) or slow_here
    kept = {test for test in read_list() if test not in verdicts}
    slow = kept | {test for test, is_so in verdicts.items() if is_so}
    LIST.write_text(HEADER + "".join(f"{test}\n" for test in sorted(slow)), encoding="utf-8")
    print(f"{len(slow)} slow test functions ({len(kept)} kept unmeasured) -> {LIST}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
