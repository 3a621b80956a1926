from __future__ import annotations

from pydantic import Field

from shared.docs.loading import PARSE_BUDGET_SECONDS
from shared.llm.settings import AnalysisAttempts, LLMSettings
from shared.bus.provisioning import StreamSpec
from shared.settings import ServiceSettings


class DocAnalyserSettings(ServiceSettings, LLMSettings, AnalysisAttempts):
    service_name: str = "doc_analyser"
    analysis_concurrency: int = Field(default=4, ge=1, le=256, description="documents analysed at once")
    analysis_cache_bucket: str = StreamSpec.analysis_cache_bucket
    analysis_cache_ttl_seconds: float = Field(default=0, ge=0, description="0 keeps entries forever")
    tolerate_failed_documents: bool = Field(
        default=False, description="on: finish the stage and report documents that failed; off: fail the stage")
    max_document_bytes: int = Field(default=2_000_000, ge=1)
    parse_budget_seconds: float = Field(
        default=PARSE_BUDGET_SECONDS, gt=0, le=600,
        description="seconds one document may take to parse; a document over it is skipped, naming the reason")
