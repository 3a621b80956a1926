// The "Edit the course" panel of a written course: rename a module, edit its introduction and
// summary, move it up or down, remove it, merge it with the next one, regenerate it; every edit in a
// history with its undo; and a version written now so the download has the edits. Each edit is an
// event on the gateway (services/gateway/api/edits.py), shown in the reader and every later version.

import {api, paths, send} from "../api.js";
import {announce, blockButton, busy, field, formatDate, h, messageBox, replace, uid} from "../dom.js";
import {isRunning} from "../progress.js";
import {plainPhrase, userWords} from "../wording.js";

/** `onVersionStarted(result)`: a stage 4 run this panel started (regenerate, version now). Returns
 * {el, load(), stagesChanged(statuses)}. */
export function createEditPanel({courseId, onVersionStarted}) {
  let course = null;        // GET generated-course
  let history = [];         // GET edits, newest first
  let blockedReason = "";
  let open = null;          // {moduleId, kind: "rename" | "text"}: the form shown
  let stage4Key = null;
  let loads = 0;

  const status = h("p", {className: "edit-status", role: "status", tabindex: "-1", hidden: true,
    dataset: {testid: "edit-status"}});
  const error = messageBox("edit-error");
  const blocked = h("p", {className: "prereq", id: uid("edit-blocked"), hidden: true, dataset: {testid: "edit-blocked"}});
  const modules = h("ol", {className: "edit-modules", "aria-labelledby": "edit-modules-heading",
    dataset: {testid: "edit-modules"}});
  const entries = h("ol", {className: "edit-history", "aria-labelledby": "edit-history-heading",
    dataset: {testid: "edit-history"}});
  const noHistory = h("p", {className: "hint", dataset: {testid: "edit-history-empty"}}, "No edits yet.");
  const writeVersion = h("button", {type: "button", dataset: {testid: "write-version"}}, "Write a version now");
  const el = h("section", {className: "edits", id: "edits", "aria-labelledby": "edits-heading", hidden: true,
    dataset: {testid: "edit-panel"}},
  h("h2", {id: "edits-heading", tabindex: "-1"}, "Edit the course"),
  h("p", {className: "intro"}, "Your edits show in the reader at once and in every later version, on top of "
    + "what was written, until you undo them. A refresh or a regenerated module does not overwrite them."),
  blocked, status, error.el,
  h("h3", {id: "edit-modules-heading"}, "Modules"), modules,
  h("div", {className: "actions"}, writeVersion,
    h("p", {className: "hint"}, "The download has the edits from the next version on; this writes it now, "
      + "with no model call.")),
  h("h3", {id: "edit-history-heading"}, "History"), noHistory, entries);

  writeVersion.addEventListener("click", () => act(writeVersion, async () => {
    const started = await api.post(paths.action(courseId, "versions"));
    onVersionStarted?.(started);
    return {said: "A new version is being written with your edits."};
  }));

  function say(text, focus = true) {
    status.textContent = text;
    status.hidden = !text;
    if (text) announce(text);
    if (text && focus) status.focus();
  }

  /** Run an edit from `button`, then read the course again; the answer's {said, focus} says what to
   * tell and where focus goes. Refusals go to the box (or `onRefused` for a form's fields). */
  function act(button, action, onRefused) {
    error.clear();
    return busy(button, async () => {
      const done = await action();
      open = null;
      await load();
      say(done.said, !done.focus);
      done.focus?.()?.focus();
    }, (err) => {
      if (err?.status === 401) return;
      if (!onRefused?.(err)) error.show(err.message);
    });
  }

  const edit = (method, path, body) => send(method, paths.action(courseId, path), {body}).then((r) => r.json());
  const titleOf = (module) => module.content?.title || module.title;
  const buttonOf = (moduleId, testid) => () =>
    modules.querySelector(`[data-module-id="${CSS.escape(moduleId)}"] [data-testid="${testid}"]`);

  function moduleItem(module, index, all) {
    const title = titleOf(module);
    const next = all[index + 1];
    const button = (testid, label, what, onclick, disabled = false) => {
      const b = h("button", {type: "button", className: "secondary", dataset: {testid},
        "aria-label": `${label}: ${title}`, onclick}, label);
      b.disabled = disabled;
      if (blockedReason) blockButton(b, blockedReason, blocked);
      b.dataset.what = what;
      return b;
    };
    const move = (by) => () => {
      const ids = all.map((m) => m.module_id);
      ids.splice(index, 1);
      ids.splice(index + by, 0, module.module_id);
      const testid = by < 0 ? "move-up" : "move-down";
      act(buttonOf(module.module_id, testid)(), async () => {
        await edit("POST", "modules/reorder", {module_ids: ids});
        return {said: `Moved “${title}” ${by < 0 ? "up" : "down"} to place ${index + by + 1}.`,
          focus: () => {
            const same = buttonOf(module.module_id, testid)();
            return same && !same.disabled ? same : buttonOf(module.module_id, by < 0 ? "move-down" : "move-up")();
          }};
      });
    };
    const actions = h("div", {className: "actions edit-actions"},
      button("rename-module", "Rename", "rename", () => toggle(module.module_id, "rename")),
      button("edit-text", "Edit text", "text", () => toggle(module.module_id, "text")),
      button("move-up", "Move up", "move", move(-1), index === 0),
      button("move-down", "Move down", "move", move(1), index === all.length - 1),
      next ? button("merge-next", "Merge with next", "merge", (event) => act(event.currentTarget, async () => {
        await edit("POST", "modules/merge", {into: module.module_id, merged: [next.module_id]});
        return {said: `Merged “${titleOf(next)}” into “${title}”.`};
      })) : null,
      button("remove-module", "Remove", "remove", (event) => act(event.currentTarget, async () => {
        await edit("DELETE", `modules/${encodeURIComponent(module.module_id)}`);
        return {said: `Removed “${title}”. Undo it from the history below to bring it back.`};
      }), all.length === 1),
      button("regenerate-module", "Regenerate", "regenerate", (event) => act(event.currentTarget, async () => {
        const started = await api.post(paths.action(courseId, `modules/${encodeURIComponent(module.module_id)}/regenerate`), {});
        onVersionStarted?.(started);
        return {said: module.edited ? `“${title}” is being written anew; your edits stay on top.`
          : `“${title}” is being written anew.`};
      })));
    const form = open?.moduleId === module.module_id ? editForm(module, open.kind) : null;
    return h("li", {className: "edit-module", dataset: {testid: "edit-module", moduleId: module.module_id,
      position: module.position}},
    h("p", {className: "edit-module-head"},
      h("span", {dataset: {testid: "edit-module-title"}}, `${module.position}. ${title}`),
      module.edited ? h("span", {className: "badge", dataset: {testid: "edited-mark"},
        title: `Edited: ${module.edited_fields.join(", ")}`}, "edited") : null),
    actions, form);
  }

  function toggle(moduleId, kind) {
    open = open?.moduleId === moduleId && open.kind === kind ? null : {moduleId, kind};
    render();
    const first = modules.querySelector(`[data-module-id="${CSS.escape(moduleId)}"] form input, `
      + `[data-module-id="${CSS.escape(moduleId)}"] form textarea`);
    (first || buttonOf(moduleId, kind === "rename" ? "rename-module" : "edit-text")())?.focus();
  }

  /** The rename or text form of a module: the fields it changes, Save and Cancel. */
  function editForm(module, kind) {
    const content = module.content || {};
    const controls = kind === "rename"
      ? {title: field("New title", h("input", {type: "text", value: titleOf(module), maxlength: "300",
        dataset: {testid: "rename-title"}}))}
      : {introduction: field("Introduction", h("textarea", {rows: "5", dataset: {testid: "edit-introduction"}})),
        summary: field("Summary", h("textarea", {rows: "3", dataset: {testid: "edit-summary"}}))};
    if (kind === "text") {
      controls.introduction.control.value = content.introduction || "";
      controls.summary.control.value = content.summary || "";
    }
    const save = h("button", {type: "submit", dataset: {testid: kind === "rename" ? "save-rename" : "save-text"}}, "Save");
    const cancel = h("button", {type: "button", className: "secondary", dataset: {testid: "cancel-edit"}}, "Cancel");
    const form = h("form", {className: "edit-form", novalidate: true,
      "aria-label": `${kind === "rename" ? "Rename" : "Edit the text of"} ${titleOf(module)}`},
    Object.values(controls).map((c) => c.wrapper), h("div", {className: "actions"}, save, cancel));
    cancel.addEventListener("click", () => {
      open = null;
      render();
      buttonOf(module.module_id, kind === "rename" ? "rename-module" : "edit-text")()?.focus();
    });
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      const fields = {};
      for (const [name, c] of Object.entries(controls)) {
        c.valid();
        const value = name === "title" ? c.control.value.trim() : c.control.value;
        if (value !== (name === "title" ? titleOf(module) : content[name] || "")) fields[name] = value;
      }
      if (!Object.keys(fields).length) {
        open = null;
        render();
        say("Nothing changed.");
        return;
      }
      act(save, async () => {
        await edit("PATCH", `modules/${encodeURIComponent(module.module_id)}`, {fields});
        const said = fields.title !== undefined && Object.keys(fields).length === 1
          ? `Renamed “${titleOf(module)}” to “${fields.title}”.` : `Saved the text of “${titleOf(module)}”.`;
        return {said};
      }, (err) => {
        // (?![a-z_]): the name is the whole run of letters, so [^:]* does not retry each split of it.
        const found = /^fields\.([a-z_]+)(?![a-z_])[^:]*: (.*)$/.exec(String(err?.detail ?? ""));
        if (err?.status !== 422 || !found || !controls[found[1]]) return false;
        controls[found[1]].invalid(`${controls[found[1]].wrapper.querySelector("label").textContent} ${plainPhrase(found[2])}.`);
        controls[found[1]].control.focus();
        return true;
      });
    });
    return form;
  }

  function historyItem(entry) {
    const undo = entry.undone ? null : h("button", {type: "button", className: "secondary",
      dataset: {testid: "undo-edit"}, "aria-label": `Undo: ${entry.words}`}, "Undo");
    if (undo) {
      if (blockedReason) blockButton(undo, blockedReason, blocked);
      undo.addEventListener("click", () => act(undo, async () => {
        await edit("POST", `edits/${encodeURIComponent(entry.edit_id)}/undo`);
        return {said: `Undone: ${entry.words}.`};
      }));
    }
    return h("li", {className: "edit-entry", dataset: {testid: "edit-entry", editId: entry.edit_id,
      undone: String(entry.undone)}},
    h("p", {className: "edit-words"}, entry.words[0].toUpperCase() + entry.words.slice(1)),
    h("p", {className: "meta"}, `By ${entry.actor}, ${formatDate(entry.at)}.`,
      entry.undone ? ` Undone by ${entry.undone_by.actor}, ${formatDate(entry.undone_by.at)}.` : ""),
    undo);
  }

  function render() {
    if (!course) return;
    replace(modules, course.modules.map((m, i, all) => moduleItem(m, i, all)));
    replace(entries, history.map(historyItem));
    noHistory.hidden = history.length > 0;
    blockButton(writeVersion, blockedReason, blocked);
  }

  async function load() {
    loads += 1;
    const asked = loads;
    try {
      const [generated, edits] = await Promise.all([api.get(paths.action(courseId, "generated-course")),
        api.get(paths.action(courseId, "edits"))]);
      if (asked !== loads) return;
      // While stage 4 writes, the course last read stays shown (its buttons wait).
      if (generated.status === "SUCCESS" && generated.modules.length) course = generated;
      history = edits.edits || [];
      el.hidden = !course;
      render();
    } catch (err) {
      if (asked === loads && err?.status !== 401) error.show(userWords(err.message));
    }
  }

  return {
    el,
    load,
    /** The stages' statuses: edits wait while stage 4 writes; a run that ends is read again. */
    stagesChanged(statuses) {
      const stage4 = statuses.stage4;
      const reason = isRunning(stage4) ? "Stage 4 is writing the course: edit it once it has finished." : "";
      if (reason !== blockedReason) {
        blockedReason = reason;
        blocked.textContent = reason;
        blocked.hidden = !reason;
        render();
      }
      const key = stage4 ? `${stage4.task_id}:${stage4.status}` : null;
      if (key !== stage4Key) {
        stage4Key = key;
        if (stage4?.status === "SUCCESS") load();
      }
    },
  };
}
