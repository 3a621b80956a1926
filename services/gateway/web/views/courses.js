// The course list (newest first, with each course's status and, once written, a link to read it):
// create, rename, delete.

import {api, paths} from "../api.js";
import {announce, busy, field, formatDate, h, messageBox, replace, showRequestError} from "../dom.js";
import {courseListStatus} from "./course_header.js";
import {languageField} from "./course_language.js";
import {readerHref} from "./reader_routes.js";

function confirmDialog(course, onConfirm) {
  const error = messageBox("delete-error");
  const confirm = h("button", {type: "button", className: "danger", dataset: {testid: "confirm-delete"}},
    "Delete for good");
  const cancel = h("button", {type: "button", className: "secondary", dataset: {testid: "cancel-delete"}}, "Keep it");
  const dialog = h("dialog", {className: "dialog", "aria-labelledby": "delete-title",
    "aria-describedby": "delete-text", dataset: {testid: "delete-dialog"}},
  h("h2", {id: "delete-title"}, "Delete this course?"),
  h("p", {id: "delete-text"}, `“${course.title}” and everything generated for it will be removed. `
    + "This cannot be undone."),
  error.el, h("div", {className: "actions"}, cancel, confirm));
  cancel.addEventListener("click", () => dialog.close());
  dialog.addEventListener("close", () => dialog.remove());
  confirm.addEventListener("click", () => busy(confirm, async () => {
    await onConfirm();
    dialog.close();
  }, (err) => error.show(err.message)));
  document.body.append(dialog);
  dialog.showModal();
  cancel.focus();
}

function row(course, reload) {
  const link = h("a", {href: `#/courses/${encodeURIComponent(course.course_id)}`,
    dataset: {testid: "open-course"}}, course.title);
  const title = h("div", {className: "course-name"}, link);
  const rename = h("button", {type: "button", className: "secondary", dataset: {testid: "rename-course"},
    "aria-label": `Rename “${course.title}”`}, "Rename");
  const remove = h("button", {type: "button", className: "danger-outline", dataset: {testid: "delete-course"},
    "aria-label": `Delete “${course.title}”`}, "Delete");
  const read = course.course_ready
    ? h("a", {href: readerHref(course.course_id), className: "button-link", dataset: {testid: "read-course"},
      "aria-label": `Read “${course.title}”`}, "Read")
    : null;
  const status = courseListStatus(course);
  const item = h("li", {className: "course-row", dataset: {testid: "course-row", courseId: course.course_id}},
    title,
    h("p", {className: "meta"},
      h("span", {className: "badge", dataset: {testid: "course-status", status: course.status}}, status.label),
      status.stale ? [h("span", {className: "badge badge-stale", dataset: {testid: "course-stale"}}, "Out of date"),
        status.reason ? h("span", {className: "stale-why", dataset: {testid: "course-stale-reason"}},
          ` ${status.reason}.`) : null] : null,
      ` Created ${formatDate(course.created_at)}`, course.repo_name ? ` · ${course.repo_name}` : ""),
    course.description ? h("p", {className: "description"}, course.description) : null,
    h("div", {className: "actions"}, read, rename, remove));

  rename.addEventListener("click", () => {
    const input = h("input", {type: "text", value: course.title, maxlength: "200", required: true,
      dataset: {testid: "rename-input"}});
    const save = h("button", {type: "submit", dataset: {testid: "rename-save"}}, "Save");
    const cancel = h("button", {type: "button", className: "secondary", dataset: {testid: "rename-cancel"}}, "Cancel");
    const titleField = field("New title", input, "Esc cancels.");
    const error = messageBox("rename-error");
    const form = h("form", {className: "rename-form", novalidate: true},
      titleField.wrapper, h("div", {className: "actions"}, save, cancel), error.el);
    const stop = () => { replace(title, link); rename.hidden = false; rename.focus(); };
    cancel.addEventListener("click", stop);
    form.addEventListener("keydown", (event) => {
      if (event.key === "Escape" && !save.disabled) { event.preventDefault(); stop(); }
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      error.clear();
      if (!input.value.trim()) { titleField.invalid("A course needs a title."); input.focus(); return; }
      busy(save, async () => {
        await api.put(paths.course(course.course_id), {title: input.value.trim()},
          {headers: {"If-Match": `"${course.revision}"`}});
        announce("Course renamed.");
        await reload(course.course_id);
      }, (err) => showRequestError(err.status === 409
        ? Object.assign(err, {message: "Someone changed this course meanwhile. Reload the list to see the "
          + "latest version, then rename it again."}) : err, {title: titleField}, error));
    });
    rename.hidden = true;
    replace(title, form);
    input.focus();
    input.select();
  });

  remove.addEventListener("click", () => confirmDialog(course, async () => {
    await api.del(paths.course(course.course_id));
    announce(`Course “${course.title}” deleted.`);
    await reload();
  }));
  return item;
}

export function coursesView(root, navigate) {
  let disposed = false;
  const error = messageBox("list-error");
  const titleInput = h("input", {type: "text", maxlength: "200", required: true, autocomplete: "off",
    dataset: {testid: "new-course-title"}});
  const descriptionInput = h("textarea", {rows: "2", maxlength: "5000", dataset: {testid: "new-course-description"}});
  const create = h("button", {type: "submit", dataset: {testid: "create-course"}}, "Create course");
  const titleField = field("Title", titleInput);
  const descriptionField = field("Description (optional)", descriptionInput);
  const languageChoice = languageField();
  const createError = messageBox("create-error");
  const createForm = h("form", {className: "create-form", "aria-labelledby": "create-heading", novalidate: true},
    h("h2", {id: "create-heading"}, "New course"),
    titleField.wrapper, descriptionField.wrapper, languageChoice.wrappers,
    h("div", {className: "actions"}, create), createError.el);
  const list = h("ul", {className: "course-list", dataset: {testid: "course-list"}});
  const empty = h("p", {dataset: {testid: "no-courses"}, hidden: true}, "No courses yet: create the first one.");
  const heading = h("h1", {tabindex: "-1"}, "Your courses");
  replace(root, heading, error.el, createForm, h("h2", {}, "Courses, newest first"), empty, list);
  document.title = "Courses — coursegen";
  heading.focus();

  /** The list again; `renamed` (a course id) gets focus back on its Rename button. */
  async function reload(renamed) {
    const courses = await api.get(`${paths.courses}?limit=500`);
    if (disposed) return;
    replace(list, courses.map((c) => row(c, reload)));
    empty.hidden = courses.length > 0;
    if (renamed) {
      list.querySelector(`[data-course-id="${CSS.escape(renamed)}"] [data-testid="rename-course"]`)?.focus();
    }
  }

  createForm.addEventListener("submit", (event) => {
    event.preventDefault();
    createError.clear();
    const title = titleInput.value.trim();
    if (!title) { titleField.invalid("Give the course a title."); titleInput.focus(); return; }
    if (!languageChoice.check()) return;
    const language = languageChoice.value();
    busy(create, async () => {
      const course = await api.post(paths.courses, {title, description: descriptionInput.value.trim(),
        ...(language ? {language} : {})});
      announce(`Course “${title}” created.`);
      navigate(`#/courses/${encodeURIComponent(course.course_id)}`);
    }, (err) => showRequestError(err, {title: titleField, description: descriptionField, ...languageChoice.fields()},
      createError));
  });

  reload().catch((err) => { if (err.status !== 401) error.show(err.message); });
  return () => { disposed = true; };
}
