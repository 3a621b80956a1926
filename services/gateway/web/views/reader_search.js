// Search across one course, in the browser: every module's title, introduction, sections and key
// points, as plain words. A result names its module and section and links to that place.

import {h, uid} from "../dom.js";
import {readerHref, sectionPlace} from "./reader_routes.js";

const MAX_RESULTS = 40;
const SNIPPET = 70;  // characters of context either side of the first match

/**
 * Each link or image `[label](target)` as its label alone, as .replace(/!?\[([^\]]*)\]\([^)]*\)/g,
 * "$1") did; scanned, since that pattern read to the end of the text again from each "[" that no
 * "](…)" closes (seconds on a long text of brackets). A "[" whose first later "]" is not followed by
 * "(" fails as every "[" before that "]" does; with no "]" or ")" left, nothing later can match.
 */
function withLinkLabels(text) {
  let kept = "";
  let from = 0;
  let open = text.indexOf("[");
  while (open >= 0) {
    const close = text.indexOf("]", open + 1);
    if (close < 0) break;
    if (text[close + 1] !== "(") {
      open = text.indexOf("[", close + 1);
      continue;
    }
    const end = text.indexOf(")", close + 2);
    if (end < 0) break;
    const start = open > from && text[open - 1] === "!" ? open - 1 : open;
    kept += text.slice(from, start) + text.slice(open + 1, close);
    from = end + 1;
    open = text.indexOf("[", from);
  }
  return kept + text.slice(from);
}

/** Markdown as the words a reader sees: no fences, emphasis marks, link targets or heading marks. */
export function plainText(markdown) {
  return withLinkLabels(String(markdown || "")
    .replace(/^ {0,3}(`{3,}|~{3,}).*$/gm, " "))
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

const folds = new Map();

/**
 * The code unit `code` as a RegExp with the i flag (and without u) compares it: its upper case when
 * that is one code unit, unless that would take a non-ASCII character to ASCII (ECMAScript's
 * Canonicalize).
 */
function fold(code) {
  if (code < 128) return code >= 97 && code <= 122 ? code - 32 : code;
  let folded = folds.get(code);
  if (folded === undefined) {
    const upper = String.fromCharCode(code).toUpperCase();
    folded = upper.length === 1 && upper.charCodeAt(0) >= 128 ? upper.charCodeAt(0) : code;
    folds.set(code, folded);
  }
  return folded;
}

const automata = new WeakMap();

/**
 * The terms as an Aho-Corasick automaton, built once for all the texts a query marks. Node 0 is the
 * root; `next` maps node × 65536 + folded code unit to the node it leads to; `fail[n]` is the node
 * of n's longest proper suffix, `out[n]` the nearest node along those where a term ends (-1: none);
 * `order[n]` is the term ending at n (the first of equal terms; -1: none), `depth[n]` its length.
 */
function automaton(terms) {
  if (automata.has(terms)) return automata.get(terms);
  const next = new Map();
  const parent = [0];
  const unit = [0];
  const depth = [0];
  const order = [-1];
  terms.forEach((term, n) => {
    let at = 0;
    for (let i = 0; i < term.length; i += 1) {
      const code = fold(term.charCodeAt(i));
      let to = next.get(at * 65536 + code);
      if (to === undefined) {
        to = parent.length;
        next.set(at * 65536 + code, to);
        parent.push(at);
        unit.push(code);
        depth.push(i + 1);
        order.push(-1);
      }
      at = to;
    }
    if (order[at] < 0) order[at] = n;
  });
  const fail = new Int32Array(parent.length);
  const out = new Int32Array(parent.length).fill(-1);
  for (const n of byDepth(depth)) {
    if (depth[n] < 2) continue;  // the root and its children fail to the root
    fail[n] = step(next, fail, fail[parent[n]], unit[n]);
    out[n] = order[fail[n]] >= 0 ? fail[n] : out[fail[n]];
  }
  const built = {next, fail, out, order, depth};
  automata.set(terms, built);
  return built;
}

/** The nodes, shallower ones first (a counting sort): a node's suffixes are linked before it. */
function byDepth(depth) {
  const starts = new Int32Array(depth.length + 1);
  for (const d of depth) starts[d + 1] += 1;
  for (let d = 1; d < starts.length; d += 1) starts[d] += starts[d - 1];
  const nodes = new Int32Array(depth.length);
  depth.forEach((d, n) => { nodes[starts[d]] = n; starts[d] += 1; });
  return nodes;
}

/** The node after `state` on the folded code unit `code`: along the failure links, else the root. */
function step(next, fail, state, code) {
  for (;;) {
    const to = next.get(state * 65536 + code);
    if (to !== undefined) return to;
    if (state === 0) return 0;
    state = fail[state];
  }
}

/**
 * `text` as nodes with each occurrence of a term in a <mark>: what text.split(/(term1|term2|…)/gi)
 * gave, the leftmost occurrence first and of those the term that comes first in the query. One pass
 * of an Aho-Corasick automaton finds each place's first term: that pattern, built from the query at
 * run time (so no test could fuzz it), retried every long term from every character (half a second
 * for 200 terms "ab", "aab", … over a long title of "a"s).
 */
function marked(text, terms) {
  const {next, fail, out, order, depth} = automaton(terms);
  const first = new Int32Array(text.length).fill(-1);  // the order of the first term found at each place
  const length = new Int32Array(text.length);
  let state = 0;
  for (let i = 0; i < text.length; i += 1) {
    state = step(next, fail, state, fold(text.charCodeAt(i)));
    // The terms ending here: at most about √(2 × the query's length) of them, each a suffix of the next.
    for (let found = order[state] >= 0 ? state : out[state]; found >= 0; found = out[found]) {
      const start = i - depth[found] + 1;
      if (first[start] < 0 || order[found] < first[start]) {
        first[start] = order[found];
        length[start] = depth[found];
      }
    }
  }
  const parts = [];
  let from = 0;
  for (let at = 0; at < text.length;) {
    if (first[at] < 0) { at += 1; continue; }
    parts.push(text.slice(from, at), h("mark", {}, text.slice(at, at + length[at])));
    at += length[at];
    from = at;
  }
  parts.push(text.slice(from));
  return parts;
}

/** The search box and its results for `modules` of `courseId`; `href` makes the reader's addresses. */
export function searchPanel(courseId, modules, href = readerHref) {
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
      h("a", {href: href(courseId, entry.position, entry.place),
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
