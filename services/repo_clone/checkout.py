"""Fetching the commit (a branch or tag shallowly, a commit by sha) and checking out only its
documentation through sparse patterns, the bytes it will write counted against MAX_REPO_BYTES
before anything is written."""
from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from shared import linear_regex

from .git_failures import classify
from .git_process import Git
from .refs import Target, ref_not_found


@dataclass(frozen=True)
class TreeFile:
    """A file of the commit as git lists it, whether or not it was written to disk."""
    path: str
    size: int  # bytes of the blob; 0 for a symlink (its target is not content)
    is_symlink: bool


# Share of the overall percentage: fetching the commit and its trees, the blobs, then writing files.
_TRANSFER_BAND = (0, 40)
_BLOBS_BAND = (40, 80)
_CHECKOUT_BAND = (80, 99)


def clone_ref(git: Git, target: Target, dest: Path) -> str:
    """Shallow clone of a branch or tag (or the default branch); returns what to check out."""
    args = ["clone", "--progress", "--depth=1", "--single-branch", "--filter=blob:none", "--no-checkout"]
    args += git.clone_transport_options()
    if target.kind != "tag":
        args.append("--no-tags")
    if target.name:
        args.append(f"--branch={target.name}")
    git.run(*args, "--", git.url, str(dest), step="clone", band=_TRANSFER_BAND)
    return "HEAD"


def fetch_commit(git: Git, target: Target, dest: Path) -> str:
    """A commit is not something `clone --branch` takes: fetch it by sha, else fetch everything."""
    git.run("init", "--quiet", "--", str(dest), step="prepare the checkout")
    git.run("remote", "add", "--", "origin", git.url, cwd=dest, step="prepare the checkout")
    for key, value in git.remote_config():
        git.run("config", "--", key, value, cwd=dest, step="prepare the checkout")
    if target.sha:
        attempt = git.attempt("fetch", "--progress", "--depth=1", "--filter=blob:none", "--no-tags",
                              "origin", target.sha, cwd=dest, band=_TRANSFER_BAND)
        if attempt.ok:
            return target.sha
        if classify(attempt.messages, git.url) not in ("ref", "other"):  # no point asking for everything
            raise git.failure("fetch", attempt.messages)
    return _fetch_everything_for(git, target, dest)


def _fetch_everything_for(git: Git, target: Target, dest: Path) -> str:
    # Not shallow: the server refused to send the commit by sha (or only a prefix was given),
    # so take the history of every branch and tag and look for it there.
    git.run("fetch", "--progress", "--filter=blob:none", "--tags", "origin", cwd=dest, step="fetch",
            band=_TRANSFER_BAND)
    found = git.attempt("rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{target.name}^{{commit}}", cwd=dest)
    if not found.ok:
        raise ref_not_found(f"{target.name}")
    return found.stdout.decode().strip()


def check_out(git: Git, dest: Path, revision: str, sparse_threshold: int,
               doc_patterns: Sequence[str]) -> tuple[CheckedOut, tuple[TreeFile, ...] | None]:
    """Writes only documentation (and symlinks, so the scan can tell where they point) to disk:
    creating and later deleting every file of a repository was most of a clone's time. Returns
    the paths of the commit's files, and the files with their sizes when they can be known (see
    CloneLimits)."""
    listing = _list_tree(git, dest, revision)
    small = len(listing) <= sparse_threshold
    blobs = [entry.oid for entry in listing if entry.kind == "blob"]
    if small and blobs:
        # One fetch of every blob the commit has: sizes without writing the files. Above the
        # threshold only documentation is downloaded, just before the checkout.
        _fetch_blobs(git, dest, blobs, _BLOBS_BAND)
    symlinks = [entry.path for entry in listing if entry.is_symlink]
    # The index first, without writing a file: the sparse patterns then mark what the checkout
    # will write, so its size is known, and refused over the cap, before anything is written.
    git.run("read-tree", "--end-of-options", revision, cwd=dest, step="list the files")
    git.run("sparse-checkout", "set", "--no-cone", "--stdin", cwd=dest, step="limit the checkout",
            stdin="".join(f"{line}\n" for line in [*doc_patterns, *exact_patterns(symlinks)]))
    by_path = {entry.path: entry for entry in listing if entry.kind == "blob"}
    written = _paths_to_write(git, dest)
    sizes = _refuse_writing_over_cap(git, dest, [by_path[path] for path in written if path in by_path])
    git.reporter.report(_CHECKOUT_BAND[0], "Checking out files")
    git.run("checkout", "--progress", "--force", revision, cwd=dest, step="check out", band=_CHECKOUT_BAND)
    git.size_guard.check()
    files = CheckedOut(by_path, set(written))
    if not small:
        return files, None
    # Every blob was fetched before the cap check, so its listing of sizes is complete.
    sizes = sizes if sizes is not None else _local_blob_sizes(git, dest)
    return files, tuple(TreeFile(entry.path, 0 if entry.is_symlink else sizes.get(entry.oid, 0), entry.is_symlink)
                        for entry in listing if entry.kind == "blob")


def _fetch_blobs(git: Git, dest: Path, oids: Sequence[str], band=None) -> None:
    # (with no refspec on stdin, fetch would take the remote's branches)
    git.run("-c", "fetch.negotiationAlgorithm=noop", "fetch", "--progress", "--no-tags",
            "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin", "origin",
            cwd=dest, step="fetch", band=band, stdin="".join(f"{oid}\n" for oid in oids))
    git.size_guard.check()


def _paths_to_write(git: Git, dest: Path) -> list[str]:
    """The index's paths the sparse patterns keep (not marked skip-worktree): what a checkout writes."""
    raw = git.run("ls-files", "-t", "-z", cwd=dest, step="list the files")
    return [os.fsdecode(record[2:]) for record in raw.split(b"\0") if record.startswith(b"H ")]


def _refuse_writing_over_cap(git: Git, dest: Path, entries: Sequence[Listed]) -> dict[str, int] | None:
    """Before a checkout writes `entries`: their blobs are fetched (a pack checked while it
    arrives), and the bytes they will take are added to what the checkout already takes; over
    MAX_REPO_BYTES, nothing is written. Exact: the checkout writes each blob's bytes as they are
    (`WRITE_BLOBS_AS_THEY_ARE`), a symlink as its target. Returns the size of every blob the
    clone holds now (None when there was nothing to write)."""
    if not entries:
        return None
    sizes = _local_blob_sizes(git, dest)
    missing = list(dict.fromkeys(entry.oid for entry in entries if entry.oid not in sizes))
    if missing:
        _fetch_blobs(git, dest, missing)
        sizes = _local_blob_sizes(git, dest)
    git.size_guard.check_adding(sum(sizes.get(entry.oid, 0) for entry in entries))
    return sizes


# In $GIT_DIR/info/attributes, which outranks the repository's own .gitattributes: no end-of-line
# conversion, filter, `$Id$` expansion or re-encoding, which could make a file larger on disk
# than its blob (a file of newlines doubles with eol=crlf, UTF-8 doubles as UTF-16).
WRITE_BLOBS_AS_THEY_ARE = "* -text -filter -ident -working-tree-encoding\n"


@dataclass
class CheckedOut:
    """The commit's files by path, and those the checkout has written."""
    by_path: dict[str, Listed]
    written: set[str]


MAX_MORE_PATHS = 2_000  # per call: git matches every pattern against every path of the index


def check_out_more(git: Git, dest: Path, files: CheckedOut, paths: Sequence[str]) -> None:
    """Adds exact paths to the sparse checkout, those the commit has and at most MAX_MORE_PATHS
    (documents name what they like), once their blobs are fetched and their size is within the cap."""
    chosen = [path for path in dict.fromkeys(paths) if path in files.by_path][:MAX_MORE_PATHS]
    patterns = exact_patterns(chosen)
    if patterns:
        _refuse_writing_over_cap(git, dest, [files.by_path[path] for path in chosen
                                             if path not in files.written and _pattern_safe(path)])
        git.run("sparse-checkout", "add", "--stdin", cwd=dest, step="check out included files",
                stdin="".join(f"{line}\n" for line in patterns))
        files.written.update(path for path in chosen if _pattern_safe(path))
        git.size_guard.check()


@dataclass(frozen=True)
class Listed:
    mode: str
    kind: str  # "blob" or "commit" (a submodule)
    oid: str
    path: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"


def _list_tree(git: Git, dest: Path, revision: str) -> list[Listed]:
    """Every entry of the commit's tree, from the trees alone (no blob is needed)."""
    raw = git.run("ls-tree", "-r", "-z", "--full-tree", revision, cwd=dest, step="list the files")
    listed = []
    for record in raw.split(b"\0"):
        if not record:
            continue
        meta, _, name = record.partition(b"\t")
        mode, kind, oid = meta.decode("ascii").split(" ")
        # Names as os.scandir gives them (bytes that are not UTF-8 as surrogates), so the scan
        # skips the same names whether it walks the disk or this listing.
        listed.append(Listed(mode, kind, oid, os.fsdecode(name)))
    return listed


def _local_blob_sizes(git: Git, dest: Path) -> dict[str, int]:
    """The size of every blob in the clone's object store; asks the remote for nothing (only
    objects already present are enumerated), unlike `ls-tree -l`, which fetches a missing blob."""
    raw = git.run("cat-file", "--batch-all-objects", "--unordered", "--batch-check=%(objecttype) %(objectname) %(objectsize)",
                  cwd=dest, step="list the files")
    sizes = {}
    for line in raw.decode("ascii").splitlines():
        kind, oid, size = line.split(" ")
        if kind == "blob":
            sizes[oid] = int(size)
    return sizes


_PATTERN_SPECIALS = linear_regex.compile(r"([\\*?\[\]!# ])")


def exact_patterns(paths: Sequence[str]) -> list[str]:
    """Sparse-checkout (gitignore-style) patterns matching exactly these paths and nothing else;
    a name that cannot be written as a pattern line (a newline in it, bytes that are not UTF-8)
    is left out."""
    return ["/" + _PATTERN_SPECIALS.sub(r"\\\1", path) for path in paths if _pattern_safe(path)]


def _pattern_safe(path: str) -> bool:
    if not path or "\n" in path or "\r" in path:
        return False
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True
