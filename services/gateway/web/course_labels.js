// A course's own labels (Introduction, Summary, Check your answer, …) in its language, from the one
// table the exports use too (shared/course_labels.py), served by the gateway at /api/labels.

import {api} from "./api.js";

let table = null;

/** The whole table ({languages, default, names, labels}), loaded once. */
export function labelTable() {
  table = table || api.get("/api/labels", {auth: false});
  return table;
}

/** `t(key, values)`: the label `key` in `language` (English where the table has not the language),
 * `{name}` replaced by `values.name`. */
export async function courseLabels(language) {
  let loaded;
  try {
    loaded = await labelTable();
  } catch {
    table = null;
    loaded = null;
  }
  const base = (language || "").toLowerCase().split("-")[0];
  const chosen = loaded && loaded.languages.includes(base) ? base : loaded?.default;
  return (key, values = {}) => {
    const text = loaded?.labels[key]?.[chosen] ?? key;
    return text.replace(/\{(\w+)\}/g, (whole, name) => (name in values ? String(values[name]) : whole));
  };
}

/** Before the table is loaded: the keys themselves (a reader always loads it first). */
export const untranslated = (key) => key;
