"""history-polls — what one poll of `GET …/refresh` costs the gateway for a course of five versions
(790 events: each version's scan of 400 files, 60 analyses, modules, progress), while a refresh
runs and appends a progress event between polls (the Versions panel polls every second).

Baseline: the course's whole history read from a real nats-server and decoded, then folded into
the refresh's status — what every poll did before histories were kept (`EventStore.load` +
`fold_refresh`). Value: the same answer from the gateway's kept history
(services/gateway/caches/kept_histories.py: what was stored since the last poll, then the fold). Medians
of alternating rounds; target ≤ 0.25× (the fold of the whole history, about 3 ms, stays)."""
from __future__ import annotations

import time

import nats

from services.gateway.domain.refresh import fold_refresh
from services.gateway.caches.kept_histories import KeptHistories
from services.gateway.settings import GatewaySettings
from shared.bus.eventstore import EventStore
from shared.bus.provisioning import StreamSpec, provision
from shared.events.catalogue import StageProgressed

from .common import Context, Row, median, ratio
from .events import course_template

NAME = "history-polls"
VERSIONS = 5
TARGET = 0.25


async def run(ctx: Context) -> Row:
    polls = ctx.size(60, 15)
    server = ctx.nats(NAME)
    nc = await nats.connect(server.url)
    try:
        js = nc.jetstream()
        await provision(js, StreamSpec())
        messages = course_template().course(1)
        course = messages[0][0].split(".")[1]
        for version in range(VERSIONS):
            for subject, data, event_id in messages:
                await js.publish(subject, data, headers={"Nats-Msg-Id": f"{event_id}-{version}"})
        store = EventStore(js)
        kept = KeptHistories(store, GatewaySettings.model_fields["kept_history_bytes"].default)
        await kept.load(course)  # the first poll reads the whole history either way
        whole, polled = [], []
        for n in range(polls):
            await store.publish(StageProgressed(course_id=course, actor="repo_clone", payload={
                "stage": "stage1", "task_id": "bench-refresh", "progress_percentage": n % 100,
                "current_step": f"step {n}"}))
            rounds = [(whole, store.load), (polled, kept.load)]
            for timings, read in rounds if n % 2 else reversed(rounds):
                started = time.perf_counter()
                fold_refresh((await read(course)).events)
                timings.append(time.perf_counter() - started)
        events = len((await store.load(course)).events)
    finally:
        await nc.close()
    baseline, value = median(whole) * 1000, median(polled) * 1000
    print(f"[bench] history-polls: {events} events; a poll {value:.2f} ms kept, {baseline:.2f} ms read whole",
          flush=True)
    r = ratio(value, baseline)
    return Row(NAME, round(value, 2), "ms a poll (kept history)", round(baseline, 2), r, f"≤ {TARGET}×",
               r <= TARGET, f"{events} events, {polls} polls",
               details={"events": events, "polls": polls, "kept_ms": [round(t * 1000, 2) for t in polled],
                        "whole_ms": [round(t * 1000, 2) for t in whole]})
