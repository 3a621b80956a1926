"""Stage 2's result cache in a JetStream KV bucket: an unchanged document analysed
by the same provider, model and prompt for the same audience is never paid for twice."""
from __future__ import annotations

import hashlib
import json
import logging

from nats.js import JetStreamContext
from nats.js.errors import KeyNotFoundError
from pydantic import ValidationError

from shared.bus.provisioning import ensure_key_value

from .models import DocumentAnalysis

log = logging.getLogger(__name__)


def cache_key(content_hash: str, provider: str, model: str, prompt_version: str,
              complexity_level: str, additional_info: str, language: str | None = None) -> str:
    # A course's language joins the key only when asked: the keys of courses without one stay as they were.
    parts = json.dumps([content_hash, provider, model, prompt_version, complexity_level,
                        additional_info.strip(), *([language] if language else [])])
    return "analysis." + hashlib.sha256(parts.encode()).hexdigest()


class AnalysisCache:
    def __init__(self, js: JetStreamContext, bucket: str, replicas: int = 1, ttl_seconds: float = 0) -> None:
        self._js, self._bucket, self._replicas, self._ttl = js, bucket, replicas, ttl_seconds
        self._kv = None

    async def _store(self):
        if self._kv is None:
            self._kv = await ensure_key_value(self._js, self._bucket, self._replicas, self._ttl)
        return self._kv

    async def get(self, key: str) -> DocumentAnalysis | None:
        try:
            entry = await (await self._store()).get(key)
        except KeyNotFoundError:
            return None
        try:
            return DocumentAnalysis.model_validate_json(entry.value or b"")
        except ValidationError:
            # An entry written by an older shape: treat as a miss and overwrite it.
            log.warning("ignoring an unreadable cache entry %s", key)
            return None

    async def put(self, key: str, analysis: DocumentAnalysis) -> None:
        await (await self._store()).put(key, analysis.model_dump_json().encode())
