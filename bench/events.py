"""A synthetic but realistic event log: every course goes through the four stages the way the
services drive it (the same event types, payload shapes and sizes, the same task ids linking them),
so the projector does the work it does in production for each event.

One course is built with the real event classes and serialised once; the other courses are that
JSON with the course number substituted (course id, task ids, event ids, pathway and module ids all
carry it), so a million events are produced in seconds and every id stays unique."""
from __future__ import annotations

import asyncio
import random
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from shared.events.catalogue import (
    CourseCreated, CourseGenerated, CourseGenerationRequested, CourseUpdated, DocAnalysed, DocsAnalysed,
    DocsAnalysisRequested, FoldersSelected, ModuleGenerated, PathwaySelected, PathwaysGenerated,
    PathwaysRequested, RepoCloned, RepoCloneRequested, RepoFilesDiscovered, StageProgressed, StageStarted,
)
from shared.events.subjects import subject_for

MARK = "ZZMARKZZ"  # replaced by the zero-padded course number (8 characters)
DOCUMENTS_PER_COURSE = 60
FILES_PER_COURSE = 400
MODULES = 6
PATHWAYS = 3
_WORDS = ("broker topic partition consumer group producer retry acknowledgement batch offset schema "
          "stream subject durable ordered replay snapshot checkpoint projection gateway service "
          "deployment cluster replica leader follower storage index query latency throughput cache "
          "token session handler middleware router request response payload header timeout backoff").split()


@dataclass(frozen=True)
class Template:
    messages: list[tuple[str, bytes, str]]  # (subject, JSON, event id) with MARK in place of the course number
    owner_marked: bool

    def __len__(self) -> int:
        return len(self.messages)

    def course(self, n: int) -> list[tuple[str, bytes, str]]:
        tag = f"{n:08d}"
        btag = tag.encode()
        return [(s.replace(MARK, tag), d.replace(MARK.encode(), btag), e.replace(MARK, tag))
                for s, d, e in self.messages]


def _phrase(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(_WORDS) for _ in range(words))


def _sentence(rng: random.Random, words: int) -> str:
    return _phrase(rng, words).capitalize() + "."


def course_template(seed: int = 7, owner: str | None = None) -> Template:
    """One course's events, in the order the system appends them (~160 events). `owner`: every
    course belongs to that user; None: the owner is `user-<course number>`."""
    rng = random.Random(seed)
    course_id = f"bench-{MARK}"
    t0 = datetime(2025, 1, 1, tzinfo=timezone.utc)
    clock = [t0]

    def at() -> datetime:
        clock[0] += timedelta(milliseconds=rng.randint(5, 400))
        return clock[0]

    counter = [0]
    events = []

    def add(cls, actor="gateway", causation=None, correlation=None, **payload):
        counter[0] += 1
        event = cls(event_id=f"ev-{MARK}-{counter[0]:05d}", course_id=course_id, occurred_at=at(),
                    actor=actor, causation_id=causation, correlation_id=correlation, payload=payload)
        events.append(event)
        return event

    user = owner or f"user-{MARK}"
    add(CourseCreated, actor=user, owner_id=user, title=f"Course {MARK}: " + _phrase(rng, 4),
        description=_sentence(rng, 20))
    add(CourseUpdated, actor=user, title=f"Course {MARK}: " + _phrase(rng, 5), revision=2)

    # stage 1
    t1 = f"t1-{MARK}"
    req = add(RepoCloneRequested, actor=user, task_id=t1, repo_url="https://github.com/example/skyline",
              correlation=f"c1-{MARK}")
    svc = dict(actor="repo_clone", causation=req.event_id, correlation=req.correlation_id)
    add(StageStarted, stage="stage1", task_id=t1, **svc)
    for pct, step in [(0, "Looking up the repository"), (10, "Receiving objects 20%"), (40, "Receiving objects 60%"),
                      (70, "Checking out files"), (80, "Scanning 200 of 400"), (90, "Scanning 400 of 400")]:
        add(StageProgressed, stage="stage1", task_id=t1, progress_percentage=pct, current_step=step, **svc)
    sections = ["guide", "concepts", "reference", "howto"]
    docs = [f"docs/{rng.choice(sections)}/{_phrase(rng, 2).replace(' ', '-')}-{i}.md"
            for i in range(DOCUMENTS_PER_COURSE)]
    files = [{"path": p, "size": rng.randint(800, 20000), "is_documentation": True,
              "is_overview_candidate": i < 3, "navigation_index": i if i < 40 else None, "encoding": "utf-8",
              "note": None} for i, p in enumerate(docs)]
    files += [{"path": f"src/skyline/{_phrase(rng, 1)}_{i}.py", "size": rng.randint(200, 30000),
               "is_documentation": False, "is_overview_candidate": False, "navigation_index": None,
               "encoding": None, "note": None} for i in range(FILES_PER_COURSE - len(docs))]
    add(RepoFilesDiscovered, task_id=t1, chunk_index=0, chunk_count=1, files=files, **svc)
    add(RepoCloned, task_id=t1, repo_url="https://github.com/example/skyline", repo_name="skyline",
        commit_sha="0123456789abcdef0123456789abcdef01234567", file_count=len(files),
        documentation_count=len(docs), chunk_count=1, snapshot_ref=f"repo-snapshots/{MARK}/0123456789ab", **svc)
    add(FoldersSelected, actor=user, selected_folders=["docs"], overview_document=docs[0])

    # stage 2
    t2 = f"t2-{MARK}"
    req = add(DocsAnalysisRequested, actor=user, task_id=t2, complexity_level="beginner",
              additional_info="hands-on examples", clone_task_id=t1, correlation=f"c2-{MARK}")
    svc = dict(actor="doc_analyser", causation=req.event_id, correlation=req.correlation_id)
    add(StageStarted, stage="stage2", task_id=t2, **svc)
    for i, path in enumerate(docs):
        add(DocAnalysed, task_id=t2, path=path, title=_phrase(rng, 4).title(),
            doc_type=rng.choice(["tutorial", "guide", "reference", "concept"]),
            complexity_level=rng.choice(["beginner", "intermediate"]),
            key_concepts=[_phrase(rng, rng.randint(1, 3)) for _ in range(8)],
            learning_objectives=["Explain " + _phrase(rng, 6) for _ in range(4)],
            summary=" ".join(_sentence(rng, 14) for _ in range(4)),
            prerequisites=rng.sample(docs[:i], min(i, 2)), related_topics=[_phrase(rng, 2) for _ in range(4)],
            word_count=rng.randint(200, 3000), content_hash=f"{rng.getrandbits(256):064x}",
            prerequisite_concepts=[_phrase(rng, 2) for _ in range(3)],
            related_documents=rng.sample(docs, 3), reading_minutes=rng.randint(1, 15),
            usage={"provider": "offline", "model": "offline-engine", "calls": 1}, position=i, **svc)
        add(StageProgressed, stage="stage2", task_id=t2, progress_percentage=min(99, 5 + 94 * (i + 1) // len(docs)),
            current_step=f"Analyzing {i + 1} of {len(docs)}: {path}", **svc)
    add(DocsAnalysed, task_id=t2, document_count=len(docs), cache_hits=0,
        usage={"provider": "offline", "model": "offline-engine", "calls": len(docs)}, **svc)

    # stage 3
    t3 = f"t3-{MARK}"
    req = add(PathwaysRequested, actor=user, task_id=t3, analysis_task_id=t2, pathway_count=PATHWAYS,
              correlation=f"c3-{MARK}")
    svc = dict(actor="pathway", causation=req.event_id, correlation=req.correlation_id)
    add(StageStarted, stage="stage3", task_id=t3, **svc)
    add(StageProgressed, stage="stage3", task_id=t3, progress_percentage=10, current_step="Planning 3 pathways", **svc)
    add(StageProgressed, stage="stage3", task_id=t3, progress_percentage=90,
        current_step="Checking prerequisites and coverage", **svc)
    pathways = []
    for w in range(PATHWAYS):
        pid = f"pw-{MARK}-{w}"
        per = len(docs) // MODULES
        modules = [{"module_id": f"{pid}-{m:02d}", "title": _phrase(rng, 4).title(),
                    "description": _sentence(rng, 18),
                    "learning_objectives": ["Use " + _phrase(rng, 5) for _ in range(3)],
                    "estimated_minutes": rng.randint(30, 60), "documents": docs[m * per:(m + 1) * per],
                    "complexity_level": "beginner"} for m in range(MODULES)]
        pathways.append({"pathway_id": pid, "key": ["foundations", "hands-on", "fast-track"][w],
                         "title": _phrase(rng, 3).title(), "description": _sentence(rng, 25),
                         "approach": _sentence(rng, 10), "complexity_level": "beginner", "modules": modules,
                         "estimated_minutes": 300, "prerequisites": [_phrase(rng, 2)]})
    add(PathwaysGenerated, task_id=t3, pathways=pathways,
        usage={"provider": "offline", "model": "offline-engine", "calls": 1}, **svc)
    add(PathwaySelected, actor=user, pathway_id=pathways[0]["pathway_id"])

    # stage 4
    t4 = f"t4-{MARK}"
    req = add(CourseGenerationRequested, actor=user, task_id=t4, pathway_id=pathways[0]["pathway_id"],
              correlation=f"c4-{MARK}")
    svc = dict(actor="modules", causation=req.event_id, correlation=req.correlation_id)
    add(StageStarted, stage="stage4", task_id=t4, **svc)
    for m, module in enumerate(pathways[0]["modules"], start=1):
        add(ModuleGenerated, task_id=t4, module_id=module["module_id"], position=m, title=module["title"],
            content_ref=f"bench-{MARK}/{t4}/modules/{m:02d}.json", content_hash=f"{rng.getrandbits(256):064x}",
            question_count=5, usage={"provider": "offline", "model": "offline-engine", "calls": 1}, **svc)
        add(StageProgressed, stage="stage4", task_id=t4, progress_percentage=min(94, 5 + 90 * m // MODULES),
            current_step=f"Writing module {m} of {MODULES}: {module['title']}", **svc)
    add(StageProgressed, stage="stage4", task_id=t4, progress_percentage=95,
        current_step="Exporting Markdown, HTML site and zip", **svc)
    add(CourseGenerated, task_id=t4, module_count=MODULES, export_ref=f"bench-{MARK}/{t4}/course.zip",
        export_bytes=250_000, usage={"provider": "offline", "model": "offline-engine", "calls": MODULES}, **svc)
    return Template([(subject_for(e), e.to_json(), e.event_id) for e in events], owner is None)


def mix(template: Template) -> dict[str, int]:
    """How many events of each type one course has."""
    counts: dict[str, int] = {}
    for subject, _, _ in template.messages:
        kind = subject.rsplit(".", 1)[1]
        counts[kind] = counts.get(kind, 0) + 1
    return counts


async def publish_courses(js, template: Template, first: int, count: int, stream: str = "COURSES",
                          window: int = 4000) -> int:
    """Append `count` courses (numbered from `first`) with pipelined acknowledged publishes;
    returns the number of events appended. Courses are interleaved a little (4 at a time), as
    concurrent courses are in a real log."""
    published = 0
    pending = []
    for base in range(first, first + count, 4):
        courses = [template.course(n) for n in range(base, min(base + 4, first + count))]
        for row in zip(*courses):
            for subject, data, event_id in row:
                pending.append(await js.publish_async(subject, data, headers={"Nats-Msg-Id": event_id}))
                published += 1
        if len(pending) >= window:
            await asyncio.gather(*pending)
            pending.clear()
    if pending:
        await asyncio.gather(*pending)
    return published
