"""Commands shown in a module's shell examples, with the section that shows them and the job its
prose says they do: the facts behind "Which command would you run to list the topics?" questions.

The job is read from how documentation introduces a command, in the infinitive the author wrote,
so it needs no conjugation: "To list the topics, run:", "use the following command to install
Flask:", "Run `x` to start the server.". A sentence says no job when what follows "to" is not a
verb phrase (it opens with a function word: "to the right of", "to your project")."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from shared import linear_regex
from shared.concepts import STOPWORDS
from shared.docs.pointers import points_beside

from ..models import Citation
from .sources import SourceDoc, citation_for, section_title, sentences

SHELL_LANGUAGES = {"bash", "sh", "shell", "zsh", "console", "shell-session", "shellsession", "terminal"}
_PROMPTS = ("$ ", "% ")
MAX_COMMAND_CHARS = 160
_JOB_WORDS = r"[A-Za-z][\w'’-]*(?: [\w'’`.-]+){1,11}"
_JOB = linear_regex.compile(
    rf"^to (?P<lead>{_JOB_WORDS}?)\s*(?:,|:|\byou\b|\buse\b|\brun\b|\bexecute\b|\btype\b|$)"
    rf"|\b(?:command|commands|script|this|it|following|below)\s+to\s+(?P<after>{_JOB_WORDS}?)\s*(?:[,:;.!?(]|$)"
    rf"|\b(?:run|execute|type|enter)\b[^.:]{{0,80}}?\bto\s+(?P<then>{_JOB_WORDS}?)\s*(?:[,:;.!?(]|$)",
    linear_regex.IGNORECASE)


@dataclass(frozen=True)
class CommandFact:
    command: str
    section_title: str
    context: str            # the sentence stating its job, else the section's first, quoted in the explanation
    source: Citation
    job: str = ""           # what the section says the command does ("list the topics"), or ""


def command_facts(sources: Sequence[SourceDoc]) -> list[CommandFact]:
    """The first command of each section's shell examples, each command once, in reading order."""
    facts: dict[str, CommandFact] = {}
    for doc in sources:
        for section in doc.parsed.sections:
            commands = (first_command(block.language, block.code) for block in section.code)
            command = next((c for c in commands if c), "")
            if command and command not in facts:
                said = sentences(section.text)
                stated = next(((sentence, job) for sentence in said if (job := job_in(sentence))), None)
                context, job = stated or (next(iter(said), ""), "")
                facts[command] = CommandFact(command, section_title(doc, section), context,
                                             citation_for(doc, section), job)
    return list(facts.values())


def job_in(sentence: str) -> str:
    """The job a sentence introducing a command says it does, in the author's infinitive, or ""."""
    found = _JOB.search(" ".join(sentence.split()))
    if found is None:
        return ""
    job = next(found[group] for group in ("lead", "after", "then") if found.start(group) >= 0).strip(" `").rstrip(".,;:!?")
    first = job.split(" ", 1)[0].lower()
    return "" if first in STOPWORDS or not first.isalpha() or points_beside(job) else job


def first_command(language: str, code: str) -> str:
    lines = [line.rstrip() for line in code.split("\n") if line.strip()]
    prompted = [line for line in lines if line.startswith("$ ")]
    is_shell = language.strip().lower() in SHELL_LANGUAGES or (not language.strip() and prompted)
    if not is_shell:
        return ""
    # In a terminal transcript only the prompted lines are commands; the rest is their output.
    candidates = prompted or [line for line in lines if not line.lstrip().startswith("#")]
    if not candidates:
        return ""
    command = candidates[0]
    for prompt in _PROMPTS:
        if command.startswith(prompt):
            command = command[len(prompt):]
            break
    command = command.strip().rstrip("\\").strip()
    return command if 0 < len(command) <= MAX_COMMAND_CHARS else ""
