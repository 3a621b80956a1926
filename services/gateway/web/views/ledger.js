// The claim ledger of a written course (GET …/generated-course `ledger`): how many of the claims the
// writer made its sources support, and what was replaced by a source's own sentence or removed, beside
// each module, so an author sees what the check changed before a learner reads it.

import {h} from "../dom.js";

function countsText(counts) {
  if (!counts.checked) return "no claims to check";
  const changed = [];
  if (counts.replaced) changed.push(`${counts.replaced} replaced by the source's sentence`);
  if (counts.removed) changed.push(`${counts.removed} removed`);
  return `${counts.supported} of ${counts.checked} claims supported by their sources`
    + (changed.length ? `; ${changed.join(", ")}` : "");
}

export function ledgerSummary(ledger) {
  if (!ledger) return null;
  return h("p", {className: "hint", dataset: {testid: "ledger-summary"}}, `Checked against the sources: ${countsText(ledger)}.`);
}

export function moduleLedger(ledger, moduleId) {
  if (!ledger) return null;
  const counts = (ledger.modules || []).find((m) => m.module_id === moduleId);
  if (!counts) return null;
  const changed = (ledger.claims || []).filter((c) => c.module_id === moduleId && c.action !== "kept");
  const summary = h("span", {className: "ledger-counts", dataset: {testid: "module-ledger"}}, ` — ${countsText(counts)}`);
  if (!changed.length) return summary;
  return h("span", {}, summary, h("details", {className: "ledger-claims"},
    h("summary", {}, `What the check changed (${changed.length})`),
    h("ul", {}, changed.map((claim) => h("li", {dataset: {testid: "ledger-claim"}},
      h("span", {}, `${claim.status === "uncited" ? "Uncited" : "Not supported by " + claim.cited}: “${claim.text}” — `),
      claim.action === "replaced"
        ? h("span", {}, `replaced by “${claim.replacement}” (${claim.replacement_cited})`)
        : h("span", {}, "removed"))))));
}
