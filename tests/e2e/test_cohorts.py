"""Teaching a course (issue 46) through the real gateway, with every stage service a real process, a
private nats-server and PostgreSQL: an owner makes a cohort of a learner and a mentor and assigns a
written course released one module a day (the test moves the gateway's clock); the learner reads and
answers, a resend counts once, the mentor sees it; each role reaches only what it may; erasing the
learner leaves nothing of them readable, and a replay rebuilds the tables without them."""
from __future__ import annotations

import csv
import io
import json
from datetime import timedelta
from pathlib import Path

import pytest

from shared.events.envelope import utcnow
from tests.support.flows import ALICE, new_course
from tests.support.gateway import auth
from tests.support.gitrepos import make_repo
from tests.support.processes import stage_services
from tests.support.read_tables import read_tables, replay_live
from tests.support.refreshing import written_course

LEARNER, MENTOR = "lea-7f3c", "max-19d2"
LEA, MAX, BOB, ADMIN = auth(LEARNER), auth(MENTOR), auth("bob"), auth("admin")
LEA_EMAIL = "lea.7f3c@example.org"
CLICK = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books" / "click"


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
async def course_id(api, services, tmp_path) -> str:
    files = {p.relative_to(CLICK).as_posix(): p.read_bytes() for p in CLICK.rglob("*") if p.is_file()}
    make_repo(tmp_path / "click", {**files, "README.md": b"# click\n\nCommand line interfaces in Python.\n"})
    course_id, _ = await written_course(api, str(tmp_path / "click"))
    return course_id


async def ok(response, status: int = 200):
    assert response.status_code == status, response.text
    return response.json() if response.content else None


def first_right_and_wrong(question: dict) -> tuple[int, int]:
    if question["kind"] == "short_answer":
        return 0, 1
    right = question["options"].index(question["answer"])
    return right, (right + 1) % len(question["options"])


async def test_a_cohort_learns_a_course_released_a_module_a_day(api, course_id):
    c = api.app.state.container
    today = utcnow()
    cohort = await ok(await api.post("/api/cohorts", json={"name": "Spring cohort"}, headers=ALICE), 201)
    cohort_id = cohort["cohort_id"]
    await ok(await api.post(f"/api/cohorts/{cohort_id}/members", headers=ALICE,
                            json={"user_id": LEARNER, "role": "learner", "email": LEA_EMAIL}), 201)
    await ok(await api.post(f"/api/cohorts/{cohort_id}/members", headers=ALICE,
                            json={"user_id": MENTOR, "role": "mentor"}), 201)
    assigned = await ok(await api.post(f"/api/cohorts/{cohort_id}/courses", headers=ALICE, json={
        "course_id": course_id, "release": {"every_days": 1, "start": today.date().isoformat()}}), 201)
    assert assigned["version"] == 1

    mine = (await ok(await api.get("/api/learn/courses", headers=LEA)))["items"]
    assert [(i["course_id"], i["released"], i["role"]) for i in mine] == [(course_id, 1, "learner")]
    total = mine[0]["total"]
    assert total >= 2 and mine[0]["next_release"] == (today.date() + timedelta(days=1)).isoformat()
    course = await ok(await api.get(f"/api/learn/courses/{course_id}", headers=LEA))
    assert len(course["modules"]) == 1 and course["modules"][0]["content"]["sections"]

    c.clock = lambda: today + timedelta(days=1)  # a day later: the second module is out
    course = await ok(await api.get(f"/api/learn/courses/{course_id}", headers=LEA))
    assert [m["position"] for m in course["modules"]] == [1, 2]
    first = course["modules"][0]
    assert (await ok(await api.get("/api/learn/courses", headers=LEA)))["items"][0]["unread"] == [
        m["module_id"] for m in course["modules"]], "both released modules are new to her"

    # She reads the first module and answers its quiz: the first question wrong, the rest right.
    await ok(await api.post(f"/api/learn/courses/{course_id}/read", headers=LEA,
                            json={"module_id": first["module_id"], "client_id": "read-1"}))
    questions = first["content"]["assessment"]
    assert questions, "the offline engine writes a quiz for every module"
    results = []
    for n, question in enumerate(questions):
        right, wrong = first_right_and_wrong(question)
        body = {"module_id": first["module_id"], "question": n, "choice": wrong if n == 0 else right,
                "client_id": f"answer-{n}"}
        results.append(await ok(await api.post(f"/api/learn/courses/{course_id}/answers", headers=LEA, json=body)))
        if n == 0:  # an offline reader syncing again sends the same action twice
            again = await ok(await api.post(f"/api/learn/courses/{course_id}/answers", headers=LEA, json=body))
            assert again["correct"] is False
    assert [r["correct"] for r in results] == [False] + [True] * (len(questions) - 1)
    assert results[-1]["completed"] is True

    progress = (await ok(await api.get(f"/api/learn/courses/{course_id}/progress", headers=LEA)))["modules"]
    assert progress[0]["read"] and progress[0]["completed"]
    assert (progress[0]["answered"], progress[0]["correct"]) == (len(questions), len(questions) - 1)
    assert not progress[1]["read"] and progress[1]["answered"] == 0

    # The mentor's table: one learner, her first module done, the missed question with her choice.
    table = await ok(await api.get(f"/api/cohorts/{cohort_id}/progress", headers=MAX))
    [taught] = table["courses"]
    [row] = taught["learners"]
    assert (row["user_id"], row["email"], row["read"]) == (LEARNER, LEA_EMAIL, 1)
    assert row["score"] == {"correct": len(questions) - 1, "answered": len(questions),
                            "questions": sum(cell["questions"] for cell in row["modules"])}
    missed = taught["most_missed"][0]
    assert (missed["module_id"], missed["question"], missed["wrong"]) == (first["module_id"], 0, 1)
    if questions[0]["kind"] != "short_answer":
        assert missed["most_chosen"] == questions[0]["options"][first_right_and_wrong(questions[0])[1]]
    assert taught["inactive"] == []
    c.clock = lambda: today + timedelta(days=9)
    idle = await ok(await api.get(f"/api/cohorts/{cohort_id}/progress?inactive_days=7", headers=ALICE))
    assert idle["courses"][0]["inactive"] == [LEARNER]
    sheet = await api.get(f"/api/cohorts/{cohort_id}/progress.csv", headers=MAX)
    assert sheet.status_code == 200 and sheet.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(sheet.text)))
    assert {r["user_id"] for r in rows} == {LEARNER} and rows[0]["read"] == "True"

    # What each role may reach.
    assert (await api.get(f"/api/projects/{course_id}", headers=LEA)).status_code == 404
    assert (await api.get(f"/api/courses/{course_id}/stage1/status", headers=LEA)).status_code == 404
    assert (await api.get(f"/api/cohorts/{cohort_id}/progress", headers=LEA)).status_code == 404
    assert (await api.get(f"/api/learn/courses/{course_id}", headers=BOB)).status_code == 404
    assert (await api.get(f"/api/cohorts/{cohort_id}", headers=BOB)).status_code == 404
    unassigned = await new_course(api, title="Not taught")
    assert (await api.get(f"/api/learn/courses/{unassigned}", headers=LEA)).status_code == 404
    refused = await api.post(f"/api/cohorts/{cohort_id}/courses", headers=MAX, json={"course_id": course_id})
    assert refused.status_code == 404, "a mentor does not manage the cohort"
    mentor_answer = await api.post(f"/api/learn/courses/{course_id}/answers", headers=MAX, json={
        "module_id": first["module_id"], "question": 0, "choice": 0, "client_id": "m-1"})
    assert mentor_answer.status_code == 403
    third = await api.post(f"/api/learn/courses/{course_id}/read", headers=LEA,
                           json={"module_id": "not-released", "client_id": "read-x"})
    assert third.status_code == 409

    # Replay rebuilds every table the same.
    before = await read_tables(c.pool, c.settings.read_schema)
    await replay_live(api)
    assert await read_tables(c.pool, c.settings.read_schema) == before

    # Erasing her: nothing of her readable anywhere, and a replay rebuilds the tables without her.
    assert (await api.delete(f"/api/admin/people/{LEARNER}", headers=LEA)).status_code == 403
    assert (await api.delete(f"/api/admin/people/{LEARNER}", headers=ADMIN)).status_code == 204
    assert (await api.delete(f"/api/admin/people/{LEARNER}", headers=ADMIN)).status_code == 404
    assert (await api.get(f"/api/learn/courses/{course_id}", headers=LEA)).status_code == 404
    detail = await ok(await api.get(f"/api/cohorts/{cohort_id}", headers=ALICE))
    assert [m["user_id"] for m in detail["members"]] == [MENTOR]
    erased = await read_tables(c.pool, c.settings.read_schema)
    await replay_live(api)
    rebuilt = await read_tables(c.pool, c.settings.read_schema)
    assert rebuilt == erased
    assert [r[:3] for r in rebuilt["cohort_members"]] == [r[:3] for r in before["cohort_members"] if r[2] == "mentor"]
    assert rebuilt["learner_activity"] == []
    everything = json.dumps({table: [list(map(str, row)) for row in rows] for table, rows in rebuilt.items()})
    log = await _raw_log(c)
    for trace in (LEARNER, LEA_EMAIL):
        assert trace not in everything and trace.encode() not in log, trace


async def _raw_log(c) -> bytes:
    """Every message of the stream, as stored."""
    info = await c.js.stream_info(c.settings.stream_name)
    found = []
    for seq in range(info.state.first_seq, info.state.last_seq + 1):
        found.append((await c.js.get_msg(c.settings.stream_name, seq)).data or b"")
    return b"\n".join(found)
