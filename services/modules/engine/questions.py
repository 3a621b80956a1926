"""The assessment of a module, generated from real statements of its documents, by item-writing
rules (question_flaws.py checks them): a definition becomes "Which term … describes as “…”?" with
other defined terms of about its length as wrong options, or "What is a broker?" to answer in words;
true/false takes a statement as written, or with one specific point turned round ("always" →
"never"); a shell example asks which command does what its section is about, among commands of the
same kind; a code example asks which snippet shows its section's concept. A question that would
quote a heading naming no concept ("Features"), or offer fewer than three real options, is not
asked; whatever is built is screened by the checker last, so a question with options that repeat
or a prompt about nothing is never emitted (question_flaws.UNASKABLE). Every explanation quotes
its source and names it.

A prompt and an explanation are Markdown (the reader, the site and the export render them so): the
module's sentences are quoted as their documents write them (`Statement.markdown`: inline code
kept, everything else escaped), paths as code. Options and answers are plain text, or code."""
from __future__ import annotations

import hashlib
from collections import Counter
from itertools import zip_longest
from typing import Iterable, Sequence

from shared import linear_regex
from shared.docs.markdown_out import code_span, escape_markdown

from .commands import CommandFact, command_facts
from ..markdown_text import code_spans
from .quoting import quoted
from ..models import Question
from .question_flaws import (GENERIC_HEADINGS, LONGEST_BY_FAR, askable, content_words, kind_of, option_set,
                             same_kind, spelling)
from .sources import (Definition, SourceDoc, Statement, citation_for, concept_key, definitions, is_word_char,
                      mention_of, source_phrase, statements)

MIN_QUESTIONS, MAX_QUESTIONS, MAX_DISTRACTORS = 3, 8, 3
TRUE_FALSE = ["True", "False"]
MIN_DISTRACTORS = 2  # fewer wrong options and the question is asked in words instead
LONGEST_CODE_OPTION = 90
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
_NOT_A_LINE = linear_regex.compile(r"^\s*(?:#|//|import\s|from\s\S+\s+import\s|$|[)\]}]+[,;]?$)")


def build_assessment(sources: Sequence[SourceDoc],
                     course_sources: Sequence[SourceDoc] = ()) -> list[Question]:
    defined = _named_concepts_first(definitions(sources), sources)
    definition_pool = _named_concepts_first(definitions(list(sources) + list(course_sources)), sources)
    commands = command_facts(sources)
    command_pool = command_facts(list(sources) + list(course_sources))
    about_definitions = [definition_question(d, n, definition_pool) for n, d in enumerate(defined)]
    about_commands = [q for q in (command_question(fact, command_pool) for fact in commands) if q]
    about_code = code_questions(sources, list(course_sources) or list(sources))
    # Alternate so a module rich in definitions still asks about its commands and code, and vice versa.
    alternated = zip_longest(about_definitions, about_code, about_commands)
    questions = _deduplicated(askable_only(q for trio in alternated for q in trio if q))
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
            mention = next(filter(None, (mention_of(c, statement.sentence) for c in concepts)), None)
            found.append(_blank(statement, mention) if mention else statement_question(statement))
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
    """"Which command installs the package, as docs/a.md shows it?" or "Which command does docs/a.md
    run for “Stable Diffusion”?"; None when the section's heading names nothing to ask about."""
    where = code_span(fact.source.path)
    heading = fact.section_title.strip(" :?!.")
    if kind_of(fact.command) != "code" or fact.command.count('"') % 2 or fact.command.count("'") % 2:
        return None  # "FOO", 'FOO="first line': a shell block's content, not a command
    if _INSTALLS.match(fact.command):
        prompt = (f"Which command does {where} give to install the package?" if _generic(heading)
                  else f"Which install command does {where} give in its section on “{escape_markdown(heading)}”?")
    elif _generic(heading) or fact.section_title.rstrip().endswith("?"):
        return None
    else:
        prompt = f"Which command does {where} run for “{escape_markdown(heading)}”?"
    quoted_context = f" “{escape_markdown(fact.context)}”" if fact.context else ""
    # The command is the answer, shown as code right above: quoted here it would read as prose.
    explanation = f"{source_phrase(fact.source)}:{quoted_context} The example there runs that command."
    alike = [other.command for other in pool if same_kind(other.command, fact.command)]
    distractors = _closest_in_length(fact.command, alike)
    if len(distractors) < MIN_DISTRACTORS:
        return Question(kind="short_answer", prompt=prompt, answer=fact.command, options_are_code=True,
                        explanation=explanation, source=fact.source)
    return Question(kind="multiple_choice", prompt=prompt, options=_shuffled([fact.command, *distractors]),
                    answer=fact.command, options_are_code=True, explanation=explanation, source=fact.source)


def _generic(heading: str) -> bool:
    lowered = " ".join(heading.lower().split())
    return lowered in GENERIC_HEADINGS or not content_words(heading) or bool(
        {"it", "this", "that"} & set(lowered.split()))


def code_questions(sources: Sequence[SourceDoc], pool_sources: Sequence[SourceDoc]) -> list[Question]:
    """Applying a concept to code: "Which line of code comes from the example for “Streaming
    responses” in docs/a.md?", among lines of the course's other examples in the same language."""
    pool = _code_lines(pool_sources)
    # A line many examples open with ("app = FastAPI()") tells no example from another.
    common = Counter(spelling(line) for _, _, _, line in pool)
    found = []
    for doc, section, language, line in _code_lines(sources):
        if common[spelling(line)] > 1:
            continue
        heading = section.heading.text.strip(" :?!.") if section.heading else ""
        if not heading or _generic(heading) or heading == doc.display_title or section.heading.text.endswith("?"):
            continue
        others = [other for _, other_section, other_language, other in pool
                  if other_language == language and other_section is not section]
        distractors = _closest_in_length(line, (o for o in others if not content_words(o) & content_words(heading)))
        if len(distractors) < MIN_DISTRACTORS or content_words(line) & content_words(heading):
            continue
        source = citation_for(doc, section)
        found.append(Question(
            kind="multiple_choice",
            prompt=f"Which line of code belongs to the example {code_span(doc.path)} gives for “{escape_markdown(heading)}”?",
            options=_shuffled([line, *distractors]), answer=line, options_are_code=True, source=source,
            explanation=f"{source_phrase(source)}: that line is in the example there."))
    return found


# Shell sessions have their own questions; examples of markup (a Markdown or reStructuredText
# snippet showing the syntax) are not lines of a program, and their lines read as raw markup.
_NOT_PROGRAM_CODE = frozenset({"bash", "sh", "shell", "console", "zsh", "text", "txt", "md", "markdown", "mdx",
                               "rst", "restructuredtext", "asciidoc", "adoc", "html"})


def _code_lines(sources: Sequence[SourceDoc]):
    """(doc, section, language, its example's first telling line) for each section's first
    non-shell code example: the line after imports and comments, short enough to read as an option."""
    found = []
    for doc in sources:
        for section in doc.parsed.sections:
            for block in section.code:
                language = block.language.strip().lower()
                if not language or language in _NOT_PROGRAM_CODE:
                    continue
                line = next((" ".join(l.split()) for l in block.code.split("\n") if not _NOT_A_LINE.match(l)), "")
                if 8 <= len(line) <= LONGEST_CODE_OPTION and kind_of(line) == "code":
                    found.append((doc, section, language, line))
                    break
    return found


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
