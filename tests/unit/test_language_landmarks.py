"""The names of a course's landmarks (the navigation, the front matter, the sidebar) come from the one
label table in the course's language, in the site and the SCORM package as in the reader: a screen
reader lists an Arabic course's regions with Arabic names, and no English one is left."""
from __future__ import annotations

import re
from dataclasses import replace

from services.modules.export.scorm import sco_html
from services.modules.export.static_site import html_files
from shared.course_labels import LANGUAGES, TABLE
from tests.support.exported_course import exported_course

LANDMARKS = ("module_navigation", "module_navigation_end", "course_navigation", "course_contents",
             "about_course", "last_module")
ARIA_LABEL = re.compile(r'aria-label="([^"]*)"')  # our own pages: no untrusted text here


def _labels(pages: list[str]) -> set[str]:
    return {found for page in pages for found in ARIA_LABEL.findall(page)}


def test_every_landmark_name_is_in_every_language_of_the_table():
    for key in LANDMARKS:
        assert set(TABLE[key]) == set(LANGUAGES) and all(TABLE[key].values()), key


def test_an_arabic_site_and_scorm_package_name_their_landmarks_in_arabic():
    course = replace(exported_course(), language="ar", content_language="en")
    site = [text.decode() for name, text in html_files(course).items() if name.endswith(".html")]
    sco = sco_html(course, "1.2", 0.8)
    named = _labels([*site, sco])
    assert {TABLE["module_navigation"]["ar"], TABLE["module_navigation_end"]["ar"], TABLE["modules"]["ar"],
            TABLE["course_navigation"]["ar"], TABLE["about_course"]["ar"]} <= named
    english = {texts["en"] for texts in TABLE.values()} - {texts["ar"] for texts in TABLE.values()}
    assert not named & english, named & english


def test_an_english_site_keeps_its_english_landmark_names():
    course = exported_course()
    module_page = next(text.decode() for name, text in html_files(course).items() if name.startswith("modules/"))
    assert 'aria-label="Module navigation"' in module_page
    assert 'aria-label="Course navigation"' in sco_html(course, "1.2", 0.8)
