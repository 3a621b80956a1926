"""A parser child readies the Markdown parser while it waits for documents (shared/docs/
parse_worker.py takes its function's module's `warm_up_steps` whenever it is idle): a spare child's
first document is not the one that imports the parser and compiles its patterns; and a child whose
module has no warm-up answers as before."""
from __future__ import annotations

import pytest

from shared.docs.parse_worker import BudgetedParser
from tests.support.waiting import eventually, patient
from tests.support.warm_parsing import SPEC


@pytest.mark.asyncio
async def test_a_waiting_child_imports_the_markdown_parser_before_any_document():
    with BudgetedParser(patient(30.0), SPEC) as child:
        # Each call is answered at once, and the child goes on warming up between them.
        await eventually(child.call, 60, "the Markdown parser imported in the idle child")


def test_a_child_whose_module_has_no_warm_up_answers_as_before():
    with BudgetedParser(patient(30.0), "shared.docs.formats:is_document") as child:
        assert child.call("guide.md") is True
