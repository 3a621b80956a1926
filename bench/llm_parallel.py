"""llm-parallel — stage 2 wall time on 200 documents with the anthropic provider against a local
Messages-API server (tests/support/llm_server.py, its own process) that answers every request after a
fixed 300 ms, at concurrency 16 (ANALYSIS_CONCURRENCY = LLM_MAX_CONCURRENCY = 16).

Baseline: the ideal, ceil(200 / 16) × 300 ms = 3.9 s. That is the limit: with 16 requests in
flight and each taking 300 ms, no schedule finishes 200 requests sooner. What the service adds on
top — reading the snapshot, parsing, building prompts, the cache look-ups and writes, two events
per document, the watcher that re-reads the course for a cancel — shows as the excess.

Value: from the DocsAnalysisRequested event to the DocsAnalysed event, as stored in the log. The
request is sent once the service is pulling (its consumer has a pull waiting) and it and its
children (the spare parsers, readying themselves) are idle: the figure is a run of a service
already up, not the start of its process."""
from __future__ import annotations

import asyncio
import math

from nats.js.errors import NotFoundError

from .common import Context, Row, eventually, figure, ratio, save
from .llm_answers import LLMServer
from .repos import make_doc_repo
from .system import System

NAME = "llm-parallel"
TARGET = 1.15
LATENCY = 0.3
CONCURRENCY = 16


async def run(ctx: Context) -> Row:
    documents = ctx.size(200, 48)
    repo = ctx.folder("repo-llm") / "skyline"
    await asyncio.to_thread(make_doc_repo, repo, documents)
    with LLMServer(LATENCY * 1000, ctx.folder("llm") / "llm-server.log") as llm:
        async with System(ctx, "llm", services=("repo_clone", "doc_analyser"),
                          service_env={"doc_analyser": llm.env(CONCURRENCY)}) as system:
            course = await system.create_course("LLM benchmark")
            await system.stage1(course, str(repo))
            await eventually(lambda: pulling(system, "doc_analyser"), 120, "doc_analyser pulling requests")
            await eventually(lambda: system.idle("doc_analyser"), 120, "doc_analyser idle (started up)")
            status = await system.stage2(course)
            log = await system.course_log(course)
            seconds = (await system.stage_seconds(course))["stage2"]
        stats = llm.stats()
    ideal = math.ceil(documents / CONCURRENCY) * LATENCY
    r = ratio(seconds, ideal)
    plot(log, documents, ideal)
    analysed = status["result"]["document_count"]
    note = None if analysed == documents and stats["requests"] == documents else (
        f"{analysed} documents analysed with {stats['requests']} provider requests (expected {documents} each)")
    return Row(NAME, round(seconds, 3), "s", round(ideal, 3), r, f"≤ {TARGET}× ideal",
               r <= TARGET and note is None, note,
               details={"documents": documents, "concurrency": CONCURRENCY, "latency_s": LATENCY,
                        "provider_requests": stats["requests"], "peak_concurrent_requests": stats["max_concurrent"],
                        "seconds_to": milestones(log, stats)})


async def pulling(system: System, service: str) -> bool:
    try:
        return (await system.js.consumer_info("COURSES", service)).num_waiting > 0
    except NotFoundError:  # not subscribed yet
        return False


def milestones(log, stats: dict) -> dict:
    """When the run started, its first and last provider request, and its first and last analysis,
    in seconds since the request."""
    start = next(at for _, kind, at in log if kind == "DocsAnalysisRequested")
    requests = {name: stats.get(key) for name, key in (("first provider request", "first_request_at"),
                                                       ("last provider request", "last_request_at"))}
    times = {"StageStarted": next((at for _, kind, at in log if kind == "StageStarted"
                                   and at >= start), None),
             "first DocAnalysed": next((at for _, kind, at in log if kind == "DocAnalysed"), None),
             "DocsAnalysed": next((at for _, kind, at in log if kind == "DocsAnalysed"), None)}
    found = {name: round((at - start).total_seconds(), 3) for name, at in times.items() if at is not None}
    found.update({name: round(at - start.timestamp(), 3) for name, at in requests.items() if at is not None})
    return dict(sorted(found.items(), key=lambda item: item[1]))


def plot(log, documents: int, ideal: float) -> None:
    start = next(at for _, kind, at in log if kind == "DocsAnalysisRequested")
    done = sorted((at - start).total_seconds() for _, kind, at in log if kind == "DocAnalysed")
    end = next((at - start).total_seconds() for _, kind, at in log if kind == "DocsAnalysed")
    fig, ax = figure(f"llm-parallel: {documents} documents, 300 ms per call, concurrency {CONCURRENCY}")
    ax.step([0] + done, range(len(done) + 1), where="post", label="documents analysed (DocAnalysed in the log)")
    steps = math.ceil(documents / CONCURRENCY)
    ideal_x = [LATENCY * k for k in range(steps + 1)]
    ideal_y = [min(documents, CONCURRENCY * k) for k in range(steps + 1)]
    ax.step(ideal_x, ideal_y, where="post", linestyle="--", label=f"ideal ({ideal:.1f} s)")
    ax.axvline(end, color="grey", linewidth=0.8)
    ax.text(end, documents * 0.05, f" DocsAnalysed {end:.2f} s", fontsize=8, color="grey")
    ax.set_xlabel("seconds since the request")
    ax.set_ylabel("documents")
    ax.legend(fontsize=8)
    save(fig, NAME)
