// The export's format chooser: a labelled select of the formats a course (or a version) exports to
// (shared/export_formats.py, as the API lists them) and the button that downloads the chosen one.

import {download, fileName} from "../api.js";
import {announce, busy, formatBytes, h} from "../dom.js";

let chooserCount = 0;

/** `formats`: [{format, label, url?, bytes?, suffix, problem?, mastery_default?}] (a SCORM format
 *  has a mastery score: the chooser offers to change it); `stem`: the file name's stem;
 *  `testid`, `buttonText(entry)`: the button's test id and its words for a chosen entry; `onStart`
 *  runs before each download (to clear an earlier error), `onError` with its error. */
export function exportChooser({formats, stem, testid, buttonText, onError, onStart = () => {}, dataset = {},
  className = ""}) {
  const id = `export-format-${++chooserCount}`;
  const usable = formats.filter((entry) => entry.url);
  const select = h("select", {id, dataset: {testid: `${testid}-format`, ...dataset}},
    formats.map((entry) => h("option", {value: entry.format, disabled: !entry.url, title: entry.problem || ""},
      entry.url ? `${entry.label}${entry.bytes ? ` (${formatBytes(entry.bytes)})` : ""}`
        : `${entry.label}: not available`)));
  const chosen = () => usable.find((entry) => entry.format === select.value) || usable[0];
  const button = h("button", {type: "button", className, dataset: {testid, ...dataset}}, buttonText(chosen()));
  // A SCORM package's mastery score: the share of right answers a learner needs to pass.
  const mastery = h("input", {id: `${id}-mastery`, type: "number", min: "0", max: "100", step: "1",
    value: "", dataset: {testid: `${testid}-mastery`, ...dataset}});
  const masteryField = h("span", {className: "mastery", hidden: true},
    h("label", {for: `${id}-mastery`}, "Mastery score (%) "), mastery);
  select.addEventListener("change", () => {
    button.textContent = buttonText(chosen());
    const entry = chosen();
    masteryField.hidden = entry.mastery_default === undefined;
    if (!masteryField.hidden && mastery.value === "") mastery.value = String(entry.mastery_default);
  });
  button.addEventListener("click", () => busy(button, async () => {
    onStart();
    const entry = chosen();
    let url = entry.url;
    if (entry.mastery_default !== undefined && mastery.value !== String(entry.mastery_default)) {
      if (!mastery.checkValidity() || mastery.value === "") throw new Error("The mastery score is a whole number from 0 to 100.");
      url += `${url.includes("?") ? "&" : "?"}mastery=${Number(mastery.value)}`;
    }
    await download(url, fileName(stem, entry.suffix.replace(/^\./, "")));
    announce("Download started.");
  }, onError));
  return h("span", {className: "export-choice"},
    h("label", {for: id}, "Format "), select, " ", masteryField, " ", button);
}
