"""The test cases of a JUnit XML report (pytest's --junitxml): what the flake watch compares and
what tests/slow_tests.txt is measured from."""
from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from tests.support.tiers import TIER_OF_FOLDER

VERDICT_OF_TAG = {"failure": "failed", "error": "error", "skipped": "skipped"}


@dataclass(frozen=True)
class Case:
    classname: str  # 'tests.unit.test_x' or 'tests.unit.test_x.TestGroup'
    name: str       # 'test_y' or 'test_y[param]'
    seconds: float  # setup, call and teardown
    verdict: str    # passed / failed / error / skipped

    @property
    def test_id(self) -> str:
        return f"{self.classname}::{self.name}"

    @property
    def tier(self) -> str:
        """The tier of the test's folder (tests/support/tiers.py); 'other' outside them."""
        parts = self.classname.split(".")
        return TIER_OF_FOLDER.get(parts[1], "other") if len(parts) > 2 and parts[0] == "tests" else "other"


def cases(report: Path) -> Iterator[Case]:
    for case in ET.parse(report).getroot().iter("testcase"):
        verdict = next((VERDICT_OF_TAG[child.tag] for child in case if child.tag in VERDICT_OF_TAG), "passed")
        yield Case(case.get("classname", ""), case.get("name", ""), float(case.get("time") or 0), verdict)
