"""Modules' contents as stage 4 stored them, kept in memory for the learners who read them."""
from __future__ import annotations

import json
from collections import OrderedDict

from nats.js.errors import NotFoundError, ObjectNotFoundError

from shared.bus.artefacts import ArtefactStore

GONE = (NotFoundError, ObjectNotFoundError)


class ModuleContents:
    """Modules' contents as stage 4 stored them, kept by reference and hash (a stored module never
    changes under them): every learner's every answer needs its module's quiz, and a course's
    learners ask for the same few modules."""

    def __init__(self, artefacts: ArtefactStore, limit: int = 512) -> None:
        self._artefacts, self._limit = artefacts, limit
        self._kept: OrderedDict[tuple[str, str], dict] = OrderedDict()

    async def get(self, ref: str, content_hash: str) -> dict | None:
        key = (ref, content_hash)
        if key in self._kept:
            self._kept.move_to_end(key)
            return self._kept[key]
        try:
            content = json.loads(await self._artefacts.get(ref))
        except GONE:
            return None
        self._kept[key] = content
        while len(self._kept) > self._limit:
            self._kept.popitem(last=False)
        return content
