"""Answers of the local Messages-API server (tests/support/llm_server.py) in the benchmarks: a valid
analysis for whichever document the request is about, and the fake server as a process."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from tests.support.llm_replies import RecordedRequest, Reply, tool_use

API_KEY = "sk-ant-api03-bench-key-not-a-real-one-0123456789"
ROOT = Path(__file__).resolve().parent.parent


def analysis(request: RecordedRequest) -> Reply:
    found = re.search(r'<document path="([^"]+)"', request.last_user_text)
    path = found.group(1) if found else "unknown"
    name = path.rsplit("/", 1)[-1].rsplit(".", 1)[0].replace("-", " ")
    return tool_use({"title": name.title() or "Document", "doc_type": "guide", "complexity_level": "beginner",
                     "key_concepts": name.split()[:4] or ["documentation"],
                     "learning_objectives": [f"Explain {name}"], "summary": f"The page {path}.",
                     "assumed_knowledge": [], "topics": ["skyline"]})


@dataclass
class LLMServer:
    """tests/support/llm_server.py in its own process, so its CPU is not the measured service's."""
    latency_ms: float
    log: Path
    responder: str = "bench.llm_answers:analysis"

    def __enter__(self) -> "LLMServer":
        self._log = open(self.log, "ab")
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "tests.support.llm_server", "--latency-ms", str(self.latency_ms), "--api-key", API_KEY,
             "--responder", self.responder], cwd=ROOT, stdout=subprocess.PIPE, stderr=self._log, text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)}, start_new_session=True)
        self.url = self.popen.stdout.readline().strip()
        if not self.url.startswith("http"):
            self.__exit__()
            raise RuntimeError(f"the local Messages API server did not start; see {self.log}")
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                self.stats()
                break
            except OSError:
                time.sleep(0.05)
        return self

    def stats(self) -> dict:
        with urllib.request.urlopen(f"{self.url}/_stats", timeout=5) as response:
            return json.loads(response.read())

    def __exit__(self, *exc) -> None:
        self.popen.terminate()
        try:
            self.popen.wait(10)
        except subprocess.TimeoutExpired:
            self.popen.kill()
            self.popen.wait()
        self._log.close()

    def env(self, concurrency: int) -> dict[str, str]:
        """The doc_analyser's environment for the anthropic provider against this server."""
        return {"LLM_PROVIDER": "anthropic", "ANTHROPIC_API_KEY": API_KEY, "ANTHROPIC_BASE_URL": self.url,
                "ANTHROPIC_MODEL": "claude-bench", "ANALYSIS_CONCURRENCY": str(concurrency),
                "LLM_MAX_CONCURRENCY": str(concurrency), "LLM_MAX_RETRIES": "1"}
