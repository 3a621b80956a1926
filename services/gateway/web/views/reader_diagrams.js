// The diagrams of a course's sources (```mermaid, ```dot, ```graphviz) as stage 4 drew them
// (GET /api/courses/{id}/diagrams): a fenced block of a diagram language shows its SVG; one that was
// not drawn (a syntax error, no renderer) shows its source under the same note as the exported site.
import {h} from "../dom.js";
import {codeBlock} from "../highlight.js";

// Stage 4 already sanitised each picture (services/modules/diagram_svg.py); dropped again here so
// nothing in a picture could run or load whatever reached the answer.
const DROPPED = new Set(["script", "foreignObject", "style", "iframe", "image", "use", "a", "animate", "set",
  "animateMotion", "animateTransform", "feImage"]);
const UNSAFE_ATTRIBUTE = /^on|^style$|href$/i;
let drawnOnPage = 0;

/**
 * How a diagram's source is compared: every run of whitespace one space, lines trimmed, blank lines
 * dropped. The reader's Markdown has its tabs expanded and a list item's indentation removed, so the
 * bytes stage 4 keyed the diagram by (shared/diagrams.py) are not always the ones the reader sees.
 */
function normalised(source) {
  return String(source).split("\n").map((line) => line.replace(/\s+/g, " ").trim()).filter(Boolean).join("\n");
}

/** The picture `text` as a node of this page, its ids (and what refers to them) its own; null if not an SVG. */
function svgNode(text, label) {
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (!(svg instanceof SVGSVGElement) || parsed.querySelector("parsererror")) return null;
  drawnOnPage += 1;
  // Two copies of one diagram on a page (a section and an example) must not share an id.
  const prefix = `rd${drawnOnPage}-`;
  for (const element of [...svg.querySelectorAll("*")]) {
    if (DROPPED.has(element.localName)) element.remove();
  }
  for (const element of [svg, ...svg.querySelectorAll("*")]) {
    for (const attribute of [...element.attributes]) {
      const value = attribute.value;
      if (UNSAFE_ATTRIBUTE.test(attribute.name) || /javascript:/i.test(value)
          || (value.includes("url(") && !value.includes("url(#"))) {
        element.removeAttribute(attribute.name);
      } else if (attribute.name === "id") {
        element.id = prefix + value;
      } else if (value.includes("url(#")) {
        element.setAttribute(attribute.name, value.replaceAll("url(#", `url(#${prefix}`));
      } else if (attribute.name === "aria-labelledby" || attribute.name === "aria-describedby") {
        element.setAttribute(attribute.name, value.split(" ").filter(Boolean).map((id) => prefix + id).join(" "));
      }
    }
  }
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.removeAttribute("aria-labelledby");
  return document.importNode(svg, true);
}

/**
 * `fence(language, code)` for renderMarkdown: a <figure> for a block of a diagram language, null for
 * any other block; null altogether without the course's diagrams (a learner's reader, a failed answer).
 * `answer` is the gateway's {languages, diagrams}; `t` the course's labels.
 */
export function diagramFence(answer, t) {
  if (!answer?.languages) return null;
  const drawn = new Map((answer.diagrams || []).map((d) => [`${d.renderer}\n${normalised(d.source)}`, d]));
  return (language, code) => {
    const renderer = answer.languages[String(language || "").toLowerCase()];
    if (!renderer) return null;
    const found = drawn.get(`${renderer}\n${normalised(code)}`);
    const svg = found ? svgNode(found.svg, t("diagram")) : null;
    if (svg) {
      return h("figure", {className: "diagram drawn", dataset: {diagram: found.key, testid: "reader-diagram"}}, svg);
    }
    return h("figure", {className: "diagram", dataset: {testid: "reader-diagram"}},
      h("figcaption", {className: "diagram-note"}, t("diagram_not_drawn")), codeBlock(code, language));
  };
}
