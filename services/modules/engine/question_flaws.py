"""Item-writing flaws a rule can see in an assessment question, whoever wrote it (the offline engine
or a model): options that repeat, "all/none of the above", an answer longest by far, an option of
another kind than the answer (a command among sentences), too few options to choose from, a false
statement that shares almost nothing with its source (false at a glance), a prompt that quotes a
heading naming no concept ("Which command is used for 'Features'?"), an answer the prompt's words
give away, a question asking where something is (which file, line or page holds it) rather than
what it means or does, a blank cut in a proper name (a character's, a product's); and across one assessment, a question offering the options an earlier one offered
(answering one narrows the other down, and the learner reads the same list twice). `flaws(question)`
names the rules a question breaks; `FlawCount` sums them for a course, assessment by assessment."""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Iterable

from shared import linear_regex
from shared.concepts import STOPWORDS, normal, words
from shared.docs.headings import FIRST_STEPS, PROJECT_NOTES

from ..models import Question

LONGEST_BY_FAR = 1.6     # the answer this many times the longest wrong option's length …
LONGEST_BY_CHARS = 20    # … and this many characters longer is a give-away
MIN_CHOICES = 3          # a multiple-choice question offers at least this many options
CLOSE_TO_SOURCE = 0.5    # a false statement keeps at least this share of its source's words
GIVEAWAY_WORDS = 2       # the answer shares this many more prompt words than any wrong option

RULES = ("identical_options", "all_or_none_of_the_above", "too_few_options", "answer_longest_by_far",
         "option_of_another_kind", "trivially_false", "heading_not_concept", "answer_in_prompt",
         "asks_where", "blank_in_a_name", "options_of_an_earlier_question")
# Flaws that leave nothing to answer, not merely a weak item: two options the learner cannot tell
# apart, a prompt about nothing ("Which command is used for 'Features'?"), or about where a thing is
# rather than what it is. Such a question is never shown; the other rules are measured (FlawCount)
# so the engine is improved rather than hidden.
UNASKABLE = frozenset({"identical_options", "heading_not_concept", "asks_where"})
_ABOVE = linear_regex.compile(r"\b(?:all|none|both|neither) of (?:the )?(?:above|these|them)\b",
                              linear_regex.IGNORECASE)
# Quoted text: curly quotes may hold an apostrophe (“What's new”), straight ones not.
_QUOTED = linear_regex.compile(r"“([^”]{1,200})”|‘([^’]{1,200})’|[\"']([^\"'”’]{1,200})[\"'”’]")
_TRUE_OR_FALSE = linear_regex.compile(r"^true or false:\s*", linear_regex.IGNORECASE)
# A question about where something is, not what it means: "Which file contains …", "Which line of
# code belongs to the example …", "Which command does page.md run for “…”".
_ASKS_WHERE = linear_regex.compile(
    r"^(?:in )?(?:which|what) (?:file|line(?: of code)?|page|section|document|chapter|example)s? "
    r"(?:contains?|holds?|shows?|belongs?|is in|has|gives)\b"
    r"|^which (?:command|line(?: of code)?|example) does .{0,300}\b(?:run|give|show)s? for\b"
    r"|\bbelongs? to the example\b",
    linear_regex.IGNORECASE)
_FILL_IN = linear_regex.compile(r"^fill in the blank", linear_regex.IGNORECASE)
# Headings every project has: quoted as a question's subject they ask about nothing.
GENERIC_HEADINGS = FIRST_STEPS | PROJECT_NOTES | frozenset("""features examples example summary notes readme
documentation help faq answer answers solution question""".split()) | {
    "how it works", "run it", "try it", "try it now", "see it in action", "a simple example", "simple example"}
_PRONOUNS = {"it", "this", "that", "them", "these", "those"}
_SHELL_TOOLS = {"pip", "pip3", "uv", "uvx", "npm", "npx", "yarn", "pnpm", "git", "docker", "python", "python3",
                "make", "curl", "wget", "brew", "apt", "apt-get", "conda", "cargo", "go", "kubectl", "helm",
                "poetry", "pipx", "sudo", "cd", "export", "echo", "cat", "ls", "mkdir", "bash", "sh"}
_CODE = linear_regex.compile(r"[(){}\[\]=<>$|`;]|::|\s--?\w|^\S+\.\S+$|\w:\w|^\S*[-_./]\S*(?: \S+){0,3}$")


@dataclass
class FlawCount:
    checked: int = 0
    flawed: int = 0
    by_rule: dict[str, int] = field(default_factory=dict)

    def add(self, assessment: Iterable[Question]) -> "FlawCount":
        """Counts the questions of one assessment (options repeat within one, not across modules)."""
        offered: set[frozenset[str]] = set()
        for question in assessment:
            broken = flaws(question)
            if (options := option_set(question)) in offered:
                broken.append("options_of_an_earlier_question")
            elif options:
                offered.add(options)
            self.checked += 1
            self.flawed += bool(broken)
            for rule in broken:
                self.by_rule[rule] = self.by_rule.get(rule, 0) + 1
        return self

    @property
    def rate(self) -> float:
        return self.flawed / self.checked if self.checked else 0.0

    def as_payload(self) -> dict:
        return {"checked": self.checked, "flawed": self.flawed, "by_rule": dict(sorted(self.by_rule.items()))}


def flaws(question: Question) -> list[str]:
    """The rules `question` breaks, in the order of RULES; [] for a sound question."""
    found = []
    options = [" ".join(option.split()) for option in question.options]
    choice = question.kind == "multiple_choice"
    if len({spelling(option) for option in options}) < len(options):
        found.append("identical_options")
    if any(_ABOVE.search(option) for option in options):
        found.append("all_or_none_of_the_above")
    if choice and len(set(options)) < MIN_CHOICES:
        found.append("too_few_options")
    wrong = [option for option in options if option != question.answer.strip()]
    if choice and wrong and _longest_by_far(question.answer, wrong):
        found.append("answer_longest_by_far")
    if choice and any(not same_kind(option, question.answer) for option in wrong):
        found.append("option_of_another_kind")
    if question.kind == "true_false" and question.answer == "False" and _far_from_source(question):
        found.append("trivially_false")
    if _quotes_a_heading(question):
        found.append("heading_not_concept")
    if choice and wrong and _given_away(question.prompt, question.answer, wrong):
        found.append("answer_in_prompt")
    if _ASKS_WHERE.search(question.prompt[:500]):
        found.append("asks_where")
    if question.kind == "short_answer" and _FILL_IN.match(question.prompt) and is_proper_name(question.answer):
        found.append("blank_in_a_name")
    return found


def is_proper_name(text: str) -> bool:
    """Words that are all capitalised as names are ("Rick", "Hero Team", "GraphQL") — not an acronym
    ("SQL"), not code, not a lower-case term: a blank there tests recall of a name, not understanding."""
    found = text.split()
    return bool(found) and len(found) <= 4 and kind_of(text) != "code" and all(
        word[:1].isupper() and not word.isupper() and word.isalpha() for word in found)


def option_set(question: Question) -> frozenset[str]:
    """The options a multiple-choice question offers, as compared across an assessment (empty for
    other kinds: every true/false question offers the same two)."""
    if question.kind != "multiple_choice":
        return frozenset()
    return frozenset(spelling(option) for option in question.options)


def askable(question: Question) -> bool:
    """False for a question with an UNASKABLE flaw."""
    return not UNASKABLE.intersection(flaws(question))


def kind_of(option: str) -> str:
    """"code" (a command or an expression), "term" (up to four words) or "statement"."""
    text = option.strip()
    first = text.split(" ", 1)[0].lower() if text else ""
    if first in _SHELL_TOOLS or _CODE.search(text):
        return "code"
    return "term" if len(text.split()) <= 4 else "statement"


@lru_cache(maxsize=65_536)  # options are short, and compared with each other many times
def spelling(option: str) -> str:
    """What is left of an option without case, spaces and punctuation: "OpenAI(" = "openai()"."""
    return linear_regex.sub(r"\W+", "", option.casefold())


def same_kind(option: str, other: str) -> bool:
    """Of one kind; a lower-case phrase passes for code beside code: "fastapi dev" is a command."""
    kinds = {kind_of(option), kind_of(other)}
    if kinds == {"code", "term"}:
        term = option if kind_of(option) == "term" else other
        return term == term.lower()
    return len(kinds) == 1


def content_words(text: str) -> set[str]:
    return {normal(word) for word in words(text) if word.lower() not in STOPWORDS and len(word) > 1}


def _longest_by_far(answer: str, wrong: list[str]) -> bool:
    longest = max(len(option) for option in wrong)
    return len(answer) >= LONGEST_BY_FAR * longest and len(answer) - longest >= LONGEST_BY_CHARS


def _far_from_source(question: Question) -> bool:
    """A false statement should be its source with one point changed; one that shares less than
    half its words with the source sentence the explanation quotes is false at a glance."""
    statement = content_words(_TRUE_OR_FALSE.sub("", question.prompt))
    quoted = [match.group(1) for match in linear_regex.finditer(r"“([^”]+)”", question.explanation)]
    if not statement or not quoted:
        return True  # nothing to hold it to: the learner cannot check it either
    source = content_words(max(quoted, key=len))
    return len(statement & source) / len(statement) < CLOSE_TO_SOURCE


def _quotes_a_heading(question: Question) -> bool:
    """The prompt's quoted subject is a heading that names no concept: a generic section ("Features"),
    one about "it" ("Run it"), or a question."""
    heading = (question.source.heading or "").strip()
    for match in list(_QUOTED.finditer(question.prompt)):  # all found before content_words searches
        text = next(group for group in match.groups() if group is not None)
        quoted = " ".join(text.split()).strip(" ?.:!")
        if not quoted or (heading and quoted.casefold() != heading.strip(" ?.:!").casefold()
                          and quoted.casefold() not in GENERIC_HEADINGS):
            continue
        lowered = quoted.casefold()
        if (lowered in GENERIC_HEADINGS or _PRONOUNS & set(lowered.split()) or text.rstrip().endswith("?")
                or not content_words(quoted)):
            return True
    return False


def _given_away(prompt: str, answer: str, wrong: list[str]) -> bool:
    """The answer repeats words of the prompt that no wrong option does."""
    asked = content_words(prompt)
    shared = len(content_words(answer) & asked)
    return shared - max(len(content_words(option) & asked) for option in wrong) >= GIVEAWAY_WORDS
