"""A real Chinese documentation tree (PP-Structure's pages from the paddleocr sdist,
tests/fixtures/real_docs/paddleocr-ppstructure-zh) from a local repository to a downloadable course
through the gateway's REST API, every stage service a real process with the offline engine
(issue 48): what each stage answers reads without garbage — the pages' titles, key terms that are
words of the pages, every page in the first pathway, well-formed questions quoting their source,
a zip whose links resolve."""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from shared.cjk import has_cjk
from shared.docs.parsing import parse
from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import make_repo
from tests.support.processes import stage_services

TREE = Path(__file__).resolve().parents[1] / "fixtures" / "real_docs" / "paddleocr-ppstructure-zh"
PUNCTUATION = set("，。、：；！？（）「」“”[]{}|<>#*`")


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
def repo(tmp_path) -> str:
    files = {str(path.relative_to(TREE)): path.read_text(encoding="utf-8") for path in TREE.rglob("*.md")}
    make_repo(tmp_path / "ppstructure", files)
    return str(tmp_path / "ppstructure")


def title_of(path: str) -> str:
    return next(line[2:].strip() for line in (TREE / path).read_text(encoding="utf-8").splitlines()
                if line.startswith("# "))


async def test_a_chinese_tree_becomes_a_course_without_garbage(api, services, repo):
    course_id = await scanned_and_selected(api, repo, ["docs"])
    await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
    assert (await wait_for_stage(api, course_id, "stage2"))["status"] == "SUCCESS"
    analysed = (await api.get(f"/api/courses/{course_id}/analyzed-documents", headers=ALICE)).json()["documents"]
    pages = sorted(d["file_path"] for d in analysed)
    assert len(pages) == 5
    for document in analysed:
        assert document["title"] == title_of(document["file_path"])
        assert document["doc_type"] != "changelog" and document["key_concepts"]
        text = (TREE / document["file_path"]).read_text(encoding="utf-8")
        for term in document["key_concepts"]:
            assert not PUNCTUATION & set(term) and len(term) <= 30, term
            assert not has_cjk(term) or term in text, term

    await start(api, course_id, "generate-pathways", {})
    assert (await wait_for_stage(api, course_id, "stage3"))["status"] == "SUCCESS"
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
    first = pathways[0]
    assert sorted(d["path"] for m in first["modules"] for d in m["documents"]) == pages
    chosen = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                            json={"selected_pathway_id": first["id"]})
    assert chosen.status_code == 200, chosen.text

    await start(api, course_id, "generate-course", {})
    assert (await wait_for_stage(api, course_id, "stage4", timeout=120))["status"] == "SUCCESS"
    course = (await api.get(f"/api/courses/{course_id}/generated-course", headers=ALICE)).json()
    questions = [q for module in course["modules"] for q in module["content"]["assessment"]]
    assert len(questions) >= 3
    for question in questions:
        assert len(set(question["options"])) == len(question["options"])
        assert question["source"]["path"] in pages and question["source"]["path"] in question["explanation"]
        path = question["source"]["path"]  # the page as read, its links' text without their targets
        source = " ".join(parse(path, (TREE / path).read_text(encoding="utf-8")).text.split())
        if question["prompt"].startswith("Fill in the blank: "):
            quoted = question["prompt"].removeprefix("Fill in the blank: ").strip("“”")
            assert quoted.replace("_____", question["answer"]).replace("\\", "") in source, question["prompt"]

    download = await api.get(f"/api/courses/{course_id}/export", headers=ALICE)
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    site = "".join(archive.read(name).decode() for name in archive.namelist() if name.endswith(".html"))
    assert all(title_of(page) in site for page in pages)
