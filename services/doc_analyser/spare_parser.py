"""A parser child started ahead of the run that needs it: starting Python and importing the
parsers takes a good part of a second (more on a busy machine), far longer than parsing a document,
and would otherwise stand between every stage 2 request and its first provider call. A run takes
the spare ones and stops them when done; the next is started once the run is over (not during it: its
start would take CPU from the run's own parsing)."""
from __future__ import annotations

import asyncio
import logging

from shared.docs.parse_worker import BudgetedParser

log = logging.getLogger(__name__)


class SpareParser:
    def __init__(self, budget_seconds: float, parser: str, children: int = 1) -> None:
        self._budget, self._parser, self._children = budget_seconds, parser, children
        self._spares: list[asyncio.Future[BudgetedParser]] = []

    def prepare(self) -> None:
        """Start the spare children now, unless they are started or starting."""
        if not self._spares:
            self._spares = [self._start() for _ in range(self._children)]

    async def take(self) -> list[BudgetedParser]:
        self.prepare()
        spares, self._spares = self._spares, []
        return [await self._started(spare) for spare in spares]

    async def _started(self, spare: asyncio.Future[BudgetedParser]) -> BudgetedParser:
        try:
            return await spare
        except Exception as exc:  # a child that did not start: the run starts its own (and fails saying why)
            log.warning("a spare parser child did not start: %s", exc)
            return BudgetedParser(self._budget, self._parser)

    def _start(self) -> asyncio.Future[BudgetedParser]:
        return asyncio.ensure_future(asyncio.to_thread(BudgetedParser(self._budget, self._parser).start))
