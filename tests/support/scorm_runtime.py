"""A test LMS in Chromium: a page that provides a real SCORM runtime (scorm-again's Scorm12API or
Scorm2004API, from tests/node) and launches a package's SCO in a frame, everything served from
memory at http://lms.test/. It records the error code of every API call and shows the runtime's data
model as the SCO sets it (what docs/exports.md's screenshot shows).

    .venv/bin/python -m tests.support.scorm_runtime [--out docs/images]

photographs a real course (Flask's documentation, written by the offline engine) running in it:
scorm-runtime.png."""
from __future__ import annotations

import argparse
import asyncio
import io
import json
import zipfile
from pathlib import Path

import pytest
from lxml import etree
from playwright.async_api import Page

from shared.scorm_mastery import MASTERY_ELEMENTS

from tests.support.node_checks import NODE_DIR

LMS = "http://lms.test"
RUNTIME = NODE_DIR / "node_modules" / "scorm-again" / "dist"
VERSIONS = {
    "1.2": {"script": "scorm12.min.js", "api": "API", "class": "Scorm12API"},
    "2004": {"script": "scorm2004.min.js", "api": "API_1484_11", "class": "Scorm2004API"},
}
# The LMS page: the runtime, the previous session's data (if any) loaded before launch, every API
# call's error code recorded, and the SCO in a frame. `saved` and the version come in the query.
LMS_PAGE = """<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Test LMS</title>
<script src="/runtime/%(script)s"></script>
<script>
  const params = new URLSearchParams(location.search);
  window.%(api)s = new %(class)s({autocommit: false, logLevel: 5});
  const saved = params.get("saved");
  if (saved) { window.%(api)s.loadFromJSON(JSON.parse(saved)); }
  window.apiErrors = [];
  const shown = {};
  window.setValues = [];
  window.%(api)s.on("%(set)s.cmi.*", (element, value) => {
    window.setValues.push([element, value]);
    shown[element] = value;
    document.getElementById("model").textContent = Object.entries(shown)
      .filter(([key]) => key !== "cmi.suspend_data" && !key.startsWith("cmi.interactions")).map(([key, v]) => `${key} = ${v}`).join("\\n");
  });
  for (const name of Object.getOwnPropertyNames(Object.getPrototypeOf(window.%(api)s))) {
    if (!/^(LMS|)(Initialize|GetValue|SetValue|Commit|Finish|Terminate)$/.test(name)) continue;
    const call = window.%(api)s[name].bind(window.%(api)s);
    window.%(api)s[name] = (...args) => {
      const answer = call(...args);
      const code = String(window.%(api)s.%(error)s());
      if (code !== "0") window.apiErrors.push(`${name}(${args.join(", ")}) -> ${code}`);
      return answer;
    };
  }
</script></head>
<body><main style="display:flex;gap:1rem;font:14px system-ui"><iframe id="sco" title="Course" src="/sco/index.html"
 style="width:880px;height:860px;border:1px solid #ccc"></iframe>
<section><h1 style="font-size:1rem">Test LMS: scorm-again %(version)s</h1>
<pre id="model" style="font-size:12px;white-space:pre-wrap"></pre></section></main></body></html>"""


def entries(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


async def serve(page: Page, files: dict[str, tuple[bytes, str]]) -> None:
    """Everything under http://lms.test/ from memory; any other request fails (nothing leaves)."""
    async def answer(route):
        path = route.request.url.removeprefix(LMS).split("?", 1)[0]
        if path in files:
            body, kind = files[path]
            await route.fulfill(body=body, content_type=kind)
        else:
            await route.fulfill(status=404, body="not here")
    await page.route(f"{LMS}/**", answer)


async def launched(browser, version: str, package: dict[str, bytes], saved: dict | None = None):
    if not RUNTIME.is_dir():
        pytest.skip(f"scorm-again is not installed in {NODE_DIR}: run `make node`")
    spec = VERSIONS[version]
    page = await browser.new_page()
    page.on("pageerror", lambda error: pytest.fail(f"script error: {error}"))
    files = {f"/sco/{name}": (data, kind(name)) for name, data in package.items()}
    files[f"/runtime/{spec['script']}"] = ((RUNTIME / spec["script"]).read_bytes(), "text/javascript")
    error = "LMSGetLastError" if version == "1.2" else "GetLastError"
    setter = "LMSSetValue" if version == "1.2" else "SetValue"
    files["/lms.html"] = ((LMS_PAGE % {**spec, "error": error, "set": setter, "version": version}).encode(), "text/html")
    await serve(page, files)
    # As an LMS does: the manifest's mastery score handed to the SCO, with the last session's data.
    given = {**mastery_given(package, version), **(saved or {})}
    query = f"?saved={json.dumps(given)}"
    await page.goto(f"{LMS}/lms.html{query}")
    frame = page.frame_locator("#sco")
    await frame.locator("html[data-lms=connected]").wait_for(state="attached")
    return page, page.frames[1]


def mastery_given(package: dict[str, bytes], version: str) -> dict:
    """The data model's mastery entry as an LMS fills it from the package's manifest."""
    format_name = "scorm12" if version == "1.2" else "scorm2004"
    found = etree.fromstring(package["imsmanifest.xml"]).findtext(f".//{MASTERY_ELEMENTS[format_name]}")
    if found is None:
        return {}
    return {"student_data": {"mastery_score": found}} if version == "1.2" else {"scaled_passing_score": found}


def kind(name: str) -> str:
    return {"html": "text/html", "js": "text/javascript", "xml": "application/xml"}.get(name.rsplit(".", 1)[-1],
                                                                                       "application/octet-stream")




async def photograph(out: Path) -> Path:
    from playwright.async_api import async_playwright

    from services.modules.export.scorm import scorm_package
    from tests.support.exported_course import exported_course

    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox"])
        context = await browser.new_context(viewport={"width": 1280, "height": 900})
        page, sco = await launched(context, "2004", entries(scorm_package(exported_course("flask"), "2004")))
        first = sco.locator("article.module:visible fieldset.question").first
        await first.locator(f'input[value="{await first.get_attribute("data-correct")}"]').check()
        await first.locator("button.check").click()
        await first.scroll_into_view_if_needed()
        target = out / "scorm-runtime.png"
        await page.screenshot(path=str(target))
        await browser.close()
    return target


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("docs/images"))
    print(asyncio.run(photograph(parser.parse_args().out)))
