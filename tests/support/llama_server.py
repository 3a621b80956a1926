"""cyllama's OpenAI-compatible server (`cyllama server`, its pure-Python implementation) with one
bug fixed. In cyllama 0.2.18 a slot's reset sets the context's token count to 0 but leaves the KV
cache full, so every request after the first decodes from position 0 onto it, fails, and answers
an empty message. Clearing an idle slot's cache before each request makes every answer real.

    python -m tests.support.llama_server --model <file.gguf> --port <port> --ctx-size 8192

It prints "running at http://<host>:<port>" once it serves, and stops on SIGINT."""
from __future__ import annotations

import argparse
import threading

from cyllama.llama.server import python as cyllama_server


class FreshCacheServer(cyllama_server.PythonServer):
    def process_chat_completion(self, request: cyllama_server.ChatRequest) -> cyllama_server.ChatResponse:
        for slot in self.slots:
            if not slot.is_processing:
                slot.context.kv_cache_clear()
        return super().process_chat_completion(request)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", required=True)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--ctx-size", type=int, default=8192)
    args = parser.parse_args()
    server = FreshCacheServer(cyllama_server.ServerConfig(
        model_path=args.model, host=args.host, port=args.port, n_ctx=args.ctx_size, n_parallel=1))
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
