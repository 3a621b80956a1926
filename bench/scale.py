"""scale — how each stage's cost grows with the documentation (issue 49): generated repositories of
1,000, 5,000 and 20,000 documents (`bench/repos.py`: deterministic, 300 to 900 words a page in
sections, each page linking to earlier ones, an mkdocs.yml nav of the first 200) through all four stages offline, in one process per size
(`bench/inprocess.py`: the code the services run, without bus or database), each size in its own
child process so no size inherits another's memory.

Stage 4 writes every module and exports the zip (`SCALED_FORMATS`; the export row measures the
other formats). Reported per stage and size: CPU milliseconds per document (user and system, the
process's and the children's a stage starts: the cost of the work — on a shared machine a 20-minute
run and a 1-minute run see different loads, so wall-clock time, reported beside it, measures the
neighbours too), and the peak RSS of the process while the
stage ran (sampled every 50 ms; the process holds what earlier stages left but stage 2's parsed
documents and corpus, which the analyser's own process keeps, as a service holding one stage's
inputs would not: an upper bound of what the stage's service needs).

And one real large tree: Django's documentation as its sdist on the package registry ships it
(REAL_TREE: 597 pages of reStructuredText under a Sphinx toctree, BSD-3-Clause), through the same
four stages, its time per document and peak RSS beside the generated ones (the registry is the one
network this machine has; without it the row says so and goes on).

Value: the worst growth of CPU time per document over the stages, largest size against smallest (1.0
is linear growth), and the largest peak RSS. Baseline: the same figures at the smallest size.
Target (issue 49): time per document at 20 k within 1.3× of that at 1 k for every stage. The peak
RSS is reported, not judged: one process holding every stage's data is no service; each service's
own RSS at 20 k, the largest event and the endpoints' p99 are the scale-services row's."""
from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
import tarfile
import threading
import time
from pathlib import Path, PurePosixPath

from .common import Context, Row, figure, ratio, save
from tests.support.gitrepos import make_repo

from .repos import make_doc_repo
from .system import ROOT

NAME = "scale"
TARGET_GROWTH = 1.3
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


# The real large tree: a registry package whose source distribution ships its documentation.
REAL_TREE = ("django", "5.1", "docs")


def real_tree_repo(folder: Path) -> tuple[str, int]:
    """(a git repository of REAL_TREE's documentation under docs/, its number of pages); the sdist
    comes from the package registry pip is configured with."""
    name, version, docs = REAL_TREE
    subprocess.run([sys.executable, "-m", "pip", "download", f"{name}=={version}", "--no-binary", ":all:",
                    "--no-deps", "--quiet", "-d", str(folder)], check=True, capture_output=True, timeout=600)
    sdist = next(folder.glob("*.tar.gz"), None)
    if sdist is None:
        raise RuntimeError(f"pip download {name}=={version} gave no source distribution in {folder}")
    files: dict[str, str | bytes] = {}
    with tarfile.open(sdist) as archive:
        for member in archive.getmembers():
            parts = PurePosixPath(member.name).parts
            if member.isfile() and len(parts) > 2 and parts[1] == docs:
                data = archive.extractfile(member)
                if data is not None:
                    files["/".join(("docs", *parts[2:]))] = data.read()
    repo = folder / name
    make_repo(repo, files)
    pages = sum(1 for path in files if path.endswith((".txt", ".rst", ".md")))
    return str(repo), pages


async def run(ctx: Context) -> Row:
    sizes = (200, 600) if ctx.quick else (1_000, 5_000, 20_000)
    figures: dict[int, dict[str, dict[str, float]]] = {}
    for documents in sizes:
        repo = ctx.folder(f"repo-scale-{documents}") / "skyline"
        await asyncio.to_thread(make_doc_repo, repo, documents)
        figures[documents] = await asyncio.to_thread(measure, str(repo))
    real: dict = {"package": "{}=={}".format(*REAL_TREE[:2])}
    try:
        repo, pages = await asyncio.to_thread(real_tree_repo, ctx.folder("repo-scale-real"))
        measured = await asyncio.to_thread(measure, repo)
        real.update(pages=pages, peak_rss_mb=measured["peak_rss_mb"],
                    ms_per_document={s: round(1000 * measured["seconds"][s] / pages, 2) for s in STAGES},
                    cpu_ms_per_document={s: round(1000 * measured["cpu_seconds"][s] / pages, 2) for s in STAGES})
    except (subprocess.SubprocessError, RuntimeError, StopIteration, OSError) as exc:
        real["error"] = f"not measured: {exc}"[:500]
    per_document = {n: {s: 1000 * figures[n]["cpu_seconds"][s] / n for s in STAGES} for n in sizes}
    wall_per_document = {n: {s: 1000 * figures[n]["seconds"][s] / n for s in STAGES} for n in sizes}
    smallest, largest = sizes[0], sizes[-1]
    growth = {s: ratio(per_document[largest][s], per_document[smallest][s]) for s in STAGES}
    wall_growth = {s: ratio(wall_per_document[largest][s], wall_per_document[smallest][s]) for s in STAGES}
    peak = {n: max(figures[n]["peak_rss_mb"].values()) for n in sizes}
    worst = max(STAGES, key=lambda s: growth[s])
    plot(per_document, figures)
    # The RSS here is one process holding every stage's data: the services' own (≤ 300 MB each)
    # is the scale-services row's to judge.
    meets = growth[worst] <= TARGET_GROWTH
    return Row(NAME, [growth[worst], round(peak[largest], 1)],
               f"worst growth of CPU ms/document {smallest:,} → {largest:,} documents, peak RSS MB at {largest:,}",
               [1.0, round(peak[smallest], 1)], [growth[worst], ratio(peak[largest], peak[smallest])],
               f"≤ {TARGET_GROWTH}× each stage", meets,
               note=(f"worst stage: {worst}; wall-clock growth (a shared machine's load included) "
                     + ", ".join(f"{s} {wall_growth[s]}×" for s in STAGES) + f"; {_real_line(real)}"),
               details={"sizes": list(sizes), "growth": growth, "wall_growth": wall_growth,
                        "cpu_ms_per_document": {str(n): {s: round(v, 2) for s, v in per_document[n].items()}
                                                for n in sizes},
                        "ms_per_document": {str(n): {s: round(v, 2) for s, v in wall_per_document[n].items()}
                                            for n in sizes},
                        "cpu_seconds": {str(n): figures[n]["cpu_seconds"] for n in sizes},
                        "peak_rss_mb": {str(n): figures[n]["peak_rss_mb"] for n in sizes},
                        "seconds": {str(n): figures[n]["seconds"] for n in sizes}, "real_tree": real})


def _real_line(real: dict) -> str:
    if "error" in real:
        return f"{real['package']} {real['error']}"
    per = real["ms_per_document"]
    return (f"{real['package']}'s {real['pages']} pages: " + ", ".join(f"{s} {per[s]} ms" for s in STAGES)
            + f" a page, peak RSS {max(real['peak_rss_mb'].values()):.0f} MB")


def plot(per_document: dict[int, dict[str, float]], figures: dict[int, dict[str, dict[str, float]]]) -> None:
    fig, ax = figure("scale: CPU milliseconds per document by stage (offline engine, one process)")
    sizes = sorted(per_document)
    for stage in STAGES:
        ax.plot(sizes, [per_document[n][stage] for n in sizes], marker="o", label=stage)
    ax.set_xscale("log")
    ax.set_xlabel("documents")
    ax.set_ylabel("CPU ms per document")
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

    marks: list[tuple[str, float]] = []  # (stage, CPU seconds when it started)

    def on_stage(stage: str) -> None:  # a stage shorter than a sampling period is sampled too
        sample()
        marks.append((stage, cpu_seconds()))
        with lock:
            current[0] = stage
        sample()

    started = time.perf_counter()
    seconds = run_in_process(repo, ["docs"], "README.md", on_stage=on_stage, formats=SCALED_FORMATS)
    marks.append(("end", cpu_seconds()))
    cpu = {stage: after - before for (stage, before), (_, after) in zip(marks, marks[1:])}
    sample()
    done.set()
    sampler.join()
    print(json.dumps({"seconds": {s: round(v, 2) for s, v in seconds.items()},
                      "cpu_seconds": {s: round(v, 2) for s, v in cpu.items()},
                      "peak_rss_mb": {s: round(v, 1) for s, v in peak.items()},
                      "total": round(time.perf_counter() - started, 1)}))


def cpu_seconds() -> float:
    """User and system CPU seconds of this process and of its children that have ended (the
    parser children and git processes a stage starts, each ended within its stage)."""
    times = os.times()
    return times.user + times.system + times.children_user + times.children_system


if __name__ == "__main__":
    _child(sys.argv[1])
