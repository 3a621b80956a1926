"""What learners read, kept in memory: modules' contents as stage 4 stored them, and each taught
version's modules as made from the course's last run and edits. Every learner's every answer needs
its module's quiz, and a course's learners ask for the same few modules; reading them anew each time
serialised a thousand learners answering at once on the course's history."""
from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

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


class TaughtModules:
    """The modules of a course's version, by the course, the version and what they were made from
    (CohortReader.made_from): a new run or edit is another key, so nothing kept is ever stale."""

    def __init__(self, limit: int = 256) -> None:
        self._limit = limit
        self._kept: OrderedDict[tuple, list[dict[str, Any]]] = OrderedDict()

    def get(self, key: tuple) -> list[dict[str, Any]] | None:
        found = self._kept.get(key)
        if found is not None:
            self._kept.move_to_end(key)
        return found

    def keep(self, key: tuple, modules: list[dict[str, Any]]) -> None:
        self._kept[key] = modules
        while len(self._kept) > self._limit:
            self._kept.popitem(last=False)
