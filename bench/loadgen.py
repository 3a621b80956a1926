"""A small HTTP/1.1 load generator: N keep-alive connections, each sending the next request as
soon as the previous answer is read (closed loop), for a fixed time after a warm-up. Raw asyncio
streams, so the client costs little CPU next to the server it measures. Runs as its own process:

    python -m bench.loadgen URL --connections 32 --seconds 8 --warmup 2 [--header 'K: V'] [--requests FILE]

With --requests, FILE holds a JSON list of {"path", "headers": {…}} on URL's host: the connections
take them in turn (connection i sends requests i, i + connections, …, round and round), so a load
can read as many users and courses as the list names.

prints one JSON line: requests, errors, seconds, req_per_s, p50_ms, p90_ms, p99_ms, max_ms."""
from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import time
from pathlib import Path
from urllib.parse import urlsplit


async def connection(host: str, port: int, requests: list[bytes], until: float, measure_from: float,
                     latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        for sent in itertools.count():
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(requests[sent % len(requests)])
            head = await reader.readuntil(b"\r\n\r\n")
            status = int(head[9:12])
            length = 0
            chunked = False
            for line in head.split(b"\r\n")[1:]:
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"transfer-encoding" and b"chunked" in value.lower():
                    chunked = True
            if chunked:
                while True:
                    size = int((await reader.readline()).strip(), 16)
                    await reader.readexactly(size + 2)
                    if size == 0:
                        break
            else:
                await reader.readexactly(length)
            finished = time.perf_counter()
            if started >= measure_from:
                latencies.append(finished - started)
                if status != 200:
                    errors.append(str(status))
    except (ConnectionError, asyncio.IncompleteReadError) as exc:
        errors.append(type(exc).__name__)
    finally:
        writer.close()


async def main_async(args) -> dict:
    parts = urlsplit(args.url)
    path = parts.path + (f"?{parts.query}" if parts.query else "")

    def request(path: str, headers: list[str]) -> bytes:
        lines = "".join(f"{h}\r\n" for h in headers)
        return (f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n{lines}"
                f"Connection: keep-alive\r\n\r\n").encode()
    if args.requests:
        listed = json.loads(Path(args.requests).read_text())
        every = [request(r["path"], [f"{k}: {v}" for k, v in r["headers"].items()]) for r in listed]
    else:
        every = [request(path, args.header)]
    shares = [every[i::args.connections] or every for i in range(args.connections)]
    now = time.perf_counter()
    measure_from, until = now + args.warmup, now + args.warmup + args.seconds
    latencies: list[float] = []
    errors: list[str] = []
    await asyncio.gather(*(connection(parts.hostname, parts.port, share, until, measure_from, latencies, errors)
                           for share in shares))
    latencies.sort()

    def pct(q: float) -> float:
        return round(latencies[min(len(latencies) - 1, int(q / 100 * len(latencies)))] * 1000, 2) if latencies else 0.0

    return {"requests": len(latencies), "errors": len(errors), "error_kinds": sorted(set(errors))[:5],
            "seconds": args.seconds, "req_per_s": round(len(latencies) / args.seconds, 1),
            "p50_ms": pct(50), "p90_ms": pct(90), "p99_ms": pct(99), "max_ms": pct(100)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("url")
    parser.add_argument("--connections", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--header", action="append", default=[])
    parser.add_argument("--requests", help="a JSON list of {path, headers} the connections take in turn")
    print(json.dumps(asyncio.run(main_async(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()
