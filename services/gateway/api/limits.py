"""Refuse request bodies over the configured size, whether announced or streamed in chunks.
A body is read here first (it is small by definition), so the 413 comes before any parsing."""
from __future__ import annotations

import json

# RFC 9112 §6.3: a request with neither header has no body, and the server holds one that declares
# its length to that length; only these requests can carry more than they announce.
_BODY_HEADERS = (b"content-length", b"transfer-encoding")


async def limited_receive(scope, receive, send, max_bytes: int):
    """The `receive` the app should use, or None when the body was refused (413 sent) or the
    client went away before sending it whole."""
    declared, announced = None, False
    for name, value in scope["headers"]:
        if name in _BODY_HEADERS:
            announced = True
            if name == b"content-length":
                declared = value
    if not announced:
        return receive
    if declared is not None and declared.isdigit() and int(declared) > max_bytes:
        await refuse(send, max_bytes)
        return None
    body, more = bytearray(), True
    while more:
        message = await receive()
        if message["type"] != "http.request":  # the client went away
            return None
        body += message.get("body", b"")
        more = message.get("more_body", False)
        if len(body) > max_bytes:
            await refuse(send, max_bytes)
            return None
    delivered = False

    async def replay_body():
        nonlocal delivered
        if not delivered:
            delivered = True
            return {"type": "http.request", "body": bytes(body), "more_body": False}
        return await receive()

    return replay_body


async def refuse(send, max_bytes: int) -> None:
    body = json.dumps({"detail": f"request body is larger than {max_bytes} bytes"}).encode()
    await send({"type": "http.response.start", "status": 413,
                "headers": [(b"content-type", b"application/json"),
                            (b"content-length", str(len(body)).encode())]})
    await send({"type": "http.response.body", "body": body})
