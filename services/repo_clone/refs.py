"""Which commit a ref names on the remote: a branch, a tag (peeled) or a commit, from one `git ls-remote`."""
from __future__ import annotations

from dataclasses import dataclass

from shared import linear_regex

from .git_failures import CloneFailed
from .git_process import Git

FULL_SHA = linear_regex.compile(r"[0-9a-fA-F]{40}")
SHORT_SHA = linear_regex.compile(r"[0-9a-fA-F]{4,39}")


@dataclass(frozen=True)
class Target:
    kind: str  # "default" | "branch" | "tag" | "commit"
    name: str | None  # what `git clone --branch` takes, or the commit as the user wrote it
    sha: str | None  # None for an abbreviated commit, known only after a full fetch


def find_target(git: Git, ref: str | None) -> Target:
    if ref and FULL_SHA.fullmatch(ref):
        return Target("commit", ref, ref.lower())
    target = match_ref(remote_refs(git, ref), ref)
    if target:
        return target
    if ref and SHORT_SHA.fullmatch(ref):
        return Target("commit", ref, None)
    if ref in (None, "HEAD"):
        raise CloneFailed("the repository has no default branch (is it empty?): give a branch, tag or commit")
    raise ref_not_found(ref)


def ref_not_found(ref: str) -> CloneFailed:
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


def remote_refs(git: Git, ref: str | None) -> dict[str, str]:
    if ref in (None, "HEAD"):
        patterns = ["HEAD"]
    else:  # the peeled "^{}" line of an annotated tag only shows when asked for by name
        patterns = [p for _, full in _candidate_refs(ref) for p in (full, full + "^{}")]
    listing = git.run("ls-remote", "--", git.url, *patterns, step="list the repository's refs").decode()
    return {name: sha for sha, _, name in (line.partition("\t") for line in listing.splitlines())}


def match_ref(refs: dict[str, str], ref: str | None) -> Target | None:
    if ref in (None, "HEAD"):
        return Target("default", None, refs["HEAD"]) if "HEAD" in refs else None
    for kind, full in _candidate_refs(ref):
        sha = refs.get(full + "^{}") or refs.get(full)
        if sha:
            name = sha if kind == "commit" else full.removeprefix("refs/heads/").removeprefix("refs/tags/")
            return Target(kind, name, sha)
    return None
