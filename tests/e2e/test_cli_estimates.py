"""`coursegen generate` shows what stages 2 and 4 would cost before starting them, and asks: with
--yes it goes on; with no terminal to ask on and no --yes it refuses before anything is spent; the
offline engine costs nothing and is not asked about. The gateway, the stage services, NATS and
PostgreSQL are real processes; the gateway is told the stages use a priced model while they run
the offline engine, so no test spends anything."""
from __future__ import annotations

import re
from pathlib import Path

import httpx

from tests.support.gateway import token_for
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.http_processes import gateway_process
from tests.support.processes import run_cli, stage_services

PRICED = {"LLM_PROVIDER": "openai", "OPENAI_MODEL": "gpt-4.1-mini"}  # no key: the gateway needs none


def cli_env(url: str) -> dict[str, str]:
    return {"COURSEGEN_URL": url, "COURSEGEN_TOKEN": token_for("alice")}


async def test_generate_refuses_without_a_terminal_and_goes_on_with_yes(nats_server, database_url, tmp_path: Path):
    make_repo(tmp_path / "skyline", COURSE_REPO)
    args = ["generate", str(tmp_path / "skyline"), "--folders", "docs", "--out", str(tmp_path)]
    async with gateway_process(nats_server.url, database_url, ALLOW_LOCAL_REPOS="true", **PRICED) as url:
        with stage_services(nats_server.url, env={"LLM_PROVIDER": "offline"}):
            refused = run_cli(args, cli_env(url), input="y\n")
            assert refused.returncode == 1, refused.stdout + refused.stderr
            assert "stage2 estimate:" in refused.stdout and "openai gpt-4.1-mini: $" in refused.stdout
            assert "stage2 was not started" in refused.stderr and "--yes" in refused.stderr
            course_id = re.search(r"course ([0-9a-f]{32})", refused.stdout).group(1)
            async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token_for('alice')}"}) as api:
                status = (await api.get(f"/api/courses/{course_id}/stage2/status")).json()
            assert status["status"] == "PENDING"  # nothing was started, nothing spent

            accepted = run_cli([*args, "--yes"], cli_env(url), input="")
            assert accepted.returncode == 0, accepted.stdout + accepted.stderr
            assert "stage2 estimate:" in accepted.stdout and "stage4 estimate:" in accepted.stdout
            assert "course written to" in accepted.stdout


async def test_generate_on_the_offline_engine_shows_no_cost_and_does_not_ask(nats_server, database_url, tmp_path):
    make_repo(tmp_path / "skyline", COURSE_REPO)
    args = ["generate", str(tmp_path / "skyline"), "--folders", "docs", "--out", str(tmp_path)]
    async with gateway_process(nats_server.url, database_url, ALLOW_LOCAL_REPOS="true", LLM_PROVIDER="offline") as url:
        with stage_services(nats_server.url, env={"LLM_PROVIDER": "offline"}):
            generated = run_cli(args, cli_env(url), input="")
        assert generated.returncode == 0, generated.stdout + generated.stderr
        course_id = re.search(r"course ([0-9a-f]{32})", generated.stdout).group(1)
        async with httpx.AsyncClient(base_url=url, headers={"Authorization": f"Bearer {token_for('alice')}"}) as api:
            [first, *_] = (await api.get(f"/api/courses/{course_id}/pathways")).json()["pathways"]
    # The pathway's whole module count, not the length of the page of modules the API answers.
    assert f"pathway: {first['title']} ({first['module_count']} modules)" in generated.stdout
    assert "offline offline-engine: $0.0000 (not priced)" in generated.stdout
    assert generated.stdout.count("not asking: the offline engine calls no model") == 2
