"""learners — 1,000 learners of one cohort answering a question at once through the REST API, each
answer sent twice at the same moment with the same client id (a reader syncing again while its first
send is still on its way), against the gateway as `make run` starts it with the four services (one
course written offline from a generated repository of 12 documents, assigned to the cohort with
every module released).

No baseline: the target is what a learner is promised (docs/learners.md): every answer recorded
exactly once — the read tables hold one answer row per learner, no more, no fewer — and every request
answered 200. The 2,000 requests go out together, each on a connection of its own, from a raw
asyncio client in its own process (bench/posts.py: an HTTP library's client cost more CPU than the
gateway it measured); each one's latency, from its sending to its whole answer, is reported, p50
and p99, with the answers per second."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys

import asyncpg

from services.gateway.edge.auth import development_token

from .common import Context, Row, figure, percentile, save
from .repos import make_doc_repo
from .system import JWT_SECRET, ROOT, System

NAME = "learners"


async def run(ctx: Context) -> Row:
    learners = ctx.size(1000, 100)
    repo = ctx.folder("repo-learners") / "project"
    await asyncio.to_thread(make_doc_repo, repo, ctx.size(12, 6), 0, 46, 400)
    errors: list[str] = []
    async with System(ctx, NAME) as system:
        course = await system.whole_course(str(repo), title="Taught course")
        cohort = (await system.post("/api/cohorts", {"name": "Everyone"}, expect=201))["cohort_id"]
        ids = [f"learner-{n:05d}" for n in range(learners)]
        limit = asyncio.Semaphore(32)

        async def add(user: str) -> None:
            async with limit:
                await system.post(f"/api/cohorts/{cohort}/members", {"user_id": user, "role": "learner"}, expect=201)
        await asyncio.gather(*(add(user) for user in ids))
        await system.post(f"/api/cohorts/{cohort}/courses", {"course_id": course}, expect=201)

        tokens = {user: {"Authorization": f"Bearer {development_token(JWT_SECRET, user)}"} for user in ids}
        taught = (await system.api.get(f"/api/learn/courses/{course}", headers=tokens[ids[0]])).json()
        module = next(m for m in taught["modules"] if (m["content"] or {}).get("assessment"))
        requests = [{"path": f"/api/learn/courses/{course}/answers", "headers": tokens[user],
                     "body": {"module_id": module["module_id"], "question": 0, "choice": n % 2,
                              "client_id": f"q0-{user}"}}
                    for n, user in enumerate(ids) for _ in range(2)]
        sent = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bench.posts", system.url], cwd=ROOT,
                                       input="\n".join(map(json.dumps, requests)), capture_output=True, text=True,
                                       check=True)
        answered = json.loads(sent.stdout.strip().splitlines()[-1])
        latencies, wall = answered["seconds"], answered["wall_seconds"]
        errors += [f"{r['body']['client_id']}: status {status}"
                   for r, status in zip(requests, answered["statuses"]) if status != 200]

        conn = await asyncpg.connect(system.database_url)
        try:
            rows = await conn.fetch("SELECT learner_ref, count(*) AS n FROM coursegen.learner_activity "
                                    "WHERE course_id = $1 AND kind = 'answer' GROUP BY learner_ref", course)
        finally:
            await conn.close()
    per_learner = [r["n"] for r in rows]
    recorded, doubled = len(per_learner), sum(1 for n in per_learner if n > 1)
    if recorded != learners or doubled:
        errors.append(f"{recorded} of {learners} learners' answers recorded, {doubled} counted more than once")
    p50, p99 = percentile(latencies, 50) * 1000, percentile(latencies, 99) * 1000
    fig, ax = figure(f"{learners:,} learners answering at once, each answer sent twice")
    ax.hist([s * 1000 for s in latencies], bins=40)
    ax.axvline(p99, color="red", linestyle="--", label=f"p99 {p99:.0f} ms")
    ax.set_xlabel("ms from sending to the answer")
    ax.set_ylabel("requests")
    ax.legend()
    save(fig, NAME)
    return Row(NAME, [round(p50), round(p99)], "ms (p50, p99)", None, None, "every answer once, zero errors",
               not errors, "; ".join(errors[:3]) or None,
               details={"learners": learners, "requests": len(latencies),
                        "recorded": recorded, "counted_twice": doubled, "wall_seconds": round(wall, 2),
                        "answers_per_second": round(len(latencies) / wall, 1)})
