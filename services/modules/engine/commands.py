"""Commands shown in a module's shell examples, with the section that shows them: the facts behind
"Which command is used for 'Installation'?" questions."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Sequence

from ..models import Citation
from .sources import SourceDoc, citation_for, section_title, sentences

SHELL_LANGUAGES = {"bash", "sh", "shell", "zsh", "console", "shell-session", "shellsession", "terminal"}
_PROMPTS = ("$ ", "% ")
MAX_COMMAND_CHARS = 160


@dataclass(frozen=True)
class CommandFact:
    command: str
    section_title: str
    context: str            # the section's first sentence, quoted in the explanation
    source: Citation


def command_facts(sources: Sequence[SourceDoc]) -> list[CommandFact]:
    """The first command of each section's shell examples, each command once, in reading order."""
    facts: dict[str, CommandFact] = {}
    for doc in sources:
        for section in doc.parsed.sections:
            commands = (first_command(block.language, block.code) for block in section.code)
            command = next((c for c in commands if c), "")
            if command and command not in facts:
                context = next(iter(sentences(section.text)), "")
                facts[command] = CommandFact(command, section_title(doc, section), context,
                                             citation_for(doc, section))
    return list(facts.values())


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
