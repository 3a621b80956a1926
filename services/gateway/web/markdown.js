// A small, safe Markdown renderer: blocks (headings, paragraphs, lists, quotes, fenced and
// indented code, tables, rules) built with createElement and text nodes. Raw HTML in a document
// is never interpreted: its tags are dropped and its words kept as text.

import {codeBlock} from "./highlight.js";
import {inline} from "./inline.js";

const FENCE = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)/;
const HEADING_MARKS = /^ {0,3}(#{1,6})(?!#)/;
const RULE = /^ {0,3}([-*_])(?:\s*\1){2,}\s*$/;
const QUOTE = /^ {0,3}> ?/;
const LIST_ITEM = /^( {0,3})([-*+]|\d{1,9}[.)])(?:\s+|$)(.*)$/;
const DIVIDER_CELL = /^:?-+:?$/;
const SPACE = /\s/;
// What `.` does not match: a heading's text ends before the first of these.
const LINE_TERMINATORS = "\n\r\u2028\u2029";
const HTML_BLOCK = /^ {0,3}<(\/?[A-Za-z][A-Za-z0-9-]*[\s/>]|!--)/;
const ASCII_LETTER = /^[A-Za-z]$/;
const MAX_DEPTH = 12;

function el(tag, ...children) {
  const node = document.createElement(tag);
  node.append(...children);
  return node;
}

function isSpace(ch) { return ch !== undefined && SPACE.test(ch); }

/**
 * An ATX heading: {level, text}, or null. Scanned in plain code, as the pattern
 * /^ {0,3}(#{1,6})(?:\s+(.*?))?(?:\s+#+)?\s*$/ matched it: its lazy text followed by optional
 * whitespace runs retried the end of the line from every character (seconds on a long line).
 * The text is the shortest run after the marks and their whitespace, within the line's first
 * line terminator, that leaves only whitespace, or whitespace, "#"s and whitespace.
 */
function headingAt(line) {
  const marks = HEADING_MARKS.exec(line);
  if (!marks) return null;
  const level = marks[1].length;
  let start = marks[0].length;
  if (start === line.length) return {level, text: ""};
  if (!isSpace(line[start])) return null;
  while (isSpace(line[start])) start += 1;
  let end = line.length;  // after the last character that is not whitespace
  while (end > start && isSpace(line[end - 1])) end -= 1;
  let hashes = end;  // where the line's closing run of "#"s starts
  while (hashes > start && line[hashes - 1] === "#") hashes -= 1;
  if (hashes < end && hashes > start && isSpace(line[hashes - 1])) {
    end = hashes - 1;  // the closing "#"s go with the whitespace before them
    while (end > start && isSpace(line[end - 1])) end -= 1;
  }
  for (let i = start; i < end; i += 1) if (LINE_TERMINATORS.includes(line[i])) return null;
  return {level, text: line.slice(start, end)};
}

/**
 * Whether `line` divides a table's header from its rows: cells of /:?-+:?/ between "|"s, the outer
 * ones optional, whitespace around each. Split in plain code: the one-pattern form
 * (/^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/) tried each split of a run of spaces between its
 * neighbouring \s* (seconds on a long line of spaces).
 */
function isTableDivider(line) {
  let body = line.trim();
  if (body.startsWith("|")) body = body.slice(1);
  if (body.endsWith("|")) body = body.slice(0, -1);
  return body.split("|").every((cell) => DIVIDER_CELL.test(cell.trim()));
}

/** Whether `line` closes a fence opened by `marks` (``` or ~~~, or longer). */
function closesFence(line, marks) {
  let i = 0;
  while (i < 3 && line[i] === " ") i += 1;
  let n = 0;
  while (line[i + n] === marks[0]) n += 1;
  return n >= marks.length && line.slice(i + n).trim() === "";
}

function startsBlock(line, next) {
  return FENCE.test(line) || headingAt(line) !== null || RULE.test(line) || QUOTE.test(line)
    || LIST_ITEM.test(line) || HTML_BLOCK.test(line) || (line.includes("|") && isTableDivider(next || ""));
}

/**
 * Everything between "<!--" and the next "-->" removed. Scanned: the pattern /<!--[\s\S]*?-->/g
 * searched to the end of the text again from each unclosed "<!--".
 */
function withoutComments(text) {
  let kept = "";
  let from = 0;
  for (let start = text.indexOf("<!--"); start >= 0; start = text.indexOf("<!--", from)) {
    const end = text.indexOf("-->", start + 4);
    if (end < 0) break;  // no later comment is closed either
    kept += text.slice(from, start);
    from = end + 3;
  }
  return kept + text.slice(from);
}

/** Tags (/<\/?[A-Za-z][^>]*>/g) removed, scanned for the same reason as comments. */
function withoutTags(text) {
  let kept = "";
  let from = 0;
  let start = text.indexOf("<");
  while (start >= 0) {
    const name = text[start + 1] === "/" ? start + 2 : start + 1;
    if (!ASCII_LETTER.test(text[name] || "")) {
      start = text.indexOf("<", start + 1);
      continue;
    }
    const end = text.indexOf(">", name + 1);
    if (end < 0) break;  // no later tag is closed either
    kept += text.slice(from, start);
    from = end + 1;
    start = text.indexOf("<", from);
  }
  return kept + text.slice(from);
}

function stripTags(text) {
  return withoutTags(withoutComments(text)).trim();
}

function splitRow(line) {
  const cells = [];
  let current = "";
  const body = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i += 1) {
    if (body[i] === "\\" && body[i + 1] === "|") { current += "|"; i += 1; continue; }
    if (body[i] === "|") { cells.push(current.trim()); current = ""; continue; }
    current += body[i];
  }
  cells.push(current.trim());
  return cells;
}

function table(lines, headingOffset, depth) {
  const header = splitRow(lines[0]);
  const align = splitRow(lines[1]).map((c) => (c.endsWith(":") ? (c.startsWith(":") ? "center" : "right") : ""));
  const row = (cells, tag) => el("tr", ...header.map((_, n) => {
    const cell = el(tag, ...inline(cells[n] || "", depth));
    if (align[n]) cell.className = `align-${align[n]}`;
    if (tag === "th") cell.scope = "col";
    return cell;
  }));
  const wrapper = el("div", el("table", el("thead", row(header, "th")),
    el("tbody", ...lines.slice(2).map((line) => row(splitRow(line), "td")))));
  wrapper.className = "table-scroll";
  wrapper.tabIndex = 0;
  return wrapper;
}

/** `text` without its final newlines (/\n+$/ retried the run from each of its newlines). */
function withoutTrailingNewlines(text) {
  let end = text.length;
  while (end > 0 && text[end - 1] === "\n") end -= 1;
  return text.slice(0, end);
}

/** The lines of the list starting at `start`, split into items; returns {end, ordered, items}. */
function listAt(lines, start) {
  const first = LIST_ITEM.exec(lines[start]);
  const ordered = /\d/.test(first[2]);
  const items = [];
  let i = start;
  while (i < lines.length) {
    const match = LIST_ITEM.exec(lines[i]);
    if (!match || /\d/.test(match[2]) !== ordered) break;
    const indent = match[1].length + match[2].length + 1;
    const item = {number: parseInt(match[2], 10), lines: [match[3]]};
    i += 1;
    while (i < lines.length) {
      const line = lines[i];
      if (line.trim() === "") {
        const next = lines.slice(i + 1).find((l) => l.trim() !== "");
        if (next === undefined || next.search(/\S/) < indent) break;
        item.lines.push("");
      } else if (line.search(/\S/) >= indent) {
        item.lines.push(line.slice(indent));
      } else if (LIST_ITEM.test(line) || startsBlock(line)) {
        break;
      } else if (item.lines[item.lines.length - 1] !== "") {
        item.lines.push(line.trim());  // a lazy continuation of the item's paragraph
      } else {
        break;
      }
      i += 1;
    }
    items.push(item);
    if (i < lines.length && lines[i].trim() === "") {
      const next = lines.slice(i).findIndex((l) => l.trim() !== "");
      if (next < 0 || !LIST_ITEM.test(lines[i + next])) break;
      i += next;
    }
  }
  return {end: i, ordered, items};
}

/** Block nodes for `lines`; `fence(language, code)` may show a fenced block its own way (a node, or null). */
function blocks(lines, headingOffset, depth, fence) {
  const nodes = [];
  let i = 0;
  while (i < lines.length) {
    const line = lines[i];
    if (line.trim() === "") { i += 1; continue; }
    const opened = FENCE.exec(line);
    if (opened) {
      const code = [];
      i += 1;
      while (i < lines.length && !closesFence(lines[i], opened[1])) { code.push(lines[i]); i += 1; }
      nodes.push(fence?.(opened[2], code.join("\n")) || codeBlock(code.join("\n"), opened[2]));
      i += 1;
      continue;
    }
    const heading = headingAt(line);
    if (heading) {
      const level = Math.min(6, heading.level + headingOffset);
      nodes.push(el(`h${level}`, ...inline(heading.text, depth)));
      i += 1;
      continue;
    }
    if (RULE.test(line)) { nodes.push(el("hr")); i += 1; continue; }
    if (/^ {4}/.test(line)) {
      const code = [];
      while (i < lines.length && (/^ {4}/.test(lines[i]) || lines[i].trim() === "")) {
        code.push(lines[i].slice(4));
        i += 1;
      }
      nodes.push(codeBlock(withoutTrailingNewlines(code.join("\n")), ""));
      continue;
    }
    if (QUOTE.test(line) && depth < MAX_DEPTH) {
      const quoted = [];
      while (i < lines.length && QUOTE.test(lines[i])) { quoted.push(lines[i].replace(QUOTE, "")); i += 1; }
      nodes.push(el("blockquote", ...blocks(quoted, headingOffset, depth + 1, fence)));
      continue;
    }
    if (LIST_ITEM.test(line) && depth < MAX_DEPTH) {
      const list = listAt(lines, i);
      const node = el(list.ordered ? "ol" : "ul");
      if (list.ordered && list.items[0].number !== 1) node.start = list.items[0].number;
      for (const item of list.items) {
        const content = blocks(item.lines, headingOffset, depth + 1, fence);
        const tight = content.length >= 1 && content[0].tagName === "P";
        node.append(el("li", ...(tight ? [...content[0].childNodes, ...content.slice(1)] : content)));
      }
      nodes.push(node);
      i = list.end;
      continue;
    }
    if (line.includes("|") && isTableDivider(lines[i + 1] || "")) {
      const rows = [line, lines[i + 1]];
      i += 2;
      while (i < lines.length && lines[i].includes("|") && lines[i].trim() !== "") { rows.push(lines[i]); i += 1; }
      nodes.push(table(rows, headingOffset, depth));
      continue;
    }
    if (HTML_BLOCK.test(line)) {
      const html = [];
      while (i < lines.length && lines[i].trim() !== "") { html.push(lines[i]); i += 1; }
      const words = stripTags(html.join("\n"));
      if (words) nodes.push(el("p", ...inline(words, depth)));
      continue;
    }
    const paragraph = [line.trim()];
    i += 1;
    const underline = /^ {0,3}(=+|-+)\s*$/.exec(lines[i] || "");
    if (underline) {  // a setext heading
      nodes.push(el(underline[1][0] === "=" ? `h${Math.min(6, 1 + headingOffset)}` : `h${Math.min(6, 2 + headingOffset)}`,
        ...inline(line.trim(), depth)));
      i += 1;
      continue;
    }
    while (i < lines.length && lines[i].trim() !== "" && !startsBlock(lines[i], lines[i + 1])) {
      paragraph.push(lines[i].replace(/^\s+/, ""));
      i += 1;
    }
    nodes.push(el("p", ...inline(paragraph.join("\n"), depth)));
  }
  return nodes;
}

/**
 * Render Markdown `text` into a <div class="markdown">. `headingOffset` moves headings down so a
 * document's "# Title" nests under the page's own headings; `fence(language, code)`, if given, is
 * asked first for each fenced block (the reader's diagrams: reader_diagrams.js).
 */
export function renderMarkdown(text, {headingOffset = 0, fence = null} = {}) {
  const container = document.createElement("div");
  container.className = "markdown";
  const lines = String(text || "").replace(/\r\n?/g, "\n").replace(/\t/g, "    ").split("\n");
  container.append(...blocks(lines, headingOffset, 0, fence));
  return container;
}
