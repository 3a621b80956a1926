"""The events of the four stages: clone, analyse, pathways, modules (catalogue.py lists every event)."""
from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from shared.vocabulary import Complexity

from .envelope import Event, Payload
from .publishers import BY_GATEWAY, by
from .fields import BUDGET_USD


# --- stage 1: clone ---------------------------------------------------------------------------
class RepoCloneRequestedPayload(Payload):
    task_id: str
    repo_url: str = Field(max_length=2048)
    ref: str | None = Field(default=None, max_length=256)
    include: list[str] = Field(default_factory=list, max_length=100)
    exclude: list[str] = Field(default_factory=list, max_length=100)
    token_ref: str | None = Field(default=None, description="KV key of a short-lived token, never the token")
    retry_of: str | None = Field(default=None, description="the task id of the failed or cancelled run")


class RepoCloneRequested(Event):
    COMMAND = True
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["RepoCloneRequested"] = "RepoCloneRequested"
    payload: RepoCloneRequestedPayload


class DiscoveredFile(Payload):
    path: str
    size: int = Field(ge=0)
    is_documentation: bool
    is_overview_candidate: bool = False
    navigation_index: int | None = Field(default=None, description="position in the repository's own docs navigation")
    inferred_index: int | None = Field(default=None, ge=0, description=(
        "a document the navigation does not list: its rank in the reading order inferred from file and "
        "folder names, index pages and front matter; equal ranks are not ordered"))
    navigation_section: str | None = Field(default=None, max_length=200, description=(
        "the title of the section of the repository's own docs navigation that lists the document "
        "(a MkDocs nav section, a SUMMARY.md part, the heading or caption over a Sphinx toctree)"))
    encoding: str | None = None
    note: str | None = None


class RepoFilesDiscoveredPayload(Payload):
    task_id: str
    chunk_index: int = Field(ge=0)
    chunk_count: int = Field(ge=1)
    files: list[DiscoveredFile]


class RepoFilesDiscovered(Event):
    PUBLISHED_BY = by("repo_clone")
    event_type: Literal["RepoFilesDiscovered"] = "RepoFilesDiscovered"
    payload: RepoFilesDiscoveredPayload


class RepoClonedPayload(Payload):
    task_id: str
    repo_url: str
    repo_name: str
    ref: str | None = None
    commit_sha: str
    file_count: int = Field(ge=0)
    documentation_count: int = Field(ge=0)
    chunk_count: int = Field(ge=0)
    snapshot_ref: str
    snapshot_reused: bool = False
    navigation_sources: list[str] = Field(default_factory=list, description=(
        "where the documents' navigation_index order was read from: the navigation files (e.g. "
        "docs/.vitepress/config.ts) or front-matter keys; empty: no navigation was found"))


class RepoCloned(Event):
    PUBLISHED_BY = by("repo_clone")
    event_type: Literal["RepoCloned"] = "RepoCloned"
    payload: RepoClonedPayload


class FoldersSelectedPayload(Payload):
    selected_folders: list[str]
    overview_document: str | None = None


class FoldersSelected(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["FoldersSelected"] = "FoldersSelected"
    payload: FoldersSelectedPayload


# --- stage 2: analyse -------------------------------------------------------------------------
class TokenUsage(Payload):
    provider: str
    model: str
    input_tokens: int = Field(default=0, ge=0)
    output_tokens: int = Field(default=0, ge=0)
    cache_read_tokens: int = Field(default=0, ge=0)
    cache_creation_tokens: int = Field(default=0, ge=0)
    calls: int = Field(default=0, ge=0)


class DocsAnalysisRequestedPayload(Payload):
    task_id: str
    complexity_level: Complexity
    additional_info: str = Field(default="", max_length=5000)
    clone_task_id: str | None = Field(default=None, description="the stage 1 run whose files are analysed")
    retry_of: str | None = Field(default=None, description="the task id of the failed or cancelled run")
    budget_usd: float | None = BUDGET_USD


class DocsAnalysisRequested(Event):
    COMMAND = True
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["DocsAnalysisRequested"] = "DocsAnalysisRequested"
    payload: DocsAnalysisRequestedPayload


class DocAnalysedPayload(Payload):
    task_id: str
    path: str
    title: str
    doc_type: str
    complexity_level: str
    key_concepts: list[str] = Field(default_factory=list)
    learning_objectives: list[str] = Field(default_factory=list)
    summary: str = ""
    prerequisites: list[str] = Field(default_factory=list)
    related_topics: list[str] = Field(default_factory=list)
    word_count: int = Field(ge=0)
    content_hash: str
    prerequisite_concepts: list[str] = Field(default_factory=list)
    related_documents: list[str] = Field(default_factory=list)
    reading_minutes: int = Field(default=1, ge=0)
    usage: TokenUsage | None = Field(default=None, description="what the provider call cost; none on a cache hit")
    cached: bool = False
    position: int | None = Field(default=None, ge=0, description="the document's place in the selection's order")
    engine: Literal["provider", "offline-fallback"] = Field(
        default="provider", description="offline-fallback: the model's answer stayed invalid after its repair")
    fallback_reason: str | None = Field(default=None, max_length=2000, description="why it fell back")
    parts: int = Field(default=1, ge=1, description="how many parts the document was analysed in: more than "
                       "one when it is longer than the model's context window leaves room for")


class DocAnalysed(Event):
    PUBLISHED_BY = by("doc_analyser")
    event_type: Literal["DocAnalysed"] = "DocAnalysed"
    payload: DocAnalysedPayload


class SkippedDocument(Payload):
    path: str
    reason: str = Field(max_length=2000)


class FallenBack(Payload):
    """An item (a document's path, "pathways", a module's title) the offline engine produced
    because the model's answer stayed invalid after its repair."""
    item: str
    reason: str = Field(max_length=2000)


# Lists that grow with a course's documents are cut here, with a count of the rest: an event stays
# far below the stream's message size whatever the number of documents.
LISTED_AT_MOST = 200


class DocsAnalysedPayload(Payload):
    task_id: str
    document_count: int = Field(ge=0)
    # No max_length: events written before the cut may list more, and must still be read.
    skipped: list[SkippedDocument] = Field(default_factory=list,
                                           description="the first skipped documents; skipped_omitted counts the rest")
    cache_hits: int = Field(default=0, ge=0)
    usage: TokenUsage | None = None
    fallbacks: list[FallenBack] = Field(default_factory=list,
                                        description="the first fallbacks; fallbacks_omitted counts the rest")
    skipped_omitted: int = Field(default=0, ge=0, description="skipped documents not listed in skipped")
    fallbacks_omitted: int = Field(default=0, ge=0, description="fallbacks not listed in fallbacks")
    fingerprint: str | None = Field(default=None, max_length=128, description=(
        "identifies what the run produced (every document's path, content and analysis): two runs with "
        "the same fingerprint gave later stages the same input, so what they built is not out of date"))


class DocsAnalysed(Event):
    PUBLISHED_BY = by("doc_analyser")
    event_type: Literal["DocsAnalysed"] = "DocsAnalysed"
    payload: DocsAnalysedPayload


# --- stage 3: pathways ------------------------------------------------------------------------
class PathwaysRequestedPayload(Payload):
    task_id: str
    additional_info: str = Field(default="", max_length=5000)
    analysis_task_id: str | None = Field(default=None, description="the stage 2 run whose analyses are used")
    pathway_count: int = Field(default=3, ge=1, le=10)
    retry_of: str | None = None
    budget_usd: float | None = BUDGET_USD
    adapt_pathway_id: str | None = Field(default=None, max_length=200, description=(
        "carry this pathway forward over the new analysis instead of planning new ones: its modules keep "
        "their ids, removed documents leave, new ones are placed; when too much changed, new pathways "
        "are planned instead"))


class PathwaysRequested(Event):
    COMMAND = True
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["PathwaysRequested"] = "PathwaysRequested"
    payload: PathwaysRequestedPayload


class PathwayModule(Payload):
    module_id: str
    title: str
    learning_objectives: list[str] = Field(default_factory=list)
    estimated_minutes: int = Field(ge=0)
    documents: list[str] = Field(default_factory=list)
    description: str = ""
    complexity_level: str = "beginner"
    placements: list[str] = Field(default_factory=list, description=(
        "why each document is where it is (its place in the navigation, what it requires, what later "
        "documents take from it), one per document in the order of documents; empty when not known"))


class Pathway(Payload):
    pathway_id: str
    title: str
    description: str = ""
    complexity_level: str = "beginner"
    modules: list[PathwayModule]
    key: str = ""
    approach: str = ""
    estimated_minutes: int = Field(default=0, ge=0)
    prerequisites: list[str] = Field(default_factory=list, description="knowledge assumed, not taught")


class PathwaysGeneratedPayload(Payload):
    task_id: str
    pathways: list[Pathway]
    usage: TokenUsage | None = None
    repaired: list[str] = Field(default_factory=list, description="problems in the proposal that were fixed")
    fallbacks: list[FallenBack] = Field(default_factory=list)
    module_parts: int = Field(default=0, ge=0, le=100_000, description=(
        "0: each pathway lists its modules. Else the pathways' modules came in this many "
        "PathwayModulesListed events of the same task before this one (a plan too large for one "
        "message), numbered 0 to module_parts - 1; the pathways here list none"))


class PathwaysGenerated(Event):
    PUBLISHED_BY = by("pathway")
    event_type: Literal["PathwaysGenerated"] = "PathwaysGenerated"
    payload: PathwaysGeneratedPayload


class PathwayModulesListedPayload(Payload):
    task_id: str
    pathway_id: str
    part: int = Field(ge=0, le=100_000, description="its place among the plan's parts, from 0")
    modules: list[PathwayModule]


class PathwayModulesListed(Event):
    """Part of a PathwaysGenerated too large for one message: some modules of one of its pathways,
    in order. Emitted before it; readers see it assembled (shared/pathway_parts.py)."""
    PUBLISHED_BY = by("pathway")
    event_type: Literal["PathwayModulesListed"] = "PathwayModulesListed"
    payload: PathwayModulesListedPayload


class PathwaySelectedPayload(Payload):
    pathway_id: str


class PathwaySelected(Event):
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["PathwaySelected"] = "PathwaySelected"
    payload: PathwaySelectedPayload


# --- stage 4: modules -------------------------------------------------------------------------
class CourseGenerationRequestedPayload(Payload):
    task_id: str
    pathway_id: str
    retry_of: str | None = None
    budget_usd: float | None = BUDGET_USD
    reuse_from: str | None = Field(default=None, description=(
        "an earlier successful run: its modules whose plan and sources are unchanged are announced "
        "again as they were (the same content, byte for byte), not written again"))
    regenerate: list[str] = Field(default_factory=list, max_length=200, description=(
        "module ids written anew even where reuse_from could reuse them (the author asked)"))


class CourseGenerationRequested(Event):
    COMMAND = True
    PUBLISHED_BY = BY_GATEWAY
    event_type: Literal["CourseGenerationRequested"] = "CourseGenerationRequested"
    payload: CourseGenerationRequestedPayload


class ClaimCounts(Payload):
    """What the claim check found in the prose a writer made (shared/claim_ledger.py): `checked`
    sentences that assert something, each supported by the span of source it cites, unsupported
    by it, or uncited; what was not supported was replaced by a source's own sentence or removed.
    `framing`: sentences about the course itself, not checked."""
    checked: int = Field(default=0, ge=0)
    supported: int = Field(default=0, ge=0)
    unsupported: int = Field(default=0, ge=0)
    uncited: int = Field(default=0, ge=0)
    replaced: int = Field(default=0, ge=0)
    removed: int = Field(default=0, ge=0)
    framing: int = Field(default=0, ge=0)

    def plus(self, other: "ClaimCounts") -> "ClaimCounts":
        return ClaimCounts(**{name: getattr(self, name) + getattr(other, name) for name in ClaimCounts.model_fields})


class ModuleGeneratedPayload(Payload):
    task_id: str
    module_id: str
    position: int = Field(ge=0)
    title: str
    content_ref: str
    content_hash: str
    question_count: int = Field(default=0, ge=0)
    usage: TokenUsage | None = None
    engine: Literal["provider", "offline-fallback"] = Field(
        default="provider", description="offline-fallback: the model's answer stayed invalid after its repair")
    fallback_reason: str | None = Field(default=None, max_length=2000, description="why it fell back")
    claims: ClaimCounts | None = Field(default=None, description="the claim ledger's counts for this module")


class ModuleGenerated(Event):
    PUBLISHED_BY = by("modules")
    event_type: Literal["ModuleGenerated"] = "ModuleGenerated"
    payload: ModuleGeneratedPayload


class QuestionFlaws(Payload):
    """How many of a course's assessment questions break an item-writing rule, by rule
    (services/modules/engine/question_flaws.py)."""
    checked: int = Field(default=0, ge=0)
    flawed: int = Field(default=0, ge=0)
    by_rule: dict[str, int] = Field(default_factory=dict)


class CourseGeneratedPayload(Payload):
    task_id: str
    module_count: int = Field(ge=0)
    export_ref: str
    generated_at: datetime | None = None
    export_bytes: int = Field(default=0, ge=0)
    usage: TokenUsage | None = None
    fallbacks: list[FallenBack] = Field(default_factory=list)
    question_flaws: QuestionFlaws | None = None
    claims: ClaimCounts | None = Field(default=None, description="the claim ledger's counts over every module")
    language: str | None = Field(default=None, max_length=64, description=(
        "BCP 47 tag of the course's language: the one asked, else its sources'"))
    content_language: str | None = Field(default=None, max_length=64, description=(
        "the language its text is in: the course's where a model wrote it so, else the sources' "
        "(the offline engine does not translate)"))


class CourseGenerated(Event):
    PUBLISHED_BY = by("modules")
    event_type: Literal["CourseGenerated"] = "CourseGenerated"
    payload: CourseGeneratedPayload
