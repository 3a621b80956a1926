"""The API's request rate limit at the edge (edge.py): whose request it is, and the 429 that
refuses one over the limit. Only /api/ is limited: health, readiness, metrics, the web pages and
their assets are not (an orchestrator's probes and a page's assets must never be refused)."""
from __future__ import annotations

import json

from ..edge.rate_limit import TokenBuckets, retry_after

LIMITED_PREFIX = "/api/"


def is_limited(scope) -> bool:
    return scope["path"].startswith(LIMITED_PREFIX)


def requester(scope) -> str:
    """The user, when the request's bearer token was verified before (the verifier's cache: no
    signature check here); otherwise the client address, so made-up tokens share one bucket."""
    for name, value in scope["headers"]:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            principal = _verified(scope, token.strip()) if scheme.lower() == "bearer" else None
            if principal is not None:
                return f"user:{principal.user_id}"
            break
    client = scope.get("client")
    return f"address:{client[0] if client else 'unknown'}"


def _verified(scope, token: str):
    app = scope.get("app")
    container = getattr(getattr(app, "state", None), "container", None)
    verifier = getattr(container, "verifier", None)
    return verifier.cached(token) if verifier is not None and token else None


async def refuse_over_rate(send, wait_seconds: float, buckets: TokenBuckets) -> None:
    wait = retry_after(wait_seconds)
    body = json.dumps({"detail": f"too many requests: the API allows {buckets.per_minute} per minute "
                                 f"(bursts of {buckets.burst}) per user; retry in {wait} s"}).encode()
    await send({"type": "http.response.start", "status": 429,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode()),
                            (b"retry-after", wait.encode())]})
    await send({"type": "http.response.body", "body": body})
