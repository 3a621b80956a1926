"""Every whole `make bench` run, one line each in results/history.jsonl — its commit, when it ran,
and every benchmark's value, baseline, ratio and whether it met its target — and a plot of each
benchmark's ratio over the runs (results/history.png), so a regression shows in bench/README.md."""
from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any, Iterable

from . import common


def commit_of(folder: Path) -> str:
    """The checkout's commit, with `+changes` when files differ from it."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=folder, capture_output=True, text=True).stdout.strip()
    head = git("rev-parse", "--short", "HEAD") or "unknown"
    return head + ("+changes" if git("status", "--porcelain", "--untracked-files=no") else "")


def entry(rows: Iterable[dict[str, Any]], run_at: str, commit: str) -> dict[str, Any]:
    """One run's line: the figures of every row (dicts as in latest.json), without their details."""
    figures = {r["name"]: {k: r.get(k) for k in ("value", "unit", "baseline", "ratio", "target", "meets")}
               for r in rows}
    return {"commit": commit, "run_at": run_at, "figures": figures}


def record(rows: Iterable[dict[str, Any]], run_at: str, commit: str, path: Path | None = None) -> Path:
    path = path or common.RESULTS / "history.jsonl"
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("a") as out:
        out.write(json.dumps(entry(rows, run_at, commit), ensure_ascii=False, default=str) + "\n")
    return path


def read(path: Path | None = None) -> list[dict[str, Any]]:
    path = path or common.RESULTS / "history.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def _first(number: Any) -> float | None:
    if isinstance(number, list):
        number = number[0] if number else None
    return float(number) if isinstance(number, (int, float)) and not isinstance(number, bool) else None


def plotted(figure: dict[str, Any]) -> float | None:
    """What a benchmark's panel shows: its (first) ratio to its baseline, or its (first) value
    where it has no baseline (lag, cache, memory)."""
    ratio = _first(figure.get("ratio"))
    return ratio if ratio is not None else _first(figure.get("value"))


def plot(runs: list[dict[str, Any]]) -> Path | None:
    """Each benchmark's figure (plotted()) over the runs, one small panel each."""
    names = sorted({name for run in runs for name, f in run["figures"].items() if plotted(f) is not None})
    if not runs or not names:
        return None
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    columns = 3
    rows = -(-len(names) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(10, 2.4 * rows), dpi=100, squeeze=False)
    for ax, name in zip(axes.flat, names):
        points = [(i, plotted(run["figures"][name]), run["figures"][name].get("meets"))
                  for i, run in enumerate(runs) if name in run["figures"] and plotted(run["figures"][name]) is not None]
        ax.plot([i for i, _, _ in points], [r for _, r, _ in points], marker="o", color="#555")
        for i, r, meets in points:
            ax.plot(i, r, marker="o", color="#2a7" if meets else "#c33")
        last = runs[-1]["figures"].get(name) or {}
        what = "ratio" if _first(last.get("ratio")) is not None else str(last.get("unit", "value"))[:24]
        ax.set_title(f"{name} — {what} (target {last.get('target', '')})", fontsize=8)
        ax.set_xticks(range(len(runs)), [run["commit"][:7] for run in runs], fontsize=6, rotation=45)
        ax.grid(True, alpha=0.3)
    for ax in list(axes.flat)[len(names):]:
        ax.axis("off")
    fig.suptitle("make bench over time: green met its target, red missed", fontsize=10)
    return common.save(fig, "history")
