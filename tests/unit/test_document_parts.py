"""A document longer than one prompt is cut into parts along its sections (engine/sections.py,
engine/parts.py): headings of Markdown, reStructuredText and AsciiDoc are respected, nothing is
lost or repeated (the parts joined are the text), a section too big for a part is cut at its
paragraphs, lines and at last characters, and pathological text finishes (not timed: a
backtracking or quadratic cut would not finish this suite). The parts' budget fits the window."""
from __future__ import annotations

import pytest
from hypothesis import given, settings, strategies as st

from services.doc_analyser.engine.budget import DEFAULT_PART_CHARS, REPAIR_TOKENS, part_budget
from services.doc_analyser.engine.models import PROMPT_VERSION, DocumentAnalysis
from services.doc_analyser.engine.parts import split_into_parts
from services.doc_analyser.engine.plan import analysis_plan
from services.doc_analyser.engine.prompts import CourseContext
from services.doc_analyser.engine.sections import section_starts
from shared.docs.parsing import parse
from shared.llm.model_limits import ModelLimits
from shared.llm.openai_answer import MODES, messages_for, structure_for
from shared.llm.prompt_size import request_tokens
from shared.llm.tool_answer import tool_name

COURSE = CourseContext("skyline", "beginner", "", 12)


def markdown_sections(count: int, size: int = 300) -> list[str]:
    return [f"## Section {n}\n\n" + f"Sentence {n} about brokers. " * (size // 28) + "\n\n" for n in range(count)]


def test_parts_hold_whole_sections_and_join_to_the_text():
    sections = ["# Guide\n\nIntro.\n\n", *markdown_sections(8)]
    text = "".join(sections)
    parts = split_into_parts(text, 700)
    assert "".join(parts) == text and len(parts) > 1
    assert all(len(part) <= 700 for part in parts)
    for section in sections:  # each section whole in exactly one part
        assert sum(section in part for part in parts) == 1, section[:20]
    assert all(part.startswith(("# Guide", "## Section")) for part in parts)


def test_a_document_that_fits_is_one_part():
    assert split_into_parts("# A\n\ntext\n", 100) == ["# A\n\ntext\n"]
    assert split_into_parts("", 10) == [""]


def test_headings_of_each_format_begin_sections_code_does_not():
    markdown = "# T\n\nintro\n\n```sh\n# a comment\n```\n\nSetext\n======\n\nbody\n\n## Two\n"
    assert [markdown[i:i + 6] for i in section_starts(markdown, "markdown")] == ["# T\n\ni", "Setext", "## Two"]
    rst = "=====\nTitle\n=====\n\nintro\n\nUsage\n-----\n\n::\n\n   code\n   ----\n\nAPI\n~~~\n"
    assert [rst[i:i + 5] for i in section_starts(rst, "rst")] == ["=====", "Usage", "API\n~"]
    asciidoc = "= Doc\n\nx\n\n== One\n\n[source]\n----\n= not a title\n----\n\n== Two\n"
    assert [asciidoc[i:i + 6] for i in section_starts(asciidoc, "asciidoc")] == ["= Doc\n", "== One", "== Two"]


def test_a_section_too_big_is_cut_at_its_paragraphs_then_lines():
    paragraphs = [f"Paragraph {n} " + "word " * 40 + "\n\n" for n in range(10)]  # about 220 characters each
    text = "# Only\n\n" + "".join(paragraphs)
    parts = split_into_parts(text, 500)
    assert "".join(parts) == text and all(len(part) <= 500 for part in parts)
    assert all(part.endswith("\n\n") for part in parts)  # every cut at a blank line
    lines = "# Lines\n" + "".join(f"line {n} " + "x" * 50 + "\n" for n in range(100))
    parts = split_into_parts(lines, 300)
    assert "".join(parts) == lines and all(part.endswith("\n") and len(part) <= 300 for part in parts)


def test_one_huge_paragraph_without_a_line_break_is_still_cut():
    text = "word " * 100_000
    parts = split_into_parts(text, 7_000)
    assert "".join(parts) == text and len(parts) == -(-len(text) // 7_000)
    assert all(len(part) <= 7_000 for part in parts)


def test_a_part_must_hold_something():
    with pytest.raises(ValueError, match="at least one character"):
        split_into_parts("text", 0)


# Half a megabyte each: a cut quadratic in the text would take hours on any of them.
PATHOLOGICAL = ["#" * 500_000, "a\n" * 250_000, "=\n" * 250_000, "# a\n" * 125_000, "```\n" * 125_000,
                "text\n====\n" * 50_000, " " * 500_000 + "#", "\n" * 500_000, "----\n" * 100_000,
                "`" * 250_000 + "\n# h\n" + "~" * 250_000, "\r\n" * 250_000, "= a\n" * 125_000]


@pytest.mark.parametrize("doc_format", ["markdown", "rst", "asciidoc"])
def test_pathological_text_is_cut_without_loss(doc_format):
    for text in PATHOLOGICAL:
        parts = split_into_parts(text, 4_000, doc_format)
        assert "".join(parts) == text and all(0 < len(part) <= 4_000 for part in parts)


MARKUP = "#*_`~=-+.:'\"\\/ \t\r\nab"
generated = st.builds(lambda prefix, unit, count: prefix + unit * count,
                      st.sampled_from(["", "# a\n", "= a\n", "a\n===\n", "```\n", ".. \n", "----\n"]),
                      st.text(alphabet=MARKUP, min_size=1, max_size=4), st.integers(min_value=1, max_value=20_000))


@settings(max_examples=60, deadline=None)
@given(generated, st.integers(min_value=1, max_value=3_000), st.sampled_from(["markdown", "rst", "asciidoc", "text"]))
def test_any_text_joins_back_from_parts_that_fit(text, max_chars, doc_format):
    parts = split_into_parts(text, max_chars, doc_format)
    assert "".join(parts) == text and all(len(part) <= max_chars for part in parts)


# --- the budget and the prompts -----------------------------------------------------------------

def test_an_unknown_window_gets_the_old_60k_parts_and_a_capped_answer():
    assert part_budget(ModelLimits(None, None), 900).part_chars == DEFAULT_PART_CHARS == 60_000
    assert part_budget(ModelLimits(None, 500), 900).max_output_tokens == 500


def test_a_window_too_small_for_any_part_sends_the_document_whole():
    assert part_budget(ModelLimits(1024, None), 900).part_chars is None


def test_a_small_output_limit_leaves_the_document_more_room():
    small = part_budget(ModelLimits(8192, 100), 900)
    assert small.max_output_tokens == 100
    assert small.part_chars > part_budget(ModelLimits(8192, None), 900).part_chars


def test_the_offline_engine_gets_one_prompt_for_a_huge_document():
    text = "".join(markdown_sections(800))
    plan = analysis_plan(parse("big.md", text), text, COURSE, ModelLimits(None, None), offline=True)
    assert plan.parts == 1 and text in plan.prompts[0].user and plan.version == PROMPT_VERSION


def test_a_huge_document_is_analysed_whole_in_60k_parts_when_the_window_is_unknown():
    text = "".join(markdown_sections(800))  # about 240,000 characters
    plan = analysis_plan(parse("big.md", text), text, COURSE, ModelLimits(None, None), offline=False)
    assert plan.parts == 4 and plan.version == f"{PROMPT_VERSION};parts=4"
    bodies = [p.user.split(">\n", 1)[1].rsplit("\n</document>", 1)[0] for p in plan.prompts]
    assert "".join(bodies) == text and all(len(body) <= 60_000 for body in bodies)
    assert all(f'part="{n} of 4"' in p.user for n, p in enumerate(plan.prompts, start=1))


def test_a_document_that_fits_keeps_its_prompt_and_cache_version():
    text = "# Small\n\nA short guide.\n"
    plan = analysis_plan(parse("small.md", text), text, COURSE, ModelLimits(8192, None), offline=False)
    assert plan.parts == 1 and plan.version == PROMPT_VERSION and "part=" not in plan.prompts[0].user


@pytest.mark.parametrize("window", [2048, 4096, 8192])
def test_every_part_fits_the_window_with_its_answer_and_a_repair_in_every_mode(window):
    text = "# Guide\n\nIntro.\n\n" + "".join(markdown_sections(30, 700)) + "</document> " * 300
    plan = analysis_plan(parse("docs/guide.md", text), text, COURSE, ModelLimits(window, None), offline=False)
    assert plan.parts > 1
    schema = DocumentAnalysis.model_json_schema()
    for prompt in plan.prompts:
        for mode in MODES:
            sent = request_tokens({"messages": messages_for(mode, prompt, schema),
                                   **structure_for(mode, tool_name(DocumentAnalysis), schema)})
            assert sent + 2 * prompt.max_output_tokens + REPAIR_TOKENS <= window, (mode, sent)
