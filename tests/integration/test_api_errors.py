"""Every error answer of the API has the right status and a body that says what was wrong."""
from __future__ import annotations

import base64
import json
import time

import jwt
import pytest

from services.gateway.edge.auth import development_token
from tests.support.gateway import JWT_SECRET, auth
from tests.support.gateway import running_gateway

PROJECTS = "/api/projects/"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def unsigned_token(user_id: str) -> str:
    """An `alg: none` token, built by hand so no library refuses to make it."""
    def part(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()
    claims = {"sub": user_id, "exp": int(time.time()) + 3600}
    return f"{part({'alg': 'none', 'typ': 'JWT'})}.{part(claims)}."


async def create(gateway, user: str = "alice") -> dict:
    response = await gateway.post(PROJECTS, json={"title": "Course"}, headers=auth(user))
    assert response.status_code == 201, response.text
    return response.json()


def detail_locations(response) -> list[list]:
    return [error["loc"] for error in response.json()["detail"]]


# --- 401 ---------------------------------------------------------------------------------------
async def test_no_token_is_401_saying_a_bearer_token_is_missing(gateway):
    for response in (await gateway.get(PROJECTS),
                     await gateway.get(PROJECTS, headers={"Authorization": "Basic YWxpY2U6cHc="}),
                     await gateway.get(PROJECTS, headers={"Authorization": "Bearer "})):
        assert response.status_code == 401
        assert "missing bearer token" in response.json()["detail"]
        assert response.headers["WWW-Authenticate"].startswith("Bearer")


@pytest.mark.parametrize("token", ["not-a-jwt", "a.b.c", "Zm9v.YmFy.YmF6"])
async def test_malformed_token_is_401_not_valid(gateway, token):
    response = await gateway.get(PROJECTS, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["detail"].startswith("the token is not valid")
    assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


async def test_expired_token_is_401_saying_it_expired(gateway):
    token = development_token(JWT_SECRET, "alice", ttl_seconds=-60)
    response = await gateway.get(PROJECTS, headers=bearer(token))
    assert response.status_code == 401
    assert response.json() == {"detail": "the token has expired"}


async def test_token_signed_with_another_secret_is_401(gateway):
    token = development_token("another-secret-that-is-long-enough-for-hs256-xx", "alice")
    response = await gateway.get(PROJECTS, headers=bearer(token))
    assert response.status_code == 401
    assert "Signature verification failed" in response.json()["detail"]


async def test_unsigned_alg_none_token_is_401(gateway):
    response = await gateway.get(PROJECTS, headers=bearer(unsigned_token("admin")))
    assert response.status_code == 401
    assert "alg" in response.json()["detail"]


async def test_token_without_expiry_or_subject_is_401(gateway):
    no_exp = jwt.encode({"sub": "alice"}, JWT_SECRET, algorithm="HS256")
    no_sub = jwt.encode({"exp": int(time.time()) + 60}, JWT_SECRET, algorithm="HS256")
    for token, claim in [(no_exp, "exp"), (no_sub, "sub")]:
        response = await gateway.get(PROJECTS, headers=bearer(token))
        assert response.status_code == 401
        assert claim in response.json()["detail"]


# --- 422 ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("body, problem", [
    ({"title": ""}, "string_too_short"),
    ({"title": "   "}, "string_too_short"),
    ({"title": "x" * 201}, "string_too_long"),
    ({"title": 42}, "string_type"),
    ({}, "missing"),
])
async def test_create_with_a_bad_title_is_422_naming_title(gateway, body, problem):
    response = await gateway.post(PROJECTS, json=body, headers=auth("alice"))
    assert response.status_code == 422
    errors = response.json()["detail"]
    assert [e["loc"] for e in errors] == [["body", "title"]]
    assert errors[0]["type"] == problem and errors[0]["msg"]


async def test_create_with_an_unknown_field_is_422_naming_it(gateway):
    response = await gateway.post(PROJECTS, json={"title": "ok", "owner": "mallory"}, headers=auth("alice"))
    assert response.status_code == 422
    assert detail_locations(response) == [["body", "owner"]]
    assert response.json()["detail"][0]["type"] == "extra_forbidden"


async def test_create_with_a_body_that_is_not_json_is_422(gateway):
    response = await gateway.post(PROJECTS, content=b"{not json",
                                  headers={**auth("alice"), "Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["detail"][0]["type"] == "json_invalid"


async def test_put_with_status_is_422_explaining_status_cannot_be_set(gateway):
    course = await create(gateway)
    response = await gateway.put(f"{PROJECTS}{course['course_id']}", json={"status": "done"},
                                 headers=auth("alice"))
    assert response.status_code == 422
    assert "status cannot be set" in response.json()["detail"][0]["msg"]


async def test_put_with_nothing_to_change_is_422(gateway):
    course = await create(gateway)
    response = await gateway.put(f"{PROJECTS}{course['course_id']}", json={}, headers=auth("alice"))
    assert response.status_code == 422
    assert "give at least one of title, description" in response.json()["detail"][0]["msg"]


@pytest.mark.parametrize("if_match", ["abc", 'W/"x"', "1.0", '"-1"', "1234567890"])
async def test_put_with_a_bad_if_match_is_422_quoting_it(gateway, if_match):
    course = await create(gateway)
    response = await gateway.put(f"{PROJECTS}{course['course_id']}", json={"title": "t"},
                                 headers={**auth("alice"), "If-Match": if_match})
    assert response.status_code == 422
    detail = response.json()["detail"]
    assert "If-Match must be a course revision" in detail and repr(if_match) in detail


@pytest.mark.parametrize("course_id", ["a.b", "bad%20id", "x" * 65, "a%2Ab"])
async def test_malformed_course_id_in_the_path_is_422_naming_course_id(gateway, course_id):
    url = f"{PROJECTS}{course_id}"
    for response in (await gateway.get(url, headers=auth("alice")),
                     await gateway.put(url, json={"title": "t"}, headers=auth("alice")),
                     await gateway.delete(url, headers=auth("alice"))):
        assert response.status_code == 422, response.text
        assert ["path", "course_id"] in detail_locations(response)


async def test_list_with_out_of_range_paging_is_422_naming_the_parameter(gateway):
    response = await gateway.get(PROJECTS, params={"limit": 0}, headers=auth("alice"))
    assert response.status_code == 422
    assert detail_locations(response) == [["query", "limit"]]


# --- 413 ---------------------------------------------------------------------------------------
@pytest.fixture
async def small_gateway(settings):
    async with running_gateway(settings.model_copy(update={"max_body_bytes": 1024})) as client:
        yield client


def oversized_body() -> bytes:
    return json.dumps({"title": "t", "description": "x" * 2000}).encode()


async def test_body_over_the_limit_with_content_length_is_413(small_gateway):
    response = await small_gateway.post(PROJECTS, content=oversized_body(),
                                        headers={**auth("alice"), "Content-Type": "application/json"})
    assert response.status_code == 413
    assert response.json() == {"detail": "request body is larger than 1024 bytes"}
    assert (await small_gateway.get(PROJECTS, headers=auth("alice"))).json() == []


async def test_chunked_body_over_the_limit_is_413(small_gateway):
    async def chunks():
        body = oversized_body()
        for start in range(0, len(body), 256):
            yield body[start:start + 256]

    response = await small_gateway.post(PROJECTS, content=chunks(),
                                        headers={**auth("alice"), "Content-Type": "application/json"})
    assert response.status_code == 413, response.text
    assert response.json() == {"detail": "request body is larger than 1024 bytes"}
    assert (await small_gateway.get(PROJECTS, headers=auth("alice"))).json() == []


async def test_body_under_the_limit_is_accepted(small_gateway):
    response = await small_gateway.post(PROJECTS, json={"title": "small"}, headers=auth("alice"))
    assert response.status_code == 201


# --- operations --------------------------------------------------------------------------------
async def test_health_answers_without_a_token(gateway):
    response = await gateway.get("/health")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


async def test_ready_reports_no_projection_lag_after_a_create(gateway):
    await create(gateway)
    response = await gateway.get("/ready")
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["status"] == "ready" and body["problems"] == []
    assert body["projection_lag_events"] == 0
    assert body["projection_position"] >= 1
