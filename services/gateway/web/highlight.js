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

function patternFor(language) {
  const comments = [];
  if (SLASH_COMMENTS.has(language)) comments.push(String.raw`\/\*[\s\S]*?\*\/`, String.raw`\/\/[^\n]*`);
  if (HASH_COMMENTS.has(language)) comments.push(String.raw`#[^\n]*`);
  if (language === "sql") comments.push(String.raw`--[^\n]*`);
  const strings = [String.raw`"""[\s\S]*?"""`, String.raw`'''[\s\S]*?'''`,
    String.raw`"(?:\\.|[^"\\\n])*"`, String.raw`'(?:\\.|[^'\\\n])*'`];
  if (language === "js" || language === "go") strings.push(String.raw`\x60(?:\\.|[^\x60\\])*\x60`);
  const number = String.raw`\b(?:0x[0-9a-fA-F]+|\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)\b`;
  const word = String.raw`[A-Za-z_][A-Za-z0-9_]*`;
  return new RegExp(`(${comments.join("|") || "(?!)"})|(${strings.join("|")})|(${number})|(${word})`, "g");
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
  const pattern = patternFor(lang);
  let last = 0;
  let plain = "";
  const flush = () => {
    if (plain) fragment.append(document.createTextNode(plain));
    plain = "";
  };
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
    if (match[0] === "") { pattern.lastIndex += 1; continue; }
    plain += code.slice(last, match.index);
    last = match.index + match[0].length;
    let kind = null;
    if (match[1] !== undefined) kind = "tok-comment";
    else if (match[2] !== undefined) kind = "tok-string";
    else if (match[3] !== undefined) kind = "tok-number";
    else if (keywords.has(caseless ? match[4].toLowerCase() : match[4])) kind = "tok-keyword";
    if (!kind) { plain += match[0]; continue; }
    flush();
    const span = document.createElement("span");
    span.className = kind;
    span.textContent = match[0];
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
