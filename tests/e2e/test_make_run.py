"""`coursegen run` (what `make run` starts) brings the whole system up with no configuration:
CRUD works with the printed token, a repository becomes a downloadable course through the REST
API alone, and Ctrl-C stops every process it started."""
from __future__ import annotations

import io
import json
import re
import zipfile
from pathlib import Path

import httpx
import psutil

from shared.export_formats import FORMATS

from ops.local.ports import free_port
from tests.support.flows import new_course, scanned_and_selected, start, wait_for_stage
from tests.support.gitrepos import COURSE_REPO, make_repo
from tests.support.processes import Process, run_cli


def _children(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def _cmdline_and_environ(process: psutil.Process) -> tuple[list[str], dict]:
    """A short-lived child (a parser process, a git command) may be gone by the time it is read."""
    try:
        return process.cmdline(), process.environ()
    except psutil.NoSuchProcess:
        return [], {}


async def test_run_serves_crud_and_a_whole_course_then_stops_cleanly_on_ctrl_c(tmp_path: Path):
    env = {"COURSEGEN_DATA_DIR": str(tmp_path / "data"), "PORT": str(free_port())}
    # No configuration at all: the launcher starts its own NATS and PostgreSQL.
    system = Process(["-m", "ops.cli", "run"], env, unset=("NATS_URL", "DATABASE_URL", "JWT_SECRET"))
    try:
        banner = system.wait_for_line(lambda l: "is running at" in l, timeout=120)
        url = re.search(r"http://127\.0\.0\.1:\d+", banner).group(0)
        token = system.wait_for_line(lambda l: l.startswith("eyJ"), timeout=10)
        started = _children(system.popen.pid)
        assert len([p for p in started if "services." in " ".join(p.cmdline())]) == 5

        headers = {"Authorization": f"Bearer {token}"}
        async with httpx.AsyncClient(base_url=url, headers=headers, timeout=30) as api:
            created = await api.post("/api/projects/", json={"title": "From make run"})
            assert created.status_code == 201, created.text
            course_id = created.json()["course_id"]
            assert [c["course_id"] for c in (await api.get("/api/projects/")).json()] == [course_id]
            renamed = await api.put(f"/api/projects/{course_id}", json={"title": "Renamed"})
            assert renamed.json()["title"] == "Renamed"
            assert (await api.get(f"/api/projects/{course_id}")).json()["title"] == "Renamed"
            assert (await api.delete(f"/api/projects/{course_id}")).status_code == 200
            assert (await api.get(f"/api/projects/{course_id}")).status_code == 404
            await whole_course(api, headers, tmp_path)
            await private_repository_token(api, headers, tmp_path, started)
        operator_cli(url, token, tmp_path)
        runtime = json.loads((tmp_path / "data" / "runtime.json").read_text())
        assert runtime["gateway_url"] == url

        assert system.interrupt() == 0
        assert not [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    finally:
        system.kill()


# What each format's file begins with: a zip's local header, an HTML document, a PDF.
FORMAT_MAGIC = {"zip": b"PK", "scorm12": b"PK", "scorm2004": b"PK", "imscc": b"PK", "epub": b"PK",
                "html": b"<!DOCTYPE html>", "pdf": b"%PDF-"}


async def whole_course(api, headers: dict, tmp_path: Path) -> None:
    """Creation to a downloadable zip with the default choices, as a REST client would."""
    make_repo(tmp_path / "skyline", COURSE_REPO)
    course_id = await scanned_and_selected(api, str(tmp_path / "skyline"), ["docs"], "README.md", headers)
    for action, body, stage in [("analyze-documents", {"complexity_level": "beginner"}, "stage2"),
                                ("generate-pathways", {}, "stage3")]:
        await start(api, course_id, action, body, headers)
        assert (await wait_for_stage(api, course_id, stage, headers=headers))["status"] == "SUCCESS"
    pathways = (await api.get(f"/api/courses/{course_id}/pathways")).json()["pathways"]
    chosen = await api.post(f"/api/courses/{course_id}/stage3-selections",
                            json={"selected_pathway_id": pathways[0]["id"]})
    assert chosen.status_code == 200, chosen.text
    await start(api, course_id, "generate-course", {}, headers)
    assert (await wait_for_stage(api, course_id, "stage4", headers=headers))["status"] == "SUCCESS"
    download = await api.get(f"/api/courses/{course_id}/export")
    assert download.status_code == 200, download.text
    archive = zipfile.ZipFile(io.BytesIO(download.content))
    assert "site/index.html" in archive.namelist() and "markdown/index.md" in archive.namelist()
    # `make run` writes with the offline engine, and the course says so.
    assert "Written by coursegen's offline engine, without a model" in archive.read("markdown/index.md").decode()
    # Every format downloads, for the course and for its version 1, each what it says it is.
    listed = (await api.get(f"/api/courses/{course_id}/generated-course")).json()["export"]["formats"]
    assert [entry["format"] for entry in listed if "url" in entry] == list(FORMATS), listed
    for entry in listed:
        for url in (entry["url"], entry["url"].replace("/export", "/versions/1/export")):
            got = await api.get(url)
            assert got.status_code == 200, (url, got.text)
            assert got.headers["content-type"].startswith(FORMATS[entry["format"]].media_type.split(";")[0])
            assert got.content.startswith(FORMAT_MAGIC[entry["format"]]), (url, got.content[:20])
            assert len(got.content) == entry["bytes"]
    unknown = await api.get(f"/api/courses/{course_id}/export", params={"format": "docx"})
    assert unknown.status_code == 422 and "scorm12" in unknown.json()["detail"]


async def private_repository_token(api, headers: dict, tmp_path: Path, processes: list[psutil.Process]) -> None:
    """A repository token is sealed by the gateway and opened by repo_clone with the key `make run`
    keeps in the data folder; repo_clone is the one process given the private key."""
    key_file = tmp_path / "data" / "secrets-key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    holders = [" ".join(cmdline) for cmdline, environ in map(_cmdline_and_environ, processes)
               if "SECRETS_KEY" in environ]
    assert len(holders) == 1 and "services.repo_clone.main" in holders[0], holders
    course_id = await new_course(api, headers)
    await start(api, course_id, "analyze-repository",
                {"repo_url": str(tmp_path / "skyline"), "token": "tok-make-run-0123456789"}, headers)
    assert (await wait_for_stage(api, course_id, "stage1", headers=headers))["status"] == "SUCCESS"


def operator_cli(url: str, token: str, tmp_path: Path) -> None:
    """`coursegen generate/status/events/dlq` drive the running system over its REST API."""
    env = {"COURSEGEN_URL": url, "COURSEGEN_TOKEN": token}
    generated = run_cli(["generate", str(tmp_path / "skyline"), "--folders", "docs", "--out", str(tmp_path)], env)
    assert generated.returncode == 0, generated.stdout + generated.stderr
    assert "stage4 [##############################] 100%" in generated.stdout
    course_id = re.search(r"course ([0-9a-f]{32})", generated.stdout).group(1)
    assert zipfile.ZipFile(tmp_path / f"{course_id}.zip").namelist()
    exported = run_cli(["export", course_id, "--format", "scorm2004", "--version", "1", "--mastery", "65",
                        "--out", str(tmp_path)], env)
    assert exported.returncode == 0, exported.stdout + exported.stderr
    manifest = zipfile.ZipFile(tmp_path / f"{course_id}-v1.scorm2004.zip").read("imsmanifest.xml").decode()
    assert "<imsss:minNormalizedMeasure>0.65</imsss:minNormalizedMeasure>" in manifest
    refused = run_cli(["export", course_id, "--format", "pdf", "--mastery", "65", "--out", str(tmp_path)], env)
    assert refused.returncode != 0 and "applies to the SCORM formats" in refused.stderr
    status = run_cli(["status", course_id], env)
    assert status.returncode == 0 and "stage4_complete" in status.stdout and "stage4: SUCCESS" in status.stdout
    events = run_cli(["events", course_id], env)
    assert "CourseGenerated" in events.stdout and "DocAnalysed" in events.stdout
    assert "no dead letters" in run_cli(["dlq", "list"], env).stdout  # the development user is the operator
    refused = run_cli(["stage", "retry", course_id, "2"], env)
    assert refused.returncode == 1 and "only a failed or cancelled stage" in refused.stderr
