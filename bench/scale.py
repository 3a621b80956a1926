"""scale — how each stage's cost grows with the documentation (issue 49): generated repositories of
1,000, 5,000 and 20,000 documents (`bench/repos.py`: deterministic, 300 to 900 words a page in
sections, each page linking to earlier ones, an mkdocs.yml nav of the first 200) through all four stages offline, in one process per size
(`bench/inprocess.py`: the code the services run, without bus or database), each size in its own
child process so no size inherits another's memory.

Stage 4 writes every module and exports the zip (`SCALED_FORMATS`; the export row measures the
other formats). Reported per stage and size: milliseconds per document, and the peak RSS of the process while the
stage ran (sampled every 50 ms; the process holds what earlier stages left, as a service holding one
stage's inputs would not: an upper bound of what the stage's service needs).

Value: the worst growth of time per document over the stages, largest size against smallest (1.0
is linear growth), and the largest peak RSS. Baseline: the same figures at the smallest size.
Target (issue 49): time per document at 20 k within 1.3× of that at 1 k for every stage; peak RSS
≤ 300 MB. Each service's own RSS at 20 k, event sizes and endpoint latency: the scale-services row
(`bench/scale_services.py`), through the real services."""
from __future__ import annotations

import asyncio
import json
import subprocess
import sys
import threading
import time

from .common import Context, Row, figure, ratio, save
from .repos import make_doc_repo
from .system import ROOT

NAME = "scale"
TARGET_GROWTH = 1.3
TARGET_RSS_MB = 300
STAGES = ("stage1", "stage2", "stage3", "stage4")
SAMPLE_SECONDS = 0.05
# Stage 4's export here: the zip (Markdown and site). The other formats lay out every page of the
# course (a 20,000-page PDF); the export row measures them on real courses.
SCALED_FORMATS = ("zip",)


def measure(repo: str) -> dict[str, dict[str, float]]:
    """In a child process: seconds and peak RSS (MB) per stage of the whole course of `repo`."""
    done = subprocess.run([sys.executable, "-m", "bench.scale", repo], cwd=ROOT, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"the scale run of {repo} failed ({done.returncode}): {done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


async def run(ctx: Context) -> Row:
    sizes = (200, 600) if ctx.quick else (1_000, 5_000, 20_000)
    figures: dict[int, dict[str, dict[str, float]]] = {}
    for documents in sizes:
        repo = ctx.folder(f"repo-scale-{documents}") / "skyline"
        await asyncio.to_thread(make_doc_repo, repo, documents)
        figures[documents] = await asyncio.to_thread(measure, str(repo))
    per_document = {n: {s: 1000 * figures[n]["seconds"][s] / n for s in STAGES} for n in sizes}
    smallest, largest = sizes[0], sizes[-1]
    growth = {s: ratio(per_document[largest][s], per_document[smallest][s]) for s in STAGES}
    peak = {n: max(figures[n]["peak_rss_mb"].values()) for n in sizes}
    worst = max(STAGES, key=lambda s: growth[s])
    plot(per_document, figures)
    meets = growth[worst] <= TARGET_GROWTH and peak[largest] <= TARGET_RSS_MB
    return Row(NAME, [growth[worst], round(peak[largest], 1)],
               f"worst growth of ms/document {smallest:,} → {largest:,} documents, peak RSS MB at {largest:,}",
               [1.0, round(peak[smallest], 1)], [growth[worst], ratio(peak[largest], peak[smallest])],
               f"≤ {TARGET_GROWTH}× each stage; ≤ {TARGET_RSS_MB} MB", meets,
               note=f"worst stage: {worst}",
               details={"sizes": list(sizes), "growth": growth,
                        "ms_per_document": {str(n): {s: round(v, 2) for s, v in per_document[n].items()}
                                            for n in sizes},
                        "peak_rss_mb": {str(n): figures[n]["peak_rss_mb"] for n in sizes},
                        "seconds": {str(n): figures[n]["seconds"] for n in sizes}})


def plot(per_document: dict[int, dict[str, float]], figures: dict[int, dict[str, dict[str, float]]]) -> None:
    fig, ax = figure("scale: milliseconds per document by stage (offline engine, one process)")
    sizes = sorted(per_document)
    for stage in STAGES:
        ax.plot(sizes, [per_document[n][stage] for n in sizes], marker="o", label=stage)
    ax.set_xscale("log")
    ax.set_xlabel("documents")
    ax.set_ylabel("ms per document")
    ax.legend()
    save(fig, NAME)


def _child(repo: str) -> None:
    import psutil

    from .inprocess import run as run_in_process

    process = psutil.Process()
    peak: dict[str, float] = {}
    current = ["stage1"]
    done = threading.Event()

    lock = threading.Lock()

    def sample() -> None:
        with lock:
            rss = process.memory_info().rss / 2**20
            peak[current[0]] = max(peak.get(current[0], 0.0), rss)

    def sample_until_done() -> None:
        while not done.is_set():
            sample()
            done.wait(SAMPLE_SECONDS)

    sampler = threading.Thread(target=sample_until_done, daemon=True)
    sampler.start()

    def on_stage(stage: str) -> None:  # a stage shorter than a sampling period is sampled too
        sample()
        with lock:
            current[0] = stage
        sample()

    started = time.perf_counter()
    seconds = run_in_process(repo, ["docs"], "README.md", on_stage=on_stage, formats=SCALED_FORMATS)
    sample()
    done.set()
    sampler.join()
    print(json.dumps({"seconds": {s: round(v, 2) for s, v in seconds.items()},
                      "peak_rss_mb": {s: round(v, 1) for s, v in peak.items()},
                      "total": round(time.perf_counter() - started, 1)}))


if __name__ == "__main__":
    _child(sys.argv[1])
