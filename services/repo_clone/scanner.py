"""Scans a checkout: which files are documentation, which could serve as the course overview, and
the order the repository's own navigation gives them.

The walk never follows a symlink (a symlink is listed, with a note, and never read through),
never enters `.git` or vendored/dependency/build folders, and reads only regular files with a
documentation extension, each at most once and only up to the size cap.
"""
from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from .navigation import navigation
from .reading_order import inferred_order
from shared.repos.globs import PathScope
from .textfiles import (
    decode_text, detect_encoding, looks_binary, notebook_problem, read_regular_file, reading_each_file_once,
)

from shared.docs.formats import is_document
from shared.text import clean_text

__all__ = ["SKIPPED_FOLDERS", "ScanLimitExceeded", "ScanResult", "ScannedFile", "scan"]

SKIPPED_FOLDERS = frozenset({".git", "node_modules", "vendor", "third_party", ".venv", "venv",
                             "__pycache__", "dist", "build", "site-packages", ".tox",
                             "bower_components", "target"})
OVERVIEW_NAMES = frozenset({"readme", "index"})
PROGRESS_EVERY = 500
OUTSIDE_SYMLINK_NOTE = "symlink outside the checkout"
INSIDE_SYMLINK_NOTE = "symlink (not followed)"
# Real documentation is a few levels deep; a tree nested hundreds of levels is built to break
# recursive walkers, and is refused naming this limit.
MAX_FOLDER_DEPTH = 100
_LIMIT_MESSAGES = {"MAX_REPO_FILES": "the repository has more than {allowed} files",
                   "MAX_FOLDER_DEPTH": "the repository has folders nested more than {allowed} deep"}


@dataclass(frozen=True)
class ScannedFile:
    path: str  # posix, relative to the checkout root
    size: int
    is_documentation: bool
    is_overview_candidate: bool
    encoding: str | None = None  # the codec that decodes a documentation file; None otherwise
    note: str | None = None  # why a documentation-looking file is not documentation
    inferred_rank: int | None = None  # a document no navigation lists: its rank in the inferred order
    navigation_section: str | None = None  # the title of the navigation's section listing it


@dataclass(frozen=True)
class ScanResult:
    files: list[ScannedFile]  # sorted by path; non-documentation files too
    folders: list[str]  # every folder holding a file, directly or deeper; "" excluded; sorted
    navigation: list[str]  # documentation paths in the repository's own navigation order
    total_bytes: int
    navigation_sources: list[str] = field(default_factory=list)  # the files that order was read from


class ScanLimitExceeded(Exception):
    """The checkout is larger than a configured limit allows; the message names the limit."""

    def __init__(self, limit: str, allowed: int, actual: int):
        message = _LIMIT_MESSAGES.get(limit, "the repository has more than {allowed} items")
        super().__init__(f"{message.format(allowed=allowed)} (limit {limit}={allowed})")
        self.limit, self.allowed, self.actual = limit, allowed, actual


@dataclass(frozen=True)
class _Entry:
    path: str
    size: int
    is_symlink: bool


class ListedFile(Protocol):
    """A file the repository holds, as its version control lists it (cloner.TreeFile)."""
    path: str
    size: int
    is_symlink: bool


def scan(root: Path, *, include: Iterable[str] | None = (), exclude: Iterable[str] | None = (),
         max_file_bytes: int = 2_000_000, max_files: int = 100_000, max_depth: int = MAX_FOLDER_DEPTH,
         on_progress: Callable[[int, int], None] | None = None,
         listing: Iterable[ListedFile] | None = None) -> ScanResult:
    """Scan the checkout at `root`; raise ScanLimitExceeded past `max_files` files in scope or
    folders nested deeper than `max_depth`. With `listing`, the files are those listed (a clone
    writes only documentation to disk) under the same rules as a walk; documentation is still
    read from `root`."""
    with reading_each_file_once():
        return _scan(Path(os.path.realpath(root)), PathScope(include, exclude), max_file_bytes, max_files,
                     max_depth, on_progress, listing)


def _scan(real_root: Path, scope: PathScope, max_file_bytes: int, max_files: int, max_depth: int,
          on_progress: Callable[[int, int], None] | None, listing: Iterable[ListedFile] | None) -> ScanResult:
    if listing is None:
        entries = _Walk(real_root, scope, max_files, max_depth).run()
    else:
        entries = _Listing(scope, max_files, max_depth).run(listing)
    files = _classify_all(real_root, entries, max_file_bytes, on_progress)
    found = navigation(real_root, {f.path for f in files if f.is_documentation})
    # A navigation file (SUMMARY.md, _sidebar.md, nav.adoc) gives the order and is no page to read.
    files = [replace(f, is_documentation=False) if f.path in found.navigation_files else f for f in files]
    listed = set(found.order)
    files = [replace(f, navigation_section=found.sections[f.path]) if f.path in found.sections else f
             for f in files]
    files = _mark_overview_candidates(files, listed)
    files = _rank_unlisted(real_root, files, listed)
    return ScanResult(files=files, folders=_folders_of(files), navigation=found.order,
                      total_bytes=sum(f.size for f in files), navigation_sources=list(found.sources))


class _Walk:
    """Lists the files in scope, depth-first, without following symlinks."""

    def __init__(self, root: Path, scope: PathScope, max_files: int, max_depth: int):
        self.root, self.scope, self.max_files, self.max_depth = root, scope, max_files, max_depth
        self.entries: list[_Entry] = []
        self.pending: list[tuple[str, bool]] = [("", scope.includes_everything)]

    def run(self) -> list[_Entry]:
        while self.pending:
            self._visit_folder(*self.pending.pop())
        return sorted(self.entries, key=lambda entry: entry.path)

    def _visit_folder(self, folder: str, folder_included: bool) -> None:
        try:
            with os.scandir(self.root / folder) as listing:
                items = list(listing)
        except OSError:
            return  # an unreadable folder is left out rather than failing the whole scan
        for item in items:
            self._visit(item, f"{folder}/{item.name}" if folder else item.name, folder_included)

    def _visit(self, item: os.DirEntry, path: str, folder_included: bool) -> None:
        if item.name == ".git" or not _is_utf8(item.name):
            return  # a submodule's .git file; a name that could not travel in a JSON event
        if item.is_symlink():
            self._add(path, 0, True, folder_included)
        elif item.is_dir(follow_symlinks=False):
            if item.name not in SKIPPED_FOLDERS and not self.scope.is_excluded(path):
                if path.count("/") >= self.max_depth:
                    raise ScanLimitExceeded("MAX_FOLDER_DEPTH", self.max_depth, path.count("/") + 1)
                self.pending.append((path, self.scope.is_included(path, folder_included)))
        elif item.is_file(follow_symlinks=False):
            self._add(path, _size_of(item), False, folder_included)
        # Sockets, FIFOs and devices are never listed: reading a FIFO would block the scan.

    def _add(self, path: str, size: int, is_symlink: bool, folder_included: bool) -> None:
        if not self.scope.is_included(path, folder_included) or self.scope.is_excluded(path):
            return
        self.entries.append(_Entry(path, size, is_symlink))
        if len(self.entries) > self.max_files:
            raise ScanLimitExceeded("MAX_REPO_FILES", self.max_files, len(self.entries))


class _Listing:
    """The files of a listing that a walk would find: the same folders skipped, the same scope,
    names and limits (a listing holds no folders, so each folder is judged once, on first sight)."""

    def __init__(self, scope: PathScope, max_files: int, max_depth: int):
        self.scope, self.max_files, self.max_depth = scope, max_files, max_depth
        self._folders: dict[str, bool | None] = {"": scope.includes_everything}  # None: not walked

    def run(self, listing: Iterable[ListedFile]) -> list[_Entry]:
        entries = []
        for file in listing:
            folder, _, name = file.path.rpartition("/")
            included = self._folder(folder)
            if included is None or name == ".git" or not _is_utf8(name):
                continue
            if not self.scope.is_included(file.path, included) or self.scope.is_excluded(file.path):
                continue
            entries.append(_Entry(file.path, 0 if file.is_symlink else file.size, file.is_symlink))
            if len(entries) > self.max_files:
                raise ScanLimitExceeded("MAX_REPO_FILES", self.max_files, len(entries))
        return sorted(entries, key=lambda entry: entry.path)

    def _folder(self, folder: str) -> bool | None:
        """Whether the walk enters `folder` (None: it does not) and, if so, whether it is included.
        Judged from the outermost folder not yet seen inwards, in a loop: no recursion however deep."""
        unseen = []
        while folder not in self._folders:
            unseen.append(folder)
            folder = folder.rpartition("/")[0]
        verdict = self._folders[folder]
        for folder in reversed(unseen):
            verdict = self._judge(folder, verdict)
            self._folders[folder] = verdict
        return verdict

    def _judge(self, folder: str, outer: bool | None) -> bool | None:
        name = folder.rpartition("/")[2]
        if outer is None or name == ".git" or not _is_utf8(name) or name in SKIPPED_FOLDERS \
                or self.scope.is_excluded(folder):
            return None
        if folder.count("/") >= self.max_depth:
            raise ScanLimitExceeded("MAX_FOLDER_DEPTH", self.max_depth, folder.count("/") + 1)
        return self.scope.is_included(folder, outer)


def _is_utf8(name: str) -> bool:
    # os.scandir turns bytes that are not UTF-8 into lone surrogates, which JSON cannot encode;
    # control characters (a NUL) cannot be stored by PostgreSQL. Such names are skipped.
    try:
        clean_text(name)
    except ValueError:
        return False
    return True


def _size_of(item: os.DirEntry) -> int:
    try:
        return item.stat(follow_symlinks=False).st_size
    except OSError:
        return 0  # vanished since listed; reading it later reports it as unreadable


def _classify_all(root: Path, entries: list[_Entry], max_file_bytes: int,
                  on_progress: Callable[[int, int], None] | None) -> list[ScannedFile]:
    files = []
    for done, entry in enumerate(entries, start=1):
        files.append(_classify(root, entry, max_file_bytes))
        if on_progress and (done % PROGRESS_EVERY == 0 or done == len(entries)):
            on_progress(done, len(entries))
    if on_progress and not entries:
        on_progress(0, 0)
    return files


def _classify(root: Path, entry: _Entry, max_file_bytes: int) -> ScannedFile:
    if entry.is_symlink:
        return ScannedFile(entry.path, 0, False, False, note=_symlink_note(root, entry.path))
    if not is_document(entry.path):
        return ScannedFile(entry.path, entry.size, False, False)
    if entry.size > max_file_bytes:
        return ScannedFile(entry.path, entry.size, False, False, note=_size_cap_note(max_file_bytes))
    encoding, note = _inspect_document(root / entry.path, max_file_bytes)
    return ScannedFile(entry.path, entry.size, note is None, False, encoding, note)


def _symlink_note(root: Path, path: str) -> str:
    target = os.path.realpath(root / path)  # reads link text only, never the target's content
    inside = target == str(root) or target.startswith(str(root) + os.sep)
    return INSIDE_SYMLINK_NOTE if inside else OUTSIDE_SYMLINK_NOTE


def _size_cap_note(max_file_bytes: int) -> str:
    if max_file_bytes >= 1_000_000:
        return f"over {max_file_bytes / 1_000_000:g} MB size cap"
    return f"over {max_file_bytes} bytes size cap"


def _inspect_document(path: Path, max_file_bytes: int) -> tuple[str | None, str | None]:
    """(encoding, None) for a readable documentation file, else (None, why it is not one)."""
    try:
        data = read_regular_file(path, max_file_bytes)
    except OSError as exc:
        return None, f"unreadable ({exc.strerror or exc})"
    if len(data) > max_file_bytes:  # grew since it was listed
        return None, _size_cap_note(max_file_bytes)
    if looks_binary(data):
        return None, "binary content"
    encoding = detect_encoding(data)
    note = _content_note(decode_text(data, encoding), is_notebook_file=path.suffix.lower() == ".ipynb")
    return (None, note) if note else (encoding, None)


def _content_note(text: str, is_notebook_file: bool) -> str | None:
    if not text.strip():
        return "empty file"
    return notebook_problem(text) if is_notebook_file else None


def _mark_overview_candidates(files: list[ScannedFile], navigation: set[str]) -> list[ScannedFile]:
    return [replace(f, is_overview_candidate=True) if _is_overview_candidate(f, navigation) else f
            for f in files]


def _is_overview_candidate(file: ScannedFile, navigation: set[str]) -> bool:
    if not file.is_documentation:
        return False
    name = posixpath.basename(file.path).lower()
    return name.split(".")[0] in OVERVIEW_NAMES or name == "summary.md" or file.path in navigation


def _rank_unlisted(root: Path, files: list[ScannedFile], navigation: set[str]) -> list[ScannedFile]:
    ranks = inferred_order(root, {f.path for f in files if f.is_documentation}, navigation)
    return [replace(f, inferred_rank=ranks[f.path]) if f.path in ranks else f for f in files]


def _folders_of(files: list[ScannedFile]) -> list[str]:
    folders: set[str] = set()
    for file in files:
        folder = posixpath.dirname(file.path)
        while folder and folder not in folders:
            folders.add(folder)
            folder = posixpath.dirname(folder)
    return sorted(folders)
