"""A whole `make bench` run leaves one line in the history: its commit, when it ran, and every
benchmark's figures (not the details), appended after the earlier runs."""
from __future__ import annotations

from bench import history

ROWS = [{"name": "projection", "value": 3773, "unit": "events/s", "baseline": 13808, "ratio": 0.273,
         "target": "≥ 0.5×", "meets": False, "details": {"events": 200028}},
        {"name": "lag", "value": [0.048, 0.364], "unit": "s (p50, p99)", "baseline": None, "ratio": None,
         "target": "p99 < 1 s", "meets": True}]


def test_each_run_appends_its_commit_time_and_figures(tmp_path):
    path = tmp_path / "history.jsonl"
    history.record(ROWS, "2026-11-21T06:09:56+00:00", "7f53329", path)
    history.record(ROWS, "2026-11-22T20:00:00+00:00", "abc1234+changes", path)
    runs = history.read(path)
    assert [r["commit"] for r in runs] == ["7f53329", "abc1234+changes"]
    assert runs[0]["figures"]["projection"] == {"value": 3773, "unit": "events/s", "baseline": 13808,
                                                "ratio": 0.273, "target": "≥ 0.5×", "meets": False}
    assert "details" not in runs[0]["figures"]["projection"]
    assert [history.plotted(f) for f in runs[1]["figures"].values()] == [0.273, 0.048]


def test_the_commit_says_when_the_checkout_had_changes(tmp_path):
    assert history.commit_of(tmp_path) == "unknown"  # not a git checkout
