"""A small HTTP/1.1 load generator: N keep-alive connections, each sending the next request as
soon as the previous answer is read (closed loop), for a fixed time after a warm-up. Raw asyncio
streams, so the client costs little CPU next to the server it measures. Runs as its own process:

    python -m bench.loadgen URL --connections 32 --seconds 8 --warmup 2 [--header 'K: V']

prints one JSON line: requests, errors, seconds, req_per_s, p50_ms, p90_ms, p99_ms, max_ms."""
from __future__ import annotations

import argparse
import asyncio
import json
import time
from urllib.parse import urlsplit


async def connection(host: str, port: int, request: bytes, until: float, measure_from: float,
                     latencies: list[float], errors: list[str]) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            started = time.perf_counter()
            if started >= until:
                return
            writer.write(request)
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
    headers = "".join(f"{h}\r\n" for h in args.header)
    request = (f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n{headers}"
               f"Connection: keep-alive\r\n\r\n").encode()
    now = time.perf_counter()
    measure_from, until = now + args.warmup, now + args.warmup + args.seconds
    latencies: list[float] = []
    errors: list[str] = []
    await asyncio.gather(*(connection(parts.hostname, parts.port, request, until, measure_from, latencies, errors)
                           for _ in range(args.connections)))
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
    print(json.dumps(asyncio.run(main_async(parser.parse_args()))), flush=True)


if __name__ == "__main__":
    main()
