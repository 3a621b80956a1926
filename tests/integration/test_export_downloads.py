"""What the gateway answers for an export in a format (services/gateway/api/export_files.py), over a
real JetStream object store: a built format downloads under its name and media type, a SCORM package
with the mastery score asked for; a format a run could not build answers 409 with why; a version
made before the format existed answers 409 saying how to have it; what the API lists says the same."""
from __future__ import annotations

import io
import zipfile

import pytest
from fastapi import HTTPException

from services.gateway.api.export_files import listed, served
from services.modules.export.scorm import scorm_package
from shared.bus.artefacts import ArtefactStore
from shared.export_formats import FORMATS, artefact_name, index_name, index_of
from tests.support.exported_course import exported_course

GONE = "the export is no longer stored"


@pytest.fixture
def artefacts(js):
    return ArtefactStore(js)


async def test_a_built_format_downloads_and_a_scorm_package_carries_the_mastery_asked_for(artefacts):
    package = scorm_package(exported_course(), "1.2")
    zip_ref = await artefacts.put("course1", artefact_name("run1", "zip"), b"PK-zip")
    await artefacts.put("course1", artefact_name("run1", "scorm12"), package)
    await artefacts.put("course1", index_name("run1"), index_of({"zip": 6, "scorm12": len(package)},
                                                                 {"pdf": "the PDF could not be laid out"}))
    answer = await served(artefacts, zip_ref, "scorm12", "My course: intro", GONE, "-v2", mastery=70)
    assert answer.media_type == FORMATS["scorm12"].media_type
    assert answer.headers["content-disposition"] == 'attachment; filename="My-course-intro-v2.scorm12.zip"'
    manifest = zipfile.ZipFile(io.BytesIO(answer.body)).read("imsmanifest.xml").decode()
    assert "<adlcp:masteryscore>70</adlcp:masteryscore>" in manifest
    assert (await served(artefacts, zip_ref, "zip", "c", GONE)).body == b"PK-zip"

    with pytest.raises(HTTPException) as refused:
        await served(artefacts, zip_ref, "pdf", "c", GONE)
    assert refused.value.status_code == 409 and refused.value.detail == "the PDF could not be laid out"
    entries = {e["format"]: e for e in await listed(artefacts, zip_ref, 6, "/api/courses/course1/export")}
    assert entries["scorm12"] == {"format": "scorm12", "label": FORMATS["scorm12"].label, "suffix": ".scorm12.zip",
                                  "mastery_default": 80, "url": "/api/courses/course1/export?format=scorm12",
                                  "bytes": len(package)}
    assert entries["pdf"]["problem"] == "the PDF could not be laid out" and "url" not in entries["pdf"]


async def test_a_version_made_before_a_format_existed_says_how_to_have_it(artefacts):
    zip_ref = await artefacts.put("course2", artefact_name("old-run", "zip"), b"PK-zip")
    with pytest.raises(HTTPException) as refused:
        await served(artefacts, zip_ref, "epub", "c", GONE)
    assert refused.value.status_code == 409
    assert "made before coursegen exported this format (EPUB)" in refused.value.detail
    assert "/versions" in refused.value.detail
    entries = await listed(artefacts, zip_ref, 6, "/api/courses/course2/export")
    assert [e["format"] for e in entries if "url" in e] == ["zip"]
    # Stored no more (a purged course): 410, as for the zip.
    await artefacts.purge("course2")
    with pytest.raises(HTTPException) as gone:
        await served(artefacts, zip_ref, "zip", "c", GONE)
    assert gone.value.status_code == 410
