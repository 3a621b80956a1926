// The generated course, previewed on the course page: one module at a time, Markdown rendered
// safely, code highlighted, assessment answers revealed on demand. The reader (reader.js) is where
// a learner reads it: a link at the top opens it.

import {h, replace, uid} from "../dom.js";
import {codeBlock} from "../highlight.js";
import {inline} from "../inline.js";
import {renderMarkdown} from "../markdown.js";
import {readerHref} from "./reader_routes.js";

const LETTERS = "ABCDEFGHIJ";

function source(citation) {
  if (!citation?.path) return null;
  return h("p", {className: "source", dataset: {testid: "source"}}, "Source: ",
    h("span", {className: "path"}, citation.path), citation.heading ? ` › ${citation.heading}` : "");
}

function bullets(items, testid) {
  // Items are inline Markdown (**term**, `code`), rendered as DOM nodes, never as HTML.
  return items?.length ? h("ul", {dataset: {testid}}, items.map((item) => h("li", {}, inline(item)))) : null;
}

function md(text) {
  return text ? renderMarkdown(text, {headingOffset: 4}) : null;
}

function question(q, n) {
  const answerId = uid("answer");
  const reveal = h("button", {type: "button", className: "secondary", "aria-expanded": "false",
    "aria-controls": answerId, dataset: {testid: "reveal-answer"}}, "Show answer");
  const answer = h("div", {id: answerId, className: "answer", hidden: true, dataset: {testid: "answer"}},
    h("p", {}, h("strong", {}, "Answer: "), q.answer),
    md(q.explanation), source(q.source));
  reveal.addEventListener("click", () => {
    answer.hidden = !answer.hidden;
    reveal.setAttribute("aria-expanded", String(!answer.hidden));
    reveal.textContent = answer.hidden ? "Show answer" : "Hide answer";
  });
  const options = q.options?.length
    ? h("ol", {className: "options", type: "A"}, q.options.map((option, i) =>
      h("li", {}, h("span", {className: "visually-hidden"}, `Option ${LETTERS[i] || i + 1}: `), option)))
    : null;
  return h("li", {className: "question", dataset: {testid: "question", kind: q.kind}},
    h("div", {className: "prompt"}, renderMarkdown(q.prompt, {headingOffset: 4})),
    q.kind === "short_answer" ? h("p", {className: "hint"}, "Answer in your own words, then compare.") : null,
    options, reveal, answer);
}

function moduleArticle(module, total) {
  const c = module.content;
  const heading = h("h3", {tabindex: "-1"}, `Module ${module.position} of ${total}: ${c?.title || module.title}`);
  if (!c) {
    return h("article", {}, heading,
      h("p", {className: "message error"}, "This module's text is no longer stored. Run stage 4 again to rewrite it."));
  }
  const parts = [heading, md(c.introduction)];
  if (c.learning_objectives?.length) {
    parts.push(h("h4", {}, "You will learn to"), bullets(c.learning_objectives, "objectives"));
  }
  for (const section of c.sections || []) {
    parts.push(h("section", {className: "module-section"}, h("h4", {}, section.title),
      md(section.body_markdown), source(section.source)));
  }
  if (c.code_examples?.length) {
    parts.push(h("h4", {}, "Code examples"));
    for (const example of c.code_examples) {
      parts.push(h("figure", {className: "code-example"},
        example.caption ? h("figcaption", {}, example.caption) : null,
        codeBlock(example.code, example.language), source(example.source)));
    }
  }
  if (c.key_points?.length) parts.push(h("h4", {}, "Key points"), bullets(c.key_points, "key-points"));
  if (c.conclusion) parts.push(h("h4", {}, "Conclusion"), md(c.conclusion));
  if (c.assessment?.length) {
    parts.push(h("h4", {}, "Check your understanding"),
      h("ol", {className: "assessment", dataset: {testid: "assessment"}}, c.assessment.map(question)));
  }
  if (c.summary) parts.push(h("h4", {}, "Summary"), md(c.summary));
  return h("article", {}, parts);
}

/** A link that opens the course's reader at `position` (or its first module). */
export function readerLink(courseId, position) {
  return h("a", {href: readerHref(courseId, position), className: "button-link", dataset: {testid: "open-reader"}},
    position ? `Read module ${position} in the reader` : "Open the course reader");
}

/** The viewer for GET generated-course's answer; `storageKey` remembers the open module. */
export function courseViewer(generated, storageKey, courseId) {
  const modules = generated.modules || [];
  const content = h("div", {className: "module-content", dataset: {testid: "module-viewer"}});
  const links = [];
  let current = Math.min(Number(sessionStorage.getItem(storageKey)) || 0, Math.max(0, modules.length - 1));
  const prev = h("button", {type: "button", className: "secondary", dataset: {testid: "module-prev"}}, "← Previous");
  const next = h("button", {type: "button", className: "secondary", dataset: {testid: "module-next"}}, "Next →");

  function show(index, focus) {
    current = index;
    sessionStorage.setItem(storageKey, String(index));
    links.forEach((link, i) => {
      if (i === index) link.setAttribute("aria-current", "true"); else link.removeAttribute("aria-current");
    });
    const article = moduleArticle(modules[index], modules.length);
    replace(content, article);
    prev.disabled = index === 0;
    next.disabled = index >= modules.length - 1;
    if (focus) article.querySelector("h3").focus();
  }
  prev.addEventListener("click", () => show(Math.max(0, current - 1), true));
  next.addEventListener("click", () => show(Math.min(modules.length - 1, current + 1), true));

  const nav = h("nav", {className: "module-nav", "aria-label": "Modules"},
    h("ol", {}, modules.map((module, i) => {
      const link = h("button", {type: "button", className: "link", dataset: {testid: "module-link", index: i}},
        module.content?.title || module.title);
      link.addEventListener("click", () => show(i, true));
      links.push(link);
      return h("li", {}, link);
    })));
  if (!modules.length) return h("p", {}, "The course has no modules.");
  const el = h("div", {className: "viewer"}, nav,
    h("div", {className: "module-pane"}, content, h("div", {className: "actions pager"}, prev, next)));
  show(current, false);
  if (!courseId) return el;
  return h("div", {}, h("div", {className: "actions reader-entry"}, readerLink(courseId),
    h("p", {className: "hint"}, "A page per module, search, the quiz with your score, and your progress remembered.")), el);
}
