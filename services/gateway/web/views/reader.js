// The course reader: one module per address (#/courses/<id>/read/<n>), a table of contents that
// scrolls on its own and marks the current module, search across the course, and the learner's
// progress (modules read, quiz scores) remembered for the signed-in user, and a panel to ask the
// course a question (reader_ask.js). Where the course comes from and where the progress goes is its
// source: the author's own course (authorSource), or a course assigned to a learner (learn_source.js).

import {api, paths, session} from "../api.js";
import {h, messageBox, replace} from "../dom.js";
import {courseLabels, untranslated} from "../course_labels.js";
import {askPanel} from "./reader_ask.js";
import {moduleArticle} from "./reader_module.js";
import {progressStore} from "./reader_progress.js";
import {readerHref} from "./reader_routes.js";
import {searchPanel} from "./reader_search.js";

/**
 * The author's reader: their course as stage 4 wrote it (and they edited it), progress in this browser.
 * A source is {href(courseId, position, place), back(courseId) → {href, label} | null, ask,
 * notFound, missing(position) (a module the course has not), load(courseId) → {title, modules, note,
 * diagrams (GET …/diagrams' answer, or none)},
 * empty(courseId, course) → nodes, store(courseId, course) → a progress store (reader_progress.js's
 * interface; its statusNode, if any, is shown under the progress), or a promise of one}.
 */
export const authorSource = {
  href: readerHref,
  back: (courseId) => ({href: `#/courses/${courseId}`, label: "← Course settings"}),
  ask: true,
  notFound: "This course does not exist: it may have been deleted, or it belongs to another user.",
  missing: (position) => `This course has no module ${position}; here is module 1.`,
  async load(courseId) {
    // The drawn diagrams are a bonus: without them each diagram shows its source.
    const [generated, diagrams] = await Promise.all([api.get(paths.action(courseId, "generated-course")),
      api.get(paths.action(courseId, "diagrams")).catch(() => null)]);
    return {title: generated.title, modules: generated.modules || [], note: generated.language_note || null,
      language: generated.language, dir: generated.dir, diagrams};
  },
  empty: (courseId) => ["This course has not been written yet. Run stage 4 on the ",
    h("a", {href: `#/courses/${courseId}`}, "course page"), ", then come back to read it."],
  store: (courseId) => progressStore(session.user, courseId),
};

function tocEntry(courseId, module, href) {
  const state = h("span", {className: "toc-state", dataset: {testid: "toc-state"}});
  const link = h("a", {href: href(courseId, module.position), className: "toc-link",
    dataset: {testid: "toc-link", position: module.position}},
  h("span", {className: "toc-number", "aria-hidden": "true"}, String(module.position)),
  h("span", {className: "toc-title"}, h("span", {className: "visually-hidden"}, `Module ${module.position}: `),
    module.content?.title || module.title), state);
  return {item: h("li", {}, link), link, state};
}

/** Open the reader of `courseId` in `root` at `place` ({position, place}), the course and progress
 * from `source`; returns {open, dispose}. */
export function readerView(root, courseId, place, source = authorSource) {
  const href = source.href;
  const back = source.back(courseId);
  let disposed = false;
  let modules = [];
  let entries = [];
  let store = null;
  let observer = null;
  let wanted = place;
  let shown = null;
  let t = untranslated;
  let diagrams = null;

  const pageError = messageBox("reader-error");
  const title = h("h1", {className: "reader-course", tabindex: "-1", dataset: {testid: "reader-course-title"}}, "Course");
  const summary = h("p", {className: "reader-summary", dataset: {testid: "reader-progress"}});
  const note = h("p", {className: "reader-note", dataset: {testid: "reader-release"}, hidden: true});
  const toc = h("ol", {className: "toc-list"});
  const nav = h("nav", {className: "reader-toc", id: "reader-toc", "aria-label": "Modules",
    dataset: {testid: "reader-toc"}}, toc);
  // On a phone the contents are folded away above the module until asked for (reader.css).
  const tocToggle = h("button", {type: "button", className: "secondary toc-toggle", "aria-expanded": "false",
    "aria-controls": "reader-toc", dataset: {testid: "toc-toggle"}}, "Contents");
  const searchSlot = h("div");
  const askSlot = h("div", {className: "ask-slot"});
  const pane = h("div", {className: "reader-pane", dataset: {testid: "reader-pane"}},
    h("p", {className: "loading"}, "Loading the course…"));
  const sidebar = h("aside", {className: "reader-sidebar toc-closed", "aria-label": "Course contents"},
    back ? h("p", {className: "breadcrumb"}, h("a", {href: back.href, dataset: {testid: "reader-back"}}, back.label))
      : null,
    title, summary, note, searchSlot, askSlot, tocToggle, nav);
  tocToggle.addEventListener("click", () => {
    const open = sidebar.classList.toggle("toc-closed") === false;
    tocToggle.setAttribute("aria-expanded", String(open));
  });
  const frame = h("div", {className: "reader", dataset: {testid: "reader"}}, sidebar,
    h("div", {className: "reader-main"}, pageError.el, pane));
  replace(root, frame);

  function refreshProgress() {
    if (!store) return;
    let read = 0;
    let correct = 0;
    let total = 0;
    let answered = 0;
    modules.forEach((module, i) => {
      const isRead = store.isRead(module);
      const score = store.score(module);
      read += isRead;
      correct += score.correct;
      total += score.total;
      answered += score.answered;
      const entry = entries[i];
      entry.link.dataset.read = String(isRead);
      const bits = [];
      if (isRead) bits.push(h("span", {className: "toc-read", title: "Read"}, "✓", h("span", {className: "visually-hidden"}, " read")));
      if (score.answered) {
        bits.push(h("span", {className: "toc-score", dataset: {testid: "toc-score"}},
          h("span", {className: "visually-hidden"}, ", quiz "), `${score.correct}/${score.total}`));
      }
      entry.state.replaceChildren(...bits);
    });
    summary.textContent = `${read} of ${modules.length} modules read`
      + (answered ? ` · quiz: ${correct} of ${total} correct` : "") + ".";
  }

  /** Show the module at `target.position` (1-based), scrolled to `target.place` if given. */
  function open(target) {
    wanted = target;
    if (!modules.length || disposed) return;
    let index = modules.findIndex((module) => module.position === target.position);
    if (index < 0) {
      pageError.show(source.missing(target.position));
      index = 0;
      history.replaceState(null, "", href(courseId, modules[0].position));
    } else {
      pageError.clear();
    }
    const module = modules[index];
    if (shown !== module) {
      observer?.disconnect();
      const {article, end} = moduleArticle({courseId, modules, index, store, onScore: refreshProgress, href, t,
        diagrams});
      replace(pane, article);
      shown = module;
      entries.forEach((entry, i) => {
        if (i === index) entry.link.setAttribute("aria-current", "page"); else entry.link.removeAttribute("aria-current");
      });
      keepInView(entries[index].link);
      sidebar.classList.add("toc-closed");  // a phone's folded contents close once a module is chosen
      tocToggle.setAttribute("aria-expanded", "false");
      document.title = `${module.content?.title || module.title} — ${title.textContent} — coursegen`;
      // Reaching the end of a module is reading it.
      observer = new IntersectionObserver((seen) => {
        if (seen.some((item) => item.isIntersecting) && store.markRead(module)) refreshProgress();
      });
      observer.observe(end);
    }
    const section = target.place ? pane.querySelector(`#reader-${CSS.escape(target.place)}`) : null;
    const focusTarget = section?.querySelector("h3") || pane.querySelector("h2");
    if (section) section.scrollIntoView({block: "start"}); else window.scrollTo(0, 0);
    focusTarget?.focus({preventScroll: true});
  }

  /** Scroll the table of contents (only it) so the current module's entry shows. */
  function keepInView(link) {
    const top = link.offsetTop - nav.offsetTop;
    if (top < nav.scrollTop || top + link.offsetHeight > nav.scrollTop + nav.clientHeight) {
      nav.scrollTop = Math.max(0, top - nav.clientHeight / 3);
    }
  }

  (async () => {
    let course;
    try {
      course = await source.load(courseId);
    } catch (err) {
      if (disposed) return;
      replace(pane);
      if (err.status === 404) {
        title.textContent = "Course not found";
        pageError.show(source.notFound);
      } else if (err.status !== 401) {
        pageError.show(err.message);
      }
      return;
    }
    t = await courseLabels(course.language);
    if (disposed) return;
    // The course's language and direction hold inside the reader; the application around it stays as it is.
    // Its landmarks are named in its language too: a screen reader lists them with the course's words.
    nav.setAttribute("aria-label", t("modules"));
    sidebar.setAttribute("aria-label", t("course_contents"));
    if (course.language) {
      frame.lang = course.language;
      frame.dir = course.dir || "ltr";
    }
    title.textContent = course.title || "Course";
    note.textContent = course.note || "";
    note.hidden = !course.note;
    if (!course.modules.length) {
      replace(pane, h("p", {className: "message warning", dataset: {testid: "reader-empty"}},
        source.empty(courseId, course)));
      return;
    }
    try {
      store = await source.store(courseId, course);
    } catch (err) {
      if (!disposed && err.status !== 401) pageError.show(err.message);
      return;
    }
    if (disposed) {
      store.dispose?.();
      return;
    }
    modules = course.modules;
    diagrams = course.diagrams || null;
    if (store.statusNode) note.after(store.statusNode);
    entries = modules.map((module) => tocEntry(courseId, module, href));
    toc.replaceChildren(...entries.map((entry) => entry.item));
    tocToggle.textContent = `${t("contents")} (${modules.length})`;
    replace(searchSlot, searchPanel(courseId, modules, href));
    if (source.ask) {
      const ask = askPanel({courseId, modules, frame, pane, shownModule: () => shown,
        openPlace: (found) => open({position: found.position, place: found.place})});
      replace(askSlot, ask.toggle);
      frame.append(ask.panel);
    }
    refreshProgress();
    open(wanted);
  })();

  return {
    open,
    dispose() {
      disposed = true;
      observer?.disconnect();
      store?.dispose?.();
    },
  };
}
