"""SCORM 1.2 and SCORM 2004 (4th Edition) packages of a course.

One SCO with internal navigation, not one SCO per module: what the course reports is course-wide
(every module read, one score over every quiz, one bookmark), and SCORM has no data model shared
between SCOs; an LMS's roll-up of several SCOs differs from one LMS to the next. So the manifest
has one organization with one item, the course, launched at `index.html`: the whole course as one
document (book.py) showing one module at a time, its quizzes answerable, and `player.js` reporting
to the LMS (bookmark, suspend data, score, completion, success against the mastery score)."""
from __future__ import annotations

import json
from html import escape
from importlib import resources
from itertools import count
from typing import BinaryIO, Iterator
from xml.sax.saxutils import quoteattr

from shared.scorm_mastery import CONFIG_ID, DEFAULT_MASTERY_PERCENT, manifest_mastery

from ..models import Question
from .book import Book, book_parts
from .export import Entries, write_zip, zipped
from .export_model import CourseExport, content_link_ok
from .markdown_render import render_inline
from .static_site import ENGLISH, SourceLink, answer_html, question_html
from shared.course_labels import Labels

DEFAULT_MASTERY = DEFAULT_MASTERY_PERCENT / 100
PLAYER = "player.js"
# The SCO runs its own script (player.js) and nothing from another host.
SCO_CSP = ("default-src 'none'; script-src 'self'; style-src 'unsafe-inline'; img-src data:; "
           "base-uri 'none'; form-action 'none'")

PLAYER_STYLE = """
.controls { position: sticky; top: 0; z-index: 1; display: flex; flex-wrap: wrap; gap: .5rem 1rem;
  align-items: center; padding: .6rem 0; background: var(--bg); border-bottom: 1px solid var(--line); }
.controls button, button.check { font: inherit; padding: .3rem .9rem; border-radius: 6px;
  border: 1px solid var(--accent); background: var(--bg); color: var(--accent); cursor: pointer; }
.controls button:disabled { color: var(--muted); border-color: var(--line); cursor: default; }
.controls button:focus-visible, button.check:focus-visible, input:focus-visible {
  outline: 2px solid var(--accent); outline-offset: 2px; }
#position { color: var(--muted); }
.toc a[aria-current="page"] { font-weight: 700; color: var(--text); }
fieldset.question { border: 1px solid var(--line); border-radius: 6px; margin: 0 0 1.2rem; padding: .6rem 1rem; }
fieldset.question legend { font-weight: 600; padding: 0 .3rem; }
.choice { display: block; margin: .3rem 0; }
.verdict { font-weight: 600; min-height: 1.5em; }
[data-verdict="right"] .verdict { color: var(--str); }
article.module[hidden] { display: none; }
"""

# What the player says (player.js reads them from the page's config), in the course's language.
PLAYER_LABELS = ("module_of", "correct", "not_quite", "choose_first", "place_saved")


def controls(labels: Labels) -> str:
    return (f'<div class="controls" role="group" aria-label="{escape(labels.course_navigation)}">'
            f'<button type="button" id="previous">{escape(labels.previous_module)}</button>'
            '<span id="position" aria-live="polite"></span>'
            f'<button type="button" id="next">{escape(labels.next_module)}</button>'
            f'<button type="button" id="leave">{escape(labels.save_and_leave)}</button></div>')


class InteractiveQuiz:
    """Renders choice questions as a form the player marks; a short answer stays a folded answer (it
    is not scored). Numbers questions in document order: the ids are the same for the same course."""

    def __init__(self, link: SourceLink | None = None, labels: Labels = ENGLISH) -> None:
        self._numbers = count(1)
        self._link, self._labels = link, labels

    def __call__(self, question: Question) -> str:
        if question.kind == "short_answer" or question.answer not in question.options:
            return question_html(question, self._link, self._labels)
        qid = f"q{next(self._numbers)}"

        def shown(text: str) -> str:
            return f"<code>{escape(text)}</code>" if question.options_are_code else escape(text)
        choices = "".join(
            f'<label class="choice"><input type="radio" name="{qid}" value="{n}"> '
            f'{chr(65 + n) if n < 26 else n + 1}. {shown(option)}</label>'
            for n, option in enumerate(question.options))
        prompt = render_inline(" ".join(question.prompt.split()), content_link_ok)
        return (f'<li><fieldset class="question" data-question="{qid}" '
                f'data-correct="{question.options.index(question.answer)}">'
                f'<legend>{prompt} <span class="kind">{escape(question.kind.replace("_", " "))}</span></legend>'
                f'{choices}<button type="button" class="check">{escape(self._labels.check_answer)}</button>'
                f'<p class="verdict" role="status" aria-live="polite"></p>'
                f'<div class="explained" hidden>{answer_html(question, self._link, self._labels)}</div></fieldset></li>')


def sco_html(course: CourseExport, version: str, mastery: float) -> str:
    return "".join(sco_parts(course, version, mastery))


def sco_parts(course: CourseExport, version: str, mastery: float) -> Iterator[str]:
    """The SCO's page in pieces (book.py's `book_parts`)."""
    labels = course.labels
    config = json.dumps({"scorm": version, "mastery": mastery,
                         "labels": {key: getattr(labels, key) for key in PLAYER_LABELS}})
    head = (f'<script type="application/json" id="{CONFIG_ID}">{escape(config, quote=False)}</script>\n'
            f'<script src="{PLAYER}" defer></script>')
    return book_parts(course, Book(quiz=InteractiveQuiz(course.source_link, labels), csp=SCO_CSP, style=PLAYER_STYLE,
                                   head=head, body_class="book sco", controls=controls(labels)))


def scorm_entries(course: CourseExport, version: str, mastery: float = DEFAULT_MASTERY) -> Entries:
    """The package's files; the SCO's page, the whole course, made and zipped a module at a time."""
    manifest = manifest_12(course, mastery) if version == "1.2" else manifest_2004(course, mastery)
    return {"imsmanifest.xml": manifest.encode("utf-8"),
            "index.html": lambda: (part.encode("utf-8") for part in sco_parts(course, version, mastery)),
            PLAYER: player_script()}


def player_script() -> bytes:
    return resources.files(__package__).joinpath(PLAYER).read_bytes()


def scorm_package(course: CourseExport, version: str, mastery: float = DEFAULT_MASTERY) -> bytes:
    return zipped(scorm_entries(course, version, mastery))


def write_scorm(course: CourseExport, out: BinaryIO, version: str, mastery: float = DEFAULT_MASTERY) -> None:
    write_zip(out, scorm_entries(course, version, mastery))


def _identifier(course: CourseExport) -> str:
    version = f"-v{course.version}" if course.version is not None else ""
    commit = f"-{course.commit_sha[:12]}" if course.commit_sha else ""
    return f"coursegen{version}{commit}"


def manifest_12(course: CourseExport, mastery: float) -> str:
    title = escape(course.title)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(_identifier(course))} version="1.2"
  xmlns="http://www.imsproject.org/xsd/imscp_rootv1p1p2"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_rootv1p2"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsproject.org/xsd/imscp_rootv1p1p2 imscp_rootv1p1p2.xsd http://www.imsglobal.org/xsd/imsmd_rootv1p2p1 imsmd_rootv1p2p1.xsd http://www.adlnet.org/xsd/adlcp_rootv1p2 adlcp_rootv1p2.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>1.2</schemaversion>
  </metadata>
  <organizations default="course-organization">
    <organization identifier="course-organization">
      <title>{title}</title>
      <item identifier="course-item" identifierref="course-sco" isvisible="true">
        <title>{title}</title>
        <adlcp:masteryscore>{manifest_mastery("scorm12", round(mastery * 100))}</adlcp:masteryscore>
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="course-sco" type="webcontent" adlcp:scormtype="sco" href="index.html">
      <file href="index.html"/>
      <file href="{PLAYER}"/>
    </resource>
  </resources>
</manifest>
"""


def manifest_2004(course: CourseExport, mastery: float) -> str:
    title = escape(course.title)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr(_identifier(course))} version="1"
  xmlns="http://www.imsglobal.org/xsd/imscp_v1p1"
  xmlns:adlcp="http://www.adlnet.org/xsd/adlcp_v1p3"
  xmlns:adlseq="http://www.adlnet.org/xsd/adlseq_v1p3"
  xmlns:adlnav="http://www.adlnet.org/xsd/adlnav_v1p3"
  xmlns:imsss="http://www.imsglobal.org/xsd/imsss"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="http://www.imsglobal.org/xsd/imscp_v1p1 imscp_v1p1.xsd http://www.adlnet.org/xsd/adlcp_v1p3 adlcp_v1p3.xsd http://www.adlnet.org/xsd/adlseq_v1p3 adlseq_v1p3.xsd http://www.adlnet.org/xsd/adlnav_v1p3 adlnav_v1p3.xsd http://www.imsglobal.org/xsd/imsss imsss_v1p0.xsd">
  <metadata>
    <schema>ADL SCORM</schema>
    <schemaversion>2004 4th Edition</schemaversion>
  </metadata>
  <organizations default="course-organization">
    <organization identifier="course-organization">
      <title>{title}</title>
      <item identifier="course-item" identifierref="course-sco">
        <title>{title}</title>
        <imsss:sequencing>
          <imsss:objectives>
            <imsss:primaryObjective objectiveID="course-mastery" satisfiedByMeasure="true">
              <imsss:minNormalizedMeasure>{manifest_mastery("scorm2004", round(mastery * 100))}</imsss:minNormalizedMeasure>
            </imsss:primaryObjective>
          </imsss:objectives>
        </imsss:sequencing>
      </item>
      <imsss:sequencing>
        <imsss:controlMode choice="true" flow="true"/>
      </imsss:sequencing>
    </organization>
  </organizations>
  <resources>
    <resource identifier="course-sco" type="webcontent" adlcp:scormType="sco" href="index.html">
      <file href="index.html"/>
      <file href="{PLAYER}"/>
    </resource>
  </resources>
</manifest>
"""
