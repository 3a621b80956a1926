"""scale-services — the real system at the scale row's largest size (issue 49): the gateway and the
four stage services as `make run` starts them (`bench/system.py`) take a course of the generated
20,000-document repository (`bench/repos.py`) through stages 1 to 3, and stage 4 for at most
`STAGE4_SECONDS` (then cancelled, as the memory row does: stage 4 over 20,000 documents writes
every module and lays out every export format, longer than a run can afford). Reported:

- each service's peak RSS over the whole run (the memory row's `Sampler`, every 0.25 s; git and
  parser processes a service starts are reported apart as `children_peak_mb`);
- the largest event of each type on the COURSES stream, read back after the run, in the bytes NATS
  counts against its limits (`shared.bus.eventstore.message_bytes`: body and header block);
- requests per second and p99 of GET …/stage2/status, …/stage3/status and …/pathways at 32
  connections (`bench/loadgen.py`, as the gateway row uses it) on the finished course: the answers
  a user's browser polls. An answer is served from the gateway's answer cache while the read tables
  are unchanged, so each endpoint's first answer after a change (`cold_ms`: the tables moved by a
  new course, then one request) is reported too, and the size of each answer.

No baseline: the targets are absolute — peak RSS ≤ 300 MB per service, no event over 256 KB,
p99 < 200 ms per endpoint. The value is the three worst figures."""
from __future__ import annotations

import asyncio
import time

from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from shared.bus.eventstore import message_bytes

from .common import Context, Row, eventually, median
from .gateway import CONNECTIONS, load
from .memory import Sampler, plot, through_the_stages
from .repos import make_doc_repo
from .system import System

NAME = "scale-services"
TARGET_RSS_MB = 300
TARGET_EVENT_KB = 256
TARGET_P99_MS = 200
STAGE4_SECONDS = 60
STAGE_TIMEOUT = 3600  # stage 2 of 20,000 documents on the offline engine takes about 20 minutes
COLD_ROUNDS = 3


def endpoints(course: str) -> dict[str, str]:
    return {"stage2/status": f"/api/courses/{course}/stage2/status",
            "stage3/status": f"/api/courses/{course}/stage3/status",
            "pathways": f"/api/courses/{course}/pathways"}


async def run(ctx: Context) -> Row:
    documents = ctx.size(20_000, 1_000)
    stage4_cap = ctx.size(STAGE4_SECONDS, 20)
    seconds, warmup = ctx.size(5, 2), 0.5 if ctx.quick else 1.0
    repo = ctx.folder("repo-scale-services") / "skyline"
    await asyncio.to_thread(make_doc_repo, repo, documents)
    async with System(ctx, NAME) as system:
        with Sampler(system.pids()) as sampler:
            course, stage4_finished = await through_the_stages(system, sampler, "Scale benchmark", repo, 1.0,
                                                               stage4_cap, STAGE_TIMEOUT)
        stage_seconds = await system.stage_seconds(course)
        events = await event_sizes(system.js)
        cold = await cold_answers(system, course)
        auth = [f"Authorization: {system.api.headers['Authorization']}"]
        served = {name: await asyncio.to_thread(load, system.url + path, seconds, warmup, auth)
                  for name, path in endpoints(course).items()}
    peaks = sampler.peaks()
    plot(sampler, documents, NAME, TARGET_RSS_MB)
    worst_service = max(peaks, key=peaks.__getitem__)
    worst_event = max(events, key=lambda kind: events[kind]["max_bytes"])
    worst_endpoint = max(served, key=lambda name: served[name]["p99_ms"])
    event_kb = round(events[worst_event]["max_bytes"] / 1024, 1)
    errors = sum(r["errors"] for r in served.values())
    meets = (peaks[worst_service] <= TARGET_RSS_MB and event_kb <= TARGET_EVENT_KB
             and served[worst_endpoint]["p99_ms"] < TARGET_P99_MS and errors == 0)
    misses = [f"{name} peaks at {mb:.0f} MB ({sampler.shared_at_peak[name]:.0f} MB of it shared with files)"
              for name, mb in peaks.items() if mb > TARGET_RSS_MB]
    misses += [f"{kind} is {v['max_bytes'] / 1024:.0f} KB" for kind, v in events.items()
               if v["max_bytes"] > TARGET_EVENT_KB * 1024]
    misses += [f"{name} p99 {r['p99_ms']:.0f} ms" for name, r in served.items() if r["p99_ms"] >= TARGET_P99_MS]
    if errors:
        misses.append(f"{errors} requests failed")
    if not stage4_finished:
        misses.append(f"stage 4 sampled for {stage4_cap} s, then cancelled")
    return Row(NAME, [peaks[worst_service], event_kb, served[worst_endpoint]["p99_ms"]],
               f"at {documents:,} documents: largest peak RSS MB ({worst_service}), largest event KB "
               f"({worst_event}), worst endpoint p99 ms ({worst_endpoint})",
               None, None, f"≤ {TARGET_RSS_MB} MB each; ≤ {TARGET_EVENT_KB} KB; p99 < {TARGET_P99_MS} ms", meets,
               "; ".join(misses) or None,
               details={"documents": documents, "peak_rss_mb": peaks,
                        "shared_at_peak_mb": sampler.shared_at_peak,
                        "children_peak_mb": {k: round(v, 1) for k, v in sampler.children_peak.items() if v},
                        "stage_seconds": {k: round(v, 1) for k, v in stage_seconds.items()},
                        "stage4_finished": stage4_finished, "events": events,
                        "endpoints": {name: {**{k: r[k] for k in ("req_per_s", "p50_ms", "p99_ms", "max_ms", "errors")},
                                             **cold[name]} for name, r in served.items()},
                        "connections": CONNECTIONS, "seconds_per_endpoint": seconds})


async def event_sizes(js, stream: str = "COURSES") -> dict[str, dict[str, int]]:
    """Per event type on the stream: how many, and the largest and total stored size in bytes."""
    config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE,
                            inactive_threshold=10.0, mem_storage=True, num_replicas=1)
    sub = await js.pull_subscribe("course.>", durable=None, stream=stream, config=config)
    sizes: dict[str, dict[str, int]] = {}
    try:
        pending = (await sub.consumer_info()).num_pending
        while pending > 0:
            for msg in await sub.fetch(min(pending, 500), timeout=10):
                kind = msg.subject.rsplit(".", 1)[1]
                size = message_bytes(msg.data, msg.headers or {})
                entry = sizes.setdefault(kind, {"count": 0, "max_bytes": 0, "total_bytes": 0})
                entry["count"] += 1
                entry["total_bytes"] += size
                entry["max_bytes"] = max(entry["max_bytes"], size)
                pending = msg.metadata.num_pending
    finally:
        await sub.unsubscribe()
    return dict(sorted(sizes.items(), key=lambda item: -item[1]["max_bytes"]))


async def cold_answers(system: System, course: str) -> dict[str, dict[str, float]]:
    """Each endpoint's answer built afresh: a new course moves the read tables (so no stored
    answer is current), then one request each; the median over `COLD_ROUNDS`, and the answer's size."""
    times: dict[str, list[float]] = {name: [] for name in endpoints(course)}
    sizes: dict[str, int] = {}
    for n in range(COLD_ROUNDS):
        await system.create_course(f"Moves the read tables {n}")
        stored = (await system.js.stream_info("COURSES")).state.last_seq

        async def caught_up() -> bool:
            body = (await system.api.get("/ready")).json()
            return body.get("projection_position", 0) >= stored and body.get("projection_lag_events") == 0
        await eventually(caught_up, 120, "the projection catching up", every=0.05)
        for name, path in endpoints(course).items():
            started = time.perf_counter()
            response = await system.api.get(path)
            times[name].append(1000 * (time.perf_counter() - started))
            response.raise_for_status()
            sizes[name] = len(response.content)
    return {name: {"cold_ms": round(median(values), 1), "answer_bytes": sizes[name]} for name, values in times.items()}
