"""pipeline — all four stages on a generated 300-document repository with the offline engine,
through the services (REST API, gateway, NATS, PostgreSQL, four service processes).

Baseline: the same code — git clone, scan, snapshot archive, the offline analysis engine and
corpus linking, the pathway planner, the module writer and its claim check, every export format stage 4 builds — called
one stage after the other in one process (`bench/inprocess.py`, run as its own process), with no
bus, no database, no events and no provider layer. That is the limit: the services run exactly this work, and
everything else they do (events, projection, snapshots in the Object Store, re-reading a course's
history, prompts and validation around the engine) is overhead on top of it. The stages run one
after another in both, so neither side gains from the second core by design.

Value: the sum of the four stage times, each from its request event to its result event as stored
in the log (the time a user waits for the stage, without the time they take to click)."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

from .common import Context, Row, figure, ratio, save
from .repos import make_doc_repo
from .system import ROOT, System

NAME = "pipeline"
TARGET = 1.5
STAGES = ("stage1", "stage2", "stage3", "stage4")


def in_process(repo: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, "-m", "bench.inprocess", repo, "docs"], cwd=ROOT, check=True,
                         capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


async def run(ctx: Context) -> Row:
    documents = ctx.size(300, 40)
    repo = ctx.folder("repo-pipeline") / "skyline"
    await asyncio.to_thread(make_doc_repo, repo, documents)
    baseline = await asyncio.to_thread(in_process, str(repo))
    async with System(ctx, NAME) as system:
        course = await system.whole_course(str(repo))
        services = await system.stage_seconds(course)
    value, base = sum(services.values()), sum(baseline.values())
    r = ratio(value, base)
    plot(services, baseline, documents)
    return Row(NAME, round(value, 2), "s", round(base, 2), r, f"≤ {TARGET}×", r <= TARGET,
               details={"documents": documents,
                        "services_seconds": {k: round(v, 2) for k, v in services.items()},
                        "in_process_seconds": {k: round(v, 2) for k, v in baseline.items()},
                        "stage_ratios": {s: ratio(services[s], baseline[s]) for s in STAGES}})


def plot(services: dict[str, float], baseline: dict[str, float], documents: int) -> None:
    fig, ax = figure(f"pipeline: {documents} documents, offline engine — seconds per stage")
    xs = range(len(STAGES))
    ax.bar([x - 0.2 for x in xs], [baseline[s] for s in STAGES], width=0.4, label="in one process (baseline)")
    ax.bar([x + 0.2 for x in xs], [services[s] for s in STAGES], width=0.4, label="through the services")
    for x, s in zip(xs, STAGES):
        ax.annotate(f"{services[s] / baseline[s]:.2f}×", (x + 0.2, services[s]), ha="center", va="bottom", fontsize=9)
    ax.set_xticks(list(xs), list(STAGES))
    ax.set_ylabel("seconds")
    ax.legend()
    save(fig, NAME)
