"""many-courses — the gateway's course list and course read with 100,000 courses of 10,000 users in
its read tables, against the same at 100 courses (issue 49): p99 and requests per second of
GET /api/projects/ (a user's 10 courses) and GET /api/projects/{id}, 32 connections, the gateway
as `make run` starts it. Every course is made through the event log (CourseCreated, then
CourseUpdated, as a user creates and renames one), projected live, then the whole log is replayed.

Baseline: the same requests, the same 10 users and their courses, when the tables hold 100 courses;
the target is p99 ≤ 1.5× of that, and no fewer than 1/1.5 the requests per second. Load:
bench/loadgen.py in its own process, the connections taking the 20 requests in turn; three rounds of
each endpoint at each size, medians compared. The course list is answered from the gateway's answer
cache once a user has asked (the tables do not change meanwhile), at both sizes alike; a course read
is not cached: its p99 is the read tables' at that size. The replay of the whole log is reported (events per
second, the live tables rebuilt and swapped in)."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import time

import asyncpg

from services.gateway.edge.auth import development_token
from services.gateway.projection.replay import replay
from shared.events.catalogue import CourseCreated, CourseUpdated
from shared.events.subjects import subject_for

from .common import Context, Row, eventually, figure, median, ratio, save
from .system import JWT_SECRET, ROOT, System

NAME = "many-courses"
P99_TARGET = 1.5
COURSES_PER_USER = 10
CONNECTIONS = 32
MEASURED_USERS = 10  # the users whose requests are measured at both sizes: every one of the first 100 courses'


def course_id(n: int) -> str:
    return f"many-{n:08d}"


def owner_of(n: int) -> str:
    return f"user-{n // COURSES_PER_USER:06d}"


def course_messages(n: int) -> list[tuple[str, bytes, str]]:
    owner = owner_of(n)
    created = CourseCreated(event_id=f"ev-many-{n:08d}-1", course_id=course_id(n), actor=owner, payload={
        "owner_id": owner, "title": f"Course {n}", "description": f"The course number {n} of {owner}."})
    renamed = CourseUpdated(event_id=f"ev-many-{n:08d}-2", course_id=course_id(n), actor=owner, payload={
        "title": f"Course {n}, renamed", "revision": 2})
    return [(subject_for(e), e.to_json(), e.event_id) for e in (created, renamed)]


async def publish(js, first: int, count: int, window: int = 4000) -> int:
    pending, published = [], 0
    for n in range(first, first + count):
        for subject, data, event_id in course_messages(n):
            pending.append(await js.publish_async(subject, data, headers={"Nats-Msg-Id": event_id}))
            published += 1
        if len(pending) >= window:
            await asyncio.gather(*pending)
            pending.clear()
    await asyncio.gather(*pending)
    return published


async def caught_up(system: System, position: int) -> None:
    async def reached():
        body = (await system.api.get("/ready")).json()
        return body.get("projection_position", 0) >= position and body.get("projection_lag_events") == 0
    await eventually(reached, 1800, "the projection catching up", every=0.5)


def load(url: str, requests: list[dict], seconds: float, warmup: float, folder) -> dict:
    listed = folder / "requests.json"
    listed.write_text(json.dumps(requests))
    out = subprocess.run([sys.executable, "-m", "bench.loadgen", url, "--connections", str(CONNECTIONS),
                          "--seconds", str(seconds), "--warmup", str(warmup), "--requests", str(listed)],
                         cwd=ROOT, check=True, capture_output=True, text=True).stdout
    return json.loads(out.strip().splitlines()[-1])


async def measured(system: System, ctx: Context, rounds: int, seconds: float, warmup: float) -> dict[str, dict]:
    users = [owner_of(n * COURSES_PER_USER) for n in range(MEASURED_USERS)]
    tokens = {u: {"Authorization": f"Bearer {development_token(JWT_SECRET, u)}"} for u in users}
    endpoints = {
        "list": [{"path": "/api/projects/", "headers": tokens[u]} for u in users],
        "get": [{"path": f"/api/projects/{course_id(n)}", "headers": tokens[owner_of(n)]}
                for n in range(MEASURED_USERS * COURSES_PER_USER)],
    }
    runs: dict[str, list[dict]] = {name: [] for name in endpoints}
    for _ in range(rounds):
        for name, requests in endpoints.items():
            runs[name].append(await asyncio.to_thread(load, system.url, requests, seconds, warmup,
                                                      ctx.folder(f"{NAME}-load")))
    return {name: {"req_per_s": median([r["req_per_s"] for r in found]),
                   "p99_ms": median([r["p99_ms"] for r in found]),
                   "p50_ms": median([r["p50_ms"] for r in found]),
                   "errors": sum(r["errors"] for r in found)} for name, found in runs.items()}


async def run(ctx: Context) -> Row:
    small, large = MEASURED_USERS * COURSES_PER_USER, ctx.size(100_000, 5_000)
    rounds, seconds, warmup = ctx.size(3, 1), ctx.size(4, 2), ctx.size(1.0, 0.5)
    async with System(ctx, NAME, services=()) as system:
        published = await publish(system.js, 0, small)
        await caught_up(system, published)
        assert len((await system.api.get("/api/projects/", headers={
            "Authorization": f"Bearer {development_token(JWT_SECRET, owner_of(0))}"})).json()) == COURSES_PER_USER
        at_small = await measured(system, ctx, rounds, seconds, warmup)
        started = time.perf_counter()
        published += await publish(system.js, small, large - small)
        await caught_up(system, published)
        projected_seconds = time.perf_counter() - started
        at_large = await measured(system, ctx, rounds, seconds, warmup)
        pool = await asyncpg.create_pool(system.database_url, min_size=1, max_size=4)
        try:
            courses = await pool.fetchval("SELECT count(*) FROM coursegen.courses")
            users = await pool.fetchval("SELECT count(DISTINCT user_id) FROM coursegen.courses")
            started = time.perf_counter()
            report = await replay(system.js, pool, "coursegen", "COURSES", system.database_url)
            replay_seconds = time.perf_counter() - started
            rebuilt = await pool.fetchval("SELECT count(*) FROM coursegen.courses")
        finally:
            await pool.close()
    p99 = {e: ratio(at_large[e]["p99_ms"], at_small[e]["p99_ms"]) for e in at_small}
    rate = {e: ratio(at_large[e]["req_per_s"], at_small[e]["req_per_s"]) for e in at_small}
    errors = sum(s["errors"] for s in (*at_small.values(), *at_large.values()))
    problems = [f"{errors} requests failed"] if errors else []
    if (courses, users, rebuilt) != (large, large // COURSES_PER_USER, large):
        problems.append(f"{courses} courses of {users} users projected, {rebuilt} after the replay; expected "
                        f"{large} of {large // COURSES_PER_USER}")
    worst = max(p99, key=lambda e: p99[e])
    meets = not problems and all(r <= P99_TARGET for r in p99.values()) and all(
        r >= 1 / P99_TARGET for r in rate.values())
    plot(at_small, at_large, small, large)
    return Row(NAME, [at_large[worst]["p99_ms"], at_large[worst]["req_per_s"]], f"p99 ms, req/s ({worst}, at {large:,})",
               [at_small[worst]["p99_ms"], at_small[worst]["req_per_s"]], [p99[worst], rate[worst]],
               f"p99 ≤ {P99_TARGET}× of {small} courses", meets, "; ".join(problems) or None,
               details={"courses": large, "users": large // COURSES_PER_USER, "events": published,
                        "p99_ratio": p99, "req_per_s_ratio": rate, f"at_{small}": at_small, f"at_{large}": at_large,
                        "projected_live_seconds": round(projected_seconds, 1),
                        "replay_seconds": round(replay_seconds, 1),
                        "replay_events_per_second": round(published / replay_seconds),
                        "replay": {k: v for k, v in vars(report).items() if isinstance(v, (int, float, str))}})


def plot(at_small: dict, at_large: dict, small: int, large: int) -> None:
    fig, ax = figure(f"{NAME}: p99 of the course list and a course read, {small} against {large:,} courses")
    names = list(at_small)
    xs = range(len(names))
    ax.bar([x - 0.2 for x in xs], [at_small[n]["p99_ms"] for n in names], width=0.4, label=f"{small} courses")
    ax.bar([x + 0.2 for x in xs], [at_large[n]["p99_ms"] for n in names], width=0.4, label=f"{large:,} courses")
    ax.set_xticks(list(xs), names)
    ax.set_ylabel("p99 ms (median of rounds)")
    ax.legend()
    save(fig, NAME)
