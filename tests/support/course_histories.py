"""Generated histories of one course in a causal order a real system could produce (late workers,
failed and cancelled runs, re-runs, selections, a deletion now and then): for the projection's
property tests and the bulk rebuild's equality with it."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import strategies as st

from shared.events.catalogue import (
    CourseCreated, CourseDeleted, CourseGenerated, CourseGenerationRequested, CourseUpdated, DocAnalysed,
    DocsAnalysed, DocsAnalysisRequested, EditUndone, FoldersSelected, ModuleEdited, ModuleGenerated,
    ModuleRemoved, ModulesMerged, ModulesReordered, PathwayModulesListed, PathwaySelected, PathwaysGenerated, PathwaysRequested, RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageCancelled, StageFailed,
    StageProgressed, StageStarted,
)
from shared.pathway_parts import split_modules

COURSE, T0 = "course-1", datetime(2025, 1, 1, tzinfo=timezone.utc)
TEXT = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12)
PATHS = ["README.md", "docs/index.md", "docs/guide/install.md", "docs/guide/use.md", "src/main.py"]
ENDINGS = st.sampled_from(["success"] * 4 + ["failed", "cancelled"])


@st.composite
def histories(draw, course: str = COURSE) -> list:
    """One course's log in a causal order a real system could produce, late workers included.
    Its task, pathway and module ids carry `course` unless it is the default one."""
    tag = "" if course == COURSE else f"{course}-"
    events, state = [], {"revision": 1, "scanned": None, "selected": False, "analysed": False, "pathways": [],
                         "edits": []}
    old_tasks: list[tuple[str, str]] = []

    def add(cls, actor="alice", **payload):
        events.append(cls(course_id=course, actor=actor, occurred_at=T0 + timedelta(seconds=len(events)),
                          payload=payload))

    def run(stage: str, request, body) -> str | None:
        """A run of `stage` up to its result: the task id if it is to succeed, else None (it failed
        or was cancelled)."""
        task = f"{tag}{stage}-{len(events)}"
        add(request, task_id=task, **body)
        old_tasks.append((stage, task))
        if draw(st.booleans()):
            add(StageStarted, "worker", stage=stage, task_id=task)
        for percent in draw(st.lists(st.integers(0, 100), max_size=2)):
            add(StageProgressed, "worker", stage=stage, task_id=task, progress_percentage=percent,
                current_step=draw(TEXT))
        ending = draw(ENDINGS)
        if ending == "failed":
            add(StageFailed, "worker", stage=stage, task_id=task, error_message=draw(TEXT))
        elif ending == "cancelled":
            add(StageCancelled, "worker", stage=stage, task_id=task)
        return task if ending == "success" else None

    add(CourseCreated, owner_id="alice", title=draw(TEXT.filter(str.strip)) or "t", description=draw(TEXT))
    for _ in range(draw(st.integers(3, 12))):  # the next stages are the likeliest steps
        actions = ["update", "stage1"] + ["late"] * bool(old_tasks) + ["select"] * 4 * bool(state["scanned"]) + \
            ["stage2"] * 6 * state["selected"] + ["stage3"] * 8 * state["analysed"] + \
            ["stage4"] * 10 * bool(state["pathways"]) + ["edit"] * 3 * bool(state["pathways"])
        action = draw(st.sampled_from(actions))
        if action == "update":
            state["revision"] += 1
            add(CourseUpdated, title=draw(st.none() | TEXT.filter(str.strip)), description=draw(TEXT),
                revision=state["revision"])
        elif action == "late":  # a worker that did not hear its run was over
            stage, task = draw(st.sampled_from(old_tasks))
            add(StageProgressed, "worker", stage=stage, task_id=task, progress_percentage=50, current_step="late")
        elif action == "stage1" and (task := run("stage1", RepoCloneRequested, {"repo_url": "https://x/r"})):
            files = draw(st.lists(st.sampled_from(PATHS), min_size=1, unique=True))
            cut = draw(st.integers(0, len(files)))
            for i, chunk in enumerate([files[:cut], files[cut:]]):
                add(RepoFilesDiscovered, "repo_clone", task_id=task, chunk_index=i, chunk_count=2, files=[
                    {"path": p, "size": len(p), "is_documentation": p.endswith(".md")} for p in chunk])
            add(RepoCloned, "repo_clone", task_id=task, repo_url="https://x/r", repo_name="r", commit_sha="c" * 40,
                file_count=len(files), documentation_count=len(files), chunk_count=2, snapshot_ref="snap")
            state.update(scanned=files, selected=False)
        elif action == "select":
            folders = sorted({p.rsplit("/", 1)[0] if "/" in p else "." for p in state["scanned"]})
            add(FoldersSelected, selected_folders=draw(st.lists(st.sampled_from(folders), min_size=1, unique=True)),
                overview_document=draw(st.none() | st.sampled_from(state["scanned"])))
            state["selected"] = True
        elif action == "stage2" and (task := run("stage2", DocsAnalysisRequested, {
                "complexity_level": draw(st.sampled_from(["beginner", "advanced"])), "additional_info": draw(TEXT)})):
            docs = draw(st.lists(st.sampled_from(state["scanned"]), unique=True))
            for position, path in enumerate(docs):
                add(DocAnalysed, "doc_analyser", task_id=task, path=path, title=draw(TEXT), doc_type="guide",
                    complexity_level="beginner", key_concepts=draw(st.lists(TEXT, max_size=2)), word_count=10,
                    content_hash="h" + path, position=position)
            add(DocsAnalysed, "doc_analyser", task_id=task, document_count=len(docs),
                skipped=[{"path": "x.md", "reason": draw(TEXT)}] if draw(st.booleans()) else [])
            state["analysed"] = True
        elif action == "stage3" and (task := run("stage3", PathwaysRequested, {"pathway_count": 2})):
            pathways = [{"pathway_id": f"{task}-p{i}", "title": draw(TEXT), "modules": [
                {"module_id": f"{task}-p{i}-m{j}", "title": draw(TEXT), "estimated_minutes": 5,
                 "documents": draw(st.lists(st.sampled_from(PATHS), max_size=2))}
                for j in range(draw(st.integers(0, 2)))]} for i in range(draw(st.integers(1, 2)))]
            if draw(st.booleans()):
                add(PathwaysGenerated, "pathway", task_id=task, pathways=pathways)
            else:  # announced in parts, as a plan too large for one message is (shared/pathway_parts.py)
                parts = split_modules(pathways, draw(st.integers(1, 400)))
                for part in parts:
                    add(PathwayModulesListed, "pathway", task_id=task, **part)
                add(PathwaysGenerated, "pathway", task_id=task, module_parts=len(parts),
                    pathways=[{**w, "modules": []} for w in pathways])
            state["pathways"] = [p["pathway_id"] for p in pathways]
            add(PathwaySelected, pathway_id=draw(st.sampled_from(state["pathways"])))
        elif action == "stage4" and (task := run("stage4", CourseGenerationRequested, {
                "pathway_id": state["pathways"][0]})):
            for position in range(draw(st.integers(0, 2))):
                add(ModuleGenerated, "modules", task_id=task, module_id=f"m{position}", position=position,
                    title=draw(TEXT), content_ref=f"ref-{task}-{position}", content_hash="h")
            add(CourseGenerated, "modules", task_id=task, module_count=2, export_ref=f"export-{task}")
        elif action == "edit":  # the author's edits of modules m0, m1, and undos (a repeated one among them)
            kind = draw(st.sampled_from(["edited", "removed", "reordered", "merged", "undo", "undo"]))
            if kind == "edited":
                add(ModuleEdited, module_id=draw(st.sampled_from(["m0", "m1"])), fields={"title": draw(TEXT)})
            elif kind == "removed":
                add(ModuleRemoved, module_id=draw(st.sampled_from(["m0", "m1"])))
            elif kind == "reordered":
                add(ModulesReordered, module_ids=["m1", "m0"])
            elif kind == "merged":
                add(ModulesMerged, into="m0", merged=["m1"], title=draw(st.none() | TEXT.filter(str.strip)))
            else:
                add(EditUndone, edit_event_id=draw(st.sampled_from(state["edits"] or ["no-such-edit"])))
            if kind != "undo":
                state["edits"].append(events[-1].event_id)
    if draw(st.integers(0, 9)) == 0:
        add(CourseDeleted)
    return events
