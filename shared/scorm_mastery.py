"""The mastery score of a SCORM package: the share of right answers a learner needs to pass. Stage 4
builds the packages with the default; the author chooses another when downloading one (the gateway
sets it here), so one written course serves LMSs with different pass marks. It is the one value an
LMS reads from the manifest for the SCO (SCORM 1.2 `adlcp:masteryscore`, a percentage, handed to the
SCO as `cmi.student_data.mastery_score`; SCORM 2004 the primary objective's `minNormalizedMeasure`,
a fraction, handed as `cmi.scaled_passing_score`), and the SCO's own fallback when no LMS gives one
(the JSON block `course-config` of its page)."""
from __future__ import annotations

import html
import io
import json
import zipfile

from lxml import etree

from shared import linear_regex

DEFAULT_MASTERY_PERCENT = 80
CONFIG_ID = "course-config"
MASTERY_ELEMENTS = {"scorm12": "{http://www.adlnet.org/xsd/adlcp_rootv1p2}masteryscore",
                    "scorm2004": "{http://www.imsglobal.org/xsd/imsss}minNormalizedMeasure"}
_CONFIG = linear_regex.compile(r'(<script type="application/json" id="' + CONFIG_ID + r'">)([^<]{1,2000})(</script>)')


class NotAScormPackage(ValueError):
    """The package has no manifest, no mastery element or no player configuration."""


def manifest_mastery(format_name: str, percent: int) -> str:
    """The manifest's text for `percent`: "80" in SCORM 1.2, "0.80" in SCORM 2004."""
    return str(percent) if format_name == "scorm12" else f"{percent / 100:.2f}"


def with_mastery(package: bytes, format_name: str, percent: int) -> bytes:
    """The same package (entries, order, timestamps) with its mastery score set to `percent`."""
    if not 0 <= percent <= 100:
        raise ValueError("a mastery score is a percentage, 0 to 100")
    source = zipfile.ZipFile(io.BytesIO(package))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for entry in source.infolist():
            data = source.read(entry)
            if entry.filename == "imsmanifest.xml":
                data = _manifest(data, format_name, percent)
            elif entry.filename == "index.html":
                data = _page(data, percent)
            target.writestr(entry, data, compress_type=entry.compress_type)
    return buffer.getvalue()


def _manifest(data: bytes, format_name: str, percent: int) -> bytes:
    root = etree.fromstring(data)
    found = list(root.iter(MASTERY_ELEMENTS[format_name]))
    if not found:
        raise NotAScormPackage("the manifest has no mastery score to set")
    for element in found:
        element.text = manifest_mastery(format_name, percent)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def _page(data: bytes, percent: int) -> bytes:
    text = data.decode("utf-8")
    match = _CONFIG.search(text)
    if match is None:
        raise NotAScormPackage("the SCO's page has no player configuration")
    config = json.loads(html.unescape(match[2]))
    config["mastery"] = percent / 100
    updated = html.escape(json.dumps(config), quote=False)
    return (text[:match.start(2)] + updated + text[match.end(2):]).encode("utf-8")
