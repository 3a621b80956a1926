// Stage 2: the audience and wishes, then every analysed document as a browsable table.

import {api, paths} from "../api.js";
import {busy, field, h, replace} from "../dom.js";
import {stagePanel} from "./panel.js";

const PAGE = 50;
const LEVELS = [["beginner", "Beginner"], ["intermediate", "Intermediate"], ["advanced", "Advanced"]];

function list(items) {
  const values = (items || []).filter((x) => x !== null && x !== undefined && x !== "");
  return values.length ? h("ul", {}, values.map((v) => h("li", {}, typeof v === "string" ? v : v.path || v.title || JSON.stringify(v)))) : null;
}

function detailRow(label, content) {
  return content ? [h("dt", {}, label), h("dd", {}, content)] : [];
}

function documentRow(doc) {
  const details = h("details", {},
    h("summary", {}, h("span", {className: "visually-hidden"}, `Details of ${doc.title || doc.file_path}: `), "More"),
    h("dl", {className: "doc-details"},
      detailRow("Summary", doc.summary || null),
      detailRow("Learning objectives", list(doc.learning_objectives)),
      detailRow("Prerequisites", list([...(doc.prerequisites || []), ...(doc.prerequisite_concepts || [])])),
      detailRow("Related documents", list(doc.related_documents)),
      detailRow("Words", doc.word_count ? String(doc.word_count) : null),
      detailRow("From cache", doc.cached ? "yes (unchanged since an earlier analysis)" : null)));
  return h("tr", {dataset: {testid: "analysed-row", path: doc.file_path}},
    h("th", {scope: "row"}, h("span", {className: "doc-title"}, doc.title || doc.file_path),
      h("span", {className: "path"}, doc.file_path)),
    h("td", {}, doc.doc_type || ""),
    h("td", {}, doc.complexity_level || ""),
    h("td", {className: "number"}, doc.reading_minutes ?? ""),
    h("td", {}, (doc.key_concepts || []).slice(0, 6).join(", ")),
    h("td", {}, details));
}

export function createStage2(ctx) {
  const {courseId} = ctx;
  const panel = stagePanel({number: 2, title: "Documents", courseId,
    intro: "Analyse every selected document: its type, level, key concepts and learning objectives.",
    onRetried: (r) => ctx.started("stage2", r), onCancelled: () => ctx.refreshStatus("stage2")});

  const complexity = h("select", {dataset: {testid: "complexity"}},
    LEVELS.map(([value, label]) => h("option", {value}, label)));
  complexity.value = "intermediate";
  const info = h("textarea", {rows: "3", maxlength: "5000", dataset: {testid: "additional-info"}});
  const start = h("button", {type: "submit", dataset: {testid: "start-stage2"}}, "Analyse documents");
  const prereq = h("p", {className: "prereq", dataset: {testid: "stage2-prereq"}, hidden: true});
  const form = h("form", {className: "stage-form", "aria-label": "Document analysis"},
    (panel.fields.complexity_level = field("Audience level", complexity, "Who the course is for.")).wrapper,
    (panel.fields.additional_info = field("Anything else to consider (optional)", info,
      "For example: “the readers already know Python”, “focus on deployment”.")).wrapper,
    prereq, h("div", {className: "actions"}, start));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    panel.clearError();
    busy(start, async () => {
      const result = await api.post(paths.action(courseId, "analyze-documents"),
        {complexity_level: complexity.value, additional_info: info.value.trim()});
      ctx.started("stage2", result);
    }, panel.requestError);
  });
  const results = h("div", {className: "results", dataset: {testid: "stage2-results"}});
  panel.body.append(form, results);

  async function load() {
    const status = panel.status;
    if (status?.inputs) {
      complexity.value = status.inputs.complexity_level || complexity.value;
      if (!info.value) info.value = status.inputs.additional_info || "";
    }
    if (status?.status !== "SUCCESS") {
      replace(results);
      return;
    }
    const result = status.result;
    const summary = result ? h("p", {dataset: {testid: "stage2-summary"}},
      `${result.document_count} documents analysed`
      + (result.cache_hits ? `, ${result.cache_hits} from the cache` : "")
      + (result.skipped?.length ? `; ${result.skipped.length} skipped.` : ".")) : null;
    const skipped = result?.skipped?.length
      ? h("details", {dataset: {testid: "stage2-skipped"}}, h("summary", {}, "Skipped documents"),
        list(result.skipped.map((s) => (typeof s === "string" ? s : `${s.path || ""}${s.reason ? ` — ${s.reason}` : ""}`))))
      : null;
    const body = h("tbody");
    const table = h("table", {dataset: {testid: "analysed-table"}},
      h("caption", {}, "Analysed documents"),
      h("thead", {}, h("tr", {}, ["Document", "Type", "Level", "Minutes", "Key concepts", "Details"]
        .map((c) => h("th", {scope: "col"}, c)))),
      body);
    const more = h("button", {type: "button", className: "secondary", hidden: true,
      dataset: {testid: "more-documents"}}, "Show more documents");
    const count = h("p", {className: "hint", "aria-live": "polite", dataset: {testid: "analysed-count"}});
    let offset = 0;
    async function page() {
      const data = await api.get(`${paths.action(courseId, "analyzed-documents")}?limit=${PAGE}&offset=${offset}`);
      body.append(...data.documents.map(documentRow));
      offset += data.documents.length;
      count.textContent = `Showing ${offset} of ${data.total} documents.`;
      more.hidden = offset >= data.total || data.documents.length === 0;
    }
    more.addEventListener("click", () => busy(more, page, panel.requestError));
    replace(results, summary, skipped, h("div", {className: "table-scroll", tabindex: "0"}, table), count, more);
    try { await page(); } catch (err) { panel.requestError(err); }
  }

  function setPrerequisite(text) {
    prereq.textContent = text || "";
    prereq.hidden = !text;
  }

  return {panel, load, setPrerequisite};
}
