"""clone — stage 1 wall time on a generated 5,000-file repository (1,000 documentation files,
4,000 source files), through the services: from the RepoCloneRequested event to RepoCloned, as
stored in the log (clone, scan, snapshot into the Object Store, the file list as events).

Baseline: what stage 1 cannot do without — `git clone --depth 1 --filter=blob:none --sparse` of
the same commit over the same transport (file://, upload-pack with filters allowed), a no-cone
sparse checkout of the documentation patterns the service uses, and a walk of the checkout that
stats every file. That is the limit: any stage 1 has to fetch the tree, fetch the documentation
blobs and look at every file; the rest (reading documents to check them, packing the snapshot,
storing it, announcing the files) is the service's own cost.

The service writes only the documentation to disk as well, but fetches every blob (5,000, not
1,000) so that it can list every file with its size, reads each document to classify it, infers
the reading order, and lists the remote's refs first to know whether a snapshot can be reused.
It writes the files with git's parallel checkout (`checkout.workers`, one worker per core), the
baseline with git's defaults, as a user's plain command would; the note gives the baseline's
checkout with the same parallel workers too, so that what the service adds on top of git stays
visible.

Each run uses a new commit (an unrelated file changes), so the service cannot reuse the snapshot
of an earlier run; service and baseline runs alternate and the medians are compared. The runs are
of one series on one service process, so a service that gets slower run after run shows here
(`ratio_per_run`)."""
from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import time
from pathlib import Path

from services.repo_clone.cloner import DOC_SPARSE_PATTERNS

from .clone_split import baseline_split, inprocess_split, log_split, split_note
from .common import Context, Row, figure, median, ratio, save
from .repos import make_doc_repo, new_commit
from .system import System, stage_seconds

NAME = "clone"
TARGET = 1.3


def baseline_clone(repo: Path, dest: Path) -> tuple[float, int]:
    """Seconds for clone + sparse checkout + scan, and the number of files the scan saw."""
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    started = time.perf_counter()
    subprocess.run(["git", "clone", "--quiet", "--depth=1", "--filter=blob:none", "--sparse", "--no-tags",
                    f"file://{repo}", str(dest)], check=True, env=env, capture_output=True)
    subprocess.run(["git", "-C", str(dest), "sparse-checkout", "set", "--no-cone", "--stdin"], check=True,
                   env=env, capture_output=True, input="\n".join(DOC_SPARSE_PATTERNS).encode())
    seen = 0
    for folder, dirs, files in os.walk(dest):
        dirs[:] = [d for d in dirs if d != ".git"]
        for name in files:
            os.stat(os.path.join(folder, name), follow_symlinks=False)
            seen += 1
    return time.perf_counter() - started, seen


async def run(ctx: Context) -> Row:
    documents, others = ctx.size(1000, 200), ctx.size(4000, 800)
    runs = ctx.size(3, 1)
    work = ctx.folder("repo-clone")
    repo = work / "skyline"
    await asyncio.to_thread(make_doc_repo, repo, documents, others, 3, 400)
    subprocess.run(["git", "-C", str(repo), "config", "uploadpack.allowFilter", "true"], check=True)
    services, observed, baselines, splits, scanned = [], [], [], [], 0
    async with System(ctx, NAME, services=("repo_clone",)) as system:
        for n in range(runs):
            await asyncio.to_thread(new_commit, repo, n)
            dest = work / f"baseline-{n}"
            seconds, scanned = await asyncio.to_thread(baseline_clone, repo, dest)
            baselines.append(seconds)
            shutil.rmtree(dest)
            course = await system.create_course(f"Clone benchmark {n}")
            started = time.perf_counter()
            await system.post(f"/api/courses/{course}/analyze-repository", {"repo_url": str(repo)})
            await system.wait_stage(course, "stage1", every=0.05)
            observed.append(time.perf_counter() - started)
            log = await system.course_log(course)
            services.append(stage_seconds(log)["stage1"])
            splits.append(log_split(log))
    # After the measured series, so as not to disturb it: the same calls in this process.
    await asyncio.to_thread(new_commit, repo, runs)
    inprocess = await asyncio.to_thread(inprocess_split, repo, work)
    baseline_steps = await asyncio.to_thread(baseline_split, repo, work, DOC_SPARSE_PATTERNS)
    value, base = median(services), median(baselines)
    r = ratio(value, base)
    plot(services, baselines, documents + others + 2)
    return Row(NAME, round(value, 3), "s", round(base, 3), r, f"≤ {TARGET}×", r <= TARGET,
               note=split_note(splits, inprocess, baseline_steps, documents + 1),
               details={"files": documents + others + 2, "documentation_files": documents + 1, "runs": runs,
                        "service_seconds": [round(s, 3) for s in services],
                        "service_seconds_client_observed": [round(s, 3) for s in observed],
                        "baseline_seconds": [round(s, 3) for s in baselines], "baseline_files_scanned": scanned,
                        "ratio_per_run": [ratio(s, b) for s, b in zip(services, baselines)],
                        "service_split_seconds": {part: median([split[part] for split in splits])
                                                  for part in (splits[0] if splits else {})},
                        "inprocess_split_seconds": inprocess, "baseline_split_seconds": baseline_steps})


def plot(services: list[float], baselines: list[float], files: int) -> None:
    fig, ax = figure(f"clone: stage 1 on a {files:,}-file repository")
    xs = range(1, len(services) + 1)
    ax.plot(list(xs), baselines, "o-", label="git clone --depth 1 --filter=blob:none + sparse docs + scan")
    ax.plot(list(xs), services, "s-", label="stage 1 through the service (request → RepoCloned)")
    ax.set_xticks(list(xs))
    ax.set_xlabel("run")
    ax.set_ylabel("seconds")
    ax.set_ylim(bottom=0)
    ax.legend(fontsize=8)
    save(fig, NAME)
