"""lag — projection lag, from an event being stored in the log to its rows being visible in the
read tables, p50 and p99, while 50 courses go through all four stages at once (50 REST clients,
each creating a course and driving it to an exported course; 10 generated repositories of 15
documents, 5 courses each; offline engine; the gateway and the four services as processes).

No baseline: the target is absolute (p99 < 1 s, zero errors). How it is measured: a sampler reads
the projection's checkpoint (committed in the same transaction as the rows) every 5 ms; after the
run, every event of the log is matched with the first sample at or past its sequence, and its lag
is that sample's time minus the event's JetStream timestamp (same machine, same clock). The
sampling adds up to ~6 ms. Errors: any request answered with an unexpected status, any stage that
did not succeed, any client that did not finish."""
from __future__ import annotations

import asyncio
import bisect
import time

import asyncpg

from .common import Context, Row, figure, percentile, save
from .repos import make_doc_repo
from .system import StageError, System, read_log

NAME = "lag"
P99_TARGET = 1.0
POLL_SECONDS = 1.5  # how often each client asks for its stage's status: the web UI's polling interval


class CheckpointSampler:
    def __init__(self, database_url: str, every: float = 0.005) -> None:
        self.database_url, self.every = database_url, every
        self.samples: list[tuple[float, int]] = []

    async def run(self, stop: asyncio.Event) -> None:
        conn = await asyncpg.connect(self.database_url)
        try:
            while not stop.is_set():
                seq = await conn.fetchval("SELECT stream_seq FROM coursegen.projection_checkpoint WHERE id = 1")
                self.samples.append((time.time(), seq))
                await asyncio.sleep(self.every)
        finally:
            await conn.close()


async def run(ctx: Context) -> Row:
    courses, repos, documents = ctx.size(50, 10), ctx.size(10, 3), ctx.size(15, 8)
    paths = []
    for n in range(repos):
        path = ctx.folder(f"repo-lag-{n}") / f"project{n}"
        await asyncio.to_thread(make_doc_repo, path, documents, 20, 100 + n, 400)
        paths.append(str(path))
    errors: list[str] = []
    async with System(ctx, NAME) as system:
        sampler = CheckpointSampler(system.database_url)
        stop = asyncio.Event()
        sampling = asyncio.create_task(sampler.run(stop))
        start_seq = (await system.js.stream_info("COURSES")).state.last_seq
        started = time.time()

        async def client(n: int) -> None:
            try:
                await system.whole_course(paths[n % repos], every=POLL_SECONDS, title=f"Lag course {n}")
            except (StageError, TimeoutError) as exc:
                errors.append(f"course {n}: {exc}")
            except Exception as exc:  # an HTTP failure: still an error, keep the others going
                errors.append(f"course {n}: {type(exc).__name__}: {exc}")
        await asyncio.gather(*(client(n) for n in range(courses)))
        end_seq = (await system.js.stream_info("COURSES")).state.last_seq
        while not sampler.samples or sampler.samples[-1][1] < end_seq:
            await asyncio.sleep(0.05)
        stop.set()
        await sampling
        wall = time.time() - started
        log = [entry for entry in await read_log(system.js) if entry[0] > start_seq]
    lags = lags_of(log, sampler.samples)
    p50, p99 = percentile([l for _, l in lags], 50), percentile([l for _, l in lags], 99)
    plot(lags, p50, p99, courses)
    meets = p99 < P99_TARGET and not errors
    return Row(NAME, [round(p50, 3), round(p99, 3)], "s (p50, p99)", None, None, f"p99 < {P99_TARGET:g} s, zero errors",
               meets, None if not errors else f"{len(errors)} errors: " + "; ".join(errors[:3]),
               details={"courses": courses, "events": len(lags), "max_s": round(max(l for _, l in lags), 3),
                        "p90_s": round(percentile([l for _, l in lags], 90), 3), "errors": len(errors),
                        "wall_seconds": round(wall, 1), "checkpoint_samples": len(sampler.samples)})


def lags_of(log, samples: list[tuple[float, int]]) -> list[tuple[float, float]]:
    """(stored at, lag) per event: lag to the first checkpoint sample at or past its sequence."""
    seqs = [seq for _, seq in samples]
    found = []
    for seq, _, stored in log:
        index = bisect.bisect_left(seqs, seq)
        if index < len(samples):
            at = stored.timestamp()
            found.append((at, max(0.0, samples[index][0] - at)))
    return found


def plot(lags: list[tuple[float, float]], p50: float, p99: float, courses: int) -> None:
    fig, ax = figure(f"lag: log → read tables, {courses} courses at once ({len(lags):,} events)")
    start = min(at for at, _ in lags)
    ax.scatter([at - start for at, _ in lags], [max(lag * 1000, 1.0) for _, lag in lags], s=3, alpha=0.5)
    ax.axhline(p50 * 1000, color="green", linewidth=1, label=f"p50 {p50 * 1000:.0f} ms")
    ax.axhline(p99 * 1000, color="orange", linewidth=1, label=f"p99 {p99 * 1000:.0f} ms")
    ax.axhline(P99_TARGET * 1000, color="red", linestyle="--", linewidth=1, label="target p99 1 s")
    ax.set_xlabel("seconds into the run (event stored at)")
    ax.set_ylabel("lag (ms)")
    ax.set_yscale("log")
    ax.set_ylim(bottom=1)
    ax.legend(fontsize=8)
    save(fig, NAME)
