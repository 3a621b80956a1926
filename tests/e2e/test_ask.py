"""Ask the course (issue 47), offline, through the real gateway with every stage service a real
process, a private nats-server and PostgreSQL, on a real project's documentation (click's): a
question is answered by quoting the section that answers it, cited by the lines it quotes; a
question the sources do not answer is declined; the answer streams as SSE; the asker's history
keeps both and can be cleared; a replay rebuilds the history; nobody else can ask or read it."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.flows import ALICE
from tests.support.gateway import auth
from tests.support.gitrepos import commit, make_repo
from tests.support.processes import stage_services
from tests.support.read_tables import replay_live
from tests.support.refreshing import refreshed, written_course

CLICK = Path(__file__).resolve().parents[1] / "fixtures" / "ordered_books" / "click"
BOB = auth("bob")


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
async def course(api, services, tmp_path) -> tuple[str, Path]:
    repo = tmp_path / "click"
    files = {p.relative_to(CLICK).as_posix(): p.read_bytes() for p in CLICK.rglob("*") if p.is_file()}
    files["README.md"] = b"# click\n\nCommand line interfaces in Python.\n"
    make_repo(repo, files)
    course_id, _ = await written_course(api, str(repo))
    return course_id, repo


def _sse(text: str) -> list[tuple[str, dict]]:
    events = []
    for block in text.strip().split("\n\n"):
        fields = dict(line.split(": ", 1) for line in block.splitlines())
        events.append((fields["event"], json.loads(fields["data"])))
    return events


async def test_an_answer_quotes_and_cites_the_section_a_question_is_about_and_the_history_keeps_it(api, course):
    course_id, repo = course
    asked = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE,
                           json={"question": "How do I give each test its own directory when my command reads or writes files?"})
    assert asked.status_code == 200, asked.text
    answer = asked.json()
    assert answer["covered"] and answer["engine"] == "extractive"
    assert answer["answer"].startswith("Quoted from the course's sources")
    found = {(c["path"], c["heading"]): c for c in answer["citations"]}
    assert ("docs/testing.md", "File System Isolation") in found, answer["citations"]
    first = found["docs/testing.md", "File System Isolation"]
    lines = (repo / first["path"]).read_text().splitlines()
    assert lines[first["start_line"] - 1] == "## File System Isolation"
    # The quote is the document's own lines, as cited.
    assert first["quote"].splitlines() == lines[first["start_line"] - 1:first["end_line"]]
    assert first["quote"] in answer["answer"]
    assert first["url"] is None  # a local repository has no forge to link to

    declined = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE,
                              json={"question": "How do I deploy my Kubernetes cluster with Terraform on Azure?"})
    assert declined.status_code == 200, declined.text
    assert not declined.json()["covered"] and declined.json()["citations"] == []
    assert declined.json()["answer"].startswith("Not covered by this course's sources")

    streamed = await api.post(f"/api/courses/{course_id}/ask", headers={**ALICE, "Accept": "text/event-stream"},
                              json={"question": "How do I make an option prompt the user for its value?"})
    assert streamed.status_code == 200 and streamed.headers["content-type"].startswith("text/event-stream")
    events = _sse(streamed.text)
    assert [kind for kind, _ in events] == ["passages", "answer", "done"]
    assert events[0][1]["citations"] == events[1][1]["citations"]
    assert "docs/prompts.md" in {c["path"] for c in events[1][1]["citations"]}

    history = (await api.get(f"/api/courses/{course_id}/ask/history", headers=ALICE)).json()["items"]
    assert [item["question"] for item in history] == [
        "How do I give each test its own directory when my command reads or writes files?",
        "How do I deploy my Kubernetes cluster with Terraform on Azure?",
        "How do I make an option prompt the user for its value?"]
    assert history[0]["answer"] == answer["answer"] and not history[1]["covered"]
    assert [c["start_line"] for c in history[0]["citations"]] == [c["start_line"] for c in answer["citations"]]

    await replay_live(api)
    assert (await api.get(f"/api/courses/{course_id}/ask/history", headers=ALICE)).json()["items"] == history
    again = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE,  # the index is made anew after a replay
                           json={"question": "How do I give each test its own directory when my command reads or writes files?"})
    assert again.json()["citations"] == answer["citations"]

    for method, path, body in (("POST", "ask", {"question": "What is click?"}), ("GET", "ask/history", None),
                               ("DELETE", "ask/history", None)):
        other = await api.request(method, f"/api/courses/{course_id}/{path}", headers=BOB, json=body)
        assert other.status_code == 404, (method, path, other.text)

    cleared = await api.delete(f"/api/courses/{course_id}/ask/history", headers=ALICE)
    assert cleared.status_code == 200 and cleared.json()["cleared"]
    assert (await api.get(f"/api/courses/{course_id}/ask/history", headers=ALICE)).json()["items"] == []
    await replay_live(api)
    assert (await api.get(f"/api/courses/{course_id}/ask/history", headers=ALICE)).json()["items"] == []


async def test_a_course_not_yet_analysed_cannot_be_asked_and_questions_are_rate_limited(api):
    created = await api.post("/api/projects/", headers=ALICE, json={"title": "Empty", "description": ""})
    course_id = created.json()["course_id"]
    early = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE, json={"question": "What is this?"})
    assert early.status_code == 409 and "analysed" in early.json()["detail"]
    too_long = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE, json={"question": "x" * 2001})
    assert too_long.status_code == 422
    limits = api.app.state.container.ask_limits
    refused = None
    for _ in range(limits.burst + 1):
        refused = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE, json={"question": "What is this?"})
        if refused.status_code == 429:
            break
    assert refused is not None and refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert "ASK_PER_MINUTE" in refused.json()["detail"]


async def test_a_reader_of_each_version_is_answered_from_that_versions_sources(api, course):
    course_id, repo = course
    testing = (repo / "docs" / "testing.md").read_text()
    commit(repo, {"docs/testing.md": testing + "\n## Zebracorn Snapshots\n\nA zebracorn snapshot records the "
                                              "output of a command once and compares every later run with it.\n"},
           "document zebracorn snapshots")
    ended = await refreshed(api, course_id)
    assert ended["status"] == "NEW_VERSION", ended
    question = "What does a zebracorn snapshot record?"
    for version, covered in ((1, False), (2, True), (None, True)):
        body = {"question": question} | ({"version": version} if version else {})
        answer = (await api.post(f"/api/courses/{course_id}/ask", headers=ALICE, json=body)).json()
        assert answer["covered"] is covered, (version, answer)
        if covered:
            assert answer["citations"][0]["heading"] == "Zebracorn Snapshots"
    missing = await api.post(f"/api/courses/{course_id}/ask", headers=ALICE, json={"question": question, "version": 3})
    assert missing.status_code == 409 and "version 3 does not exist" in missing.json()["detail"]
    history = (await api.get(f"/api/courses/{course_id}/ask/history", headers=ALICE)).json()["items"]
    assert [item["covered"] for item in history] == [False, True, True]
