"""Course CRUD through the real log and projection."""
from __future__ import annotations

from tests.support.gateway import auth


async def create(gateway, user="alice", title="My Course", description="About things"):
    response = await gateway.post("/api/projects/", json={"title": title, "description": description},
                                  headers=auth(user))
    assert response.status_code == 201, response.text
    return response.json()


async def test_round_trip_each_change_visible_in_the_next_request(gateway):
    course = await create(gateway)
    assert course["status"] == "draft" and course["user_id"] == "alice"
    assert course["repo_url"] is None and course["revision"] == 1

    listed = await gateway.get("/api/projects/", headers=auth("alice"))
    assert [c["course_id"] for c in listed.json()] == [course["course_id"]]

    url = f"/api/projects/{course['course_id']}"
    one = await gateway.get(url, headers=auth("alice"))
    assert one.status_code == 200 and one.json()["title"] == "My Course"
    assert one.headers["ETag"] == '"1"'

    updated = await gateway.put(url, json={"title": "Updated Title"}, headers=auth("alice"))
    assert updated.status_code == 200, updated.text
    assert updated.json()["title"] == "Updated Title"
    assert updated.json()["description"] == "About things"
    assert updated.headers["ETag"] == '"2"'
    assert (await gateway.get(url, headers=auth("alice"))).json()["title"] == "Updated Title"

    deleted = await gateway.delete(url, headers=auth("alice"))
    assert deleted.status_code == 200 and deleted.json() == {"message": "Course deleted successfully"}
    assert (await gateway.get(url, headers=auth("alice"))).status_code == 404
    assert (await gateway.get("/api/projects/", headers=auth("alice"))).json() == []
    assert (await gateway.delete(url, headers=auth("alice"))).status_code == 404
    assert (await gateway.put(url, json={"title": "x"}, headers=auth("alice"))).status_code == 404


async def test_list_is_newest_first_and_only_mine(gateway):
    first = await create(gateway, title="first")
    second = await create(gateway, title="second")
    await create(gateway, user="bob", title="bob's")
    listed = (await gateway.get("/api/projects/", headers=auth("alice"))).json()
    assert [c["course_id"] for c in listed] == [second["course_id"], first["course_id"]]


async def test_another_users_course_is_not_found_and_not_listed(gateway):
    course = await create(gateway, user="alice")
    url = f"/api/projects/{course['course_id']}"
    for response in (
        await gateway.get(url, headers=auth("bob")),
        await gateway.put(url, json={"title": "mine now"}, headers=auth("bob")),
        await gateway.delete(url, headers=auth("bob")),
    ):
        assert response.status_code == 404
        assert response.json() == {"detail": "course not found"}
    unknown = await gateway.get("/api/projects/0123456789abcdef", headers=auth("bob"))
    assert unknown.json() == {"detail": "course not found"}  # same answer: nothing leaks
    assert (await gateway.get("/api/projects/", headers=auth("bob"))).json() == []
    still = await gateway.get(url, headers=auth("alice"))
    assert still.json()["title"] == "My Course"


async def test_admin_sees_any_course(gateway):
    course = await create(gateway, user="alice")
    response = await gateway.get(f"/api/projects/{course['course_id']}", headers=auth("admin"))
    assert response.status_code == 200
