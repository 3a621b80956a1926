// A course's language in the author's forms (issue 48): the new-course form and the course page's
// "Change language". A select of the languages the course labels are translated to (their names
// from the one table, /api/labels), "the sources' language" (no language sent), and another BCP 47
// tag typed in; the gateway checks the tag and a refusal shows on the field.

import {api, paths} from "../api.js";
import {announce, busy, field, h, messageBox, replace, showRequestError} from "../dom.js";
import {labelTable} from "../course_labels.js";

const SOURCES = "";
const OTHER = "other";

async function languageNames() {
  try {
    const table = await labelTable();
    return {languages: table.languages, names: table.names};
  } catch {
    return {languages: [], names: {}};  // the select still offers the sources' language and a typed tag
  }
}

/** "français (fr)"; a tag the table has no name for is shown as it is. */
export function languageText(tag, names = {}) {
  if (!tag) return "the sources' language";
  const name = names[tag.toLowerCase().split("-")[0]];
  return name && name !== tag ? `${name} (${tag})` : tag;
}

/**
 * The language field: a select and, for another language, a tag to type. `current`: the course's
 * (null: the sources'). `canClear`: whether "the sources' language" may be chosen (a course's
 * language, once set, cannot be taken back by the API). Returns {wrappers, value(), check(), fields(), focus(), ready}.
 */
export function languageField({current = null, canClear = true, testid = "course-language"} = {}) {
  const select = h("select", {dataset: {testid}},
    h("option", {value: SOURCES, disabled: !canClear}, "The sources' language"));
  const tag = h("input", {type: "text", maxlength: "64", autocomplete: "off", spellcheck: "false",
    placeholder: "for example pt-BR, it, he", dataset: {testid: `${testid}-tag`}});
  const chosen = field("Course language", select,
    "The language the model writes the course in; its labels are translated into the languages listed. "
    + "Without a model the text stays in the sources' language.");
  const typed = field("Language tag (BCP 47)", tag);
  typed.wrapper.hidden = true;
  const showTyped = () => { typed.wrapper.hidden = select.value !== OTHER; };
  select.addEventListener("change", () => { showTyped(); if (select.value === OTHER) tag.focus(); });

  const ready = languageNames().then(({languages, names}) => {
    select.append(...languages.map((code) => h("option", {value: code}, languageText(code, names))),
      h("option", {value: OTHER}, "Another language…"));
    const listed = current && languages.includes(current);
    select.value = !current ? SOURCES : listed ? current : OTHER;
    if (current && !listed) tag.value = current;
    showTyped();
  });

  return {
    wrappers: [chosen.wrapper, typed.wrapper],
    ready,
    /** The tag to send; null: the sources' language. */
    value: () => (select.value === OTHER ? tag.value.trim() : select.value) || null,
    /** Whether the field can be sent; says why not on the field. */
    check() {
      if (select.value === OTHER && !tag.value.trim()) {
        typed.invalid("Type a language tag, such as pt-BR, or choose a language from the list.");
        tag.focus();
        return false;
      }
      return true;
    },
    /** For showRequestError: the gateway's word on `language` goes where it was chosen. */
    fields: () => ({language: select.value === OTHER ? typed : chosen}),
  };
}

/** The course page's line "Language: …" with the form that changes it. `onChanged()` reads the course again. */
export function createLanguageSetting({onChanged}) {
  let course = null;
  let names = {};
  const text = h("span", {dataset: {testid: "course-language-shown"}});
  const change = h("button", {type: "button", className: "secondary", dataset: {testid: "change-language"}},
    "Change language");
  const form = h("div", {className: "language-form-holder"});
  const el = h("div", {className: "course-language", dataset: {testid: "course-language-setting"}, hidden: true},
    h("p", {className: "meta"}, "Language: ", text, " ", change), form);
  languageNames().then((found) => { names = found.names; if (course) show(course); });

  function show(next) {
    course = next;
    text.textContent = languageText(course.language, names);
    el.hidden = false;
  }

  function close() {
    replace(form);
    change.hidden = false;
    change.focus();
  }

  change.addEventListener("click", () => {
    const language = languageField({current: course.language, canClear: !course.language,
      testid: "edit-course-language"});
    const save = h("button", {type: "submit", dataset: {testid: "save-language"}}, "Save");
    const cancel = h("button", {type: "button", className: "secondary", dataset: {testid: "cancel-language"}}, "Cancel");
    const error = messageBox("language-error");
    const edit = h("form", {className: "language-form", novalidate: true, "aria-label": "Change the course's language"},
      language.wrappers, h("p", {className: "hint"}, "Stages 2, 3 and 4 write in it from their next run."),
      h("div", {className: "actions"}, save, cancel), error.el);
    cancel.addEventListener("click", close);
    edit.addEventListener("submit", (event) => {
      event.preventDefault();
      error.clear();
      if (!language.check()) return;
      const asked = language.value();
      if (asked === (course.language || null)) { close(); return; }
      busy(save, async () => {
        const updated = await api.put(paths.course(course.course_id), {language: asked},
          {headers: {"If-Match": `"${course.revision}"`}});
        show(updated);
        announce(`The course's language is now ${languageText(updated.language, names)}.`);
        close();
        onChanged?.();
      }, (err) => showRequestError(err.status === 409
        ? Object.assign(err, {message: "Someone changed this course meanwhile: reload the page and change "
          + "its language again."}) : err, language.fields(), error));
    });
    change.hidden = true;
    replace(form, edit);
    language.ready.then(() => edit.querySelector("select")?.focus());
  });

  return {el, show};
}
