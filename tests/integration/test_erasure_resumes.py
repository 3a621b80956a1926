"""Erasing a cohort member (docs/learners.md) cut short after the cohorts were told to forget them
and before their key was destroyed: asking again finishes it — the same forgetting events, then the
key — and a third time there is nobody left to erase."""
from __future__ import annotations

import pytest

from services.gateway.learners.erasure import erase_person
from tests.support.flows import ALICE
from tests.support.gateway import running_gateway

LEARNER = "lea-erased-9c1"


class CutShort(RuntimeError):
    pass


async def test_an_erasure_cut_short_is_finished_by_asking_again(settings, monkeypatch):
    async with running_gateway(settings) as api:
        c = api.app.state.container
        cohort_id = (await api.post("/api/cohorts", json={"name": "K"}, headers=ALICE)).json()["cohort_id"]
        added = await api.post(f"/api/cohorts/{cohort_id}/members", headers=ALICE,
                               json={"user_id": LEARNER, "role": "learner", "email": "lea@example.org"})
        assert added.status_code == 201, added.text
        ref = await c.people.ref_of(LEARNER)
        destroy = c.people.erase

        async def crash(user_id: str):
            raise CutShort("the gateway stopped here")
        monkeypatch.setattr(c.people, "erase", crash)
        with pytest.raises(CutShort):
            await erase_person(c, LEARNER, "admin")
        assert await c.cohorts.cohorts_of(ref) == [], "the cohort forgot the member first"
        assert await c.people.ref_of(LEARNER) == ref, "their key is still there: the erasure is not done"

        monkeypatch.setattr(c.people, "erase", destroy)
        before = (await c.js.stream_info(c.settings.stream_name)).state.last_seq
        assert await erase_person(c, LEARNER, "admin")
        assert await c.people.ref_of(LEARNER) is None and await c.people.keys_of([ref]) == {}
        assert (await c.js.stream_info(c.settings.stream_name)).state.last_seq == before, \
            "nothing left to tell the cohort: asking again appends nothing"
        assert not await erase_person(c, LEARNER, "admin")
