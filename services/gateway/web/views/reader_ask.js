// Ask the course (issue 47), beside the module being read: a question answered from the documents
// the course was made from, each citation leading to the section of the course that shows the
// document (or to the source at the course's commit, or to the lines quoted), and the learner's
// earlier questions, which they can clear. On a phone the panel is a sheet over the page's lower part.

import {api, detailText, paths} from "../api.js";
import {announce, busy, field, formatDate, h, messageBox, replace, safeUrl, uid} from "../dom.js";
import {renderMarkdown} from "../markdown.js";
import {readerHref, sectionPlace} from "./reader_routes.js";

const MAX_QUESTION = 2000;  // characters: the API's limit (services/gateway/api/ask.py)
const MAX_SECTION = 1000;
const NARROW = "(max-width: 48rem)";  // where the panel is a sheet over the page (reader.css)

/**
 * Where the reader shows the document a citation quotes: {position, place} (place null: the
 * module's top), or null. The cited module's section showing that document, the cited heading's
 * first; without the module (an earlier answer, or a module merged into another) the first section
 * of the course that shows the document.
 */
export function citedPlace(modules, citation) {
  const inModule = (module) => {
    const showing = (module.content?.sections || []).map((section, i) => ({section, place: sectionPlace(i)}))
      .filter(({section}) => section.source?.path === citation.path);
    const exact = citation.anchor ? showing.find(({section}) => section.source.anchor === citation.anchor) : null;
    const chosen = exact || showing[0];
    return chosen ? {position: module.position, place: chosen.place, exact: Boolean(exact)} : null;
  };
  if (citation.module_id) {
    const module = modules.find((m) => m.module_id === citation.module_id);
    if (module) return inModule(module) || {position: module.position, place: null};
  }
  const found = modules.map(inModule).filter(Boolean);
  return found.find((place) => place.exact) || found[0] || null;
}

/** The heading of the module section at the top of the window, or null above the first. */
function sectionInView(pane) {
  let heading = null;
  for (const section of pane.querySelectorAll('[data-testid="reader-section"]')) {
    if (section.getBoundingClientRect().top > window.innerHeight / 3) break;
    heading = section.querySelector("h3")?.textContent || null;
  }
  return heading;
}

/** The answer's Markdown; a quoted document's headings are words of the quote, not the page's outline. */
function answerText(markdown) {
  const body = renderMarkdown(markdown);
  for (const heading of body.querySelectorAll("h1, h2, h3, h4, h5, h6")) {
    heading.replaceWith(h("p", {className: "ask-quoted-heading"}, ...heading.childNodes));
  }
  body.classList.add("ask-answer-text");
  return body;
}

function citationWords(citation, number) {
  const lines = citation.start_line ? `, lines ${citation.start_line}–${citation.end_line}` : "";
  return [h("span", {className: "ask-cite-number"}, `[${citation.n ?? number}]`), " ",
    h("span", {className: "path"}, citation.path), citation.heading ? ` › ${citation.heading}` : "", lines];
}

/** The panel, with `toggle` (the button that opens it) and `panel`, for the reader of `courseId`. */
export function askPanel({courseId, modules, frame, pane, shownModule, openPlace}) {
  const titleId = uid("ask-title");
  const panelId = uid("ask-panel");
  const toggle = h("button", {type: "button", className: "ask-toggle", "aria-expanded": "false",
    "aria-controls": panelId, dataset: {testid: "ask-open"}}, "Ask the course");
  const close = h("button", {type: "button", className: "secondary ask-close", dataset: {testid: "ask-close"}},
    "Close");
  const input = h("textarea", {rows: "3", name: "question", autocomplete: "off",
    dataset: {testid: "ask-question"}});
  const question = field("Your question", input, "Enter asks; Shift+Enter starts a new line.",
    {errorTestid: "ask-question-error"});
  const submit = h("button", {type: "submit", dataset: {testid: "ask-submit"}}, "Ask");
  const form = h("form", {className: "ask-form"}, question.wrapper,
    h("div", {className: "actions"}, submit));
  const error = messageBox("ask-error");
  const live = h("div", {className: "ask-live", "aria-live": "polite", dataset: {testid: "ask-answer"}});
  const historyTitle = uid("ask-history-title");
  const historyStatus = h("p", {className: "hint", dataset: {testid: "ask-history-status"}});
  const historyList = h("ol", {className: "ask-history-list", "aria-labelledby": historyTitle,
    dataset: {testid: "ask-history"}});
  const clear = h("button", {type: "button", className: "danger-outline", hidden: true,
    dataset: {testid: "ask-clear"}}, "Clear history");
  const historyError = messageBox("ask-history-error");
  const history = h("section", {className: "ask-history", "aria-labelledby": historyTitle},
    h("div", {className: "ask-history-head"}, h("h3", {id: historyTitle}, "Your earlier questions"), clear),
    historyError.el, historyStatus, historyList);
  const panel = h("section", {className: "ask-panel", id: panelId, "aria-labelledby": titleId, hidden: true,
    dataset: {testid: "ask-panel"}},
  h("div", {className: "ask-head"}, h("h2", {id: titleId, tabindex: "-1"}, "Ask the course"), close),
  h("p", {className: "hint ask-intro"}, "Answers come from the documents this course was made from, "
    + "quoted with their sources. A question they do not answer is declined, never guessed."),
  form, error.el, live, history);

  let pending = false;
  let current = null;  // the answer in the live region: not repeated among the earlier questions
  let loaded = [];     // the earlier questions, oldest first, as the API gives them
  let loads = 0;

  function citationItem(citation, number) {
    const place = citedPlace(modules, citation);
    const data = {testid: "ask-citation", path: citation.path};
    if (place) {
      const module = modules.find((m) => m.position === place.position);
      const href = readerHref(courseId, place.position, place.place);
      const link = h("a", {href, className: "ask-cite", dataset: {...data, kind: "reader", position: place.position,
        place: place.place || ""}}, ...citationWords(citation, number),
      h("span", {className: "ask-cite-where"}, ` — module ${place.position}: ${module?.content?.title || module?.title}`));
      link.addEventListener("click", (event) => {
        if (window.matchMedia(NARROW).matches) hide(false);  // the sheet covers the section it leads to
        if (location.hash === href) {  // already the address: no hashchange would show it again
          event.preventDefault();
          openPlace(place);
        }
      });
      return h("li", {}, link);
    }
    const url = /^https?:\/\//i.test(citation.url || "") ? safeUrl(citation.url) : null;
    if (url) {
      return h("li", {}, h("a", {href: url, target: "_blank", rel: "noopener noreferrer", className: "ask-cite",
        dataset: {...data, kind: "source"}}, ...citationWords(citation, number),
      h("span", {className: "ask-cite-where"}, " — the source at the course's commit ↗"),
      h("span", {className: "visually-hidden"}, " (opens in a new tab)")));
    }
    if (citation.quote) {
      return h("li", {}, h("details", {className: "ask-cite-quote", dataset: {...data, kind: "quote"}},
        h("summary", {}, ...citationWords(citation, number)),
        h("pre", {className: "ask-quote", tabindex: "0", "aria-label": `Lines quoted from ${citation.path}`},
          citation.quote)));
    }
    return h("li", {}, h("span", {className: "ask-cite", dataset: {...data, kind: "none"}},
      ...citationWords(citation, number)));
  }

  /** One question and its answer; `level`: the question's heading level. */
  function entry(item, level) {
    const parts = [h(`h${level}`, {className: "ask-question", dataset: {testid: "ask-entry-question"}}, item.question)];
    if (item.asked_at) parts.push(h("p", {className: "meta"}, `Asked ${formatDate(item.asked_at)}`));
    if (item.covered === false) {
      parts.push(h("p", {className: "message warning ask-not-covered", dataset: {testid: "ask-not-covered"}},
        h("strong", {}, "Not covered by this course's sources."),
        " None of its documents answers this question: try other words, or ask the course's author."));
    } else {
      parts.push(answerText(item.answer));
      if (item.engine === "model") {
        const removed = item.removed ? ` ${item.removed} sentence${item.removed === 1 ? "" : "s"} the sources `
          + "did not support were taken out." : "";
        parts.push(h("p", {className: "meta", dataset: {testid: "ask-engine"}},
          `Written by a model from the passages cited, and checked against them.${removed}`));
      }
    }
    if (item.note) parts.push(h("p", {className: "ask-note", dataset: {testid: "ask-note"}}, item.note));
    const citations = item.citations || [];
    if (citations.length) {
      const id = uid("ask-sources");
      parts.push(h("p", {className: "ask-sources-title", id}, citations.length === 1 ? "Source" : "Sources"),
        h("ol", {className: "ask-citations", "aria-labelledby": id, dataset: {testid: "ask-citations"}},
          citations.map((citation, i) => citationItem(citation, i + 1))));
    }
    return h("article", {className: "ask-entry", dataset: {testid: "ask-entry", covered: String(item.covered !== false),
      askId: item.ask_id || ""}}, parts);
  }

  function showHistory() {
    const earlier = loaded.filter((item) => item.ask_id !== current?.ask_id).reverse();  // newest first
    replace(historyList, earlier.map((item) => h("li", {}, entry(item, 4))));
    historyStatus.textContent = earlier.length ? ""
      : current ? "Nothing else asked yet." : "You have not asked anything about this course yet.";
    clear.hidden = !(earlier.length || current);
  }

  async function loadHistory() {
    const load = ++loads;
    historyStatus.textContent = "Loading your earlier questions…";
    historyError.clear();
    try {
      const answer = await api.get(paths.action(courseId, "ask/history"));
      if (load !== loads) return;
      loaded = answer.items || [];
      showHistory();
    } catch (err) {
      if (load !== loads || err.status === 401) return;
      historyStatus.textContent = "";
      historyError.show(err.message);
    }
  }

  function show() {
    panel.hidden = false;
    toggle.setAttribute("aria-expanded", "true");
    frame.classList.add("asking");
    input.focus();
    loadHistory();
  }

  function hide(returnFocus = true) {
    if (panel.hidden) return;
    panel.hidden = true;
    toggle.setAttribute("aria-expanded", "false");
    frame.classList.remove("asking");
    if (returnFocus) toggle.focus();
  }

  function problem(text) {
    if (!text) return "Type a question first.";
    if (text.length > MAX_QUESTION) return `Your question is too long: at most ${MAX_QUESTION} characters (it has ${text.length}).`;
    return null;
  }

  function failed(err) {
    live.removeAttribute("aria-busy");
    replace(live, current ? entry(current, 3) : null);
    if (err?.status === 401) return;
    if (err?.status === 422 && err.fields?.question) {
      question.invalid(`Your question ${err.fields.question}.`);
      input.focus();
    } else if (err?.status === 429) {
      error.show(`You are asking faster than coursegen allows: try again in ${err.retryAfter || "a few"} seconds.`);
    } else if (err?.status === 409) {
      error.show(`This course cannot answer questions yet: ${detailText(err.detail) || err.message}`);
    } else {
      error.show(err?.message || String(err));
    }
  }

  async function ask() {
    const text = input.value.trim();
    const wrong = problem(text);
    if (wrong) {
      question.invalid(wrong);
      input.focus();
      return;
    }
    question.valid();
    error.clear();
    pending = true;
    const body = {question: text};
    const module = shownModule();
    if (module?.module_id) body.module = module.module_id;
    const heading = sectionInView(pane);
    if (heading) body.section = heading.slice(0, MAX_SECTION);
    live.setAttribute("aria-busy", "true");
    replace(live, h("p", {className: "loading", dataset: {testid: "ask-waiting"}}, "Looking in the course's sources…"));
    try {
      await busy(submit, async () => {
        const answer = await api.post(paths.action(courseId, "ask"), body);
        if (current) loaded = [...loaded.filter((item) => item.ask_id !== current.ask_id), current];
        current = {...answer, question: text};
        live.removeAttribute("aria-busy");
        replace(live, entry(current, 3));
        input.value = "";
        showHistory();
      }, failed);
    } finally {
      pending = false;
    }
  }

  function confirmClear() {
    const confirm = h("button", {type: "button", className: "danger", dataset: {testid: "ask-clear-confirm"}},
      "Clear them");
    const cancel = h("button", {type: "button", className: "secondary", dataset: {testid: "ask-clear-cancel"}},
      "Keep them");
    const dialogError = messageBox("ask-clear-error");
    const dialog = h("dialog", {className: "dialog", "aria-labelledby": "ask-clear-title",
      "aria-describedby": "ask-clear-text", dataset: {testid: "ask-clear-dialog"}},
    h("h2", {id: "ask-clear-title"}, "Clear your questions?"),
    h("p", {id: "ask-clear-text"}, "Your questions about this course and their answers will no longer be "
      + "shown to you. This cannot be undone."),
    dialogError.el, h("div", {className: "actions"}, cancel, confirm));
    let cleared = false;
    cancel.addEventListener("click", () => dialog.close());
    dialog.addEventListener("close", () => {
      dialog.remove();
      if (cleared) input.focus(); else clear.focus();
    });
    confirm.addEventListener("click", () => busy(confirm, async () => {
      await api.del(paths.action(courseId, "ask/history"));
      cleared = true;
      loads += 1;  // a history still loading is out of date
      loaded = [];
      current = null;
      replace(live);
      showHistory();
      historyStatus.textContent = "Your questions about this course were cleared.";
      announce("Your questions about this course were cleared.");
      dialog.close();
    }, (err) => dialogError.show(err.message)));
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  }

  toggle.addEventListener("click", () => (panel.hidden ? show() : hide()));
  close.addEventListener("click", () => hide());
  panel.addEventListener("keydown", (event) => {
    if (event.key === "Escape" && !event.defaultPrevented) {
      event.preventDefault();
      hide();
    }
  });
  input.addEventListener("keydown", (event) => {
    if (event.key !== "Enter" || event.shiftKey || event.altKey || event.ctrlKey || event.metaKey
      || event.isComposing) return;
    event.preventDefault();
    form.requestSubmit();
  });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    if (!pending) ask();
  });
  clear.addEventListener("click", confirmClear);

  return {toggle, panel, hide};
}
