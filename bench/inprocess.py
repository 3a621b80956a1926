"""The baseline of the pipeline benchmark: the same four stages, the same code the services run
(git clone + scan + snapshot archive, the offline analysis engine and corpus linking, the pathway
planner, the module writer and its claim check, and every export format), called one after the
other in one process, with no bus, no database, no events and no provider layer."""
from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Callable

from services.repo_clone import cloner, scanner
from services.repo_clone.announce import discovered
from services.repo_clone.snapshot import pack_documents
from services.repo_clone.textfiles import reading_each_file_once
from services.doc_analyser.engine.linking import Corpus, link_one
from services.doc_analyser.engine.offline import analyse_document
from shared.docs.loading import load_documents
from shared.events.catalogue import DiscoveredFile
from services.modules.engine.engine import write_module
from services.modules.engine.ledger import check_module
from services.modules.export.formats import BUILDERS, build_exports
from services.modules.export.export_model import CourseExport
from services.modules.models import ModuleSpec
from services.modules.engine.sources import SourceDoc
from services.pathway.engine.engine import plan_pathways
from services.pathway.engine.models import PathwayDocument
from shared.selection import documents_in


def run(repo: str, folders: list[str], overview: str | None, level: str = "beginner",
        additional_info: str = "", pathway_count: int = 3, target_minutes: int = 45,
        on_stage: Callable[[str], None] = lambda stage: None,
        formats: tuple[str, ...] = tuple(BUILDERS)) -> dict[str, float]:
    """Seconds per stage (stage1..stage4) for the whole course, in this process; `on_stage` is told
    when each stage starts (the scale benchmark samples memory per stage). Stage 4 exports the
    `formats`: by default every one, as the modules service does."""
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-inprocess-") as work:
        on_stage("stage1")
        started = time.perf_counter()
        checkout = cloner.clone(repo, None, Path(work) / "checkout")
        with reading_each_file_once():  # one scope, as the service's handler
            scan = scanner.scan(checkout.path)
            archive = pack_documents(checkout.path, scan.files)
        files = [DiscoveredFile(**f) for f in discovered(scan.files, scan.navigation)]
        times["stage1"] = time.perf_counter() - started

    on_stage("stage2")
    started = time.perf_counter()
    selected = documents_in(files, folders, overview)
    navigation = [f.path for f in sorted((f for f in files if f.navigation_index is not None),
                                         key=lambda f: (f.navigation_index, f.path))]
    encodings = {f.path: f.encoding for f in files}
    documents, _ = load_documents(archive, selected, encodings, 2_000_000)
    corpus = Corpus.build([d.parsed for d in documents.values()])
    linked = {}
    for path in selected:
        analysis = analyse_document(documents[path].parsed, level, additional_info)
        linked[path] = link_one(path, analysis, corpus, navigation)
    # What stage 3 gets of stage 2 is its linked analyses: the parsed documents and the corpus stay
    # in the analyser's process, as they do between the services (a 20,000-document corpus held
    # here through stages 3 and 4 would be a heap the services never have).
    del documents, corpus
    times["stage2"] = time.perf_counter() - started

    on_stage("stage3")
    started = time.perf_counter()
    position = {path: i for i, path in enumerate(navigation)}
    pathway_documents = [PathwayDocument(
        path=a.path, title=a.title, doc_type=a.doc_type or "other", complexity_level=a.complexity_level,
        key_concepts=a.key_concepts, learning_objectives=a.learning_objectives, summary=a.summary,
        prerequisites=a.prerequisites, prerequisite_concepts=a.prerequisite_concepts,
        related_documents=a.related_documents, related_topics=a.related_topics, word_count=a.word_count,
        reading_minutes=max(1, a.reading_minutes), navigation_index=position.get(a.path))
        for a in linked.values()]
    pathway_documents.sort(key=lambda d: (d.navigation_index is None, d.navigation_index or 0, d.path))
    plan = plan_pathways(pathway_documents, pathway_count, additional_info,
                         overview if overview in linked else None, target_minutes)
    times["stage3"] = time.perf_counter() - started

    on_stage("stage4")
    started = time.perf_counter()
    chosen = plan.pathways[0]
    specs = [ModuleSpec(module_id=f"m{n:02d}", position=n, title=m.title, description=m.description,
                        learning_objectives=m.learning_objectives, documents=m.documents,
                        estimated_minutes=m.estimated_minutes, complexity_level=m.complexity_level)
             for n, m in enumerate(chosen.modules, start=1)]
    needed = sorted({p for spec in specs for p in spec.documents})
    sources_docs, _ = load_documents(archive, needed, encodings, 2_000_000)
    sources = {path: SourceDoc(d.parsed, linked[path].title, linked[path].doc_type,
                               tuple(linked[path].key_concepts), tuple(linked[path].learning_objectives),
                               linked[path].summary) for path, d in sources_docs.items()}
    # Each module's claims checked against its sources, as the service's writer does (writer.py).
    contents = [check_module(write_module(spec, docs), spec, docs).content
                for spec, docs in ((spec, [sources[p] for p in spec.documents]) for spec in specs)]
    build_exports(CourseExport(title="Benchmark course", pathway_title=chosen.title,
                               pathway_description=chosen.description, modules=list(zip(specs, contents))), formats)
    times["stage4"] = time.perf_counter() - started
    return times


def main() -> None:
    import json
    import sys

    repo, *folders = sys.argv[1:]
    print(json.dumps(run(repo, folders or ["docs"], "README.md")))


if __name__ == "__main__":
    main()
