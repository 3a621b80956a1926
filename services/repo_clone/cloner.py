"""The git adapter of stage 1: learn what a ref points at, and clone a repository at a ref.

Synchronous on purpose: git runs as child processes, so the caller runs `clone` in a thread.
The URL has already been vetted by the URL policy; this module only decides *how* to talk to git.

Secrets: a token reaches git only as an HTTP header in the child's environment
(`GIT_CONFIG_*`), never in argv, a URL, the repository's config or an error message.

Where git connects: only to the addresses the URL policy checked (`PinnedHost`: curl's resolve
list for https, ssh's HostName for ssh), and never on to where a redirect points. A failure reaches
the user as a classified reason (`FailureReason`), never as git's own words: those could carry
what a server at the other end said, which turns the service into a probe of other hosts. The
service log keeps git's (scrubbed) words for the operator.
"""

from __future__ import annotations

import base64
import contextlib
import ctypes
import logging
import os
import queue
import resource
import shlex
import shutil
import signal
import subprocess
import threading
import time
from collections import deque
from collections.abc import Callable, Sequence
from functools import partial
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from shared import linear_regex
from shared.docs.formats import DOC_EXTENSIONS
from shared.repos.policy import PinnedHost, RepoUrlRejected

log = logging.getLogger(__name__)
ProgressCallback = Callable[[int, str], None]

def _any_case(extension: str) -> str:
    """`*.md` for every spelling (`README.MD`): the scanner takes extensions in any case, while
    sparse patterns are matched case-sensitively."""
    return "*." + "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in extension.lstrip("."))


# Documentation and the files that describe its navigation, at any depth (gitignore-style
# patterns without a slash match a file name in every folder): all a clone writes to disk.
DOC_SPARSE_PATTERNS: tuple[str, ...] = (
    *(_any_case(extension) for extension in DOC_EXTENSIONS),
    "mkdocs.yml", "mkdocs.yaml", "sidebars.js", "sidebars.ts", "sidebars.json", "conf.py",
)

# Limits are named by the environment variables an operator sets to change them.
MAX_REPO_BYTES = "MAX_REPO_BYTES"
CLONE_TIMEOUT_SECONDS = "CLONE_TIMEOUT_SECONDS"
ALLOWED_SSH_HOSTS = "ALLOWED_SSH_HOSTS"

# What a failed clone tells the user, by reason. None repeats anything the server said.
NOT_FOUND_MESSAGE = ("repository not found: check the URL (a private repository answers the same way "
                     "when the token is missing or cannot read it)")
ACCESS_DENIED_MESSAGE = "access denied: the repository needs a token, or the token given cannot read it"
TIMEOUT_MESSAGE = "the repository host did not answer in time: check the URL, or try again later"
REFUSED_MESSAGE = "the repository host refused the connection: check the URL and its port"
REDIRECT_MESSAGE = ("the repository URL redirects elsewhere and redirects are not followed: "
                    "give the repository's final URL")
TLS_MESSAGE = "a secure connection to the repository host failed (its certificate or TLS setup)"
UNREACHABLE_MESSAGE = "could not reach the repository host: check the URL and that the host is reachable"

PR_SET_PDEATHSIG = 1


@dataclass(frozen=True)
class CloneLimits:
    max_repo_bytes: int = 500_000_000  # the checkout on disk, .git included, and the pack while it arrives
    timeout_seconds: float = 300.0  # the whole clone, every git command together
    # Up to this many files, every blob is fetched (not written) so each file's size is known;
    # above it only documentation is fetched and the scan lists only what is checked out.
    sparse_threshold_files: int = 20_000


@dataclass(frozen=True)
class TreeFile:
    """A file of the commit as git lists it, whether or not it was written to disk."""
    path: str
    size: int  # bytes of the blob; 0 for a symlink (its target is not content)
    is_symlink: bool


@dataclass(frozen=True)
class Checkout:
    path: Path
    commit_sha: str
    # Every file of the commit (submodules aside) with its size, when the repository was small
    # enough to fetch every blob; None: only the checked-out files are known (walk the disk).
    tree: tuple[TreeFile, ...] | None = None
    # Writes more of the commit's paths into the checkout (files documentation includes);
    # fetches their blobs first when they were not fetched, under the clone's limits.
    check_out_more: Callable[[Sequence[str]], None] | None = None


class CloneFailed(Exception):
    """A clone that did not succeed; the message is meant for the user and never holds a secret."""


class CloneLimitExceeded(CloneFailed):
    def __init__(self, limit: str, allowed, actual=None):
        self.limit, self.allowed, self.actual = limit, allowed, actual
        super().__init__(_limit_message(limit, allowed, actual))


def _limit_message(limit: str, allowed, actual) -> str:
    if limit == MAX_REPO_BYTES:
        measured = f"{actual} bytes, " if actual is not None else ""
        return (f"the repository is larger than allowed ({measured}limit {limit}={allowed} bytes): "
                f"choose a smaller repository or ask the operator to raise {limit}")
    return (f"cloning took longer than allowed (limit {limit}={allowed} seconds): "
            f"try again later or ask the operator to raise {limit}")


# --------------------------------------------------------------------------------------------
# Public API
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Location:
    commit: str | None  # what resolve_commit answers
    target: _Target | None  # what `clone(located=...)` fetches without asking again; None: it asks


def locate(url: str, ref: str | None, token: str | None, timeout: float = 60,
           pin: PinnedHost | None = None) -> Location:
    """resolve_commit's answer, and what a clone that follows needs to know of the ref, from one
    listing of the remote's refs (over https each listing is a connection and a TLS handshake)."""
    git = _Git(url, token, _Deadline(timeout), pin=pin)
    if ref and _FULL_SHA.fullmatch(ref):
        proven = bool(_remote_refs(git, None))
        return Location(ref.lower() if proven else None, _Target("commit", ref, ref.lower()))
    target = _match_ref(_remote_refs(git, ref), ref)
    if target is None and ref and _SHORT_SHA.fullmatch(ref):
        target = _Target("commit", ref, None)  # as _find_target: fetched, then looked for
    return Location(target.sha if target else None, target)


def resolve_commit(url: str, ref: str | None, token: str | None, timeout: float = 60,
                   pin: PinnedHost | None = None) -> str | None:
    """The commit `ref` points at on the remote (tags peeled; HEAD when `ref` is None), without
    cloning; None when the remote has no such branch or tag.

    The remote is always asked, with the requester's credentials, so an answer is also a proof
    that they can read the repository now; it raises CloneFailed (access denied, not found...)
    when they cannot. A full sha is returned as is, but only once the remote listed its refs to
    them: None if it showed none (nothing then proves access; the caller has to clone)."""
    return locate(url, ref, token, timeout, pin).commit


def clone(
    url: str,
    ref: str | None,
    dest: Path,
    *,
    token: str | None = None,
    limits: CloneLimits = CloneLimits(),
    on_progress: ProgressCallback | None = None,
    doc_patterns: Sequence[str] = DOC_SPARSE_PATTERNS,
    pin: PinnedHost | None = None,
    located: Location | None = None,
) -> Checkout:
    """Shallow, blob-less clone of `url` at `ref` (branch, tag, commit; default branch when None)
    into the empty or missing folder `dest`, connecting only to `pin`'s addresses when given;
    `located`, `locate`'s answer for the same url and ref, spares listing the refs again.
    On any failure `dest` is left empty."""
    dest = _prepare_destination(Path(dest))
    guard = _SizeGuard(dest, limits.max_repo_bytes)
    git = _Git(url, token, _Deadline(limits.timeout_seconds), _ProgressReporter(on_progress), guard, pin)
    try:
        return _clone_into(git, ref, dest, limits.sparse_threshold_files, doc_patterns,
                           located.target if located else None)
    except BaseException:
        _empty_directory(dest)
        raise


def _clone_into(git: _Git, ref: str | None, dest: Path, sparse_threshold: int,
                doc_patterns: Sequence[str], target: _Target | None) -> Checkout:
    git.reporter.report(0, "Looking up the repository")
    target = target or _find_target(git, ref)
    revision = _fetch_commit(git, target, dest) if target.kind == "commit" else _clone_ref(git, target, dest)
    git.size_guard.check()
    attributes = dest / ".git" / "info" / "attributes"
    attributes.parent.mkdir(parents=True, exist_ok=True)
    attributes.write_text(_WRITE_BLOBS_AS_THEY_ARE)
    files, tree = _check_out(git, dest, revision, sparse_threshold, doc_patterns)
    git.size_guard.check()
    sha = git.run("rev-parse", "--verify", "HEAD^{commit}", cwd=dest, step="read the commit").decode().strip()
    git.reporter.report(100, f"Checked out {sha[:12]}")
    return Checkout(dest, sha, tree, lambda paths: _check_out_more(git, dest, files, paths))


# --------------------------------------------------------------------------------------------
# Which ref: branch, tag or commit
# --------------------------------------------------------------------------------------------

_FULL_SHA = linear_regex.compile(r"[0-9a-fA-F]{40}")
_SHORT_SHA = linear_regex.compile(r"[0-9a-fA-F]{4,39}")


@dataclass(frozen=True)
class _Target:
    kind: str  # "default" | "branch" | "tag" | "commit"
    name: str | None  # what `git clone --branch` takes, or the commit as the user wrote it
    sha: str | None  # None for an abbreviated commit, known only after a full fetch


def _find_target(git: _Git, ref: str | None) -> _Target:
    if ref and _FULL_SHA.fullmatch(ref):
        return _Target("commit", ref, ref.lower())
    target = _match_ref(_remote_refs(git, ref), ref)
    if target:
        return target
    if ref and _SHORT_SHA.fullmatch(ref):
        return _Target("commit", ref, None)
    if ref in (None, "HEAD"):
        raise CloneFailed("the repository has no default branch (is it empty?): give a branch, tag or commit")
    raise _ref_not_found(ref)


def _ref_not_found(ref: str) -> CloneFailed:
    return CloneFailed(f"branch, tag or commit '{ref}' not found in the repository")


def _candidate_refs(ref: str) -> list[tuple[str, str]]:
    """(kind, full ref name) in the order git itself prefers for `--branch`: branches, then tags."""
    if ref.startswith("refs/heads/"):
        return [("branch", ref)]
    if ref.startswith("refs/tags/"):
        return [("tag", ref)]
    if ref.startswith("refs/"):
        return [("commit", ref)]  # e.g. refs/pull/1/head: fetched by the sha it points at
    return [("branch", f"refs/heads/{ref}"), ("tag", f"refs/tags/{ref}")]


def _remote_refs(git: _Git, ref: str | None) -> dict[str, str]:
    if ref in (None, "HEAD"):
        patterns = ["HEAD"]
    else:  # the peeled "^{}" line of an annotated tag only shows when asked for by name
        patterns = [p for _, full in _candidate_refs(ref) for p in (full, full + "^{}")]
    listing = git.run("ls-remote", "--", git.url, *patterns, step="list the repository's refs").decode()
    return {name: sha for sha, _, name in (line.partition("\t") for line in listing.splitlines())}


def _match_ref(refs: dict[str, str], ref: str | None) -> _Target | None:
    if ref in (None, "HEAD"):
        return _Target("default", None, refs["HEAD"]) if "HEAD" in refs else None
    for kind, full in _candidate_refs(ref):
        sha = refs.get(full + "^{}") or refs.get(full)
        if sha:
            name = sha if kind == "commit" else full.removeprefix("refs/heads/").removeprefix("refs/tags/")
            return _Target(kind, name, sha)
    return None


# --------------------------------------------------------------------------------------------
# Steps
# --------------------------------------------------------------------------------------------

# Share of the overall percentage: fetching the commit and its trees, the blobs, then writing files.
_TRANSFER_BAND = (0, 40)
_BLOBS_BAND = (40, 80)
_CHECKOUT_BAND = (80, 99)


def _clone_ref(git: _Git, target: _Target, dest: Path) -> str:
    """Shallow clone of a branch or tag (or the default branch); returns what to check out."""
    args = ["clone", "--progress", "--depth=1", "--single-branch", "--filter=blob:none", "--no-checkout"]
    args += git.clone_transport_options()
    if target.kind != "tag":
        args.append("--no-tags")
    if target.name:
        args.append(f"--branch={target.name}")
    git.run(*args, "--", git.url, str(dest), step="clone", band=_TRANSFER_BAND)
    return "HEAD"


def _fetch_commit(git: _Git, target: _Target, dest: Path) -> str:
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


def _fetch_everything_for(git: _Git, target: _Target, dest: Path) -> str:
    # Not shallow: the server refused to send the commit by sha (or only a prefix was given),
    # so take the history of every branch and tag and look for it there.
    git.run("fetch", "--progress", "--filter=blob:none", "--tags", "origin", cwd=dest, step="fetch",
            band=_TRANSFER_BAND)
    found = git.attempt("rev-parse", "--verify", "--quiet", "--end-of-options",
                        f"{target.name}^{{commit}}", cwd=dest)
    if not found.ok:
        raise _ref_not_found(target.name)
    return found.stdout.decode().strip()


def _check_out(git: _Git, dest: Path, revision: str, sparse_threshold: int,
               doc_patterns: Sequence[str]) -> tuple[_CheckedOut, tuple[TreeFile, ...] | None]:
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
    _refuse_writing_over_cap(git, dest, [by_path[path] for path in written if path in by_path])
    git.reporter.report(_CHECKOUT_BAND[0], "Checking out files")
    git.run("checkout", "--progress", "--force", revision, cwd=dest, step="check out", band=_CHECKOUT_BAND)
    git.size_guard.check()
    files = _CheckedOut(by_path, set(written))
    if not small:
        return files, None
    sizes = _local_blob_sizes(git, dest)
    return files, tuple(TreeFile(entry.path, 0 if entry.is_symlink else sizes.get(entry.oid, 0), entry.is_symlink)
                        for entry in listing if entry.kind == "blob")


def _fetch_blobs(git: _Git, dest: Path, oids: Sequence[str], band=None) -> None:
    # (with no refspec on stdin, fetch would take the remote's branches)
    git.run("-c", "fetch.negotiationAlgorithm=noop", "fetch", "--progress", "--no-tags",
            "--no-write-fetch-head", "--recurse-submodules=no", "--filter=blob:none", "--stdin", "origin",
            cwd=dest, step="fetch", band=band, stdin="".join(f"{oid}\n" for oid in oids))
    git.size_guard.check()


def _paths_to_write(git: _Git, dest: Path) -> list[str]:
    """The index's paths the sparse patterns keep (not marked skip-worktree): what a checkout writes."""
    raw = git.run("ls-files", "-t", "-z", cwd=dest, step="list the files")
    return [os.fsdecode(record[2:]) for record in raw.split(b"\0") if record.startswith(b"H ")]


def _refuse_writing_over_cap(git: _Git, dest: Path, entries: Sequence[_Listed]) -> None:
    """Before a checkout writes `entries`: their blobs are fetched (a pack checked while it
    arrives), and the bytes they will take are added to what the checkout already takes; over
    MAX_REPO_BYTES, nothing is written. Exact: the checkout writes each blob's bytes as they are
    (`_WRITE_BLOBS_AS_THEY_ARE`), a symlink as its target."""
    if not entries:
        return
    sizes = _local_blob_sizes(git, dest)
    missing = list(dict.fromkeys(entry.oid for entry in entries if entry.oid not in sizes))
    if missing:
        _fetch_blobs(git, dest, missing)
        sizes = _local_blob_sizes(git, dest)
    git.size_guard.check_adding(sum(sizes.get(entry.oid, 0) for entry in entries))


# In $GIT_DIR/info/attributes, which outranks the repository's own .gitattributes: no end-of-line
# conversion, filter, `$Id$` expansion or re-encoding, which could make a file larger on disk
# than its blob (a file of newlines doubles with eol=crlf, UTF-8 doubles as UTF-16).
_WRITE_BLOBS_AS_THEY_ARE = "* -text -filter -ident -working-tree-encoding\n"


@dataclass
class _CheckedOut:
    """The commit's files by path, and those the checkout has written."""
    by_path: dict[str, _Listed]
    written: set[str]


MAX_MORE_PATHS = 2_000  # per call: git matches every pattern against every path of the index


def _check_out_more(git: _Git, dest: Path, files: _CheckedOut, paths: Sequence[str]) -> None:
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
class _Listed:
    mode: str
    kind: str  # "blob" or "commit" (a submodule)
    oid: str
    path: str

    @property
    def is_symlink(self) -> bool:
        return self.mode == "120000"


def _list_tree(git: _Git, dest: Path, revision: str) -> list[_Listed]:
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
        listed.append(_Listed(mode, kind, oid, os.fsdecode(name)))
    return listed


def _local_blob_sizes(git: _Git, dest: Path) -> dict[str, int]:
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


# --------------------------------------------------------------------------------------------
# Running git
# --------------------------------------------------------------------------------------------

# Local transports run upload-pack on our side, so we enable what https servers allow anyway:
# partial clone filters and wants by sha (protocol v0 needs the latter; v2 allows it already).
_LOCAL_UPLOAD_PACK = "git -c uploadpack.allowFilter=true -c uploadpack.allowAnySHA1InWant=true upload-pack"

# Variables that would change which repository git works on, what it prints (traces can dump
# headers) or which config wins over ours.
_INHERITED_ENV_TO_DROP = linear_regex.compile(
    r"GIT_CONFIG_(COUNT|KEY_\d+|VALUE_\d+|PARAMETERS)|GIT_TRACE.*|GIT_CURL_VERBOSE|GIT_DIR|GIT_WORK_TREE"
    r"|GIT_INDEX_FILE|GIT_OBJECT_DIRECTORY|GIT_ALTERNATE_OBJECT_DIRECTORIES|GIT_NAMESPACE"
)

_SIZE_POLL_SECONDS = 1.0


@dataclass(frozen=True)
class _Attempt:
    ok: bool
    stdout: bytes
    messages: list[str]  # stderr lines other than progress, newest last


class _Deadline:
    def __init__(self, seconds: float):
        self.seconds = seconds
        self._ends_at = time.monotonic() + seconds

    def remaining(self) -> float:
        return max(0.0, self._ends_at - time.monotonic())

    def exceeded(self) -> CloneLimitExceeded:
        return CloneLimitExceeded(CLONE_TIMEOUT_SECONDS, self.seconds)


class _Git:
    """Runs git commands for one URL under one deadline, reporting progress and guarding size."""

    def __init__(self, url: str, token: str | None, deadline: _Deadline,
                 reporter: _ProgressReporter | None = None, size_guard: _SizeGuard | None = None,
                 pin: PinnedHost | None = None):
        self.url = url
        self.local = _is_local(url)
        self.deadline = deadline
        self.reporter = reporter or _ProgressReporter(None)
        self.size_guard = size_guard or _SizeGuard(None, None)
        self._env = git_environment(token, self.local, pin, ssh=_is_ssh(url))
        self._scrub = _Scrubber(token)

    def clone_transport_options(self) -> list[str]:
        if not self.local:
            return []
        # --no-local: a plain path would otherwise be hard-linked, ignoring --depth and --filter.
        return ["--no-local", f"--upload-pack={_LOCAL_UPLOAD_PACK}",
                f"--config=remote.origin.uploadpack={_LOCAL_UPLOAD_PACK}"]

    def remote_config(self) -> list[tuple[str, str]]:
        return [("remote.origin.uploadpack", _LOCAL_UPLOAD_PACK)] if self.local else []

    def run(self, *args: str, step: str, cwd: Path | None = None, band=None, stdin: str | None = None) -> bytes:
        attempt = self.attempt(*args, cwd=cwd, band=band, stdin=stdin)
        if not attempt.ok:
            raise self.failure(step, attempt.messages)
        return attempt.stdout

    def failure(self, step: str, messages: list[str]) -> CloneFailed:
        """The reason, classified, for the user; git's own words only for the operator's log."""
        reason = classify(messages, self.url)
        log.warning("git could not %s (%s): %s", step, reason, self._scrub(" / ".join(messages[-5:]))[-1000:])
        return CloneFailed(_REASON_MESSAGES.get(reason) or f"git could not {step} (the service log has details)")

    def attempt(self, *args: str, cwd: Path | None = None, band=None, stdin: str | None = None) -> _Attempt:
        if self.deadline.remaining() <= 0:
            raise self.deadline.exceeded()
        with self._spawn(args, cwd, stdin) as process:
            stdout, lines = bytearray(), queue.Queue()
            readers = [_start_thread(_collect, process.stdout, stdout),
                       _start_thread(_pump_lines, process.stderr, lines)]
            try:
                _feed_stdin(process, stdin)
                messages = self._follow(lines, band)
                process.wait(timeout=self.deadline.remaining())
            except subprocess.TimeoutExpired:
                _kill_group(process)
                raise self.deadline.exceeded() from None
            except BaseException:
                _kill_group(process)
                raise
            finally:
                for reader in readers:
                    reader.join(timeout=5)
        if process.returncode == -signal.SIGXFSZ:  # the kernel stopped a file at the cap (_start_child)
            raise CloneLimitExceeded(MAX_REPO_BYTES, self.size_guard.max_bytes)
        return _Attempt(process.returncode == 0, bytes(stdout), messages)

    def _spawn(self, args: Sequence[str], cwd: Path | None, stdin: str | None) -> subprocess.Popen:
        return subprocess.Popen(
            ["git", *args], cwd=cwd, env=self._env, start_new_session=True,  # a group we can kill whole
            preexec_fn=partial(_start_child, self.size_guard.max_bytes),
            stdin=subprocess.PIPE if stdin is not None else subprocess.DEVNULL,
            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )

    def _follow(self, lines: queue.Queue, band) -> list[str]:
        """Reads stderr until git closes it: progress goes to the reporter, the rest is kept."""
        messages: deque[str] = deque(maxlen=20)
        self.reporter.band = band or (0, 0)
        next_size_check = time.monotonic() + _SIZE_POLL_SECONDS
        while True:
            try:
                line = lines.get(timeout=min(self.deadline.remaining(), _SIZE_POLL_SECONDS))
            except queue.Empty:
                line = ""
            if line is None:
                return list(messages)
            if self.deadline.remaining() <= 0:
                raise self.deadline.exceeded()
            if time.monotonic() >= next_size_check:  # catches growth git does not report (lazy fetches)
                self.size_guard.check()
                next_size_check = time.monotonic() + _SIZE_POLL_SECONDS
            if line:
                self._take_line(line, messages)

    def _take_line(self, line: str, messages: deque[str]) -> None:
        progress = _parse_progress(line)
        if progress is None:
            messages.append(line)
            return
        self.size_guard.check_received(progress.received_bytes)
        self.reporter.phase(progress)


def _start_thread(target, *args) -> threading.Thread:
    thread = threading.Thread(target=target, args=args, daemon=True)
    thread.start()
    return thread


def _collect(stream, sink: bytearray) -> None:
    for chunk in iter(lambda: stream.read1(65536), b""):
        sink.extend(chunk)


def _pump_lines(stream, sink: queue.Queue) -> None:
    """Splits stderr on \\r as well as \\n: git redraws progress lines with a carriage return."""
    pending: list[bytes] = []  # the unfinished line, chunk by chunk: a long line is joined once
    for chunk in iter(lambda: stream.read1(8192), b""):
        *complete, rest = chunk.replace(b"\r", b"\n").split(b"\n")
        if complete:
            complete[0] = b"".join([*pending, complete[0]])
            pending = []
        for raw in complete:
            if raw.strip():
                sink.put(raw.decode("utf-8", "replace").strip())
        pending.append(rest)
    line = b"".join(pending)
    if line.strip():
        sink.put(line.decode("utf-8", "replace").strip())
    sink.put(None)


def _start_child(max_file_bytes: int | None) -> None:
    """Runs in the child before exec: if the service is killed, git is killed too (Linux), rather
    than writing on into a checkout nobody owns; and no file git writes (a pack while it arrives, a
    lazily fetched blob) grows past the checkout's cap: the kernel stops the write there, where the
    size checks that follow git's progress would only see it afterwards."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    except (OSError, AttributeError):  # not Linux: the start-up sweep still removes the checkout
        pass
    if max_file_bytes is not None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_file_bytes, max_file_bytes))


def _feed_stdin(process: subprocess.Popen, text: str | None) -> None:
    if text is not None:  # git's stdout and stderr are drained by threads meanwhile: no deadlock
        with contextlib.suppress(BrokenPipeError):
            process.stdin.write(text.encode())
        process.stdin.close()


def _kill_group(process: subprocess.Popen) -> None:
    # git spawns helpers (remote-https, upload-pack, ssh, lazy fetches): kill them all.
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def refuse_ssh_unless_allowed(url: str, allowed_hosts: frozenset[str], host: str | None = None) -> None:
    """An ssh URL is cloned only from a host the operator listed: ssh signs in with the service's
    own keys (its agent, ~/.ssh), which may read repositories the requester may not. Called before
    the URL's host is looked up (with none listed, any ssh URL fails at once) and with its host."""
    if not _is_ssh(url):
        return
    if not allowed_hosts:
        raise RepoUrlRejected(f"ssh repository URLs are not accepted here ({ALLOWED_SSH_HOSTS} lists no host): "
                              "use the repository's https:// URL, with a token for a private one")
    if host is not None and host.lower().rstrip(".") not in allowed_hosts:
        raise RepoUrlRejected(f"ssh clones from {host} are not allowed (not in {ALLOWED_SSH_HOSTS}): "
                              "use the repository's https:// URL, or ask the operator to add the host")


def _is_ssh(url: str) -> bool:
    return url.lower().startswith("ssh://") or not (_is_local(url) or "://" in url)


def _is_local(url: str) -> bool:
    if url.startswith("file://"):
        return True
    # "host:path" (scp-like ssh) has a colon before any slash; a local path does not.
    return "://" not in url and not linear_regex.match(r"[^/]*:", url)


def git_environment(token: str | None, local: bool, pin: PinnedHost | None = None,
                    ssh: bool = False) -> dict[str, str]:
    """The environment every git child gets: no prompts, no stored credentials, no redirects,
    the token as a header, and the checked addresses as the only ones to connect to."""
    env = {k: v for k, v in os.environ.items() if not _INHERITED_ENV_TO_DROP.fullmatch(k)}
    env.update(
        GIT_TERMINAL_PROMPT="0",  # fail instead of waiting for a password nobody will type
        GIT_ASKPASS=shutil.which("true") or "/bin/true",
        GIT_ALLOW_PROTOCOL="https:ssh:file" if local else "https:ssh",
        GIT_LFS_SKIP_SMUDGE="1",  # large binaries behind LFS are not documentation
    )
    env["GIT_SSH_COMMAND"] = _ssh_command(env.get("GIT_SSH_COMMAND") or "ssh -o BatchMode=yes",
                                          pin if ssh else None)
    # An empty helper resets the list: the operator's stored credentials must never serve a user.
    # A redirect would lead to a host nobody checked.
    config = [("credential.helper", ""), ("http.followRedirects", "false")]
    if token:
        config.append(("http.extraHeader", _authorization_header(token)))
    if pin is not None and not ssh:
        config.append(("http.curloptResolve", curl_resolve_entry(pin)))
    if local:
        config.append(("protocol.file.allow", "always"))
    env["GIT_CONFIG_COUNT"] = str(len(config))
    for index, (key, value) in enumerate(config):
        env[f"GIT_CONFIG_KEY_{index}"], env[f"GIT_CONFIG_VALUE_{index}"] = key, value
    return env


def curl_resolve_entry(pin: PinnedHost) -> str:
    """curl's `host:port:address[,address]`: the name keeps serving TLS (SNI, certificate check)
    while the connection goes to the checked addresses only."""
    addresses = ",".join(f"[{a}]" if ":" in a else a for a in pin.addresses)
    return f"{pin.host}:{pin.port}:{addresses}"


def _ssh_command(base: str, pin: PinnedHost | None) -> str:
    """ssh connects to the checked address; the host key is still looked up under the name."""
    if pin is None:
        return base
    alias = pin.host if pin.port == 22 else f"[{pin.host}]:{pin.port}"
    return (f"{base} -o HostName={shlex.quote(pin.addresses[0])} -o HostKeyAlias={shlex.quote(alias)}"
            " -o CheckHostIP=no")


def _authorization_header(token: str) -> str:
    # The user name GitHub documents for tokens; GitLab accepts any name with a token password.
    return "Authorization: Basic " + _b64(f"x-access-token:{token}")


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class _Scrubber:
    """Removes every spelling of the token git could echo back."""

    def __init__(self, token: str | None):
        spellings = {token, _b64(f"x-access-token:{token}"), _b64(token), quote(token, safe="")} if token else set()
        self._secrets = sorted((s for s in spellings if s), key=len, reverse=True)

    def __call__(self, text: str) -> str:
        for secret in self._secrets:
            text = text.replace(secret, "***")
        return linear_regex.sub(r"(?i)(authorization:\s*)\S+(\s+\S+)?", r"\1***", text)


# The signs of each reason in git's (and curl's, and ssh's) messages, lower-cased, checked in
# this order: the first reason with a sign in the messages wins.
_SIGNS: tuple[tuple[str, tuple[str, ...]], ...] = (
    # The server will not give that ref or object; some servers add an access hint to these.
    ("ref", ("not our ref", "unadvertised object", "couldn't find remote ref", "no such remote ref",
             "not found in upstream")),
    ("redirect", ("returned error: 301", "returned error: 302", "returned error: 303",
                  "returned error: 307", "returned error: 308", "redirection")),
    ("timeout", ("timed out", "timeout")),
    ("unreachable", ("could not resolve host", "could not resolve hostname", "network is unreachable",
                     "no route to host")),
    ("refused", ("connection refused", "couldn't connect", "failed to connect")),
    ("not found", ("repository not found", "returned error: 404", "does not appear to be a git repository",
                   "' not found", "no such repository")),
    ("access denied", ("authentication failed", "could not read username", "could not read password",
                       "terminal prompts disabled", "permission denied", "access denied",
                       "returned error: 401", "returned error: 403", "host key verification failed")),
    ("tls", ("ssl", "tls", "certificate")),
    ("unreachable", ("connection reset", "unable to access", "could not read from remote repository")),
)

_REASON_MESSAGES = {
    "not found": NOT_FOUND_MESSAGE, "access denied": ACCESS_DENIED_MESSAGE, "timeout": TIMEOUT_MESSAGE,
    "refused": REFUSED_MESSAGE, "redirect": REDIRECT_MESSAGE, "tls": TLS_MESSAGE,
    "unreachable": UNREACHABLE_MESSAGE,
}


def classify(messages: list[str], url: str = "") -> str:
    """Why git failed: "ref" (the server will not give that ref or object), one of the reasons of
    `_REASON_MESSAGES`, or "other". The URL is taken out first: its words are the user's."""
    text = " ".join(messages)
    if url:
        text = text.replace(url, "<url>")
    text = text.lower()
    for reason, signs in _SIGNS:
        if any(sign in text for sign in signs):
            return reason
    return "other"


# --------------------------------------------------------------------------------------------
# Progress and size
# --------------------------------------------------------------------------------------------

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
class _Progress:
    phase: str
    percent: int
    received_bytes: int | None


def _parse_progress(line: str) -> _Progress | None:
    match = _PROGRESS_LINE.fullmatch(line)
    if not match:
        return None
    size = _TRANSFERRED.search(match["rest"])
    received = int(float(size["amount"]) * _UNIT_BYTES[size["unit"]]) if size else None
    return _Progress(match["phase"], min(int(match["percent"]), 100), received)


class _ProgressReporter:
    """Turns git's per-phase percentages into one percentage that never goes backwards."""

    def __init__(self, callback: ProgressCallback | None):
        self._callback = callback
        self._last: tuple[int, str] | None = None  # (overall percent, phase) last reported
        self._percent = 0
        self.band = (0, 0)

    def phase(self, progress: _Progress) -> None:
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


class _SizeGuard:
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
            size = _disk_usage(self._path) + more
            if size > self._max:
                raise CloneLimitExceeded(MAX_REPO_BYTES, self._max, size)


def _disk_usage(path: Path) -> int:
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


# --------------------------------------------------------------------------------------------
# Destination folder
# --------------------------------------------------------------------------------------------

def _prepare_destination(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    if any(dest.iterdir()):
        raise ValueError(f"clone destination {dest} is not empty")
    return dest


def _empty_directory(path: Path) -> None:
    for entry in path.iterdir():
        if entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
        else:
            entry.unlink(missing_ok=True)
