"""`coursegen refresh` and `coursegen versions` against a real gateway process, the stage services
(offline engine), NATS and PostgreSQL: a course written by `coursegen generate` is refreshed after
a commit and the new version's changelog and cost are shown; a refresh that fails exits non-zero."""
from __future__ import annotations

import re
from pathlib import Path

from tests.support.gateway import token_for
from tests.support.gitrepos import COURSE_REPO, commit, git, make_repo
from tests.support.http_processes import gateway_process
from tests.support.processes import run_cli, stage_services

CHANGED = "docs/guides/publishing.md"
VERSION_LINE = re.compile(r"^v(?P<n>\d+)(?P<current> \(current\))?  (?P<date>\d{4}-\d\d-\d\d \d\d:\d\d)  "
                          r"commit (?P<commit>[0-9a-f]{10})  (?P<summary>.+)  \|  (?P<calls>\d+) calls, "
                          r"(?P<hits>\d+) cache hits, modules (?P<reused>\d+) reused / (?P<written>\d+) written$")


def cli_env(url: str) -> dict[str, str]:
    return {"COURSEGEN_URL": url, "COURSEGEN_TOKEN": token_for("alice")}


def succeeded(result) -> str:
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


async def test_refresh_waits_for_the_new_version_and_versions_lists_them(nats_server, database_url, tmp_path: Path):
    repo = tmp_path / "skyline"
    make_repo(repo, COURSE_REPO)
    async with gateway_process(nats_server.url, database_url, ALLOW_LOCAL_REPOS="true", LLM_PROVIDER="offline") as url:
        with stage_services(nats_server.url, env={"LLM_PROVIDER": "offline"}):
            env = cli_env(url)
            generated = succeeded(run_cli(["generate", str(repo), "--folders", "docs", "--out", str(tmp_path)], env))
            course_id = re.search(r"course ([0-9a-f]{32})", generated).group(1)
            first = succeeded(run_cli(["versions", course_id], env)).splitlines()
            head = commit(repo, {CHANGED: COURSE_REPO[CHANGED] + "\n## Compress messages\n\nUse zstd.\n"},
                          "document compression")

            refreshed = succeeded(run_cli(["refresh", course_id, "--wait"], env))
            listed = succeeded(run_cli(["versions", course_id], env)).splitlines()
            failed = run_cli(["refresh", course_id, "--ref", "no-such-branch", "--wait"], env)
            started = succeeded(run_cli(["refresh", course_id], env))
            unknown = run_cli(["versions", "nosuchcourse"], env)

    refresh_id = re.search(r"^refresh ([0-9a-f-]{36}) started$", refreshed, re.M).group(1)
    assert f"refresh {refresh_id}: NEW_VERSION: version 2 written from commit {head[:10]}" in refreshed
    assert "scanning the repository" in refreshed  # the steps, as they were reached
    new_version = next(line for line in refreshed.splitlines() if line.startswith("v2"))
    assert VERSION_LINE.match(new_version) and "1 document changed" in new_version, new_version
    assert f"  Changed: {CHANGED}" in refreshed.splitlines()

    assert len(first) == 1 and VERSION_LINE.match(first[0])["summary"] == "first version", first
    assert len(listed) == 2, listed
    newest, oldest = (VERSION_LINE.match(line) for line in listed)
    assert (newest["n"], newest["current"], newest["commit"]) == ("2", " (current)", head[:10])
    assert (oldest["n"], oldest["current"], oldest["commit"]) == ("1", None, git(repo, "rev-parse", "HEAD~1")[:10])
    assert "1 document changed" in newest["summary"]
    assert int(newest["written"]) >= 1 and int(newest["hits"]) >= 1, listed
    assert oldest["reused"] == "0" and oldest["hits"] == "0", listed

    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert re.search(r"refresh [0-9a-f-]{36}: FAILED: .*current version stays", failed.stdout), failed.stdout
    assert re.fullmatch(r"refresh [0-9a-f-]{36} started\n", started), started
    assert unknown.returncode == 1 and "404 course not found" in unknown.stderr, unknown.stderr


def test_refresh_without_a_gateway_says_so_and_exits_non_zero():
    refused = run_cli(["refresh", "somecourse", "--url", "http://127.0.0.1:9", "--token", "t"], {})
    assert refused.returncode == 1 and "gateway could not be reached" in refused.stderr, refused.stderr
    assert "Traceback" not in refused.stderr

