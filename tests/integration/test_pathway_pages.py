"""The pathways answer holds a page of each pathway's modules (a pathway's modules grow with the
documentation: hundreds for 20,000 documents): through the real gateway, PostgreSQL and NATS, the
plan the real stage 3 (offline engine) made over 2,000 small documents reads whole a page at a
time, in the plan's order, one pathway alone or every pathway at once."""
from __future__ import annotations

from services.gateway.api.stage3 import MODULES_PAGE, MODULES_PAGE_MOST
from services.pathway.handlers import pathway_stage
from services.pathway.settings import PathwaySettings
from shared.bus.delivery import Verdict, deliver
from shared.bus.eventstore import EventStore
from shared.events.catalogue import PathwaysGenerated, PathwaysRequested
from shared.stage.emitter import StageEmitter
from tests.support.flows import ALICE
from tests.support.stage3_inputs import course_for_stage3
from tests.support.waiting import eventually

DOCUMENTS = 2_000


async def test_a_large_plan_reads_whole_a_page_of_modules_at_a_time(gateway, js):
    store = EventStore(js)
    request = await course_for_stage3(store, [f"docs/section-{n // 100:02d}/page-{n:04d}.md" for n in range(DOCUMENTS)])
    work = pathway_stage(StageEmitter(store, "pathway", "stage3"), PathwaySettings(llm_provider="offline"))
    assert (await deliver(request.to_json(), 1, work, PathwaysRequested)).verdict is Verdict.ACK
    [plan] = (await store.load(request.course_id, only=[PathwaysGenerated])).events
    planned = {w.pathway_id: [(m.module_id, m.documents) for m in w.modules] for w in plan.payload.pathways}
    assert min(len(modules) for modules in planned.values()) > 2 * MODULES_PAGE  # several pages each
    url = f"/api/courses/{request.course_id}/pathways"

    async def projected() -> dict | None:
        body = (await gateway.get(url, headers=ALICE)).json()
        return body if body["status"] == "SUCCESS" else None
    first = await eventually(projected, timeout=30, message="the plan in the read tables")

    assert (first["limit"], first["offset"]) == (MODULES_PAGE, 0)
    assert [w["id"] for w in first["pathways"]] == list(planned)
    for pathway in first["pathways"]:
        assert pathway["module_count"] == len(planned[pathway["id"]])
        assert [m["id"] for m in pathway["modules"]] == [i for i, _ in planned[pathway["id"]][:MODULES_PAGE]]

    for pathway_id, modules in planned.items():
        read: list[tuple[str, list[str]]] = []
        while len(read) < len(modules):
            page = await gateway.get(url, params={"pathway_id": pathway_id, "offset": len(read), "limit": 17},
                                     headers=ALICE)
            assert page.status_code == 200, page.text
            [alone] = page.json()["pathways"]
            assert alone["id"] == pathway_id and 0 < len(alone["modules"]) <= 17
            read += [(m["id"], [d["path"] for d in m["documents"]]) for m in alone["modules"]]
        assert read == modules

    past = (await gateway.get(url, params={"offset": 10_000}, headers=ALICE)).json()["pathways"]
    assert [(w["id"], w["module_count"], w["modules"]) for w in past] == [
        (i, len(m), []) for i, m in planned.items()]
    assert (await gateway.get(url, params={"limit": MODULES_PAGE_MOST + 1}, headers=ALICE)).status_code == 422
