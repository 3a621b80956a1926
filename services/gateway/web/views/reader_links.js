// Links between the course's documents, as the reader shows them: a link in a section that points
// at another document of the course (a relative link, `../guide/setup.md#install`) leads to the
// module holding that document, at the section the link names (or the document's first section);
// a link to a file the course does not hold stays words, with the repository path as its title.

import {readerHref, sectionPlace} from "./reader_routes.js";

// What a link may leave off a document's path (as the exports resolve them: export_model.py).
const SUFFIXES = ["", ".md", ".mdx", ".markdown", ".rst", ".adoc", ".asciidoc", ".ipynb", ".txt",
  "/index.md", "/README.md", "/index.rst"];

/** path → [{position, place, anchor}] of the sections that show it, in course order. */
export function documentPlaces(modules) {
  const places = new Map();
  for (const module of modules) {
    (module.content?.sections || []).forEach((section, index) => {
      const path = section.source?.path;
      if (!path) return;
      if (!places.has(path)) places.set(path, []);
      places.get(path).push({position: module.position, place: sectionPlace(index), anchor: section.source.anchor || ""});
    });
  }
  return places;
}

/** `target` (relative, as a document writes it) read from the document at `fromPath`. */
function resolved(fromPath, target) {
  const parts = fromPath.split("/").slice(0, -1);
  for (const part of target.split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") {
      if (!parts.length) return null;  // above the repository
      parts.pop();
    } else {
      parts.push(part);
    }
  }
  return parts.join("/");
}

/** The reader address a section's link to `target` leads to, or null. */
export function placeOf(places, fromPath, target) {
  const [rawPath, fragment = ""] = String(target).split("#", 2);
  let path;
  try {
    path = decodeURIComponent(rawPath);
  } catch {
    return null;
  }
  path = path.endsWith(".html") ? path.slice(0, -5) : path;
  const base = path ? resolved(fromPath, path) : fromPath;
  if (base === null) return null;
  const found = SUFFIXES.map((suffix) => places.get(base + suffix)).find(Boolean);
  if (!found) return null;
  return found.find((section) => fragment && section.anchor === fragment) || found[0];
}

/** Turns the document links in `node` (rendered from a section of `fromPath`) into reader links;
 * `href` makes the reader's addresses (readerHref, or learnHref). */
export function linkDocuments(node, fromPath, places, courseId, href = readerHref) {
  if (!node || !fromPath) return;
  for (const words of node.querySelectorAll("span.doc-ref[data-target]")) {
    const found = placeOf(places, fromPath, words.dataset.target);
    if (!found) continue;
    const link = document.createElement("a");
    link.className = "doc-link";
    link.href = href(courseId, found.position, found.place);
    link.append(...words.childNodes);
    words.replaceWith(link);
  }
}
