"""Deleting a course removes its stored artefacts, and only its own."""
from __future__ import annotations

import pytest

from tests.support.gateway import auth
from tests.support.gateway import running_gateway
from tests.support.waiting import eventually


@pytest.fixture
async def gateway(settings):
    async with running_gateway(settings) as client:
        yield client


async def create(gateway, user: str = "alice") -> str:
    response = await gateway.post("/api/projects/", json={"title": "Course"}, headers=auth(user))
    assert response.status_code == 201, response.text
    return response.json()["course_id"]


async def test_deleting_a_course_purges_its_artefacts_only(gateway):
    artefacts = gateway.app.state.container.artefacts
    doomed, kept = await create(gateway), await create(gateway)
    await artefacts.put(doomed, "snapshot/readme.md", b"# Readme")
    await artefacts.put(doomed, "export/course.zip", b"PK\x03\x04")
    kept_key = await artefacts.put(kept, "snapshot/readme.md", b"# Other")
    assert await artefacts.names(doomed) == [f"{doomed}/export/course.zip", f"{doomed}/snapshot/readme.md"]

    response = await gateway.delete(f"/api/projects/{doomed}", headers=auth("alice"))
    assert response.status_code == 200, response.text

    async def purged() -> bool:
        return await artefacts.names(doomed) == []

    await eventually(purged, timeout=15, message=f"artefacts of deleted course {doomed} purged")
    assert await artefacts.names(kept) == [kept_key]
    assert await artefacts.get(kept_key) == b"# Other"


async def test_artefacts_of_a_course_whose_id_prefixes_another_are_kept(gateway):
    """Names are `<course_id>/...`: deleting course "ab" must not touch course "abc"."""
    artefacts = gateway.app.state.container.artefacts
    doomed = await create(gateway)
    neighbour = f"{doomed}x"
    await artefacts.put(doomed, "snapshot/a.md", b"a")
    neighbour_key = await artefacts.put(neighbour, "snapshot/a.md", b"b")

    assert (await gateway.delete(f"/api/projects/{doomed}", headers=auth("alice"))).status_code == 200

    async def purged() -> bool:
        return await artefacts.names(doomed) == []

    await eventually(purged, timeout=15, message="artefacts purged")
    assert await artefacts.names(neighbour) == [neighbour_key]
