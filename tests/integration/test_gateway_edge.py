"""The gateway's one ASGI layer (services/gateway/edge/asgi_layer.py): every answer is counted by route
template and status, a refused body included, and a request without a body passes untouched."""
from __future__ import annotations

import json

from prometheus_client.parser import text_string_to_metric_families

from tests.support.gateway import auth, running_gateway

PROJECTS = "/api/projects/"
REQUESTS = "coursegen_http_requests_total"


async def counted(client, **labels: str) -> float:
    """The request counter's value for `labels` on the gateway's /metrics page (0 when absent)."""
    page = (await client.get("/metrics")).text
    return sum(s.value for family in text_string_to_metric_families(page) for s in family.samples
               if s.name == REQUESTS and all(s.labels.get(k) == v for k, v in labels.items()))


async def test_every_answer_is_counted_by_route_template_and_status(settings):
    async with running_gateway(settings.model_copy(update={"max_body_bytes": 1024})) as client:
        refused = dict(method="POST", route="unmatched", status="413")
        listed = dict(method="GET", route=PROJECTS, status="200")
        created = dict(method="POST", route=PROJECTS)  # 201, or 202 if the projection lags
        missing = dict(method="GET", route="unmatched", status="404")
        before = {name: await counted(client, **labels) for name, labels in
                  {"refused": refused, "listed": listed, "created": created, "missing": missing}.items()}

        big = json.dumps({"title": "t", "description": "x" * 2000}).encode()
        response = await client.post(PROJECTS, content=big, headers={**auth("alice"), "Content-Type": "application/json"})
        assert response.status_code == 413 and response.json() == {"detail": "request body is larger than 1024 bytes"}
        assert (await client.post(PROJECTS, json={"title": "small"}, headers=auth("alice"))).status_code in (201, 202)
        for _ in range(2):
            answer = await client.get(PROJECTS, headers=auth("alice"))  # no body, no body headers
            assert answer.status_code == 200
        assert (await client.get("/no/such/path")).status_code == 404

        assert await counted(client, **refused) == before["refused"] + 1
        assert await counted(client, **created) == before["created"] + 1
        assert await counted(client, **listed) == before["listed"] + 2
        assert await counted(client, **missing) == before["missing"] + 1
