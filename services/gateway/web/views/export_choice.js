// The export's format chooser: a labelled select of the formats a course (or a version) exports to
// (shared/export_formats.py, as the API lists them) and the button that downloads the chosen one.

import {download, fileName} from "../api.js";
import {announce, busy, formatBytes, h} from "../dom.js";

let chooserCount = 0;

/** `formats`: [{format, label, url?, bytes?, suffix, problem?}]; `stem`: the file name's stem;
 *  `testid`, `buttonText(entry)`: the button's test id and its words for a chosen entry. */
export function exportChooser({formats, stem, testid, buttonText, onError, dataset = {}}) {
  const id = `export-format-${++chooserCount}`;
  const usable = formats.filter((entry) => entry.url);
  const select = h("select", {id, dataset: {testid: `${testid}-format`, ...dataset}},
    formats.map((entry) => h("option", {value: entry.format, disabled: !entry.url, title: entry.problem || ""},
      entry.url ? `${entry.label}${entry.bytes ? ` (${formatBytes(entry.bytes)})` : ""}`
        : `${entry.label}: not available`)));
  const chosen = () => usable.find((entry) => entry.format === select.value) || usable[0];
  const button = h("button", {type: "button", dataset: {testid, ...dataset}}, buttonText(chosen()));
  select.addEventListener("change", () => { button.textContent = buttonText(chosen()); });
  button.addEventListener("click", () => busy(button, async () => {
    const entry = chosen();
    await download(entry.url, fileName(stem, entry.suffix.replace(/^\./, "")));
    announce("Download started.");
  }, onError));
  return h("span", {className: "export-choice"},
    h("label", {for: id}, "Format "), select, " ", button);
}
