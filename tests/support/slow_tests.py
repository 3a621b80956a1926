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
import xml.etree.ElementTree as ET
from pathlib import Path

LIST = Path(__file__).resolve().parents[1] / "slow_tests.txt"
UNIT_LIMIT = 0.3
OTHER_LIMIT = 30.0
HEADER = ("# Test functions marked `slow` (tests/conftest.py), written by tests/support/slow_tests.py from a\n"
          "# run's JUnit report: unit tests over 0.3 s, others over 30 s. Regenerate, do not edit by hand.\n")


def function_id(classname: str, name: str) -> str:
    """'tests.unit.test_x' + 'test_y[param]' -> 'tests/unit/test_x.py::test_y'."""
    module, _, cls = classname.partition(".Test")
    path = module.replace(".", "/") + ".py"
    function = re.sub(r"\[.*\]$", "", name, flags=re.S)
    return f"{path}::{'Test' + cls + '::' if cls else ''}{function}"


def measured(report: Path) -> dict[str, float]:
    """Each test function's longest run in the report, in seconds."""
    longest: dict[str, float] = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        test = function_id(case.get("classname", ""), case.get("name", ""))
        longest[test] = max(longest.get(test, 0.0), float(case.get("time") or 0))
    return longest


def is_slow(test: str, seconds: float) -> bool:
    return seconds > (UNIT_LIMIT if test.startswith("tests/unit/") else OTHER_LIMIT)


def read_list(path: Path = LIST) -> set[str]:
    if not path.exists():
        return set()
    return {line.strip() for line in path.read_text(encoding="utf-8").splitlines()
            if line.strip() and not line.startswith("#")}


def main(argv: list[str]) -> int:
    times: dict[str, float] = {}
    for report in argv:
        for test, seconds in measured(Path(report)).items():
            times[test] = max(times.get(test, 0.0), seconds)
    kept = {test for test in read_list() if test not in times}
    slow = kept | {test for test, seconds in times.items() if is_slow(test, seconds)}
    LIST.write_text(HEADER + "".join(f"{test}\n" for test in sorted(slow)), encoding="utf-8")
    print(f"{len(slow)} slow test functions ({len(kept)} kept unmeasured) -> {LIST}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
