"""The course as an IMS Common Cartridge 1.3: each module a web page (web content) and, where it has
choice questions, a QTI 1.2 assessment in the Common Cartridge profile (multiple choice and true/false
with the correct answer scored and the explanation as feedback; a short answer as an essay item whose
feedback gives the expected answer). Canvas and Moodle import it as a module per course module."""
from __future__ import annotations

from html import escape
from functools import partial
from typing import BinaryIO, Callable, Sequence
from xml.sax.saxutils import quoteattr

from shared.course_labels import Labels

from ..models import Question
from .export_model import CourseExport, ModulePage, module_pages
from .export import Entries, write_zip, zipped
from .site_style import STYLE
from .static_site import ENGLISH, SourceLink, answer_html, module_body

CC_NAMESPACE = "http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1"
QTI_NAMESPACE = "http://www.imsglobal.org/xsd/ims_qtiasiv1p2"
WEB_CONTENT = "webcontent"
ASSESSMENT = "imsqti_xmlv1p2/imscc_xmlv1p3/assessment"
PROFILES = {"multiple_choice": "cc.multiple_choice.v0p1", "true_false": "cc.true_false.v0p1",
            "short_answer": "cc.essay.v0p1"}


def cartridge(course: CourseExport) -> bytes:
    return zipped(cartridge_entries(course))


def write_cartridge(course: CourseExport, out: BinaryIO) -> None:
    write_zip(out, cartridge_entries(course))


def cartridge_entries(course: CourseExport) -> Entries:
    """The cartridge's files, each module's page and assessment made when the zip takes it in."""
    pages = module_pages(course)
    files: dict = {"web_resources/style.css": STYLE.encode()}
    for page in pages:
        files[f"web_resources/{page.stem}.html"] = partial(_encoded, _web_page, course, pages, page)
        if page.content.assessment:
            files[f"{_quiz_id(page)}/assessment.xml"] = partial(_encoded, assessment, page, course.source_link,
                                                                course.labels)
    files["imsmanifest.xml"] = manifest(course, pages).encode()
    return files


def _encoded(make: Callable[..., str], *arguments) -> tuple[bytes]:
    return (make(*arguments).encode(),)


def _quiz_id(page: ModulePage) -> str:
    return f"quiz-{page.number:02d}"


def manifest(course: CourseExport, pages: Sequence[ModulePage]) -> str:
    items, resources = [], []
    for page in pages:
        children = [f'<item identifier="page-{page.number:02d}" identifierref="res-page-{page.number:02d}">'
                    f"<title>{escape(page.title)}</title></item>"]
        resources.append(
            f'<resource identifier="res-page-{page.number:02d}" type="{WEB_CONTENT}" '
            f'href="web_resources/{page.stem}.html"><file href="web_resources/{page.stem}.html"/>'
            f'<dependency identifierref="res-style"/></resource>')
        if page.content.assessment:
            quiz = _quiz_id(page)
            children.append(f'<item identifier="item-{quiz}" identifierref="res-{quiz}">'
                            f"<title>{escape(course.labels.assessment)}: {escape(page.title)}</title></item>")
            resources.append(f'<resource identifier="res-{quiz}" type="{ASSESSMENT}">'
                             f'<file href="{quiz}/assessment.xml"/></resource>')
        items.append(f'<item identifier="module-{page.number:02d}"><title>{escape(page.title)}</title>'
                     f'{"".join(children)}</item>')
    version = f"-v{course.version}" if course.version is not None else ""
    lang = escape(course.labels.lang)
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<manifest identifier={quoteattr("coursegen-cartridge" + version)}
  xmlns="{CC_NAMESPACE}"
  xmlns:lomimscc="http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest"
  xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="{CC_NAMESPACE} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_imscp_v1p2_v1p0.xsd http://ltsc.ieee.org/xsd/imsccv1p3/LOM/manifest http://www.imsglobal.org/profile/cc/ccv1p3/LOM/ccv1p3_lommanifest_v1p0.xsd">
  <metadata>
    <schema>IMS Common Cartridge</schema>
    <schemaversion>1.3.0</schemaversion>
    <lomimscc:lom><lomimscc:general><lomimscc:title>
      <lomimscc:string language="{lang}">{escape(course.title)}</lomimscc:string>
    </lomimscc:title><lomimscc:language>{lang}</lomimscc:language></lomimscc:general></lomimscc:lom>
  </metadata>
  <organizations>
    <organization identifier="organization" structure="rooted-hierarchy">
      <item identifier="root">
        {"".join(items)}
      </item>
    </organization>
  </organizations>
  <resources>
    <resource identifier="res-style" type="{WEB_CONTENT}" href="web_resources/style.css"><file href="web_resources/style.css"/></resource>
    {"".join(resources)}
  </resources>
</manifest>
"""


def _web_page(course: CourseExport, pages: Sequence[ModulePage], page: ModulePage) -> str:
    return f"""<!DOCTYPE html>
<html{course.labels.html_attributes()}>
<head><meta charset="utf-8"><title>{escape(page.title)} · {escape(course.title)}</title>
<link rel="stylesheet" href="style.css"></head>
<body><main id="main">{module_body(pages, page, link=course.source_link)}</main></body>
</html>
"""


def assessment(page: ModulePage, link: SourceLink | None = None, labels: Labels = ENGLISH) -> str:
    items = "".join(_item(page, n, question, link, labels)
                    for n, question in enumerate(page.content.assessment, start=1))
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<questestinterop xmlns="{QTI_NAMESPACE}" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
  xsi:schemaLocation="{QTI_NAMESPACE} http://www.imsglobal.org/profile/cc/ccv1p3/ccv1p3_qtiasiv1p2p1_v1p0.xsd">
  <assessment ident="{_quiz_id(page)}" title={quoteattr(labels.assessment + ": " + page.title)}>
    <qtimetadata>
      <qtimetadatafield><fieldlabel>cc_profile</fieldlabel><fieldentry>cc.exam.v0p1</fieldentry></qtimetadatafield>
      <qtimetadatafield><fieldlabel>qmd_assessmenttype</fieldlabel><fieldentry>Examination</fieldentry></qtimetadatafield>
      <qtimetadatafield><fieldlabel>cc_maxattempts</fieldlabel><fieldentry>unlimited</fieldentry></qtimetadatafield>
    </qtimetadata>
    <section ident="{_quiz_id(page)}-section">
{items}
    </section>
  </assessment>
</questestinterop>
"""


def _item(page: ModulePage, number: int, question: Question, link: SourceLink | None, said: Labels) -> str:
    ident = f"{_quiz_id(page)}-q{number}"
    profile = PROFILES[question.kind]
    prompt = f"<p>{escape(' '.join(question.prompt.split()))}</p>"
    feedback = (f'<itemfeedback ident="{ident}-feedback"><flow_mat><material>'
                f'<mattext texttype="text/html">{escape(answer_html(question, link, said))}</mattext>'
                f"</material></flow_mat></itemfeedback>")
    meta = (f"<itemmetadata><qtimetadata><qtimetadatafield><fieldlabel>cc_profile</fieldlabel>"
            f"<fieldentry>{profile}</fieldentry></qtimetadatafield></qtimetadata></itemmetadata>")
    material = f'<material><mattext texttype="text/html">{escape(prompt)}</mattext></material>'
    if question.kind == "short_answer":
        return (f'      <item ident="{ident}" title="Question {number}">{meta}<presentation>{material}'
                f'<response_str ident="{ident}-response" rcardinality="Single"><render_fib><response_label ident="{ident}-text"/>'
                f"</render_fib></response_str></presentation><resprocessing><outcomes>"
                f'<decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>'
                f'<respcondition continue="No"><conditionvar><other/></conditionvar>'
                f'<displayfeedback feedbacktype="Response" linkrefid="{ident}-feedback"/></respcondition>'
                f"</resprocessing>{feedback}</item>\n")
    labels = "".join(
        f'<response_label ident="{ident}-o{n}"><material><mattext texttype="text/plain">'
        f"{escape(option)}</mattext></material></response_label>" for n, option in enumerate(question.options))
    right = f"{ident}-o{question.options.index(question.answer)}"
    return (f'      <item ident="{ident}" title="Question {number}">{meta}<presentation>{material}'
            f'<response_lid ident="{ident}-response" rcardinality="Single"><render_choice>{labels}'
            f"</render_choice></response_lid></presentation><resprocessing><outcomes>"
            f'<decvar varname="SCORE" vartype="Decimal" minvalue="0" maxvalue="100"/></outcomes>'
            f'<respcondition continue="Yes"><conditionvar><other/></conditionvar>'
            f'<displayfeedback feedbacktype="Response" linkrefid="{ident}-feedback"/></respcondition>'
            f'<respcondition continue="No"><conditionvar><varequal respident="{ident}-response">{right}</varequal>'
            f'</conditionvar><setvar action="Set" varname="SCORE">100</setvar></respcondition>'
            f"</resprocessing>{feedback}</item>\n")
