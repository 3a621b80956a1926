"""`coursegen fork` against a real gateway process, repo_clone and NATS and PostgreSQL: a course
whose stage 1 is done is forked from it (the fork's stages shown, stage 1 already done); forking
from a stage that has not run says why and exits non-zero."""
from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.support.flows import scanned_and_selected
from tests.support.gateway import token_for
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.http_processes import gateway_process
from tests.support.processes import run_cli, stage_services


async def test_fork_from_stage_1_and_a_refusal(nats_server, database_url, tmp_path: Path):
    repo = tmp_path / "skyline"
    make_repo(repo, COURSE_REPO)
    async with gateway_process(nats_server.url, database_url, ALLOW_LOCAL_REPOS="true") as url:
        with stage_services(nats_server.url, names=["repo_clone"]):
            async with httpx.AsyncClient(base_url=url, timeout=30) as api:
                course_id = await scanned_and_selected(api, str(repo), ["docs"])
            env = {"COURSEGEN_URL": url, "COURSEGEN_TOKEN": token_for("alice")}
            forked = run_cli(["fork", course_id, "--from", "1", "--title", "Skyline again"], env)
            refused = run_cli(["fork", course_id, "--from", "stage2"], env)
            unknown = run_cli(["fork", course_id, "--from", "5"], env)

    assert forked.returncode == 0, forked.stdout + forked.stderr
    fork_id = re.search(rf"^course ([0-9a-f]{{32}}) forked from {course_id} at stage1: Skyline again$",
                        forked.stdout, re.M).group(1)
    assert re.search(r"^  stage1: SUCCESS +100%", forked.stdout, re.M), forked.stdout
    assert re.search(r"^  stage2: PENDING ", forked.stdout, re.M), forked.stdout
    assert fork_id != course_id
    assert refused.returncode == 1 and "409 stage 2 has not run" in refused.stderr, refused.stderr
    assert unknown.returncode == 1 and "use 1, 2, 3 or 4" in unknown.stderr, unknown.stderr
