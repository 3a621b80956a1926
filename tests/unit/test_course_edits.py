"""The overlay of the author's edits (shared/course_edits.py): each kind of edit, the order of a
reorder for modules it does not name, merges, edits of modules that are gone, and — for any course
and any edits — undoing every edit gives back what stage 4 wrote."""
from __future__ import annotations

import copy

import pytest
from hypothesis import given, settings, strategies as st

from shared.course_content import InvalidField, validate_fields
from shared.course_edits import apply_edits, edited_ids, fold_edits, presented_order
from shared.events.catalogue import EditUndone, ModuleEdited, ModuleRemoved, ModulesMerged, ModulesReordered


def module(n: int) -> tuple[str, dict]:
    return f"m{n}", {"title": f"Module {n}", "introduction": f"intro {n}", "summary": "",
                     "sections": [{"title": f"s{n}", "body_markdown": "b", "source": {"path": f"{n}.md"}}],
                     "key_points": [f"k{n}"], "assessment": [], "learning_objectives": [f"o{n}"]}


COURSE = [module(n) for n in range(1, 5)]


def edit(cls, **payload):
    return cls(course_id="c", actor="alice", payload=payload)


def ids(presented) -> list[str]:
    return [m.module_id for m in presented]


def test_a_rename_replaces_the_title_and_marks_the_module_edited():
    course = apply_edits(COURSE, fold_edits([edit(ModuleEdited, module_id="m2", fields={"title": "Setup"})]))
    assert course[1].content["title"] == "Setup" and course[1].edited_fields == ("title",)
    assert course[1].content["introduction"] == "intro 2", "the other fields stay"
    assert edited_ids(course) == ["m2"]
    assert COURSE[1][1]["title"] == "Module 2", "the given contents are not changed"


def test_a_later_edit_of_the_same_field_wins_and_undoing_it_brings_back_the_earlier():
    first = edit(ModuleEdited, module_id="m1", fields={"summary": "one"})
    second = edit(ModuleEdited, module_id="m1", fields={"summary": "two", "introduction": "new"})
    assert apply_edits(COURSE, fold_edits([first, second]))[0].content["summary"] == "two"
    undone = fold_edits([first, second, edit(EditUndone, edit_event_id=second.event_id)])
    course = apply_edits(COURSE, undone)
    assert course[0].content["summary"] == "one" and course[0].content["introduction"] == "intro 1"
    assert course[0].edited_fields == ("summary",)


def test_removal_and_an_edit_of_a_module_no_longer_there_is_inert():
    events = [edit(ModuleRemoved, module_id="m3"), edit(ModuleEdited, module_id="m3", fields={"title": "x"}),
              edit(ModuleEdited, module_id="gone", fields={"title": "y"})]
    course = apply_edits(COURSE, fold_edits(events))
    assert ids(course) == ["m1", "m2", "m4"] and not edited_ids(course)
    # Undo the removal: the module is back, with the edit made while it was away.
    undo = edit(EditUndone, edit_event_id=events[0].event_id)
    back = apply_edits(COURSE, fold_edits([*events, undo]))
    assert ids(back) == ["m1", "m2", "m3", "m4"] and back[2].content["title"] == "x"


def test_a_reorder_keeps_modules_it_does_not_name_after_the_module_they_followed():
    reorder = edit(ModulesReordered, module_ids=["m3", "m1", "m2"])
    # m0 (new, first) and m4 (after m3) and m5 (new, after m1) were not named by the reorder.
    modules = [module(0), module(1), module(5), module(2), module(3), module(4)]
    assert presented_order([m for m, _ in modules], fold_edits([reorder])) == ["m0", "m3", "m4", "m1", "m5", "m2"]
    assert presented_order(["m2", "m1"], fold_edits([reorder])) == ["m1", "m2"], "a missing module is skipped"


def test_a_merge_folds_content_into_the_module_kept_in_order():
    merge = edit(ModulesMerged, into="m2", merged=["m4", "m3"], title="Both")
    course = apply_edits(COURSE, fold_edits([merge]))
    assert ids(course) == ["m1", "m2"]
    kept = course[1]
    assert kept.content["title"] == "Both"
    assert [s["title"] for s in kept.content["sections"]] == ["s2", "s4", "s3"]
    assert kept.content["key_points"] == ["k2", "k4", "k3"]
    assert kept.merged == ("m4", "m3") and {"sections", "key_points", "title"} <= set(kept.edited_fields)


def test_a_merge_into_a_module_that_is_gone_changes_nothing():
    events = [edit(ModuleRemoved, module_id="m1"), edit(ModulesMerged, into="m1", merged=["m2"])]
    assert ids(apply_edits(COURSE, fold_edits(events))) == ["m2", "m3", "m4"]


def test_an_undo_counts_once_and_only_for_an_edit_before_it():
    rename = edit(ModuleEdited, module_id="m1", fields={"title": "x"})
    early_undo = edit(EditUndone, edit_event_id=rename.event_id)
    edits = fold_edits([early_undo, rename])
    assert edits[0].active, "an undo naming an edit not yet made undoes nothing"
    first, again = edit(EditUndone, edit_event_id=rename.event_id), edit(EditUndone, edit_event_id=rename.event_id)
    assert fold_edits([rename, first, again])[0].undone_by == first.event_id


def test_edited_fields_are_checked_against_the_content_model():
    assert validate_fields({"title": "New"}) == {"title": "New"}
    with pytest.raises(InvalidField) as bad:
        validate_fields({"colour": "red"})
    assert bad.value.field == "colour"
    with pytest.raises(InvalidField) as bad:
        validate_fields({"sections": [{"title": "only a title"}]})
    assert bad.value.field.startswith("sections")
    with pytest.raises(InvalidField) as bad:
        validate_fields({"key_points": "not a list"})
    assert bad.value.field == "key_points"


@pytest.mark.parametrize("fields, where, says", [
    ({"code_examples": [{"code": "x" * 65_536, "source": {"path": "a.md"}}]}, "code_examples.0.code",
     "at most 20,000 characters (this one has 65,536)"),
    ({"sections": [{"title": "t", "body_markdown": "b" * 50_001, "source": {"path": "a.md"}}]},
     "sections.0.body_markdown", "at most 50,000 characters"),
    ({"key_points": ["k"] * 101}, "key_points", "at most 100 items (this one has 101)"),
    ({"assessment": [{"kind": "true_false", "prompt": "p", "options": ["o" * 1_001, "True"], "answer": "True",
                      "explanation": "e", "source": {"path": "a.md"}}]}, "assessment.0.options.0",
     "at most 1,000 characters"),
    ({"introduction": "i" * 50_000, "summary": "s" * 50_000, "conclusion": "c" * 50_000,
      "sections": [{"title": "t", "body_markdown": "b" * 50_000, "source": {"path": "a.md"}}]}, "fields",
     "at most 200,000 characters in one edit"),
])
def test_an_edit_over_a_size_limit_is_refused_naming_the_field_and_the_limit(fields, where, says):
    with pytest.raises(InvalidField) as bad:
        validate_fields(fields)
    assert bad.value.field == where and says in bad.value.reason


# --- any edits ----------------------------------------------------------------------------------
MODULE_IDS = [f"m{n}" for n in range(1, 6)]
TEXT = st.text(max_size=8)


@st.composite
def edit_events(draw):
    kind = draw(st.sampled_from(["edited", "removed", "reordered", "merged"]))
    some = st.sampled_from(MODULE_IDS + ["elsewhere"])
    if kind == "edited":
        fields = draw(st.dictionaries(st.sampled_from(["title", "introduction", "summary", "key_points"]),
                                      TEXT, min_size=1))
        if "key_points" in fields:
            fields["key_points"] = [fields["key_points"]]
        return edit(ModuleEdited, module_id=draw(some), fields=fields)
    if kind == "removed":
        return edit(ModuleRemoved, module_id=draw(some))
    if kind == "reordered":
        return edit(ModulesReordered, module_ids=draw(st.permutations(MODULE_IDS)))
    return edit(ModulesMerged, into=draw(some), merged=draw(st.lists(some, min_size=1, max_size=3)),
                title=draw(st.none() | TEXT.filter(str.strip)))


@settings(max_examples=200, deadline=None)
@given(count=st.integers(1, 5), events=st.lists(edit_events(), max_size=8), data=st.data())
def test_undoing_every_edit_gives_back_the_original(count, events, data):
    course = [module(n) for n in range(1, count + 1)]
    before = copy.deepcopy(course)
    undos = [edit(EditUndone, edit_event_id=e.event_id) for e in data.draw(st.permutations(events))]
    presented = apply_edits(course, fold_edits([*events, *undos]))
    assert [(m.module_id, m.content) for m in presented] == before
    assert not edited_ids(presented) and course == before


@settings(max_examples=200, deadline=None)
@given(count=st.integers(1, 5), events=st.lists(edit_events(), max_size=8))
def test_edits_keep_every_module_once_and_only_remove_what_they_name(count, events):
    course = [module(n) for n in range(1, count + 1)]
    presented = ids(apply_edits(course, fold_edits(events)))
    assert len(presented) == len(set(presented)) and set(presented) <= {m for m, _ in course}
    named_away = {e.payload.module_id for e in events if isinstance(e, ModuleRemoved)} | \
        {m for e in events if isinstance(e, ModulesMerged) for m in e.payload.merged}
    assert {m for m, _ in course} - set(presented) <= named_away
