"""What a fork inherits (shared/forks.py): its source's events up to a sequence and to the end of a
stage, read as its own; pure, so every reader of the fork's history sees the same."""
from __future__ import annotations

from services.gateway.domain.course import fold
from shared.course_versions import course_versions
from shared.events import CATALOGUE
from shared.events.catalogue import (
    CourseGenerated, CourseGenerationRequested, DocAnalysed, EditUndone, ModuleEdited, ModuleGenerated, PathwaySelected,
    PathwaysGenerated,
)
from shared.forks import NEVER_INHERITED, RUN_EVENTS, STAGE_OF, inherited
from shared.stage.runs import SUCCESS, fold_runs
from tests.support.forking import PATHWAY, forked_at, sequenced, whole_course

SOURCE = sequenced(whole_course())
LAST_OF_THE_FIRST_VERSION = next(seq for seq, e in SOURCE if e.event_type == "CourseRefreshEnded")


def types(pairs) -> list[str]:
    return [e.event_type for _, e in pairs]


def test_every_event_type_is_either_a_stage_s_or_never_inherited():
    for cls in CATALOGUE:
        assert (cls in STAGE_OF) + (cls in RUN_EVENTS) + (cls in NEVER_INHERITED) == 1, cls.__name__


def test_a_fork_from_stage_2_inherits_stages_1_and_2_up_to_its_sequence_as_its_own():
    forked = forked_at(SOURCE, "fork", "stage2", LAST_OF_THE_FIRST_VERSION)
    got = inherited(SOURCE, forked)
    assert types(got) == [
        "RepoCloneRequested", "StageStarted", "StageProgressed", "RepoFilesDiscovered", "RepoCloned",
        "FoldersSelected", "DocsAnalysisRequested", "StageStarted", "StageProgressed", "DocAnalysed",
        "DocsAnalysed"]
    assert {e.course_id for _, e in got} == {"fork"}
    source = dict(SOURCE)
    for seq, event in got:  # the same event, with the source's sequence, under another id
        original = source[seq]
        assert event.event_id != original.event_id and event.payload == original.payload
        assert (event.occurred_at, event.actor, event.correlation_id) == (
            original.occurred_at, original.actor, original.correlation_id)
    runs = fold_runs(e for _, e in got)
    assert {stage: run.status for stage, run in runs.items()} == {"stage1": SUCCESS, "stage2": SUCCESS}


def test_what_the_source_did_after_the_fork_stays_its_own():
    everything = forked_at(SOURCE, "fork", "stage2", SOURCE[-1][0])
    assert types(inherited(SOURCE, everything))[-1] == "DocsAnalysisRequested"  # t2b, after the refresh
    before = forked_at(SOURCE, "fork", "stage2", LAST_OF_THE_FIRST_VERSION)
    assert "t2b" not in {getattr(e.payload, "task_id", None) for _, e in inherited(SOURCE, before)}


def test_the_source_s_life_as_a_course_is_never_inherited():
    got = types(inherited(SOURCE, forked_at(SOURCE, "fork", "stage4", SOURCE[-1][0])))
    for kind in ("CourseCreated", "CourseUpdated", "CourseRefreshRequested", "CourseRefreshEnded"):
        assert kind not in got
    assert {"PathwaySelected", "CourseGenerated", "ModuleEdited", "EditUndone"} <= set(got)


def test_a_fork_from_stage_3_keeps_the_choice_under_its_own_pathway_and_module_ids():
    got = [e for _, e in inherited(SOURCE, forked_at(SOURCE, "fork", "stage3", LAST_OF_THE_FIRST_VERSION))]
    [generated] = [e for e in got if isinstance(e, PathwaysGenerated)]
    [selected] = [e for e in got if isinstance(e, PathwaySelected)]
    [pathway] = generated.payload.pathways
    assert pathway.pathway_id != PATHWAY and selected.payload.pathway_id == pathway.pathway_id
    assert [m.module_id for m in pathway.modules] == [f"{pathway.pathway_id}-01", f"{pathway.pathway_id}-02"]
    assert not any(isinstance(e, (CourseGenerationRequested, ModuleGenerated, ModuleEdited)) for e in got)
    state = fold("fork", got)
    assert state.selected_pathway == pathway.pathway_id and set(state.current_pathways()) == {pathway.pathway_id}


def test_a_fork_from_stage_4_names_modules_and_undone_edits_as_its_own():
    got = [e for _, e in inherited(SOURCE, forked_at(SOURCE, "fork", "stage4", LAST_OF_THE_FIRST_VERSION))]
    [pathway] = next(e for e in got if isinstance(e, PathwaysGenerated)).payload.pathways
    modules = [m.module_id for m in pathway.modules]
    [request] = [e for e in got if isinstance(e, CourseGenerationRequested)]
    assert request.payload.pathway_id == pathway.pathway_id and request.payload.regenerate == [modules[1]]
    assert [e.payload.module_id for e in got if isinstance(e, ModuleGenerated)] == modules
    [edit] = [e for e in got if isinstance(e, ModuleEdited)]
    [undo] = [e for e in got if isinstance(e, EditUndone)]
    assert edit.payload.module_id == modules[0]
    assert undo.payload.edit_event_id == edit.event_id == undo.causation_id
    assert fold_runs(got)["stage4"].status == SUCCESS


def test_the_same_fork_reads_the_same_and_another_fork_other_ids():
    forked = forked_at(SOURCE, "fork", "stage3", LAST_OF_THE_FIRST_VERSION)
    assert inherited(SOURCE, forked) == inherited(SOURCE, forked)
    other = forked_at(SOURCE, "other", "stage3", LAST_OF_THE_FIRST_VERSION)
    ids = {e.event_id for _, e in inherited(SOURCE, forked)}
    assert not ids & {e.event_id for _, e in inherited(SOURCE, other)}
    assert not ids & {e.event_id for _, e in SOURCE}


def test_a_fork_of_a_fork_inherits_through_the_first_under_its_own_ids():
    first = forked_at(SOURCE, "first", "stage3", LAST_OF_THE_FIRST_VERSION)
    # The first fork's history as its store reads it: what it inherits, its CourseForked, its own events.
    first_history = [*inherited(SOURCE, first), (len(SOURCE) + 1, first)]
    second = forked_at(first_history, "second", "stage2", len(SOURCE) + 1)
    got = inherited(first_history, second)
    assert types(got)[-1] == "DocsAnalysed" and {e.course_id for _, e in got} == {"second"}
    analyses = [e for _, e in got if isinstance(e, DocAnalysed)]
    assert len(analyses) == 1 and analyses[0].event_id not in {e.event_id for _, e in first_history}


def test_a_fork_s_first_version_costs_nothing_for_what_it_inherits():
    forked = forked_at(SOURCE, "fork", "stage3", LAST_OF_THE_FIRST_VERSION)
    inherited_events = [e for _, e in inherited(SOURCE, forked)]
    pathway = next(e for e in inherited_events if isinstance(e, PathwaysGenerated)).payload.pathways[0]
    request = CourseGenerationRequested(course_id="fork", actor="bob", payload={
        "task_id": "f4", "pathway_id": pathway.pathway_id})
    written = [request, ModuleGenerated(course_id="fork", actor="modules", payload={
        "task_id": "f4", "module_id": pathway.modules[0].module_id, "position": 0, "title": "m",
        "content_ref": "fork/f4/m", "content_hash": "h"}),
        CourseGenerated(course_id="fork", actor="modules", payload={
            "task_id": "f4", "module_count": 1, "export_ref": "fork/f4/course.zip"})]
    unforked = course_versions([*inherited_events, *written])
    [version] = course_versions([*inherited_events, forked, *written])
    assert unforked[0].cost.documents_analysed == 1  # what the source's stage 2 analysed
    assert (version.cost.documents_analysed, version.cost.modules_written) == (0, 1)
