"""The whole system as real processes for the observability tests: the gateway and every stage
service (each with its own metrics port and span file), a private nats-server and database, and
doc_analyser on the Anthropic provider against a local Messages-API server (so it pays tokens)."""
from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from ops.local.ports import free_port
from tests.support.gateway import JWT_SECRET
from tests.support.llm_fixtures import TEST_API_KEY
from tests.support.llm_replies import tool_use
from tests.support.processes import Process
from tests.support.waiting import eventually

SERVICES = ("repo_clone", "doc_analyser", "pathway", "modules")
PRICED_MODEL = "claude-sonnet-4-5"  # a listed model, so a cost is estimated


def analysis_answer(request):
    import re

    path = re.search(r'<document path="([^"]+)"', request.last_user_text).group(1)
    return tool_use({"title": f"About {path}", "doc_type": "guide", "complexity_level": "beginner",
                     "key_concepts": ["brokers", path.rsplit("/", 1)[-1]],
                     "learning_objectives": [f"Explain {path}"], "summary": f"The document {path}.",
                     "assumed_knowledge": [], "topics": ["messaging"]})


@dataclass
class System:
    gateway_url: str
    metrics_urls: dict[str, str]
    spans_dir: Path
    processes: dict[str, Process] = field(default_factory=dict)

    def span_file(self, service: str) -> Path:
        return self.spans_dir / f"{service}.jsonl"


def _service_env(name: str, nats_url: str, port: int, spans: Path, llm_url: str) -> dict[str, str]:
    env = {"NATS_URL": nats_url, "ALLOW_LOCAL_REPOS": "true", "METRICS_PORT": str(port),
           "TRACES_FILE": str(spans / f"{name}.jsonl")}
    if name == "doc_analyser":
        env.update({"LLM_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": TEST_API_KEY,
                    "ANTHROPIC_BASE_URL": llm_url, "ANTHROPIC_MODEL": PRICED_MODEL,
                    "LLM_MAX_RETRIES": "1", "LLM_RETRY_BASE_SECONDS": "0.01"})
    return env


async def _answers(url: str, path: str) -> bool:
    try:
        async with httpx.AsyncClient(timeout=2) as client:
            return (await client.get(f"{url}{path}")).status_code == 200
    except httpx.HTTPError:
        return False


@contextlib.asynccontextmanager
async def running_system(nats_url: str, database_url: str, llm_url: str, spans: Path):
    port = free_port()
    gateway_env = {"NATS_URL": nats_url, "DATABASE_URL": database_url, "PORT": str(port),
                   "JWT_SECRET": JWT_SECRET, "ALLOW_LOCAL_REPOS": "true", "ENVIRONMENT": "test",
                   "TRACES_FILE": str(spans / "gateway.jsonl")}
    ports = {name: free_port() for name in SERVICES}
    system = System(f"http://127.0.0.1:{port}", {n: f"http://127.0.0.1:{p}" for n, p in ports.items()}, spans)
    system.processes["gateway"] = Process(["-m", "services.gateway.main"], gateway_env)
    for name in SERVICES:
        env = _service_env(name, nats_url, ports[name], spans, llm_url)
        system.processes[name] = Process(["-m", f"services.{name}.main"], env)
    try:
        await eventually(lambda: _answers(system.gateway_url, "/ready"), 60, "the gateway being ready")
        for name, url in system.metrics_urls.items():
            await eventually(lambda: _answers(url, "/health"), 60, f"{name} serving /health")
        yield system
    except BaseException:
        _print_output(system)
        raise
    finally:
        for process in system.processes.values():
            process.interrupt()


def _print_output(system: System) -> None:
    """What the processes said, shown by pytest when the test fails."""
    for name, process in system.processes.items():
        while not process.lines.empty():
            process.output.append(process.lines.get_nowait())
        print(f"--- {name} ---", *process.output[-40:], sep="\n")
