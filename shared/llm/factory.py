"""The provider a service's settings ask for (LLM_PROVIDER: one of the providers registered in
shared/llm/providers.py, each built by its own `build`)."""
from __future__ import annotations

import logging

from shared.llm.fallback import FallbackProvider
from shared.llm.offline import OfflineEngines, OfflineProvider
from shared.llm.provider import LLMProvider
from shared.llm.providers import price_of
from shared.llm.settings import LLMSettings

log = logging.getLogger(__name__)


def build_provider(settings: LLMSettings, offline_engines: OfflineEngines) -> LLMProvider:
    """The provider for a stage whose offline engines are `offline_engines` (task -> engine). A
    model provider comes wrapped: an answer still invalid after its repair is produced by the
    offline engine and marked (unless LLM_STRICT)."""
    offline = OfflineProvider(offline_engines)
    spec = settings.provider
    if spec.build is None:
        return offline
    model = spec.build(settings)
    if price_of(model.model) is None:
        log.info("no list price for the model %r: its calls are counted as costing 0 "
                 "(a local or unknown model)", model.model)
    return FallbackProvider(model, offline, strict=settings.llm_strict)
