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
  const counts = (ledger?.modules || []).find((m) => m.module_id === moduleId);
  if (!counts) return null;
  return h("span", {className: "ledger-counts", dataset: {testid: "module-ledger"}}, ` — ${countsText(counts)}`);
}

// What the check replaced or removed, module by module: beside the list, not inside it, so its
// summary is visible whether the list is open or not.
export function ledgerChanges(ledger) {
  const changed = (ledger?.claims || []).filter((c) => c.action !== "kept");
  if (!changed.length) return null;
  const titles = new Map((ledger.modules || []).map((m) => [m.module_id, `Module ${m.position}: ${m.title}`]));
  return h("details", {className: "ledger-claims", dataset: {testid: "ledger-changes"}},
    h("summary", {}, `What the check changed (${changed.length})`),
    h("ul", {}, changed.map((claim) => h("li", {dataset: {testid: "ledger-claim"}},
      h("span", {}, `${titles.get(claim.module_id) || ""} — `
        + `${claim.status === "uncited" ? "uncited" : "not supported by " + claim.cited}: “${claim.text}” — `),
      claim.action === "replaced"
        ? h("span", {}, `replaced by “${claim.replacement}” (${claim.replacement_cited})`)
        : h("span", {}, "removed")))));
}
