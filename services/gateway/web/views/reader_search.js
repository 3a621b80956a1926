// Search across one course, in the browser: every module's title, introduction, sections and key
// points, as plain words. A result names its module and section and links to that place.

import {h, uid} from "../dom.js";
import {readerHref, sectionPlace} from "./reader_routes.js";

const MAX_RESULTS = 40;
const SNIPPET = 70;  // characters of context either side of the first match

/** Markdown as the words a reader sees: no fences, emphasis marks, link targets or heading marks. */
export function plainText(markdown) {
  return String(markdown || "")
    .replace(/^ {0,3}(`{3,}|~{3,}).*$/gm, " ")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/^ {0,3}#{1,6}\s+/gm, "")
    .replace(/^ {0,3}>\s?/gm, "")
    .replace(/[*_`|]+/g, " ")
    .replace(/\s+/g, " ")
    .trim();
}

/** One entry per searchable place of the course's modules. */
export function searchIndex(modules) {
  const entries = [];
  modules.forEach((module) => {
    const c = module.content;
    const position = module.position;
    const moduleTitle = c?.title || module.title;
    entries.push({position, place: null, title: moduleTitle,
      text: plainText([moduleTitle, c?.introduction, ...(c?.learning_objectives || [])].join("\n"))});
    (c?.sections || []).forEach((section, index) => {
      entries.push({position, place: sectionPlace(index), title: `${moduleTitle} › ${section.title}`,
        text: plainText(`${section.title}\n${section.body_markdown}`)});
    });
    if (c?.key_points?.length) {
      entries.push({position, place: "key-points", title: `${moduleTitle} › Key points`,
        text: plainText(c.key_points.join("\n"))});
    }
  });
  return entries;
}

/** Entries holding every word of `query` (case-insensitive), in reading order. */
export function search(entries, query) {
  const terms = String(query || "").toLowerCase().split(/\s+/).filter(Boolean);
  if (!terms.length) return [];
  return entries.filter((entry) => {
    const haystack = `${entry.title} ${entry.text}`.toLowerCase();
    return terms.every((term) => haystack.includes(term));
  });
}

function snippet(text, terms) {
  const lower = text.toLowerCase();
  const at = Math.max(0, Math.min(...terms.map((term) => {
    const found = lower.indexOf(term);
    return found < 0 ? Infinity : found;
  })));
  const start = at === Infinity ? 0 : Math.max(0, at - SNIPPET);
  const piece = (start > 0 ? "…" : "") + text.slice(start, start + 2 * SNIPPET + 20)
    + (start + 2 * SNIPPET + 20 < text.length ? "…" : "");
  return marked(piece, terms);
}

/** `text` as nodes with each occurrence of a term in a <mark>. */
function marked(text, terms) {
  const pattern = new RegExp(`(${terms.map((t) => t.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("|")})`, "gi");
  return text.split(pattern).map((part, i) => (i % 2 ? h("mark", {}, part) : part));
}

/** The search box and its results for `modules` of `courseId`. */
export function searchPanel(courseId, modules) {
  const entries = searchIndex(modules);
  const input = h("input", {type: "search", id: uid("search"), autocomplete: "off", spellcheck: "false",
    placeholder: "Search this course", dataset: {testid: "reader-search"}});
  const status = h("p", {className: "search-status", role: "status", dataset: {testid: "search-status"}});
  const list = h("ul", {className: "search-results", dataset: {testid: "search-results"}, hidden: true});
  const form = h("form", {role: "search", className: "reader-search", onsubmit: (e) => e.preventDefault()},
    h("label", {for: input.id, className: "visually-hidden"}, "Search this course"), input);

  function run() {
    const query = input.value.trim();
    if (query.length < 2) {
      status.textContent = query ? "Type at least two letters." : "";
      list.hidden = true;
      list.replaceChildren();
      return;
    }
    const terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    const found = search(entries, query);
    status.textContent = found.length
      ? `${found.length} result${found.length === 1 ? "" : "s"} for “${query}”${found.length > MAX_RESULTS ? `, the first ${MAX_RESULTS} shown` : ""}.`
      : `Nothing in this course matches “${query}”.`;
    list.replaceChildren(...found.slice(0, MAX_RESULTS).map((entry) => h("li", {},
      h("a", {href: readerHref(courseId, entry.position, entry.place),
        dataset: {testid: "search-result", position: entry.position, place: entry.place || ""}},
      h("span", {className: "search-title"}, `${entry.position}. `, ...marked(entry.title, terms)),
      h("span", {className: "search-snippet"}, ...snippet(entry.text, terms))))));
    list.hidden = !found.length;
  }
  input.addEventListener("input", run);
  input.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && input.value) { input.value = ""; run(); }
  });
  return h("div", {className: "reader-search-panel"}, form, status, list);
}
