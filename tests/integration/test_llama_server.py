"""The real model's server (ops/local/llama_server.py) with parallel slots: more requests than
slots at once are all answered for real — the slot each one gets has its KV cache cleared, so no
answer comes back empty — and the server counts the tokens of each. Stopping it ends the process."""
from __future__ import annotations

import asyncio

import httpx

from ops.local.llama_server import LlamaServer

QUESTIONS = ["Name a colour.", "Name a fruit.", "Name an animal.", "Name a city.", "Name a planet."]


async def test_more_requests_than_slots_are_all_answered(tmp_path):
    with LlamaServer(parallel=2, context_tokens=1024, log=tmp_path / "server.log") as server:
        async with httpx.AsyncClient(timeout=300) as client:
            async def ask(question: str) -> dict:
                response = await client.post(f"{server.base_url}/chat/completions", json={
                    "messages": [{"role": "user", "content": question}], "max_tokens": 8})
                assert response.status_code == 200, response.text
                return response.json()

            answers = await asyncio.gather(*(ask(q) for q in QUESTIONS))
        process = server.popen
    assert all(a["choices"][0]["message"]["content"].strip() for a in answers), answers
    assert all(a["usage"]["prompt_tokens"] > 0 and a["usage"]["completion_tokens"] > 0 for a in answers)
    assert process.poll() is not None
    assert "running at" in (tmp_path / "server.log").read_text()
