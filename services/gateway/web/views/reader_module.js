// One module as the reader shows it: a readable column of sections rendered from Markdown (code,
// lists, tables and callouts where the module put them), each with its source, then the key points,
// the quiz and the way on to the previous or next module.

import {h} from "../dom.js";
import {codeBlock} from "../highlight.js";
import {inline} from "../inline.js";
import {renderMarkdown} from "../markdown.js";
import {untranslated} from "../course_labels.js";
import {quizSection} from "./quiz.js";
import {conceptMapFigure} from "./reader_pictures.js";
import {diagramFence} from "./reader_diagrams.js";
import {documentPlaces, linkDocuments} from "./reader_links.js";
import {readerHref, sectionPlace} from "./reader_routes.js";

// The module title is an h2 and its sections h3: a document's own "# Heading" nests below them.
const HEADING_OFFSET = 3;

function source(citation, t) {
  if (!citation?.path) return null;
  return h("p", {className: "source", dataset: {testid: "source"}}, `${t("source")}: `,
    h("span", {className: "path"}, citation.path), citation.heading ? ` › ${citation.heading}` : "");
}

function md(text, fence) {
  return text ? renderMarkdown(text, {headingOffset: HEADING_OFFSET, fence}) : null;
}

function bullets(items, testid) {
  return h("ul", {dataset: {testid}}, items.map((item) => h("li", {}, inline(item))));
}

function titleOf(module) {
  return module.content?.title || module.title;
}

function pager(courseId, modules, index, href, t) {
  const link = (other, rel, label) => h("a", {href: href(courseId, other.position), rel,
    className: `pager-link ${rel}`, dataset: {testid: `reader-${rel}`}},
  h("span", {className: "pager-label"}, label), h("span", {className: "pager-title"}, titleOf(other)));
  return h("nav", {className: "reader-pager", "aria-label": t("module_navigation"), dataset: {testid: "reader-pager"}},
    index > 0 ? link(modules[index - 1], "prev", `← ${t("previous")}`) : h("span"),
    index < modules.length - 1 ? link(modules[index + 1], "next", `${t("next")} →`)
      : h("p", {className: "pager-end", dataset: {testid: "reader-end"}}, t("last_module")));
}

/** The article for `modules[index]`; `store` holds the learner's answers, `onScore` hears of new ones;
 * `href(courseId, position, place)` makes the reader's addresses (readerHref, or learnHref); `diagrams`
 * the course's drawn diagrams (GET …/diagrams), if known. */
export function moduleArticle({courseId, modules, index, store, onScore, href = readerHref, t = untranslated,
  diagrams = null}) {
  const module = modules[index];
  const fence = diagramFence(diagrams, t);
  const c = module.content;
  const heading = h("h2", {tabindex: "-1", className: "module-heading", dataset: {testid: "reader-title"}},
    titleOf(module));
  const kicker = h("p", {className: "module-kicker", dataset: {testid: "reader-kicker"}},
    t("module_of", {n: index + 1, total: modules.length}));
  const parts = [kicker, heading];
  if (!c) {
    parts.push(h("p", {className: "message error"},
      "This module's text is no longer stored. Run stage 4 again to rewrite it."));
  } else {
    parts.push(md(c.introduction, fence));
    if (c.learning_objectives?.length) {
      parts.push(h("h3", {}, t("learning_objectives")), bullets(c.learning_objectives, "objectives"));
    }
    parts.push(conceptMapFigure(courseId, module.module_id));
    const places = documentPlaces(modules);
    (c.sections || []).forEach((section, i) => {
      const id = `reader-${sectionPlace(i)}`;
      const body = md(section.body_markdown, fence);
      linkDocuments(body, section.source?.path, places, courseId, href);
      // Not a named region: two sections of a module may share a title, and landmarks must differ.
      parts.push(h("section", {className: "reader-section", id,
        dataset: {testid: "reader-section", place: sectionPlace(i)}},
      h("h3", {id: `${id}-title`, tabindex: "-1"}, section.title), body, source(section.source, t)));
    });
    if (c.code_examples?.length) {
      parts.push(h("h3", {}, t("more_examples")));
      for (const example of c.code_examples) {
        parts.push(h("figure", {className: "code-example"},
          example.caption ? h("figcaption", {}, example.caption) : null,
          fence?.(example.language, example.code) || codeBlock(example.code, example.language),
          source(example.source, t)));
      }
    }
    if (c.key_points?.length) {
      parts.push(h("section", {id: "reader-key-points", "aria-labelledby": "reader-key-points-title"},
        h("h3", {id: "reader-key-points-title", tabindex: "-1"}, t("key_points")), bullets(c.key_points, "key-points")));
    }
    if (c.conclusion) parts.push(h("h3", {}, t("conclusion")), md(c.conclusion, fence));
    if (c.summary) parts.push(h("h3", {}, t("summary")), md(c.summary, fence));
    if (c.assessment?.length) parts.push(quizSection(module, store, onScore, t));
  }
  const end = pager(courseId, modules, index, href, t);
  parts.push(end);
  const article = h("article", {className: "reader-module", "aria-labelledby": "reader-module-title",
    dataset: {testid: "reader-module", position: module.position}}, parts);
  heading.id = "reader-module-title";
  return {article, heading, end};
}
