// Stage 4: write the modules of the chosen pathway; then the way into the reader (a page per module at
// its own address, views/reader.js), the list of modules, each a link into it, and the export's download.

import {api, paths} from "../api.js";
import {busy, formatBytes, formatDate, h, replace} from "../dom.js";
import {exportChooser} from "./export_choice.js";
import {ledgerChanges, ledgerSummary, moduleLedger} from "./ledger.js";
import {stagePanel} from "./panel.js";
import {readerHref} from "./reader_routes.js";

export function createStage4(ctx) {
  const {courseId} = ctx;
  const panel = stagePanel({number: 4, title: "Course", courseId,
    intro: "Write every module of the chosen pathway: explanations, code examples and questions.",
    onRetried: (r) => ctx.started("stage4", r), onCancelled: () => ctx.refreshStatus("stage4")});

  const start = h("button", {type: "submit", dataset: {testid: "start-stage4"}}, "Write the course");
  const prereq = h("p", {className: "prereq", dataset: {testid: "stage4-prereq"}, hidden: true});
  const form = h("form", {className: "stage-form", "aria-label": "Course generation"},
    prereq, h("div", {className: "actions"}, start));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    panel.clearError();
    busy(start, async () => {
      const result = await api.post(paths.action(courseId, "generate-course"));
      ctx.started("stage4", result);
    }, panel.requestError);
  });
  const results = h("div", {className: "results", dataset: {testid: "stage4-results"}});
  panel.body.append(form, results);

  function downloadButton(generated) {
    const formats = generated.export.formats
      || [{format: "zip", label: "Markdown and static site (zip)", suffix: ".zip", bytes: generated.export.bytes,
           url: generated.export.url || paths.action(courseId, "export")}];
    return exportChooser({formats, stem: generated.title || ctx.course.title, testid: "download-export",
      onStart: () => panel.clearError(), onError: panel.requestError,
      buttonText: (entry) => entry.format === "zip"
        ? `Download the course (zip${entry.bytes ? `, ${formatBytes(entry.bytes)}` : ""})`
        : `Download the course (${entry.label}${entry.bytes ? `, ${formatBytes(entry.bytes)}` : ""})`});
  }

  function readerEntry(generated) {
    const modules = generated.modules || [];
    const count = generated.module_count ?? modules.length;
    return [
      h("div", {className: "actions reader-entry"},
        h("a", {href: readerHref(courseId), className: "button-link", dataset: {testid: "open-reader"}},
          "Read the course"),
        h("p", {className: "hint"}, "A page per module, search, the quiz with your score, and your progress remembered.")),
      modules.length ? h("details", {className: "module-list", dataset: {testid: "module-list"}},
        h("summary", {}, `The ${count} module${count === 1 ? "" : "s"}`),
        h("ol", {}, modules.map((module) => h("li", {},
          h("a", {href: readerHref(courseId, module.position), dataset: {testid: "module-link", position: module.position}},
            module.content?.title || module.title),
          moduleLedger(generated.ledger, module.module_id))))) : null,
    ];
  }

  async function load() {
    if (panel.status?.status !== "SUCCESS") {
      replace(results);
      return;
    }
    try {
      const generated = await api.get(paths.action(courseId, "generated-course"));
      replace(results,
        h("div", {className: "course-summary"},
          h("p", {dataset: {testid: "generated-summary"}},
            `${generated.module_count ?? generated.modules.length} modules from the pathway `
            + `“${generated.pathway_title || "chosen"}”, written ${formatDate(generated.generated_at)}.`),
          ledgerSummary(generated.ledger),
          ledgerChanges(generated.ledger),
          readerEntry(generated),
          generated.export
            ? h("div", {className: "actions"}, downloadButton(generated),
              h("p", {className: "hint"}, "The zip holds Markdown files and a static HTML site; SCORM and "
                + "Common Cartridge packages import into an LMS; one HTML file, PDF and EPUB are for reading offline."))
            : h("p", {className: "hint"}, "The download is not ready yet.")));
    } catch (err) {
      panel.requestError(err);
    }
  }

  function setPrerequisite(text) {
    prereq.textContent = text || "";
    prereq.hidden = !text;
  }

  return {panel, load, setPrerequisite};
}
