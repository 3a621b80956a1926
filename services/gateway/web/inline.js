// Inline Markdown (code spans, emphasis, links, autolinks, line breaks) as DOM nodes.
// Untrusted text only ever becomes text nodes; a link is an <a> only for http(s) and mailto.

const ESCAPABLE = "\\`*_{}[]()#+-.!|<>~\"'$&%:;=?@^,/";
const BARE_URL = /https?:\/\/[^\s<>"]*[^\s<>".,:;!?'")\]]/iy;
const AUTOLINK = /<((?:https?:\/\/|mailto:)[^\s<>]+)>/iy;
const MAX_SPAN = 2000;  // how far a closing delimiter is looked for: keeps long paragraphs fast
// How many characters all the searches for closing delimiters of one text may read, per character of
// the text: unclosed delimiters by the thousand stay text instead of costing a search each.
const SCAN_PER_CHAR = 8;

/** `pattern` (sticky) matched at `index` of `text`, or null. */
function at(pattern, text, index) {
  pattern.lastIndex = index;
  return pattern.exec(text);
}

/** The href a link may have in rendered content, or null (shown as text instead). */
export function externalHref(url) {
  const text = String(url || "").trim();
  if (/[\u0000-\u001f\s]/.test(text)) return null;
  return /^(https?:\/\/[^/\s]|mailto:)/i.test(text) ? text : null;
}

function el(tag, className) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  return node;
}

function link(label, url, title) {
  const href = externalHref(url);
  if (href) {
    const a = el("a");
    a.href = href;
    a.rel = "noopener noreferrer nofollow";
    if (title) a.title = title;
    a.append(...label);
    return a;
  }
  // Relative links point into the repository, not this site: keep the words, name the target.
  // Any other scheme (javascript:, data:, …) keeps only the words.
  const relative = url && !/^[a-z][a-z0-9+.-]*:|^\/\//i.test(url.trim());
  const span = el("span", relative ? "doc-ref" : "");
  if (relative) {
    span.title = `In the repository: ${url}`;
    span.dataset.target = url.trim();  // the reader leads it to the module holding it (reader_links.js)
  }
  span.append(...label);
  return span;
}

/** Index of the `close` that balances the `open` at `start`, or -1. */
function balanced(text, start, open, close) {
  let depth = 0;
  const end = Math.min(text.length, start + MAX_SPAN);
  for (let i = start; i < end; i += 1) {
    if (text[i] === "\\") { i += 1; continue; }
    if (text[i] === open) depth += 1;
    else if (text[i] === close && (depth -= 1) === 0) return i;
  }
  return -1;
}

function isWordChar(ch) { return Boolean(ch) && /[\p{L}\p{N}]/u.test(ch); }

/** Parse `[label](target "title")` at `i`; returns {end, label, url, title} or null. */
function linkAt(text, i) {
  const closeLabel = balanced(text, i, "[", "]");
  if (closeLabel < 0 || text[closeLabel + 1] !== "(") return null;
  const closeTarget = balanced(text, closeLabel + 1, "(", ")");
  if (closeTarget < 0) return null;
  const target = text.slice(closeLabel + 2, closeTarget).trim();
  const parts = /^<?([^\s>]*)>?(?:\s+["'(](.*)["')])?$/s.exec(target);
  return {end: closeTarget + 1, label: text.slice(i + 1, closeLabel),
    url: parts ? parts[1] : target, title: parts ? parts[2] : ""};
}

const WHITESPACE = /\s/u;
const PUNCTUATION = /[\p{P}\p{S}]/u;

/** The run of `ch` starting at `i`: its length. */
function runLength(text, i, ch) {
  let end = i;
  while (text[end] === ch) end += 1;
  return end - i;
}

/**
 * CommonMark's flanking rules for the delimiter run text[i, i + n): whether it can open and whether
 * it can close emphasis. The start and end of the text count as whitespace. A run between two
 * spaces (a fill-in blank "_____") is neither; "_" inside a word (snake_case) is neither.
 */
function flanking(text, i, n) {
  const before = text[i - 1] ?? " ";
  const after = text[i + n] ?? " ";
  const spaceBefore = WHITESPACE.test(before);
  const spaceAfter = WHITESPACE.test(after);
  const punctBefore = PUNCTUATION.test(before);
  const punctAfter = PUNCTUATION.test(after);
  const left = !spaceAfter && (!punctAfter || spaceBefore || punctBefore);
  const right = !spaceBefore && (!punctBefore || spaceAfter || punctAfter);
  if (text[i] !== "_") return {open: left, close: right};
  return {open: left && (!right || punctBefore), close: right && (!left || punctAfter)};
}

/**
 * Emphasis opened by the run of `ch` (length `n`) at `i`: the first later run of `ch` that can close
 * it, skipping escapes, code spans and emphasis opened inside. Returns {lead, used, end, inner}:
 * `lead` characters of the opening run stay text, `used` of them mark the emphasis (1 em, 2 strong,
 * 3 both) and the text resumes at `end`. Null when nothing closes it or the `budget` of characters
 * to read is spent.
 */
function emphasisAt(text, i, ch, n, budget) {
  const limit = Math.min(text.length, i + n + MAX_SPAN);
  let j = i + n;
  let nested = 0;
  while (j < limit) {
    if ((budget.left -= 1) < 0) return null;
    const c = text[j];
    if (c === "\\") { j += 2; continue; }
    if (c === "`") {
      const ticks = runLength(text, j, "`");
      const close = text.indexOf("`".repeat(ticks), j + ticks);
      j = close > 0 ? close + ticks : j + ticks;
      continue;
    }
    if (c !== ch) { j += 1; continue; }
    const k = runLength(text, j, ch);
    const can = flanking(text, j, k);
    if (can.close && nested > 0) {
      nested -= 1;  // closes an emphasis opened inside this one ("*a **b** c*")
    } else if (can.close && (ch !== "~" || k === 2)) {
      const used = ch === "~" ? 2 : Math.min(n, k, 3);
      return {lead: n - used, used, end: j + used, inner: text.slice(i + n, j)};
    } else if (can.open) {
      nested += 1;
    }
    j += k;
  }
  return null;
}

/** The element for emphasis marked by `used` characters of `ch`, holding `children`. */
function emphasisNode(ch, used, children) {
  if (ch === "~") {
    const node = el("del");
    node.append(...children);
    return node;
  }
  const outer = el(used === 1 ? "em" : "strong");
  if (used === 3) {
    const inner = el("em");
    inner.append(...children);
    outer.append(inner);
  } else {
    outer.append(...children);
  }
  return outer;
}

/** Inline nodes for `text` (one paragraph's lines joined by "\n"). */
export function inline(text, depth = 0) {
  const nodes = [];
  let plain = "";
  const flush = () => { if (plain) nodes.push(document.createTextNode(plain)); plain = ""; };
  const push = (node) => { flush(); nodes.push(node); };
  const budget = {left: SCAN_PER_CHAR * text.length + 4 * MAX_SPAN};
  let i = 0;
  while (i < text.length) {
    const ch = text[i];
    if (ch === "\\" && text[i + 1] === "\n") { push(el("br")); i += 2; continue; }
    if (ch === "\\" && ESCAPABLE.includes(text[i + 1] || "\0")) { plain += text[i + 1]; i += 2; continue; }
    if (ch === "`") {
      let end = i;
      while (text[end] === "`") end += 1;
      const run = text.slice(i, end);
      const close = text.indexOf(run, i + run.length);
      if (close > 0) {
        const code = el("code");
        code.textContent = text.slice(i + run.length, close).replace(/\n/g, " ").replace(/^ (.+) $/, "$1");
        push(code);
        i = close + run.length;
        continue;
      }
      plain += run; i += run.length; continue;
    }
    if (ch === " " && text[i + 1] === " ") {
      // Two or more spaces before a newline are a hard break; a run without one stays text whole
      // (a pattern tried at each of its spaces read the rest of the run every time).
      const n = runLength(text, i, " ");
      if (text[i + n] === "\n") { push(el("br")); i += n + 1; continue; }
      plain += text.slice(i, i + n); i += n; continue;
    }
    if (depth < 8 && ch === "!" && text[i + 1] === "[") {
      const image = linkAt(text, i + 1);
      if (image) {  // images are not loaded: their description stands in for them
        const alt = el("span", "image-alt");
        alt.textContent = `[image${image.label ? `: ${image.label}` : ""}]`;
        push(alt);
        i = image.end;
        continue;
      }
    }
    if (depth < 8 && ch === "[") {
      const found = linkAt(text, i);
      if (found) { push(link(inline(found.label, depth + 1), found.url, found.title)); i = found.end; continue; }
    }
    if (ch === "<") {
      const auto = at(AUTOLINK, text, i);
      if (auto) { push(link([document.createTextNode(auto[1])], auto[1])); i += auto[0].length; continue; }
    }
    if ((ch === "h" || ch === "H") && !isWordChar(text[i - 1])) {
      const bare = at(BARE_URL, text, i);
      if (bare) { push(link([document.createTextNode(bare[0])], bare[0])); i += bare[0].length; continue; }
    }
    if (ch === "*" || ch === "_" || ch === "~") {
      // The whole delimiter run at once: a run that cannot open stays text as a whole.
      const n = runLength(text, i, ch);
      const found = depth < 8 && (ch !== "~" || n === 2) && flanking(text, i, n).open
        ? emphasisAt(text, i, ch, n, budget) : null;
      if (found) {
        plain += ch.repeat(found.lead);
        push(emphasisNode(ch, found.used, inline(found.inner, depth + 1)));
        i = found.end;
        continue;
      }
      plain += ch.repeat(n); i += n; continue;
    }
    plain += ch;
    i += 1;
  }
  flush();
  return nodes;
}
