"""Stage 2 with a parse budget no document can meet (issue 15): every document is skipped, each
with the reason in the stage's result, and the service finishes the stage instead of freezing.
repo_clone and doc_analyser run as real processes on a private nats-server and PostgreSQL; the
documents are parsed in doc_analyser's parser child process, which is killed at the budget."""
from __future__ import annotations


from tests.support.flows import scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import stage_services

SELECTED_DOCUMENTS = 7  # README.md and the six documents under docs/ of COURSE_REPO


async def test_documents_over_the_parse_budget_are_skipped_naming_the_reason(api, nats_server, tmp_path):
    make_repo(tmp_path / "skyline", COURSE_REPO)
    env = {"PARSE_BUDGET_SECONDS": "0.000001", "TOLERATE_FAILED_DOCUMENTS": "true"}
    with stage_services(nats_server.url, ("repo_clone", "doc_analyser"), env=env):
        course_id = await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"], overview="README.md")
        await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
        status = await wait_for_stage(api, course_id, "stage2", timeout=120)
    assert status["status"] == "SUCCESS", status
    result = status["result"]
    assert result["document_count"] == 0 and len(result["skipped"]) == SELECTED_DOCUMENTS
    assert {s["path"] for s in result["skipped"]} >= {"README.md", "docs/index.md"}
    assert all(s["reason"] == "parsing took longer than the 1e-06 s a document may take; the document is skipped"
               for s in result["skipped"]), result["skipped"]
