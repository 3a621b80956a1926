"""Running the Node.js contract checkers (tests/node/*.mjs) from pytest: what a Node integrator's
tools say about the event contract. One Node process per call, fed JSON on stdin, answering JSON.
`make node` (part of `make test`) installs their packages with `npm ci --prefix tests/node`."""
from __future__ import annotations

import json
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

NODE_DIR = Path(__file__).resolve().parents[1] / "node"
PACKAGES = ("@asyncapi/parser", "ajv", "ajv-formats")
TIMEOUT_SECONDS = 120  # the parser's first start compiles its rulesets: seconds on a busy machine


@dataclass(frozen=True)
class NodeRun:
    status: int
    verdict: Any  # the parsed stdout; None when it was no JSON
    stderr: str


def missing_node() -> str | None:
    """Why the Node checkers cannot run here, or None when they can."""
    if shutil.which("node") is None or shutil.which("npm") is None:
        return "the Node contract tests need node and npm (Node.js >= 18) on PATH; install them, then `make node`"
    absent = [name for name in PACKAGES if not (NODE_DIR / "node_modules" / name / "package.json").is_file()]
    if absent:
        return f"{', '.join(absent)} not installed in {NODE_DIR}: run `make node` (npm ci --prefix tests/node)"
    return None


def run_node(script: str, data: Any, *args: str) -> NodeRun:
    """`node tests/node/<script> <args>` with `data` as JSON on stdin."""
    done = subprocess.run(["node", str(NODE_DIR / script), *args], input=json.dumps(data), text=True,
                          capture_output=True, timeout=TIMEOUT_SECONDS, cwd=NODE_DIR)
    try:
        verdict = json.loads(done.stdout)
    except json.JSONDecodeError:
        verdict = None
    return NodeRun(done.returncode, verdict, done.stderr)
