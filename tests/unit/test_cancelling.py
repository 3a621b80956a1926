"""A task cancelled and then waited for ends even when its body swallows the cancellation (Python
3.11's asyncio.wait_for can lose one that lands as its inner call finishes, and nats-py's requests
wait that way): `shared.leftover_tasks.cancelled` cancels again while it runs on. Stage 1's
progress reporter once swallowed it and the clone waited for it without end. A scan of the
source finds any other wait on a cancelled task."""
from __future__ import annotations

import ast
import asyncio
from pathlib import Path

import pytest

from services.repo_clone.progress import ProgressReporter
from shared.leftover_tasks import cancelled

ROOT = Path(__file__).resolve().parents[2]


async def swallowing_once(waiting: asyncio.Event, swallowed: asyncio.Event) -> None:
    """Waits; loses the first cancellation, as a request racing its reply does; waits again."""
    try:
        waiting.set()
        await asyncio.Event().wait()
    except asyncio.CancelledError:
        swallowed.set()
    await asyncio.Event().wait()


async def test_a_task_that_swallows_its_cancellation_is_cancelled_again_until_it_ends():
    waiting, swallowed = asyncio.Event(), asyncio.Event()
    task = asyncio.create_task(swallowing_once(waiting, swallowed))
    await waiting.wait()
    task.cancel()
    await swallowed.wait()
    assert not task.done()  # one cancellation was not enough: awaiting it now would never return
    stopping = asyncio.create_task(cancelled(task, patience=0.05))
    done, _ = await asyncio.wait([stopping], timeout=10)
    assert stopping in done and task.cancelled()


async def test_the_progress_reporter_stops_though_its_publish_swallowed_the_cancellation():
    publishing, published = asyncio.Event(), []

    async def publish(percent: int, step: str) -> None:
        if not publishing.is_set():  # the first request's reply never comes, and its cancellation is lost
            publishing.set()
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                pass
        published.append((percent, step))
    reporter = ProgressReporter(publish, interval=0.01)
    await reporter.__aenter__()
    reporter.report(50, "Scanning 1 of 2 files")
    await publishing.wait()
    reporter.report(90, "Scanning 2 of 2 files")
    # Waited for without cancelling it: a wait_for's cancellation at its timeout would end the
    # reporter's task a second time, which is what the reporter itself must do.
    stopping = asyncio.create_task(reporter.__aexit__(None, None, None))
    done, _ = await asyncio.wait([stopping], timeout=10)
    assert stopping in done, "the reporter never stopped"
    assert published == [(50, "Scanning 1 of 2 files"), (90, "Scanning 2 of 2 files")]


def waits_on_cancelled_tasks(tree: ast.AST) -> list[int]:
    """Lines where a function awaits, without a timeout and not through `cancelled`, something it
    cancelled earlier (a task — `task`, `self._task` — or a collection whose members it cancelled
    in a loop)."""
    found = []
    for function in ast.walk(tree):
        if not isinstance(function, (ast.AsyncFunctionDef, ast.FunctionDef)):
            continue
        loops = {node.target.id: ast.unparse(node.iter) for node in ast.walk(function)
                 if isinstance(node, (ast.For, ast.AsyncFor)) and isinstance(node.target, ast.Name)}
        cancelled_at: dict[str, int] = {}
        for node in ast.walk(function):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "cancel" \
                    and not node.args:
                target = ast.unparse(node.func.value)
                for name in (target, loops.get(target)):
                    if name:
                        cancelled_at[name] = min(node.lineno, cancelled_at.get(name, node.lineno))
        for node in ast.walk(function):
            if not isinstance(node, ast.Await):
                continue
            value = node.value
            if isinstance(value, ast.Call) and (
                    any(k.arg == "timeout" for k in value.keywords)
                    or (isinstance(value.func, ast.Name) and value.func.id == "cancelled")):
                continue
            named = {ast.unparse(n) for n in ast.walk(value) if isinstance(n, (ast.Name, ast.Attribute))}
            if any(name in named and line < node.lineno for name, line in cancelled_at.items()):
                found.append(node.lineno)
    return found


@pytest.mark.parametrize("folder", ["services", "shared"])
def test_no_part_waits_on_a_task_it_cancelled_but_through_cancelled(folder):
    offending = {}
    for path in sorted((ROOT / folder).rglob("*.py")):
        if lines := waits_on_cancelled_tasks(ast.parse(path.read_text(encoding="utf-8"))):
            offending[str(path.relative_to(ROOT))] = lines
    assert not offending, offending


def test_the_scan_finds_a_wait_on_a_cancelled_task():
    source = ("async def stop(self, task, jobs):\n    task.cancel()\n    await task\n"
              "    for job in jobs:\n        job.cancel()\n    await asyncio.gather(*jobs)\n"
              "    await asyncio.wait([task], timeout=1)\n    await cancelled(task)\n"
              "    self._task.cancel()\n    await self._task\n")
    assert waits_on_cancelled_tasks(ast.parse(source)) == [3, 6, 10]
