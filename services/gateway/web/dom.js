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

/**
 * A labelled form field: returns {wrapper, control, invalid(text), valid()}. invalid() shows the
 * message right under the control, marks it aria-invalid and makes the message its description;
 * editing the control takes the mark away.
 */
export function field(label, control, hint, {errorTestid} = {}) {
  control.id = control.id || uid("field");
  errorTestid = errorTestid || (control.dataset.testid ? `${control.dataset.testid}-error` : "field-error");
  const hintNode = hint ? h("p", {className: "hint", id: `${control.id}-hint`}, hint) : null;
  const message = h("p", {className: "field-error", id: `${control.id}-error`, hidden: true,
    dataset: {testid: errorTestid}});
  const describe = (ids) => {
    if (ids.length) control.setAttribute("aria-describedby", ids.join(" "));
    else control.removeAttribute("aria-describedby");
  };
  describe(hintNode ? [hintNode.id] : []);
  const wrapper = h("div", {className: "field"}, h("label", {for: control.id}, label), control, message, hintNode);
  const result = {
    wrapper,
    control,
    invalid(text) {
      message.textContent = text;
      message.hidden = false;
      control.setAttribute("aria-invalid", "true");
      describe([message.id, ...(hintNode ? [hintNode.id] : [])]);
    },
    valid() {
      message.textContent = "";
      message.hidden = true;
      control.removeAttribute("aria-invalid");
      describe(hintNode ? [hintNode.id] : []);
    },
  };
  control.addEventListener("input", () => { if (!message.hidden) result.valid(); });
  return result;
}

/**
 * A failed request shown where it belongs: each field's message beside its field (`fields` maps
 * API field names to field() results), anything else in `box`. Focus goes to the first invalid field.
 */
export function showRequestError(error, fields, box) {
  if (error?.status === 401) return;  // the page has gone back to sign-in
  const matched = Object.entries(error?.fields || {}).filter(([name]) => fields[name]);
  for (const [name, text] of matched) fields[name].invalid(text);
  if (matched.length) {
    const first = fields[matched[0][0]].control;
    first.closest("details")?.setAttribute("open", "");
    first.focus();
    if (matched.length === Object.keys(error.fields).length) return;
  }
  box.show(error?.message || String(error));
}

/**
 * A button that cannot be used yet: disabled, with the reason as its title and description
 * (`reasonNode`, shown next to it). An empty reason enables it again.
 */
export function blockButton(button, reason, reasonNode) {
  if (reason) {
    button.dataset.blockedReason = reason;
    button.title = reason;
    if (reasonNode?.id) button.setAttribute("aria-describedby", reasonNode.id);
  } else {
    delete button.dataset.blockedReason;
    button.removeAttribute("title");
    button.removeAttribute("aria-describedby");
  }
  if (button.getAttribute("aria-busy") !== "true") button.disabled = Boolean(reason);
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

/** A day ("2025-06-02", as the API writes dates) in the reader's words, the same day in every time zone. */
export function formatDay(value) {
  if (!value) return "";
  const date = new Date(`${String(value).slice(0, 10)}T00:00:00Z`);
  return Number.isNaN(date.getTime()) ? String(value)
    : date.toLocaleDateString(undefined, {timeZone: "UTC", year: "numeric", month: "short", day: "numeric"});
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
    /** Move focus to the message (it is not a control, so only programmatically focusable). */
    focus() { box.tabIndex = -1; box.focus(); },
  };
}

/**
 * Run `action` while `button` shows it is busy; errors go to `onError`, knowing the button
 * (error.control) so they can be shown beside it. A blocked button (blockButton) stays disabled.
 */
export async function busy(button, action, onError) {
  button.disabled = true;
  button.setAttribute("aria-busy", "true");
  try {
    return await action();
  } catch (error) {
    if (error && typeof error === "object" && !error.control) error.control = button;
    if (onError) onError(error); else throw error;
    return undefined;
  } finally {
    button.removeAttribute("aria-busy");
    button.disabled = Boolean(button.dataset.blockedReason);
  }
}
