"""The gateway's quotas through the running gateway on the real NATS and PostgreSQL: the API's
rate limit, the cap on a user's runs in flight, the per-user daily spend budget (measured from what
runs that succeeded reported, projected into the read tables)."""
from __future__ import annotations

from shared.observability.pricing import price_of
from tests.support.flows import ALICE, new_course
from tests.support.gateway import auth, running_gateway
from tests.support.seeded_stages import REPO, analysed, scanned

BOB = auth("bob")
PRICED = "claude-sonnet-4-5"  # seeded_stages.analysed: 900 input, 300 output tokens at its price
SPENT = (900 * price_of(PRICED)[0] + 300 * price_of(PRICED)[1]) / 1_000_000


async def test_requests_over_the_rate_are_refused_with_retry_after_and_probes_never_are(settings):
    limited = settings.model_copy(update={"rate_limit_per_minute": 1, "rate_limit_burst": 3})
    async with running_gateway(limited) as gateway:
        answers = [await gateway.get("/api/projects/", headers=ALICE) for _ in range(8)]
        refused = [a for a in answers if a.status_code == 429]
        assert refused and all(a.status_code == 200 for a in answers[:answers.index(refused[0])])
        assert 1 <= int(refused[0].headers["retry-after"]) <= 60
        assert "per minute" in refused[0].json()["detail"]
        for probe in ("/health", "/ui/", "/"):
            assert (await gateway.get(probe)).status_code != 429
        # Bob's first request counts against the client address, his next ones against him alone
        assert (await gateway.get("/api/projects/", headers=BOB)).status_code in (200, 429)
        assert (await gateway.get("/api/projects/", headers=BOB)).status_code == 200


async def test_a_start_beyond_the_runs_in_flight_cap_is_a_429_until_one_finishes(settings):
    capped = settings.model_copy(update={"max_runs_in_flight_per_user": 1})
    async with running_gateway(capped) as gateway:
        first, second = await new_course(gateway), await new_course(gateway)
        # No stage service runs: the scan stays in flight
        started = await gateway.post(f"/api/courses/{first}/analyze-repository", json={"repo_url": REPO},
                                     headers=ALICE)
        assert started.status_code == 202, started.text
        refused = await gateway.post(f"/api/courses/{second}/analyze-documents", json={}, headers=ALICE)
        assert refused.status_code == 429, refused.text
        assert int(refused.headers["retry-after"]) > 0
        assert "(MAX_RUNS_IN_FLIGHT_PER_USER) is 1" in refused.json()["detail"]
        # Another user's runs are not alice's: bob's start gets to the course's own rules (409)
        bobs = await new_course(gateway, BOB)
        assert (await gateway.post(f"/api/courses/{bobs}/analyze-documents", json={}, headers=BOB)).status_code == 409
        cancelled = await gateway.post(f"/api/courses/{first}/stage1/cancel", headers=ALICE)
        assert cancelled.status_code == 202, cancelled.text
        again = await gateway.post(f"/api/courses/{second}/analyze-documents", json={}, headers=ALICE)
        assert again.status_code == 409, again.text  # past the quota: stage 1 has not run on it


async def test_a_run_gets_what_is_left_of_the_daily_budget_and_none_once_it_is_spent(settings):
    budget = round(SPENT * 1.5, 6)
    quota = settings.model_copy(update={"user_budget_usd": budget})
    async with running_gateway(quota) as gateway:
        c = gateway.app.state.container
        course = await new_course(gateway)
        await scanned(c, course, {"docs/a.md": 100})
        selected = await gateway.post(f"/api/courses/{course}/stage1-selections", headers=ALICE,
                                      json={"selected_folders": ["docs"]})
        assert selected.status_code == 200, selected.text

        over = await gateway.post(f"/api/courses/{course}/analyze-documents", json={"budget_usd": 1}, headers=ALICE)
        assert over.status_code == 422, over.text
        assert "USER_BUDGET_USD" in over.json()["detail"] and "ask for at most" in over.json()["detail"]

        unbudgeted = await gateway.post(f"/api/courses/{course}/analyze-documents", json={}, headers=ALICE)
        assert unbudgeted.status_code == 202, unbudgeted.text
        events = (await gateway.get(f"/api/courses/{course}/events", headers=ALICE)).json()["events"]
        request = [e for e in events if e["event_type"] == "DocsAnalysisRequested"][-1]
        assert request["payload"]["budget_usd"] == budget  # capped at what was left: all of it
        await gateway.post(f"/api/courses/{course}/stage2/cancel", headers=ALICE)

        # A run with a priced model succeeds: its reported cost is charged to the course's owner
        await analysed(c, course, ["docs/a.md"], "anthropic", PRICED, "beginner", task="priced")
        retried = await gateway.post(f"/api/courses/{course}/generate-pathways", json={}, headers=ALICE)
        assert retried.status_code == 202, retried.text
        events = (await gateway.get(f"/api/courses/{course}/events", headers=ALICE)).json()["events"]
        pathways = [e for e in events if e["event_type"] == "PathwaysRequested"][-1]
        assert abs(pathways["payload"]["budget_usd"] - (budget - SPENT)) < 1e-9
        await gateway.post(f"/api/courses/{course}/stage3/cancel", headers=ALICE)

        # Deleting the course does not give back what it spent
        assert (await gateway.delete(f"/api/projects/{course}", headers=ALICE)).status_code in (200, 204)
        other = await new_course(gateway)
        await analysed(c, other, ["docs/a.md"], "anthropic", PRICED, "beginner", task="priced-again",
                       clone_task="none")
        spent = await gateway.post(f"/api/courses/{other}/generate-pathways", json={}, headers=ALICE)
        assert spent.status_code == 429, spent.text
        assert 0 < int(spent.headers["retry-after"]) <= 86400
        detail = spent.json()["detail"]
        assert "daily spend budget" in detail and "is used up" in detail and "resets at" in detail

        # The offline engine's runs cost nothing: bob's quota is untouched by them and by alice's
        bobs = await new_course(gateway, BOB)
        await analysed(c, bobs, ["docs/a.md"], "offline", "offline-engine", "beginner", task="offline")
        free = await gateway.post(f"/api/courses/{bobs}/generate-pathways", json={}, headers=BOB)
        assert free.status_code == 202, free.text
