"""The modules of the version of a course a cohort was assigned, as its learners read them: the
current version as its author edited it (what the author's own reader shows), an earlier version as
its stage 4 run wrote it."""
from __future__ import annotations

from typing import Any

from shared.course_content import Question
from shared.course_versions import course_versions
from shared.events.catalogue import ModuleGenerated
from shared.leftover_tasks import all_or_none

from ..api.edits import edit_reader, presented


async def version_count(c, course_id: str) -> int:
    return len(course_versions((await c.histories.load(course_id)).events))


async def version_modules(c, course_id: str, number: int) -> list[dict[str, Any]]:
    """Version `number`'s modules in their order: {module_id, position, title, content} (shared
    between callers: not to be changed)."""
    key = (course_id, number, *await c.cohorts.made_from(course_id))
    found = c.taught_modules.get(key)
    if found is None:
        found = await _version_modules(c, course_id, number)
        c.taught_modules.keep(key, found)
    return found


async def _version_modules(c, course_id: str, number: int) -> list[dict[str, Any]]:
    history = await c.histories.load(course_id)
    versions = course_versions(history.events)
    if not 1 <= number <= len(versions):
        return []
    version = versions[number - 1]
    generated = await c.results.generated(course_id)
    if number == len(versions) and generated is not None and generated["task_id"] == version.task_id:
        rows = await c.results.module_contents(course_id, version.task_id)
        contents = await all_or_none(*(c.module_contents.get(row["content_ref"], row["content_hash"])
                                       for row in rows))
        modules, _ = presented(rows, contents, await edit_reader(c).edits(course_id))
    else:
        written = sorted((e.payload for e in history.events
                          if isinstance(e, ModuleGenerated) and e.payload.task_id == version.task_id),
                         key=lambda p: p.position)
        contents = await all_or_none(*(c.module_contents.get(p.content_ref, p.content_hash) for p in written))
        modules = [{"module_id": p.module_id, "position": n, "title": p.title, "content": content}
                   for n, (p, content) in enumerate(zip(written, contents), start=1)]
    return [{"module_id": m["module_id"], "position": m["position"], "title": m["title"],
             "content": m["content"]} for m in modules]


def questions_of(module: dict[str, Any]) -> list[Question]:
    """The module's assessment, as stage 4 validated it."""
    return [Question.model_validate(q) for q in (module.get("content") or {}).get("assessment") or []]


def is_right(question: Question, choice: int) -> bool | None:
    """Whether option `choice` answers `question`; None when there is no such option. A short answer
    is marked by the learner against the expected answer: choice 0 "I had it", 1 "I did not"."""
    if question.kind == "short_answer":
        return choice == 0 if choice in (0, 1) else None
    if not 0 <= choice < len(question.options):
        return None
    return question.options[choice] == question.answer  # the answer is one of the options (Question)
