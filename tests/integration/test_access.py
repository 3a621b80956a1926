"""Access (issue 7): on every course endpoint of the OpenAPI, another user's course answers exactly
as an unknown course does, so nothing leaks; admins (ADMIN_USERS) read any course and see what its
owner sees, and nothing else makes a user an admin; every kind of bad token is 401 with a reason."""
from __future__ import annotations

import base64
import json
import time

import jwt

from services.gateway.edge.auth import development_token
from tests.support.gateway import JWT_SECRET, auth, running_gateway
from tests.support.flows import ALICE, new_course
from tests.support.operations import (
    OPERATIONS, SPEC, base_request, headers_for, seed_scanned_repository,
)

BOB, ADMIN = auth("bob"), auth("admin")
UNKNOWN = "nosuchcourse0"


def course_operations() -> list[tuple[str, str, dict]]:
    """Every operation that names a course, in the path or the query; DELETE last."""
    ops = [(m, p, SPEC["paths"][p][m.lower()]) for m, p in OPERATIONS]
    ops = [(m, p, op) for m, p, op in ops if any(q["name"] == "course_id" for q in op.get("parameters", []))]
    return sorted(ops, key=lambda o: o[0] == "DELETE")


def request_for(method: str, path: str, op: dict, course_id: str) -> dict:
    """A request the schema accepts, about `course_id`."""
    path_params, query, body = base_request(op, course_id)
    return {"method": method, "url": path.format(**path_params), "params": query, "content": body}


def b64(obj) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).rstrip(b"=").decode()


def claims(**extra) -> dict:
    return {"sub": "bob", "iat": int(time.time()), "exp": int(time.time()) + 600, **extra}


def hs256(secret: str = JWT_SECRET, **claim_values) -> str:
    return jwt.encode(claims(**claim_values), secret, algorithm="HS256")


async def test_another_users_course_answers_exactly_like_an_unknown_course(settings):
    async with running_gateway(settings) as api:
        c = api.app.state.container
        course_id = await new_course(api, title="Alice's secret plan")
        before = (await c.js.stream_info("COURSES")).state.last_seq
        problems, checked = [], 0
        for method, path, op in course_operations():
            theirs, unknown = request_for(method, path, op, course_id), request_for(method, path, op, UNKNOWN)
            for who, name in ((BOB, "bob"), ({}, "no token")):
                a = await api.request(**theirs, headers=headers_for(who, theirs["content"]))
                b = await api.request(**unknown, headers=headers_for(who, unknown["content"]))
                expected = 404 if who else 401
                if a.status_code != expected or (a.status_code, a.content, dict(a.headers)) != (
                        b.status_code, b.content, dict(b.headers)):
                    problems.append(f"{name} {method} {path}: {a.status_code} {a.text[:120]!r} vs "
                                    f"unknown {b.status_code} {b.text[:120]!r}")
                checked += 1
        assert checked >= 2 * 25, checked  # every course endpoint, not a handful
        assert not problems, "\n".join(problems)
        assert (await c.js.stream_info("COURSES")).state.last_seq == before, "a refused request was logged"
        course = (await api.get(f"/api/projects/{course_id}", headers=ALICE)).json()
        assert (course["title"], course["revision"]) == ("Alice's secret plan", 1)
        assert (await api.get("/api/projects/", headers=BOB)).json() == []


async def test_admin_reads_any_course_as_its_owner_does(settings):
    async with running_gateway(settings) as api:
        course_id = await new_course(api)
        await seed_scanned_repository(api.app.state.container, course_id)
        # A learner's routes answer about the caller as a learner, which neither is (tests/integration/test_cohort_access.py).
        reads = [(m, p, op) for m, p, op in course_operations()
                 if m == "GET" and not p.endswith("/stream") and not p.startswith("/api/learn/")]
        for method, path, op in reads:
            request = request_for(method, path, op, course_id)
            owner = await api.request(**request, headers=ALICE)
            admin = await api.request(**request, headers=ADMIN)
            assert admin.status_code == owner.status_code != 404, (path, admin.text)
            assert admin.content == owner.content, path
        course = (await api.get(f"/api/projects/{course_id}", headers=ADMIN)).json()
        assert course["user_id"] == "alice"
        statuses = [(await api.get(f"/api/courses/{course_id}/stage{n}/status", headers=ADMIN)).json()["status"]
                    for n in (1, 2, 3, 4)]
        assert statuses == ["SUCCESS", "PENDING", "PENDING", "PENDING"]
        assert (await api.get("/api/projects/", headers=ADMIN)).json() == []  # "your courses" only


async def test_admin_is_the_only_override(settings):
    """Only a `sub` listed in ADMIN_USERS, spelt exactly, reads another user's course."""
    near_admins = [development_token(JWT_SECRET, sub) for sub in ("Admin", "ADMIN", "admin ", " admin",
                                                                  "admin\u200b", "admin@", "alice ", "ALICE")]
    claimed = [hs256(**{name: value}) for name, value in (("admin", True), ("is_admin", True), ("role", "admin"),
                                                          ("roles", ["admin"]), ("groups", ["admin"]),
                                                          ("scope", "admin"), ("admin_users", ["bob"]))]
    async with running_gateway(settings) as api:
        course_id = await new_course(api)
        for token in near_admins + claimed:
            for url in (f"/api/projects/{course_id}", f"/api/courses/{course_id}/stage1/status"):
                response = await api.get(url, headers={"Authorization": f"Bearer {token}"})
                assert response.status_code == 404, (jwt.decode(token, options={"verify_signature": False}),
                                                      response.text)


def bad_tokens() -> dict[str, str]:
    valid = hs256()
    header, _, signature = valid.split(".")
    now = int(time.time())
    return {
        "expired": hs256(exp=now - 60),
        "not yet valid (nbf)": hs256(nbf=now + 3600),
        "issued in the future (iat)": hs256(iat=now + 3600),
        "signed with another secret": hs256("another-secret-that-is-long-enough-for-hs256-xx"),
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims(sub='admin'))}.",
        "alg none, signature kept": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{valid.split('.')[1]}.{signature}",
        "alg HS512": jwt.encode(claims(), JWT_SECRET + "x" * 20, algorithm="HS512"),
        "payload tampered, signature kept": f"{header}.{b64(claims(sub='admin'))}.{signature}",
        "signature of another token": f"{header}.{valid.split('.')[1]}.{hs256(sub='x').split('.')[2]}",
        "signature stripped": f"{header}.{valid.split('.')[1]}.",
        "missing sub": jwt.encode({"exp": now + 600}, JWT_SECRET, algorithm="HS256"),
        "empty sub": hs256(sub=""),
        "sub not a string": hs256(sub=123),
        "sub too long": hs256(sub="b" * 257),
        "missing exp": jwt.encode({"sub": "bob"}, JWT_SECRET, algorithm="HS256"),
        "garbage JWT header": f"!!!.{valid.split('.')[1]}.{signature}",
        "header not JSON": f"{base64.urlsafe_b64encode(b'not json').decode()}.{valid.split('.')[1]}.{signature}",
        "two segments": f"{header}.{valid.split('.')[1]}",
        "garbage": "garbage",
        "very long": "a" * 20_000,
    }


async def test_every_kind_of_bad_token_is_401_with_a_reason(settings):
    async with running_gateway(settings) as api:
        assert (await api.get("/api/projects/", headers={"Authorization": f"Bearer {hs256()}"})).status_code == 200
        authorizations = {f"Bearer {name}": f"Bearer {token}" for name, token in bad_tokens().items()}
        authorizations |= {"scheme Basic": "Basic Ym9iOnB3", "scheme only": "Bearer", "token only": hs256(),
                           "garbage Authorization header": b"\xbf\xbf\x01 garbage \xff"}
        problems = []
        for name, value in authorizations.items():
            response = await api.get("/api/projects/", headers={"Authorization": value})
            is_json = response.headers.get("content-type") == "application/json"
            detail = response.json().get("detail") if is_json else None
            if response.status_code != 401 or not isinstance(detail, str) or not detail.strip() \
                    or not response.headers.get("WWW-Authenticate", "").startswith("Bearer"):
                problems.append(f"{name}: {response.status_code} {response.text[:200]!r}")
        assert not problems, "\n".join(problems)
