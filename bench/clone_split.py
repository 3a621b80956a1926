"""Where stage 1's time goes, for the clone benchmark's details: the service's run split at the
events it stored (request → StageStarted: delivery and the lifecycle read; StageStarted → first
RepoFilesDiscovered: clone, scan, snapshot and its upload; → RepoCloned: the file list as events),
and the same calls made in this process (bench/inprocess.py's stage 1), split per part and per
git command (the service logs each command's time), beside the baseline's own steps."""
from __future__ import annotations

import logging
import os
import shutil
import subprocess
import tempfile
import time
from collections import defaultdict
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Iterator

from shared import linear_regex
from services.repo_clone import cloner, scanner
from services.repo_clone.announce import chunks, discovered
from services.repo_clone.snapshot import pack_documents
from services.repo_clone.textfiles import reading_each_file_once

_GIT_TIMING = linear_regex.compile(r"git (\S+) took ([0-9.]+) s")


def log_split(log: list[tuple[int, str, datetime]]) -> dict[str, float]:
    """Seconds between the stage's stored events (the last stage 1 run of the course's log)."""
    at: dict[str, datetime] = {}
    for _, kind, stored in log:
        if kind == "RepoCloneRequested":
            at = {kind: stored}
        elif kind not in at:
            at[kind] = stored  # the first of each kind: the first chunk of the file list
    marks = ("RepoCloneRequested", "StageStarted", "RepoFilesDiscovered", "RepoCloned")
    if not all(mark in at for mark in marks):
        return {}
    names = ("pickup", "clone_scan_snapshot", "announce")
    return {name: round((at[end] - at[start]).total_seconds(), 3)
            for name, start, end in zip(names, marks, marks[1:])}


class _Timings(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.seconds: dict[str, float] = defaultdict(float)

    def emit(self, record: logging.LogRecord) -> None:
        found = _GIT_TIMING.fullmatch(record.getMessage())
        if found:
            self.seconds[found.group(1)] += float(found.group(2))


@contextmanager
def _git_timings() -> Iterator[_Timings]:
    logger = logging.getLogger("services.repo_clone.git_process")
    handler, level = _Timings(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)


def inprocess_split(repo: Path, work: Path) -> dict[str, object]:
    """Stage 1's calls on `repo` in this process, seconds per part and per git command."""
    parts: dict[str, float] = {}
    destination = Path(tempfile.mkdtemp(dir=work, prefix="split-"))
    try:
        with _git_timings() as git:
            started = time.perf_counter()
            location = cloner.locate(str(repo), None, None)
            parts["locate"] = time.perf_counter() - started
            started = time.perf_counter()
            checkout = cloner.clone(str(repo), None, destination / "checkout", located=location)
            parts["clone"] = time.perf_counter() - started
            with reading_each_file_once():  # one scope, as the service's handler
                started = time.perf_counter()
                result = scanner.scan(checkout.path, listing=checkout.tree)
                parts["scan"] = time.perf_counter() - started
                started = time.perf_counter()
                pack_documents(checkout.path, result.files, None, checkout.check_out_more)
                parts["pack"] = time.perf_counter() - started
            started = time.perf_counter()
            list(chunks(discovered(result.files, result.navigation)))
            parts["announce_build"] = time.perf_counter() - started
    finally:
        shutil.rmtree(destination, ignore_errors=True)
    return {"parts": {k: round(v, 3) for k, v in parts.items()},
            "git": {k: round(v, 3) for k, v in sorted(git.seconds.items(), key=lambda kv: -kv[1])}}


def baseline_split(repo: Path, work: Path, patterns: tuple[str, ...]) -> dict[str, float]:
    """The baseline's steps: the clone (trees only), the sparse checkout (fetches and writes the
    documentation) and the walk; then the sparse checkout again in a new clone, with git's
    parallel checkout as the service runs it (one worker per core)."""
    steps = _baseline_steps(repo, work, patterns, ())
    steps["sparse_checkout_parallel"] = _baseline_steps(repo, work, patterns,
                                                        ("-c", "checkout.workers=0"))["sparse_checkout"]
    return steps


def _baseline_steps(repo: Path, work: Path, patterns: tuple[str, ...], options: tuple[str, ...]) -> dict[str, float]:
    env = {**os.environ, "GIT_CONFIG_NOSYSTEM": "1", "GIT_TERMINAL_PROMPT": "0"}
    destination = Path(tempfile.mkdtemp(dir=work, prefix="split-base-")) / "checkout"
    steps: dict[str, float] = {}
    try:
        started = time.perf_counter()
        subprocess.run(["git", "clone", "--quiet", "--depth=1", "--filter=blob:none", "--sparse", "--no-tags",
                        f"file://{repo}", str(destination)], check=True, env=env, capture_output=True)
        steps["clone"] = time.perf_counter() - started
        started = time.perf_counter()
        subprocess.run(["git", *options, "-C", str(destination), "sparse-checkout", "set", "--no-cone", "--stdin"],
                       check=True, env=env, capture_output=True, input="\n".join(patterns).encode())
        steps["sparse_checkout"] = time.perf_counter() - started
        started = time.perf_counter()
        for folder, dirs, files in os.walk(destination):
            dirs[:] = [d for d in dirs if d != ".git"]
            for name in files:
                os.stat(os.path.join(folder, name), follow_symlinks=False)
        steps["walk"] = time.perf_counter() - started
    finally:
        shutil.rmtree(destination.parent, ignore_errors=True)
    return {k: round(v, 3) for k, v in steps.items()}


def split_note(splits: list[dict[str, float]], inprocess: dict, baseline: dict[str, float], documents: int) -> str:
    """One line: what both sides pay to write the documentation, what the bus adds, what is ours."""
    parts, git = inprocess["parts"], inprocess["git"]
    bus = min((split.get("pickup", 0) + split.get("announce", 0) for split in splits), default=0.0)
    return (f"writing the {documents:,} documentation files: {git.get('checkout', 0):.2f} s in the service's "
            f"parallel git checkout, {baseline.get('sparse_checkout', 0):.2f} s in the baseline's sparse checkout "
            f"with git's defaults ({baseline.get('sparse_checkout_parallel', 0):.2f} s with the same parallel "
            f"checkout); "
            f"the bus (delivery, announce): {bus:.2f} s; the rest of the clone's git "
            f"{parts['clone'] - git.get('checkout', 0):.2f} s (every blob fetched for the sizes: "
            f"{git.get('fetch', 0):.2f} s), scan {parts['scan']:.2f} s, snapshot {parts['pack']:.2f} s")
