"""Schemathesis against the gateway's own OpenAPI document, through the real stack (`coursegen
run` as a process: NATS, PostgreSQL, gateway, services): generated requests for every operation,
with a valid token and a real course; none may get a 5xx."""
from __future__ import annotations

import re

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings

from ops.local.ports import free_port
from tests.support.processes import Process

EXAMPLES_PER_OPERATION = 15


@pytest.fixture(scope="module")
def system(tmp_path_factory):
    data = tmp_path_factory.mktemp("schemathesis")
    process = Process(["-m", "ops.cli", "run"], {"COURSEGEN_DATA_DIR": str(data), "PORT": str(free_port())},
                      unset=("NATS_URL", "DATABASE_URL", "JWT_SECRET"))
    try:
        banner = process.wait_for_line(lambda line: "is running at" in line, timeout=120)
        url = re.search(r"http://127\.0\.0\.1:\d+", banner).group(0)
        token = process.wait_for_line(lambda line: line.startswith("eyJ"), timeout=10)
        yield url, {"Authorization": f"Bearer {token}"}
    finally:
        process.interrupt()


def test_no_generated_request_gets_a_server_error(system):
    url, headers = system
    course_id = httpx.post(f"{url}/api/projects/", json={"title": "fuzzed"}, headers=headers).json()["course_id"]
    schema = schemathesis.openapi.from_url(f"{url}/openapi.json")
    failures: list[str] = []
    calls = [0]
    operations = [r.ok() for r in schema.get_all_operations() if r.ok().path.startswith("/api/")]
    for operation in operations:
        failures += _fuzz(operation, url, headers, course_id, calls)
    assert not failures, "\n".join(failures[:20])
    assert calls[0] >= 5 * len(operations) > 0  # it really exercised every operation


def _fuzz(operation, url: str, headers: dict, course_id: str, calls: list[int]) -> list[str]:
    found: list[str] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES_PER_OPERATION, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    def check(case) -> None:
        calls[0] += 1
        if case.path_parameters and "course_id" in case.path_parameters and calls[0] % 2:
            case.path_parameters["course_id"] = course_id  # half the cases on a real course
        response = case.call(base_url=url, headers=headers, timeout=30)
        if response.status_code >= 500:
            found.append(f"{operation.method.upper()} {case.formatted_path}: {response.status_code} "
                         f"{response.text[:200]}")

    check()
    return found
