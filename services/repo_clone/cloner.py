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

By job: refs.py (which commit a ref names), checkout.py (fetching it and writing its documentation),
git_process.py (running git: environment, deadline, stderr), git_progress.py (progress, the size
guard), git_failures.py (the limits and the reasons a user is told); this module joins them.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from shared.docs.formats import DOC_EXTENSIONS
from shared.repos.policy import PinnedHost

from .checkout import WRITE_BLOBS_AS_THEY_ARE, TreeFile, check_out, check_out_more, clone_ref, fetch_commit
from .git_process import Deadline, Git
from .git_progress import ProgressCallback, ProgressReporter, SizeGuard
from .navigation import NAVIGATION_FILE_PATTERNS
from .refs import FULL_SHA, SHORT_SHA, Target, find_target, match_ref, remote_refs


def _any_case(extension: str) -> str:
    """`*.md` for every spelling (`README.MD`): the scanner takes extensions in any case, while
    sparse patterns are matched case-sensitively."""
    return "*." + "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in extension.lstrip("."))


# Documentation and the files that describe its navigation, at any depth (gitignore-style
# patterns without a slash match a file name in every folder): all a clone writes to disk. Each
# navigation reader declares the files it reads (services/repo_clone/navigation/).
DOC_SPARSE_PATTERNS: tuple[str, ...] = (
    *(_any_case(extension) for extension in DOC_EXTENSIONS), *NAVIGATION_FILE_PATTERNS,
)


@dataclass(frozen=True)
class CloneLimits:
    max_repo_bytes: int = 500_000_000  # the checkout on disk, .git included, and the pack while it arrives
    timeout_seconds: float = 300.0  # the whole clone, every git command together
    # Up to this many files, every blob is fetched (not written) so each file's size is known;
    # above it only documentation is fetched and the scan lists only what is checked out.
    sparse_threshold_files: int = 20_000


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


@dataclass(frozen=True)
class Location:
    commit: str | None  # what resolve_commit answers
    target: Target | None  # what `clone(located=...)` fetches without asking again; None: it asks


def locate(url: str, ref: str | None, token: str | None, timeout: float = 60,
           pin: PinnedHost | None = None) -> Location:
    """resolve_commit's answer, and what a clone that follows needs to know of the ref, from one
    listing of the remote's refs (over https each listing is a connection and a TLS handshake)."""
    git = Git(url, token, Deadline(timeout), pin=pin)
    if ref and FULL_SHA.fullmatch(ref):
        proven = bool(remote_refs(git, None))
        return Location(ref.lower() if proven else None, Target("commit", ref, ref.lower()))
    target = match_ref(remote_refs(git, ref), ref)
    if target is None and ref and SHORT_SHA.fullmatch(ref):
        target = Target("commit", ref, None)  # as find_target: fetched, then looked for
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
    guard = SizeGuard(dest, limits.max_repo_bytes)
    git = Git(url, token, Deadline(limits.timeout_seconds), ProgressReporter(on_progress), guard, pin)
    try:
        return _clone_into(git, ref, dest, limits.sparse_threshold_files, doc_patterns,
                           located.target if located else None)
    except BaseException:
        _empty_directory(dest)
        raise


def _clone_into(git: Git, ref: str | None, dest: Path, sparse_threshold: int,
                doc_patterns: Sequence[str], target: Target | None) -> Checkout:
    git.reporter.report(0, "Looking up the repository")
    target = target or find_target(git, ref)
    revision = fetch_commit(git, target, dest) if target.kind == "commit" else clone_ref(git, target, dest)
    git.size_guard.check()
    attributes = dest / ".git" / "info" / "attributes"
    attributes.parent.mkdir(parents=True, exist_ok=True)
    attributes.write_text(WRITE_BLOBS_AS_THEY_ARE)
    files, tree = check_out(git, dest, revision, sparse_threshold, doc_patterns)
    git.size_guard.check()
    sha = git.run("rev-parse", "--verify", "HEAD^{commit}", cwd=dest, step="read the commit").decode().strip()
    git.reporter.report(100, f"Checked out {sha[:12]}")
    return Checkout(dest, sha, tree, lambda paths: check_out_more(git, dest, files, paths))


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
