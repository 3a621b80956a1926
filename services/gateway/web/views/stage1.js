// Stage 1: the repository to clone and scan, then the folders to teach from and the overview.

import {api, paths} from "../api.js";
import {announce, busy, field, formatBytes, h, messageBox, replace, showRequestError, uid} from "../dom.js";
import {stagePanel} from "./panel.js";
import {documentCounts, folderTree} from "./tree.js";

const PAGE = 5000;

function patterns(text) {
  return text.split(/[\n,]/).map((p) => p.trim()).filter(Boolean);
}

export function createStage1(ctx) {
  const {courseId, course} = ctx;
  const panel = stagePanel({number: 1, title: "Repository", courseId,
    intro: "Clone a Git repository and scan its files. Then choose the folders whose documents the course "
      + "should teach from.",
    onRetried: (r) => ctx.started("stage1", r), onCancelled: () => ctx.refreshStatus("stage1")});

  const url = h("input", {type: "text", inputmode: "url", autocomplete: "url", required: true,
    value: course.repo_url || "", placeholder: "git@github.com:owner/project.git",
    dataset: {testid: "repo-url"}, spellcheck: "false"});
  const ref = h("input", {type: "text", dataset: {testid: "repo-ref"}, spellcheck: "false",
    placeholder: "main, v2.1.0 or a commit"});
  const include = h("textarea", {rows: "2", dataset: {testid: "repo-include"}, spellcheck: "false",
    placeholder: "docs/**"});
  const exclude = h("textarea", {rows: "2", dataset: {testid: "repo-exclude"}, spellcheck: "false",
    placeholder: "docs/legacy/**"});
  const token = h("input", {type: "password", autocomplete: "off", dataset: {testid: "repo-token"}});
  const start = h("button", {type: "submit", dataset: {testid: "start-stage1"}}, "Clone and scan");
  const urlField = field("Repository URL", url, "An https:// or ssh:// Git URL (or git@host:path).");
  panel.fields.repo_url = urlField;
  panel.fields.ref = field("Branch, tag or commit (optional)", ref, "Leave empty for the default branch.");
  panel.fields.include = field("Only include (optional)", include, "Glob patterns, one per line or comma-separated.");
  panel.fields.exclude = field("Exclude (optional)", exclude, "Glob patterns, one per line or comma-separated.");
  panel.fields.token = field("Access token (private repositories only)", token,
    "Sent to git as an HTTP header, kept briefly and never shown again.");
  // novalidate: the page's own messages, next to the field, instead of the browser's bubble.
  const form = h("form", {className: "stage-form", "aria-label": "Repository to scan", novalidate: true},
    urlField.wrapper,
    h("details", {className: "more-options"}, h("summary", {}, "Branch, tag, folders, private repository"),
      ["ref", "include", "exclude", "token"].map((name) => panel.fields[name].wrapper)),
    h("div", {className: "actions"}, start));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    panel.clearError();
    if (!url.value.trim()) {
      urlField.invalid("Enter the repository's URL first.");
      url.focus();
      return;
    }
    const body = {repo_url: url.value.trim(), include: patterns(include.value), exclude: patterns(exclude.value)};
    if (ref.value.trim()) body.ref = ref.value.trim();
    if (token.value.trim()) body.token = token.value.trim();
    busy(start, async () => {
      const result = await api.post(paths.action(courseId, "analyze-repository"), body);
      token.value = "";
      ctx.started("stage1", result);
    }, panel.requestError);
  });

  const selectionArea = h("div", {className: "selection", dataset: {testid: "stage1-selection"}});
  panel.body.append(form, selectionArea);

  let hasSelection = false;

  async function load() {
    const status = panel.status;
    if (status?.status !== "SUCCESS") {
      hasSelection = false;
      replace(selectionArea);
      return;
    }
    replace(selectionArea, h("p", {className: "loading"}, "Loading the repository's files…"));
    try {
      const data = await api.get(`${paths.action(courseId, "repository-files")}?limit=${PAGE}`);
      renderSelection(data);
    } catch (err) {
      replace(selectionArea);
      panel.requestError(err);
    }
  }

  function renderSelection(data) {
    const complete = data.files.length >= data.total_files;
    const docs = data.files.filter((f) => f.is_documentation).length;
    const size = data.files.reduce((sum, f) => sum + (f.size || 0), 0);
    // What focus lands on when the scan ends: it says what was found, the folders follow.
    const summary = h("p", {tabindex: "-1", dataset: {testid: "scan-summary", focusAfterRun: ""}},
      `${data.repo_name || "The repository"}${data.commit_sha ? ` at ${data.commit_sha.slice(0, 12)}` : ""}: `
      + `${data.total_files} files, ${complete ? docs : `${docs}+`} documentation files`
      + `${complete ? ` (${formatBytes(size)})` : ""}.`);
    if (!data.folders) {
      replace(selectionArea, summary, h("p", {}, "The scan found no files to choose from."));
      return;
    }
    const navigation = navigationNote(panel.status?.navigation_sources, data.files, complete);
    const saved = data.selection;
    hasSelection = Boolean(saved);
    const tree = folderTree(data.folders, complete ? documentCounts(data.files) : null,
      saved?.selected_folders || [], data.repo_name);
    const overview = h("select", {dataset: {testid: "overview-select"}},
      h("option", {value: ""}, "No overview document"),
      data.overview_candidates.map((path) => h("option", {value: path}, path)));
    overview.value = saved ? saved.overview_document || "" : data.overview_candidates[0] || "";
    const overviewField = field("Overview document", overview, "Read first, to introduce the project.");
    const save = h("button", {type: "submit", dataset: {testid: "save-selection"}}, "Save selection");
    const message = messageBox("selection-saved", "success");
    const error = messageBox("selection-error");
    const folders = folderGroup(tree, "A checked folder includes all of its subfolders."
      + (complete ? " Only folders that hold documentation are listed." : ""), error);
    const fields = {selected_folders: folders, overview_document: overviewField};
    if (saved) message.show(savedText(saved));
    const changed = () => { message.clear(); error.clear(); folders.valid(); };
    tree.onChange(changed);
    overview.addEventListener("change", () => { message.clear(); error.clear(); overviewField.valid(); });
    const form = h("form", {className: "selection-form", "aria-label": "Folders and overview"},
      folders.el, overviewField.wrapper,
      h("div", {className: "actions"}, save), error.el, message.el);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      panel.clearError();
      error.clear();
      folders.valid();
      overviewField.valid();
      const chosen = tree.selectedFolders();
      if (!chosen.length) {
        folders.invalid("Choose at least one folder before saving.");
        return;
      }
      busy(save, async () => {
        const result = await api.post(paths.action(courseId, "stage1-selections"),
          {selected_folders: chosen, overview_document: overview.value || null});
        message.show(savedText(result.selection || {selected_folders: chosen, overview_document: overview.value}));
        hasSelection = true;
        announce("Selection saved.");
        ctx.selectionSaved();
        message.focus();  // the button was disabled while saving: focus must not fall to the page
      }, (err) => showRequestError(err, fields, error));
    });
    replace(selectionArea, summary, navigation, form);
  }

  return {panel, load, get hasSelection() { return hasSelection; }};
}

/** Which navigation gave the reading order, and how many documents it leaves out, so an author
 * can see what the engine assumed; nothing while the server cannot tell (sources null). */
function navigationNote(sources, files, complete) {
  if (sources === null) return null;  // the event log could not say just now: no claim either way
  if (!sources?.length) {
    return h("p", {dataset: {testid: "navigation-source"}},
      "No navigation file was found: the reading order is inferred from the documents.");
  }
  const unlisted = files.filter((f) => f.is_documentation && f.navigation_index === null).length;
  const rest = complete && unlisted ? ` It does not list ${unlisted} documentation file${unlisted === 1 ? "" : "s"}.` : "";
  return h("p", {dataset: {testid: "navigation-source"}}, `Reading order from ${sources.join(", ")}.${rest}`);
}

/**
 * The folder tree as one form field. Its message is `message`, the box beside the Save button
 * (where the user looks after pressing it); invalid() marks the group and describes it by the box.
 */
function folderGroup(tree, hint, message) {
  const hintNode = h("p", {className: "hint", id: uid("folders-hint")}, hint);
  message.el.id = uid("folders-error");
  const el = h("fieldset", {"aria-describedby": hintNode.id, dataset: {testid: "folder-group"}},
    h("legend", {}, "Folders to teach from"), hintNode, tree.el);
  return {
    el,
    control: el.querySelector("input[type=checkbox]") || el,
    invalid(text) {
      message.show(text);
      el.setAttribute("aria-invalid", "true");
      el.setAttribute("aria-describedby", `${message.el.id} ${hintNode.id}`);
    },
    valid() {
      el.removeAttribute("aria-invalid");
      el.setAttribute("aria-describedby", hintNode.id);
    },
  };
}

function savedText(selection) {
  const folders = (selection.selected_folders || []).map((f) => (f === "." ? "everything" : f)).join(", ");
  const overview = selection.overview_document ? `; overview: ${selection.overview_document}` : "";
  return `Saved selection: ${folders}${overview}. You can now analyse the documents (stage 2).`;
}
