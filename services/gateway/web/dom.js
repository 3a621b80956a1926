// Building DOM nodes safely: text always goes through text nodes, never through HTML parsing.
// h("button", {type: "button", dataset: {testid: "x"}, onclick: fn}, "Label", childNode, ...)

const BOOLEAN_ATTRIBUTES = new Set(["hidden", "disabled", "checked", "selected", "required", "open",
  "readonly", "multiple"]);
const URL_ATTRIBUTES = new Set(["href", "src", "action", "formaction"]);
let counter = 0;

export function h(tag, attributes = {}, ...children) {
  const element = document.createElement(tag);
  for (const [name, value] of Object.entries(attributes || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "dataset") {
      for (const [key, v] of Object.entries(value)) element.dataset[key] = String(v);
    } else if (name.startsWith("on") && typeof value === "function") {
      element.addEventListener(name.slice(2), value);
    } else if (name === "className") {
      element.className = value;
    } else if (name === "value") {
      element.value = value;
    } else if (BOOLEAN_ATTRIBUTES.has(name)) {
      element[name] = Boolean(value);
      if (value) element.setAttribute(name, "");
    } else if (URL_ATTRIBUTES.has(name)) {
      element.setAttribute(name, safeUrl(String(value)) ?? "#");
    } else if (!name.startsWith("on")) {
      element.setAttribute(name, value === true ? "" : String(value));
    }
  }
  append(element, children);
  return element;
}

export function append(parent, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    parent.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return parent;
}

export function clear(element) {
  element.replaceChildren();
  return element;
}

export function replace(element, ...children) {
  element.replaceChildren();
  return append(element, children);
}

/** A unique id for pairing a label with its control. */
export function uid(prefix = "id") {
  counter += 1;
  return `${prefix}-${counter}`;
}

/** A labelled form field: returns {wrapper, control}. */
export function field(label, control, hint) {
  control.id = control.id || uid("field");
  const hintNode = hint ? h("p", {className: "hint", id: `${control.id}-hint`}, hint) : null;
  if (hintNode) control.setAttribute("aria-describedby", hintNode.id);
  const wrapper = h("div", {className: "field"}, h("label", {for: control.id}, label), control, hintNode);
  return {wrapper, control};
}

/** http(s), mailto and same-site relative URLs; null for anything else (javascript:, data:, …). */
export function safeUrl(value) {
  const text = String(value).trim();
  if (text === "" || /[\u0000-\u001f]/.test(text)) return null;
  if (text.startsWith("#") || text.startsWith("blob:")) return text;
  if (text.startsWith("//")) return null;
  const scheme = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(text);
  if (!scheme) return text;  // relative
  return ["http", "https", "mailto"].includes(scheme[1].toLowerCase()) ? text : null;
}

/** Say something to screen-reader users without moving focus. */
export function announce(message) {
  const region = document.getElementById("announcer");
  if (!region) return;
  region.textContent = "";
  setTimeout(() => { region.textContent = message; }, 50);
}

export function formatDate(value) {
  if (!value) return "";
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? String(value) : date.toLocaleString();
}

export function formatBytes(bytes) {
  if (typeof bytes !== "number") return "";
  const units = ["bytes", "KB", "MB", "GB"];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) { value /= 1024; unit += 1; }
  return `${unit === 0 ? value : value.toFixed(1)} ${units[unit]}`;
}

/** A message box; hidden while empty. role=alert for errors so they are read out at once. */
export function messageBox(testid, kind = "error") {
  const box = h("div", {className: `message ${kind}`, dataset: {testid}, hidden: true,
    role: kind === "error" ? "alert" : "status"});
  return {
    el: box,
    show(text, source) {
      box.textContent = text;
      box.hidden = !text;
      if (source) box.dataset.errorSource = source; else delete box.dataset.errorSource;
    },
    clear() { box.textContent = ""; box.hidden = true; delete box.dataset.errorSource; },
    get text() { return box.hidden ? "" : box.textContent; },
  };
}

/** Run `action` while `button` shows it is busy; errors go to `onError`. */
export async function busy(button, action, onError) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } catch (error) {
    if (onError) onError(error); else throw error;
    return undefined;
  } finally {
    button.disabled = false;
    button.removeAttribute("aria-busy");
  }
}
