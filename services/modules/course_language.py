"""The course's language in stage 4: what the prompt asks for, whether the model's module came back
in it (detected, shared/language.py), one retry that says what went wrong, and then the offline
engine (which does not translate: its text stays in the sources' language, and the course says so)."""
from __future__ import annotations

from dataclasses import replace
from typing import Iterable, Sequence

from shared.cpu_lane import on_cpu_lane
from shared.language import Detected, base, detect, same_language
from shared.llm.fallback import is_strict, offline_engine_of, offline_fallback
from shared.llm.provider import Completion, LLMProvider, Prompt, ProviderError
from shared.stage.emitter import StageFailure

from .engine.sources import SourceDoc
from .models import ModuleContent

# How much of the sources is read to tell their language: enough, and bounded whatever their size.
SOURCE_SAMPLE_CHARS = 6_000
FENCE = "```"


def language_instruction(language: str | None) -> str:
    """The prompt's line about the language every text of the answer is written in ("" for none:
    the model then writes as the sources do)."""
    if not language:
        return ""
    return (f"Write every text of the answer (titles, introduction, sections' prose, key points, "
            f"conclusion, questions, options, answers, explanations, summary) in the language with BCP 47 "
            f"tag {language!r}, whatever the language of the sources; keep code, identifiers and cited "
            f"paths and headings exactly as the sources have them.")


def sources_language(sources: Iterable[SourceDoc]) -> str | None:
    """The language the sources are written in (a base tag), None when their prose says too little."""
    sample, size = [], 0
    for source in sources:
        if size >= SOURCE_SAMPLE_CHARS:
            break
        sample.append(source.parsed.text[:SOURCE_SAMPLE_CHARS - size])
        size += len(sample[-1])
    return detect("\n".join(sample)).language


def written_prose(content: ModuleContent) -> str:
    """The text the model wrote in its own words: code blocks, code examples and citations left out."""
    parts = [content.title, content.introduction, *content.learning_objectives, *content.key_points,
             content.conclusion, content.summary]
    for section in content.sections:
        parts += [section.title, _without_code(section.body_markdown)]
    for question in content.assessment:
        parts += [question.prompt, question.explanation]
    return "\n".join(part for part in parts if part)


def _without_code(markdown: str) -> str:
    """Markdown without its fenced blocks (a line that opens one starts with ```): code is no language."""
    kept, inside = [], False
    for line in markdown.splitlines():
        if line.lstrip().startswith(FENCE):
            inside = not inside
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def wrong_language(content: ModuleContent, language: str) -> Detected | None:
    """What the module's text was found written in when it is not `language`; None when it is, or
    when the text says too little to tell (then it is kept: nothing says it is wrong)."""
    found = detect(written_prose(content))
    if found.language is None or same_language(language, found.language):
        return None
    return found


def _retry_prompt(prompt: Prompt, language: str, found: str) -> Prompt:
    note = (f"\nYour previous answer was written in {found!r}, not in {language!r}. Write this answer in "
            f"{language!r}.")
    return replace(prompt, system=prompt.system + note)


async def in_language(provider: LLMProvider, prompt: Prompt, completion: Completion[ModuleContent],
                      language: str | None, item: str) -> Completion[ModuleContent]:
    """`completion` when its text is in `language` (or none was asked, or the offline engine wrote
    it); else the answer to one more request that says so, if that one is; else the offline
    engine's module, marked as a fallback for that reason (StageFailure in strict mode)."""
    if not language or completion.fallback is not None or provider.name == "offline":
        return completion
    found = await on_cpu_lane(wrong_language, completion.value, language)
    if found is None:
        return completion
    try:
        retried = await provider.complete(_retry_prompt(prompt, language, found.language or ""), ModuleContent)
    except ProviderError as exc:
        raise StageFailure(f"{item} could not be written again in {language!r}: {exc}") from None
    spent = completion.usage + retried.usage
    if retried.fallback is not None:
        return replace(retried, usage=spent)
    again = await on_cpu_lane(wrong_language, retried.value, language)
    if again is None:
        return replace(retried, usage=spent)
    reason = (f"{item} was written in {again.language!r}, not in the course's language {language!r}, "
              f"after a retry that asked for it (detected at {again.confidence:.0%})")
    if is_strict(provider):
        raise StageFailure(reason)
    return await offline_fallback(offline_engine_of(provider), prompt, ModuleContent, reason, spent)


def content_language(language: str | None, sources_tag: str | None, fallbacks: Sequence[dict],
                     offline: bool) -> str | None:
    """The language a course's text is in: the asked one where a model wrote every module in it,
    else the sources' (the offline engine quotes them)."""
    if language is None:
        return sources_tag
    if offline or fallbacks:
        return sources_tag or language
    return language


def course_language(asked: str | None, sources_tag: str | None) -> str | None:
    """The course's language: the one asked, else its sources'."""
    return asked or (base(sources_tag) or None)


def languages_of(asked: str | None, found: str | None, fallbacks: Sequence[dict],
                 provider: LLMProvider) -> dict[str, str | None]:
    """The course's `language` and its text's `content_language`, as the export and CourseGenerated
    say them; `found`: the sources' language (sources_language)."""
    return {"language": course_language(asked, found),
            "content_language": content_language(asked, found, fallbacks, provider.name == "offline")}
