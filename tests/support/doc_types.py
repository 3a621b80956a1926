"""Stage 2's doc type of one document, as the offline analysis decides it."""
from __future__ import annotations

from services.doc_analyser.engine.doctype import classify
from services.doc_analyser.engine.doc_profile import build_profile
from shared.docs.parsing import parse


def doc_type(path: str, text: str) -> str:
    doc = parse(path, text)
    return classify(doc, [sentence.text for sentence in build_profile(doc).sentences])
