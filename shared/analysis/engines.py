"""Adapters from a prompt's structured data to the offline engines (see shared.llm.offline)."""
from __future__ import annotations

from typing import Any, Mapping

from .models import DocumentAnalysis
from .offline import analyse_document


def analyse_document_task(data: Mapping[str, Any]) -> DocumentAnalysis:
    return analyse_document(data["document"], data["complexity_level"], data.get("additional_info", ""))
