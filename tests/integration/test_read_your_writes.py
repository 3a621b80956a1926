"""A write answers only once the projection has its event; if the projection cannot catch up
within the wait, the answer is 202 with the stream sequence, never a claim that is not true."""
from __future__ import annotations

import asyncio

from tests.support.gateway import auth, running_gateway


async def test_next_get_sees_each_write_immediately(gateway):
    for i in range(20):
        created = await gateway.post("/api/projects/", json={"title": f"c{i}"}, headers=auth("alice"))
        course_id = created.json()["course_id"]
        got = await gateway.get(f"/api/projects/{course_id}", headers=auth("alice"))
        assert got.status_code == 200 and got.json()["title"] == f"c{i}"


async def test_projection_not_caught_up_answers_202_with_the_sequence(settings):
    async with running_gateway(settings.model_copy(update={"projection_wait_seconds": 0.5})) as client:
        container = client.app.state.container
        projector_task = next(t for t in container.tasks if t.get_name() == "projector")
        projector_task.cancel()
        await asyncio.wait({projector_task}, timeout=10)
        assert projector_task.done()

        response = await client.post("/api/projects/", json={"title": "late"}, headers=auth("alice"))
        assert response.status_code == 202
        body = response.json()
        assert body["status"] == "accepted" and body["stream_seq"] >= 1
        assert "not caught up" in body["detail"]
        history = await container.store.load(body["course_id"])
        assert [e.event_type for e in history.events] == ["CourseCreated"]
        assert history.last_seq == body["stream_seq"]
