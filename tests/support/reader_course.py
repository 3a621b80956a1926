"""A course long enough to read in the reader: fifteen documents about one harbour toolkit, each on
a topic of its own with a definition and three commands introduced by their jobs ("To start the
anchor service, run:"), so each module has questions, some with commands as options, written through
the gateway's REST API by a running system whose modules aim at five minutes (one per document)."""
from __future__ import annotations

from pathlib import Path

import httpx

from tests.support.gitrepos import make_repo
from tests.support.waiting import eventually

# One module per document: the pathway planner starts a new module at each topic past this length.
MODULE_TARGET_MINUTES = "5"
TOPICS = ["anchor", "beacon", "compass", "drydock", "ensign", "frigate", "galley", "harbour", "island",
          "jetty", "keel", "lantern", "mooring", "nautical", "oar"]
# A word that appears in one document only: what the reader's search must find.
RARE_WORD = "zephyrine"
RARE_TOPIC = "lantern"
# A lesson whose code sits between the sentence that introduces it and the one that explains it.
CODE_TOPIC = "compass"
CODE_LEAD = "A minimal compass program looks something like this:"
CODE_LINE = "needle = harbour.Compass(north=True)"
CODE_FOLLOW_UP = "So what did that code do? It made a compass that points north."
# A later lesson links back to the compass's first program, as one MkDocs page links another.
LINKING_TOPIC = "oar"
LINK_TEXT = "the first compass program"
LINK_TARGET_HEADING = "A first compass"
STAGE_SECONDS = 180


def harbour_repository() -> dict[str, str]:
    files = {"README.md": "# Harbour\n\nHarbour is a toolkit for ships.\n"}
    for i, topic in enumerate(TOPICS):
        body = [f"# The {topic}\n", f"A {topic} is a part of the harbour toolkit that handles {topic} records.\n"]
        if topic == CODE_TOPIC:
            body.append(f"## A first compass\n\n{CODE_LEAD}\n\n```python\nimport harbour\n{CODE_LINE}\n```\n\n"
                        f"{CODE_FOLLOW_UP}\n")
        if topic == LINKING_TOPIC:
            target = f"{TOPICS.index(CODE_TOPIC):02d}-{CODE_TOPIC}.md#a-first-compass"
            body.append(f"## Steering by the compass\n\nThe {topic} steers by the compass: see [{LINK_TEXT}]"
                        f"({target}) for the needle it follows.\n")
        if topic == RARE_TOPIC:
            body.append(f"## Signal ledgers\n\nThe {topic} keeps a {RARE_WORD} ledger of every signal it sends.\n")
        for p in range(8):
            sentence = (f"The {topic} service stores {topic} records in the {topic} log and reads them back "
                        f"in order during step {p}. ")
            body.append(f"## {topic.capitalize()} task {p}\n\n{sentence * 6}\n")
        # Three jobs, three commands: a module's choice questions take their wrong answers from
        # its own documents only (one document per module here).
        body.append(f"## Run the {topic} service\n\nTo start the {topic} service, run:\n\n"
                    f"```bash\nharbour {topic} start --port {7000 + i}\n```\n\n"
                    f"## Stop the {topic} service\n\nTo stop the {topic} service, run:\n\n"
                    f"```bash\nharbour {topic} stop --graceful\n```\n\n"
                    f"## Check the {topic} service\n\nTo check the health of the {topic} service, run:\n\n"
                    f"```bash\nharbour {topic} status --verbose\n```\n")
        files[f"docs/{i:02d}-{topic}.md"] = "\n".join(body)
    return files


def make_harbour_repo(where: Path) -> Path:
    make_repo(where, harbour_repository())
    return where


async def dev_headers(api: httpx.AsyncClient, user: str) -> dict[str, str]:
    response = await api.post("/api/auth/dev-token", json={"user_id": user})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Bearer {response.json()['token']}"}


async def _run(api, course_id: str, action: str, body: dict, stage: str, headers) -> None:
    started = await api.post(f"/api/courses/{course_id}/{action}", json=body, headers=headers)
    assert started.status_code == 202, started.text

    async def finished():
        status = (await api.get(f"/api/courses/{course_id}/{stage}/status", headers=headers)).json()
        return status if status["status"] in ("SUCCESS", "FAILURE", "CANCELLED") else None
    status = await eventually(finished, timeout=STAGE_SECONDS, message=f"{stage} finishing")
    assert status["status"] == "SUCCESS", status


async def written_course(api: httpx.AsyncClient, headers: dict[str, str], repo: Path, title: str,
                         language: str | None = None) -> dict:
    """The course written from `repo` through all four stages (the pathway with the most modules), in
    `language` if given: GET generated-course's answer, with `course_id` added."""
    asked = {"title": title, **({"language": language} if language else {})}
    created = await api.post("/api/projects/", json=asked, headers=headers)
    assert created.status_code == 201, created.text
    course_id = created.json()["course_id"]
    await _run(api, course_id, "analyze-repository", {"repo_url": str(repo)}, "stage1", headers)
    selected = await api.post(f"/api/courses/{course_id}/stage1-selections", headers=headers,
                              json={"selected_folders": ["docs"], "overview_document": "README.md"})
    assert selected.status_code == 200, selected.text
    await _run(api, course_id, "analyze-documents", {}, "stage2", headers)
    await _run(api, course_id, "generate-pathways", {}, "stage3", headers)
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=headers)).json()["pathways"]
    longest = max(pathways, key=lambda pathway: len(pathway["modules"]))
    chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=headers,
                            json={"selected_pathway_id": longest["id"]})
    assert chosen.status_code == 200, chosen.text
    await _run(api, course_id, "generate-course", {}, "stage4", headers)
    generated = (await api.get(f"/api/courses/{course_id}/generated-course", headers=headers)).json()
    return {**generated, "course_id": course_id}
