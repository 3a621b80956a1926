"""One module through the provider, its content checked and stored in the Object Store."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass

from shared.cpu_lane import on_cpu_lane
from shared.bus.artefacts import ArtefactStore
from shared.claim_ledger import ModuleLedger
from shared.events.catalogue import ClaimCounts
from shared.llm.fallback import is_strict, offline_engine_of, offline_fallback
from shared.llm.provider import LLMProvider, ProviderError, Usage
from .models import ModuleContent, ModuleSpec
from shared.language import same_language
from .engine.ledger import check_module
from .engine.prompts import module_prompt
from .engine.sources import SourceDoc
from .course_language import in_language, sources_language
from shared.stage.emitter import StageFailure


@dataclass(frozen=True)
class Written:
    content: ModuleContent
    content_ref: str
    content_hash: str
    usage: Usage
    fallback: str | None = None  # why the offline engine wrote it (shared/llm/fallback.py)
    claims: ClaimCounts | None = None  # the claim ledger's counts (engine/ledger.py)


def foreign_citations(content: ModuleContent, spec: ModuleSpec) -> list[str]:
    """Citations of documents that are not the module's: an LLM must not invent sources."""
    allowed = set(spec.documents)
    cited = [s.source.path for s in content.sections] + [c.source.path for c in content.code_examples] + [
        q.source.path for q in content.assessment]
    return sorted({path for path in cited if path not in allowed})


async def write(provider: LLMProvider, artefacts: ArtefactStore, course_id: str, task_id: str,
                spec: ModuleSpec, sources: list[SourceDoc], course_title: str, language: str | None = None) -> Written:
    # Off the event loop: choosing among a large document's sections takes a moment.
    prompt = await on_cpu_lane(module_prompt, spec, sources, course_title, provider.limits, language)
    try:
        completion = await provider.complete(prompt, ModuleContent)
    except ProviderError as exc:
        raise StageFailure(f"module {spec.position} '{spec.title}' could not be written: {exc}") from None
    completion = await in_language(provider, prompt, completion, language, f"module {spec.position} '{spec.title}'")
    if invented := foreign_citations(completion.value, spec):
        reason = f"module {spec.position} '{spec.title}' cites documents it does not draw on: {', '.join(invented[:5])}"
        if is_strict(provider) or completion.fallback is not None:
            raise StageFailure(reason)
        completion = await offline_fallback(offline_engine_of(provider), prompt, ModuleContent, reason,
                                            completion.usage)
    # What is published holds only claims its sources support; the ledger lies beside it.
    translated = (language is not None and completion.fallback is None
                  and not same_language(language, sources_language(sources)))
    checked = await on_cpu_lane(check_module, completion.value, spec, sources, translated)
    name = f"{task_id}/modules/{spec.position:02d}-{spec.module_id}"
    ledger = ModuleLedger(module_id=spec.module_id, position=spec.position, title=spec.title,
                          counts=checked.counts, claims=list(checked.claims))
    await artefacts.put(course_id, f"{name}.ledger.json", ledger.model_dump_json().encode())
    data = checked.content.model_dump_json().encode()
    ref = await artefacts.put(course_id, f"{name}.json", data)
    return Written(checked.content, ref, hashlib.sha256(data).hexdigest(), completion.usage, completion.fallback,
                   checked.counts)
