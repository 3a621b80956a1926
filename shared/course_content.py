"""A module's content: what stage 4 writes for one module, and what the author may edit field by
field (shared/course_edits.py, the gateway's edit commands). `ModuleContent` is also the
structured-output schema an LLM fills through tool use, so every field is a plain JSON type with a
description, and the offline engine (`services.modules.engine.engine`) answers with the same model."""
from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

QuestionKind = Literal["multiple_choice", "true_false", "short_answer"]


class Citation(BaseModel):
    model_config = ConfigDict(extra="ignore")
    path: str = Field(min_length=1, description="repository-relative path of the source document")
    heading: str = Field(default="", description="text of the section heading; empty for the document's top")
    anchor: str = Field(default="", description="GitHub-style anchor of that heading; empty for the top")


class ContentSection(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str = Field(min_length=1, max_length=300)
    body_markdown: str = Field(description="the section's teaching text in Markdown, in the sources' order: "
                                           "explanation, lists, tables, notes and each code block (fenced) "
                                           "right after the sentence that introduces it")
    source: Citation


class CodeExample(BaseModel):
    model_config = ConfigDict(extra="ignore")
    language: str = Field(default="", description="fence language, e.g. bash or python; empty when unknown")
    code: str = Field(min_length=1)
    caption: str = ""
    source: Citation


class Question(BaseModel):
    # The prompt (inline) and the explanation are Markdown: the reader, the site and the export
    # render a model's `code` and the offline engine's quoted code spans as code; the options and
    # the answer are plain text, or code when options_are_code. (A comment, not a description: the
    # schema is part of the stage 4 prompt, whose size is calibrated.)
    model_config = ConfigDict(extra="ignore")
    kind: QuestionKind
    prompt: str = Field(min_length=1)
    options: list[str] = Field(default_factory=list,
                               description="choices for multiple_choice and true_false (plain text); "
                                           "empty for short_answer")
    answer: str = Field(min_length=1, description="the correct option's text, or the expected answer")
    options_are_code: bool = Field(default=False, description="the options and the answer are lines of code "
                                                               "or commands, shown as code")
    explanation: str = Field(min_length=1, description="why, quoting the source and naming its path")
    source: Citation

    @model_validator(mode="after")
    def _answer_is_one_of_the_options(self) -> "Question":
        # A choice question whose answer is not offered cannot be marked; reject it so a
        # provider's malformed answer is repaired instead of shown.
        if self.kind != "short_answer":
            if len(self.options) < 2:
                raise ValueError(f"a {self.kind} question needs at least two options")
            if self.answer not in self.options:
                raise ValueError("the answer must be one of the options")
        return self


class ModuleContent(BaseModel):
    model_config = ConfigDict(extra="ignore")
    title: str = Field(min_length=1, max_length=300)
    introduction: str = Field(description="Markdown: what the module covers, why, objectives, sources")
    learning_objectives: list[str] = Field(default_factory=list)
    sections: list[ContentSection] = Field(default_factory=list, description="main content, in reading order")
    code_examples: list[CodeExample] = Field(
        default_factory=list, description="only examples that belong to no section: code sits in its section")
    key_points: list[str] = Field(default_factory=list)
    conclusion: str = ""
    assessment: list[Question] = Field(default_factory=list)
    summary: str = ""


class InvalidField(ValueError):
    """An edited field that is not a content field, or whose value is not of its shape; names it."""

    def __init__(self, field: str, reason: str) -> None:
        super().__init__(f"{field}: {reason}")
        self.field, self.reason = field, reason


# How large an author's edit may be, field by field (a text's key, or a list's key: its items), so
# no edit grows an event, a stored module or a render past what the system is sized for. Stage 4's
# own output is not held to these: they bound what a user writes, with room for any module it wrote.
TEXT_LIMITS = {"title": 300, "introduction": 50_000, "body_markdown": 50_000, "conclusion": 50_000,
               "summary": 50_000, "code": 20_000, "caption": 1_000, "language": 40, "prompt": 2_000,
               "options": 1_000, "answer": 1_000, "explanation": 5_000, "learning_objectives": 1_000,
               "key_points": 1_000, "path": 1_000, "heading": 1_000, "anchor": 1_000}
LIST_LIMITS = {"sections": 200, "code_examples": 200, "assessment": 200, "learning_objectives": 100,
               "key_points": 100, "options": 20}
EDIT_TEXT_LIMIT = 200_000  # characters over every field of one edit: its event stays far below a message's size


def _within_limits(name: str, value: Any, where: str, total: list[int]) -> None:
    if isinstance(value, str):
        limit = TEXT_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            raise InvalidField(where, f"at most {limit:,} characters (this one has {len(value):,})")
        total[0] += len(value)
    elif isinstance(value, list):
        limit = LIST_LIMITS.get(name)
        if limit is not None and len(value) > limit:
            raise InvalidField(where, f"at most {limit:,} items (this one has {len(value):,})")
        for index, item in enumerate(value):
            _within_limits(name, item, f"{where}.{index}", total)
    elif isinstance(value, dict):
        for key, item in value.items():
            _within_limits(key, item, f"{where}.{key}", total)


def validate_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """The edited fields checked against `ModuleContent` and the size limits above, each with its
    value as JSON (defaults filled in, e.g. a section's citation heading). Raises InvalidField naming
    the first bad one and, for a size, the limit."""
    if not fields:
        raise InvalidField("fields", "name at least one field of the module's content to change")
    blank = ModuleContent.model_construct(title="-", introduction="")
    checked = {}
    for name, value in fields.items():
        if name not in ModuleContent.model_fields:
            raise InvalidField(name, "not a field of a module's content; one of "
                               + ", ".join(ModuleContent.model_fields))
        try:
            # Validates this one field with its type and constraints (nested models included).
            ModuleContent.__pydantic_validator__.validate_assignment(blank, name, value)
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            raise InvalidField(where or name, first["msg"]) from None
        checked[name] = blank.model_dump(mode="json", include={name})[name]
    total = [0]
    for name, value in checked.items():
        _within_limits(name, value, name, total)
    if total[0] > EDIT_TEXT_LIMIT:
        raise InvalidField("fields", f"at most {EDIT_TEXT_LIMIT:,} characters in one edit (this one has {total[0]:,})")
    return checked
