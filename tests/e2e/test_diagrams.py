"""The diagrams of a real documentation tree (the Mermaid project's own pages, tests/fixtures/
mermaid-docs) through every stage, the offline engine and the real services: the export's site and
its HTML book show them as SVG drawn by the locally installed mermaid, and a diagram that does not
parse shows its source with a note. The concept maps are in the same pages. The gateway serves the
same drawn diagrams to the web reader (GET …/diagrams), to the course's owner only."""
from __future__ import annotations

import io
import re
import shutil
import zipfile

import pytest

from tests.support.flows import ALICE, scanned_and_selected, start, wait_for_stage
from tests.support.gateway import auth
from tests.support.mermaid_tree import RENDERERS, make_mermaid_repo
from tests.support.processes import stage_services

pytestmark = pytest.mark.skipif(not RENDERERS.is_dir() or shutil.which("chromium") is None,
                                reason="mermaid (make renderers) or Chromium is not installed")


@pytest.fixture
def services(nats_server):
    with stage_services(nats_server.url) as running:
        yield running


@pytest.fixture
def repo(tmp_path) -> str:
    return str(make_mermaid_repo(tmp_path / "mermaid"))


async def generated(api, repo: str) -> str:
    course_id = await scanned_and_selected(api, repo, ["docs"], overview="README.md")
    await start(api, course_id, "analyze-documents", {"complexity_level": "beginner"})
    assert (await wait_for_stage(api, course_id, "stage2"))["status"] == "SUCCESS"
    await start(api, course_id, "generate-pathways", {})
    assert (await wait_for_stage(api, course_id, "stage3"))["status"] == "SUCCESS"
    pathways = (await api.get(f"/api/courses/{course_id}/pathways", headers=ALICE)).json()["pathways"]
    answer = await api.post(f"/api/courses/{course_id}/stage3-selections", headers=ALICE,
                            json={"selected_pathway_id": pathways[0]["id"]})
    assert answer.status_code == 200, answer.text
    await start(api, course_id, "generate-course", {})
    assert (await wait_for_stage(api, course_id, "stage4", timeout=180))["status"] == "SUCCESS"
    return course_id


async def test_a_real_tree_s_diagrams_are_drawn_in_the_site_and_the_book(api, services, repo):
    course_id = await generated(api, repo)
    archive = zipfile.ZipFile(io.BytesIO((await api.get(f"/api/courses/{course_id}/export", headers=ALICE)).content))
    site = {n: archive.read(n).decode() for n in archive.namelist() if n.startswith("site/") and n.endswith(".html")}
    pages = "".join(site.values())
    assert pages.count('<figure class="diagram drawn"') >= 3, "the Mermaid pages' diagrams are drawn"
    assert "<svg" in pages and "<style" not in pages.split("</head>", 1)[-1]
    # The diagram that does not parse shows its source, with the note.
    assert "could not be drawn here" in pages and "A --&gt;&gt; !!broken" in pages
    assert 'class="concept-map"' in site["site/index.html"] and "needed for" in pages
    for drawn in re.findall(r'<figure class="diagram drawn".*?</figure>', pages, re.S):
        # Inline in a page whose CSP forbids scripts and inline styles: nothing runs, loads or needs a style sheet.
        assert not re.search(r"<script|<style|<foreignObject|\son[a-z]+=|\sstyle=|href=", drawn), drawn[:300]
    book = (await api.get(f"/api/courses/{course_id}/export?format=html", headers=ALICE)).text
    assert '<figure class="diagram drawn"' in book and 'class="concept-map"' in book
    assert "A --&gt;&gt; !!broken" in book
    # The web reader's diagrams: the very pictures of the site, by the same keys, with their sources.
    answer = await api.get(f"/api/courses/{course_id}/diagrams", headers=ALICE)
    assert answer.status_code == 200, answer.text
    served = answer.json()
    assert served["languages"]["mermaid-example"] == "mermaid"
    keys = set(re.findall(r'<figure class="diagram drawn" data-diagram="([0-9a-f]{24})"', pages))
    assert {d["key"] for d in served["diagrams"]} == keys and len(keys) >= 3
    for diagram in served["diagrams"]:
        assert diagram["renderer"] == "mermaid" and diagram["svg"].startswith("<svg") and diagram["source"]
        assert f'data-diagram="{diagram["key"]}">{diagram["svg"]}</figure>' in pages
    assert not any("!!broken" in d["source"] for d in served["diagrams"])
    assert (await api.get(f"/api/courses/{course_id}/diagrams", headers=auth("bob"))).status_code == 404
