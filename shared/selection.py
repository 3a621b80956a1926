"""What stage 1 left for the later stages, folded from a course's events: the files of the scan
that succeeded, its snapshot, and the folders the user selected on it. Pure; used by the gateway
to decide commands and by the stage services to rebuild their input."""
from __future__ import annotations

from bisect import bisect_right
from dataclasses import dataclass, field
from typing import Iterable

from shared.events import Event
from shared.events.catalogue import DiscoveredFile, FoldersSelected, RepoCloned, RepoFilesDiscovered
from shared.stage.runs import SUCCESS, fold_runs

ROOT = "."


@dataclass(frozen=True)
class ScanResult:
    clone_task_id: str
    cloned: RepoCloned
    files: tuple[DiscoveredFile, ...]
    selection: FoldersSelected | None = None

    @property
    def snapshot_ref(self) -> str:
        return self.cloned.payload.snapshot_ref

    def selected_documents(self) -> list[str]:
        """Documentation files under a selected folder (recursively), plus the overview document,
        in the repository's navigation order first, then by path."""
        if self.selection is None:
            return []
        return documents_in(self.files, self.selection.payload.selected_folders,
                            self.selection.payload.overview_document)

    def navigation(self) -> list[str]:
        indexed = [f for f in self.files if f.navigation_index is not None]
        return [f.path for f in sorted(indexed, key=lambda f: (f.navigation_index, f.path))]


class FolderSet:
    """Selected folders, answering "is this path inside one of them (at any depth)?" in
    O(log folders) per path, so checking every document against a selection is linear, not
    documents × folders (5,000 × 20,000 blocked the gateway's event loop for ~37 s).

    The folders are kept as sorted "<folder>/" prefixes with those inside another one dropped.
    In such a prefix-free sorted list, the only candidate for a path is the greatest prefix not
    after it: a kept prefix lying between a prefix P of the path and the path itself would start
    with P, and would have been dropped."""

    def __init__(self, folders: Iterable[str]) -> None:
        folders = set(folders)
        self._everything = ROOT in folders
        self._prefixes: list[str] = []
        for prefix in sorted(folder.rstrip("/") + "/" for folder in folders if folder != ROOT):
            if not (self._prefixes and prefix.startswith(self._prefixes[-1])):
                self._prefixes.append(prefix)

    def holds(self, path: str) -> bool:
        if self._everything:
            return True
        at = bisect_right(self._prefixes, path)
        return at > 0 and path.startswith(self._prefixes[at - 1])


def documents_in(files: Iterable[DiscoveredFile], folders: Iterable[str], overview: str | None) -> list[str]:
    selection = FolderSet(folders)
    chosen = [f for f in files if f.is_documentation and (f.path == overview or selection.holds(f.path))]
    chosen.sort(key=lambda f: (f.navigation_index is None, f.navigation_index or 0, f.path))
    return [f.path for f in chosen]


@dataclass
class _Fold:
    files: dict[str, dict[str, DiscoveredFile]] = field(default_factory=dict)
    cloned: dict[str, RepoCloned] = field(default_factory=dict)
    selection: FoldersSelected | None = None
    selection_task: str | None = None
    last_cloned_task: str | None = None


def scan_result(events: Iterable[Event]) -> ScanResult | None:
    """The current successful stage 1 run and the selection made on it, or None."""
    events = list(events)
    run = fold_runs(events).get("stage1")
    if run is None or run.status != SUCCESS:
        return None
    acc = _Fold()
    for event in events:
        _collect(acc, event)
    cloned = acc.cloned.get(run.task_id)
    if cloned is None:
        return None
    selection = acc.selection if acc.selection_task == run.task_id else None
    return ScanResult(run.task_id, cloned, tuple(acc.files.get(run.task_id, {}).values()), selection)


def _collect(acc: _Fold, event: Event) -> None:
    if isinstance(event, RepoFilesDiscovered):
        # keyed by path: a chunk repeated beyond the duplicate window adds nothing
        acc.files.setdefault(event.payload.task_id, {}).update((f.path, f) for f in event.payload.files)
    elif isinstance(event, RepoCloned):
        acc.cloned[event.payload.task_id] = event
        acc.last_cloned_task = event.payload.task_id
        acc.selection = None  # a selection made on an older scan is void
    elif isinstance(event, FoldersSelected):
        acc.selection, acc.selection_task = event, acc.last_cloned_task
