"""Every event of the product: the single source of the event contracts. Each class declares who
may publish it (PUBLISHED_BY); `make contracts` generates the JSON Schemas and the NATS publish
permissions from this list (docs/adding-an-event.md). The classes are declared by area in
course_events.py, stage_events.py, living_events.py, tutor_events.py and cohort_events.py, every name of theirs importable from here.
Published shapes are never edited: add a version."""
from __future__ import annotations

# Every event and payload class, importable from here as from the modules that declare them.
from .cohort_events import *  # noqa: F401,F403
from .cohort_events import (
    CohortCreated, CourseAssigned, LearnerProgressErased, MemberAdded, MemberErased, MemberRemoved, ModuleCompleted,
    ModuleRead, QuestionAnswered, ReleaseScheduled,
)
from .course_events import *  # noqa: F401,F403
from .course_events import (
    CourseCreated, CourseDeleted, CourseUpdated, StageCancelled, StageFailed, StageProgressed, StageStarted,
)
from .envelope import Event
from .fields import BUDGET_USD as BUDGET_USD
from .fields import Description as Description
from .fields import Stage as Stage
from .fields import Title as Title
from .living_events import *  # noqa: F401,F403
from .living_events import (
    CourseForked, CourseRefreshEnded, CourseRefreshRequested, EditUndone, GitHookCreated, GitHookDeleted,
    ModuleEdited, ModuleRemoved, ModulesMerged, ModulesReordered,
)
from .stage_events import *  # noqa: F401,F403
from .stage_events import (
    CourseGenerated, CourseGenerationRequested, DocAnalysed, DocsAnalysed, DocsAnalysisRequested, FoldersSelected,
    ModuleGenerated, PathwayModulesListed, PathwaysGenerated, PathwaySelected, PathwaysRequested, RepoCloned,
    RepoCloneRequested, RepoFilesDiscovered,
)
from .tutor_events import *  # noqa: F401,F403
from .tutor_events import TutorAnswered, TutorHistoryCleared

CATALOGUE: tuple[type[Event], ...] = (
    CourseCreated, CourseUpdated, CourseDeleted,
    StageStarted, StageProgressed, StageFailed, StageCancelled,
    RepoCloneRequested, RepoFilesDiscovered, RepoCloned, FoldersSelected,
    DocsAnalysisRequested, DocAnalysed, DocsAnalysed,
    PathwaysRequested, PathwaysGenerated, PathwaySelected, PathwayModulesListed,
    CourseGenerationRequested, ModuleGenerated, CourseGenerated,
    CourseRefreshRequested, CourseRefreshEnded,
    ModuleEdited, ModulesReordered, ModuleRemoved, ModulesMerged, EditUndone, CourseForked,
    GitHookCreated, GitHookDeleted,
    TutorAnswered, TutorHistoryCleared,
    CohortCreated, MemberAdded, MemberRemoved, CourseAssigned, ReleaseScheduled, MemberErased,
    ModuleRead, QuestionAnswered, ModuleCompleted, LearnerProgressErased,
)
