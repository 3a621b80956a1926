"""Access to the learning side (issue 46), route by route and role by role: on every cohort route of
the OpenAPI, a cohort the caller may not see answers exactly as an unknown cohort does; on every
course route, a course the caller may not see as a learner, or at all, answers as an unknown course
does — for a stranger, a learner and a mentor of another cohort, and for the cohort's own learner and
mentor on what is not theirs (the pipeline, the management of the cohort). Nothing refused is logged."""
from __future__ import annotations

from shared.events.cohort_events import CourseAssigned, CourseAssignedPayload
from tests.support.flows import ALICE, new_course
from tests.support.gateway import auth, running_gateway
from tests.support.operations import OPERATIONS, SPEC, base_request, headers_for

UNKNOWN = "nosuchthing0"
BOB = auth("bob")
LEARNER_A, MENTOR_A, LEARNER_B, MENTOR_B = "lea-a", "max-a", "lea-b", "max-b"


def operations_naming(parameter: str) -> list[tuple[str, str, dict]]:
    ops = [(m, p, SPEC["paths"][p][m.lower()]) for m, p in OPERATIONS]
    found = [(m, p, op) for m, p, op in ops if any(q["name"] == parameter for q in op.get("parameters", []))]
    return sorted(found, key=lambda o: o[0] == "DELETE")


def request_for(method: str, path: str, op: dict, values: dict[str, str]) -> dict:
    path_params, query, body = base_request(op, values.get("course_id", UNKNOWN))
    path_params = {**path_params, **{k: v for k, v in values.items() if k in path_params}}
    return {"method": method, "url": path.format(**path_params), "params": query, "content": body}


async def same_as_unknown(api, who: dict, ops, theirs: dict[str, str], unknown: dict[str, str]) -> list[str]:
    problems = []
    for method, path, op in ops:
        a_request, b_request = request_for(method, path, op, theirs), request_for(method, path, op, unknown)
        a = await api.request(**a_request, headers=headers_for(who, a_request["content"]))
        b = await api.request(**b_request, headers=headers_for(who, b_request["content"]))
        if a.status_code != 404 or (a.status_code, a.content) != (b.status_code, b.content):
            problems.append(f"{method} {path}: {a.status_code} {a.text[:100]!r} vs unknown {b.status_code} "
                            f"{b.text[:100]!r}")
    return problems


async def test_every_learning_route_refuses_every_role_that_may_not_see_it_like_an_unknown_one(settings):
    async with running_gateway(settings) as api:
        c = api.app.state.container
        course_id = await new_course(api, title="Taught to A only")
        cohorts = {}
        for name, learner, mentor in (("A", LEARNER_A, MENTOR_A), ("B", LEARNER_B, MENTOR_B)):
            cohorts[name] = (await api.post("/api/cohorts", json={"name": name}, headers=ALICE)).json()["cohort_id"]
            for user, role in ((learner, "learner"), (mentor, "mentor")):
                added = await api.post(f"/api/cohorts/{cohorts[name]}/members", headers=ALICE,
                                       json={"user_id": user, "role": role})
                assert added.status_code == 201, added.text
        # Assigned through the log (the API asks for a generated version, which no route here needs).
        await c.commands.record(CourseAssigned(course_id=cohorts["A"], actor="alice", payload=CourseAssignedPayload(
            course_id=course_id, version=1)))
        before = (await c.js.stream_info("COURSES")).state.last_seq

        cohort_ops = operations_naming("cohort_id")
        course_ops = operations_naming("course_id")
        learn_ops = [o for o in course_ops if o[1].startswith("/api/learn/")]
        pipeline_ops = [o for o in course_ops if not o[1].startswith(("/api/learn/", "/api/cohorts/"))]
        assert len(cohort_ops) >= 7 and len(learn_ops) >= 4 and len(pipeline_ops) >= 25
        a = {"cohort_id": cohorts["A"], "course_id": course_id}
        unknown = {"cohort_id": UNKNOWN, "course_id": UNKNOWN}
        problems = []
        for user in ("bob", LEARNER_A, LEARNER_B, MENTOR_B):  # no cohort A route is theirs
            problems += [f"{user} {p}" for p in await same_as_unknown(api, auth(user), cohort_ops, a, unknown)]
        for user in ("bob", LEARNER_B, MENTOR_B):  # the course is not taught to them
            problems += [f"{user} {p}" for p in await same_as_unknown(api, auth(user), learn_ops, a, unknown)]
        for user in (LEARNER_A, MENTOR_A):  # taught to them, but the pipeline is the author's
            problems += [f"{user} {p}" for p in await same_as_unknown(api, auth(user), pipeline_ops, a, unknown)]
        managing = [o for o in cohort_ops if o[0] != "GET"]
        problems += [f"mentor {p}" for p in await same_as_unknown(api, auth(MENTOR_A), managing, a, unknown)]
        assert not problems, "\n".join(problems)
        assert (await c.js.stream_info("COURSES")).state.last_seq == before, "a refused request was logged"

        # What they may do.
        assert (await api.get(f"/api/learn/courses/{course_id}", headers=auth(LEARNER_A))).status_code == 200
        assert (await api.get(f"/api/learn/courses/{course_id}", headers=auth(MENTOR_A))).status_code == 200
        assert (await api.get(f"/api/cohorts/{cohorts['A']}/progress", headers=auth(MENTOR_A))).status_code == 200
        assert (await api.get(f"/api/cohorts/{cohorts['B']}/progress", headers=auth(MENTOR_A))).status_code == 404
        assert (await api.get(f"/api/cohorts/{cohorts['A']}", headers=auth("admin"))).status_code == 200
        mine = (await api.get("/api/learn/courses", headers=auth(LEARNER_A))).json()["items"]
        assert [i["course_id"] for i in mine] == [course_id]
        assert (await api.get("/api/learn/courses", headers=auth(LEARNER_B))).json()["items"] == []
