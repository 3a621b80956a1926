"""Many HTTP/1.1 POSTs sent at once, each on a connection of its own, with raw asyncio streams (like
bench/loadgen.py, so the client costs little CPU next to the server it measures). Runs as its own
process: reads the requests as JSON lines on stdin — {"path", "headers": {…}, "body": {…}} — opens
a connection for each, sends them all together once every connection is open, and prints one JSON
line: each request's status (-1: no answer) and seconds from sending to the whole answer, in order,
and the wall time of them all.

    python -m bench.posts http://127.0.0.1:8000 < requests.jsonl"""
from __future__ import annotations

import asyncio
import json
import sys
import time
from urllib.parse import urlsplit


class Gate:
    """Opens once `expected` connections have arrived at it."""

    def __init__(self, expected: int) -> None:
        self.expected, self.arrived = expected, 0
        self.all_arrived, self.open = asyncio.Event(), asyncio.Event()

    def arrive(self) -> None:
        self.arrived += 1
        if self.arrived == self.expected:
            self.all_arrived.set()


def encoded(host: str, port: int, request: dict) -> bytes:
    body = json.dumps(request["body"]).encode()
    headers = "".join(f"{k}: {v}\r\n" for k, v in request["headers"].items())
    return (f"POST {request['path']} HTTP/1.1\r\nHost: {host}:{port}\r\n{headers}"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
            ).encode() + body


async def one(host: str, port: int, raw: bytes, gate: Gate) -> tuple[int, float]:
    try:
        reader, writer = await asyncio.open_connection(host, port)
    except OSError:
        gate.arrive()
        return -1, 0.0
    try:
        gate.arrive()
        await gate.open.wait()
        started = time.perf_counter()
        writer.write(raw)
        answer = await reader.read()  # the whole answer: the server closes after it (Connection: close)
        elapsed = time.perf_counter() - started
        return (int(answer[9:12]) if answer.startswith(b"HTTP/") else -1), elapsed
    except (ConnectionError, asyncio.IncompleteReadError):
        return -1, 0.0
    finally:
        writer.close()


async def main_async(url: str, requests: list[dict]) -> dict:
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    gate = Gate(len(requests))
    tasks = [asyncio.create_task(one(host, port, encoded(host, port, r), gate)) for r in requests]
    await gate.all_arrived.wait()
    began = time.perf_counter()
    gate.open.set()
    results = await asyncio.gather(*tasks)
    return {"statuses": [s for s, _ in results], "seconds": [round(t, 4) for _, t in results],
            "wall_seconds": round(time.perf_counter() - began, 3)}


def main() -> None:
    requests = [json.loads(line) for line in sys.stdin if line.strip()]
    print(json.dumps(asyncio.run(main_async(sys.argv[1], requests))), flush=True)


if __name__ == "__main__":
    main()
