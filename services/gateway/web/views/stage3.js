// Stage 3: learning pathways side by side, each with its modules; the user chooses one.

import {api, paths} from "../api.js";
import {announce, busy, field, h, replace} from "../dom.js";
import {stagePanel} from "./panel.js";

function minutes(value) {
  if (!value && value !== 0) return "";
  return value >= 90 ? `${Math.round(value / 6) / 10} hours` : `${value} min`;
}

function moduleItem(module) {
  const docs = module.documents || [];
  return h("li", {dataset: {testid: "pathway-module"}},
    h("span", {className: "module-title"}, module.title),
    h("span", {className: "meta"}, [minutes(module.estimated_minutes), module.complexity_level]
      .filter(Boolean).join(" · ")),
    module.description ? h("p", {className: "module-description"}, module.description) : null,
    docs.length ? h("details", {}, h("summary", {}, `${docs.length} document${docs.length === 1 ? "" : "s"}`),
      h("ul", {className: "documents"}, docs.map((d) => h("li", {dataset: {testid: "pathway-document", path: d.path}},
        d.title ? `${d.title} ` : "", h("span", {className: "path"}, d.path),
        d.prerequisites?.length ? h("span", {className: "meta"}, ` — needs ${d.prerequisites.join(", ")}`) : null,
        // Why the engine put it here, so an author can see and correct what it assumed.
        d.placement ? h("p", {className: "placement", dataset: {testid: "placement"}}, d.placement) : null))))
      : null);
}

export function createStage3(ctx) {
  const {courseId} = ctx;
  const panel = stagePanel({number: 3, title: "Pathways", courseId,
    intro: "Propose different routes through the material. Compare them and choose the one to write.",
    onRetried: (r) => ctx.started("stage3", r), onCancelled: () => ctx.refreshStatus("stage3")});

  const count = h("input", {type: "number", min: "1", max: "10", value: "3", inputmode: "numeric",
    dataset: {testid: "pathway-count"}});
  const info = h("textarea", {rows: "2", maxlength: "5000", dataset: {testid: "pathway-info"}});
  const start = h("button", {type: "submit", dataset: {testid: "start-stage3"}}, "Propose pathways");
  const prereq = h("p", {className: "prereq", dataset: {testid: "stage3-prereq"}, hidden: true});
  // novalidate: the page's own message next to the field, instead of the browser's bubble.
  const form = h("form", {className: "stage-form", "aria-label": "Pathway generation", novalidate: true},
    (panel.fields.pathway_count = field("How many pathways", count, "Between 1 and 10.")).wrapper,
    (panel.fields.additional_info = field("Wishes for the pathways (optional)", info,
      "For example: “one hands-on route”.")).wrapper,
    prereq, h("div", {className: "actions"}, start));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    panel.clearError();
    const n = Number(count.value);
    if (!Number.isInteger(n) || n < 1 || n > 10) {
      panel.fields.pathway_count.invalid("The number of pathways must be a whole number from 1 to 10.");
      count.focus();
      return;
    }
    busy(start, async () => {
      const result = await api.post(paths.action(courseId, "generate-pathways"),
        {pathway_count: n, additional_info: info.value.trim()});
      ctx.started("stage3", result);
    }, panel.requestError);
  });
  const results = h("div", {className: "results", dataset: {testid: "stage3-results"}});
  panel.body.append(form, results);
  let selectedId = null;

  function card(pathway) {
    const chosen = pathway.id === selectedId;
    const choose = h("button", {type: "button",
      className: chosen ? "chosen" : "", dataset: {testid: "choose-pathway", pathwayId: pathway.id}},
    chosen ? "Chosen ✓" : "Choose this pathway");
    choose.addEventListener("click", () => {
      panel.clearError();
      busy(choose, async () => {
        await api.post(paths.action(courseId, "stage3-selections"), {selected_pathway_id: pathway.id});
        selectedId = pathway.id;
        announce(`Pathway “${pathway.title}” chosen. You can now write the course (stage 4).`);
        await load();
        ctx.pathwayChosen();
      }, panel.requestError);
    });
    const headingId = `pathway-${pathway.id}`;
    const total = pathway.module_count ?? pathway.modules.length;
    const modules = h("ol", {className: "modules"}, pathway.modules.map(moduleItem));
    return h("article", {className: `pathway-card${chosen ? " chosen" : ""}`, "aria-labelledby": headingId,
      dataset: {testid: "pathway-card", pathwayId: pathway.id, chosen: String(chosen)}},
    h("h3", {id: headingId}, pathway.title),
    h("p", {className: "meta"}, [pathway.approach, pathway.complexity_level, minutes(pathway.estimated_minutes),
      `${total} modules`].filter(Boolean).join(" · ")),
    pathway.description ? h("p", {}, pathway.description) : null,
    modules, moreModules(pathway, modules, total),
    h("div", {className: "actions"}, choose));
  }

  // The answer holds a page of each pathway's modules (a large documentation has hundreds): the
  // rest of one pathway's come a page at a time, on request.
  function moreModules(pathway, list, total) {
    let shown = pathway.modules.length;
    if (shown >= total) return null;
    const more = h("button", {type: "button", dataset: {testid: "more-modules"}}, `Show more modules (${shown} of ${total})`);
    more.addEventListener("click", () => {
      panel.clearError();
      busy(more, async () => {
        const query = `pathway_id=${encodeURIComponent(pathway.id)}&offset=${shown}`;  // the server's page size
        const data = await api.get(`${paths.action(courseId, "pathways")}?${query}`);
        const page = data.pathways.find((p) => p.id === pathway.id)?.modules || [];
        list.append(...page.map(moduleItem));
        shown += page.length;
        if (shown >= total || !page.length) more.remove();
        else more.textContent = `Show more modules (${shown} of ${total})`;
      }, panel.requestError);
    });
    return more;
  }

  async function load() {
    if (panel.status?.status !== "SUCCESS") {
      replace(results);
      return;
    }
    try {
      const data = await api.get(paths.action(courseId, "pathways"));
      selectedId = data.selection?.selected_pathway_id || null;
      const chosen = data.pathways.find((p) => p.id === selectedId);
      replace(results,
        h("p", {dataset: {testid: "pathway-choice"}, "aria-live": "polite"}, chosen
          ? `Chosen: ${chosen.title}. Write the course in stage 4, or choose another pathway.`
          : "Choose one pathway to write as the course."),
        h("div", {className: "pathways", dataset: {testid: "pathways"}}, data.pathways.map(card)));
    } catch (err) {
      panel.requestError(err);
    }
  }

  function setPrerequisite(text) {
    prereq.textContent = text || "";
    prereq.hidden = !text;
  }

  return {panel, load, setPrerequisite, get selectedId() { return selectedId; }};
}
