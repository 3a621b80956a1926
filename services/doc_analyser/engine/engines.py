"""The offline engine of stage 2 as the provider calls it: from a prompt's structured data
(registered with shared.llm.offline through OFFLINE_ENGINES)."""
from __future__ import annotations

from typing import Any, Mapping

from .models import DocumentAnalysis
from .offline import analyse_document


def analyse_document_task(data: Mapping[str, Any]) -> DocumentAnalysis:
    return analyse_document(data["document"], data["complexity_level"], data.get("additional_info", ""))


OFFLINE_ENGINES = {"analyse_document": analyse_document_task}
