"""Draws a course's diagrams with the renderers installed on this machine (renderers/, `make
renderers`): Mermaid in headless Chromium (Playwright, the bundled mermaid, every diagram of the
course in one page), Graphviz `dot` as WebAssembly under node. Each drawn SVG is made safe to inline
in a page with a strict Content-Security-Policy: its styles are written as presentation attributes
(no <style>, no style attribute), and nothing in it can run or load (diagram_svg.py). A renderer
that is missing, or a diagram that does not draw, leaves the diagram out: the export shows its
source (services/modules/export/pictures.py), and the log says why."""
from __future__ import annotations

import asyncio
import json
import logging
import shutil
from pathlib import Path
from typing import Iterable

from .diagram_svg import safe_svg
from .export.pictures import DIAGRAM_LANGUAGES, diagram_key

log = logging.getLogger(__name__)
RENDERERS = Path(__file__).resolve().parents[2] / "renderers"
MERMAID = RENDERERS / "node_modules" / "mermaid" / "dist" / "mermaid.min.js"
DOT_SCRIPT = RENDERERS / "dot.mjs"
CHROMIUM = ("/usr/bin/chromium", "chromium", "chromium-browser")
RENDER_SECONDS = 120
# Runs in the page: draws each diagram, then writes every computed style as a presentation
# attribute so the picture needs no stylesheet (the site's CSP forbids inline styles).
_DRAW = """async (diagrams) => {
  mermaid.initialize({startOnLoad: false, securityLevel: "strict", theme: "neutral", htmlLabels: false,
                      flowchart: {htmlLabels: false}, fontFamily: "sans-serif"});
  const PROPS = ["fill", "fill-opacity", "stroke", "stroke-width", "stroke-dasharray", "stroke-opacity",
                 "opacity", "font-family", "font-size", "font-weight", "font-style", "text-anchor",
                 "dominant-baseline", "alignment-baseline", "marker-end", "marker-start", "display", "visibility"];
  const out = [];
  for (const [key, source] of diagrams) {
    try {
      await mermaid.parse(source);
      const {svg} = await mermaid.render("d" + key, source);
      const holder = document.createElement("div");
      holder.innerHTML = svg;
      document.body.appendChild(holder);
      const root = holder.querySelector("svg");
      // Every style first, then written: a descendant's style depends on its ancestors' classes.
      const elements = [root, ...root.querySelectorAll("*")].filter((e) => e.tagName.toLowerCase() !== "style");
      const styles = elements.map((element) => {
        const computed = getComputedStyle(element);
        return PROPS.map((name) => [name, computed.getPropertyValue(name)]).filter(([, value]) => value);
      });
      elements.forEach((element, n) => {
        for (const [name, value] of styles[n]) element.setAttribute(name, value);
        element.removeAttribute("style");
        element.removeAttribute("class");
      });
      const width = root.viewBox && root.viewBox.baseVal ? root.viewBox.baseVal.width : 0;
      if (width) root.setAttribute("width", String(Math.ceil(width)));
      root.querySelectorAll("style").forEach((s) => s.remove());
      out.push([key, new XMLSerializer().serializeToString(root)]);
      holder.remove();
    } catch (error) {
      out.push([key, null, String(error && error.message || error).slice(0, 300)]);
    }
  }
  return out;
}"""


async def draw_diagrams(blocks: Iterable[tuple[str, str]]) -> dict[str, str]:
    """diagram_key → safe SVG, for every block (language, source) a renderer here could draw."""
    by_renderer: dict[str, dict[str, str]] = {}
    for language, source in blocks:
        renderer = DIAGRAM_LANGUAGES.get(language)
        if renderer:
            by_renderer.setdefault(renderer, {})[diagram_key(language, source)] = source
    drawn: dict[str, str] = {}
    if "mermaid" in by_renderer:
        drawn |= await _mermaid(by_renderer["mermaid"])
    if "dot" in by_renderer:
        drawn |= await _dot(by_renderer["dot"])
    return {key: svg for key, raw in drawn.items() if (svg := safe_svg(raw, key))}


def _chromium() -> str | None:
    return next((found for name in CHROMIUM if (found := shutil.which(name))), None)


async def _mermaid(sources: dict[str, str]) -> dict[str, str]:
    chromium = _chromium()
    try:
        from playwright.async_api import async_playwright
    except ImportError:
        async_playwright = None  # type: ignore[assignment]
    if async_playwright is None or chromium is None or not MERMAID.is_file():
        log.warning("Mermaid diagrams are shown as their source: %s", "Playwright is not installed"
                    if async_playwright is None else "no Chromium on this machine" if chromium is None
                    else f"mermaid is not installed ({MERMAID}; run make renderers)")
        return {}
    try:
        async with async_playwright() as playwright:
            browser = await playwright.chromium.launch(executable_path=chromium, args=["--no-sandbox"])
            try:
                page = await browser.new_page()
                await page.set_content("<!doctype html><html><body></body></html>")
                await page.add_script_tag(path=str(MERMAID))
                results = await asyncio.wait_for(page.evaluate(_DRAW, list(sources.items())), RENDER_SECONDS)
            finally:
                await browser.close()
    except Exception as exc:  # noqa: BLE001 - a renderer that fails must not fail the course
        log.warning("Mermaid diagrams are shown as their source: Chromium failed: %s", exc)
        return {}
    for key, svg, *why in results:
        if svg is None:
            log.info("a Mermaid diagram (%s) did not draw; its source is shown: %s", key, why[0] if why else "")
    return {key: svg for key, svg, *_ in results if svg}


async def _dot(sources: dict[str, str]) -> dict[str, str]:
    node = shutil.which("node")
    if node is None or not (RENDERERS / "node_modules" / "@viz-js" / "viz").is_dir():
        log.warning("Graphviz diagrams are shown as their source: %s", "node is not installed" if node is None
                    else "@viz-js/viz is not installed (run make renderers)")
        return {}
    keys = list(sources)
    process = await asyncio.create_subprocess_exec(node, str(DOT_SCRIPT), cwd=str(RENDERERS),
                                                   stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE,
                                                   stderr=asyncio.subprocess.PIPE)
    try:
        out, err = await asyncio.wait_for(process.communicate(json.dumps([sources[k] for k in keys]).encode()),
                                          RENDER_SECONDS)
    except asyncio.TimeoutError:
        process.kill()
        await process.wait()
        log.warning("Graphviz diagrams are shown as their source: drawing took over %d s", RENDER_SECONDS)
        return {}
    if process.returncode != 0:
        log.warning("Graphviz diagrams are shown as their source: %s", err.decode(errors="replace")[:300])
        return {}
    return {key: svg for key, svg in zip(keys, json.loads(out)) if svg}
