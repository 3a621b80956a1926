"""`python -m bench --profile`: where the time goes. In-process parts (projection, replay) under
pyinstrument; every service process of the other benchmarks under py-spy (sampling, non-blocking,
so it barely disturbs what it watches). Reports go to results/profiles/ as text: for py-spy, the
functions with the largest share of samples, inclusive and self."""
from __future__ import annotations

import os
import collections
import shutil
import signal
import subprocess
import sys
from pathlib import Path

from . import common


def folder() -> Path:
    path = common.RESULTS / "profiles"
    path.mkdir(parents=True, exist_ok=True)
    return path


class InProcess:
    def __init__(self, name: str, enabled: bool) -> None:
        self.name, self.profiler = name, None
        if enabled:
            from pyinstrument import Profiler
            self.profiler = Profiler(async_mode="disabled")

    def __enter__(self) -> "InProcess":
        if self.profiler is not None:
            self.profiler.start()
        return self

    def __exit__(self, *exc) -> None:
        if self.profiler is None:
            return
        self.profiler.stop()
        (folder() / f"{self.name}.txt").write_text(self.profiler.output_text(unicode=True, color=False, show_all=bool(os.environ.get("BENCH_PROFILE_ALL"))))
        (folder() / f"{self.name}.html").write_text(self.profiler.output_html())


def py_spy() -> str | None:
    return shutil.which("py-spy") or (str(Path(sys.executable).with_name("py-spy"))
                                      if Path(sys.executable).with_name("py-spy").exists() else None)


class Spy:
    """py-spy record on a running process until stopped; then a summary next to the raw (collapsed) stacks."""

    def __init__(self, label: str, pid: int, rate: int = 50) -> None:
        self.label, self.raw = label, folder() / f"{label}.raw"
        binary = py_spy()
        self.popen = None if binary is None else subprocess.Popen(
            [binary, "record", "-p", str(pid), "-r", str(rate), "-f", "raw", "-o", str(self.raw), "--nonblocking"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def stop(self) -> None:
        if self.popen is None:
            return
        self.popen.send_signal(signal.SIGINT)
        try:
            self.popen.wait(30)
        except subprocess.TimeoutExpired:
            self.popen.kill()
        if self.raw.exists():
            (folder() / f"{self.label}.txt").write_text(summarise(self.raw))


def _frame(text: str) -> str:
    name, _, where = text.partition(" (")
    return f"{name} ({where.split(':')[0].rsplit('/', 1)[-1]})" if where else name


def summarise(raw: Path, top: int = 90) -> str:
    inclusive, own, total = collections.Counter(), collections.Counter(), 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        frames = [_frame(f) for f in stack.split(";")]
        total += int(count)
        for name in set(frames):
            inclusive[name] += int(count)
        own[frames[-1]] += int(count)
    lines = [f"{total} samples (py-spy, active threads only)", "", "inclusive:"]
    lines += [f"{100 * n / total:5.1f}%  {name}" for name, n in inclusive.most_common(top)]
    lines += ["", "self:"] + [f"{100 * n / total:5.1f}%  {name}" for name, n in own.most_common(25)]
    return "\n".join(lines) + "\n"
