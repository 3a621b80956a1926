// The concept map of a module (GET …/modules/{id}/concept-map): the gateway's SVG shown inline,
// and beside it the same edges as a list for screen readers (the SVG's own edge titles).
import {h} from "../dom.js";
import {send} from "../api.js";


/** A <figure> that fills itself with the module's map once it arrives; nothing when there is none. */
export function conceptMapFigure(courseId, moduleId) {
  const figure = h("figure", {className: "concept-map", dataset: {testid: "reader-concept-map"}});
  if (!courseId || !moduleId) return figure;
  const path = `/api/courses/${encodeURIComponent(courseId)}/modules/${encodeURIComponent(moduleId)}/concept-map`;
  send("GET", path, {headers: {Accept: "image/svg+xml"}})
    .then((response) => response.text())
    .then((text) => show(figure, text))
    .catch(() => figure.remove());  // no map (an edited course's merged module): the page goes on without it
  return figure;
}

function show(figure, text) {
  const parsed = new DOMParser().parseFromString(text, "image/svg+xml");
  const svg = parsed.documentElement;
  if (!(svg instanceof SVGSVGElement) || parsed.querySelector("parsererror")) {
    figure.remove();
    return;
  }
  // Drawn by the gateway from the course's concepts: only drawing elements, no script, no handler.
  for (const element of [svg, ...svg.querySelectorAll("*")]) {
    if (["script", "foreignObject", "a", "style"].includes(element.localName)) { element.remove(); continue; }
    for (const attribute of [...element.attributes]) {
      if (/^on|^style$|href$/i.test(attribute.name)) element.removeAttribute(attribute.name);
    }
  }
  // Ids made the reader's own, so they never meet another element's.
  const labelled = (svg.getAttribute("aria-labelledby") || "").split(" ").filter(Boolean);
  for (const element of svg.querySelectorAll("[id]")) element.id = `reader-${element.id}`;
  for (const element of svg.querySelectorAll("[marker-end]")) {
    element.setAttribute("marker-end", element.getAttribute("marker-end").replace("url(#", "url(#reader-"));
  }
  svg.setAttribute("aria-labelledby", labelled.map((id) => `reader-${id}`).join(" "));
  const title = svg.querySelector("title")?.textContent || "Concept map of this module";
  const edges = [...svg.querySelectorAll("polyline > title")].map((t) => t.textContent);
  const list = edges.length
    ? h("ul", {}, edges.map((edge) => h("li", {}, edge.replace(" needed for ", " → needed for → "))))
    : h("p", {}, "No concept of this module is needed for another.");
  figure.append(document.importNode(svg, true), h("figcaption", {}, title),
    h("details", {className: "concept-map-text"}, h("summary", {}, "The concept map as a list"), list));
}
