"""The flake watch's verdicts: read from pytest's own JUnit report, and a test is reported when any
run saw it end otherwise than the others (or not at all)."""
from __future__ import annotations

import subprocess
import sys

from tests.support.flake_watch import Run, changed, tier_seconds, verdicts_of

PASSING_AND_FAILING = '''
import pytest

def test_passes():
    assert True

def test_fails():
    assert False

@pytest.mark.skip(reason="not here")
def test_skipped():
    pass
'''


def test_verdicts_come_from_pytests_own_report(tmp_path):
    (tmp_path / "test_sample.py").write_text(PASSING_AND_FAILING)
    junit = tmp_path / "report.xml"
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={junit}",
                    "--rootdir", str(tmp_path), "-c", "/dev/null", "--basetemp", str(tmp_path / "tmp"),
                    str(tmp_path / "test_sample.py")], capture_output=True, cwd=tmp_path)
    assert verdicts_of(junit) == {"test_sample::test_passes": "passed", "test_sample::test_fails": "failed",
                                  "test_sample::test_skipped": "skipped"}
    assert list(tier_seconds(junit)) == ["other"]  # a module outside tests/<tier>/


def test_a_verdict_that_differs_in_any_run_is_reported():
    runs = [Run(1, 1.0, 0, {"a": "passed", "b": "passed", "c": "skipped"}),
            Run(2, 1.0, 1, {"a": "passed", "b": "failed", "c": "skipped"}),
            Run(3, 1.0, 0, {"a": "passed", "c": "skipped"})]
    assert changed(runs) == {"b": ["passed", "failed", "absent"]}
