"""The git adapter against real local repositories built here: refs of every kind, sparse
checkout of large repositories, limits, and a token that never leaks."""
from __future__ import annotations

import base64
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import psutil
import pytest

from ops.local.ports import free_port
from services.repo_clone.cloner import CloneLimits, clone, locate, resolve_commit
from services.repo_clone.git_failures import (
    CLONE_TIMEOUT_SECONDS, MAX_REPO_BYTES, NOT_FOUND_MESSAGE, REFUSED_MESSAGE, CloneFailed, CloneLimitExceeded,
)
from services.repo_clone.git_progress import parse_progress

IDENTITY = {
    "GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
    "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org", "GIT_CONFIG_NOSYSTEM": "1",
}


# --- building repositories --------------------------------------------------------------------

def git(cwd: Path, *args: str) -> str:
    result = subprocess.run(["git", *args], cwd=cwd, env={**os.environ, **IDENTITY},
                            check=True, capture_output=True, text=True)
    return result.stdout.strip()


def commit_files(repo: Path, files: dict[str, str], message: str) -> str:
    for name, text in files.items():
        (repo / name).parent.mkdir(parents=True, exist_ok=True)
        (repo / name).write_text(text)
    git(repo, "add", "--all")
    git(repo, "commit", "--quiet", "-m", message)
    return git(repo, "rev-parse", "HEAD")


def new_repo(path: Path) -> Path:
    path.mkdir(parents=True)
    git(path, "-c", "init.defaultBranch=main", "init", "--quiet")
    return path


@dataclass(frozen=True)
class SampleRepo:
    path: Path
    first: str  # older commit on main, tip of nothing
    tagged: str  # the commit the annotated tag v1.0 points at
    tag_object: str
    main: str
    dev: str


def make_sample_repo(path: Path) -> SampleRepo:
    """main: first -> tagged (v1.0) -> main; dev branches off at tagged. README says which."""
    repo = new_repo(path)
    first = commit_files(repo, {"README.md": "first\n", "docs/intro.md": "intro\n"}, "first")
    tagged = commit_files(repo, {"README.md": "tagged\n"}, "tagged")
    git(repo, "tag", "-a", "v1.0", "-m", "release 1.0")
    git(repo, "checkout", "--quiet", "-b", "dev")
    dev = commit_files(repo, {"README.md": "dev\n"}, "dev")
    git(repo, "checkout", "--quiet", "main")
    main = commit_files(repo, {"README.md": "main\n"}, "main")
    return SampleRepo(repo, first, tagged, git(repo, "rev-parse", "v1.0"), main, dev)


def make_large_repo(path: Path) -> Path:
    files = {f"src/pkg{i % 7}/module{i}.py": f"x = {i}\n" for i in range(100)}
    files |= {f"docs/part{i % 5}/page{i}.md": f"# Page {i}\n" for i in range(100)}
    files["mkdocs.yml"] = "nav: []\n"
    repo = new_repo(path)
    commit_files(repo, files, "many files")
    return repo


@pytest.fixture(scope="module")
def sample(tmp_path_factory) -> SampleRepo:
    return make_sample_repo(tmp_path_factory.mktemp("origin") / "sample")


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> Path:
    return make_large_repo(tmp_path_factory.mktemp("origin") / "large")


def checked_out_files(dest: Path) -> set[str]:
    return {p.relative_to(dest).as_posix() for p in dest.rglob("*") if p.is_file() and ".git" not in p.parts}


def is_empty(dest: Path) -> bool:
    return not dest.exists() or not any(dest.iterdir())


# --- refs ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("ref, expected, readme", [
    (None, "main", "main\n"),
    ("main", "main", "main\n"),
    ("dev", "dev", "dev\n"),
    ("v1.0", "tagged", "tagged\n"),
    ("refs/tags/v1.0", "tagged", "tagged\n"),
    ("first", "first", "first\n"),  # a full sha, not the tip of any branch
    ("first-abbreviated", "first", "first\n"),
])
def test_clone_checks_out_the_ref(sample, tmp_path, ref, expected, readme):
    ref = {"first": sample.first, "first-abbreviated": sample.first[:10]}.get(ref, ref)
    checkout = clone(str(sample.path), ref, tmp_path / "dest")
    assert checkout.commit_sha == getattr(sample, expected)
    assert checkout.path == tmp_path / "dest"
    assert (checkout.path / "README.md").read_text() == readme
    assert (checkout.path / "docs/intro.md").read_text() == "intro\n"


@pytest.mark.parametrize("ref, expected", [(None, "main"), ("dev", "dev"), ("v1.0", "tagged"),
                                           ("first", "first"), ("first-abbreviated", "first")])
def test_a_located_ref_is_cloned_without_listing_the_refs_again(sample, tmp_path, monkeypatch, ref, expected):
    ref = {"first": sample.first, "first-abbreviated": sample.first[:10]}.get(ref, ref)
    calls = tmp_path / "git-calls"
    wrapper = tmp_path / "bin" / "git"  # the real git, each call written down
    wrapper.parent.mkdir()
    wrapper.write_text(f'#!/bin/sh\necho "$1" >> {calls}\nexec {shutil.which("git")} "$@"\n')
    wrapper.chmod(0o755)
    monkeypatch.setenv("PATH", f"{wrapper.parent}{os.pathsep}{os.environ['PATH']}")
    location = locate(str(sample.path), ref, None)
    assert location.commit == (None if ref == sample.first[:10] else getattr(sample, expected))
    checkout = clone(str(sample.path), ref, tmp_path / "dest", located=location)
    assert checkout.commit_sha == getattr(sample, expected)
    assert calls.read_text().split().count("ls-remote") == 1


def test_clone_is_shallow_and_accepts_file_urls(sample, tmp_path):
    checkout = clone(sample.path.as_uri(), "dev", tmp_path / "dest")
    assert checkout.commit_sha == sample.dev
    assert git(checkout.path, "rev-list", "--count", "HEAD") == "1"


@pytest.mark.parametrize("ref", ["nope", "f" * 40])
def test_unknown_ref_is_named(sample, tmp_path, ref):
    with pytest.raises(CloneFailed) as failure:
        clone(str(sample.path), ref, tmp_path / "dest")
    assert str(failure.value) == f"branch, tag or commit '{ref}' not found in the repository"
    assert is_empty(tmp_path / "dest")


def test_missing_repository_says_what_to_do(tmp_path):
    with pytest.raises(CloneFailed) as failure:
        clone(str(tmp_path / "no-such-repo"), None, tmp_path / "dest")
    assert str(failure.value) == NOT_FOUND_MESSAGE


def test_resolve_commit_without_cloning(sample):
    url = str(sample.path)
    assert resolve_commit(url, None, None) == sample.main
    assert resolve_commit(url, "HEAD", None) == sample.main
    assert resolve_commit(url, "dev", None) == sample.dev
    assert resolve_commit(url, "v1.0", None) == sample.tagged  # peeled, not the tag object
    assert resolve_commit(url, sample.first.upper(), None) == sample.first
    assert resolve_commit(url, "nope", None) is None


# --- the token ----------------------------------------------------------------------------------

@pytest.fixture
def git_spy(tmp_path, monkeypatch) -> Path:
    """A `git` first on PATH that records its argv and GIT_CONFIG_* environment, then runs git."""
    spy = tmp_path / "spy"
    spy.mkdir()
    (spy / "git").write_text(
        "#!/bin/sh\n"
        f'printf "%s\\n" "$@" >> "{spy}/argv"\n'
        f'env | grep "^GIT_CONFIG_" >> "{spy}/env"\n'
        f'exec "{shutil.which("git")}" "$@"\n'
    )
    (spy / "git").chmod(0o755)
    monkeypatch.setenv("PATH", f"{spy}{os.pathsep}{os.environ['PATH']}")
    return spy


def test_token_reaches_git_only_as_a_header(git_spy, tmp_path):
    token = "s3cr3t-TOKEN"
    encoded = base64.b64encode(f"x-access-token:{token}".encode()).decode()
    url = f"https://127.0.0.1:{free_port()}/owner/private.git"

    with pytest.raises(CloneFailed) as failure:
        clone(url, "main", tmp_path / "dest", token=token)
    with pytest.raises(CloneFailed) as resolve_failure:
        resolve_commit(url, None, token)

    for message in (str(failure.value), str(resolve_failure.value)):
        assert message == REFUSED_MESSAGE
        assert token not in message and encoded not in message
    assert token not in (git_spy / "argv").read_text()
    assert encoded not in (git_spy / "argv").read_text()
    assert f"Authorization: Basic {encoded}" in (git_spy / "env").read_text()
    assert is_empty(tmp_path / "dest")


# --- limits -------------------------------------------------------------------------------------

def test_size_limit_fails_and_cleans_up(sample, tmp_path):
    dest = tmp_path / "dest"
    with pytest.raises(CloneLimitExceeded) as failure:
        clone(str(sample.path), None, dest, limits=CloneLimits(max_repo_bytes=1_000))
    assert MAX_REPO_BYTES in str(failure.value)
    assert failure.value.limit == MAX_REPO_BYTES
    assert is_empty(dest)


def test_progress_reports_received_size_so_large_packs_stop_early():
    progress = parse_progress("Receiving objects:  45% (9/20), 1.50 MiB | 2.00 MiB/s")
    assert (progress.phase, progress.percent, progress.received_bytes) == ("Receiving objects", 45, 1572864)
    assert parse_progress("remote: Counting objects: 100% (4/4), done.").percent == 100
    assert parse_progress("remote: Total 4 (delta 0), reused 0 (delta 0)") is None


@pytest.fixture
def silent_ssh(tmp_path, monkeypatch) -> Path:
    """An ssh that connects nowhere and never answers: git waits on it until it is killed.
    The shell stays (no exec) so that git's end of the pipe stays open while cat waits for input."""
    script = tmp_path / "silent-ssh"
    script.write_text(f'#!/bin/sh\necho $$ >> "{tmp_path}/ssh-pids"\ncat >/dev/null\n')
    script.chmod(0o755)
    monkeypatch.setenv("GIT_SSH_COMMAND", str(script))
    return tmp_path / "ssh-pids"


def test_timeout_kills_git_and_its_children(silent_ssh, tmp_path):
    started = time.monotonic()
    with pytest.raises(CloneLimitExceeded) as failure:
        clone("ssh://git.example.invalid/owner/repo.git", None, tmp_path / "dest",
              limits=CloneLimits(timeout_seconds=0.5))
    assert time.monotonic() - started < 5
    assert CLONE_TIMEOUT_SECONDS in str(failure.value)
    assert failure.value.limit == CLONE_TIMEOUT_SECONDS
    assert is_empty(tmp_path / "dest")
    for pid in map(int, silent_ssh.read_text().split()):
        assert not is_running(pid)


def is_running(pid: int) -> bool:
    try:
        return psutil.Process(pid).status() != psutil.STATUS_ZOMBIE
    except psutil.NoSuchProcess:
        return False


# --- large repositories and progress ------------------------------------------------------------

@pytest.mark.parametrize("by_sha", [False, True])
def test_large_repository_checks_out_documentation_only(large, tmp_path, by_sha):
    ref = git(large, "rev-parse", "HEAD") if by_sha else None
    checkout = clone(str(large), ref, tmp_path / "dest", limits=CloneLimits(sparse_threshold_files=50))
    files = checked_out_files(checkout.path)
    assert len(files) == 101
    assert "mkdocs.yml" in files and "docs/part3/page8.md" in files
    assert not any(name.endswith(".py") for name in files)
    missing = git(checkout.path, "rev-list", "--objects", "--missing=print", "HEAD").split()
    assert sum(line.startswith("?") for line in missing) == 100  # code was never downloaded


def test_small_repository_writes_documentation_only_yet_knows_every_file_and_its_size(large, tmp_path):
    checkout = clone(str(large), None, tmp_path / "dest")
    assert len(checked_out_files(checkout.path)) == 101  # the pages and mkdocs.yml; no code written
    sizes = {file.path: file.size for file in checkout.tree}
    assert len(sizes) == 201
    assert sizes["src/pkg3/module10.py"] == len("x = 10\n") and sizes["docs/part2/page42.md"] == len("# Page 42\n")
    missing = git(checkout.path, "rev-list", "--objects", "--missing=print", "HEAD").split()
    assert not any(line.startswith("?") for line in missing)  # every blob fetched, in one go


def test_parallel_checkout_writes_every_document_as_its_blob(large, tmp_path):
    # 101 files: over git's checkout.thresholdForParallelism (100), so the workers write them.
    checkout = clone(str(large), None, tmp_path / "dest")
    written = checked_out_files(checkout.path)
    assert len(written) == 101
    for name in written:
        assert (checkout.path / name).read_bytes() == (large / name).read_bytes(), name


def test_large_repository_lists_only_what_it_checked_out(large, tmp_path):
    checkout = clone(str(large), None, tmp_path / "dest", limits=CloneLimits(sparse_threshold_files=50))
    assert checkout.tree is None  # the scan walks the checkout: sizes of unfetched code are unknown


@pytest.mark.parametrize("threshold", [50, 20_000])
def test_files_documentation_includes_are_checked_out_on_request_and_nothing_else(tmp_path, threshold):
    origin = new_repo(tmp_path / "origin")
    commit_files(origin, {"docs/a.md": "# A\n", "src/one.py": "one = 1\n", "src/two.py": "two = 2\n",
                          "src/we[ir]d *?.py": "weird = 3\n", "src/weird a.py": "not this one\n"}, "files")
    checkout = clone(str(origin), None, tmp_path / "dest", limits=CloneLimits(sparse_threshold_files=threshold))
    assert checked_out_files(checkout.path) == {"docs/a.md"}
    checkout.check_out_more(["src/one.py", "src/we[ir]d *?.py", "no/such.py", "../origin/src/two.py", ".git/config"])
    assert checked_out_files(checkout.path) == {"docs/a.md", "src/one.py", "src/we[ir]d *?.py"}
    assert (checkout.path / "src/we[ir]d *?.py").read_text() == "weird = 3\n"


def test_symlinks_are_checked_out_as_links_so_the_scan_can_tell_where_they_point(tmp_path):
    origin = new_repo(tmp_path / "origin")
    commit_files(origin, {"docs/a.md": "# A\n"}, "docs")
    os.symlink("/etc", origin / "etc-link")
    os.symlink("../docs", origin / "docs" / "self")
    git(origin, "add", "--all")
    git(origin, "commit", "--quiet", "-m", "links")
    checkout = clone(str(origin), None, tmp_path / "dest")
    assert os.readlink(checkout.path / "etc-link") == "/etc" and os.readlink(checkout.path / "docs/self") == "../docs"
    assert {(f.path, f.is_symlink, f.size) for f in checkout.tree} == {
        ("docs/a.md", False, 4), ("etc-link", True, 0), ("docs/self", True, 0)}


def test_progress_climbs_to_100(sample, tmp_path):
    calls: list[tuple[int, str]] = []
    checkout = clone(str(sample.path), None, tmp_path / "dest", on_progress=lambda *call: calls.append(call))
    percents = [percent for percent, _ in calls]
    assert percents == sorted(percents) and all(0 <= p <= 100 for p in percents)
    assert calls[-1] == (100, f"Checked out {checkout.commit_sha[:12]}")
    assert any(step.startswith("Receiving objects") for _, step in calls)
