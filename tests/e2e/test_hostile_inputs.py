"""The inputs a security review built to freeze a service with a backtracking pattern (issue 42),
sent through the running system: a repository whose documents carry them, taken through all four
stages, then an author's edit that carries one into the export; a git server whose progress lines
carry one; a model whose answer options carry one. Every stage service is a real process on a
private nats-server and PostgreSQL; each is asked for /health all along, and must answer within a
second (stretched by TEST_PATIENCE) every time, while the run finishes."""
from __future__ import annotations

import contextlib
import threading
import time

import httpx

from tests.support.editing import edit, order, presented, run_finished, zip_names, zip_text
from tests.support.flows import ALICE, new_course, start, wait_for_stage
from tests.support.githttps import GitHttpsServer
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.http_processes import stage_service_process
from tests.support.openai_fixtures import OPENAI_TEST_KEY
from tests.support.openai_replies import answer
from tests.support.openai_server import FakeOpenAIServer
from tests.support.pipeline import through_stage3
from tests.support.processes import STAGE_SERVICES
from tests.support.refreshing import versions, written_course
from tests.support.waiting import patient

# A frozen service stops answering for many seconds; a loaded machine stretches a healthy answer.
HEALTH_LIMIT_SECONDS = patient(1.0)

HOSTILE_REPOSITORY = {
    "README.md": "# Hostile documents\n\nA course made of documents built to make patterns backtrack.\n",
    "docs/index.md": "# Start here\n\nThis guide explains definitions, blank code blocks and empty pages.\n",
    # stage 4's definition finder: ~n⁴ under backtracking on one such sentence.
    "docs/definitions.md": ("# Definitions\n\nA term is a word with a stated meaning.\n\n"
                            + "A" + "-a" * 300 + " b c d e.\n\nA glossary lists terms.\n"),
    # stage 1's "next page" finder (multi-line, its prefix crossing newlines): quadratic.
    "docs/newlines.md": "# Newlines\n" + "\n" * 200_000 + "The end.\n",
    # stage 2's code signature: 0.75 s per block of blank lines, with no limit on blocks.
    "docs/blocks.md": "# Blocks\n\nSome code blocks follow.\n\n" + ("```\n" + "\n" * 2_000 + "```\n\n") * 50,
}
# The highlighter's string bodies: every escaped quote a start, each scanning to the end.
HOSTILE_CODE = '"' + '\\"' * 9_999
# A git server of the attacker's: before every pack it sends, a progress line of 40,000 digits
# (the cloner's transfer-size pattern took 37 s on one). git runs the hook as `hook git pack-objects …`.
HOSTILE_PROGRESS_HOOK = ('#!/bin/sh\nprintf "Phase: 50%% " >&2\nhead -c 40000 /dev/zero | tr "\\0" 7 >&2\n'
                         'printf "\\n" >&2\nexec "$@"\n')
# A model's answer options long enough to make a quadratic pattern over them take minutes.
HOSTILE_OPTION = "run" + " --x" * 25_000


@contextlib.contextmanager
def health_watch(urls: dict[str, str]):
    """Asks each service for /health in turn while the block runs; yields the answers' record.

    The asking runs on a thread of its own, so a busy event loop in this process (the gateway runs
    here) is not mistaken for a frozen service."""
    record: dict[str, list[float]] = {name: [] for name in urls}
    failures: list[str] = []
    stop = threading.Event()

    def watch() -> None:
        with httpx.Client(timeout=HEALTH_LIMIT_SECONDS) as client:
            while not stop.is_set():
                for name, url in urls.items():
                    started = time.monotonic()
                    try:
                        answered = client.get(f"{url}/health")
                        if answered.status_code != 200:
                            failures.append(f"{name}: /health answered {answered.status_code}")
                    except httpx.HTTPError as exc:
                        failures.append(f"{name}: no /health answer within {HEALTH_LIMIT_SECONDS} s ({exc!r})")
                    record[name].append(time.monotonic() - started)
                stop.wait(0.2)  # the asking's cadence; the wait ends at once when the block ends

    watcher = threading.Thread(target=watch, name="health-watch", daemon=True)
    watcher.start()
    try:
        yield record, failures
    finally:
        stop.set()
        watcher.join()


async def test_the_reviews_hostile_inputs_leave_every_service_answering_and_the_course_is_made(
        api, nats_server, tmp_path):
    make_repo(tmp_path / "hostile", HOSTILE_REPOSITORY)
    async with contextlib.AsyncExitStack() as stack:
        urls = {name: await stack.enter_async_context(stage_service_process(name, nats_server.url,
                                                                            ALLOW_LOCAL_REPOS="true"))
                for name in STAGE_SERVICES}
        with health_watch(urls) as (record, failures):
            course_id, _ = await written_course(api, str(tmp_path / "hostile"))
            written = await presented(api, course_id)
            first = order(written)[0]
            example = {"code": HOSTILE_CODE, "language": "python", "source": {"path": "docs/index.md"}}
            await edit(api, "PATCH", course_id, f"modules/{first}", {"fields": {"code_examples": [example]}})
            started = await edit(api, "POST", course_id, "versions", status=202)
            await run_finished(api, course_id, started["task_id"])
    assert not failures, (failures, {name: round(max(times), 3) for name, times in record.items()})
    assert all(len(times) >= 3 for times in record.values()), record
    newest = (await versions(api, course_id))[0]
    data = (await api.get(newest["export"]["url"], headers=ALICE)).content
    module_pages = [name for name in zip_names(data, "site/modules/") if name.endswith(".html")]
    assert any("\\&quot;" in zip_text(data, f"site/modules/{page}") or '\\"' in zip_text(data, f"site/modules/{page}")
               for page in module_pages), "the hostile example is in the exported site, highlighted"


async def test_a_git_servers_hostile_progress_lines_leave_repo_clone_answering(api, nats_server, tmp_path):
    make_repo(tmp_path / "work", COURSE_REPO)
    hook = tmp_path / "progress.sh"
    hook.write_text(HOSTILE_PROGRESS_HOOK)
    hook.chmod(0o755)
    (tmp_path / "served").mkdir()
    with GitHttpsServer(tmp_path / "served", tmp_path / "tls", config={"uploadpack.packObjectsHook": str(hook)}) as server:
        server.publish(tmp_path / "work", "hostile.git")
        async with stage_service_process("repo_clone", nats_server.url, ALLOW_LOCAL_REPOS="true",
                                         GIT_SSL_CAINFO=str(server.ca_file)) as url:
            with health_watch({"repo_clone": url}) as (record, failures):
                course_id = await new_course(api)
                await start(api, course_id, "analyze-repository", {"repo_url": server.url("hostile.git")})
                status = await wait_for_stage(api, course_id, "stage1")
    assert status["status"] == "SUCCESS", status
    assert not failures, (failures, max(record["repo_clone"]))
    assert record["repo_clone"], "repo_clone was asked at least once while it cloned"


def hostile_module(request):
    """A valid module whose one question's options are very long."""
    question = {"kind": "multiple_choice", "prompt": "Which command starts it?", "options": [HOSTILE_OPTION, "stop"],
                "answer": HOSTILE_OPTION, "explanation": "From `docs/index.md`.",
                "source": {"path": "docs/index.md"}}
    return answer({"title": "A module", "introduction": "What this module covers.", "sections": [],
                   "code_examples": [], "key_points": ["One point"], "conclusion": "", "assessment": [question],
                   "summary": "A summary."})


async def test_a_models_hostile_answer_options_leave_the_modules_service_answering(api, nats_server, tmp_path):
    make_repo(tmp_path / "repo", COURSE_REPO)
    async with contextlib.AsyncExitStack() as stack:
        llm = stack.enter_context(FakeOpenAIServer(api_key=OPENAI_TEST_KEY, default=hostile_module))
        urls = {name: await stack.enter_async_context(stage_service_process(name, nats_server.url,
                                                                            ALLOW_LOCAL_REPOS="true"))
                for name in ("repo_clone", "doc_analyser", "pathway")}
        urls["modules"] = await stack.enter_async_context(stage_service_process(
            "modules", nats_server.url, LLM_PROVIDER="openai", OPENAI_API_KEY=OPENAI_TEST_KEY,
            OPENAI_BASE_URL=llm.base_url, OPENAI_MODEL="gpt-4o", OPENAI_STRUCTURED_OUTPUT="json"))
        course_id, listing = await through_stage3(api, str(tmp_path / "repo"))
        chosen = max(listing["pathways"], key=lambda p: len(p["modules"]))
        selected = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                                  json={"selected_pathway_id": chosen["id"]})
        assert selected.status_code == 200, selected.text
        with health_watch(urls) as (record, failures):
            await start(api, course_id, "generate-course", {})
            status = await wait_for_stage(api, course_id, "stage4", timeout=120)
    assert status["status"] == "SUCCESS", status
    assert llm.requests, "the modules were written by the model"
    assert not failures, (failures, {name: round(max(times), 3) for name, times in record.items()})
    assert record["modules"], "the modules service was asked at least once while it wrote"
