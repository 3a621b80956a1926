"""Chinese and Japanese text in the shared text utilities (issue 48): sentences end at 。！？ with
no blank after them, words are found without blanks between them (no whole sentence is a term,
no term holds punctuation), concept keys of CJK terms match however they are written, and a
document numbered as an outline ("3.1 SER") is not taken for release notes. English text is read
as before."""
from __future__ import annotations

import pytest

from services.doc_analyser.engine.doc_profile import build_profile
from services.doc_analyser.engine.doctype import classify
from services.doc_analyser.engine.keyphrases import key_concepts, rank_candidates
from services.doc_analyser.engine.lexicon import sentences as analysis_sentences
from services.doc_analyser.engine.objective_phrasing import heading_objective
from services.doc_analyser.engine.offline import analyse_document
from services.modules.engine.sources import is_statement, mention_of
from services.modules.engine.sources import sentences as module_sentences
from shared.cjk import ends_sentence, has_cjk, joined, sentence_pieces, term_vocabulary, terms_in
from shared.concepts import concept_key, phrase_keys, tokens, words
from shared.docs.builder import count_words
from shared.docs.parsing import parse

CHINESE = ("版面分析指的是对图片形式的文档进行区域划分，定位其中的关键区域。版面分析算法基于PaddleDetection的轻量模型进行开发！"
           "表格识别主要包含三个模型？表格识别的结果是html字符串。")
JAPANESE = ("Janomeは純粋なPythonで書かれた形態素解析エンジンです。辞書を内包しているので、インストールが簡単です。"
            "形態素解析エンジンはテキストを単語に分割します。インストールはpipで行います。")
PUNCTUATION = set("，。、：；！？（）「」『』“”,.:;!?()")


@pytest.mark.parametrize("split", [analysis_sentences, module_sentences])
def test_chinese_sentences_end_at_full_width_marks_without_a_blank_after_them(split):
    assert split(CHINESE) == ["版面分析指的是对图片形式的文档进行区域划分，定位其中的关键区域。",
                              "版面分析算法基于PaddleDetection的轻量模型进行开发！", "表格识别主要包含三个模型？",
                              "表格识别的结果是html字符串。"]


@pytest.mark.parametrize("split", [analysis_sentences, module_sentences])
def test_japanese_sentences_and_closing_quotes_stay_with_their_sentence(split):
    assert split(JAPANESE)[:2] == ["Janomeは純粋なPythonで書かれた形態素解析エンジンです。", "辞書を内包しているので、インストールが簡単です。"]
    assert split("「辞書を使います。」次に解析します。") == ["「辞書を使います。」", "次に解析します。"]


@pytest.mark.parametrize("split", [analysis_sentences, module_sentences])
def test_english_sentences_split_as_before(split):
    text = "A broker stores messages. It keeps them on disk, e.g. in a log. Clients read them!"
    assert split(text) == ["A broker stores messages.", "It keeps them on disk, e.g. in a log.", "Clients read them!"]


def test_each_cjk_character_is_a_token_and_english_tokens_are_unchanged():
    assert tokens("集成LayoutXLM模型。") == ["集", "成", "LayoutXLM", "模", "型", "。"]
    assert words("版面分析") == ["版", "面", "分", "析"]
    assert tokens("Install the v1.2 CLI, then run `x()`.") == \
        ["Install", "the", "v1.2", "CLI", ",", "then", "run", "`", "x()", "`", "."]


def test_a_cjk_concept_key_is_its_characters_and_matches_in_running_text():
    assert concept_key("版面分析") == "版面分析" == concept_key("the 版面分析")
    assert concept_key("LayoutXLM 模型") == "layoutxlm 模型"
    assert joined(["layoutxlm", "模", "型"]) == "layoutxlm 模型"
    assert "版面分析" in phrase_keys("使用版面分析模型", 4)
    assert "关键信息抽取" in phrase_keys("关键信息抽取任务", 4)  # longer than `longest`: CJK terms are characters


def test_chinese_terms_are_repeated_words_not_sentences_nor_function_words():
    vocabulary = term_vocabulary([CHINESE, "版面分析和表格识别都需要模型。"], ["版面分析"])
    assert {"版面分析", "表格识别"} <= vocabulary
    assert not any(PUNCTUATION & set(term) for term in vocabulary)
    assert all(2 <= len(term) <= 8 for term in vocabulary)
    assert "进行" not in vocabulary and not any(term.startswith("的") or term.endswith("的") for term in vocabulary)
    assert terms_in("版面分析进行表格识别", vocabulary) == ["版面分析", "表格识别"]


def test_japanese_terms_are_runs_of_kanji_and_katakana():
    vocabulary = term_vocabulary([JAPANESE], ["形態素解析"])
    assert {"形態素解析", "インストール", "エンジン"} <= vocabulary
    assert not any(set(term) & set("はがをにでの") for term in vocabulary)  # particles are hiragana: no term


def test_key_concepts_of_a_chinese_document_are_words_of_it():
    text = ("# 版面分析\n\n版面分析指的是对图片形式的文档进行区域划分。版面分析模型基于PP-PicoDet开发。\n\n"
            "## 表格识别\n\n表格识别模型输出表格结构。表格结构用html表示。版面分析和表格识别可以一起使用。\n")
    doc = parse("docs/layout.md", text)
    concepts = key_concepts(rank_candidates(build_profile(doc)), 10)
    assert "版面分析" in concepts and "表格识别" in concepts
    for concept in concepts:
        assert concept in text and not PUNCTUATION & set(concept) and len(concept) <= 20, concept


def test_a_cjk_statement_is_a_whole_sentence_that_points_nowhere():
    assert is_statement("版面分析指的是对图片形式的文档进行区域划分，定位其中的关键区域。")
    assert not is_statement("3.1 安装PaddlePaddle.")          # a heading the parser made a line of
    assert not is_statement("版面分析效果如下图所示：")          # points at the figure beside it
    assert not is_statement("表格识别主要包含三个模型")          # a list's introduction, no end
    assert not is_statement("这个模型的精度更高，速度也更快。")   # "this": points back
    assert ends_sentence("「辞書を使います。」") and not ends_sentence("版面分析")


def test_a_cjk_term_is_mentioned_where_it_is_written():
    sentence = "PP-Structure提供了三类文档版面分析模型。"
    start, end = mention_of("版面分析", sentence)
    assert sentence[start:end] == "版面分析"
    assert mention_of("表格识别", sentence) is None


def test_an_outline_numbered_document_is_no_changelog_but_release_notes_still_are():
    outline = parse("docs/kie.md", "# 关键信息抽取\n\n## 1. 简介\n\n介绍。\n\n## 3. 效果演示\n\n### 3.1 SER\n\n文本。\n\n"
                                   "### 3.2 RE\n\n文本。\n\n## 4. 使用\n\n### 4.1 准备环境\n\n文本。\n")
    assert classify(outline, ["介绍。"]) != "changelog"
    english = parse("docs/guide.md", "# Guide\n\n## 1. Introduction\n\nText here.\n\n### 1.1 Background\n\n"
                                     "Text.\n\n### 1.2 Methods\n\nText.\n")
    assert classify(english, ["Text here."]) != "changelog"
    releases = parse("CHANGES.md", "# Changes\n\n## 1.2.0\n\n- Fixed a bug.\n\n## 1.1.0\n\n- Added a flag.\n")
    assert classify(releases, ["Fixed a bug."]) == "changelog"


@pytest.mark.parametrize("heading", ["简介", "1. 简介", "快速开始", "参考文献", "更多", "目录", "はじめに", "インストール"])
def test_chinese_and_japanese_generic_headings_give_no_objective(heading):
    assert heading_objective(heading, "guide") is None


def test_a_chinese_document_analysis_has_its_title_and_no_release_objectives():
    text = "# 表格识别\n\n## 1. 简介\n\n表格识别主要包含三个模型。表格识别的结果是html字符串。\n\n## 2. 使用\n\n### 2.1 快速开始\n\n运行命令。\n"
    analysis = analyse_document(parse("docs/table/README_ch.md", text), "beginner")
    assert analysis.title == "表格识别" and analysis.doc_type != "changelog"
    assert not any("changes" in objective for objective in analysis.learning_objectives)
    assert has_cjk(analysis.summary) and ends_sentence(analysis.summary)


def test_text_without_cjk_is_one_piece():
    assert sentence_pieces("A sentence. Another one.") == ["A sentence. Another one."]
    assert not has_cjk("plain ASCII") and not has_cjk("café")


def test_cjk_characters_count_as_words_in_reading_time_and_english_counts_as_before():
    assert count_words("A plain English sentence, here.") == 5
    assert count_words("版面分析指的是对图片形式的文档进行区域划分。") == 16  # 21 characters, three quarters of a word each
    assert count_words("使用PaddleDetection训练") == 1 + 3


def test_a_cjk_heading_names_what_to_understand_whatever_its_numbering():
    assert heading_objective("3.使用标准PDF解析进行版面恢复", "guide") == ("Understand 使用标准PDF解析进行版面恢复", 2)
    assert heading_objective("4.1 安装PaddlePaddle", "guide") == ("Understand 安装PaddlePaddle", 2)
    assert heading_objective("形態素解析とは？", "guide") is None


def test_a_word_with_accents_or_of_another_alphabet_is_one_token():
    assert words("Les données de Müller, 한국어 문서, русский текст") == \
        ["Les", "données", "de", "Müller", "한국어", "문서", "русский", "текст"]
    assert concept_key("Données personnelles") == "donnée personnelle"
