"""The assessment of a module, generated from real statements of its documents, by item-writing
rules (question_flaws.py checks them): a definition becomes "Which term … describes as “…”?" with
other defined terms of about its length as wrong options, or "What is a broker?" to answer in words;
true/false takes a statement as written, or with one specific point turned round ("always" →
"never"); a shell example asks which command does the job its section says it does ("To list the
topics, run:"), among commands of the same kind. Never where a line or a command is: a question
naming only the page or heading it comes from tests memory of the page, not understanding. A
question that would
quote a heading naming no concept ("Features"), or offer fewer than three real options, is not
asked; whatever is built is screened by the checker last, so a question with options that repeat
or a prompt about nothing is never emitted (question_flaws.UNASKABLE). Every explanation quotes
its source and names it.

A prompt and an explanation are Markdown (the reader, the site and the export render them so): the
module's sentences are quoted as their documents write them (`Statement.markdown`: inline code
kept, everything else escaped), paths as code. Options and answers are plain text, or code."""
from __future__ import annotations

import hashlib
from itertools import zip_longest
from typing import Iterable, Sequence

from shared import linear_regex
from shared.docs.markdown_out import code_span, escape_markdown
from shared.docs.pointers import points_beside

from .commands import CommandFact, command_facts
from ..markdown_text import code_spans
from .quoting import quoted
from ..models import Question
from .question_flaws import (LONGEST_BY_FAR, askable, content_words, is_proper_name, kind_of, option_set,
                             same_kind, spelling)
from .sources import (Definition, SourceDoc, Statement, concept_key, definitions, is_word_char,
                      mention_of, source_phrase, statements)

MIN_QUESTIONS, MAX_QUESTIONS, MAX_DISTRACTORS = 3, 8, 3
TRUE_FALSE = ["True", "False"]
MIN_DISTRACTORS = 2  # fewer wrong options and the question is asked in words instead
# One specific point a false statement turns round: each word and its opposite, both ways.
_OPPOSITES = {a: b for pair in """always:never synchronous:asynchronous sync:async required:optional
enabled:disabled enable:disable before:after first:last minimum:maximum faster:slower
increase:decrease increases:decreases read:write reads:writes
allows:prevents allow:prevent include:exclude includes:excludes mutable:immutable blocking:non-blocking
local:remote input:output request:response requests:responses start:stop starts:stops older:newer
higher:lower larger:smaller lowest:highest can:cannot supports:lacks""".split()
              for a, b in [pair.split(":"), pair.split(":")[::-1]]}
_INSTALLS = linear_regex.compile(
    r"^(?:pip3?|uv|pipx|conda|npm|yarn|pnpm|brew|apt(?:-get)?|cargo|go)\b.*\b(?:install|add|get)\b")


def build_assessment(sources: Sequence[SourceDoc]) -> list[Question]:
    """Questions from the module's documents alone; wrong answers too (see write_module)."""
    defined = _named_concepts_first(definitions(sources), sources)
    commands = command_facts(sources)
    about_definitions = [definition_question(d, n, defined) for n, d in enumerate(defined)]
    about_commands = [q for q in (command_question(fact, commands) for fact in commands) if q]
    # Alternate so a module rich in definitions still asks about its commands, and the other way round.
    alternated = zip_longest(about_definitions, about_commands)
    questions = _deduplicated(askable_only(q for pair in alternated for q in pair if q))
    if len(questions) < MIN_QUESTIONS:
        used = {definition.statement.sentence for definition in defined}
        more = askable_only(_statement_questions(sources, used))
        questions = _deduplicated(questions + more[:MIN_QUESTIONS + 1 - len(questions)])
    return questions[:MAX_QUESTIONS]


def askable_only(questions: Iterable[Question]) -> list[Question]:
    """The questions a learner can answer: none whose options repeat or whose prompt asks about nothing."""
    return [question for question in questions if askable(question)]


def _statement_questions(sources: Sequence[SourceDoc], used: set[str]) -> list[Question]:
    """For modules short of definitions and commands: one plain statement per section, with a
    blank where it names a key concept, else to be judged true."""
    concepts = [concept for doc in sources for concept in doc.key_concepts]
    found = []
    for doc in sources:
        for statement in _one_per_section(s for s in statements(doc) if s.sentence not in used):
            # A blank is cut in the plain sentence, never in a name (a character's, a product's):
            # one with inline code is asked as written instead, where its code stays code.
            mention = next((found for found in (mention_of(c, statement.sentence) for c in concepts)
                            if found and not is_proper_name(statement.sentence[found[0]:found[1]])), None)
            found.append(_blank(statement, mention) if mention and "`" not in statement.markdown
                         else statement_question(statement))
    return found


def _blank(statement: Statement, mention: tuple[int, int]) -> Question:
    sentence = statement.sentence
    start, end = mention
    # The blank between spaces is no emphasis mark: left as written, the text around it escaped.
    blanked = f"{escape_markdown(sentence[:start])}_____{escape_markdown(sentence[end:])}"
    return Question(kind="short_answer", prompt=f"Fill in the blank: “{blanked}”", answer=sentence[start:end],
                    explanation=_quoted(statement), source=statement.source)


def _named_concepts_first(found: list[Definition], sources: Sequence[SourceDoc]) -> list[Definition]:
    """Definitions of the concepts stage 2 called key come first: they are what the module teaches."""
    named = {concept_key(concept) for doc in sources for concept in doc.key_concepts}
    return sorted(found, key=lambda definition: definition.concept not in named)


def definition_question(definition: Definition, index: int, pool: Sequence[Definition]) -> Question:
    """Kinds rotate (multiple choice, short answer, true/false) so a module's questions vary."""
    kind = ("multiple_choice", "short_answer", "true_false")[index % 3]
    if kind == "multiple_choice":
        question = _which_term(definition, pool)
        if question is not None:
            return question
    if kind == "true_false":
        return turned_statement(definition.statement) or statement_question(definition.statement)
    return Question(kind="short_answer", prompt=_what_is(definition), answer=definition.statement.sentence,
                    explanation=_quoted(definition.statement), source=definition.statement.source)


def _what_is(definition: Definition) -> str:
    article = f"{definition.article.lower()} " if definition.article else ""
    verb = "are" if definition.verb == "are" else "is"
    return escape_markdown(f"What {verb} {article}{_as_in_prose(definition.term, definition.statement)}?")


def _as_in_prose(term: str, statement: Statement) -> str:
    """A term that opens its sentence in capitals ("Middleware is …") is asked about as its section
    writes it elsewhere ("middleware"); a name ("Waitress", "Apache httpd") keeps its capital."""
    first = term.split(" ", 1)[0]
    lowered = first[:1].lower() + first[1:]
    if first == lowered or not first[1:].islower():
        return term
    # As a whole word: after no word character or dot, and ending at a word boundary (Python's
    # Unicode one), spelt as the characters beside it.
    after = r"(?:[^\w]|$)" if is_word_char(lowered[-1]) else r"[\w]"
    elsewhere = linear_regex.search(rf"(?:^|[^\w.]){linear_regex.escape(lowered)}{after}", statement.section_markdown)
    return lowered + term[len(first):] if elsewhere else term


def _which_term(definition: Definition, pool: Sequence[Definition]) -> Question | None:
    """"Which term does docs/a.md describe as “a server process that stores messages”?" among other
    terms the course defines, closest in length first; None when the description names the term
    (the prompt would give it away) or too few other terms are left."""
    described = content_words(definition.predicate)
    if content_words(definition.term) & described:
        return None
    answer = definition.term
    others = [d.term for d in pool if d.concept != definition.concept and same_kind(d.term, answer)
              and not content_words(d.term) & described]
    distractors = _closest_in_length(answer, others)
    if len(distractors) < MIN_DISTRACTORS:
        return None
    statement = definition.statement
    # Quoted as the section writes it: "a class with a `__call__()` method", code kept.
    written = quoted(definition.predicate.strip().rstrip("."), statement.section_markdown)
    predicate = written[:1].upper() + written[1:]
    prompt = f"Which term does {code_span(statement.source.path)} describe as “{predicate}”?"
    return Question(kind="multiple_choice", prompt=prompt, options=_shuffled([answer, *distractors]),
                    answer=answer, explanation=_quoted(statement), source=statement.source)


def _closest_in_length(answer: str, candidates: Iterable[str]) -> list[str]:
    """Up to MAX_DISTRACTORS distinct candidates, those nearest the answer's length first, none so
    short that the answer would stand out as longest by far."""
    seen = {spelling(answer)}
    unique = []
    for candidate in candidates:
        if spelling(candidate) not in seen and len(answer) < LONGEST_BY_FAR * len(candidate):
            seen.add(spelling(candidate))
            unique.append(candidate)
    return sorted(unique, key=lambda c: (abs(len(c) - len(answer)), c))[:MAX_DISTRACTORS]


def turned_statement(statement: Statement) -> Question | None:
    """The statement with one word turned into its opposite ("always" → "never"): false, close to
    its source and wrong in one specific point. None when it has no such word, or it has several.
    A word inside inline code (`read()`) is code, not a claim: never turned."""
    written = statement.markdown
    code = code_spans(written)
    found = [(match, _OPPOSITES[match.group().lower()]) for match in linear_regex.finditer(r"[A-Za-z-]+", written)
             if match.group().lower() in _OPPOSITES
             and not any(start <= match.start() < end for start, end in code)]
    if len(found) != 1:
        return None
    match, opposite = found[0]
    word = match.group()
    opposite = opposite.capitalize() if word[:1].isupper() else opposite
    claim = f"{written[:match.start()]}{opposite}{written[match.end():]}"
    explanation = f"False. {_quoted(statement)} It says “{word}”, not “{opposite}”."
    return Question(kind="true_false", prompt=f"True or false: {claim}", options=TRUE_FALSE,
                    answer="False", explanation=explanation, source=statement.source)


def statement_question(statement: Statement) -> Question:
    return Question(kind="true_false", prompt=f"True or false: {statement.markdown}", options=TRUE_FALSE,
                    answer="True", explanation=f"True. {_quoted(statement)}", source=statement.source)


def command_question(fact: CommandFact, pool: Sequence[CommandFact]) -> Question | None:
    """"Which command does docs/a.md give to install the package?" or "Which command would you run
    to generate a GPG key?" — the job its section says the command does ("To generate a GPG key,
    run:", "use this command to list the topics"); None when the section states no job for it: a
    question naming only where the command is ("… run for “Stable Diffusion”?") tests where a line
    is, not what it does."""
    if kind_of(fact.command) != "code" or fact.command.count('"') % 2 or fact.command.count("'") % 2:
        return None  # "FOO", 'FOO="first line': a shell block's content, not a command
    if _INSTALLS.match(fact.command):
        prompt, job = f"Which command does {code_span(fact.source.path)} give to install the package?", ""
    elif fact.job:
        prompt, job = f"Which command would you run to {escape_markdown(fact.job)}?", fact.job
    else:
        return None
    # The command is the answer, shown as code right above: quoted here it would read as prose. A
    # context announcing it ("use the following command:") is not quoted without it either.
    quoted_context = f" “{escape_markdown(fact.context)}”" if fact.context and not points_beside(fact.context) else ""
    runs = f"runs that command to {escape_markdown(job)}" if job else "runs that command"
    explanation = f"{source_phrase(fact.source)}:{quoted_context} The example there {runs}."
    alike = [other.command for other in pool if same_kind(other.command, fact.command)]
    distractors = _closest_in_length(fact.command, alike)
    if len(distractors) < MIN_DISTRACTORS:
        return Question(kind="short_answer", prompt=prompt, answer=fact.command, options_are_code=True,
                        explanation=explanation, source=fact.source)
    return Question(kind="multiple_choice", prompt=prompt, options=_shuffled([fact.command, *distractors]),
                    answer=fact.command, options_are_code=True, explanation=explanation, source=fact.source)


def _quoted(statement: Statement) -> str:
    return f"{source_phrase(statement.source)}: “{statement.markdown}”"


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
    """Without a prompt asked twice or options offered twice (three "Which command does … run?"
    over the same three commands: the second and third are answered by elimination)."""
    seen, offered, unique = set(), set(), []
    for question in questions:
        key, options = " ".join(question.prompt.lower().split()), option_set(question)
        if key not in seen and options not in offered:
            seen.add(key)
            if options:
                offered.add(options)
            unique.append(question)
    return unique
