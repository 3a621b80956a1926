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


def test_the_generated_table_says_where_it_ran_and_one_line_per_missed_target():
    from bench.__main__ import markdown_table
    from bench.common import Row

    meta = {"run_at": "2026-11-26T08:32:04+00:00", "total_seconds": 3114.3, "load_average_before": [0.9, 1, 1],
            "load_average_after": [4.2, 2, 1], "versions": {"machine": "x86_64", "cpus": 2, "python": "3.11.7"}}
    rows = [Row("fast", 1.0, "s", 1.0, 1.0, "≤ 1.3×", True),
            Row("slow", 2.0, "s", 1.0, 2.0, "≤ 1.3×", False, note="writing the files:\n  the disk's limit " + "x " * 400),
            Row("quiet", 3.0, "s", 1.0, 3.0, "≤ 1.3×", False)]
    text = markdown_table(rows, meta, "abc1234")
    assert text.splitlines()[0].startswith("Run at 2026-11-26T08:32:04+00:00 on commit `abc1234`: x86_64, 2 CPUs")
    assert "| slow | 2 | s | 1 | 2.00× | ≤ 1.3× | **no** |" in text
    missed = [line for line in text.splitlines() if line.startswith("- **")]
    assert missed[0].startswith("- **slow**: writing the files: the disk's limit x") and len(missed[0]) < 330
    assert missed[1] == "- **quiet**: the row says nothing more" and len(missed) == 2
