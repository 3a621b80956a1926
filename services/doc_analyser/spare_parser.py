"""A parser child started ahead of the run that needs it: starting Python and importing the
parsers takes a good part of a second (more on a busy machine), far longer than parsing a document,
and would otherwise stand between every stage 2 request and its first provider call. A run takes
the spare one and stops it when done; the next is started once the run is over (not during it: its
start would take CPU from the run's own parsing)."""
from __future__ import annotations

import asyncio
import logging

from shared.docs.parse_worker import BudgetedParser

log = logging.getLogger(__name__)


class SpareParser:
    def __init__(self, budget_seconds: float, parser: str) -> None:
        self._budget, self._parser = budget_seconds, parser
        self._spare: asyncio.Future[BudgetedParser] | None = None

    def prepare(self) -> None:
        """Start the spare child now, unless one is started or starting."""
        if self._spare is None:
            self._spare = self._start()

    async def take(self) -> BudgetedParser:
        self.prepare()
        spare, self._spare = self._spare, None
        try:
            return await spare
        except Exception as exc:  # a child that did not start: the run starts its own (and fails saying why)
            log.warning("the spare parser child did not start: %s", exc)
            return BudgetedParser(self._budget, self._parser)

    def _start(self) -> asyncio.Future[BudgetedParser]:
        return asyncio.ensure_future(asyncio.to_thread(BudgetedParser(self._budget, self._parser).start))
