"""The whole system as `make run` starts it — the gateway (uvicorn) and the stage services as
separate processes on a private nats-server and PostgreSQL — and a REST client that drives a
course through its stages, as a user would. Stage times are read from the event log: from the
request event to the result event, both as stored by JetStream."""
from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import httpx
import nats
import psutil
from nats.js.api import AckPolicy, ConsumerConfig, DeliverPolicy

from services.gateway.edge.auth import development_token
from ops.local.ports import free_port

from .common import Context, eventually

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")
JWT_SECRET = "bench-secret-that-is-long-enough-for-hs256-0123456789"
USER = "bench-user"
FINISHED = ("SUCCESS", "FAILURE", "CANCELLED")
REQUESTS = {"stage1": "RepoCloneRequested", "stage2": "DocsAnalysisRequested",
            "stage3": "PathwaysRequested", "stage4": "CourseGenerationRequested"}
RESULTS = {"stage1": "RepoCloned", "stage2": "DocsAnalysed", "stage3": "PathwaysGenerated",
           "stage4": "CourseGenerated"}


class StageError(RuntimeError):
    pass


@dataclass
class Service:
    name: str
    popen: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.popen.pid


def spawn(name: str, args: list[str], env: dict[str, str], logs: Path) -> Service:
    log = logs / f"{name}.log"
    handle = open(log, "ab")
    popen = subprocess.Popen([sys.executable, *args], cwd=ROOT, env={**os.environ, **env}, stdout=handle,
                             stderr=subprocess.STDOUT, start_new_session=True)
    handle.close()
    return Service(name, popen, log)


def stop(services: list[Service], timeout: float = 15.0) -> None:
    for service in services:
        if service.popen.poll() is None:
            service.popen.send_signal(signal.SIGTERM)
    deadline = time.monotonic() + timeout
    for service in services:
        try:
            service.popen.wait(max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            os.killpg(service.popen.pid, signal.SIGKILL)
            service.popen.wait()


# Every benchmark drives its load as one user (USER): 50 courses at once, thousands of requests a
# minute. The per-user limits (issue 42: runs in flight, requests per minute) would refuse that load
# rather than measure it; they are set out of its reach here — still checked on every request, so
# their cost is measured — and tested themselves by tests/integration/test_quotas.py.
PER_USER_LIMITS_OUT_OF_REACH = {"MAX_RUNS_IN_FLIGHT_PER_USER": "1000000", "RATE_LIMIT_PER_MINUTE": "100000000",
                                "RATE_LIMIT_BURST": "100000000"}


@dataclass
class System:
    ctx: Context
    name: str
    services: tuple[str, ...] = SERVICES
    env: dict[str, str] = field(default_factory=dict)            # every process
    service_env: dict[str, dict[str, str]] = field(default_factory=dict)  # one service
    processes: dict[str, Service] = field(default_factory=dict)

    async def __aenter__(self) -> "System":
        self.nats = self.ctx.nats(self.name)
        self.database_url = await self.ctx.database(self.name)
        self.logs = self.ctx.folder(f"logs-{self.name}")
        self.port = free_port()
        base = {"NATS_URL": self.nats.url, "DATABASE_URL": self.database_url, "JWT_SECRET": JWT_SECRET,
                "ALLOW_LOCAL_REPOS": "true", "LOG_LEVEL": "WARNING", "ENVIRONMENT": "development",
                "PORT": str(self.port), **PER_USER_LIMITS_OUT_OF_REACH, **self.env}
        try:
            self.processes["gateway"] = spawn("gateway", ["-m", "services.gateway.main"], base, self.logs)
            for name in self.services:
                self.processes[name] = spawn(name, ["-m", f"services.{name}.main"],
                                             {**base, **self.service_env.get(name, {})}, self.logs)
            self.url = f"http://127.0.0.1:{self.port}"
            self.api = httpx.AsyncClient(base_url=self.url, timeout=60,
                                         headers={"Authorization": f"Bearer {development_token(JWT_SECRET, USER)}"},
                                         limits=httpx.Limits(max_connections=200, max_keepalive_connections=100))
            await eventually(self._ready, 90, "the gateway being ready", every=0.2)
            self.nc = await nats.connect(self.nats.url, name="bench")
            self.js = self.nc.jetstream()
            if self.ctx.profile:
                from .profiling import Spy
                self.spies = [Spy(f"{self.name}-{name}", s.pid) for name, s in self.processes.items()]
        except BaseException:
            await self.__aexit__()
            raise
        return self

    async def _ready(self) -> bool:
        for service in self.processes.values():
            if service.popen.poll() is not None:
                raise RuntimeError(f"{service.name} exited at start-up; see {service.log}")
        try:
            return (await self.api.get("/ready")).status_code == 200
        except httpx.HTTPError:
            return False

    async def __aexit__(self, *exc) -> None:
        for spy in getattr(self, "spies", []):
            await asyncio.to_thread(spy.stop)
        if getattr(self, "api", None) is not None:
            await self.api.aclose()
        if getattr(self, "nc", None) is not None:
            await self.nc.close()
        await asyncio.to_thread(stop, list(self.processes.values()))
        self.ctx.stop_nats(self.nats)

    def pids(self) -> dict[str, int]:
        return {name: s.pid for name, s in self.processes.items()}

    async def idle(self, service: str, window: float = 0.3, busy_share: float = 0.05) -> bool:
        """Whether `service` and its child processes (a stage 2 service's spare parsers, say) used
        less than `busy_share` of a core over the next `window` seconds: a service that is up, not
        one still starting."""
        def cpu_seconds() -> float:
            try:
                process = psutil.Process(self.processes[service].pid)
                family = [process, *process.children(recursive=True)]
            except psutil.Error:
                return 0.0
            total = 0.0
            for member in family:
                try:
                    times = member.cpu_times()
                except psutil.Error:
                    continue
                total += times.user + times.system
            return total

        before = cpu_seconds()
        await asyncio.sleep(window)
        return cpu_seconds() - before < busy_share * window

    # --- a course through the REST API ------------------------------------------------------------

    async def post(self, path: str, body: dict | None = None, expect: int = 202) -> dict:
        response = await self.api.post(path, json=body if body is not None else {})
        if response.status_code != expect:
            raise StageError(f"POST {path} answered {response.status_code}: {response.text[:500]}")
        return response.json()

    async def create_course(self, title: str = "Benchmark course") -> str:
        return (await self.post("/api/projects/", {"title": title}, expect=201))["course_id"]

    async def wait_stage(self, course: str, stage: str, timeout: float = 900, every: float = 0.1,
                         expect: str = "SUCCESS") -> dict:
        async def finished():
            response = await self.api.get(f"/api/courses/{course}/{stage}/status")
            if response.status_code != 200:
                raise StageError(f"{stage} status answered {response.status_code}: {response.text[:300]}")
            status = response.json()
            return status if status["status"] in FINISHED else None
        status = await eventually(finished, timeout, f"{stage} of course {course} finishing", every)
        if status["status"] != expect:
            raise StageError(f"{stage} of course {course} ended {status['status']}: {status.get('error_message')}")
        return status

    async def stage1(self, course: str, repo: str, folders=("docs",), overview="README.md", every=0.1,
                     timeout: float = 900) -> None:
        await self.post(f"/api/courses/{course}/analyze-repository", {"repo_url": repo})
        await self.wait_stage(course, "stage1", every=every, timeout=timeout)
        await self.post(f"/api/courses/{course}/stage1-selections",
                        {"selected_folders": list(folders), "overview_document": overview}, expect=200)

    async def stage2(self, course: str, level: str = "beginner", every=0.1, timeout: float = 900) -> dict:
        await self.post(f"/api/courses/{course}/analyze-documents", {"complexity_level": level})
        return await self.wait_stage(course, "stage2", every=every, timeout=timeout)

    async def stage3(self, course: str, every=0.1, timeout: float = 900) -> str:
        await self.post(f"/api/courses/{course}/generate-pathways", {})
        await self.wait_stage(course, "stage3", every=every, timeout=timeout)
        pathways = (await self.api.get(f"/api/courses/{course}/pathways")).json()["pathways"]
        await self.post(f"/api/courses/{course}/stage3-selections", {"selected_pathway_id": pathways[0]["id"]},
                        expect=200)
        return pathways[0]["id"]

    async def stage4(self, course: str, every=0.1, timeout: float = 900) -> None:
        await self.post(f"/api/courses/{course}/generate-course", {})
        await self.wait_stage(course, "stage4", every=every, timeout=timeout)

    async def whole_course(self, repo: str, every: float = 0.1, title: str = "Benchmark course") -> str:
        course = await self.create_course(title)
        await self.stage1(course, repo, every=every)
        await self.stage2(course, every=every)
        await self.stage3(course, every=every)
        await self.stage4(course, every=every)
        return course

    # --- the log ------------------------------------------------------------------------------------

    async def course_log(self, course: str) -> list[tuple[int, str, datetime]]:
        """(stream seq, event type, stored at) of every event of the course."""
        return await read_log(self.js, f"course.{course}.>")

    async def stage_seconds(self, course: str) -> dict[str, float]:
        """Seconds from each stage's last request to its result, as stored in the log."""
        return stage_seconds(await self.course_log(course))


async def read_log(js, subject: str = "course.>", stream: str = "COURSES") -> list[tuple[int, str, datetime]]:
    info = await js.stream_info(stream)
    config = ConsumerConfig(deliver_policy=DeliverPolicy.ALL, ack_policy=AckPolicy.NONE,
                            inactive_threshold=10.0, mem_storage=True, num_replicas=1)
    sub = await js.pull_subscribe(subject, durable=None, stream=stream, config=config)
    found = []
    try:
        pending = (await sub.consumer_info()).num_pending
        while pending > 0:
            for msg in await sub.fetch(min(pending, 1000), timeout=10):
                found.append((msg.metadata.sequence.stream, msg.subject.rsplit(".", 1)[1], msg.metadata.timestamp))
                pending = msg.metadata.num_pending
    finally:
        await sub.unsubscribe()
    del info
    return found


def stage_seconds(log: list[tuple[int, str, datetime]]) -> dict[str, float]:
    requested: dict[str, datetime] = {}
    seconds: dict[str, float] = {}
    for _, kind, at in log:
        for stage, request in REQUESTS.items():
            if kind == request:
                requested[stage] = at
            elif kind == RESULTS[stage] and stage in requested:
                seconds[stage] = (at - requested[stage]).total_seconds()
    return seconds
