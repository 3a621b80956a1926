"""The gateway keeps read-only answers while the read tables are unchanged (answer_cache.py):
through the real gateway, PostgreSQL and NATS, a kept answer follows every change of the tables —
a write through the API, rows rewritten at the same stream sequence, a replay's swap — and one
user is never served another's."""
from __future__ import annotations

import asyncio

from services.gateway.projection.replay import replay
from tests.support.flows import ALICE, new_course
from tests.support.gateway import auth
from tests.support.waiting import eventually

BOB, ADMIN = auth("bob"), auth("admin")


async def titles(gateway, headers=ALICE) -> list[str]:
    response = await gateway.get("/api/projects/", headers=headers)
    assert response.status_code == 200, response.text
    return [course["title"] for course in response.json()]


async def rewrite_at_the_same_sequence(c, course_id: str, title: str) -> None:
    """Rows changed and the checkpoint rewritten in place, as a rebuild ending where the live
    tables ended would leave them."""
    s = c.settings.read_schema
    async with c.pool.acquire() as conn, conn.transaction():
        await conn.execute(f"UPDATE {s}.courses SET title = $2 WHERE course_id = $1", course_id, title)
        await conn.execute(f"UPDATE {s}.projection_checkpoint SET stream_seq = stream_seq WHERE id = 1")


async def test_a_kept_answer_is_served_until_the_read_tables_change(gateway):
    c = gateway.app.state.container
    course_id = await new_course(gateway, title="First title")
    first = await gateway.get("/api/projects/", headers=ALICE)
    hits = c.answers.hits
    again = await gateway.get("/api/projects/", headers=ALICE)
    assert again.content == first.content and again.headers["content-type"] == "application/json"
    assert c.answers.hits == hits + 1

    changed = await gateway.put(f"/api/projects/{course_id}", json={"title": "Second title"}, headers=ALICE)
    assert changed.status_code == 200, changed.text
    assert await titles(gateway) == ["Second title"]

    await rewrite_at_the_same_sequence(c, course_id, "Rewritten title")
    assert await titles(gateway) == ["Rewritten title"]


async def test_a_replay_that_ends_where_the_live_tables_ended_is_seen(gateway):
    c = gateway.app.state.container
    course_id = await new_course(gateway, title="From the log")
    await rewrite_at_the_same_sequence(c, course_id, "Not in the log")
    assert await titles(gateway) == ["Not in the log"]
    before = await c.reader.checkpoint()

    report = await replay(c.js, c.pool, c.settings.read_schema, c.settings.stream_name)

    assert report.stream_seq == before  # nothing was appended meanwhile: the same sequence
    assert await titles(gateway) == ["From the log"]


async def test_no_user_is_served_anothers_kept_answer(gateway):
    course_id = await new_course(gateway, title="Alice's plan")
    status = f"/api/courses/{course_id}/stage2/status"
    for _ in range(2):  # built, then kept
        assert (await gateway.get(status, headers=ALICE)).status_code == 200
        assert await titles(gateway) == ["Alice's plan"]
    assert (await gateway.get(status, headers=BOB)).status_code == 404
    assert await titles(gateway, BOB) == []
    assert (await gateway.get(status, headers=ADMIN)).json() == (await gateway.get(status, headers=ALICE)).json()
    assert (await gateway.get(status, headers=BOB)).status_code == 404


async def test_a_stages_results_are_kept_per_user_and_follow_the_tables(gateway):
    """The repository's files, the analysed documents and the pathways: kept per user and
    parameters, refused to another user, and built again once their rows change."""
    c = gateway.app.state.container
    course_id = await new_course(gateway, title="Results")
    files, documents, pathways = (f"/api/courses/{course_id}/{name}"
                                  for name in ("repository-files", "analyzed-documents", "pathways"))
    first = {path: await gateway.get(path, headers=ALICE) for path in (files, documents, pathways)}
    assert all(response.status_code == 200 for response in first.values()), first
    hits = c.answers.hits
    for path, response in first.items():
        assert (await gateway.get(path, headers=ALICE)).content == response.content
    assert c.answers.hits == hits + 3
    for path in (files, documents, pathways):
        assert (await gateway.get(path, headers=BOB)).status_code == 404
    one = await gateway.get(f"{documents}?limit=1", headers=ALICE)
    assert one.json()["limit"] == 1  # other parameters: another answer

    s = c.settings.read_schema
    async with c.pool.acquire() as conn, conn.transaction():
        await conn.execute(f"UPDATE {s}.courses SET repo_name = 'skyline' WHERE course_id = $1", course_id)
        await conn.executemany(
            f"INSERT INTO {s}.course_tasks (course_id, stage, task_id, status, last_activity_at) "
            f"VALUES ($1, $2, $3, 'RUNNING', now())", [(course_id, "stage2", "t2"), (course_id, "stage3", "t3")])
        await conn.execute(f"UPDATE {s}.projection_checkpoint SET stream_seq = stream_seq WHERE id = 1")

    assert (await gateway.get(files, headers=ALICE)).json()["repo_name"] == "skyline"
    assert (await gateway.get(documents, headers=ALICE)).json()["status"] == "RUNNING"
    assert (await gateway.get(pathways, headers=ALICE)).json()["status"] == "RUNNING"
    assert (await gateway.get(pathways, headers=BOB)).status_code == 404


async def test_under_concurrent_reads_no_answer_is_older_than_a_write_finished_before_it_was_asked(gateway):
    """Sixteen clients read the course list without pause while its title changes ten times: every
    answer asked for after a change was answered shows that change or a later one, and the kept
    answers were used. (The race itself — a request joining a version read begun before it asked —
    is too narrow to hit reliably here: tests/unit/test_shared_read.py pins it down.)"""
    c = gateway.app.state.container
    course_id = await new_course(gateway, title="title 0")
    finished = [0]  # the last change whose answer the writer has seen
    stale: list[tuple[int, str]] = []
    reading = True

    async def reader() -> None:
        while reading:
            known = finished[0]
            answer = await gateway.get("/api/projects/", headers=ALICE)
            assert answer.status_code == 200, answer.text
            title = answer.json()[0]["title"]
            if int(title.split()[1]) < known:
                stale.append((known, title))

    readers = [asyncio.create_task(reader()) for _ in range(16)]
    hits = c.answers.hits
    try:
        for number in range(1, 11):
            changed = await gateway.put(f"/api/projects/{course_id}", json={"title": f"title {number}"},
                                        headers=ALICE)
            assert changed.status_code in (200, 202), changed.text
            if changed.status_code == 202:
                assert await c.projector.wait_for(changed.json()["stream_seq"], 30)
            finished[0] = number
            await eventually(lambda: c.answers.hits >= hits + 16, message="readers served kept answers")
            hits = c.answers.hits
    finally:
        reading = False
        await asyncio.gather(*readers)
    assert not stale, stale[:5]
