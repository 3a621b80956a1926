// The Versions panel's words (views/versions.js): a refresh's progress and how it ended, a version's
// commit and cost. Pure: answers of GET …/refresh and GET …/versions in, sentences out.

const STAGE_COUNT = 4;

/** 1 → "1 document", 3 → "3 documents". */
export function counted(n, word, many = `${word}s`) {
  const number = Number(n) || 0;
  return `${number.toLocaleString("en")} ${number === 1 ? word : many}`;
}

/** "the repository has not changed" → "The repository has not changed." */
export function sentence(text) {
  const trimmed = String(text || "").trim();
  if (!trimmed) return "";
  const capital = trimmed[0].toUpperCase() + trimmed.slice(1);
  return /[.!?]$/.test(capital) ? capital : `${capital}.`;
}

/**
 * `message` without its closing "; the current version stays." (any case, the separator, the stop
 * and the whitespace optional): what .replace(/[;,]?\s*the current version stays\.?\s*$/i, "") did.
 * The whitespace and separator before the phrase are found by hand: that pattern retried a run of
 * spaces from each of its characters (seconds on a long message).
 */
function withoutEnding(message) {
  const ending = /the current version stays\.?\s*$/i.exec(message);
  if (!ending) return message;
  let start = ending.index;
  while (start > 0 && /\s/.test(message[start - 1])) start -= 1;
  if (start > 0 && ";,".includes(message[start - 1])) start -= 1;
  return message.slice(0, start);
}

/** What a version cost, e.g. "3 documents analysed, 2 from the cache; 1 module written, 4 kept; 12 provider calls". */
export function costWords(cost) {
  if (!cost) return "";
  const analysed = `${counted(cost.documents_analysed, "document")} analysed`
    + (cost.cache_hits ? `, ${Number(cost.cache_hits).toLocaleString("en")} from the cache` : "");
  const written = `${counted(cost.modules_written, "module")} written`
    + (cost.modules_reused ? `, ${Number(cost.modules_reused).toLocaleString("en")} kept` : "");
  let calls = cost.calls ? counted(cost.calls, "provider call") : "no provider calls";
  if (cost.input_tokens || cost.output_tokens) {
    calls += ` (${counted(cost.input_tokens, "token")} in, ${Number(cost.output_tokens || 0).toLocaleString("en")} out)`;
  }
  return `${analysed}; ${written}; ${calls}`;
}

/** "Commit 3f2a9c1 (main)": the first seven hex digits, as git abbreviates. */
export function commitWords(version) {
  if (!version?.commit_sha) return "";
  const ref = version.ref ? ` (${version.ref})` : "";
  return `Commit ${version.commit_sha.slice(0, 7)}${ref}`;
}

/** A running refresh: "Refreshing — stage 2 of 4, analysing the documents: Analysing docs/a.md". */
export function progressWords(status) {
  const number = Number(String(status?.stage || "stage1").slice(-1)) || 1;
  return `Refreshing — stage ${number} of ${STAGE_COUNT}, ${status?.step || "waiting to start"}`;
}

/** The number of the version that is current now, from GET …/versions' list (newest first). */
export function currentNumber(versions) {
  return (versions || []).find((v) => v.current)?.version ?? versions?.[0]?.version ?? null;
}

/**
 * How a refresh ended, in plain words: {kind: success|info|error|warning, headline, detail,
 * toStage3} — or null while it runs or when there has been none.
 */
export function outcomeWords(status, versions) {
  const current = currentNumber(versions);
  const message = String(status?.message || "");
  switch (status?.status) {
    case "NEW_VERSION": {
      const written = (versions || []).find((v) => v.version === status.version);
      const what = written?.summary || "its changelog is in the list below";
      return {kind: "success", headline: `Version ${status.version} written: ${what}`, detail: "", toStage3: false};
    }
    case "UNCHANGED":
      return {kind: "info", headline: `Nothing changed since version ${current ?? "1"}`,
        detail: sentence(message), toStage3: false};
    case "FAILED": {
      // The gateway ends its message with what the headline already says.
      const reason = withoutEnding(message).trim() || "no reason was given";
      return {kind: "error", headline: `Refresh failed: ${reason} — version ${current ?? "1"} stays current`,
        detail: "", toStage3: false};
    }
    case "NEEDS_CHOICE":
      return {kind: "warning",
        headline: "The documentation changed too much to keep your pathway: choose one of the new pathways",
        detail: sentence(message), toStage3: true};
    default:
      return null;
  }
}

/** Why the refresh button cannot be used now, or "" when it can. */
export function refreshBlockedReason(refreshRunning, runningStage) {
  if (refreshRunning) return "A refresh is running: its progress is shown below.";
  if (runningStage) return `Stage ${runningStage.slice(-1)} is running; refresh once it has finished.`;
  return "";
}
