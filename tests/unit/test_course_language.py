"""A course's language: the tag checked, its direction, the language of a text detected, the one
table of labels complete, stage 4's check of the model's language (retry, then the offline engine),
and every export's lang, dir and labels."""
from __future__ import annotations

import json
import re
import zipfile
from dataclasses import replace
from io import BytesIO

import pytest
from pydantic import ValidationError

from services.gateway.api.schemas import CourseCreate, CourseUpdate
from services.gateway.domain.course import create_course, fold, update_course
from services.modules.course_language import (
    content_language, in_language, language_instruction, written_prose, wrong_language,
)
from services.modules.engine.prompts import module_prompt, write_module_task
from services.modules.inputs import write_inputs
from services.modules.export.epub import epub_package
from services.modules.export.imscc import cartridge
from services.modules.export.scorm import sco_html
from services.modules.export.static_site import html_files
from services.modules.models import ModuleContent
from shared.events.catalogue import CourseGenerationRequested
from shared.course_labels import LANGUAGES, TABLE, Labels, content_language_note, label, language_fields, table_for_web
from shared.language import InvalidLanguage, detect, direction, normalised, same_language
from shared.llm.fallback import FallbackProvider
from shared.llm.offline import OfflineProvider
from shared.llm.provider import Completion, LLMProvider, Prompt, Usage
from shared.stage.emitter import StageFailure
from tests.support.exported_course import exported_course

FRENCH = ("Ce module explique comment installer la bouilloire et la configurer avant la première utilisation. "
          "Vous apprendrez à lire le fichier de configuration et à choisir la température de l'eau.")
ENGLISH = ("This module explains how to install the kettle and configure it before its first use. You will "
           "learn to read the configuration file and to choose the temperature of the water.")


@pytest.mark.parametrize("tag, standard", [("fr", "fr"), ("pt-BR", "pt-BR"), ("EN-us", "en-US"),
                                           ("zh-Hans", "zh-Hans"), ("iw", "he"), ("ar", "ar")])
def test_a_registered_tag_is_kept_in_its_standard_form(tag, standard):
    assert normalised(tag) == standard
    assert CourseCreate(title="T", language=tag).language == standard


@pytest.mark.parametrize("tag", ["xx", "zz-ZZ", "123", "en_US", "fr--CA", "und", "qaa", "zxx", "", "a" * 70,
                                 "english"])
def test_a_tag_that_names_no_language_is_refused_with_the_reason(tag):
    with pytest.raises(InvalidLanguage):
        normalised(tag)
    with pytest.raises(ValidationError) as refused:
        CourseCreate(title="T", language=tag)
    assert "language" in str(refused.value)


def test_an_update_may_change_only_the_language():
    assert CourseUpdate(language="de").language == "de"
    with pytest.raises(ValidationError):
        CourseUpdate()


@pytest.mark.parametrize("tag, way", [("ar", "rtl"), ("he", "rtl"), ("fa", "rtl"), ("ur", "rtl"), ("yi", "rtl"),
                                      ("ar-Latn", "ltr"), ("en", "ltr"), ("fr-CA", "ltr"), ("zh", "ltr"),
                                      ("ja", "ltr"), (None, "ltr")])
def test_right_to_left_follows_the_script(tag, way):
    assert direction(tag) == way


@pytest.mark.parametrize("text, language", [
    (FRENCH, "fr"), (ENGLISH, "en"),
    ("Dieses Modul erklärt, wie man den Wasserkocher installiert und vor der ersten Benutzung einrichtet.", "de"),
    ("Este módulo explica cómo instalar el hervidor y configurarlo antes de usarlo por primera vez.", "es"),
    ("本模块介绍如何安装水壶，以及在第一次使用之前如何配置它。你将学习如何阅读配置文件。", "zh"),
    ("このモジュールでは、やかんをインストールして、最初に使う前に設定する方法を説明します。", "ja"),
    ("تشرح هذه الوحدة كيفية تثبيت الغلاية وإعدادها قبل استخدامها لأول مرة.", "ar"),
])
def test_the_language_of_a_text_is_detected(text, language):
    assert detect(text).language == language


def test_short_technical_english_is_english():
    # The model's regional varieties (Nigerian Pidgin, here) are not candidates.
    assert detect("Kettle boils water for tea. To install Kettle, run `pip install kettle`. "
                  "Kettle needs Python 3.11.").language == "en"


def test_too_little_text_says_no_language():
    assert detect("`x = 1`").language is None
    assert detect("").language is None


def test_a_detected_language_matches_a_regional_tag():
    assert same_language("fr-CA", "fr") and same_language("nb", "no") and not same_language("fr", "en")
    assert not same_language("fr", None)


def test_every_label_has_every_language_with_the_same_placeholders():
    assert set(LANGUAGES) >= {"en", "fr", "de", "es", "pt", "zh", "ja", "ar"}
    for key, texts in TABLE.items():
        assert set(texts) == set(LANGUAGES), key
        english = set(re.findall(r"\{(\w+)\}", texts["en"]))
        for language, text in texts.items():
            assert text.strip(), (key, language)
            assert set(re.findall(r"\{(\w+)\}", text)) == english, (key, language)


def test_labels_fall_back_to_english_and_the_web_gets_the_same_table():
    assert label("fr-CA", "summary") == "Résumé" and label("sw", "summary") == "Summary"
    assert Labels("ar").dir == "rtl" and Labels("ar").summary == TABLE["summary"]["ar"]
    assert Labels("ja")("module_of", n=2, total=5) == "モジュール 2 / 5"
    assert table_for_web()["labels"]["check_answer"]["de"] == TABLE["check_answer"]["de"]


def test_a_course_says_when_its_text_is_not_in_its_language():
    assert content_language_note("fr", "fr") == "" and content_language_note("fr", None) == ""
    note = content_language_note("fr", "en")
    assert "English" in note and "français" in note
    assert language_fields("ar", "en") == {"language": "ar", "content_language": "en", "dir": "rtl",
                                           "language_note": content_language_note("ar", "en")}


def test_the_content_language_is_the_sources_unless_a_model_wrote_every_module_in_the_asked_one():
    assert content_language("fr", "en", [], offline=False) == "fr"
    assert content_language("fr", "en", [{"item": "module 1"}], offline=False) == "en"
    assert content_language("fr", "en", [], offline=True) == "en"
    assert content_language(None, "en", [], offline=False) == "en"


def _content(text: str) -> ModuleContent:
    return ModuleContent(title="Module", introduction=text, summary=text,
                         sections=[{"title": "Part", "body_markdown": f"{text}\n\n```python\nimport kettle\n```",
                                    "source": {"path": "docs/install.md"}}])


def test_the_prose_checked_leaves_code_out():
    prose = written_prose(_content(FRENCH))
    assert "import kettle" not in prose and FRENCH in prose
    assert wrong_language(_content(FRENCH), "fr") is None
    assert wrong_language(_content(ENGLISH), "fr").language == "en"


class Scripted(LLMProvider):
    """A model that answers with the given modules in turn, and keeps the prompts it was sent."""
    name, model = "scripted", "scripted-1"

    def __init__(self, *answers: ModuleContent) -> None:
        self.answers, self.prompts = list(answers), []

    async def complete(self, prompt: Prompt, schema):
        self.prompts.append(prompt)
        return Completion(self.answers.pop(0), Usage(provider=self.name, model=self.model, calls=1))


def _prompt() -> Prompt:
    return Prompt("write_module", "system", "user", data={"spec": None})


def _first(provider: LLMProvider, content: ModuleContent) -> Completion:
    return Completion(content, Usage(provider="scripted", model="scripted-1", calls=1))


async def test_a_module_in_the_asked_language_is_kept_without_asking_again():
    model = Scripted()
    kept = await in_language(model, _prompt(), _first(model, _content(FRENCH)), "fr", "module 1")
    assert kept.value.introduction == FRENCH and model.prompts == []


async def test_a_module_in_another_language_is_asked_again_once_saying_so():
    model = Scripted(_content(FRENCH))
    kept = await in_language(model, _prompt(), _first(model, _content(ENGLISH)), "fr", "module 1")
    assert kept.value.introduction == FRENCH and kept.fallback is None and kept.usage.calls == 2
    [again] = model.prompts
    assert "'en', not in 'fr'" in again.system


async def test_a_model_that_keeps_the_wrong_language_gives_way_to_the_offline_engine():
    offline_module = _content(ENGLISH).model_copy(update={"title": "offline"})
    offline = OfflineProvider({"write_module": lambda data: offline_module})
    model = FallbackProvider(Scripted(_content(ENGLISH)), offline)
    kept = await in_language(model, _prompt(), _first(model, _content(ENGLISH)), "fr", "module 1 'Install'")
    assert kept.value.title == "offline"
    assert "module 1 'Install' was written in 'en', not in the course's language 'fr'" in kept.fallback
    strict = FallbackProvider(Scripted(_content(ENGLISH)), offline, strict=True)
    with pytest.raises(StageFailure):
        await in_language(strict, _prompt(), _first(strict, _content(ENGLISH)), "fr", "module 1")


async def test_no_language_asked_or_the_offline_engine_is_never_checked():
    model = Scripted()
    assert (await in_language(model, _prompt(), _first(model, _content(ENGLISH)), None, "m")).value
    offline = OfflineProvider({})
    assert (await in_language(offline, _prompt(), _first(offline, _content(ENGLISH)), "fr", "m")).value


def test_the_prompt_asks_for_the_course_language():
    course = exported_course()
    spec, _ = course.modules[0]
    assert "'fr'" in language_instruction("fr") and language_instruction(None) == ""
    prompt = module_prompt(spec, [], "Kettle", language="fr")
    assert language_instruction("fr") in prompt.system
    assert language_instruction("fr") not in module_prompt(spec, [], "Kettle").system
    assert callable(write_module_task)


def _html(course, name: str) -> str:
    return html_files(course)[name].decode()


def test_the_site_of_an_arabic_course_is_right_to_left_with_arabic_labels():
    course = replace(exported_course(), language="ar", content_language="en")
    index = _html(course, "index.html")
    assert '<html lang="ar" dir="rtl">' in index
    assert TABLE["modules"]["ar"] in index and content_language_note("ar", "en") in index
    page = next(text.decode() for name, text in html_files(course).items() if name.startswith("modules/"))
    assert '<html lang="ar" dir="rtl">' in page
    for key in ("introduction", "assessment", "show_answer", "course_index", "skip"):
        assert TABLE[key]["ar"] in page, key
    assert ">Introduction<" not in page and "Show answer" not in page


def test_the_site_of_a_french_course_has_french_labels():
    page = next(text.decode() for name, text in html_files(replace(exported_course(), language="fr")).items()
                if name.startswith("modules/"))
    assert '<html lang="fr" dir="ltr">' in page and "Module 1 sur" in page and "Afficher la réponse" in page


def test_an_english_or_unknown_course_reads_as_before():
    page = _html(exported_course(), "index.html")
    assert '<html lang="en" dir="ltr">' in page and "<h2>Modules</h2>" in page


def test_the_epub_says_its_language_and_direction():
    course = replace(exported_course(), language="ar")
    with zipfile.ZipFile(BytesIO(epub_package(course))) as epub:
        package = epub.read("EPUB/package.opf").decode()
        navigation = epub.read("EPUB/nav.xhtml").decode()
    assert "<dc:language>ar</dc:language>" in package and 'xml:lang="ar"' in package
    assert 'page-progression-direction="rtl"' in package
    assert 'xml:lang="ar" lang="ar" dir="rtl"' in navigation and TABLE["contents"]["ar"] in navigation


def test_the_cartridge_says_its_language():
    course = replace(exported_course(), language="de")
    with zipfile.ZipFile(BytesIO(cartridge(course))) as package:
        manifest = package.read("imsmanifest.xml").decode()
        page = next(package.read(n).decode() for n in package.namelist() if n.endswith(".html"))
    assert "<lomimscc:language>de</lomimscc:language>" in manifest and 'language="de"' in manifest
    assert '<html lang="de" dir="ltr">' in page and TABLE["assessment"]["de"] in manifest


def test_the_scorm_player_speaks_the_course_language():
    html = sco_html(replace(exported_course(), language="es"), "1.2", 0.8)
    config = json.loads(re.search(r'id="course-config">([^<]*)<', html).group(1))
    assert config["labels"]["correct"] == TABLE["correct"]["es"]
    assert TABLE["check_answer"]["es"] in html and TABLE["next_module"]["es"] in html
    assert '<html lang="es" dir="ltr">' in html


def test_stage_4_folds_the_course_language_from_its_events():
    created = create_course("c1", "alice", "Kettle", "", "fr")
    request = CourseGenerationRequested(course_id="c1", actor="alice",
                                        payload={"task_id": "t1", "pathway_id": "p1"})
    assert write_inputs([created, request], request, []).language == "fr"
    renamed = update_course(fold("c1", [created]), "alice", False, None, "Bouilloire", None)
    assert write_inputs([created, renamed, request], request, []).language == "fr"  # a rename keeps it
    changed = update_course(fold("c1", [created, renamed]), "alice", False, None, None, None, "ar")
    assert write_inputs([created, renamed, changed, request], request, []).language == "ar"
    assert write_inputs([create_course("c1", "alice", "Kettle", ""), request], request, []).language is None
