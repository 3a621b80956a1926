"""Work run at once ends with its caller: `shared.leftover_tasks.all_or_none` cancels the others when
one fails and has waited for them when it raises. `asyncio.gather` raises the first failure and
leaves the others running: stage 4, cancelled on a 20,000-document course, went on checking the log
for each module it had not written, a core busy long after the run had ended (bench scale-services:
the service's CPU while the gateway was measured). Stage 4 is driven here through its real handler;
a scan of the source finds any other `gather` that would leave work behind."""
from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

from shared.events.catalogue import CourseGenerationRequested, ModuleGenerated, StageCancelled
from shared.leftover_tasks import all_or_none
from tests.support import living_course
from tests.support.gitrepos import loom_repository, make_repo
from tests.support.living_course import LivingCourse

ROOT = Path(__file__).resolve().parents[2]
# `gather` calls that may stay: what each waits on. A thread cannot be cancelled, so cancelling the
# waits on the fold workers' pipes would leave their threads reading all the same.
GATHERS_THAT_STAY = {
    ("shared/leftover_tasks.py", "all_or_none"): "the helper itself",
    ("services/gateway/projection/bulk_workers.py", "folded"): "threads reading the workers' pipes",
    ("services/gateway/projection/bulk_workers.py", "copy_into"): "threads on the workers' pipes",
    ("services/gateway/projection/bulk_workers.py", "_ask"): "threads on the workers' pipes",
}


async def test_the_first_failure_cancels_the_others_and_waits_for_them():
    ended: list[str] = []
    started = asyncio.Event()

    async def slow(name: str) -> str:
        try:
            started.set()
            await asyncio.Event().wait()
            return name
        finally:
            ended.append(name)

    async def failing() -> str:
        await started.wait()
        raise ValueError("no answer")

    with pytest.raises(ValueError, match="no answer"):
        await all_or_none(slow("a"), failing(), slow("b"))
    assert sorted(ended) == ["a", "b"]  # ended before the failure reached the caller


async def test_results_come_in_the_order_asked():
    second_ended, third_ended = asyncio.Event(), asyncio.Event()

    async def ends_last() -> int:
        await third_ended.wait()
        return 1

    async def ends_first() -> int:
        second_ended.set()
        return 2

    async def ends_second() -> int:
        await second_ended.wait()
        third_ended.set()
        return 3

    assert await all_or_none(ends_last(), ends_first(), ends_second()) == [1, 2, 3]


async def test_a_cancelled_caller_cancels_the_work():
    ended: list[str] = []
    running = asyncio.Event()

    async def waits() -> None:
        try:
            running.set()
            await asyncio.Event().wait()
        finally:
            ended.append("waits")

    caller = asyncio.create_task(all_or_none(waits(), waits()))
    await running.wait()
    caller.cancel()
    with pytest.raises(asyncio.CancelledError):
        await caller
    assert ended == ["waits", "waits"]


async def test_a_cancelled_stage_4_leaves_no_module_writer_behind(tmp_path, monkeypatch):
    """Modules written one at a time; the run is cancelled while the first is written. When the
    handler returns, no module of the run is left waiting for its turn (each would check the log,
    then stop: on a large course, minutes of work after the run's end)."""
    monkeypatch.setenv("MODULE_CONCURRENCY", "1")
    make_repo(tmp_path / "loom", loom_repository(documents=24, sentences=40, paragraphs=8))
    course = await LivingCourse(tmp_path / "loom", tmp_path / "work").created()
    pathway = await course.planned()
    assert len(pathway.modules) >= 3
    asked = living_course.CountingModuleWriter.complete

    async def cancelled_while_writing(self, prompt, schema):
        if not self.written:
            history = (await course.events.load(course.id)).events
            [request] = [e for e in history if isinstance(e, CourseGenerationRequested)]
            await course.add(StageCancelled, stage="stage4", task_id=request.payload.task_id)
        return await asked(self, prompt, schema)

    monkeypatch.setattr(living_course.CountingModuleWriter, "complete", cancelled_while_writing)
    _, emitted = await course.generated(pathway.pathway_id)
    left = [task for task in asyncio.all_tasks() if not task.done() and "_write_all" in repr(task.get_coro())]
    assert not left, left
    assert len([e for e in emitted if isinstance(e, ModuleGenerated)]) < len(pathway.modules)


def gathers_left(tree: ast.AST) -> list[tuple[str, int]]:
    """(enclosing function, line) of each `asyncio.gather(…)` without `return_exceptions=True` (which
    waits for every awaitable, so leaves nothing running)."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.AsyncFunctionDef, ast.FunctionDef)):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and ast.unparse(node.func) in ("asyncio.gather", "gather") and not any(
                    k.arg == "return_exceptions" and isinstance(k.value, ast.Constant) and k.value.value is True
                    for k in node.keywords):
                found.append((function.name, node.lineno))
    # A nested function's call is found in its outer function too: keep the innermost name.
    innermost: dict[int, str] = {}
    for name, line in found:
        innermost[line] = name
    return sorted((name, line) for line, name in innermost.items())


@pytest.mark.parametrize("folder", ["services", "shared"])
def test_no_part_gathers_work_that_would_outlive_a_failure(folder):
    offending = []
    for path in sorted((ROOT / folder).rglob("*.py")):
        relative = str(path.relative_to(ROOT))
        for name, line in gathers_left(ast.parse(path.read_text(encoding="utf-8"))):
            if (relative, name) not in GATHERS_THAT_STAY:
                offending.append(f"{relative}:{line} ({name})")
    assert not offending, "use shared.leftover_tasks.all_or_none: " + ", ".join(offending)


def test_the_scan_finds_a_gather_that_leaves_work_behind():
    source = ("async def run(jobs):\n    await asyncio.gather(*jobs)\n"
              "    await asyncio.gather(*jobs, return_exceptions=True)\n"
              "    async def inner():\n        return await gather(*jobs)\n")
    assert gathers_left(ast.parse(source)) == [("inner", 5), ("run", 2)]
