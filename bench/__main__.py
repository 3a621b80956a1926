"""python -m bench [name ...] [--quick] [--profile] [--out DIR]

Runs the benchmarks (all, in order, by default), prints the table, writes `latest.json` (the rows),
`latest.meta.json` (the run's facts), `latest.md` (the table) and one PNG per benchmark into
bench/results/ — or into bench/results/partial/ for a subset, --quick or --profile run, so the
figures bench/README.md shows (its table is latest.md, bench/readme.py) are always those of a
whole, full-size, unprofiled run. A whole run also adds its
figures to results/history.jsonl and redraws results/history.png (bench/history.py)."""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import importlib
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path

import psutil

from . import BENCHMARKS, TARGETS, module_name
from . import common, history, readme
from .common import Context, Row


def _fmt(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return " / ".join(_fmt(v) for v in value)
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.3g}" if abs(value) < 10 else f"{value:.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def _ratio(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, list):
        return " / ".join(_ratio(v) for v in value)
    return f"{value:.2f}×"


def table(rows: list[Row]) -> str:
    header = ("name", "value", "unit", "baseline", "ratio", "target", "meets")
    lines = [(r.name, _fmt(r.value), r.unit, _fmt(r.baseline), _ratio(r.ratio), r.target,
              "yes" if r.meets else "NO") for r in rows]
    widths = [max(len(h), *(len(line[i]) for line in lines)) if lines else len(h) for i, h in enumerate(header)]
    out = [" | ".join(h.ljust(w) for h, w in zip(header, widths)), "-+-".join("-" * w for w in widths)]
    out += [" | ".join(c.ljust(w) for c, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


MOST_NOTE_CHARS = 300


def markdown_table(rows: list[Row], meta: dict, commit: str) -> str:
    """The run's table, under the line saying where and on what it ran, and over one line per
    missed target saying what the row found (its note)."""
    machine = meta["versions"]
    out = [f"Run at {meta['run_at']} on commit `{commit}`: {machine['machine']}, {machine['cpus']} CPUs, "
           f"Python {machine['python']}; {meta['total_seconds'] / 60:.0f} min, load "
           f"{meta['load_average_before'][0]:.1f} before and {meta['load_average_after'][0]:.1f} after.", "",
           "| name | value | unit | baseline | ratio | target | meets |", "| --- | --- | --- | --- | --- | --- | --- |"]
    for r in rows:
        out.append(f"| {r.name} | {_fmt(r.value)} | {r.unit} | {_fmt(r.baseline)} | {_ratio(r.ratio)} | {r.target} | "
                   f"{'yes' if r.meets else '**no**'} |")
    missed = [r for r in rows if not r.meets]
    if missed:
        out += ["", "Targets missed, with what the row found:", ""]
        out += [f"- **{r.name}**: {_one_line(r.note) or 'the row says nothing more'}" for r in missed]
    return "\n".join(out)


def _one_line(note: str | None) -> str:
    text = " ".join((note or "").split())
    return text if len(text) <= MOST_NOTE_CHARS else text[:MOST_NOTE_CHARS - 1].rsplit(" ", 1)[0] + "…"


def versions() -> dict:
    found = {"python": platform.python_version(), "machine": platform.machine(), "cpus": os.cpu_count()}
    for package in ("nats-py", "faststream", "asyncpg", "fastapi", "uvicorn", "uvloop", "httptools", "pydantic",
                    "anthropic"):
        try:
            from importlib.metadata import version
            found[package] = version(package)
        except Exception:
            pass
    try:
        from ops.local.nats_server import find_nats_server
        found["nats-server"] = subprocess.run([find_nats_server(), "--version"], capture_output=True,
                                              text=True).stdout.strip()
    except Exception:
        pass
    found["git"] = subprocess.run(["git", "--version"], capture_output=True, text=True).stdout.strip()
    return found


def _stopped(run: asyncio.Task) -> None:
    """SIGTERM: this process's children stop (servers and services run in sessions of their own, a
    measuring child waits in a thread: the signal reaches neither), then the run is cancelled, so
    each benchmark's servers and services are stopped on the way out."""
    for child in psutil.Process().children():
        with contextlib.suppress(psutil.Error):
            child.terminate()
    run.cancel()


async def run_all(names: list[str], quick: bool, profile: bool) -> tuple[list[Row], dict]:
    rows: list[Row] = []
    this_run = asyncio.current_task()
    assert this_run is not None
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, _stopped, this_run)
    with tempfile.TemporaryDirectory(prefix="coursegen-bench-") as scratch:
        ctx = Context(Path(scratch), quick, profile)
        try:
            for name in names:
                module = importlib.import_module(f"bench.{module_name(name)}")
                print(f"[bench] {name} ...", flush=True)
                started = time.perf_counter()
                try:
                    row = await module.run(ctx)
                except Exception as exc:
                    traceback.print_exc()
                    row = Row(name, None, "", None, None, TARGETS[name], False,
                              f"the benchmark failed: {type(exc).__name__}: {exc}"[:500])
                row.seconds = round(time.perf_counter() - started, 1)
                rows.append(row)
                print(f"[bench] {name}: {_fmt(row.value)} {row.unit}, ratio {_ratio(row.ratio)}, "
                      f"target {row.target} -> {'meets' if row.meets else 'MISSES'} ({row.seconds:.0f} s)", flush=True)
                if name == "replay" or ("replay" not in names and name == "projection"):
                    from .eventlog import close
                    await close(ctx)
        finally:
            from .eventlog import close
            await close(ctx)
            ctx.close()
    return rows, {}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("names", nargs="*", help=f"benchmarks to run (default: all): {', '.join(BENCHMARKS)}")
    parser.add_argument("--quick", action="store_true", help="small sizes, for developing the benchmarks")
    parser.add_argument("--profile", action="store_true",
                        help="projection and replay under pyinstrument, every service process under py-spy; "
                             "reports in <results>/profiles/")
    parser.add_argument("--out", type=Path, default=None, help="where results go (default: see above)")
    args = parser.parse_args(argv)
    unknown = [n for n in args.names if n not in BENCHMARKS]
    if unknown:
        parser.error(f"unknown benchmark(s) {', '.join(unknown)}; choose from {', '.join(BENCHMARKS)}")
    names = [n for n in BENCHMARKS if n in args.names] if args.names else list(BENCHMARKS)
    whole = names == list(BENCHMARKS) and not args.quick and not args.profile  # profiling slows what it watches
    common.RESULTS = args.out or (common.RESULTS if whole else common.RESULTS / "partial")
    started, load_before = time.perf_counter(), os.getloadavg()
    at = datetime.now(timezone.utc).isoformat(timespec="seconds")
    try:
        rows, _ = asyncio.run(run_all(names, args.quick, args.profile))
    except asyncio.CancelledError:
        print("[bench] stopped by SIGTERM; what it had started is stopped, nothing is written", file=sys.stderr)
        return 128 + signal.SIGTERM
    total = time.perf_counter() - started
    meta = {"run_at": at, "total_seconds": round(total, 1), "quick": args.quick, "benchmarks": names,
            "load_average_before": load_before, "load_average_after": os.getloadavg(), "versions": versions(),
            "seconds_per_benchmark": {r.name: r.seconds for r in rows}}
    path = common.write_results(rows, meta)
    latest_md = path.parent / "latest.md"
    commit = history.commit_of(Path(__file__).parent)
    latest_md.write_text(markdown_table(rows, meta, commit) + "\n")
    if latest_md.resolve() == readme.LATEST:  # a whole run's table: bench/README.md shows it
        readme.write_latest(latest_md.read_text())
    if whole:  # only whole runs make the history: partial and quick figures do not compare
        history.record([r.as_json() for r in rows], at, commit)
        history.plot(history.read())
    print()
    print(table(rows))
    print(f"\n{len(rows)} benchmarks in {total / 60:.1f} min; {sum(not r.meets for r in rows)} miss their target. "
          f"Results: {path} (and the plots next to it).")
    return 0


if __name__ == "__main__":
    sys.exit(main())
