"""The assessment of a module, generated from real statements of its documents: definitions become
"What is a broker?" (short answer or multiple choice, distractors taken from other concepts'
definitions), true/false from a definition as written or with its concept swapped, and "which
command" questions from shell examples. Every explanation quotes its source and names it."""
from __future__ import annotations

import hashlib
import re
from itertools import zip_longest
from typing import Iterable, Sequence

from .commands import CommandFact, command_facts
from ..models import Question
from .sources import (Definition, SourceDoc, Statement, concept_key, definitions, mention_of,
                      source_phrase, statements)

MIN_QUESTIONS, MAX_QUESTIONS, MAX_DISTRACTORS = 3, 8, 3
TRUE_FALSE = ["True", "False"]


def build_assessment(sources: Sequence[SourceDoc],
                     course_sources: Sequence[SourceDoc] = ()) -> list[Question]:
    defined = _named_concepts_first(definitions(sources), sources)
    definition_pool = _named_concepts_first(definitions(list(sources) + list(course_sources)), sources)
    commands = command_facts(sources)
    command_pool = command_facts(list(sources) + list(course_sources))
    about_definitions = [definition_question(d, n, definition_pool) for n, d in enumerate(defined)]
    about_commands = [command_question(fact, command_pool) for fact in commands]
    # Alternate so a module rich in definitions still asks about its commands, and vice versa.
    questions = [q for pair in zip_longest(about_definitions, about_commands) for q in pair if q]
    if len(questions) < MIN_QUESTIONS:
        used = {definition.statement.sentence for definition in defined}
        questions += _statement_questions(sources, used)[:MIN_QUESTIONS + 1 - len(questions)]
    return _deduplicated(questions)[:MAX_QUESTIONS]


def _statement_questions(sources: Sequence[SourceDoc], used: set[str]) -> list[Question]:
    """For modules short of definitions and commands: one plain statement per section, with a
    blank where it names a key concept, else to be judged true."""
    concepts = [concept for doc in sources for concept in doc.key_concepts]
    found = []
    for doc in sources:
        for statement in _one_per_section(s for s in statements(doc) if s.sentence not in used):
            mention = next(filter(None, (mention_of(c, statement.sentence) for c in concepts)), None)
            found.append(_blank(statement, mention) if mention else statement_question(statement))
    return found


def _blank(statement: Statement, mention: re.Match[str]) -> Question:
    sentence = statement.sentence
    blanked = f"{sentence[:mention.start()]}_____{sentence[mention.end():]}"
    return Question(kind="short_answer", prompt=f"Fill in the blank: “{blanked}”", answer=mention.group(),
                    explanation=_quoted(statement), source=statement.source)


def _named_concepts_first(found: list[Definition], sources: Sequence[SourceDoc]) -> list[Definition]:
    """Definitions of the concepts stage 2 called key come first: they are what the module teaches."""
    named = {concept_key(concept) for doc in sources for concept in doc.key_concepts}
    return sorted(found, key=lambda definition: definition.concept not in named)


def definition_question(definition: Definition, index: int, pool: Sequence[Definition]) -> Question:
    """Kinds rotate (multiple choice, short answer, true/false) so a module's questions vary."""
    kind = ("multiple_choice", "short_answer", "true_false")[index % 3]
    if kind == "multiple_choice":
        distractors = _distractors(definition, pool)
        if distractors:
            return _multiple_choice(definition, distractors)
    if kind == "true_false":
        partner = _swap_partner(definition, pool) if (index // 3) % 2 == 0 else None
        return _false_statement(definition, partner) if partner else statement_question(definition.statement)
    return Question(kind="short_answer", prompt=_what_is(definition), answer=definition.statement.sentence,
                    explanation=_quoted(definition.statement), source=definition.statement.source)


def _what_is(definition: Definition) -> str:
    article = f"{definition.article.lower()} " if definition.article else ""
    verb = "are" if definition.verb == "are" else "is"
    return f"What {verb} {article}{definition.term}?"


def _multiple_choice(definition: Definition, distractors: list[str]) -> Question:
    answer = _option(definition.predicate)
    return Question(kind="multiple_choice", prompt=_what_is(definition),
                    options=_shuffled([answer, *distractors]), answer=answer,
                    explanation=_quoted(definition.statement), source=definition.statement.source)


def _distractors(definition: Definition, pool: Sequence[Definition]) -> list[str]:
    """Other concepts' real definitions, starting after this one in the pool so neighbouring
    questions do not all reuse the same wrong answers."""
    others = [d for d in pool if d.concept != definition.concept]
    start = next((n for n, d in enumerate(pool) if d.concept == definition.concept), 0) % max(len(others), 1)
    answer, chosen = _option(definition.predicate).lower(), []
    for candidate in others[start:] + others[:start]:
        option = _option(candidate.predicate)
        if option.lower() != answer and option.lower() not in {c.lower() for c in chosen}:
            chosen.append(option)
    return chosen[:MAX_DISTRACTORS]


def _swap_partner(definition: Definition, pool: Sequence[Definition]) -> Definition | None:
    # Same verb keeps the swapped sentence grammatical ("A topic is ..." / "Topics are ...").
    return next((d for d in pool if d.concept != definition.concept and d.verb == definition.verb
                 and _option(d.predicate).lower() != _option(definition.predicate).lower()), None)


def _false_statement(definition: Definition, partner: Definition) -> Question:
    subject = f"{partner.article} {partner.term}" if partner.article else partner.term
    claim = f"{subject[0].upper()}{subject[1:]} {definition.verb} {definition.predicate}."
    real = definition.statement
    explanation = (f"False. {_quoted(real)} The statement describes {_named(definition)}, "
                   f"not {_named(partner)}.")
    return Question(kind="true_false", prompt=f"True or false: {claim}", options=TRUE_FALSE,
                    answer="False", explanation=explanation, source=real.source)


def statement_question(statement: Statement) -> Question:
    return Question(kind="true_false", prompt=f"True or false: {statement.sentence}", options=TRUE_FALSE,
                    answer="True", explanation=f"True. {_quoted(statement)}", source=statement.source)


def command_question(fact: CommandFact, pool: Sequence[CommandFact]) -> Question:
    prompt = f"Which command is used for '{fact.section_title}'?"
    quoted_context = f" “{fact.context}”" if fact.context else ""
    explanation = f"{source_phrase(fact.source)}:{quoted_context} The example there runs: {fact.command}"
    others = [other.command for other in pool if other.command != fact.command]
    distractors = list(dict.fromkeys(others))[:MAX_DISTRACTORS]
    if not distractors:
        return Question(kind="short_answer", prompt=prompt, answer=fact.command,
                        explanation=explanation, source=fact.source)
    return Question(kind="multiple_choice", prompt=prompt, options=_shuffled([fact.command, *distractors]),
                    answer=fact.command, explanation=explanation, source=fact.source)


def _quoted(statement: Statement) -> str:
    return f"{source_phrase(statement.source)}: “{statement.sentence}”"


def _named(definition: Definition) -> str:
    return f"{definition.article.lower()} {definition.term}" if definition.article else definition.term


def _option(predicate: str) -> str:
    text = predicate.strip().rstrip(".")
    return text[:1].upper() + text[1:]


def _shuffled(options: list[str]) -> list[str]:
    """A fixed order that does not depend on which option is right (so the answer is not
    always first), the same on every run."""
    return sorted(options, key=lambda option: hashlib.sha256(option.encode()).hexdigest())


def _one_per_section(found: Iterable[Statement]) -> list[Statement]:
    seen, chosen = set(), []
    for statement in found:
        place = (statement.source.path, statement.source.heading, statement.source.anchor)
        if place not in seen:
            seen.add(place)
            chosen.append(statement)
    return chosen


def _deduplicated(questions: list[Question]) -> list[Question]:
    seen, unique = set(), []
    for question in questions:
        key = " ".join(question.prompt.lower().split())
        if key not in seen:
            seen.add(key)
            unique.append(question)
    return unique
