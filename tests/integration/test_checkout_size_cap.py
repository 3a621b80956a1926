"""MAX_REPO_BYTES holds while the checkout is written, not only once it is: the sizes of what a
checkout would write are added up before it writes anything, so a file that would take the
checkout over the cap is never created (watched with inotify: not even for a moment)."""
from __future__ import annotations

from pathlib import Path

import pytest

from services.repo_clone.cloner import CloneLimits, clone
from services.repo_clone.git_failures import MAX_REPO_BYTES, CloneLimitExceeded
from services.repo_clone.git_process import Deadline, Git
from services.repo_clone.git_progress import SizeGuard
from tests.support.created_names import CreatedNames
from tests.support.gitrepos import make_repo

CAP = 1_000_000
# Compresses to a few kilobytes: the pack is far under the cap, the file on disk three times over.
HUGE = "the same words again " * 150_000


@pytest.fixture(scope="module")
def exploding(tmp_path_factory) -> Path:
    repo = tmp_path_factory.mktemp("exploding") / "repo"
    make_repo(repo, {"README.md": "# Small\n", "huge.md": HUGE, "data.csv": HUGE})
    return repo


@pytest.mark.parametrize("sparse_threshold", [20_000, 1], ids=["every blob fetched", "documentation only"])
def test_a_checkout_over_the_cap_is_refused_before_a_file_is_written(exploding, tmp_path, sparse_threshold):
    dest = tmp_path / "checkout"
    dest.mkdir()
    with CreatedNames(dest) as created:
        with pytest.raises(CloneLimitExceeded) as failure:
            clone(str(exploding), None, dest,
                  limits=CloneLimits(max_repo_bytes=CAP, sparse_threshold_files=sparse_threshold))
        names = created.names()
    assert failure.value.limit == MAX_REPO_BYTES
    assert f"limit {MAX_REPO_BYTES}={CAP} bytes" in str(failure.value)
    assert "huge.md" not in names
    assert ".git" in names  # the watch saw what was written


def test_files_checked_out_later_are_refused_over_the_cap_too(exploding, tmp_path):
    dest = tmp_path / "checkout"
    dest.mkdir()
    with CreatedNames(dest) as created:
        checkout = clone(str(exploding), None, dest, limits=CloneLimits(max_repo_bytes=len(HUGE) + CAP),
                         doc_patterns=("README.md",))
        checkout.check_out_more(["README.md"])  # already written: costs nothing more
        with pytest.raises(CloneLimitExceeded, match=MAX_REPO_BYTES):
            checkout.check_out_more(["huge.md", "data.csv"])
        assert not {"huge.md", "data.csv"} & created.names()
        assert (dest / "README.md").read_text() == "# Small\n"


def test_the_checkout_writes_each_file_as_its_blob_so_the_sum_is_exact(tmp_path):
    # eol=crlf would double a file of newlines on disk: the checkout writes blobs as they are.
    repo = tmp_path / "repo"
    make_repo(repo, {"README.md": "\n" * 400_000, ".gitattributes": "*.md text eol=crlf\n"})
    checkout = clone(str(repo), None, tmp_path / "checkout", limits=CloneLimits(max_repo_bytes=700_000))
    assert (checkout.path / "README.md").stat().st_size == 400_000


def test_no_file_git_writes_grows_past_the_cap_whatever_git_reports(tmp_path):
    # A loose object git writes uncompressed: nothing reports its size while it is written.
    repo = tmp_path / "repo"
    make_repo(repo, {"README.md": "# A repository\n"})
    guard = SizeGuard(repo, 1_000_000)
    git = Git(str(repo), None, Deadline(60), size_guard=guard)

    with pytest.raises(CloneLimitExceeded, match="MAX_REPO_BYTES"):
        git.attempt("-c", "core.compression=0", "-c", "core.looseCompression=0", "hash-object", "-w", "--stdin",
                    cwd=repo, stdin="x" * 3_000_000)

    written = [p for p in (repo / ".git" / "objects").rglob("*") if p.is_file()]
    assert max(p.stat().st_size for p in written) <= 1_000_000
