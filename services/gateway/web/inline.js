// Inline Markdown (code spans, emphasis, links, autolinks, line breaks) as DOM nodes.
// Untrusted text only ever becomes text nodes; a link is an <a> only for http(s) and mailto.

const ESCAPABLE = "\\`*_{}[]()#+-.!|<>~\"'$&%:;=?@^,/";
const BARE_URL = /https?:\/\/[^\s<>"]*[^\s<>".,:;!?'")\]]/iy;
const AUTOLINK = /<((?:https?:\/\/|mailto:)[^\s<>]+)>/iy;
const HARD_BREAK = / {2,}\n/y;
const MAX_SPAN = 2000;  // how far a closing delimiter is looked for: keeps long paragraphs fast

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
  if (relative) span.title = `In the repository: ${url}`;
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

/** Emphasis delimited by `mark` starting at `i`; returns {end, inner} or null. */
function emphasisAt(text, i, mark) {
  const open = i + mark.length;
  if (!text[open] || /\s/.test(text[open])) return null;
  if (mark[0] === "_" && isWordChar(text[i - 1])) return null;
  let close = text.indexOf(mark, open + 1);
  while (close > 0 && close - open < MAX_SPAN) {
    const ok = !/\s/.test(text[close - 1]) && !(mark[0] === "_" && isWordChar(text[close + mark.length]))
      && !(mark.length === 1 && text[close + 1] === mark);
    if (ok) return {end: close + mark.length, inner: text.slice(open, close)};
    close = text.indexOf(mark, close + mark.length);
  }
  return null;
}

/** Inline nodes for `text` (one paragraph's lines joined by "\n"). */
export function inline(text, depth = 0) {
  const nodes = [];
  let plain = "";
  const flush = () => { if (plain) nodes.push(document.createTextNode(plain)); plain = ""; };
  const push = (node) => { flush(); nodes.push(node); };
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
      const spaces = at(HARD_BREAK, text, i);
      if (spaces) { push(el("br")); i += spaces[0].length; continue; }
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
    if (depth < 8 && (ch === "*" || ch === "_" || ch === "~")) {
      const double = text[i + 1] === ch;
      if (ch !== "~" || double) {
        const mark = double ? ch + ch : ch;
        const found = emphasisAt(text, i, mark);
        if (found) {
          const node = el(ch === "~" ? "del" : double ? "strong" : "em");
          node.append(...inline(found.inner, depth + 1));
          push(node);
          i = found.end;
          continue;
        }
      }
      plain += ch; i += 1; continue;
    }
    plain += ch;
    i += 1;
  }
  flush();
  return nodes;
}
