"""Stages 2 and 3 ask for the course's language where their text reaches the learner (issue 48):
the language is folded from the course's events as of the run's request, stage 2's prompt asks its
summary and objectives in it, stage 3's prompts their titles, descriptions and objectives, and the
words later stages match against the sources (concepts, paths) stay as the sources have them. A
course without a language gets the prompts it had before, byte for byte (their sizes are calibrated)."""
from __future__ import annotations

from services.doc_analyser.engine.cache import cache_key
from services.doc_analyser.engine.prompts import CourseContext, analysis_prompt
from services.gateway.domain.course import create_course, fold, update_course
from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from services.pathway.engine.prompts import pathways_prompt
from services.pathway.engine.wording import batches, distinct_modules
from services.pathway.inputs import plan_inputs
from shared.asked_language import asked_language
from shared.docs.parsing import parse
from shared.events.catalogue import PathwaysRequested
from shared.llm.model_limits import ModelLimits
from shared.llm.prompt_size import estimate_tokens

DOCS = [PathwayDocument(path=f"docs/page{i}.md", title=f"Page {i}", doc_type="guide",
                        complexity_level="beginner", reading_minutes=5, key_concepts=[f"widget {i}"])
        for i in range(40)]
TEXT = "# Kettle\n\nKettle boils water for tea."


def _history():
    created = create_course("c1", "alice", "Kettle", "", "fr")
    renamed = update_course(fold("c1", [created]), "alice", False, None, "Bouilloire", None)
    changed = update_course(fold("c1", [created, renamed]), "alice", False, None, None, None, "ar")
    return created, renamed, changed


def test_the_language_asked_is_folded_from_the_course_events_as_of_the_request():
    created, renamed, changed = _history()
    assert asked_language([created]) == "fr"
    assert asked_language([created, renamed]) == "fr"  # a rename keeps it
    assert asked_language([created, renamed, changed]) == "ar"
    request = PathwaysRequested(course_id="c1", actor="alice", payload={"task_id": "t1"})
    # A redelivery after a later change asks as the first delivery did.
    assert asked_language([created, request, changed], request.event_id) == "fr"
    assert plan_inputs([created, renamed, request, changed], request, []).language == "fr"
    assert asked_language([create_course("c1", "alice", "Kettle", "")]) is None


def test_stage_2_asks_the_summary_and_objectives_in_the_course_language():
    plain = CourseContext("kettle", "beginner", "", 3)
    french = CourseContext("kettle", "beginner", "", 3, "fr")
    asked = analysis_prompt(parse("README.md", TEXT), TEXT, french).system
    before = analysis_prompt(parse("README.md", TEXT), TEXT, plain).system
    assert asked.startswith(before) and "'fr'" in asked and "'fr'" not in before
    line = asked[len(before):]
    assert "summary" in line and "learning objectives" in line and "key concepts" in line.split("keep")[1]
    assert estimate_tokens(line) < 80  # one line: the calibrated estimates stay close


def test_stage_2_caches_an_analysis_per_language_and_keeps_the_keys_of_courses_without_one():
    key = ("h", "openai", "m", "v", "beginner", "")
    assert cache_key(*key) == cache_key(*key, None)
    assert cache_key(*key, "fr") != cache_key(*key) and cache_key(*key, "fr") != cache_key(*key, "de")


def test_stage_3_asks_its_titles_descriptions_and_objectives_in_the_course_language():
    before = pathways_prompt(DOCS, 2, "", None, 45, "kettle")
    asked = pathways_prompt(DOCS, 2, "", None, 45, "kettle", "ja")
    assert asked.system.startswith(before.system) and asked.user == before.user
    line = asked.system[len(before.system):]
    assert "'ja'" in line and "titles, descriptions and objectives" in line and "paths" in line.split("keep")[1]
    assert pathways_prompt(DOCS, 2, "", None, 45, "kettle", None).system == before.system


def test_stage_3_words_its_batches_in_the_course_language_within_the_window():
    modules = distinct_modules(plan_pathways(DOCS, 2))
    plain, _ = batches(modules, DOCS, ModelLimits(4096, None), "kettle", "")
    asked, unasked = batches(modules, DOCS, ModelLimits(4096, None), "kettle", "", "de")
    assert unasked == [] and sorted(i for b in asked for i in b.indexes) == list(range(len(modules)))
    assert all("'de'" in b.prompt.system for b in asked) and not any("'de'" in b.prompt.system for b in plain)
