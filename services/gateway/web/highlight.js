// A tiny syntax highlighter: comments, strings, numbers and keywords as <span>s with text nodes.
// It never parses HTML, so any code is shown exactly as written.

const WORDS = {
  python: "and as assert async await break class continue def del elif else except False finally for "
    + "from global if import in is lambda None nonlocal not or pass raise return self True try while with yield",
  js: "async await break case catch class const continue debugger default delete do else export extends "
    + "false finally for from function if import in instanceof let new null of return static super switch "
    + "this throw true try typeof undefined var void while yield interface type enum implements",
  bash: "if then else elif fi for while until do done case esac function in return export local readonly "
    + "set unset source alias echo cd exit",
  go: "break case chan const continue default defer else fallthrough for func go goto if import interface "
    + "map package range return select struct switch type var nil true false",
  rust: "as async await break const continue crate else enum extern false fn for if impl in let loop match "
    + "mod move mut pub ref return self Self static struct super trait true type unsafe use where while",
  c: "auto break case char const continue default do double else enum extern float for goto if int long "
    + "register return short signed sizeof static struct switch typedef union unsigned void volatile while "
    + "class public private protected new delete this true false null namespace template import package "
    + "extends implements final boolean throws try catch finally",
  sql: "select from where and or not insert into values update set delete create table drop alter index "
    + "join left right inner outer on group by order having limit as null is in primary key",
  data: "true false null yes no on off",
  ruby: "alias and begin break case class def defined do else elsif end ensure false for if in module next "
    + "nil not or redo rescue retry return self super then true undef unless until when while yield require",
};

const ALIASES = {
  py: "python", python3: "python", pycon: "python", ipython: "python",
  javascript: "js", mjs: "js", jsx: "js", ts: "js", tsx: "js", typescript: "js",
  sh: "bash", shell: "bash", zsh: "bash", console: "bash", shell_session: "bash", "shell-session": "bash",
  golang: "go", rs: "rust", "c++": "c", cpp: "c", h: "c", java: "c", kotlin: "c", csharp: "c", cs: "c",
  json: "data", yaml: "data", yml: "data", toml: "data", ini: "data", rb: "ruby",
};

const HASH_COMMENTS = new Set(["python", "bash", "data", "ruby"]);
const SLASH_COMMENTS = new Set(["js", "go", "rust", "c"]);

export function languageOf(name) {
  const key = String(name || "").trim().toLowerCase();
  return WORDS[key] ? key : ALIASES[key] || "";
}

// What `.` does not match: an escape in a quoted string cannot take one of these.
const LINE_TERMINATORS = "\n\r\u2028\u2029";
const NUMBER = /\b(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\b/y;
const WORD = /[A-Za-z_][A-Za-z0-9_]*/y;

/**
 * The tokens of `code` as [kind, start, end], kind "comment", "string", "number" or "word": at each
 * place the first of these that matches, as one alternation of patterns matched them before:
 *   comments  /\*[\s\S]*?\*\/ and \/\/[^\n]* (js, go, rust, c), #[^\n]* (python, bash, data, ruby),
 *             --[^\n]* (sql);
 *   strings   """[\s\S]*?""", '''[\s\S]*?''', "(?:\\.|[^"\\\n])*", '(?:\\.|[^'\\\n])*', and
 *             `(?:\\.|[^`\\])*` (js, go);
 *   then NUMBER and WORD.
 * Comments and strings are scanned instead: that alternation searched to the end of the code again
 * from each unclosed "/*", quote or backtick (seconds on a long block). A closing mark not found
 * from one place is not found from a later one either, so no search is repeated.
 */
function* tokens(code, language) {
  const slashComments = SLASH_COMMENTS.has(language);
  const hashComments = HASH_COMMENTS.has(language);
  const backticks = language === "js" || language === "go";
  const closers = new Map();  // closing mark -> its first place at or after the last search's start
  const closing = (mark, from) => {
    let at = closers.get(mark);
    if (at === undefined || (at >= 0 && at < from)) closers.set(mark, at = code.indexOf(mark, from));
    return at < 0 ? -1 : at + mark.length;
  };
  // A quoted string that stops unclosed at `i` (a newline, an escaped line end, the end): one
  // starting later before `i` is inside it, after an escape, and stops there too.
  const unclosedUntil = new Map();
  const quoted = (start, quote, multiline) => {
    if (start < (unclosedUntil.get(quote) ?? -1)) return -1;
    let i = start + 1;
    for (; i < code.length; i += 1) {
      const c = code[i];
      if (c === quote) return i + 1;
      if (c === "\\") {
        if (i + 1 >= code.length || LINE_TERMINATORS.includes(code[i + 1])) break;
        i += 1;
      } else if (c === "\n" && !multiline) {
        break;
      }
    }
    unclosedUntil.set(quote, i);
    return -1;
  };
  const lineEnd = (start) => {
    const end = code.indexOf("\n", start);
    return end < 0 ? code.length : end;
  };
  const sticky = (pattern, start) => {
    pattern.lastIndex = start;
    return pattern.test(code) ? pattern.lastIndex : -1;
  };
  for (let at = 0; at < code.length;) {
    const c = code[at];
    let kind = "comment";
    let end = -1;
    if (slashComments && c === "/" && code[at + 1] === "*") end = closing("*/", at + 2);
    if (end < 0 && slashComments && c === "/" && code[at + 1] === "/") end = lineEnd(at);
    if (end < 0 && hashComments && c === "#") end = lineEnd(at);
    if (end < 0 && language === "sql" && c === "-" && code[at + 1] === "-") end = lineEnd(at);
    if (end < 0 && (c === '"' || c === "'")) {
      kind = "string";
      if (code.startsWith(c.repeat(3), at)) end = closing(c.repeat(3), at + 3);
      if (end < 0) end = quoted(at, c, false);
    }
    if (end < 0 && backticks && c === "`") {
      kind = "string";
      end = quoted(at, c, true);
    }
    if (end < 0) {
      kind = "number";
      end = sticky(NUMBER, at);
    }
    if (end < 0) {
      kind = "word";
      end = sticky(WORD, at);
    }
    if (end < 0) {
      at += 1;
      continue;
    }
    yield [kind, at, end];
    at = end;
  }
}

/** A DocumentFragment of `code` with highlighted spans; `language` may be empty or unknown. */
export function highlight(code, language) {
  const fragment = document.createDocumentFragment();
  const lang = languageOf(language);
  if (!lang) {
    fragment.append(document.createTextNode(code));
    return fragment;
  }
  const keywords = new Set(WORDS[lang].split(" "));
  const caseless = lang === "sql";
  let last = 0;
  let plain = "";
  const flush = () => {
    if (plain) fragment.append(document.createTextNode(plain));
    plain = "";
  };
  for (const [token, start, end] of tokens(code, lang)) {
    const text = code.slice(start, end);
    plain += code.slice(last, start);
    last = end;
    let kind = null;
    if (token === "comment") kind = "tok-comment";
    else if (token === "string") kind = "tok-string";
    else if (token === "number") kind = "tok-number";
    else if (keywords.has(caseless ? text.toLowerCase() : text)) kind = "tok-keyword";
    if (!kind) { plain += text; continue; }
    flush();
    const span = document.createElement("span");
    span.className = kind;
    span.textContent = text;
    fragment.append(span);
  }
  plain += code.slice(last);
  flush();
  return fragment;
}

/** A <pre><code> block for `code`, highlighted, labelled with its language. */
export function codeBlock(code, language) {
  const pre = document.createElement("pre");
  pre.className = "code";
  pre.tabIndex = 0;  // scrollable regions must be reachable by keyboard
  const label = String(language || "").trim();
  pre.setAttribute("aria-label", label ? `Code (${label})` : "Code");
  const element = document.createElement("code");
  if (label) element.dataset.language = label;
  element.append(highlight(code.replace(/\n$/, ""), label));
  pre.append(element);
  return pre;
}
