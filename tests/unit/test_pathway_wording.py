"""Stage 3's batches for a model with a small window: the engine's modules are worded by the model
in prompts that each fit the window with room for the answer and a repair, every module asked about
once; the answers replace titles, descriptions and objectives and nothing of the structure."""
from __future__ import annotations

from shared.llm.model_limits import ModelLimits
from shared.llm.openai_answer import messages_for
from shared.llm.prompt_size import request_tokens
from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.validation import validate_plan
from services.pathway.engine.wording import (
    ModuleWording, ModuleWordings, apply_wordings, batches, distinct_modules, word_modules_task,
)


def documents(count: int) -> list[PathwayDocument]:
    return [PathwayDocument(path=f"docs/part{i // 50:02d}/page{i:04d}.md", title=f"Page {i} on topic {i % 37}",
                            doc_type="guide", complexity_level="beginner", reading_minutes=3 + i % 5,
                            key_concepts=[f"concept {i % 37}", f"widget {i % 11}", f"frame {i}"])
            for i in range(count)]


def sent_tokens(prompt, schema=ModuleWordings) -> int:
    """The request as the OpenAI-compatible provider sends it in its JSON mode, measured its way."""
    request = {"messages": messages_for("json", prompt, schema.model_json_schema())}
    return request_tokens(request)


def test_every_module_is_asked_about_once_in_batches_that_fit_an_8k_window():
    docs = documents(2000)
    plan = plan_pathways(docs, 3)
    modules = distinct_modules(plan)
    todo, unasked = batches(modules, docs, ModelLimits(8192, None), "big", "")
    assert unasked == []
    asked = [i for batch in todo for i in batch.indexes]
    assert sorted(asked) == list(range(len(modules)))
    assert len(todo) > 1
    for batch in todo:
        # the prompt, its answer, and the answer sent back once more in a repair turn
        assert sent_tokens(batch.prompt) + 2 * batch.prompt.max_output_tokens <= 8192


def test_an_output_limit_caps_the_batch():
    docs = documents(300)
    modules = distinct_modules(plan_pathways(docs, 2))
    todo, _ = batches(modules, docs, ModelLimits(128_000, 1000), "big", "")
    assert all(batch.prompt.max_output_tokens <= 1000 for batch in todo)


def test_answers_replace_the_wording_and_keep_the_structure():
    docs = documents(120)
    plan = plan_pathways(docs, 3)
    modules = distinct_modules(plan)
    wordings = {i: ModuleWording(index=i, title="Same title", description=f"About {i}.",
                                 learning_objectives=[f"Use part {i}"]) for i in range(len(modules))}
    worded = apply_wordings(plan, modules, wordings)
    assert validate_plan(worded, docs) == []
    for before, after in zip(plan.pathways, worded.pathways):
        assert [m.documents for m in before.modules] == [m.documents for m in after.modules]
        titles = [m.title for m in after.modules]
        assert len(set(titles)) == len(titles) and titles[0] == "Same title"  # told apart, the first as given
        assert all(m.learning_objectives[0].startswith("Use part") for m in after.modules)


def test_without_an_answer_a_module_keeps_the_engines_wording():
    docs = documents(60)
    plan = plan_pathways(docs, 2)
    modules = distinct_modules(plan)
    todo, _ = batches(modules, docs, ModelLimits(8192, None), "big", "")
    offline = word_modules_task(todo[0].prompt.data)
    worded = apply_wordings(plan, modules, {w.index: w for w in offline.modules})
    assert worded == plan
