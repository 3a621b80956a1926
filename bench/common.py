"""What every benchmark shares: the result row, the run's context (private servers, sizes, where
results go), timing helpers and plotting."""
from __future__ import annotations

import asyncio
import contextlib
import json
import math
import os
import statistics
import time
import uuid
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import asyncpg

from ops.local.nats_server import NatsServer
from ops.local.postgres import EmbeddedPostgres

RESULTS = Path(__file__).resolve().parent / "results"


@dataclass
class Row:
    """One row of the table and of results/latest.json. `value`, `baseline` and `ratio` are a
    number, or a list of numbers in the order `unit` names them, or None where the issue has "—"."""
    name: str
    value: Any
    unit: str
    baseline: Any
    ratio: Any
    target: str
    meets: bool
    note: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    seconds: float = 0.0  # how long the benchmark took, servers included

    def as_json(self) -> dict[str, Any]:
        required = ("name", "value", "unit", "baseline", "ratio", "target", "meets")
        return {k: v for k, v in asdict(self).items() if k in required or v not in (None, {})}


class Context:
    """One benchmark run: a PostgreSQL shared by every benchmark (a fresh database each), a fresh
    nats-server per benchmark, a scratch folder, and the size switch."""

    def __init__(self, work: Path, quick: bool, profile: bool = False) -> None:
        self.work, self.quick, self.profile = work, quick, profile
        self._postgres: EmbeddedPostgres | None = None
        self._nats: list[NatsServer] = []
        self.shared: dict[str, Any] = {}  # what one benchmark leaves for another (the projection log)

    def size(self, full: int, quick: int) -> int:
        return quick if self.quick else full

    def folder(self, name: str) -> Path:
        path = self.work / f"{name}-{uuid.uuid4().hex[:6]}"
        path.mkdir(parents=True)
        return path

    def nats(self, name: str) -> NatsServer:
        server = NatsServer(self.folder(f"nats-{name}")).start()
        self._nats.append(server)
        return server

    def stop_nats(self, server: NatsServer) -> None:
        server.stop()
        if server in self._nats:
            self._nats.remove(server)

    async def database(self, name: str) -> str:
        if self._postgres is None:
            self._postgres = await asyncio.to_thread(EmbeddedPostgres(self.work / "pg").start)
        database = f"{name.replace('-', '_')}_{uuid.uuid4().hex[:8]}"
        admin = await asyncpg.connect(self._postgres.url())
        try:
            await admin.execute(f'CREATE DATABASE "{database}"')
        finally:
            await admin.close()
        return self._postgres.url(database)

    def postgres_pid(self) -> int | None:
        """The shared PostgreSQL's postmaster, once a database was asked for."""
        return self._postgres.pid if self._postgres is not None else None

    def close(self) -> None:
        for server in self._nats:
            server.stop()
        self._nats.clear()
        if self._postgres is not None:
            self._postgres.stop()
            self._postgres = None


# --- numbers --------------------------------------------------------------------------------------

def ratio(value: float, baseline: float) -> float:
    return round(value / baseline, 3) if baseline else math.inf


def percentile(values: list[float], q: float) -> float:
    if not values:
        return math.nan
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, math.ceil(q / 100 * len(ordered)) - 1))
    return ordered[index]


def median(values: list[float]) -> float:
    return statistics.median(values) if values else math.nan


@contextlib.contextmanager
def stopwatch() -> Iterator[Callable[[], float]]:
    started = time.perf_counter()
    finished: list[float] = []
    yield lambda: (finished[0] if finished else time.perf_counter()) - started
    finished.append(time.perf_counter())


async def eventually(check, timeout: float, what: str, every: float = 0.05):
    """The first truthy result of `await check()`; TimeoutError naming `what` after `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        value = await check()
        if value:
            return value
        if time.monotonic() > deadline:
            raise TimeoutError(f"{what} did not happen within {timeout:.0f}s")
        await asyncio.sleep(every)


# --- plots ----------------------------------------------------------------------------------------

def figure(title: str, width: float = 7.5, height: float = 4.2):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(width, height), dpi=100)
    ax.set_title(title, fontsize=11)
    ax.grid(True, alpha=0.3)
    return fig, ax


def save(fig, name: str) -> Path:
    import matplotlib.pyplot as plt

    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.png"
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)
    return path


def plot_progress(name: str, title: str, curves: dict[str, list[tuple[float, int]]]) -> Path:
    """Events done over seconds, one curve per label: a benchmark beside its baseline."""
    fig, ax = figure(title)
    for label, samples in curves.items():
        ax.plot([t for t, _ in samples], [n for _, n in samples], label=label)
    ax.set_xlabel("seconds")
    ax.set_ylabel("events")
    ax.legend(fontsize=8)
    return save(fig, name)


def write_results(rows: list[Row], meta: dict[str, Any], path: Path | None = None) -> Path:
    """results/latest.json: the list of rows the issue asks for; the run's facts go next to it in
    latest.meta.json so the main file stays exactly a list."""
    path = path or RESULTS / "latest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([r.as_json() for r in rows], indent=2, default=str) + "\n")
    path.with_suffix(".meta.json").write_text(json.dumps(meta, indent=2, default=str) + "\n")
    return path


def cpu_count() -> int:
    return os.cpu_count() or 1
