// The gateway's messages are written for API clients ("POST stage1-selections", "repo_url: …",
// pydantic's "String should match pattern '…'"). The page says the same things in the words of
// its forms: the labels the user sees, the actions the user can take.

/** The label each API field has in the forms, so a message names what the user can see. */
export const FIELD_LABELS = {
  repo_url: "Repository URL",
  ref: "Branch, tag or commit",
  include: "Only include",
  exclude: "Exclude",
  token: "Access token",
  selected_folders: "Folders to teach from",
  overview_document: "Overview document",
  complexity_level: "Audience level",
  additional_info: "Anything else to consider",
  pathway_count: "How many pathways",
  selected_pathway_id: "Pathway",
  title: "Title",
  description: "Description",
  user_id: "Sign in as",
};

// API actions named in messages, and what the user does in the page instead.
const ACTIONS = [
  [/POST stage1-selections with [a-z_]+ first/g, "save a folder selection in stage 1 first"],
  [/POST stage1-selections before/g, "save a folder selection in stage 1 before"],
  [/POST stage3-selections with [a-z_]+ first/g, "choose a pathway in stage 3 first"],
  [/POST stage3-selections/g, "choose a pathway in stage 3"],
];

// pydantic's phrases, as a person would say them.
const PHRASES = [
  [/^String should match pattern .*$/, "contains characters that are not allowed here"],
  [/^String should have at least 1 character$/, "cannot be empty"],
  [/^String should have at most (\d+) characters?$/, "is too long (at most $1 characters)"],
  [/^List should have at least 1 item.*$/, "needs at least one entry"],
  [/^List should have at most (\d+) items?.*$/, "has too many entries (at most $1)"],
  [/^Input should be greater than or equal to (\S+)$/, "must be at least $1"],
  [/^Input should be less than or equal to (\S+)$/, "must be at most $1"],
  [/^Input should be a valid integer.*$/, "must be a whole number"],
  [/^Field required$/, "is required"],
  [/^Extra inputs are not permitted$/, "is not expected here"],
];

// Asides naming an endpoint ("(POST analyze-repository)") or a task ("(task 3f2a…)").
const ENDPOINT_ASIDES = ["(POST ", "(GET ", "(PUT ", "(DELETE "];
const TASK_ASIDES = ["(task "];
const SPACE = /\s/;

/**
 * `text` without the asides opened by one of `openers`, each up to the next ")", nor the whitespace
 * before them: what .replace(/\s*\((?:POST|GET|PUT|DELETE) [^)]*\)/g, "") did. Scanned, since that
 * pattern retried a run of spaces from each of its characters and read to the end of the text again
 * from each aside that no ")" closes (seconds on a long message).
 */
function withoutAsides(text, openers) {
  let kept = "";
  let from = 0;
  for (let open = text.indexOf("("); open >= 0; open = text.indexOf("(", open + 1)) {
    if (!openers.some((opener) => text.startsWith(opener, open))) continue;
    const close = text.indexOf(")", open + 1);
    if (close < 0) break;  // no later aside is closed either
    let start = open;
    while (start > from && SPACE.test(text[start - 1])) start -= 1;
    kept += text.slice(from, start);
    from = close + 1;
    open = close;
  }
  return kept + text.slice(from);
}

/** An API message without endpoint names, task ids or "Value error, ". */
export function userWords(text) {
  let result = String(text || "").replace(/^Value error, /, "");
  for (const [pattern, words] of ACTIONS) result = result.replace(pattern, words);
  return withoutAsides(withoutAsides(result, ENDPOINT_ASIDES), TASK_ASIDES)
    .replace(/\b(?:POST|GET|PUT|DELETE) [a-z0-9/_-]+/g, "the request")
    .trim();
}

/** One pydantic message ("String should have at most 200 characters") in plain words. */
export function plainPhrase(message) {
  const text = userWords(message);
  for (const [pattern, words] of PHRASES) if (pattern.test(text)) return text.replace(pattern, words);
  return text;
}

export function labelOf(fieldName) {
  return FIELD_LABELS[fieldName] || fieldName.replace(/_/g, " ");
}

/**
 * The per-field messages in an error's detail: FastAPI's list of {loc, msg}, or a string that
 * starts with a field name ("repo_url: the host is not allowed"). {field: message} in user words.
 */
export function fieldMessages(detail) {
  const fields = {};
  if (Array.isArray(detail)) {
    for (const item of detail) {
      const name = (item?.loc || []).filter((part) => part !== "body" && part !== "query")
        .find((part) => typeof part === "string");
      if (name) fields[name] = fields[name] || plainPhrase(item.msg || "is not valid");
    }
  } else if (typeof detail === "string") {
    const match = /^([a-z][a-z_]*): (.+)$/s.exec(detail);
    if (match && match[1] in FIELD_LABELS) fields[match[1]] = userWords(match[2]);
  }
  return fields;
}

/** The whole detail as one sentence: field names become the form's labels. */
export function detailSentence(detail) {
  if (typeof detail === "string") {
    const fields = fieldMessages(detail);
    const [name] = Object.keys(fields);
    return name ? `${labelOf(name)}: ${fields[name]}` : userWords(detail);
  }
  if (Array.isArray(detail)) {
    return detail.map((item) => {
      const name = (item?.loc || []).filter((part) => part !== "body" && part !== "query")
        .find((part) => typeof part === "string");
      const message = plainPhrase(item?.msg || "is not valid");
      return name ? `${labelOf(name)}: ${message}` : message;
    }).join("; ");
  }
  if (detail && typeof detail === "object") return JSON.stringify(detail);
  return "";
}
