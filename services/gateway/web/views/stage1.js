// Stage 1: the repository to clone and scan, then the folders to teach from and the overview.

import {api, paths} from "../api.js";
import {announce, busy, field, formatBytes, h, messageBox, replace} from "../dom.js";
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
  const form = h("form", {className: "stage-form", "aria-label": "Repository to scan"},
    field("Repository URL", url, "An https:// or ssh:// Git URL (or git@host:path).").wrapper,
    h("details", {className: "more-options"}, h("summary", {}, "Branch, tag, folders, private repository"),
      field("Branch, tag or commit (optional)", ref, "Leave empty for the default branch.").wrapper,
      field("Only include (optional)", include, "Glob patterns, one per line or comma-separated.").wrapper,
      field("Exclude (optional)", exclude, "Glob patterns, one per line or comma-separated.").wrapper,
      field("Access token (private repositories only)", token,
        "Sent to git as an HTTP header, kept briefly and never shown again.").wrapper),
    h("div", {className: "actions"}, start));

  form.addEventListener("submit", (event) => {
    event.preventDefault();
    panel.clearError();
    if (!url.value.trim()) {
      panel.showError("Enter the repository's URL first.");
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

  async function load() {
    const status = panel.status;
    if (status?.status !== "SUCCESS") {
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
    const summary = h("p", {dataset: {testid: "scan-summary"}},
      `${data.repo_name || "The repository"}${data.commit_sha ? ` at ${data.commit_sha.slice(0, 12)}` : ""}: `
      + `${data.total_files} files, ${complete ? docs : `${docs}+`} documentation files`
      + `${complete ? ` (${formatBytes(size)})` : ""}.`);
    if (!data.folders) {
      replace(selectionArea, summary, h("p", {}, "The scan found no files to choose from."));
      return;
    }
    const saved = data.selection;
    const tree = folderTree(data.folders, complete ? documentCounts(data.files) : null,
      saved?.selected_folders || [], data.repo_name);
    const overview = h("select", {dataset: {testid: "overview-select"}},
      h("option", {value: ""}, "No overview document"),
      data.overview_candidates.map((path) => h("option", {value: path}, path)));
    overview.value = saved ? saved.overview_document || "" : data.overview_candidates[0] || "";
    const save = h("button", {type: "submit", dataset: {testid: "save-selection"}}, "Save selection");
    const message = messageBox("selection-saved", "success");
    if (saved) message.show(savedText(saved));
    tree.onChange(() => message.clear());
    overview.addEventListener("change", () => message.clear());
    const form = h("form", {className: "selection-form", "aria-label": "Folders and overview"},
      h("fieldset", {},
        h("legend", {}, "Folders to teach from"),
        h("p", {className: "hint"}, "A checked folder includes all of its subfolders."
          + (complete ? " Only folders that hold documentation are listed." : "")),
        tree.el),
      field("Overview document", overview, "Read first, to introduce the project.").wrapper,
      h("div", {className: "actions"}, save), message.el);
    form.addEventListener("submit", (event) => {
      event.preventDefault();
      panel.clearError();
      const folders = tree.selectedFolders();
      if (!folders.length) {
        panel.showError("Choose at least one folder before saving.");
        return;
      }
      busy(save, async () => {
        const result = await api.post(paths.action(courseId, "stage1-selections"),
          {selected_folders: folders, overview_document: overview.value || null});
        message.show(savedText(result.selection || {selected_folders: folders, overview_document: overview.value}));
        announce("Selection saved.");
        ctx.selectionSaved();
      }, panel.requestError);
    });
    replace(selectionArea, summary, form);
  }

  return {panel, load};
}

function savedText(selection) {
  const folders = (selection.selected_folders || []).map((f) => (f === "." ? "everything" : f)).join(", ");
  const overview = selection.overview_document ? `; overview: ${selection.overview_document}` : "";
  return `Saved selection: ${folders}${overview}. You can now analyse the documents (stage 2).`;
}
