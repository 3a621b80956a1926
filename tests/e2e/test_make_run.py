"""`coursegen run` (what `make run` starts) brings the whole system up with no configuration:
CRUD works with the printed token, and Ctrl-C stops every process it started."""
from __future__ import annotations

import json
import re
from pathlib import Path

import httpx
import psutil

from shared.local.ports import free_port
from tests.processes import Process


def _children(pid: int) -> list[psutil.Process]:
    return psutil.Process(pid).children(recursive=True)


def test_run_serves_crud_and_stops_cleanly_on_ctrl_c(tmp_path: Path):
    env = {"COURSEGEN_DATA_DIR": str(tmp_path / "data"), "PORT": str(free_port())}
    # No configuration at all: the launcher starts its own NATS and PostgreSQL.
    system = Process(["-m", "services.cli", "run"], env, unset=("NATS_URL", "DATABASE_URL", "JWT_SECRET"))
    try:
        banner = system.wait_for_line(lambda l: "is running at" in l, timeout=120)
        url = re.search(r"http://127\.0\.0\.1:\d+", banner).group(0)
        token = system.wait_for_line(lambda l: l.startswith("eyJ"), timeout=10)
        started = _children(system.popen.pid)
        assert len([p for p in started if "services." in " ".join(p.cmdline())]) == 5

        with httpx.Client(base_url=url, headers={"Authorization": f"Bearer {token}"}) as api:
            created = api.post("/api/projects/", json={"title": "From make run"})
            assert created.status_code == 201, created.text
            course_id = created.json()["course_id"]
            assert [c["course_id"] for c in api.get("/api/projects/").json()] == [course_id]
            assert api.put(f"/api/projects/{course_id}", json={"title": "Renamed"}).json()["title"] == "Renamed"
            assert api.get(f"/api/projects/{course_id}").json()["title"] == "Renamed"
            assert api.delete(f"/api/projects/{course_id}").status_code == 200
            assert api.get(f"/api/projects/{course_id}").status_code == 404
        runtime = json.loads((tmp_path / "data" / "runtime.json").read_text())
        assert runtime["gateway_url"] == url

        assert system.interrupt() == 0
        assert not [p for p in started if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]
    finally:
        system.kill()
