"""The receiving end of examples/webhook_forwarder.py: check that a request is a fresh delivery
signed with the shared secret before trusting anything in it (docs/subscribing.md).

    COURSEGEN_WEBHOOK_SECRET=... python examples/webhook_receiver.py --port 8080

A request is accepted only if
- `X-Coursegen-Signature` is `sha256=` + HMAC-SHA256(secret, `<X-Coursegen-Timestamp>.<body>`): the
  timestamp is signed, so it cannot be changed without the secret;
- that timestamp is within `tolerance` (5 minutes) of the receiver's clock: an old request cannot
  be replayed later;
- the same delivery (the same signature: one body at one timestamp) was not accepted before within
  the tolerance: a request cannot be replayed at once either.
A redelivery by the forwarder is a new delivery (a new timestamp, so a new signature) of the same
event: deduplicate the events themselves by the `event_id` in the body (`main` shows how)."""
from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from contextlib import contextmanager
from typing import Iterator, Mapping

TOLERANCE_SECONDS = 300


class Refused(ValueError):
    """The request is not a fresh, authentic delivery; the message says why (answer 401)."""


def signature(secret: str, timestamp: str, body: bytes) -> str:
    """What the forwarder sends as X-Coursegen-Signature for `body` at `timestamp` (unix seconds)."""
    return "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class WebhookVerifier:
    """Checks deliveries against one secret and remembers those it accepted for `tolerance`
    seconds (after that their timestamp is too old anyway), so the memory stays bounded."""

    def __init__(self, secret: str, tolerance: float = TOLERANCE_SECONDS) -> None:
        self.secret, self.tolerance = secret, tolerance
        self._seen: dict[str, int] = {}  # signature of an accepted (or in-flight) delivery -> its timestamp
        self._lock = threading.Lock()

    @contextmanager
    def receiving(self, headers: Mapping[str, str], body: bytes, now: float | None = None) -> Iterator[None]:
        """Raises Refused unless the delivery is authentic, fresh and new; else runs the block.
        A block that raises forgets the delivery, so the forwarder's retry of it (which may carry
        the same second) is not taken for a replay; one that returns keeps it remembered."""
        signed = self._check(headers, body, time.time() if now is None else now)
        try:
            yield
        except BaseException:
            with self._lock:
                self._seen.pop(signed, None)
            raise

    def _check(self, headers: Mapping[str, str], body: bytes, now: float) -> str:
        timestamp, signed = headers.get("X-Coursegen-Timestamp", ""), headers.get("X-Coursegen-Signature", "")
        if not timestamp.isdigit():
            raise Refused("X-Coursegen-Timestamp is missing or not unix seconds")
        if not hmac.compare_digest(signature(self.secret, timestamp, body), signed):
            raise Refused("the signature does not match the body and timestamp")
        if abs(now - int(timestamp)) > self.tolerance:
            raise Refused(f"the timestamp is more than {self.tolerance:.0f} s away from now")
        with self._lock:  # check and remember at once: two copies sent together are one delivery
            self._seen = {s: t for s, t in self._seen.items() if now - t <= self.tolerance}
            if signed in self._seen:
                raise Refused("this delivery was already received (a replay)")
            self._seen[signed] = int(timestamp)
        return signed


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8080)
    args = parser.parse_args(argv)
    secret = os.environ.get("COURSEGEN_WEBHOOK_SECRET")
    if not secret:
        parser.error("set COURSEGEN_WEBHOOK_SECRET (the secret the forwarder signs with)")
    # The event ids handled: in memory here, in your database (a unique key) in production.
    verifier, handled, lock = WebhookVerifier(secret), set(), threading.Lock()

    def handle(event: dict) -> None:
        with lock:  # at-least-once: an event already handled is acknowledged, not handled again
            fresh = event["event_id"] not in handled
            handled.add(event["event_id"])
        if fresh:
            print(event["event_type"], event["course_id"], event["event_id"], flush=True)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            try:
                with verifier.receiving(self.headers, body):
                    handle(json.loads(body))
            except Refused as refused:
                return self._answer(401, str(refused))
            except Exception as exc:  # not handled: the forwarder sends it again (and it is forgotten)
                return self._answer(500, exc.__class__.__name__)
            self._answer(204, "")

        def _answer(self, status: int, reason: str) -> None:
            data = reason.encode()
            self.send_response(status)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    ThreadingHTTPServer((args.host, args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
