"""A real Chinese documentation tree through every stage of the offline engine (issue 48): the pages
of PP-Structure's documentation as the PyPI package paddleocr ships them
(tests/fixtures/real_docs/paddleocr-ppstructure-zh, Apache-2.0). Stage 1's scan, stage 2's analysis
and linking, stage 3's pathways and stage 4's modules and exports, called as the services call them
(tests/support/offline_course.py), and each stage's output read for garbage: titles are the pages'
titles, sentences end where the text's sentences end, key terms are words or short phrases of the
pages, the reading order holds every page, questions are well-formed and quote the source."""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from services.doc_analyser.engine.doc_profile import build_profile
from services.modules.engine.question_flaws import UNASKABLE, flaws
from services.modules.engine.sources import sentences as module_sentences
from services.modules.export.export import CourseExport, html_files, markdown_files
from shared.cjk import has_cjk
from tests.support.markup_corpus import raw_markup_in
from tests.support.offline_course import OfflineCourse, course_of_checkout

TREE = Path(__file__).resolve().parents[1] / "fixtures" / "real_docs" / "paddleocr-ppstructure-zh"
PAGES = sorted(str(path.relative_to(TREE)) for path in TREE.rglob("*.md"))
PUNCTUATION = set("，。、：；！？（）「」“”[]{}|<>#*`")
# A full-width end inside a sentence, before more of it: two sentences read as one.
INNER_END = re.compile(r"[。！？][」』”’）)]*(?=\S)")
LONGEST_TERM_CHARACTERS = 30


@lru_cache(maxsize=1)
def course() -> OfflineCourse:
    return course_of_checkout(TREE)


def page_title(path: str) -> str:
    return next(line[2:].strip() for line in (TREE / path).read_text(encoding="utf-8").splitlines()
                if line.startswith("# "))


def plain(path: str) -> str:
    """The page's prose as the parser reads it, for looking quoted text up."""
    return course().sources[path].parsed.text


def test_the_fixture_is_a_chinese_tree_of_five_pages():
    assert len(PAGES) == 5 and all(has_cjk((TREE / page).read_text(encoding="utf-8")) for page in PAGES)


def test_titles_are_the_pages_titles_and_no_page_is_taken_for_release_notes():
    for path in PAGES:
        source = course().sources[path]
        assert source.title == page_title(path)
        assert source.doc_type != "changelog", path
        assert not any("changes" in objective.lower() for objective in source.learning_objectives), path


def test_sentences_end_where_the_texts_sentences_end():
    for path in PAGES:
        parsed = course().sources[path].parsed
        analysed = [sentence.text for sentence in build_profile(parsed).sentences]
        written = [s for section in parsed.sections for s in module_sentences(section.text)]
        assert len(analysed) > 20 and len(written) > 20
        for sentence in analysed + written:
            assert not INNER_END.search(sentence), (path, sentence)


def test_key_terms_are_words_or_short_phrases_of_the_pages():
    chinese_terms = 0
    for path in PAGES:
        source = course().sources[path]
        assert source.key_concepts, path
        for term in source.key_concepts:
            assert len(term) <= LONGEST_TERM_CHARACTERS and not PUNCTUATION & set(term), (path, term)
            if has_cjk(term):
                chinese_terms += 1
                assert " " not in term and term in plain(path), (path, term)
    assert chinese_terms >= len(PAGES)  # Chinese pages are not described by their English words alone


def test_objectives_and_summaries_are_not_garbage():
    for path in PAGES:
        source = course().sources[path]
        assert source.learning_objectives, path
        for objective in source.learning_objectives:
            assert len(objective) <= 120 and "。" not in objective, (path, objective)
        # An extractive summary: its Chinese sentences are the page's, whole.
        for sentence in module_sentences(source.summary):
            if has_cjk(sentence):
                assert sentence.rstrip("…") in " ".join(plain(path).split()) or sentence.endswith("…"), \
                    (path, sentence)


def test_the_reading_order_is_complete_and_each_page_comes_once():
    first, *others = course().plan.pathways
    assert sorted(path for module in first.modules for path in module.documents) == PAGES
    for pathway in others:  # a shorter pathway may leave pages out, never repeat one
        ordered = [path for module in pathway.modules for path in module.documents]
        assert len(ordered) == len(set(ordered)) and set(ordered) <= set(PAGES), pathway.title
    # Layout recovery rebuilds a page from layout analysis and table recognition: the shared
    # Chinese terms (版面分析, 表格识别) make those its prerequisites, read before it.
    order = [path for module in first.modules for path in module.documents]
    recovery = order.index("docs/recovery/README_ch.md")
    assert order.index("docs/layout/README_ch.md") < recovery and order.index("docs/table/README_ch.md") < recovery
    # Reading time counts the Chinese text (it writes no blanks to count words by).
    assert sum(module.estimated_minutes for module in first.modules) >= 45


def test_questions_are_well_formed_and_quote_the_source():
    questions = [q for content in course().contents for q in content.assessment]
    assert len(questions) >= 3
    for question in questions:
        assert not UNASKABLE & set(flaws(question)), question
        assert len(set(question.options)) == len(question.options)
        assert question.source.path in PAGES
        source_text = " ".join(plain(question.source.path).split())
        if question.kind == "true_false" and question.answer == "True":
            claim = question.prompt.removeprefix("True or false: ")
            assert claim.replace("\\", "") in source_text or not has_cjk(claim), question.prompt
        if question.prompt.startswith("Fill in the blank: "):
            quoted = question.prompt.removeprefix("Fill in the blank: ").strip("“”")
            assert quoted.replace("_____", question.answer).replace("\\", "") in source_text, question.prompt
            assert not PUNCTUATION & set(question.answer)


def test_the_modules_and_the_exports_read_cleanly():
    for content in course().contents:
        assert content.title and content.sections and content.summary and content.key_points
    export = CourseExport(title="版面分析", modules=list(zip(course().specs, course().contents)))
    for name, text in markdown_files(export).items():
        # The KIE page writes "NOTE: 对于KIE任务…" as its own prose: text, not AsciiDoc markup.
        found = [mark for mark in raw_markup_in(text) if mark != "NOTE:"]
        assert not found, (name, found)
    pages = html_files(export)
    assert any("表格识别" in page.decode() for name, page in pages.items() if name.endswith(".html"))
