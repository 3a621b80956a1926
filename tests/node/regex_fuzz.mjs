// Backtracking fuzz of the web UI's regular expressions (tests/unit/test_web_regex_fuzz.py runs it).
// The web code runs its patterns on untrusted text (course content, documents, what a user types),
// so none may take long on any input. Usage:
//   node regex_fuzz.mjs < input.json
// input: {"root": folder of .js files, "limit_ms": 100, "hang_seconds": 5, "max_length": 102400}
// stdout: {"files", "patterns": [{file, line, column, source, flags, scans, inputs, ms}],
//          "dynamic": [{file, line, column, code}], "slow": [{file, line, source, flags, op, input,
//          length, ms, finished}], "errors", "inputs", "executions", "seconds"}
//
// The patterns are found in the code itself with a real JavaScript parser (acorn), so a new one is
// fuzzed without anyone listing it: every regular expression literal, and every RegExp(…) whose
// pattern is a literal string. A RegExp built from run-time values cannot be fuzzed here; it is
// listed under "dynamic" (the test refuses those: scan the text in plain code instead).
//
// Each pattern's inputs are built from its own structure: runs of each character its atoms accept
// and of ones they reject, newlines and spaces, two accepted characters alternating, the pattern's
// sample match repeated, and for each quantifier a prefix that starts a match, a long run of what
// the quantifier repeats, then a character that fails the rest. Each input grows from 16 characters
// to max_length; exec (and for global or sticky patterns, or ones given to split/replaceAll/matchAll,
// a full replace pass) is timed at each length. A pattern is slow when an operation takes longer
// than limit_ms (the best of three runs). A pattern that never returns is stopped by a watchdog.
import {parse} from "acorn";
import {readFileSync, readdirSync, statSync} from "node:fs";
import {availableParallelism} from "node:os";
import {join, relative, sep} from "node:path";
import {Worker, isMainThread, parentPort} from "node:worker_threads";

// ---------------------------------------------------------------------------------------------
// Finding the patterns (main thread).

function jsFiles(folder) {
  return readdirSync(folder).sort().flatMap((name) => {
    const path = join(folder, name);
    if (statSync(path).isDirectory()) return jsFiles(path);
    return name.endsWith(".js") || name.endsWith(".mjs") ? [path] : [];
  });
}

/** Every node of an ESTree, each with its parent. */
function* walk(node, parent = null) {
  if (!node || typeof node.type !== "string") return;
  yield [node, parent];
  for (const [key, value] of Object.entries(node)) {
    if (key === "loc") continue;
    if (Array.isArray(value)) for (const child of value) yield* walk(child, node);
    else if (value && typeof value === "object") yield* walk(value, node);
  }
}

/** The string an expression always has, or undefined when it is computed at run time. */
function constantString(node) {
  if (!node) return undefined;
  if (node.type === "Literal" && typeof node.value === "string") return node.value;
  if (node.type === "TemplateLiteral" && node.expressions.length === 0) return node.quasis[0].value.cooked;
  if (node.type === "TaggedTemplateExpression" && node.quasi.expressions.length === 0
      && node.tag.type === "MemberExpression" && node.tag.object.name === "String" && node.tag.property.name === "raw") {
    return node.quasi.quasis[0].value.raw;
  }
  return undefined;
}

function isRegExpConstructor(callee) {
  if (callee.type === "Identifier") return callee.name === "RegExp";
  return callee.type === "MemberExpression" && !callee.computed && callee.property.name === "RegExp"
    && ["globalThis", "window", "self"].includes(callee.object.name);
}

// Methods that try a pattern at every place of the text, like a global one: such a pattern gets a
// full pass too. And the methods that make a RegExp of a string argument (split and replace do not).
const SCANNING_METHODS = new Set(["split", "replaceAll", "matchAll"]);
const STRING_TO_PATTERN = {match: "", search: "", matchAll: "g"};

function passedToScanningMethod(node, parent) {
  return parent?.type === "CallExpression" && parent.arguments[0] === node
    && parent.callee.type === "MemberExpression" && SCANNING_METHODS.has(parent.callee.property.name);
}

function findPatterns(root) {
  const files = jsFiles(root);
  const patterns = [];
  const dynamic = [];
  for (const path of files) {
    const code = readFileSync(path, "utf8");
    const file = relative(root, path).split(sep).join("/");
    const ast = parse(code, {ecmaVersion: "latest", sourceType: "module", locations: true});
    const at = (node) => ({file, line: node.loc.start.line, column: node.loc.start.column + 1});
    for (const [node, parent] of walk(ast)) {
      const scans = passedToScanningMethod(node, parent);
      if (node.type === "Literal" && node.regex) {
        patterns.push({...at(node), source: node.regex.pattern, flags: node.regex.flags, scans});
      } else if ((node.type === "NewExpression" || node.type === "CallExpression") && isRegExpConstructor(node.callee)) {
        const [patternArg, flagsArg] = node.arguments;
        const source = constantString(patternArg);
        const flags = flagsArg === undefined ? "" : constantString(flagsArg);
        if (source === undefined || flags === undefined) dynamic.push({...at(node), code: code.slice(node.start, node.end)});
        else patterns.push({...at(node), source, flags, scans});
      } else if (node.type === "CallExpression" && node.callee.type === "MemberExpression" && !node.callee.computed
                 && Object.hasOwn(STRING_TO_PATTERN, node.callee.property.name)
                 && node.arguments[0]?.type === "Literal" && typeof node.arguments[0].value === "string") {
        // text.match("a+") runs the RegExp its string makes.
        const flags = STRING_TO_PATTERN[node.callee.property.name];
        patterns.push({...at(node.arguments[0]), source: node.arguments[0].value, flags, scans: flags === "g"});
      }
    }
  }
  return {files: files.map((path) => relative(root, path).split(sep).join("/")), patterns, dynamic};
}

// ---------------------------------------------------------------------------------------------
// A pattern's structure (worker): enough of the RegExp grammar to find its atoms and quantifiers.

// Characters an atom may accept or reject: ASCII, and the Unicode ones that `\s`, `.`, `\w` and
// case folding treat specially.
const POOL = [
  ...Array.from({length: 128}, (_, c) => String.fromCharCode(c)),
  "\u00a0", "\u1680", "\u2000", "\u2028", "\u2029", "\u3000", "\ufeff", "\u00e9", "\u00df", "\u0130",
  "\u017f", "\u212a", "\u03a9", "\u4e2d", "\u{1f600}",
];
// Preferred order when picking a few samples: what texts are made of first.
const PREFERENCE = [" ", "a", "0", "-", "#", "|", ":", "\n", "\t", "x", "Z", "_", ".", "*", "\u2028", "\u00a0"];

function pick(chars, count) {
  const first = PREFERENCE.filter((c) => chars.includes(c));
  const rest = chars.filter((c) => !first.includes(c));
  // One of each kind before a second of any: spaces, letters, digits, punctuation, the rest.
  const kinds = [/\s/u, /\p{L}/u, /\p{N}/u, /\p{P}|\p{S}/u, /./su];
  const byKind = kinds.map((kind) => rest.find((c) => kind.test(c))).filter(Boolean);
  return [...new Set([...first, ...byKind, ...rest])].slice(0, count);
}

function charAtom(src, flags) {
  let tester;
  try {
    tester = new RegExp(`^(?:${src})$`, flags.replace(/[gymd]/g, ""));
  } catch {
    return {type: "char", src, accepts: [], rejects: []};
  }
  const accepted = POOL.filter((c) => tester.test(c));
  const rejected = POOL.filter((c) => !tester.test(c));
  return {type: "char", src, accepts: pick(accepted, 4), rejects: pick(rejected, 3)};
}

function countGroups(source) {
  let count = 0;
  for (let i = 0, inClass = false; i < source.length; i += 1) {
    const c = source[i];
    if (c === "\\") { i += 1; continue; }
    if (inClass) { if (c === "]") inClass = false; continue; }
    if (c === "[") inClass = true;
    else if (c === "(" && (source[i + 1] !== "?" || (source[i + 2] === "<" && !"=!".includes(source[i + 3])))) count += 1;
  }
  return count;
}

function parseRegex(source, flags) {
  const unicode = /[uv]/.test(flags);
  const groups = countGroups(source);
  let i = 0;
  let groupIndex = 0;

  function alternation() {
    const alts = [sequence()];
    while (source[i] === "|") { i += 1; alts.push(sequence()); }
    return alts.length === 1 ? alts[0] : {type: "alt", alts};
  }
  function sequence() {
    const items = [];
    while (i < source.length && source[i] !== "|" && source[i] !== ")") items.push(quantified(atom()));
    return {type: "seq", items};
  }
  function atom() {
    const start = i;
    const c = source[i];
    if (c === "(") {
      i += 1;
      let kind = "capture";
      if (source.startsWith("?:", i)) { kind = "group"; i += 2; }
      else if (source.startsWith("?=", i) || source.startsWith("?!", i)) { kind = "look"; i += 2; }
      else if (source.startsWith("?<=", i) || source.startsWith("?<!", i)) { kind = "look"; i += 3; }
      else if (source.startsWith("?<", i)) i = source.indexOf(">", i) + 1;
      const index = kind === "capture" ? (groupIndex += 1) : null;
      const body = alternation();
      i += 1;  // ")"
      return {type: "group", kind, index, body};
    }
    if (c === "[") {
      i += 1;
      if (source[i] === "^") i += 1;
      while (i < source.length && source[i] !== "]") i += source[i] === "\\" ? 2 : 1;
      i += 1;
      return charAtom(source.slice(start, i), flags);
    }
    if (c === "^" || c === "$") { i += 1; return {type: "assert"}; }
    if (c === "\\") {
      const d = source[i + 1];
      if (d === "b" || d === "B") { i += 2; return {type: "assert"}; }
      if (/[1-9]/.test(d)) {
        const digits = /^\d+/.exec(source.slice(i + 1))[0];
        if (Number(digits) <= groups) { i += 1 + digits.length; return {type: "backref", ref: Number(digits)}; }
      }
      if (d === "k" && source[i + 2] === "<") { i = source.indexOf(">", i) + 1; return {type: "backref", ref: null}; }
      if ((d === "p" || d === "P") && unicode && source[i + 2] === "{") i = source.indexOf("}", i) + 1;
      else if (d === "u" && unicode && source[i + 2] === "{") i = source.indexOf("}", i) + 1;
      else if (d === "u" && /^[0-9a-fA-F]{4}/.test(source.slice(i + 2))) i += 6;
      else if (d === "x" && /^[0-9a-fA-F]{2}/.test(source.slice(i + 2))) i += 4;
      else if (d === "c" && /[A-Za-z]/.test(source[i + 2] || "")) i += 3;
      else i += 2;
      return charAtom(source.slice(start, i), flags);
    }
    i += unicode ? String.fromCodePoint(source.codePointAt(i)).length : 1;
    return charAtom(source.slice(start, i), flags);
  }
  function quantified(node) {
    const c = source[i];
    let min;
    let max;
    if (c === "*") { min = 0; max = Infinity; i += 1; }
    else if (c === "+") { min = 1; max = Infinity; i += 1; }
    else if (c === "?") { min = 0; max = 1; i += 1; }
    else if (c === "{") {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(source.slice(i));
      if (!m) return node;
      min = Number(m[1]);
      max = m[2] === undefined ? min : m[3] === "" ? Infinity : Number(m[3]);
      i += m[0].length;
    } else {
      return node;
    }
    if (source[i] === "?") i += 1;
    return {type: "quant", min, max, body: node};
  }
  return alternation();
}

/** A string the node matches (variant `v` picks other alternatives and characters). */
function sample(node, v, captured) {
  switch (node.type) {
    case "seq": return node.items.map((item) => sample(item, v, captured)).join("");
    case "alt": return sample(node.alts[v % node.alts.length], v, captured);
    case "group": {
      if (node.kind === "look") return "";
      const text = sample(node.body, v, captured);
      if (node.index) captured.set(node.index, text);
      return text;
    }
    case "quant": {
      const times = Math.min(Math.max(node.min, 1), node.max);
      let text = "";
      for (let n = 0; n < times; n += 1) text += sample(node.body, v + n, captured);
      return text;
    }
    case "char": return node.accepts.length ? node.accepts[v % node.accepts.length] : "";
    case "backref": return captured.get(node.ref) || "";
    default: return "";
  }
}

function atoms(node, out = []) {
  if (node.type === "char") out.push(node);
  else if (node.type === "seq") node.items.forEach((item) => atoms(item, out));
  else if (node.type === "alt") node.alts.forEach((alt) => atoms(alt, out));
  else if (node.type === "group" || node.type === "quant") atoms(node.body, out);
  return out;
}

/** Each quantifier with a string that leads a match up to it. */
function quantifiers(node, prefix, captured, out = []) {
  if (node.type === "seq") {
    let lead = prefix;
    for (const item of node.items) {
      quantifiers(item, lead, captured, out);
      lead += sample(item, 0, captured);
    }
  } else if (node.type === "alt") {
    node.alts.forEach((alt) => quantifiers(alt, prefix, captured, out));
  } else if (node.type === "group") {
    quantifiers(node.body, prefix, captured, out);
  } else if (node.type === "quant") {
    if (node.max > 1) out.push({node, prefix});
    quantifiers(node.body, prefix, captured, out);
  }
  return out;
}

/** The adversarial inputs of a pattern: {head, unit, tail, what}, the unit repeated to length. */
function adversarialInputs(tree) {
  const inputs = new Map();
  const add = (head, unit, tail, what) => {
    if (!unit) return;
    const key = JSON.stringify([head, unit, tail]);
    if (!inputs.has(key)) inputs.set(key, {head, unit, tail, what});
  };
  const all = atoms(tree);
  const accepted = [...new Set(all.flatMap((a) => a.accepts))];
  const rejected = [...new Set(all.flatMap((a) => a.rejects))];
  const enders = [...new Set(["", "\n", "\u2028", "x", "!", "\u0000", " ", ...rejected.slice(0, 3)])];

  // Runs of each character the atoms accept or reject, of spaces and of newlines, alone or ended
  // by a character that fails; two accepted characters alternating.
  const some = pick(accepted, 8);
  for (const c of [...new Set([...all.map((a) => a.accepts[0]).filter(Boolean), ...some, ...rejected, " ", "\n", "\t"])]) {
    for (const tail of ["", "\n", "x", "\u2028", ...rejected.slice(0, 2)]) add("", c, tail, "run");
  }
  for (const a of some) for (const b of some) if (a < b) add("", a + b, "", "alternating");
  for (const atom of all) {
    const [a, b] = atom.accepts;
    if (b !== undefined) for (const tail of enders) add("", a + b, tail, "alternating");
  }
  // The pattern's own sample matches, repeated bare, by lines and between spaces.
  for (let v = 0; v < 3; v += 1) {
    const match = sample(tree, v, new Map());
    for (const sep of ["", "\n", " "]) add("", match + sep, "", "sample match repeated");
    if (match.length > 1) add("", match.slice(0, -1), "", "sample match without its last character, repeated");
  }
  // For each quantifier: what leads to it, then a long run of what it repeats, then a failure;
  // and the lead repeated (each start of a match that then fails).
  for (const {node, prefix} of quantifiers(tree, "", new Map())) {
    const inner = atoms(node.body);
    const pumps = new Set();
    for (let v = 0; v < 3; v += 1) pumps.add(sample(node.body, v, new Map()));
    for (const atom of inner) for (const c of atom.accepts.slice(0, 3)) pumps.add(c);
    for (let n = 0; n + 1 < inner.length; n += 1) pumps.add((inner[n].accepts[0] || "") + (inner[n + 1].accepts[0] || ""));
    const tails = [...new Set([...enders, ...inner.flatMap((a) => a.rejects.slice(0, 1))])];
    for (const pump of pumps) for (const tail of tails) add(prefix, pump, tail, "lead, run of the quantifier's text, failure");
    if (prefix) {
      add("", prefix, "", "lead of a match repeated");
      add("", prefix + sample(node.body, 0, new Map()), "", "lead and one repetition, repeated");
    }
  }
  return [...inputs.values()];
}

// ---------------------------------------------------------------------------------------------
// Timing (worker).

// Small steps first (a pattern whose cost doubles with each character is caught before it hangs),
// then doubling: a quadratic pattern is caught within 4 times the limit, a cubic one within 8.
const LENGTHS = [16, 20, 24, 28, 32, 48, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536, 102400];

function describe(input, length) {
  const times = Math.ceil(Math.max(0, length - input.head.length - input.tail.length) / input.unit.length);
  const part = (s) => JSON.stringify(s);
  return `${input.head ? `${part(input.head)} + ` : ""}${part(input.unit)} × ${times}${input.tail ? ` + ${part(input.tail)}` : ""}`
    + ` (${input.what})`;
}

function build(input, length) {
  const times = Math.ceil(Math.max(0, length - input.head.length - input.tail.length) / input.unit.length);
  return input.head + input.unit.repeat(times) + input.tail;
}

const MEASURABLE_MS = 0.02;

/**
 * Whether a longer text could still take `limitMs`: this time scaled to `maxLength` by the power
 * of the length its times grew with so far (at least 2, 3 before two times could be measured),
 * with a margin of 2. A linear pattern stops growing after a few thousand characters; one whose
 * cost grows faster is taken on to the length where it is slow.
 */
function growsToLimit(ms, length, previous, maxLength, limitMs) {
  if (ms < MEASURABLE_MS) return true;
  let power = 3;
  if (previous) power = Math.max(2, Math.log(ms / previous[1]) / Math.log(length / previous[0]));
  return ms * (maxLength / length) ** power >= limitMs / 2;
}

function fuzzPattern({source, flags, scans}, {limitMs, maxLength}) {
  const tree = parseRegex(source, flags);
  const inputs = adversarialInputs(tree);
  const exec = new RegExp(source, flags);
  const scan = flags.includes("g") || flags.includes("y") || scans
    ? new RegExp(source, flags.replace(/[gy]/g, "") + "g") : null;
  const ops = [["exec", (text) => { exec.lastIndex = 0; return exec.exec(text); }]];
  if (scan) ops.push(["full replace pass", (text) => text.replace(scan, "")]);
  const time = (fn, text) => {
    const start = performance.now();
    fn(text);
    return performance.now() - start;
  };
  const started = performance.now();
  const slow = [];
  let executions = 0;
  for (const input of inputs) {
    const previous = new Map();  // op -> [length, ms] of the last time that could be measured
    let grow = true;
    for (const length of LENGTHS.filter((n) => n <= maxLength)) {
      if (!grow) break;
      const text = build(input, length);
      grow = false;
      for (const [op, fn] of ops) {
        parentPort.postMessage({type: "running", op, input: describe(input, length), length: text.length});
        let ms = time(fn, text);
        executions += 1;
        // Another process may have held the CPU: the best of three runs is the pattern's own time.
        if (ms > limitMs && ms < 10 * limitMs) ms = Math.min(ms, time(fn, text), time(fn, text));
        if (ms > limitMs) {
          // Rounded up: a time judged over the limit is never reported as the limit itself (100.3 → 101).
          slow.push({op, input: describe(input, length), length: text.length, ms: Math.ceil(ms), finished: true});
          break;
        }
        if (growsToLimit(ms, text.length, previous.get(op), maxLength, limitMs)) grow = true;
        if (ms >= MEASURABLE_MS) previous.set(op, [text.length, ms]);
      }
      if (slow.length) break;
    }
    if (slow.length) break;  // one input shows the pattern is slow; the others would cost seconds each
  }
  return {inputs: inputs.length, executions, slow, ms: Math.round(performance.now() - started)};
}

if (!isMainThread) {
  parentPort.on("message", ({pattern, options}) => {
    parentPort.postMessage({type: "done", result: fuzzPattern(pattern, options)});
  });
}

// ---------------------------------------------------------------------------------------------
// The run (main thread): patterns spread over a few workers, each watched for a pattern that hangs.

function fuzzAll(patterns, options) {
  return new Promise((resolve) => {
    const results = new Array(patterns.length);
    let next = 0;
    let done = 0;
    const finish = (index, result) => {
      results[index] = result;
      done += 1;
      if (done === patterns.length) resolve(results);
    };
    // A worker fuzzes one pattern after another; one that stops answering (a pattern that does not
    // return) is ended and replaced, its pattern reported with what it was running.
    const startWorker = () => {
      const worker = new Worker(new URL(import.meta.url));
      let task = null;
      let last = null;
      let heard = Date.now();
      const give = () => {
        if (next >= patterns.length) {
          clearInterval(watchdog);
          worker.terminate();
          return;
        }
        task = next;
        next += 1;
        last = {op: "exec", input: "(starting)", length: 0};
        heard = Date.now();
        worker.postMessage({pattern: patterns[task], options});
      };
      const watchdog = setInterval(() => {
        if (Date.now() - heard < options.hangSeconds * 1000) return;
        clearInterval(watchdog);
        worker.removeAllListeners();
        worker.terminate();
        finish(task, {inputs: 0, executions: 0, slow: [{...last, ms: Date.now() - heard, finished: false}]});
        if (next < patterns.length) startWorker();
      }, 100);
      worker.on("message", (message) => {
        heard = Date.now();
        if (message.type === "running") {
          last = {op: message.op, input: message.input, length: message.length};
          return;
        }
        finish(task, message.result);
        give();
      });
      worker.on("error", (error) => {
        clearInterval(watchdog);
        finish(task, {inputs: 0, executions: 0, slow: [], error: String(error?.stack || error)});
        if (next < patterns.length) startWorker();
      });
      give();
    };
    if (!patterns.length) resolve(results);
    const size = Math.max(1, Math.min(availableParallelism(), 4, patterns.length));
    for (let n = 0; n < size; n += 1) startWorker();
  });
}

async function main() {
  const started = performance.now();
  const request = JSON.parse(readFileSync(0, "utf8"));
  const options = {limitMs: request.limit_ms ?? 100, hangSeconds: request.hang_seconds ?? 5,
    maxLength: request.max_length ?? 102400};
  const {files, patterns, dynamic} = findPatterns(request.root);
  const results = await fuzzAll(patterns, options);
  const slow = [];
  const errors = [];
  results.forEach((result, n) => {
    const {file, line, source, flags} = patterns[n];
    for (const found of result.slow) slow.push({file, line, source, flags, ...found});
    Object.assign(patterns[n], {inputs: result.inputs, ms: result.ms});
    if (result.error) errors.push({file, line, source, flags, error: result.error});
  });
  process.stdout.write(JSON.stringify({
    files, patterns, dynamic, slow, errors,
    inputs: results.reduce((sum, r) => sum + r.inputs, 0),
    executions: results.reduce((sum, r) => sum + r.executions, 0),
    seconds: Math.round(performance.now() - started) / 1000,
  }, null, 1));
}

if (isMainThread) await main();
