"""What git says of its progress, made one percentage that never goes backwards, and the guard that
keeps the checkout under MAX_REPO_BYTES (a pack while it arrives, the files on disk)."""
from __future__ import annotations

import contextlib
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from shared import linear_regex

from .git_failures import MAX_REPO_BYTES, CloneLimitExceeded

ProgressCallback = Callable[[int, str], None]

_PROGRESS_LINE = linear_regex.compile(r"(?:remote:\s*)?(?P<phase>[A-Z][A-Za-z ]+?):\s+"
                                      r"(?P<percent>\d{1,3})%(?P<rest>.*)")
_TRANSFERRED = linear_regex.compile(r"(?P<amount>\d+(?:\.\d+)?) (?P<unit>bytes|KiB|MiB|GiB|TiB)")
_UNIT_BYTES = {"bytes": 1, "KiB": 1 << 10, "MiB": 1 << 20, "GiB": 1 << 30, "TiB": 1 << 40}

# Where each of git's phases sits inside a command's band, in percent of the band. Fetches show
# the first five; a checkout shows only "Updating files" (its lazy blob fetch prints nothing).
_PHASE_SPANS = {
    "Enumerating objects": (0, 2), "Counting objects": (2, 5), "Compressing objects": (5, 10),
    "Receiving objects": (10, 85), "Resolving deltas": (85, 100), "Updating files": (0, 100),
}


@dataclass(frozen=True)
class Progress:
    phase: str
    percent: int
    received_bytes: int | None


def parse_progress(line: str) -> Progress | None:
    match = _PROGRESS_LINE.fullmatch(line)
    if not match:
        return None
    size = _TRANSFERRED.search(match["rest"])
    received = int(float(size["amount"]) * _UNIT_BYTES[size["unit"]]) if size else None
    return Progress(match["phase"], min(int(match["percent"]), 100), received)


class ProgressReporter:
    """Turns git's per-phase percentages into one percentage that never goes backwards."""

    def __init__(self, callback: ProgressCallback | None):
        self._callback = callback
        self._last: tuple[int, str] | None = None  # (overall percent, phase) last reported
        self._percent = 0
        self.band = (0, 0)

    def phase(self, progress: Progress) -> None:
        low, high = self.band
        span_low, span_high = _PHASE_SPANS.get(progress.phase, (0, 0))
        within = span_low + (span_high - span_low) * progress.percent / 100
        overall = int(low + (high - low) * within / 100)
        self.report(overall, f"{progress.phase} {progress.percent}%", phase=progress.phase)

    def report(self, percent: int, step: str, phase: str | None = None) -> None:
        """Calls back when the overall percentage moves or a new phase starts, not for every
        redraw of git's own counter: each call may become an event."""
        percent = max(self._percent, percent)
        marker = (percent, phase or step)
        if marker == self._last:
            return
        self._percent, self._last = percent, marker
        if self._callback:
            self._callback(percent, step)


class SizeGuard:
    def __init__(self, path: Path | None, max_bytes: int | None):
        self._path, self._max = path, max_bytes

    @property
    def max_bytes(self) -> int | None:
        return self._max

    def check_received(self, received: int | None) -> None:
        if self._max is not None and received is not None and received > self._max:
            raise CloneLimitExceeded(MAX_REPO_BYTES, self._max, received)

    def check(self) -> None:
        self.check_adding(0)

    def check_adding(self, more: int) -> None:
        """Raises if the checkout, with `more` bytes written to it, would be over the cap."""
        if self._path is not None and self._max is not None:
            size = disk_usage(self._path) + more
            if size > self._max:
                raise CloneLimitExceeded(MAX_REPO_BYTES, self._max, size)


def disk_usage(path: Path) -> int:
    """Bytes of every file under `path`, .git included; symlinks counted as links, not followed.
    A loop, not recursion: a tree 1,000 folders deep must be measured, not raise RecursionError."""
    total, pending = 0, [path]
    while pending:
        with contextlib.suppress(FileNotFoundError):
            with os.scandir(pending.pop()) as entries:
                for entry in entries:
                    with contextlib.suppress(FileNotFoundError):  # git renames temporary files as we look
                        if entry.is_dir(follow_symlinks=False):
                            pending.append(Path(entry.path))
                        else:
                            total += entry.stat(follow_symlinks=False).st_size
    return total
